#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `lttng start` refuses a session whose user-space ring buffers cannot fit in the
# shared-memory mount (sub-buffer size x count x possible CPUs x owners), with an
# error the user sees, instead of starting a session that records nothing. Private
# namespace with a deliberately small /dev/shm. Prints TAP and a summary.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}

exec timeout 120 unshare --mount --pid --fork --mount-proc --propagation private bash -s "$ours" <<'INNER'
set -u
ours=$1
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs -o size=1m tmpfs /dev/shm || exit 1
export HOME=$(mktemp -d)
n=0 pass=0 fail=0
check() { local what=$1; shift; n=$((n + 1));
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1)); else echo "not ok $n - $what"; fail=$((fail + 1)); fi; }

"$ours" --daemonize --no-kernel 2>"$HOME/daemon.log" </dev/null
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create big >/dev/null
lttng enable-channel -u ch --subbuf-size 1M --num-subbuf 4 >/dev/null
out=$(lttng start 2>&1)
rc=$?
check "start of 1 MiB x 4 sub-buffers on a 1 MiB /dev/shm fails" test "$rc" -ne 0
check "with a message" grep -q "Error" <<<"$out"
check "the session stays inactive" bash -c "lttng list | grep -q 'big \\[inactive\\]'"
lttng create small >/dev/null
lttng enable-channel -u ch --subbuf-size 4k --num-subbuf 2 >/dev/null
check "start of 4 KiB x 2 sub-buffers succeeds" bash -c "lttng start small >/dev/null"
mkdir -p "$HOME/bigshm"
mount -t tmpfs -o size=64m tmpfs "$HOME/bigshm"
lttng create big2 --shm-path "$HOME/bigshm" >/dev/null
lttng enable-channel -u ch --subbuf-size 1M --num-subbuf 4 >/dev/null
check "a larger --shm-path lets the big session start" bash -c "lttng start big2 >/dev/null"
mkdir -p "$HOME/tinyshm"
mount -t tmpfs -o size=256k tmpfs "$HOME/tinyshm"
lttng create big3 --shm-path "$HOME/tinyshm" >/dev/null
lttng enable-channel -u ch --subbuf-size 1M --num-subbuf 4 >/dev/null
check "a too small --shm-path (not created yet) is measured too" bash -c "! lttng start big3 2>/dev/null"
kill -TERM "$sd"
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
INNER
