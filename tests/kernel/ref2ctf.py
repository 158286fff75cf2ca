#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A synthetic LTTng-like kernel trace from a reference dump: checks the checkers.

  ref2ctf.py REF_DUMP OUT_DIR [--openat-filename PATH]

Writes OUT_DIR/kernel/ (babeltrace2's sink.ctf.fs, CTF 1.8) holding the dump's
records under LTTng's names and fields (ktrace.map_ftrace), one stream per CPU
named channel0_<cpu> with a packet context cpu_id, the metadata env of an LTTng
2.13 kernel trace and a "monotonic" clock whose uuid is the boot_id. What ftrace
cannot give is made up the simple way: syscall_entry_openat's filename is
--openat-filename; sched_process_fork's parent_pid/child_pid (tgids) are the
tids. Not LTTng's exact layout (not its packet sizes nor headers): only what
expect.py and compare.py read. The suite's case "t" runs expect.py and compare.py
on it, so that a failure of theirs on our daemon's trace is our daemon's.
"""
import argparse
import collections
import os
import socket
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktrace  # noqa: E402

import bt2  # noqa: E402


def build(events, filename):
    out = []
    for e in events:
        f = dict(e.fields)
        if e.name == "syscall_entry_openat" and filename is not None:
            f["filename"] = filename
        if e.name == "sched_process_fork":
            f.setdefault("parent_pid", f.get("parent_tid"))
            f.setdefault("child_pid", f.get("child_tid"))
        out.append(e._replace(fields=f))
    return out


class Iter(bt2._UserMessageIterator):
    def __init__(self, config, port):
        comp = port.user_data
        self._msgs = iter(comp.make_messages(self))

    def __next__(self):
        return next(self._msgs)


class Source(bt2._UserSourceComponent, message_iterator_class=Iter):
    def __init__(self, config, params, obj):
        self._events, self._offset = obj
        self._add_output_port("out", self)
        tc = self._create_trace_class()
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = uuid.UUID(f.read().strip())
        self._cc = self._create_clock_class(
            frequency=1000000000, name="monotonic", uuid=boot,
            description="Monotonic Clock",
            offset=bt2.ClockClassOffset(self._offset // 1000000000, self._offset % 1000000000),
            origin_is_unix_epoch=True)
        pc = tc.create_structure_field_class()
        pc.append_member("cpu_id", tc.create_unsigned_integer_field_class(32))
        self._sc = tc.create_stream_class(
            default_clock_class=self._cc, packet_context_field_class=pc,
            supports_packets=True, packets_have_beginning_default_clock_snapshot=True,
            packets_have_end_default_clock_snapshot=True)
        self._ecs = {}
        big = set()  # (name, field) with values >= 2^63: unsigned
        for e in self._events:
            for k, v in e.fields.items():
                if isinstance(v, int) and v >= 1 << 63:
                    big.add((e.name, k))
        for e in self._events:
            if e.name in self._ecs:
                continue
            fc = tc.create_structure_field_class()
            for k, v in e.fields.items():
                if isinstance(v, str):
                    fc.append_member(k, tc.create_string_field_class())
                elif isinstance(v, int) and (e.name, k) in big:
                    fc.append_member(k, tc.create_unsigned_integer_field_class(64))
                elif isinstance(v, int):
                    fc.append_member(k, tc.create_signed_integer_field_class(64))
            self._ecs[e.name] = self._sc.create_event_class(name=e.name, payload_field_class=fc)
        u = os.uname()
        self._trace = tc(environment={
            "hostname": socket.gethostname(), "domain": "kernel", "sysname": u.sysname,
            "kernel_release": u.release, "kernel_version": u.version,
            "tracer_name": "lttng-modules", "tracer_major": 2, "tracer_minor": 13,
            "tracer_patchlevel": 9, "trace_buffering_scheme": "global",
            "trace_name": "synthetic", "trace_creation_datetime": "20260101T000000+0000"})

    def make_messages(self, it):
        by_cpu = collections.defaultdict(list)
        for e in self._events:
            by_cpu[e.cpu].append(e)
        for cpu in sorted(by_cpu):
            evs = by_cpu[cpu]
            st = self._trace.create_stream(self._sc, name="channel0_%d" % cpu)
            pkt = st.create_packet()
            pkt.context_field["cpu_id"] = cpu
            yield it._create_stream_beginning_message(st)
            yield it._create_packet_beginning_message(pkt, evs[0].ts)
            for e in evs:
                ec = self._ecs[e.name]
                m = it._create_event_message(ec, pkt, e.ts)
                for k, v in e.fields.items():
                    if isinstance(v, (str, int)):
                        m.event.payload_field[k] = v
                yield m
            yield it._create_packet_end_message(pkt, evs[-1].ts)
            yield it._create_stream_end_message(st)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("out")
    ap.add_argument("--openat-filename")
    a = ap.parse_args()
    events, _ = ktrace.read_ref(a.ref)
    events = build(events, a.openat_filename)
    import time
    offset = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    kdir = os.path.join(a.out, "kernel")
    os.makedirs(a.out, exist_ok=True)
    g = bt2.Graph()
    src = g.add_component(Source, "src", obj=(events, offset))
    ctf = bt2.find_plugin("ctf")
    sink = g.add_component(ctf.sink_component_classes["fs"], "sink",
                           params={"path": kdir, "assume-single-trace": True, "quiet": True})
    g.connect_ports(src.output_ports["out"], sink.input_ports["in"])
    g.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
