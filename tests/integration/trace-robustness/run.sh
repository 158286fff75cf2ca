#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Trace robustness: user-space tracing through the session daemon when things go
# wrong, against our daemon and, for comparison, Debian's (the oracle for what the
# user sees):
#
#   app-kill       an app SIGKILLed mid-session while another keeps emitting into
#                  the same per-UID and per-PID sessions; then one killed while busy
#   consumer-kill  lttng-consumerd SIGKILLed mid-session: the daemon survives, a new
#                  session records completely, destroying the old one is bounded
#   disk-full      one session writes to a 1 MiB tmpfs that fills up, another to a
#                  normal directory
#   many-apps      200 apps registering at once with an active session (twice)
#   bt2-reader     a second reader: babeltrace2's Python bindings check every event
#                  and field of a known sample-app run
#   app-stall      an app frozen while registered and fake peers stuck halfway
#   setup-changes  rules changed while a session's setup waits on a frozen app
#                  through registration, LTTNG_APP_SOCKET_TIMEOUT=3: start, list,
#                  stop and destroy stay bounded, a healthy app is fully recorded
#   dir-gone       a session's output directory deleted (rm -rf) while it records:
#                  its stop says so, another session's trace is complete
#   reg-abuse      hostile peers on the registration socket: a sustained flood of
#                  silent connections, forged registration fields, an orphan notify
#                  socket; a well-behaved app registers meanwhile and is recorded
#
# Each scenario runs against each daemon in its own mount + PID namespace (tmpfs on
# /var/run/lttng and /dev/shm, private HOME); every process is ended by its PID.
# What only our daemon guarantees (a new consumer after a crash, a readable trace
# after a full disk) is asserted for ours and reported for the real one. CLI
# messages and exit codes of both are compared at the end ("# differ:" lines).
#
# Usage: bash tests/integration/trace-robustness/run.sh [BUILD_DIR]
#   BUILD_DIR (default: the build dir of $OUR_SESSIOND, else build/) provides
#   src/sessiond/lttng-sessiond and tests/apps/sample/lttng-sample-app.
# Environment: REAL_SESSIOND (default /usr/bin/lttng-sessiond; "none" skips it),
#   TR_SCENARIOS (default: all of them), TR_KEEP=1 keeps the work directory.
# Output: TAP, then "N passed, N failed" ("0 passed, 0 failed, 1 skipped" when the
# suite cannot run here, the reason in its "1..0 # SKIP" line). Needs root, unshare, babeltrace2 and
# python3-bt2 (/usr/bin/python3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

if [ $# -ge 1 ]; then
	build=$(cd "$1" && pwd) || exit 2
	ours=$build/src/sessiond/lttng-sessiond
elif [ -n "${OUR_SESSIOND:-}" ]; then
	ours=$(cd "$(dirname "$OUR_SESSIOND")" && pwd)/$(basename "$OUR_SESSIOND")
	build=$(cd "$(dirname "$ours")/../.." && pwd)
else
	build=$repo/build
	ours=$build/src/sessiond/lttng-sessiond
fi
# The application is a fixture, not code under test: $SAMPLE_APP when given (CI's
# sanitizer pass gives the plain build's, so that LeakSanitizer does not run in the
# apps' exit, under both daemons), else the build's own.
app=${SAMPLE_APP:-$build/tests/apps/sample/lttng-sample-app}
real=${REAL_SESSIOND:-/usr/bin/lttng-sessiond}
scenarios=${TR_SCENARIOS:-app-kill consumer-kill disk-full many-apps bt2-reader app-stall setup-changes dir-gone reg-abuse}

skip() {
	echo "1..0 # SKIP $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root (namespaces, tmpfs mounts)"
for tool in unshare timeout lttng babeltrace2 /usr/bin/python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not available"
done
/usr/bin/python3 -c 'import bt2' 2>/dev/null || skip "python3-bt2 is not installed"
[ -x "$ours" ] || skip "$ours is not built"
[ -x "$app" ] || skip "$app is not built"

# Under ASan everything of ours is slower: longer limits. 200 ASan-instrumented
# apps at once would only measure ASan: use a plain build's app there if one exists.
asan=0
ldd "$ours" 2>/dev/null | grep -q libasan && asan=1
many_app=$app
if ldd "$app" 2>/dev/null | grep -q libasan; then
	for b in "$repo/build" "$repo/build-ci"; do
		if [ -x "$b/tests/apps/sample/lttng-sample-app" ] &&
			! ldd "$b/tests/apps/sample/lttng-sample-app" | grep -q libasan; then
			many_app=$b/tests/apps/sample/lttng-sample-app
			break
		fi
	done
fi
daemons="ours"
[ "$real" != none ] && [ -x "$real" ] && daemons="ours real"

work=$(mktemp -d "${TMPDIR:-/tmp}/trace-robustness.XXXXXX") || exit 1
n=0 pass=0 fail=0
tap() { # numbers the lines "ok - ..." / "not ok - ..." of a scenario
	local line
	while IFS= read -r line; do
		case $line in
			"ok - "*) n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - ${line#ok - }" ;;
			"not ok - "*) n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - ${line#not ok - }" ;;
			"# end") ;;
			*) echo "$line" ;;
		esac
	done
}
result() { # result ok|not-ok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then pass=$((pass + 1)); echo "ok $n - $2"
	else fail=$((fail + 1)); echo "not ok $n - $2"; fi
}

echo "# ours: $ours (asan=$asan); app: $app; real: $real; work: $work"
t_start=$(date +%s)
for sc in $scenarios; do
	for d in $daemons; do
		dir=$work/$sc.$d
		mkdir -p "$dir"
		if [ "$d" = ours ]; then bin=$ours; else bin=$real; fi
		# A hang detector, not a speed test: 600 applications take longer on a
		# loaded 2-core machine (both daemons passed 120 s there).
		limit=$((120 * (asan ? 3 : 1)))
		[ "$sc" = many-apps ] && limit=$((limit * 2))
		t0=$(date +%s%N)
		timeout -k 10 "$limit" unshare --mount --pid --fork --mount-proc --propagation private \
			bash "$here/scenario.sh" "$sc" "$d" "$bin" "$app" "$dir" "$asan" "$many_app" \
			>"$dir/tap" 2>"$dir/stderr" </dev/null
		rc=$?
		tap <"$dir/tap"
		ms=$((($(date +%s%N) - t0) / 1000000))
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			result not-ok "$d: $sc: finished within $limit s"
		elif ! grep -qx '# end' "$dir/tap"; then
			result not-ok "$d: $sc: ran to its end (exit $rc)"
		fi
		if [ -s "$dir/stderr" ]; then
			echo "# $d: $sc: stderr of the scenario script:"
			head -n 10 "$dir/stderr" | sed 's/^/#   /'
		fi
		echo "# $d: $sc: $ms ms"
	done
done

# What the user sees from the two daemons, where it differs.
if [ "$daemons" = "ours real" ]; then
	# Progress output is ignored: ours answers destroy at once (no "Destroying
	# session X.." dots, see README) and the number of dots after "Waiting for data
	# availability" depends on timing.
	echo "# ---- ours vs real: CLI messages and exit codes that differ (progress dots ignored) ----"
	progress='s/Destroying session [^|]*\.\.*|//; s/Waiting for data availability\.*/Waiting for data availability/'
	for sc in $scenarios; do
		[ -f "$work/$sc.ours/notes" ] || continue
		while IFS=$'\t' read -r key val; do
			rv=$(awk -F'\t' -v k="$key" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' \
				"$work/$sc.real/notes" 2>/dev/null)
			[ "$(sed "$progress" <<<"$val")" = "$(sed "$progress" <<<"$rv")" ] && continue
			echo "# differ: $key"
			echo "#   ours: $val"
			echo "#   real: ${rv:-(not recorded)}"
		done <"$work/$sc.ours/notes"
	done
fi

echo "# total $(($(date +%s) - t_start)) s"
if [ "$fail" -eq 0 ] && [ -z "${TR_KEEP:-}" ]; then
	rm -rf "$work"
else
	echo "# logs, traces and notes kept in $work"
fi
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
