#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Prints the names of the skipped tests of one suite run, one per line, for
# .ci/run to hold against .ci/allowed-skips:
#
#   skipped-tests.py --meson BUILD_DIR/meson-logs/testlog.json
#       every test meson reports SKIP (its name), and every "ok N - ... # SKIP"
#       subtest in the output of a TAP test that meson counted as passed
#       ("NAME: DESCRIPTION"), which meson's Skipped count leaves out;
#   skipped-tests.py --tap LOG
#       every "ok N - DESCRIPTION # SKIP reason" line of a script suite's TAP
#       output, and "(whole suite)" for a "1..0 # SKIP reason" plan.
import json
import re
import sys

TAP_SKIP = re.compile(r"^ok\s+\d+\s*(?:-\s*)?(.*?)\s*#\s*skip\b", re.IGNORECASE)
PLAN_SKIP = re.compile(r"^1\.\.0\s*#\s*skip\b", re.IGNORECASE)


def tap_skips(text):
    for line in text.splitlines():
        m = TAP_SKIP.match(line)
        if m:
            yield m.group(1)
        elif PLAN_SKIP.match(line):
            yield "(whole suite)"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--meson", "--tap"):
        sys.exit("usage: skipped-tests.py --meson TESTLOG_JSON | --tap LOG")
    kind, path = sys.argv[1:]
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with f:
        if kind == "--tap":
            for name in tap_skips(f.read()):
                print(name)
            return
        for line in f:
            if not line.strip():
                continue
            test = json.loads(line)
            if test.get("result") == "SKIP":
                print(test["name"])
            elif test.get("result") == "OK":
                for name in tap_skips(test.get("stdout") or ""):
                    print(f"{test['name']}: {name}")


if __name__ == "__main__":
    main()
