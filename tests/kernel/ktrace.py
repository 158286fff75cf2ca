# SPDX-License-Identifier: GPL-2.0-only
"""Kernel-trace readers shared by compare.py and expect.py.

Two sources, one normalized form: a list of Event (ts, cpu, tid, name, fields,
ctx), names and fields in LTTng's spelling (lttng-modules 2.13):

* read_lttng(DIR): a CTF trace written by our daemon in LTTng's kernel layout
  (DIR is <output>/kernel or the session output; read with python3-bt2). The tid
  of an event is its `tid` context when the channel has one, else the task
  current on that CPU according to the sched_switch events seen so far (None
  before the first sched_switch of a CPU), as lttng-analyses does.
* read_ref(FILE): the dump of lttng-test-ref-recorder (ftrace names and fields),
  mapped to LTTng's through FTRACE_MAP; the tid is common_pid.

ts is the clock value in ns (LTTng: the clock's cycles, freq 1 GHz = CLOCK_MONOTONIC
ns; ftrace: the mono trace clock), so both sources share a time base.
"""
import collections
import os
import re
import sys

Event = collections.namedtuple("Event", "ts cpu tid name fields ctx")

# ---------------------------------------------------------------------------
# ftrace -> LTTng names and fields (kernel-tracefs-facts.md §3)
# ---------------------------------------------------------------------------
# name: (lttng name, {ftrace field: lttng field}, {lttng fields: -100}, {dropped})
_PRIO = {"prio"}
FTRACE_MAP = {
    "sched:sched_switch": ("sched_switch",
                           {"prev_pid": "prev_tid", "next_pid": "next_tid"},
                           {"prev_prio", "next_prio"}, set()),
    "sched:sched_wakeup": ("sched_wakeup", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_waking": ("sched_waking", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_wakeup_new": ("sched_wakeup_new", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_process_fork": ("sched_process_fork",
                                 {"parent_pid": "parent_tid", "child_pid": "child_tid"},
                                 set(), set()),
    "sched:sched_process_exec": ("sched_process_exec",
                                 {"pid": "tid", "old_pid": "old_tid"}, set(), set()),
    "sched:sched_process_exit": ("sched_process_exit", {"pid": "tid"}, _PRIO,
                                 {"group_dead"}),
    "sched:sched_process_free": ("sched_process_free", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_process_wait": ("sched_process_wait", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_wait_task": ("sched_wait_task", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_migrate_task": ("sched_migrate_task", {"pid": "tid"}, _PRIO, set()),
    "sched:sched_stat_runtime": ("sched_stat_runtime", {"pid": "tid"}, set(), set()),
    "sched:sched_pi_setprio": ("sched_pi_setprio", {"pid": "tid"},
                               {"oldprio", "newprio"}, set()),
    "irq:softirq_entry": ("irq_softirq_entry", {}, set(), set()),
    "irq:softirq_exit": ("irq_softirq_exit", {}, set(), set()),
    "irq:softirq_raise": ("irq_softirq_raise", {}, set(), set()),
    "irq:irq_handler_entry": ("irq_handler_entry", {}, set(), set()),
    "irq:irq_handler_exit": ("irq_handler_exit", {}, set(), set()),
    "timer:hrtimer_start": ("timer_hrtimer_start", {}, set(), {"was_armed"}),
    "timer:hrtimer_cancel": ("timer_hrtimer_cancel", {}, set(), set()),
    "timer:hrtimer_expire_entry": ("timer_hrtimer_expire_entry", {}, set(), set()),
    "timer:hrtimer_expire_exit": ("timer_hrtimer_expire_exit", {}, set(), set()),
    "timer:hrtimer_setup": ("timer_hrtimer_init", {}, set(), set()),
    "timer:timer_start": ("timer_start", {}, set(), {"bucket_expiry"}),
    "timer:itimer_state": ("timer_itimer_state", {}, set(), set()),
    "timer:itimer_expire": ("timer_itimer_expire", {}, set(), set()),
    "kmem:kmalloc": ("kmem_kmalloc", {}, set(), set()),
    "kmem:kfree": ("kmem_kfree", {}, set(), set()),
    "kmem:mm_page_alloc": ("kmem_mm_page_alloc", {}, set(), set()),
    "kmem:mm_page_free": ("kmem_mm_page_free", {}, set(), set()),
    "power:cpu_idle": ("power_cpu_idle", {}, set(), set()),
    "power:cpu_frequency": ("power_cpu_frequency", {}, set(), set()),
    "block:block_rq_issue": ("block_rq_issue", {}, set(), {"rwbs", "ioprio", "cmd"}),
    "block:block_rq_insert": ("block_rq_insert", {}, set(), {"rwbs", "ioprio", "cmd"}),
    "block:block_rq_complete": ("block_rq_complete", {}, set(), {"rwbs", "ioprio", "cmd"}),
}

# System calls: LTTng's entry carries the input arguments only, its exit `ret`
# (then output arguments, not compared). The fields compared per entry; a call
# not listed compares the integer fields both sides have. String arguments
# (openat's filename) are pointers in ftrace: not compared.
SYSCALL_ENTRY_FIELDS = {
    "openat": ("dfd", "flags", "mode"),
    "open": ("flags", "mode"),
    "read": ("fd", "count"),
    "write": ("fd", "buf", "count"),
    "close": ("fd",),
    "nanosleep": ("rqtp", "rmtp"),
    "wait4": ("upid", "options", "ru"),
    "lseek": ("fd", "offset", "whence"),
    "getpid": (),
    "gettid": (),
    "exit_group": ("error_code",),
}


def same_value(a, b):
    """Equal, integers compared in the width they share: ftrace gives a syscall's
    int argument in an unsigned 8-byte slot (dfd -100 is 4294967196), LTTng as
    the argument's own signed type."""
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
        return (a - b) % (1 << 64) == 0 or (a - b) % (1 << 32) == 0
    return a == b


def same_fields(got, want):
    return got.keys() == want.keys() and all(same_value(got[k], want[k]) for k in want)


def ftrace_records_string(system, event, field, tracefs="/sys/kernel/tracing"):
    """Whether ftrace records this field's string (False: only its address)."""
    try:
        with open("%s/events/%s/%s/format" % (tracefs, system, event)) as f:
            for line in f:
                if ("field:" in line and (" %s;" % field) in line) or ("*%s;" % field) in line:
                    return "*" not in line.split(";")[0]
    except OSError:
        pass
    return True


def map_ftrace(sysname, name, fields):
    """(LTTng name, LTTng fields) of an ftrace record; None fields = compare all
    that both sides have."""
    key = sysname + ":" + name
    if sysname == "syscalls" and name.startswith("sys_enter_"):
        call = name[len("sys_enter_"):]
        f = {k: v for k, v in fields.items() if k != "__syscall_nr"}
        keep = SYSCALL_ENTRY_FIELDS.get(call)
        if keep is not None:
            f = {k: f[k] for k in keep if k in f}
        return "syscall_entry_" + call, f
    if sysname == "syscalls" and name.startswith("sys_exit_"):
        return "syscall_exit_" + name[len("sys_exit_"):], {"ret": fields.get("ret")}
    m = FTRACE_MAP.get(key)
    if m is None:
        return name, dict(fields)
    lname, rename, prio, drop = m
    out = {}
    for k, v in fields.items():
        if k in drop:
            continue
        k2 = rename.get(k, k)
        if k2 in prio and isinstance(v, int):
            v -= 100
        out[k2] = v
    return lname, out


# Which syscall entries LTTng filters by name only (compared loosely, see above).
def loose_fields(name):
    return name.startswith("syscall_entry_") and \
        name[len("syscall_entry_"):] not in SYSCALL_ENTRY_FIELDS


# ---------------------------------------------------------------------------
# The reference dump
# ---------------------------------------------------------------------------
_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)')


def _unquote(s):
    out = []
    i = 1
    while i < len(s) - 1:
        c = s[i]
        if c == "\\":
            if s[i + 1] == "x":
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(s[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _value(s):
    if s.startswith('"'):
        return _unquote(s)
    if s.startswith("["):
        return tuple(int(x) for x in s[1:-1].split(",") if x)
    try:
        return int(s)
    except ValueError:
        return s


class RefInfo:
    def __init__(self):
        self.dropped = {}
        self.missed = {}
        self.records = None
        self.first_ts = None
        self.last_ts = None


def read_ref(path):
    """(events, RefInfo) of a lttng-test-ref-recorder dump."""
    events = []
    info = RefInfo()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# dropped "):
                d = dict(kv.split("=") for kv in line[len("# dropped "):].split())
                info.dropped[int(d["cpu"])] = int(d["count"])
                continue
            if line.startswith("# missed "):
                d = dict(kv.split("=") for kv in line[len("# missed "):].split())
                info.missed[int(d["cpu"])] = int(d["events"])
                continue
            if line.startswith("# records "):
                info.records = int(line.split()[2])
                continue
            if not line or line.startswith("#"):
                continue
            cpu, ts, full, rest = (line.split(" ", 3) + [""])[:4]
            sysname, _, name = full.partition(":")
            fields = {k: _value(v) for k, v in _FIELD.findall(rest)}
            tid = fields.pop("common_pid", None)
            lname, lfields = map_ftrace(sysname, name, fields)
            ev = Event(int(ts), int(cpu), tid, lname, lfields, {})
            events.append(ev)
    if events:
        info.first_ts = events[0].ts
        info.last_ts = events[-1].ts
    return events, info


# ---------------------------------------------------------------------------
# Our trace (CTF, LTTng kernel layout)
# ---------------------------------------------------------------------------
def _bt2():
    try:
        import bt2  # noqa: F401 (python3-bt2)
    except ImportError:
        sys.exit("python3-bt2 is needed (import bt2); run with /usr/bin/python3")
    return bt2


def conv(bt2, f):
    """A bt2 field as a plain Python value."""
    if f is None:
        return None
    if isinstance(f, bt2._StringFieldConst):
        return str(f)
    if isinstance(f, bt2._BoolFieldConst):
        return bool(f)
    if isinstance(f, bt2._IntegerFieldConst):  # enumerations too
        return int(f)
    if isinstance(f, bt2._RealFieldConst):
        return float(f)
    if isinstance(f, bt2._BitArrayFieldConst):
        return int(f.value_as_integer)
    if isinstance(f, bt2._ArrayFieldConst):
        return tuple(conv(bt2, x) for x in f)
    if isinstance(f, bt2._StructureFieldConst):
        return {str(k): conv(bt2, v) for k, v in f.items()}
    if isinstance(f, bt2._VariantFieldConst):
        return conv(bt2, f.selected_option)
    if isinstance(f, bt2._OptionFieldConst):
        return conv(bt2, f.field)
    return str(f)


class LttngInfo:
    def __init__(self):
        self.env = {}
        self.clock = None          # (name, uuid str or None, freq, offset_s, offset_cycles)
        self.problems = []         # trace-level facts that are wrong
        self.discarded = 0         # sum of the discarded-events messages
        self.discarded_unknown = 0  # discarded-events messages without a count
        self.lost_packets = 0
        self.stream_files = set()
        self.first_ts = None
        self.last_ts = None
        self.event_count = 0


def find_kernel_dir(path):
    """<output>/kernel, or path itself when it is the kernel trace."""
    if os.path.isfile(os.path.join(path, "metadata")):
        return path
    k = os.path.join(path, "kernel")
    if os.path.isfile(os.path.join(k, "metadata")):
        return k
    for root, _dirs, files in os.walk(path):
        if "metadata" in files and os.path.basename(root) == "kernel":
            return root
    sys.exit("no kernel trace (kernel/metadata) under %s" % path)


def _repair_unseen_switch(events, indexes, prev_tid, believed):
    """Some tasks never appear in ftrace's records on this kind of machine (the
    threads of its PID 1: neither their events nor the switches away from
    them), so a switch from such a task to one we trace is never recorded. A
    sched_switch whose prev_tid is not the task the CPU's last switch went to
    shows it: that task recorded nothing, so the events inferred since then
    were prev_tid's (events before a CPU's first switch too)."""
    if believed == prev_tid:
        return
    for i in indexes:
        events[i] = events[i]._replace(tid=prev_tid)


def read_lttng(path):
    """(events, LttngInfo) of our kernel trace."""
    bt2 = _bt2()
    kdir = find_kernel_dir(path)
    info = LttngInfo()
    events = []
    current = {}              # cpu -> tid, from sched_switch
    pending = {}              # cpu -> indexes of events whose tid was inferred since its last switch
    last_ts = {}              # stream key -> last clock value
    stream_cpu = {}           # stream key -> CPU from its file name
    first_env = True
    it = bt2.TraceCollectionMessageIterator(kdir)
    for msg in it:
        if isinstance(msg, bt2._StreamBeginningMessageConst):
            st = msg.stream
            if first_env:
                first_env = False
                info.env = {str(k): (int(v) if "Integer" in type(v).__name__ else str(v))
                            for k, v in st.trace.environment.items()}
            name = st.name or ""
            info.stream_files.add(name)
            m = re.search(r"_(\d+)$", os.path.basename(name))
            stream_cpu[name] = int(m.group(1)) if m else None
            continue
        if isinstance(msg, bt2._PacketBeginningMessageConst):
            pkt = msg.packet
            ctx = conv(bt2, pkt.context_field) or {}
            name = pkt.stream.name or ""
            want = stream_cpu.get(name)
            if "cpu_id" not in ctx:
                info.problems.append("packet of %s without cpu_id" % name)
            elif want is not None and ctx["cpu_id"] != want:
                info.problems.append("packet of %s: cpu_id %s, file says CPU %d"
                                     % (name, ctx["cpu_id"], want))
            continue
        if isinstance(msg, bt2._DiscardedEventsMessageConst):
            if msg.count is None:
                info.discarded_unknown += 1
            else:
                info.discarded += msg.count
            continue
        if isinstance(msg, bt2._DiscardedPacketsMessageConst):
            info.lost_packets += msg.count or 0
            continue
        if not isinstance(msg, bt2._EventMessageConst):
            continue
        ev = msg.event
        cs = msg.default_clock_snapshot
        if info.clock is None:
            cc = cs.clock_class
            info.clock = (cc.name, str(cc.uuid) if cc.uuid else None, cc.frequency,
                          cc.offset.seconds, cc.offset.cycles)
        freq = info.clock[2]
        ts = cs.value if freq == 1000000000 else cs.value * 1000000000 // freq
        sname = ev.stream.name or ""
        if sname in last_ts and ts < last_ts[sname]:
            info.problems.append("%s: timestamp %d after %d" % (sname, ts, last_ts[sname]))
        last_ts[sname] = ts
        pctx = conv(bt2, ev.packet.context_field) if ev.packet else {}
        cpu = pctx.get("cpu_id") if pctx else None
        fields = conv(bt2, ev.payload_field) or {}
        ctx = {}
        for cf in (ev.common_context_field, ev.specific_context_field):
            if cf is not None:
                ctx.update(conv(bt2, cf))
        tid = ctx.get("tid")
        inferred = tid is None and "tid" not in ctx
        if inferred:
            tid = current.get(cpu)
        if ev.name == "sched_switch" and "prev_tid" in fields:
            _repair_unseen_switch(events, pending.pop(cpu, []), fields["prev_tid"], tid)
            if inferred:
                tid = fields["prev_tid"]
        elif inferred:
            pending.setdefault(cpu, []).append(len(events))
        events.append(Event(ts, cpu, tid, ev.name, fields, ctx))
        if ev.name == "sched_switch" and "next_tid" in fields:
            current[cpu] = fields["next_tid"]
        info.event_count += 1
    if events:
        info.first_ts = events[0].ts
        info.last_ts = events[-1].ts
    return events, info


# ---------------------------------------------------------------------------
# The workload's key=value output
# ---------------------------------------------------------------------------
class Workload:
    def __init__(self, path):
        self.kv = collections.defaultdict(list)
        with open(path) as f:
            for line in f:
                k, sep, v = line.strip().partition("=")
                if sep:
                    self.kv[k].append(v)
        self.pid = int(self.one("pid"))
        self.threads = [int(t) for t in self.kv.get("thread", [])]
        self.children = [int(c) for c in self.kv.get("child", [])]
        self.done = self.kv.get("done") == ["1"]

    def one(self, key, default=None):
        v = self.kv.get(key)
        return v[0] if v else default

    def num(self, key, default=0):
        v = self.one(key)
        return int(v) if v is not None else default

    def tids(self):
        return {self.pid, *self.threads, *self.children}
