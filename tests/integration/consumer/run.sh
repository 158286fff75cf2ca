#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Supervision of our lttng-consumerd by our lttng-sessiond: spawned on the first
# user-space command of a session, spawned again after it dies, refused cleanly when
# its binary is missing (LTTng's error 68), and gone when the session daemon exits.
# Runs in a private mount + PID namespace. Prints TAP and "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}

exec timeout 120 unshare --mount --pid --fork --mount-proc --propagation private bash -s "$ours" <<'INNER'
set -u
ours=$1
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm || exit 1
export HOME=$(mktemp -d)
n=0 pass=0 fail=0
check() { # $1 = description, rest = command
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1));
	else echo "not ok $n - $what"; fail=$((fail + 1)); fi
}
consumer_pids() { ps -e -o pid=,ppid=,comm= | awk -v p="$1" '$2 == p && $3 == "lttng-consumerd" { print $1 }'; }

"$ours" --daemonize --no-kernel 2>"$HOME/daemon.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create s >/dev/null
check "no consumer before a user-space command" test -z "$(consumer_pids "$sd")"
lttng enable-event -u a >/dev/null
first=$(consumer_pids "$sd")
check "consumer spawned by the first user-space command" test -n "$first"
check "its command socket exists" test -S /var/run/lttng/ustconsumerd64/command
kill -KILL "$first"
sleep 0.3
check "session daemon survives the consumer's death" kill -0 "$sd"
check "session daemon answers after the consumer's death" bash -c "lttng list s >/dev/null"
lttng enable-event -u b >/dev/null
second=$(consumer_pids "$sd")
check "a new consumer is spawned on the next need" test -n "$second" -a "$second" != "$first"
check "both event rules are kept" test "$(lttng list s | grep -c '(type: tracepoint)')" -eq 2
kill -TERM "$sd"
for _ in $(seq 50); do kill -0 "$sd" 2>/dev/null || break; sleep 0.1; done
check "session daemon exits on SIGTERM" bash -c "! kill -0 $sd 2>/dev/null"
check "its consumer is gone too" bash -c "! kill -0 $second 2>/dev/null"

"$ours" --daemonize --no-kernel --consumerd64-path=/nonexistent/lttng-consumerd 2>/dev/null
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create t >/dev/null
out=$(lttng enable-event -u a 2>&1)
rc=$?
check "a missing consumer binary gives LTTng's error 68" test "$rc" -eq 68
check "with LTTng's message" grep -q "64-bit UST consumer start failed" <<<"$out"
check "the daemon keeps serving (session listing)" bash -c "lttng list | grep -q \"t \\[inactive\\]\""
kill -TERM "$sd"
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
INNER
