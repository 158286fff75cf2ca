#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Creates the accounts the test suites switch to, if missing, and checks them:
#
#   tests/integration/lib/test-accounts.sh [--plain USER]... [--tracer USER]...
#
#   group tracing   LTTng's tracing group (members may drive the root daemon)
#   --plain USER    an unprivileged user NOT in group tracing
#                   (default, with no option at all: lttng-test-user)
#   --tracer USER   an unprivileged user in group tracing
#                   (default, with no option at all: lttng-test-tracer)
#
# System accounts, no home directory, no login shell. Safe to run any number of
# times and from several processes at once: callers are serialized by a lock,
# and an account that appears meanwhile (another caller, or a useradd reporting
# "already exists") is accepted. .ci/run and run-oracle-split.sh call it once
# before starting anything in parallel; each suite calls it again for its own
# accounts, which then only checks them. Must run as root. Exit status 0 when
# every account is as described, 1 otherwise (with the reason on stderr).
set -u
group=tracing
plain=()
tracers=()
while (($#)); do
	case $1 in
	--plain) plain+=("$2"); shift 2 ;;
	--tracer) tracers+=("$2"); shift 2 ;;
	*)
		echo "usage: $0 [--plain USER]... [--tracer USER]..." >&2
		exit 1
		;;
	esac
done
if ((${#plain[@]} + ${#tracers[@]} == 0)); then
	plain=(lttng-test-user)
	tracers=(lttng-test-tracer)
fi

die() {
	echo "test-accounts: $*" >&2
	exit 1
}
((EUID == 0)) || die "must run as root"
for tool in getent groupadd useradd usermod flock; do
	command -v "$tool" >/dev/null || die "missing tool: $tool"
done

# One caller at a time on this machine (the lock is released when we exit).
exec 9>/run/lttng-test-accounts.lock || die "cannot open /run/lttng-test-accounts.lock"
flock 9 || die "cannot lock /run/lttng-test-accounts.lock"

# in_group USER: true if USER is a member of group tracing.
in_group() { id -nG "$1" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; }

if ! getent group "$group" >/dev/null; then
	groupadd --system "$group" 2>/dev/null || getent group "$group" >/dev/null ||
		die "cannot create group $group"
fi
# ensure_user USER: creates USER unless it exists; the outcome is what counts.
ensure_user() {
	getent passwd "$1" >/dev/null && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin "$1" 2>/dev/null ||
		getent passwd "$1" >/dev/null || die "cannot create user $1"
}
for user in "${plain[@]}"; do
	ensure_user "$user"
	(($(id -u "$user") != 0)) || die "$user must be unprivileged"
	! in_group "$user" || die "$user must not be in group $group"
done
for user in "${tracers[@]}"; do
	ensure_user "$user"
	(($(id -u "$user") != 0)) || die "$user must be unprivileged"
	in_group "$user" || usermod -a -G "$group" "$user" || die "cannot add $user to group $group"
done
exit 0
