#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Traces lttng-sample-app with Debian's real LTTng 2.13 session daemon and reads
# the trace back with babeltrace2, in a private environment: new mount and pid
# namespaces (unshare --mount --pid --fork --mount-proc), tmpfs on /var/run/lttng
# and /dev/shm, a private HOME. Two runs:
#   1. per-UID buffers (the default); the app is started after `lttng start`
#      (and told -w, fed a newline on stdin);
#   2. per-PID buffers (enable-channel -u --buffers-pid); the app is started
#      before `lttng start` and held with --wait-file until tracing is active.
# Each run checks the event count per name, the payload of one event of each
# kind (thread 1, iteration 2) as babeltrace2 prints it, the contexts, the
# metadata (log levels, model EMF URI, byte order) and the trace layout.
#
# Usage: check-real.sh [PATH/TO/lttng-sample-app]
#        (default: build/tests/apps/sample/lttng-sample-app of this tree)
# Output: TAP, then "# N passed, N failed". Exit 1 on failure; prints
# "1..0 # SKIP ..." and exits 0 when it cannot run here.
# Environment: LTTNG_BIN_DIR (default /usr/bin): where lttng, lttng-sessiond are.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bindir=${LTTNG_BIN_DIR:-/usr/bin}

if [ "${SAMPLE_CHECK_INNER:-}" != 1 ]; then
	app=${1:-$here/../../../build/tests/apps/sample/lttng-sample-app}
	if [ ! -x "$app" ]; then
		echo "1..0 # SKIP $app is not built"
		exit 0
	fi
	app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
	for tool in "$bindir/lttng" "$bindir/lttng-sessiond" babeltrace2 unshare timeout; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "1..0 # SKIP $tool is not available"
			exit 0
		fi
	done
	if [ "$(id -u)" != 0 ]; then
		# The real daemon must own /var/run/lttng: root only.
		echo "1..0 # SKIP needs root (private /var/run/lttng for the real lttng-sessiond)"
		exit 0
	fi
	if ! unshare --mount --pid --fork --mount-proc true 2>/dev/null; then
		echo "1..0 # SKIP cannot create mount/pid namespaces here"
		exit 0
	fi
	SAMPLE_CHECK_INNER=1 exec unshare --mount --pid --fork --mount-proc -- \
		"$here/$(basename "${BASH_SOURCE[0]}")" "$app"
fi

# ---- inside the namespaces -----------------------------------------------------------
app=$1
lttng=$bindir/lttng
sessiond=$bindir/lttng-sessiond
iterations=3
threads=2
# The kernel keeps 15 characters of a program name: that is the procname.
procname="lttng-sample-ap"

fail_setup() {
	echo "1..0 # SKIP private environment setup failed: $1"
	exit 0
}

mount --make-rprivate / 2>/dev/null || true
if [ ! -d /var/run/lttng ]; then
	# Create nothing on the real file system: hide /var/run behind a tmpfs first.
	mount -t tmpfs -o mode=0755 tmpfs /var/run || fail_setup "tmpfs on /var/run"
	mkdir -p /var/run/lttng || fail_setup "mkdir /var/run/lttng"
fi
work=$(mktemp -d /tmp/sample-check.XXXXXX) || fail_setup "mktemp"
mount -t tmpfs -o mode=0700 tmpfs "$work" || fail_setup "tmpfs on $work"
HOME=$work/home
export HOME
mkdir -p "$HOME"
unset LTTNG_HOME LTTNG_SESSIOND_PATH LTTNG_ABORT_ON_ERROR LTTNG_UST_DEBUG \
	LTTNG_UST_CLOCK_PLUGIN LTTNG_UST_GETCPU_PLUGIN
# Let a busy machine take its time registering the app with the daemon.
export LTTNG_UST_REGISTER_TIMEOUT=30000

passed=0
failed=0
n=0
ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	local line
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
}
check() { # check DESCRIPTION COMMAND...
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		local -a lines
		mapfile -t lines < <(printf '%s\n' "$out" | head -n 8)
		not_ok "$desc" "command: $*" "${lines[@]}"
	fi
}
expect_eq() { # expect_eq DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

daemon_pid=
start_daemon() {
	# A fresh run directory and shared memory for each daemon.
	umount /var/run/lttng 2>/dev/null
	umount /dev/shm 2>/dev/null
	mount -t tmpfs -o mode=0755 tmpfs /var/run/lttng || return 1
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm || return 1
	timeout 60 "$sessiond" --daemonize --no-kernel >"$work/sessiond-$1.log" 2>&1 || return 1
	daemon_pid=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null) || return 1
	[ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null
}
stop_daemon() {
	local i
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$daemon_pid" 2>/dev/null; then
		kill -KILL "$daemon_pid" 2>/dev/null
		daemon_pid=
		return 1
	fi
	daemon_pid=
}
cleanup() {
	stop_daemon
	cd /
	umount "$work" 2>/dev/null
	rmdir "$work" 2>/dev/null
}
trap cleanup EXIT

# has_layout DIR CHANNEL: a stream directory with metadata, index/ and CHANNEL_<cpu>.
has_layout() {
	local f
	[ -f "$1/metadata" ] && [ -d "$1/index" ] || return 1
	for f in "$1/$2"_[0-9]*; do
		[ -f "$f" ] && return 0
	done
	return 1
}

# wait_app PID: its exit status; killed after 60 s.
wait_app() {
	local i
	for i in $(seq 600); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}

lt() {
	timeout 30 "$lttng" "$@"
}

# Event names and the count each run must show: every worker fires each kind
# once per iteration; app_start and app_end come once from the main thread.
per_thread_events="integers hex network floats strings arrays sequences enums nowrite
model_uri level_emerg level_alert level_crit level_err level_warning level_notice
level_info level_debug_system level_debug_program level_debug_process
level_debug_module level_debug_unit level_debug_function level_debug_line
level_debug"
expected_counts() {
	local ev each=$((iterations * threads))
	{
		echo "sample:app_end 1"
		echo "sample:app_start 1"
		for ev in $per_thread_events; do
			echo "sample:$ev $each"
		done
	} | LC_ALL=C sort
}

# Payload of (thread 1, iteration 2), i.e. k = 12, as babeltrace2 2.0 prints it.
expected_payloads() {
	local lv
	cat <<'EOF'
sample:integers { thread = 1, iter = 2, s8 = -112, s16 = -29988, s32 = -2147483636, s64 = -9223372036854775796, u8 = 212, u16 = 65012, u32 = 4000000012, u64 = 18446744073709551603 }
sample:hex { thread = 1, iter = 2, x8 = 0xAC, x16 = 0xBEEC, x32 = 0xDEADBE0C, x64 = 0xCAFEBABE0000000C }
sample:network { thread = 1, iter = 2, n16 = 8092, n32 = 167772173, n64 = -12001, nx16 = 0x1F9C, nx32 = 0xC0A8000C }
sample:floats { thread = 1, iter = 2, f32 = 13.5, f64 = -1200.25 }
sample:strings { thread = 1, iter = 2, str = "thread 1 iter 2", empty = "", utf8 = "café ✓" }
sample:arrays { thread = 1, iter = 2, a32 = [ [0] = 12, [1] = -12, [2] = 24, [3] = -1 ], a8 = [ [0] = 12, [1] = 255, [2] = 0 ], ax16 = [ [0] = 0xAB0C, [1] = 0xFF ], an32 = [ [0] = 16909060, [1] = 1000012 ], anx16 = [ [0] = 0xBEEF, [1] = 0x10C ], atext = "t1-i2" }
sample:sequences { thread = 1, iter = 2, _seq64_length = 3, seq64 = [ [0] = 12000, [1] = 11999, [2] = 11998 ], _seqx8_length = 3, seqx8 = [ [0] = 0xF0, [1] = 0xF1, [2] = 0xF2 ], _seqn32_length = 3, seqn32 = [ [0] = 100012, [1] = 200012, [2] = 300012 ], _seqnx16_length = 3, seqnx16 = [ [0] = 0xCA01, [1] = 0xCA11, [2] = 0xCA21 ], _stext_length = 15, stext = "thread 1 iter 2", _seq_empty_length = 0, seq_empty = [ ] }
sample:enums { thread = 1, iter = 2, e_value = ( "IDLE" : container = 0 ), e_range = ( "BUSY" : container = 12 ), e_auto = ( "AFTER_BUSY" : container = 20 ), e_negative = ( "NEGATIVE" : container = -5 ), e_unknown = ( <unknown> : container = 1012 ), e_flags = ( "HIGH" : container = 240 ) }
sample:nowrite { thread = 1, iter = 2, visible = 12 }
sample:model_uri { thread = 1, iter = 2 }
EOF
	for lv in emerg alert crit err warning notice info debug_system debug_program \
		debug_process debug_module debug_unit debug_function debug_line debug; do
		echo "sample:level_$lv { thread = 1, iter = 2, level = \"$lv\" }"
	done
}

# Other enumeration mappings: k = 1 (RUNNING, LOW) and k = 0 (NONE).
expected_enum_extra() {
	cat <<'EOF'
sample:enums { thread = 0, iter = 0, e_value = ( "IDLE" : container = 0 ), e_range = ( "BUSY" : container = 10 ), e_auto = ( "AFTER_BUSY" : container = 20 ), e_negative = ( "NEGATIVE" : container = -5 ), e_unknown = ( <unknown> : container = 1000 ), e_flags = ( "NONE" : container = 0 ) }
sample:enums { thread = 0, iter = 1, e_value = ( "RUNNING" : container = 1 ), e_range = ( "BUSY" : container = 11 ), e_auto = ( "AFTER_BUSY" : container = 20 ), e_negative = ( "NEGATIVE" : container = -5 ), e_unknown = ( <unknown> : container = 1001 ), e_flags = ( "LOW" : container = 20 ) }
EOF
}

# babeltrace2 text line -> "NAME VPID VTID PROCNAME PAYLOAD" (tab-separated).
split_lines() {
	sed -n 's/^\[[^]]*\] ([^)]*) [^ ]* \(sample:[a-z_0-9]*\): { cpu_id = [0-9]* }, { vpid = \([0-9]*\), vtid = \([0-9]*\), procname = "\([^"]*\)" }, \(.*\)$/\1\t\2\t\3\t\4\t\5/p' "$1"
}

# check_trace TAG TRACE_DIR APP_PID: the assertions common to both runs.
check_trace() {
	local tag=$1 dir=$2 app_pid=$3 text=$work/$1.txt fields=$work/$1.fields
	local counts line name payload got bad

	if babeltrace2 "$dir" >"$text" 2>"$work/$tag.bt.err"; then
		ok "$tag: babeltrace2 reads the trace"
	else
		not_ok "$tag: babeltrace2 reads the trace" "$(head -n 3 "$work/$tag.bt.err")"
		return
	fi
	split_lines "$text" >"$fields"
	expect_eq "$tag: every babeltrace2 line is a sample event with vpid/vtid/procname" \
		"$(wc -l <"$text")" "$(wc -l <"$fields")"

	counts=$(cut -f1 "$fields" | LC_ALL=C sort | uniq -c | awk '{ print $2, $1 }')
	expect_eq "$tag: event count per name ($((2 + 25 * iterations * threads)) events)" \
		"$(expected_counts)" "$counts"

	expect_eq "$tag: vpid is the app's pid on every event" \
		"$app_pid" "$(cut -f2 "$fields" | sort -u | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$tag: procname is \"$procname\" on every event" \
		"$procname" "$(cut -f4 "$fields" | sort -u | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$tag: app_start/app_end come from the main thread (vtid = vpid)" \
		"$app_pid $app_pid" \
		"$(awk -F'\t' '$1 ~ /^sample:app_/ { print $3 }' "$fields" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$tag: $threads worker vtids, none the main thread" \
		"$threads 0" \
		"$(awk -F'\t' '$1 == "sample:integers" { print $3 }' "$fields" | sort -u | wc -l) $(awk -F'\t' -v p="$app_pid" '$1 == "sample:integers" && $3 == p' "$fields" | wc -l)"
	expect_eq "$tag: app_start/app_end payloads" \
		"{ iterations = $iterations, threads = $threads } { events = $((25 * iterations * threads)) }" \
		"$(awk -F'\t' '$1 == "sample:app_start" { s = $5 } $1 == "sample:app_end" { e = $5 } END { print s, e }' "$fields")"
	expect_eq "$tag: every (thread, iteration) pair traced once per event kind" \
		"$(for t in $(seq 0 $((threads - 1))); do for i in $(seq 0 $((iterations - 1))); do echo "$t $i 25"; done; done)" \
		"$(cut -f5 "$fields" | sed -n 's/^{ thread = \([0-9]*\), iter = \([0-9]*\)[ ,].*/\1 \2/p' | sort -n -k1,1 -k2,2 | uniq -c | awk '{ print $2, $3, $1 }')"

	bad=
	while IFS= read -r line; do
		name=${line%% *}
		payload=${line#* }
		got=$(awk -F'\t' -v n="$name" '$1 == n && $5 ~ /^\{ thread = 1, iter = 2[ ,]/ { print $5 }' "$fields")
		if [ "$got" = "$payload" ]; then
			ok "$tag: $name payload"
		else
			not_ok "$tag: $name payload" "expected: $payload" "actual:   $got"
			bad=1
		fi
	done < <(expected_payloads)
	while IFS= read -r line; do
		name=${line%% *}
		payload=${line#* }
		if awk -F'\t' -v n="$name" -v p="$payload" '$1 == n && $5 == p { f = 1 } END { exit !f }' "$fields"; then
			ok "$tag: ${payload:0:24}... enum mappings"
		else
			not_ok "$tag: ${payload:0:24}... enum mappings" "expected: $payload"
		fi
	done < <(expected_enum_extra)
	[ -z "$bad" ] || echo "# (full text output: $text)"

	# The payloads alone (no timestamps, ids or CPUs) are the same in every run.
	cut -f1,5 "$fields" | LC_ALL=C sort >"$work/$tag.payloads"
}

# check_metadata TAG STREAM_DIR: what the tracer declared for the provider.
check_metadata() {
	local tag=$1 meta=$work/$1.metadata lv i
	if ! babeltrace2 --output-format=ctf-metadata "$2" >"$meta" 2>/dev/null; then
		not_ok "$tag: metadata readable"
		return
	fi
	i=0
	lv=
	for name in emerg alert crit err warning notice info debug_system debug_program \
		debug_process debug_module debug_unit debug_function debug_line debug; do
		lv="$lv sample:level_$name=$i"
		i=$((i + 1))
	done
	expect_eq "$tag: metadata log levels of sample:level_* are 0..14" \
		"${lv# }" \
		"$(awk '/name = "sample:level_/ { gsub(/[";]/, "", $3); n = $3 } /loglevel = / && n != "" { gsub(/;/, "", $3); printf "%s%s=%s", sep, n, $3; sep = " "; n = "" }' "$meta")"
	expect_eq "$tag: metadata default log level (TRACE_DEBUG_LINE = 13) and TRACE_NOTICE/TRACE_INFO" \
		"sample:integers=13 sample:app_start=5 sample:model_uri=6" \
		"$(for e in integers app_start model_uri; do awk -v e="sample:$e" '$0 ~ "name = \"" e "\";" { f = 1 } f && /loglevel = / { gsub(/;/, "", $3); print e "=" $3; exit }' "$meta"; done | tr '\n' ' ' | sed 's/ $//')"
	check "$tag: metadata has the model EMF URI of sample:model_uri" \
		grep -qF 'model.emf.uri = "http://example.invalid/models/sample.ecore#//ModelUri";' "$meta"
	expect_eq "$tag: metadata declares the network fields big-endian" \
		"_n16 _n32 _n64 _nx16 _nx32 _an32 _anx16 _seqn32 _seqnx16" \
		"$(grep 'byte_order = be;' "$meta" | grep -o '} _[a-z0-9]*' | sed 's/^} //' | tr '\n' ' ' | sed 's/ $//')"
	check "$tag: metadata has the enum mappings (value, range, auto)" \
		grep -qzP '"IDLE" = 0,\s*"RUNNING" = 1,\s*"BUSY" = 10 \.\.\. 19,\s*"AFTER_BUSY",\s*"NEGATIVE" = -5,' "$meta"
}

# ---- run 1: per-UID buffers, app started once tracing is active -----------------
if start_daemon uid; then
	ok "uid: real lttng-sessiond --daemonize --no-kernel started (pid $daemon_pid)"
else
	not_ok "uid: real lttng-sessiond --daemonize --no-kernel started" \
		"$(head -n 3 "$work/sessiond-uid.log")"
fi
check "uid: create session" lt create s-uid --output="$work/trace-uid"
check "uid: enable-event -u 'sample:*'" lt enable-event -u 'sample:*'
check "uid: add-context vpid vtid procname" lt add-context -u -t vpid -t vtid -t procname
check "uid: start" lt start
echo | "$app" -w -n "$iterations" -t "$threads" >"$work/app-uid.log" 2>&1 &
app_pid=$!
wait_app "$app_pid"
expect_eq "uid: lttng-sample-app -w -n $iterations -t $threads exits 0" 0 "$?"
check "uid: stop" lt stop
check "uid: destroy" lt destroy
if stop_daemon; then
	ok "uid: daemon killed by pid and gone"
else
	not_ok "uid: daemon killed by pid and gone" "needed SIGKILL"
fi
check "uid: ust/uid/0/64-bit/ layout (metadata, index/, channel0_* streams)" \
	has_layout "$work/trace-uid/ust/uid/0/64-bit" channel0
check_trace uid "$work/trace-uid" "$app_pid"
check_metadata uid "$work/trace-uid/ust/uid/0/64-bit"

# ---- run 2: per-PID buffers, app registered before tracing starts ---------------
if start_daemon pid; then
	ok "pid: real lttng-sessiond --daemonize --no-kernel started (pid $daemon_pid)"
else
	not_ok "pid: real lttng-sessiond --daemonize --no-kernel started" \
		"$(head -n 3 "$work/sessiond-pid.log")"
fi
check "pid: create session" lt create s-pid --output="$work/trace-pid"
check "pid: enable-channel -u --buffers-pid chpid" lt enable-channel -u --buffers-pid chpid
check "pid: enable-event -u -c chpid 'sample:*'" lt enable-event -u -c chpid 'sample:*'
check "pid: add-context vpid vtid procname" lt add-context -u -c chpid -t vpid -t vtid -t procname
"$app" -n "$iterations" -t "$threads" --ready-file "$work/ready" \
	--wait-file "$work/go" >"$work/app-pid.log" 2>&1 &
app_pid=$!
for i in $(seq 300); do
	[ -e "$work/ready" ] && break
	sleep 0.1
done
check "pid: app registered and waiting before start" test -e "$work/ready"
check "pid: start" lt start
touch "$work/go"
wait_app "$app_pid"
expect_eq "pid: lttng-sample-app --wait-file exits 0 once the file appears" 0 "$?"
check "pid: stop" lt stop
check "pid: destroy" lt destroy
if stop_daemon; then
	ok "pid: daemon killed by pid and gone"
else
	not_ok "pid: daemon killed by pid and gone" "needed SIGKILL"
fi
pid_dirs=$(find "$work/trace-pid/ust/pid" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null)
if printf '%s\n' "$pid_dirs" | grep -qxE "$procname-$app_pid-[0-9]{8}-[0-9]{6}" &&
	[ "$(printf '%s\n' "$pid_dirs" | wc -l)" = 1 ] &&
	has_layout "$work/trace-pid/ust/pid/$pid_dirs" chpid; then
	ok "pid: ust/pid/$procname-$app_pid-<date>-<time>/ layout (metadata, index/, chpid_* streams)"
else
	not_ok "pid: ust/pid/$procname-$app_pid-<date>-<time>/ layout" \
		"found: $(cd "$work/trace-pid" 2>/dev/null && find . -maxdepth 4 | tr '\n' ' ')"
fi
check_trace pid "$work/trace-pid" "$app_pid"
check_metadata pid "$work/trace-pid/ust/pid/$pid_dirs"

check "payloads identical across runs and buffering schemes" \
	cmp "$work/uid.payloads" "$work/pid.payloads"

echo "1..$n"
echo "# $passed passed, $failed failed"
[ "$failed" = 0 ]
