#!/usr/bin/env python3
"""Normalise an oracle transcript so that two runs can be compared.

Reads a raw transcript on stdin, writes the normalised one on stdout.
Only what legitimately differs from run to run is touched:
  - private paths, dates and times, PIDs, and the progress dots the lttng
    client prints while it polls the daemon are replaced by placeholders;
  - lists the real daemon keeps in hash tables (so their order changes from
    one daemon run to the next: channels, event rules, tracker values) are
    sorted, both in `lttng list` text and in XML (MI output, saved
    sessions).

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
    # MI listing of applications: <pid><id>1234</id>.
    (re.compile(r"<pid><id>[0-9]+</id>"), "<pid><id>PID</id>"),
    (re.compile(r"(?<=- )[0-9]+(?= -)"), "PID"),
    (re.compile(r"\[[0-9]+/[0-9]+\]"), "[PID/TID]"),
    # Progress dots printed while the client polls the daemon; their number
    # depends on timing: "Waiting for data availability....",
    # "Destroying session foo..".
    # The destroy of a rotated session: the CLI prints the archive's location
    # after its progress line, then ends that line: "Destroying session
    # foo...Trace chunk archive for session foo is now readable at ...\n\n";
    # without progress (a prompt daemon) it is the location line alone.
    (
        re.compile(r"^((?:\[stderr\] )?)Destroying session [^\n.]*\.*(Trace chunk archive [^\n]*)\n\n", re.M),
        r"\1\2\n",
    ),
    (
        re.compile(r"^((?:\[stderr\] )?(?:Waiting for [^\n.]*|Destroying session [^\n]*?))\.*$", re.M),
        r"\1[dots]",
    ),
    # "Destroying session X..." only appears while the daemon is still tearing the
    # session down when the client first polls. The real daemon takes ~500 ms; ours
    # answers at once (a deliberate improvement, see README), so the progress line
    # is dropped from both transcripts.
    (re.compile(r"^(?:\[stderr\] )?Destroying session [^\n]*\[dots\]\n", re.M), ""),
    # The same for a clear: the CLI says it waits only when the reply is not
    # there at once (ours is; the real daemon takes a few hundred ms).
    (re.compile(r"^(?:\[stderr\] )?Waiting for clear of session [^\n]*\[dots\]\n", re.M), ""),
]


# --- Canonical order of hash-table backed lists ------------------------------

# Tracker value lines of `lttng list`: "  Virtual process IDs:  3, 1, 2".
TRACKER_LINE = re.compile(
    r"^(\s+(?:Virtual )?(?:[Pp]rocess|[Uu]ser|[Gg]roup) IDs:\s+)(.*,.*)$"
)


def value_key(value):
    """Numbers in numeric order first, then names."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def sort_text_lists(lines):
    """Sort hash-ordered lists in `lttng list` text output."""
    out = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m = TRACKER_LINE.match(line)
        if m:
            values = sorted(m.group(2).split(", "), key=value_key)
            out.append(m.group(1) + ", ".join(values))
            i += 1
            continue
        if line.strip() in ("Recording event rules:", "Event rules:"):
            # Rule lines are indented deeper than the header, up to a blank.
            indent = len(line) - len(line.lstrip()) + 1
            j = i + 1
            while j < n and lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) >= indent:
                j += 1
            out.append(line)
            out.extend(sorted(lines[i + 1 : j]))
            i = j
            continue
        if line == "Channels:" and i + 1 < n and lines[i + 1].startswith("-----"):
            # Channel blocks start with "- name: [state]" at column 0 and
            # hold only indented or blank lines.
            out.extend(lines[i : i + 2])
            j = i + 2
            blocks = []
            while j < n and lines[j].startswith("- "):
                k = j + 1
                while k < n and (not lines[k].strip() or lines[k][0] in " \t"):
                    k += 1
                blocks.append(lines[j:k])
                j = k
            for block in sorted(blocks, key=lambda b: "\n".join(b)):
                # Event rules inside a block are sorted too.
                out.extend(sort_text_lists(block))
            i = j
            continue
        out.append(line)
        i += 1
    return out


TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)(/?)>")

# container element -> child element whose order is not meaningful
# (None: any child).
XML_UNORDERED = [
    ("events", "event"),
    ("process_attr_values", None),
    ("channels", "channel"),
]


def sort_xml_children(text, container, child):
    """Sort the children of every <container> element, in place.

    Children are permuted among their own slots, so the separators between
    them (none in MI output, indentation in saved sessions) stay put and the
    text keeps its length.
    """
    pos = 0
    opening = "<%s>" % container
    while True:
        start = text.find(opening, pos)
        if start < 0:
            return text
        depth = 0
        spans = []
        child_start = None
        end = None
        for m in TAG.finditer(text, start + len(opening)):
            closing, name, selfclosing = m.group(1), m.group(2), m.group(4)
            if selfclosing:
                if depth == 0 and (child is None or name == child):
                    spans.append((m.start(), m.end()))
                continue
            if closing:
                if depth == 0:
                    end = m.start()
                    break
                depth -= 1
                if depth == 0 and child_start is not None:
                    spans.append((child_start, m.end()))
                    child_start = None
            else:
                if depth == 0 and (child is None or name == child):
                    child_start = m.start()
                depth += 1
        if end is None:
            return text
        if len(spans) > 1:
            parts = sorted(text[a:b] for a, b in spans)
            pieces = []
            last = spans[0][0]
            pieces.append(text[:last])
            for idx, (a, b) in enumerate(spans):
                pieces.append(text[last:a])
                pieces.append(parts[idx])
                last = b
            pieces.append(text[last:])
            text = "".join(pieces)
        pos = start + len(opening)


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

    for container, child in XML_UNORDERED:
        text = sort_xml_children(text, container, child)

    trailing_newline = text.endswith("\n")
    text = "\n".join(sort_text_lists(text.split("\n")))
    if trailing_newline and not text.endswith("\n"):
        text += "\n"

    sys.stdout.write(text)


if __name__ == "__main__":
    main()
