#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The workload's exact counts in a kernel trace.

  expect.py [--ref] TRACE WORKLOAD_OUT [--events NAME,...] [--only-process]

TRACE is our trace (<output> or <output>/kernel, read with python3-bt2) or, with
--ref, a lttng-test-ref-recorder dump (mapped to LTTng's names), so the checks
themselves can be checked against the kernel. WORKLOAD_OUT is the stdout of
lttng-test-workload (pid=, thread=, child=, the counts). Tracing must have been
started after the workload printed ready=1 and before it got its go byte, and
stopped after it exited.

--events lists the LTTng event names that were enabled (default: the syscalls
openat, read, write, close and sched_switch, sched_process_fork,
sched_process_exec, sched_process_exit); only their expectations are checked.
--only-process: a pid tracker on the workload: every event's process (the `pid`
context when there is one, else the thread's) is the workload's; its threads are
recorded, its children's own events are not.

Prints one line per check ("ok: ..." / "FAIL: ..."); exit status 1 on a failure.
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktrace  # noqa: E402

DEFAULT_EVENTS = ("syscall_entry_openat,syscall_exit_openat,syscall_entry_read,"
                  "syscall_exit_read,syscall_entry_write,syscall_exit_write,"
                  "syscall_entry_close,syscall_exit_close,sched_switch,"
                  "sched_process_fork,sched_process_exec,sched_process_exit")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", action="store_true", help="TRACE is a ref-recorder dump")
    ap.add_argument("trace")
    ap.add_argument("workload")
    ap.add_argument("--events", default=DEFAULT_EVENTS)
    ap.add_argument("--only-process", action="store_true")
    a = ap.parse_args()
    enabled = set(a.events.split(","))
    w = ktrace.Workload(a.workload)
    if a.ref:
        events, _ = ktrace.read_ref(a.trace)
    else:
        events, _ = ktrace.read_lttng(a.trace)

    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            failures += 1

    by = collections.defaultdict(list)  # (tid, name) -> [fields]
    for e in events:
        by[(e.tid, e.name)].append(e.fields)

    def evs(tid, name, pred=lambda f: True):
        return [f for f in by.get((tid, name), []) if pred(f)]

    def on(name):
        return name in enabled

    P = w.pid
    n_open, n_read, k = w.num("n_open"), w.num("n_read"), w.num("read_bytes")
    n_write, b = w.num("n_write"), w.num("write_bytes")
    file_fd, devnull_fd = w.num("file_fd"), w.num("devnull_fd")
    x = w.num("thread_opens")
    check(w.done, "the workload ran to its end (done=1)")
    check(len(w.children) == w.num("n_fork"), "the workload reported %d children" % w.num("n_fork"))
    check(any(e.tid == P for e in events), "events of the workload (tid %d) recorded" % P)

    for tid, count in [(P, n_open)] + [(t, x) for t in w.threads]:
        who = "pid %d" % P if tid == P else "thread %d" % tid
        if on("syscall_entry_openat"):
            got = evs(tid, "syscall_entry_openat")
            check(len(got) == count, "%s: %d syscall_entry_openat (got %d)" % (who, count, len(got)))
            if not a.ref:
                # Where ftrace records only the address of the file name (6.18),
                # LTTng's string field is recorded empty (README, limitations).
                want_name = (w.one("file") if ktrace.ftrace_records_string(
                    "syscalls", "sys_enter_openat", "filename") else "")
                bad = [f for f in got if f.get("filename") != want_name]
                check(not bad, "%s: syscall_entry_openat filename == %r (%d differ%s)"
                      % (who, want_name, len(bad), ", e.g. %r" % bad[0] if bad else ""))
        if on("syscall_exit_openat"):
            got = evs(tid, "syscall_exit_openat")
            check(len(got) == count and all(f.get("ret", -1) >= 3 for f in got),
                  "%s: %d syscall_exit_openat, ret >= 3 (got %d, rets %s)"
                  % (who, count, len(got), sorted({f.get("ret") for f in got})))
        if on("syscall_entry_close"):
            got = evs(tid, "syscall_entry_close")
            check(len(got) == count, "%s: %d syscall_entry_close (got %d)" % (who, count, len(got)))
        if on("syscall_exit_close"):
            got = evs(tid, "syscall_exit_close")
            check(len(got) == count and all(f.get("ret") == 0 for f in got),
                  "%s: %d syscall_exit_close, ret 0 (got %d)" % (who, count, len(got)))

    if on("syscall_entry_read"):
        got = evs(P, "syscall_entry_read")
        mine = [f for f in got if f.get("fd") == file_fd and f.get("count") == k]
        check(len(mine) == n_read and len(got) == n_read,
              "%d syscall_entry_read {fd %d, count %d} (got %d of %d)"
              % (n_read, file_fd, k, len(mine), len(got)))
    if on("syscall_exit_read"):
        got = evs(P, "syscall_exit_read")
        mine = [f for f in got if f.get("ret") == k]
        # + the end of the read of the go byte (ret 1), begun before the start
        extra = [f for f in got if f.get("ret") != k]
        check(len(mine) == n_read and len(extra) <= 1 and all(f.get("ret") == 1 for f in extra),
              "%d syscall_exit_read with ret %d, at most one more (the go byte, ret 1) (got %d + %s)"
              % (n_read, k, len(mine), [f.get("ret") for f in extra]))
    if on("syscall_entry_write"):
        got = evs(P, "syscall_entry_write", lambda f: f.get("fd") == devnull_fd)
        check(len(got) == n_write and all(f.get("count") == b for f in got),
              "%d syscall_entry_write {fd %d, count %d} (got %d)" % (n_write, devnull_fd, b, len(got)))
    if on("syscall_exit_write"):
        got = evs(P, "syscall_exit_write", lambda f: f.get("ret") == b)
        check(len(got) == n_write, "%d syscall_exit_write with ret %d (got %d)" % (n_write, b, len(got)))
    if on("syscall_entry_nanosleep"):
        got = evs(P, "syscall_entry_nanosleep")
        check(len(got) == w.num("n_sleep"), "%d syscall_entry_nanosleep (got %d)"
              % (w.num("n_sleep"), len(got)))
    if on("syscall_exit_nanosleep"):
        got = evs(P, "syscall_exit_nanosleep", lambda f: f.get("ret") == 0)
        check(len(got) == w.num("n_sleep"), "%d syscall_exit_nanosleep, ret 0 (got %d)"
              % (w.num("n_sleep"), len(got)))

    if on("sched_process_fork"):
        got = [f for e in events if e.name == "sched_process_fork"
               for f in [e.fields] if f.get("parent_tid") == P]
        check(len(got) == len(w.children) and sorted(f.get("child_tid") for f in got) == sorted(w.children),
              "sched_process_fork {parent_tid %d}: one per child %s (got %s)"
              % (P, w.children, [f.get("child_tid") for f in got]))
        if not a.ref:
            check(all(f.get("child_pid") == f.get("child_tid") and f.get("parent_pid") == P for f in got),
                  "sched_process_fork: parent_pid == %d, child_pid == child_tid (tgids)" % P)
        check(all(e.tid == P for e in events if e.name == "sched_process_fork"
                  and e.fields.get("parent_tid") == P),
              "sched_process_fork: recorded in the parent's context")
    if on("sched_process_exec"):
        for c in w.children:
            got = [e for e in events if e.name == "sched_process_exec" and e.fields.get("tid") == c]
            if a.only_process:
                check(not got, "child %d: its sched_process_exec is not recorded (pid tracker)" % c)
                continue
            check(len(got) == 1 and got[0].fields.get("filename") == w.one("exec")
                  and got[0].fields.get("old_tid") == c and got[0].tid == c,
                  "child %d: one sched_process_exec {filename %s, tid = old_tid = %d}, in its context (got %s)"
                  % (c, w.one("exec"), c, [(e.tid, e.fields) for e in got]))
    if on("sched_process_exit"):
        for t in [P] + w.threads + ([] if a.only_process else w.children):
            got = [e for e in events if e.name == "sched_process_exit" and e.fields.get("tid") == t]
            check(len(got) == 1, "task %d: one sched_process_exit (got %d)" % (t, len(got)))
    if on("sched_switch") and w.num("n_sleep") > 0:
        got = [e for e in events if e.name == "sched_switch" and e.fields.get("prev_tid") == P]
        check(len(got) >= w.num("n_sleep") and all(e.fields.get("prev_comm") == "lttng-test-work" for e in got),
              "sched_switch {prev_tid %d, prev_comm lttng-test-work}: at least %d (n_sleep) (got %d)"
              % (P, w.num("n_sleep"), len(got)))

    if a.only_process:
        mine = {P, *w.threads}
        others = collections.Counter()
        for e in events:
            pid = e.ctx.get("pid")
            if pid is not None:
                if pid != P:
                    others[(pid, e.name)] += 1
            elif e.tid not in mine:
                others[(e.tid, e.name)] += 1
        check(not others, "pid tracker: only the workload's process (pid %d) recorded%s"
              % (P, "; others: %s" % dict(others.most_common(8)) if others else ""))
        for t in w.threads:
            got = [e for e in events if e.tid == t]
            check(got and all(e.ctx.get("pid", P) == P for e in got),
                  "pid tracker: thread %d recorded (%d events), pid context %d" % (t, len(got), P))
        for c in w.children:
            got = [e for e in events if e.tid == c]
            check(not got, "pid tracker: child %d not recorded (got %d)" % (c, len(got)))

    print("%s: %d failed" % ("expect", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
