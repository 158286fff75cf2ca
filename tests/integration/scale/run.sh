#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Many applications for a per-user daemon (ours only; bench/run-app-scale.sh sets the
# real one beside it). lttng-sessiond(8)'s LIMITATIONS say a per-user daemon's 1024
# descriptors limit how many applications it traces; ours raises its soft limit to
# the hard one and spends few descriptors per application (doc/architecture.md,
# "Descriptors"), and where descriptors do run out it refuses applications at
# registration, naming them, and traces every one it accepted.
#
#   uid  SCALE_N lingering applications (default 1000), per-UID buffers, the user's
#        soft limit 1024: each listed by `lttng list -u` while alive, each one's 27
#        events in the trace, babeltrace2 reads it.
#   pid  the same with per-PID buffers (4 KiB x 2 sub-buffers): one trace per
#        application, all read by babeltrace2 at once.
#   low  the daemon (not the applications) under a hard limit of 128, per-PID buffers
#        and 40 applications: some must be refused; each refused one is named in the log, each accepted one is listed
#        and recorded whole, listings answer, the trace is readable.
#
# Runs as root: a private mount and PID namespace (tmpfs /dev/shm), the daemon and the
# applications as lttng-test-user with a private HOME. TAP, then
# "N passed, N failed, 0 skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
ours_build=$(cd "$(dirname "$ours")/../.." && pwd)
app=${SAMPLE_APP:-$ours_build/tests/apps/sample/lttng-sample-app}
n_apps=${SCALE_N:-1000}
user=lttng-test-user

bash "$repo/tests/integration/lib/test-accounts.sh" --plain "$user" || exit 1
work=$(mktemp -d /tmp/scale.XXXXXX)
chmod 0755 "$work"
chown "$user:" "$work"

exec timeout 1500 unshare --mount --pid --fork --mount-proc --propagation private \
	bash -s "$ours" "$app" "$n_apps" "$user" "$work" <<'OUTER'
set -u
ours=$1 app=$2 n_apps=$3 user=$4 work=$5
mount -t tmpfs -o mode=1777,size=8g tmpfs /dev/shm || exit 1
exec setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
	env -i PATH="$PATH" HOME="$work" LTTNG_HOME="$work" LC_ALL=C \
	bash -s "$ours" "$app" "$n_apps" "$work" <<'INNER'
set -u
ours=$1 app=$2 n_apps=$3 work=$4
cd "$work" || exit 1
n=0 pass=0 fail=0
check() { local what=$1; shift; n=$((n + 1));
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1)); else echo "not ok $n - $what"; fail=$((fail + 1)); fi; }
wait_until() { local limit=$1 i; shift
	for ((i = 0; i < limit * 10; i++)); do "$@" && return 0; sleep 0.1; done; "$@"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
fds_of() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
limit_of() { awk '/^Max open files/ { print $4 }' "/proc/$1/limits"; }
sd= apps=()

start_daemon() { # start_daemon NAME [FD_LIMIT]: our daemon for this user (only it under
	# FD_LIMIT, soft and hard, when given), log in NAME.log
	if [ $# -ge 2 ]; then
		(ulimit -n "$2" && exec "$ours" --no-kernel -vv) >"$work/$1.log" 2>&1 &
	else
		"$ours" --no-kernel -vv >"$work/$1.log" 2>&1 &
	fi
	sd=$!
	wait_until 10 lttng list >/dev/null 2>&1
}
stop_daemon() {
	local p
	for p in "${apps[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${apps[@]}"; do wait "$p" 2>/dev/null; done
	apps=()
	kill -TERM "$sd" 2>/dev/null
	wait "$sd" 2>/dev/null
}
consumer_pid() { ps -e -o pid=,ppid=,comm= | awk -v p="$sd" '$2 == p && $3 == "lttng-consumerd" { print $1; exit }'; }
# start_apps NAME COUNT: COUNT applications that register, then wait for NAME.go;
# 50 at a time, each batch waited for (a refused one's constructor gives up after
# LTTNG_UST_REGISTER_TIMEOUT, 3 s by default).
start_apps() {
	local name=$1 count=$2 i
	mkdir -p "$work/$name"
	for ((i = 0; i < count; i++)); do
		"$app" -n 1 -t 1 --ready-file "$work/$name/$i.ready" --wait-file "$work/$name.go" \
			>/dev/null 2>&1 &
		apps+=("$!")
		echo "$!" >>"$work/$name.pids"
		if ((i % 50 == 49 || i == count - 1)); then
			wait_until 60 bash -c "[ \$(ls '$work/$name' | wc -l) -ge $((i + 1)) ]"
		fi
	done
}
listed_pids() { # listed_pids FILE: the PIDs `lttng list -u` printed
	sed -n 's/^PID: \([0-9]*\) - Name:.*/\1/p' "$1" | sort -n
}
release_apps() { # release_apps NAME: all emit their events and exit
	local p
	touch "$work/$1.go"
	for p in "${apps[@]}"; do wait "$p"; done
	apps=()
}
vpid_counts() { # vpid_counts TRACE_TEXT: "VPID COUNT" lines
	grep -o '{ vpid = [0-9]*' "$1" | awk '{ n[$4]++ } END { for (p in n) print p, n[p] }' | sort -n
}

# ---- uid and pid: n_apps applications at the default soft limit -----------------------
for buffers in uid pid; do
	ulimit -S -n 1024
	start_daemon "$buffers"
	check "$buffers: our per-user daemon started (soft limit 1024, hard $(ulimit -H -n))" kill -0 "$sd"
	check "$buffers: it took its hard limit ($(limit_of "$sd"))" test "$(limit_of "$sd")" = "$(ulimit -H -n)"
	opts=(--buffers-$buffers)
	[ "$buffers" = pid ] && opts+=(--subbuf-size=4096 --num-subbuf=2)
	lttng create "s$buffers" --output="$work/trace-$buffers" >/dev/null &&
		lttng enable-channel -u ch "${opts[@]}" >/dev/null &&
		lttng enable-event -u -c ch 'sample:*' >/dev/null &&
		lttng add-context -u -c ch -t vpid >/dev/null &&
		lttng start >/dev/null
	check "$buffers: session set up and started" test $? = 0
	t0=$(date +%s%N)
	start_apps "$buffers" "$n_apps"
	echo "# $buffers: $n_apps applications registered in $(ms_since "$t0") ms"
	check "$buffers: all $n_apps applications passed their registration" \
		test "$(ls "$work/$buffers" | wc -l)" = "$n_apps"
	cons=$(consumer_pid)
	sd_fds=$(fds_of "$sd") cd_fds=$(fds_of "$cons")
	echo "# $buffers: descriptors with $n_apps applications: session daemon $sd_fds, consumer daemon $cd_fds"
	check "$buffers: both daemons under their limit ($sd_fds and $cd_fds < $(limit_of "$sd"))" \
		test "$sd_fds" -lt "$(limit_of "$sd")" -a "$cd_fds" -lt "$(limit_of "$sd")"
	t0=$(date +%s%N)
	timeout 120 lttng list -u >"$work/$buffers.list" 2>&1
	rc=$? ms=$(ms_since "$t0")
	check "$buffers: lttng list -u answers (exit $rc, $ms ms)" test "$rc" = 0
	listed_pids "$work/$buffers.list" >"$work/$buffers.listed"
	sort -n "$work/$buffers.pids" >"$work/$buffers.started"
	check "$buffers: it lists every one of the $n_apps applications ($(wc -l <"$work/$buffers.listed") listed)" \
		cmp -s "$work/$buffers.listed" "$work/$buffers.started"
	check "$buffers: the daemon warned of no refused application" \
		bash -c "! grep -q 'refused' '$work/$buffers.log'"
	release_apps "$buffers"
	lttng stop >/dev/null; lttng destroy >/dev/null
	t0=$(date +%s%N)
	# A reader opens every stream file at once: 2000 with 1000 per-PID traces, past
	# the soft limit; babeltrace2 gets the hard one.
	(ulimit -S -n "$(ulimit -H -n)"; exec timeout 600 babeltrace2 "$work/trace-$buffers") \
		>"$work/$buffers.txt" 2>"$work/$buffers.bt.err"
	rc=$?
	check "$buffers: babeltrace2 reads the trace (exit $rc, $(ms_since "$t0") ms)" test "$rc" = 0
	[ "$rc" = 0 ] || head -n 3 "$work/$buffers.bt.err" | sed 's/^/#   /'
	vpid_counts "$work/$buffers.txt" >"$work/$buffers.counts"
	check "$buffers: $n_apps processes in the trace ($(wc -l <"$work/$buffers.counts"))" \
		test "$(wc -l <"$work/$buffers.counts")" = "$n_apps"
	check "$buffers: each with its 27 events" \
		bash -c "awk '\$2 != 27 { bad++ } END { exit bad > 0 }' '$work/$buffers.counts'"
	check "$buffers: they are the applications started" \
		bash -c "cut -d' ' -f1 '$work/$buffers.counts' | cmp -s - '$work/$buffers.started'"
	stop_daemon
done

# ---- low: a hard limit the applications must hit ------------------------------------
low_apps=40
(
	start_daemon low 128
	lttng create slow --output="$work/trace-low" >/dev/null &&
		lttng enable-channel -u ch --buffers-pid --subbuf-size=4096 --num-subbuf=2 >/dev/null &&
		lttng enable-event -u -c ch 'sample:*' >/dev/null &&
		lttng add-context -u -c ch -t vpid >/dev/null &&
		lttng start >/dev/null
	echo "setup=$?" >"$work/low.setup"
	start_apps low "$low_apps"
	timeout 60 lttng list -u >"$work/low.list" 2>&1
	echo "list=$?" >>"$work/low.setup"
	cons=$(consumer_pid)
	echo "fds=$(fds_of "$sd") $(fds_of "$cons")" >>"$work/low.setup"
	release_apps low
	lttng stop >/dev/null; lttng destroy >/dev/null
	echo "alive=$(kill -0 "$sd" 2>/dev/null && echo yes || echo no)" >>"$work/low.setup"
	stop_daemon
)
check "low: session set up under a limit of 128" grep -qx "setup=0" "$work/low.setup"
check "low: lttng list -u answers" grep -qx "list=0" "$work/low.setup"
check "low: the daemon was alive to the end" grep -qx "alive=yes" "$work/low.setup"
echo "# low: descriptors at the end (session daemon, consumer): $(sed -n 's/^fds=//p' "$work/low.setup")"
sed -n 's/.*(pid \([0-9]*\), uid [0-9]*) refused: .*/\1/p' "$work/low.log" | sort -un >"$work/low.refused"
listed_pids "$work/low.list" >"$work/low.listed"
timeout 120 babeltrace2 "$work/trace-low" >"$work/low.txt" 2>"$work/low.bt.err"
rc=$?
check "low: babeltrace2 reads the trace (exit $rc)" test "$rc" = 0
vpid_counts "$work/low.txt" >"$work/low.counts"
refused=$(wc -l <"$work/low.refused") traced=$(wc -l <"$work/low.counts")
echo "# low: of $low_apps applications, $traced traced, $refused refused"
grep -m1 'refused' "$work/low.log" | sed 's/^/#   /'
check "low: some applications were refused ($refused)" test "$refused" -gt 0
check "low: some were traced ($traced)" test "$traced" -gt 0
# (One refused, then accepted when lttng-ust tried again, is both.)
check "low: every application was either traced or named as refused" \
	bash -c "sort -n '$work/low.pids' | cmp -s - <( (cut -d' ' -f1 '$work/low.counts'; cat '$work/low.refused') | sort -un)"
check "low: each traced one has its 27 events" \
	bash -c "awk '\$2 != 27 { bad++ } END { exit bad > 0 }' '$work/low.counts'"
check "low: each traced one was listed while alive" \
	bash -c "cut -d' ' -f1 '$work/low.counts' | cmp -s - '$work/low.listed'"
check "no sanitizer report in the daemons' logs" \
	bash -c "! cat '$work'/*.log | grep -q 'Sanitizer\|runtime error'"
echo "1..$n"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
INNER
OUTER
rc=$?
[ -n "${SCALE_KEEP:-}" ] || rm -rf "$work"
exit $rc
