# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals set or read by the sourcing script
# Shared by bench/run-control-bench.sh and bench/run-trace-bench.sh, sourced
# on both sides: the host side (option checks, temporary directory, one
# namespace per round) and the namespace side (`__inner`: set-up, process
# helpers, stop). The sourcing script sets $script (its own path), $repo and,
# on the host side, $prog (the name its messages start with) before calling
# anything here.

# ===========================================================================
# Namespace side
# ===========================================================================
fail() {
    echo "bench-inner: $*" >&2
    exit 1
}
# usec_since T0: sets US to the microseconds elapsed since EPOCHREALTIME T0.
usec_since() {
    local t=$EPOCHREALTIME
    US=$((${t/./} - ${1/./}))
}

# ns_setup BASE DAEMON NEEDED...: fresh tmpfs on BASE, /var/run/lttng and
# /dev/shm, loopback up, a private HOME/LTTNG_HOME/TMPDIR below BASE, the
# passwd home hidden unless one of the NEEDED paths (empty ones are skipped)
# lies in it; LTTNG_SESSIOND_PATH=DAEMON; enters HOME.
ns_setup() {
    local base=$1 daemon=$2 pwhome p hide=1
    shift 2
    mount -t tmpfs -o mode=0755 bench-base "$base" || fail "cannot mount tmpfs on $base"
    mkdir -p /var/run/lttng || fail "cannot create /var/run/lttng"
    mount -t tmpfs -o mode=0755 bench-run /var/run/lttng || fail "cannot mount tmpfs on /var/run/lttng"
    mount -t tmpfs -o mode=1777 bench-shm /dev/shm || fail "cannot mount tmpfs on /dev/shm"
    ip link set lo up 2>/dev/null || echo "bench-inner: could not bring loopback up" >&2

    export HOME=$base/home LTTNG_HOME=$base/home TMPDIR=$base/tmp
    mkdir -p "$HOME" "$TMPDIR"
    chmod 0700 "$HOME" "$TMPDIR"
    # Some paths ignore $HOME and use the passwd home: hide it too, unless
    # it holds something this run needs.
    pwhome=$(getent passwd "$(id -u)" | cut -d: -f6)
    if [[ -d $pwhome && $pwhome != / ]]; then
        for p in "$@"; do
            [[ -n $p && ($p == "$pwhome" || $p == "$pwhome"/*) ]] && hide=0
        done
        if ((hide)); then
            mount -t tmpfs -o mode=0700 bench-pwhome "$pwhome" || fail "cannot mount tmpfs on $pwhome"
        else
            echo "bench-inner: $pwhome holds a needed path; not hidden" >&2
        fi
    fi
    export LTTNG_SESSIOND_PATH=$daemon
    cd "$HOME" || fail "cannot enter $HOME"
}

# --- process helpers: bash builtins only, so no helper process of ours
# is alive (and counted) while we look at the namespace.
# alive PID: the process exists and is not a zombie.
alive() {
    local k v
    { while read -r k v; do
        if [[ $k == State: ]]; then
            [[ $v != Z* ]]
            return
        fi
    done <"/proc/$1/status"; } 2>/dev/null
    return 1
}
# ns_pids: sets PIDS to the live processes of the namespace but us.
ns_pids() {
    local d
    PIDS=()
    for d in /proc/[0-9]*; do
        d=${d#/proc/}
        [[ $d == 1 || $d == "$BASHPID" ]] && continue
        alive "$d" && PIDS+=("$d")
    done
}
# cli METRIC ARGS...: time one `lttng ARGS...`, print "METRIC usec";
# METRIC "-" = untimed. lttng's stderr goes to $log (the caller's).
cli() {
    local metric=$1 t0
    shift
    t0=$EPOCHREALTIME
    lttng "$@" >/dev/null 2>>"$log" || fail "lttng $* failed"
    usec_since "$t0"
    [[ $metric == - ]] || echo "$metric $US"
}
# stop_ns PID BASE: SIGTERM to PID, then wait for every process of the
# namespace to be gone; sets US to the time that took. Polls every 5 ms
# without forking: read with a timeout on a FIFO (BASE/tick) that nobody
# writes. After 20 s, kills what is left and fails.
stop_ns() {
    local pid=$1 base=$2 limit t0
    mkfifo "$base/tick" || fail "cannot make $base/tick"
    exec 9<>"$base/tick"
    t0=$EPOCHREALTIME
    kill -TERM "$pid" || fail "cannot signal $pid"
    for ((limit = 4000; limit > 0; limit--)); do
        ns_pids
        ((${#PIDS[@]} == 0)) && break
        read -r -t 0.005 -u 9 _
    done
    usec_since "$t0"
    if ((limit == 0)); then
        ns_pids
        echo "bench-inner: still alive 20 s after SIGTERM: ${PIDS[*]}" >&2
        kill -KILL "${PIDS[@]}" 2>/dev/null
        fail "daemon did not stop on SIGTERM"
    fi
}

# ===========================================================================
# Host side
# ===========================================================================
die() {
    echo "$prog: $*" >&2
    exit 1
}
usage() {
    sed -n '/^# Usage:/,/^set -u/p' "$script" | sed '$d; s/^# \{0,1\}//'
}
# check_numbers VAR...: each named option variable holds a number.
check_numbers() {
    local v
    for v in "$@"; do
        [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v/_/-} takes a number, not '${!v}'"
    done
}
# check_host TOOL...: root, the TOOLs, python3, $real and $ours are there.
check_host() {
    local tool
    (($(id -u) == 0)) || die "must run as root (it mounts tmpfs in private namespaces)"
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
    [[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 not found"
    [[ -x $real ]] || die "reference daemon not found: $real"
    [[ -x $ours ]] || die "our daemon not found: $ours (build it: meson setup build && ninja -C build)"
}
# make_tmp: sets tmp to a fresh /tmp/lttng-$prog... directory (run-x-bench
# -> lttng-x-bench).
make_tmp() {
    tmp=$(mktemp -d "/tmp/lttng-${prog#run-}.XXXXXX") || die "mktemp failed"
}
# remove_tmp: removes $tmp, or says where it is with --keep ($keep).
remove_tmp() {
    if ((keep)); then
        echo "$prog: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
# freeze_ours: copies our daemon and its consumer daemon into $tmp/ours, in
# the layout the daemon looks for beside itself
# (<dir>/../consumerd/lttng-consumerd), as in the build tree; others may
# rebuild build/ during the run. Also makes $tmp/ns.
freeze_ours() {
    mkdir -p "$tmp/ours/sessiond" "$tmp/ours/consumerd" "$tmp/ns"
    cp "$ours" "$tmp/ours/sessiond/lttng-sessiond" || die "cannot copy $ours"
    cp "$(dirname "$ours")/../consumerd/lttng-consumerd" "$tmp/ours/consumerd/" ||
        die "cannot copy our lttng-consumerd (build it with ninja)"
}
# host_info: sets ours_rev, real_version and cpu for the report header.
host_info() {
    ours_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$repo" status --porcelain -- src meson.build 2>/dev/null) ]]; then
        ours_rev+="+dirty"
    fi
    real_version=$(dpkg-query -W -f='${Version}' lttng-tools 2>/dev/null || echo unknown)
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
}
# run_ns real|ours ROUND SECONDS VAR=VALUE...: one namespace, one daemon,
# one round of "$script __inner", with the given BENCH_* variables besides
# BENCH_BASE, BENCH_TMP and BENCH_DAEMON; killed after SECONDS. Appends to
# $tmp/WHO.samples and $tmp/WHO.log; exits with the log's tail on failure.
run_ns() {
    local who=$1 round=$2 limit=$3 daemon rc
    shift 3
    case $who in
    real) daemon=$real ;;
    ours) daemon=$tmp/ours/sessiond/lttng-sessiond ;;
    esac
    {
        echo "# round $round"
        timeout -k 5 "$limit" unshare --mount --pid --fork --mount-proc \
            --propagation private --net --kill-child=SIGKILL \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C USER=root LOGNAME=root \
            BENCH_BASE="$tmp/ns" BENCH_TMP="$tmp" BENCH_DAEMON="$daemon" "$@" \
            /bin/bash "$script" __inner
    } >>"$tmp/$who.samples" 2>>"$tmp/$who.log"
    rc=$?
    if ((rc != 0)); then
        echo "$prog: $who round $round failed (exit $rc); log:" >&2
        tail -n 20 "$tmp/$who.log" >&2
        exit 1
    fi
}
# run_rounds: $rounds rounds of `run_one WHO ROUND` (the script's), real
# then ours in odd rounds, ours then real in even ones; sets elapsed (s).
run_rounds() {
    local started r who order
    started=$EPOCHREALTIME
    echo "$prog: $rounds rounds, real=$real ($real_version), ours=$ours ($ours_rev)" >&2
    for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then order=(real ours); else order=(ours real); fi
        printf 'round %d/%d: %s then %s\n' "$r" "$rounds" "${order[@]}" >&2
        for who in "${order[@]}"; do
            run_one "$who" "$r"
        done
    done
    elapsed=$((${EPOCHREALTIME/./} / 1000000 - ${started/./} / 1000000))
}

# bisect_step MID ACHIEVED DROPPED: one step of a zero-loss rate search over the
# caller's lo/hi: a lossless run raises lo to what it achieved (at most MID), a
# lossy one lowers hi to MID.
bisect_step() {
    local mid=$1 got=$2 dropped=$3
    if ((dropped == 0)); then
        got=$((got < mid ? got : mid))
        lo=$((got > lo ? got : lo))
    else
        hi=$mid
    fi
}
