#!/bin/bash
# One oracle run: one case, one mode, one daemon.
#
# Started by run-oracle.sh through `unshare --pid --fork --mount-proc ...`, so
# this script is PID 1 of a private PID namespace with a private mount
# namespace: every mount below is invisible outside, and everything started
# here dies when this script exits.
#
# Inputs (environment, all set by run-oracle.sh):
#   ORACLE_LIB        directory of this script
#   ORACLE_CASE       case file
#   ORACLE_MODE       root | user
#   ORACLE_SESSIOND   session daemon binary under test
#   ORACLE_BASE       empty per-run directory (a tmpfs is mounted on it here)
#   ORACLE_RAW        raw transcript to write (outside ORACLE_BASE)
#   ORACLE_STEP_TIMEOUT  seconds allowed for one step
#   ORACLE_PROTECT    colon-separated paths that must stay visible
#                     (repository, results dir, ...)
#   ORACLE_TEST_USER  account of the `user` mode
#   ORACLE_SERIALIZE  1: start the daemon at SCHED_IDLE (the whole namespace
#                     is pinned to one CPU by run-oracle.sh)
#   ORACLE_SAMPLE_APP, ORACLE_SAMPLE_APP32  the cases' $SAMPLE_APP, $SAMPLE_APP32
#   ORACLE_CONSUMERD32  "" or the 32-bit consumer daemon: the daemon gets
#                     --consumerd32-path=<it> (cases with @consumerd32)
# The daemon's own stdout/stderr and our diagnostics go to this script's
# stderr, which run-oracle.sh sends to a per-run log file.

set -u
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$ORACLE_LIB/common.sh"

raw=$ORACLE_RAW
base=$ORACLE_BASE
step_timeout=${ORACLE_STEP_TIMEOUT:-20}
daemon_start_timeout=20
daemon_stop_timeout=10
sigpipe_retries=20

log() { printf 'oracle-inner: %s\n' "$*" >&2; }
# A "[harness]" line in a transcript records something abnormal; it is part
# of the compared transcript on purpose (e.g. our daemon crashing).
note() { printf '[harness] %s\n' "$*" >>"$raw"; }
die() {
    note "$*"
    log "$*"
    exit 2
}

: >"$raw"
parse_case "$ORACLE_CASE" || die "malformed case file: $CASE_ERROR"

# ---------------------------------------------------------------------------
# Private file system view
# ---------------------------------------------------------------------------
# is_protected DIR [PATH...]: true if mounting over DIR would hide one of
# the paths we need (repository, results, this library, the daemon) or one
# of the extra PATHs.
is_protected() {
    local dir=$1 p
    local -a paths
    shift
    IFS=: read -ra paths <<<"${ORACLE_PROTECT:-}"
    paths+=("$raw" "$ORACLE_LIB" "$ORACLE_SESSIOND" "${ORACLE_CONSUMERD32:-}"
        "${ORACLE_SAMPLE_APP:-}" "${ORACLE_SAMPLE_APP32:-}" "$@")
    for p in "${paths[@]}"; do
        [[ -z $p ]] && continue
        if [[ $p == "$dir" || $p == "$dir"/* ]]; then
            return 0
        fi
    done
    return 1
}

# A private /tmp, so that nothing a case does (e.g. a snapshot output under
# /tmp) reaches the host. The per-run directory, usually under /tmp, is
# recreated inside it.
if is_protected /tmp; then
    log "/tmp holds a needed path; it stays shared with the host"
else
    mount -t tmpfs -o mode=1777 oracle-tmp /tmp || die "cannot mount tmpfs on /tmp"
    mkdir -p "$base" || die "cannot create $base"
fi
# Everything the run writes lives in RAM and vanishes with the namespace.
mount -t tmpfs -o mode=0755 oracle-base "$base" || die "cannot mount tmpfs on $base"
# Global run directory of a root session daemon. mkdir only matters when the
# host has none; the mount hides any system daemon's sockets.
mkdir -p /var/run/lttng || die "cannot create /var/run/lttng"
mount -t tmpfs -o mode=0755 oracle-run "/var/run/lttng" || die "cannot mount tmpfs on /var/run/lttng"
# Shared-memory area used by lttng-ust / the consumer daemon.
mount -t tmpfs -o mode=1777 oracle-shm /dev/shm || die "cannot mount tmpfs on /dev/shm"
# The namespace has its own network stack: only bring loopback up (agent
# ports, relayd URLs never reach the host).
ip link set lo up 2>/dev/null || log "could not bring loopback up"

home=$base/home
tmp=$base/tmp
mkdir -p "$home" "$tmp"

case $ORACLE_MODE in
root)
    uid=0
    gid=0
    uname=root
    as_user=()
    ;;
user)
    uid=$(id -u "$ORACLE_TEST_USER") || die "no user $ORACLE_TEST_USER"
    gid=$(id -g "$ORACLE_TEST_USER")
    uname=$ORACLE_TEST_USER
    as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
    ;;
*)
    die "unknown mode $ORACLE_MODE"
    ;;
esac
chown "$uid:$gid" "$home" "$tmp"
chmod 0700 "$home" "$tmp"

# Some daemon commands ignore $HOME and use the account's passwd home
# (e.g. `lttng save` without -o writes to <pw home>/.lttng/sessions). Give
# that home a private tmpfs too so nothing leaks to, or from, the host.
pwhome=$(getent passwd "$uid" | cut -d: -f6)
if [[ -n $pwhome && $pwhome == /?* ]]; then
    mnt=$pwhome
    while [[ ! -d $mnt ]]; do mnt=$(dirname "$mnt"); done
    if [[ $mnt == / ]]; then
        log "passwd home $pwhome: no directory to mount over; left alone"
    elif is_protected "$mnt" "$base"; then
        log "passwd home $pwhome: $mnt holds a needed path; not hidden"
    else
        mount -t tmpfs -o mode=0755 oracle-pwhome "$mnt" || die "cannot mount tmpfs on $mnt"
        mkdir -p "$pwhome"
        chown "$uid:$gid" "$pwhome"
        chmod 0700 "$pwhome"
    fi
fi

# Environment of the daemon and of every step: fixed and minimal.
# lib/bin (trace-dump, wait-file, ...) comes last: it shadows nothing.
run_env=(env -i
    PATH="/usr/sbin:/usr/bin:/sbin:/bin:$ORACLE_LIB/bin"
    TRACE_DUMP="$ORACLE_LIB/bin/trace-dump"
    HOME="$home"
    LTTNG_HOME="$home"
    LTTNG_SESSIOND_PATH="$ORACLE_SESSIOND"
    USER="$uname"
    LOGNAME="$uname"
    LC_ALL=C
    TMPDIR="$tmp"
    SAMPLE_APP="${ORACLE_SAMPLE_APP:-}"
    SAMPLE_APP32="${ORACLE_SAMPLE_APP32:-}"
    ORACLE_MODE="$ORACLE_MODE")

if [[ $ORACLE_MODE == root ]]; then
    client_sock=/var/run/lttng/client-lttng-sessiond
else
    client_sock=$home/.lttng/client-lttng-sessiond
fi

# ---------------------------------------------------------------------------
# Process helpers (by PID only)
# ---------------------------------------------------------------------------
# These helpers fill global arrays instead of printing, so that no subshell
# (which would itself be a process of the namespace) is involved.

# proc_state PID: sets P_STATE and P_PPID; fails if PID does not exist.
proc_state() {
    local stat
    local -a f
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    # The command name (field 2) may hold blanks: cut after its last ')'.
    read -ra f <<<"${stat##*) }"
    P_STATE=${f[0]}
    P_PPID=${f[1]}
}

# alive PID: true if PID exists and is not a zombie.
alive() {
    proc_state "$1" && [[ $P_STATE != Z ]]
}

# ns_pids: sets NS_PIDS to every live process of the namespace except this
# script (PID 1).
ns_pids() {
    local d pid
    NS_PIDS=()
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [[ $pid == 1 || $pid == "$BASHPID" ]] && continue
        alive "$pid" && NS_PIDS+=("$pid")
    done
}

# orphans: sets ORPHANS to the live processes reparented to us, e.g. a
# daemonized process.
orphans() {
    local pid
    ORPHANS=()
    ns_pids
    for pid in "${NS_PIDS[@]}"; do
        proc_state "$pid" && [[ $P_PPID == 1 ]] && ORPHANS+=("$pid")
    done
}

# wait_gone SECONDS PID...: true once none of the PIDs is alive.
wait_gone() {
    local limit=$(($1 * 10)) i pid any
    shift
    for ((i = 0; i < limit; i++)); do
        any=0
        for pid in "$@"; do alive "$pid" && any=1; done
        ((any)) || return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------
# One step: run_step TITLE COMMAND
# ---------------------------------------------------------------------------
out=$base/step.out
err=$base/step.err
run_step() {
    local title=$1 cmd=$2 attempt=0 rc
    printf '$ %s\n' "$title" >>"$raw"
    while :; do
        attempt=$((attempt + 1))
        (cd "$home" && exec timeout -k 2 "$step_timeout" "${as_user[@]}" "${run_env[@]}" \
            bash -c "$cmd") </dev/null >"$out" 2>"$err"
        rc=$?
        # The real daemon sometimes closes the connection right after
        # replying to a request it rejects from its header alone, before the
        # client has written the payload: the client dies of SIGPIPE with no
        # output. That race is not behaviour to reproduce; retry.
        if ((rc == 141)) && [[ ! -s $out && ! -s $err ]] && ((attempt < sigpipe_retries)); then
            log "step died of SIGPIPE without output, retrying: $cmd"
            sleep 0.05
            continue
        fi
        break
    done
    cat "$out" >>"$raw"
    # Keep the transcript line-oriented even if output lacks a final newline.
    [[ -s $out && $(tail -c1 "$out" | od -An -c) != *'\n'* ]] && echo >>"$raw"
    sed 's/^/[stderr] /' "$err" >>"$raw"
    [[ -s $err && $(tail -c1 "$err" | od -An -c) != *'\n'* ]] && echo >>"$raw"
    ((rc == 124)) && note "step timed out after ${step_timeout}s"
    printf '[exit %d]\n' "$rc" >>"$raw"
}

# ---------------------------------------------------------------------------
# @before-daemon steps (e.g. an application started before any daemon runs).
# Whatever they leave running in the background is reparented to us: note it
# so that it is not taken for the daemon below.
# ---------------------------------------------------------------------------
for cmd in "${CASE_BEFORE[@]}"; do
    run_step "@before-daemon $cmd" "$cmd"
done
orphans
declare -A before_daemon=()
for pid in "${ORPHANS[@]}"; do before_daemon[$pid]=1; done

# ---------------------------------------------------------------------------
# Start the daemon. `--daemonize` returns only once the daemon is ready.
# ---------------------------------------------------------------------------
# On one CPU, a SCHED_IDLE daemon never preempts a client in the middle of a
# request, which removes the SIGPIPE race described below (retried anyway).
# Its children (consumer daemons) inherit the policy; only timing changes.
idle=()
[[ ${ORACLE_SERIALIZE:-1} == 1 ]] && idle=(chrt --idle 0)
# The 32-bit consumer differs per daemon (real: Debian's i386 build; ours:
# ours built for i386); run-oracle.sh chose it.
daemon_args=("${CASE_DAEMON_ARGS[@]}")
daemon_env=()
for assignment in "${CASE_DAEMON_ENV[@]}"; do
    daemon_env+=("${assignment//\$SAMPLE_APP_DIR/$(dirname "${ORACLE_SAMPLE_APP:-/}")}")
done
[[ -n ${ORACLE_CONSUMERD32:-} ]] && daemon_args+=("--consumerd32-path=$ORACLE_CONSUMERD32")
log "mode=$ORACLE_MODE daemon=$ORACLE_SESSIOND args=${daemon_args[*]}"
(cd "$home" && exec timeout -k 2 "$daemon_start_timeout" "${idle[@]}" "${as_user[@]}" "${run_env[@]}" \
    "${daemon_env[@]}" "$ORACLE_SESSIOND" --daemonize "${daemon_args[@]}") </dev/null >&2
rc=$?
if ((rc == 124 || rc == 137)); then
    die "daemon did not return from --daemonize within ${daemon_start_timeout}s"
elif ((rc != 0)); then
    die "daemon --daemonize failed with exit status $rc"
fi

orphans
daemon_pids=()
for pid in "${ORPHANS[@]}"; do
    [[ -n ${before_daemon[$pid]:-} ]] || daemon_pids+=("$pid")
done
if ((${#daemon_pids[@]} == 0)); then
    die "no daemon process is running after --daemonize returned"
fi
log "daemon pid(s): ${daemon_pids[*]}"

for ((i = 0; i < 50; i++)); do
    [[ -S $client_sock ]] && break
    sleep 0.1
done
[[ -S $client_sock ]] || die "client socket $client_sock missing after daemon start"

# ---------------------------------------------------------------------------
# Run the steps
# ---------------------------------------------------------------------------
for cmd in "${CASE_STEPS[@]}"; do
    run_step "$cmd" "$cmd"
done

# ---------------------------------------------------------------------------
# Stop the daemon by PID: SIGTERM, wait, SIGKILL if needed.
# ---------------------------------------------------------------------------
for pid in "${daemon_pids[@]}"; do
    alive "$pid" || note "daemon is no longer running at the end of the case"
done
kill -TERM "${daemon_pids[@]}" 2>/dev/null
if ! wait_gone "$daemon_stop_timeout" "${daemon_pids[@]}"; then
    note "daemon still running ${daemon_stop_timeout}s after SIGTERM; killed"
    kill -KILL "${daemon_pids[@]}" 2>/dev/null
    wait_gone 5 "${daemon_pids[@]}"
fi

# Anything left (consumer daemons, stray step children): same treatment, but
# not part of the transcript (their exit timing is not deterministic).
ns_pids
rest=("${NS_PIDS[@]}")
if ((${#rest[@]})); then
    log "leftover processes after daemon exit: ${rest[*]}"
    kill -TERM "${rest[@]}" 2>/dev/null
    wait_gone 5 "${rest[@]}" || kill -KILL "${rest[@]}" 2>/dev/null
fi
exit 0
