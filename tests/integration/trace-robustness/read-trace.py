#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A second reader of our traces: babeltrace2's Python bindings (python3-bt2).

Usage: read-trace.py TRACE_DIR --pid PID --iterations N --threads T
                     --buffering uid|pid --session NAME

TRACE_DIR holds the trace of ONE run of lttng-sample-app -n N -t T (process
PID), recorded with every sample:* event and the vpid, vtid and procname
contexts. Checks, through bt2.TraceCollectionMessageIterator (not the
babeltrace2 CLI):

  * the trace's environment (domain, tracer, buffering scheme, session name,
    hostname, and for per-PID buffers the vpid and procname) and its clock;
  * no discarded events or packets;
  * the events: names and counts, contexts (vpid, procname, vtid of the main
    thread and of the workers), and every payload field of every event against
    sample_values_fill() of tests/apps/sample/sample-app.c recomputed here;
  * the event classes: log levels and the model EMF URI;
  * the order: per stream, timestamps never go back; per worker thread, the
    events come in emission order (iteration, then the fixed order of kinds).

Prints TAP lines "ok - ..." / "not ok - ..." (unnumbered) and "# " comments.
"""
import argparse
import os
import socket
import sys

import bt2

KINDS = ["integers", "hex", "network", "floats", "strings", "arrays", "sequences",
         "enums", "nowrite", "model_uri"]
LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug_system",
          "debug_program", "debug_process", "debug_module", "debug_unit",
          "debug_function", "debug_line", "debug"]
PER_ITER = ["sample:" + k for k in KINDS] + ["sample:level_" + lv for lv in LEVELS]
PROCNAME = "lttng-sample-ap"

results = []


def report(ok, what, details=()):
    results.append(ok)
    print("%s - bt2: %s" % ("ok" if ok else "not ok", what))
    if not ok:
        for d in list(details)[:8]:
            print("#   %s" % d)


def expected_payload(name, t, i):
    """The payload fields sample_values_fill(t, i) gives event NAME, as Python values.

    Enumerations are (value, [labels]); text arrays and sequences are strings."""
    k = t * 10 + i
    s = "thread %d iter %d" % (t, i)
    base = {"thread": t, "iter": i}
    short = name[len("sample:"):]
    seq_len = i % 8 + 1
    if short == "integers":
        base.update(s8=-100 - k % 29, s16=-30000 + k % 1000, s32=-2**31 + k % 1000000,
                    s64=-2**63 + k, u8=200 + k % 56, u16=65000 + k % 536,
                    u32=4000000000 + k % 1000000, u64=2**64 - 1 - k)
    elif short == "hex":
        base.update(x8=0xa0 + k % 96, x16=0xbee0 + k % 32, x32=0xdeadbe00 + k % 256,
                    x64=0xcafebabe00000000 + k)
    elif short == "network":
        base.update(n16=8080 + k % 1000, n32=0x0a000001 + k % 1000000, n64=-1000 * k - 1,
                    nx16=0x1f90 + k % 16, nx32=0xc0a80000 + k % 65536)
    elif short == "floats":
        base.update(f32=1.5 + k % 1000, f64=-0.25 - 100.0 * k)
    elif short == "strings":
        base.update(str=s, empty="", utf8="caf\u00e9 \u2713")
    elif short == "arrays":
        base.update(a32=[k, -k, 2 * k, -1], a8=[k % 256, 255, 0],
                    ax16=[0xab00 + k % 256, 0x00ff], an32=[0x01020304, 1000000 + k],
                    anx16=[0xbeef, 0x0100 + k % 256], atext="t%d-i%d" % (t % 100, i % 100))
    elif short == "sequences":
        base.update(_seq64_length=seq_len, seq64=[1000 * k - j for j in range(seq_len)],
                    _seqx8_length=seq_len, seqx8=[0xf0 + j for j in range(seq_len)],
                    _seqn32_length=seq_len,
                    seqn32=[100000 * (j + 1) + k for j in range(seq_len)],
                    _seqnx16_length=seq_len,
                    seqnx16=[0xca00 + 16 * j + t % 16 for j in range(seq_len)],
                    _stext_length=len(s), stext=s, _seq_empty_length=0, seq_empty=[])
    elif short == "enums":
        flags = (k * 20) % 256
        base.update(e_value=(k % 2, ["RUNNING" if k % 2 else "IDLE"]),
                    e_range=(10 + k % 10, ["BUSY"]), e_auto=(20, ["AFTER_BUSY"]),
                    e_negative=(-5, ["NEGATIVE"]), e_unknown=(1000 + k % 1000, []),
                    e_flags=(flags, ["NONE" if flags == 0 else "LOW" if flags < 128
                                     else "HIGH"]))
    elif short == "nowrite":
        base.update(visible=k)
    elif short == "model_uri":
        pass
    elif short.startswith("level_"):
        base.update(level=short[len("level_"):])
    else:
        return None
    return base


def to_python(field):
    """A payload field as a plain Python value (enumerations: (value, labels))."""
    if isinstance(field, bt2._EnumerationFieldConst):
        value = int(field)
        # (bt2 2.0's mappings_for_value() and .labels fail on an unmapped value.)
        labels = sorted(label for label in field.cls
                        if any(r.lower <= value <= r.upper for r in field.cls[label].ranges))
        return (value, labels)
    if isinstance(field, bt2._IntegerFieldConst):
        return int(field)
    if isinstance(field, bt2._RealFieldConst):
        return float(field)
    if isinstance(field, bt2._StringFieldConst):
        return str(field)
    if isinstance(field, bt2._ArrayFieldConst):
        return [to_python(f) for f in field]
    if isinstance(field, bt2._StructureFieldConst):
        return {k: to_python(v) for k, v in field.items()}
    return repr(field)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--buffering", choices=("uid", "pid"), required=True)
    ap.add_argument("--session", required=True)
    a = ap.parse_args()

    events = []        # (name, payload dict, vpid, vtid, procname, stream addr, ns)
    discarded = []
    envs = {}
    clocks = set()
    classes = {}
    try:
        for msg in bt2.TraceCollectionMessageIterator(a.trace):
            if isinstance(msg, bt2._EventMessageConst):
                ev = msg.event
                ctx = ev.common_context_field
                events.append((ev.name, to_python(ev.payload_field), int(ctx["vpid"]),
                               int(ctx["vtid"]), str(ctx["procname"]), ev.stream.addr,
                               msg.default_clock_snapshot.ns_from_origin))
                if ev.name not in classes:
                    classes[ev.name] = (ev.cls.log_level, ev.cls.emf_uri)
            elif isinstance(msg, (bt2._DiscardedEventsMessageConst,
                                  bt2._DiscardedPacketsMessageConst)):
                discarded.append(type(msg).__name__)
            elif isinstance(msg, bt2._StreamBeginningMessageConst):
                tr = msg.stream.trace
                envs[tr.addr] = {k: (int(v) if isinstance(v, bt2._IntegerValueConst)
                                     else str(v)) for k, v in tr.environment.items()}
                if msg.stream.cls.default_clock_class is not None:
                    clocks.add(msg.stream.cls.default_clock_class.name)
    except bt2._Error as e:
        report(False, "the trace reads without error", str(e).splitlines())
        return
    report(True, "the trace reads without error (%d events)" % len(events))

    # Environment and clock.
    want_env = {"domain": "ust", "tracer_name": "lttng-ust", "tracer_major": 2,
                "tracer_minor": 13, "tracer_buffering_scheme": a.buffering,
                "trace_name": a.session, "hostname": socket.gethostname(),
                "architecture_bit_width": 64}
    if a.buffering == "pid":
        want_env.update(vpid=a.pid, procname=PROCNAME)
    else:
        want_env.update(tracer_buffering_id=os.getuid())
    bad = []
    for env in envs.values():
        for key, val in want_env.items():
            if env.get(key) != val:
                bad.append("env %s = %r, expected %r" % (key, env.get(key), val))
    report(len(envs) == 1 and not bad,
           "one trace, environment %s" % ", ".join("%s=%s" % kv for kv in sorted(want_env.items())),
           ["%d traces" % len(envs)] + bad)
    report(clocks == {"monotonic"}, "every stream's clock is \"monotonic\"", [repr(clocks)])
    report(not discarded, "no discarded events or packets", discarded)

    # Names and counts.
    each = a.iterations * a.threads
    want_counts = {n: each for n in PER_ITER}
    want_counts.update({"sample:app_start": 1, "sample:app_end": 1})
    counts = {}
    for e in events:
        counts[e[0]] = counts.get(e[0], 0) + 1
    diff = ["%s: %s, expected %s" % (n, counts.get(n), want_counts.get(n))
            for n in sorted(set(counts) | set(want_counts)) if counts.get(n) != want_counts.get(n)]
    report(not diff, "event names and counts (%d events: app_start, app_end, 25 kinds x %d)"
           % (2 + 25 * each, each), diff)

    # The brief's example, on its own.
    s8 = [e[1]["s8"] for e in events
          if e[0] == "sample:integers" and e[1]["thread"] == 0 and e[1]["iter"] == 0]
    report(s8 == [-100], "sample:integers thread 0 iter 0: s8 = -100", ["got %r" % s8])
    u64 = [e[1]["u64"] for e in events
           if e[0] == "sample:integers" and e[1]["thread"] == a.threads - 1
           and e[1]["iter"] == a.iterations - 1]
    k = (a.threads - 1) * 10 + a.iterations - 1
    report(u64 == [2**64 - 1 - k], "sample:integers thread %d iter %d: u64 = 2^64-1-%d"
           % (a.threads - 1, a.iterations - 1, k), ["got %r" % u64])

    # Every payload.
    bad = []
    for name, payload, *_ in events:
        if name in ("sample:app_start", "sample:app_end"):
            continue
        want = expected_payload(name, payload.get("thread"), payload.get("iter"))
        if payload != want:
            bad.append("%s: %r != %r" % (name, payload, want))
    report(not bad, "every worker event's payload is sample_values_fill(thread, iter)",
           ["%d wrong payloads" % len(bad)] + bad)
    starts = [e[1] for e in events if e[0] == "sample:app_start"]
    ends = [e[1] for e in events if e[0] == "sample:app_end"]
    report(starts == [{"iterations": a.iterations, "threads": a.threads}]
           and ends == [{"events": 25 * each}],
           "app_start { iterations = %d, threads = %d }, app_end { events = %d }"
           % (a.iterations, a.threads, 25 * each), [repr(starts), repr(ends)])
    pairs = {}
    for name, payload, *_ in events:
        if "thread" in payload:
            key = (payload["thread"], payload["iter"])
            pairs[key] = pairs.get(key, 0) + 1
    want_pairs = {(t, i): 25 for t in range(a.threads) for i in range(a.iterations)}
    report(pairs == want_pairs, "each (thread, iteration) pair has its 25 events",
           ["got %r" % sorted(pairs.items())])

    # Contexts.
    report({e[2] for e in events} == {a.pid}, "vpid = %d on every event" % a.pid,
           [repr(sorted({e[2] for e in events}))])
    report({e[4] for e in events} == {PROCNAME}, "procname = \"%s\" on every event" % PROCNAME,
           [repr(sorted({e[4] for e in events}))])
    main_tids = {e[3] for e in events if e[0] in ("sample:app_start", "sample:app_end")}
    worker_tids = {}
    for name, payload, _, vtid, *_ in events:
        if "thread" in payload:
            worker_tids.setdefault(vtid, set()).add(payload["thread"])
    report(main_tids == {a.pid} and len(worker_tids) == a.threads and a.pid not in worker_tids
           and all(len(v) == 1 for v in worker_tids.values()),
           "app_start/app_end from the main thread (vtid = vpid), %d worker vtids, "
           "one thread index each" % a.threads,
           [repr(main_tids), repr(worker_tids)])

    # Event classes.
    want_levels = {"sample:level_" + lv: n for n, lv in enumerate(LEVELS)}
    want_levels.update({"sample:integers": 13, "sample:app_start": 5, "sample:app_end": 5,
                        "sample:model_uri": 6})
    bad = ["%s: log level %r, expected %d" % (n, classes.get(n, (None,))[0], lv)
           for n, lv in sorted(want_levels.items())
           if classes.get(n, (None,))[0] is None or int(classes[n][0]) != lv]
    report(not bad, "event class log levels (level_* 0..14, integers 13, app_* 5, model_uri 6)",
           bad)
    uri = classes.get("sample:model_uri", (None, None))[1]
    report(uri == "http://example.invalid/models/sample.ecore#//ModelUri",
           "sample:model_uri's EMF URI", ["got %r" % uri])

    # Order.
    last_ns = {}
    back = 0
    for e in events:
        if e[6] < last_ns.get(e[5], 0):
            back += 1
        last_ns[e[5]] = e[6]
    report(back == 0, "timestamps never go back within a stream", ["%d go back" % back])
    order_bad = []
    seen = {}
    for name, payload, _, vtid, *_ in events:
        if "thread" not in payload:
            continue
        pos = (payload["iter"], PER_ITER.index(name))
        if vtid in seen and pos <= seen[vtid]:
            order_bad.append("vtid %d: %s iter %d after %r" % (vtid, name, payload["iter"],
                                                              seen[vtid]))
        seen[vtid] = pos
    report(not order_bad, "each worker's events come in emission order", order_bad)


if __name__ == "__main__":
    main()
    print("# bt2: %d checks, %d failed" % (len(results), results.count(False)))
    sys.exit(0 if all(results) else 1)
