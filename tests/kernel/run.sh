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
#   g  uprobes   --userspace-probe elf: and sdt: on lttng-test-uprobe-fixture: exact
#                per-run counts with its pid/tid, lttng list's location lines,
#                LTTng's refusals (semaphore SDT, unknown symbol/probe, non-ELF),
#                our uprobe_events lines gone after destroy; a first daemon that
#                sees the host's /proc (as every other case's) must start it too
#   h  channels  enable-channel -k attributes in lttng list and MI; --buffers-uid,
#                --blocking-timeout and a channel after the first start refused;
#                the instance's buffer_size_kb and options/overwrite; tracefile
#                rollover (channel0_<cpu>_<N>) read by babeltrace2
#   i  filters   --filter 'next_tid == PID' on sched_switch (an ftrace filter);
#                arithmetic refused;
#                contexts pid,tid,vpid,vtid,ppid,procname,prio,nice,hostname =
#                /proc's values (a reniced workload; a process gone before its
#                records are read too);
#                callstack-kernel refused
#   j  statedump lttng_statedump_* (the workload's process_state), regenerate
#                statedump (a second start/end), regenerate metadata, a snapshot
#                session's snapshot record with the workload's openat calls
#   k  save/load channel attrs, tracepoint/syscall/filter/uprobe rules, contexts,
#                pid tracker: save, destroy, load: same lttng list; it records;
#                a new daemon's --load of the file: same list, it starts
#   l  options   --kmod-probes=sched (list -k), --no-kernel (KERN_NA), a per-user
#                daemon (NEED_ROOT_SESSIOND; account lttng-test-user, created by
#                tests/integration/lib/test-accounts.sh)
#   m  bad input --syscall nosuchsyscall, malformed and unterminated filters,
#                filters naming what no kernel event has: refused, nothing more
#                enabled in our instance
#   n  group     a member of the tracing group records the kernel through root's
#                daemon; the trace files are its own
#   o  full disk a session on a full tmpfs: its stop fails, the daemon and another
#                session go on, what was written is readable
#   p  filters2  filters ftrace cannot express, evaluated by our consumer:
#                $ctx.vpid/vtid, bitwise operators, two rules on one event, an
#                erroneous filter, statedump events' fields: exact counts
#   q  trackers  track -k --uid/--gid/--vuid: a process of the tracked user started
#                after the start by root's shell is recorded, root's is not
#   r  rotation  rotations and clear of a kernel session
#   s  streaming to lttng-relayd: the workload's writes in the relay's copy, a
#                rotation archived there, a snapshot record to a net:// output
#
# Each case runs in its own mount + PID namespace (tmpfs on /var/run/lttng and
# /dev/shm, private HOME) with its own daemon, started and ended by PID; every
# process a case starts is ended by its PID. Output: TAP, "# case X: N ms", then
# "N passed, N failed, N skipped". The whole suite takes well under 3 minutes.
#
# Usage (root): bash tests/kernel/run.sh [BUILD_DIR]
#   BUILD_DIR (default: the build dir of $OUR_SESSIOND, else build/) provides
#   src/sessiond/lttng-sessiond, src/consumerd/lttng-consumerd and
#   tests/kernel/lttng-test-{workload,ref-recorder,uprobe-fixture} (cases g
#   and k skip without the fixture: systemtap-sdt-dev).
# Environment: KT_CASES (default "t a b c d e f g h i j k l m n o p q r s"), KT_KEEP=1 keeps
# the work dir, KT_MI_XSD: LTTng's MI schema (mi-lttng-4.1.xsd) to validate
# `lttng --mi xml` against (Debian ships none: well-formedness otherwise).
#
# Debian packages needed besides the build's (add to tools/install-deps.sh):
#   libtracefs-dev libtraceevent-dev   (build lttng-test-ref-recorder)
#   babeltrace                         (babeltrace 1.5, read by lttng-analyses)
#   python3-babeltrace python3-lttnganalyses   (lttng-syscallstats)
#   babeltrace2 python3-bt2 lttng-tools util-linux procps coreutils
#   systemtap-sdt-dev (the fixture's <sys/sdt.h>), libxml2-utils (xmllint)
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
	# The workload, the reference recorder and the uprobe fixture are fixtures,
	# not code under test: KT_FIXTURES names a plain build's (the sanitizer pass
	# of CI: instrumented ones make other system calls and report their own
	# leaks at exit).
	fixtures=${KT_FIXTURES:-$build/tests/kernel}
	workload=$fixtures/lttng-test-workload
	recorder=$fixtures/lttng-test-ref-recorder
	cases=${KT_CASES:-t a b c d e f g h i j k l m n o p q r s}

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
daemon_extra=() # more options of the next start_daemon
daemon_proc= # the /proc it sees (default: the host's, $hostproc)
start_daemon() { # start_daemon LOGNAME: sets $sd
	local args=(--daemonize "${daemon_extra[@]}")
	[ -x "$c64" ] && args+=("--consumerd64-path=$c64")
	rm -f /var/run/lttng/lttng-sessiond.pid
	# The daemon sees the host's /proc, as a daemon on the host does: trackers
	# name global pids, and ftrace filters on them. (Its own mount namespace;
	# the case keeps the namespace's /proc.)
	unshare --mount --propagation private sh -c 'mount --bind "$0" /proc && exec "$@"' \
		"${daemon_proc:-$hostproc}" "$ours" "${args[@]}" 2>>"$dir/$1.log"
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
wl_runner=() # a command the next workload runs under (setpriv ...)
start_workload() {
	local name=$1
	shift
	rm -f "$name.go" "$name.out"
	mkfifo "$name.go"
	"${wl_runner[@]}" "$workload" --proc "$hostproc" "$@" <"$name.go" >"$name.out" 2>"$name.err" &
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
# The file name a trace of ours gives openat: the path where ftrace records the
# string, "" where it records only its address (README, the kernel domain).
openat_filename() {
	if grep -q 'field:const char \* filename;' "$TRACEFS/events/syscalls/sys_enter_openat/format"; then
		echo ""
	else
		echo /etc/passwd
	fi
}
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
		"$py" "$here/ref2ctf.py" ref.txt "$dir/syn" --openat-filename "$(openat_filename)"
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

# ======================= cases g-m: CLI, listings, options ====================
fixture=$(dirname "$workload")/lttng-test-uprobe-fixture
# kdump TRACE OUT: the trace's events, one per line (kdump.py), babeltrace2-read.
kdump() { "$py" "$here/kdump.py" "$1" >"$2" 2>"$2.err"; }
# count_ev DUMP NAME [key=value]...: events NAME with every key=value.
count_ev() {
	local f=$1 n=$2
	shift 2
	awk -F'\t' -v n="$n" -v conds="$*" '
		BEGIN { k = split(conds, c, " ") }
		$1 == n {
			ok = 1
			for (i = 1; i <= k; i++) {
				found = 0
				for (j = 2; j <= NF; j++) if ($j == c[i]) found = 1
				if (!found) ok = 0
			}
			if (ok) cnt++
		}
		END { print cnt + 0 }' "$f"
}
# run_lttng OUT ARGS...: lttng ARGS, its output in OUT, exit status in $rc.
rc=0
run_lttng() {
	local out=$1
	shift
	lttng "$@" >"$out" 2>&1
	rc=$?
	echo "\$ lttng $* -> $rc" >>cli.log
	cat "$out" >>cli.log
}
# refused WHAT OUT PATTERN ARGS...: lttng ARGS fails, and its output has PATTERN.
refused() {
	local what=$1 out=$2 pat=$3
	shift 3
	run_lttng "$out" "$@"
	check "$what: exit status non-zero (got $rc)" test "$rc" -ne 0
	if grep -Eq -- "$pat" "$out"; then ok "$what: says /$pat/"; else
		notok "$what: says /$pat/"
		sed 's/^/#   /' "$out"
	fi
}
# enabled_events PID: system/event of every enabled event of daemon PID's instances.
enabled_events() {
	grep -lx 1 "$TRACEFS"/instances/"$INSTANCE_PREFIX"*-"$1"-*/events/*/*/enable 2>/dev/null |
		awk -F/ '{ print $(NF-2) "/" $(NF-1) }' | sort -u
}
# The MI schema: $KT_MI_XSD, else one installed with lttng-tools (Debian's
# 2.13.9 ships none: then well-formedness and the expected elements only).
mi_xsd=${KT_MI_XSD:-$(ls /usr/share/xml/lttng/mi-lttng-*.xsd /usr/share/xml/lttng/mi*.xsd 2>/dev/null | tail -n1)}
# mi_list OUT SESSION: lttng --mi xml list SESSION (exit 0, valid against
# $mi_xsd when there is one), flattened into OUT.flat.
mi_list() {
	lttng --mi xml list "$2" >"$1" 2>"$1.err" || return 1
	if [ -n "$mi_xsd" ]; then
		xmllint --noout --schema "$mi_xsd" "$1" 2>"$1.xsd.err" ||
			{ head -n 5 "$1.xsd.err" | sed 's/^/#   /'; return 1; }
	fi
	"$py" "$here/miflat.py" "$1" >"$1.flat"
}
mi_has() { # mi_has FLAT LINE...: each line is in FLAT
	local f=$1 l r=0
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$f" || { note "not in MI: $l"; r=1; }
	done
	return $r
}

# g: user-space probes on lttng-test-uprobe-fixture.
case_g() {
	[ -x "$fixture" ] || { echo "skip - $fixture is not built (sys/sdt.h)"; return; }
	# The suite's daemons see the host's /proc while their pid is the PID
	# namespace's (trackers need global pids): a uprobe is defined with a path
	# the daemon's /proc must resolve to its own fd.
	start_daemon daemon-hostproc || { notok "daemon started"; return; }
	lttng_ok cli.log create s0 --output "$dir/trace0"
	check "(daemon seeing the host's /proc) enable-event -k --userspace-probe=elf:FIXTURE:lttng_test_fix_fn upf" \
		lttng_ok cli.log enable-event -k -s s0 --userspace-probe="elf:$fixture:lttng_test_fix_fn" upf
	run_lttng start0.txt start s0
	check "(daemon seeing the host's /proc) lttng start with a user-space probe (exit $rc)" test "$rc" = 0
	[ "$rc" = 0 ] || sed 's/^/#   /' start0.txt
	if [ "$rc" != 0 ]; then
		run_lttng afterfail.txt list s0
		check "(daemon seeing the host's /proc) after a failed start, the session is inactive" \
			grep -q '^Recording session s0: \[inactive\]' afterfail.txt
	fi
	lttng destroy s0 >/dev/null 2>&1
	stop_daemon "$sd"
	check "(daemon seeing the host's /proc) no lttng_up_ line of it left" \
		bash -c "! grep -q 'lttng_up_[0-9]*_${sd}_' $TRACEFS/uprobe_events"
	# The rest with a daemon whose /proc is its PID namespace's.
	daemon_proc=/proc
	start_daemon daemon || { notok "daemon started"; daemon_proc=; return; }
	daemon_proc=
	local ns runs=3 calls=4 i
	ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
	lttng_ok cli.log create s --output "$dir/trace"
	check "enable-event -k --userspace-probe=elf:FIXTURE:lttng_test_fix_fn upf" \
		lttng_ok cli.log enable-event -k -s s --userspace-probe="elf:$fixture:lttng_test_fix_fn" upf
	check "enable-event -k --userspace-probe=sdt:FIXTURE:lttng_test_fix:tick ups" \
		lttng_ok cli.log enable-event -k -s s --userspace-probe="sdt:$fixture:lttng_test_fix:tick" ups
	check "add-context -k -t pid -t tid" lttng_ok cli.log add-context -k -s s -t pid -t tid
	refused "a semaphore-guarded SDT probe" sem.txt \
		'SDT probes .*guarded by semaphores are not supported' \
		enable-event -k -s s --userspace-probe="sdt:$fixture:lttng_test_fix:semtick" upsem
	refused "an unknown ELF symbol" nosym.txt 'Invalid userspace probe location' \
		enable-event -k -s s --userspace-probe="elf:$fixture:no_such_function_here" upbad
	refused "a file that is not ELF (/etc/passwd)" noelf.txt 'Invalid userspace probe location' \
		enable-event -k -s s --userspace-probe="elf:/etc/passwd:main" upbad2
	refused "an unknown SDT probe" nosdt.txt 'Invalid userspace probe location' \
		enable-event -k -s s --userspace-probe="sdt:$fixture:lttng_test_fix:nosuch" upbad3
	run_lttng list.txt list s
	check "lttng list s (exit 0)" test "$rc" = 0
	check "it lists upf as a userspace-probe, enabled" grep -Eq '^ +upf \(type: userspace-probe\) \[enabled\]' list.txt
	check "it lists ups as a userspace-probe, enabled" grep -Eq '^ +ups \(type: userspace-probe\) \[enabled\]' list.txt
	check "upf: binary path, function, ELF lookup" bash -c "
		awk '/ upf \\(type/ { p = 1; next } / \\(type: / { p = 0 } p' list.txt >upf.txt
		grep -Eq 'Binary path: +$fixture\$' upf.txt && grep -Eq 'Function: +lttng_test_fix_fn' upf.txt &&
			grep -Eq 'Lookup method: +ELF' upf.txt"
	check "ups: binary path, provider:probe, SDT lookup" bash -c "
		awk '/ ups \\(type/ { p = 1; next } / \\(type: / { p = 0 } p' list.txt >ups.txt
		grep -Eq 'Binary path: +$fixture\$' ups.txt && grep -Eq 'lttng_test_fix:tick' ups.txt &&
			grep -Eq 'Lookup method: +SDT' ups.txt"
	check "no rejected probe is listed" bash -c "! grep -Eq '^ +upsem|^ +upbad' list.txt"
	check "lttng --mi xml list s${mi_xsd:+ (valid against $mi_xsd)}" mi_list mi.xml s
	local e="command[list]/output/sessions/session[s]/domains/domain/channels/channel[channel0]/events/event"
	check_out "MI: upf and ups are USERSPACE_PROBE events, enabled" mi-up.txt mi_has mi.xml.flat \
		"$e[upf]/type=USERSPACE_PROBE" "$e[upf]/enabled=true" \
		"$e[ups]/type=USERSPACE_PROBE" "$e[ups]/enabled=true"
	grep -E 'event\[up[fs]\]' mi.xml.flat | grep -v '/name=\|/type=\|/enabled=' | head -8 | sed 's/^.*event\[/#   MI: [/'
	sed 's/^/#   /' list.txt | sed -n '/upf\|ups/,+5p' | head -14
	check "lttng start" session_start s
	check "uprobe_events has lttng_up_${ns}_${sd}_ lines while recording" \
		grep -q "lttng_up_${ns}_${sd}_" "$TRACEFS/uprobe_events"
	for i in $(seq "$runs"); do
		"$fixture" "$calls" "$hostproc" >fix$i.out 2>&1
		check "fixture run $i (exit 0)" test $? = 0
	done
	sleep 0.1
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	note "uprobe_events just after destroy: $(grep -c "lttng_up_${ns}_${sd}_" "$TRACEFS/uprobe_events") lines of ours"
	check "after destroy, no lttng_up_${ns}_${sd}_ line is left in uprobe_events (3 s)" \
		bash -c "for _ in \$(seq 30); do grep -q 'lttng_up_${ns}_${sd}_' $TRACEFS/uprobe_events || exit 0; sleep 0.1; done; exit 1"
	grep "lttng_up_${ns}_${sd}_" "$TRACEFS/uprobe_events" | head -3 | sed 's/^/#   left: /'
	check "the trace is read (kdump.py / bt2)" kdump "$dir/trace" g.dump
	local total_f=0 total_s=0 p nf ns_
	for i in $(seq "$runs"); do
		p=$(sed -n 's/^pid=//p' fix$i.out)
		nf=$(count_ev g.dump upf "pid=$p" "tid=$p")
		ns_=$(count_ev g.dump ups "pid=$p" "tid=$p")
		check "run $i (pid $p): $calls upf events with its pid/tid (got $nf)" test "$nf" = "$calls"
		check "run $i (pid $p): $calls ups events with its pid/tid (got $ns_)" test "$ns_" = "$calls"
	done
	total_f=$(count_ev g.dump upf)
	total_s=$(count_ev g.dump ups)
	check "exactly $((runs * calls)) upf events in all (got $total_f)" test "$total_f" = $((runs * calls))
	check "exactly $((runs * calls)) ups events in all (got $total_s)" test "$total_s" = $((runs * calls))
	check "babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$dir/trace" g
	stop_daemon "$sd"
}

# h: channel attributes, LTTng's refusals, the instance's settings, rollover.
h_setup() {
	lttng_ok cli.log create s --output "$dir/trace" &&
		lttng_ok cli.log enable-channel -k -s s --subbuf-size 4096 --num-subbuf 4 \
			--tracefile-size 8192 --tracefile-count 6 channel0 &&
		lttng_ok cli.log enable-channel -k -s s --subbuf-size 65536 --num-subbuf 8 --overwrite \
			--switch-timer 100000 --read-timer 300000 big &&
		lttng_ok cli.log enable-event -k -s s -c channel0 --syscall write &&
		lttng_ok cli.log enable-event -k -s s -c big sched_switch
}
case_h() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "create; channel0 (4 KiB x 4, tracefile 8 KiB x 6), big (64 KiB x 8, overwrite, switch 100 ms, read 300 ms)" h_setup
	run_lttng list.txt list s
	check "lttng list s (exit 0)" test "$rc" = 0
	awk '/^- big:/ { p = 1 } /^- channel0:/ { p = 0 } p' list.txt >big.txt
	awk '/^- channel0:/ { p = 1 } /^- big:/ { p = 0 } p' list.txt >ch0.txt
	check "list: big is overwrite" grep -Eq 'Event-loss mode: +overwrite' big.txt
	check "list: big has 65536-byte sub-buffers" grep -Eq 'Sub-buffer size: +65536 bytes' big.txt
	check "list: big has 8 sub-buffers" grep -Eq 'Sub-buffer count: +8$' big.txt
	check "list: big's switch timer is 100000 µs" grep -Eq 'Switch timer: +100000 (µs|us)' big.txt
	check "list: big's read timer is 300000 µs" grep -Eq 'Read timer: +300000 (µs|us)' big.txt
	check "list: channel0 is discard" grep -Eq 'Event-loss mode: +discard' ch0.txt
	check "list: channel0 has 4096-byte sub-buffers" grep -Eq 'Sub-buffer size: +4096 bytes' ch0.txt
	check "list: channel0 has 4 sub-buffers" grep -Eq 'Sub-buffer count: +4$' ch0.txt
	check "list: channel0's trace file count is 6" grep -Eq 'Trace file count: +6 per stream' ch0.txt
	check "list: channel0's trace file size is 8192 bytes" grep -Eq 'Trace file size: +8192 bytes' ch0.txt
	[ -s big.txt ] || sed 's/^/#   /' list.txt | head -40
	check "lttng --mi xml list s: well-formed, a <command>${mi_xsd:+, valid against $mi_xsd}" mi_list mi.xml s
	local c="command[list]/output/sessions/session[s]/domains/domain/channels/channel"
	check_out "MI: big's attributes" mi-big.txt mi_has mi.xml.flat \
		"$c[big]/attributes/overwrite_mode=OVERWRITE" \
		"$c[big]/attributes/subbuffer_size=65536" \
		"$c[big]/attributes/subbuffer_count=8" \
		"$c[big]/attributes/switch_timer_interval=100000" \
		"$c[big]/attributes/read_timer_interval=300000" \
		"$c[big]/enabled=true"
	check_out "MI: channel0's attributes" mi-ch0.txt mi_has mi.xml.flat \
		"$c[channel0]/attributes/overwrite_mode=DISCARD" \
		"$c[channel0]/attributes/subbuffer_size=4096" \
		"$c[channel0]/attributes/subbuffer_count=4" \
		"$c[channel0]/attributes/tracefile_size=8192" \
		"$c[channel0]/attributes/tracefile_count=6"
	refused "enable-channel -k --buffers-uid" buid.txt 'Buffer type not supported for domain -k' \
		enable-channel -k -s s --buffers-uid uidchan
	refused "enable-channel -k --blocking-timeout" block.txt \
		'[Rr]etry timeout option not supported for kernel domain|not supported .*kernel' \
		enable-channel -k -s s --blocking-timeout 10 blockchan
	refused "enable-channel -k on an enabled channel (KERN_CHAN_EXIST)" exist.txt \
		'[Kk]ernel channel already exists' enable-channel -k -s s big
	refused "an overwrite channel with one sub-buffer (INVALID)" onesub.txt 'Invalid parameter' \
		enable-channel -k -s s --overwrite --subbuf-size 4096 --num-subbuf 1 onesub
	check "flood workload ready" start_workload w --open 0 --read 0 --write 20000 --sleep 0 --fork 0
	check "lttng start" session_start s
	local i kb ov found_big=0 found_small=0
	for i in $(instances_of "$sd"); do
		kb=$(cat "$TRACEFS/instances/$i/buffer_size_kb")
		ov=$(cat "$TRACEFS/instances/$i/options/overwrite")
		note "instance $i: buffer_size_kb=$kb overwrite=$ov"
		# ftrace rounds up to whole pages of data (a page holds less than 4 KiB)
		[ "$kb" -ge 512 ] && [ "$kb" -le 532 ] && [ "$ov" = 1 ] && found_big=1
		[ "$kb" -ge 16 ] && [ "$kb" -le 24 ] && [ "$ov" = 0 ] && found_small=1
	done
	check "big's instance: buffer_size_kb 512 (64 KiB x 8; up to 4% + 4 KiB more, pages), options/overwrite 1" test "$found_big" = 1
	check "channel0's instance: buffer_size_kb 16 (4 KiB x 4; up to 8 KiB more, pages), options/overwrite 0" test "$found_small" = 1
	refused "a new kernel channel once started" late.txt 'Tracing has already been started once' \
		enable-channel -k -s s late
	go_workload w
	check "the flood ran" wait_workload w
	check "lttng stop" session_stop s
	refused "a new kernel channel after stop (started once)" late2.txt \
		'Tracing has already been started once' enable-channel -k -s s late2
	check "lttng destroy" session_destroy s
	local files
	files=$(cd "$dir/trace/kernel" 2>/dev/null && ls | grep -E '^channel0_[0-9]+_[0-9]+$' | sort)
	note "channel0 files: $(echo $files | head -c 300)"
	check "rollover: channel0_<cpu>_N files, some N >= 1" \
		bash -c "grep -Eq '^channel0_[0-9]+_[1-9][0-9]*\$' <<<'$files'"
	check "at most 6 trace files per stream" bash -c "
		[ -n '$files' ] && ! sed 's/_[0-9]*\$//' <<<'$files' | uniq -c | awk '\$1 > 6 { exit 1 }' | grep -q .
		sed 's/_[0-9]*\$//' <<<'$files' | uniq -c | awk '\$1 > 6 { bad = 1 } END { exit bad }'"
	check "no non-rolled channel0_<cpu> file" bash -c "! ls '$dir/trace/kernel' | grep -Eqx 'channel0_[0-9]+'"
	check "babeltrace2 reads the rolled-over trace (exit 0)" bash -c "babeltrace2 '$dir/trace' >h.bt2.txt 2>h.bt2.err"
	check "it holds write events" grep -q 'syscall_entry_write' h.bt2.txt
	stop_daemon "$sd"
}

# i: filters and contexts.
i_ctx=(pid tid vpid vtid ppid procname prio nice hostname)
case_i() {
	start_daemon daemon || { notok "daemon started"; return; }
	# It sleeps 800 x 1 ms after its openat calls: alive while the consumer
	# reads its events (read timer 200 ms).
	check "workload ready" start_workload w --open 5 --read 0 --write 0 --sleep 800 --fork 0
	check "a short-lived workload ready" start_workload w2 --open 3 --read 0 --write 0 --sleep 0 --fork 0
	local p=$wl_pid_w nsp comm ppid host p2 nsp2
	nsp=$(sed -n 's/^ns_pid=//p' w.out)
	p2=$wl_pid_w2
	nsp2=$(sed -n 's/^ns_pid=//p' w2.out)
	renice -n 4 -p "$nsp" >/dev/null
	renice -n 4 -p "$(sed -n 's/^ns_pid=//p' w2.out)" >/dev/null
	comm=$(cat "$hostproc/$p/comm")
	ppid=$(awk '/^PPid:/ { print $2 }' "$hostproc/$p/status")
	host=$(uname -n)
	note "workload: pid $p ns_pid $nsp comm $comm ppid $ppid nice $(awk '{ print $19 }' "$hostproc/$p/stat") prio $(awk '{ print $18 }' "$hostproc/$p/stat")"
	lttng_ok cli.log create s --output "$dir/trace"
	check "enable-event -k sched_switch --filter 'next_tid == $p'" \
		lttng_ok cli.log enable-event -k -s s sched_switch --filter "next_tid == $p"
	check "enable-event -k --syscall openat" lttng_ok cli.log enable-event -k -s s --syscall openat
	check "enable-event -k --syscall close --filter '\$ctx.procname == \"lttng-test-work\"'" \
		lttng_ok cli.log enable-event -k -s s --syscall close --filter '$ctx.procname == "lttng-test-work"'
	check "enable-event -k sched_process_exit --filter 'nosuchfield == 1' (accepted)" \
		lttng_ok cli.log enable-event -k -s s sched_process_exit --filter 'nosuchfield == 1'
	local c args=()
	for c in "${i_ctx[@]}"; do args+=(-t "$c"); done
	check "add-context -k ${i_ctx[*]}" lttng_ok cli.log add-context -k -s s "${args[@]}"
	refused "a filter with arithmetic ('prev_tid + 1 == 2')" arith.txt \
		'[Ii]nvalid filter|[Ff]ilter' enable-event -k -s s sched_wakeup --filter 'prev_tid + 1 == 2'
	refused "add-context -k -t callstack-kernel" cs.txt 'Context unavailable on this kernel' \
		add-context -k -s s -t callstack-kernel
	run_lttng list.txt list s
	check "list: no sched_wakeup rule" bash -c "! grep -q sched_wakeup list.txt"
	check "list: the sched_switch rule shows its filter" grep -Eq 'sched_switch .*\[(with filter|enabled.*filter)' list.txt
	check "lttng start" session_start s
	check "nothing of sched_wakeup enabled in our instances" bash -c "! enabled_events() { :; }; ! ls $TRACEFS/instances/$INSTANCE_PREFIX*-$sd-*/events/sched/sched_wakeup/enable >/dev/null 2>&1 || ! grep -qx 1 $TRACEFS/instances/$INSTANCE_PREFIX*-$sd-*/events/sched/sched_wakeup/enable"
	sleep 0.05
	go_workload w
	go_workload w2
	check "the short-lived workload ran" wait_workload w2
	check "the workload ran" wait_workload w
	sleep 0.05
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	check "the trace is read" kdump "$dir/trace" i.dump
	local all to_p
	all=$(count_ev i.dump sched_switch)
	to_p=$(count_ev i.dump sched_switch "next_tid=$p")
	check "sched_switch: some switches to $p (got $to_p)" test "$to_p" -ge 5
	check "sched_switch: only switches to $p ($all in all)" test "$all" = "$to_p"
	local n
	n=$(count_ev i.dump syscall_entry_close "tid=$p")
	check "\$ctx.procname filter: the workload's 5 close entries (got $n)" test "$n" = 5
	n=$(count_ev i.dump syscall_entry_close "tid=$p2")
	check "\$ctx.procname filter: the short-lived process's 3 close entries (got $n)" test "$n" = 3
	n=$(awk -F'\t' '$1 == "syscall_entry_close" && $0 ~ /\tprocname=lttng-consumerd\t/' i.dump | wc -l)
	check "\$ctx.procname filter: no close of lttng-consumerd recorded (got $n)" test "$n" = 0
	n=$(count_ev i.dump sched_process_exit)
	check "a filter on a field the event lacks records nothing (sched_process_exit: $n)" test "$n" = 0
	# Each context on its own: the events of the workload's main thread (pid and
	# tid as ftrace records them) carry the values /proc gave.
	local kv n2
	for kv in "vpid=$nsp" "vtid=$nsp" "ppid=$ppid" "procname=$comm" "prio=24" "nice=4" "hostname=$host"; do
		n=$(count_ev i.dump syscall_entry_openat "pid=$p" "tid=$p" "$kv")
		check "the workload's 5 openat entries (pid=tid=$p, alive while read) carry $kv (got $n)" test "$n" = 5
		n2=$(count_ev i.dump syscall_entry_openat "pid=$p2" "tid=$p2" "${kv/=$nsp/=$nsp2}")
		# A process gone before the consumer reads its records, but there at the
		# start: the start's statedump taught the consumer its ids and names.
		check "a short-lived process's 3 openat entries (pid=tid=$p2, gone before they are read) carry ${kv/=$nsp/=$nsp2} (got $n2)" \
			test "$n2" = 3
	done
	n2=$(count_ev i.dump syscall_entry_openat "pid=$p2" "tid=$p2" "hostname=$host")
	check "a short-lived process's 3 openat entries carry pid=tid=$p2 and hostname=$host (got $n2)" test "$n2" = 3
	n=$(count_ev i.dump syscall_entry_openat "pid=$p" "tid=$p")
	check "the workload's 5 openat entries with pid=tid=$p (got $n)" test "$n" = 5
	grep -m1 "pid=$p	" i.dump | sed 's/^/#   workload: /'
	grep -m1 "pid=$p2	" i.dump | sed 's/^/#   short-lived: /'
	check "every event has the 9 contexts" bash -c "awk -F'\t' '{ for (i = 2; i <= NF; i++) { split(\$i, kv, \"=\"); seen[kv[1]] = 1 }
		for (k in need) if (!(k in seen)) { print \"missing \" k; exit 1 } delete seen }
		BEGIN { split(\"${i_ctx[*]}\", a, \" \"); for (i in a) need[a[i]] = 1 }' i.dump"
	check "babeltrace2 reads it" bt2_clean "$dir/trace" i
	stop_daemon "$sd"
}

# j: statedump, regenerate, snapshot.
case_j() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "workload ready (alive during the statedump)" start_workload w --open 7 --read 0 --write 0 --sleep 0 --fork 0
	local p=$wl_pid_w comm
	comm=$(cat "$hostproc/$p/comm")
	lttng_ok cli.log create s --output "$dir/trace"
	check "enable-event -k 'lttng_statedump_*'" lttng_ok cli.log enable-event -k -s s 'lttng_statedump_*'
	check "lttng start" session_start s
	sleep 0.3
	check "lttng regenerate statedump (recording)" lttng_ok cli.log regenerate statedump -s s
	sleep 0.3
	check "lttng regenerate metadata (recording)" lttng_ok cli.log regenerate metadata -s s
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	check "the trace is read" kdump "$dir/trace" j.dump
	local n
	n=$(count_ev j.dump lttng_statedump_start)
	check "two lttng_statedump_start (start + regenerate; got $n)" test "$n" = 2
	n=$(count_ev j.dump lttng_statedump_end)
	check "two lttng_statedump_end (got $n)" test "$n" = 2
	n=$(count_ev j.dump lttng_statedump_process_state "pid=$p" "tid=$p" "name=$comm")
	check "lttng_statedump_process_state of the workload (pid=tid=$p, name=$comm) in each statedump (got $n)" test "$n" = 2
	[ "$n" = 2 ] && true || grep -m2 lttng_statedump_process_state j.dump | sed 's/^/#   /'
	check "babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$dir/trace" j
	# snapshot
	check "lttng create --snapshot" lttng_ok cli.log create snap --snapshot --output "$dir/snap"
	check "enable-event -k --syscall openat; add-context -k -t tid" bash -c \
		"lttng enable-event -k -s snap --syscall openat >>cli.log 2>&1 && lttng add-context -k -s snap -t tid >>cli.log 2>&1"
	run_lttng snaplist.txt list snap
	check "the snapshot session's channel is overwrite, mmap" bash -c \
		"grep -Eq 'Event-loss mode: +overwrite' snaplist.txt && grep -Eq 'Output mode: +mmap' snaplist.txt"
	check "lttng start snap" session_start snap
	go_workload w
	check "the workload ran" wait_workload w
	sleep 0.1
	check "lttng snapshot record" lttng_ok cli.log snapshot record -s snap
	local sdir
	sdir=$(ls -d "$dir/snap"/snapshot-1-* 2>/dev/null | head -n1)
	check "a snapshot-1-* directory (${sdir##*/})" test -n "$sdir" -a -d "$sdir/kernel"
	check "babeltrace2 reads the snapshot (exit 0)" bash -c "babeltrace2 '$sdir' >snap.bt2.txt 2>snap.bt2.err"
	kdump "$sdir" snap.dump
	n=$(count_ev snap.dump syscall_entry_openat "tid=$p")
	check "the snapshot holds the workload's 7 openat entries (got $n)" test "$n" = 7
	check "lttng regenerate metadata (snapshot session)" lttng_ok cli.log regenerate metadata -s snap
	check "lttng stop snap" session_stop snap
	check "lttng destroy snap" session_destroy snap
	stop_daemon "$sd"
}

# k: save and load.
k_setup() { # k_setup PID
	lttng_ok cli.log create k --output "$dir/trace" &&
		lttng_ok cli.log enable-channel -k -s k --subbuf-size 131072 --num-subbuf 4 \
			--switch-timer 200000 --read-timer 100000 --tracefile-size 1048576 --tracefile-count 3 kch &&
		lttng_ok cli.log enable-event -k -s k -c kch sched_process_exec,sched_process_exit &&
		lttng_ok cli.log enable-event -k -s k -c kch --syscall openat,close &&
		lttng_ok cli.log enable-event -k -s k -c kch sched_process_fork --filter 'parent_tid > 0' &&
		lttng_ok cli.log enable-event -k -s k -c kch --userspace-probe="elf:$fixture:lttng_test_fix_fn" upf &&
		lttng_ok cli.log add-context -k -s k -c kch -t pid -t tid -t procname &&
		lttng_ok cli.log track -k -s k --pid "$1"
}
case_k() {
	[ -x "$fixture" ] || { echo "skip - $fixture is not built (sys/sdt.h)"; return; }
	start_daemon daemon || { notok "daemon started"; return; }
	check "workload ready" start_workload w --open 6 --read 0 --write 0 --sleep 0 --fork 1
	local p=$wl_pid_w
	check "a session: channel kch (128 KiB x 4, timers, tracefiles), tracepoints, syscalls, a filter, a uprobe, contexts, track --pid $p" \
		k_setup "$p"
	run_lttng before.txt list k
	check "lttng list k (exit 0)" test "$rc" = 0
	mkdir -p "$dir/save"
	check "lttng save k" lttng_ok cli.log save k --output-path "$dir/save"
	check "the saved file validates against session.xsd" bash -c \
		"xmllint --noout --schema /usr/share/xml/lttng/session.xsd '$dir/save/k.lttng' 2>save-xsd.err"
	check "lttng destroy k" session_destroy k
	# (lttng load is liblttng-ctl's config loader, client side.)
	check "lttng load k --input-path DIR/k.lttng" lttng_ok cli.log load k --input-path "$dir/save/k.lttng"
	run_lttng after.txt list k
	check "lttng list k after load (exit 0)" test "$rc" = 0
	if diff before.txt after.txt >list.diff; then ok "lttng list k: identical before save and after load"; else
		notok "lttng list k: identical before save and after load"
		sed 's/^/#   /' list.diff | head -30
	fi
	run_lttng start.txt start k
	check "lttng start (loaded session; exit $rc)" test "$rc" = 0
	if [ "$rc" != 0 ]; then
		sed 's/^/#   /' start.txt
		run_lttng afterfail.txt list k
		check "after a failed start, the session is inactive (as LTTng restores it)" \
			grep -q '^Recording session k: \[inactive\]' afterfail.txt
		lttng stop k >/dev/null 2>&1
		# The rest of the loaded session records without the user-space probe?
		lttng_ok cli.log disable-event -k -s k -c kch upf
		check "(upf disabled) lttng start" session_start k
	fi
	sleep 0.05
	go_workload w
	check "the workload ran" wait_workload w
	"$fixture" 2 "$hostproc" >fix.out 2>&1
	sleep 0.05
	check "lttng stop" session_stop k
	check "lttng destroy" session_destroy k
	check "the trace is read" kdump "$dir/trace" k.dump
	local n
	n=$(count_ev k.dump syscall_entry_openat "pid=$p" "tid=$p")
	check "the tracked workload's 6 openat entries (got $n)" test "$n" = 6
	n=$(count_ev k.dump sched_process_fork "parent_tid=$p")
	check "its fork passed the filter (got $n)" test "$n" = 1
	local fp
	fp=$(sed -n 's/^pid=//p' fix.out)
	n=$(awk -F'\t' -v p="pid=$fp" '{ for (i = 2; i <= NF; i++) if ($i == p) c++ } END { print c + 0 }' k.dump)
	check "nothing of the untracked fixture ($fp) (got $n)" test "$n" = 0
	check "babeltrace2 reads it" bt2_clean "$dir/trace" k
	stop_daemon "$sd"
	# The daemon's own loader (--load), the user-space probe rule included: it
	# opens the binary and sends it with the rule as liblttng-ctl does.
	daemon_extra=(--load "$dir/save/k.lttng")
	start_daemon daemon2
	check "a daemon started with --load DIR/k.lttng" test -n "$sd"
	daemon_extra=()
	run_lttng load2.txt list k
	if diff before.txt load2.txt >list2.diff; then ok "--load: lttng list k as before the save"; else
		notok "--load: lttng list k as before the save"
		sed 's/^/#   /' list2.diff | head -30
	fi
	check "--load: the uprobe rule lists its location" grep -q "lttng_test_fix_fn" load2.txt
	check "--load: lttng start (the uprobe resolved)" session_start k
	check "--load: lttng stop" session_stop k
	check "--load: lttng destroy" session_destroy k
	stop_daemon "$sd"
}

# l: daemon options.
case_l() {
	daemon_extra=(--kmod-probes=sched)
	start_daemon daemon-kmod || { notok "daemon --kmod-probes=sched started"; daemon_extra=(); return; }
	daemon_extra=()
	run_lttng list-k.txt list -k
	check "--kmod-probes=sched: lttng list -k (exit 0)" test "$rc" = 0
	local names other
	names=$(sed -n 's/^ \{6\}\([^ ]*\) (loglevel: .*(type: tracepoint)$/\1/p' list-k.txt)
	other=$(grep -Ev '^(sched_|lttng_statedump_)' <<<"$names" | head -n 5)
	check "it lists sched_switch" grep -qx sched_switch <<<"$names"
	check "it lists lttng_statedump_start" grep -qx lttng_statedump_start <<<"$names"
	check "it lists nothing but sched_* and lttng_statedump_* (others: $(echo $other))" test -z "$other"
	stop_daemon "$sd"
	daemon_extra=(--no-kernel)
	start_daemon daemon-nokernel || { notok "daemon --no-kernel started"; daemon_extra=(); return; }
	daemon_extra=()
	lttng_ok cli.log create s --output "$dir/trace"
	refused "--no-kernel: enable-event -k" nok-ev.txt 'Kernel tracer not available' \
		enable-event -k -s s sched_switch
	refused "--no-kernel: enable-channel -k" nok-ch.txt 'Kernel tracer not available' \
		enable-channel -k -s s ch
	refused "--no-kernel: list -k" nok-list.txt 'Kernel tracer not available' list -k
	check "--no-kernel: no instance of ours" test -z "$(instances_of "$sd")"
	lttng destroy s >/dev/null 2>&1
	stop_daemon "$sd"
	# A per-user daemon.
	local user=lttng-test-user uhome upid
	if ! bash "$repo/tests/integration/lib/test-accounts.sh" --plain "$user" 2>accounts.err; then
		echo "skip - per-user daemon: no account $user ($(head -c 200 accounts.err))"
		return
	fi
	uhome=$(mktemp -d /tmp/kt-user-home.XXXXXX)
	chown "$user" "$uhome"
	as_user() { runuser -u "$user" -- env HOME="$uhome" LTTNG_HOME="$uhome" "$@"; }
	as_user "$ours" --daemonize --consumerd64-path="$c64" 2>>"$dir/daemon-user.log"
	upid=$(cat "$uhome/.lttng/lttng-sessiond.pid" 2>/dev/null)
	check "a per-user daemon ($user) started" test -n "$upid"
	as_user lttng create u --output "$uhome/trace" >u-create.txt 2>&1
	check "per-user: lttng create (exit 0)" test $? = 0
	as_user lttng enable-event -k -s u sched_switch >u-ev.txt 2>&1
	rc=$?
	check "per-user: enable-event -k fails (exit $rc)" test "$rc" -ne 0
	check "with LTTng's needs-root error" grep -q 'requires a root lttng-sessiond' u-ev.txt
	sed 's/^/#   /' u-ev.txt
	as_user lttng list -k >u-list.txt 2>&1
	rc=$?
	check "per-user: list -k fails (exit $rc) with the needs-root error" \
		bash -c "test $rc -ne 0 && grep -q 'requires a root lttng-sessiond' u-list.txt"
	as_user lttng destroy u >/dev/null 2>&1
	stop_daemon "$upid"
	rm -rf "$uhome"
}

# m: bad input leaves nothing enabled.
case_m() {
	start_daemon daemon || { notok "daemon started"; return; }
	lttng_ok cli.log create s --output "$dir/trace"
	check "enable-event -k sched_process_exit (the one good rule)" \
		lttng_ok cli.log enable-event -k -s s sched_process_exit
	check "lttng start" session_start s
	local before
	before=$(enabled_events "$sd")
	check "our instance enables sched/sched_process_exit only ($(echo $before))" test "$before" = sched/sched_process_exit
	refused "--syscall nosuchsyscall" nosc.txt 'Error' enable-event -k -s s --syscall nosuchsyscall
	refused "a malformed filter '((('" paren.txt '[Ff]ilter' enable-event -k -s s sched_switch --filter '((('
	refused "an unterminated filter string" unterm.txt '[Ff]ilter' \
		enable-event -k -s s sched_wakeup --filter 'prev_comm == "abc'
	refused "a filter on an unterminated string, syscall" unterm2.txt '[Ff]ilter' \
		enable-event -k -s s --syscall read --filter '$ctx.procname == "x'
	# Accepted by the CLI's filter compiler, naming what no kernel event has (an
	# application context, a member, a context the consumer cannot produce):
	# refused by the daemon with FILTER_INVAL (106).
	local f
	for f in '$app.prov:ctx == 1' 'prev_comm.x == 1' '$ctx.callstack_kernel == 1'; do
		refused "a filter no kernel event can satisfy ('$f')" fmap.txt 'Invalid filter bytecode' \
			enable-event -k -s s sched_switch --filter "$f"
		check "  ... with LTTng's FILTER_INVAL (106; got $rc)" test "$rc" = 106
	done
	run_lttng list.txt list s
	check "lttng list s lists sched_process_exit only" bash -c "
		! grep -Eq '^ +(nosuchsyscall|sched_switch|sched_wakeup|read)( |\$)' list.txt && grep -Eq '^ +sched_process_exit ' list.txt"
	local after ff
	for ff in "$TRACEFS"/instances/"$INSTANCE_PREFIX"*-"$sd"-*/events/sched/sched_switch/filter; do
		[ -e "$ff" ] && note "our instance's sched_switch: enable $(cat "${ff%/filter}/enable"), filter: $(head -c 200 "$ff")"
	done
	after=$(enabled_events "$sd")
	check "our instances enable nothing more ($(echo $after))" test "$after" = "$before"
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	note "just after destroy, instances of $sd: $(instances_of "$sd" | tr '\n' ' ')"
	stop_daemon "$sd"
	check "after destroy, then SIGTERM at once, no instance of daemon $sd is left (1 s)" \
		wait_no_instances "$sd" 10
}

# p: filters that ftrace's filter language cannot express (contexts it lacks,
# bitwise operators, statedump events), evaluated by our consumer.
case_p() {
	start_daemon daemon || { notok "daemon started"; return; }
	check "workload ready" start_workload w --open 4 --read 0 --write 6 --sleep 300 --fork 0
	local p=$wl_pid_w nsp comm n all
	nsp=$(sed -n 's/^ns_pid=//p' w.out)
	comm=$(cat "$hostproc/$p/comm")
	lttng_ok cli.log create s --output "$dir/trace"
	# (Each also names the workload's global pid: another pid namespace on the
	# machine may have a process numbered $nsp too.)
	check "--syscall write --filter '\$ctx.vpid == $nsp && \$ctx.pid == $p'" \
		lttng_ok cli.log enable-event -k -s s --syscall write \
		--filter "\$ctx.vpid == $nsp && \$ctx.pid == $p"
	check "sched_switch --filter '(next_tid & 0xffffffff) == $p || (prev_tid | 0) == $p'" \
		lttng_ok cli.log enable-event -k -s s sched_switch \
		--filter "(next_tid & 0xffffffff) == $p || (prev_tid | 0) == $p"
	# Two rules select openat: a record passes when either filter is true.
	check "--syscall openat --filter '\$ctx.vtid == $nsp && \$ctx.tid == $p'" \
		lttng_ok cli.log enable-event -k -s s --syscall openat \
		--filter "\$ctx.vtid == $nsp && \$ctx.tid == $p"
	check "--syscall openat --filter '\$ctx.procname == \"nosuch*\"' (a second rule)" \
		lttng_ok cli.log enable-event -k -s s --syscall openat --filter '$ctx.procname == "nosuch*"'
	check "--syscall close --filter '1 << 64' (an error: false for every record)" \
		lttng_ok cli.log enable-event -k -s s --syscall close --filter '1 << 64'
	check "lttng_statedump_process_state --filter 'tid == $p && name == \"$comm\"'" \
		lttng_ok cli.log enable-event -k -s s lttng_statedump_process_state \
		--filter "tid == $p && name == \"$comm\""
	# Its stderr is w.err.
	check "lttng_statedump_file_descriptor --filter 'fd < 3 && filename == \"*/w.err\"'" \
		lttng_ok cli.log enable-event -k -s s lttng_statedump_file_descriptor \
		--filter 'fd < 3 && filename == "*/w.err"'
	check "add-context -k -t tid" lttng_ok cli.log add-context -k -s s -t tid
	check "lttng start" session_start s
	local ff
	ff=$(ls "$TRACEFS"/instances/"$INSTANCE_PREFIX"*-"$sd"-*/events/syscalls/sys_enter_write/filter 2>/dev/null | head -n1)
	check "ftrace has no filter for sys_enter_write (got: $(head -c 80 "$ff" 2>/dev/null))" \
		grep -qx none "$ff"
	go_workload w
	check "the workload ran" wait_workload w
	sleep 0.05
	check "lttng stop" session_stop s
	check "lttng destroy" session_destroy s
	check "the trace is read" kdump "$dir/trace" p.dump
	check "babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$dir/trace" p
	# Its 6 writes to its file (fd 4), and the one of its report on stdout.
	n=$(count_ev p.dump syscall_entry_write "tid=$p")
	all=$(count_ev p.dump syscall_entry_write)
	check "\$ctx.vpid: only the workload's write entries ($n of $all)" test "$n" = "$all"
	n=$(count_ev p.dump syscall_entry_write "tid=$p" "fd=4")
	check "\$ctx.vpid: its 6 writes to its file (got $n)" test "$n" = 6
	n=$(count_ev p.dump syscall_exit_write "tid=$p")
	all=$(count_ev p.dump syscall_exit_write)
	check "\$ctx.vpid: as many write exits, its own ($n of $all)" \
		test "$n" = "$all" -a "$n" = "$(count_ev p.dump syscall_entry_write)"
	all=$(count_ev p.dump sched_switch)
	n=$(awk -F'\t' -v p="$p" '$1 == "sched_switch" && ($0 ~ "\tnext_tid=" p "(\t|$)" || $0 ~ "\tprev_tid=" p "(\t|$)")' p.dump | wc -l)
	check "bitwise filter: sched_switch to or from $p only ($n of $all, at least 2)" \
		test "$n" = "$all" -a "$n" -ge 2
	n=$(count_ev p.dump syscall_entry_openat "tid=$p")
	all=$(count_ev p.dump syscall_entry_openat)
	check "two rules: the workload's 4 openat entries (got $n of $all)" test "$n" = 4 -a "$all" = 4
	n=$(count_ev p.dump syscall_entry_close)
	check "'1 << 64': no close entry (got $n)" test "$n" = 0
	n=$(count_ev p.dump lttng_statedump_process_state "tid=$p" "name=$comm")
	all=$(count_ev p.dump lttng_statedump_process_state)
	check "statedump filter: one process_state, the workload's (got $n of $all)" test "$n" = 1 -a "$all" = 1
	n=$(awk -F'\t' '$1 == "lttng_statedump_file_descriptor" && $0 ~ /\tfd=2\t/ && $0 ~ /\/w\.err(\t|$)/' p.dump | wc -l)
	all=$(count_ev p.dump lttng_statedump_file_descriptor)
	check "statedump filter: the workload's stderr, fd 2 (got $n of $all)" test "$n" = 1 -a "$all" = 1
	stop_daemon "$sd"
}

# q: the uid, gid and vuid trackers: a process of the tracked user that starts
# after `lttng start`, from an untracked parent (root's shell), is recorded;
# root's is not. The user is this case's own (nothing else runs as it).
case_q() {
	check "account lttng-test-ktrack (tests/integration/lib/test-accounts.sh)" \
		bash "$repo/tests/integration/lib/test-accounts.sh" --plain lttng-test-ktrack ||
		return
	start_daemon daemon || { notok "daemon started"; return; }
	local uid gid s n others
	uid=$(id -u lttng-test-ktrack) gid=$(id -g lttng-test-ktrack)
	for s in su sg sv; do
		check "session $s: create, add-context -k pid tid, enable-event -k --syscall write" \
			bash -c "lttng create $s --output '$dir/$s' >>cli.log 2>&1 &&
				lttng add-context -k -s $s -t pid -t tid >>cli.log 2>&1 &&
				lttng enable-event -k -s $s --syscall write >>cli.log 2>&1"
	done
	check "track -k --uid $uid (su)" lttng_ok cli.log track -k -s su --uid "$uid"
	check "track -k --gid $gid (sg)" lttng_ok cli.log track -k -s sg --gid "$gid"
	check "track -k --vuid $uid (sv)" lttng_ok cli.log track -k -s sv --vuid "$uid"
	# sx: read every 2 s, so its records are read after the workload below is gone;
	# that workload writes 3 times as root, then becomes the user and writes 3
	# more: the process events (kproc-feed.c) tell the consumer who it was when.
	check "session sx: a channel read every 2 s, contexts pid tid procname, --syscall write, track -k --uid $uid" \
		bash -c "lttng create sx --output '$dir/sx' >>cli.log 2>&1 &&
			lttng enable-channel -k -s sx --read-timer 2000000 slow >>cli.log 2>&1 &&
			lttng add-context -k -s sx -c slow -t pid -t tid -t procname >>cli.log 2>&1 &&
			lttng enable-event -k -s sx -c slow --syscall write >>cli.log 2>&1 &&
			lttng track -k -s sx --uid $uid >>cli.log 2>&1"
	for s in su sg sv sx; do check "lttng start $s" session_start $s; done
	# The workload reads the host's /proc under the work dir: let the user through.
	chmod o+x "$(dirname "$dir")" "$dir"
	wl_runner=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
	check "a workload of lttng-test-ktrack, started after the start, ready" \
		start_workload u --open 0 --read 0 --write 6 --sleep 300 --fork 0
	wl_runner=()
	check "a workload of root ready" start_workload r --open 0 --read 0 --write 5 --sleep 300 --fork 0
	go_workload u
	go_workload r
	check "the user's workload ran" wait_workload u
	check "root's workload ran" wait_workload r
	sleep 0.05
	for s in su sg sv; do
		check "lttng stop $s" session_stop $s
		check "lttng destroy $s" session_destroy $s
		check "$s: the trace is read" kdump "$dir/$s" $s.dump
		n=$(count_ev $s.dump syscall_entry_write "pid=$wl_pid_u" "fd=4")
		check "$s: the user's 6 writes to its file (got $n)" test "$n" = 6
		others=$(awk -F'\t' -v p="pid=$wl_pid_u" '$1 ~ /^syscall_/ { keep = 0
			for (i = 2; i <= NF; i++) if ($i == p) keep = 1
			if (!keep) n++ } END { print n + 0 }' $s.dump)
		check "$s: no write of another process, root's included (got $others)" test "$others" = 0
	done
	check "a workload of root that becomes lttng-test-ktrack after 3 of its 6 writes, ready" \
		start_workload x --open 0 --read 0 --write 6 --become "3:$uid:$gid" --sleep 0 --fork 0 \
		--threads 0
	go_workload x
	check "it ran and is gone" wait_workload x
	check "lttng stop sx" session_stop sx
	check "lttng destroy sx" session_destroy sx
	check "sx: the trace is read" kdump "$dir/sx" sx.dump
	n=$(count_ev sx.dump syscall_entry_write "pid=$wl_pid_x" "fd=4" "procname=lttng-test-work")
	check "sx: the 3 writes made as the user, with the process's name (got $n)" test "$n" = 3
	n=$(count_ev sx.dump syscall_entry_write "pid=$wl_pid_u" "fd=4" "procname=lttng-test-work")
	check "sx: the user's workload's 6 writes (got $n)" test "$n" = 6
	others=$(awk -F'\t' -v p="pid=$wl_pid_u" -v q="pid=$wl_pid_x" '$1 ~ /^syscall_/ { keep = 0
		for (i = 2; i <= NF; i++) if ($i == p || $i == q) keep = 1
		if (!keep) n++ } END { print n + 0 }' sx.dump)
	check "sx: no write of another process (got $others)" test "$others" = 0
	stop_daemon "$sd"
}

# r: rotations of a kernel session (doc/protocol/rotation.md): each archive
# under archives/ is a complete kernel trace (its own metadata) holding exactly
# the writes of the workload run before that rotation; after a stop, one
# rotation; the destroy archives the last chunk and says where. Then lttng clear:
# only what is recorded after it stays; a stopped session's files go.
r_archive_writes() { # r_archive_writes INDEX WORKLOAD: its writes to its file in archive INDEX
	local a
	a=$(ls -d "$dir"/r/archives/*-"$1" 2>/dev/null | head -1)
	[ -n "$a" ] || { echo "no-archive"; return; }
	kdump "$a" "r$1.dump" || { echo "unreadable"; return; }
	count_ev "r$1.dump" syscall_entry_write "pid=$2" "fd=4"
}
case_r() {
	local n i p
	start_daemon daemon || { notok "daemon started"; return; }
	check "create, add-context -k pid, enable-event -k --syscall write, sched_switch" \
		bash -c "lttng create r --output '$dir/r' >>cli.log 2>&1 &&
			lttng add-context -k -s r -t pid >>cli.log 2>&1 &&
			lttng enable-event -k -s r --syscall write >>cli.log 2>&1 &&
			lttng enable-event -k -s r sched_switch >>cli.log 2>&1 &&
			lttng start r >>cli.log 2>&1"
	for i in 0 1; do
		check "workload $i ready" start_workload "w$i" --open 0 --read 0 --write $((3 + i)) \
			--sleep 0 --fork 0 --threads 0
		go_workload "w$i"
		check "workload $i ran" wait_workload "w$i"
		run_lttng rot$i.txt rotate r
		check "lttng rotate $i (exit $rc)" test "$rc" = 0
		check "  ... says where archive $i is" grep -q "archives/.*-$i\$" rot$i.txt
	done
	check "the current chunk is <output>/<begin>-2 with kernel/" bash -c "ls -d '$dir'/r/*-2/kernel"
	check "workload 2 ready" start_workload w2 --open 0 --read 0 --write 5 --sleep 0 --fork 0 --threads 0
	go_workload w2
	check "workload 2 ran" wait_workload w2
	check "lttng stop" session_stop r
	run_lttng rot2.txt rotate r
	check "a rotation after the stop (exit $rc)" test "$rc" = 0
	refused "a second rotation after the stop" rot3.txt 'already rotated once' rotate r
	check "start again" session_start r
	check "workload 3 ready" start_workload w3 --open 0 --read 0 --write 6 --sleep 0 --fork 0 --threads 0
	go_workload w3
	check "workload 3 ran" wait_workload w3
	run_lttng destroy.txt destroy r
	check "lttng destroy (exit $rc) says where the last archive is" \
		bash -c "test $rc = 0 && grep -q 'Trace chunk archive for session r is now readable at .*archives/.*-3\$' destroy.txt"
	n=$(ls -d "$dir"/r/archives/* | wc -l)
	check "4 archives, nothing else in the output ($n; $(ls "$dir/r" | tr '\n' ' '))" \
		bash -c "test $n = 4 && test \"\$(ls '$dir/r')\" = archives"
	for i in 0 1 2 3; do
		eval "p=\$wl_pid_w$i"
		n=$(r_archive_writes $i "$p")
		check "archive $i: workload $i's $((3 + i)) writes (got $n)" test "$n" = $((3 + i))
		check "archive $i: babeltrace2 reads it alone (exit 0, empty stderr)" \
			bt2_clean "$(ls -d "$dir"/r/archives/*-$i)" "r$i"
		n=$(grep -c 'syscall_entry_write' "r$i.bt2.txt")
		note "archive $i: $n syscall_entry_write in all"
	done
	p=$wl_pid_w1
	n=$(count_ev r0.dump syscall_entry_write "pid=$p" "fd=4")
	check "archive 0 has none of workload 1's writes (got $n)" test "$n" = 0
	# lttng clear: what was recorded goes, what comes after stays.
	check "session c: add-context -k pid, --syscall write, start" \
		bash -c "lttng create c --output '$dir/c' >>cli.log 2>&1 &&
			lttng add-context -k -s c -t pid >>cli.log 2>&1 &&
			lttng enable-event -k -s c --syscall write >>cli.log 2>&1 &&
			lttng start c >>cli.log 2>&1"
	check "workload 4 ready" start_workload w4 --open 0 --read 0 --write 7 --sleep 0 --fork 0 --threads 0
	go_workload w4
	check "workload 4 ran" wait_workload w4
	check "lttng clear c" lttng_ok cli.log clear c
	check "workload 5 ready" start_workload w5 --open 0 --read 0 --write 8 --sleep 0 --fork 0 --threads 0
	go_workload w5
	check "workload 5 ran" wait_workload w5
	check "lttng stop c" session_stop c
	check "the trace is read" kdump "$dir/c" c.dump
	n=$(count_ev c.dump syscall_entry_write "pid=$wl_pid_w5" "fd=4")
	check "after the clear: workload 5's 8 writes (got $n)" test "$n" = 8
	n=$(count_ev c.dump syscall_entry_write "pid=$wl_pid_w4" "fd=4")
	check "none of workload 4's, recorded before the clear (got $n)" test "$n" = 0
	check "clear of the stopped session" lttng_ok cli.log clear c
	check "its trace files are gone" bash -c "test -z \"\$(find '$dir/c' -type f)\""
	check "lttng destroy c" session_destroy c
	stop_daemon "$sd"
}

# s: streaming to Debian's lttng-relayd (ports 15342-15344, so that a relay daemon
# of the host is not in the way): the workload's writes in the relay daemon's copy
# of the trace, exactly; a rotation archives the first chunk there; a snapshot
# session's record to a net:// output holds the workload's writes; the relay's
# traces read cleanly with babeltrace2.
s_start_relayd() {
	lttng-relayd -o "$dir/relay" -C tcp://127.0.0.1:15342 -D tcp://127.0.0.1:15343 \
		-L tcp://127.0.0.1:15344 >relayd.log 2>&1 &
	relayd_pid=$!
	for _ in $(seq 100); do
		bash -c 'exec 3<>/dev/tcp/127.0.0.1/15342' 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
s_writes() { # s_writes TRACE_DIR DUMP PID: the workload's writes to its file
	kdump "$1" "$2" || { echo "unreadable"; return; }
	count_ev "$2" syscall_entry_write "pid=$3" "fd=4"
}
case_s() {
	local n a url=net://127.0.0.1:15342:15343
	start_daemon daemon || { notok "daemon started"; return; }
	check "lttng-relayd listening on 15342" s_start_relayd
	check "create $url, add-context -k pid, --syscall write, sched_switch, start" \
		bash -c "lttng create s --set-url $url >>cli.log 2>&1 &&
			lttng add-context -k -s s -t pid >>cli.log 2>&1 &&
			lttng enable-event -k -s s --syscall write >>cli.log 2>&1 &&
			lttng enable-event -k -s s sched_switch >>cli.log 2>&1 &&
			lttng start s >>cli.log 2>&1"
	check "workload 0 ready" start_workload w0 --open 0 --read 0 --write 4 --sleep 0 --fork 0 \
		--threads 0
	go_workload w0
	check "workload 0 ran" wait_workload w0
	run_lttng srot.txt rotate s
	check "lttng rotate (exit $rc) says the archive is on the relay daemon" \
		bash -c "test $rc = 0 && grep -q 'readable on relay tcp://127.0.0.1/' srot.txt"
	check "workload 1 ready" start_workload w1 --open 0 --read 0 --write 6 --sleep 0 --fork 0 \
		--threads 0
	go_workload w1
	check "workload 1 ran" wait_workload w1
	check "lttng stop s" session_stop s
	check "lttng destroy s" session_destroy s
	a=$(ls -d "$dir"/relay/*/s-*/archives/*-0 2>/dev/null | head -1)
	n=$(s_writes "$a" s0.dump "$wl_pid_w0")
	check "archive 0 on the relay: workload 0's 4 writes (got $n)" test "$n" = 4
	n=$(count_ev s0.dump syscall_entry_write "pid=$wl_pid_w1" "fd=4")
	check "archive 0: none of workload 1's (got $n)" test "$n" = 0
	a=$(ls -d "$dir"/relay/*/s-*/archives/*-1 2>/dev/null | head -1)
	n=$(s_writes "$a" s1.dump "$wl_pid_w1")
	check "archive 1 (destroy): workload 1's 6 writes (got $n)" test "$n" = 6
	check "archive 1: babeltrace2 reads it (exit 0, empty stderr)" bt2_clean "$a" s1
	check "snapshot session to $url" \
		bash -c "lttng create sn --snapshot --set-url $url >>cli.log 2>&1 &&
			lttng add-context -k -s sn -t pid >>cli.log 2>&1 &&
			lttng enable-event -k -s sn --syscall write >>cli.log 2>&1 &&
			lttng start sn >>cli.log 2>&1"
	check "workload 2 ready" start_workload w2 --open 0 --read 0 --write 5 --sleep 0 --fork 0 \
		--threads 0
	go_workload w2
	check "workload 2 ran" wait_workload w2
	check "lttng snapshot record" lttng_ok cli.log snapshot record -s sn
	check "lttng destroy sn" session_destroy sn
	a=$(ls -d "$dir"/relay/*/sn-*/snapshot-1-* 2>/dev/null | head -1)
	n=$(s_writes "$a" sn.dump "$wl_pid_w2")
	check "the record on the relay: workload 2's 5 writes (got $n)" test "$n" = 5
	kill "$relayd_pid"
	wait "$relayd_pid" 2>/dev/null
	stop_daemon "$sd"
}

# o: a full disk: a session writing to a 2 MiB tmpfs fills it; its stop reports
# the failure, the daemon and another session recording beside it go on, and what
# the full session wrote is readable.
case_o() {
	local full=$dir/full
	mkdir -p "$full"
	mount -t tmpfs -o size=2m kt-full "$full" || { notok "a 2 MiB tmpfs"; return; }
	start_daemon daemon || { notok "daemon started"; umount "$full"; return; }
	lttng_ok cli.log create full --output "$full/trace" &&
		lttng_ok cli.log enable-channel -k -s full --subbuf-size 65536 --num-subbuf 4 ch &&
		lttng_ok cli.log enable-event -k -s full -c ch --syscall write &&
		lttng_ok cli.log create other --output "$dir/other" &&
		lttng_ok cli.log enable-event -k -s other sched_process_exec
	check "two sessions: one on a 2 MiB tmpfs (--syscall write), one beside it" test $? = 0
	check "flood workload ready" start_workload w --open 0 --read 0 --write 300000 --sleep 0 --fork 0
	check "start both" bash -c "lttng start full >>cli.log 2>&1 && lttng start other >>cli.log 2>&1"
	go_workload w
	check "the flood ran" wait_workload w
	lttng stop full >stop-full.txt 2>&1
	local rc=$?
	sed 's/^/#   /' stop-full.txt
	check "the full session's stop fails (exit $rc) saying its kernel trace could not be stopped" \
		bash -c "test $rc -ne 0 && grep -qi 'kernel' stop-full.txt"
	check "the disk is full" bash -c "test \$(df --output=avail -k '$full' | tail -1) -lt 64"
	/bin/true
	check "the other session still records (stop)" session_stop other
	check "the daemon still answers" bash -c "lttng list >/dev/null 2>&1"
	check "the other session's trace has the exec of /bin/true" \
		bash -c "babeltrace2 '$dir/other' 2>/dev/null | grep -q 'filename = \"/bin/true\"'"
	check "what the full session wrote is readable (babeltrace2 exit 0)" \
		bash -c "babeltrace2 '$full/trace' >/dev/null 2>o-full.err"
	lttng destroy full >/dev/null 2>&1
	lttng destroy other >/dev/null 2>&1
	check "no instance of ours left" wait_no_instances "$sd"
	stop_daemon "$sd"
	umount "$full"
}

# n: a member of the tracing group records the kernel through root's daemon; the
# trace is its own (files owned by it) and babeltrace2 reads it.
case_n() {
	local user=lttng-test-tracer uhome rc
	if ! bash "$repo/tests/integration/lib/test-accounts.sh" --tracer "$user" 2>accounts.err; then
		notok "account $user in group tracing ($(head -c 200 accounts.err))"
		return
	fi
	start_daemon daemon || { notok "daemon started"; return; }
	uhome=$(mktemp -d /tmp/kt-tracer-home.XXXXXX)
	chown "$user" "$uhome"
	as_tracer() { runuser -u "$user" -- env HOME="$uhome" LTTNG_HOME="$uhome" "$@"; }
	as_tracer lttng --no-sessiond create n --output "$uhome/trace" >n.txt 2>&1 &&
		as_tracer lttng --no-sessiond enable-event -k -s n sched_process_exec >>n.txt 2>&1 &&
		as_tracer lttng --no-sessiond enable-event -k -s n --syscall openat >>n.txt 2>&1 &&
		as_tracer lttng --no-sessiond start n >>n.txt 2>&1
	rc=$?
	check "a tracing-group member's kernel session starts on root's daemon (exit $rc)" test "$rc" = 0
	sed 's/^/#   /' n.txt
	/bin/true
	as_tracer lttng --no-sessiond stop n >/dev/null 2>&1
	as_tracer lttng --no-sessiond destroy n >/dev/null 2>&1
	check "its kernel trace files are its own" \
		bash -c "test -n \"\$(find '$uhome/trace/kernel' -type f)\" && test -z \"\$(find '$uhome/trace' ! -user '$user')\""
	check "babeltrace2 reads its trace" bt2_clean "$uhome/trace" n
	check "with the exec of /bin/true" grep -q 'sched_process_exec: .*filename = "/bin/true"' n.bt2.txt
	check "no instance of ours left" wait_no_instances "$sd"
	stop_daemon "$sd"
	rm -rf "$uhome"
}

case "$case_name" in
t | a | b | c | d | e | f | g | h | i | j | k | l | m | n | o | p | q | r | s) "case_$case_name" ;;
*) notok "unknown case $case_name" ;;
esac
# A recorder still running is stopped (it removes its instance); whatever else
# is left of the case ends with this namespace.
for out in "${!rec_jobs[@]}"; do stop_ref "$out" >/dev/null; done
echo "# end"
