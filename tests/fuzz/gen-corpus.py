#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed-*).

Every seed is a valid encoding built with struct from the packed layouts of
src/common/wire/client-wire.h and consumer-wire.h (sizes are asserted below), so the
fuzzers start from inputs that reach past the decoders' first checks, plus malformed
ones; session files written by hand complete those gen-xml-corpus.sh gets from the real
daemon. Files found by fuzzing sit next to the seeds under other names and are left
alone.

Usage: tests/fuzz/gen-corpus.py [CORPUS_DIR]   (default: tests/fuzz/corpus)
"""
import os
import struct
import sys

# ---- layouts (client-wire.h) -------------------------------------------------------

NAME_MAX = 255
SYMBOL_LEN = 256
PATH_MAX = 4096
REQUEST_SIZE = 13156
OFF_SESSION = 4
OFF_DOMAIN = 4380
OFF_UNION = 4688
OFF_FD_COUNT = 13152
UNION_SIZE = 8464

# enum wire_command
CMD = dict(ADD_CONTEXT=0, DISABLE_CHANNEL=2, DISABLE_EVENT=3, LIST_SYSCALLS=4,
           ENABLE_CHANNEL=5, ENABLE_EVENT=6, DESTROY_SESSION=9, LIST_CHANNELS=10,
           LIST_DOMAINS=11, LIST_EVENTS=12, LIST_SESSIONS=13, LIST_TRACEPOINTS=14,
           START_TRACE=16, STOP_TRACE=17, LIST_TRACEPOINT_FIELDS=18, SET_CONSUMER_URI=21,
           DATA_PENDING=24, SNAPSHOT_ADD_OUTPUT=25, SNAPSHOT_DEL_OUTPUT=26,
           SNAPSHOT_LIST_OUTPUT=27, SNAPSHOT_RECORD=28, SAVE_SESSION=31,
           TRACKER_ADD_INCLUDE_VALUE=32, TRACKER_REMOVE_INCLUDE_VALUE=33,
           TRACKER_GET_POLICY=34, TRACKER_SET_POLICY=35, TRACKER_GET_INCLUSION_SET=36,
           SET_SESSION_SHM_PATH=40, REGENERATE_METADATA=41, REGENERATE_STATEDUMP=42,
           REGISTER_TRIGGER=43, ROTATE_SESSION=45, ROTATION_GET_INFO=46,
           ROTATION_SET_SCHEDULE=47, SESSION_LIST_ROTATION_SCHEDULES=48,
           CREATE_SESSION_EXT=49, CLEAR_SESSION=50, LIST_TRIGGERS=51)

DOMAIN_NONE, DOMAIN_KERNEL, DOMAIN_UST, DOMAIN_JUL = 0, 1, 2, 3
BUFFER_PER_PID, BUFFER_PER_UID = 0, 1
EVENT_ALL, EVENT_TRACEPOINT = -1, 0
LOGLEVEL_ALL, LOGLEVEL_RANGE, LOGLEVEL_SINGLE = 0, 1, 2
CTX_VPID, CTX_PERF_COUNTER, CTX_PERF_CPU_COUNTER = 5, 1, 13
CTX_PERF_THREAD_COUNTER, CTX_APP = 14, 15
URI_IPV4, URI_IPV6, URI_PATH = 1, 2, 3
DESC_REGULAR, DESC_SNAPSHOT, DESC_LIVE = 1, 2, 3
OUT_NONE, OUT_LOCAL, OUT_NETWORK = 0, 1, 2
PA_VPID, PA_VUID, PA_VGID = 1, 3, 5
PAV_PID, PAV_UID, PAV_USER_NAME, PAV_GID, PAV_GROUP_NAME = 0, 1, 2, 3, 4

CHANNEL_FMT = '<IBbQQIIBQQIQQQq'
EVENT_FMT = '<bbibiIIIIIIII'
BYTECODE_FMT = '<IIQ32s'
DESCRIPTOR_FMT = '<BBIB'
URI_FMT = '<iiiiH4096s4096s'
SNAPSHOT_OUTPUT_FMT = '<IQ255s4096s4096s'
assert struct.calcsize(CHANNEL_FMT) == 83
assert struct.calcsize(EVENT_FMT) == 43
assert struct.calcsize(BYTECODE_FMT) == 48
assert struct.calcsize(DESCRIPTOR_FMT) == 7
assert struct.calcsize(URI_FMT) == 8210
assert struct.calcsize(SNAPSHOT_OUTPUT_FMT) == 8459


def cstr(s):
    return s.encode() + b'\0'


# ---- payload encoders ----------------------------------------------------------------

def channel(name, subbuf=1 << 19, nsub=4, overwrite=-1, output=1, enabled=1,
            tracefile_size=0, tracefile_count=0, switch=0, read=0, live=0,
            monitor=1000000, blocking=0):
    return struct.pack(CHANNEL_FMT, len(cstr(name)), enabled, overwrite, subbuf, nsub,
                       switch, read, output, tracefile_size, tracefile_count, live, 0, 0,
                       monitor, blocking) + cstr(name)


def bytecode(code, reloc=None):
    if reloc is None:
        reloc = len(code)
    return struct.pack(BYTECODE_FMT, len(code), reloc, 1, b'\0' * 32) + code


def event(name, etype=EVENT_TRACEPOINT, lltype=LOGLEVEL_ALL, loglevel=-1, enabled=1, pid=0,
          exclusions=(), filt=None, code=None, probe=b'', function=b'', uprobe=b''):
    excl = b''.join(struct.pack('<I', len(cstr(e))) + cstr(e) for e in exclusions)
    ftext = cstr(filt) if filt is not None else b''
    bc = bytecode(code) if code is not None else b''
    head = struct.pack(EVENT_FMT, etype, lltype, loglevel, enabled, pid, 0, len(cstr(name)),
                       len(exclusions), len(ftext), len(bc), len(uprobe), len(probe),
                       len(function))
    return head + cstr(name) + excl + ftext + bc + uprobe + probe + function


def context_simple(ctype):
    return struct.pack('<I', ctype)


def context_perf(ctype, ptype, config, name):
    return struct.pack('<IIQI', ctype, ptype, config, len(cstr(name))) + cstr(name)


def context_app(provider, name):
    return (struct.pack('<III', CTX_APP, len(cstr(provider)), len(cstr(name))) +
            cstr(provider) + cstr(name))


def uri(dtype, stype=0, port=0, subdir='', dst=''):
    return struct.pack(URI_FMT, dtype, 0, stype, 1 if dtype != URI_PATH else 0, port,
                       subdir.encode(), dst.encode())


def descriptor(dtype=DESC_REGULAR, output=OUT_NONE, name=None, uris=(), live_us=None):
    nm = cstr(name) if name is not None else b''
    out = struct.pack(DESCRIPTOR_FMT, dtype, output, len(nm), len(uris))
    if dtype == DESC_LIVE:
        out += struct.pack('<Q', live_us if live_us is not None else 2000000)
    return out + nm + b''.join(uris)


# ---- request header --------------------------------------------------------------------

def request(cmd, session='', domain=DOMAIN_NONE, buf_type=0, union=b'', fd_count=0,
            payload=b'', caller=0, daemon_bits=0):
    """struct wire_request + payload. caller/daemon_bits go to domain.padding[0..1]
    (read by the fuzz-request target only)."""
    h = bytearray(REQUEST_SIZE)
    struct.pack_into('<I', h, 0, cmd)
    name = session.encode()[:NAME_MAX - 1]
    h[OFF_SESSION:OFF_SESSION + len(name)] = name
    struct.pack_into('<ii', h, OFF_DOMAIN, domain, buf_type)
    h[OFF_DOMAIN + 8] = caller
    h[OFF_DOMAIN + 9] = daemon_bits
    assert len(union) <= UNION_SIZE
    h[OFF_UNION:OFF_UNION + len(union)] = union
    struct.pack_into('<I', h, OFF_FD_COUNT, fd_count)
    return bytes(h) + payload


def u_channel_len(channel_name, length):
    return channel_name.encode().ljust(SYMBOL_LEN, b'\0') + struct.pack('<I', length)


def req_enable_event(session, chan, payload, **kw):
    return request(CMD['ENABLE_EVENT'], session, DOMAIN_UST, BUFFER_PER_UID,
                   u_channel_len(chan, len(payload)), payload=payload, **kw)


def req_create(desc, home=None, **kw):
    h = cstr(home) if home is not None else b''
    return request(CMD['CREATE_SESSION_EXT'], union=struct.pack('<HQ', len(h), len(desc)),
                   payload=h + desc, **kw)


def snapshot_output(oid=0, max_size=0, name='', ctrl='', data=''):
    return struct.pack(SNAPSHOT_OUTPUT_FMT, oid, max_size, name.encode(), ctrl.encode(),
                       data.encode())


def tracker_value(attr, vtype, integral=0, name=None):
    nm = cstr(name) if name is not None else b''
    return struct.pack('<iiqI', attr, vtype, integral, len(nm)), nm


# ---- corpora -----------------------------------------------------------------------

def corpus_channel():
    return {
        'default': channel('channel0'),
        'named-overwrite': channel('my_chan', subbuf=1 << 20, nsub=8, overwrite=1),
        'tracefiles': channel('c', tracefile_size=1 << 22, tracefile_count=4, switch=100,
                              read=200, live=300, blocking=-1),
        'splice-disabled': channel('k', output=0, enabled=0, overwrite=0),
        'long-name': channel('n' * 254),
    }


FILTER_CODE = bytes(range(1, 33))


def corpus_event():
    return {
        'plain': event('my_provider:my_event'),
        'all': event('', etype=EVENT_ALL, lltype=LOGLEVEL_ALL),
        'loglevel-range': event('tp:*', lltype=LOGLEVEL_RANGE, loglevel=6),
        'exclusions': event('app*', exclusions=['app_a', 'app_b*', 'x' * 255]),
        'filter-bytecode': event('tp', filt='a > 3 && b == "x"', code=FILTER_CODE),
        'filter-reloc': event('tp', filt='x', code=FILTER_CODE, exclusions=['q']),
        'filter-only': event('tp', filt='$ctx.vpid == 1'),
        'probe-blobs': event('sym', probe=b'\1' * 24, function=b'\2' * 8, uprobe=b'\3' * 5),
    }


def corpus_context():
    return {
        'vpid': context_simple(CTX_VPID),
        'perf-thread': context_perf(CTX_PERF_THREAD_COUNTER, 4, 0x110,
                                    'perf:thread:raw:r0110:test'),
        'perf-cpu': context_perf(CTX_PERF_CPU_COUNTER, 0, 1, 'perf:cpu:cycles'),
        'perf-counter': context_perf(CTX_PERF_COUNTER, 1, 2, 'perf:x'),
        'app': context_app('myprovider', 'mycontext'),
    }


def corpus_descriptor():
    ctrl = uri(URI_IPV4, 0, 5342, 'sub', '127.0.0.1')
    data = uri(URI_IPV4, 1, 5343, 'sub', '127.0.0.1')
    return {
        'unnamed-none': descriptor(),
        'named-none': descriptor(name='my-session'),
        'local-path': descriptor(output=OUT_LOCAL, name='loc',
                                 uris=[uri(URI_PATH, dst='/tmp/traces')]),
        'network': descriptor(output=OUT_NETWORK, name='net', uris=[ctrl, data]),
        'snapshot': descriptor(DESC_SNAPSHOT, OUT_NETWORK, 'snap', [ctrl, data]),
        'live': descriptor(DESC_LIVE, OUT_NETWORK, 'live', [ctrl, data], 1000000),
        'ipv6': descriptor(output=OUT_NETWORK, name='v6',
                           uris=[uri(URI_IPV6, 0, 5342, '', '::1'),
                                 uri(URI_IPV6, 1, 5343, '', '::1')]),
    }


def corpus_ini():
    return {
        'lttng-conf': b'; LTTng configuration\n[sessiond]\nagent-tcp-port = 5345:5354\n'
                      b'no-kernel = true\nverbose = 2\ngroup: tracing\n'
                      b'consumerd64-path = /usr/lib/lttng/libexec/lttng-consumerd\n',
        'comments': b'# hash\n; semicolon\n[a]\nk = v ; inline\nk2=v#kept\n\n[b]\nx=1\n',
        'bom-crlf': b'\xef\xbb\xbf[sessiond]\r\nload = /etc/lttng/sessions\r\n',
        'malformed': b'[unclosed\nnovalue\n[ok]\nk=v\n=empty\nstop=now\nafter=1\n',
        'no-final-newline': b'[s]\nkey = value',
        'long-line': b'[s]\nk=' + b'x' * 1500 + b'\nnext=1\n',
    }


def corpus_request():
    s = 'session'
    c = {}
    c['list-sessions'] = request(CMD['LIST_SESSIONS'])
    c['list-sessions-bob'] = request(CMD['LIST_SESSIONS'], caller=2)
    c['create-none'] = req_create(descriptor(name='new'))
    c['create-auto'] = req_create(descriptor(output=OUT_LOCAL), home='/home/user')
    c['create-local'] = req_create(descriptor(output=OUT_LOCAL, name='loc'),
                                   home='/home/user')
    c['create-local-uri'] = req_create(descriptor(output=OUT_LOCAL, name='loc2',
                                                  uris=[uri(URI_PATH, dst='/tmp/t')]))
    ctrl = uri(URI_IPV4, 0, 5342, 'sub', '127.0.0.1')
    data = uri(URI_IPV4, 1, 5343, 'sub', '127.0.0.1')
    c['create-live'] = req_create(descriptor(DESC_LIVE, OUT_NETWORK, 'lv', [ctrl, data]))
    c['create-snapshot'] = req_create(descriptor(DESC_SNAPSHOT, OUT_NETWORK, 'sn',
                                                 [ctrl, data]))
    c['create-exists'] = req_create(descriptor(name='s'))
    c['destroy'] = request(CMD['DESTROY_SESSION'], 's', caller=1)
    c['destroy-eperm'] = request(CMD['DESTROY_SESSION'], 's', caller=2)
    c['destroy-missing'] = request(CMD['DESTROY_SESSION'], s)
    ch = channel('c2')
    c['enable-channel'] = request(CMD['ENABLE_CHANNEL'], 's', DOMAIN_UST, BUFFER_PER_UID,
                                  struct.pack('<I', len(ch)), payload=ch)
    ch = channel('pp', subbuf=4096, nsub=2)
    c['enable-channel-perpid'] = request(CMD['ENABLE_CHANNEL'], 'snap', DOMAIN_UST,
                                         BUFFER_PER_PID, struct.pack('<I', len(ch)),
                                         payload=ch)
    ch = channel('kchan', output=0)
    c['enable-channel-kernel'] = request(CMD['ENABLE_CHANNEL'], 's', DOMAIN_KERNEL, 0,
                                         struct.pack('<I', len(ch)), payload=ch)
    c['enable-channel-kernel-nonroot'] = request(CMD['ENABLE_CHANNEL'], 's', DOMAIN_KERNEL,
                                                 0, struct.pack('<I', len(ch)),
                                                 payload=ch, daemon_bits=1)
    c['disable-channel'] = request(CMD['DISABLE_CHANNEL'], 's', DOMAIN_UST,
                                   union=u_channel_len('channel0', 0))
    c['enable-event'] = req_enable_event('s', 'channel0', event('other:*'))
    c['enable-event-filter'] = req_enable_event(
        's', 'channel0', event('tp', filt='a == 1', code=FILTER_CODE, exclusions=['tpx']))
    c['enable-event-existing'] = req_enable_event('s', 'channel0', event('tp:*'))
    c['enable-event-new-channel'] = req_enable_event('s', 'newchan', event('x'))
    dis = event('tp:*', etype=EVENT_ALL, lltype=0, loglevel=-1, enabled=0)
    c['disable-event'] = request(CMD['DISABLE_EVENT'], 's', DOMAIN_UST, BUFFER_PER_UID,
                                 u_channel_len('channel0', len(dis)), payload=dis)
    for name, ctx in corpus_context().items():
        c['add-context-' + name] = request(CMD['ADD_CONTEXT'], 's', DOMAIN_UST,
                                           BUFFER_PER_UID, u_channel_len('', len(ctx)),
                                           payload=ctx)
    c['list-channels'] = request(CMD['LIST_CHANNELS'], 's', DOMAIN_UST)
    c['list-events'] = request(CMD['LIST_EVENTS'], 's', DOMAIN_UST,
                               union=b'channel0'.ljust(SYMBOL_LEN, b'\0'))
    c['list-domains'] = request(CMD['LIST_DOMAINS'], 's')
    c['list-tracepoints'] = request(CMD['LIST_TRACEPOINTS'], domain=DOMAIN_UST)
    c['list-fields'] = request(CMD['LIST_TRACEPOINT_FIELDS'], domain=DOMAIN_UST)
    c['list-syscalls'] = request(CMD['LIST_SYSCALLS'], domain=DOMAIN_KERNEL)
    c['start'] = request(CMD['START_TRACE'], 's')
    c['start-ust-domain'] = request(CMD['START_TRACE'], 's', DOMAIN_UST)
    c['stop'] = request(CMD['STOP_TRACE'], 's')
    c['data-pending'] = request(CMD['DATA_PENDING'], 's')
    c['clear'] = request(CMD['CLEAR_SESSION'], 'live')
    c['regenerate-metadata'] = request(CMD['REGENERATE_METADATA'], 's')
    c['regenerate-statedump'] = request(CMD['REGENERATE_STATEDUMP'], 's')
    two = uri(URI_PATH, dst='/tmp/out') + uri(URI_PATH, dst='/tmp/out')
    c['set-consumer-uri'] = request(CMD['SET_CONSUMER_URI'], 's', DOMAIN_UST,
                                    union=struct.pack('<I', 1), payload=two[:8210])
    c['set-consumer-uri-net'] = request(CMD['SET_CONSUMER_URI'], 's', DOMAIN_UST,
                                        union=struct.pack('<I', 2), payload=ctrl + data)
    c['set-shm-path'] = request(CMD['SET_SESSION_SHM_PATH'], 's',
                                union=b'/dev/shm/custom'.ljust(PATH_MAX, b'\0'))
    for attr, vtype, integral, name, tag in [(PA_VPID, PAV_PID, 1234, None, 'vpid'),
                                             (PA_VUID, PAV_USER_NAME, 0, 'root', 'user'),
                                             (PA_VGID, PAV_GROUP_NAME, 0, 'root', 'group'),
                                             (PA_VUID, PAV_UID, 0, None, 'uid')]:
        u, nm = tracker_value(attr, vtype, integral, name)
        c['track-' + tag] = request(CMD['TRACKER_ADD_INCLUDE_VALUE'], 's', DOMAIN_UST,
                                    union=u, payload=nm)
        c['untrack-' + tag] = request(CMD['TRACKER_REMOVE_INCLUDE_VALUE'], 's', DOMAIN_UST,
                                      union=u, payload=nm)
    c['tracker-get-policy'] = request(CMD['TRACKER_GET_POLICY'], 's', DOMAIN_UST,
                                      union=struct.pack('<ii', PA_VPID, 0))
    c['tracker-set-policy'] = request(CMD['TRACKER_SET_POLICY'], 's', DOMAIN_UST,
                                      union=struct.pack('<ii', PA_VUID, 2))
    c['tracker-inclusion-set'] = request(CMD['TRACKER_GET_INCLUSION_SET'], 's', DOMAIN_UST,
                                         union=struct.pack('<ii', PA_VGID, 0))
    out = snapshot_output(0, 1 << 20, 'out1', 'net://127.0.0.1', '')
    c['snapshot-add-output'] = request(CMD['SNAPSHOT_ADD_OUTPUT'], 'snap', union=out)
    c['snapshot-del-output'] = request(CMD['SNAPSHOT_DEL_OUTPUT'], 'snap',
                                       union=snapshot_output(1))
    c['snapshot-list-output'] = request(CMD['SNAPSHOT_LIST_OUTPUT'], 'snap')
    c['snapshot-record'] = request(CMD['SNAPSHOT_RECORD'], 'snap',
                                   union=struct.pack('<I', 0) + out)
    c['rotate'] = request(CMD['ROTATE_SESSION'], 's')
    c['rotation-get-info'] = request(CMD['ROTATION_GET_INFO'], 's',
                                     union=struct.pack('<Q', 1))
    c['rotation-set-schedule'] = request(CMD['ROTATION_SET_SCHEDULE'], 'live',
                                         union=struct.pack('<BBQ', 1, 1, 1000000))
    c['rotation-schedules'] = request(CMD['SESSION_LIST_ROTATION_SCHEDULES'], 's')
    c['list-triggers'] = request(CMD['LIST_TRIGGERS'])
    c['register-trigger'] = request(CMD['REGISTER_TRIGGER'],
                                    union=struct.pack('<IB', 8, 0), payload=b'\0' * 8)
    c['save'] = request(CMD['SAVE_SESSION'], 's')
    c['unknown-command'] = request(200)
    c['no-kernel-list-channels'] = request(CMD['LIST_CHANNELS'], 's', DOMAIN_KERNEL,
                                           daemon_bits=2)
    c['agent-domain'] = request(CMD['LIST_CHANNELS'], 's', DOMAIN_JUL)
    return c


def corpus_uri():
    # "<control URL>" or "<control URL>\0<data URL>" (fuzz-uri.c)
    return {
        'path': b'/tmp/traces',
        'file': b'file:///tmp/traces/sub',
        'net': b'net://127.0.0.1',
        'net-ports-subdir': b'net://localhost:5342:5343/sub/dir',
        'net-name': b'NET4://relay.example.com:1234/x',
        'net6-bracketed': b'net6://[::1]:5342:5343/v6',
        'net-invalid-host': b'net://relay.invalid',
        'tcp-pair': b'tcp://10.0.0.1:1234\0tcp://10.0.0.1:1235',
        'tcp6-pair': b'tcp6://[fe80::1]\0tcp6://[fe80::1]:9',
        'tcp-data-only': b'\0tcp4://192.0.2.7:77/d',
        'tcp-host-mismatch': b'tcp://10.0.0.1\0tcp://10.0.0.2',
        'net-with-data': b'net://h\0tcp://h',
        'file-relative': b'file://relative',
        'bad-port': b'tcp://host:99999',
        'empty-port': b'net://host::7/',
    }


# ---- consumer protocol (src/common/wire/consumer-wire.h) -----------------------------

CONSUMER_MAGIC = 0x4c43534e
C_READY, C_HELLO, C_ADD_CHANNEL, C_ADD_METADATA, C_PUSH_METADATA = 1, 2, 3, 4, 5
C_FLUSH, C_DESTROY, C_DATA_PENDING, C_STATS, C_STATUS, C_SNAPSHOT = 6, 7, 8, 9, 10, 11
CONSUMER_VERSION = 7
C_K_TRACE, C_K_CHANNEL, C_K_EVENTS, C_K_CONTEXT, C_K_STATEDUMP, C_K_REGEN = 12, 13, 14, 15, 16, 17
C_K_IDS = 18
C_K_FILTER = 19
C_ROTATE = 20
C_SESSION_CONSUMED = 21
C_ROTATE_FMT = '<Q4096sII'
C_RELAY_OPEN, C_RELAY_SYNC, C_RELAY_CLOSE = 23, 24, 25
C_RELAY_CHUNK_NEW, C_RELAY_CHUNK_CLOSE = 26, 27
C_RELAY_CHUNK_FMT = '<QQQII'
C_RELAY_OPEN_FMT = '<QQQQIHHBBBB16s64s64s256s256s4096s256s'
DOMAIN_UST_ID = 2  # enum consumer_domain
C_HEADER_FMT = '<IHHII'
C_ADD_CHANNEL_FMT = '<QQQQQQqIIIIIIII16s256s4096s4096s'
C_ADD_METADATA_FMT = '<QQIII16s4096s4096s'
C_PUSH_FMT = '<QQII'
C_SNAPSHOT_FMT = '<QQIIII4096s'
C_STATUS_FMT = '<iIQQQ'
C_K_TRACE_FMT = '<QQII16s256s256s256s4096s'
C_K_CHANNEL_FMT = '<QQQQQQIIIIII256s4096s'
C_K_EVENTS_FMT = '<QII'
C_K_EVENT_FMT = '<64s128s'
C_K_CONTEXT_FMT = '<QiI'
assert struct.calcsize(C_K_TRACE_FMT) == 4904
assert struct.calcsize(C_K_CHANNEL_FMT) == 4424
assert struct.calcsize(C_K_EVENTS_FMT) == 16
assert struct.calcsize(C_K_EVENT_FMT) == 192
assert struct.calcsize(C_K_CONTEXT_FMT) == 16
assert struct.calcsize(C_HEADER_FMT) == 16
assert struct.calcsize(C_ADD_CHANNEL_FMT) == 8552
assert struct.calcsize(C_ADD_METADATA_FMT) == 8236
assert struct.calcsize(C_SNAPSHOT_FMT) == 4128
assert struct.calcsize(C_STATUS_FMT) == 32
assert struct.calcsize(C_ROTATE_FMT) == 4112
assert struct.calcsize(C_RELAY_OPEN_FMT) == 5052
assert struct.calcsize(C_RELAY_CHUNK_FMT) == 32
UUID = bytes(range(16))


def cmsg(mtype, payload=b'', magic=CONSUMER_MAGIC, version=CONSUMER_VERSION, fds=0, length=None):
    return struct.pack(C_HEADER_FMT, magic, version, mtype,
                       len(payload) if length is None else length, fds) + payload


def c_hello(bits=64, pid=1234):
    return cmsg(C_HELLO, struct.pack('<II', pid, bits))


def c_add_channel(key, name='channel0', directory='/tmp/lttng-fuzz/ust/uid/0/64-bit',
                  shm='', subbuf=4096, nsub=4, overwrite=0, tracefile_size=0,
                  tracefile_count=0, blocking=0, switch=0, read=0, session=1):
    return cmsg(C_ADD_CHANNEL, struct.pack(
        C_ADD_CHANNEL_FMT, key, session, subbuf, nsub, tracefile_size, tracefile_count,
        blocking, switch, read, 0, overwrite, 0, 0, 0, DOMAIN_UST_ID, UUID, name.encode(),
        directory.encode(), shm.encode()))


def c_add_metadata(key, directory='/tmp/lttng-fuzz/ust/uid/0/64-bit', session=1, shm=''):
    return cmsg(C_ADD_METADATA, struct.pack(C_ADD_METADATA_FMT, key, session, 0, 0,
                                            DOMAIN_UST_ID, UUID,
                                            directory.encode(), shm.encode()))


def c_push(key, offset, text, reset=0):
    return cmsg(C_PUSH_METADATA, struct.pack(C_PUSH_FMT, key, offset, reset, len(text)) + text)


def c_key(mtype, key):
    return cmsg(mtype, struct.pack('<Q', key))


def c_rotate(key, directory='', undeclared=0, reserved=0):
    return cmsg(C_ROTATE, struct.pack(C_ROTATE_FMT, key, directory.encode(), undeclared, reserved))


def c_relay_open(session=1, control='127.0.0.1', data='127.0.0.1', cport=1, dport=2, ipv6=0,
                 name='s1', host='host', base='', live=0, snapshot=0, reserved=0, chunk=''):
    return cmsg(C_RELAY_OPEN, struct.pack(C_RELAY_OPEN_FMT, session, 1767225600, 0, 1767225600,
                                          live, cport, dport, ipv6, snapshot, 0, reserved, UUID,
                                          control.encode(), data.encode(), name.encode(),
                                          host.encode(), base.encode(), chunk.encode()))


def c_relay_chunk(mtype, session=1, chunk=0, ts=1767225600, command=0, reserved=0):
    return cmsg(mtype, struct.pack(C_RELAY_CHUNK_FMT, session, chunk, ts, command, reserved))


def c_snapshot(key, directory='/tmp/lttng-fuzz/snapshot-1', packets=0, active=1):
    return cmsg(C_SNAPSHOT, struct.pack(C_SNAPSHOT_FMT, key, packets, 0, 0, active, 0,
                                        directory.encode()))


def c_k_trace(key, directory='/tmp/lttng-fuzz/kernel', name='s1', session=1):
    return cmsg(C_K_TRACE, struct.pack(C_K_TRACE_FMT, key, session, 0, 0, UUID, name.encode(),
                                       b'20261207T153000+0000', b'host',
                                       directory.encode()))


def c_k_channel(key, trace, name='channel0', instance='/sys/kernel/tracing/instances/fz',
                subbuf=1 << 20, nsub=4, tracefile_size=0, tracefile_count=0, switch=0,
                read=200000, overwrite=0, cpus=2):
    return cmsg(C_K_CHANNEL, struct.pack(C_K_CHANNEL_FMT, key, trace, subbuf, nsub,
                                         tracefile_size, tracefile_count, switch, read,
                                         overwrite, 0, cpus, 0, name.encode(),
                                         instance.encode()))


def c_k_events(key, events, count=None):
    body = b''.join(struct.pack(C_K_EVENT_FMT, s.encode(), n.encode()) for s, n in events)
    return cmsg(C_K_EVENTS, struct.pack(C_K_EVENTS_FMT, key,
                                        len(events) if count is None else count, 0) + body)


def c_k_ids(trace, ids, tracker=0, all_=0, count=None, reserved=0):
    return cmsg(C_K_IDS, struct.pack('<QIIII', trace, tracker, all_,
                                     len(ids) if count is None else count, reserved) +
                b''.join(struct.pack('<i', i) for i in ids))


def c_k_filter(key, text, events, replace=0, count=None, text_len=None, reserved=0):
    body = text.encode()
    head = struct.pack('<QIIII', key, replace, len(events) if count is None else count,
                       len(body) if text_len is None else text_len, reserved)
    return cmsg(C_K_FILTER, head + body +
                b''.join(struct.pack(C_K_EVENT_FMT, s.encode(), n.encode()) for s, n in events))


def c_k_context(key, ctx):
    return cmsg(C_K_CONTEXT, struct.pack(C_K_CONTEXT_FMT, key, ctx, 0))


TSDL = b'/* CTF 1.8 */\ntypealias integer { size = 8; } := uint8_t;\n'


def corpus_consumer_request():
    h = c_hello()
    return {
        'hello': h,
        'hello-32': c_hello(32),
        'session': h + c_add_channel(1) + c_add_metadata(2) + c_push(2, 0, TSDL, reset=1) +
        c_push(2, len(TSDL), b'trace { };\n') + c_key(C_FLUSH, 1) +
        c_key(C_DATA_PENDING, 1) + c_key(C_STATS, 1) + c_key(C_DESTROY, 1) +
        c_key(C_DESTROY, 2),
        'snapshot': h + c_add_channel(3, directory='', shm='/dev/shm/lttng-fuzz', overwrite=1,
                                      nsub=8) +
        c_add_metadata(4, '/tmp/lttng-fuzz/snapshot-1/ust') + c_push(4, 0, TSDL) +
        c_snapshot(3, packets=2) + c_key(C_DESTROY, 4),
        'tracefiles': h + c_add_channel(5, name='chan_tf', tracefile_size=8192,
                                        tracefile_count=3, switch=100000, read=200000,
                                        blocking=-1),
        'refused-then-served': h + c_add_channel(6, name='../escape') +
        c_add_channel(7, subbuf=3000) + c_push(9, 5, b'x', reset=1) +
        c_snapshot(3, directory='relative') + c_key(C_FLUSH, 1),
        'rotation': h + c_add_channel(30) + c_add_metadata(31) + c_push(31, 0, TSDL) +
        c_rotate(30, '/tmp/lttng-fuzz/20260101T000000+0000-1/ust/uid/0/64-bit') +
        c_rotate(31, '/tmp/lttng-fuzz/20260101T000000+0000-1/ust/uid/0/64-bit') +
        c_push(31, 0, TSDL) + c_rotate(30) + c_rotate(31) + c_push(31, 0, TSDL) +
        c_rotate(32) + c_rotate(30, 'relative') + c_key(C_DESTROY, 30) + c_key(C_DESTROY, 31),
        'rotate-wrong-size': h + cmsg(C_ROTATE, struct.pack('<Q', 30)),
        'rotate-flags': h + c_add_channel(30) + c_rotate(30, '/tmp/lttng-fuzz/c1', undeclared=1) +
        c_rotate(30, '/tmp/lttng-fuzz/c2', undeclared=2) + c_rotate(30, reserved=1),
        'shm-metadata': h + c_add_metadata(50, directory='', shm='/dev/shm/lttng-fuzz/s-1/ust') +
        c_push(50, 0, TSDL, reset=1) + c_push(50, 0, TSDL) + c_add_metadata(51, directory='') +
        c_add_metadata(52, shm='relative') + c_key(C_DESTROY, 50),
        'relay': h + c_relay_open() + c_relay_open(ipv6=1, control='::1', data='::1') +
        c_relay_open(control='not-an-address') + c_relay_open(cport=0) +
        c_relay_open(reserved=1) + c_relay_open(name='') +
        c_relay_open(snapshot=1, chunk='snapshot-1-20260101-000000-0') +
        c_relay_open(chunk='../up') + c_snapshot(40, directory='ust/uid/0/64-bit') +
        c_add_channel(40, directory='ust/uid/0/64-bit') +
        c_add_metadata(41, directory='ust/../etc') + c_add_metadata(42, directory='./x') +
        c_add_metadata(43, directory='ust//x') + c_add_metadata(44, directory='ust/x/') +
        c_relay_chunk(C_RELAY_CHUNK_NEW, chunk=1) + c_rotate(40, 'ust/uid/0/64-bit') +
        c_relay_chunk(C_RELAY_CHUNK_CLOSE, chunk=0, command=0) +
        c_relay_chunk(C_RELAY_CHUNK_CLOSE, chunk=1, command=2) +
        c_relay_chunk(C_RELAY_CHUNK_CLOSE, command=3) + c_relay_chunk(C_RELAY_CLOSE, reserved=1) +
        c_key(C_RELAY_SYNC, 1) + c_relay_chunk(C_RELAY_CLOSE, command=1) +
        c_relay_chunk(C_RELAY_CLOSE, session=7) + c_key(C_RELAY_CLOSE, 1),
        'relay-wrong-size': h + cmsg(C_RELAY_OPEN, struct.pack('<Q', 1)),
        'not-greeted': c_key(C_FLUSH, 1) + h,
        'bad-magic': h + cmsg(C_FLUSH, struct.pack('<Q', 1), magic=0x12345678),
        'push-length-mismatch': h + cmsg(C_PUSH_METADATA,
                                         struct.pack(C_PUSH_FMT, 2, 0, 0, 100) + b'short'),
        'oversized-push': h + cmsg(C_PUSH_METADATA, b'', length=24 + 256 * 1024 + 1),
        'status-as-request': h + cmsg(C_STATUS, struct.pack(C_STATUS_FMT, 0, 0, 0, 0, 0)),
        'session-consumed': h + c_key(C_SESSION_CONSUMED, 1) + c_key(C_SESSION_CONSUMED, 99),
        'truncated': h + c_add_metadata(2)[:100],
        'kernel-session': h + c_k_trace(10) + c_k_channel(11, 10) +
        c_k_events(11, [('sched', 'sched_switch'), ('syscalls', 'sys_enter_openat'),
                        ('syscalls', 'sys_exit_openat'), ('lttng', 'lttng_statedump_start')]) +
        c_k_context(11, 1) + c_k_context(11, 8) + c_key(C_K_STATEDUMP, 10) +
        c_key(C_K_REGEN, 10) + c_key(C_FLUSH, 11) + c_key(C_DATA_PENDING, 1) +
        c_key(C_STATS, 11) + c_snapshot(11) + c_key(C_DESTROY, 11) + c_key(C_DESTROY, 10),
        'kernel-snapshot': h + c_k_trace(12, directory='') +
        c_k_channel(13, 12, overwrite=1, nsub=2, tracefile_size=1 << 21, tracefile_count=4),
        'kernel-refused': h + c_k_trace(14, directory='rel') +
        c_k_channel(15, 14, subbuf=2048) + c_k_channel(16, 14, cpus=0) +
        c_k_channel(17, 14, instance='') + c_k_events(11, []) +
        c_k_events(11, [('sched', 'bad-name')]) + c_k_context(11, -3) + c_key(C_FLUSH, 11),
        'kernel-events-count-mismatch': h + c_k_events(11, [('sched', 'sched_switch')], count=2),
        'kernel-filters': h + c_k_trace(20) + c_k_channel(21, 20) +
        c_k_events(21, [('sched', 'sched_switch'), ('syscalls', 'sys_enter_write'),
                        ('lttng', 'lttng_statedump_process_state')]) +
        c_k_filter(21, '$ctx.vpid == 1 && (fd & 1) == 1', [('syscalls', 'sys_enter_write')], 1) +
        c_k_filter(21, 'next_tid == 3 || prev_comm == "a*"', [('sched', 'sched_switch')]) +
        c_k_filter(21, 'name == "x"', [('lttng', 'lttng_statedump_process_state')]) +
        c_k_filter(21, '((', [('sched', 'sched_switch')]) +
        c_k_filter(21, 'a', [('sched', 'nosuch')]) + c_k_filter(21, '', [], 1) +
        c_k_filter(21, '', [], 0) + c_k_filter(21, 'a', [('sched', 'sched_switch')], count=2) +
        c_k_filter(21, 'a', [], 1, text_len=7) + c_k_filter(21, 'a', [], 1, reserved=5) +
        c_key(C_DESTROY, 21) + c_key(C_DESTROY, 20),
        'kernel-track-ids': h + c_k_trace(18) + c_k_ids(18, [1, 42, 7]) + c_k_ids(18, [], 0, 1) +
        c_k_ids(18, [1000], 2) + c_k_ids(18, [0, 5], 5) + c_k_ids(18, [3], 0, 1) +
        c_k_ids(18, [1, 2], count=3) + c_k_ids(18, [1], 6) + c_k_ids(18, [1], 1, reserved=3) +
        c_key(C_DESTROY, 18),
    }


def c_status(status=0, value=0, discarded=0, lost=0, consumed=0):
    return cmsg(C_STATUS, struct.pack(C_STATUS_FMT, status, value, discarded, lost, consumed))


# Request selectors of fuzz-consumer-reply.c (byte % 12).
R = dict(READY=0, HELLO=1, ADD_CHANNEL=2, ADD_METADATA=3, PUSH=4, FLUSH=5, DESTROY=6,
         DATA_PENDING=7, STATS=8, SNAPSHOT=9, ROTATE=10, CONSUMED=11)


def reply_input(requests, stream):
    return bytes([len(requests) - 1] + [R[r] for r in requests]) + stream


def corpus_consumer_reply():
    ok = c_status()
    return {
        'handshake': reply_input(['READY', 'HELLO'], cmsg(C_READY) + c_hello(64, 4321)),
        'handshake-32': reply_input(['READY', 'HELLO'], cmsg(C_READY) + c_hello(32, 99)),
        'add-channel': reply_input(['ADD_CHANNEL'], c_status(0, 4)),
        'add-channel-refused': reply_input(['ADD_CHANNEL', 'FLUSH'],
                                           c_status(-22) + ok),
        'start-batch': reply_input(['ADD_METADATA', 'PUSH', 'PUSH', 'ADD_CHANNEL'],
                                   ok + ok + ok + c_status(0, 2)),
        'stop-batch': reply_input(['FLUSH', 'FLUSH', 'STATS', 'STATS', 'DATA_PENDING',
                                   'DESTROY'],
                                  ok + c_status(-116) + c_status(0, 0, 12, 3) +
                                  c_status(-2) + c_status(0, 1) + c_status(-28)),
        'snapshot-batch': reply_input(['ADD_METADATA', 'PUSH', 'DESTROY', 'SNAPSHOT',
                                       'SNAPSHOT'], ok + ok + ok + ok + c_status(-5)),
        'positive-status': reply_input(['FLUSH'], c_status(1)),
        'too-many-streams': reply_input(['ADD_CHANNEL'], c_status(0, 4097)),
        'wrong-type': reply_input(['FLUSH', 'FLUSH'], c_hello() + ok),
        'short-status': reply_input(['DESTROY'], cmsg(C_STATUS, b'\0' * 20)),
        'bad-hello': reply_input(['HELLO'], c_hello(48, 0)),
        'rotation-batch': reply_input(['ROTATE', 'ROTATE', 'PUSH', 'CONSUMED', 'CONSUMED'],
                                      ok + c_status(-28) + ok + c_status(0, 0, 0, 0, 1 << 20) +
                                      c_status(-2)),
        'consumed-on-flush': reply_input(['FLUSH'], c_status(0, 0, 0, 0, 5)),
    }


# Session files written by hand (gen-xml-corpus.sh writes the real daemon's).
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_session(inner):
    return (XML_HEAD + '<sessions>\n<session>\n' + inner + '</session>\n</sessions>\n').encode()


XML_CHANNEL_DEFAULTS = [('overwrite_mode', 'DISCARD'), ('subbuffer_size', '524288'),
                        ('subbuffer_count', '4'), ('switch_timer_interval', '0'),
                        ('read_timer_interval', '0'), ('output_type', 'MMAP'),
                        ('blocking_timeout', '0'), ('monitor_timer_interval', '1000000'),
                        ('tracefile_size', '0'), ('tracefile_count', '0'),
                        ('live_timer_interval', '0')]


def xml_channel(name, events='', domain='UST', buffers='PER_UID', trackers='', **values):
    attrs = ''.join('<%s>%s</%s>' % (k, values.get(k, v), k) for k, v in XML_CHANNEL_DEFAULTS)
    return ('<domains><domain><type>%s</type><buffer_type>%s</buffer_type><channels>'
            '<channel><name>%s</name><enabled>true</enabled>%s<events>%s</events>'
            '</channel></channels>%s</domain></domains>\n'
            % (domain, buffers, name, attrs, events, trackers))


XML_LOCAL_OUTPUT = ('<output><consumer_output><enabled>true</enabled><destination>'
                    '<path>/tmp/lttng-fuzz/%s</path></destination></consumer_output></output>\n')


def corpus_session_xml():
    ev = ('<event><name>tp:*</name><enabled>true</enabled><type>TRACEPOINT</type>'
          '<loglevel_type>ALL</loglevel_type></event>')
    return {
        'minimal.lttng': xml_session('<name>m</name>\n'),
        'started-local.lttng': xml_session(
            '<name>started</name>\n' + xml_channel('c', ev) + '<started>true</started>' +
            XML_LOCAL_OUTPUT % 'started'),
        'file-url.lttng': xml_session(
            '<name>f</name><output><consumer_output><enabled>true</enabled><destination>'
            '<net_output><control_uri>file:///tmp/lttng-fuzz/f</control_uri>'
            '<data_uri>file:///tmp/lttng-fuzz/f</data_uri></net_output></destination>'
            '</consumer_output></output>\n'),
        'legacy-pid-tracker.lttng': xml_session(
            '<name>legacy</name>' + xml_channel(
                'c', ev, trackers='<trackers><pid_tracker><targets><pid_target><pid>42</pid>'
                '</pid_target></targets></pid_tracker></trackers>') +
            '<started>false</started>' + XML_LOCAL_OUTPUT % 'legacy'),
        'kernel.lttng': xml_session(
            '<name>k</name>' + xml_channel('k', domain='KERNEL', buffers='GLOBAL',
                                           output_type='SPLICE')),
        'two-sessions-same-name.lttng': (
            XML_HEAD + '<sessions><session><name>twice</name></session>'
            '<session><name>twice</name><attributes><snapshot_mode>true</snapshot_mode>'
            '</attributes></session></sessions>\n').encode(),
        'not-well-formed.lttng': (XML_HEAD + '<sessions><session><name>x</name>'
                                  '</sessions>').encode(),
        'entities.lttng': (
            XML_HEAD + '<!DOCTYPE sessions [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;">]>\n<sessions><session><name>&c;</name></session>'
            '</sessions>\n').encode(),
        'bad-values.lttng': xml_session(
            '<name>bad</name>' + xml_channel(
                'c', ev, subbuffer_size='3', subbuffer_count='0',
                switch_timer_interval='99999999999') +
            '<started>false</started>\n'),
    }


# ---- proc connector messages (linux/netlink.h, connector.h, cn_proc.h) -------------

CN_IDX_PROC = 1
CN_VAL_PROC = 1
PROC_EVENT = {'none': 0, 'fork': 1, 'exec': 2, 'uid': 4, 'gid': 0x40, 'sid': 0x80,
              'comm': 0x200, 'exit': 0x80000000}


def proc_msg(what, ts, body, idx=CN_IDX_PROC, nl_len=None, cn_len=None):
    """One netlink message (nlmsghdr 16 B) holding a cn_msg (20 B) whose data is a
    proc_event: what u32, cpu u32, timestamp_ns u64, then the event's union."""
    ev = struct.pack('<IIQ', PROC_EVENT[what], 0, ts) + body
    cn = struct.pack('<IIIIHH', idx, CN_VAL_PROC, 0, 0, len(ev) if cn_len is None else cn_len, 0)
    msg = cn + ev
    length = 16 + len(msg) if nl_len is None else nl_len
    out = struct.pack('<IHHII', length, 3, 0, 0, 0) + msg
    return out + b'\0' * ((4 - len(out) % 4) % 4)


def corpus_kproc():
    fork = proc_msg('fork', 10, struct.pack('<iiii', 100, 100, 200, 200))
    thread = proc_msg('fork', 11, struct.pack('<iiii', 200, 200, 201, 200))
    exec_ = proc_msg('exec', 12, struct.pack('<ii', 200, 200))
    uid = proc_msg('uid', 13, struct.pack('<iiII', 200, 200, 994, 994))
    gid = proc_msg('gid', 14, struct.pack('<iiII', 200, 200, 993, 993))
    comm = proc_msg('comm', 15, struct.pack('<ii', 200, 200) + b'lttng-test-work\0')
    exit_ = proc_msg('exit', 16, struct.pack('<iiIIii', 200, 200, 0, 17, 100, 100))
    ack = proc_msg('none', 1, struct.pack('<I', 0))
    return {
        'all-kinds': ack + fork + thread + exec_ + uid + gid + comm + exit_,
        'fork': fork,
        'uid-changes': fork + b''.join(proc_msg('uid', 20 + i, struct.pack('<iiII', 200, 200, i, i))
                                       for i in range(6)),
        'short-event': proc_msg('fork', 10, struct.pack('<ii', 1, 1)),
        'cn-len-past-end': proc_msg('uid', 13, struct.pack('<iiII', 1, 1, 0, 0), cn_len=4000),
        'nl-len-short': proc_msg('uid', 13, struct.pack('<iiII', 1, 1, 0, 0), nl_len=8),
        'other-connector': proc_msg('fork', 10, struct.pack('<iiii', 1, 1, 2, 2), idx=2),
        'truncated': (fork + uid)[:-3],
    }


def write_corpus(root, target, seeds):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, 'seed-' + name), 'wb') as f:
            f.write(data)
    return len(seeds)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
    total = 0
    total += write_corpus(root, 'codec_decode_channel', corpus_channel())
    total += write_corpus(root, 'codec_decode_event', corpus_event())
    total += write_corpus(root, 'codec_decode_context', corpus_context())
    total += write_corpus(root, 'codec_decode_descriptor', corpus_descriptor())
    total += write_corpus(root, 'ini_parse_stream', corpus_ini())
    total += write_corpus(root, 'request', corpus_request())
    total += write_corpus(root, 'uri_parse_output', corpus_uri())
    total += write_corpus(root, 'consumer_decode_request', corpus_consumer_request())
    total += write_corpus(root, 'consumer_decode_reply', corpus_consumer_reply())
    total += write_corpus(root, 'session_xml_load', corpus_session_xml())
    total += write_corpus(root, 'kproc_parse', corpus_kproc())
    print('wrote %d seeds under %s' % (total, root))


if __name__ == '__main__':
    main()
