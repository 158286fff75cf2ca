#!/bin/bash
# Process-level tests of lttng-sessiond(8): options, daemonizing and its
# readiness handshakes, signals, run-directory files and their modes, root and
# per-user daemons side by side, the tracing group, lttng.conf, environment
# variables and --load.
#
# Every scenario runs twice, once against the real LTTng 2.13.9 daemon and once
# against ours, each time in its own namespace:
#   unshare --mount --pid --fork --mount-proc --net --propagation private
# with tmpfs on /tmp, /var/run/lttng, /dev/shm (and on /root and /home, where
# lttng may write), private HOME directories, loopback only. Processes are
# only ever stopped by PID.
#
# A scenario reports three kinds of facts (see emit() below):
#   check  an expectation from the manual; each one is a TAP test that passes
#          only if it holds for both daemons;
#   obs    an observation (exit status, message, file mode...); the real and
#          our daemon must give the same value (one TAP test per scenario);
#   known  entries only the real daemon creates (agent.port,
#          sessiond-notification, kconsumerd/, consumer error sockets): never
#          compared, printed as comments.
#
# Usage: tests/integration/daemon/run.sh [SCENARIO_NUMBER...]
# Must run as root. Environment:
#   OUR_SESSIOND         our daemon (default build/src/sessiond/lttng-sessiond)
#   REAL_SESSIOND        the oracle (default /usr/bin/lttng-sessiond)
#   DAEMON_TEST_USER     plain user, not in group tracing (lttng-test-user)
#   DAEMON_TEST_TRACER   user in group tracing (lttng-test-tracer)
#   DAEMON_TEST_KEEP=1   keep the per-run outputs and logs even if all passed
# Both users and group tracing are created if missing
# (tests/integration/lib/test-accounts.sh: useradd --system --no-create-home).
# Output is TAP, then a last line "N passed, N failed"; exit status 1 on any
# failure, 2 if the tests cannot run.

set -u

self=$(realpath "${BASH_SOURCE[0]}")
script_dir=$(dirname "$self")
repo_root=$(cd "$script_dir/../../.." && pwd)
helper=$script_dir/daemon-helper.py
# Not `python3`: a pyenv shim may shadow it, and /root is hidden in the
# namespaces anyway.
PY=/usr/bin/python3
TEST_USER=${DAEMON_TEST_USER:-lttng-test-user}
TRACER_USER=${DAEMON_TEST_TRACER:-lttng-test-tracer}
TRACING_GROUP=tracing
NS_TIMEOUT=45   # seconds for one scenario against one daemon
STEP_TIMEOUT=15 # seconds for one command

declare -A TITLE=(
    [1]="options and exit status"
    [2]="--daemonize"
    [3]="--background and --sig-parent"
    [4]="foreground daemon, SIGTERM and SIGINT"
    [5]="root daemon file modes and owners"
    [6]="per-user daemon beside a root daemon"
    [7]="tracing group"
    [8]="lttng.conf"
    [9]="environment variables"
    [10]="--load"
    [11]="agent TCP port"
)
ALL_SCENARIOS=(1 2 3 4 5 6 7 8 9 10 11)

# Run-directory entries only the real daemon creates (paths relative to the
# run directory).
KNOWN_REAL_ONLY=(sessiond-notification kconsumerd kconsumerd/error
    ustconsumerd32/error ustconsumerd64/error)

###############################################################################
# Namespace side
###############################################################################

# --- Reporting ----------------------------------------------------------------
esc() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    printf '%s' "$s"
}
# emit TYPE KEY VALUE: one tab-separated line on stdout.
emit() { printf '%s\t%s\t%s\n' "$1" "$(esc "$2")" "$(esc "$3")"; }
obs() { emit obs "$1" "$2"; }
known() { emit known "$1" "$2"; }
log() { printf 'inner: %s\n' "$*" >&2; }

# check NAME STATUS [DETAIL]: STATUS 0 = the expectation holds.
check() {
    if (($2 == 0)); then
        emit check "$1" ok
    else
        emit check "$1" "fail${3:+: $3}"
    fi
}
expect_eq() { # NAME ACTUAL EXPECTED
    [[ $2 == "$3" ]]
    check "$1" $? "got '$2', expected '$3'"
}
expect_match() { # NAME TEXT ERE (some line of TEXT matches)
    printf '%s\n' "$2" | grep -qE -- "$3"
    check "$1" $? "no line matching /$3/ in: $2"
}
expect_no_match() { # NAME TEXT ERE
    ! printf '%s\n' "$2" | grep -qE -- "$3"
    check "$1" $? "a line matches /$3/ in: $2"
}
expect_cmd() { # NAME COMMAND... (the command succeeds)
    local name=$1
    shift
    "$@"
    check "$name" $? "failed: $*"
}

# Make outputs comparable: daemon path, per-run directory, log timestamps.
norm() {
    local s=$1
    s=${s//"$D"/SESSIOND}
    s=${s//"$base"/BASE}
    printf '%s' "$s" | sed -E 's/[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+/TIME/g'
}

# --- Running commands -----------------------------------------------------------
# run PREFIX_ARRAY_NAME COMMAND...: runs PREFIX COMMAND under a timeout, no
# stdin; sets RC, OUT, ERR (OUT and ERR normalised).
run() {
    local -n prefix=$1
    shift
    timeout -k 2 "$STEP_TIMEOUT" "${prefix[@]}" "$@" </dev/null >"$base/.out" 2>"$base/.err"
    RC=$?
    OUT=$(norm "$(<"$base/.out")")
    ERR=$(norm "$(<"$base/.err")")
}
# result: "rc=N" plus the non-empty streams, for obs.
result() {
    local r="rc=$RC"
    [[ -n $OUT ]] && r+=" stdout=$OUT"
    [[ -n $ERR ]] && r+=" stderr=$ERR"
    printf '%s' "$r"
}
# session_names LIST_OUTPUT: sorted session names of `lttng list`.
session_names() {
    printf '%s\n' "$1" | sed -nE 's/^ +[0-9]+\) ([^ ]+) .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'
}
kv() { # kv KEY TEXT: value of a KEY=value line
    printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n1
}

# --- Processes (by PID only) ------------------------------------------------------
# proc_state PID: sets P_STATE P_PPID P_SID; fails if PID is gone.
proc_state() {
    local stat
    local -a f
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    read -ra f <<<"${stat##*) }"
    P_STATE=${f[0]}
    P_PPID=${f[1]}
    P_SID=${f[3]}
}
alive() { [[ $1 =~ ^[0-9]+$ ]] && proc_state "$1" && [[ $P_STATE != Z ]]; }
wait_gone() { # SECONDS PID
    local i
    for ((i = 0; i < $1 * 20; i++)); do
        alive "$2" || return 0
        sleep 0.05
    done
    return 1
}
# stop_pid PID: SIGTERM, then SIGKILL after 10 s. Fails if SIGKILL was needed.
stop_pid() {
    alive "$1" || return 0
    kill -TERM "$1" 2>/dev/null
    wait_gone 10 "$1" && return 0
    log "pid $1 ignored SIGTERM; killing it"
    kill -KILL "$1" 2>/dev/null
    wait_gone 5 "$1"
    return 1
}
pid_of_file() { # FILE: prints the pid it holds
    local pid
    { read -r pid <"$1"; } 2>/dev/null || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    printf '%s' "$pid"
}
stop_pid_file() { # FILE...: stop the daemon each existing pid file names
    local f pid
    for f in "$@"; do
        pid=$(pid_of_file "$f") && stop_pid "$pid"
    done
    return 0
}
# other_pids: every live process of the namespace but us, into OTHER_PIDS.
other_pids() {
    local d pid
    OTHER_PIDS=()
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [[ $pid == 1 || $pid == "$BASHPID" ]] && continue
        alive "$pid" && OTHER_PIDS+=("$pid")
    done
}
wait_for() { # SECONDS COMMAND...: poll until COMMAND succeeds
    local i
    for ((i = 0; i < $1 * 20; i++)); do
        "${@:2}" && return 0
        sleep 0.05
    done
    return 1
}
none_left() { other_pids; ((${#OTHER_PIDS[@]} == 0)); } # sets OTHER_PIDS
socket_state() { "${@:2}" "$PY" "$helper" connect "$1"; } # PATH [PREFIX...]
both_files() { [[ -e $1 && -e $2 ]]; }

# --- Files ---------------------------------------------------------------------
is_known_real_only() {
    local k
    for k in "${KNOWN_REAL_ONLY[@]}"; do [[ $1 == "$k" ]] && return 0; done
    return 1
}
# dir_report LABEL DIR: one obs per entry of DIR (and DIR itself, as "."):
# "MODE USER:GROUP TYPE"; entries only the real daemon makes become `known`.
dir_report() {
    local label=$1 dir=$2 line name rest
    while IFS= read -r line; do
        name=${line%%|*}
        rest=${line#*|}
        [[ -z $name ]] && name=.
        if is_known_real_only "$name"; then
            known "$label $name" "$rest"
        else
            obs "$label $name" "$rest"
        fi
    done < <(find "$dir" -printf '%P|%m %u:%g %y\n' | sort)
}
entries() { # DIR: names below DIR, space-separated
    find "$1" -mindepth 1 -printf '%P\n' 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'
}
fds_to() { # PID TARGET: numbers of the PID's descriptors open on TARGET
    local f r=""
    for f in /proc/"$1"/fd/*; do
        [[ $(readlink "$f") == "$2" ]] && r+="${f##*/} "
    done
    printf '%s' "${r% }"
}

# --- Namespace set-up ------------------------------------------------------------
protected() { # DIR: true if mounting over DIR would hide something we need
    local p
    for p in "$script_dir" "$repo_root" "$D" "$PY"; do
        [[ $p == "$1" || $p == "$1"/* ]] && return 0
    done
    return 1
}
ns_setup() {
    umask 022
    base=/tmp/lttng-daemon-test
    if protected /tmp; then
        log "/tmp holds a needed path; using /var/tmp"
        base=/var/tmp/lttng-daemon-test.$$
    else
        mount -t tmpfs -o mode=1777 dt-tmp /tmp || return 1
    fi
    mkdir -p "$base" && mount -t tmpfs -o mode=0755 dt-base "$base" || return 1
    mkdir -p /var/run/lttng && mount -t tmpfs -o mode=0755 dt-run /var/run/lttng || return 1
    mount -t tmpfs -o mode=1777 dt-shm /dev/shm || return 1
    # The accounts' passwd homes: lttng may write there (.lttngrc, sessions).
    local d
    for d in /root /home; do
        if [[ -d $d ]] && ! protected "$d"; then
            mount -t tmpfs -o mode=0755 dt-home "$d" || return 1
        fi
    done
    ip link set lo up 2>/dev/null || log "could not bring loopback up"

    u_uid=$(id -u "$TEST_USER") && u_gid=$(id -g "$TEST_USER") || return 1
    t_uid=$(id -u "$TRACER_USER") && t_gid=$(id -g "$TRACER_USER") || return 1
    home_root=$base/home-root
    home_user=$base/home-user
    home_tracer=$base/home-tracer
    mkdir -p "$home_root" "$home_user" "$home_tracer" "$base/x"
    chown "$u_uid:$u_gid" "$home_user"
    chown "$t_uid:$t_gid" "$home_tracer"
    chmod 0700 "$home_root" "$home_user" "$home_tracer"
    chmod 1777 "$base/x"

    local common=(PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C LTTNG_SESSIOND_PATH="$D")
    ROOT=(env -i "${common[@]}" HOME="$home_root" USER=root LOGNAME=root)
    USR=(setpriv --reuid="$u_uid" --regid="$u_gid" --clear-groups
        env -i "${common[@]}" HOME="$home_user" USER="$TEST_USER" LOGNAME="$TEST_USER")
    # shellcheck disable=SC2034 # used through run() by name
    TRC=(setpriv --reuid="$t_uid" --regid="$t_gid" --init-groups
        env -i "${common[@]}" HOME="$home_tracer" USER="$TRACER_USER" LOGNAME="$TRACER_USER")
    sock=/var/run/lttng/client-lttng-sessiond
    pidfile=/var/run/lttng/lttng-sessiond.pid
    LTTNG=(lttng --no-sessiond)
}

# Starts a root daemon with `-d ARGS...`; sets DPID. Reports a check NAME.
start_root_daemon() {
    local name=$1
    shift
    run ROOT "$D" -d "$@"
    DPID=$(pid_of_file "$pidfile")
    [[ $RC == 0 ]] && alive "$DPID"
    check "$name" $? "rc=$RC pid=${DPID:-none} stderr=$ERR"
}

###############################################################################
# Scenarios. $D is the daemon under test.
###############################################################################

s1() {
    run ROOT "$D" -V
    expect_eq "-V exits 0" "$RC" 0
    expect_eq "-V prints the version" "$OUT" 2.13.9
    obs "-V" "$(result)"
    run ROOT "$D" --version
    obs "--version" "$(result)"

    # The help text itself differs on purpose (the real one shows its manual).
    run ROOT "$D" -h
    expect_eq "-h exits 0" "$RC" 0
    expect_cmd "-h prints a help text" test -n "$OUT"
    obs "-h exit status" "$RC"

    run ROOT "$D" --no-such-option
    expect_eq "unknown long option exits 1" "$RC" 1
    expect_match "unknown long option is named on stderr" "$ERR" "unrecognized option '--no-such-option'"
    obs "--no-such-option" "$(result)"
    run ROOT "$D" -Z
    expect_eq "unknown short option exits 1" "$RC" 1
    obs "-Z" "$(result)"
    run ROOT "$D" -g
    obs "-g without argument" "$(result)"

    run ROOT "$D" --agent-tcp-port=abc
    expect_eq "--agent-tcp-port=abc exits 1" "$RC" 1
    expect_match "--agent-tcp-port=abc error on stderr" "$ERR" '^Error: Wrong value in --agent-tcp-port parameter: abc$'
    obs "--agent-tcp-port=abc" "$(result)"
    run ROOT "$D" --agent-tcp-port=0
    obs "--agent-tcp-port=0" "$(result)"
    run ROOT "$D" --agent-tcp-port=70000
    obs "--agent-tcp-port=70000" "$(result)"

    run ROOT "$D" -f /nonexistent
    expect_eq "-f /nonexistent exits 1" "$RC" 1
    expect_match "-f /nonexistent error on stderr" "$ERR" '^Error: Failed to open daemon configuration file at /nonexistent$'
    obs "-f /nonexistent" "$(result)"
    run ROOT "$D" --config=/nonexistent -d
    obs "--config=/nonexistent -d" "$(result)"

    obs "run dir after the rejected invocations" "$(entries /var/run/lttng)"
    other_pids
    expect_eq "no daemon left running by rejected invocations" "${#OTHER_PIDS[@]}" 0

    # A stray operand: the real daemon ignores it.
    run ROOT "$D" -d --no-kernel stray-operand
    obs "-d with a stray operand" "$(result)"
    stop_pid_file "$pidfile"
}

s2() {
    local marker=$base/x/fd9-marker pid exe fds
    : >"$marker"
    # fd 9 stands for any descriptor the caller leaves open (a pipe of a test
    # harness, of $(...)): the daemon must not keep it.
    timeout -k 2 "$STEP_TIMEOUT" "${ROOT[@]}" "$D" -d 9>"$marker" </dev/null >"$base/.out" 2>"$base/.err"
    RC=$?
    expect_eq "--daemonize launcher exits 0" "$RC" 0
    run ROOT "${LTTNG[@]}" list
    expect_eq "lttng list works as soon as the launcher returned" "$RC" 0
    expect_match "lttng list reaches the new daemon" "$OUT" '^Currently no available recording session$'
    obs "lttng list right after --daemonize" "$(result)"

    pid=$(pid_of_file "$pidfile")
    expect_cmd "pid file holds the pid of a running process" alive "$pid"
    exe=$(readlink "/proc/$pid/exe")
    expect_eq "that process is the daemon" "$exe" "$(readlink -f "$D")"
    proc_state "$pid"
    expect_eq "daemon is reparented to init (launcher gone)" "$P_PPID" 1
    expect_eq "daemon leads its own session (setsid)" "$P_SID" "$pid"
    obs "daemon ppid, session leader" "$P_PPID $([[ $P_SID == "$pid" ]] && echo yes || echo no)"
    expect_eq "daemon works in /" "$(readlink "/proc/$pid/cwd")" /
    fds="$(readlink "/proc/$pid/fd/0") $(readlink "/proc/$pid/fd/1") $(readlink "/proc/$pid/fd/2")"
    expect_eq "--daemonize points stdin/stdout/stderr at /dev/null" "$fds" "/dev/null /dev/null /dev/null"
    expect_eq "descriptors inherited from the caller are closed" "$(fds_to "$pid" "$marker")" ""
    obs "inherited fd 9 still open in the daemon" "$(fds_to "$pid" "$marker")"

    run ROOT "$D" -d
    expect_eq "second --daemonize exits 1" "$RC" 1
    expect_match "second --daemonize says a daemon runs" "$ERR" '^Error: A session daemon is already running\.$'
    obs "second --daemonize" "$(result)"
    run ROOT "$D" --no-kernel
    obs "second daemon in the foreground" "$(result)"
    expect_cmd "first daemon still running" alive "$pid"
    expect_eq "pid file unchanged" "$(pid_of_file "$pidfile")" "$pid"
    obs "run dir entries" "$(entries /var/run/lttng | tr ' ' '\n' | grep -vxF -f <(printf '%s\n' "${KNOWN_REAL_ONLY[@]}") | tr '\n' ' ')"

    stop_pid "$pid"
    check "daemon stops on SIGTERM" $?

    # The launcher must report a daemon that dies during start-up.
    run ROOT "$D" -d --no-kernel -c /nonexistent/dir/client-sock
    expect_eq "launcher exits 1 when the daemon cannot start" "$RC" 1
    obs "--daemonize with an impossible client socket: exit status" "$RC"
    other_pids
    obs "processes left" "${#OTHER_PIDS[@]}"
    stop_pid_file "$pidfile"
}

s3() {
    local pid fds w
    # --background: like --daemonize, console kept.
    timeout -k 2 "$STEP_TIMEOUT" "${ROOT[@]}" "$D" -b --no-kernel </dev/null >"$base/x/b.log" 2>&1
    RC=$?
    expect_eq "--background launcher exits 0" "$RC" 0
    run ROOT "${LTTNG[@]}" list
    expect_eq "lttng list works as soon as the -b launcher returned" "$RC" 0
    pid=$(pid_of_file "$pidfile")
    expect_cmd "-b: pid file names a running daemon" alive "$pid"
    fds="$(readlink "/proc/$pid/fd/1") $(readlink "/proc/$pid/fd/2")"
    expect_eq "--background keeps stdout and stderr" "$fds" "$base/x/b.log $base/x/b.log"
    obs "-b stdout stderr" "$(norm "$fds")"
    proc_state "$pid"
    obs "-b daemon ppid, session leader" "$P_PPID $([[ $P_SID == "$pid" ]] && echo yes || echo no)"
    stop_pid "$pid"
    check "-b daemon stops on SIGTERM" $?

    # --sig-parent, foreground: the waiter is the daemon's parent.
    STEP_TIMEOUT=30 run ROOT "$PY" "$helper" sigparent 10 "$sock" --stop -- "$D" -S --no-kernel
    w=$OUT
    expect_eq "-S: parent gets SIGUSR1" "$(kv sigusr1 "$w")" yes
    expect_eq "-S: SIGUSR1 comes from the daemon" "$(kv sender "$w")" child
    expect_eq "-S: client socket accepts when SIGUSR1 arrives" "$(kv socket "$w")" ok
    expect_eq "-S: foreground daemon exits 0 on SIGTERM" "$(kv child_exit "$w")" 0
    obs "-S foreground" "$(printf '%s\n' "$w" | grep -v '^child_pid=')"
    obs "-S run dir left" "$(entries /var/run/lttng)"

    # --sig-parent with --daemonize. The real daemon reads its parent pid for
    # -S after forking, so it signals the launcher (already waiting for that
    # signal), not the launcher's caller: compared, not asserted.
    STEP_TIMEOUT=30 run ROOT "$PY" "$helper" sigparent 10 "$sock" -- "$D" -d -S --no-kernel
    w=$OUT
    pid=$(pid_of_file "$pidfile")
    expect_eq "-d -S: launcher exits 0" "$(kv child_exit "$w")" 0
    expect_eq "-d -S: client socket accepts once the launcher exited" "$(socket_state "$sock")" ok
    obs "-d -S: launcher's caller gets SIGUSR1" "$(kv sigusr1 "$w")"
    [[ -n $(kv sender "$w") ]] && obs "-d -S: SIGUSR1 sent by the daemon" \
        "$([[ $(kv sender "$w") == "$pid" ]] && echo yes || echo no)"
    stop_pid_file "$pidfile"
}

# One foreground daemon, stopped by SIG. PREFIX runs it; RUNDIR is its run dir.
foreground_run() {
    local sig=$1 prefix_name=$2 rundir=$3 label=$4 pid st
    local -n prefix=$prefix_name
    # Started from a non-interactive shell with `&`: SIGINT (and SIGQUIT)
    # arrive ignored, as they would for a daemon started from a script.
    "${prefix[@]}" "$D" --no-kernel </dev/null >"$base/x/fg-$label.log" 2>&1 &
    pid=$!
    expect_eq "$label: client socket accepts" \
        "$("$PY" "$helper" wait-socket 10 "$rundir/client-lttng-sessiond")" ok
    wait_for 5 both_files "$rundir/lttng-sessiond.pid" "$rundir/lttng-ust-sock-8"
    expect_eq "$label: pid file holds the foreground daemon's pid" \
        "$(pid_of_file "$rundir/lttng-sessiond.pid")" "$pid"
    obs "$label: files while running" "$(entries "$rundir" | tr ' ' '\n' |
        grep -vxF -f <(printf '%s\n' "${KNOWN_REAL_ONLY[@]}") | tr '\n' ' ')"
    kill "-$sig" "$pid"
    if ! wait_gone 10 "$pid"; then
        check "$label: daemon exits on SIG$sig" 1 "still running after 10 s"
        kill -KILL "$pid"
    fi
    wait "$pid"
    st=$?
    expect_eq "$label: exit status 0 after SIG$sig" "$st" 0
    expect_eq "$label: sockets, pid and lock files removed" "$(entries "$rundir")" ""
    expect_cmd "$label: run dir itself stays" test -d "$rundir"
    obs "$label: exit status" "$st"
    obs "$label: run dir after exit" "$(entries "$rundir")"
    obs "$label: /dev/shm after exit" "$(entries /dev/shm)"
}

s4() {
    foreground_run TERM ROOT /var/run/lttng "root SIGTERM"
    foreground_run INT ROOT /var/run/lttng "root SIGINT"
    # /var/run/lttng is a mount point here: the per-user run dir shows whether
    # the daemon leaves its run directory in place.
    foreground_run TERM USR "$home_user/.lttng" "user SIGTERM"
}

s5() {
    local shm=/dev/shm/lttng-ust-wait-8
    start_root_daemon "root daemon starts (kernel tracing not disabled)"
    dir_report "rundir" /var/run/lttng
    obs "shm entries" "$(entries /dev/shm)"
    [[ -e $shm ]] && obs "shm lttng-ust-wait-8" "$(stat -c '%a %U:%G %s' "$shm")"
    expect_eq "run dir is 0755 root:$TRACING_GROUP" \
        "$(stat -c '%a %U:%G' /var/run/lttng)" "755 root:$TRACING_GROUP"
    expect_eq "client socket is 0660 root:$TRACING_GROUP" \
        "$(stat -c '%a %U:%G %F' "$sock")" "660 root:$TRACING_GROUP socket"
    expect_eq "apps socket is 0666" \
        "$(stat -c '%a %F' /var/run/lttng/lttng-ust-sock-8)" "666 socket"
    expect_eq "health socket is 0660 root:$TRACING_GROUP" \
        "$(stat -c '%a %U:%G' /var/run/lttng/sessiond-health)" "660 root:$TRACING_GROUP"
    expect_cmd "/dev/shm/lttng-ust-wait-8 exists" test -f "$shm"
    stop_pid "$DPID"
}

s6() {
    local rpid upid shm=/dev/shm/lttng-ust-wait-8-$u_uid
    start_root_daemon "root daemon starts" --no-kernel
    rpid=$DPID
    run USR "$D" -d
    expect_eq "per-user daemon starts beside the root daemon" "$RC" 0
    obs "per-user --daemonize" "$(result)"
    upid=$(pid_of_file "$home_user/.lttng/lttng-sessiond.pid")
    expect_cmd "per-user daemon runs as the user" test "$(stat -c %u "/proc/${upid:-0}")" = "$u_uid"
    expect_cmd "\$HOME/.lttng/client-lttng-sessiond appears" test -S "$home_user/.lttng/client-lttng-sessiond"
    expect_eq "/dev/shm/lttng-ust-wait-8-<uid> exists, owned by the user" \
        "$(stat -c %U "$shm" 2>&1)" "$TEST_USER"
    dir_report "user rundir" "$home_user/.lttng"
    obs "shm entries" "$(entries /dev/shm)"
    [[ -e $shm ]] && obs "shm lttng-ust-wait-8-UID" "$(stat -c '%a %s' "$shm")"

    run USR "${LTTNG[@]}" create usess -o "$base/x/usess"
    expect_eq "user's lttng create succeeds" "$RC" 0
    obs "user's lttng create" "$(result)"
    run USR "${LTTNG[@]}" list
    expect_eq "user's lttng list shows its session" "$(session_names "$OUT")" usess
    obs "user's lttng list" "$(result)"
    run ROOT "${LTTNG[@]}" list
    expect_eq "root's lttng list does not see it" "$(session_names "$OUT")" ""
    obs "root's lttng list" "$(result)"

    stop_pid "$upid"
    check "per-user daemon stops on SIGTERM" $?
    obs "user rundir after exit" "$(entries "$home_user/.lttng")"
    expect_cmd "root daemon unaffected" alive "$rpid"
    stop_pid "$rpid"
}

s7() {
    local rpid
    start_root_daemon "root daemon starts" --no-kernel
    rpid=$DPID
    run ROOT "${LTTNG[@]}" create rsess -o "$base/x/rsess"
    expect_eq "root creates a session" "$RC" 0

    run TRC "${LTTNG[@]}" create tsess -o "$base/x/tsess"
    expect_eq "tracing-group user's lttng create succeeds" "$RC" 0
    obs "tracer's lttng create" "$(result)"
    expect_cmd "it used the root daemon (no per-user socket)" test ! -e "$home_tracer/.lttng/client-lttng-sessiond"
    run ROOT "${LTTNG[@]}" list
    expect_eq "root's lttng list shows every session" "$(session_names "$OUT")" "rsess tsess"
    obs "root's session names" "$(session_names "$OUT")"
    run TRC "${LTTNG[@]}" list
    expect_eq "tracer's lttng list shows only its own session" "$(session_names "$OUT")" tsess
    obs "tracer's session names" "$(session_names "$OUT")"
    run TRC "${LTTNG[@]}" list rsess
    obs "tracer's lttng list rsess" "$(result)"

    run TRC "$D" -d
    expect_eq "tracer cannot start a per-user daemon while root's runs" "$RC" 1
    expect_match "it is told a daemon runs" "$ERR" '^Error: A session daemon is already running\.$'
    obs "tracer's --daemonize" "$(result)"

    expect_eq "non-member cannot connect to the root client socket" \
        "$(socket_state "$sock" "${USR[@]}")" EACCES
    run USR "${LTTNG[@]}" list
    expect_cmd "non-member's lttng finds no daemon of its own" test "$RC" != 0
    obs "non-member's lttng list without its daemon" "$(result)"
    run USR "$D" -d
    expect_eq "non-member starts its own daemon" "$RC" 0
    run USR "${LTTNG[@]}" list
    expect_eq "non-member's lttng falls back to its own daemon" "$OUT" "Currently no available recording session"
    obs "non-member's lttng list with its daemon" "$(result)"
    stop_pid_file "$home_user/.lttng/lttng-sessiond.pid"
    stop_pid "$rpid"
}

s8() {
    local x=$base/x pid
    mkdir -p "$home_root/.lttng"
    printf '[sessiond]\npidfile = %s\nclient-sock = %s\n' "$x/home.pid" "$x/home-sock" \
        >"$home_root/.lttng/lttng.conf"
    printf '; explicit file\n[other]\npidfile = %s\n[sessiond]\npidfile = %s\nno-kernel = yes\nbogus-key = 1\n' \
        "$x/other.pid" "$x/f.pid" >"$x/f.conf"

    run ROOT "$D" -d --no-kernel
    expect_eq "daemon with \$HOME/.lttng/lttng.conf starts" "$RC" 0
    pid=$(pid_of_file "$x/home.pid")
    expect_cmd "pidfile from \$HOME/.lttng/lttng.conf is used" alive "$pid"
    expect_eq "client-sock from \$HOME/.lttng/lttng.conf answers" "$(socket_state "$x/home-sock")" ok
    expect_cmd "default pid file not written" test ! -e "$pidfile"
    obs "home conf: files" "$(entries "$x") | $(entries /var/run/lttng | tr ' ' '\n' |
        grep -vxF -f <(printf '%s\n' "${KNOWN_REAL_ONLY[@]}") | tr '\n' ' ')"
    stop_pid "$pid"

    run ROOT "$D" -d -f "$x/f.conf"
    expect_eq "daemon with -f FILE starts" "$RC" 0
    expect_match "unknown key in FILE is warned about" "$ERR" '^Warning: Unrecognized option "bogus-key" in daemon configuration file\.$'
    obs "-f FILE" "$(result)"
    pid=$(pid_of_file "$x/f.pid")
    expect_cmd "-f FILE overrides the home file's pidfile" alive "$pid"
    expect_cmd "home file's pidfile not written" test ! -e "$x/home.pid"
    expect_cmd "a section other than [sessiond] is ignored" test ! -e "$x/other.pid"
    obs "-f FILE: client socket from the home file" "$(socket_state "$x/home-sock")"
    stop_pid "$pid"

    run ROOT "$D" -d -f "$x/f.conf" --pidfile "$x/cli.pid" -c "$x/cli-sock"
    expect_eq "daemon with -f FILE and options starts" "$RC" 0
    pid=$(pid_of_file "$x/cli.pid")
    expect_cmd "--pidfile overrides the file" alive "$pid"
    expect_cmd "file's pidfile not written" test ! -e "$x/f.pid"
    expect_eq "--client-sock overrides the file" "$(socket_state "$x/cli-sock")" ok
    obs "command line over file: files" "$(entries "$x")"
    stop_pid "$pid"

    rm -f "$home_root/.lttng/lttng.conf"
    # A bad value and a malformed file: the real daemon reports the value and
    # starts anyway.
    printf '[sessiond]\nagent-tcp-port = abc\npidfile = %s\n' "$x/bad.pid" >"$x/bad-value.conf"
    run ROOT "$D" -d --no-kernel -f "$x/bad-value.conf"
    obs "bad value in the file" "$(result)"
    obs "bad value in the file: daemon running" "$(alive "$(pid_of_file "$x/bad.pid")" && echo yes || echo no)"
    stop_pid_file "$x/bad.pid" "$pidfile"
    printf '[sessiond\nfoo\npidfile = %s\n' "$x/bad2.pid" >"$x/malformed.conf"
    run ROOT "$D" -d --no-kernel -f "$x/malformed.conf"
    obs "malformed file" "$(result)"
    obs "malformed file: daemon running" "$(alive "$(pid_of_file "$pidfile")" && echo yes || echo no)"
    stop_pid_file "$x/bad2.pid" "$pidfile"
}

s9() {
    local v lh=$base/x/lttng-home pid
    for v in abc -5 12abc 12; do
        run ROOT env LTTNG_APP_SOCKET_TIMEOUT="$v" "$D" -d --no-kernel
        obs "LTTNG_APP_SOCKET_TIMEOUT=$v" "$(result)"
        obs "LTTNG_APP_SOCKET_TIMEOUT=$v: daemon running" "$(alive "$(pid_of_file "$pidfile")" && echo yes || echo no)"
        [[ $v == 12 ]] && expect_eq "LTTNG_APP_SOCKET_TIMEOUT=12 accepted" "$RC" 0
        stop_pid_file "$pidfile"
    done

    mkdir -p "$lh"
    chown "$u_uid:$u_gid" "$lh"
    run USR env LTTNG_HOME="$lh" "$D" -d
    expect_eq "per-user daemon with LTTNG_HOME starts" "$RC" 0
    expect_cmd "its client socket is in \$LTTNG_HOME/.lttng" test -S "$lh/.lttng/client-lttng-sessiond"
    expect_cmd "nothing in \$HOME/.lttng" test ! -e "$home_user/.lttng/client-lttng-sessiond"
    obs "LTTNG_HOME run dir" "$(entries "$lh/.lttng" | tr ' ' '\n' |
        grep -vxF -f <(printf '%s\n' "${KNOWN_REAL_ONLY[@]}") | tr '\n' ' ')"
    obs "HOME after LTTNG_HOME run" "$(entries "$home_user")"
    run USR env LTTNG_HOME="$lh" "${LTTNG[@]}" list
    expect_eq "lttng with the same LTTNG_HOME reaches it" "$RC" 0
    pid=$(pid_of_file "$lh/.lttng/lttng-sessiond.pid")
    stop_pid "$pid"
    check "LTTNG_HOME daemon stops on SIGTERM" $?
}

s10() {
    local x=$base/x names
    start_root_daemon "daemon for the sessions to save" --no-kernel
    run ROOT "${LTTNG[@]}" create s10 -o "$x/trace10"
    run ROOT "${LTTNG[@]}" create s10b -o "$x/trace10b"
    run ROOT "${LTTNG[@]}" save -o "$x/one" s10
    expect_eq "lttng save s10" "$RC" 0
    run ROOT "${LTTNG[@]}" save -o "$x/all"
    expect_eq "lttng save (all)" "$RC" 0
    obs "saved files" "$(entries "$x/one") | $(entries "$x/all")"
    stop_pid "$DPID"

    start_root_daemon "--load FILE: daemon starts" --no-kernel --load "$x/one/s10.lttng"
    run ROOT "${LTTNG[@]}" list
    expect_eq "--load FILE: session present when --daemonize returns" "$(session_names "$OUT")" s10
    run ROOT "${LTTNG[@]}" list s10
    expect_match "--load FILE: output path restored" "$OUT" "Trace output: BASE/x/trace10$"
    obs "--load FILE: lttng list s10" "$(result)"
    stop_pid "$DPID"

    start_root_daemon "--load DIR: daemon starts" --no-kernel --load "$x/all"
    run ROOT "${LTTNG[@]}" list
    expect_eq "--load DIR: every session present" "$(session_names "$OUT")" "s10 s10b"
    stop_pid "$DPID"

    # The default autoload directory, and --load replacing it.
    mkdir -p "$home_root/.lttng/sessions/auto"
    cp "$x/one/s10.lttng" "$home_root/.lttng/sessions/auto/"
    start_root_daemon "autoload: daemon starts" --no-kernel
    run ROOT "${LTTNG[@]}" list
    expect_eq "\$HOME/.lttng/sessions/auto is loaded" "$(session_names "$OUT")" s10
    stop_pid "$DPID"
    start_root_daemon "--load with an auto dir: daemon starts" --no-kernel --load "$x/all/s10b.lttng"
    run ROOT "${LTTNG[@]}" list
    expect_eq "--load replaces the default directories" "$(session_names "$OUT")" s10b
    stop_pid "$DPID"

    run ROOT "$D" -d --no-kernel --load "$x/nonexistent"
    # (The real daemon's message is only a PERROR about its lock file.)
    obs "--load of a missing path: exit status" "$RC"
    names="not running"
    if alive "$(pid_of_file "$pidfile")"; then
        run ROOT "${LTTNG[@]}" list
        names=$(session_names "$OUT")
    fi
    obs "--load of a missing path: sessions" "$names"
    stop_pid_file "$pidfile"
}

# listening_ports: the local TCP ports in LISTEN state, as addr:port, sorted.
listening_ports() {
    "$PY" - <<'PYEOF'
import socket, struct
out = []
for line in open('/proc/net/tcp').read().splitlines()[1:]:
    f = line.split()
    if f[3] != '0A':
        continue
    ip, port = f[1].split(':')
    addr = socket.inet_ntoa(struct.pack('<I', int(ip, 16)))
    out.append('%s:%d' % (addr, int(port, 16)))
print(' '.join(sorted(out)))
PYEOF
}

s11() {
    local upid blocker
    start_root_daemon "root daemon starts" --no-kernel
    expect_eq "agent.port holds the first port of the default range" \
        "$(cat /var/run/lttng/agent.port 2>&1)" 5345
    expect_eq "the daemon listens on 127.0.0.1:5345" "$(listening_ports)" "127.0.0.1:5345"
    obs "agent.port mode" "$(stat -c %a /var/run/lttng/agent.port 2>&1)"
    run USR "$D" -d
    expect_eq "per-user daemon starts" "$RC" 0
    upid=$(pid_of_file "$home_user/.lttng/lttng-sessiond.pid")
    expect_eq "the per-user daemon takes the next free port" \
        "$(cat "$home_user/.lttng/agent.port" 2>&1)" 5346
    obs "listening ports with two daemons" "$(listening_ports)"
    stop_pid "$upid"
    stop_pid "$DPID"
    expect_cmd "agent.port is removed at exit" test ! -e /var/run/lttng/agent.port

    # A port range whose only port is taken: the daemon runs, without agent port.
    "$PY" -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 5400)); s.listen(1); time.sleep(30)' &
    blocker=$!
    wait_for 5 test "$(listening_ports)" = "127.0.0.1:5400"
    start_root_daemon "daemon starts with its agent port taken" --no-kernel --agent-tcp-port=5400
    expect_cmd "no agent.port file when the port is taken" test ! -e /var/run/lttng/agent.port
    obs "listening ports with the agent port taken" "$(listening_ports)"
    stop_pid "$DPID"
    kill "$blocker" 2>/dev/null
    wait "$blocker" 2>/dev/null
}

inner_main() {
    local scenario=$1
    D=$3
    ns_setup || {
        log "namespace set-up failed"
        exit 2
    }
    log "scenario $scenario ($2): $D"
    "s$scenario"
    # Leftovers (e.g. consumer daemons): by PID, TERM then KILL.
    other_pids
    if ((${#OTHER_PIDS[@]})); then
        log "leftover processes: ${OTHER_PIDS[*]}"
        obs "processes left at the end" "${#OTHER_PIDS[@]}"
        kill -TERM "${OTHER_PIDS[@]}" 2>/dev/null
        wait_for 5 none_left
        ((${#OTHER_PIDS[@]})) && kill -KILL "${OTHER_PIDS[@]}" 2>/dev/null
    fi
    emit end "$scenario" "done"
    exit 0
}

if [[ ${1:-} == --inner ]]; then
    inner_main "$2" "$3" "$4"
fi

###############################################################################
# Host side
###############################################################################

real_sessiond=${REAL_SESSIOND:-/usr/bin/lttng-sessiond}
our_sessiond=${OUR_SESSIOND:-build/src/sessiond/lttng-sessiond}
[[ $our_sessiond == /* ]] || our_sessiond=$repo_root/$our_sessiond

scenarios=("$@")
((${#scenarios[@]})) || scenarios=("${ALL_SCENARIOS[@]}")
for s in "${scenarios[@]}"; do
    if [[ -z ${TITLE[$s]:-} ]]; then
        echo "usage: $0 [SCENARIO_NUMBER...]  (1-10)" >&2
        exit 2
    fi
done

bail() {
    echo "Bail out! $*"
    exit 2
}
((EUID == 0)) || bail "must run as root (namespaces, mounts, user switching)"
for tool in unshare setpriv timeout ip find lttng; do
    command -v "$tool" >/dev/null || bail "missing tool: $tool"
done
[[ -x $PY ]] || bail "missing $PY"
[[ -x $real_sessiond ]] || bail "real daemon not found: $real_sessiond"
[[ -x $our_sessiond ]] || bail "our daemon not built: $our_sessiond (ninja -C build)"

# Accounts: a plain user and a member of the tracing group (created if missing,
# checked otherwise).
accounts_err=$(bash "$repo_root/tests/integration/lib/test-accounts.sh" \
    --plain "$TEST_USER" --tracer "$TRACER_USER" 2>&1) || bail "test accounts: $accounts_err"

results=$(mktemp -d /tmp/lttng-daemon-tests.XXXXXX) || bail "mktemp failed"

# run_ns SCENARIO KIND DAEMON: one namespace; output in $results.
run_ns() {
    (
        timeout --signal=KILL "$NS_TIMEOUT" \
            unshare --mount --pid --fork --mount-proc --net --propagation private --kill-child \
            bash "$self" --inner "$1" "$2" "$3"
        exit $?
    ) </dev/null >"$results/$1.$2.out" 2>"$results/$1.$2.log"
}

unesc() {
    local s=$1 out="" c
    while [[ -n $s ]]; do
        c=${s:0:1}
        if [[ $c == "\\" && ${#s} -ge 2 ]]; then
            case ${s:1:1} in
            n) out+=$'\n' ;;
            t) out+=$'\t' ;;
            *) out+=${s:1:1} ;;
            esac
            s=${s:2}
        else
            out+=$c
            s=${s:1}
        fi
    done
    printf '%s' "$out"
}
comment() { sed 's/^/# /'; }

n=0
passed=0
failed=0
tap() { # OK TITLE [DETAILS]
    n=$((n + 1))
    if (($1)); then
        passed=$((passed + 1))
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
    fi
    [[ -n ${3:-} ]] && printf '%s\n' "$3" | comment
    return 0
}

echo "TAP version 13"
for s in "${scenarios[@]}"; do
    declare -A chk=() ob=() kn=()
    check_names=()
    obs_keys=()
    known_keys=()
    title="S$s ${TITLE[$s]}"
    for kind in real ours; do
        if [[ $kind == real ]]; then daemon=$real_sessiond; else daemon=$our_sessiond; fi
        run_ns "$s" "$kind" "$daemon"
        rc=$?
        completed=0
        while IFS=$'\t' read -r type key value; do
            case $type in
            check)
                [[ -z ${chk[real,$key]+x}${chk[ours,$key]+x} ]] && check_names+=("$key")
                chk[$kind,$key]=$value
                ;;
            obs)
                [[ -z ${ob[real,$key]+x}${ob[ours,$key]+x} ]] && obs_keys+=("$key")
                ob[$kind,$key]=$value
                ;;
            known)
                [[ -z ${kn[real,$key]+x}${kn[ours,$key]+x} ]] && known_keys+=("$key")
                kn[$kind,$key]=$value
                ;;
            end) completed=1 ;;
            esac
        done <"$results/$s.$kind.out"
        if ((!completed)); then
            what="exit status $rc"
            ((rc == 137)) && what="killed after ${NS_TIMEOUT}s"
            tap 0 "$title: scenario completed ($kind daemon)" \
                "$what; log: $results/$s.$kind.log"$'\n'"$(tail -n 5 "$results/$s.$kind.log")"
        fi
    done

    for key in "${check_names[@]}"; do
        r=${chk[real,$key]:-missing}
        o=${chk[ours,$key]:-missing}
        if [[ $r == ok && $o == ok ]]; then
            tap 1 "$title: $(unesc "$key")"
        else
            details=""
            [[ $r != ok ]] && details+="real daemon: $(unesc "$r")"$'\n'
            [[ $o != ok ]] && details+="our daemon: $(unesc "$o")"$'\n'
            tap 0 "$title: $(unesc "$key")" "${details%$'\n'}"
        fi
    done

    details=""
    differ=0
    for key in "${obs_keys[@]}"; do
        r=${ob[real,$key]-<none>}
        o=${ob[ours,$key]-<none>}
        if [[ $r != "$o" ]]; then
            differ=$((differ + 1))
            details+="$(unesc "$key"):"$'\n'"  real: $r"$'\n'"  ours: $o"$'\n'
        fi
    done
    tap $((differ == 0)) "$title: real and ours agree on ${#obs_keys[@]} observations" "${details%$'\n'}"

    details=""
    for key in "${known_keys[@]}"; do
        r=${kn[real,$key]-<none>}
        o=${kn[ours,$key]-<none>}
        [[ $r != "$o" ]] && details+="known difference: $(unesc "$key") (real: $r; ours: $o)"$'\n'
    done
    [[ -n $details ]] && printf '%s' "$details" | comment
    unset chk ob kn
done

echo "1..$n"
if ((failed)) || [[ ${DAEMON_TEST_KEEP:-0} == 1 ]]; then
    echo "# outputs and logs kept in $results"
else
    rm -rf -- "$results"
fi
echo "$passed passed, $failed failed"
((failed == 0))
