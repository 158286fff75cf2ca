#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Session configuration save/load, checked against the real LTTng 2.13 daemon.
#
#  1. The same lttng commands run against the real lttng-sessiond and against ours;
#     `lttng save` files must match byte for byte once paths and date-times are
#     normalised (sessions whose lists the real daemon orders by hash are compared
#     in a canonical form, plus their size), and validate against session.xsd.
#  2. The real daemon loads our files; loaded and saved again, they come out as
#     from our daemon (the canonical form).
#  3. `lttng load` of our file into our daemon gives back the same `lttng list`
#     and the same file.
#  4. Autoload: $LTTNG_HOME/.lttng/sessions/auto, --load DIR, --load FILE; bad files
#     next to good ones; the owner check of a non-root daemon.
#  5. A non-root client (group tracing) saving through a root daemon: same files,
#     owners and modes as with the real daemon.
#
# Runs as root in private mount, PID (and network) namespaces (tmpfs on /var/run/lttng,
# /dev/shm, the work directory and root's passwd home). Prints TAP and a final
# "N passed, N failed, N skipped" line; exits 1 on failure, 77 when it cannot run.
# Environment: OUR_SESSIOND (default build/src/sessiond/lttng-sessiond),
# REAL_SESSIOND (default /usr/bin/lttng-sessiond), XMLTEST_TMPDIR (default /tmp).

set -u

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")
repo=$(cd "$here/../.." && pwd)
our_sessiond=${OUR_SESSIOND:-$repo/build/src/sessiond/lttng-sessiond}
[[ $our_sessiond == /* ]] || our_sessiond=$repo/$our_sessiond
real_sessiond=${REAL_SESSIOND:-/usr/bin/lttng-sessiond}
xsd=/usr/share/xml/lttng/session.xsd

skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}

# --- Outside: check what we need, then re-run inside private namespaces ---------------
if [[ ${XMLTEST_INSIDE:-} != 1 ]]; then
	((EUID == 0)) || skip_all "must run as root (namespaces, mounts, other users)"
	for tool in unshare setpriv xmllint lttng getent; do
		command -v "$tool" >/dev/null || skip_all "missing tool: $tool"
	done
	[[ -x $real_sessiond ]] || skip_all "real daemon not found: $real_sessiond"
	[[ -x $our_sessiond ]] || skip_all "our daemon not built: $our_sessiond"
	[[ -r $xsd ]] || skip_all "no schema at $xsd"
	python=/usr/bin/python3
	[[ -x $python ]] || python=$(command -v python3) || skip_all "missing python3"
	base=$(mktemp -d "${XMLTEST_TMPDIR:-/tmp}/xmltest.XXXXXX") || skip_all "mktemp failed"
	chmod 0755 "$base"
	# A private network namespace too when loopback can be brought up in it: the
	# daemons' agent ports then never meet another test's.
	net=()
	command -v ip >/dev/null && net=(--net)
	XMLTEST_INSIDE=1 XMLTEST_BASE=$base XMLTEST_PYTHON=$python \
		OUR_SESSIOND=$our_sessiond REAL_SESSIOND=$real_sessiond \
		unshare --mount --pid "${net[@]}" --fork --mount-proc --propagation private \
		bash "$script"
	rc=$?
	rm -rf -- "$base"
	exit $rc
fi

# --- Inside: PID 1 of a private PID namespace, private mounts ---------------------------
base=$XMLTEST_BASE
python=$XMLTEST_PYTHON
normalize=$here/xml-normalize.py

mount -t tmpfs -o mode=0755 xmltest "$base" || exit 1
mkdir -p /var/run/lttng
mount -t tmpfs -o mode=0755 xmltest-run /var/run/lttng || exit 1
mount -t tmpfs -o mode=1777 xmltest-shm /dev/shm || exit 1
command -v ip >/dev/null && ip link set lo up 2>/dev/null

# `lttng save` without -o writes to the caller's passwd home: hide root's, unless it
# holds something this test needs.
pwhome=$(getent passwd 0 | cut -d: -f6)
pwhome_hidden=0
case "$repo/ $our_sessiond $real_sessiond $python $base/" in
*"$pwhome/"*) ;;
*)
	if [[ -n $pwhome && $pwhome != / && -d $pwhome ]] &&
		mount -t tmpfs -o mode=0700 xmltest-home "$pwhome"; then
		pwhome_hidden=1
	fi
	;;
esac

W=$base/w      # everything the scenario names lives here
export HOME=$base/home LTTNG_HOME=$base/home LC_ALL=C TMPDIR=$base/tmp
export LTTNG_SESSIOND_PATH=/bin/false # a client must never spawn a daemon itself
mkdir -p "$HOME" "$TMPDIR" "$W"
out=$base/out # per-check scratch output
daemon_err=$base/daemon.err

passed=0
failed=0
skipped=0
n=0
pass() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
fail() { # $1 = description; details on stdin
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	sed 's/^/# /'
}
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds; its output is the detail.
check() {
	local desc=$1
	shift
	if "$@" >"$out" 2>&1; then
		pass "$desc"
	else
		fail "$desc" <"$out"
	fi
}

# --- Daemons (by PID only) --------------------------------------------------------------
daemon_pid=""

alive() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# start_daemon RUNDIR COMMAND...: starts a daemon with --background (stderr kept in
# $daemon_err) and waits for its client socket.
start_daemon() {
	local rundir=$1 i
	shift
	: >"$daemon_err"
	daemon_pid=""
	"$@" --background </dev/null >>"$daemon_err" 2>&1 || return 1
	for ((i = 0; i < 100; i++)); do
		[[ -s $rundir/lttng-sessiond.pid && -S $rundir/client-lttng-sessiond ]] && break
		sleep 0.05
	done
	read -r daemon_pid <"$rundir/lttng-sessiond.pid" 2>/dev/null
	[[ -n $daemon_pid ]] && alive "$daemon_pid"
}

stop_daemon() {
	local i
	[[ -n $daemon_pid ]] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		alive "$daemon_pid" || break
		sleep 0.05
	done
	alive "$daemon_pid" && kill -KILL "$daemon_pid" 2>/dev/null
	daemon_pid=""
	sleep 0.1 # let its consumer daemons go too
	# A sanitized build reports leaks and errors on its way out.
	if grep -q -E "Sanitizer|runtime error:" "$daemon_err"; then
		fail "daemon ran without sanitizer reports" <"$daemon_err"
	fi
}

# norm MODE FILE: the normalised form of a saved file.
norm() {
	"$python" "$normalize" "$1" "$2" --path "$W=\$W" --path "$HOME=\$HOME"
}

# Sessions of the scenario the real daemon can load (s6 has no output: refused).
cross_sessions="s1 s2 s3 s4 s5 s7"

# --- 1. The scenario, on both daemons ----------------------------------------------------
# Every feature a configuration file carries. Hash-ordered lists of more than one
# element appear only in s1.
scenario() {
	lttng create s1 -o "$W/trace/s1"
	lttng enable-channel -u ch --subbuf-size 16384 --num-subbuf 8 --overwrite \
		--switch-timer 1000 --read-timer 2000 --tracefile-size 65536 \
		--tracefile-count 3 --monitor-timer 5000
	lttng enable-channel -u ch2 --blocking-timeout 10
	lttng enable-event -u 'tp:a' -c ch --loglevel TRACE_INFO --filter 'v > 1 && s == "a<b&c"'
	lttng enable-event -u 'x:*' -c ch --exclude 'x:y,x:z' --loglevel-only TRACE_DEBUG
	lttng enable-event -u b -c ch2
	lttng disable-event -u b -c ch2
	lttng add-context -u -c ch -t vpid -t procname -t perf:thread:cpu-cycles -t '$app.prov:ctx'
	lttng track -u --vpid 10,20
	lttng track -u --vuid root
	lttng untrack -u --vgid --all
	lttng disable-channel -u ch2
	lttng enable-rotation --timer 10s --size 1M

	lttng create s2 --snapshot -o "$W/trace/s2"
	lttng enable-channel -u ch --buffers-pid --blocking-timeout inf
	lttng add-context -u -c ch -t vtid

	lttng create s3 --snapshot --no-output
	lttng snapshot add-output -s s3 -n myout -m 1M net://localhost:7000:7001/abc

	lttng create s4 -U net://localhost/sub/dir
	lttng create s5 --live 2000000 -U net://localhost
	lttng create s6 --no-output

	lttng create s7 --shm-path "$W/shm"
	lttng enable-event -u -a
	lttng track -u --vgid 0
	lttng start s7
}

# run_scenario KIND: scenario, `lttng save -a`, and a save without -o.
run_scenario() {
	local kind=$1
	mkdir -p "$W/$kind"
	scenario >"$W/$kind/scenario.log" 2>&1
	lttng save -a -o "$W/$kind/saved" >>"$W/$kind/scenario.log" 2>&1
	if ((pwhome_hidden)); then
		rm -rf "$pwhome/.lttng"
		lttng save s2 >>"$W/$kind/scenario.log" 2>&1
		(cd "$pwhome" && stat -c '%n %a %u:%g' .lttng .lttng/sessions .lttng/sessions/s2.lttng \
			&& cat .lttng/sessions/s2.lttng) >"$W/$kind/default-dir.txt" 2>&1
	fi
}


if start_daemon /var/run/lttng "$our_sessiond"; then
	run_scenario ours
	check "ours: sessions saved in \$HOME/saved" test -s "$W/ours/saved/s1.lttng"
else
	fail "our daemon starts" <"$daemon_err"
fi
stop_daemon

if start_daemon /var/run/lttng "$real_sessiond"; then
	run_scenario real
	# 2. The real daemon reads our files the way we wrote them.
	lttng destroy -a >/dev/null 2>&1
	for s in $cross_sessions; do
		check "cross: the real daemon loads our $s.lttng" lttng load -i "$W/ours/saved/$s.lttng"
	done
	lttng save -a -o "$W/cross/saved" >/dev/null 2>&1
else
	fail "real daemon starts" <"$daemon_err"
fi
stop_daemon

for f in "$W"/real/saved/*.lttng; do
	s=$(basename "$f" .lttng)
	ours=$W/ours/saved/$s.lttng
	if [[ ! -f $ours ]]; then
		fail "save: $s.lttng written" <<<"missing $ours"
		continue
	fi
	if [[ $s == s1 ]]; then
		# Hash-ordered lists: same elements in some order, same size.
		desc="save: $s.lttng matches the real daemon's (canonical order, same size)"
		real_size=$(norm text "$f" | wc -c)
		our_size=$(norm text "$ours" | wc -c)
		if diff -u <(norm canonical "$f") <(norm canonical "$ours") >"$out" 2>&1 &&
			[[ $real_size == "$our_size" ]]; then
			pass "$desc"
		else
			echo "sizes: real $real_size, ours $our_size" >>"$out"
			fail "$desc" <"$out"
		fi
	else
		check "save: $s.lttng matches the real daemon's byte for byte" \
			diff -u --label "real $s.lttng" --label "ours $s.lttng" \
			<(norm text "$f") <(norm text "$ours")
	fi
done
check "save: file and directory modes (0660/0770)" \
	diff -u <(cd "$W/real/saved" && stat -c '%n %a %u:%g' . ./*.lttng) \
	<(cd "$W/ours/saved" && stat -c '%n %a %u:%g' . ./*.lttng)
if ((pwhome_hidden)); then
	unrun='s#[0-9]\{8\}-[0-9]\{6\}#DATETIME#g'
	check "save without -o: <passwd home>/.lttng/sessions, as the real daemon" \
		diff -u <(sed "s#$W#\$W#g; s#$HOME#\$HOME#g; $unrun" "$W/real/default-dir.txt") \
		<(sed "s#$W#\$W#g; s#$HOME#\$HOME#g; $unrun" "$W/ours/default-dir.txt")
fi
for f in "$W"/ours/saved/*.lttng; do
	check "xsd: $(basename "$f") validates against session.xsd" \
		xmllint --noout --schema "$xsd" "$f"
done

# --- 3. lttng load into our daemon ----------------------------------------------------------
# A session whose lists our daemon prints in a fixed order.
loadable_session() {
	lttng create l1 -o "$W/trace/l1"
	lttng enable-channel -u ch --subbuf-size 16384 --num-subbuf 8 --overwrite
	lttng enable-channel -u ch2 --blocking-timeout 10
	lttng enable-event -u 'tp:a' -c ch --loglevel TRACE_INFO --filter 'v > 1'
	lttng enable-event -u 'x:*' -c ch --exclude 'x:y' --loglevel-only TRACE_DEBUG
	lttng enable-event -u b -c ch2
	lttng disable-event -u b -c ch2
	lttng add-context -u -c ch -t vpid -t '$app.prov:ctx'
	lttng track -u --vpid 10,20
	lttng untrack -u --vgid --all
	lttng enable-rotation --timer 10s
}

mkdir -p "$W/load"
if start_daemon /var/run/lttng "$our_sessiond"; then
	loadable_session >"$W/load/session.log" 2>&1
	lttng list l1 >"$W/load/list-before.txt" 2>&1
	lttng save l1 -o "$W/load/saved" >/dev/null 2>&1
	lttng destroy l1 >/dev/null 2>&1
	check "load: lttng load -i accepts our file" lttng load -i "$W/load/saved/l1.lttng"
	lttng list l1 >"$W/load/list-after.txt" 2>&1
	check "load: lttng list is the same after save and load" \
		diff -u "$W/load/list-before.txt" "$W/load/list-after.txt"
	lttng save l1 -o "$W/load/resaved" >/dev/null 2>&1
	check "load: saving the loaded session gives the same file" \
		cmp "$W/load/saved/l1.lttng" "$W/load/resaved/l1.lttng"
	check "load: a session without output is refused, as by the real daemon" \
		bash -c '! lttng load -i "$1"' _ "$W/ours/saved/s6.lttng"
	# 2b. Our daemon loads our files as the real daemon did (e.g. a disabled channel
	# comes back enabled: the client API has no way to create it disabled).
	lttng destroy -a >/dev/null 2>&1
	for s in $cross_sessions; do
		lttng load -i "$W/ours/saved/$s.lttng" >/dev/null 2>&1
	done
	lttng save -a -o "$W/cross-ours/saved" >/dev/null 2>&1
	for s in $cross_sessions; do
		check "cross: our $s.lttng, loaded and saved again, same as with the real daemon" \
			diff -u --label "real" --label "ours" \
			<(norm canonical "$W/cross/saved/$s.lttng") <(norm canonical "$W/cross-ours/saved/$s.lttng")
	done
else
	fail "our daemon starts (load)" <"$daemon_err"
fi
stop_daemon

# --- 4. Autoload ---------------------------------------------------------------------------
auto=$HOME/.lttng/sessions/auto
mkdir -p "$auto"
cp "$W/load/saved/l1.lttng" "$auto/"
if start_daemon /var/run/lttng "$our_sessiond"; then
	lttng list l1 >"$W/load/list-auto.txt" 2>&1
	check "autoload: \$LTTNG_HOME/.lttng/sessions/auto is loaded" \
		diff -u "$W/load/list-after.txt" "$W/load/list-auto.txt"
	check "autoload: the session belongs to the daemon's user" \
		bash -c 'lttng list | grep -q "l1 \[inactive\]"'
else
	fail "our daemon starts (autoload)" <"$daemon_err"
fi
stop_daemon
rm -rf "$HOME/.lttng/sessions"

# --load DIR: good files (one started), a malformed file, a schema violation.
ldir=$W/loaddir
mkdir -p "$ldir"
cp "$W/load/saved/l1.lttng" "$W/ours/saved/s7.lttng" "$ldir/"
printf '<sessions><session><name>broken' >"$ldir/bad.lttng"
sed 's#<started>false</started>#<started>maybe</started>#; s#<name>l1</name>#<name>l9</name>#' \
	"$W/load/saved/l1.lttng" >"$ldir/invalid.lttng"
echo 'not a configuration' >"$ldir/ignored.txt"
if start_daemon /var/run/lttng "$our_sessiond" --load "$ldir"; then
	lttng list >"$out.list" 2>&1
	check "--load DIR: good files load next to bad ones" \
		grep -q "l1 \[inactive\]" "$out.list"
	check "--load DIR: a started session is started again" \
		grep -q "s7 \[active\]" "$out.list"
	check "--load DIR: the invalid session is not created" \
		bash -c '! grep -q "l9" "$1"' _ "$out.list"
	check "--load DIR: the malformed file is reported by name" \
		grep -q "Error: .*$ldir/bad.lttng" "$daemon_err"
	check "--load DIR: the schema violation is reported by name" \
		grep -q "Error: .*$ldir/invalid.lttng.*started" "$daemon_err"
	check "--load DIR: non-.lttng files are left alone" \
		bash -c '! grep -q ignored.txt "$1"' _ "$daemon_err"
	check "--load DIR: the daemon keeps running" alive "$daemon_pid"
else
	fail "our daemon starts with --load DIR" <"$daemon_err"
fi
stop_daemon

if start_daemon /var/run/lttng "$our_sessiond" --load "$ldir/l1.lttng"; then
	lttng list l1 >"$W/load/list-file.txt" 2>&1
	check "--load FILE: the file's session is loaded" \
		diff -u "$W/load/list-after.txt" "$W/load/list-file.txt"
	check "--load FILE: nothing else is loaded" bash -c '! lttng list | grep -q s7'
else
	fail "our daemon starts with --load FILE" <"$daemon_err"
fi
stop_daemon

# A non-root daemon only trusts an autoload directory it owns.
uhome=$base/nobody
mkdir -p "$uhome/.lttng/sessions/auto"
sed "s#$W/trace/l1#$uhome/trace#" "$W/load/saved/l1.lttng" >"$uhome/.lttng/sessions/auto/l1.lttng"
chmod -R a+rX "$uhome"
chown 65534:65534 "$uhome" "$uhome/.lttng"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$uhome" LTTNG_HOME="$uhome")
if start_daemon "$uhome/.lttng" "${as_nobody[@]}" "$our_sessiond"; then
	check "autoload (user daemon): a directory owned by root is not loaded" \
		bash -c '! "$@" lttng list | grep -q l1' _ "${as_nobody[@]}"
else
	fail "our daemon starts as nobody" <"$daemon_err"
fi
stop_daemon
chown -R 65534:65534 "$uhome/.lttng/sessions"
if start_daemon "$uhome/.lttng" "${as_nobody[@]}" "$our_sessiond"; then
	check "autoload (user daemon): its own directory is loaded" \
		bash -c '"$@" lttng list | grep -q "l1 \[inactive\]"' _ "${as_nobody[@]}"
else
	fail "our daemon starts as nobody (owned dir)" <"$daemon_err"
fi
stop_daemon

# --- 5. A non-root client of a root daemon ------------------------------------------------
# Group `tracing` (this namespace's view of /etc/group) gets `nobody`.
if getent group tracing >/dev/null; then
	sed 's/^tracing:\([^:]*\):\([0-9]*\):.*/tracing:\1:\2:nobody/' /etc/group >"$base/group"
	mount --bind "$base/group" /etc/group
	tgid=$(getent group tracing | cut -d: -f3)
	pub=$W/pub
	user_steps() { # $1 = kind
		local -a u=(setpriv --reuid=65534 --regid=65534 --groups="$tgid" env HOME="$pub/$1")
		mkdir -p "$pub/$1" && chmod 0777 "$pub/$1"
		"${u[@]}" lttng create u1 -o "$pub/$1/trace"
		"${u[@]}" lttng enable-event -u -a -s u1
		lttng create r1 -o "$pub/$1/rtrace"
		"${u[@]}" lttng save u1 -o "$pub/$1/a/b"
		"${u[@]}" lttng save -a -o "$pub/$1/all"
		"${u[@]}" lttng save r1 -o "$pub/$1/all"
		mkdir -m 0555 "$pub/$1/ro"
		"${u[@]}" lttng save u1 -o "$pub/$1/ro"
		(cd "$pub/$1" && find a all ro -printf '%p %m %U:%G\n' | sort)
	}
	for kind in real ours; do
		bin=$real_sessiond
		[[ $kind == ours ]] && bin=$our_sessiond
		if start_daemon /var/run/lttng "$bin"; then
			user_steps "$kind" 2>&1 | sed "s#$pub/$kind#\$PUB#g" >"$W/user-$kind.txt"
		else
			fail "$kind daemon starts (user client)" <"$daemon_err"
		fi
		stop_daemon
	done
	check "user client: saves as the caller (owners, modes, refusals) like the real daemon" \
		diff -u "$W/user-real.txt" "$W/user-ours.txt"
else
	echo "ok $((n + 1)) - user client # SKIP no group tracing" && n=$((n + 1)) skipped=$((skipped + 1))
fi

echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
