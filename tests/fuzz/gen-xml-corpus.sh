#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Writes seeds of the session_xml_load fuzz target: session files saved by Debian's
# lttng-sessiond 2.13 (`lttng save`), one small session per file, each feature of the
# format in at least one of them. Runs the real daemon as root in private mount and
# PID namespaces (tmpfs on /var/run/lttng and /dev/shm), like tests/xml.
#
# Usage: tests/fuzz/gen-xml-corpus.sh [CORPUS_DIR]  (default tests/fuzz/corpus/session_xml_load)
# Seeds are written as seed-real-<session>.lttng; other files are left alone.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=$(readlink -f "${1:-$here/corpus/session_xml_load}")
real_sessiond=${REAL_SESSIOND:-/usr/bin/lttng-sessiond}

if [[ ${GENXML_INSIDE:-} != 1 ]]; then
	((EUID == 0)) || { echo "gen-xml-corpus: must run as root" >&2; exit 1; }
	[[ -x $real_sessiond ]] || { echo "gen-xml-corpus: no $real_sessiond" >&2; exit 1; }
	mkdir -p "$dest"
	base=$(mktemp -d /tmp/gen-xml.XXXXXX) || exit 1
	# The daemons die with the PID namespace, the mounts with the mount namespace.
	GENXML_INSIDE=1 GENXML_BASE=$base unshare --mount --pid --fork --mount-proc \
		--propagation private bash "${BASH_SOURCE[0]}" "$dest"
	rc=$?
	rmdir "$base"
	exit $rc
fi

base=$GENXML_BASE
mount -t tmpfs gen-xml "$base"
mkdir -p /var/run/lttng
mount -t tmpfs -o mode=0755 gen-xml-run /var/run/lttng
mount -t tmpfs -o mode=1777 gen-xml-shm /dev/shm
export HOME=$base/home LTTNG_HOME=$base/home LC_ALL=C
export LTTNG_SESSIOND_PATH=/bin/false
W=/tmp/lttng-fuzz # paths written into the files
mkdir -p "$HOME"
"$real_sessiond" --background >"$base/daemon.log" 2>&1 || exit 1
for ((i = 0; i < 100; i++)); do
	[[ -S /var/run/lttng/client-lttng-sessiond ]] && break
	sleep 0.05
done

{
	lttng create local -o "$W/local"
	lttng enable-channel -u ch --subbuf-size 16384 --num-subbuf 8 --overwrite \
		--switch-timer 1000 --read-timer 2000 --tracefile-size 65536 --tracefile-count 3 \
		--monitor-timer 5000
	lttng enable-event -u 'tp:a' -c ch --loglevel TRACE_INFO --filter 'v > 1 && s == "a<b&c"'
	lttng enable-event -u 'x:*' -c ch --exclude 'x:y,x:z' --loglevel-only TRACE_DEBUG
	lttng add-context -u -c ch -t vpid -t procname

	lttng create contexts --no-output
	lttng enable-channel -u c
	lttng add-context -u -c c -t vtid -t perf:thread:cpu-cycles -t '$app.prov:ctx' -t ip

	lttng create disabled --no-output
	lttng enable-channel -u ch2 --blocking-timeout 10
	lttng enable-event -u b -c ch2
	lttng disable-event -u b -c ch2
	lttng disable-channel -u ch2

	lttng create trackers --no-output
	lttng enable-event -u -a
	lttng track -u --vpid 10,20
	lttng track -u --vuid root
	lttng untrack -u --vgid --all

	lttng create rotation -o "$W/rotation"
	lttng enable-event -u -a
	lttng enable-rotation --timer 10s --size 1M

	lttng create snapshot --snapshot -o "$W/snapshot"
	lttng enable-channel -u ch --buffers-pid --blocking-timeout inf
	lttng enable-event -u -a -c ch

	lttng create snapshot-net --snapshot --no-output
	lttng snapshot add-output -s snapshot-net -n myout -m 1M net://localhost:7000:7001/abc

	lttng create network -U net://localhost/sub/dir
	lttng create network6 -U 'net6://[::1]:5342:5343'
	lttng create live --live 2000000 -U net://localhost

	lttng create shm --shm-path "$W/shm" -o "$W/shm-out"
	lttng enable-event -u -a
	lttng track -u --vgid 0

	lttng create agents --no-output
	lttng enable-event -j 'my.logger' --loglevel JUL_INFO
	lttng enable-event -l 'log4j.logger' --loglevel-only LOG4J_WARN
	lttng enable-event -p 'py.logger' --filter 'msg == "x"'

	lttng create per-pid -o "$W/per-pid"
	lttng enable-channel -u --buffers-pid chan --subbuf-size 4096 --num-subbuf 2
	lttng enable-event -u 'a:b' -c chan
	lttng enable-event -u 'a:c' -c chan
} >"$base/commands.log" 2>&1

lttng save -a -o "$base/saved" >>"$base/commands.log" 2>&1
n=0
for f in "$base"/saved/*.lttng; do
	install -m 0644 "$f" "$1/seed-real-$(basename "$f")"
	n=$((n + 1))
done
echo "gen-xml-corpus: $n session files from $real_sessiond in $1"
[[ $n -gt 0 ]] || { cat "$base/commands.log" "$base/daemon.log" >&2; exit 1; }
