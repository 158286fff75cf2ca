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
prog=run-control-bench
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

# ===========================================================================
# Namespace side: one daemon, one round. Started as PID 1 of a fresh PID
# namespace by the host side below; everything it starts dies with it.
# Writes "metric value" lines on stdout, diagnostics on stderr.
# ===========================================================================
inner() {
    local base=$BENCH_BASE daemon=$BENCH_DAEMON ctl=$BENCH_CTL
    local log=/dev/stderr pid t0 i

    ns_setup "$base" "$daemon" "$BENCH_TMP" "$daemon" "$script"

    # --- process helpers (alive, ns_pids, cli: lib/common.sh)
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
        cli cli_create create "cli-$i"
        cli cli_enable_channel enable-channel -u chan -s "cli-$i"
        cli cli_enable_event enable-event -u bench:event -c chan -s "cli-$i"
        cli cli_start start "cli-$i"
        cli cli_stop_nowait stop --no-wait "cli-$i"
        cli - start "cli-$i"
        cli cli_stop_wait stop "cli-$i"
        cli cli_destroy destroy "cli-$i"
    done
    ctl cycle api api "$BENCH_API_REPS"

    # --- 3b. loaded RSS, then list with that many sessions
    ctl populate "$BENCH_SESSIONS" "$BENCH_EVENTS"
    measure_rss loaded
    for ((i = 0; i < BENCH_LIST_REPS; i++)); do
        cli cli_list list
    done
    ctl list api "$BENCH_LIST_REPS"

    # --- stop by PID, wait for every process of the namespace to be gone
    stop_ns "$pid" "$base"
    echo "shutdown_us $US"
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit $?
fi

# ===========================================================================
# Host side (die, usage, checks, run_ns, run_rounds: lib/common.sh)
# ===========================================================================

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
check_numbers rounds sessions events api_reps cli_reps list_reps
((rounds >= 1 && api_reps >= 1 && cli_reps >= 1 && list_reps >= 1)) ||
    die "rounds and repetitions must be at least 1"

check_host unshare lttng cc pkg-config ip

make_tmp
trap remove_tmp EXIT

# liblttng-ctl helper, compiled now against the installed library.
# shellcheck disable=SC2046 # pkg-config output is a list of words
cc -O2 -o "$tmp/ctlbench" "$bench_dir/ctlbench.c" $(pkg-config --cflags --libs lttng-ctl) ||
    die "cannot compile bench/ctlbench.c (is liblttng-ctl-dev installed?)"
# Freeze our binaries: others may rebuild build/ during the run.
freeze_ours
host_info

# run_one real|ours ROUND: one namespace, one daemon, one round.
run_one() {
    run_ns "$1" "$2" 180 \
        BENCH_CTL="$tmp/ctlbench" BENCH_SESSIONS="$sessions" \
        BENCH_EVENTS="$events" BENCH_API_REPS="$api_reps" \
        BENCH_CLI_REPS="$cli_reps" BENCH_LIST_REPS="$list_reps"
}

run_rounds

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
