#!/bin/bash
# Application-scale measure: how many long-lived instrumented applications a
# PER-USER session daemon registers and traces under a small fd limit, ours
# against Debian's lttng-sessiond 2.13.9, side by side.
#
# One run = one daemon, one buffer type, one N, in its own private mount + PID
# (+ net) namespaces: tmpfs on a base directory, /var/run/lttng and /dev/shm
# (size 8g). The daemon runs as an unprivileged test user (created if missing,
# tests/integration/lib/test-accounts.sh) with `ulimit -Sn FD_LIMIT` (the hard
# limit is left as it is; a daemon may raise its soft limit up to it: the
# daemon's own limit is recorded). As that user, with a private HOME/LTTNG_HOME:
#   lttng create s --output=...; enable-channel -u c --buffers-uid|pid
#   (small sub-buffers); enable-event -u sample:app_start,sample:integers,
#   sample:app_end; add-context -u -t vpid; start
# then N sample applications (-n 1 -t 1 --ready-file --wait-file) started in
# batches (default 50; each batch waits, bounded, for its ready files). The
# sample application creates its ready file once its lttng-ust constructor is
# done (registered, or lttng-ust's registration timeout expired) and emits only
# once released: the fds a daemon spends on an application are taken at its
# registration, its events come at release. After a settle (sessiond fd count
# stable, bounded), with every application alive:
#   registered = distinct PIDs in `timeout 30 lttng list -u` (timeout = "list
#   hangs"); fds of lttng-sessiond and of every lttng-consumerd (/proc/PID/fd);
#   EMFILE ("Too many open files") lines in the daemons' log.
# Then the applications are released (they emit and exit; bounded wait),
# `lttng stop`, `lttng destroy` (bounded), and traced = distinct vpid values in
# babeltrace2's output (bounded; on failure babeltrace2 runs per trace
# directory and the unreadable ones are counted). Whether each daemon is alive
# is recorded at every step. Everything left (apps, daemons) is killed by PID,
# and the namespace's end kills whatever remains.
#
# Usage: bench/run-app-scale.sh [options]   (as root: it mounts and switches user)
#   --daemons LIST     ours,real (default both)
#   --buffers LIST     uid,pid (default both)
#   --n LIST           application counts (default 250,1000)
#   --fd-limit N       the daemon's soft RLIMIT_NOFILE at start (default 1024)
#   --fd-hard N        also lower the hard limit to N (default: left as it is)
#   --batch N          applications started per batch (default 50)
#   --pid-subbuf S:K   per-PID sub-buffer size and count (default 4096:2)
#   --uid-subbuf S:K   per-UID sub-buffer size and count (default 1M:4; the
#                      UID buffer is shared by all N applications)
#   --user NAME        unprivileged test user (default lttng-test-user)
#   --results DIR      where the TSV, the table and per-run logs go
#                      (default /tmp/lttng-app-scale.<date>)
#   --real PATH        reference daemon (default /usr/bin/lttng-sessiond)
#   --ours PATH        our daemon (default build/src/sessiond/lttng-sessiond;
#                      copied with its consumerd at start: rebuilds are harmless)
#   --app PATH         sample application (default build/tests/apps/sample/lttng-sample-app)
# Output: the markdown table on stdout; DIR/app-scale.tsv, DIR/app-scale.md,
# DIR/runs/<daemon>-<buffers>-<N>.{kv,log,list} (raw values, daemon log, list output).
set -u
shopt -s nullglob

script=$(readlink -f "${BASH_SOURCE[0]}")
bench_dir=$(dirname "$script")
repo=$(dirname "$bench_dir")
prog=run-app-scale
# alive PID (builtins only: N may be 1000s) and the other shared helpers.
# shellcheck source=bench/lib/common.sh
. "$bench_dir/lib/common.sh"

# ===========================================================================
# Namespace side (root in private namespaces). Environment: SCALE_*.
# ===========================================================================
inner() {
    local base=$SCALE_BASE daemon=$SCALE_DAEMON app=$SCALE_APP n=$SCALE_N
    local buffers=$SCALE_BUFFERS out=$SCALE_OUT dlog=$SCALE_LOG
    local uid gid sd="" rc i t0 go subsize subnum
    local -a apps=()

    kv() { echo "$1=$2" >>"$out"; }
    say() { echo "[$(date +%T)] $*" >>"$dlog.steps"; }
    now() { echo "${EPOCHREALTIME/./}"; }
    ms_since() { echo $((($(now) - $1) / 1000)); }
    # Builtins only in what runs once per process (N may be 1000s): no forks.
    nfds() { # PID: its open fds, or "-" when gone
        if alive "$1"; then
            local f=(/proc/"$1"/fd/*)
            echo "${#f[@]}"
        else
            echo -
        fi
    }
    consumerds() { # the live lttng-consumerd processes of the namespace
        local d c
        for d in /proc/[0-9]*; do
            { read -r c <"$d/comm"; } 2>/dev/null || continue
            [[ $c == lttng-consumerd ]] && alive "${d#/proc/}" && echo "${d#/proc/}"
        done
    }
    cons_fds() { # fds summed over the consumerds ("-" when none), and how many
        local p sum=0 k=0 f
        for p in $(consumerds); do
            f=$(nfds "$p")
            [[ $f == - ]] && continue
            sum=$((sum + f))
            k=$((k + 1))
        done
        if ((k)); then echo "$sum $k"; else echo "- 0"; fi
    }
    nofile() { # PID: "soft/hard" RLIMIT_NOFILE
        awk '/^Max open files/ {print $4 "/" $5}' "/proc/$1/limits" 2>/dev/null || echo -
    }
    emfile() { grep -Eci 'too many open files|EMFILE' "$dlog" 2>/dev/null || true; }
    asu() { setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"; }
    cli() { # TIMEOUT ARGS...: lttng as the user, output appended to the steps log
        local lim=$1
        shift
        echo "\$ lttng $*" >>"$dlog.steps"
        timeout -k 2 "$lim" setpriv --reuid="$uid" --regid="$gid" --clear-groups \
            lttng "$@" >>"$dlog.steps" 2>&1
    }
    apps_alive() {
        local p k=0
        for p in "${apps[@]}"; do alive "$p" && k=$((k + 1)); done
        echo "$k"
    }
    finish() { # kill what is left, by PID
        local p
        for p in "${apps[@]}"; do kill -KILL "$p" 2>/dev/null; done
        if [[ -n $sd ]] && alive "$sd"; then
            kill -TERM "$sd" 2>/dev/null
            for ((i = 0; i < 50; i++)); do alive "$sd" || break; sleep 0.1; done
            alive "$sd" && kill -KILL "$sd" 2>/dev/null
        fi
        for p in $(consumerds); do kill -KILL "$p" 2>/dev/null; done
    }

    uid=$(id -u "$SCALE_USER") && gid=$(id -g "$SCALE_USER") || { kv error "no user $SCALE_USER"; exit 1; }
    mount -t tmpfs -o mode=0755 scale-base "$base" || { kv error "mount base"; exit 1; }
    mkdir -p /var/run/lttng
    mount -t tmpfs -o mode=0755 scale-run /var/run/lttng || { kv error "mount run"; exit 1; }
    mount -t tmpfs -o mode=1777,size=8g scale-shm /dev/shm || { kv error "mount shm"; exit 1; }
    ip link set lo up 2>/dev/null
    export HOME=$base/home LTTNG_HOME=$base/home TMPDIR=$base/tmp
    mkdir -p "$HOME" "$TMPDIR" "$base/ready"
    chown "$uid:$gid" "$HOME" "$TMPDIR" "$base/ready"
    chmod 0700 "$HOME" "$TMPDIR"
    cd "$HOME" || exit 1
    go=$base/ready/go
    : >"$dlog.steps"

    kv daemon_path "$daemon"
    kv user "$SCALE_USER"
    # --- the daemon: per-user, soft fd limit
    say "start $daemon as $SCALE_USER with ulimit -Sn $SCALE_FDLIMIT"
    (ulimit -Sn "$SCALE_FDLIMIT" || exit 1
        if [[ -n $SCALE_FDHARD ]]; then ulimit -Hn "$SCALE_FDHARD" || exit 1; fi
        exec setpriv --reuid="$uid" --regid="$gid" --clear-groups \
        "$daemon" --no-kernel) >>"$dlog" 2>&1 &
    sd=$!
    for ((i = 0; i < 100; i++)); do
        timeout -k 2 5 setpriv --reuid="$uid" --regid="$gid" --clear-groups lttng list \
            >/dev/null 2>&1 && break
        alive "$sd" || break
        sleep 0.1
    done
    if ! cli 5 list; then
        kv error "daemon not answering"
        finish
        exit 0
    fi
    kv sessiond_nofile "$(nofile "$sd")"
    kv fds_idle "$(nfds "$sd")"

    # --- the session
    if [[ $buffers == uid ]]; then subsize=${SCALE_UID_SUBBUF%:*} subnum=${SCALE_UID_SUBBUF#*:}; else
        subsize=${SCALE_PID_SUBBUF%:*} subnum=${SCALE_PID_SUBBUF#*:}; fi
    kv subbuf "$subsize x $subnum"
    cli 30 create s --output="$HOME/trace" &&
        cli 30 enable-channel -u c --buffers-"$buffers" --subbuf-size="$subsize" --num-subbuf="$subnum" &&
        cli 30 enable-event -u -c c sample:app_start,sample:integers,sample:app_end &&
        cli 30 add-context -u -c c -t vpid &&
        cli 30 start
    rc=$?
    if ((rc)); then
        kv error "session setup failed (rc $rc)"
        finish
        exit 0
    fi
    local cf
    read -r cf _ < <(cons_fds)
    kv fds_started "$(nfds "$sd") $cf"

    # --- N applications, in batches
    t0=$(now)
    local b0 j k bt batch_ms_max=0 started=0
    for ((b0 = 0; b0 < n; b0 += SCALE_BATCH)); do
        bt=$(now)
        for ((j = b0; j < b0 + SCALE_BATCH && j < n; j++)); do
            asu "$app" -n 1 -t 1 --ready-file "$base/ready/$j" --wait-file "$go" </dev/null >/dev/null 2>&1 &
            apps+=($!)
            started=$((started + 1))
        done
        # bounded wait for this batch's ready files (lttng-ust gives up registering after 3 s)
        for ((k = 0; k < 100; k++)); do
            local missing=0
            for ((j = b0; j < b0 + SCALE_BATCH && j < n; j++)); do
                [[ -e $base/ready/$j ]] || { missing=$((missing + 1)); break; }
            done
            ((missing == 0)) && break
            sleep 0.1
        done
        local ms
        ms=$(ms_since "$bt")
        ((ms > batch_ms_max)) && batch_ms_max=$ms
        if (($(ms_since "$t0") > SCALE_START_LIMIT * 1000)); then
            say "start-up took over ${SCALE_START_LIMIT}s: stopped at $started applications"
            break
        fi
    done
    local -a ready_n=("$base"/ready/[0-9]*)
    kv started "$started"
    kv ready "${#ready_n[@]}"
    kv startup_ms "$(ms_since "$t0")"
    kv batch_ms_max "$batch_ms_max"
    say "started $started, ready ${#ready_n[@]}"

    # --- settle: the sessiond's fd count stable over 3 samples 1 s apart (at most 30 s)
    local prev=-1 same=0 cur peak_sd=0 peak_cd=0
    for ((k = 0; k < 30; k++)); do
        cur=$(nfds "$sd")
        read -r cf _ < <(cons_fds)
        [[ $cur != - ]] && ((cur > peak_sd)) && peak_sd=$cur
        [[ $cf != - ]] && ((cf > peak_cd)) && peak_cd=$cf
        if [[ $cur == "$prev" ]]; then same=$((same + 1)); else same=0; fi
        ((same >= 2)) && break
        prev=$cur
        sleep 1
    done
    kv settle_s "$k"

    # --- measure, every application alive
    kv apps_alive "$(apps_alive)"
    local lt
    lt=$(now)
    timeout -k 2 30 setpriv --reuid="$uid" --regid="$gid" --clear-groups lttng list -u \
        >"$SCALE_LIST" 2>&1
    rc=$?
    kv list_rc "$rc"
    kv list_ms "$(ms_since "$lt")"
    kv registered "$(grep -Eo '^PID: [0-9]+' "$SCALE_LIST" | sort -u | wc -l)"
    local sfd cn
    sfd=$(nfds "$sd")
    read -r cf cn < <(cons_fds)
    [[ $sfd != - ]] && ((sfd > peak_sd)) && peak_sd=$sfd
    [[ $cf != - ]] && ((cf > peak_cd)) && peak_cd=$cf
    kv sessiond_fds "$sfd"
    kv consumerd_fds "$cf"
    kv consumerd_count "$cn"
    kv peak_fds "$peak_sd $peak_cd"
    kv sessiond_alive_measure "$(alive "$sd" && echo 1 || echo 0)"
    kv emfile_measure "$(emfile)"
    local rss
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$sd/status" 2>/dev/null)
    kv sessiond_rss_kb "${rss:--}"
    say "measured: registered $(grep -Eo '^PID: [0-9]+' "$SCALE_LIST" | sort -u | wc -l), list rc $rc, fds $sfd/$cf"

    # --- release the applications: they emit and exit (at most 60 s)
    asu touch "$go"
    local rt left
    rt=$(now)
    for ((k = 0; k < 600; k++)); do
        left=$(apps_alive)
        ((left == 0)) && break
        sleep 0.1
    done
    kv apps_stuck "$left"
    kv release_ms "$(ms_since "$rt")"
    sleep 1
    kv fds_after_exit "$(nfds "$sd") $(cons_fds | cut -d' ' -f1)"

    # --- stop, destroy
    local st
    st=$(now)
    cli 60 stop s
    kv stop_rc "$?"
    kv stop_ms "$(ms_since "$st")"
    kv discarded "$(grep -Eo '[0-9]+ events were discarded' "$dlog.steps" | awk '{s += $1} END {print s + 0}')"
    st=$(now)
    cli 60 destroy s
    kv destroy_rc "$?"
    kv destroy_ms "$(ms_since "$st")"
    kv sessiond_alive_end "$(alive "$sd" && echo 1 || echo 0)"
    # the CLI's "no daemon" answers after set-up (list, stop, destroy)
    kv no_daemon_msgs "$(cat "$SCALE_LIST" <(sed -n '/^\$ lttng stop/,$p' "$dlog.steps") |
        grep -c 'No session daemon is available')"
    kv consumerd_alive_end "$(consumerds | wc -l)"
    read -r cf _ < <(cons_fds)
    kv fds_end "$(nfds "$sd") $cf"
    kv emfile "$(emfile)"
    for p in "${apps[@]}"; do kill -KILL "$p" 2>/dev/null; done
    finish
    sd=""

    # --- traced: distinct vpids in babeltrace2's output
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    local btout=$base/bt.txt dirs bad=0
    st=$(now)
    timeout -k 2 "$SCALE_BT_LIMIT" babeltrace2 "$HOME/trace" 2>"$base/bt.err" |
        grep -Eo 'vpid = [0-9]+' | sort -u >"$btout"
    rc=${PIPESTATUS[0]}
    kv bt_rc "$rc"
    kv bt_ms "$(ms_since "$st")"
    mapfile -t dirs < <(find "$HOME/trace" -name metadata -printf '%h\n' 2>/dev/null | sort)
    kv trace_dirs "${#dirs[@]}"
    if ((rc != 0)); then
        head -c 2000 "$base/bt.err" >>"$dlog.steps"
        : >"$btout"
        local d
        st=$(now)
        for d in "${dirs[@]}"; do
            if (($(ms_since "$st") > SCALE_BT_LIMIT * 1000)); then
                bad=$((bad + 1))
                continue
            fi
            timeout -k 2 20 babeltrace2 "$d" 2>/dev/null | grep -Eo 'vpid = [0-9]+' >>"$btout"
            ((PIPESTATUS[0] != 0)) && bad=$((bad + 1))
        done
        sort -u -o "$btout" "$btout"
    fi
    kv bt_unreadable "$bad"
    kv traced "$(wc -l <"$btout")"
    kv "done" 1
}

if [[ ${1:-} == __inner ]]; then
    inner
    exit 0
fi

# ===========================================================================
# Host side.
# ===========================================================================
die() {
    echo "$prog: $*" >&2
    exit 1
}
usage() { sed -n '/^# Usage:/,/^set -u/p' "$script" | sed '$d; s/^# \{0,1\}//'; }

daemons=ours,real
bufs=uid,pid
ns=250,1000
fdlimit=1024
fdhard=
batch=50
pid_subbuf=4096:2
uid_subbuf=1M:4
user=lttng-test-user
results=/tmp/lttng-app-scale.$(date +%Y%m%d-%H%M%S)
real=/usr/bin/lttng-sessiond
ours=$repo/build/src/sessiond/lttng-sessiond
app=$repo/build/tests/apps/sample/lttng-sample-app
while (($#)); do
    case $1 in
    --daemons) daemons=$2; shift 2 ;;
    --buffers) bufs=$2; shift 2 ;;
    --n) ns=$2; shift 2 ;;
    --fd-limit) fdlimit=$2; shift 2 ;;
    --fd-hard) fdhard=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --pid-subbuf) pid_subbuf=$2; shift 2 ;;
    --uid-subbuf) uid_subbuf=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --real) real=$2; shift 2 ;;
    --ours) ours=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
(($(id -u) == 0)) || die "must run as root (it mounts tmpfs in private namespaces and switches user)"
[[ -z $fdhard || $fdhard =~ ^[0-9]+$ ]] || die "--fd-hard takes a number"
[[ $fdlimit =~ ^[0-9]+$ && $batch =~ ^[1-9][0-9]*$ ]] || die "--fd-limit and --batch take numbers"
[[ $ns =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--n takes numbers separated by commas"
for t in lttng babeltrace2 unshare setpriv python3 timeout; do
    command -v "$t" >/dev/null || die "$t not found"
done
[[ -x $app ]] || die "sample application not found: $app (ninja -C build)"
IFS=, read -ra daemon_list <<<"$daemons"
IFS=, read -ra buf_list <<<"$bufs"
IFS=, read -ra n_list <<<"$ns"
for d in "${daemon_list[@]}"; do [[ $d == ours || $d == real ]] || die "unknown daemon '$d'"; done
for b in "${buf_list[@]}"; do [[ $b == uid || $b == pid ]] || die "unknown buffer type '$b'"; done
[[ " ${daemon_list[*]} " == *" real "* && ! -x $real ]] && die "reference daemon not found: $real"
if ! err=$(bash "$repo/tests/integration/lib/test-accounts.sh" --plain "$user" 2>&1); then
    die "test account $user: $err"
fi

mkdir -p "$results/runs" "$results/ns" || die "cannot create $results"
chmod 0755 "$results" "$results/runs"
tmp=$results
# Freeze our daemon and its consumer daemon, in the layout the daemon looks for.
if [[ " ${daemon_list[*]} " == *" ours "* ]]; then
    [[ -x $ours ]] || die "our daemon not found: $ours (ninja -C build)"
    mkdir -p "$tmp/ours/sessiond" "$tmp/ours/consumerd"
    cp "$ours" "$tmp/ours/sessiond/lttng-sessiond" || die "cannot copy $ours"
    cp "$(dirname "$ours")/../consumerd/lttng-consumerd" "$tmp/ours/consumerd/" ||
        die "cannot copy our lttng-consumerd"
    chmod -R a+rX "$tmp/ours"
fi
cp "$app" "$tmp/sample-app" && chmod a+rx "$tmp/sample-app" || die "cannot copy $app"
chmod a+rx "$tmp"
ours_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$repo" status --porcelain -- src 2>/dev/null) ]] && ours_rev+="+dirty"
real_version=$(dpkg-query -W -f='${Version}' lttng-tools 2>/dev/null || echo unknown)
{
    echo "ours=$ours_rev real=$real_version fd_limit=$fdlimit fd_hard=${fdhard:-unchanged} batch=$batch user=$user"
    echo "pid_subbuf=$pid_subbuf uid_subbuf=$uid_subbuf cpus=$(nproc) date=$(date -Is)"
} >"$results/meta"

started=$SECONDS
for n in "${n_list[@]}"; do
    for b in "${buf_list[@]}"; do
        for d in "${daemon_list[@]}"; do
            case $d in real) daemon=$real ;; ours) daemon=$tmp/ours/sessiond/lttng-sessiond ;; esac
            tag=$d-$b-$n
            out=$results/runs/$tag.kv
            : >"$out"
            {
                echo "daemon=$d"
                echo "buffers=$b"
                echo "n=$n"
            } >>"$out"
            # bounded: start-up cap + settle + list + release + stop/destroy + babeltrace2
            start_limit=$((60 + n / 5))
            bt_limit=$((60 + n / 5))
            limit=$((30 + start_limit + 30 + 30 + 60 + 120 + bt_limit + 30))
            echo "$prog: $tag (at most ${limit}s)" >&2
            t0=$SECONDS
            timeout -k 5 "$limit" unshare --mount --pid --fork --mount-proc \
                --propagation private --net --kill-child=SIGKILL \
                env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
                SCALE_BASE="$results/ns" SCALE_DAEMON="$daemon" SCALE_APP="$tmp/sample-app" \
                SCALE_N="$n" SCALE_BUFFERS="$b" SCALE_OUT="$out" SCALE_LOG="$results/runs/$tag.log" \
                SCALE_LIST="$results/runs/$tag.list" SCALE_USER="$user" SCALE_FDLIMIT="$fdlimit" SCALE_FDHARD="$fdhard" \
                SCALE_BATCH="$batch" SCALE_PID_SUBBUF="$pid_subbuf" SCALE_UID_SUBBUF="$uid_subbuf" \
                SCALE_START_LIMIT="$start_limit" SCALE_BT_LIMIT="$bt_limit" \
                /bin/bash "$script" __inner 2>>"$results/runs/$tag.log"
            rc=$?
            echo "run_rc=$rc" >>"$out"
            echo "run_s=$((SECONDS - t0))" >>"$out"
            grep -q '^done=1' "$out" || echo "$prog: $tag incomplete (exit $rc); see $results/runs/$tag.*" >&2
        done
    done
done
echo "$prog: $((SECONDS - started))s; results in $results" >&2
python3 "$bench_dir/app-scale-report.py" "$results"
