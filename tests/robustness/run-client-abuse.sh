#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs client-abuse.py against our lttng-sessiond in a private environment: new mount
# and pid namespaces (unshare --mount --pid --fork --mount-proc), tmpfs on
# /var/run/lttng and /dev/shm, and a private HOME, so that the daemon under test can
# neither see nor disturb another session daemon of this machine.
#
# Usage: run-client-abuse.sh PATH/TO/lttng-sessiond
# Output: TAP (from client-abuse.py). Prints "1..0 # SKIP ..." when namespaces cannot
# be created here.
set -u

here=$(cd "$(dirname "$0")" && pwd)

if [ "${CLIENT_ABUSE_INNER:-}" != 1 ]; then
	if [ $# -lt 1 ]; then
		echo "usage: $0 PATH/TO/lttng-sessiond" >&2
		exit 2
	fi
	if ! command -v unshare >/dev/null 2>&1; then
		echo "1..0 # SKIP unshare(1) is not available"
		exit 0
	fi
	ns_opts="--mount --pid --fork --mount-proc"
	if [ "$(id -u)" != 0 ]; then
		# Unprivileged: a user namespace makes us root inside. Only our own ids are
		# mapped there, so the daemon is told to use group root (mapped) instead of
		# the tracing group (unmapped: chown to it fails with EINVAL).
		ns_opts="--user --map-root-user $ns_opts"
		CLIENT_ABUSE_DAEMON_ARGS="--group=root"
		export CLIENT_ABUSE_DAEMON_ARGS
	fi
	# shellcheck disable=SC2086
	if ! unshare $ns_opts true 2>/dev/null; then
		echo "1..0 # SKIP cannot create mount/pid namespaces here"
		exit 0
	fi
	CLIENT_ABUSE_INNER=1
	export CLIENT_ABUSE_INNER
	# shellcheck disable=SC2086
	exec unshare $ns_opts -- "$here/$(basename "$0")" "$@"
fi

# ---- inside the namespaces -----------------------------------------------------------
fail_setup() {
	echo "1..0 # SKIP private environment setup failed: $1"
	exit 0
}

mount --make-rprivate / 2>/dev/null || true
if [ -d /var/run/lttng ]; then
	mount -t tmpfs -o mode=0755 tmpfs /var/run/lttng || fail_setup "tmpfs on /var/run/lttng"
else
	# Do not create anything on the real file system: hide /var/run behind a tmpfs.
	mount -t tmpfs -o mode=0755 tmpfs /var/run || fail_setup "tmpfs on /var/run"
	mkdir -p /var/run/lttng
fi
mount -t tmpfs -o mode=1777 tmpfs /dev/shm || fail_setup "tmpfs on /dev/shm"
private_home=$(mktemp -d /tmp/client-abuse-home.XXXXXX) || fail_setup "mktemp"
mount -t tmpfs -o mode=0700 tmpfs "$private_home" || fail_setup "tmpfs on HOME"

HOME=$private_home
export HOME
unset LTTNG_HOME LTTNG_SESSIOND_PATH LTTNG_ABORT_ON_ERROR

python3 "$here/client-abuse.py" "$@"
status=$?
umount "$private_home" 2>/dev/null
rmdir "$private_home" 2>/dev/null
exit $status
