#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# End-to-end check of the consumer's trace writers against LTTng's own output.
#
# Records two short traces with Debian's real lttng-sessiond / lttng-consumerd (in a
# private mount + PID namespace, tmpfs on /var/run/lttng and /dev/shm): one plain, one
# with --tracefile-size 8192 --tracefile-count 3 so that it rolls over and wraps.
# Then rebuilds each channel directory through our stream_file / metadata_file (the
# tool modes of test-consumer-files) and checks:
#   * every stream file and index file is byte-identical to LTTng's (diff -r),
#     including the rollover names and the wrap-around;
#   * the metadata file rebuilt from LTTng's own pushes has the same packet headers
#     and text as LTTng's (padding: zeros here, stale bytes there);
#   * babeltrace2 prints the rebuilt traces exactly as the real ones, both with that
#     metadata and with the TSDL text printed by `babeltrace2 --output-format=ctf-metadata`
#     appended in one go.
#
# Usage: consumer-files-roundtrip.sh [test-consumer-files binary] [lttng-sample-app]
# Exit 77 (skip) when not root or when the real LTTng tools are missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tool=${1:-$here/../../build/tests/unit/test-consumer-files}
app=${2:-$here/../../build/tests/apps/sample/lttng-sample-app}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (namespaces, tmpfs mounts)"
	exit 77
fi
for cmd in lttng lttng-sessiond babeltrace2 unshare; do
	if ! command -v "$cmd" >/dev/null; then
		echo "SKIP: $cmd not installed"
		exit 77
	fi
done
for f in "$tool" "$app"; do
	[ -x "$f" ] || { echo "missing $f (build first)"; exit 1; }
done

work=$(mktemp -d /tmp/consumer-files-roundtrip-XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. Real traces.
if ! timeout 120 unshare --mount --pid --fork --mount-proc bash -s "$work" "$app" \
	>"$work/record.log" 2>&1 <<'EOF'
set -eu
work=$1 app=$2
mkdir -p /var/run/lttng
mount -t tmpfs none /var/run/lttng
mount -t tmpfs none /dev/shm
export HOME=$work/home LTTNG_HOME=$work/home
mkdir -p "$HOME"
lttng-sessiond --daemonize
lttng create plain -o "$work/real-plain"
lttng enable-event -u -a
lttng start
"$app" -n 2 -t 2
lttng stop
lttng destroy
lttng create rot -o "$work/real-rot"
lttng enable-channel -u --subbuf-size 4096 --num-subbuf 4 --tracefile-size 8192 --tracefile-count 3 c
lttng enable-event -u -a -c c
lttng start
"$app" -n 200 -t 1 -s 1000
lttng stop
lttng destroy
EOF
then
	cat "$work/record.log"
	echo "FAIL: recording the real traces"
	exit 1
fi

failures=0
check() { # description, command...
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		failures=$((failures + 1))
	fi
}

# Same events on stdout, same warnings (e.g. discarded events) on stderr once the
# directory names in them are set aside.
bt_same() { # real-dir ours-dir
	babeltrace2 "$1" >"$work/bt-real.out" 2>"$work/bt-real.err" || return 1
	babeltrace2 "$2" >"$work/bt-ours.out" 2>"$work/bt-ours.err" || return 1
	sed -i "s|$1|DIR|g" "$work/bt-real.err"
	sed -i "s|$2|DIR|g" "$work/bt-ours.err"
	[ -s "$work/bt-real.out" ] &&
		diff -u "$work/bt-real.out" "$work/bt-ours.out" >&2 &&
		diff -u "$work/bt-real.err" "$work/bt-ours.err" >&2
}

# 2. Rebuild each channel directory of a real trace.
rebuild() { # real-trace-root name tracefile-size tracefile-count
	local root=$1 name=$2 size=$3 count=$4
	local chan
	chan=$(dirname "$(find "$root" -name metadata -type f | head -n 1)")
	local ours=$work/ours-$name
	mkdir -p "$ours/copy" "$ours/text"
	# Stream bases: file names without the _<n> suffix when rolling over.
	local bases
	if [ "$size" = 0 ]; then
		bases=$(cd "$chan" && ls | grep -v -e '^metadata$' -e '^index$')
	else
		bases=$(cd "$chan" && ls | grep -v -e '^metadata$' -e '^index$' | sed 's/_[0-9]*$//' | sort -u)
	fi
	local b
	for b in $bases; do
		"$tool" --copy-stream "$ours/copy" "$chan" "$b" "$size" "$count" || return 1
		"$tool" --copy-stream "$ours/text" "$chan" "$b" "$size" "$count" || return 1
	done
	check "$name: $(echo $bases | wc -w) stream(s): stream and index files identical to LTTng's" \
		diff -r --exclude=metadata "$chan" "$ours/copy"
	"$tool" --metadata-copy "$ours/copy" "$chan/metadata" || return 1
	check "$name: metadata rebuilt from LTTng's pushes: same headers and text" \
		"$tool" --metadata-compare "$chan/metadata" "$ours/copy/metadata"
	check "$name: metadata file sizes equal" \
		[ "$(stat -c %s "$chan/metadata")" = "$(stat -c %s "$ours/copy/metadata")" ]
	check "$name: babeltrace2 prints the rebuilt trace as the real one" \
		bt_same "$chan" "$ours/copy"
	babeltrace2 --output-format=ctf-metadata "$chan" >"$work/$name.tsdl"
	"$tool" --metadata-text "$ours/text" "$chan/metadata" "$work/$name.tsdl" || return 1
	check "$name: babeltrace2 prints it the same with the printed TSDL as metadata" \
		bt_same "$chan" "$ours/text"
	check "$name: file modes" \
		[ "$(find "$ours/copy" -type f ! -perm 0660 | wc -l)" = 0 ]
}

rebuild "$work/real-plain" plain 0 0 || failures=$((failures + 1))
rebuild "$work/real-rot" rot 8192 3 || failures=$((failures + 1))
# The first entry's packet_seq_num (bytes 80..87 of the index) of a wrapped _0 file
# is not 0: its first packets were overwritten.
first_seq() { od -An -tx1 -j80 -N8 "$1" | tr -d ' \n'; }
wrapped() {
	local idx
	for idx in $(find "$work/real-rot" -name 'c_*_0.idx'); do
		[ "$(first_seq "$idx")" != 0000000000000000 ] && [ -n "$(first_seq "$idx")" ] && return 0
	done
	return 1
}
check "rot: LTTng's trace did wrap (a c_<cpu>_0 file no longer starts at sequence 0)" wrapped

if [ "$failures" != 0 ]; then
	echo "FAIL: $failures check(s)"
	exit 1
fi
echo "PASS"
