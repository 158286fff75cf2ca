#!/usr/bin/python3
"""Summarise run-control-bench.sh samples: medians, ours/real ratios, targets.

Input: two files of "metric value" lines (lines starting with '#' ignored),
one per daemon, as written by the namespace side of run-control-bench.sh.
Prints a markdown table (readable as plain text too). Exits 1 only when the
samples are unusable (missing metric, wrong session count); a missed target
is reported, never an error.
"""

import argparse
import statistics
import sys

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


def load(path):
    samples = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{path}:{lineno}: malformed line {line!r}")
            samples.setdefault(parts[0], []).append(float(parts[1]))
    return samples


def fmt(value, unit):
    if unit == "us":
        return f"{value / 1000:.3f} ms"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "kb":
        return f"{value / 1024:.1f} MiB"
    return f"{value:g}"


def fmt_ratio(ratio):
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.2f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--sessions", type=int, required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--api-reps", type=int, required=True)
    ap.add_argument("--cli-reps", type=int, required=True)
    ap.add_argument("--list-reps", type=int, required=True)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--markdown")
    a = ap.parse_args()

    data = {"real": load(a.real), "ours": load(a.ours)}
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
    passed = missed = 0
    for metric, label, unit, target in rows(a.sessions, a.events):
        real = data["real"].get(metric)
        ours = data["ours"].get(metric)
        if not real or not ours:
            problems.append(f"no samples for {metric}")
            continue
        mr, mo = statistics.median(real), statistics.median(ours)
        ratio = mo / mr if mr > 0 else float("inf")
        if target is None:
            tgt, verdict = "-", "info"
        else:
            tgt = f"<= {target:g}x"
            if ratio <= target:
                verdict, passed = "PASS", passed + 1
            else:
                verdict, missed = "MISS", missed + 1
        table.append((label, fmt(mr, unit), fmt(mo, unit), fmt_ratio(ratio), tgt, verdict))

    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]

    def line(cells):
        padded = []
        for i, c in enumerate(cells):
            padded.append(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]))
        return "| " + " | ".join(padded) + " |"

    out.append(line(table[0]))
    out.append("|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2))
                              for i, w in enumerate(widths)) + "|")
    out.extend(line(r) for r in table[1:])
    out.append("")
    out.append(f"targets: {passed} PASS, {missed} MISS (a MISS is a finding, not a failure)")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if problems:
        for p in problems:
            print(f"report: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
