#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Supervision of our lttng-consumerd by our lttng-sessiond: spawned on the first
# user-space command of a session, spawned again after it dies, refused cleanly when
# its binary is missing (LTTng's error 68), and gone when the session daemon exits;
# the same for the 32-bit consumer (--consumerd32-path): LTTng's error 69 for a
# missing one or one of the wrong bitness, and the two consumers live and die apart;
# and a trace read while it records (switch timer): complete up to the last switch.
# Runs in a private mount + PID namespace. Prints TAP and "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
# Our consumer built for i386 (tools/build-i386.sh), beside the build of $ours.
ours_build=$(cd "$(dirname "$ours")/../.." && pwd)
c32=${CONSUMERD32_OURS:-$ours_build-i386/src/consumerd/lttng-consumerd}
[ -x "$c32" ] || c32=${CONSUMERD32_OURS:-$repo/build-i386/src/consumerd/lttng-consumerd}
c64=$(dirname "$ours")/../consumerd/lttng-consumerd
# The sample application, 64- and 32-bit (as the oracle cases find them).
app64=${SAMPLE_APP:-$ours_build/tests/apps/sample/lttng-sample-app}
app32=${SAMPLE_APP32:-$(dirname "$(dirname "$(dirname "$c32")")")/tests/apps/sample/lttng-sample-app}

exec timeout 240 unshare --mount --pid --fork --mount-proc --propagation private \
	bash -s "$ours" "$c32" "$c64" "$app64" "$app32" <<'INNER'
set -u
ours=$1 c32=$2 c64=$3 app64=$4 app32=$5
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
# The consumer of that bitness ($2: 32 or 64) among the children of $1.
consumer_of_bits() {
	local pid
	for pid in $(consumer_pids "$1"); do
		case $(od -An -j4 -N1 -tu1 "/proc/$pid/exe" 2>/dev/null | tr -d ' ') in
		1) [ "$2" = 32 ] && echo "$pid" ;;
		2) [ "$2" = 64 ] && echo "$pid" ;;
		esac
	done
}
stop_daemon() {
	kill -TERM "$1"
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}
# wait_reaped PID: the session daemon reaped its child PID (sd-event reaps it after
# the child's handler ran); polls every 50 ms, up to 5 s.
wait_reaped() {
	[ -n "$1" ] || return 1
	for _ in $(seq 100); do [ -e "/proc/$1" ] || return 0; sleep 0.05; done
	return 1
}

"$ours" --daemonize --no-kernel 2>"$HOME/daemon.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create s >/dev/null
check "no consumer before a user-space command" test -z "$(consumer_pids "$sd")"
lttng enable-event -u a >/dev/null
first=$(consumer_pids "$sd")
check "consumer spawned by the first user-space command" test -n "$first"
check "its command socket exists" test -S /var/run/lttng/ustconsumerd64/command
kill -KILL "$first"
check "the session daemon reaps its killed consumer" wait_reaped "$first"
check "session daemon survives the consumer's death" kill -0 "$sd"
check "session daemon answers after the consumer's death" bash -c "lttng list s >/dev/null"
lttng enable-event -u b >/dev/null
second=$(consumer_pids "$sd")
check "a new consumer is spawned on the next need" test -n "$second" -a "$second" != "$first"
check "both event rules are kept" test "$(lttng list s | grep -c '(type: tracepoint)')" -eq 2
check "session daemon exits on SIGTERM" stop_daemon "$sd"
check "its consumer is gone too" bash -c "! kill -0 $second 2>/dev/null"

# A consumer binary that cannot run: $1 = its bitness, $2 = LTTng's error code.
# For 32 bits the real 2.13.9 never answers (its client thread waits for a
# consumer that is gone); ours gives the error.
missing_consumer() {
	local bits=$1 code=$2 out rc
	"$ours" --daemonize --no-kernel "--consumerd$bits-path=/nonexistent/lttng-consumerd" 2>/dev/null
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create t >/dev/null
	out=$(lttng enable-event -u a 2>&1)
	rc=$?
	check "a missing $bits-bit consumer binary gives LTTng's error $code" test "$rc" -eq "$code"
	check "with LTTng's message" grep -q "$bits-bit UST consumer start failed" <<<"$out"
	if [ "$bits" = 32 ]; then
		check "the 64-bit consumer runs all the same" test -n "$(consumer_of_bits "$sd" 64)"
	fi
	check "the daemon keeps serving (session listing)" bash -c "lttng list | grep -q 't \[inactive\]'"
	stop_daemon "$sd"
}
missing_consumer 64 68
missing_consumer 32 69

# A 64-bit binary given as the 32-bit consumer: refused after the handshake.
"$ours" --background --no-kernel --consumerd32-path="$c64" 2>"$HOME/wrong-bits.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create t >/dev/null
lttng enable-event -u a >/dev/null 2>&1
rc=$?
check "a consumer of the wrong bitness gives error 69" test "$rc" -eq 69
check "the log says why" grep -q "is a 64-bit consumer daemon, 32-bit applications need a 32-bit one" "$HOME/wrong-bits.log"
check "the refused consumer was ended (one consumer left)" test "$(consumer_pids "$sd" | wc -l)" -eq 1
check "and its command socket is gone" test ! -e /var/run/lttng/ustconsumerd32/command
stop_daemon "$sd"
check "the run directory's consumer dirs are gone with the daemon" \
	test ! -e /var/run/lttng/ustconsumerd32 -a ! -e /var/run/lttng/ustconsumerd64

# Both consumers: spawned together, each replaced alone.
if [ ! -x "$c32" ]; then
	check "our i386 consumer exists (tools/build-i386.sh; CONSUMERD32_OURS=$c32)" false
else
	"$ours" --daemonize --no-kernel --consumerd32-path="$c32" 2>/dev/null
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create t >/dev/null
	lttng enable-event -u a >/dev/null
	p64=$(consumer_of_bits "$sd" 64)
	p32=$(consumer_of_bits "$sd" 32)
	check "the first user-space command spawns both consumers" test -n "$p64" -a -n "$p32"
	check "the 32-bit one has its own command socket" test -S /var/run/lttng/ustconsumerd32/command
	kill -KILL "$p32"
	check "the session daemon reaps its killed 32-bit consumer" wait_reaped "$p32"
	check "the 64-bit consumer outlives the 32-bit one" test "$(consumer_of_bits "$sd" 64)" = "$p64"
	lttng enable-event -u b >/dev/null
	n32=$(consumer_of_bits "$sd" 32)
	check "a new 32-bit consumer on the next need" test -n "$n32" -a "$n32" != "$p32"
	kill -KILL "$p64"
	check "the session daemon reaps its killed 64-bit consumer" wait_reaped "$p64"
	check "the 32-bit consumer outlives the 64-bit one" test "$(consumer_of_bits "$sd" 32)" = "$n32"
	check "session daemon exits on SIGTERM" stop_daemon "$sd"
	check "its consumers are gone too" bash -c "! kill -0 $n32 2>/dev/null"
fi

# The library directories: --consumerd64-libdir and LTTNG_CONSUMERD32_LIBDIR go in
# front of each consumer's LD_LIBRARY_PATH, the daemon's own stays behind them.
consumer_env() { tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^LD_LIBRARY_PATH=//p'; }
if [ -x "$c32" ]; then
	LD_LIBRARY_PATH=/old/lib LTTNG_CONSUMERD32_LIBDIR=/lib32-env "$ours" --daemonize --no-kernel \
		--consumerd64-libdir=/lib64-opt --consumerd32-path="$c32" 2>/dev/null
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create l >/dev/null
	lttng enable-event -u a >/dev/null
	check "--consumerd64-libdir leads the 64-bit consumer's LD_LIBRARY_PATH" \
		test "$(consumer_env "$(consumer_of_bits "$sd" 64)")" = /lib64-opt:/old/lib
	check "LTTNG_CONSUMERD32_LIBDIR leads the 32-bit consumer's LD_LIBRARY_PATH" \
		test "$(consumer_env "$(consumer_of_bits "$sd" 32)")" = /lib32-env:/old/lib
	stop_daemon "$sd"
fi

# No 32-bit consumer configured (Debian's default) and a 32-bit application
# registered: the session starts and records the 64-bit application; the 32-bit
# one runs untraced, and the log says why. (2.13.9 refuses every `lttng start`
# with "Fatal error of the session daemon" while such an application is
# registered, and records nothing.)
if [ ! -x "$app32" ] || [ ! -x "$app64" ]; then
	check "the sample applications exist ($app64, $app32; SAMPLE_APP, SAMPLE_APP32)" false
else
	"$ours" --background --no-kernel 2>"$HOME/no32.log"
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create nc --output="$HOME/nc" >/dev/null
	lttng enable-event -u 'sample:app_*' >/dev/null
	"$app32" -n 1 -t 1 --ready-file "$HOME/ready32" --wait-file "$HOME/go32" >/dev/null 2>&1 &
	a32=$!
	for _ in $(seq 100); do [ -e "$HOME/ready32" ] && break; sleep 0.05; done
	check "a 32-bit application registers without a 32-bit consumer" \
		bash -c "lttng list -u | grep -q 'sample:app_start'"
	check "the session starts all the same" bash -c "lttng start nc >/dev/null"
	"$app64" -n 1 -t 1 >/dev/null 2>&1
	touch "$HOME/go32"
	wait "$a32"
	check "the 32-bit application ran to its end" test $? -eq 0
	lttng stop nc >/dev/null
	lttng destroy nc >/dev/null
	check "the 64-bit application is traced" \
		test "$(babeltrace2 "$HOME/nc" 2>/dev/null | grep -c 'sample:app_')" -eq 2
	check "nothing is written for 32 bits" test ! -e "$HOME/nc/ust/uid/0/32-bit"
	check "the log names the untraced application" \
		grep -q "is 32-bit and no 32-bit consumer daemon is configured: not traced" "$HOME/no32.log"
	stop_daemon "$sd"
fi

# A trace read while recording: with a switch timer, the events of a half-full
# sub-buffer reach the stream files, and the metadata is there too, so babeltrace2
# reads them before `lttng stop` (2.13.9 leaves its metadata file empty until
# then). The application records app_start and one iteration (25 events), then
# pauses 120 s (killed long before).
"$ours" --daemonize --no-kernel 2>/dev/null
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create sw --output="$HOME/sw" >/dev/null
lttng enable-channel -u ch --subbuf-size=65536 --switch-timer=100000 >/dev/null
lttng enable-event -u 'sample:*' -c ch >/dev/null
lttng start sw >/dev/null
"$app64" -n 2 -t 1 -s 120000000 >/dev/null 2>&1 &
a=$!
live=0
deadline=$((SECONDS + 20))
while [ "$SECONDS" -lt "$deadline" ]; do
	live=$(babeltrace2 "$HOME/sw" 2>/dev/null | grep -c ' sample:')
	[ "$live" -ge 26 ] && break
	sleep 0.1
done
check "26 events readable while recording (switch timer 100 ms; read $live)" test "$live" -eq 26
kill "$a"
wait "$a" 2>/dev/null
lttng destroy sw >/dev/null
stop_daemon "$sd"
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
INNER
