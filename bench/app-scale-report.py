#!/usr/bin/env python3
"""Report of bench/run-app-scale.sh: reads RESULTS/runs/*.kv (one run each),
writes RESULTS/app-scale.tsv and RESULTS/app-scale.md, prints the markdown table.

    bench/app-scale-report.py RESULTS
"""
import os
import sys


def load(path):
    kv = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                kv[k] = v
    return kv


def num(kv, key, default=None):
    try:
        return int(kv.get(key, ""))
    except ValueError:
        return default


def failure_mode(kv):
    """What went wrong, from the raw values; "none" when everything did."""
    n = num(kv, "n", 0)
    out = []
    if "error" in kv:
        out.append(kv["error"])
    if kv.get("done") != "1" and "error" not in kv:
        out.append("run timed out (exit %s)" % kv.get("run_rc", "?"))
    reg = num(kv, "registered")
    started = num(kv, "started")
    if started is not None and started < n:
        out.append("start-up too slow: %d of %d started" % (started, n))
    ready = num(kv, "ready")
    if ready is not None and started is not None and ready < started:
        out.append("%d apps never ready" % (started - ready))
    if kv.get("sessiond_alive_measure") == "0":
        out.append("sessiond died before measure")
    elif kv.get("sessiond_alive_end") == "0":
        out.append("sessiond died")
    elif num(kv, "no_daemon_msgs", 0):
        out.append("sessiond alive but CLI gets 'No session daemon is available'")
    if kv.get("consumerd_count") == "0":
        out.append("no consumerd at measure")
    elif kv.get("consumerd_alive_end") == "0":
        out.append("consumerd died")
    lrc = num(kv, "list_rc")
    if lrc in (124, 137):
        out.append("list hangs (>30 s)")
    elif lrc == 141:
        out.append("list fails (connection closed: SIGPIPE)")
    elif lrc not in (None, 0):
        out.append("list fails (rc %d)" % lrc)
    elif reg is not None and reg < n:
        out.append("%d apps not registered" % (n - reg))
    em = num(kv, "emfile", 0)
    if em:
        out.append("EMFILE x%d in log" % em)
    stuck = num(kv, "apps_stuck", 0)
    if stuck:
        out.append("%d apps stuck after release" % stuck)
    for step in ("stop", "destroy"):
        rc = num(kv, step + "_rc")
        if rc in (124, 137):
            out.append("%s hangs (>60 s)" % step)
        elif rc not in (None, 0):
            out.append("%s fails (rc %d)" % (step, rc))
    disc = num(kv, "discarded", 0)
    if disc:
        out.append("%d events discarded" % disc)
    bad = num(kv, "bt_unreadable", 0)
    if bad:
        out.append("babeltrace2: %d of %s traces unreadable" % (bad, kv.get("trace_dirs", "?")))
    elif num(kv, "bt_rc") not in (None, 0):
        out.append("babeltrace2 fails on the whole (rc %s), per-trace OK" % kv["bt_rc"])
    traced = num(kv, "traced")
    if traced is not None:
        if reg is not None and lrc == 0:
            if traced < reg:
                out.append("%d registered apps not traced" % (reg - traced))
        elif traced < n:
            out.append("%d of %d apps not traced" % (n - traced, n))
    return "; ".join(out) if out else "none"


def cell(kv, key):
    v = kv.get(key)
    return "-" if v in (None, "") else v


def main():
    results = sys.argv[1]
    runs = []
    rundir = os.path.join(results, "runs")
    for name in os.listdir(rundir):
        if name.endswith(".kv"):
            runs.append(load(os.path.join(rundir, name)))
    order = {"uid": 0, "pid": 1}
    dorder = {"ours": 0, "real": 1}
    runs.sort(key=lambda kv: (order.get(kv.get("buffers"), 9), num(kv, "n", 0),
                              dorder.get(kv.get("daemon"), 9)))

    cols = ["daemon", "buffers", "n", "started", "ready", "registered", "traced",
            "list_rc", "list_ms", "sessiond_fds", "consumerd_fds", "consumerd_count",
            "peak_fds", "fds_end", "emfile", "sessiond_nofile", "sessiond_alive_end",
            "consumerd_alive_end", "apps_stuck", "stop_rc", "destroy_rc", "discarded",
            "trace_dirs", "bt_rc", "bt_unreadable", "startup_ms", "settle_s", "release_ms",
            "stop_ms", "destroy_ms", "bt_ms", "sessiond_rss_kb", "run_s", "subbuf"]
    with open(os.path.join(results, "app-scale.tsv"), "w") as f:
        f.write("\t".join(cols + ["failure_mode"]) + "\n")
        for kv in runs:
            f.write("\t".join([cell(kv, c) for c in cols] + [failure_mode(kv)]) + "\n")

    lines = []
    meta = os.path.join(results, "meta")
    if os.path.exists(meta):
        with open(meta) as f:
            lines += ["<!-- " + l.strip() + " -->" for l in f]
    lines.append("| daemon | buffers | N | registered / traced | failure mode "
                 "| daemon fds (sessiond, consumerd) at the end | daemon's fd limit |")
    lines.append("|---|---|---|---|---|---|---|")
    for kv in runs:
        reg = cell(kv, "registered")
        if num(kv, "list_rc") in (124, 137):
            reg = "? (list hangs)"
        elif num(kv, "list_rc") not in (None, 0):
            reg = "? (list fails)"
        fds = "%s, %s" % (cell(kv, "sessiond_fds"), cell(kv, "consumerd_fds"))
        end = kv.get("fds_end")
        if end:
            fds += " (after destroy: %s)" % end.replace(" ", ", ")
        lines.append("| %s | per-%s | %s | %s / %s | %s | %s | %s |" % (
            cell(kv, "daemon"), "UID" if kv.get("buffers") == "uid" else "PID",
            cell(kv, "n"), reg, cell(kv, "traced"), failure_mode(kv), fds,
            cell(kv, "sessiond_nofile")))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(results, "app-scale.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
