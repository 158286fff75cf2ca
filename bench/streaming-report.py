#!/usr/bin/python3
"""Summarise run-streaming-bench.sh samples: medians, ours/real ratios, targets.

Input: two files of "metric value" lines ('#' lines ignored), one per daemon,
as written by the namespace side of run-streaming-bench.sh; the throughput
metrics come once per round, in round order, the live ones once per sample.
Prints a markdown table (readable as plain text too). A round that lost events
is reported as such, and ours losing events misses the throughput target
whatever its rate. Exits 1 only when the samples are unusable (a metric
missing); a missed target is reported, never an error.
"""

import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import GE, LE, Verdicts, finish, fmt_ratio, load, parser, table_lines  # noqa: E402

EPS_TARGET = (GE, 1.0)  # events/s through the relay daemon, without loss
LIVE_TARGET = (LE, 0.5)  # live delay, event to reader


def fmt(value, unit):
    if unit == "eps":
        return f"{value / 1e6:.3f} M/s"
    if unit == "us":
        return f"{value / 1000:.1f} ms"
    return f"{value:.0f}"


def main():
    ap = parser("--samples", "--iterations", "--threads")
    a = ap.parse_args()
    data = {"real": load(a.real)[0], "ours": load(a.ours)[0]}
    problems = []
    needed = ("eps", "app_eps", "app_us", "stop_us", "total_us", "destroy_us", "recorded",
              "expected", "discarded", "lost", "daemons_cpu_ms", "relayd_cpu_ms", "missing", "bt_discard_msgs", "bt_rc",
              "live_us", "live_exit_us", "live_app_us", "destroy_live_us", "live_runs",
              "live_events", "live_events_expected", "live_reader_rc")
    for who, samples in data.items():
        for metric in needed:
            if not samples.get(metric):
                problems.append(f"{who}: no samples for {metric}")
    if problems:
        return finish([], None, problems)

    def med(who, metric):
        return statistics.median(data[who][metric])

    def total(who, metric):
        return sum(data[who][metric])

    lossy = {who: sum(1 for v in data[who]["lost"] if v > 0) for who in data}
    expected = int(data["real"]["expected"][0])

    out = [f"- {h}" for h in a.header]
    out.append(
        f"- samples per daemon: throughput {len(data['real']['eps'])} / {len(data['ours']['eps'])} "
        f"rounds, live delays {len(data['real']['live_us'])} / {len(data['ours']['live_us'])} "
        "(real / ours); values are medians unless the row says otherwise")
    out.append("")
    table = [("metric", "real median", "ours median", "ours/real", "target")]
    verdicts = Verdicts()

    def row(label, real, ours, unit, target=None, force_miss=None):
        ratio = ours / real if real else float("inf")
        if target is None:
            cell = "(none)"
        else:
            tgt, verdict = verdicts.judge(ratio, target)
            if force_miss and verdict == "PASS":
                verdicts.passed -= 1
                verdicts.missed += 1
                verdict = f"MISS ({force_miss})"
            cell = f"{tgt}: {verdict}"
        ratio_cell = fmt_ratio(ratio) if real or ours else "-"
        table.append((label, fmt(real, unit), fmt(ours, unit), ratio_cell, cell))

    row("(1) events/s via lttng-relayd, app start to `lttng stop` returned",
        med("real", "eps"), med("ours", "eps"), "eps", EPS_TARGET,
        "ours lost events" if lossy["ours"] else None)
    row("(2) live: app start to the reader printing sample:app_end",
        med("real", "live_us"), med("ours", "live_us"), "us", LIVE_TARGET)
    row("info: events/s while the app runs (app wall time only)",
        med("real", "app_eps"), med("ours", "app_eps"), "eps")
    row("info: app wall time, throughput run", med("real", "app_us"), med("ours", "app_us"), "us")
    row("info: `lttng stop` after the throughput run",
        med("real", "stop_us"), med("ours", "stop_us"), "us")
    row("info: `lttng destroy` of the throughput session",
        med("real", "destroy_us"), med("ours", "destroy_us"), "us")
    row("info: CPU of sessiond + consumerd (+ run-as), app start to stop",
        med("real", "daemons_cpu_ms") * 1000, med("ours", "daemons_cpu_ms") * 1000, "us")
    row("info: CPU of lttng-relayd, app start to stop",
        med("real", "relayd_cpu_ms") * 1000, med("ours", "relayd_cpu_ms") * 1000, "us")
    row(f"info: events read by babeltrace2 (emitted: {expected})",
        med("real", "recorded"), med("ours", "recorded"), "n")
    row("info: events lost (emitted - read), sum over rounds",
        total("real", "lost"), total("ours", "lost"), "n")
    row("info: discarded events (`lttng list`), sum over rounds",
        total("real", "discarded"), total("ours", "discarded"), "n")
    row("info: babeltrace2 discarded-events messages, sum over rounds",
        total("real", "bt_discard_msgs"), total("ours", "bt_discard_msgs"), "n")
    row("info: events lost and not counted as discarded, sum over rounds",
        total("real", "missing"), total("ours", "missing"), "n")
    row("info: rounds with loss", lossy["real"], lossy["ours"], "n")
    row("info: live: app exit to the reader printing sample:app_end",
        med("real", "live_exit_us"), med("ours", "live_exit_us"), "us")
    if data["real"].get("live_event_us") and data["ours"].get("live_event_us"):
        row("info: live: event time stamp to the reader printing it",
            med("real", "live_event_us"), med("ours", "live_event_us"), "us")
    row("info: live: app start to print, fastest sample",
        min(data["real"]["live_us"]), min(data["ours"]["live_us"]), "us")
    row("info: live: app start to print, slowest sample",
        max(data["real"]["live_us"]), max(data["ours"]["live_us"]), "us")
    row("info: live: app wall time (-n 1 -t 1)",
        med("real", "live_app_us"), med("ours", "live_app_us"), "us")
    row("info: live: `lttng destroy` (reader attached)",
        med("real", "destroy_live_us"), med("ours", "destroy_live_us"), "us")
    row("info: live: events printed by the reader, sum over rounds",
        total("real", "live_events"), total("ours", "live_events"), "n")
    row("info: live: events emitted (warm-up included), sum over rounds",
        total("real", "live_events_expected"), total("ours", "live_events_expected"), "n")

    out.extend(table_lines(table))
    out.append("")
    out.append(verdicts.summary())
    for who in ("real", "ours"):
        d = data[who]
        per_round = " ".join(f"{v / 1e6:.2f}" for v in d["eps"])
        lost = " ".join(f"{int(v)}" for v in d["lost"])
        stops = " ".join(f"{v / 1000:.0f}" for v in d["stop_us"])
        out.append(f"{who}: events/s per round (M/s): {per_round}; lost per round: {lost}; "
                   f"`lttng stop` per round (ms): {stops}")
        if lossy[who]:
            out.append(f"{who}: LOSS in {lossy[who]} of {len(d['lost'])} rounds "
                       "(its events/s count only what arrived)")
        if any(d["bt_rc"]):
            out.append(f"{who}: babeltrace2 failed on the relay output in "
                       f"{sum(1 for v in d['bt_rc'] if v)} rounds (see the log, --keep)")
        if any(d["live_reader_rc"]):
            out.append(f"{who}: the live reader exited non-zero in "
                       f"{sum(1 for v in d['live_reader_rc'] if v)} rounds")
        if total(who, "live_events") != total(who, "live_events_expected"):
            out.append(f"{who}: the live reader printed {int(total(who, 'live_events'))} of "
                       f"{int(total(who, 'live_events_expected'))} events emitted (the warm-up "
                       "runs before the reader attached may be missing)")
    return finish(out, a.markdown, problems)


if __name__ == "__main__":
    sys.exit(main())
