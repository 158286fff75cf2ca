# shellcheck shell=bash
# Helpers shared by run-oracle.sh (host side) and inner.sh (namespace side).
# This file is sourced, never executed.

# Default unprivileged account used by the `user` mode.
ORACLE_TEST_USER=${ORACLE_TEST_USER:-lttng-test-user}

# parse_case FILE
#   Reads a *.case file and fills these globals:
#     CASE_MODES        array: modes to run (root, user); default both
#     CASE_DAEMON_ARGS  array: extra daemon options (@daemon-args)
#     CASE_DAEMON_ENV   array: NAME=VALUE for the daemon's environment (@daemon-env)
#     CASE_TIMEOUT      per-case timeout in seconds ("" = runner default)
#     CASE_STEPS        array: shell command lines, one per step
#     CASE_BEFORE       array: @before-daemon command lines
#     CASE_CONSUMERD32  1 if the daemon gets a 32-bit consumer (@consumerd32)
#     CASE_APP32        1 if a step or @before-daemon line names SAMPLE_APP32
#   On a malformed file sets CASE_ERROR to a message and returns 1.
#
#   Syntax (see tests/integration/README.md):
#     # comment             blank lines are ignored too
#     @modes root user      which modes to run
#     @daemon-args ARGS...  extra arguments for `lttng-sessiond --daemonize`
#     @daemon-env NAME=VALUE  one more variable in the daemon's environment;
#                           $SAMPLE_APP_DIR in VALUE is the sample app's directory
#     @timeout SECONDS      per-case timeout override
#     @before-daemon CMD    a step run before the daemon starts (in order)
#     @consumerd32          the daemon is started with --consumerd32-path=
#                           (the real or our 32-bit consumer daemon)
#     !mi COMMAND           two steps: COMMAND, then COMMAND with `--mi xml`
#                           inserted after its first `lttng` word
#     COMMAND               any other line: one step, run with `bash -c`
#   A line ending with a backslash continues on the next line.
# shellcheck disable=SC2034 # the CASE_* globals are this function's output
parse_case() {
    local file=$1 raw line trimmed pending="" lineno=0
    local -a words
    CASE_MODES=()
    CASE_DAEMON_ARGS=()
    CASE_DAEMON_ENV=()
    CASE_STEPS=()
    CASE_BEFORE=()
    CASE_TIMEOUT=""
    CASE_CONSUMERD32=0
    CASE_APP32=0
    CASE_ERROR=""

    if [[ ! -r $file ]]; then
        CASE_ERROR="cannot read case file: $file"
        return 1
    fi

    while IFS= read -r raw || [[ -n $raw ]]; do
        lineno=$((lineno + 1))
        line=${raw%$'\r'}
        if [[ -z $pending ]]; then
            # Leading whitespace is not significant.
            trimmed=${line#"${line%%[![:space:]]*}"}
            [[ -z $trimmed || $trimmed == '#'* ]] && continue
        else
            trimmed=$pending$line
            pending=""
        fi
        if [[ $trimmed == *\\ ]]; then
            pending=${trimmed%\\}
            continue
        fi
        # Trailing whitespace is not significant either.
        trimmed=${trimmed%"${trimmed##*[![:space:]]}"}

        case $trimmed in
        @modes | @modes[[:space:]]*)
            read -ra words <<<"${trimmed#@modes}"
            local m
            for m in "${words[@]}"; do
                if [[ $m != root && $m != user ]]; then
                    CASE_ERROR="$file:$lineno: unknown mode '$m' (expected root or user)"
                    return 1
                fi
            done
            CASE_MODES+=("${words[@]}")
            ;;
        @daemon-args | @daemon-args[[:space:]]*)
            read -ra words <<<"${trimmed#@daemon-args}"
            CASE_DAEMON_ARGS+=("${words[@]}")
            ;;
        @timeout | @timeout[[:space:]]*)
            read -ra words <<<"${trimmed#@timeout}"
            if [[ ${#words[@]} -ne 1 || ! ${words[0]} =~ ^[0-9]+$ ]]; then
                CASE_ERROR="$file:$lineno: @timeout takes one number of seconds"
                return 1
            fi
            CASE_TIMEOUT=${words[0]}
            ;;
        @daemon-env[[:space:]]*)
            local assignment=${trimmed#@daemon-env}
            assignment=${assignment#"${assignment%%[![:space:]]*}"}
            if [[ ! $assignment =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
                CASE_ERROR="$file:$lineno: @daemon-env takes NAME=VALUE"
                return 1
            fi
            CASE_DAEMON_ENV+=("$assignment")
            ;;
        @before-daemon[[:space:]]*)
            local before=${trimmed#@before-daemon}
            before=${before#"${before%%[![:space:]]*}"}
            if [[ -z $before ]]; then
                CASE_ERROR="$file:$lineno: @before-daemon needs a command"
                return 1
            fi
            CASE_BEFORE+=("$before")
            ;;
        @consumerd32)
            CASE_CONSUMERD32=1
            ;;
        @consumerd32[[:space:]]*)
            CASE_ERROR="$file:$lineno: @consumerd32 takes no argument"
            return 1
            ;;
        @*)
            CASE_ERROR="$file:$lineno: unknown directive '${trimmed%%[[:space:]]*}'"
            return 1
            ;;
        '!mi '*)
            local cmd=${trimmed#'!mi '} micmd
            micmd=$(mi_variant "$cmd")
            if [[ $micmd == "$cmd" ]]; then
                CASE_ERROR="$file:$lineno: !mi step has no 'lttng' word: $cmd"
                return 1
            fi
            CASE_STEPS+=("$cmd" "$micmd")
            ;;
        '!'*)
            CASE_ERROR="$file:$lineno: unknown step prefix '${trimmed%%[[:space:]]*}'"
            return 1
            ;;
        *)
            CASE_STEPS+=("$trimmed")
            ;;
        esac
        if [[ $trimmed == *SAMPLE_APP32* ]]; then
            CASE_APP32=1
        fi
    done <"$file"

    if [[ -n $pending ]]; then
        CASE_ERROR="$file: last line ends with a backslash"
        return 1
    fi
    if [[ ${#CASE_MODES[@]} -eq 0 ]]; then
        CASE_MODES=(root user)
    fi
    return 0
}

# mi_variant COMMAND
#   Prints COMMAND with `--mi xml` inserted after its first `lttng` word
#   (a word `lttng` at the start, or after a blank, `;`, `|`, `&`, `(` or `/`).
mi_variant() {
    printf '%s\n' "$1" | sed -E 's#(^|[[:space:];|&(/])lttng([[:space:]]|$)#\1lttng --mi xml\2#'
}
