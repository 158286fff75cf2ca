#!/usr/bin/python3
"""Summarise run-kernel-bench.sh samples: medians, ours/floor ratios, targets.

Input: two files of "metric value" lines (lines starting with '#' ignored),
one per side (the floor: a bare ftrace instance read by bench/kread.c; ours:
our session daemon and lttng-consumerd -k), as written by the namespace side
of run-kernel-bench.sh. Prints a markdown table (readable as plain text too)
and the bisection probes of each round. Exits 1 only when the samples are
unusable (a metric missing); a missed target is reported, never an error.
"""

import argparse
import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import GE, LE, Verdicts, finish, load, table_lines  # noqa: E402
from benchlib import fmt_ratio as plain_ratio  # noqa: E402

assert GE  # the targets below are all upper bounds


def rows(a):
    """(metric, label, unit, (direction, target) or None) in table order.
    Metrics "slowdown:X" are derived per round (traced / untraced wall)."""
    ev = 2 * a.calls
    return [
        ("lossless_per_s", "(1) events/s recorded with 0 discarded, default channel (highest found)", "eps", None),
        ("reader_cpu_ns_per_event", "(2) reader CPU per recorded event (kread / lttng-consumerd -k)", "ns", None),
        ("bytes_per_event", "(3) trace bytes per event (stream files / events)", "B", (LE, 1.0)),
        ("paired:traced_wall_us", f"(4) workload wall time, traced, flat out ({ev} events; ratio: median of rounds)", "us", (LE, 1.1)),
        # Information only.
        ("slowdown", "info: workload slowdown traced / untraced (same round)", "x", None),
        ("untraced_wall_us", "info: workload wall time, untraced (same round, same namespace)", "us", None),
        ("traced_work_cpu_us", "info: workload CPU time (user+system), traced", "us", None),
        ("untraced_work_cpu_us", "info: workload CPU time (user+system), untraced", "us", None),
        ("traced_total_cpu_us", "info: CPU time, workload + reader (+ lttng-sessiond), traced", "us", None),
        ("traced_preempted", "info: workload involuntary context switches, traced", "n", None),
        ("untraced_preempted", "info: workload involuntary context switches, untraced", "n", None),
        ("sessiond_cpu_us", "info: lttng-sessiond CPU time, start to stop", "us", None),
        ("flat_recorded_per_s", "info: events recorded/s, flat out", "eps", None),
        ("flat_discarded", "info: events discarded, flat out", "n", None),
        ("flat_discarded_ppm", "info: discarded per million emitted, flat out", "n", None),
        ("lossless_at_flat_out", "info: rounds lossless even flat out (mean)", "frac", None),
        ("recorded_events", f"info: events recorded, flat out (expected {ev} + others' calls)", "n", None),
        ("unaccounted_events", "info: recorded + discarded - expected, flat out (per round below)", "diff", None),
        ("reader_cpu_us", "info: reader CPU time, flat-out run", "us", None),
        ("reader_sched_us", "info: consumer CPU time from /proc/PID/task/*/schedstat (ns accounting)", "us", None),
        ("stream_bytes", "info: stream file bytes, flat-out run", "kb1", None),
        ("metadata_bytes", "info: metadata file bytes", "n", None),
        ("index_bytes", "info: index file bytes", "n", None),
        ("floor_wakeups", "info: kread poll wake-ups, flat-out run", "n", None),
        ("flat_stop_us", "info: `lttng stop` after the flat-out run", "us", None),
    ]


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "us":
        return f"{value / 1000:.1f} ms" if value < 10_000_000 else f"{value / 1e6:.2f} s"
    if unit == "kb1":
        return f"{value / 1024:.0f} KiB"
    if unit == "eps":
        return f"{value / 1e6:.3f} M/s"
    if unit == "B":
        return f"{value:.3f} B"
    if unit == "ns":
        return f"{value:.1f} ns"
    if unit in ("frac", "x"):
        return f"{value:.2f}"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def per_round_slowdown(samples):
    traced, untraced = samples.get("traced_wall_us"), samples.get("untraced_wall_us")
    if not traced or not untraced or len(traced) != len(untraced):
        return None
    return [t / u for t, u in zip(traced, untraced) if u > 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--floor", required=True)
    ap.add_argument("--ours", required=True)
    for opt in ("--rounds", "--calls", "--threads"):
        ap.add_argument(opt, type=int, required=True)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--markdown")
    a = ap.parse_args()

    data, notes = {}, {}
    for who in ("floor", "ours"):
        data[who], notes[who] = load(getattr(a, who), keep=("# probe", "# round"))
        data[who]["slowdown"] = per_round_slowdown(data[who])
    problems = []

    out = [f"- {h}" for h in a.header]
    out.append(f"- samples: {a.rounds} rounds per side; values are medians (\"mean\" rows: means)")
    out.append("")
    table = [("metric", "floor", "ours", "ours/floor", "target", "result")]
    verdicts = Verdicts()
    for metric, label, unit, target in rows(a):
        agg = statistics.mean if unit == "frac" else statistics.median
        paired = metric.startswith("paired:")
        if paired:
            metric = metric[len("paired:"):]
        floor = data["floor"].get(metric)
        ours = data["ours"].get(metric)
        if not ours and not floor:
            if target is not None:
                problems.append(f"no samples for {metric}")
            continue
        mf = agg(floor) if floor else None
        mo = agg(ours) if ours else None
        if mf is None or mo is None:
            table.append((label, fmt(mf, unit), fmt(mo, unit), "-", "-", "info"))
            if target is not None:
                problems.append(f"no samples for {metric} on one side")
            continue
        if unit == "diff":
            table.append((label, f"{mf:+g}", f"{mo:+g}", "-", "-", "info"))
            continue
        ratio = mo / mf if mf > 0 else (1.0 if mo == 0 else float("inf"))
        if paired and len(floor) == len(ours) and min(floor) > 0:
            # Both sides ran back to back in each round: the median of the
            # per-round ratios is not swayed by the machine's drift between
            # rounds, which the ratio of the two medians is.
            ratio = statistics.median(o / f for f, o in zip(floor, ours))
        tgt, verdict = verdicts.judge(ratio, target)
        cell = "inf" if ratio == float("inf") else (f"{ratio:.4f}x" if unit == "B" else plain_ratio(ratio))
        table.append((label, fmt(mf, unit), fmt(mo, unit), cell, tgt, verdict))

    out.extend(table_lines(table))
    out.append("")
    out.append(verdicts.summary())
    flat = [data[w].get("lossless_at_flat_out") or [] for w in ("floor", "ours")]
    if all(f and min(f) == 1 for f in flat):
        out.append("(1): both sides recorded the flat-out workload without loss in every round, so "
                   "row (1) is the workload's own top rate (a lower bound of what either can "
                   "record), not a recorder limit")
    wf, wo = data["floor"].get("traced_wall_us") or [], data["ours"].get("traced_wall_us") or []
    if wf and len(wf) == len(wo):
        out.append("(4) per round, ours/floor: " + " ".join(f"{o / f:.2f}" for f, o in zip(wf, wo))
                   + f"; ratio of the medians: {statistics.median(wo) / statistics.median(wf):.2f}x")
    for who in ("floor", "ours"):
        diffs = data[who].get("unaccounted_events") or []
        if diffs:
            out.append(f"{who}: recorded + discarded - expected, per round: "
                       + " ".join(f"{d:+g}" for d in diffs)
                       + " (< 0: events lost without being counted as discarded; > 0: other "
                       "processes' calls of the same system call, or duplicates)")
    for who in ("floor", "ours"):
        lines = [p for p in notes[who] if p.startswith("probe")]
        if lines:
            out.append("")
            out.append(f"bisection probes, {who} (events/s; discarded during the probe):")
            out.extend(f"    {p}" for p in notes[who])
    return finish(out, a.markdown, problems)


if __name__ == "__main__":
    sys.exit(main())
