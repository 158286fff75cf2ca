#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Supervision of our lttng-consumerd by our lttng-sessiond: spawned on the first
# user-space command of a session, spawned again after it dies, refused cleanly when
# its binary is missing (LTTng's error 68), and gone when the session daemon exits;
# the same for the 32-bit consumer (--consumerd32-path): LTTng's error 69 for a
# missing one or one of the wrong bitness, and the two consumers live and die apart;
# and a trace read while it records (switch timer): complete up to the last switch;
# and the loop never waits: other clients are answered while a command waits for a
# consumer that is slow to start or for a relay daemon that does not answer.
# Runs in a private mount + PID namespace. Prints TAP and "N passed, N failed,
# N skipped". The checks named "i386: ..." run an i386 program (our 32-bit
# consumer, the 32-bit sample application): they are skipped, and only they, when
# the kernel cannot execute i386 programs (tools/i386-exec.sh).
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
runs_i386=$(bash "$repo/tools/i386-exec.sh")

exec timeout 240 unshare --mount --pid --fork --mount-proc --propagation private \
	bash -s "$ours" "$c32" "$c64" "$app64" "$app32" "$runs_i386" <<'INNER'
set -u
ours=$1 c32=$2 c64=$3 app64=$4 app32=$5 runs_i386=$6
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm || exit 1
export HOME=$(mktemp -d)
n=0 pass=0 fail=0 skip=0
check() { # $1 = description, rest = command
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1));
	else echo "not ok $n - $what"; fail=$((fail + 1)); fi
}
# skip_i386 DESCRIPTION...: these checks cannot run, the kernel refusing i386
# programs.
skip_i386() {
	local what
	for what in "$@"; do
		n=$((n + 1))
		skip=$((skip + 1))
		echo "ok $n - $what # SKIP the i386 programs were built but cannot run on this kernel"
	done
}
if [ "$runs_i386" = no ]; then
	echo "# the i386 programs were built but cannot run on this kernel (Exec format error): the i386 checks are skipped"
fi
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

# The loop never waits: while a command waits for a consumer daemon that takes 3 s
# to start, another client's `lttng list` is answered before that command ends.
# The wrapper keeps the consumer's name, so it is found among the daemon's children.
slow=$(mktemp -d)/lttng-consumerd
printf '#!/bin/sh\nsleep 3\nexec %s "$@"\n' "$c64" >"$slow"
chmod +x "$slow"
"$ours" --daemonize --no-kernel "--consumerd64-path=$slow" 2>"$HOME/slow.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create slow >/dev/null
lttng enable-event -u a -s slow >"$HOME/slow-enable.txt" 2>&1 &
enabler=$!
# Its request has reached the daemon once the (sleeping) consumer exists.
for _ in $(seq 100); do [ -n "$(consumer_pids "$sd")" ] && break; sleep 0.05; done
check "a slow consumer is being started by enable-event" test -n "$(consumer_pids "$sd")"
lttng list >"$HOME/slow-list.txt" 2>&1
list_rc=$?
kill -0 "$enabler" 2>/dev/null
still_waiting=$?
check "another client's lttng list is answered meanwhile (exit 0)" test "$list_rc" -eq 0
check "and lists the session" grep -q "slow \[inactive\]" "$HOME/slow-list.txt"
check "before the command waiting for the consumer ended" test "$still_waiting" -eq 0
wait "$enabler"
check "the waiting enable-event then succeeds (exit 0)" test "$?" -eq 0
check "and reports the rule" grep -q "ust event a created in channel channel0" "$HOME/slow-enable.txt"
check "the rule is in the session" bash -c "lttng list slow | grep -q 'a (type: tracepoint)'"
check "the slow consumer runs" test -n "$(consumer_pids "$sd")"
stop_daemon "$sd"

# The same for a relay daemon that does not answer: a session streaming to a port
# whose accept queue is full (its SYNs are dropped, so the connect hangs until
# LTTNG_NETWORK_SOCKET_TIMEOUT). The real 2.13.9 stalls every client meanwhile.
/usr/bin/python3 - "$HOME/relayd.port" <<'PY' &
import socket, sys, time
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(0)
held = []
for _ in range(3):  # fill the accept queue; nothing is ever accepted
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(lst.getsockname())
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(0.2)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(lst.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)
PY
silent=$!
for _ in $(seq 100); do [ -s "$HOME/relayd.port" ] && break; sleep 0.05; done
port=$(cat "$HOME/relayd.port" 2>/dev/null)
# The daemon's connect shows as one more SYN-SENT socket to that port than those of
# the queue's filler, counted before anything else connects.
syn_sent() { awk -v p="$(printf ':%04X' "$port")" '$3 ~ p"$" && $4 == "02"' /proc/net/tcp | wc -l; }
fillers=$(syn_sent)
LTTNG_NETWORK_SOCKET_TIMEOUT=3000 "$ours" --daemonize --no-kernel 2>"$HOME/relayd.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create net --set-url "net://127.0.0.1:$port:$((port + 1))" >/dev/null
lttng enable-event -u a -s net >"$HOME/net-enable.txt" 2>&1 &
enabler=$!
# Its request has reached the daemon once the daemon's connect is in SYN-SENT.
for _ in $(seq 100); do [ "$(syn_sent)" -gt "$fillers" ] && break; sleep 0.05; done
check "enable-event on a streaming session waits for an unanswering relay daemon" \
	test "$(syn_sent)" -gt "$fillers"
lttng list >"$HOME/net-list.txt" 2>&1
list_rc=$?
kill -0 "$enabler" 2>/dev/null
still_waiting=$?
check "another client's lttng list is answered meanwhile (exit 0)" test "$list_rc" -eq 0
check "before the command waiting for the relay daemon ended" test "$still_waiting" -eq 0
wait "$enabler"
rc=$?
check "that command then fails: relay daemon unreachable (exit $rc, LTTng's 104)" test "$rc" -eq 104
check "with the relay daemon error" grep -qi "relay" "$HOME/net-enable.txt"
# Nothing half-made (better than the real 2.13.9, which leaves an empty user-space
# domain after which `lttng list` fails on its trackers).
lttng list net >"$HOME/net-list-after.txt" 2>&1
rc=$?
check "lttng list of that session then succeeds (exit $rc)" test "$rc" -eq 0
check "and shows no user-space domain" bash -c "! grep -q 'Domain: User space' '$HOME/net-list-after.txt'"
lttng --mi xml list net >"$HOME/net-mi-after.txt" 2>&1
rc=$?
check "lttng --mi xml list too (exit $rc)" test "$rc" -eq 0
check "with no domain in it" bash -c "! grep -q '<domain>' '$HOME/net-mi-after.txt'"
kill "$silent" 2>/dev/null
wait "$silent" 2>/dev/null
stop_daemon "$sd"

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

# A session file loaded at start-up (--load) waits for the consumer daemon as a
# client's commands would: with a consumer that cannot start, its user-space
# session is not loaded (the loader destroys what it made), and the daemon serves.
"$ours" --daemonize --no-kernel 2>/dev/null
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
lttng create saved --output="$HOME/saved-trace" >/dev/null
lttng enable-event -u a -s saved >/dev/null
mkdir -p "$HOME/load"
lttng save saved --output-path="$HOME/load" >/dev/null
stop_daemon "$sd"
check "a session with a user-space channel was saved" test -s "$HOME/load/saved.lttng"
# A consumer that exists but dies before its handshake: its failure comes later,
# as a loop event.
printf '#!/bin/sh\nexit 1\n' >"$HOME/dying-consumerd"
chmod +x "$HOME/dying-consumerd"
"$ours" --daemonize --no-kernel --load="$HOME/load" --consumerd64-path="$HOME/dying-consumerd" \
	2>"$HOME/load.log"
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
check "a consumer that dies while starting: the saved session is not loaded" \
	bash -c "! lttng list 2>/dev/null | grep -q 'saved '"
check "the daemon serves all the same (lttng list exit 0)" bash -c "lttng list >/dev/null 2>&1"
stop_daemon "$sd"
"$ours" --daemonize --no-kernel --load="$HOME/load" 2>/dev/null
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
check "with a consumer that starts, it loads (waiting for that consumer)" \
	bash -c "lttng list saved 2>/dev/null | grep -q 'a (type: tracepoint)'"
check "and its consumer runs" test -n "$(consumer_pids "$sd")"
stop_daemon "$sd"

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
elif [ "$runs_i386" = no ]; then
	skip_i386 "i386: the first user-space command spawns both consumers" \
		"i386: the 32-bit one has its own command socket" \
		"i386: the session daemon reaps its killed 32-bit consumer" \
		"i386: the 64-bit consumer outlives the 32-bit one" \
		"i386: a new 32-bit consumer on the next need" \
		"i386: the session daemon reaps its killed 64-bit consumer" \
		"i386: the 32-bit consumer outlives the 64-bit one" \
		"i386: session daemon exits on SIGTERM" \
		"i386: its consumers are gone too"
else
	"$ours" --daemonize --no-kernel --consumerd32-path="$c32" 2>/dev/null
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create t >/dev/null
	lttng enable-event -u a >/dev/null
	p64=$(consumer_of_bits "$sd" 64)
	p32=$(consumer_of_bits "$sd" 32)
	check "i386: the first user-space command spawns both consumers" test -n "$p64" -a -n "$p32"
	check "i386: the 32-bit one has its own command socket" test -S /var/run/lttng/ustconsumerd32/command
	kill -KILL "$p32"
	check "i386: the session daemon reaps its killed 32-bit consumer" wait_reaped "$p32"
	check "i386: the 64-bit consumer outlives the 32-bit one" test "$(consumer_of_bits "$sd" 64)" = "$p64"
	lttng enable-event -u b >/dev/null
	n32=$(consumer_of_bits "$sd" 32)
	check "i386: a new 32-bit consumer on the next need" test -n "$n32" -a "$n32" != "$p32"
	kill -KILL "$p64"
	check "i386: the session daemon reaps its killed 64-bit consumer" wait_reaped "$p64"
	check "i386: the 32-bit consumer outlives the 64-bit one" test "$(consumer_of_bits "$sd" 32)" = "$n32"
	check "i386: session daemon exits on SIGTERM" stop_daemon "$sd"
	check "i386: its consumers are gone too" bash -c "! kill -0 $n32 2>/dev/null"
fi

# The library directories: --consumerd64-libdir and LTTNG_CONSUMERD32_LIBDIR go in
# front of each consumer's LD_LIBRARY_PATH, the daemon's own stays behind them.
# Without i386 execution, only the 64-bit consumer's is checked.
consumer_env() { tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^LD_LIBRARY_PATH=//p'; }
if [ -x "$c32" ]; then
	with32=(--consumerd32-path="$c32")
	[ "$runs_i386" = no ] && with32=()
	LD_LIBRARY_PATH=/old/lib LTTNG_CONSUMERD32_LIBDIR=/lib32-env "$ours" --daemonize --no-kernel \
		--consumerd64-libdir=/lib64-opt "${with32[@]}" 2>/dev/null
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create l >/dev/null
	lttng enable-event -u a >/dev/null
	check "--consumerd64-libdir leads the 64-bit consumer's LD_LIBRARY_PATH" \
		test "$(consumer_env "$(consumer_of_bits "$sd" 64)")" = /lib64-opt:/old/lib
	if [ "$runs_i386" = no ]; then
		skip_i386 "i386: LTTNG_CONSUMERD32_LIBDIR leads the 32-bit consumer's LD_LIBRARY_PATH"
	else
		check "i386: LTTNG_CONSUMERD32_LIBDIR leads the 32-bit consumer's LD_LIBRARY_PATH" \
			test "$(consumer_env "$(consumer_of_bits "$sd" 32)")" = /lib32-env:/old/lib
	fi
	stop_daemon "$sd"
fi

# No 32-bit consumer configured (Debian's default) and a 32-bit application
# registered: the session starts and records the 64-bit application; the 32-bit
# one runs untraced, and the log says why. (2.13.9 refuses every `lttng start`
# with "Fatal error of the session daemon" while such an application is
# registered, and records nothing.)
if [ ! -x "$app32" ] || [ ! -x "$app64" ]; then
	check "the sample applications exist ($app64, $app32; SAMPLE_APP, SAMPLE_APP32)" false
elif [ "$runs_i386" = no ]; then
	skip_i386 "i386: a 32-bit application registers without a 32-bit consumer" \
		"i386: the session starts all the same" \
		"i386: the 32-bit application ran to its end" \
		"i386: the 64-bit application is traced" \
		"i386: nothing is written for 32 bits" \
		"i386: the log names the untraced application"
else
	"$ours" --background --no-kernel 2>"$HOME/no32.log"
	sd=$(cat /var/run/lttng/lttng-sessiond.pid)
	lttng create nc --output="$HOME/nc" >/dev/null
	lttng enable-event -u 'sample:app_*' >/dev/null
	"$app32" -n 1 -t 1 --ready-file "$HOME/ready32" --wait-file "$HOME/go32" >/dev/null 2>&1 &
	a32=$!
	for _ in $(seq 100); do [ -e "$HOME/ready32" ] && break; sleep 0.05; done
	check "i386: a 32-bit application registers without a 32-bit consumer" \
		bash -c "lttng list -u | grep -q 'sample:app_start'"
	check "i386: the session starts all the same" bash -c "lttng start nc >/dev/null"
	"$app64" -n 1 -t 1 >/dev/null 2>&1
	touch "$HOME/go32"
	wait "$a32"
	check "i386: the 32-bit application ran to its end" test $? -eq 0
	lttng stop nc >/dev/null
	lttng destroy nc >/dev/null
	check "i386: the 64-bit application is traced" \
		test "$(babeltrace2 "$HOME/nc" 2>/dev/null | grep -c 'sample:app_')" -eq 2
	check "i386: nothing is written for 32 bits" test ! -e "$HOME/nc/ust/uid/0/32-bit"
	check "i386: the log names the untraced application" \
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
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
INNER
