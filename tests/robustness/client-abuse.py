#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Abuses the client command socket of our lttng-sessiond and checks that it survives.

Meant to run inside run-client-abuse.sh (private mount/pid namespaces, tmpfs on
/var/run/lttng and /dev/shm, private HOME): it starts the daemon given on the command
line, so the daemon's run directory is /var/run/lttng when we are (namespace) root.

Every abuse is followed by a LIST_SESSIONS request that must be answered LTTNG_OK.
Output is TAP. Python standard library only.
"""
import os
import random
import signal
import socket
import stat
import struct
import subprocess
import sys
import time

# ---- protocol (src/common/wire/client-wire.h) ----------------------------------------
REQUEST_SIZE = 13156
OFF_SESSION = 4
OFF_DOMAIN = 4380
OFF_UNION = 4688
OFF_FD_COUNT = 13152
REPLY_FMT = '<IIIIII'  # cmd_type, ret_code, pid, cmd_header_size, data_size, fd_count
REPLY_SIZE = struct.calcsize(REPLY_FMT)
assert REPLY_SIZE == 24

CMD_ENABLE_CHANNEL = 5
CMD_LIST_SESSIONS = 13
CMD_SET_CONSUMER_URI = 21
CMD_CREATE_SESSION_EXT = 49
LTTNG_OK = 10
LTTNG_ERR_UND = 12
LTTNG_ERR_INVALID = 97
DOMAIN_UST = 2

RUNDIR = '/var/run/lttng'
CLIENT_SOCK = RUNDIR + '/client-lttng-sessiond'
PID_FILE = RUNDIR + '/lttng-sessiond.pid'
REPLY_TIMEOUT = 5.0


# ---- TAP -------------------------------------------------------------------------------
class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, desc):
        self.count += 1
        if not cond:
            self.failed += 1
        print('%sok %d - %s' % ('' if cond else 'not ', self.count, desc), flush=True)
        return cond

    def is_eq(self, got, expected, desc):
        r = self.ok(got == expected, desc)
        if not r:
            self.diag('     got: %r\nexpected: %r' % (got, expected))
        return r

    @staticmethod
    def diag(msg):
        for line in str(msg).splitlines():
            print('# ' + line, flush=True)

    def bail(self, msg):
        print('Bail out! ' + msg, flush=True)
        sys.exit(255)

    def done(self):
        print('1..%d' % self.count, flush=True)
        return 1 if self.failed else 0


tap = Tap()


# ---- client side helpers -----------------------------------------------------------------
def header(cmd, session='', domain=0, union=b'', fd_count=0, pid=0):
    h = bytearray(REQUEST_SIZE)
    struct.pack_into('<I', h, 0, cmd & 0xFFFFFFFF)
    name = session.encode()
    h[OFF_SESSION:OFF_SESSION + len(name)] = name
    struct.pack_into('<ii', h, OFF_DOMAIN, domain, 0)
    struct.pack_into('<i', h, OFF_DOMAIN + 20, pid)  # domain.attr.pid, echoed in replies
    h[OFF_UNION:OFF_UNION + len(union)] = union
    struct.pack_into('<I', h, OFF_FD_COUNT, fd_count)
    return bytes(h)


def connect(timeout=REPLY_TIMEOUT, passcred=True):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # A blocking connect waits (up to SO_SNDTIMEO) while the listen backlog is full,
    # where a non-blocking one would fail with EAGAIN.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack('ll', int(timeout), 0))
    if passcred:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.connect(CLIENT_SOCK)
    s.settimeout(timeout)
    return s


def creds_ancillary():
    return [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
             struct.pack('3i', os.getpid(), os.getuid(), os.getgid()))]


def send_with_creds(s, data, extra_ancillary=()):
    """First chunk goes with SCM_CREDENTIALS (as liblttng-ctl does), the rest plainly."""
    n = s.sendmsg([data], creds_ancillary() + list(extra_ancillary))
    if n < len(data):
        s.sendall(data[n:])


def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def read_reply(s):
    """Returns (reply fields tuple, cmd_header bytes, data bytes) or None on EOF."""
    raw = recv_exact(s, REPLY_SIZE)
    if len(raw) < REPLY_SIZE:
        return None
    fields = struct.unpack(REPLY_FMT, raw)
    rest = recv_exact(s, fields[3] + fields[4])
    return fields, rest[:fields[3]], rest[fields[3]:]


def transact(hdr, payload=b''):
    s = connect()
    try:
        send_with_creds(s, hdr)
        if payload:
            s.sendall(payload)
        return read_reply(s)
    finally:
        s.close()


def closed_without_reply(s, timeout=REPLY_TIMEOUT):
    """True when the peer closes the connection without sending a byte."""
    s.settimeout(timeout)
    try:
        data = s.recv(64)
    except socket.timeout:
        tap.diag('no EOF within %.1fs' % timeout)
        return False
    except ConnectionResetError:
        return True
    if data:
        tap.diag('unexpected reply bytes: %r' % data[:24])
    return data == b''


def list_sessions():
    """(ret_code, elapsed seconds) of a LIST_SESSIONS request, ret_code None on failure."""
    start = time.monotonic()
    try:
        r = transact(header(CMD_LIST_SESSIONS))
    except OSError as e:
        tap.diag('LIST_SESSIONS failed: %s' % e)
        return None, time.monotonic() - start
    return (r[0][1] if r else None), time.monotonic() - start


def daemon_alive_check(what):
    code, elapsed = list_sessions()
    return tap.ok(code == LTTNG_OK,
                  'after %s: LIST_SESSIONS answered LTTNG_OK (%s, %.3fs)' % (what, code,
                                                                             elapsed))


def vm_rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


# ---- the daemon ----------------------------------------------------------------------------
class Daemon:
    def __init__(self, path):
        self.log_path = os.path.join(os.environ.get('HOME', '/tmp'), 'sessiond.log')
        self.log = open(self.log_path, 'wb')
        extra = os.environ.get('CLIENT_ABUSE_DAEMON_ARGS', '').split()
        self.proc = subprocess.Popen([path, '-vv'] + extra, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if os.path.exists(CLIENT_SOCK):
                code, _ = list_sessions_quiet()
                if code == LTTNG_OK:
                    return True
            time.sleep(0.05)
        return False

    def running(self):
        return self.proc.poll() is None

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, 'rb') as f:
                return b'\n'.join(f.read().splitlines()[-lines:]).decode(errors='replace')
        except OSError:
            return ''


def list_sessions_quiet():
    try:
        r = transact(header(CMD_LIST_SESSIONS))
        return (r[0][1] if r else None), 0
    except OSError:
        return None, 0


# ---- abuses ------------------------------------------------------------------------------
def abuse_probe(d):
    for _ in range(50):
        s = connect()
        s.close()
    tap.ok(d.running(), 'connect+close x50: daemon still running')
    daemon_alive_check('liveness probes')


def create_session(name):
    desc = struct.pack('<BBIB', 1, 0, len(name) + 1, 0) + name.encode() + b'\0'
    r = transact(header(CMD_CREATE_SESSION_EXT, union=struct.pack('<HQ', 0, len(desc))), desc)
    return r[0][1] if r else None


def listed_session_count(r):
    return r[0][4] // (4376 + 9) if r else -1


def abuse_no_credentials(d):
    """A header sent without SCM_CREDENTIALS.

    The daemon enables SO_PASSCRED on each accepted socket, and the kernel then attaches
    the sender's true credentials to every message (even to one queued before accept(),
    on current kernels): the daemon cannot tell that the client sent none, and must
    serve the request as the real sender, never with made-up credentials. A session
    owned by us shows which credentials were used: a stranger would not see it.
    """
    tap.is_eq(create_session('abuse-owner-check'), LTTNG_OK, 'create a session we own')
    s = connect(passcred=False)
    time.sleep(0.1)  # let the daemon accept and enable SO_PASSCRED
    s.sendall(header(CMD_LIST_SESSIONS))
    r = read_reply(s)
    s.close()
    tap.ok(r is not None and r[0][1] == LTTNG_OK and listed_session_count(r) == 1,
           'header without SCM_CREDENTIALS after accept: served as the true sender '
           '(%s, %d session)' % (r[0][1] if r else 'no reply', listed_session_count(r)))

    os.kill(d.pid, signal.SIGSTOP)
    try:
        s = connect(passcred=False)
        s.sendall(header(CMD_LIST_SESSIONS))
    finally:
        os.kill(d.pid, signal.SIGCONT)
    r = read_reply(s)
    s.close()
    if r is None:
        tap.ok(True, 'header without SCM_CREDENTIALS queued before accept: closed, no reply')
    else:
        tap.ok(r[0][1] == LTTNG_OK and listed_session_count(r) == 1,
               'header without SCM_CREDENTIALS queued before accept: closed, or served as '
               'the true sender (%s, %d session)' % (r[0][1], listed_session_count(r)))
    daemon_alive_check('header without credentials')


def abuse_truncated_header(d):
    for size in (1, 4, 100, 4380, REQUEST_SIZE - 1):
        s = connect()
        send_with_creds(s, header(CMD_LIST_SESSIONS)[:size])
        s.close()
    tap.ok(d.running(), 'truncated headers then close: daemon still running')
    daemon_alive_check('truncated headers')


def abuse_huge_payload(d):
    claims = [
        ('ENABLE_CHANNEL length 0xFFFFFFF0',
         header(CMD_ENABLE_CHANNEL, 's', DOMAIN_UST, struct.pack('<I', 0xFFFFFFF0))),
        ('SET_CONSUMER_URI 0xFFFFFFFF uris',
         header(CMD_SET_CONSUMER_URI, 's', DOMAIN_UST, struct.pack('<I', 0xFFFFFFFF))),
        ('CREATE_SESSION_EXT descriptor 2^63',
         header(CMD_CREATE_SESSION_EXT, union=struct.pack('<HQ', 0xFFFF, 1 << 63))),
    ]
    rss_before = vm_rss_kb(d.pid)
    for what, hdr in claims:
        r = transact(hdr)
        if not tap.ok(r is not None, '%s: got a reply' % what):
            continue
        fields, cmd_header, data = r
        tap.is_eq(fields[1], LTTNG_ERR_INVALID, '%s: ret_code LTTNG_ERR_INVALID (97)' % what)
        tap.ok(fields[3] == 0 and fields[4] == 0 and not cmd_header and not data,
               '%s: 24-byte reply, nothing after it' % what)
    # The same claim many times, to make any allocation sized by it visible.
    for _ in range(30):
        transact(claims[0][1])
    rss_after = vm_rss_kb(d.pid)
    growth = rss_after - rss_before
    tap.ok(growth < 4096, 'huge payload claims: RSS grew by %d kB (< 4 MB; %d -> %d kB)' %
           (growth, rss_before, rss_after))
    daemon_alive_check('huge payload claims')


def abuse_stalled_payload(d):
    s = connect()
    send_with_creds(s, header(CMD_ENABLE_CHANNEL, 's', DOMAIN_UST, struct.pack('<I', 1000)))
    s.sendall(b'\0' * 10)  # 10 of the 1000 promised bytes
    time.sleep(0.2)
    code, elapsed = list_sessions()
    tap.ok(code == LTTNG_OK and elapsed < 1.0,
           'payload promised, not sent: another client served at once (%s, %.3fs)' %
           (code, elapsed))
    s2 = connect()
    send_with_creds(s2, header(CMD_ENABLE_CHANNEL, 's', DOMAIN_UST, struct.pack('<I', 500)))
    code, elapsed = list_sessions()
    tap.ok(code == LTTNG_OK and elapsed < 1.0,
           'two stalled payloads: another client served at once (%.3fs)' % elapsed)
    s.close()
    s2.close()
    daemon_alive_check('stalled payloads')


def abuse_missing_fds(d):
    s = connect()
    send_with_creds(s, header(CMD_LIST_SESSIONS, fd_count=2))
    time.sleep(0.2)
    code, elapsed = list_sessions()
    tap.ok(code == LTTNG_OK and elapsed < 1.0,
           'fds promised, not sent: another client served at once (%s, %.3fs)' % (code,
                                                                                   elapsed))
    s.sendall(b'x')  # a carrier byte without SCM_RIGHTS
    time.sleep(0.1)
    s.close()
    r = transact(header(CMD_LIST_SESSIONS, fd_count=1000))
    tap.ok(r is not None and r[0][1] == LTTNG_ERR_INVALID,
           'fd_count 1000: refused with LTTNG_ERR_INVALID (%s)' % (r[0][1] if r else None))
    daemon_alive_check('missing fds')


def abuse_unasked_fds(d):
    before = fd_count(d.pid)
    for _ in range(20):
        r_fd, w_fd = os.pipe()
        s = connect()
        send_with_creds(s, header(CMD_LIST_SESSIONS),
                        [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                          struct.pack('3i', r_fd, w_fd, r_fd))])
        read_reply(s)
        s.close()
        os.close(r_fd)
        os.close(w_fd)
    time.sleep(0.2)
    after = fd_count(d.pid)
    tap.ok(after <= before, 'fds sent unasked with 20 headers: daemon fd count %d -> %d' %
           (before, after))
    daemon_alive_check('unasked fds')


def abuse_unknown_commands(d):
    for cmd in (1, 7, 8, 22, 23, 29, 30, 37, 38, 39, 53, 54, 100, 1000, 0x7FFFFFFF,
                0xFFFFFFFF):
        r = transact(header(cmd, 's', DOMAIN_UST, pid=4321))
        if r is None:
            tap.ok(False, 'command %#x: no reply' % cmd)
            continue
        fields = r[0]
        tap.ok(fields[1] == LTTNG_ERR_UND and fields[0] == cmd and fields[3] == 0 and
               fields[4] == 0,
               'command %#x: LTTNG_ERR_UND (12), empty reply (%r)' % (cmd, fields[:5]))
    daemon_alive_check('unknown commands')


def abuse_many_idle(d, count=300):
    socks = []
    try:
        for i in range(count):
            s = connect()
            if i % 3 == 1:
                send_with_creds(s, header(CMD_LIST_SESSIONS)[:64])
            socks.append(s)
        tap.is_eq(len(socks), count, '%d idle connections open at once' % count)
        code, elapsed = list_sessions()
        tap.ok(code == LTTNG_OK and elapsed < 2.0,
               'with %d idle connections: LIST_SESSIONS answered (%s, %.3fs)' % (count, code,
                                                                                  elapsed))
    finally:
        for s in socks:
            s.close()
    time.sleep(0.2)
    daemon_alive_check('%d idle connections' % count)


def abuse_garbage(d):
    rng = random.Random(20231123)
    for i in range(60):
        s = connect()
        try:
            if i % 3 == 0:
                data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 2000)))
                s.sendall(data)  # garbage without credentials
            else:
                hdr = bytearray(rng.getrandbits(8) for _ in range(REQUEST_SIZE))
                if i % 3 == 1:
                    # Plausible command and lengths, random everything else.
                    struct.pack_into('<I', hdr, 0, rng.randrange(0, 60))
                    struct.pack_into('<I', hdr, OFF_FD_COUNT, 0)
                send_with_creds(s, bytes(hdr) + bytes(rng.getrandbits(8)
                                                      for _ in range(rng.randrange(0, 300))))
            # End of our side: a daemon waiting for more payload sees EOF at once.
            s.shutdown(socket.SHUT_WR)
            s.settimeout(2.0)
            try:
                while s.recv(65536):
                    pass
            except (socket.timeout, ConnectionResetError):
                pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            s.close()
    tap.ok(d.running(), '60 garbage connections: daemon still running')
    daemon_alive_check('random garbage')


def check_shutdown(d):
    before = {}
    for name in os.listdir(RUNDIR):
        path = os.path.join(RUNDIR, name)
        try:
            before[name] = os.lstat(path).st_mode
        except OSError:
            pass
    sockets = sorted(n for n, m in before.items() if stat.S_ISSOCK(m))
    tap.ok(os.path.exists(PID_FILE), 'pid file exists while running')
    try:
        with open(PID_FILE) as f:
            tap.is_eq(f.read().strip(), str(d.pid), 'pid file holds the daemon pid')
    except OSError as e:
        tap.ok(False, 'pid file readable (%s)' % e)
    tap.ok(CLIENT_SOCK.rsplit('/', 1)[1] in sockets,
           'client socket present while running (%s)' % ', '.join(sockets))
    os.kill(d.pid, signal.SIGTERM)
    try:
        code = d.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        d.proc.kill()
        code = d.proc.wait()
        tap.diag('daemon did not exit within 15s of SIGTERM')
    tap.is_eq(code, 0, 'SIGTERM: daemon exits with status 0')
    left = [n for n in sockets if os.path.lexists(os.path.join(RUNDIR, n))]
    tap.ok(not left, 'every socket removed at exit (left: %s)' % (', '.join(left) or 'none'))
    tap.ok(not os.path.lexists(PID_FILE), 'pid file removed at exit')


ABUSES = [
    abuse_probe,
    abuse_no_credentials,
    abuse_truncated_header,
    abuse_huge_payload,
    abuse_stalled_payload,
    abuse_missing_fds,
    abuse_unasked_fds,
    abuse_unknown_commands,
    abuse_many_idle,
    abuse_garbage,
]


def main():
    if len(sys.argv) != 2:
        print('usage: %s PATH/TO/lttng-sessiond' % sys.argv[0], file=sys.stderr)
        return 2
    daemon_path = os.path.abspath(sys.argv[1])
    if not os.access(daemon_path, os.X_OK):
        tap.bail('not an executable: %s' % daemon_path)
    if os.path.exists(CLIENT_SOCK):
        tap.bail('%s already exists: not a private environment' % CLIENT_SOCK)
    d = Daemon(daemon_path)
    if not tap.ok(d.wait_ready(), 'daemon %s answers on %s' % (daemon_path, CLIENT_SOCK)):
        tap.diag(d.log_tail())
        if d.running():
            d.proc.kill()
        return tap.done() or 1
    try:
        for abuse in ABUSES:
            if not d.running():
                tap.ok(False, '%s: daemon died before it (status %s)' % (abuse.__name__,
                                                                          d.proc.poll()))
                break
            try:
                abuse(d)
            except Exception as e:  # a failing abuse must not hide the others
                tap.ok(False, '%s raised %s: %s' % (abuse.__name__, type(e).__name__, e))
        if d.running():
            check_shutdown(d)
        else:
            tap.ok(False, 'daemon still running at the end (status %s)' % d.proc.poll())
    finally:
        if d.running():
            d.proc.kill()
            d.proc.wait()
    if tap.failed or os.environ.get('CLIENT_ABUSE_SHOW_LOG'):
        tap.diag('daemon log (tail):')
        tap.diag(d.log_tail(int(os.environ.get('CLIENT_ABUSE_SHOW_LOG') or 30)))
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
