#!/bin/bash
# Data-path benchmark: user-space tracing through Debian's lttng-sessiond
# (and its lttng-consumerd) against ours, side by side.
#
# For each daemon, in alternating rounds (real/ours, then ours/real, ...),
# with the load generator bench/loadgen.c (compiled here, its own tracepoint
# provider):
#   * application start-up with an active session, per-UID and per-PID
#     buffers: exec to main(), i.e. through the lttng-ust constructor, which
#     registers and receives the session before main() runs; also with no
#     session daemon at all (the floor);
#   * P applications started at once: wall time until all have exited;
#   * one producer thread per CPU firing as fast as they can for a fixed
#     time into the default channel, then into a 1 MiB x 8 channel: events
#     recorded per second and discarded; then the highest rate with no
#     discarded event, by bisection; trace bytes per event; daemon CPU;
#   * `lttng stop` and `lttng destroy` with data recorded;
#   * VmRSS of every daemon process after a recording.
# Every round of every daemon runs in its own namespaces
#   unshare --mount --pid --fork --mount-proc --propagation private --net
# with fresh tmpfs on /var/run/lttng, /dev/shm, a private HOME, so no system
# daemon, socket or file of the host is seen or touched.
#
# Prints a table of medians with ours/real ratios and the targets, each PASS
# or MISS. A MISS is a result, not an error: the exit status is non-zero only
# when something failed to run.
#
# Usage: bench/run-trace-bench.sh [options]   (as root: it mounts)
#   -n N             rounds per daemon (default 9; env BENCH_ROUNDS)
#   --real PATH      reference daemon (default /usr/bin/lttng-sessiond)
#   --ours PATH      our daemon (default build/src/sessiond/lttng-sessiond;
#                    its lttng-consumerd is taken from ../consumerd/)
#   --apps N         applications started one after the other (default 10)
#   --parallel P     applications started at once (default 50)
#   --threads T      producer threads (default: one per CPU, nproc)
#   --load-ms MS     duration of the saturating load (default 2000)
#   --probe-ms MS    duration of each bisection probe (default 1000)
#   --probes K       bisection probes per channel and round (default 4)
#   --output-dir DIR write the traces below DIR (default: a tmpfs in the
#                    namespace, so the disk does not take part)
#   --markdown FILE  also write the result table (markdown) to FILE
#   --keep           keep the temporary directory (raw samples, logs)
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")
prog=run-trace-bench
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

# ===========================================================================
# Namespace side: one daemon, one round. Started as PID 1 of a fresh PID
# namespace by the host side below; everything it starts dies with it.
# Writes "metric value" lines on stdout, diagnostics on stderr.
# ===========================================================================
inner() {
    local base=$BENCH_BASE daemon=$BENCH_DAEMON gen=$BENCH_LOADGEN
    local log=/dev/stderr pid out

    ns_setup "$base" "$daemon" "$BENCH_TMP" "$daemon" "$script" "$BENCH_OUTPUT"
    if [[ -n $BENCH_OUTPUT ]]; then
        out=$BENCH_OUTPUT
        mkdir -p "$out" || fail "cannot create $out"
    else
        out=$base/traces
        mkdir -p "$out"
    fi

    # --- process helpers (alive, ns_pids, cli: lib/common.sh)
    # mem_of PID: sets RSS, ANON, SHMEM (KiB) and COMM; fails without memory.
    mem_of() {
        local k v
        RSS=0 ANON=0 SHMEM=0 COMM=
        { while read -r k v _; do
            case $k in
            Name:) COMM=$v ;;
            VmRSS:) RSS=$v ;;
            RssAnon:) ANON=$v ;;
            RssShmem:) SHMEM=$v ;;
            esac
        done <"/proc/$1/status"; } 2>/dev/null
        ((RSS > 0))
    }
    # cpu_ticks: sets TICKS to user+system clock ticks of every process of
    # the namespace but us (the daemons: no application is alive then).
    cpu_ticks() {
        local p line f
        TICKS=0
        ns_pids
        for p in "${PIDS[@]}"; do
            { read -r line <"/proc/$p/stat"; } 2>/dev/null || continue
            read -r -a f <<<"${line##*) }"
            TICKS=$((TICKS + f[11] + f[12]))
        done
    }
    # measure_rss TAG: VmRSS of every daemon process, summed and by kind.
    measure_rss() {
        local total=0 anon=0 shmem=0 sessiond=0 consumerd=0 p
        ns_pids
        for p in "${PIDS[@]}"; do
            mem_of "$p" || continue
            total=$((total + RSS))
            anon=$((anon + ANON))
            shmem=$((shmem + SHMEM))
            case $COMM in
            lttng-sessiond) sessiond=$((sessiond + RSS)) ;;
            lttng-consumerd) consumerd=$((consumerd + RSS)) ;;
            esac
        done
        echo "rss_${1}_total_kb $total"
        echo "rss_${1}_anon_kb $anon"
        echo "rss_${1}_noshm_kb $((total - shmem))"
        echo "rss_${1}_sessiond_kb $sessiond"
        echo "rss_${1}_consumerd_kb $consumerd"
        echo "procs_${1} ${#PIDS[@]}"
    }
    # discarded SESSION: sets DISC to the session's discarded events.
    discarded() {
        local text
        text=$(lttng list "$1" 2>>"$log") || fail "lttng list $1 failed"
        DISC=$(awk '/Discarded events:/ { n++; s += $3 } END { if (n) print s; else print "none" }' <<<"$text")
        [[ $DISC =~ ^[0-9]+$ ]] || fail "no discarded-events count in 'lttng list $1'"
    }
    # tree_bytes DIR: sets BYTES to the apparent size of every file below DIR,
    # META to that of the metadata files, INDEX to that of the index files.
    tree_bytes() {
        local line
        line=$(find "$1" -type f -printf '%s %f %h\n' | awk '
            { s += $1 }
            $2 == "metadata" { m += $1 }
            $3 ~ /\/index$/ { i += $1 }
            END { print s + 0, m + 0, i + 0 }')
        read -r BYTES META INDEX <<<"$line"
    }
    # count_events DIR: sets EVENTS (events babeltrace2 reads below DIR) and
    # BAD (traces it cannot read). Whole tree first, one trace at a time if
    # that fails (a trace the daemon left unreadable).
    count_events() {
        local t n
        EVENTS=0 BAD=0
        if n=$(babeltrace2 "$1" -c sink.utils.counter 2>/dev/null); then
            EVENTS=$(awk '/Event message/ { n = $1 } END { print n + 0 }' <<<"$n")
            return
        fi
        while read -r t; do
            if n=$(babeltrace2 "$t" -c sink.utils.counter 2>/dev/null); then
                EVENTS=$((EVENTS + $(awk '/Event message/ { n = $1 } END { print n + 0 }' <<<"$n")))
            else
                BAD=$((BAD + 1))
            fi
        done < <(find "$1" -name metadata -printf '%h\n')
    }
    # load THREADS RATE MS: sets EMITTED and ELAPSED (us).
    load() {
        local k v
        EMITTED='' ELAPSED=
        while read -r k v; do
            case $k in
            emitted) EMITTED=$v ;;
            load_elapsed_us) ELAPSED=$v ;;
            esac
        done < <("$gen" load "$@" 2>>"$log")
        [[ -n $EMITTED && -n $ELAPSED ]] || fail "loadgen load $* failed"
    }

    # --- 1. application start-up without any session daemon (the floor)
    "$gen" launch "$BENCH_APPS" serial nodaemon || fail "loadgen launch failed"
    "$gen" launch "$BENCH_PARALLEL" parallel nodaemon_par || fail "loadgen launch failed"

    # --- daemon start
    "$daemon" --daemonize --no-kernel </dev/null >>"$log" 2>&1 || fail "$daemon --daemonize exited $?"
    read -r pid <"/var/run/lttng/lttng-sessiond.pid" || fail "no pid file"
    alive "$pid" || fail "daemon $pid is not running after start"

    # --- 2. start-up with the daemon up but no session (registration only)
    "$gen" launch "$BENCH_APPS" serial idle || fail "loadgen launch failed"

    # --- 3. start-up with an active session, per-UID then per-PID buffers
    local mode trace
    for mode in uid pid; do
        trace=$out/startup-$mode
        cli - create "st-$mode" --output="$trace"
        cli - enable-channel -u "--buffers-$mode" c -s "st-$mode"
        cli - enable-event -u loadgen:started -c c -s "st-$mode"
        cli - start "st-$mode"
        # The first application (per-UID: the buffers are made for it).
        "$gen" launch 1 serial "${mode}_first" || fail "loadgen launch failed"
        "$gen" launch "$BENCH_APPS" serial "$mode" || fail "loadgen launch failed"
        "$gen" launch "$BENCH_PARALLEL" parallel "${mode}_par" || fail "loadgen launch failed"
        cli - stop "st-$mode"
        cli - destroy "st-$mode"
        count_events "$trace"
        echo "${mode}_apps_recorded $EVENTS"
        echo "${mode}_traces_unreadable $BAD"
        echo "${mode}_apps_started $((1 + BENCH_APPS + BENCH_PARALLEL))"
        tree_bytes "$trace"
        echo "${mode}_startup_trace_bytes $BYTES"
        if [[ $mode == pid ]]; then
            local dirs=("$trace"/ust/pid/*)
            echo "pid_app_traces ${#dirs[@]}"
            ((${#dirs[@]} > 0)) && echo "pid_metadata_bytes_per_app $((META / ${#dirs[@]}))"
        fi
        rm -rf "$trace"
    done

    # --- 4. throughput: the default channel, then 1 MiB x 8 sub-buffers.
    # Every run gets a fresh session whose trace is deleted after it, so the
    # tmpfs never holds more than one run's trace.
    # tp_session NAME CHAN: creates and starts session NAME, its trace in $out/NAME.
    tp_session() {
        cli - create "$1" --output="$out/$1"
        if [[ $2 == big ]]; then
            cli - enable-channel -u big --subbuf-size=1M --num-subbuf=8 -s "$1"
            cli - enable-event -u loadgen:event -c big -s "$1"
        else
            cli - enable-event -u loadgen:event -s "$1" # channel0, all defaults
        fi
        cli - start "$1"
    }
    local chan s t0 t1 lo hi mid k rate got
    for chan in default big; do
        s=tp-$chan
        trace=$out/$s
        tp_session "$s" "$chan"
        cpu_ticks
        t0=$TICKS
        load "$BENCH_THREADS" 0 "$BENCH_LOAD_MS"
        cpu_ticks
        t1=$TICKS
        cli "${chan}_stop_us" stop "$s"
        discarded "$s"
        tree_bytes "$trace"
        rate=$((EMITTED * 1000000 / ELAPSED))
        echo "${chan}_sat_emitted_per_s $rate"
        echo "${chan}_sat_recorded_per_s $(((EMITTED - DISC) * 1000000 / ELAPSED))"
        echo "${chan}_sat_discarded $DISC"
        echo "${chan}_sat_discarded_ppm $((DISC * 1000000 / EMITTED))"
        echo "${chan}_metadata_bytes $META"
        echo "${chan}_index_bytes $INDEX"
        echo "${chan}_bytes_per_event $(awk -v b="$BYTES" -v e="$((EMITTED - DISC))" 'BEGIN { printf "%.4f", b / e }')"
        # Daemon CPU (every daemon process) per GiB written: 100 Hz ticks.
        echo "${chan}_cpu_ms_per_gib $(awk -v t="$((t1 - t0))" -v b="$BYTES" -v hz="$(getconf CLK_TCK)" \
            'BEGIN { printf "%.1f", t * 1000 / hz / (b / 1073741824) }')"
        measure_rss "$chan"
        cli "${chan}_destroy_us" destroy "$s"
        rm -rf "$trace"

        # Highest rate with no discarded event: bisection below the
        # saturating rate (itself, when nothing was discarded there).
        if ((DISC == 0)); then
            lo=$rate
            echo "${chan}_lossless_at_saturation 1"
        else
            lo=0 hi=$rate
            echo "${chan}_lossless_at_saturation 0"
            for ((k = 0; k < BENCH_PROBES; k++)); do
                mid=$(((lo + hi) / 2))
                tp_session "$s-$k" "$chan"
                load "$BENCH_THREADS" "$mid" "$BENCH_PROBE_MS"
                cli - stop "$s-$k"
                discarded "$s-$k"
                cli - destroy "$s-$k"
                rm -rf "$out/$s-$k"
                got=$((EMITTED * 1000000 / ELAPSED))
                echo "# probe $chan target $mid achieved $got discarded $DISC"
                bisect_step "$mid" "$got" "$DISC"
            done
        fi
        echo "${chan}_lossless_per_s $lo"
    done
    measure_rss after_destroy

    # --- stop by PID, wait for every process of the namespace to be gone
    stop_ns "$pid" "$base"
    [[ -n $BENCH_OUTPUT ]] && rm -rf "$out"
    return 0
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit $?
fi

# ===========================================================================
# Host side (die, usage, checks, run_ns, run_rounds: lib/common.sh)
# ===========================================================================

rounds=${BENCH_ROUNDS:-9}
real=/usr/bin/lttng-sessiond
ours=$repo/build/src/sessiond/lttng-sessiond
apps=10 parallel=50 threads=$(nproc) load_ms=2000 probe_ms=1000 probes=4
output_dir="" markdown="" keep=0
while (($#)); do
    case $1 in
    -n | --rounds) rounds=${2:?}; shift ;;
    --real) real=${2:?}; shift ;;
    --ours) ours=${2:?}; shift ;;
    --apps) apps=${2:?}; shift ;;
    --parallel) parallel=${2:?}; shift ;;
    --threads) threads=${2:?}; shift ;;
    --load-ms) load_ms=${2:?}; shift ;;
    --probe-ms) probe_ms=${2:?}; shift ;;
    --probes) probes=${2:?}; shift ;;
    --output-dir) output_dir=${2:?}; shift ;;
    --markdown) markdown=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
check_numbers rounds apps parallel threads load_ms probe_ms probes
((rounds >= 1 && apps >= 1 && parallel >= 1 && threads >= 1 && load_ms >= 100 && probe_ms >= 100)) ||
    die "rounds, apps, parallel, threads must be at least 1, durations at least 100 ms"

check_host unshare lttng cc ip babeltrace2

make_tmp
cleanup() {
    remove_tmp
    [[ -n $output_dir ]] && rm -rf "$output_dir"/lttng-trace-bench.$$
}
trap cleanup EXIT

# The load generator, compiled now against the installed lttng-ust.
cc -O2 -I "$bench_dir" -o "$tmp/loadgen" "$bench_dir/loadgen.c" -llttng-ust -ldl -lpthread ||
    die "cannot compile bench/loadgen.c (is liblttng-ust-dev installed?)"
# Freeze our binaries: others may rebuild build/ during the run.
freeze_ours
if [[ -n $output_dir ]]; then
    mkdir -p "$output_dir" || die "cannot create $output_dir"
    output_dir=$(readlink -f "$output_dir")
fi

host_info
ust_version=$(dpkg-query -W -f='${Version}' "liblttng-ust1:$(dpkg --print-architecture)" 2>/dev/null || echo unknown)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
if [[ -n $output_dir ]]; then
    where="$output_dir ($(df -T "$output_dir" | awk 'NR == 2 { print $2 }'))"
else
    where="tmpfs in the namespace"
fi

# run_one real|ours ROUND: one namespace, one daemon, one round.
run_one() {
    local outdir=""
    [[ -n $output_dir ]] && outdir=$output_dir/lttng-trace-bench.$$/$1-$2
    run_ns "$1" "$2" 400 \
        BENCH_LOADGEN="$tmp/loadgen" BENCH_OUTPUT="$outdir" \
        BENCH_APPS="$apps" BENCH_PARALLEL="$parallel" BENCH_THREADS="$threads" \
        BENCH_LOAD_MS="$load_ms" BENCH_PROBE_MS="$probe_ms" BENCH_PROBES="$probes"
}

# Touch 2 GiB of tmpfs once (and free it), so that no round pays for the
# first use of the machine's memory (slow in virtual machines).
# shellcheck disable=SC2016 # expanded by the inner sh
unshare --mount --propagation private /bin/sh -c \
    'mount -t tmpfs -o size=3g bench-warm "$1" && dd if=/dev/zero of="$1/warm" bs=1M count=2048 status=none' \
    sh "$tmp/ns" || die "tmpfs warm-up failed"
read -r load_before _ </proc/loadavg
run_rounds
read -r load_after _ </proc/loadavg

args=(--real "$tmp/real.samples" --ours "$tmp/ours.samples"
    --rounds "$rounds" --apps "$apps" --parallel "$parallel" --threads "$threads"
    --load-ms "$load_ms"
    --header "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    --header "machine: $(nproc) cores, $cpu, $mem RAM, kernel $(uname -r)"
    --header "real: $real (lttng-tools $real_version), apps: liblttng-ust $ust_version"
    --header "ours: ${ours#"$repo"/} (commit $ours_rev)"
    --header "traces written to: $where"
    --header "run: $rounds rounds per daemon, alternating, ${elapsed} s in all; 1-min load average $load_before before, $load_after after")
[[ -n $markdown ]] && args+=(--markdown "$markdown")
/usr/bin/python3 -I "$bench_dir/trace-report.py" "${args[@]}" || die "report failed"
