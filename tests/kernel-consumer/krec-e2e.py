#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end check of the kernel consumer (lttng-consumerd -k), run by hand as root:

    tests/kernel-consumer/krec-e2e.py [BUILD_DIR [SCENARIO...]]   (default: build basic)

Scenarios: basic (below), many (every syscall and the sched, irq, timer, kmem and
block families, all our contexts, a switch timer and trace file rollover: large event
headers), snapshot (a snapshot session: no output until SNAPSHOT, overwrite instance),
discard (a tiny discard-mode buffer read late: dropped events reported), overwrite
(the same in overwrite mode: lost packets), all.

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
import shutil
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
T = dict(READY=1, HELLO=2, FLUSH=6, DESTROY=7, DATA_PENDING=8, STATS=9, STATUS=10, SNAPSHOT=11,
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


class Session:
    """One consumer daemon and one ftrace instance, cleaned up whatever happens."""

    def __init__(self, build, tag):
        self.consumerd = os.path.join(build, 'src/consumerd/lttng-consumerd')
        self.inst = os.path.join(TRACEFS, 'instances', 'lttng-test-krec-%d-%s' % (os.getpid(), tag))
        self.tmp = tempfile.mkdtemp(prefix='krec-e2e-%s-' % tag)
        self.trace_dir = os.path.join(self.tmp, 'trace', 'kernel')
        self.procs = []
        self.sock = None

    def setup_instance(self, overwrite=0, buffer_kb=4096):
        os.mkdir(self.inst)
        write(os.path.join(self.inst, 'trace_clock'), 'mono')
        write(os.path.join(self.inst, 'options/overwrite'), str(overwrite))
        write(os.path.join(self.inst, 'buffer_size_kb'), str(buffer_kb))
        self.ncpu = len([d for d in os.listdir(os.path.join(self.inst, 'per_cpu'))
                         if d.startswith('cpu')])

    def start_consumer(self, mode='-k'):
        err_path, cmd_path = os.path.join(self.tmp, 'err'), os.path.join(self.tmp, 'cmd')
        err_listen = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        err_listen.bind(err_path)
        err_listen.listen(1)
        self.procs.append(subprocess.Popen([self.consumerd, mode, '--consumerd-cmd-sock',
                                            cmd_path, '--consumerd-err-sock', err_path]))
        err_listen.settimeout(10)
        self.err_conn, _ = err_listen.accept()
        if recv(self.err_conn)[0] != T['READY']:
            fail('no READY')
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(cmd_path)
        send(self.sock, T['HELLO'], struct.pack('<II', os.getpid(), 64))
        recv(self.sock)

    def req(self, what, mtype, payload):
        return expect_ok(what, request(self.sock, mtype, payload))

    def add_trace(self, key=1, session=7, directory=None):
        d = self.trace_dir if directory is None else directory
        self.req('add trace', T['K_TRACE'], struct.pack(
            '<QQII16s256s256s256s4096s', key, session, 0, 0, uuid.uuid4().bytes, b'krec-e2e',
            time.strftime('%Y%m%dT%H%M%S+0000', time.gmtime()).encode(),
            socket.gethostname().encode(), d.encode()))

    def add_channel(self, key=2, trace=1, subbuf=1 << 20, nsub=4, tf_size=0, tf_count=0,
                    switch=0, read=200000, overwrite=0):
        self.req('add channel', T['K_CHANNEL'], struct.pack(
            '<QQQQQQIIIIII256s4096s', key, trace, subbuf, nsub, tf_size, tf_count, switch,
            read, overwrite, 0, self.ncpu, 0, b'channel0', self.inst.encode()))

    def add_events(self, events, key=2):
        for i in range(0, len(events), 1000):
            part = events[i:i + 1000]
            body = b''.join(struct.pack('<64s128s', s.encode(), n.encode()) for s, n in part)
            self.req('add events', T['K_EVENTS'], struct.pack('<QII', key, len(part), 0) + body)

    def enable(self, events, value='1'):
        for system, name in events:
            if system != 'lttng':
                write(os.path.join(self.inst, 'events', system, name, 'enable'), value)

    def finish(self, flush_key=2):
        write(os.path.join(self.inst, 'tracing_on'), '0')
        self.req('flush', T['FLUSH'], struct.pack('<Q', flush_key))
        pending = self.req('data pending', T['DATA_PENDING'], struct.pack('<Q', 7))[1]
        stats = self.req('stats', T['STATS'], struct.pack('<Q', 2))
        print('krec-e2e: data pending %d, discarded %d, lost packets %d'
              % (pending, stats[2], stats[3]))
        if pending != 0:
            fail('data still pending after the flush')
        return stats

    def destroy(self):
        self.req('destroy channel', T['DESTROY'], struct.pack('<Q', 2))
        os.rmdir(self.inst)  # must work now: the consumer closed its trace_pipe_raw fds
        self.req('destroy trace', T['DESTROY'], struct.pack('<Q', 1))
        self.sock.close()
        rc = self.procs[0].wait(timeout=30)
        if rc != 0:
            fail('the consumer exited with %d' % rc)

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.path.isdir(self.inst):
            try:
                write(os.path.join(self.inst, 'tracing_on'), '0')
            except OSError:
                pass
            for _ in range(50):
                try:
                    os.rmdir(self.inst)
                    break
                except OSError:
                    time.sleep(0.1)


def run_workload(sess, enable_during=()):
    work = subprocess.Popen([sys.executable, '-c', WORKLOAD], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    sess.procs.append(work)
    wpid = int(work.stdout.readline())
    sess.enable(enable_during)
    return work, wpid


def end_workload(sess, work, enable_during=()):
    work.stdin.write('go\n')
    work.stdin.flush()
    if work.stdout.readline().strip() != 'done':
        fail('workload did not finish')
    sess.enable(enable_during, '0')
    work.stdin.write('exit\n')
    work.stdin.flush()
    work.wait()


def read_bt2(trace_dir, allow_stderr=False):
    bt2 = subprocess.run(['babeltrace2', trace_dir], capture_output=True, text=True)
    if bt2.returncode != 0 or (bt2.stderr and not allow_stderr):
        fail('babeltrace2: exit %d: %s' % (bt2.returncode, bt2.stderr[-3000:]))
    counts, names = {}, {}
    for line in bt2.stdout.splitlines():
        m = re.search(r'\) \S+ (\w+): \{ cpu_id = \d+ \}(?:, \{ tid = (\d+),)?', line)
        if m:
            names[m.group(1)] = names.get(m.group(1), 0) + 1
            if m.group(2):
                key = (m.group(1), int(m.group(2)))
                counts[key] = counts.get(key, 0) + 1
    print('krec-e2e: babeltrace2 read %d events, %d names' % (len(bt2.stdout.splitlines()),
                                                           len(names)))
    return counts, names, bt2


def read_bt1(trace_dir):
    bt1 = subprocess.run(['babeltrace', trace_dir], capture_output=True, text=True)
    if bt1.returncode != 0:
        fail('babeltrace 1.5: exit %d: %s' % (bt1.returncode, bt1.stderr[-2000:]))
    print('krec-e2e: babeltrace 1.5 read %d events' % len(bt1.stdout.splitlines()))


def check_openat(counts, wpid):
    entries = counts.get(('syscall_entry_openat', wpid), 0)
    exits = counts.get(('syscall_exit_openat', wpid), 0)
    print('krec-e2e: workload tid %d: %d syscall_entry_openat, %d syscall_exit_openat'
          % (wpid, entries, exits))
    if entries != N_OPENS or exits != N_OPENS:
        fail('expected %d openat entries and exits of tid %d' % (N_OPENS, wpid))


STATEDUMP = [('lttng', 'lttng_statedump_start'), ('lttng', 'lttng_statedump_process_state'),
             ('lttng', 'lttng_statedump_file_descriptor'), ('lttng', 'lttng_statedump_interrupt'),
             ('lttng', 'lttng_statedump_block_device'), ('lttng', 'lttng_statedump_end')]
OPENAT = [('syscalls', 'sys_enter_openat'), ('syscalls', 'sys_exit_openat')]


def scenario_basic(build):
    sess = Session(build, 'basic')
    try:
        sess.setup_instance()
        sess.start_consumer()
        sess.add_trace()
        sess.add_channel()
        # A kernel consumer refuses user-space requests; unknown keys are -ENOENT.
        r = request(sess.sock, 4, struct.pack('<QQIII16s4096s', 9, 7, 0, 0, 2, b'', b'/tmp/x'))
        if r[0] != -95:
            fail('ADD_METADATA to a -k consumer: expected -EOPNOTSUPP, got %d' % r[0])
        r = request(sess.sock, T['FLUSH'], struct.pack('<Q', 99))
        if r[0] != -2:
            fail('FLUSH of an unknown key: expected -ENOENT, got %d' % r[0])
        early = [('sched', 'sched_switch'), ('sched', 'sched_process_exec')]
        sess.add_events(early + OPENAT + STATEDUMP)
        for ctx in (CTX_TID, CTX_PID, CTX_PROCNAME):
            sess.req('add context %d' % ctx, T['K_CONTEXT'], struct.pack('<QiI', 2, ctx, 0))
        sess.enable(early)
        work, wpid = run_workload(sess, OPENAT)
        sess.req('statedump', T['K_STATEDUMP'], struct.pack('<Q', 1))
        end_workload(sess, work, OPENAT)
        sess.finish()
        sess.req('regenerate metadata', T['K_REGEN'], struct.pack('<Q', 1))
        sess.destroy()
        counts, names, _ = read_bt2(sess.trace_dir)
        print('krec-e2e: %s' % sorted(names.items()))
        check_openat(counts, wpid)
        for required in ('lttng_statedump_start', 'lttng_statedump_process_state',
                         'lttng_statedump_end', 'sched_switch'):
            if not names.get(required):
                fail('no %s in the trace' % required)
        read_bt1(sess.trace_dir)
        remove_tmp(sess)
    finally:
        sess.cleanup()
    # A user-space consumer refuses the kernel requests.
    user = Session(build, 'user')
    try:
        user.start_consumer('-u')
        user.ncpu = 1
        r = request(user.sock, T['K_TRACE'], struct.pack(
            '<QQII16s256s256s256s4096s', 1, 7, 0, 0, b'', b'x', b'', b'', b''))
        if r[0] != -95:
            fail('KERNEL_ADD_TRACE to a -u consumer: expected -EOPNOTSUPP, got %d' % r[0])
        print('krec-e2e: a -u consumer answers KERNEL_ADD_TRACE -EOPNOTSUPP')
        user.sock.close()
        user.procs[0].wait(timeout=10)
        remove_tmp(user)
    finally:
        user.cleanup()


def scenario_many(build):
    sess = Session(build, 'many')
    try:
        sess.setup_instance()
        sess.start_consumer()
        sess.add_trace()
        # 16 KiB packets, 32 KiB trace files: several files per stream.
        sess.add_channel(subbuf=1 << 14, tf_size=1 << 15, switch=100000)
        events = []
        for system in ('syscalls', 'sched', 'irq', 'timer', 'block'):
            for name in sorted(os.listdir(os.path.join(sess.inst, 'events', system))):
                if os.path.isdir(os.path.join(sess.inst, 'events', system, name)):
                    events.append((system, name))
        events += [('kmem', n) for n in ('kmalloc', 'kfree', 'kmem_cache_alloc', 'kmem_cache_free',
                                         'mm_page_alloc', 'mm_page_free')]
        sess.add_events(events + STATEDUMP)
        for ctx in (CTX_TID, CTX_PID, CTX_PROCNAME, 3, 4, 8, 11, 16, 17, 18, 19):
            sess.req('add context %d' % ctx, T['K_CONTEXT'], struct.pack('<QiI', 2, ctx, 0))
        r = request(sess.sock, T['K_CONTEXT'], struct.pack('<QiI', 2, 1, 0))
        if r[0] != -95:
            fail('perf counter context: expected -EOPNOTSUPP, got %d' % r[0])
        # What was declared, plus one event that was not (its records are dropped).
        enabled = [(s, n) for s, n in events if s == 'kmem'] + \
            [('workqueue', 'workqueue_queue_work')]
        work, wpid = run_workload(sess)
        for system in ('syscalls', 'sched', 'irq', 'timer', 'block'):
            write(os.path.join(sess.inst, 'events', system, 'enable'), '1')
        sess.enable(enabled)
        sess.req('statedump', T['K_STATEDUMP'], struct.pack('<Q', 1))
        end_workload(sess, work)
        write(os.path.join(sess.inst, 'events/enable'), '0')
        sess.finish()
        sess.destroy()
        files = sorted(os.listdir(sess.trace_dir))
        print('krec-e2e: %d files, e.g. %s' % (len(files), ' '.join(files[:4])))
        if 'channel0_0_1' not in files:
            fail('no trace file rollover')
        meta = subprocess.run(['babeltrace2', '-o', 'ctf-metadata', sess.trace_dir],
                              capture_output=True, text=True).stdout
        if 'event.header := struct event_header_large;' not in meta:
            fail('a channel with many events should use large headers')
        counts, names, bt2 = read_bt2(sess.trace_dir, allow_stderr=True)
        if bt2.stderr:
            print('krec-e2e: babeltrace2 said: %s' % bt2.stderr.strip()[:500])
        print('krec-e2e: %d event names, e.g. %s' % (len(names), sorted(names)[:25]))
        check_openat(counts, wpid)
        read_bt1(sess.trace_dir)
        remove_tmp(sess)
    finally:
        sess.cleanup()


def scenario_snapshot(build):
    sess = Session(build, 'snapshot')
    try:
        sess.setup_instance(overwrite=1, buffer_kb=64)
        sess.start_consumer()
        sess.add_trace(directory='')
        sess.add_channel(subbuf=1 << 14, nsub=4, overwrite=1)
        sess.add_events([('sched', 'sched_switch')] + OPENAT + STATEDUMP)
        sess.enable([('sched', 'sched_switch')])
        work, wpid = run_workload(sess, OPENAT)
        end_workload(sess, work, OPENAT)
        out = os.path.join(sess.tmp, 'snapshot-1')
        snap = lambda key, n: struct.pack('<QQIIII4096s', key, n, 0, 0, 1, 0, out.encode())
        sess.req('snapshot channel', T['SNAPSHOT'] if 'SNAPSHOT' in T else 11, snap(2, 0))
        sess.req('snapshot metadata', 11, snap(1, 0))
        if os.path.exists(sess.trace_dir):
            fail('a snapshot session wrote its trace directory')
        write(os.path.join(sess.inst, 'tracing_on'), '0')
        sess.destroy()
        files = sorted(os.listdir(out))
        print('krec-e2e: snapshot files %s' % ' '.join(files))
        counts, names, _ = read_bt2(out)
        print('krec-e2e: %s' % sorted(names.items()))
        if not names.get('sched_switch'):
            fail('no sched_switch in the snapshot')
        read_bt1(out)
        remove_tmp(sess)
    finally:
        sess.cleanup()


def scenario_discard(build):
    sess = Session(build, 'discard')
    try:
        sess.setup_instance(buffer_kb=8)
        sess.start_consumer()
        sess.add_trace()
        sess.add_channel(subbuf=1 << 16, read=3000000)
        sess.add_events([('raw_syscalls', 'sys_enter'), ('raw_syscalls', 'sys_exit')])
        sess.enable([('raw_syscalls', 'sys_enter'), ('raw_syscalls', 'sys_exit')])
        subprocess.run(['sh', '-c', 'for i in $(seq 300); do cat /proc/version; done >/dev/null'])
        stats = sess.finish()
        sess.destroy()
        if stats[2] == 0:
            fail('no discarded events reported with an 8 KiB buffer')
        counts, names, bt2 = read_bt2(sess.trace_dir, allow_stderr=True)
        if 'discarded' not in bt2.stderr:
            fail('babeltrace2 did not see the discarded events: %s' % bt2.stderr[:300])
        # Every loss placed between two packets, and the same total as CHANNEL_STATS.
        if 'may have discarded' in bt2.stderr:
            fail('babeltrace2 found losses it cannot count')
        total = sum(int(n) for n in re.findall(r'Tracer discarded (\d+) events?', bt2.stderr))
        print('krec-e2e: babeltrace2 counts %d discarded events, CHANNEL_STATS %d'
              % (total, stats[2]))
        if total != stats[2]:
            fail('discarded events: the trace says %d, CHANNEL_STATS %d' % (total, stats[2]))
        print('krec-e2e: babeltrace2: %s' % bt2.stderr.strip().splitlines()[0])
        read_bt1(sess.trace_dir)
        remove_tmp(sess)
    finally:
        sess.cleanup()


def scenario_overwrite(build):
    sess = Session(build, 'overwrite')
    try:
        sess.setup_instance(overwrite=1, buffer_kb=8)
        sess.start_consumer()
        sess.add_trace()
        sess.add_channel(subbuf=1 << 16, read=3000000, overwrite=1)
        sess.add_events([('raw_syscalls', 'sys_enter'), ('raw_syscalls', 'sys_exit')])
        sess.enable([('raw_syscalls', 'sys_enter'), ('raw_syscalls', 'sys_exit')])
        subprocess.run(['sh', '-c', 'for i in $(seq 300); do cat /proc/version; done >/dev/null'])
        stats = sess.finish()
        sess.destroy()
        if stats[3] == 0:
            fail('no lost packets reported in overwrite mode with an 8 KiB buffer')
        counts, names, bt2 = read_bt2(sess.trace_dir, allow_stderr=True)
        if 'discarded 1 packet' not in bt2.stderr and 'packets between' not in bt2.stderr:
            fail('babeltrace2 did not see lost packets: %s' % bt2.stderr[:300])
        print('krec-e2e: babeltrace2: %s' % bt2.stderr.strip().splitlines()[0])
        read_bt1(sess.trace_dir)
        remove_tmp(sess)
    finally:
        sess.cleanup()


SCENARIOS = dict(basic=scenario_basic, many=scenario_many, snapshot=scenario_snapshot,
                 discard=scenario_discard, overwrite=scenario_overwrite)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    wanted = sys.argv[2:] or ['basic']
    if wanted == ['all']:
        wanted = list(SCENARIOS)
    if os.geteuid() != 0:
        print('krec-e2e: SKIP: needs root')
        return 77
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *a: sys.exit(1))
    for name in wanted:
        print('krec-e2e: --- %s' % name)
        SCENARIOS[name](build)
        print('krec-e2e: %s PASS' % name)
    return 0


def remove_tmp(sess):
    # Traces of passed scenarios go; a failed one's stays for a look (or KREC_KEEP=1).
    if not os.environ.get('KREC_KEEP'):
        shutil.rmtree(sess.tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
