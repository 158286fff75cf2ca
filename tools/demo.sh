#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command: installs what is needed, builds, starts OUR
# lttng-sessiond in a private namespace and drives it with Debian's `lttng` while the
# bundled sample application runs. Run as root on Debian bookworm.
#
# The daemon registers the application, records a user-space session through our
# lttng-consumerd, and the trace is printed with babeltrace2; then it records a
# short kernel trace through ftrace (no LTTng modules) and prints it too.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${DEMO_SKIP_INSTALL:-0}" != 1 ]; then
	bash tools/install-deps.sh
fi
[ -d build ] || meson setup build
ninja -C build

exec unshare --mount --pid --fork --mount-proc --propagation private bash -s "$PWD" <<'INNER'
set -euo pipefail
repo=$1
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng
mount -t tmpfs tmpfs /dev/shm
export HOME=$(mktemp -d)
export LTTNG_SESSIOND_PATH=$repo/build/src/sessiond/lttng-sessiond
app=$repo/build/tests/apps/sample/lttng-sample-app

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$LTTNG_SESSIOND_PATH" --daemonize
pid=$(cat /var/run/lttng/lttng-sessiond.pid)
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT

"$app" -n 3 -t 2 --wait-file "$HOME/go" &
app_pid=$!
sleep 0.5
step lttng list -u
step lttng create demo --output="$HOME/demo-trace"
step lttng enable-event -u 'sample:*'
step lttng add-context -u -t vpid -t vtid -t procname
step lttng start
touch "$HOME/go"
wait "$app_pid"
step lttng stop
step lttng destroy demo
step find "$HOME/demo-trace" -type f
printf '\n\033[1m$ babeltrace2 %s | head -20\033[0m\n' "$HOME/demo-trace"
babeltrace2 "$HOME/demo-trace" >"$HOME/demo-trace.txt"
head -n 20 "$HOME/demo-trace.txt"
printf '\n%s events recorded by our lttng-consumerd, read by babeltrace2.\n' \
	"$(wc -l <"$HOME/demo-trace.txt")"

# The kernel, recorded by ftrace instances of our daemon's own and written as an
# LTTng kernel trace by our lttng-consumerd -k.
step lttng create kdemo --output="$HOME/kernel-trace"
step lttng enable-event -k sched_switch,sched_process_fork,sched_process_exec,sched_process_exit
step lttng enable-event -k --syscall openat,read,close
step lttng add-context -k -t pid -t tid -t procname
step lttng start
step ls /etc >/dev/null
step lttng stop
step lttng destroy kdemo
babeltrace2 "$HOME/kernel-trace" >"$HOME/kernel-trace.txt"
printf '\n\033[1m$ babeltrace2 %s | grep procname = \"ls\" | head -10\033[0m\n' "$HOME/kernel-trace"
grep 'procname = "ls"' "$HOME/kernel-trace.txt" | head -n 10 || true
printf '\n%s kernel events recorded through ftrace by our lttng-consumerd -k, read by babeltrace2.\n' \
	"$(wc -l <"$HOME/kernel-trace.txt")"
INNER
