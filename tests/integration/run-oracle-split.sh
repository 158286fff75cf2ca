#!/bin/bash
# Runs run-oracle.sh over the cases on every CPU we may use at once: the cases are
# dealt round-robin to one harness per CPU, each harness pinned to its CPU (the
# harness pins its runs to the first CPU of its affinity). Same arguments and
# environment as run-oracle.sh ([--real-only|--ours-only] [CASE...]); prints each
# harness's TAP output in turn and a last line "N passed, N failed, N skipped".
# What the harnesses would each do for themselves, and race on, is done once
# before they start: the test accounts are created, and whether the kernel runs
# i386 programs is asked (and exported to them as LTTNG_I386_EXEC).
set -u
shopt -s nullglob
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)

opts=()
cases=()
for arg in "$@"; do
    case $arg in
    --*) opts+=("$arg") ;;
    *) cases+=("$arg") ;;
    esac
done
((${#cases[@]})) || cases=("$repo_root"/tests/cases/*.case)
mapfile -t cpus < <(/usr/bin/python3 -c 'import os; print("\n".join(map(str, sorted(os.sched_getaffinity(0)))))')
jobs=${ORACLE_JOBS:-${#cpus[@]}}
((jobs >= 1)) || jobs=1
((jobs <= ${#cpus[@]})) || jobs=${#cpus[@]}

if ! accounts_err=$(bash "$script_dir/lib/test-accounts.sh" --plain "${ORACLE_TEST_USER:-lttng-test-user}" 2>&1); then
    echo "Bail out! test accounts: $accounts_err"
    exit 2
fi
answer=$(bash "$repo_root/tools/i386-exec.sh")
if [[ $answer == yes || $answer == no ]]; then
    export LTTNG_I386_EXEC=$answer
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -a lists pids
for ((j = 0; j < jobs; j++)); do lists[j]=""; done
for i in "${!cases[@]}"; do
    j=$((i % jobs))
    lists[j]+="${cases[i]}"$'\n'
done
for ((j = 0; j < jobs; j++)); do
    mapfile -t mine < <(printf '%s' "${lists[j]}")
    ((${#mine[@]})) || continue
    taskset -c "${cpus[j]}" bash "$script_dir/run-oracle.sh" "${opts[@]}" "${mine[@]}" \
        >"$tmp/$j.log" 2>&1 </dev/null &
    pids[j]=$!
done
passed=0
failed=0
skipped=0
status=0
for ((j = 0; j < jobs; j++)); do
    [[ -n ${pids[j]:-} ]] || continue
    wait "${pids[j]}" || status=1
    cat "$tmp/$j.log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$tmp/$j.log" | tail -1)
    if [[ -z $line ]]; then
        failed=$((failed + 1))
        echo "not ok - harness $j ended without a summary"
        continue
    fi
    read -r p _ f _ s _ <<<"${line//,/}"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + ${s:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0 && status == 0))
