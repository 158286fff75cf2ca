#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The unit suite under ThreadSanitizer:
#
#   tests/tsan/run.sh BUILD_DIR
#
# Builds the project with clang and -Db_sanitize=thread into BUILD_DIR (warnings are
# errors), runs `meson test --suite unit` there with TSAN_OPTIONS halt_on_error=1
# (a data race fails its test) and second_deadlock_stack=1, and ends with one line
# "N passed, N failed" (", N skipped" when tests were skipped). Exit status 0 when
# nothing failed.
#
# liblttng-ust-ctl and liburcu are not built with TSan, but the unit tests never
# call into them from two threads, so TSan has nothing to report falsely there and
# no suppression is needed. Should one be needed, a suppressions file beside this
# script (TSAN_OPTIONS suppressions=...) with a comment per entry saying why it is
# not our race is the place.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:?usage: tests/tsan/run.sh BUILD_DIR}
build=${build%/}

summary() { # $1 passed, $2 failed, $3 skipped
	local line="$1 passed, $2 failed"
	[ "$3" -gt 0 ] && line="$line, $3 skipped"
	echo "$line"
}

options=(--werror -Db_sanitize=thread)
if [ -f "$build/meson-private/coredata.dat" ]; then
	# An existing build directory must be a clang one: the compiler of a meson
	# build directory cannot be changed.
	if ! grep -q '^C compiler for the host machine: clang ' "$build/meson-logs/meson-log.txt"; then
		echo "tsan: $build is a build directory of another compiler than clang; give a new one" >&2
		summary 0 1 0
		exit 1
	fi
	meson configure "$build" "${options[@]}" >/dev/null || { summary 0 1 0; exit 1; }
else
	if ! out=$(CC=clang meson setup "$build" "$repo" "${options[@]}" 2>&1); then
		echo "$out" >&2
		echo "tsan: meson setup failed" >&2
		summary 0 1 0
		exit 1
	fi
fi
if ! ninja -C "$build" >"$build/tsan-build.log" 2>&1; then
	tail -n 40 "$build/tsan-build.log" >&2
	echo "tsan: build failed" >&2
	summary 0 1 0
	exit 1
fi

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
rm -f "$build/meson-logs/testlog.json"
meson test -C "$build" --suite unit --print-errorlogs --num-processes 2 || true

# One JSON object a test in testlog.json.
read -r passed failed skipped < <(python3 - "$build/meson-logs/testlog.json" <<'EOF'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.strip():
                continue
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:  # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS
                failed += 1
except OSError:
    pass
if passed + failed + skipped == 0:
    failed = 1  # no test ran at all
print(passed, failed, skipped)
EOF
)
summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
