#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A member of the tracing group drives the ROOT daemon: every directory created for
# that user's session must be created with the user's rights, never root's (else a
# tracing-group member could make root create directories anywhere). Also: a FIFO
# planted as a save target must not hang the daemon. Private namespaces; TAP output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
ours=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
user=lttng-test-tracer
# The group and the user in it, created if missing (checked otherwise).
if ! err=$(bash "$repo/tests/integration/lib/test-accounts.sh" --tracer "$user" 2>&1); then
	echo "Bail out! test accounts: $err"
	exit 1
fi

exec timeout 120 unshare --mount --pid --fork --mount-proc --propagation private bash -s "$ours" "$user" <<'INNER'
set -u
ours=$1 user=$2
mkdir -p /var/run/lttng
mount -t tmpfs tmpfs /var/run/lttng && mount -t tmpfs tmpfs /dev/shm && mount -t tmpfs tmpfs /srv || exit 1
export HOME=$(mktemp -d)
n=0 pass=0 fail=0
check() { local what=$1; shift; n=$((n + 1));
	if "$@"; then echo "ok $n - $what"; pass=$((pass + 1)); else echo "not ok $n - $what"; fail=$((fail + 1)); fi; }
as_user() { runuser -u "$user" -- env HOME="$uhome" bash -c "$1"; }

"$ours" --daemonize --no-kernel
sd=$(cat /var/run/lttng/lttng-sessiond.pid)
uhome=$(mktemp -d) && chown "$user" "$uhome"
chmod 755 /srv
as_user 'lttng create esc -o /srv/escalate/x && lttng enable-event -u a' >/dev/null 2>&1
out=$(as_user 'lttng start esc' 2>&1)
check "start refuses an output the user may not create" grep -q "Create directory failed" <<<"$out"
check "root created nothing for the user in /srv" test ! -e /srv/escalate
as_user 'lttng create mine -o $HOME/t && lttng enable-event -u a -s mine && lttng start mine' >/dev/null 2>&1
check "the user's own output is created" test -d "$uhome/t/ust"
check "and owned by the user" test "$(stat -c %U "$uhome/t")" = "$user" -a "$(stat -c %U "$uhome/t/ust")" = "$user"
as_user 'lttng create snap --snapshot -o /srv/snapesc && lttng enable-event -u a -s snap && lttng start snap' >/dev/null 2>&1
as_user 'lttng snapshot record -s snap' >/dev/null 2>&1
check "snapshot record creates nothing where the user may not" test ! -e /srv/snapesc
mkdir -p "$uhome/trap" && mkfifo "$uhome/trap/mine.lttng" && chown -R "$user" "$uhome/trap"
as_user 'timeout 10 lttng save mine -o $HOME/trap -f' >/dev/null 2>&1
check "a FIFO as save target does not hang the daemon" bash -c "timeout 5 lttng list >/dev/null"
kill -TERM "$sd"
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
INNER
