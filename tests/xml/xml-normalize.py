#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Normalises LTTng session configuration files (*.lttng) for comparison.

usage: xml-normalize.py {text|canonical} FILE [--path OLD=NEW]...

text       the file as it is, with run-specific values replaced: the given
           paths, and creation date-times (YYYYmmdd-HHMMSS) in names
canonical  one line per element, indented by depth; the lists the real
           daemon keeps in hash tables (channels, events, tracker values,
           snapshot outputs), whose order is arbitrary there, are sorted
"""
import re
import sys
import xml.etree.ElementTree as ET

# Lists the real lttng-sessiond walks in hash-table order.
HASH_ORDERED = {"channels", "events", "process_attr_values", "snapshot_outputs"}


def substitute(text, paths):
    # Longest first, so that a path and one of its prefixes both apply.
    for old, new in sorted(paths, key=lambda p: -len(p[0])):
        text = text.replace(old, new)
    return re.sub(r"\d{8}-\d{6}", "YYYYmmdd-HHMMSS", text)


def canonical(element, depth=0):
    children = [canonical(child, depth + 1) for child in element]
    if element.tag in HASH_ORDERED:
        children.sort()
    text = (element.text or "").strip()
    line = "  " * depth + element.tag + (" = " + text if text else "") + "\n"
    return line + "".join(children)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("text", "canonical"):
        sys.stderr.write(__doc__)
        return 2
    mode, path = argv[1], argv[2]
    paths = []
    args = argv[3:]
    while args:
        if args[0] != "--path" or len(args) < 2 or "=" not in args[1]:
            sys.stderr.write(__doc__)
            return 2
        old, new = args[1].split("=", 1)
        paths.append((old, new))
        args = args[2:]
    with open(path, encoding="utf-8") as f:
        text = substitute(f.read(), paths)
    if mode == "text":
        sys.stdout.write(text)
    else:
        sys.stdout.write(canonical(ET.fromstring(text.encode("utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
