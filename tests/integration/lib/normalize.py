#!/usr/bin/env python3
"""Normalise an oracle transcript so that two runs can be compared.

Reads a raw transcript on stdin, writes the normalised one on stdout.
Only values that legitimately differ from run to run are replaced:
private paths, dates and times, PIDs, and the progress dots the lttng
client prints while it polls the daemon.

Usage: normalize.py --path PATH=NAME [--path PATH=NAME ...] < raw > out
"""

import argparse
import re
import sys

# (pattern, replacement) pairs, applied in order to the whole text.
RULES = [
    # Compact ISO 8601 as used in rotation archive names:
    # 20261123T192534+0000 (the UTC offset is the same for both daemons).
    (re.compile(r"(?<![0-9])[0-9]{8}T[0-9]{6}(?![0-9])"), "YYYYmmddTHHMMSS"),
    # Session / output directory suffixes: auto-20261123-192534,
    # foo-20261123-192534, snapshot-1-20261123-192534-0.
    (re.compile(r"(?<![0-9])[0-9]{8}-[0-9]{6}(?![0-9])"), "YYYYmmdd-HHMMSS"),
    # 2026-11-23 19:25:34, 2026-11-23T19:25:34.123456+02:00 ...
    (
        re.compile(
            r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}([T ])[0-9]{2}:[0-9]{2}:[0-9]{2}"
            r"(\.[0-9]+)?"
        ),
        lambda m: "YYYY-mm-dd" + m.group(1) + "HH:MM:SS" + (".FRAC" if m.group(2) else ""),
    ),
    # Bare times of day, e.g. in verbose client logs: 19:25:34.123456789.
    (
        re.compile(r"(?<![0-9:])[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(?![0-9:])"),
        lambda m: "HH:MM:SS" + (".FRAC" if m.group(1) else ""),
    ),
    # Time values in MI XML: <creation_time>...</creation_time>, <time>,
    # <timestamp>, <..._date>.
    (
        re.compile(r"<((?:[A-Za-z_]*_)?(?:time|timestamp|date))>[^<]*</\1>"),
        r"<\1>TIME</\1>",
    ),
    # PIDs: "PID: 1234", "[pid 1234]", "- 1234 -", "[1234/1235]" (pid/tid
    # in verbose logs).
    (re.compile(r"\bPID: [0-9]+"), "PID: PID"),
    (re.compile(r"\[pid [0-9]+\]"), "[pid PID]"),
    (re.compile(r"(?<=- )[0-9]+(?= -)"), "PID"),
    (re.compile(r"\[[0-9]+/[0-9]+\]"), "[PID/TID]"),
    # Progress dots printed while the client polls the daemon; their number
    # depends on timing: "Waiting for data availability....",
    # "Destroying session foo..".
    (
        re.compile(r"^((?:\[stderr\] )?(?:Waiting for [^\n.]*|Destroying session [^\n]*?))\.*$", re.M),
        r"\1[dots]",
    ),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="PATH=NAME",
        help="replace the literal PATH by NAME (longest paths first)",
    )
    args = parser.parse_args()

    text = sys.stdin.read()

    pairs = []
    for item in args.path:
        path, sep, name = item.partition("=")
        if not sep or not path:
            parser.error("--path expects PATH=NAME, got %r" % item)
        pairs.append((path, name))
    for path, name in sorted(pairs, key=lambda p: len(p[0]), reverse=True):
        text = text.replace(path, name)

    for pattern, repl in RULES:
        text = pattern.sub(repl, text)

    sys.stdout.write(text)


if __name__ == "__main__":
    main()
