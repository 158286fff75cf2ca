#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks the CTF index files of an LTTng user-space trace against its stream files.

Usage: check-index.py [--strict] TRACE_DIR

For every directory below TRACE_DIR that holds an index/ directory (one per
ust/uid/<uid>/<bits> or ust/pid/<app> trace), and every index/<stream>.idx there:

  * the index header: magic 0xC1F1DCC1, version 1.x, entry length >= 56 bytes
    (CTF index 1.0; 1.1 adds stream_instance_id and packet_seq_num), and a
    whole number of entries;
  * each entry: packets follow each other from offset 0 (offset = previous
    offset + previous packet size), packet_size is a non-zero multiple of 8
    bits, content_size <= packet_size, the packet lies inside the stream file;
  * the packet the entry points to: CTF packet magic 0xC1FC1FC1, and its
    header and context (lttng-ust 2.13 layout: magic, uuid, stream_id,
    stream_instance_id, then timestamp_begin, timestamp_end, content_size,
    packet_size, packet_seq_num, events_discarded, cpu_id) say what the index
    entry says; timestamp_begin <= timestamp_end, and timestamps do not go
    backwards from one packet to the next;
  * packet_seq_num (index 1.1) goes up by one from packet to packet;
  * every stream file has an index file and the other way round.

Bytes of a stream file after its last indexed packet (a packet cut short by
a full disk, say) are reported; --strict makes them an error, and also
requires the metadata file to be a whole number of metadata packets.

The metadata file is walked packet by packet (magic 0x75D11D57, content and
packet sizes from each packet header) and reported.

Prints one line per trace directory and each problem found; exit status 0 if
no problem, 1 otherwise, 2 on a usage error.
"""
import os
import struct
import sys

INDEX_MAGIC = 0xC1F1DCC1
PACKET_MAGIC = 0xC1FC1FC1
METADATA_MAGIC = 0x75D11D57
# Packet header + context of lttng-ust 2.13 streams, little endian (x86, arm64).
PACKET_LAYOUT = struct.Struct("<I16sIQQQQQQQI")


def walk_metadata(path, problems, strict):
    """Returns a description of the metadata file; appends problems."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        problems.append("%s: %s" % (path, e.strerror))
        return "no metadata"
    if not data:
        problems.append("%s: empty metadata file" % path)
        return "metadata empty"
    if data.startswith(b"/* CTF"):
        return "metadata: %d bytes of text" % len(data)
    off = packets = 0
    while off < len(data):
        if len(data) - off < 37:
            break
        magic = struct.unpack_from("<I", data, off)[0]
        if magic != METADATA_MAGIC:
            magic = struct.unpack_from(">I", data, off)[0]
            fmt = ">"
        else:
            fmt = "<"
        if magic != METADATA_MAGIC:
            problems.append("%s: no metadata packet magic at offset %d" % (path, off))
            return "metadata: bad packet at %d" % off
        content, size = struct.unpack_from(fmt + "II", data, off + 24)
        if size == 0 or size % 8 or content > size:
            problems.append("%s: metadata packet at %d: content %d, packet %d bits"
                            % (path, off, content, size))
            return "metadata: bad packet at %d" % off
        if off + size // 8 > len(data):
            break
        off += size // 8
        packets += 1
    tail = len(data) - off
    if tail and strict:
        problems.append("%s: %d bytes after the last whole metadata packet" % (path, tail))
    return "metadata: %d packets%s" % (packets, ", %d bytes cut short" % tail if tail else "")


def check_stream(trace, name, problems, strict):
    """Returns (packets, indexed bytes, tail bytes) for one stream."""
    idx_path = os.path.join(trace, "index", name + ".idx")
    data_path = os.path.join(trace, name)
    with open(idx_path, "rb") as f:
        idx = f.read()
    try:
        size = os.path.getsize(data_path)
        with open(data_path, "rb") as f:
            data = f.read()
    except OSError as e:
        problems.append("%s: %s" % (data_path, e.strerror))
        return 0, 0, 0
    if len(idx) < 16:
        problems.append("%s: %d bytes, shorter than an index header" % (idx_path, len(idx)))
        return 0, 0, size
    magic, major, minor, elen = struct.unpack_from(">IIII", idx, 0)
    if magic != INDEX_MAGIC or major != 1 or elen < 56:
        problems.append("%s: header magic %#x version %d.%d entry length %d"
                        % (idx_path, magic, major, minor, elen))
        return 0, 0, size
    body = len(idx) - 16
    if body % elen:
        problems.append("%s: %d bytes after the last whole entry" % (idx_path, body % elen))
    count = body // elen
    expect_off = 0
    prev_ts_end = prev_seq = None
    for i in range(count):
        e = struct.unpack_from(">7Q", idx, 16 + i * elen)
        off, psize, csize, ts_b, ts_e, disc, sid = e
        seq = struct.unpack_from(">Q", idx, 16 + i * elen + 64)[0] if elen >= 72 else None
        where = "%s entry %d (offset %d)" % (idx_path, i, off)
        if off != expect_off:
            problems.append("%s: expected offset %d" % (where, expect_off))
        if psize == 0 or psize % 8 or csize > psize:
            problems.append("%s: packet_size %d content_size %d bits" % (where, psize, csize))
            return i, expect_off, size - expect_off
        if off + psize // 8 > size:
            problems.append("%s: packet of %d bytes ends after the end of %s (%d bytes)"
                            % (where, psize // 8, name, size))
            return i, expect_off, size - expect_off
        if ts_b > ts_e:
            problems.append("%s: timestamp_begin %d > timestamp_end %d" % (where, ts_b, ts_e))
        if prev_ts_end is not None and ts_b < prev_ts_end:
            problems.append("%s: timestamp_begin %d before the previous packet's end %d"
                            % (where, ts_b, prev_ts_end))
        if seq is not None and prev_seq is not None and seq != prev_seq + 1:
            problems.append("%s: packet_seq_num %d after %d" % (where, seq, prev_seq))
        hdr = PACKET_LAYOUT.unpack_from(data, off)
        (pmagic, _uuid, psid, _inst, pts_b, pts_e, pcsize, ppsize, pseq, pdisc, _cpu) = hdr
        if pmagic != PACKET_MAGIC:
            problems.append("%s: no CTF packet magic there (%#x)" % (where, pmagic))
        elif (psid, pts_b, pts_e, pcsize, ppsize, pdisc) != (sid, ts_b, ts_e, csize, psize, disc) \
                or (seq is not None and pseq != seq):
            problems.append("%s: packet header/context %s differ from the index entry %s"
                            % (where, (psid, pts_b, pts_e, pcsize, ppsize, pseq, pdisc),
                               (sid, ts_b, ts_e, csize, psize, seq, disc)))
        prev_ts_end, prev_seq = ts_e, seq
        expect_off = off + psize // 8
    tail = size - expect_off
    if tail and strict:
        problems.append("%s: %d bytes after the last indexed packet" % (data_path, tail))
    return count, expect_off, tail


def main(argv):
    strict = False
    args = argv[1:]
    if args and args[0] == "--strict":
        strict = True
        args = args[1:]
    if len(args) != 1 or not os.path.isdir(args[0]):
        print("usage: check-index.py [--strict] TRACE_DIR", file=sys.stderr)
        return 2
    problems = []
    traces = sorted(d for d, dirs, _ in os.walk(args[0]) if "index" in dirs)
    if not traces:
        problems.append("%s: no trace directory (none holds index/)" % args[0])
    for trace in traces:
        idx_names = sorted(f[:-4] for f in os.listdir(os.path.join(trace, "index"))
                           if f.endswith(".idx"))
        data_names = sorted(f for f in os.listdir(trace)
                            if os.path.isfile(os.path.join(trace, f)) and f != "metadata")
        for n in sorted(set(data_names) - set(idx_names)):
            problems.append("%s/%s: stream file without an index file" % (trace, n))
        for n in sorted(set(idx_names) - set(data_names)):
            problems.append("%s/index/%s.idx: index file without a stream file" % (trace, n))
        total_p = total_b = total_t = 0
        for n in sorted(set(idx_names) & set(data_names)):
            p, b, t = check_stream(trace, n, problems, strict)
            total_p += p
            total_b += b
            total_t += t
        meta = walk_metadata(os.path.join(trace, "metadata"), problems, strict)
        print("%s: %d streams, %d packets, %d bytes indexed, %d bytes after the last "
              "indexed packets; %s" % (os.path.relpath(trace, args[0]), len(idx_names),
                                       total_p, total_b, total_t, meta))
    for p in problems:
        print("problem: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
