#!/usr/bin/python3
"""Small process helpers for tests/integration/daemon/run.sh.

Usage:
  daemon-helper.py connect PATH
      Connect to the Unix stream socket PATH, close it, print "ok" or the
      errno name (ENOENT, EACCES, ECONNREFUSED, ...). Always exits 0.

  daemon-helper.py wait-socket SECONDS PATH
      Like connect, retried every 50 ms until it prints "ok" or SECONDS pass;
      prints the last result.

  daemon-helper.py sigparent SECONDS SOCKET [--stop] -- COMMAND [ARG...]
      Fork and exec COMMAND (for lttng-sessiond -S / --sig-parent), then wait
      up to SECONDS for SIGUSR1. Prints key=value lines:
        child_pid=PID
        sigusr1=yes|no
        sender=child|PID        (who sent SIGUSR1, as the kernel reports it)
        socket=ok|ERRNO         (SOCKET tried right after SIGUSR1 arrived)
        child_exit=N | child_signal=N | child_running
      With --stop the child is sent SIGTERM once the signal came (or the time
      ran out) and its exit status is reported; without it, a child that exits
      by itself (a --daemonize launcher) is waited for until SECONDS pass.
      Once the child has exited, SIGUSR1 is awaited one more second at most.
"""

import errno
import os
import signal
import socket
import sys
import time


def try_connect(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        return "ok"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    finally:
        sock.close()


def wait_socket(seconds, path):
    deadline = time.monotonic() + seconds
    while True:
        result = try_connect(path)
        if result == "ok" or time.monotonic() >= deadline:
            return result
        time.sleep(0.05)


def describe_status(status):
    if os.WIFEXITED(status):
        return "child_exit=%d" % os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        return "child_signal=%d" % os.WTERMSIG(status)
    return "child_status=%d" % status


def reap(pid):
    """Returns the wait status of pid if it has exited, else None."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return status if done == pid else None


def wait_child(pid, deadline):
    while True:
        status = reap(pid)
        if status is not None or time.monotonic() >= deadline:
            return status
        time.sleep(0.02)


def sigparent(seconds, sock_path, stop, command):
    watched = {signal.SIGUSR1, signal.SIGCHLD}
    # Blocked before the fork, so a SIGUSR1 sent before we wait is kept
    # pending instead of killing us (its default action).
    signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    print("child_pid=%d" % pid)
    deadline = time.monotonic() + seconds
    got = None
    status = None
    while got is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        info = signal.sigtimedwait(watched, remaining)
        if info is None:
            break
        if info.si_signo == signal.SIGUSR1:
            got = info
        elif status is None:
            status = reap(pid)
            if status is not None:
                # A launcher that exited: a signal still on its way gets
                # one more second.
                deadline = min(deadline, time.monotonic() + 1)

    # Right away: the daemon must accept clients once it said it is ready.
    sock_state = try_connect(sock_path) if got else "not-tried"
    print("sigusr1=%s" % ("yes" if got else "no"))
    if got:
        print("sender=%s" % ("child" if got.si_pid == pid else str(got.si_pid)))
    print("socket=%s" % sock_state)

    if status is None:
        status = reap(pid)
    if status is None and stop:
        os.kill(pid, signal.SIGTERM)
        status = wait_child(pid, time.monotonic() + 10)
        if status is None:
            os.kill(pid, signal.SIGKILL)
            wait_child(pid, time.monotonic() + 5)
            print("child_running")
            return
    elif status is None:
        status = wait_child(pid, deadline)
    print(describe_status(status) if status is not None else "child_running")


def main(argv):
    if len(argv) == 3 and argv[1] == "connect":
        print(try_connect(argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == "wait-socket":
        print(wait_socket(float(argv[2]), argv[3]))
        return 0
    if len(argv) >= 6 and argv[1] == "sigparent":
        seconds, sock_path = float(argv[2]), argv[3]
        rest = argv[4:]
        stop = False
        if rest and rest[0] == "--stop":
            stop = True
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] == "--":
            sigparent(seconds, sock_path, stop, rest[1:])
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
