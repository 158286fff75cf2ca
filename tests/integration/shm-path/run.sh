#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --shm-path cleanup (ours only; what the files hold and lttng-crash's reading of them
# are compared with the real daemon in tests/cases/trace-crash.case): a session's
# shm tree is gone once it is destroyed (per-UID buffers), once its applications
# have exited (per-PID), and once the daemon is stopped by SIGINT or SIGTERM, as
# lttng-tools' own tools/crash/test_crash expects; a killed consumer daemon's files
# stay for lttng-crash. The real 2.13.9 leaves a destroyed per-UID session's files.
# Private mount and PID namespaces; TAP, then "N passed, N failed, 0 skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
ours_build=$(cd "$(dirname "$ours")/../.." && pwd)
app=${SAMPLE_APP:-$ours_build/tests/apps/sample/lttng-sample-app}

exec timeout 180 unshare --mount --pid --fork --mount-proc --propagation private \
	bash -s "$ours" "$app" <<'INNER'
set -u
ours=$1 app=$2
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm || exit 1
export HOME=$(mktemp -d)
export LTTNG_HOME=$HOME
n=0 pass=0 fail=0
check() { local what=$1; shift; n=$((n + 1));
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1)); else echo "not ok $n - $what"; fail=$((fail + 1)); fi; }
empty() { test -z "$(find "$1" -mindepth 1 2>/dev/null)"; }
start_daemon() {
	"$ours" --no-kernel >>"$HOME/sessiond.log" 2>&1 &
	sd=$!
	for _ in $(seq 100); do lttng list >/dev/null 2>&1 && return 0; sleep 0.05; done
	return 1
}
wait_until() { for _ in $(seq 100); do "$@" && return 0; sleep 0.05; done; "$@"; }
app_waiting() { # app_waiting NAME: started, registered, waiting for $HOME/NAME.go
	"$app" -n 1 -t 1 --ready-file "$HOME/$1.ready" --wait-file "$HOME/$1.go" >/dev/null 2>&1 &
	eval "app_$1=$!"
	wait_until test -e "$HOME/$1.ready"
}

check "daemon started" start_daemon
mkdir "$HOME/shm-uid" "$HOME/shm-pid" "$HOME/shm-int" "$HOME/shm-kill"
lttng create u --shm-path="$HOME/shm-uid" --output="$HOME/u" >/dev/null
lttng enable-channel -u ch --buffers-uid -s u >/dev/null
lttng enable-event -u 'sample:*' -c ch -s u >/dev/null
lttng start u >/dev/null
"$app" -n 1 -t 1 >/dev/null
check "per-UID: files in the shm path while the session lives" \
	test -n "$(find "$HOME/shm-uid" -name metadata)"
lttng destroy u >/dev/null
check "per-UID: the session's shm tree is gone once destroyed" wait_until empty "$HOME/shm-uid"

lttng create p --shm-path="$HOME/shm-pid" --output="$HOME/p" >/dev/null
lttng enable-channel -u ch --buffers-pid -s p >/dev/null
lttng enable-event -u 'sample:*' -c ch -s p >/dev/null
lttng start p >/dev/null
app_waiting a1
app_waiting a2
metadata_count() { find "$HOME/shm-pid" -name metadata | wc -l; }
is_count() { test "$(metadata_count)" = "$1"; }
wait_until is_count 2
check "per-PID: one shm directory per application" is_count 2
touch "$HOME/a1.go"; wait "$app_a1"
check "per-PID: the first application's directory goes with it" wait_until is_count 1
touch "$HOME/a2.go"; wait "$app_a2"
check "per-PID: the session's shm tree is gone with the last one, before the destroy" \
	wait_until empty "$HOME/shm-pid"
lttng destroy p >/dev/null

lttng create k --shm-path="$HOME/shm-kill" --output="$HOME/k" >/dev/null
lttng enable-channel -u ch --buffers-uid -s k >/dev/null
lttng enable-event -u 'sample:*' -c ch -s k >/dev/null
lttng start k >/dev/null
"$app" -n 1 -t 1 >/dev/null
consumer=$(pgrep -P "$sd" -f lttng-consumerd | head -1)
kill -9 "$consumer"
wait_until bash -c "! kill -0 $consumer 2>/dev/null"
lttng destroy k >/dev/null 2>&1
check "a killed consumer's buffers stay for lttng-crash" \
	test -n "$(find "$HOME/shm-kill" -name 'ch_*')"
check "and lttng-crash reads them" bash -c "lttng-crash '$HOME/shm-kill' | grep -q sample:app_end"

mkdir "$HOME/shm-intp"
lttng create ip --shm-path="$HOME/shm-intp" --output="$HOME/ip" >/dev/null
lttng enable-channel -u ch --buffers-pid -s ip >/dev/null
lttng enable-event -u 'sample:*' -c ch -s ip >/dev/null
lttng start ip >/dev/null
lttng create i --shm-path="$HOME/shm-int" --output="$HOME/i" >/dev/null
lttng enable-channel -u ch --buffers-uid -s i >/dev/null
lttng enable-event -u 'sample:*' -c ch -s i >/dev/null
lttng start i >/dev/null
app_waiting a3
wait_until bash -c "test -n \"\$(find '$HOME/shm-int' -name metadata)\""
wait_until bash -c "test -n \"\$(find '$HOME/shm-intp' -name metadata)\""
check "per-PID session: the running application's directory is there" \
	test -n "$(find "$HOME/shm-intp" -name metadata)"
kill -INT "$sd"
wait "$sd"
check "SIGINT: the daemon exits (status $?)" true
check "SIGINT: the active session's shm tree is gone" wait_until empty "$HOME/shm-int"
check "SIGINT: a per-PID session's too (its application still running)" \
	wait_until empty "$HOME/shm-intp"
touch "$HOME/a3.go"; wait "$app_a3"
check "no sanitizer report in the daemons' log" \
	bash -c "! grep -q 'Sanitizer\|runtime error' '$HOME/sessiond.log'"
echo "1..$n"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
INNER
