#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end check of the kernel consumer (lttng-consumerd -k), run by hand as root:

    tests/kernel-consumer/krec-e2e.py [BUILD_DIR]     (default: build)

Creates the ftrace instance lttng-test-krec-<pid> (removed at the end, also on
failure), sets its clock to mono, starts the consumer binary and speaks our consumer
protocol to it (doc/protocol/consumer.md) as a session daemon would: trace, channel,
events (sched_switch, sched_process_exec, syscalls openat entry/exit, statedump),
contexts tid/pid/procname. It enables the events in the instance, runs a workload
that makes 100 openat calls, asks for a statedump, flushes, checks the statistics,
destroys the channel and the trace, then reads the trace with babeltrace2 (exactly
100 syscall_entry_openat and syscall_exit_openat of the workload's tid) and with
babeltrace 1.5 (exit 0). The top-level ftrace instance is never touched.
"""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid

TRACEFS = '/sys/kernel/tracing'
MAGIC, VERSION = 0x4c43534e, 3
T = dict(READY=1, HELLO=2, FLUSH=6, DESTROY=7, DATA_PENDING=8, STATS=9, STATUS=10,
         K_TRACE=12, K_CHANNEL=13, K_EVENTS=14, K_CONTEXT=15, K_STATEDUMP=16, K_REGEN=17)
CTX_PID, CTX_PROCNAME, CTX_TID = 0, 2, 6
N_OPENS = 100

WORKLOAD = r'''
import os, sys
print(os.getpid(), flush=True)
sys.stdin.readline()
for _ in range(%d):
    os.close(os.open("/dev/null", os.O_RDONLY))
print("done", flush=True)
sys.stdin.readline()
''' % N_OPENS


def fail(msg):
    raise SystemExit('krec-e2e: FAIL: ' + msg)


def send(sock, mtype, payload=b''):
    sock.sendall(struct.pack('<IHHII', MAGIC, VERSION, mtype, len(payload), 0) + payload)


def recv_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            fail('consumer closed the connection')
        data += chunk
    return data


def recv(sock):
    magic, version, mtype, length, fds = struct.unpack('<IHHII', recv_exact(sock, 16))
    if magic != MAGIC or version != VERSION:
        fail('bad header from the consumer')
    return mtype, recv_exact(sock, length)


def request(sock, mtype, payload=b''):
    send(sock, mtype, payload)
    rtype, data = recv(sock)
    if rtype != T['STATUS']:
        fail('expected STATUS, got %d' % rtype)
    return struct.unpack('<iIQQ', data)


def expect_ok(what, reply):
    if reply[0] != 0:
        fail('%s: status %d (%s)' % (what, reply[0], os.strerror(-reply[0])))
    return reply


def write(path, value):
    with open(path, 'w') as f:
        f.write(value)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    consumerd = os.path.join(build, 'src/consumerd/lttng-consumerd')
    if os.geteuid() != 0:
        print('krec-e2e: SKIP: needs root')
        return 77
    name = 'lttng-test-krec-%d' % os.getpid()
    inst = os.path.join(TRACEFS, 'instances', name)
    tmp = tempfile.mkdtemp(prefix='krec-e2e-')
    trace_dir = os.path.join(tmp, 'trace', 'kernel')
    procs = []

    def cleanup(*_):
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.path.isdir(inst):
            try:
                write(os.path.join(inst, 'tracing_on'), '0')
            except OSError:
                pass
            for _ in range(50):
                try:
                    os.rmdir(inst)
                    break
                except OSError:
                    time.sleep(0.1)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *a: sys.exit(1))
    try:
        os.mkdir(inst)
        write(os.path.join(inst, 'trace_clock'), 'mono')
        write(os.path.join(inst, 'options/overwrite'), '0')
        write(os.path.join(inst, 'buffer_size_kb'), '4096')
        ncpu = len([d for d in os.listdir(os.path.join(inst, 'per_cpu')) if d.startswith('cpu')])

        err_path, cmd_path = os.path.join(tmp, 'err'), os.path.join(tmp, 'cmd')
        err_listen = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        err_listen.bind(err_path)
        err_listen.listen(1)
        procs.append(subprocess.Popen([consumerd, '-k', '--consumerd-cmd-sock', cmd_path,
                                       '--consumerd-err-sock', err_path]))
        err_listen.settimeout(10)
        err_conn, _ = err_listen.accept()
        if recv(err_conn)[0] != T['READY']:
            fail('no READY')
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(cmd_path)
        send(sock, T['HELLO'], struct.pack('<II', os.getpid(), 64))
        recv(sock)

        trace_uuid = uuid.uuid4().bytes
        expect_ok('add trace', request(sock, T['K_TRACE'], struct.pack(
            '<QQII16s256s256s256s4096s', 1, 7, 0, 0, trace_uuid, b'krec-e2e',
            time.strftime('%Y%m%dT%H%M%S+0000', time.gmtime()).encode(),
            socket.gethostname().encode(), trace_dir.encode())))
        expect_ok('add channel', request(sock, T['K_CHANNEL'], struct.pack(
            '<QQQQQQIIIIII256s4096s', 2, 1, 1 << 20, 4, 0, 0, 0, 200000, 0, 0, ncpu, 0,
            b'channel0', inst.encode())))
        events = [('sched', 'sched_switch'), ('sched', 'sched_process_exec'),
                  ('syscalls', 'sys_enter_openat'), ('syscalls', 'sys_exit_openat'),
                  ('lttng', 'lttng_statedump_start'), ('lttng', 'lttng_statedump_process_state'),
                  ('lttng', 'lttng_statedump_file_descriptor'), ('lttng', 'lttng_statedump_end')]
        body = b''.join(struct.pack('<64s128s', s.encode(), n.encode()) for s, n in events)
        expect_ok('add events', request(sock, T['K_EVENTS'],
                                        struct.pack('<QII', 2, len(events), 0) + body))
        for ctx in (CTX_TID, CTX_PID, CTX_PROCNAME):
            expect_ok('add context %d' % ctx, request(sock, T['K_CONTEXT'],
                                                      struct.pack('<QiI', 2, ctx, 0)))
        for ev in ('sched/sched_switch', 'sched/sched_process_exec'):
            write(os.path.join(inst, 'events', ev, 'enable'), '1')

        work = subprocess.Popen([sys.executable, '-c', WORKLOAD], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        procs.append(work)
        wpid = int(work.stdout.readline())
        for ev in ('sys_enter_openat', 'sys_exit_openat'):
            write(os.path.join(inst, 'events/syscalls', ev, 'enable'), '1')
        expect_ok('statedump', request(sock, T['K_STATEDUMP'], struct.pack('<Q', 1)))
        work.stdin.write('go\n')
        work.stdin.flush()
        if work.stdout.readline().strip() != 'done':
            fail('workload did not finish')
        for ev in ('sys_enter_openat', 'sys_exit_openat'):
            write(os.path.join(inst, 'events/syscalls', ev, 'enable'), '0')
        work.stdin.write('exit\n')
        work.stdin.flush()
        work.wait()
        write(os.path.join(inst, 'tracing_on'), '0')

        expect_ok('flush', request(sock, T['FLUSH'], struct.pack('<Q', 2)))
        pending = expect_ok('data pending', request(sock, T['DATA_PENDING'],
                                                    struct.pack('<Q', 7)))[1]
        stats = expect_ok('stats', request(sock, T['STATS'], struct.pack('<Q', 2)))
        print('krec-e2e: data pending %d, discarded %d, lost packets %d'
              % (pending, stats[2], stats[3]))
        if pending != 0:
            fail('data still pending after the flush')
        expect_ok('regenerate metadata', request(sock, T['K_REGEN'], struct.pack('<Q', 1)))
        expect_ok('destroy channel', request(sock, T['DESTROY'], struct.pack('<Q', 2)))
        os.rmdir(inst)  # must work now: the consumer closed its trace_pipe_raw fds
        expect_ok('destroy trace', request(sock, T['DESTROY'], struct.pack('<Q', 1)))
        sock.close()
        procs[0].wait(timeout=10)

        bt2 = subprocess.run(['babeltrace2', trace_dir], capture_output=True, text=True)
        if bt2.returncode != 0 or bt2.stderr:
            fail('babeltrace2: exit %d: %s' % (bt2.returncode, bt2.stderr[-2000:]))
        counts = {}
        for line in bt2.stdout.splitlines():
            m = re.search(r' (\w+): \{ cpu_id = \d+ \}, \{ tid = (\d+),', line)
            if m:
                key = (m.group(1), int(m.group(2)))
                counts[key] = counts.get(key, 0) + 1
        entries = counts.get(('syscall_entry_openat', wpid), 0)
        exits = counts.get(('syscall_exit_openat', wpid), 0)
        total = len(bt2.stdout.splitlines())
        names = {}
        for (n, _), c in counts.items():
            names[n] = names.get(n, 0) + c
        print('krec-e2e: babeltrace2 read %d events: %s' % (total, sorted(names.items())))
        print('krec-e2e: workload tid %d: %d syscall_entry_openat, %d syscall_exit_openat'
              % (wpid, entries, exits))
        if entries != N_OPENS or exits != N_OPENS:
            fail('expected %d openat entries and exits of tid %d' % (N_OPENS, wpid))
        for required in ('lttng_statedump_start', 'lttng_statedump_process_state',
                         'lttng_statedump_end', 'sched_switch'):
            if not names.get(required):
                fail('no %s in the trace' % required)
        bt1 = subprocess.run(['babeltrace', trace_dir], capture_output=True, text=True)
        if bt1.returncode != 0:
            fail('babeltrace 1.5: exit %d: %s' % (bt1.returncode, bt1.stderr[-2000:]))
        print('krec-e2e: babeltrace 1.5 read %d events' % len(bt1.stdout.splitlines()))
        print('krec-e2e: PASS (trace in %s)' % trace_dir)
        return 0
    finally:
        cleanup()


if __name__ == '__main__':
    sys.exit(main())
