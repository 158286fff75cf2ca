/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consumer protocol decoders (src/common/wire/consumer-codec.c): what the consumer
 * daemon accepts, refuses (-EINVAL, answered) or takes as a broken connection
 * (-EPROTO), and which STATUS / HELLO answers the session daemon may use.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/consumer-codec.h"

#include "tap.h"

static struct consumer_wire_header header(uint16_t type, uint32_t payload_bytes)
{
	struct consumer_wire_header h = {
		.magic = CONSUMER_WIRE_MAGIC,
		.version = CONSUMER_WIRE_VERSION,
		.type = type,
		.payload_bytes = payload_bytes,
	};
	return h;
}

static int decode(uint16_t type, const void *payload, size_t len)
{
	struct consumer_wire_header h = header(type, (uint32_t) len);
	struct consumer_request req;

	return consumer_decode_request(&h, payload, len, &req);
}

static struct consumer_wire_add_channel *valid_channel(void)
{
	struct consumer_wire_add_channel *m = calloc(1, sizeof(*m));

	if (!m)
		bail_out("out of memory");
	m->key = 7;
	m->subbuf_size = 4096;
	m->num_subbuf = 4;
	m->overwrite = 1;
	m->domain = CONSUMER_DOMAIN_UST;
	strcpy(m->name, "channel0");
	strcpy(m->directory, "/tmp/trace/ust/uid/0/64-bit");
	return m;
}

static void test_header_and_framing(void)
{
	struct consumer_wire_key key = { .key = 42 };
	struct consumer_wire_header h = header(CONSUMER_MSG_FLUSH_CHANNEL, sizeof(key));
	struct consumer_request req;

	is_int(consumer_decode_request(&h, &key, sizeof(key), &req), 0, "FLUSH decodes");
	is_int(req.type, CONSUMER_MSG_FLUSH_CHANNEL, "its type");
	ok(req.u.key == 42, "its key");
	h.magic ^= 1;
	is_int(consumer_decode_request(&h, &key, sizeof(key), &req), -EPROTO, "bad magic");
	h = header(CONSUMER_MSG_FLUSH_CHANNEL, sizeof(key));
	h.version = CONSUMER_WIRE_VERSION + 1;
	is_int(consumer_decode_request(&h, &key, sizeof(key), &req), -EPROTO, "bad version");
	h = header(CONSUMER_MSG_FLUSH_CHANNEL, sizeof(key));
	h.fd_count = 1;
	is_int(consumer_decode_request(&h, &key, sizeof(key), &req), -EPROTO, "fds announced");
	h = header(CONSUMER_MSG_FLUSH_CHANNEL, sizeof(key));
	is_int(consumer_decode_request(&h, &key, 4, &req), -EPROTO,
	       "payload shorter than announced");
	is_int(decode(CONSUMER_MSG_FLUSH_CHANNEL, &key, 4), -EPROTO, "short key");
	is_int(decode(CONSUMER_MSG_STATUS, &key, 0), -EPROTO, "STATUS is not a request");
	is_int(decode(CONSUMER_MSG_READY, NULL, 0), -EPROTO, "READY is not a request");
	is_int(decode(0, NULL, 0), -EPROTO, "type 0");
	is_int(decode(CONSUMER_MSG_COUNT, NULL, 0), -EPROTO, "type past the last");
	for (uint16_t t = CONSUMER_MSG_FLUSH_CHANNEL; t <= CONSUMER_MSG_CHANNEL_STATS; t++)
		is_int(decode(t, &key, sizeof(key)), 0, "key request %u decodes", t);
}

static void test_hello(void)
{
	struct consumer_wire_hello hello = { .pid = 1, .bits_per_long = 64 };

	is_int(decode(CONSUMER_MSG_HELLO, &hello, sizeof(hello)), 0, "HELLO 64");
	hello.bits_per_long = 32;
	is_int(decode(CONSUMER_MSG_HELLO, &hello, sizeof(hello)), 0, "HELLO 32");
	hello.bits_per_long = 16;
	is_int(decode(CONSUMER_MSG_HELLO, &hello, sizeof(hello)), -EPROTO, "HELLO 16");
	is_int(decode(CONSUMER_MSG_HELLO, &hello, 4), -EPROTO, "short HELLO");
}

static void test_add_channel(void)
{
	struct consumer_wire_add_channel *m = valid_channel();
	struct consumer_wire_header h = header(CONSUMER_MSG_ADD_CHANNEL, sizeof(*m));
	struct consumer_request req;

	is_int(consumer_decode_request(&h, m, sizeof(*m), &req), 0, "ADD_CHANNEL decodes");
	ok(req.u.add_channel == m, "in place");
	is_int(decode(CONSUMER_MSG_ADD_CHANNEL, m, sizeof(*m) - 1), -EPROTO, "one byte short");

#define REFUSED(what, change)                                                              \
	do {                                                                               \
		struct consumer_wire_add_channel *c = valid_channel();                    \
		change;                                                                    \
		is_int(decode(CONSUMER_MSG_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, what);    \
		free(c);                                                                   \
	} while (0)
#define ACCEPTED(what, change)                                                             \
	do {                                                                               \
		struct consumer_wire_add_channel *c = valid_channel();                    \
		change;                                                                    \
		is_int(decode(CONSUMER_MSG_ADD_CHANNEL, c, sizeof(*c)), 0, what);          \
		free(c);                                                                   \
	} while (0)
	REFUSED("unterminated name", memset(c->name, 'a', sizeof(c->name)));
	REFUSED("empty name", c->name[0] = '\0');
	REFUSED("name with a slash", strcpy(c->name, "../../etc/x"));
	REFUSED("hidden name", strcpy(c->name, ".chan"));
	REFUSED("unterminated directory", memset(c->directory, 'a', sizeof(c->directory)));
	ACCEPTED("relative directory (on the relay daemon)", strcpy(c->directory, "ust/uid/0/64-bit"));
	REFUSED("relative directory going up", strcpy(c->directory, "ust/../../etc"));
	REFUSED("relative directory with a . component", strcpy(c->directory, "./ust"));
	REFUSED("relative directory with an empty component", strcpy(c->directory, "ust//x"));
	REFUSED("relative directory ending with a slash", strcpy(c->directory, "ust/x/"));
	REFUSED("unterminated shm directory",
		memset(c->shm_directory, '/', sizeof(c->shm_directory)));
	REFUSED("relative shm directory", strcpy(c->shm_directory, "shm"));
	REFUSED("no sub-buffer size", c->subbuf_size = 0);
	REFUSED("sub-buffer size not a power of two", c->subbuf_size = 4097);
	REFUSED("no sub-buffers", c->num_subbuf = 0);
	REFUSED("sub-buffer count not a power of two", c->num_subbuf = 3);
	REFUSED("total size past 2^64", (c->subbuf_size = 1ull << 40, c->num_subbuf = 1ull << 24));
	REFUSED("overwrite flag 2", c->overwrite = 2);
	REFUSED("overwrite with one sub-buffer", c->num_subbuf = 1);
	REFUSED("trace file smaller than a sub-buffer", c->tracefile_size = 100);
	REFUSED("no domain", c->domain = 0);
	REFUSED("an unknown domain", c->domain = 6);
	{
		struct consumer_wire_add_channel *c = valid_channel();

		c->domain = CONSUMER_DOMAIN_KERNEL;
		is_int(decode(CONSUMER_MSG_ADD_CHANNEL, c, sizeof(*c)), -EOPNOTSUPP,
		       "a kernel channel: not served by this consumer");
		free(c);
	}
	ACCEPTED("no output (snapshot session)", c->directory[0] = '\0');
	ACCEPTED("shm directory", strcpy(c->shm_directory, "/dev/shm/custom"));
	ACCEPTED("discard with one sub-buffer", (c->overwrite = 0, c->num_subbuf = 1));
	ACCEPTED("largest total size", (c->subbuf_size = 1ull << 40, c->num_subbuf = 1ull << 23));
	ACCEPTED("trace files", (c->tracefile_size = 4096, c->tracefile_count = 3));
	ACCEPTED("a 255-byte name", (memset(c->name, 'n', 255), c->name[255] = '\0'));
#undef REFUSED
#undef ACCEPTED
	free(m);
}

static void test_metadata_and_snapshot(void)
{
	struct consumer_wire_add_metadata *meta = calloc(1, sizeof(*meta));
	struct consumer_wire_snapshot *snap = calloc(1, sizeof(*snap));
	unsigned char push[sizeof(struct consumer_wire_push_metadata) + 5];
	struct consumer_wire_push_metadata head = { .key = 1, .offset = 10, .length = 5 };
	struct consumer_wire_header h;
	struct consumer_request req;

	if (!meta || !snap)
		bail_out("out of memory");
	strcpy(meta->directory, "/tmp/t");
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), -EINVAL,
	       "ADD_METADATA without a domain");
	meta->domain = CONSUMER_DOMAIN_KERNEL;
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), -EOPNOTSUPP,
	       "ADD_METADATA for the kernel: not served by this consumer");
	meta->domain = CONSUMER_DOMAIN_UST;
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), 0, "ADD_METADATA");
	meta->directory[0] = '\0';
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), -EINVAL,
	       "ADD_METADATA without a directory nor a shm directory");
	strcpy(meta->shm_directory, "/dev/shm/s-1/ust/uid/0/64-bit");
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), 0,
	       "ADD_METADATA with a shm directory only (a snapshot session's copy)");
	strcpy(meta->shm_directory, "shm");
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), -EINVAL,
	       "ADD_METADATA, relative shm directory");
	meta->shm_directory[0] = '\0';
	memset(meta->directory, '/', sizeof(meta->directory));
	is_int(decode(CONSUMER_MSG_ADD_METADATA, meta, sizeof(*meta)), -EINVAL,
	       "ADD_METADATA, unterminated directory");

	memcpy(push, &head, sizeof(head));
	memcpy(push + sizeof(head), "abcde", 5);
	h = header(CONSUMER_MSG_PUSH_METADATA, sizeof(push));
	is_int(consumer_decode_request(&h, push, sizeof(push), &req), 0, "PUSH_METADATA");
	ok(req.u.push.text == (const char *) push + sizeof(head) &&
		   memcmp(req.u.push.text, "abcde", 5) == 0,
	   "its text follows the head");
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, sizeof(push) - 1), -EPROTO,
	       "PUSH_METADATA, length past the payload");
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, 8), -EPROTO,
	       "PUSH_METADATA shorter than its head");
	head.reset = 1;
	memcpy(push, &head, sizeof(head));
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, sizeof(push)), -EINVAL,
	       "reset at a non-zero offset");
	head.offset = 0;
	memcpy(push, &head, sizeof(head));
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, sizeof(push)), 0, "reset at 0");
	head.reset = 2;
	memcpy(push, &head, sizeof(head));
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, sizeof(push)), -EINVAL, "reset flag 2");
	head.reset = 0;
	head.offset = UINT64_MAX - 2;
	memcpy(push, &head, sizeof(head));
	is_int(decode(CONSUMER_MSG_PUSH_METADATA, push, sizeof(push)), -EINVAL,
	       "offset + length past 2^64");
	h = header(CONSUMER_MSG_PUSH_METADATA, CONSUMER_MAX_PAYLOAD + 1);
	is_int(consumer_decode_request(&h, push, CONSUMER_MAX_PAYLOAD + 1, &req), -EPROTO,
	       "PUSH_METADATA above a chunk");

	strcpy(snap->directory, "/tmp/snap");
	snap->session_active = 1;
	is_int(decode(CONSUMER_MSG_SNAPSHOT, snap, sizeof(*snap)), 0, "SNAPSHOT");
	snap->session_active = 2;
	is_int(decode(CONSUMER_MSG_SNAPSHOT, snap, sizeof(*snap)), -EINVAL,
	       "SNAPSHOT, active flag 2");
	snap->session_active = 0;
	strcpy(snap->directory, "rel");
	is_int(decode(CONSUMER_MSG_SNAPSHOT, snap, sizeof(*snap)), 0,
	       "SNAPSHOT, relative directory (a record on a relay daemon)");
	strcpy(snap->directory, "../rel");
	is_int(decode(CONSUMER_MSG_SNAPSHOT, snap, sizeof(*snap)), -EINVAL,
	       "SNAPSHOT, relative directory going up");
	free(meta);
	free(snap);
}

static int status(uint16_t request, int32_t st, uint32_t value, uint64_t discarded, uint64_t lost)
{
	struct consumer_wire_status raw = {
		.status = st, .value = value, .discarded_events = discarded, .lost_packets = lost,
	};
	struct consumer_reply rep;

	return consumer_decode_status(request, &raw, sizeof(raw), &rep);
}

static void test_replies(void)
{
	struct consumer_wire_status raw = { .status = 0, .value = 3 };
	struct consumer_wire_hello hello = { .pid = 99, .bits_per_long = 64 };
	struct consumer_wire_hello got;
	struct consumer_reply rep;

	is_int(consumer_decode_status(CONSUMER_MSG_ADD_CHANNEL, &raw, sizeof(raw), &rep), 0,
	       "ADD_CHANNEL: 3 streams");
	ok(rep.status == 0 && rep.value == 3, "its status and value");
	memcpy(&rep, &raw, sizeof(raw));
	is_int(consumer_decode_status(CONSUMER_MSG_ADD_CHANNEL, &rep, sizeof(raw), &rep), 0,
	       "STATUS decoded in place");
	ok(rep.status == 0 && rep.value == 3 && rep.lost_packets == 0, "in place, its fields");
	is_int(consumer_decode_status(CONSUMER_MSG_ADD_CHANNEL, &raw, sizeof(raw) - 1, &rep),
	       -EPROTO, "short STATUS");
	is_int(status(CONSUMER_MSG_ADD_CHANNEL, 0, 0, 0, 0), -EPROTO, "created with no stream");
	is_int(status(CONSUMER_MSG_ADD_CHANNEL, 0, CONSUMER_MAX_STREAMS, 0, 0), 0,
	       "the most streams");
	is_int(status(CONSUMER_MSG_ADD_CHANNEL, 0, CONSUMER_MAX_STREAMS + 1, 0, 0), -EPROTO,
	       "more streams than the most");
	is_int(status(CONSUMER_MSG_ADD_CHANNEL, -EINVAL, 0, 0, 0), 0, "refused");
	is_int(status(CONSUMER_MSG_ADD_CHANNEL, -EINVAL, 2, 0, 0), -EPROTO,
	       "refused with streams");
	is_int(status(CONSUMER_MSG_FLUSH_CHANNEL, 1, 0, 0, 0), -EPROTO, "positive status");
	is_int(status(CONSUMER_MSG_FLUSH_CHANNEL, -4095, 0, 0, 0), 0, "status -4095");
	is_int(status(CONSUMER_MSG_FLUSH_CHANNEL, -4096, 0, 0, 0), -EPROTO, "status -4096");
	is_int(status(CONSUMER_MSG_FLUSH_CHANNEL, INT32_MIN, 0, 0, 0), -EPROTO, "status INT_MIN");
	is_int(status(CONSUMER_MSG_FLUSH_CHANNEL, 0, 1, 0, 0), -EPROTO, "FLUSH with a value");
	is_int(status(CONSUMER_MSG_DATA_PENDING, 0, 1, 0, 0), 0, "data pending");
	is_int(status(CONSUMER_MSG_DATA_PENDING, 0, 2, 0, 0), -EPROTO, "data pending 2");
	is_int(status(CONSUMER_MSG_CHANNEL_STATS, 0, 0, 5, 6), 0, "stats");
	is_int(status(CONSUMER_MSG_CHANNEL_STATS, -ENOENT, 0, 5, 0), -EPROTO,
	       "stats of an unknown channel with counters");
	is_int(status(CONSUMER_MSG_DESTROY_CHANNEL, 0, 0, 0, 1), -EPROTO, "DESTROY with counters");
	is_int(status(CONSUMER_MSG_HELLO, 0, 0, 0, 0), -EINVAL, "HELLO is not answered by STATUS");
	is_int(status(CONSUMER_MSG_STATUS, 0, 0, 0, 0), -EINVAL, "STATUS is not a request");

	is_int(consumer_decode_hello(&hello, sizeof(hello), &got), 0, "HELLO answer");
	ok(got.pid == 99 && got.bits_per_long == 64, "its fields");
	got = hello;
	is_int(consumer_decode_hello(&got, sizeof(got), &got), 0, "HELLO decoded in place");
	ok(got.pid == 99 && got.bits_per_long == 64, "in place, its fields");
	is_int(consumer_decode_hello(&hello, 4, &got), -EPROTO, "short HELLO answer");
	hello.bits_per_long = 48;
	is_int(consumer_decode_hello(&hello, sizeof(hello), &got), -EPROTO, "48-bit consumer");
	hello.bits_per_long = 32;
	hello.pid = 0;
	is_int(consumer_decode_hello(&hello, sizeof(hello), &got), -EPROTO, "pid 0");
}

static struct consumer_wire_kernel_channel *valid_kernel_channel(void)
{
	struct consumer_wire_kernel_channel *m = calloc(1, sizeof(*m));

	if (!m)
		bail_out("out of memory");
	m->key = 3;
	m->trace_key = 2;
	m->subbuf_size = 1 << 20;
	m->num_subbuf = 4;
	m->cpu_count = 2;
	strcpy(m->name, "channel0");
	strcpy(m->instance, "/sys/kernel/tracing/instances/lttng-1-channel0");
	return m;
}

static void test_kernel_trace_and_channel(void)
{
	struct consumer_wire_kernel_trace *t = calloc(1, sizeof(*t));
	struct consumer_wire_kernel_channel *c = valid_kernel_channel();
	struct consumer_wire_kernel_context ctx = { .channel_key = 3, .ctx = 1 };
	struct consumer_wire_key key = { .key = 2 };
	struct consumer_wire_header h;
	struct consumer_request req;

	if (!t)
		bail_out("out of memory");
	strcpy(t->trace_name, "s\"1");
	strcpy(t->directory, "/tmp/s/kernel");
	h = header(CONSUMER_MSG_KERNEL_ADD_TRACE, sizeof(*t));
	is_int(consumer_decode_request(&h, t, sizeof(*t), &req), 0, "kernel trace decodes");
	ok(req.u.kernel_trace == t, "points at the payload");
	t->directory[0] = '\0';
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), 0, "no output: snapshot");
	strcpy(t->directory, "kernel");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), 0, "relative directory (relay)");
	strcpy(t->directory, "..");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), -EINVAL, "directory ..");
	strcpy(t->directory, "/tmp/s");
	memset(t->hostname, 'h', sizeof(t->hostname));
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), -EINVAL, "unterminated hostname");
	memset(t->hostname, 0, sizeof(t->hostname));
	memset(t->trace_name, 'n', sizeof(t->trace_name));
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), -EINVAL, "unterminated name");
	memset(t->trace_name, 0, sizeof(t->trace_name));
	memset(t->creation_time, '1', sizeof(t->creation_time));
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t)), -EINVAL, "unterminated time");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_TRACE, t, sizeof(*t) - 1), -EPROTO, "short trace");

	h = header(CONSUMER_MSG_KERNEL_ADD_CHANNEL, sizeof(*c));
	is_int(consumer_decode_request(&h, c, sizeof(*c), &req), 0, "kernel channel decodes");
	ok(req.u.kernel_channel == c, "points at the payload");
	c->instance[0] = 0;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "no instance");
	free(c);
	c = valid_kernel_channel();
	strcpy(c->name, "a/b");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "name with /");
	strcpy(c->name, ".hidden");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "hidden name");
	free(c);
	c = valid_kernel_channel();
	c->subbuf_size = 3 << 12;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "subbuf not 2^n");
	c->subbuf_size = 2048;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "below a page");
	c->subbuf_size = 1ull << 62;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "product overflows");
	c->subbuf_size = 4096;
	c->num_subbuf = 0;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "no sub-buffer");
	c->num_subbuf = 1;
	c->overwrite = 1;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "overwrite, 1 subbuf");
	c->num_subbuf = 2;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), 0, "overwrite, 2 subbufs");
	c->overwrite = 2;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "overwrite 2");
	c->overwrite = 0;
	c->tracefile_size = 1024;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "tracefile < subbuf");
	c->tracefile_size = 0;
	c->cpu_count = 0;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "no CPU");
	c->cpu_count = CONSUMER_MAX_STREAMS + 1;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), -EINVAL, "too many CPUs");
	c->cpu_count = CONSUMER_MAX_STREAMS;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c)), 0, "most CPUs");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CHANNEL, c, sizeof(*c) + 1), -EPROTO, "long channel");

	h = header(CONSUMER_MSG_KERNEL_ADD_CONTEXT, sizeof(ctx));
	is_int(consumer_decode_request(&h, &ctx, sizeof(ctx), &req), 0, "context decodes");
	ok(req.u.kernel_context == &ctx, "points at the payload");
	ctx.ctx = -1;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CONTEXT, &ctx, sizeof(ctx)), -EINVAL, "context -1");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_CONTEXT, &ctx, 8), -EPROTO, "short context");
	{
		/* KERNEL_TRACK_IDS: a head and exactly its ids. */
		struct {
			struct consumer_wire_kernel_ids head;
			int32_t ids[3];
		} PACKED p = { .head = { .trace_key = 7, .tracker = CONSUMER_KERNEL_TRACK_UID,
					 .count = 3 },
			       .ids = { 5, 1, 9 } };

		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), 0, "three ids decode");
		h = header(CONSUMER_MSG_KERNEL_TRACK_IDS, sizeof(p));
		(void) consumer_decode_request(&h, &p, sizeof(p), &req);
		ok(req.u.kernel_ids.head == &p.head && req.u.kernel_ids.ids == (const void *) p.ids,
		   "head and ids point at the payload");
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p) - 1), -EPROTO,
		       "an id cut short");
		p.head.count = 2;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), -EPROTO,
		       "more ids than counted");
		p.head.count = CONSUMER_KERNEL_IDS_MAX + 1;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), -EPROTO,
		       "a count over the bound");
		p.head.count = 3;
		p.head.tracker = CONSUMER_KERNEL_TRACKER_COUNT;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), -EINVAL,
		       "an unknown tracker");
		p.head.tracker = CONSUMER_KERNEL_TRACK_VGID;
		p.head.reserved = 1;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), -EINVAL, "reserved set");
		p.head.reserved = 0;
		p.head.count = 0;
		p.head.all = 1;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p.head)), 0, "all, no id");
		p.head.all = 2;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p.head)), -EINVAL, "all = 2");
		p.head.all = 1;
		p.head.count = 3;
		is_int(decode(CONSUMER_MSG_KERNEL_TRACK_IDS, &p, sizeof(p)), -EINVAL,
		       "all with ids");
		ok(consumer_msg_is_kernel_only(CONSUMER_MSG_KERNEL_TRACK_IDS), "a kernel request");
	}
	{
		/* KERNEL_SET_FILTER: a head, its text, exactly its entries. */
		struct {
			struct consumer_wire_kernel_filter head;
			char text[9];
			struct consumer_wire_kernel_event e[2];
		} PACKED f = { .head = { .channel_key = 3, .flags = CONSUMER_KERNEL_FILTER_REPLACE,
					 .count = 2, .text_len = 9 },
			       .text = { 'p', 'i', 'd', ' ', '=', '=', ' ', '1', ' ' },
			       .e = { { "sched", "sched_switch" }, { "syscalls", "sys_enter_read" } } };

		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), 0, "a filter decodes");
		h = header(CONSUMER_MSG_KERNEL_SET_FILTER, sizeof(f));
		(void) consumer_decode_request(&h, &f, sizeof(f), &req);
		ok(req.u.kernel_filter.head == &f.head && req.u.kernel_filter.text == f.text &&
			   req.u.kernel_filter.entries == (const void *) f.e,
		   "head, text and entries point at the payload");
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f) - 1), -EPROTO,
		       "an entry cut short");
		f.head.text_len = 10;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EPROTO,
		       "a text longer than the payload holds");
		f.head.text_len = 9;
		f.text[3] = '\0';
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EINVAL, "a NUL in the text");
		f.text[3] = ' ';
		f.head.flags = 2;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EINVAL, "unknown flags");
		f.head.flags = 0;
		f.head.reserved = 1;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EINVAL, "reserved set");
		f.head.reserved = 0;
		snprintf(f.e[1].name, sizeof(f.e[1].name), "bad/name");
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EINVAL,
		       "an event name that is not an identifier");
		f.head.count = 0;
		f.head.text_len = 0;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f.head)), -EINVAL,
		       "no filter without REPLACE");
		f.head.flags = CONSUMER_KERNEL_FILTER_REPLACE;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f.head)), 0,
		       "REPLACE with nothing: no filter left");
		f.head.text_len = 9;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f.head) + 9), -EINVAL,
		       "a text for no event");
		f.head.count = CONSUMER_KERNEL_FILTER_EVENTS_MAX + 1;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EPROTO,
		       "a count over the bound");
		f.head.count = 0;
		f.head.text_len = CONSUMER_KERNEL_FILTER_TEXT_MAX + 1;
		is_int(decode(CONSUMER_MSG_KERNEL_SET_FILTER, &f, sizeof(f)), -EPROTO,
		       "a text over the bound");
		ok(consumer_msg_is_kernel_only(CONSUMER_MSG_KERNEL_SET_FILTER), "a kernel request");
	}
	for (uint16_t ty = CONSUMER_MSG_KERNEL_STATEDUMP; ty <= CONSUMER_MSG_KERNEL_REGENERATE_METADATA;
	     ty++) {
		h = header(ty, sizeof(key));
		is_int(consumer_decode_request(&h, &key, sizeof(key), &req), 0, "key request %u", ty);
		ok(req.u.key == 2, "its key");
	}
	ok(consumer_msg_is_kernel_only(CONSUMER_MSG_KERNEL_ADD_TRACE) &&
		   !consumer_msg_is_kernel_only(CONSUMER_MSG_FLUSH_CHANNEL),
	   "kernel-only requests");
	free(t);
	free(c);
}

static void test_kernel_events(void)
{
	size_t max = sizeof(struct consumer_wire_kernel_events) +
		     CONSUMER_KERNEL_EVENTS_MAX * sizeof(struct consumer_wire_kernel_event);
	uint8_t *buf = calloc(1, max + sizeof(struct consumer_wire_kernel_event));
	struct consumer_wire_kernel_events *head = (void *) buf;
	struct consumer_wire_kernel_event *e = (void *) (buf + sizeof(*head));
	struct consumer_wire_header h;
	struct consumer_request req;
	size_t two = sizeof(*head) + 2 * sizeof(*e);

	if (!buf)
		bail_out("out of memory");
	head->channel_key = 3;
	head->count = 2;
	strcpy(e[0].system, "sched");
	strcpy(e[0].name, "sched_switch");
	strcpy(e[1].system, "syscalls");
	strcpy(e[1].name, "sys_enter_openat");
	h = header(CONSUMER_MSG_KERNEL_ADD_EVENTS, (uint32_t) two);
	is_int(consumer_decode_request(&h, buf, two, &req), 0, "two events decode");
	ok(req.u.kernel_events.head == head && req.u.kernel_events.entries == e, "pointers");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two - 1), -EPROTO, "one byte short");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two + sizeof(*e)), -EPROTO,
	       "an entry more than counted");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, 8), -EPROTO, "shorter than the head");
	head->count = 0;
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, sizeof(*head)), -EINVAL, "no event");
	head->count = CONSUMER_KERNEL_EVENTS_MAX;
	for (unsigned i = 0; i < CONSUMER_KERNEL_EVENTS_MAX; i++) {
		strcpy(e[i].system, "sched");
		strcpy(e[i].name, "sched_switch");
	}
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, max), 0, "the most events");
	head->count = CONSUMER_KERNEL_EVENTS_MAX + 1;
	h = header(CONSUMER_MSG_KERNEL_ADD_EVENTS, (uint32_t) (max + sizeof(*e)));
	is_int(consumer_decode_request(&h, buf, max + sizeof(*e), &req), -EPROTO, "too many events");
	head->count = 2;
	strcpy(e[1].name, "sys-enter");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two), -EINVAL, "name with -");
	strcpy(e[1].name, "1abc");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two), -EINVAL, "name with a digit first");
	e[1].name[0] = '\0';
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two), -EINVAL, "empty name");
	strcpy(e[1].name, "ok");
	memset(e[1].system, 'a', sizeof(e[1].system));
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two), -EINVAL, "unterminated system");
	strcpy(e[1].system, "lttng");
	is_int(decode(CONSUMER_MSG_KERNEL_ADD_EVENTS, buf, two), 0, "our own system");
	is_int(status(CONSUMER_MSG_KERNEL_ADD_EVENTS, -EOPNOTSUPP, 0, 0, 0), 0,
	       "a kernel request's STATUS");
	free(buf);
}

static void test_rotate(void)
{
	struct consumer_wire_rotate *m = calloc(1, sizeof(*m));
	struct consumer_wire_header h = header(CONSUMER_MSG_ROTATE, sizeof(*m));
	struct consumer_request req;

	if (!m)
		bail_out("out of memory");
	m->key = 42;
	strcpy(m->directory, "/tmp/out/20260101T000000+0000-1/ust/uid/0/64-bit");
	is_int(consumer_decode_request(&h, m, sizeof(*m), &req), 0, "ROTATE with a directory");
	ok(req.type == CONSUMER_MSG_ROTATE && req.u.rotate->key == 42 &&
		   !strcmp(req.u.rotate->directory, m->directory),
	   "ROTATE decoded: key and directory");
	m->directory[0] = '\0';
	is_int(decode(CONSUMER_MSG_ROTATE, m, sizeof(*m)), 0, "ROTATE without a directory (close only)");
	strcpy(m->directory, "relative/dir");
	is_int(decode(CONSUMER_MSG_ROTATE, m, sizeof(*m)), 0, "ROTATE, relative directory (relay)");
	strcpy(m->directory, "relative/../..");
	is_int(decode(CONSUMER_MSG_ROTATE, m, sizeof(*m)), -EINVAL, "ROTATE, directory going up");
	memset(m->directory, 'a', sizeof(m->directory));
	m->directory[0] = '/';
	is_int(decode(CONSUMER_MSG_ROTATE, m, sizeof(*m)), -EINVAL, "ROTATE, unterminated directory");
	is_int(decode(CONSUMER_MSG_ROTATE, m, 8), -EPROTO, "ROTATE, 8 bytes");
	h = header(CONSUMER_MSG_ROTATE, sizeof(*m) + 1);
	is_int(consumer_header_check(&h), -EPROTO, "ROTATE header above its size");
	is_int(status(CONSUMER_MSG_ROTATE, -ENOSPC, 0, 0, 0), 0, "ROTATE answered -ENOSPC");
	is_int(status(CONSUMER_MSG_ROTATE, 0, 1, 0, 0), -EPROTO, "ROTATE answered with a value");
	free(m);
}

static int consumed(uint16_t request, int32_t st, uint64_t bytes, struct consumer_reply *rep)
{
	struct consumer_wire_status raw = { .status = st, .consumed_bytes = bytes };

	return consumer_decode_status(request, &raw, sizeof(raw), rep);
}

static void test_session_consumed(void)
{
	struct consumer_wire_key key = { .key = 7 };
	struct consumer_reply rep;

	is_int(decode(CONSUMER_MSG_SESSION_CONSUMED, &key, sizeof(key)), 0, "SESSION_CONSUMED request");
	is_int(decode(CONSUMER_MSG_SESSION_CONSUMED, &key, 4), -EPROTO, "SESSION_CONSUMED, 4 bytes");
	is_int(consumed(CONSUMER_MSG_SESSION_CONSUMED, 0, 1u << 30, &rep), 0, "its reply, 1 GiB");
	is_uint(rep.consumed_bytes, 1u << 30, "... the byte count decoded");
	is_int(consumed(CONSUMER_MSG_SESSION_CONSUMED, -5, 12, &rep), -EPROTO,
	       "a byte count with an error status: refused");
	is_int(consumed(CONSUMER_MSG_CHANNEL_STATS, 0, 12, &rep), -EPROTO,
	       "a byte count on another reply: refused");
	is_int(consumed(CONSUMER_MSG_SESSION_CONSUMED, 0, 0, &rep), 0, "nothing written yet: 0");
}

/* RELAY_OPEN: numeric addresses of the family announced, non-zero ports, a session
 * name; RELAY_SYNC and RELAY_CLOSE carry a session id. */
static void test_relay(void)
{
	struct consumer_wire_relay_open *m = calloc(1, sizeof(*m));
	struct consumer_wire_header h = header(CONSUMER_MSG_RELAY_OPEN, sizeof(*m));
	struct consumer_wire_key key = { .key = 9 };
	struct consumer_request req;

	if (!m)
		bail_out("out of memory");
	m->session_id = 9;
	m->control_port = 5342;
	m->data_port = 5343;
	strcpy(m->control_address, "127.0.0.1");
	strcpy(m->data_address, "127.0.0.1");
	strcpy(m->session_name, "s1");
	strcpy(m->hostname, "host");
	strcpy(m->base_path, "a/b");
	is_int(consumer_decode_request(&h, m, sizeof(*m), &req), 0, "RELAY_OPEN decodes");
	ok(req.type == CONSUMER_MSG_RELAY_OPEN && req.u.relay_open == m &&
		   req.u.relay_open->control_port == 5342,
	   "RELAY_OPEN points at the payload");
	m->ipv6 = 1;
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "IPv4 addresses said IPv6");
	strcpy(m->control_address, "::1");
	strcpy(m->data_address, "::1");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), 0, "IPv6 addresses");
	strcpy(m->data_address, "relay.example");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "a host name (not resolved)");
	strcpy(m->data_address, "::1");
	m->data_port = 0;
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "data port 0");
	m->data_port = 5343;
	m->session_name[0] = '\0';
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "no session name");
	strcpy(m->session_name, "s1");
	memset(m->base_path, 'b', sizeof(m->base_path));
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "unterminated base path");
	m->base_path[0] = '\0';
	strcpy(m->chunk_name, "snapshot-1-20260101-000000-0");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), 0, "a chunk name");
	strcpy(m->chunk_name, "a/b");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "a chunk name with a slash");
	strcpy(m->chunk_name, "..");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "chunk name ..");
	m->chunk_name[0] = '\0';
	m->snapshot = 2;
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, sizeof(*m)), -EINVAL, "snapshot flag 2");
	is_int(decode(CONSUMER_MSG_RELAY_OPEN, m, 8), -EPROTO, "RELAY_OPEN, 8 bytes");
	h = header(CONSUMER_MSG_RELAY_SYNC, sizeof(key));
	is_int(consumer_decode_request(&h, &key, sizeof(key), &req), 0, "RELAY_SYNC decodes");
	ok(req.u.key == 9, "RELAY_SYNC session id");
	{
		struct consumer_wire_relay_chunk c = { .session_id = 9, .chunk_id = 3,
						       .close_command = CONSUMER_CHUNK_ARCHIVE };
		uint16_t types[] = { CONSUMER_MSG_RELAY_CLOSE, CONSUMER_MSG_RELAY_CHUNK_NEW,
				     CONSUMER_MSG_RELAY_CHUNK_CLOSE };

		for (unsigned i = 0; i < 3; i++) {
			c.close_command = CONSUMER_CHUNK_ARCHIVE;
			h = header(types[i], sizeof(c));
			is_int(consumer_decode_request(&h, &c, sizeof(c), &req), 0,
			       "relay chunk request %u decodes", types[i]);
			ok(req.u.relay_chunk == (const void *) &c && req.u.relay_chunk->chunk_id == 3,
			   "relay chunk request %u points at the payload", types[i]);
			c.close_command = CONSUMER_CHUNK_DELETE + 1;
			is_int(decode(types[i], &c, sizeof(c)), -EINVAL,
			       "relay chunk request %u, unknown close command", types[i]);
			is_int(decode(types[i], &key, sizeof(key)), -EPROTO,
			       "relay chunk request %u of 8 bytes", types[i]);
		}
	}
	is_int(status(CONSUMER_MSG_RELAY_OPEN, -ECONNREFUSED, 0, 0, 0), 0,
	       "RELAY_OPEN answered -ECONNREFUSED");
	free(m);
}

int main(void)
{
	test_header_and_framing();
	test_hello();
	test_add_channel();
	test_metadata_and_snapshot();
	test_replies();
	test_kernel_trace_and_channel();
	test_kernel_events();
	test_rotate();
	test_session_consumed();
	test_relay();
	done_testing();
	return exit_status();
}
