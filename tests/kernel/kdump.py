# SPDX-License-Identifier: GPL-2.0-only
"""kdump.py TRACE_DIR: one line per event of a CTF trace (python3-bt2), for the
shell checks of run.sh's cases g-m:

    NAME<TAB>key=value<TAB>key=value...

the stream packet context's cpu_id first, then the event's context fields
(LTTng's names without the leading underscore: pid, tid, procname, ...), then
its payload fields; strings as they are, integers in decimal, arrays and
sequences as [a,b,...]. Exit status 0 when the whole trace was read (discarded
events and packets are not errors here); 1 with the error on stderr otherwise.
"""
import sys

import bt2


def value(v):
    if isinstance(v, (bt2._StringFieldConst,)):
        return str(v)
    if isinstance(v, (bt2._ArrayFieldConst,)):
        return "[" + ",".join(value(x) for x in v) + "]"
    if isinstance(v, bt2._StructureFieldConst):
        return "{" + ",".join("%s:%s" % (k, value(x)) for k, x in v.items()) + "}"
    if isinstance(v, bt2._EnumerationFieldConst):
        return str(int(v))
    if isinstance(v, (bt2._IntegerFieldConst,)):
        return str(int(v))
    if isinstance(v, bt2._RealFieldConst):
        return repr(float(v))
    if isinstance(v, bt2._VariantFieldConst):
        return value(v.selected_option)
    return str(v)


def main():
    try:
        it = bt2.TraceCollectionMessageIterator(sys.argv[1])
        out = []
        for msg in it:
            if type(msg) is not bt2._EventMessageConst:
                continue
            ev = msg.event
            parts = [ev.name]
            pc = ev.packet.context_field if ev.packet is not None else None
            if pc is not None and "cpu_id" in pc:
                parts.append("cpu_id=%d" % int(pc["cpu_id"]))
            for scope in (ev.common_context_field, ev.specific_context_field, ev.payload_field):
                if scope is None:
                    continue
                for k, v in scope.items():
                    parts.append("%s=%s" % (k.lstrip("_"), value(v).replace("\t", " ")))
            out.append("\t".join(parts))
    except Exception as e:  # bt2 errors: the trace could not be read
        print("kdump.py: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    sys.stdout.write("".join(line + "\n" for line in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
