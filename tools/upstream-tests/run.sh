#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs lttng-tools v2.13.9's own regression scripts against our session daemon
# (or, for comparison, against Debian's real one). See README.md beside this file.
#
#   tools/upstream-tests/run.sh [OPTION]... [TEST]...
#
# TEST is a script path under lttng-tools' tests/regression/, e.g.
# tools/streaming/test_ust; without any, the default list below runs.
#
# Options:
#   --ours              test our lttng-sessiond (default)
#   --real              test Debian's /usr/bin/lttng-sessiond and its consumer
#   --tree              test the lttng-sessiond built in the upstream tree itself
#   --sessiond PATH     our session daemon (default: <repo>/build/src/sessiond/lttng-sessiond,
#                       or $OUR_SESSIOND)
#   --consumerd PATH    our consumer daemon (default: <dir of --sessiond>/../consumerd/lttng-consumerd,
#                       or $OUR_CONSUMERD)
#   --cache DIR         where the sources and the build live
#                       (default: $LTTNG_UPSTREAM_CACHE or /var/cache/lttng-upstream-tests)
#   --results DIR       where each test's full output goes (default: <cache>/results/<date>-<daemon>)
#   --user USER         the unprivileged account the tests run as (default: lttng-test-user)
#   --timeout SECONDS   per test script (default: 720)
#   -j, --jobs N        test scripts run at once, each in its own namespaces (default: 1)
#   --build-only        fetch and build the upstream tree, run nothing
#   --no-deps           do not apt-get install anything
#   --list              print the default test list and exit
#
# Must run as root (apt-get, unshare, mounts); the tests themselves run as --user.
# Ends with "upstream: N passed, N failed ..." (TAP assertions; assertions a
# script planned but never reached count as failed). Exit status 0 when every
# script passed, 1 when one failed, 2 on a setup error.
set -uo pipefail

VERSION=2.13.9
DEFAULT_TESTS=(
	tools/rotation/test_ust
	tools/rotation/test_save_load_mi
	tools/clear/test_ust
	tools/streaming/test_ust
	tools/live/test_ust
	tools/live/test_ust_tracefile_count
	tools/live/test_lttng_ust
	tools/relayd-grouping/test_ust
	tools/base-path/test_ust
	tools/snapshots/test_ust_streaming
	tools/save-load/test_load
	tools/regen-metadata/test_ust
	tools/crash/test_crash
	ust/clock-override/test_clock_override
	ust/rotation-destroy-flush/test_rotation_destroy_flush
)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

daemon=ours
our_sessiond=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
our_consumerd=${OUR_CONSUMERD:-}
cache=${LTTNG_UPSTREAM_CACHE:-/var/cache/lttng-upstream-tests}
results=
user=lttng-test-user
timeout_s=720
jobs=1
build_only=0
deps=1
tests=()

say() { printf 'upstream-tests: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 2
}

while (($#)); do
	case $1 in
	--ours | --real | --tree) daemon=${1#--} ;;
	--sessiond) our_sessiond=$2; shift ;;
	--sessiond=*) our_sessiond=${1#*=} ;;
	--consumerd) our_consumerd=$2; shift ;;
	--consumerd=*) our_consumerd=${1#*=} ;;
	--cache) cache=$2; shift ;;
	--cache=*) cache=${1#*=} ;;
	--results) results=$2; shift ;;
	--results=*) results=${1#*=} ;;
	--user) user=$2; shift ;;
	--user=*) user=${1#*=} ;;
	--timeout) timeout_s=$2; shift ;;
	--timeout=*) timeout_s=${1#*=} ;;
	-j | --jobs) jobs=$2; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	-j*) jobs=${1#-j} ;;
	--build-only) build_only=1 ;;
	--no-deps) deps=0 ;;
	--list) printf '%s\n' "${DEFAULT_TESTS[@]}"; exit 0 ;;
	-h | --help) sed -n '3,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; tests+=("$@"); break ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) tests+=("$1") ;;
	esac
	shift
done
((${#tests[@]})) || tests=("${DEFAULT_TESTS[@]}")
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs: not a positive number: $jobs"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout: not a positive number: $timeout_s"
((EUID == 0)) || die "must run as root (apt-get, unshare and mounts; the tests run as $user)"
mkdir -p "$cache" || die "cannot create $cache"
cache=$(cd "$cache" && pwd)
tree=$cache/lttng-tools-$VERSION
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------
# Build dependencies (Debian bookworm)
# ---------------------------------------------------------------------------
packages=(
	build-essential autoconf automake libtool bison flex pkg-config
	libpopt-dev uuid-dev liburcu-dev libxml2-dev liblttng-ust-dev libkmod-dev
	liblttng-ust1 lttng-tools babeltrace babeltrace2
	util-linux procps iproute2 perl python3 bzip2 xz-utils tar git curl ca-certificates
)
install_deps() {
	local -a missing=()
	local p
	for p in "${packages[@]}"; do
		[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	say "installing: ${missing[*]}"
	apt-get update || say "warning: apt-get update failed; trying with the package lists we have"
	apt-get install -y --no-install-recommends "${missing[@]}" || die "apt-get install failed"
}
((deps)) && install_deps

# ---------------------------------------------------------------------------
# Sources: lttng-tools v2.13.9, outside the repository, fetched once
# ---------------------------------------------------------------------------
# The first of these that works:
#  1. a local git mirror ($LTTNG_TOOLS_GIT, default /work/.mirror/lttng+lttng-tools/repo)
#  2. Debian's source package (ltt-control 2.13.9-1+deb12u1): its orig tarball is
#     the upstream release tarball; apt-get uses a private deb-src list, so the
#     machine's apt configuration is left alone
#  3. git clone of https://github.com/lttng/lttng-tools at tag v2.13.9
#  4. the release tarball from lttng.org
fetch_sources() {
	local tmp=$cache/src.part git=${LTTNG_TOOLS_GIT:-/work/.mirror/lttng+lttng-tools/repo}
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if [[ -d $git ]] && git -C "$git" rev-parse -q --verify "refs/tags/v$VERSION" >/dev/null 2>&1; then
		say "sources: git archive v$VERSION from $git"
		mkdir -p "$tmp/lttng-tools-$VERSION"
		if git -C "$git" archive "v$VERSION" | tar -x -C "$tmp/lttng-tools-$VERSION"; then
			mv "$tmp/lttng-tools-$VERSION" "$tree" && rm -rf "$tmp" && return 0
		fi
		rm -rf "${tmp:?}"/*
	fi
	say "sources: Debian source package (deb-src bookworm)"
	local list=$cache/apt-deb-src.list orig
	echo "deb-src ${LTTNG_DEBIAN_MIRROR:-http://deb.debian.org/debian} bookworm main" >"$list"
	local -a apt_opts=(-o "Dir::Etc::SourceList=$list" -o Dir::Etc::SourceParts=/nonexistent
		-o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
	if apt-get "${apt_opts[@]}" update >&2 &&
		(cd "$tmp" && apt-get "${apt_opts[@]}" source --download-only ltt-control >&2); then
		orig=$(compgen -G "$tmp/ltt-control_$VERSION.orig.tar.*" | head -n1)
		if [[ -n $orig ]] && tar -x -C "$tmp" -f "$orig" && [[ -d $tmp/lttng-tools-$VERSION ]]; then
			mv "$tmp/lttng-tools-$VERSION" "$tree" && rm -rf "$tmp" && return 0
		fi
		say "Debian's source package is not version $VERSION"
	fi
	rm -rf "${tmp:?}"/*
	say "sources: git clone https://github.com/lttng/lttng-tools (v$VERSION)"
	if timeout 600 git clone -q --depth 1 --branch "v$VERSION" https://github.com/lttng/lttng-tools \
		"$tmp/lttng-tools-$VERSION"; then
		rm -rf "$tmp/lttng-tools-$VERSION/.git"
		mv "$tmp/lttng-tools-$VERSION" "$tree" && rm -rf "$tmp" && return 0
	fi
	rm -rf "${tmp:?}"/*
	say "sources: https://lttng.org/files/lttng-tools/lttng-tools-$VERSION.tar.bz2"
	if (cd "$tmp" && curl -fsSL --max-time 600 -O "https://lttng.org/files/lttng-tools/lttng-tools-$VERSION.tar.bz2") &&
		tar -x -C "$tmp" -f "$tmp/lttng-tools-$VERSION.tar.bz2"; then
		mv "$tmp/lttng-tools-$VERSION" "$tree" && rm -rf "$tmp" && return 0
	fi
	rm -rf "$tmp"
	return 1
}

# The wrapper that stands in for the tree's lttng-sessiond: the tests start
# "$TESTDIR/../src/bin/lttng-sessiond/lttng-sessiond --background
# --consumerd64-path=$TESTDIR/../src/bin/lttng-consumerd/lttng-consumerd ...";
# the wrapper execs $UPSTREAM_SESSIOND (set by this script for each test) with
# the same arguments, the consumer path replaced by $UPSTREAM_CONSUMERD64. Without
# $UPSTREAM_SESSIOND it runs the tree's own daemon, kept as lttng-sessiond.upstream.
install_wrapper() {
	local dir=$tree/src/bin/lttng-sessiond
	if ! grep -qs 'upstream-tests wrapper' "$dir/lttng-sessiond"; then
		[[ -e $dir/lttng-sessiond ]] || return 1
		mv "$dir/lttng-sessiond" "$dir/lttng-sessiond.upstream" || return 1
	fi
	cat >"$dir/lttng-sessiond.tmp" <<'EOF'
#!/bin/bash
# upstream-tests wrapper (installed by tools/upstream-tests/run.sh): runs the
# session daemon under test with the arguments the upstream tests give.
here=$(dirname "$(readlink -f "$0")")
sessiond=${UPSTREAM_SESSIOND:-$here/lttng-sessiond.upstream}
args=()
for arg in "$@"; do
	case $arg in
	--consumerd64-path=*) [[ -n ${UPSTREAM_CONSUMERD64:-} ]] && arg=--consumerd64-path=$UPSTREAM_CONSUMERD64 ;;
	--consumerd32-path=*) [[ -n ${UPSTREAM_CONSUMERD32:-} ]] && arg=--consumerd32-path=$UPSTREAM_CONSUMERD32 ;;
	esac
	args+=("$arg")
done
exec "$sessiond" "${args[@]}"
EOF
	chmod 0755 "$dir/lttng-sessiond.tmp" && mv "$dir/lttng-sessiond.tmp" "$dir/lttng-sessiond"
}

build_tree() {
	local log=$cache/build.log start=$SECONDS
	if [[ ! -d $tree ]]; then
		fetch_sources || die "could not fetch the lttng-tools $VERSION sources (see above)"
	fi
	if [[ ! -e $tree/.upstream-tests-built ]]; then
		say "building lttng-tools $VERSION in $tree (log: $log); this takes a while"
		(
			set -e
			cd "$tree"
			[[ -x configure ]] || nice ./bootstrap
			nice ./configure --disable-man-pages --disable-python-bindings
			nice make -j"$(nproc)"
		) >"$log" 2>&1 || {
			tail -n 30 "$log" >&2
			die "build failed (see $log)"
		}
		touch "$tree/.upstream-tests-built"
		say "build done in $((SECONDS - start)) s"
	fi
	install_wrapper || die "cannot install the session daemon wrapper in $tree"
	# The tests run as an unprivileged user: everything must be readable.
	chmod -R a+rX "$tree"
}
build_tree
((build_only)) && exit 0

# ---------------------------------------------------------------------------
# The daemon under test
# ---------------------------------------------------------------------------
work=$(mktemp -d "$cache/run.XXXXXX") || die "cannot create a work directory under $cache"
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
case $daemon in
ours)
	[[ -n $our_consumerd ]] || our_consumerd=$(dirname "$our_sessiond")/../consumerd/lttng-consumerd
	[[ -x $our_sessiond ]] || die "no session daemon at $our_sessiond (build the project first: meson setup build && ninja -C build)"
	[[ -x $our_consumerd ]] || die "no consumer daemon at $our_consumerd"
	# A private copy: a rebuild of the project meanwhile does not change the
	# daemon under test halfway through the list.
	mkdir -p "$work/ours/sessiond" "$work/ours/consumerd"
	if ! cp "$our_sessiond" "$work/ours/sessiond/lttng-sessiond" ||
		! cp "$our_consumerd" "$work/ours/consumerd/lttng-consumerd"; then
		die "cannot copy our daemons"
	fi
	chmod -R a+rX "$work/ours"
	sessiond=$work/ours/sessiond/lttng-sessiond
	consumerd64=$work/ours/consumerd/lttng-consumerd
	;;
real)
	sessiond=/usr/bin/lttng-sessiond
	consumerd64=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/lttng/libexec/lttng-consumerd
	[[ -x $sessiond && -x $consumerd64 ]] || die "Debian's lttng-tools is not installed"
	;;
tree)
	sessiond=$tree/src/bin/lttng-sessiond/lttng-sessiond.upstream
	consumerd64=$tree/src/bin/lttng-consumerd/lttng-consumerd
	;;
esac
say "daemon under test ($daemon): $sessiond, consumer $consumerd64 ($("$sessiond" --version 2>/dev/null | head -n1))"

[[ -f $repo/tests/integration/lib/test-accounts.sh ]] &&
	bash "$repo/tests/integration/lib/test-accounts.sh" --plain "$user" >&2
uid=$(id -u "$user" 2>/dev/null) || die "no user $user (tests/integration/lib/test-accounts.sh creates lttng-test-user)"
gid=$(id -g "$user")
((uid != 0)) || die "$user must not be root"

[[ -n $results ]] || results=$cache/results/$(date +%Y%m%d-%H%M%S)-$daemon
mkdir -p "$results" || die "cannot create $results"
results=$(cd "$results" && pwd)
for t in "${tests[@]}"; do
	[[ -f $tree/tests/regression/$t ]] || die "no test script $t under $tree/tests/regression"
done

# ---------------------------------------------------------------------------
# One test script: private mount, PID and network namespaces (its daemons,
# relay daemons and applications are alone there, /var/run/lttng, /dev/shm and
# /tmp are empty tmpfs, ports 5342-5344 are its own, and everything it started
# dies with it), run as $user with a private HOME.
# ---------------------------------------------------------------------------
# shellcheck disable=SC2016 # expanded by the inner shell
inner='
set -u
t=$1 uid=$2 gid=$3 user=$4 tree=$5
mkdir -p /var/run/lttng
mount -t tmpfs -o mode=0755 upstream-run /var/run/lttng || exit 90
mount -t tmpfs -o mode=1777 upstream-shm /dev/shm || exit 90
case "$tree/" in
/tmp/*) echo "# upstream-tests: the tree is under /tmp; /tmp stays shared" >&2 ;;
*) mount -t tmpfs -o mode=1777 upstream-tmp /tmp || exit 90 ;;
esac
ip link set lo up || echo "# upstream-tests: cannot bring loopback up" >&2
home=/tmp/upstream-home
mkdir -p "$home" && chown "$uid:$gid" "$home" && chmod 0700 "$home"
cd "$tree/tests/regression/$(dirname "$t")" || exit 90
setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME="$home" USER="$user" LOGNAME="$user" LC_ALL=C.UTF-8 TMPDIR=/tmp TERM=dumb \
	UPSTREAM_SESSIOND="$UPSTREAM_SESSIOND" UPSTREAM_CONSUMERD64="$UPSTREAM_CONSUMERD64" \
	"./$(basename "$t")" </dev/null
'

# run_one TEST: runs it, writes $results/<name>.log and .status
run_one() {
	local t=$1 name=${1//\//_} start=$SECONDS rc
	UPSTREAM_SESSIOND=$sessiond UPSTREAM_CONSUMERD64=$consumerd64 \
		nice timeout -k 10 "$timeout_s" \
		unshare --mount --pid --net --fork --kill-child --mount-proc --propagation private \
		bash -c "$inner" inner "$t" "$uid" "$gid" "$user" "$tree" >"$results/$name.log" 2>&1
	rc=$?
	echo "$rc $((SECONDS - start))" >"$results/$name.status"
}

# summarize TEST: prints its TAP summary; adds to the totals
total_pass=0 total_fail=0 total_skip=0 failed_scripts=()
summarize() {
	local t=$1 name=${1//\//_} log rc secs plan ok notok skip missing verdict
	log=$results/$name.log
	read -r rc secs <"$results/$name.status"
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$log" | cut -d. -f3)
	ok=$(grep -cE '^ok [0-9]+' "$log")
	skip=$(grep -ciE '^ok [0-9]+.*# *skip' "$log")
	notok=$(grep -E '^not ok [0-9]+' "$log" | grep -cviE '# *todo')
	missing=0
	[[ -n $plan ]] && ((plan > ok + notok)) && missing=$((plan - ok - notok))
	total_pass=$((total_pass + ok - skip))
	total_skip=$((total_skip + skip))
	total_fail=$((total_fail + notok + missing))
	verdict=PASS
	if ((notok + missing > 0)) || [[ -z $plan ]] || ((rc != 0)); then
		verdict=FAIL
		failed_scripts+=("$t")
	fi
	printf '== %s [%s]: %s  plan %s, ok %d (skipped %d), not ok %d, not run %d, exit %s%s, %ss\n' \
		"$t" "$daemon" "$verdict" "${plan:-none}" "$((ok - skip))" "$skip" "$notok" "$missing" "$rc" \
		"$(case $rc in 124 | 137) echo ' (timed out)' ;; 9[0-9]) echo ' (namespace setup failed)' ;; esac)" "$secs"
	grep -E '^not ok [0-9]+|^Bail out!' "$log" | head -n 10 | sed 's/^/   /'
	(($(grep -cE '^not ok [0-9]+' "$log") > 10)) && echo "   ..."
	grep -m3 -E '^# (Looks like|Failed|No tests)' "$log" | sed 's/^/   /'
	echo "   log: $log"
}

say "running ${#tests[@]} test script(s) as $user, $jobs at a time; logs in $results"
running=0
for t in "${tests[@]}"; do
	while ((running >= jobs)); do
		wait -n
		running=$((running - 1))
	done
	say "start $t"
	run_one "$t" &
	running=$((running + 1))
done
wait

for t in "${tests[@]}"; do summarize "$t"; done | tee "$results/summary.txt"
# The totals (the loop above ran in a subshell of the pipe).
for t in "${tests[@]}"; do summarize "$t" >/dev/null; done
line="upstream: $total_pass passed, $total_fail failed ($total_skip skipped; daemon: $daemon"
if ((${#failed_scripts[@]})); then
	line+="; failed scripts: ${failed_scripts[*]})"
else
	line+=")"
fi
echo "$line" | tee -a "$results/summary.txt"
((${#failed_scripts[@]} == 0))
