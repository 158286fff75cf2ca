#!/bin/bash
# Oracle test harness: run each case's `lttng` command sequence against the
# real LTTng 2.13 session daemon and against ours, each in a private
# namespace, and compare the normalised transcripts. Output is TAP.
#
# Usage: tests/integration/run-oracle.sh [--real-only|--ours-only] [CASE...]
# See tests/integration/README.md.

set -u
shopt -s nullglob

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
lib=$script_dir/lib
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$lib/common.sh"

real_sessiond=${REAL_SESSIOND:-/usr/bin/lttng-sessiond}
our_sessiond=${OUR_SESSIOND:-build/src/sessiond/lttng-sessiond}
# The bundled instrumented application, built beside our daemon; cases see it as
# $SAMPLE_APP. Both daemons are compared with the same binary.
[[ $our_sessiond == /* ]] || our_sessiond=$repo_root/$our_sessiond
# Default: the build tree of our daemon, else this repository's build/ (when
# OUR_SESSIOND is another daemon, e.g. the real one to compare real vs real).
sample_app=${SAMPLE_APP:-$(cd "$(dirname "$our_sessiond")/../.." 2>/dev/null && pwd)/tests/apps/sample/lttng-sample-app}
[[ -x $sample_app ]] || sample_app=${SAMPLE_APP:-$repo_root/build/tests/apps/sample/lttng-sample-app}
[[ $sample_app == /* ]] || sample_app=$PWD/$sample_app
# 32-bit applications are traced by a 32-bit consumer daemon, which a case
# asks for with @consumerd32: the real daemon gets Debian's (lttng-tools:i386,
# extracted by tools/install-deps.sh), ours gets ours built for i386
# (tools/build-i386.sh), by default from the i386 build tree beside our
# daemon's (build -> build-i386), else from build-i386/ of this tree.
# $SAMPLE_APP32 is the sample application built for i386, from the same tree.
i386_tree=$(cd "$(dirname "$our_sessiond")/../.." 2>/dev/null && pwd)-i386
[[ -d $i386_tree && $i386_tree != /-i386 ]] || i386_tree=$repo_root/build-i386
consumerd32_real=${CONSUMERD32_REAL:-/opt/lttng-oracle-i386/usr/lib/i386-linux-gnu/lttng/libexec/lttng-consumerd}
consumerd32_ours=${CONSUMERD32_OURS:-$i386_tree/src/consumerd/lttng-consumerd}
# Real vs real (OUR_SESSIOND is the real daemon): both get the real consumer.
if [[ -z ${CONSUMERD32_OURS:-} && $(realpath -q "$our_sessiond") == "$(realpath -q "$real_sessiond")" ]]; then
    consumerd32_ours=$consumerd32_real
fi
sample_app32=${SAMPLE_APP32:-$i386_tree/tests/apps/sample/lttng-sample-app}
[[ $consumerd32_real == /* ]] || consumerd32_real=$PWD/$consumerd32_real
[[ $consumerd32_ours == /* ]] || consumerd32_ours=$PWD/$consumerd32_ours
[[ $sample_app32 == /* ]] || sample_app32=$PWD/$sample_app32
results=${ORACLE_RESULTS:-$repo_root/build/oracle-results}
case_timeout_default=${ORACLE_CASE_TIMEOUT:-60}
step_timeout=${ORACLE_STEP_TIMEOUT:-20}
# Parent of the per-run directories; the test user must be able to traverse
# it (its private HOME lives below).
tmp_root=${ORACLE_TMPDIR:-/tmp}
# Run each namespace on a single CPU, the daemon at SCHED_IDLE (see
# README.md, "Known behaviour"): set to 0 to disable.
serialize=${ORACLE_SERIALIZE:-1}

usage() {
    cat <<EOF
Usage: $0 [--real-only|--ours-only] [CASE_FILE...]

  (default)    run every case against both daemons and diff the transcripts
  --real-only  run only the real daemon, print its transcripts
  --ours-only  run only our daemon; compare with the real transcript cached
               in the results dir by an earlier run, if any

Cases default to tests/cases/*.case. Environment:
  OUR_SESSIOND         our daemon (default build/src/sessiond/lttng-sessiond)
  SAMPLE_APP           instrumented app for cases (default: built beside
                       OUR_SESSIOND, else in build/ of this tree)
  SAMPLE_APP32         the same app built for i386 (default: in the i386
                       build tree beside OUR_SESSIOND's, e.g. build-i386/)
  CONSUMERD32_REAL     32-bit consumer of the real daemon in @consumerd32
                       cases (default /opt/lttng-oracle-i386/usr/lib/
                       i386-linux-gnu/lttng/libexec/lttng-consumerd)
  CONSUMERD32_OURS     32-bit consumer of our daemon in @consumerd32 cases
                       (default: src/consumerd/lttng-consumerd of that tree;
                       CONSUMERD32_REAL when OUR_SESSIOND is the real daemon)
  REAL_SESSIOND        real daemon (default /usr/bin/lttng-sessiond)
  ORACLE_RESULTS       transcripts dir (default build/oracle-results)
  ORACLE_CASE_TIMEOUT  seconds per case and daemon (default 60)
  ORACLE_STEP_TIMEOUT  seconds per step (default 20)
  ORACLE_TEST_USER     account of the user mode (default lttng-test-user)
  ORACLE_TMPDIR        where per-run directories are made (default /tmp)
  ORACLE_SERIALIZE     1 (default): one CPU per run, daemon at SCHED_IDLE
EOF
}

what=both
cases=()
while (($#)); do
    case $1 in
    --real-only) what=real ;;
    --ours-only) what=ours ;;
    -h | --help)
        usage
        exit 0
        ;;
    --)
        shift
        cases+=("$@")
        break
        ;;
    -*)
        usage >&2
        exit 2
        ;;
    *) cases+=("$1") ;;
    esac
    shift
done
if ((${#cases[@]} == 0)); then
    cases=("$repo_root"/tests/cases/*.case)
fi
if ((${#cases[@]} == 0)); then
    echo "Bail out! no case files"
    exit 2
fi

# --- Preconditions ----------------------------------------------------------
if ((EUID != 0)); then
    echo "Bail out! must run as root (namespaces, tmpfs mounts, user switching)"
    exit 2
fi
for tool in unshare setpriv timeout python3 ip taskset chrt; do
    if ! command -v "$tool" >/dev/null; then
        echo "Bail out! missing tool: $tool"
        exit 2
    fi
done
if [[ $what != ours && ! -x $real_sessiond ]]; then
    echo "Bail out! real daemon not found: $real_sessiond"
    exit 2
fi
# The user mode's account, created if missing (run-oracle-split.sh has done so
# before starting its harnesses at once): a plain user, not root, not in group
# `tracing` (which would let it talk to a root daemon).
if ! accounts_err=$(bash "$lib/test-accounts.sh" --plain "$ORACLE_TEST_USER" 2>&1); then
    echo "Bail out! user $ORACLE_TEST_USER: $accounts_err"
    exit 2
fi
# The CPU each run is pinned to: the first one we may use.
pin=()
if [[ $serialize == 1 ]]; then
    cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
    pin=(taskset -c "$cpu")
fi
mkdir -p "$results" || {
    echo "Bail out! cannot create $results"
    exit 2
}
results=$(cd "$results" && pwd)

# --- One run ------------------------------------------------------------------
current_base=""
cleanup() {
    if [[ -n $current_base ]]; then
        rm -rf -- "$current_base"
        current_base=""
    fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# run_one KIND MODE CASE_FILE TIMEOUT CONSUMERD32
#   KIND is real or ours. Writes <results>/<case>.<mode>.<kind>.{raw.txt,txt,log}.
#   CONSUMERD32 is "" or the 32-bit consumer daemon to give the daemon.
#   Returns 0, or 1 with a reason in $run_error if the harness itself saw
#   something wrong (timeout, auto-spawned daemon, ...).
run_one() {
    local kind=$1 mode=$2 file=$3 timeout=$4 consumerd32=$5 name sessiond rc stem
    name=$(basename "$file" .case)
    stem=$results/$name.$mode.$kind
    run_error=""
    if [[ $kind == real ]]; then sessiond=$real_sessiond; else sessiond=$our_sessiond; fi

    current_base=$(mktemp -d "$tmp_root/lttng-oracle.XXXXXX") || {
        run_error="mktemp failed"
        return 1
    }
    chmod 0755 "$current_base"

    # The case timeout kills unshare outright (it ignores SIGTERM while it
    # waits); --kill-child then kills the namespace's init, which takes every
    # process of the namespace down with it. The subshell (kept alive by the
    # `exit $?`) sends the shell's "Killed" notice to the log, not to our output.
    (
        ORACLE_LIB=$lib \
            ORACLE_CASE=$file \
            ORACLE_MODE=$mode \
            ORACLE_SESSIOND=$sessiond \
            ORACLE_BASE=$current_base \
            ORACLE_RAW=$stem.raw.txt \
            ORACLE_STEP_TIMEOUT=$step_timeout \
            ORACLE_PROTECT="$repo_root:$results:$script_dir" \
            ORACLE_TEST_USER=$ORACLE_TEST_USER \
            ORACLE_SERIALIZE=$serialize \
            ORACLE_SAMPLE_APP=$sample_app \
            ORACLE_SAMPLE_APP32=$sample_app32 \
            ORACLE_CONSUMERD32=$consumerd32 \
            timeout --signal=KILL "$timeout" "${pin[@]}" \
            unshare --mount --pid --net --ipc --fork --mount-proc \
            --propagation private --kill-child \
            bash "$lib/inner.sh"
        exit $?
    ) </dev/null >"$stem.log" 2>&1
    rc=$?
    if ((rc == 124 || rc == 137)); then
        printf '[harness] case timed out after %ss\n' "$timeout" >>"$stem.raw.txt"
        run_error="timed out after ${timeout}s"
    elif ((rc != 0)); then
        run_error="inner script failed (exit $rc), see $stem.log"
    fi

    python3 "$lib/normalize.py" \
        --path "$current_base/home=\$HOME" \
        --path "$current_base/tmp=\$TMPDIR" \
        --path "$current_base=\$ORACLE_BASE" \
        <"$stem.raw.txt" >"$stem.txt"
    cleanup

    # For the real daemon, any harness note means the harness is broken.
    if [[ $kind == real ]] && grep -q '^\[harness\]' "$stem.raw.txt"; then
        run_error="${run_error:-harness note in the real transcript}"
    fi
    if grep -q 'Spawning a session daemon' "$stem.raw.txt"; then
        echo "HARNESS ERROR: lttng spawned a session daemon ($name, $mode, $kind)" >&2
        run_error="${run_error:+$run_error; }lttng auto-spawned a session daemon"
    fi
    [[ -z $run_error ]]
}

# --- Main loop ---------------------------------------------------------------
# Validate the cases and count the tests for the TAP plan first.
declare -a plan_files=() plan_modes=() plan_timeouts=() plan_errors=() plan_c32=() plan_a32=()
for file in "${cases[@]}"; do
    # Absolute paths: the namespace side does not run in our directory.
    [[ -e $file ]] && file=$(realpath "$file")
    if parse_case "$file"; then
        for mode in "${CASE_MODES[@]}"; do
            plan_files+=("$file")
            plan_modes+=("$mode")
            plan_timeouts+=("${CASE_TIMEOUT:-$case_timeout_default}")
            plan_errors+=("")
            plan_c32+=("$CASE_CONSUMERD32")
            plan_a32+=("$CASE_APP32")
        done
    else
        plan_files+=("$file")
        plan_modes+=("-")
        plan_timeouts+=(0)
        plan_errors+=("$CASE_ERROR")
        plan_c32+=(0)
        plan_a32+=(0)
    fi
done

echo "TAP version 13"
echo "1..${#plan_files[@]}"
if [[ $what != real && ! -x $our_sessiond ]]; then
    echo "# warning: our daemon is not built: $our_sessiond"
fi

passed=0
failed=0
skipped=0
comment() { sed 's/^/# /'; }
# Cases that run an i386 program (@consumerd32, $SAMPLE_APP32) are skipped when
# the kernel cannot execute i386 programs (tools/i386-exec.sh); asked once.
runs_i386=""
i386_skip_reason="the i386 programs were built but cannot run on this kernel (Exec format error)"
needs_i386() { # INDEX: true if plan item INDEX runs an i386 program
    ((plan_c32[$1] || plan_a32[$1]))
}
for i in "${!plan_files[@]}"; do
    if needs_i386 "$i"; then
        runs_i386=$(bash "$repo_root/tools/i386-exec.sh")
        [[ $runs_i386 == no ]] && echo "# $i386_skip_reason: the cases that run one are skipped"
        break
    fi
done
# missing_32bit INDEX: prints why plan item INDEX cannot run (a 32-bit
# consumer or application it needs is missing), nothing if it can.
missing_32bit() {
    local i=$1
    if ((plan_c32[i])); then
        if [[ $what != ours && ! -x $consumerd32_real ]]; then
            echo "@consumerd32: the real 32-bit consumer daemon is missing: $consumerd32_real" \
                "(set CONSUMERD32_REAL; tools/install-deps.sh extracts Debian's lttng-tools:i386 there)"
        fi
        if [[ $what != real && ! -x $consumerd32_ours ]]; then
            echo "@consumerd32: our 32-bit consumer daemon is missing: $consumerd32_ours" \
                "(set CONSUMERD32_OURS; build it with tools/build-i386.sh)"
        fi
    fi
    if ((plan_a32[i])) && [[ ! -x $sample_app32 ]]; then
        echo "the 32-bit sample application is missing: $sample_app32" \
            "(set SAMPLE_APP32; build it with tools/build-i386.sh)"
    fi
}
for i in "${!plan_files[@]}"; do
    n=$((i + 1))
    file=${plan_files[i]}
    mode=${plan_modes[i]}
    name=$(basename "$file" .case)
    title="$name ($mode)"
    ok=1
    details=""
    directive=""

    missing=$(missing_32bit "$i")
    c32_real="" c32_ours=""
    if ((plan_c32[i])); then
        c32_real=$consumerd32_real
        c32_ours=$consumerd32_ours
    fi
    if [[ -n ${plan_errors[i]} ]]; then
        ok=0
        details="bad case file: ${plan_errors[i]}"
    elif [[ $runs_i386 == no ]] && needs_i386 "$i"; then
        directive=" # SKIP $i386_skip_reason"
    elif [[ -n $missing ]]; then
        ok=0
        details="cannot run:"$'\n'"$missing"
    else
        stem=$results/$name.$mode
        if [[ $what != ours ]]; then
            if ! run_one real "$mode" "$file" "${plan_timeouts[i]}" "$c32_real"; then
                ok=0
                details+="real daemon run: $run_error"$'\n'
            fi
        fi
        if [[ $what != real ]]; then
            if ! run_one ours "$mode" "$file" "${plan_timeouts[i]}" "$c32_ours"; then
                ok=0
                details+="our daemon run: $run_error"$'\n'
            fi
        fi

        case $what in
        real)
            details+=$(cat "$stem.real.txt")
            ;;
        ours | both)
            if [[ ! -f $stem.real.txt ]]; then
                directive=" # SKIP no cached real transcript"
                details+="our transcript:"$'\n'
                details+=$(cat "$stem.ours.txt")
            elif ! diff -u --label "real $title" --label "ours $title" \
                "$stem.real.txt" "$stem.ours.txt" >"$stem.diff"; then
                ok=0
                [[ $what == ours ]] && details+="(compared with the cached $stem.real.txt)"$'\n'
                details+=$(cat "$stem.diff")
            else
                rm -f "$stem.diff"
            fi
            ;;
        esac
    fi

    if ((ok)) && [[ -n $directive ]]; then
        skipped=$((skipped + 1))
        echo "ok $n - $title$directive"
    elif ((ok)); then
        passed=$((passed + 1))
        echo "ok $n - $title"
    else
        failed=$((failed + 1))
        echo "not ok $n - $title"
    fi
    [[ -n $details ]] && printf '%s\n' "$details" | comment
done

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
