#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel domain, recorded through tracefs/ftrace instances (no LTTng modules),
# against our daemon. The kernel itself is the oracle: a reference ftrace instance
# of the test's own (lttng-test-ref-recorder) records the same events beside our
# session, and a deterministic workload (lttng-test-workload) gives exact counts.
#
#   t  tools     no daemon: the checkers checked (two reference instances agree;
#                a synthetic trace made from the reference passes every check)
#   a  record    syscalls openat,read,write,close + sched_switch/fork/exec/exit:
#                exact workload counts (expect.py), same events as the reference
#                instance (compare.py), babeltrace2 (exit 0, empty stderr),
#                babeltrace 1.5 (exit 0), lttng-syscallstats per-TID counts
#   b  instances our ftrace instances are gone after destroy, after SIGTERM, and
#                after a kill -9 once a new daemon has started
#   c  two       two sessions with different events at once, one destroyed while
#                the other records: each trace holds its own events only
#   d  list      list -k, list -k --syscall; --probe refused (no kprobes), nothing
#                left enabled
#   e  tracker   track -k --pid: the process's threads are recorded, its children
#                and other processes are not
#   f  discard   a 2 x 4 KiB channel flooded with write(2): lttng stop's discarded
#                events warning = the discarded events babeltrace2 reports
#
# Each case runs in its own mount + PID namespace (tmpfs on /var/run/lttng and
# /dev/shm, private HOME) with its own daemon, started and ended by PID; every
# process a case starts is ended by its PID. Output: TAP, "# case X: N ms", then
# "N passed, N failed, N skipped". The whole suite takes well under 3 minutes.
#
# Usage (root): bash tests/kernel/run.sh [BUILD_DIR]
#   BUILD_DIR (default: the build dir of $OUR_SESSIOND, else build/) provides
#   src/sessiond/lttng-sessiond, src/consumerd/lttng-consumerd and
#   tests/kernel/lttng-test-{workload,ref-recorder}.
# Environment: KT_CASES (default "t a b c d e f"), KT_KEEP=1 keeps the work dir.
#
# Debian packages needed besides the build's (add to tools/install-deps.sh):
#   libtracefs-dev libtraceevent-dev   (build lttng-test-ref-recorder)
#   babeltrace                         (babeltrace 1.5, read by lttng-analyses)
#   python3-babeltrace python3-lttnganalyses   (lttng-syscallstats)
#   babeltrace2 python3-bt2 lttng-tools util-linux procps coreutils
# The kernel needs tracefs with instances, syscalls:* events and
# set_event_notrace_pid (Linux >= 5.8); tracefs is mounted on
# /sys/kernel/tracing when it is not.
set -u

# ---- assumptions about our daemon (adjust here) -----------------------------
# Our ftrace instances are named
# "$INSTANCE_PREFIX<pid namespace inode>-<daemon pid>-<session id>-<channel>",
# the daemon pid as the daemon sees it (here: in the case's PID namespace).
INSTANCE_PREFIX=lttng-sessiond-
TRACEFS=/sys/kernel/tracing
# -----------------------------------------------------------------------------

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "${1:-}" = --inner ]; then
	shift
	inner=1
else
	inner=0
fi

# ============================ outer: the suite ================================
if [ "$inner" = 0 ]; then
	if [ $# -ge 1 ]; then
		build=$(cd "$1" && pwd) || exit 2
		ours=$build/src/sessiond/lttng-sessiond
	elif [ -n "${OUR_SESSIOND:-}" ]; then
		ours=$(cd "$(dirname "$OUR_SESSIOND")" && pwd)/$(basename "$OUR_SESSIOND")
		build=$(cd "$(dirname "$ours")/../.." && pwd)
	else
		build=$repo/build
		ours=$build/src/sessiond/lttng-sessiond
	fi
	c64=$(dirname "$ours")/../consumerd/lttng-consumerd
	workload=$build/tests/kernel/lttng-test-workload
	recorder=$build/tests/kernel/lttng-test-ref-recorder
	cases=${KT_CASES:-t a b c d e f}

	skip() {
		echo "1..0 # SKIP $1"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	}
	[ "$(id -u)" = 0 ] || skip "needs root (ftrace instances, namespaces, tmpfs mounts)"
	for tool in unshare timeout lttng babeltrace2 babeltrace lttng-syscallstats /usr/bin/python3; do
		command -v "$tool" >/dev/null 2>&1 || skip "$tool is not available"
	done
	/usr/bin/python3 -c 'import bt2' 2>/dev/null || skip "python3-bt2 is not installed"
	[ -x "$ours" ] || skip "$ours is not built"
	[ -x "$workload" ] || skip "$workload is not built"
	[ -x "$recorder" ] || skip "$recorder is not built (libtracefs-dev, libtraceevent-dev)"
	if ! grep -q " $TRACEFS tracefs " /proc/mounts; then
		mount -t tracefs nodev "$TRACEFS" || skip "cannot mount tracefs on $TRACEFS"
	fi
	[ -d "$TRACEFS/instances" ] || skip "no ftrace instances in $TRACEFS"
	[ -e "$TRACEFS/set_event_notrace_pid" ] || skip "no set_event_notrace_pid (Linux < 5.8)"
	[ -d "$TRACEFS/events/syscalls" ] || skip "no syscalls:* events (CONFIG_FTRACE_SYSCALLS)"
	# Reference instances left by a killed recorder.
	"$recorder" --cleanup-stale | sed 's/^/# /'

	work=$(mktemp -d "${TMPDIR:-/tmp}/kernel-tests.XXXXXX") || exit 1
	top_on=$(cat "$TRACEFS/tracing_on")
	echo "# ours: $ours; consumer: $c64; work: $work"
	n=0 pass=0 fail=0 skipped=0
	t_start=$(date +%s)
	for c in $cases; do
		dir=$work/$c
		mkdir -p "$dir"
		t0=$(date +%s%N)
		timeout -k 5 60 unshare --mount --pid --fork --propagation private \
			bash "$here/run.sh" --inner "$c" "$dir" "$ours" "$c64" "$workload" "$recorder" \
			>"$dir/tap" 2>"$dir/stderr" </dev/null
		rc=$?
		while IFS= read -r line; do
			case $line in
			"ok - "*) n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $c: ${line#ok - }" ;;
			"not ok - "*) n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $c: ${line#not ok - }" ;;
			"skip - "*) n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $c: ${line#skip - } # SKIP" ;;
			"# end") ;;
			*) echo "$line" ;;
			esac
		done <"$dir/tap"
		if [ "$rc" = 124 ] || [ "$rc" = 137 ] || ! grep -qx '# end' "$dir/tap"; then
			n=$((n + 1)) fail=$((fail + 1))
			echo "not ok $n - $c: the case ran to its end within 60 s (exit $rc)"
		fi
		if [ -s "$dir/stderr" ]; then
			echo "# $c: stderr of the case:"
			head -n 15 "$dir/stderr" | sed 's/^/#   /'
		fi
		echo "# case $c: $((($(date +%s%N) - t0) / 1000000)) ms"
	done
	# Nothing of ours may be left: reference instances are removed by their
	# recorder; a daemon's instances are its business (case b checks them), but
	# the suite does not leave them behind.
	for i in "$TRACEFS"/instances/lttng-test-ref-*; do
		[ -e "$i" ] || continue
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n - a reference instance was left: ${i##*/}"
	done
	"$recorder" --cleanup-stale >/dev/null 2>&1
	left=$(cd "$TRACEFS/instances" && ls -d "$INSTANCE_PREFIX"* 2>/dev/null)
	if [ -n "$left" ]; then
		echo "# instances of our daemons left after the suite (removed now): $(echo $left)"
		for i in $left; do rmdir "$TRACEFS/instances/$i" 2>/dev/null; done
	fi
	if [ "$(cat "$TRACEFS/tracing_on")" != "$top_on" ]; then
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n - the top-level tracing_on changed (was $top_on): restored"
		echo "$top_on" >"$TRACEFS/tracing_on"
	fi
	echo "# total $(($(date +%s) - t_start)) s"
	if [ "$fail" -eq 0 ] && [ -z "${KT_KEEP:-}" ]; then
		rm -rf "$work"
	else
		echo "# logs, traces and dumps kept in $work"
	fi
	echo "1..$n"
	echo "$pass passed, $fail failed, $skipped skipped"
	[ "$fail" -eq 0 ]
	exit
fi

# ============================ inner: one case =================================
# PID 1 of a private PID namespace, private mounts. Traces and ftrace filters
# speak of global pids: the host's /proc stays visible at $hostproc (the
# workload and the recorder read their global pids there), and a proc of this
# namespace is mounted on /proc (ps, kill, the daemon).
case_name=$1 dir=$2 ours=$3 c64=$4 workload=$5 recorder=$6
py=/usr/bin/python3
hostproc=$dir/.hostproc
mkdir -p /var/run/lttng "$hostproc"
{ mount --bind /proc "$hostproc" && mount -t proc proc /proc &&
	mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm; } ||
	{ echo "not ok - private mounts"; echo "# end"; exit 1; }
HOME=$(mktemp -d)
export HOME
cd "$dir" || exit 1

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: one TAP line.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}
# check_out DESCRIPTION FILE COMMAND...: like check; the command's output goes to
# FILE and, on a failure, its lines are shown as comments.
check_out() {
	local what=$1 out=$2
	shift 2
	if "$@" >"$out" 2>&1; then ok "$what"; else
		notok "$what"
		grep -v '^ok: ' "$out" | head -n 40 | sed 's/^/#   /'
	fi
}
# note: a comment line.
note() { echo "# $*"; }

# ---- daemon ------------------------------------------------------------------
sd=
start_daemon() { # start_daemon LOGNAME: sets $sd
	local args=(--daemonize)
	[ -x "$c64" ] && args+=("--consumerd64-path=$c64")
	rm -f /var/run/lttng/lttng-sessiond.pid
	# The daemon sees the host's /proc, as a daemon on the host does: trackers
	# name global pids, and ftrace filters on them. (Its own mount namespace;
	# the case keeps the namespace's /proc.)
	unshare --mount --propagation private sh -c 'mount --bind "$0" /proc && exec "$@"' \
		"$hostproc" "$ours" "${args[@]}" 2>>"$dir/$1.log"
	sd=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null)
	[ -n "$sd" ] && kill -0 "$sd" 2>/dev/null
}
children_of() { ps -e -o pid=,ppid= | awk -v p="$1" '$2 == p { print $1 }'; }
# stop_daemon PID: SIGTERM, 5 s, then SIGKILL (its consumers too).
stop_daemon() {
	local pid=$1 kids
	[ -n "$pid" ] || return 0
	kids=$(children_of "$pid")
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		note "daemon $pid did not exit on SIGTERM: killed"
		kill -KILL "$pid" 2>/dev/null
	fi
	for k in $kids; do kill -0 "$k" 2>/dev/null && kill -KILL "$k" 2>/dev/null; done
	return 0
}
# Our instances (names) of daemon $1.
instances_of() {
	local ns
	ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
	(cd "$TRACEFS/instances" && ls -d "$INSTANCE_PREFIX$ns-$1-"* 2>/dev/null)
}
# wait_no_instances PID [TENTHS]: none left (polls, default 3 s).
wait_no_instances() {
	for _ in $(seq "${2:-30}"); do [ -z "$(instances_of "$1")" ] && return 0; sleep 0.1; done
	note "left: $(instances_of "$1" | tr '\n' ' ')"
	return 1
}

# gone_after HAD PID [TENTHS]: there were instances (HAD, their names) and now
# none of daemon PID's is left.
gone_after() {
	[ -n "$1" ] || { note "(no instance to begin with)"; return 1; }
	wait_no_instances "$2" "${3:-30}"
}

# ---- workload ------------------------------------------------------------------
# start_workload NAME ARGS...: started, blocked until go_workload NAME; its
# output in NAME.out; sets wl_pid_NAME (its global pid, as traces show it).
start_workload() {
	local name=$1
	shift
	rm -f "$name.go" "$name.out"
	mkfifo "$name.go"
	"$workload" --proc "$hostproc" "$@" <"$name.go" >"$name.out" 2>"$name.err" &
	eval "wl_job_$name=$!"
	exec {fd}>"$name.go"
	eval "wl_fd_$name=$fd"
	for _ in $(seq 100); do grep -q '^ready=1' "$name.out" 2>/dev/null && break; sleep 0.02; done
	eval "wl_pid_$name=$(sed -n 's/^pid=//p' "$name.out")"
	grep -q '^ready=1' "$name.out"
}
# go_workload NAME: sends its go byte.
go_workload() {
	local fd
	eval "fd=\$wl_fd_$1"
	echo x >&"$fd"
	exec {fd}>&-
}
# wait_workload NAME: waits for its end; fails on a non-zero exit.
wait_workload() {
	local job rc
	eval "job=\$wl_job_$1"
	wait "$job"
	rc=$?
	[ -s "$1.err" ] && sed 's/^/# workload: /' "$1.err"
	return "$rc"
}

# ---- reference recorder ------------------------------------------------------------
declare -A rec_jobs=()
start_ref() { # start_ref OUT EVENT...: records until stop_ref OUT
	local out=$1
	shift
	rm -f "$out.ready"
	"$recorder" --proc "$hostproc" --no-stdin --output "$out" --ready-file "$out.ready" "$@" \
		2>"$out.err" &
	rec_jobs[$out]=$!
	for _ in $(seq 200); do [ -e "$out.ready" ] && return 0; sleep 0.02; done
	return 1
}
stop_ref() { # stop_ref OUT: SIGINT, wait; its exit status
	local job=${rec_jobs[$1]:-} rc
	[ -n "$job" ] || return 1
	kill -INT "$job" 2>/dev/null
	wait "$job"
	rc=$?
	unset "rec_jobs[$1]"
	[ -s "$1.err" ] && sed 's/^/# recorder: /' "$1.err"
	return "$rc"
}

# ---- checks on traces ----------------------------------------------------------
bt2_clean() { # babeltrace2 TRACE: exit 0, empty stderr
	babeltrace2 "$1" >"$2.bt2.txt" 2>"$2.bt2.err" && [ ! -s "$2.bt2.err" ] ||
		{ head -n 5 "$2.bt2.err" | sed 's/^/#   /'; return 1; }
}
bt1_reads() { # babeltrace 1.5 TRACE: exit 0
	babeltrace "$1" >"$2.bt1.txt" 2>"$2.bt1.err" ||
		{ head -n 5 "$2.bt1.err" | sed 's/^/#   /'; return 1; }
}
event_names() { # the distinct event names of a trace (babeltrace2 text output)
	babeltrace2 "$1" 2>/dev/null | sed -n 's/^\[[^]]*\] ([^)]*) [^ ]* \([^:]*\): .*/\1/p' | sort -u
}
# syscallstats_count TRACE TID SYSCALL: lttng-syscallstats' count for SYSCALL of TID.
syscallstats_count() {
	awk -v tid="$2" -v sc="$3" '
		/\(.*TID: [0-9]+\)/ { cur = ($0 ~ ("TID: " tid "\\)")) }
		cur && $1 == "-" && $2 == sc { print $3; exit }' "$1"
}
# syscallstats_checks KERNEL_TRACE WORKLOAD_OUT: lttng-syscallstats' per-TID
# counts for the workload's main thread are its openat, close and read counts,
# and its writes to /dev/null plus its stdout's (one or two).
syscallstats_checks() {
	local pid sc want got
	pid=$(sed -n 's/^pid=//p' "$2")
	lttng-syscallstats --no-progress --no-color --tid "$pid" "$1" >syscallstats.txt 2>syscallstats.err
	check "lttng-syscallstats (exit 0)" test $? -eq 0
	for sc in openat:n_open close:n_open read:n_read; do
		want=$(sed -n "s/^${sc#*:}=//p" "$2") sc=${sc%%:*}
		got=$(syscallstats_count syscallstats.txt "$pid" "$sc")
		check "lttng-syscallstats: tid $pid made $want $sc calls (says ${got:-none})" \
			test "${got:-0}" = "$want"
	done
	want=$(sed -n 's/^n_write=//p' "$2")
	got=$(syscallstats_count syscallstats.txt "$pid" write)
	check "lttng-syscallstats: tid $pid made $want writes to /dev/null + 1 or 2 to stdout (says ${got:-none})" \
		test "${got:-0}" -ge $((want + 1)) -a "${got:-0}" -le $((want + 2))
}
lttng_ok() { # lttng_ok LOG ARGS...: lttng ARGS, output appended to LOG
	echo "\$ lttng ${*:2}" >>"$1"
	lttng "${@:2}" >>"$1" 2>&1
}

# ======================= the cases' CLI sequences ==========================
# Kept small so that they are easy to adjust to the daemon.
a_events_syscalls=openat,read,write,close
a_events_tp=sched_switch,sched_process_fork,sched_process_exec,sched_process_exit
a_ref_events=(syscalls:sys_enter_openat syscalls:sys_exit_openat syscalls:sys_enter_read
	syscalls:sys_exit_read syscalls:sys_enter_write syscalls:sys_exit_write
	syscalls:sys_enter_close syscalls:sys_exit_close sched:sched_switch
	sched:sched_process_fork sched:sched_process_exec sched:sched_process_exit)
a_setup() { # a_setup SESSION OUTPUT
	lttng_ok cli.log create "$1" --output "$2" &&
		lttng_ok cli.log enable-event -k -s "$1" --syscall "$a_events_syscalls" &&
		lttng_ok cli.log enable-event -k -s "$1" "$a_events_tp"
}
session_start() { lttng_ok cli.log start "$1"; }
session_stop() { lttng_ok cli.log stop "$1"; }
session_destroy() { lttng_ok cli.log destroy "$1"; }

case_a() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "create, enable-event -k --syscall $a_events_syscalls, enable-event -k $a_events_tp" \
		a_setup s "$dir/trace"
	check "the workload is ready" start_workload w --open 20 --read 12 --read-bytes 100 \
		--write 15 --sleep 3 --fork 2 --exec /bin/true --threads 0
	check "the reference recorder is ready" start_ref ref.txt "${a_ref_events[@]}"
	check "lttng start" session_start s
	sleep 0.05
	go_workload w
	check "the workload ran (exit 0)" wait_workload w
	sleep 0.05
	check "lttng stop" session_stop s
	check "the reference recorder ended (exit 0)" stop_ref ref.txt
	check "lttng destroy" session_destroy s
	check "a kernel/ trace with metadata" test -s "$dir/trace/kernel/metadata"
	check_out "exact workload counts in our trace (expect.py)" expect.txt \
		"$py" "$here/expect.py" "$dir/trace" w.out
	check_out "the reference itself has the exact counts (expect.py --ref)" expect-ref.txt \
		"$py" "$here/expect.py" --ref ref.txt w.out
	check_out "same workload events as the reference ftrace instance (compare.py)" compare.txt \
		"$py" "$here/compare.py" "$dir/trace" ref.txt w.out
	grep '^# ' compare.txt
	check "babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$dir/trace" a
	check "babeltrace 1.5 reads it (exit 0)" bt1_reads "$dir/trace" a
	syscallstats_checks "$dir/trace/kernel" w.out
	stop_daemon "$sd"
}

# The tools themselves, no daemon: two reference instances agree, the workload's
# exact counts are in the reference, and a synthetic LTTng-like trace made from
# the reference (ref2ctf.py) passes expect.py, compare.py, babeltrace2,
# babeltrace 1.5 and lttng-syscallstats. So a failure of cases a-f is the
# daemon's, not the checkers'.
case_t() {
	local events=("${a_ref_events[@]}" syscalls:sys_enter_nanosleep syscalls:sys_exit_nanosleep)
	check "the workload is ready" start_workload w --open 20 --read 12 --read-bytes 100 \
		--write 15 --sleep 3 --fork 2 --exec /bin/true --threads 2 --thread-opens 4
	check "a reference recorder is ready" start_ref ref.txt "${events[@]}"
	check "a second one is ready" start_ref ref2.txt "${events[@]}"
	check "each has its own instance" test "$(ls -d "$TRACEFS"/instances/lttng-test-ref-* | wc -l)" -ge 2
	go_workload w
	check "the workload ran (exit 0)" wait_workload w
	sleep 0.05
	check "the first recorder ended (exit 0)" stop_ref ref.txt
	check "the second recorder ended (exit 0)" stop_ref ref2.txt
	check "their instances are gone" bash -c "! ls -d $TRACEFS/instances/lttng-test-ref-* >/dev/null 2>&1"
	local all=syscall_entry_openat,syscall_exit_openat,syscall_entry_read,syscall_exit_read
	all+=,syscall_entry_write,syscall_exit_write,syscall_entry_close,syscall_exit_close,sched_switch
	all+=,sched_process_fork,sched_process_exec,sched_process_exit,syscall_entry_nanosleep,syscall_exit_nanosleep
	check_out "the reference has the workload's exact counts (expect.py --ref)" expect-ref.txt \
		"$py" "$here/expect.py" --ref ref.txt w.out --events "$all"
	check_out "two reference instances hold the same workload events (compare.py)" compare-refs.txt \
		"$py" "$here/compare.py" --ours-is-ref ref2.txt ref.txt w.out
	grep '^# ' compare-refs.txt
	check "a synthetic LTTng-like trace from the reference (ref2ctf.py)" \
		"$py" "$here/ref2ctf.py" ref.txt "$dir/syn" --openat-filename /etc/passwd
	check_out "expect.py passes on it" expect-syn.txt "$py" "$here/expect.py" "$dir/syn" w.out --events "$all"
	check_out "compare.py finds it the same as the reference" compare-syn.txt \
		"$py" "$here/compare.py" "$dir/syn" ref.txt w.out
	check "babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$dir/syn" syn
	check "babeltrace 1.5 reads it (exit 0)" bt1_reads "$dir/syn" syn
	syscallstats_checks "$dir/syn/kernel" w.out
}

b_session() { # b_session NAME: a recording kernel session
	lttng_ok cli.log create "$1" --output "$dir/$1" &&
		lttng_ok cli.log enable-event -k -s "$1" sched_switch &&
		lttng_ok cli.log start "$1"
}
case_b() {
	start_daemon daemon1 || { notok "daemon started"; return; }
	local sd1=$sd
	check "a recording session" b_session b1
	check "it has an instance named $INSTANCE_PREFIX<pidns>-$sd1-<session id>-<channel>" \
		test -n "$(instances_of "$sd1")"
	note "instances: $(instances_of "$sd1" | tr '\n' ' ')"
	local had
	had=$(instances_of "$sd1")
	check "lttng destroy" session_destroy b1
	check "after destroy, its instances are gone" \
		gone_after "$had" "$sd1"
	check "another recording session" b_session b2
	had=$(instances_of "$sd1")
	check "it has an instance" test -n "$had"
	local kids
	kids=$(children_of "$sd1")
	kill -KILL "$sd1"
	for _ in $(seq 50); do kill -0 "$sd1" 2>/dev/null || break; sleep 0.1; done
	# Its consumer sees its session daemon go; give it 3 s, then end it.
	local k gone=1
	for k in $kids; do
		for _ in $(seq 30); do kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$k" 2>/dev/null; then gone=0; kill -KILL "$k"; fi
	done
	check "the consumer of a SIGKILLed daemon exits by itself (3 s)" test -n "$kids" -a "$gone" = 1
	note "after kill -9: instances of $sd1: $(instances_of "$sd1" | tr '\n' ' ')"
	start_daemon daemon2 || { notok "a new daemon started"; return; }
	check "a new daemon ($sd) removes the instances of the killed one ($sd1)" \
		gone_after "$had" "$sd1"
	check "a session of the new daemon" b_session b3
	had=$(instances_of "$sd")
	check "it has an instance" test -n "$had"
	local sd2=$sd
	stop_daemon "$sd2"
	check "after SIGTERM of daemon $sd2 with a recording session, none of its instances is left" \
		gone_after "$had" "$sd2" 10
	check "babeltrace2 reads the SIGTERMed session's trace" bt2_clean "$dir/b3" b3
}

c_setup() {
	# The pid and tid contexts say whose events these are (no sched_switch here).
	lttng_ok cli.log create c1 --output "$dir/c1" &&
		lttng_ok cli.log enable-event -k -s c1 --syscall openat &&
		lttng_ok cli.log add-context -k -s c1 -t pid -t tid &&
		lttng_ok cli.log create c2 --output "$dir/c2" &&
		lttng_ok cli.log enable-event -k -s c2 sched_process_fork,sched_process_exit &&
		lttng_ok cli.log add-context -k -s c2 -t pid -t tid
}
only_names() { # only_names TRACE NAME...: the trace's events have these names only
	local names extra
	names=$(event_names "$1")
	shift
	extra=$(grep -vxF "$(printf '%s\n' "$@")" <<<"$names")
	[ -n "$names" ] && [ -z "$extra" ] || { note "names: $(echo $names)"; return 1; }
}
case_c() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "two sessions: c1 (--syscall openat), c2 (sched_process_fork,sched_process_exit)" c_setup
	start_workload w1 --open 7 --read 0 --write 0 --sleep 0 --fork 1
	start_workload w2 --open 9 --read 0 --write 0 --sleep 0 --fork 1
	check "start c1" session_start c1
	check "start c2" session_start c2
	check "two instances of ours while both record" test "$(instances_of "$sd" | wc -l)" -ge 2
	local both
	both=$(instances_of "$sd" | wc -l)
	go_workload w1
	check "workload 1 ran" wait_workload w1
	check "destroy c2 while c1 records" session_destroy c2
	check "c2's instances are gone, c1's remain" \
		test "$(instances_of "$sd" | wc -l)" -lt "$both" -a -n "$(instances_of "$sd")"
	go_workload w2
	check "workload 2 ran" wait_workload w2
	sleep 0.05
	check "stop c1" session_stop c1
	check "destroy c1" session_destroy c1
	check "no instance left" wait_no_instances "$sd"
	check "c1 holds syscall_entry_openat/syscall_exit_openat only" \
		only_names "$dir/c1" syscall_entry_openat syscall_exit_openat
	check "c2 holds sched_process_fork/sched_process_exit only" \
		only_names "$dir/c2" sched_process_fork sched_process_exit
	check_out "c1: workload 1's 7 openat" c1-w1.txt "$py" "$here/expect.py" "$dir/c1" w1.out \
		--events syscall_entry_openat,syscall_exit_openat
	check_out "c1: workload 2's 9 openat (recorded after c2 was destroyed)" c1-w2.txt \
		"$py" "$here/expect.py" "$dir/c1" w2.out --events syscall_entry_openat,syscall_exit_openat
	check_out "c2: workload 1's fork and exits" c2-w1.txt "$py" "$here/expect.py" "$dir/c2" w1.out \
		--events sched_process_fork,sched_process_exit
	local p2
	p2=$(sed -n 's/^pid=//p' w2.out)
	check "c2: nothing of workload 2 (it ran after c2 was destroyed)" \
		bash -c "babeltrace2 '$dir/c2' >c2.txt 2>/dev/null && ! grep -Eq 'parent_tid = $p2\\b|tid = $p2\\b' c2.txt"
	check "babeltrace2 reads c1" bt2_clean "$dir/c1" c1
	check "babeltrace2 reads c2" bt2_clean "$dir/c2" c2
	stop_daemon "$sd"
}

case_d() {
	start_daemon daemon || { notok "daemon started"; return; }
	lttng list -k >list-k.txt 2>&1
	check "lttng list -k (exit 0)" test $? -eq 0
	check "lttng list -k lists sched_switch as a tracepoint" \
		grep -Eq '^ +sched_switch \(loglevel: TRACE_EMERG \(0\)\) \(type: tracepoint\)$' list-k.txt
	lttng list -k --syscall >list-sc.txt 2>&1
	check "lttng list -k --syscall (exit 0)" test $? -eq 0
	check "lttng list -k --syscall lists openat" grep -Eq '^ +openat \[.*64-bit.*\]' list-sc.txt
	lttng_ok cli.log create s --output "$dir/trace"
	lttng enable-event -k -s s --probe do_sys_open x >probe.txt 2>&1
	local rc=$?
	check "enable-event -k --probe do_sys_open x fails (no kprobes; exit $rc)" test "$rc" -ne 0
	check "with an error message" grep -q 'Error' probe.txt
	sed 's/^/#   /' probe.txt
	lttng list s >list-s.txt 2>&1
	check "lttng list s shows no event x" bash -c "! grep -Eq '^ +x( |\$)' list-s.txt"
	check "and no instance of ours holds an enabled event" bash -c \
		"! grep -qx 1 $TRACEFS/instances/$INSTANCE_PREFIX*-$sd-*/events/*/*/enable 2>/dev/null"
	session_destroy s
	stop_daemon "$sd"
}

e_setup() { # e_setup PID
	lttng_ok cli.log create s --output "$dir/trace" &&
		lttng_ok cli.log add-context -k -s s -t pid -t tid &&
		lttng_ok cli.log enable-event -k -s s --syscall openat,close &&
		lttng_ok cli.log enable-event -k -s s "$a_events_tp" &&
		lttng_ok cli.log track -k -s s --pid "$1"
}
case_e() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "workload with 3 threads ready" start_workload w --open 6 --read 0 --write 0 --sleep 2 \
		--fork 1 --threads 3 --thread-opens 4
	check "another process, not tracked, ready" start_workload other --open 5 --read 0 \
		--write 0 --sleep 2 --fork 1
	check "create, add-context -k pid tid, events, track -k --pid $wl_pid_w" e_setup "$wl_pid_w"
	check "lttng start" session_start s
	sleep 0.05
	go_workload w
	go_workload other
	check "the workload ran" wait_workload w
	check "the other process ran" wait_workload other
	sleep 0.05
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	check_out "the tracked process: its threads' and its own exact counts, nothing else (expect.py --only-process)" \
		expect.txt "$py" "$here/expect.py" --only-process "$dir/trace" w.out \
		--events syscall_entry_openat,syscall_exit_openat,syscall_entry_close,syscall_exit_close,sched_switch,sched_process_fork,sched_process_exec,sched_process_exit
	check "babeltrace2 reads it" bt2_clean "$dir/trace" e
	stop_daemon "$sd"
}

f_setup() {
	lttng_ok cli.log create s --output "$dir/trace" &&
		lttng_ok cli.log enable-channel -k -s s --subbuf-size 4096 --num-subbuf 2 small &&
		lttng_ok cli.log enable-event -k -s s -c small --syscall write
}
case_f() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "a 2 x 4 KiB kernel channel with --syscall write" f_setup
	check "flood workload ready" start_workload w --open 0 --read 0 --write 200000 --sleep 0 --fork 0
	check "lttng start" session_start s
	go_workload w
	check "the flood ran" wait_workload w
	lttng stop s >stop.txt 2>&1
	check "lttng stop (exit 0)" test $? -eq 0
	sed 's/^/#   /' stop.txt
	local warned counted
	warned=$(sed -n 's/.*Warning: \([0-9][0-9]*\) events were discarded.*/\1/p' stop.txt)
	check "lttng stop warns of discarded events (${warned:-none})" test -n "$warned" -a "${warned:-0}" -gt 0
	counted=$(KT_HERE=$here "$py" -c '
import os, sys
sys.path.insert(0, os.environ["KT_HERE"])
import ktrace
_, info = ktrace.read_lttng(sys.argv[1])
print(info.discarded, info.discarded_unknown)' "$dir/trace" 2>discarded.err)
	note "babeltrace2 discarded-events messages: sum, without a count: ${counted:-?}"
	check "the warning's number equals the discarded events babeltrace2 reports" \
		test -n "$warned" -a "${counted%% *}" = "$warned" -a "${counted#* }" = 0
	check "babeltrace2 reads it (exit 0)" bash -c "babeltrace2 '$dir/trace' >/dev/null 2>f.bt2.err"
	lttng destroy s >/dev/null 2>&1
	stop_daemon "$sd"
}

case "$case_name" in
t | a | b | c | d | e | f) "case_$case_name" ;;
*) notok "unknown case $case_name" ;;
esac
# A recorder still running is stopped (it removes its instance); whatever else
# is left of the case ends with this namespace.
for out in "${!rec_jobs[@]}"; do stop_ref "$out" >/dev/null; done
echo "# end"
