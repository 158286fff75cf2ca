#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Our kernel trace against the reference ftrace instance recorded beside it.

  compare.py OURS REF WORKLOAD_OUT [--ours-is-ref] [--trim-us 1000] [--ts-tol-us 50]
             [--no-trace-checks] [--hostname NAME]

OURS: our session's output (or its kernel/ dir), read with python3-bt2;
--ours-is-ref: OURS is a second lttng-test-ref-recorder dump (checks the checker:
two reference instances must agree). REF: the dump of lttng-test-ref-recorder,
run on the same events over the same time. WORKLOAD_OUT: lttng-test-workload's
stdout (its pid, threads, children).

Compared: the events of the workload's tasks (the task current when the event
was recorded, plus the sched_switch events switching to one of them), inside the
time window both recordings cover (the later first event to the earlier last
event, TRIM removed at both ends): per (tid, LTTng event name) the counts, then
the ordered field tuples (ftrace fields mapped to LTTng's by ktrace.map_ftrace;
only the fields the reference knows), the CPU of each pair, and their timestamps
within TS_TOL.

Trace-level facts of OURS: metadata env domain "kernel", tracer_name
"lttng-modules", tracer_major/minor 2/13, kernel_release = uname -r, hostname;
clock "monotonic" whose uuid is /proc/sys/kernel/random/boot_id; each packet's
cpu_id is its stream file's CPU; timestamps non-decreasing per stream; no
discarded events. The reference must have dropped nothing.

Prints the differences; exit status 1 on any.
"""
import argparse
import collections
import os
import socket
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktrace  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("ref")
    ap.add_argument("workload")
    ap.add_argument("--ours-is-ref", action="store_true")
    ap.add_argument("--trim-us", type=int, default=1000)
    ap.add_argument("--ts-tol-us", type=int, default=50)
    ap.add_argument("--no-trace-checks", action="store_true")
    ap.add_argument("--hostname", default=socket.gethostname())
    ap.add_argument("--max-diffs", type=int, default=10)
    a = ap.parse_args()

    problems = []
    w = ktrace.Workload(a.workload)
    tids = w.tids()

    ref, rinfo = ktrace.read_ref(a.ref)
    for cpu, n in sorted(rinfo.dropped.items()):
        if n:
            problems.append("reference: %d events dropped on CPU %d (buffer too small?)" % (n, cpu))
    for cpu, n in sorted(rinfo.missed.items()):
        problems.append("reference: pages of CPU %d flag %d missed events" % (cpu, n))

    if a.ours_is_ref:
        ours, oinfo = ktrace.read_ref(a.ours)
        for cpu, n in sorted(oinfo.dropped.items()):
            if n:
                problems.append("ours (ref dump): %d events dropped on CPU %d" % (n, cpu))
    else:
        ours, oinfo = ktrace.read_lttng(a.ours)
        if not a.no_trace_checks:
            problems += trace_checks(oinfo, a.hostname)

    print("# ours: %d events, reference: %d events" % (len(ours), len(ref)))
    if not ours or not ref:
        problems.append("no events on one side (ours %d, reference %d)" % (len(ours), len(ref)))
        return report(problems)

    trim = a.trim_us * 1000
    lo = max(oinfo.first_ts, rinfo.first_ts) + trim
    hi = min(oinfo.last_ts, rinfo.last_ts) - trim
    print("# window [%d, %d] (%.1f ms); workload tids %s" % (lo, hi, (hi - lo) / 1e6, sorted(tids)))
    if hi <= lo:
        problems.append("the recordings do not overlap (ours %d..%d, reference %d..%d)"
                        % (oinfo.first_ts, oinfo.last_ts, rinfo.first_ts, rinfo.last_ts))
        return report(problems)

    def select(events, side):
        out = collections.defaultdict(list)
        outside = 0
        for e in events:
            key = e.tid
            if key not in tids:
                if e.name == "sched_switch" and e.fields.get("next_tid") in tids:
                    key = ("to", e.fields["next_tid"])
                else:
                    continue
            if not lo <= e.ts <= hi:
                outside += 1
                continue
            out[(key, e.name)].append(e)
        if outside:
            print("# %s: %d events of the workload outside the window (not compared)" % (side, outside))
        return out

    o = select(ours, "ours")
    r = select(ref, "reference")
    tol = a.ts_tol_us * 1000
    max_dt = 0
    compared = 0
    diffs = 0
    for key in sorted(set(o) | set(r), key=lambda k: (str(k[0]), k[1])):
        oe, re_ = o.get(key, []), r.get(key, [])
        who = ("switch to %d" % key[0][1]) if isinstance(key[0], tuple) else "tid %s" % key[0]
        if len(oe) != len(re_):
            problems.append("%s %s: ours %d, reference %d" % (who, key[1], len(oe), len(re_)))
        for i, (x, y) in enumerate(zip(oe, re_)):
            compared += 1
            want = y.fields
            if ktrace.loose_fields(key[1]):
                want = {k: v for k, v in y.fields.items()
                        if k in x.fields and isinstance(x.fields[k], int)}
            got = {k: x.fields.get(k, "<missing>") for k in want}
            if key[1] == "sched_switch" and {got.get("prev_state"), want.get("prev_state")} == {16, 32}:
                # The last switch of an exiting task: each ftrace instance's probe
                # reads its exit_state on its own, and its parent may reap it
                # between the two reads (EXIT_ZOMBIE 32, then EXIT_DEAD 16).
                got["prev_state"] = want["prev_state"]
            bad = []
            if not ktrace.same_fields(got, want):
                bad.append("fields ours %s, reference %s" % (got, want))
            if x.cpu != y.cpu:
                bad.append("CPU ours %s, reference %s" % (x.cpu, y.cpu))
            dt = abs(x.ts - y.ts)
            max_dt = max(max_dt, dt)
            if dt > tol:
                bad.append("timestamps %d vs %d (%.1f us apart)" % (x.ts, y.ts, dt / 1000))
            if bad:
                diffs += 1
                if diffs <= a.max_diffs:
                    problems.append("%s %s #%d: %s" % (who, key[1], i, "; ".join(bad)))
    if diffs > a.max_diffs:
        problems.append("... %d differing pairs in all" % diffs)
    print("# compared %d pairs of events; largest timestamp gap %.1f us" % (compared, max_dt / 1000))
    if compared == 0:
        problems.append("no workload event compared")
    counts = collections.Counter()
    for (k, name), v in o.items():
        counts[name] += len(v)
    print("# ours, workload events per name: %s" % dict(sorted(counts.items())))
    return report(problems)


def trace_checks(info, hostname):
    p = list(info.problems)
    env = info.env

    def want(key, value):
        if env.get(key) != value:
            p.append("metadata env %s = %r, expected %r" % (key, env.get(key), value))

    want("domain", "kernel")
    want("tracer_name", "lttng-modules")
    want("tracer_major", 2)
    want("tracer_minor", 13)
    want("kernel_release", os.uname().release)
    want("hostname", hostname)
    if info.clock is None:
        p.append("no event, no clock")
    else:
        name, cuuid, freq, _, _ = info.clock
        if name != "monotonic":
            p.append("clock name %r, expected 'monotonic'" % name)
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = str(uuid.UUID(f.read().strip()))
        if cuuid != boot:
            p.append("clock uuid %s, expected the boot_id %s" % (cuuid, boot))
        if freq != 1000000000:
            p.append("clock freq %s, expected 1000000000" % freq)
    if info.discarded or info.discarded_unknown:
        p.append("%d events discarded (+%d messages without a count)"
                 % (info.discarded, info.discarded_unknown))
    if info.lost_packets:
        p.append("%d packets lost" % info.lost_packets)
    return p


def report(problems):
    for x in problems:
        print("DIFF: " + x)
    print("compare: %s" % ("%d differences" % len(problems) if problems else "same"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
