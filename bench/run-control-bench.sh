#!/bin/bash
# Control-path benchmark: Debian's lttng-sessiond against ours, side by side.
#
# Measures, for each daemon, in alternating rounds (real/ours, then
# ours/real, ...):
#   * start-to-ready: wall time of `lttng-sessiond --daemonize --no-kernel`
#     until the launcher exits (it exits 0 once the daemon is ready);
#   * per-command latency, once through Debian's `lttng` CLI and once through
#     a tiny liblttng-ctl program (bench/ctlbench.c, compiled here), which
#     removes the CLI's start-up cost;
#   * VmRSS after start and after creating S sessions with one UST channel
#     and E UST events each; `lttng list` latency with those S sessions.
# Every round of every daemon runs in its own namespaces
#   unshare --mount --pid --fork --mount-proc --propagation private --net
# with fresh tmpfs on /var/run/lttng, /dev/shm, a private HOME and (when it
# does not hold a path we need) root's passwd home, so no system daemon,
# socket or file of the host is seen or touched. Daemons are stopped by PID
# with SIGTERM and waited for.
#
# Prints a table of medians with ours/real ratios and the targets (start and
# RSS <= 0.5x real; no command slower than real), each PASS or MISS.
# A MISS is a result, not an error: the exit status is non-zero only when
# something failed to run.
#
# Usage: bench/run-control-bench.sh [options]   (as root: it mounts)
#   -n N             rounds per daemon (default 15; env BENCH_ROUNDS)
#   --real PATH      reference daemon (default /usr/bin/lttng-sessiond)
#   --ours PATH      our daemon (default build/src/sessiond/lttng-sessiond)
#   --sessions S     sessions for the RSS and list measures (default 100)
#   --events E       events per session (default 10)
#   --api-reps R     liblttng-ctl command cycles per round (default 3)
#   --cli-reps R     lttng CLI command cycles per round (default 3)
#   --list-reps R    list calls per round, CLI and API each (default 3)
#   --markdown FILE  also write the result table (markdown) to FILE
#   --keep           keep the temporary directory (raw samples, logs)
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")

# ===========================================================================
# Namespace side: one daemon, one round. Started as PID 1 of a fresh PID
# namespace by the host side below; everything it starts dies with it.
# Writes "metric value" lines on stdout, diagnostics on stderr.
# ===========================================================================
inner() {
    local base=$BENCH_BASE daemon=$BENCH_DAEMON ctl=$BENCH_CTL
    local log=/dev/stderr pid t0 i

    fail() {
        echo "bench-inner: $*" >&2
        exit 1
    }
    # usec_since T0: sets US to the microseconds elapsed since EPOCHREALTIME T0.
    usec_since() {
        local t=$EPOCHREALTIME
        US=$((${t/./} - ${1/./}))
    }

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
    local pwhome p hide=1
    pwhome=$(getent passwd "$(id -u)" | cut -d: -f6)
    if [[ -d $pwhome && $pwhome != / ]]; then
        for p in "$BENCH_TMP" "$daemon" "$script"; do
            [[ $p == "$pwhome" || $p == "$pwhome"/* ]] && hide=0
        done
        if ((hide)); then
            mount -t tmpfs -o mode=0700 bench-pwhome "$pwhome" || fail "cannot mount tmpfs on $pwhome"
        else
            echo "bench-inner: $pwhome holds a needed path; not hidden" >&2
        fi
    fi
    export LTTNG_SESSIOND_PATH=$daemon
    cd "$HOME" || fail "cannot enter $HOME"

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
    # rss_of PID: sets RSS (KiB); fails for a process without memory.
    rss_of() {
        local k v
        RSS=0
        { while read -r k v _; do
            if [[ $k == VmRSS: ]]; then
                RSS=$v
                return 0
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
    # measure_rss NAME: daemon RSS and the sum over all its processes.
    measure_rss() {
        local total=0 p
        sleep 0.5 # let threads start and settle
        rss_of "$pid" || fail "daemon $pid has no VmRSS"
        echo "rss_${1}_kb $RSS"
        ns_pids
        for p in "${PIDS[@]}"; do
            rss_of "$p" && total=$((total + RSS))
        done
        echo "rss_${1}_total_kb $total"
        echo "procs_${1} ${#PIDS[@]}"
    }
    # cli METRIC ARGS...: time one `lttng ARGS...`; METRIC "-" = untimed.
    cli() {
        local metric=$1 t0
        shift
        t0=$EPOCHREALTIME
        lttng "$@" >/dev/null 2>>"$log" || fail "lttng $* failed"
        usec_since "$t0"
        [[ $metric == - ]] || echo "cli_$metric $US"
    }
    ctl() {
        "$ctl" "$@" 2>>"$log" || fail "ctlbench $* failed"
    }

    # --- 1. start-to-ready
    t0=$EPOCHREALTIME
    "$daemon" --daemonize --no-kernel </dev/null >>"$log" 2>&1 || fail "$daemon --daemonize exited $?"
    usec_since "$t0"
    echo "start_us $US"
    read -r pid <"/var/run/lttng/lttng-sessiond.pid" || fail "no pid file"
    alive "$pid" || fail "daemon $pid is not running after start"

    # --- 3a. idle RSS
    measure_rss idle

    # --- 2. commands. The first cycle is a warm-up (the real daemon spawns
    # its consumer daemon on the first UST channel); only its
    # enable-channel is kept, as an information row.
    local warm line
    warm=$(ctl cycle first warm 1) || exit 1
    while read -r line; do
        [[ $line == first_enable_channel\ * ]] && echo "$line"
    done <<<"$warm"
    for ((i = 0; i < BENCH_CLI_REPS; i++)); do
        cli create create "cli-$i"
        cli enable_channel enable-channel -u chan -s "cli-$i"
        cli enable_event enable-event -u bench:event -c chan -s "cli-$i"
        cli start start "cli-$i"
        cli stop_nowait stop --no-wait "cli-$i"
        cli - start "cli-$i"
        cli stop_wait stop "cli-$i"
        cli destroy destroy "cli-$i"
    done
    ctl cycle api api "$BENCH_API_REPS"

    # --- 3b. loaded RSS, then list with that many sessions
    ctl populate "$BENCH_SESSIONS" "$BENCH_EVENTS"
    measure_rss loaded
    for ((i = 0; i < BENCH_LIST_REPS; i++)); do
        cli list list
    done
    ctl list api "$BENCH_LIST_REPS"

    # --- stop by PID, wait for every process of the namespace to be gone
    # Poll every 5 ms without forking: read with a timeout on a FIFO that
    # nobody writes.
    local limit
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
    echo "shutdown_us $US"
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit $?
fi

# ===========================================================================
# Host side
# ===========================================================================
die() {
    echo "run-control-bench: $*" >&2
    exit 1
}
usage() {
    sed -n '/^# Usage:/,/^set -u/p' "$script" | sed '$d; s/^# \{0,1\}//'
}

rounds=${BENCH_ROUNDS:-15}
real=/usr/bin/lttng-sessiond
ours=$repo/build/src/sessiond/lttng-sessiond
sessions=100 events=10 api_reps=3 cli_reps=3 list_reps=3
markdown="" keep=0
while (($#)); do
    case $1 in
    -n | --rounds) rounds=${2:?}; shift ;;
    --real) real=${2:?}; shift ;;
    --ours) ours=${2:?}; shift ;;
    --sessions) sessions=${2:?}; shift ;;
    --events) events=${2:?}; shift ;;
    --api-reps) api_reps=${2:?}; shift ;;
    --cli-reps) cli_reps=${2:?}; shift ;;
    --list-reps) list_reps=${2:?}; shift ;;
    --markdown) markdown=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
for v in rounds sessions events api_reps cli_reps list_reps; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v/_/-} takes a number, not '${!v}'"
done
((rounds >= 1 && api_reps >= 1 && cli_reps >= 1 && list_reps >= 1)) ||
    die "rounds and repetitions must be at least 1"

(($(id -u) == 0)) || die "must run as root (it mounts tmpfs in private namespaces)"
for tool in unshare lttng cc pkg-config ip; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 not found"
[[ -x $real ]] || die "reference daemon not found: $real"
[[ -x $ours ]] || die "our daemon not found: $ours (build it: meson setup build && ninja -C build)"

tmp=$(mktemp -d /tmp/lttng-control-bench.XXXXXX) || die "mktemp failed"
cleanup() {
    if ((keep)); then
        echo "run-control-bench: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# liblttng-ctl helper, compiled now against the installed library.
# shellcheck disable=SC2046 # pkg-config output is a list of words
cc -O2 -o "$tmp/ctlbench" "$bench_dir/ctlbench.c" $(pkg-config --cflags --libs lttng-ctl) ||
    die "cannot compile bench/ctlbench.c (is liblttng-ctl-dev installed?)"
# Freeze our binary: others may rebuild build/ during the run.
mkdir -p "$tmp/ours/sessiond" "$tmp/ours/consumerd" "$tmp/ns"
cp "$ours" "$tmp/ours/sessiond/lttng-sessiond" || die "cannot copy $ours"
# Our consumer daemon, in the layout the daemon looks for beside itself
# (<dir>/../consumerd/lttng-consumerd), as in the build tree.
cp "$(dirname "$ours")/../consumerd/lttng-consumerd" "$tmp/ours/consumerd/" ||
    die "cannot copy our lttng-consumerd (build it with ninja)"

ours_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$repo" status --porcelain -- src meson.build 2>/dev/null) ]]; then
    ours_rev+="+dirty"
fi
real_version=$(dpkg-query -W -f='${Version}' lttng-tools 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)

# run_one real|ours ROUND: one namespace, one daemon, one round.
run_one() {
    local who=$1 round=$2 daemon rc
    case $who in
    real) daemon=$real ;;
    ours) daemon=$tmp/ours/sessiond/lttng-sessiond ;;
    esac
    {
        echo "# round $round"
        timeout -k 5 180 unshare --mount --pid --fork --mount-proc \
            --propagation private --net --kill-child=SIGKILL \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C USER=root LOGNAME=root \
            BENCH_BASE="$tmp/ns" BENCH_TMP="$tmp" BENCH_DAEMON="$daemon" \
            BENCH_CTL="$tmp/ctlbench" BENCH_SESSIONS="$sessions" \
            BENCH_EVENTS="$events" BENCH_API_REPS="$api_reps" \
            BENCH_CLI_REPS="$cli_reps" BENCH_LIST_REPS="$list_reps" \
            /bin/bash "$script" __inner
    } >>"$tmp/$who.samples" 2>>"$tmp/$who.log"
    rc=$?
    if ((rc != 0)); then
        echo "run-control-bench: $who round $round failed (exit $rc); log:" >&2
        tail -n 20 "$tmp/$who.log" >&2
        exit 1
    fi
}

started=$EPOCHREALTIME
echo "run-control-bench: $rounds rounds, real=$real ($real_version), ours=$ours ($ours_rev)" >&2
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order=(real ours); else order=(ours real); fi
    printf 'round %d/%d: %s then %s\n' "$r" "$rounds" "${order[@]}" >&2
    for who in "${order[@]}"; do
        run_one "$who" "$r"
    done
done
elapsed=$((${EPOCHREALTIME/./} / 1000000 - ${started/./} / 1000000))

args=(--real "$tmp/real.samples" --ours "$tmp/ours.samples"
    --rounds "$rounds" --sessions "$sessions" --events "$events"
    --api-reps "$api_reps" --cli-reps "$cli_reps" --list-reps "$list_reps"
    --header "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    --header "machine: $(nproc) cores, $cpu, kernel $(uname -r)"
    --header "real: $real (lttng-tools $real_version)"
    --header "ours: ${ours#"$repo"/} (commit $ours_rev)"
    --header "run: $rounds rounds per daemon, alternating, ${elapsed} s in all")
[[ -n $markdown ]] && args+=(--markdown "$markdown")
/usr/bin/python3 -I "$bench_dir/report.py" "${args[@]}" || die "report failed"
