"""Shared by bench/report.py and bench/trace-report.py: reading samples,
options, verdicts and the markdown table."""

import argparse
import sys

LE, GE = "<=", ">="


def load(path, keep=()):
    """Samples of a "metric value" file: ({metric: [values]}, comments).

    Blank lines and lines starting with '#' are skipped; those starting with
    one of the prefixes in keep are returned, without "# ", in comments.
    """
    samples, comments = {}, []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if keep and line.startswith(keep):
                comments.append(line[2:])
                continue
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{path}:{lineno}: malformed line {line!r}")
            samples.setdefault(parts[0], []).append(float(parts[1]))
    return samples, comments


def parser(*int_options):
    """Options of a report: --real, --ours, --rounds, the given integer
    options (all required), --header (repeated) and --markdown."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", required=True)
    ap.add_argument("--ours", required=True)
    for opt in ("--rounds",) + int_options:
        ap.add_argument(opt, type=int, required=True)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--markdown")
    return ap


def fmt_ratio(ratio):
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.2f}x"


class Verdicts:
    """Counts PASS and MISS; judge() gives a row's target and result cells."""

    def __init__(self):
        self.passed = self.missed = 0

    def judge(self, ratio, target):
        """target: (LE or GE, bound) or None (an information row)."""
        if target is None:
            return "-", "info"
        direction, bound = target
        ok = ratio <= bound if direction == LE else ratio >= bound
        if ok:
            self.passed += 1
        else:
            self.missed += 1
        return f"{direction} {bound:g}x", "PASS" if ok else "MISS"

    def summary(self):
        return f"targets: {self.passed} PASS, {self.missed} MISS (a MISS is a finding, not a failure)"


def table_lines(table):
    """Markdown lines of table (a header row, then rows of cells): the first
    column left-aligned, the others right-aligned, padded to equal widths."""
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]

    def line(cells):
        padded = []
        for i, c in enumerate(cells):
            padded.append(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]))
        return "| " + " | ".join(padded) + " |"

    out = [line(table[0])]
    out.append("|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2))
                              for i, w in enumerate(widths)) + "|")
    out.extend(line(r) for r in table[1:])
    return out


def finish(out, markdown, problems):
    """Prints the lines out (and writes them to markdown, if given), then the
    problems on stderr; returns the exit status."""
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if problems:
        for p in problems:
            print(f"report: {p}", file=sys.stderr)
        return 1
    return 0
