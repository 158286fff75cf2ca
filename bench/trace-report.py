#!/usr/bin/python3
"""Summarise run-trace-bench.sh samples: medians, ours/real ratios, targets.

Input: two files of "metric value" lines (lines starting with '#' ignored),
one per daemon, as written by the namespace side of run-trace-bench.sh.
Prints a markdown table (readable as plain text too) and the bisection
probes of each round. Exits 1 only when the samples are unusable (a metric
missing); a missed target is reported, never an error.
"""

import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import GE, LE, Verdicts, finish, load, parser, table_lines  # noqa: E402
from benchlib import fmt_ratio as plain_ratio  # noqa: E402


def rows(a):
    """(metric, label, unit, (direction, target) or None) in table order."""
    n, p = a.apps, a.parallel
    sat = f"{a.threads} threads x {a.load_ms} ms flat out"
    return [
        ("uid_startup_us", f"app start-up, active session, per-UID (median of {n} x rounds)", "us", (LE, 0.7)),
        ("pid_startup_us", f"app start-up, active session, per-PID (median of {n} x rounds)", "us", (LE, 0.7)),
        ("uid_par_wall_us", f"{p} apps started at once, per-UID: wall until all exited", "us", (LE, 0.5)),
        ("pid_par_wall_us", f"{p} apps started at once, per-PID: wall until all exited", "us", (LE, 0.5)),
        ("default_stop_us", "`lttng stop` after recording, default channel", "us", (LE, 0.1)),
        ("default_destroy_us", "`lttng destroy` after recording, default channel", "us", (LE, 0.1)),
        ("default_lossless_per_s", "highest rate with 0 discarded, default channel", "eps", (GE, 1.5)),
        ("big_lossless_per_s", "highest rate with 0 discarded, 1 MiB x 8 channel", "eps", (GE, 1.5)),
        ("default_bytes_per_event", "trace bytes per event, default channel", "B", (LE, 1.0)),
        ("big_bytes_per_event", "trace bytes per event, 1 MiB x 8 channel", "B", (LE, 1.0)),
        ("rss_default_total_kb", "VmRSS, all daemon processes, after recording (default ch.)", "kb", (LE, 0.5)),
        # Information only.
        ("nodaemon_startup_us", "info: app start-up with no session daemon (floor)", "us", None),
        ("nodaemon_par_wall_us", f"info: {p} apps started at once, no session daemon (floor)", "us", None),
        ("mean:uid_startup_us", "info: app start-up, active session, per-UID: mean", "us", None),
        ("mean:pid_startup_us", "info: app start-up, active session, per-PID: mean", "us", None),
        ("idle_startup_us", "info: app start-up, daemon up, no session (registration only)", "us", None),
        ("uid_first_startup_us", "info: first app start-up, per-UID (buffers made for it)", "us", None),
        ("pid_first_startup_us", "info: first app start-up, per-PID", "us", None),
        ("uid_par_startup_us", f"info: start-up of each of the {p} concurrent apps, per-UID", "us", None),
        ("pid_par_startup_us", f"info: start-up of each of the {p} concurrent apps, per-PID", "us", None),
        ("uid_apps_recorded", f"info: apps whose event is in the per-UID trace (of {1 + n + p})", "n", None),
        ("pid_apps_recorded", f"info: apps whose event is in the per-PID trace (of {1 + n + p})", "n", None),
        ("pid_app_traces", f"info: per-PID trace directories (of {1 + n + p} apps)", "n", None),
        ("uid_startup_trace_bytes", "info: size of the per-UID start-up trace", "kb1", None),
        ("pid_startup_trace_bytes", "info: size of the per-PID start-up trace (all apps)", "kb1", None),
        ("pid_metadata_bytes_per_app", "info: metadata file bytes per per-PID app trace", "n", None),
        ("pid_traces_unreadable", "info: per-PID traces babeltrace2 cannot read", "n", None),
        ("big_stop_us", "info: `lttng stop` after recording, 1 MiB x 8 channel", "us", None),
        ("big_destroy_us", "info: `lttng destroy` after recording, 1 MiB x 8 channel", "us", None),
        ("default_sat_emitted_per_s", f"info: events emitted/s, default channel, {sat}", "eps", None),
        ("default_sat_recorded_per_s", f"info: events recorded/s, default channel, {sat}", "eps", None),
        ("default_sat_discarded_ppm", "info: discarded per million at that load, default channel", "n", None),
        ("big_sat_emitted_per_s", f"info: events emitted/s, 1 MiB x 8, {sat}", "eps", None),
        ("big_sat_recorded_per_s", f"info: events recorded/s, 1 MiB x 8, {sat}", "eps", None),
        ("big_sat_discarded_ppm", "info: discarded per million at that load, 1 MiB x 8", "n", None),
        ("default_lossless_at_saturation", "info: rounds lossless even flat out, default ch. (mean)", "frac", None),
        ("big_lossless_at_saturation", "info: rounds lossless even flat out, 1 MiB x 8 (mean)", "frac", None),
        ("default_metadata_bytes", "info: metadata file bytes, default channel trace", "n", None),
        ("default_index_bytes", "info: index file bytes, default channel trace", "n", None),
        ("big_metadata_bytes", "info: metadata file bytes, 1 MiB x 8 trace", "n", None),
        ("big_index_bytes", "info: index file bytes, 1 MiB x 8 trace", "n", None),
        ("default_cpu_ms_per_gib", "info: daemons' CPU per GiB recorded, default channel, flat out", "msg", None),
        ("big_cpu_ms_per_gib", "info: daemons' CPU per GiB recorded, 1 MiB x 8, flat out", "msg", None),
        ("rss_default_sessiond_kb", "info: VmRSS lttng-sessiond after recording", "kb", None),
        ("rss_default_consumerd_kb", "info: VmRSS lttng-consumerd after recording", "kb", None),
        ("rss_default_noshm_kb", "info: VmRSS - RssShmem (ring buffers), all daemon processes", "kb", None),
        ("rss_default_anon_kb", "info: RssAnon, all daemon processes, after recording", "kb", None),
        ("procs_default", "info: daemon processes", "n", None),
        ("rss_big_total_kb", "info: VmRSS, all daemon processes, after 1 MiB x 8 recording", "kb", None),
        ("rss_after_destroy_total_kb", "info: VmRSS, all daemon processes, after destroy", "kb", None),
    ]


def fmt(value, unit):
    if unit == "us":
        return f"{value / 1000:.3f} ms" if value < 10_000_000 else f"{value / 1e6:.2f} s"
    if unit == "kb":
        return f"{value / 1024:.1f} MiB"
    if unit == "kb1":
        return f"{value / 1024:.0f} KiB"
    if unit == "eps":
        return f"{value / 1e6:.2f} M/s"
    if unit == "B":
        return f"{value:.4f} B"
    if unit == "msg":
        return f"{value:.0f} ms"
    if unit == "frac":
        return f"{value:.2f}"
    return f"{value:g}"


def fmt_ratio(ratio, unit):
    if ratio == float("inf"):
        return "inf"
    if unit == "B":
        return f"{ratio:.4f}x"
    return plain_ratio(ratio)


def main():
    ap = parser("--apps", "--parallel", "--threads", "--load-ms")
    a = ap.parse_args()

    data, probes = {}, {}
    for who in ("real", "ours"):
        data[who], probes[who] = load(getattr(a, who), keep=("# probe", "# round"))
    problems = []

    out = [f"- {h}" for h in a.header]
    out.append(
        f"- samples per daemon: {a.rounds} rounds; start-up rows pool {a.apps} (serial) or "
        f"{a.parallel} (concurrent) apps per round; values are medians "
        "(\"mean\" rows: means)"
    )
    out.append("")
    table = [("metric", "real", "ours", "ours/real", "target", "result")]
    verdicts = Verdicts()
    for metric, label, unit, target in rows(a):
        agg = statistics.mean if unit == "frac" else statistics.median
        if metric.startswith("mean:"):
            metric, agg = metric[5:], statistics.mean
        real = data["real"].get(metric)
        ours = data["ours"].get(metric)
        if not real or not ours:
            problems.append(f"no samples for {metric}")
            continue
        mr, mo = agg(real), agg(ours)
        ratio = mo / mr if mr > 0 else (1.0 if mo == 0 else float("inf"))
        tgt, verdict = verdicts.judge(ratio, target)
        table.append((label, fmt(mr, unit), fmt(mo, unit), fmt_ratio(ratio, unit), tgt, verdict))

    out.extend(table_lines(table))
    out.append("")
    out.append(verdicts.summary())
    for who in ("real", "ours"):
        lines = [p for p in probes[who] if p.startswith("probe")]
        if lines:
            out.append("")
            out.append(f"bisection probes, {who} (events/s; discarded during the probe):")
            out.extend(f"    {p}" for p in probes[who])
    return finish(out, a.markdown, problems)


if __name__ == "__main__":
    sys.exit(main())
