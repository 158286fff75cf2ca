/* SPDX-License-Identifier: GPL-2.0-only */
/* Round trips and rejections of the client payload codec (src/common/wire). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "buffer.h"
#include "wire/client-codec.h"
#include "wire/client-wire.h"

#include "tap.h"

/* ---- helpers ---------------------------------------------------------------- */

static void put(struct buffer *b, const void *data, size_t len)
{
	if (buffer_append(b, data, len) < 0)
		bail_out("out of memory");
}

static void put_u32(struct buffer *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void put_u64(struct buffer *b, uint64_t v)
{
	put(b, &v, sizeof(v));
}

/* Appends a string with its NUL. */
static void put_str(struct buffer *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

static void put_fill(struct buffer *b, int byte, size_t len)
{
	uint8_t *p = buffer_append_zeroed(b, len);

	if (!p)
		bail_out("out of memory");
	memset(p, byte, len);
}

/* ---- static layout ---------------------------------------------------------- */

static void test_static_sizes(void)
{
	is_uint(sizeof(struct wire_request), 13156, "request header is 13156 bytes");
	is_uint(offsetof(struct wire_request, session), 4, "session at 4");
	is_uint(offsetof(struct wire_request, domain), 4380, "domain at 4380");
	is_uint(offsetof(struct wire_request, u), 4688, "union at 4688");
	is_uint(offsetof(struct wire_request, fd_count), 13152, "fd_count at 13152");
	is_uint(offsetof(struct wire_request, u.enable.length), 4944, "enable.length at 4944");
	is_uint(offsetof(struct wire_request, u.context.length), 4944, "context.length at 4944");
	is_uint(offsetof(struct wire_request, u.channel.length), 4688, "channel.length at 4688");
	is_uint(offsetof(struct wire_request, u.create_session.home_dir_size), 4688,
		"home_dir_size at 4688");
	is_uint(offsetof(struct wire_request, u.create_session.session_descriptor_size), 4690,
		"descriptor size at 4690");
	is_uint(offsetof(struct wire_request, u.tracker_value.name_len), 4704, "name_len at 4704");
	is_uint(sizeof(struct wire_reply), 24, "reply header is 24 bytes");
	is_uint(sizeof(struct wire_session), 4376, "lttng_session is 4376 bytes");
	is_uint(sizeof(struct wire_session), sizeof(struct lttng_session),
		"wire_session matches the public lttng_session");
	is_uint(sizeof(struct wire_domain), sizeof(struct lttng_domain),
		"wire_domain matches the public lttng_domain (308)");
	is_uint(sizeof(struct wire_session_extended), 9, "session extended is 9 bytes");
	is_uint(sizeof(struct wire_uri), 8210, "lttng_uri is 8210 bytes");
	is_uint(sizeof(struct wire_snapshot_output), 8459, "snapshot output is 8459 bytes");
	is_uint(sizeof(struct wire_save_attr), 4354, "save attr is 4354 bytes");
	is_uint(sizeof(struct wire_channel), 83, "lttng_channel_comm is 83 bytes");
	is_uint(sizeof(struct wire_event), 43, "lttng_event_comm is 43 bytes");
	is_uint(sizeof(struct wire_bytecode), 48, "bytecode header is 48 bytes");
	is_uint(sizeof(struct wire_event_field), 10, "event field is 10 bytes");
	is_uint(sizeof(struct wire_session_descriptor), 7, "descriptor header is 7 bytes");
	is_uint(sizeof(struct wire_rotation_schedules), 18, "rotation schedules 18 bytes");
	is_uint(sizeof(struct wire_tracker_set_entry), 12, "tracker set entry 12 bytes");
}

static void test_bounded_strlen(void)
{
	is_int(codec_bounded_strlen("abc", 4), 3, "bounded_strlen finds the NUL");
	is_int(codec_bounded_strlen("", 1), 0, "bounded_strlen of empty string");
	is_int(codec_bounded_strlen("abcdef", 3), -EINVAL, "no NUL inside the bound -> -EINVAL");
	is_int(codec_bounded_strlen("ab\0cd", 5), 2, "stops at the first NUL");
}

/* ---- channel ---------------------------------------------------------------- */

static struct wire_channel channel_template(uint32_t name_len)
{
	struct wire_channel w;

	memset(&w, 0, sizeof(w));
	w.name_len = name_len;
	w.enabled = 1;
	w.overwrite = -1;
	w.subbuf_size = 4096;
	w.num_subbuf = 4;
	w.output = 1;
	return w;
}

static int decode_channel_bytes(struct buffer *b, struct decoded_channel *out)
{
	return codec_decode_channel(b->data, b->size, out);
}

static void test_channel_round_trip(void)
{
	struct channel_attr attr = {
		.subbuf_size = 1u << 20,
		.num_subbuf = 8,
		.overwrite = 1,
		.switch_timer_us = 1000,
		.read_timer_us = 2000,
		.output = LTTNG_EVENT_MMAP,
		.tracefile_size = 1ull << 33,
		.tracefile_count = 7,
		.live_timer_us = 3000,
		.monitor_timer_us = 4000,
		.blocking_timeout_us = -1,
	};
	struct decoded_channel dc;
	struct buffer b;
	int r;

	buffer_init(&b);
	r = codec_encode_channel(&b, "my-chan", true, &attr, 11, 12);
	is_int(r, 0, "encode channel");
	is_uint(b.size, sizeof(struct wire_channel) + strlen("my-chan") + 1,
		"encoded channel is header + name + NUL");
	{
		struct wire_channel w;

		memcpy(&w, b.data, sizeof(w));
		is_uint(w.name_len, 8, "encoded name_len counts the NUL");
		is_uint(w.discarded_events, 11, "encoded discarded events");
		is_uint(w.lost_packets, 12, "encoded lost packets");
		is_int(w.blocking_timeout, -1, "encoded blocking timeout");
	}
	memset(&dc, 0x55, sizeof(dc));
	r = decode_channel_bytes(&b, &dc);
	is_int(r, 0, "decode what was encoded");
	is_str(dc.name, "my-chan", "channel name survives");
	ok(dc.enabled, "enabled survives");
	is_uint(dc.attr.subbuf_size, attr.subbuf_size, "subbuf_size");
	is_uint(dc.attr.num_subbuf, attr.num_subbuf, "num_subbuf");
	is_int(dc.attr.overwrite, 1, "overwrite");
	is_uint(dc.attr.switch_timer_us, 1000, "switch timer");
	is_uint(dc.attr.read_timer_us, 2000, "read timer");
	is_int(dc.attr.output, LTTNG_EVENT_MMAP, "output");
	is_uint(dc.attr.tracefile_size, 1ull << 33, "tracefile size (64-bit)");
	is_uint(dc.attr.tracefile_count, 7, "tracefile count");
	is_uint(dc.attr.live_timer_us, 3000, "live timer");
	is_uint(dc.attr.monitor_timer_us, 4000, "monitor timer");
	is_int(dc.attr.blocking_timeout_us, -1, "blocking timeout");
	buffer_fini(&b);

	/* overwrite = -1 (session default) and disabled */
	attr.overwrite = -1;
	buffer_init(&b);
	codec_encode_channel(&b, "c", false, &attr, 0, 0);
	r = decode_channel_bytes(&b, &dc);
	is_int(r, 0, "decode disabled channel");
	is_int(dc.attr.overwrite, -1, "overwrite -1 is kept as 'session default'");
	ok(!dc.enabled, "disabled survives");
	buffer_fini(&b);

	/* The longest name that fits: 254 characters + NUL. */
	{
		char name[255];

		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		buffer_init(&b);
		codec_encode_channel(&b, name, true, &attr, 0, 0);
		is_int(decode_channel_bytes(&b, &dc), 0, "254-character channel name accepted");
		is_uint(strlen(dc.name), 254, "254-character channel name kept whole");
		buffer_fini(&b);
	}
}

static void test_channel_rejections(void)
{
	struct decoded_channel dc;
	struct wire_channel w;
	struct buffer b;

	/* Shorter than the fixed part. */
	w = channel_template(4);
	is_int(codec_decode_channel(&w, sizeof(w) - 1, &dc), -EINVAL, "truncated fixed part");
	is_int(codec_decode_channel(&w, 0, &dc), -EINVAL, "empty payload");

	/* name_len 0 */
	buffer_init(&b);
	w = channel_template(0);
	put(&b, &w, sizeof(w));
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "name_len 0 rejected");
	buffer_fini(&b);

	/* Name announced longer than what follows. */
	buffer_init(&b);
	w = channel_template(10);
	put(&b, &w, sizeof(w));
	put_str(&b, "abc");
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "name shorter than name_len rejected");
	buffer_fini(&b);

	/* Missing NUL. */
	buffer_init(&b);
	w = channel_template(3);
	put(&b, &w, sizeof(w));
	put(&b, "abc", 3);
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "name without NUL rejected");
	buffer_fini(&b);

	/* NUL before the end of the announced length. */
	buffer_init(&b);
	w = channel_template(5);
	put(&b, &w, sizeof(w));
	put(&b, "ab\0cd", 5);
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "embedded NUL rejected");
	buffer_fini(&b);

	/* Too long for a channel name (255 chars + NUL). */
	buffer_init(&b);
	w = channel_template(256);
	put(&b, &w, sizeof(w));
	put_fill(&b, 'x', 255);
	put_fill(&b, 0, 1);
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "256-byte name rejected");
	buffer_fini(&b);

	/* Lengths near 2^32. */
	buffer_init(&b);
	w = channel_template(UINT32_MAX);
	put(&b, &w, sizeof(w));
	put_str(&b, "abc");
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "name_len 0xFFFFFFFF rejected");
	buffer_fini(&b);
	buffer_init(&b);
	w = channel_template(0x80000000u);
	put(&b, &w, sizeof(w));
	put_str(&b, "abc");
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "name_len 0x80000000 rejected");
	buffer_fini(&b);

	/* Trailing bytes after the name. */
	buffer_init(&b);
	w = channel_template(4);
	put(&b, &w, sizeof(w));
	put_str(&b, "abc");
	put_fill(&b, 0, 1);
	is_int(decode_channel_bytes(&b, &dc), -EINVAL, "trailing byte rejected");
	buffer_fini(&b);
}

/* ---- event ------------------------------------------------------------------ */

struct event_builder {
	struct wire_event w;
	struct buffer tail;
};

static void event_begin(struct event_builder *e, const char *name)
{
	memset(&e->w, 0, sizeof(e->w));
	e->w.event_type = LTTNG_EVENT_TRACEPOINT;
	e->w.loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
	e->w.loglevel = -1;
	e->w.enabled = 1;
	e->w.name_len = (uint32_t) strlen(name) + 1;
	buffer_init(&e->tail);
	put_str(&e->tail, name);
}

/* Serializes header + tail into out. */
static void event_finish(struct event_builder *e, struct buffer *out)
{
	buffer_init(out);
	put(out, &e->w, sizeof(e->w));
	put(out, e->tail.data, e->tail.size);
	buffer_fini(&e->tail);
}

static void put_bytecode(struct buffer *b, uint32_t header_len, uint32_t reloc, size_t code_len)
{
	struct wire_bytecode h;

	memset(&h, 0, sizeof(h));
	h.len = header_len;
	h.reloc_table_offset = reloc;
	h.seqnum = 42;
	put(b, &h, sizeof(h));
	for (size_t i = 0; i < code_len; i++) {
		uint8_t byte = (uint8_t) (i * 7 + 1);

		put(b, &byte, 1);
	}
}

static void test_event_round_trip(void)
{
	struct decoded_event in, out;
	char excl[2][WIRE_SYMBOL_NAME_LEN] = { "foo_*", "bar" };
	struct buffer b;
	int r;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, "my_provider:*");
	in.type = LTTNG_EVENT_TRACEPOINT;
	in.loglevel_type = LTTNG_EVENT_LOGLEVEL_RANGE;
	in.loglevel = 6;
	in.enabled = true;
	in.pid = 1234;
	in.exclusion_count = 2;
	in.exclusions = excl;
	in.filter_expression = (char *) "a > 3 && b == \"x\"";

	buffer_init(&b);
	r = codec_encode_event(&b, &in);
	is_int(r, 0, "encode event (listing form)");
	is_uint(b.size,
		sizeof(struct wire_event) + strlen(in.name) + 1 + 2 * 4 + 6 + 4 +
			strlen(in.filter_expression) + 1,
		"encoded size: header, name, 2 length-prefixed exclusions, filter");
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "decode the encoded event");
	is_str(out.name, "my_provider:*", "event name");
	is_int(out.type, LTTNG_EVENT_TRACEPOINT, "event type");
	is_int(out.loglevel_type, LTTNG_EVENT_LOGLEVEL_RANGE, "loglevel type");
	is_int(out.loglevel, 6, "loglevel");
	ok(out.enabled, "enabled");
	is_int(out.pid, 1234, "pid");
	is_uint(out.exclusion_count, 2, "two exclusions");
	if (out.exclusion_count == 2) {
		is_str(out.exclusions[0], "foo_*", "first exclusion");
		is_str(out.exclusions[1], "bar", "second exclusion");
	} else {
		fail("first exclusion");
		fail("second exclusion");
	}
	is_str(out.filter_expression, in.filter_expression, "filter expression");
	is_ptr_null(out.bytecode, "listing form carries no bytecode");
	is_uint(out.bytecode_len, 0, "bytecode_len 0");
	decoded_event_fini(&out);
	is_ptr_null(out.exclusions, "fini clears exclusions");
	is_ptr_null(out.filter_expression, "fini clears the filter");
	is_uint(out.exclusion_count, 0, "fini clears the count");
	buffer_fini(&b);

	/* Plain event: nothing but the name. */
	memset(&in, 0, sizeof(in));
	strcpy(in.name, "ev");
	in.type = LTTNG_EVENT_ALL;
	in.loglevel = -1;
	buffer_init(&b);
	codec_encode_event(&b, &in);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "decode a bare event");
	is_str(out.name, "ev", "bare event name");
	is_int(out.type, LTTNG_EVENT_ALL, "event type ALL (-1) kept");
	is_ptr_null(out.filter_expression, "no filter");
	is_ptr_null(out.exclusions, "no exclusions");
	decoded_event_fini(&out);
	buffer_fini(&b);
}

static void test_event_filter_bytecode(void)
{
	struct event_builder e;
	struct decoded_event out;
	struct buffer b, expected_code;
	int r;

	/* Valid filter with 16 bytes of code and a relocation table at 8. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = sizeof("x == 1");
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 16;
	put_str(&e.tail, "x == 1");
	buffer_init(&expected_code);
	put_bytecode(&expected_code, 16, 8, 16);
	put(&e.tail, expected_code.data, expected_code.size);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "filter + bytecode accepted");
	is_str(out.filter_expression, "x == 1", "filter expression decoded");
	is_uint(out.bytecode_len, 64, "bytecode_len is header + code");
	is_mem(out.bytecode, out.bytecode_len, expected_code.data, expected_code.size,
	       "bytecode copied verbatim");
	decoded_event_fini(&out);
	is_ptr_null(out.bytecode, "fini clears the bytecode");
	buffer_fini(&b);

	/* reloc offset == len is allowed (empty table) */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 4;
	put_str(&e.tail, "x");
	put_bytecode(&e.tail, 4, 4, 4);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "reloc_table_offset == len accepted");
	decoded_event_fini(&out);
	buffer_fini(&b);

	/* Expression without bytecode: the listing form, accepted by the codec. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	put_str(&e.tail, "x");
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "expression without bytecode decodes");
	ok(out.filter_expression && !out.bytecode, "expression kept, no bytecode");
	decoded_event_fini(&out);
	buffer_fini(&b);

	/* Bytecode without expression. */
	event_begin(&e, "tp");
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 4;
	put_bytecode(&e.tail, 4, 0, 4);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "bytecode without expression");
	buffer_fini(&b);

	/* Header length disagrees with bytecode_len. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 4;
	put_str(&e.tail, "x");
	put_bytecode(&e.tail, 5, 0, 4);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "bytecode len mismatch");
	buffer_fini(&b);

	/* Relocation table beyond the code. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 4;
	put_str(&e.tail, "x");
	put_bytecode(&e.tail, 4, 5, 4);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "reloc offset past the code");
	buffer_fini(&b);

	/* bytecode_len smaller than its own header. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = sizeof(struct wire_bytecode) - 1;
	put_str(&e.tail, "x");
	put_fill(&e.tail, 0, sizeof(struct wire_bytecode) - 1);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "bytecode shorter than header");
	buffer_fini(&b);

	/* Bytecode announced but truncated. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = sizeof(struct wire_bytecode) + 100;
	put_str(&e.tail, "x");
	put_bytecode(&e.tail, 100, 0, 10);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "truncated bytecode");
	buffer_fini(&b);

	/* Lengths near 2^32. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 2;
	e.w.bytecode_len = UINT32_MAX;
	put_str(&e.tail, "x");
	put_bytecode(&e.tail, UINT32_MAX - 48, 0, 4);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "bytecode_len 0xFFFFFFFF");
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.filter_expression_len = UINT32_MAX;
	put_str(&e.tail, "x");
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "filter_len 0xFFFFFFFF");
	buffer_fini(&b);

	/* Filter expression over the limit, even when the bytes are there. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = CODEC_MAX_FILTER_LEN + 1;
	put_fill(&e.tail, 'a', CODEC_MAX_FILTER_LEN);
	put_fill(&e.tail, 0, 1);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "filter over 64 KiB rejected");
	buffer_fini(&b);

	/* Filter expression exactly at the limit. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = CODEC_MAX_FILTER_LEN;
	put_fill(&e.tail, 'a', CODEC_MAX_FILTER_LEN - 1);
	put_fill(&e.tail, 0, 1);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "filter of exactly 64 KiB accepted");
	if (r == 0) {
		is_uint(strlen(out.filter_expression), CODEC_MAX_FILTER_LEN - 1, "length kept");
		decoded_event_fini(&out);
	} else {
		fail("length kept");
	}
	buffer_fini(&b);

	/* Filter expression without NUL. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 3;
	put(&e.tail, "x=1", 3);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "filter without NUL");
	buffer_fini(&b);

	/* Filter announced, nothing follows. */
	event_begin(&e, "tp");
	e.w.filter_expression_len = 10;
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "missing filter bytes");
	buffer_fini(&b);
	buffer_fini(&expected_code);
}

static void test_event_exclusions(void)
{
	struct event_builder e;
	struct decoded_event out;
	struct buffer b;
	int r;

	/* Valid, maximal-length exclusion (255 chars + NUL). */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 1;
	put_u32(&e.tail, 256);
	put_fill(&e.tail, 'z', 255);
	put_fill(&e.tail, 0, 1);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "256-byte exclusion accepted");
	if (r == 0) {
		is_uint(strlen(out.exclusions[0]), 255, "exclusion kept whole");
		decoded_event_fini(&out);
	} else {
		fail("exclusion kept whole");
	}
	buffer_fini(&b);

	/* Exclusion too long. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 1;
	put_u32(&e.tail, 257);
	put_fill(&e.tail, 'z', 256);
	put_fill(&e.tail, 0, 1);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "257-byte exclusion rejected");
	buffer_fini(&b);

	/* Empty exclusion length. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 1;
	put_u32(&e.tail, 0);
	put_fill(&e.tail, 0, 8);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "exclusion length 0 rejected");
	buffer_fini(&b);

	/* Missing NUL. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 1;
	put_u32(&e.tail, 3);
	put(&e.tail, "abc", 3);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "exclusion without NUL");
	buffer_fini(&b);

	/* More exclusions announced than present. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 3;
	put_u32(&e.tail, 2);
	put_str(&e.tail, "a");
	put_u32(&e.tail, 2);
	put_str(&e.tail, "b");
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "3 announced, 2 present");
	buffer_fini(&b);

	/* Counts near 2^32 must be refused without a huge allocation. */
	{
		static const uint32_t counts[] = { UINT32_MAX, UINT32_MAX - 1, 0x80000000u,
						   0x40000001u, 0x33333334u };

		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			event_begin(&e, "tp*");
			e.w.exclusion_count = counts[i];
			for (int k = 0; k < 4; k++) {
				put_u32(&e.tail, 2);
				put_str(&e.tail, "q");
			}
			event_finish(&e, &b);
			is_int(codec_decode_event(b.data, b.size, &out), -EINVAL,
			       "exclusion_count 0x%x rejected", counts[i]);
			buffer_fini(&b);
		}
	}

	/* Over CODEC_MAX_EXCLUSIONS even though every one of them is present. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = CODEC_MAX_EXCLUSIONS + 1;
	for (uint32_t k = 0; k < CODEC_MAX_EXCLUSIONS + 1; k++) {
		put_u32(&e.tail, 2);
		put_str(&e.tail, "q");
	}
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "%u exclusions rejected",
	       CODEC_MAX_EXCLUSIONS + 1);
	buffer_fini(&b);

	/* Exactly CODEC_MAX_EXCLUSIONS is fine. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = CODEC_MAX_EXCLUSIONS;
	for (uint32_t k = 0; k < CODEC_MAX_EXCLUSIONS; k++) {
		char s[8];

		snprintf(s, sizeof(s), "e%u", k);
		put_u32(&e.tail, (uint32_t) strlen(s) + 1);
		put_str(&e.tail, s);
	}
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "%u exclusions accepted", CODEC_MAX_EXCLUSIONS);
	if (r == 0) {
		is_str(out.exclusions[CODEC_MAX_EXCLUSIONS - 1], "e4095", "last exclusion");
		decoded_event_fini(&out);
	} else {
		fail("last exclusion");
	}
	buffer_fini(&b);

	/* Exclusion length near 2^32. */
	event_begin(&e, "tp*");
	e.w.exclusion_count = 1;
	put_u32(&e.tail, UINT32_MAX);
	put_str(&e.tail, "abc");
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "exclusion len 0xFFFFFFFF");
	buffer_fini(&b);
}

static void test_event_rejections(void)
{
	struct event_builder e;
	struct decoded_event out;
	struct buffer b;
	int r;

	event_begin(&e, "tp");
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, sizeof(struct wire_event) - 1, &out), -EINVAL,
	       "truncated event header");
	is_int(codec_decode_event(b.data, sizeof(struct wire_event) + 1, &out), -EINVAL,
	       "truncated event name");
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.name_len = 0;
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "event name_len 0");
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.name_len = 2; /* "tp" without its NUL */
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "event name without NUL");
	buffer_fini(&b);

	event_begin(&e, "");
	buffer_fini(&e.tail);
	buffer_init(&e.tail);
	e.w.name_len = 257;
	put_fill(&e.tail, 'n', 256);
	put_fill(&e.tail, 0, 1);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "257-byte event name");
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.name_len = UINT32_MAX;
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL, "event name_len 0xFFFFFFFF");
	buffer_fini(&b);

	/* Probe/function blobs are skipped but must be present. */
	event_begin(&e, "tp");
	e.w.probe_attr_len = 10;
	e.w.function_attr_len = 5;
	put_fill(&e.tail, 0xAB, 15);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "probe/function attributes skipped");
	if (r == 0)
		decoded_event_fini(&out);
	is_int(codec_decode_event(b.data, b.size - 1, &out), -EINVAL,
	       "one byte missing in the attribute blobs");
	buffer_fini(&b);

	/* A user-space probe's location: function, then SDT. */
	size_t before;

	event_begin(&e, "up");
	e.w.event_type = LTTNG_EVENT_USERSPACE_PROBE;
	before = e.tail.size; /* the name */
	put(&e.tail, &(int8_t){ LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION }, 1);
	put_u32(&e.tail, 5);
	put_u32(&e.tail, 10);
	put_str(&e.tail, "main");
	put_str(&e.tail, "/bin/true");
	put(&e.tail, &(int8_t){ LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_ELF }, 1);
	e.w.userspace_probe_location_len = (uint32_t) (e.tail.size - before);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "a function location is decoded");
	if (r == 0) {
		ok(out.uprobe && strcmp(out.uprobe->function, "main") == 0 &&
			   strcmp(out.uprobe->binary_path, "/bin/true") == 0 &&
			   out.uprobe->binary_fd == -1,
		   "its symbol and binary path, no fd yet");
		decoded_event_fini(&out);
	}
	is_int(codec_decode_event(b.data, b.size - 1, &out), -EINVAL,
	       "a location without its lookup method");
	buffer_fini(&b);

	event_begin(&e, "up");
	e.w.event_type = LTTNG_EVENT_USERSPACE_PROBE;
	before = e.tail.size;
	put(&e.tail, &(int8_t){ LTTNG_USERSPACE_PROBE_LOCATION_TYPE_TRACEPOINT }, 1);
	put_u32(&e.tail, 4);
	put_u32(&e.tail, 5);
	put_u32(&e.tail, 10);
	put_str(&e.tail, "tp1");
	put_str(&e.tail, "prov");
	put_str(&e.tail, "/bin/true");
	put(&e.tail, &(int8_t){ LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_TRACEPOINT_SDT }, 1);
	e.w.userspace_probe_location_len = (uint32_t) (e.tail.size - before);
	event_finish(&e, &b);
	r = codec_decode_event(b.data, b.size, &out);
	is_int(r, 0, "an SDT location is decoded");
	if (r == 0) {
		ok(out.uprobe && strcmp(out.uprobe->provider, "prov") == 0 &&
			   strcmp(out.uprobe->probe, "tp1") == 0,
		   "its provider and probe names");
		decoded_event_fini(&out);
	}
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.userspace_probe_location_len = 3;
	put_fill(&e.tail, 0, 3);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL,
	       "a location on an event that is not a user-space probe");
	buffer_fini(&b);

	event_begin(&e, "up");
	e.w.event_type = LTTNG_EVENT_USERSPACE_PROBE;
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL,
	       "a user-space probe without its location");
	buffer_fini(&b);

	event_begin(&e, "tp");
	e.w.probe_attr_len = UINT32_MAX;
	e.w.function_attr_len = UINT32_MAX;
	e.w.userspace_probe_location_len = UINT32_MAX;
	put_fill(&e.tail, 0, 64);
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL,
	       "three 0xFFFFFFFF blob lengths do not wrap");
	buffer_fini(&b);

	/* A failure after the exclusions were decoded must not leak them (ASan). */
	event_begin(&e, "tp");
	e.w.exclusion_count = 1;
	e.w.filter_expression_len = 50;
	put_u32(&e.tail, 2);
	put_str(&e.tail, "a");
	event_finish(&e, &b);
	is_int(codec_decode_event(b.data, b.size, &out), -EINVAL,
	       "failure after exclusions (no leak under ASan)");
	buffer_fini(&b);
}

/* ---- context ---------------------------------------------------------------- */

static void test_context(void)
{
	struct decoded_context dc;
	struct buffer b;
	int r;

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_VPID);
	r = codec_decode_context(b.data, b.size, &dc);
	is_int(r, 0, "simple context (vpid)");
	is_int(dc.type, LTTNG_EVENT_CONTEXT_VPID, "type decoded");
	is_ptr_null(dc.app_provider, "no app provider");
	decoded_context_fini(&dc);
	put_fill(&b, 0, 1);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "trailing byte after type");
	is_int(codec_decode_context(b.data, 3, &dc), -EINVAL, "3-byte context");
	buffer_fini(&b);

	/* perf counters: type, perf type u32, config u64, name_len u32, name */
	static const int perf_types[] = { LTTNG_EVENT_CONTEXT_PERF_COUNTER,
					  LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER,
					  LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER };
	for (size_t i = 0; i < 3; i++) {
		buffer_init(&b);
		put_u32(&b, (uint32_t) perf_types[i]);
		put_u32(&b, 4);
		put_u64(&b, 0x1122334455667788ull);
		put_u32(&b, sizeof("perf:thread:raw:r0110:foo"));
		put_str(&b, "perf:thread:raw:r0110:foo");
		memset(&dc, 0, sizeof(dc));
		r = codec_decode_context(b.data, b.size, &dc);
		is_int(r, 0, "perf context type %d", perf_types[i]);
		is_uint(dc.perf_type, 4, "perf type");
		is_hex(dc.perf_config, 0x1122334455667788ull, "perf config (64-bit)");
		is_str(dc.perf_name, "perf:thread:raw:r0110:foo", "perf name");
		decoded_context_fini(&dc);
		is_int(codec_decode_context(b.data, b.size - 1, &dc), -EINVAL, "truncated perf name");
		is_int(codec_decode_context(b.data, 4 + 15, &dc), -EINVAL, "truncated perf attr");
		buffer_fini(&b);
	}

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER);
	put_u32(&b, 4);
	put_u64(&b, 1);
	put_u32(&b, 3);
	put(&b, "abc", 3);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "perf name without NUL");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER);
	put_u32(&b, 4);
	put_u64(&b, 1);
	put_u32(&b, 0);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "perf name_len 0");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER);
	put_u32(&b, 4);
	put_u64(&b, 1);
	put_u32(&b, UINT32_MAX);
	put_str(&b, "abc");
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "perf name_len 0xFFFFFFFF");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER);
	put_u32(&b, 4);
	put_u64(&b, 1);
	put_u32(&b, 257);
	put_fill(&b, 'p', 256);
	put_fill(&b, 0, 1);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "257-byte perf name");
	buffer_fini(&b);

	/* app context: provider_len, name_len, provider, name */
	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_APP_CONTEXT);
	put_u32(&b, sizeof("myprov"));
	put_u32(&b, sizeof("myctx"));
	put_str(&b, "myprov");
	put_str(&b, "myctx");
	memset(&dc, 0, sizeof(dc));
	r = codec_decode_context(b.data, b.size, &dc);
	is_int(r, 0, "app context");
	is_str(dc.app_provider, "myprov", "app provider");
	is_str(dc.app_name, "myctx", "app name");
	decoded_context_fini(&dc);
	is_ptr_null(dc.app_provider, "fini clears provider");
	is_ptr_null(dc.app_name, "fini clears name");
	is_int(codec_decode_context(b.data, b.size - 1, &dc), -EINVAL, "app name truncated");
	put_fill(&b, 0, 1);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "app context trailing byte");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_APP_CONTEXT);
	put_u32(&b, 6);
	put_u32(&b, 6);
	put(&b, "myprov", 6);
	put_str(&b, "myctx");
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "provider without NUL");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_APP_CONTEXT);
	put_u32(&b, 7);
	put_u32(&b, 0);
	put_str(&b, "myprov");
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL,
	       "app name_len 0 (provider must not leak)");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_APP_CONTEXT);
	put_u32(&b, UINT32_MAX);
	put_u32(&b, UINT32_MAX);
	put_str(&b, "p");
	put_str(&b, "n");
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "app lengths 0xFFFFFFFF");
	buffer_fini(&b);

	buffer_init(&b);
	put_u32(&b, LTTNG_EVENT_CONTEXT_APP_CONTEXT);
	put_u32(&b, 2);
	is_int(codec_decode_context(b.data, b.size, &dc), -EINVAL, "app context lengths truncated");
	buffer_fini(&b);
}

/* ---- session descriptor ----------------------------------------------------- */

static struct wire_uri make_path_uri(const char *path)
{
	struct wire_uri u;

	memset(&u, 0, sizeof(u));
	u.dtype = WIRE_URI_PATH;
	snprintf(u.dst.path, sizeof(u.dst.path), "%s", path);
	return u;
}

static struct wire_uri make_net_uri(int stype, uint16_t port)
{
	struct wire_uri u;

	memset(&u, 0, sizeof(u));
	u.dtype = WIRE_URI_IPV4;
	u.stype = stype;
	u.proto = 1;
	u.port = port;
	strcpy(u.dst.ipv4, "127.0.0.1");
	strcpy(u.subdir, "sub/dir");
	return u;
}

static void descriptor_round_trip(const struct decoded_descriptor *in, size_t expected_size,
				  const char *what)
{
	struct decoded_descriptor out;
	struct buffer b;
	int r;

	buffer_init(&b);
	r = codec_encode_descriptor(&b, in);
	is_int(r, 0, "%s: encoded", what);
	is_uint(b.size, expected_size, "%s: encoded size", what);
	memset(&out, 0x5a, sizeof(out));
	r = codec_decode_descriptor(b.data, b.size, &out);
	is_int(r, 0, "%s: decoded", what);
	is_int(out.type, in->type, "%s: type", what);
	is_int(out.output_type, in->output_type, "%s: output type", what);
	is_int(out.has_name, in->has_name, "%s: has_name", what);
	if (in->has_name)
		is_str(out.name, in->name, "%s: name", what);
	is_uint(out.live_timer_us, in->type == WIRE_DESCRIPTOR_LIVE ? in->live_timer_us : 0,
		"%s: live timer", what);
	is_uint(out.uri_count, in->uri_count, "%s: uri count", what);
	for (uint32_t i = 0; i < in->uri_count && i < out.uri_count; i++)
		is_mem(&out.uris[i], sizeof(out.uris[i]), &in->uris[i], sizeof(in->uris[i]),
		       "%s: uri %u", what, i);
	buffer_fini(&b);
}

static void test_descriptor(void)
{
	struct decoded_descriptor d;

	memset(&d, 0, sizeof(d));
	d.type = WIRE_DESCRIPTOR_REGULAR;
	d.output_type = WIRE_OUTPUT_NONE;
	descriptor_round_trip(&d, 7, "unnamed, no output");

	memset(&d, 0, sizeof(d));
	d.type = WIRE_DESCRIPTOR_REGULAR;
	d.output_type = WIRE_OUTPUT_LOCAL;
	d.has_name = true;
	strcpy(d.name, "my-session");
	d.uri_count = 1;
	d.uris[0] = make_path_uri("/tmp/traces");
	descriptor_round_trip(&d, 7 + 11 + 8210, "named local with path uri");

	memset(&d, 0, sizeof(d));
	d.type = WIRE_DESCRIPTOR_SNAPSHOT;
	d.output_type = WIRE_OUTPUT_NETWORK;
	d.has_name = true;
	strcpy(d.name, "snap");
	d.uri_count = 2;
	d.uris[0] = make_net_uri(WIRE_URI_CONTROL, 5342);
	d.uris[1] = make_net_uri(WIRE_URI_DATA, 5343);
	descriptor_round_trip(&d, 7 + 5 + 2 * 8210, "snapshot with control+data uris");

	memset(&d, 0, sizeof(d));
	d.type = WIRE_DESCRIPTOR_LIVE;
	d.output_type = WIRE_OUTPUT_NETWORK;
	d.has_name = true;
	strcpy(d.name, "live");
	d.live_timer_us = 0x123456789ull;
	d.uri_count = 2;
	d.uris[0] = make_net_uri(WIRE_URI_CONTROL, 5342);
	d.uris[1] = make_net_uri(WIRE_URI_DATA, 5343);
	descriptor_round_trip(&d, 7 + 8 + 5 + 2 * 8210, "live with 64-bit timer");

	/* Longest name: 254 characters. */
	memset(&d, 0, sizeof(d));
	d.type = WIRE_DESCRIPTOR_REGULAR;
	d.has_name = true;
	memset(d.name, 's', 254);
	descriptor_round_trip(&d, 7 + 255, "254-character name");
}

static void test_descriptor_rejections(void)
{
	struct decoded_descriptor out;
	struct wire_session_descriptor w;
	struct wire_uri u;
	struct buffer b;

#define WITH_HEADER(t, o, nlen, ucount)                                                     \
	do {                                                                                 \
		memset(&w, 0, sizeof(w));                                                    \
		w.type = (t);                                                                \
		w.output_type = (o);                                                         \
		w.name_len = (nlen);                                                         \
		w.uri_count = (ucount);                                                      \
		buffer_init(&b);                                                             \
		put(&b, &w, sizeof(w));                                                      \
	} while (0)

	is_int(codec_decode_descriptor("", 0, &out), -EINVAL, "empty descriptor");
	WITH_HEADER(1, 0, 0, 0);
	is_int(codec_decode_descriptor(b.data, 6, &out), -EINVAL, "6-byte descriptor");
	buffer_fini(&b);

	WITH_HEADER(0, 0, 0, 0);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "type 0");
	buffer_fini(&b);
	WITH_HEADER(4, 0, 0, 0);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "type 4");
	buffer_fini(&b);
	WITH_HEADER(1, 3, 0, 0);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "output type 3");
	buffer_fini(&b);

	WITH_HEADER(1, 1, 0, 3);
	u = make_path_uri("/a");
	put(&b, &u, sizeof(u));
	put(&b, &u, sizeof(u));
	put(&b, &u, sizeof(u));
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "3 uris");
	buffer_fini(&b);

	WITH_HEADER(1, 1, 0, 1);
	u = make_path_uri("/a");
	put(&b, &u, sizeof(u) - 1);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "truncated uri");
	buffer_fini(&b);

	WITH_HEADER(1, 1, 0, 1);
	u = make_path_uri("/a");
	put(&b, &u, sizeof(u));
	put_fill(&b, 0, 1);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "trailing byte");
	buffer_fini(&b);

	WITH_HEADER(3, 2, 0, 0);
	put_fill(&b, 0, 7);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "live timer truncated");
	buffer_fini(&b);

	WITH_HEADER(1, 0, 3, 0);
	put(&b, "abc", 3);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "name without NUL");
	buffer_fini(&b);

	WITH_HEADER(1, 0, 256, 0);
	put_fill(&b, 'n', 255);
	put_fill(&b, 0, 1);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "256-byte name");
	buffer_fini(&b);

	WITH_HEADER(1, 0, UINT32_MAX, 0);
	put_str(&b, "x");
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "name_len 0xFFFFFFFF");
	buffer_fini(&b);

	WITH_HEADER(1, 0, 0, 0);
	put_fill(&b, 0, CODEC_MAX_DESCRIPTOR_LEN);
	is_int(codec_decode_descriptor(b.data, b.size, &out), -EINVAL, "over 64 KiB");
	buffer_fini(&b);

	/* Strings inside a uri are forced to be terminated. */
	WITH_HEADER(1, 1, 0, 1);
	memset(&u, 'A', sizeof(u));
	u.dtype = WIRE_URI_PATH;
	put(&b, &u, sizeof(u));
	is_int(codec_decode_descriptor(b.data, b.size, &out), 0, "unterminated uri strings decode");
	is_int(out.uris[0].subdir[WIRE_PATH_MAX - 1], 0, "subdir forced to end with NUL");
	is_int(out.uris[0].dst.path[WIRE_PATH_MAX - 1], 0, "path forced to end with NUL");
	is_uint(strlen(out.uris[0].dst.path), WIRE_PATH_MAX - 1, "path length bounded");
	buffer_fini(&b);
#undef WITH_HEADER
}

int main(void)
{
	test_static_sizes();
	test_bounded_strlen();
	test_channel_round_trip();
	test_channel_rejections();
	test_event_round_trip();
	test_event_filter_bytecode();
	test_event_exclusions();
	test_event_rejections();
	test_context();
	test_descriptor();
	test_descriptor_rejections();
	done_testing();
	return exit_status();
}
