#!/bin/bash
# Streaming benchmark: user-space tracing through Debian's lttng-relayd
# (net:// and live sessions), Debian's lttng-sessiond against ours, side by
# side.
#
# Each round of each daemon runs in its own namespaces (lib/common.sh: mount,
# PID and network namespaces, loopback up, fresh tmpfs run dirs, private
# HOME), with a fresh lttng-relayd for each of its two parts, started and
# ended by PID:
#   1. throughput: a net:// session (per-UID buffers, one channel of
#      --num-subbuf x --subbuf-size, discard mode, sample:* events) records the
#      sample application (N iterations, T threads, flat out); events/s =
#      events babeltrace2 reads in the relay daemon's output / wall time from
#      the application's start to `lttng stop` returning. Discarded events
#      (`lttng list` statistics, babeltrace2's discarded-events messages) and
#      events missing from the trace are reported: a round with loss is
#      reported as such.
#   2. live latency: a live session (`lttng create --live=TIMER`), a
#      babeltrace2 lttng-live reader started before the application, its output
#      time-stamped line by line (bench/live-stamp.py); after warm-up runs
#      until the reader prints an event, S times: a pause (200-699 ms), then
#      the sample application with -n 1 -t 1; the delay from its start (wall
#      clock, taken just before) to the reader printing its sample:app_end
#      line.
# Rounds alternate real/ours and ours/real. Prints the medians, ours/real
# ratios and the issue's targets (events/s >= 1.0x real without loss; live
# delay <= 0.5x real). A missed target is a result, not an error: the exit
# status is non-zero only when something failed to run.
#
# Usage: bench/run-streaming-bench.sh [options]   (as root: it mounts)
#   -n N             rounds per daemon (default 5; env BENCH_ROUNDS)
#   --iterations N   sample application iterations, throughput (default 100000)
#   --threads T      sample application threads, throughput (default 2)
#   --subbuf-size S  sub-buffer size of the throughput channel (default 1M)
#   --num-subbuf K   sub-buffers of the throughput channel (default 8)
#   --samples S      live delays measured per round (default 10)
#   --live-timer US  live timer of the live session, in us (default 100000)
#   --real PATH      reference daemon (default /usr/bin/lttng-sessiond)
#   --ours PATH      our daemon (default build/src/sessiond/lttng-sessiond)
#   --app PATH       sample application (default build/tests/apps/sample/lttng-sample-app)
#   --markdown FILE  also write the result table (markdown) to FILE
#   --keep           keep the temporary directory (raw samples, logs)
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")
prog=run-streaming-bench
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

# ===========================================================================
# Namespace side: one daemon, one round.
# ===========================================================================
# relay_start NAME: a fresh lttng-relayd writing below $base/NAME (default
# ports on this namespace's loopback); sets relayd to its PID once its
# control, data and live ports accept connections.
relay_start() {
    local i port
    lttng-relayd -o "$base/$1" >&2 2>&1 &
    relayd=$!
    for port in 5342 5343 5344; do
        for ((i = 0; i < 250; i++)); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            alive "$relayd" || fail "lttng-relayd exited at start"
            sleep 0.02
        done
        ((i < 250)) || fail "lttng-relayd does not listen on port $port after 5 s"
    done
}
# relay_stop: SIGTERM to $relayd, wait until it is gone (10 s at most).
relay_stop() {
    local i
    kill -TERM "$relayd" || fail "cannot signal lttng-relayd $relayd"
    for ((i = 0; i < 500; i++)); do
        alive "$relayd" || break
        sleep 0.02
    done
    if alive "$relayd"; then
        kill -KILL "$relayd"
        fail "lttng-relayd $relayd still alive 10 s after SIGTERM"
    fi
    wait "$relayd" 2>/dev/null
}

# cpu_ticks: sets CPU_D to the user+system clock ticks of every process of
# the namespace but us and lttng-relayd (the session daemon, its consumer
# daemon(s), run-as workers), CPU_R to lttng-relayd's.
cpu_ticks() {
    local p stat f
    CPU_D=0 CPU_R=0
    ns_pids
    for p in "${PIDS[@]}"; do
        { read -r stat <"/proc/$p/stat"; } 2>/dev/null || continue
        read -r -a f <<<"${stat##*) }" # f[11], f[12]: utime, stime
        if [[ $p == "$relayd" ]]; then
            CPU_R=$((CPU_R + f[11] + f[12]))
        else
            CPU_D=$((CPU_D + f[11] + f[12]))
        fi
    done
}

# Part 1: a net:// session recording the application flat out.
throughput() {
    local t0 t1 total app_us stop_us cpu_d cpu_r line n discarded=0 events=0 bt_discard=0 rc
    local expected=$((BENCH_ITER * BENCH_THREADS * 25 + 2))
    relay_start relay-tput
    cli - create s --set-url=net://127.0.0.1
    cli - enable-channel -u ch --buffers-uid --discard \
        --subbuf-size="$BENCH_SUBBUF" --num-subbuf="$BENCH_NUMSUB"
    cli - enable-event -u 'sample:*' -c ch
    cli - start
    cpu_ticks
    cpu_d=$CPU_D cpu_r=$CPU_R
    t0=$EPOCHREALTIME
    "$app" -n "$BENCH_ITER" -t "$BENCH_THREADS" >/dev/null 2>&1 || fail "sample app failed"
    usec_since "$t0"
    app_us=$US
    t1=$EPOCHREALTIME
    lttng stop s >/dev/null 2>>"$log" || fail "lttng stop s failed"
    usec_since "$t1"
    stop_us=$US
    usec_since "$t0"
    total=$US
    cpu_ticks
    cpu_d=$(((CPU_D - cpu_d) * 1000 / BENCH_HZ)) cpu_r=$(((CPU_R - cpu_r) * 1000 / BENCH_HZ))
    # Statistics of the stopped session: "Discarded events: N" per channel.
    lttng list s >"$base/list.txt" 2>>"$log" || fail "lttng list s failed"
    while read -r line; do
        [[ $line == "Discarded events: "* ]] && discarded=$((discarded + ${line##* }))
    done <"$base/list.txt"
    cli destroy_us destroy s
    relay_stop
    # What a reader gets: the relay daemon's output, read once it is gone.
    babeltrace2 "$base/relay-tput" -c sink.utils.counter >"$base/count.txt" 2>"$base/bt.err"
    rc=$?
    while read -r n line; do
        [[ $line == "Event messages" ]] && events=$n
        [[ $line == "Discarded event messages" ]] && bt_discard=$n
    done <"$base/count.txt"
    if ((rc != 0)); then
        echo "bench-inner: babeltrace2 failed (exit $rc) on the relay daemon's output:" >&2
        head -n 20 "$base/bt.err" >&2
    fi
    rm -rf "$base/relay-tput"
    echo "app_us $app_us"
    echo "stop_us $stop_us"
    echo "total_us $total"
    echo "recorded $events"
    echo "expected $expected"
    echo "discarded $discarded"
    echo "missing $((expected - events - discarded))"
    echo "lost $((expected - events))"
    echo "bt_discard_msgs $bt_discard"
    echo "bt_rc $rc"
    echo "daemons_cpu_ms $cpu_d"
    echo "relayd_cpu_ms $cpu_r"
    echo "eps $((events * 1000000 / total))"
    echo "app_eps $((events * 1000000 / app_us))"
}

# wait_line SECONDS: reads the next "T EVENT" line of the time-stamper from
# fd 8 into tp (ns) and te (the event's time stamp, ns); fails on timeout.
wait_line() {
    read -r -t "$1" -u 8 tp te || return 1
    te=${te/./}
    te=$((10#$te))
}

# Part 2: a live session read by babeltrace2's lttng-live source.
live() {
    local reader i k t0 t1 got=0 runs=0 lines=0 events=0 line
    relay_start relay-live
    cli - create l --live="$BENCH_LIVE_TIMER"
    cli - enable-event -u 'sample:*'
    cli - start
    mkfifo "$base/live.fifo" || fail "cannot make $base/live.fifo"
    exec 8<>"$base/live.fifo"
    /usr/bin/python3 -I "$bench_dir/live-stamp.py" "$base/live.out" "$base/live.fifo" -- \
        babeltrace2 --input-format=lttng-live --clock-seconds --color=never \
        "net://localhost/host/$(hostname)/l" 2>"$base/live.err" &
    reader=$!
    # Warm-up: the reader attaches at the newest data, and the first
    # application makes the per-UID buffers: run the application until one of
    # its sample:app_end lines is printed (20 tries), then drain stragglers.
    for ((i = 0; i < 20; i++)); do
        "$app" -n 1 -t 1 >/dev/null 2>&1 || fail "sample app failed"
        runs=$((runs + 1))
        if wait_line 1; then got=1; break; fi
    done
    if ((!got)); then
        echo "bench-inner: live reader's error output:" >&2
        cat "$base/live.err" >&2
        fail "the live reader printed no sample:app_end in 20 warm-up runs"
    fi
    sleep 0.5
    while wait_line 0.01; do :; done
    for ((k = 0; k < BENCH_SAMPLES; k++)); do
        # Pause 200-699 ms. The loop has just seen a line the reader printed
        # right after a flush, so the pause sets the phase of the next start
        # against the flushes: 500 ms spans whole periods of a 100 ms or
        # 250 ms tick, so starts fall evenly on every phase of either.
        sleep "0.$((200 + RANDOM % 500))"
        t0=$EPOCHREALTIME
        "$app" -n 1 -t 1 >/dev/null 2>&1 || fail "sample app failed"
        t1=$EPOCHREALTIME
        runs=$((runs + 1))
        if ! wait_line 10; then
            echo "bench-inner: live reader's error output:" >&2
            cat "$base/live.err" >&2
            fail "live sample $k: no sample:app_end printed within 10 s of the application's end"
        fi
        t0=$((10#${t0/./} * 1000))
        t1=$((10#${t1/./} * 1000))
        echo "live_us $(((tp - t0) / 1000))"
        echo "live_exit_us $(((tp - t1) / 1000))"
        ((te > 0)) && echo "live_event_us $(((tp - te) / 1000))"
        echo "live_app_us $(((t1 - t0) / 1000))"
    done
    cli destroy_live_us destroy l
    # The reader ends by itself once the session is gone.
    for ((i = 0; i < 500; i++)); do
        alive "$reader" || break
        sleep 0.02
    done
    if alive "$reader"; then
        echo "bench-inner: live reader still running 10 s after destroy; ended" >&2
        kill -TERM "$reader"
    fi
    wait "$reader"
    echo "live_reader_rc $?"
    exec 8<&-
    while read -r _ line; do
        [[ $line == *" sample:"* ]] && events=$((events + 1))
        [[ $line == *" sample:app_end:"* ]] && lines=$((lines + 1))
    done <"$base/live.out"
    echo "live_runs $runs"
    echo "live_app_end_lines $lines"
    echo "live_events $events"
    echo "live_events_expected $((runs * 27))"
    relay_stop
}

inner() {
    local base=$BENCH_BASE daemon=$BENCH_DAEMON app=$BENCH_APP log=/dev/stderr pid relayd
    local tp te

    ns_setup "$base" "$daemon" "$BENCH_TMP" "$daemon" "$app" "$script"
    "$daemon" --daemonize --no-kernel || fail "$daemon did not start"
    pid=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null)
    [[ -n $pid ]] || fail "no pid file"
    throughput
    live
    stop_ns "$pid" "$base"
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit
fi

# ===========================================================================
# Host side.
# ===========================================================================
rounds=${BENCH_ROUNDS:-5}
iterations=100000
threads=2
subbuf_size=1M
num_subbuf=8
samples=10
live_timer=100000
real=/usr/bin/lttng-sessiond
ours=$repo/build/src/sessiond/lttng-sessiond
app=$repo/build/tests/apps/sample/lttng-sample-app
markdown=""
keep=0
while (($#)); do
    case $1 in
    -n) rounds=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --subbuf-size) subbuf_size=$2; shift 2 ;;
    --num-subbuf) num_subbuf=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --live-timer) live_timer=$2; shift 2 ;;
    --real) real=$2; shift 2 ;;
    --ours) ours=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --markdown) markdown=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
check_numbers rounds iterations threads num_subbuf samples live_timer
((rounds >= 1 && iterations >= 1 && threads >= 1 && samples >= 1)) ||
    die "rounds, iterations, threads and samples must be at least 1"
[[ $subbuf_size =~ ^[0-9]+[kKmMgG]?$ ]] || die "--subbuf-size takes a size (4096, 64k, 1M), not '$subbuf_size'"
check_host lttng lttng-relayd babeltrace2 unshare ip
[[ -x $app ]] || die "sample application not found: $app (build it: ninja -C build)"
hz=$(getconf CLK_TCK) || die "getconf CLK_TCK failed"
make_tmp
freeze_ours
host_info

# Touch 1 GiB of tmpfs once (and free it), so that no round pays for the
# first use of the machine's memory (slow in virtual machines), as
# run-trace-bench.sh does.
# shellcheck disable=SC2016 # expanded by the inner sh
unshare --mount --propagation private /bin/sh -c \
    'mount -t tmpfs -o size=2g bench-warm "$1" && dd if=/dev/zero of="$1/warm" bs=1M count=1024 status=none' \
    sh "$tmp/ns" || die "tmpfs warm-up failed"

run_one() { # WHO ROUND
    run_ns "$1" "$2" 300 BENCH_APP="$app" BENCH_ITER="$iterations" BENCH_THREADS="$threads" \
        BENCH_SUBBUF="$subbuf_size" BENCH_NUMSUB="$num_subbuf" BENCH_SAMPLES="$samples" \
        BENCH_LIVE_TIMER="$live_timer" BENCH_HZ="$hz"
}
read -r load_before _ </proc/loadavg
run_rounds
read -r load_after _ </proc/loadavg
relay_version=$(lttng-relayd --version 2>/dev/null | head -n1)
reader_version=$(babeltrace2 --version 2>/dev/null | head -n1)
tput_app="sample app -n $iterations -t $threads ($((iterations * threads * 25 + 2)) events)"
live_app="(pause 200-699 ms, sample app -n 1 -t 1)"

args=(--real "$tmp/real.samples" --ours "$tmp/ours.samples" --rounds "$rounds"
    --samples "$samples" --iterations "$iterations" --threads "$threads"
    --header "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    --header "machine: $(nproc) cores, $cpu, kernel $(uname -r)"
    --header "real: $real (lttng-tools $real_version)"
    --header "ours: ${ours#"$repo"/} (commit $ours_rev)"
    --header "relay daemon: $(command -v lttng-relayd) $relay_version; reader: $reader_version"
    --header "throughput: net:// session, per-UID, 1 channel $num_subbuf x $subbuf_size, discard; $tput_app"
    --header "live: --live=$live_timer, default channel; $samples x $live_app per round"
    --header "run: $rounds rounds per daemon, alternating, ${elapsed} s in all; 1-min load average $load_before before, $load_after after")
[[ -n $markdown ]] && args+=(--markdown "$markdown")
/usr/bin/python3 -I "$bench_dir/streaming-report.py" "${args[@]}"
status=$?
echo "$prog: real $real_version, ours $ours_rev, $cpu; ${elapsed}s" >&2
remove_tmp
exit "$status"
