#!/usr/bin/python3
"""Time-stamps what a live trace reader prints, line by line.

Usage: live-stamp.py OUT FIFO -- COMMAND [ARGS...]

Runs COMMAND (a babeltrace2 lttng-live reader started with --clock-seconds)
with its standard output on a pseudo-terminal, so that it writes each line as
it formats it instead of filling a pipe buffer first; its standard error is
ours. Every line read is written to OUT as "T LINE", T being CLOCK_REALTIME in
nanoseconds when the line was read. For each line holding "sample:app_end",
"T EVENT" is also written to FIFO (opened for writing; the caller holds it
open), EVENT being the event's own time stamp as printed ("[S.NNNNNNNNN]"), or
0 if the line has none. Ends when COMMAND's output ends; its exit status is
COMMAND's. SIGTERM is passed on to COMMAND.
"""

import os
import pty
import signal
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out_path, fifo_path, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
    master, slave = pty.openpty()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, close_fds=True)
    os.close(slave)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    fifo = os.open(fifo_path, os.O_WRONLY)
    pending = b""
    with open(out_path, "w", encoding="utf-8") as out:
        while True:
            try:
                data = os.read(master, 65536)
            except InterruptedError:
                continue
            except OSError:  # EIO: the reader closed the terminal (exited)
                break
            if not data:
                break
            now = time.time_ns()
            *lines, pending = (pending + data).split(b"\n")
            for raw in lines:
                line = raw.rstrip(b"\r").decode(errors="replace")
                out.write(f"{now} {line}\n")
                if "sample:app_end" in line:
                    event = "0"
                    if line.startswith("[") and "]" in line:
                        event = line[1 : line.index("]")]
                    os.write(fifo, f"{now} {event}\n".encode())
            out.flush()
    os.close(master)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
