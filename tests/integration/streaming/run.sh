#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Streaming to lttng-relayd when the relay daemon misbehaves (ours only; the oracle
# case tests/cases/trace-streaming.case compares the working paths with the real
# 2.13.9). A relay daemon killed while a session records, one that answers garbage,
# one that accepts and then says nothing: each costs its own session only, with an
# error the user sees; the session daemon and its consumer stay up, another session
# (local, or streaming to a healthy relay daemon) records all its events, and a new
# session streams once a relay daemon is back. Private mount, PID and network
# namespaces; TAP output, then "N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
ours_build=$(cd "$(dirname "$ours")/../.." && pwd)
app=${SAMPLE_APP:-$ours_build/tests/apps/sample/lttng-sample-app}

exec timeout 300 unshare --mount --pid --net --fork --mount-proc --propagation private \
	bash -s "$ours" "$app" <<'INNER'
set -u
ours=$1 app=$2
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm || exit 1
ip link set lo up
export HOME=$(mktemp -d) LTTNG_HOME=
LTTNG_HOME=$HOME
n=0 pass=0 fail=0
check() { local what=$1; shift; n=$((n + 1));
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1)); else echo "not ok $n - $what"; fail=$((fail + 1)); fi; }
# Events babeltrace2 reads in a trace directory (0 when unreadable).
events() { babeltrace2 "$1" 2>/dev/null | grep -c 'sample:' || true; }
# The sample application writes 25 events an iteration and thread, plus 2.
expected() { echo $(( $1 * $2 * 25 + 2 )); }
listening() { bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
start_relayd() { # $1 output dir, $2 control port, $3 data port, $4 live port
	lttng-relayd -o "$1" -C "tcp://127.0.0.1:$2" -D "tcp://127.0.0.1:$3" \
		-L "tcp://127.0.0.1:$4" >"$1.log" 2>&1 &
	relayd=$!
	for _ in $(seq 100); do listening "$2" && return 0; sleep 0.05; done
	return 1
}
consumer_pids() { pgrep -P "$sd" -f lttng-consumerd | sort | tr '\n' ' '; }

# In the foreground (in the background of this shell): its log is kept.
LTTNG_NETWORK_SOCKET_TIMEOUT=2000 "$ours" --no-kernel >"$HOME/sessiond.log" 2>&1 &
sd=$!
for _ in $(seq 100); do lttng list >/dev/null 2>&1 && break; sleep 0.05; done

# 1. A relay daemon killed while its session records.
start_relayd "$HOME/r1" 5342 5343 5344 || echo "# relay daemon 1 did not listen"
r1=$relayd
start_relayd "$HOME/r2" 6342 6343 6344 || echo "# relay daemon 2 did not listen"
r2=$relayd
lttng create doomed --set-url=net://127.0.0.1 >/dev/null
lttng enable-event -u 'sample:*' -s doomed >/dev/null
lttng create healthy --set-url=net://127.0.0.1:6342:6343 >/dev/null
lttng enable-event -u 'sample:*' -s healthy >/dev/null
lttng create local --output="$HOME/local" >/dev/null
lttng enable-event -u 'sample:*' -s local >/dev/null
for s in doomed healthy local; do lttng start "$s" >/dev/null; done
consumers=$(consumer_pids)
"$app" -n 2 -t 1 >/dev/null
kill -9 "$r1"; wait "$r1" 2>/dev/null
"$app" -n 3 -t 2 >/dev/null
lttng stop doomed >"$HOME/stop.txt" 2>&1
rc=$?
check "the stop of the session whose relay daemon died fails (exit $rc)" test "$rc" -ne 0
check "the daemon log says why" grep -q 'lttng-relayd connection failed' "$HOME/sessiond.log"
check "the session daemon is up" kill -0 "$sd"
check "its consumer daemon too, the same process" test "$(consumer_pids)" = "$consumers"
lttng start doomed >"$HOME/restart.txt" 2>&1
rc=$?
check "starting it again while nobody listens fails (exit $rc, LTTng's 104)" test "$rc" -eq 104
check "saying the relay daemon cannot be reached" grep -qi 'relayd' "$HOME/restart.txt"
for s in healthy local; do lttng stop "$s" >/dev/null; done
lttng destroy doomed >/dev/null 2>&1
check "destroy of that session succeeds" bash -c "! lttng list | grep -q doomed"
for s in healthy local; do lttng destroy "$s" >/dev/null; done
want=$(( $(expected 2 1) + $(expected 3 2) ))
got=$(events "$HOME/local")
check "the local session has every event ($got of $want)" test "$got" -eq "$want"
got=$(events "$HOME/r2")
check "the session on the other relay daemon has every event ($got of $want)" test "$got" -eq "$want"

# 2. A relay daemon back on the same ports: new sessions stream again.
start_relayd "$HOME/r1b" 5342 5343 5344 || echo "# relay daemon 1b did not listen"
r1b=$relayd
lttng create again --set-url=net://127.0.0.1 >/dev/null
lttng enable-event -u 'sample:*' -s again >/dev/null
lttng start again >/dev/null
"$app" -n 1 -t 1 >/dev/null
lttng destroy again >/dev/null
got=$(events "$HOME/r1b")
check "after the relay daemon is back a new session streams ($got of $(expected 1 1))" \
	test "$got" -eq "$(expected 1 1)"
kill "$r1b" "$r2"; wait "$r1b" "$r2" 2>/dev/null

# 3. Peers that are not relay daemons: one answers garbage to everything, one
# accepts and never answers. The start fails within the network timeout (2 s
# here), other clients are served meanwhile, nothing is left behind.
python3 - "$HOME/fake.ready" <<'PY' &
import socket, sys, threading, os
def serve(port, garbage):
    lst = socket.socket(); lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port)); lst.listen(16)
    held = []
    while True:
        c, _ = lst.accept(); held.append(c)
        if garbage:
            try:
                c.recv(65536); c.sendall(b"\xff" * 8192)
            except OSError:
                pass
for port, garbage in ((7342, True), (7343, True), (8342, False), (8343, False)):
    threading.Thread(target=serve, args=(port, garbage), daemon=True).start()
open(sys.argv[1], "w").close()
threading.Event().wait(120)
PY
fake=$!
for _ in $(seq 100); do [ -e "$HOME/fake.ready" ] && break; sleep 0.05; done
for peer in garbage:7342:7343 silent:8342:8343; do
	IFS=: read -r what cport dport <<<"$peer"
	lttng create "$what" --set-url="net://127.0.0.1:$cport:$dport" >/dev/null
	lttng enable-event -u 'sample:*' -s "$what" >/dev/null
	t0=$(date +%s%N)
	lttng start "$what" >"$HOME/$what.txt" 2>&1 &
	starter=$!
	sleep 0.3
	lttng list >/dev/null 2>&1
	list_rc=$?
	wait "$starter"
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	check "$what peer: start fails (exit $rc)" test "$rc" -ne 0
	check "$what peer: within the network timeout and a margin (${ms} ms)" test "$ms" -lt 6000
	check "$what peer: another client is answered meanwhile" test "$list_rc" -eq 0
	lttng destroy "$what" >/dev/null 2>&1
	check "$what peer: its session is gone" bash -c "! lttng list | grep -q '$what'"
done
kill "$fake"; wait "$fake" 2>/dev/null
check "the session daemon is still up" kill -0 "$sd"
check "its consumer daemon is the one it started with" test "$(consumer_pids)" = "$consumers"
lttng create last --output="$HOME/last" >/dev/null
lttng enable-event -u 'sample:*' -s last >/dev/null
lttng start last >/dev/null
"$app" -n 1 -t 1 >/dev/null
lttng destroy last >/dev/null
got=$(events "$HOME/last")
check "a local session afterwards records every event ($got)" test "$got" -eq "$(expected 1 1)"

kill -TERM "$sd"
wait "$sd"
check "no sanitizer report in the daemons' log" \
	bash -c "! grep -q 'Sanitizer\|runtime error' '$HOME/sessiond.log'"
echo "1..$n"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
INNER
