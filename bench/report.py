#!/usr/bin/python3
"""Summarise run-control-bench.sh samples: medians, ours/real ratios, targets.

Input: two files of "metric value" lines (lines starting with '#' ignored),
one per daemon, as written by the namespace side of run-control-bench.sh.
Prints a markdown table (readable as plain text too). Exits 1 only when the
samples are unusable (missing metric, wrong session count); a missed target
is reported, never an error.
"""

import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import LE, Verdicts, finish, fmt_ratio, load, parser, table_lines  # noqa: E402

# Targets, as ratios ours/real that must not be exceeded.
START_TARGET = 0.5
RSS_TARGET = 0.5
COMMAND_TARGET = 1.0


def rows(sessions, events):
    """(metric, label, unit, target or None) in table order."""
    load = f"{sessions} sessions x (1 channel + {events} events)"
    return [
        ("start_us", "start-to-ready (`--daemonize --no-kernel`)", "us", START_TARGET),
        ("rss_idle_kb", "VmRSS after start, sessiond", "kb", RSS_TARGET),
        ("rss_loaded_kb", f"VmRSS with {load}, sessiond", "kb", RSS_TARGET),
        ("api_create", "ctl: create", "us", COMMAND_TARGET),
        ("api_enable_channel", "ctl: enable-channel -u", "us", COMMAND_TARGET),
        ("api_enable_event", "ctl: enable-event -u", "us", COMMAND_TARGET),
        ("api_start", "ctl: start", "us", COMMAND_TARGET),
        ("api_stop_nowait", "ctl: stop (no wait)", "us", COMMAND_TARGET),
        ("api_destroy", "ctl: destroy (waits for completion)", "us", COMMAND_TARGET),
        ("api_list", f"ctl: list, {sessions} sessions", "us", COMMAND_TARGET),
        ("cli_create", "cli: lttng create", "us", COMMAND_TARGET),
        ("cli_enable_channel", "cli: lttng enable-channel -u", "us", COMMAND_TARGET),
        ("cli_enable_event", "cli: lttng enable-event -u", "us", COMMAND_TARGET),
        ("cli_start", "cli: lttng start", "us", COMMAND_TARGET),
        ("cli_stop_nowait", "cli: lttng stop --no-wait", "us", COMMAND_TARGET),
        ("cli_destroy", "cli: lttng destroy", "us", COMMAND_TARGET),
        ("cli_list", f"cli: lttng list, {sessions} sessions", "us", COMMAND_TARGET),
        # stop with its data-pending wait, reported apart (see the doc).
        ("api_data_pending_wait", "ctl: data-pending wait after stop", "us", COMMAND_TARGET),
        ("cli_stop_wait", "cli: lttng stop (incl. data-pending wait)", "us", COMMAND_TARGET),
        # Information only.
        ("first_enable_channel", "info: first enable-channel -u after start", "us", None),
        ("rss_idle_total_kb", "info: VmRSS after start, all daemon processes", "kb", None),
        ("rss_loaded_total_kb", f"info: VmRSS with {sessions} sessions, all daemon processes", "kb", None),
        ("procs_loaded", f"info: daemon processes with {sessions} sessions", "n", None),
        ("populate_ms", f"info: populate {load} via ctl", "ms", None),
        ("shutdown_us", f"info: SIGTERM until all processes gone, {sessions} sessions", "us", None),
    ]


def fmt(value, unit):
    if unit == "us":
        return f"{value / 1000:.3f} ms"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "kb":
        return f"{value / 1024:.1f} MiB"
    return f"{value:g}"


def main():
    ap = parser("--sessions", "--events", "--api-reps", "--cli-reps", "--list-reps")
    a = ap.parse_args()

    data = {"real": load(a.real)[0], "ours": load(a.ours)[0]}
    problems = []
    for who, samples in data.items():
        for count in samples.get("api_list_count", []):
            if int(count) != a.sessions:
                problems.append(f"{who}: list saw {int(count)} sessions, expected {a.sessions}")

    out = [f"- {h}" for h in a.header]
    out.append(
        f"- samples per daemon: start/RSS {a.rounds}, ctl commands {a.rounds * a.api_reps}, "
        f"cli commands {a.rounds * a.cli_reps}, list {a.rounds * a.list_reps} each; "
        "values are medians"
    )
    out.append("")
    table = [("metric", "real", "ours", "ours/real", "target", "result")]
    verdicts = Verdicts()
    for metric, label, unit, target in rows(a.sessions, a.events):
        real = data["real"].get(metric)
        ours = data["ours"].get(metric)
        if not real or not ours:
            problems.append(f"no samples for {metric}")
            continue
        mr, mo = statistics.median(real), statistics.median(ours)
        ratio = mo / mr if mr > 0 else float("inf")
        tgt, verdict = verdicts.judge(ratio, None if target is None else (LE, target))
        table.append((label, fmt(mr, unit), fmt(mo, unit), fmt_ratio(ratio), tgt, verdict))

    out.extend(table_lines(table))
    out.append("")
    out.append(verdicts.summary())
    return finish(out, a.markdown, problems)


if __name__ == "__main__":
    sys.exit(main())
