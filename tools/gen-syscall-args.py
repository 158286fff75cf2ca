#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes src/consumerd/kernel/syscall-args.c: LTTng 2.13.9's x86-64 system call table
(which argument each syscall_entry_X / syscall_exit_X event carries, under which name).

The facts are read from an lttng-modules git directory (the `fetch` tool's mirror of
github:lttng/lttng-modules, or any clone) at a tag, never from a work tree:

  tools/gen-syscall-args.py --git-dir /work/.mirror/lttng+lttng-modules/repo \
      [--tag v2.13.9] [-o src/consumerd/kernel/syscall-args.c]

What is read, and how lttng-modules uses it (src/lttng-syscalls-{entry,exit}-table.c):
  * include/instrumentation/syscalls/headers/x86-64-syscalls_{integers,pointers}.h,
    generated from a 3.10 kernel: one event description per syscall, each field wrapped
    in sc_in / sc_out / sc_inout (sc_exit wraps `ret`); the entry event keeps the
    sc_in and sc_inout fields, the exit event `ret`, then the sc_out and sc_inout ones.
    Their second half (CREATE_SYSCALL_TABLE) lists the syscalls LTTng knows, with
    their number and argument count.
  * the hand-written overrides, included first by those headers:
    x86-64-syscalls_*_override.h and syscalls_*_override.h; an override defines
    OVERRIDE_64_<name>, which hides the generated description. They are evaluated
    here for x86-64 with lttng-modules' default configuration
    (CONFIG_LTTNG_EXPERIMENTAL_BITWISE_ENUM unset, not the compat table).

Each syscall argument (TP_PROTO order) is matched to the field recording it: the field
whose value is the bare argument, else the field named like the argument, else the
few hand-checked cases in MANUAL below (fields filled from copies of user memory).
The script stops on anything it does not understand, so a different tag cannot
silently produce a wrong table.
"""
import argparse
import re
import subprocess
import textwrap
import sys

HDR = "include/instrumentation/syscalls/headers/"
# In the order x86-64-syscalls_{integers,pointers}.h include them.
EVENT_FILES = [
    "x86-64-syscalls_integers_override.h",
    "syscalls_integers_override.h",
    "x86-64-syscalls_integers.h",
    "x86-64-syscalls_pointers_override.h",
    "syscalls_pointers_override.h",
    "x86-64-syscalls_pointers.h",
]
TABLE_FILES = ["x86-64-syscalls_integers.h", "x86-64-syscalls_pointers.h"]

# Arguments recorded through fields the matching rules cannot see (their value is
# read from user memory in TP_code_pre, or the field comes from a macro).
# (syscall, argument) -> (LTTng field name, direction, type note)
MANUAL = {
    ("poll", "ufds"): ("fds", "inout", "struct pollfd[fds_length], events / revents"),
    ("ppoll", "ufds"): ("fds", "inout", "struct pollfd[fds_length], events / revents"),
    ("epoll_ctl", "uevent"): ("event", "in", "struct epoll_event copied from user"),
    ("epoll_wait", "uevents"): ("fds", "out", "struct epoll_event[fds_length]"),
    ("epoll_pwait", "uevents"): ("fds", "out", "struct epoll_event[fds_length]"),
}
# Field-producing macros used bare in TP_FIELDS: their fields, as (wrapper, name).
# None as wrapper means "the enclosing sc_*".
MACRO_FIELDS = {
    "LTTNG_SYSCALL_POLL_fds_field": [("in", "fds"), ("out", "fds")],
    "LTTNG_SYSCALL_EPOLL_WAIT_fds_field": [(None, "fds")],
}
# Syscalls whose LTTng event records fewer arguments than the kernel passes
# (TP_PROTO shorter than the table's argument count): name -> note.
SHORT = {
    "clone": "LTTng records 4 of its 5 arguments (no tls)",
}

DIR_C = {"in": "KSC_IN", "out": "KSC_OUT", "inout": "KSC_INOUT"}


def git_show(git_dir, tag, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{tag}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def eval_if(expr, defs):
    e = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)",
               lambda m: "1" if (m.group(1) or m.group(2)) in defs else "0", expr)
    # Kernel version tests only add enumeration labels; the byte order is little.
    e = re.sub(r"LTTNG_LINUX_VERSION_CODE\s*[<>=!]+\s*LTTNG_KERNEL_VERSION\([^)]*\)", "1", e)
    e = re.sub(r"__BYTE_ORDER\s*==\s*__LITTLE_ENDIAN", "1", e)
    e = re.sub(r"[A-Za-z_]\w*", lambda m: "1" if m.group(0) in defs else "0", e)
    e = e.replace("&&", " and ").replace("||", " or ")
    e = re.sub(r"!(?!=)", " not ", e)
    return bool(eval(e, {"__builtins__": {}}))  # noqa: S307 (digits and operators only)


def preprocess(text, defs):
    """Keeps the active lines; records argument-less #defines in defs; drops other
    directives (macro bodies included, continuation lines joined first)."""
    text = re.sub(r"\\\n", " ", text)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out, stack = [], []  # stack of [active, taken, parent_active]
    active = True
    for line in text.split("\n"):
        s = line.strip()
        m = re.match(r"#\s*(\w+)\s*(.*)", s)
        if not m:
            if active:
                out.append(line)
            continue
        d, rest = m.group(1), m.group(2).strip()
        if d in ("ifdef", "ifndef", "if"):
            if d == "ifdef":
                cond = rest in defs
            elif d == "ifndef":
                cond = rest not in defs
            else:
                cond = eval_if(rest, defs)
            stack.append([active and cond, cond, active])
            active = active and cond
        elif d == "elif":
            top = stack[-1]
            cond = not top[1] and eval_if(rest, defs)
            top[1] = top[1] or cond
            top[0] = top[2] and cond
            active = top[0]
        elif d == "else":
            top = stack[-1]
            top[0] = top[2] and not top[1]
            top[1] = True
            active = top[0]
        elif d == "endif":
            stack.pop()
            active = stack[-1][0] if stack else True
        elif d == "define" and active:
            dm = re.match(r"(\w+)\s*$", rest)
            if dm:
                defs.add(dm.group(1))
        elif d in ("include", "undef", "define", "error", "warning"):
            pass
        else:
            raise SystemExit(f"unknown directive #{d}")
    if stack:
        raise SystemExit("unbalanced #if")
    return "\n".join(out)


def balanced(text, start):
    """text[start] is '(': returns (inner text, index after the ')')."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise SystemExit("unbalanced parentheses")


def split_top(text):
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def calls(text):
    """Top-level NAME(...) calls and bare macro identifiers of text, in order."""
    res, i = [], 0
    while i < len(text):
        m = re.compile(r"[A-Za-z_]\w*").search(text, i)
        if not m:
            break
        j = m.end()
        while j < len(text) and text[j].isspace():
            j += 1
        if j < len(text) and text[j] == "(":
            inner, end = balanced(text, j)
            res.append((m.group(0), inner))
            i = end
        else:
            res.append((m.group(0), None))
            i = j
    return res


def norm(s):
    return " ".join(s.replace("__user", " ").split()).replace(" *", "*").replace("*", " *")


def leaves(fields_text, sc_dir=None):
    """The fields of a TP_FIELDS text: (dir, name, value expression, type note)."""
    res = []
    for name, inner in calls(fields_text):
        if name in ("sc_in", "sc_out", "sc_inout", "sc_exit"):
            res += leaves(inner, name[3:])
            continue
        if name in MACRO_FIELDS and inner is None:
            for d, fname in MACRO_FIELDS[name]:
                res.append((d or sc_dir, fname, None, name))
            continue
        if sc_dir is None:
            raise SystemExit(f"field outside sc_*: {name}")
        a = split_top(inner) if inner is not None else []
        if name in ("ctf_integer", "ctf_integer_hex", "ctf_integer_network"):
            note = norm(a[0]) + (" (hex)" if name == "ctf_integer_hex" else "") + \
                (" (network order)" if name == "ctf_integer_network" else "")
            res.append((sc_dir, a[1], a[2], note))
        elif name == "ctf_user_string":
            res.append((sc_dir, a[0], a[1], "string (copied from user)"))
        elif name == "ctf_user_array":
            res.append((sc_dir, a[1], a[2], f"{norm(a[0])}[{a[3]}] (copied from user)"))
        elif name == "ctf_enum":
            res.append((sc_dir, a[2], a[3], f"enum {a[0]} : {norm(a[1])}"))
        elif name == "ctf_sequence_network":
            res.append((sc_dir, a[1], a[2], f"{norm(a[0])}[] (network order)"))
        elif name == "ctf_custom_field":
            res.append((sc_dir, a[1], a[2], "custom"))
        elif re.match(r"LTTNG_SYSCALL_SELECT_fds_field_(LE|BE)$", name):
            res.append((sc_dir, "_" + a[0] + "_length", None, "u8"))
            res.append((sc_dir, a[0], a[1], "fd_set bytes: u8[_" + a[0] + "_length] (hex)"))
        else:
            raise SystemExit(f"unknown field macro {name}")
    return res


def parse_events(text):
    events = {}
    for m in re.finditer(r"\bSC_LTTNG_TRACEPOINT_EVENT(_CODE)?\s*\(", text):
        inner, _ = balanced(text, m.end() - 1)
        parts = split_top(inner)
        name = parts[0]
        proto = next(p for p in parts if p.startswith("TP_PROTO"))
        fields = next(p for p in parts if p.startswith("TP_FIELDS"))
        proto = balanced(proto, proto.index("("))[0]
        proto = re.sub(r"sc_exit\s*\((?:[^()]*)\)", "", proto)
        args = []
        for p in split_top(proto):
            if not p:
                continue
            am = re.match(r"(.*?)([A-Za-z_]\w*)\s*$", p, re.S)
            args.append((am.group(2), norm(am.group(1))))
        flds = leaves(balanced(fields, fields.index("("))[0])
        if name in events:
            raise SystemExit(f"{name} described twice")
        events[name] = (args, flds)
    return events


def parse_table(git_dir, tag):
    table = {}
    for enter in (False, True):
        defs = {"CONFIG_X86_64", "CREATE_SYSCALL_TABLE"} | ({"SC_ENTER"} if enter else set())
        names = {}
        for f in TABLE_FILES:
            main_text = git_show(git_dir, tag, HDR + f)
            # Its table part includes the overrides' first (preprocess drops #include).
            text = "".join(preprocess(git_show(git_dir, tag, HDR + inc), defs)
                           for inc in dict.fromkeys(
                               re.findall(r'#include "([\w.-]+_override\.h)"', main_text)))
            text += preprocess(main_text, defs)
            for m in re.finditer(r"TRACE_SYSCALL_TABLE\s*\(\s*(\w+)\s*,\s*(\w+)\s*,"
                                 r"\s*(\d+)\s*,\s*(\d+)\s*\)", text):
                nr, nargs = int(m.group(3)), int(m.group(4))
                prev = names.get(m.group(2))
                if prev and prev != (nr, nargs):
                    raise SystemExit(f"{m.group(2)}: table entries differ")
                names[m.group(2)] = (nr, nargs)
        if table and table != names:
            raise SystemExit("entry and exit tables differ")
        table = names
    return table


def build(git_dir, tag):
    defs = {"CONFIG_X86_64"}
    text = "".join(preprocess(git_show(git_dir, tag, HDR + f), defs) for f in EVENT_FILES)
    raw_overrides = "".join(git_show(git_dir, tag, HDR + f) for f in EVENT_FILES
                            if f.endswith("_override.h"))
    events = parse_events(text)
    table = parse_table(git_dir, tag)
    if set(events) != set(table):
        raise SystemExit(f"events without table entry: {sorted(set(events) - set(table))}; "
                         f"table entries without event: {sorted(set(table) - set(events))}")
    overridden = {d[len("OVERRIDE_64_"):] for d in defs if d.startswith("OVERRIDE_64_")}
    used_manual = set()
    out = []
    for sc in sorted(events):
        args, flds = events[sc]
        nr, nargs = table[sc]
        if len(args) != nargs and sc not in SHORT:
            raise SystemExit(f"{sc}: {len(args)} arguments described, table says {nargs}")
        if len(args) > 6:
            raise SystemExit(f"{sc}: more than 6 arguments")
        rows = []
        for aname, _atype in args:
            hits = [f for f in flds if f[2] is not None and f[2].strip() == aname]
            if not hits:
                hits = [f for f in flds if f[1] == aname and f[0] != "exit"]
            if (sc, aname) in MANUAL:
                fname, d, note = MANUAL[(sc, aname)]
                if hits or not re.search(r"\b%s\b" % re.escape(fname), raw_overrides):
                    raise SystemExit(f"MANUAL {sc}.{aname} does not fit the headers")
                if not any(f[1] == fname for f in flds):
                    raise SystemExit(f"MANUAL {sc}.{aname}: no field {fname}")
                used_manual.add((sc, aname))
                rows.append((fname, d, note, aname))
                continue
            if len(hits) != 1:
                raise SystemExit(f"{sc}.{aname}: {len(hits)} fields record it")
            d, fname, _, note = hits[0]
            if d == "exit":
                raise SystemExit(f"{sc}.{aname}: recorded as sc_exit")
            rows.append((fname, d, note, aname))
        extra = [f for f in flds if f[0] != "exit" and f[1] not in {r[0] for r in rows}]
        entry = [f[1] for f in flds if f[0] in ("in", "inout")]
        exitf = [f[1] for f in flds if f[0] == "exit"] + \
            [f[1] for f in flds if f[0] in ("out", "inout")]
        layout = None
        if extra or entry != [n for n, d, *_ in rows if d in ("in", "inout")] or \
                exitf[1:] != [n for n, d, *_ in rows if d in ("out", "inout")]:
            layout = (entry, exitf)
        out.append((sc, nr, rows, sc in overridden, layout))
    if used_manual != set(MANUAL):
        raise SystemExit(f"unused MANUAL entries: {sorted(set(MANUAL) - used_manual)}")
    return out


def emit(rows, tag):
    o = []
    w = o.append
    w("/* SPDX-License-Identifier: GPL-2.0-only */")
    w("/*")
    w(" * GENERATED by tools/gen-syscall-args.py from lttng-modules " + tag + ":")
    w(" * " + HDR + "x86-64-syscalls_*.h")
    w(" * and syscalls_{integers,pointers}_override.h (x86-64, default configuration).")
    w(" * Do not edit: change the script and regenerate (doc/protocol/kernel-syscalls.md).")
    w(" *")
    w(" * One row per syscall LTTng knows, sorted by name (strcmp order) for ksc_lookup().")
    w(" * Per argument, in the kernel's argument order: the name of the field LTTng records")
    w(" * it as, and in which event (KSC_IN: syscall_entry_X, KSC_OUT: syscall_exit_X after")
    w(" * ret, KSC_INOUT: both). The comment gives LTTng's field type, and the argument's")
    w(" * name in LTTng's prototype (from Linux 3.10) when the field is named otherwise;")
    w(" * names a newer kernel's ftrace spells otherwise: doc/protocol/kernel-syscalls.md.")
    w(" * Where LTTng's field order differs from the argument order or it records more")
    w(" * fields (the overrides), a comment above the row gives both events' field lists.")
    w(" */")
    w('#include "kernel/syscall-args.h"')
    w("")
    w("#include <stdlib.h>")
    w("#include <string.h>")
    w("")
    w("static const struct ksc_syscall ksc_table[] = {")
    for sc, nr, args, overridden, layout in rows:
        notes = []
        if overridden:
            notes.append("hand-written LTTng override")
        if sc in SHORT:
            notes.append(SHORT[sc])
        head = f"\t/* {sc}: x86-64 nr {nr}"
        if notes:
            head += "; " + "; ".join(notes)
        w(head + " */")
        if layout:
            for label, names in (("entry fields: ", layout[0]), ("exit fields:  ", layout[1])):
                for line in textwrap.wrap(", ".join(names) or "(none)", 72,
                                          initial_indent="\t/*   " + label,
                                          subsequent_indent="\t *                 "):
                    w(line)
                w("\t */")
        if not args:
            w(f'\t{{ "{sc}", 0, {{ {{ NULL, 0 }} }} }},')
            continue
        w(f'\t{{ "{sc}", {len(args)}, {{')
        for fname, d, note, aname in args:
            c = note if aname == fname else f"{note}; argument: {aname}"
            w(f'\t\t{{ "{fname}", {DIR_C[d]} }}, /* {c} */')
        w("\t} },")
    w("};")
    w("")
    w("#define KSC_COUNT (sizeof(ksc_table) / sizeof(ksc_table[0]))")
    w("")
    w("static int ksc_cmp(const void *key, const void *elem)")
    w("{")
    w("\treturn strcmp(key, ((const struct ksc_syscall *)elem)->name);")
    w("}")
    w("")
    w("const struct ksc_syscall *ksc_lookup(const char *name)")
    w("{")
    w("\tif (!name)")
    w("\t\treturn NULL;")
    w("\treturn bsearch(name, ksc_table, KSC_COUNT, sizeof(ksc_table[0]), ksc_cmp);")
    w("}")
    w("")
    w("unsigned ksc_count(void)")
    w("{")
    w("\treturn (unsigned)KSC_COUNT;")
    w("}")
    w("")
    w("const struct ksc_syscall *ksc_at(unsigned i)")
    w("{")
    w("\treturn i < KSC_COUNT ? &ksc_table[i] : NULL;")
    w("}")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--git-dir", required=True, help="lttng-modules git directory")
    ap.add_argument("--tag", default="v2.13.9")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    rows = build(a.git_dir, a.tag)
    text = emit(rows, a.tag)
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)
    print(f"{len(rows)} syscalls", file=sys.stderr)


if __name__ == "__main__":
    main()
