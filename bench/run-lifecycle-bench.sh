#!/bin/bash
# Trace-lifecycle benchmark: `lttng rotate` and `lttng clear` wall times with
# recorded data, Debian's lttng-sessiond against ours, side by side.
#
# Each round of each daemon runs in its own namespaces (lib/common.sh: fresh
# tmpfs run dirs, private HOME). A local session with one user-space channel
# records the sample application (N iterations, T threads); then, R times: the
# application runs again and `lttng rotate` is timed (the CLI waits for the
# archive: the whole rotation), then the application runs again and `lttng
# clear` is timed (the CLI waits for the clear). Rounds alternate real/ours and
# ours/real. Prints the medians, ours/real ratios and the issue's target for
# rotate (<= 0.2x real); clear has no target (reported). A missed target is a
# result, not an error: the exit status is non-zero only when something failed
# to run.
#
# Usage: bench/run-lifecycle-bench.sh [options]   (as root: it mounts)
#   -n N             rounds per daemon (default 5; env BENCH_ROUNDS)
#   --reps R         rotations and clears per round (default 5)
#   --iterations N   sample application iterations per run (default 2000)
#   --threads T      sample application threads (default 2)
#   --real PATH      reference daemon (default /usr/bin/lttng-sessiond)
#   --ours PATH      our daemon (default build/src/sessiond/lttng-sessiond)
#   --app PATH       sample application (default build/tests/apps/sample/lttng-sample-app)
#   --keep           keep the temporary directory (raw samples, logs)
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")
prog=run-lifecycle-bench
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

# ===========================================================================
# Namespace side: one daemon, one round.
# ===========================================================================
inner() {
    local base=$BENCH_BASE daemon=$BENCH_DAEMON app=$BENCH_APP log=/dev/stderr pid i

    ns_setup "$base" "$daemon" "$BENCH_TMP" "$daemon" "$app" "$script"
    "$daemon" --daemonize --no-kernel || fail "$daemon did not start"
    pid=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null)
    [[ -n $pid ]] || fail "no pid file"
    cli - create b --output="$HOME/trace"
    cli - enable-channel -u ch --subbuf-size=65536 --num-subbuf=8
    cli - enable-event -u -a -c ch
    cli - start
    "$app" -n "$BENCH_ITER" -t "$BENCH_THREADS" >/dev/null 2>&1 || fail "sample app failed"
    for ((i = 0; i < BENCH_REPS; i++)); do
        "$app" -n "$BENCH_ITER" -t "$BENCH_THREADS" >/dev/null 2>&1 || fail "sample app failed"
        cli rotate rotate b
        "$app" -n "$BENCH_ITER" -t "$BENCH_THREADS" >/dev/null 2>&1 || fail "sample app failed"
        cli clear clear b
    done
    cli - destroy b
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
reps=5
iterations=2000
threads=2
real=/usr/bin/lttng-sessiond
ours=$repo/build/src/sessiond/lttng-sessiond
app=$repo/build/tests/apps/sample/lttng-sample-app
keep=0
while (($#)); do
    case $1 in
    -n) rounds=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --real) real=$2; shift 2 ;;
    --ours) ours=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
check_numbers rounds reps iterations threads
check_host lttng unshare
[[ -x $app ]] || die "sample application not found: $app (build it: ninja -C build)"
make_tmp
freeze_ours
host_info

run_one() { # WHO ROUND
    run_ns "$1" "$2" 600 BENCH_APP="$app" BENCH_ITER="$iterations" BENCH_THREADS="$threads" \
        BENCH_REPS="$reps"
}
run_rounds

/usr/bin/python3 - "$tmp/real.samples" "$tmp/ours.samples" <<'EOF'
import statistics
import sys


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            metric, value = line.split()
            out.setdefault(metric, []).append(int(value))
    return out


real, ours = load(sys.argv[1]), load(sys.argv[2])
targets = {"rotate": 0.2}
print("| command (wall time, with data) | real median | ours median | ours/real | target |")
print("|---|---|---|---|---|")
for metric in ("rotate", "clear"):
    r = statistics.median(real[metric]) / 1000
    o = statistics.median(ours[metric]) / 1000
    ratio = o / r if r else float("inf")
    t = targets.get(metric)
    verdict = "(none)" if t is None else ("<= %.1fx: %s" % (t, "PASS" if ratio <= t else "MISS"))
    print("| lttng %s | %.1f ms | %.1f ms | %.2fx | %s |" % (metric, r, o, ratio, verdict))
print("\nsamples: real %d, ours %d per command" % (len(real["rotate"]), len(ours["rotate"])))
EOF
status=$?
echo "$prog: real $real_version, ours $ours_rev, $cpu; ${elapsed}s" >&2
remove_tmp
exit "$status"
