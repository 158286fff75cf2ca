#!/bin/bash
# Kernel-domain benchmark: our session daemon recording system calls through
# an ftrace instance and our `lttng-consumerd -k`, against the kernel's floor,
# a bare ftrace instance of the bench's own read by a minimal reader.
#
# Both sides record the same events (syscall entry and exit of one cheap
# system call) of the same deterministic workload (bench/kwork.c: N calls of
# getsid(0), getppid, close(-1) or a 1-byte read of /dev/zero, in T threads,
# pinned) with the same ring buffer (4 MiB per CPU = LTTng's default kernel
# channel, 1 MiB x 4; clock mono; discard mode):
#   floor: instance `lttng-bench-floor-<pid>` (made and removed here), read by
#          bench/kread.c (compiled here): per CPU, splice (or read) of
#          per_cpu/cpuN/trace_pipe_raw into a file, non-blocking, poll (woken
#          at buffer_percent, 25 = one LTTng sub-buffer) and a 200 ms timer;
#   ours:  `lttng create; lttng enable-event -k --syscall SYSCALL; lttng start;
#          workload; lttng stop; lttng destroy` against our lttng-sessiond
#          (spawning our lttng-consumerd -k), one daemon per round.
# Measured, in rounds alternating floor/ours, ours/floor, after one untraced
# run of the workload per round:
#   1. events per second recorded with zero discarded events, default
#      channel: the flat-out rate when nothing was discarded, otherwise the
#      highest rate found by bisecting a throttled workload (floor: per-CPU
#      stats 'dropped events'; ours: `lttng list` "Discarded events");
#   2. CPU time of the reader per recorded event (floor: kread's own
#      user+system time; ours: utime+stime of lttng-consumerd -k from
#      /proc/PID/stat, from before `lttng start` to after `lttng stop`);
#   3. trace bytes per event (ours: kernel/CHANNEL_CPU stream files over the
#      events babeltrace2 reads; floor: kread's files over the ftrace records
#      in them), target <= 1x;
#   4. the workload's wall time traced by ours over traced by the floor
#      (same events; the median of the per-round ratios), target <= 1.1x;
#      and each against the untraced run.
# Every round runs in its own namespaces
#   unshare --mount --pid --fork --mount-proc --propagation private --net
# with fresh tmpfs for the traces, /var/run/lttng, /dev/shm and a private
# HOME, as the other benchmarks do; both sides of a round run there, back to
# back.
#
# Prints a table of medians; a missed target prints MISS and the script still
# exits 0. It exits non-zero only when something failed to run.
#
# Usage: bench/run-kernel-bench.sh [options]   (as root: ftrace, mounts)
#   -n N               rounds (default 9; env BENCH_ROUNDS)
#   --ours PATH        our daemon (default build/src/sessiond/lttng-sessiond;
#                      its consumer is ../consumerd/lttng-consumerd)
#   --syscall NAME     getsid (default: nothing else calls it, so the expected
#                      count is exact), getppid, close or read
#   --calls N          calls of the flat-out runs (default 1000000; twice as
#                      many events)
#   --threads T        workload threads (default: one per CPU, nproc)
#   --no-pin           do not pin workload thread i to CPU i
#   --probes K         bisection probes per round and side when the flat-out
#                      run discarded events (default 4)
#   --probe-ms MS      duration of each probe (default 1000)
#   --floor-read M     splice (default), read or read-whole: how kread moves
#                      pages (bench/kread.c)
#   --floor-percent P  buffer_percent of the floor instance (default 25, what
#                      our daemon sets for 4 sub-buffers)
#   --timer-ms MS      kread's read timer (default 200, LTTng's read timer)
#   --markdown FILE    also write the result table (markdown) to FILE
#   --keep             keep the temporary directory (raw samples, logs)
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")
prog=run-kernel-bench
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

TRACEFS=/sys/kernel/tracing

# ===========================================================================
# Namespace side: one round, both sides, in the order of $BENCH_ORDER. PID 1
# of a fresh PID namespace; everything it starts dies with it. Appends
# "metric value" lines to $BENCH_TMP/floor.samples and ours.samples;
# diagnostics on stderr.
# ===========================================================================
inner() {
    local base=$BENCH_BASE work=$BENCH_KWORK rd=$BENCH_KREAD
    local sc=$BENCH_SYSCALL calls=$BENCH_CALLS threads=$BENCH_THREADS pin=$BENCH_PIN
    local log=/dev/stderr out pid='' who

    ns_setup "$base" "$BENCH_DAEMON" "$BENCH_TMP" "$script"
    # Our daemon names its instances after this PID namespace: the host side
    # removes what it may leave behind once the namespace is gone.
    readlink /proc/self/ns/pid >"$BENCH_TMP/pidns" || fail "cannot read /proc/self/ns/pid"
    out=$base/traces
    mkdir -p "$out"

    # kwork CALLS RATE: sets WALL (us), WCPU (us) and PREEMPTED (involuntary
    # context switches); RATE in calls/s (0: flat out).
    kwork() {
        local k v
        WALL='' WCPU='' PREEMPTED=''
        while read -r k v; do
            case $k in
            wall_us) WALL=$v ;;
            cpu_us) WCPU=$v ;;
            preempted) PREEMPTED=$v ;;
            esac
        done < <("$work" "$sc" "$1" "$threads" "$2" "$pin" 2>>"$log")
        [[ -n $WALL && -n $WCPU ]] || fail "kwork $sc $1 $threads $2 $pin failed"
    }
    # runtime PID: sets RUNNS to the CPU time (ns, scheduler accounting: finer
    # than the 100 Hz ticks) of every thread of PID.
    runtime() {
        local t ns
        RUNNS=0
        for t in /proc/"$1"/task/*/schedstat; do
            { read -r ns _ <"$t"; } 2>/dev/null && RUNNS=$((RUNNS + ns))
        done
    }
    # ticks PID: sets TICKS to utime+stime (clock ticks) of PID.
    ticks() {
        local line f
        { read -r line <"/proc/$1/stat"; } 2>/dev/null || fail "process $1 is gone"
        read -r -a f <<<"${line##*) }"
        TICKS=$((f[11] + f[12]))
    }
    local hz
    hz=$(getconf CLK_TCK)

    # ----------------------------------------------------------------------
    # floor: our own instance, kread
    local inst=$TRACEFS/instances/$BENCH_FLOOR_INSTANCE
    # floor_run TAG CALLS RATE: one instance, one kread, one workload run;
    # sets DROPPED, RECORDS, FBYTES, RCPU (us), WAKEUPS, WALL, WCPU.
    floor_run() {
        local tag=$1 dir=$out/$1 k v f rpid line=
        mkdir -p "$dir"
        mkdir "$inst" || fail "cannot make $inst"
        {
            echo 0 >"$inst/tracing_on" &&
                echo mono >"$inst/trace_clock" &&
                echo 0 >"$inst/options/overwrite" &&
                echo 4096 >"$inst/buffer_size_kb" &&
                echo "$BENCH_FLOOR_PERCENT" >"$inst/buffer_percent" &&
                echo 1 >"$inst/events/syscalls/sys_enter_$sc/enable" &&
                echo 1 >"$inst/events/syscalls/sys_exit_$sc/enable"
        } 2>>"$log" || fail "cannot set up $inst"
        "$rd" record "$inst" "$dir" "$BENCH_TIMER_MS" "$BENCH_FLOOR_READ" >"$out/kread.out" 2>>"$log" &
        rpid=$!
        for ((k = 0; k < 1000; k++)); do
            read -r line <"$out/kread.out"
            [[ $line == ready ]] && break
            alive "$rpid" || break
            sleep 0.01
        done
        [[ $line == ready ]] || fail "kread did not start"
        echo 1 >"$inst/tracing_on"
        kwork "$2" "$3"
        echo 0 >"$inst/tracing_on"
        kill -TERM "$rpid"
        wait "$rpid" || fail "kread exited $?"
        RCPU='' WAKEUPS=''
        while read -r k v; do
            case $k in
            cpu_us) RCPU=$v ;;
            wakeups) WAKEUPS=$v ;;
            esac
        done <"$out/kread.out"
        [[ -n $RCPU ]] || fail "kread printed no cpu_us"
        DROPPED=0
        for f in "$inst"/per_cpu/cpu*/stats; do
            while read -r line; do
                [[ $line == "dropped events: "* ]] && DROPPED=$((DROPPED + ${line##*: }))
            done <"$f"
        done
        rmdir "$inst" || fail "cannot remove $inst"
        RECORDS='' FBYTES=''
        while read -r k v; do
            case $k in
            records) RECORDS=$v ;;
            bytes) FBYTES=$v ;;
            bad_pages) ((v == 0)) || echo "bench-inner: $tag: $v pages kread cannot parse" >&2 ;;
            esac
        done < <("$rd" count "$dir"/cpu* 2>>"$log")
        [[ -n $RECORDS ]] || fail "kread count failed"
        rm -rf "$dir"
    }

    # ----------------------------------------------------------------------
    # ours: our daemon, our consumer
    "$BENCH_DAEMON" --daemonize --consumerd64-path="$BENCH_CONSUMERD" </dev/null >>"$log" 2>&1 ||
        fail "$BENCH_DAEMON --daemonize exited $?"
    read -r pid <"/var/run/lttng/lttng-sessiond.pid" || fail "no pid file"
    alive "$pid" || fail "daemon $pid is not running after start"
    # consumer_pid: sets CPID to the pid of lttng-consumerd -k.
    consumer_pid() {
        local p a
        CPID=
        for p in /proc/[0-9]*; do
            mapfile -d '' -t a <"$p/cmdline" 2>/dev/null || continue
            [[ ${a[0]:-} == *lttng-consumerd && " ${a[*]} " == *" -k "* ]] && CPID=${p#/proc/} && return
        done
        fail "no lttng-consumerd -k process"
    }
    # ours_run TAG CALLS RATE: one session, one workload run; sets
    # DROPPED, RECORDS (events babeltrace2 reads; only for TAG flat),
    # FBYTES (stream files), MBYTES, IBYTES, RCPU (us; DCPU: the session
    # daemon's), WALL, WCPU, PREEMPTED.
    ours_run() {
        local tag=$1 s=b-$1 dir=$out/$1 t0 d0 r0 text line n f
        cli - create "$s" --output="$dir"
        cli - enable-event -k --syscall "$sc" -s "$s"
        consumer_pid
        ticks "$pid"
        d0=$TICKS
        ticks "$CPID"
        t0=$TICKS
        runtime "$CPID"
        r0=$RUNNS
        cli - start "$s"
        kwork "$2" "$3"
        cli "${tag}_stop_us" stop "$s"
        if [[ $tag == flat ]]; then
            # What the daemon made: instance settings and events (the log).
            for line in "$TRACEFS"/instances/lttng-sessiond-*-"$pid"-*; do
                echo "# ours instance ${line##*/}: buffer_size_kb $(<"$line/buffer_size_kb")" \
                    "buffer_percent $(<"$line/buffer_percent") clock $(sed 's/.*\[\(.*\)\].*/\1/' "$line/trace_clock")" \
                    "overwrite $(<"$line/options/overwrite") events: $(tr '\n' ' ' <"$line/set_event")" >&2
            done
        fi
        ticks "$CPID"
        RCPU=$(((TICKS - t0) * 1000000 / hz))
        runtime "$CPID"
        RSCHED=$(((RUNNS - r0) / 1000))
        ticks "$pid"
        DCPU=$(((TICKS - d0) * 1000000 / hz))
        text=$(lttng list "$s" 2>>"$log") || fail "lttng list $s failed"
        DROPPED=$(awk '/Discarded events:/ { n++; s += $3 } END { if (n) print s; else print "none" }' <<<"$text")
        [[ $DROPPED =~ ^[0-9]+$ ]] || fail "no discarded-events count in 'lttng list $s'"
        cli - destroy "$s"
        FBYTES=0 MBYTES=0 IBYTES=0
        for f in "$dir"/kernel/*; do
            [[ -f $f ]] || continue
            n=$(stat -c %s "$f")
            case ${f##*/} in
            metadata) MBYTES=$n ;;
            *_[0-9]*) FBYTES=$((FBYTES + n)) ;;
            esac
        done
        for f in "$dir"/kernel/index/*; do
            IBYTES=$((IBYTES + $(stat -c %s "$f")))
        done
        RECORDS=''
        if [[ $tag == flat ]]; then
            text=$(babeltrace2 "$dir" -c sink.utils.counter -p step=+0 2>>"$log") || fail "babeltrace2 cannot read $dir"
            RECORDS=$(awk '/Event message/ { n = $1 } END { print n + 0 }' <<<"$text")
            # Discarded-event messages babeltrace2 sees (from the packets' counters).
            echo "# $tag: babeltrace2 counter: $(tr -s ' \n' ' ' <<<"$text")" >&2
        fi
        rm -rf "$dir"
    }

    # ----------------------------------------------------------------------
    # side floor|ours: the side's flat-out run, its numbers, then (after a
    # loss) the bisection.
    side() {
        local who=$1 events DCPU=0
        "${who}_run" flat "$calls" 0
        events=$RECORDS
        echo "expected_events $((2 * calls))"
        echo "recorded_events $events"
        # Neither recorded nor counted as discarded (< 0), or extra (> 0: other
        # processes' calls of the same system call, or duplicates).
        echo "unaccounted_events $((events + DROPPED - 2 * calls))"
        echo "flat_discarded $DROPPED"
        echo "flat_discarded_ppm $((DROPPED * 1000000 / (2 * calls)))"
        echo "traced_wall_us $WALL"
        echo "traced_work_cpu_us $WCPU"
        echo "traced_preempted $PREEMPTED"
        echo "flat_recorded_per_s $((events * 1000000 / WALL))"
        echo "stream_bytes $FBYTES"
        echo "bytes_per_event $(awk -v b="$FBYTES" -v e="$events" 'BEGIN { printf "%.4f", e ? b / e : 0 }')"
        echo "reader_cpu_us $RCPU"
    # What tracing costs the machine in all: the workload (its system calls
    # now write records) plus the reader (and our session daemon).
    echo "traced_total_cpu_us $((WCPU + RCPU + ${DCPU:-0}))"
        echo "reader_cpu_ns_per_event $(awk -v c="$RCPU" -v e="$events" 'BEGIN { printf "%.2f", e ? c * 1000 / e : 0 }')"
        if [[ $who == floor ]]; then
            echo "floor_wakeups $WAKEUPS"
        else
            echo "sessiond_cpu_us $DCPU"
            echo "reader_sched_us $RSCHED"
            echo "metadata_bytes $MBYTES"
            echo "index_bytes $IBYTES"
        fi

        # --- highest rate with no discarded event: the flat-out rate if nothing
        # was discarded there, else bisection (rates in events/s, 2 per call).
        local lo hi mid k got rate=$((events * 1000000 / WALL))
        if ((DROPPED == 0)); then
            lo=$rate
            echo "lossless_at_flat_out 1"
        else
            lo=0 hi=$((2 * calls * 1000000 / WALL))
            echo "lossless_at_flat_out 0"
            for ((k = 0; k < BENCH_PROBES; k++)); do
                mid=$(((lo + hi) / 2))
                local pcalls=$((mid * BENCH_PROBE_MS / 2000))
                ((pcalls < 1000)) && pcalls=1000
                if [[ $who == floor ]]; then
                    floor_run "probe$k" "$pcalls" $((mid / 2))
                else
                    ours_run "probe$k" "$pcalls" $((mid / 2))
                fi
                got=$((2 * pcalls * 1000000 / WALL))
                echo "# probe $who target $mid achieved $got discarded $DROPPED"
                bisect_step "$mid" "$got" "$DROPPED"
            done
        fi
        echo "lossless_per_s $lo"
    }

    # --- the round: the workload untraced (the same for both sides), then
    # each side in turn, back to back.
    kwork "$calls" 0
    for who in floor ours; do
        {
            echo "untraced_wall_us $WALL"
            echo "untraced_work_cpu_us $WCPU"
            echo "untraced_preempted $PREEMPTED"
        } >>"$BENCH_TMP/$who.samples"
    done
    for who in $BENCH_ORDER; do
        side "$who" >>"$BENCH_TMP/$who.samples"
    done

    stop_ns "$pid" "$base"
    return 0
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit $?
fi

# ===========================================================================
# Host side (die, usage, check_numbers, make_tmp, freeze_ours: lib/common.sh)
# ===========================================================================

rounds=${BENCH_ROUNDS:-9}
ours=$repo/build/src/sessiond/lttng-sessiond
syscall=getsid calls=1000000 threads=$(nproc) pin=1 probes=4 probe_ms=1000
floor_read=splice floor_percent=25 timer_ms=200 markdown="" keep=0
while (($#)); do
    case $1 in
    -n | --rounds) rounds=${2:?}; shift ;;
    --ours) ours=${2:?}; shift ;;
    --syscall) syscall=${2:?}; shift ;;
    --calls) calls=${2:?}; shift ;;
    --threads) threads=${2:?}; shift ;;
    --no-pin) pin=0 ;;
    --probes) probes=${2:?}; shift ;;
    --probe-ms) probe_ms=${2:?}; shift ;;
    --floor-read) floor_read=${2:?}; shift ;;
    --floor-percent) floor_percent=${2:?}; shift ;;
    --timer-ms) timer_ms=${2:?}; shift ;;
    --markdown) markdown=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
check_numbers rounds calls threads probes probe_ms floor_percent timer_ms
((rounds >= 1 && calls >= 1000 && threads >= 1 && probe_ms >= 100 && timer_ms >= 1 && floor_percent <= 100)) ||
    die "rounds, threads must be at least 1, calls 1000, --probe-ms 100, --timer-ms 1; --floor-percent at most 100"
case $syscall in getsid | getppid | close | read) ;; *) die "--syscall: getsid, getppid, close or read" ;; esac
case $floor_read in splice | read | read-whole) ;; *) die "--floor-read: splice, read or read-whole" ;; esac

(($(id -u) == 0)) || die "must run as root (ftrace instances, tmpfs in private namespaces)"
for tool in unshare lttng cc ip babeltrace2; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 not found"
[[ -x $ours ]] || die "our daemon not found: $ours (build it: meson setup build && ninja -C build)"
[[ -d $TRACEFS/instances ]] || die "no tracefs at $TRACEFS (mount -t tracefs nodev $TRACEFS)"
[[ -d $TRACEFS/events/syscalls/sys_enter_$syscall ]] || die "ftrace has no syscalls:sys_enter_$syscall"

floor_instance=lttng-bench-floor-$$
make_tmp
cleanup() {
    local inst=$TRACEFS/instances/$floor_instance i
    # kread died with its namespace; its files are closed, so rmdir works.
    if [[ -d $inst ]]; then
        echo 0 >"$inst/tracing_on" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            rmdir "$inst" 2>/dev/null && break
            sleep 0.1
        done
        [[ -d $inst ]] && echo "$prog: could not remove $inst" >&2
    fi
    remove_ns_instances
    remove_tmp
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$tmp/kwork" "$bench_dir/kwork.c" -lpthread || die "cannot compile bench/kwork.c"
cc -O2 -o "$tmp/kread" "$bench_dir/kread.c" || die "cannot compile bench/kread.c"
freeze_ours
host_info
# The commit our binaries were built from: the tree that holds them (build/
# of this checkout, or --ours of another one).
if rev=$(git -C "$(dirname "$ours")" rev-parse --short HEAD 2>/dev/null); then
    ours_rev=$rev
    [[ -n $(git -C "$(dirname "$ours")" status --porcelain -- :/src :/meson.build 2>/dev/null) ]] && ours_rev+="+dirty"
fi

# remove_ns_instances: the namespace of the last round is gone; our daemon's
# instances named after it (lttng-sessiond-<pidns inode>-...) should be gone
# too: those left are reported and removed.
remove_ns_instances() {
    local ns inst
    [[ -f $tmp/pidns ]] || return 0
    ns=$(<"$tmp/pidns")
    rm -f "$tmp/pidns"
    ns=${ns#pid:[}
    ns=${ns%]}
    [[ $ns =~ ^[0-9]+$ ]] || return 0
    for inst in "$TRACEFS/instances/lttng-sessiond-$ns-"*; do
        echo "$prog: ftrace instance ${inst##*/} left behind; removing it" >&2
        echo 0 >"$inst/tracing_on" 2>/dev/null
        rmdir "$inst" || echo "$prog: could not remove $inst" >&2
    done
}

# run_round ROUND FIRST SECOND: one namespace, one round, both sides.
run_round() {
    local round=$1 rc who
    shift
    for who in floor ours; do
        echo "# round $round" >>"$tmp/$who.samples"
    done
    echo "# round $round: $*" >>"$tmp/bench.log"
    timeout -k 5 900 unshare --mount --pid --fork --mount-proc \
        --propagation private --net --kill-child=SIGKILL \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C USER=root LOGNAME=root \
        BENCH_BASE="$tmp/ns" BENCH_TMP="$tmp" BENCH_ORDER="$*" \
        BENCH_DAEMON="$tmp/ours/sessiond/lttng-sessiond" \
        BENCH_CONSUMERD="$tmp/ours/consumerd/lttng-consumerd" \
        BENCH_KWORK="$tmp/kwork" BENCH_KREAD="$tmp/kread" \
        BENCH_SYSCALL="$syscall" BENCH_CALLS="$calls" BENCH_THREADS="$threads" BENCH_PIN="$pin" \
        BENCH_PROBES="$probes" BENCH_PROBE_MS="$probe_ms" \
        BENCH_FLOOR_INSTANCE="$floor_instance" BENCH_FLOOR_PERCENT="$floor_percent" \
        BENCH_FLOOR_READ="$floor_read" BENCH_TIMER_MS="$timer_ms" \
        /bin/bash "$script" __inner >>"$tmp/bench.log" 2>&1
    rc=$?
    remove_ns_instances
    if ((rc != 0)); then
        echo "$prog: round $round failed (exit $rc); log:" >&2
        tail -n 20 "$tmp/bench.log" >&2
        exit 1
    fi
}

mkdir -p "$tmp/ns"
read -r load_before _ </proc/loadavg
started=$EPOCHREALTIME
echo "$prog: $rounds rounds, floor (kread, $floor_read) vs ours=$ours ($ours_rev)" >&2
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order=(floor ours); else order=(ours floor); fi
    printf 'round %d/%d: %s then %s\n' "$r" "$rounds" "${order[@]}" >&2
    run_round "$r" "${order[@]}"
done
elapsed=$((${EPOCHREALTIME/./} / 1000000 - ${started/./} / 1000000))
read -r load_after _ </proc/loadavg
grep -h '^# ours instance' "$tmp/bench.log" | sort -u | head -n 1 | sed "s/^# /$prog: /" >&2

args=(--floor "$tmp/floor.samples" --ours "$tmp/ours.samples"
    --rounds "$rounds" --calls "$calls" --threads "$threads"
    --header "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    --header "machine: $(nproc) cores, $cpu, kernel $(uname -r)"
    --header "workload: bench/kwork.c, $calls x $syscall() in $threads thread(s)$( ((pin)) && echo ", pinned"), i.e. $((2 * calls)) events (entry + exit) per flat-out run"
    --header "floor: ftrace instance (4 MiB/CPU, mono, discard, buffer_percent $floor_percent) read by bench/kread.c ($floor_read, ${timer_ms} ms timer)"
    --header "ours: ${ours#"$repo"/} and its lttng-consumerd -k (commit $ours_rev), \`lttng enable-event -k --syscall $syscall\`, default channel"
    --header "run: $rounds rounds per side, alternating, ${elapsed} s in all; 1-min load average $load_before before, $load_after after")
[[ -n $markdown ]] && args+=(--markdown "$markdown")
/usr/bin/python3 -I "$bench_dir/kernel-report.py" "${args[@]}" || die "report failed"
