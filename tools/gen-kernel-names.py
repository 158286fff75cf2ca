#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Prints the rows of src/common/kernel-names.c's rename table: the ftrace events
that lttng-modules records under another name (its *_MAP tracepoint macros).

Usage: tools/gen-kernel-names.py GIT_DIR_OF_LTTNG_MODULES [TAG]
(the mirror `fetch github:lttng/lttng-modules` gives; TAG defaults to v2.13.9).
Only names are taken: the fact is which name LTTng gives an event."""
import re
import subprocess
import sys

git_dir = sys.argv[1]
tag = sys.argv[2] if len(sys.argv) > 2 else "v2.13.9"


def git(*args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True,
                          text=True, check=True).stdout


renames = {}
for path in git("ls-tree", "--name-only", tag, "include/instrumentation/events/").split():
    if not path.endswith(".h"):
        continue
    text = git("show", f"{tag}:{path}")
    system = re.search(r"#define TRACE_SYSTEM (\w+)", text)
    system = system.group(1) if system else "?"
    for m in re.finditer(r"LTTNG_TRACEPOINT_EVENT(?:_CLASS)?_INSTANCE_MAP(?:_NOARGS)?\(\s*(\w+)\s*,"
                         r"\s*(\w+)\s*,\s*(\w+)", text):
        renames[(system, m.group(2))] = m.group(3)
    for m in re.finditer(r"LTTNG_TRACEPOINT_EVENT_MAP(?:_NOARGS)?\(\s*(\w+)\s*,\s*(\w+)", text):
        renames[(system, m.group(1))] = m.group(2)
for (system, name), lttng in sorted(renames.items()):
    if name != lttng and name != "name":  # "name" is a macro parameter, not an event
        print(f'\t{{ "{system}", "{name}", "{lttng}" }},')
