#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs lttng-api.py against Debian's lttng-sessiond and ours, each in a private
# mount + PID namespace, and compares the transcripts. Prints TAP and a summary.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run_one() { # $1 = daemon binary, $2 = transcript file
	timeout 120 unshare --mount --pid --fork --mount-proc --propagation private bash -c '
		set -u
		mkdir -p /var/run/lttng
		mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm || exit 90
		export HOME=$(mktemp -d) && unset LTTNG_HOME
		"$1" --daemonize --no-kernel || exit 91
		pid=$(cat /var/run/lttng/lttng-sessiond.pid)
		/usr/bin/python3 "$2"
		kill -TERM "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	' _ "$1" "$here/lttng-api.py" >"$2" 2>&1
}

run_one /usr/bin/lttng-sessiond "$out/real.txt"
run_one "$ours" "$out/ours.txt"
echo "1..2"
if [ -s "$out/real.txt" ] && grep -q '^create 0$' "$out/real.txt"; then
	echo "ok 1 - python3-lttng drives the real daemon"
	p=1 f=0
else
	echo "not ok 1 - python3-lttng drives the real daemon"; sed 's/^/# /' "$out/real.txt"
	p=0 f=1
fi
if diff -u "$out/real.txt" "$out/ours.txt" >"$out/diff"; then
	echo "ok 2 - python3-lttng transcript identical with our daemon"
	p=$((p + 1))
else
	echo "not ok 2 - python3-lttng transcript differs"; sed 's/^/# /' "$out/diff"
	f=$((f + 1))
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
