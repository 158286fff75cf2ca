#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Hostile peers on a session daemon's application registration socket.

    reg-peers.py SOCKET OUTDIR FLOOD

Starts, each in a process of its own (the daemon knows a peer by its pid, from the
kernel's credentials):
  - two forged applications whose registration messages carry values no lttng-ust
    sends (an uint8_t alignment of 0 bits; a long of 1000 bits), each with its
    command and notify sockets; each writes OUTDIR/forged-NAME.txt: its pid, then
    "closed" when the daemon closed its command socket within 10 s, else "open";
  - an orphan notify socket (a valid notify registration whose command socket never
    comes); OUTDIR/orphan.txt: its pid, then "closed after S s" or "open";
  - a flood of FLOOD silent connections kept open: each one the daemon closes is
    opened again at once, until OUTDIR/stop exists; OUTDIR/flood.txt then says
    "connections N closed-by-daemon M".
OUTDIR/peers.ready is written once all of them are connected.
The message layout is lttng-ust 2.13's (doc/protocol/apps.md, "Registration").
"""
import os
import select
import socket
import struct
import sys
import time

MAGIC = 0xC57C57C5
ABI_MAJOR, ABI_MINOR = 9, 0  # LTTNG_UST_ABI_MAJOR_VERSION of lttng-ust 2.13
SOCKET_CMD, SOCKET_NOTIFY = 0, 1


def reg_msg(sock_type, bits_per_long=64, aligns=(8, 8, 8, 8, 8), name=b"forged"):
    pid = os.getpid()
    return struct.pack("<14I16s64s", MAGIC, ABI_MAJOR, ABI_MINOR, pid, os.getppid(),
                       os.getuid(), os.getgid(), bits_per_long, *aligns, sock_type,
                       name, b"")


def connect(path, timeout=10):
    """A connection, or OSError (a daemon whose backlog is full makes connect wait)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except OSError:
        s.close()
        raise
    s.settimeout(None)
    return s


def closed_within(s, seconds):
    """Seconds until the daemon closed s (EOF or reset), or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            try:
                if s.recv(4096) == b"":
                    return time.monotonic() - t0
            except OSError:
                return time.monotonic() - t0
    return None


def in_child(fn, *args):
    pid = os.fork()
    if pid == 0:
        try:
            fn(*args)
        finally:
            os._exit(0)
    return pid


def forged(path, outdir, name, bits_per_long, aligns):
    cmd = connect(path)
    cmd.sendall(reg_msg(SOCKET_CMD, bits_per_long, aligns, name.encode()))
    notify = connect(path)
    notify.sendall(reg_msg(SOCKET_NOTIFY, bits_per_long, aligns, name.encode()))
    open(os.path.join(outdir, "forged-%s.connected" % name), "w").close()
    t = closed_within(cmd, 10)
    with open(os.path.join(outdir, "forged-%s.txt" % name), "w") as f:
        f.write("%d %s\n" % (os.getpid(), "closed" if t is not None else "open"))


def orphan(path, outdir):
    notify = connect(path)
    notify.sendall(reg_msg(SOCKET_NOTIFY, name=b"orphan"))
    open(os.path.join(outdir, "orphan.connected"), "w").close()
    t = closed_within(notify, 30)
    with open(os.path.join(outdir, "orphan.txt"), "w") as f:
        f.write("%d %s\n" % (os.getpid(), "closed after %.1f s" % t if t is not None else "open"))


def flood(path, outdir, count):
    socks, made, closed, refused = [], 0, 0, 0
    for _ in range(count):
        try:
            socks.append(connect(path, 1))
            made += 1
        except OSError:
            refused += 1
    open(os.path.join(outdir, "flood.connected"), "w").close()
    stop = os.path.join(outdir, "stop")
    while not os.path.exists(stop):
        r, _, _ = select.select(socks, [], [], 0.1)
        for s in r:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data == b"":
                socks.remove(s)
                s.close()
                closed += 1
                try:
                    socks.append(connect(path, 1))
                    made += 1
                except OSError:
                    refused += 1
        if not socks:
            time.sleep(0.1)
    with open(os.path.join(outdir, "flood.txt"), "w") as f:
        f.write("connections %d closed-by-daemon %d not-accepted %d\n" % (made, closed, refused))


def main():
    path, outdir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    children = [
        in_child(forged, path, outdir, "align0", 64, (0, 8, 8, 8, 8)),
        in_child(forged, path, outdir, "long1000", 1000, (8, 8, 8, 8, 8)),
        in_child(orphan, path, outdir),
        in_child(flood, path, outdir, count),
    ]
    deadline = time.monotonic() + 30
    marks = ("forged-align0.connected", "forged-long1000.connected", "orphan.connected",
             "flood.connected")
    while time.monotonic() < deadline:
        if all(os.path.exists(os.path.join(outdir, m)) for m in marks):
            open(os.path.join(outdir, "peers.ready"), "w").close()
            break
        time.sleep(0.05)
    for pid in children:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
