/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel consumer's pure parts (src/consumerd/kernel/): the raw ftrace page
 * parser, CTF packets and event headers (compact, extended, large), the conversion of
 * records described by real format files (tests/fuzz/kernel-formats.h, captured on
 * Linux 6.18) into LTTng payloads and their TSDL, the metadata preamble and its
 * packetized file, and a whole trace made from the captured pages
 * (tests/fuzz/corpus/kernel_page) read back by babeltrace2 and babeltrace 1.5.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "ftrace-page.h"
#include "kernel-formats.h"
#include "kmetadata.h"
#include "kstatedump-events.h"
#include "ktable.h"
#include "ktrace.h"
#include "macros.h"
#include "stream-file.h"
#include "syscall-args.h"

#include "tap.h"

#ifndef KERNEL_PAGE_CORPUS
#error "KERNEL_PAGE_CORPUS must name tests/fuzz/corpus/kernel_page"
#endif

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

struct seen {
	unsigned count;
	uint64_t ts[8];
	uint32_t len[8];
	const uint8_t *data[8];
};

static int collect(void *userdata, uint64_t ts, const uint8_t *data, uint32_t len)
{
	struct seen *s = userdata;

	if (s->count < 8) {
		s->ts[s->count] = ts;
		s->len[s->count] = len;
		s->data[s->count] = data;
	}
	s->count++;
	return 0;
}

static void test_page_parser(void)
{
	uint8_t page[4096] = { 0 };
	uint8_t *d = page + 16;
	struct ftrace_page_info info;
	struct seen s = { 0 };
	uint32_t off = 0;

	put64(page, 1000);
	put32(d + off, 2 | (5u << 5)); /* 8 bytes of payload, +5 */
	memcpy(d + off + 4, "AAAAAAAA", 8);
	off += 12;
	put32(d + off, 30 | (1u << 5)); /* time extend: +1 + (1 << 27) */
	put32(d + off + 4, 1);
	off += 8;
	put32(d + off, 0 | (3u << 5)); /* length in array[0]: 12 bytes of payload, +3 */
	put32(d + off + 4, 16);
	memcpy(d + off + 8, "BBBBBBBBBBBB", 12);
	off += 20;
	put32(d + off, 29 | (2u << 5)); /* padding of 8 bytes (array[0] = 4) */
	put32(d + off + 4, 4);
	off += 8;
	put32(d + off, 1 | (1u << 5)); /* 4 bytes, +1 */
	memcpy(d + off + 4, "CCCC", 4);
	off += 8;
	put64(page + 8, off);
	is_int(ftrace_page_parse(page, sizeof(page), &info, collect, &s), 3, "three records");
	is_uint(info.timestamp, 1000, "page timestamp");
	is_uint(s.ts[0], 1005, "first record: page + delta");
	is_uint(s.len[0], 8, "its length");
	ok(!memcmp(s.data[0], "AAAAAAAA", 8), "its bytes");
	is_uint(s.ts[1], 1005 + 1 + (1ull << 27) + 3, "time extend then delta");
	is_uint(s.len[1], 12, "long record length from array[0]");
	ok(!memcmp(s.data[1], "BBBBBBBBBBBB", 12), "its bytes");
	is_uint(s.ts[2], s.ts[1] + 2 + 1, "padding's delta counts");
	ok(!info.truncated && !info.missed_events, "no flag");

	/* A commit claiming more than was read: bounded, flagged. */
	memset(&s, 0, sizeof(s));
	is_int(ftrace_page_parse(page, 16 + 20, &info, collect, &s), 1, "short read: one record");
	ok(info.truncated && info.data_len == 20, "truncated to what was read");
	/* A record whose length runs past the data. */
	put32(d + 12 + 8 + 4, 4000);
	memset(&s, 0, sizeof(s));
	is_int(ftrace_page_parse(page, sizeof(page), &info, collect, &s), 1, "record past the data");
	ok(info.truncated, "flagged");
	/* Missed events with their stored count after the data. */
	put64(page + 8, (1ull << 31) | (1ull << 30) | 12);
	put64(d + 12, 77);
	ftrace_page_parse(page, sizeof(page), &info, NULL, NULL);
	ok(info.missed_events && info.missed_stored && info.missed_count == 77, "missed 77");
	put64(page + 8, 0xffffffffu);
	ftrace_page_parse(page, sizeof(page), &info, NULL, NULL);
	is_uint(info.data_len, FTRACE_PAGE_DATA_MAX, "absurd commit bounded to the page");
	is_int(ftrace_page_parse(page, 8, &info, NULL, NULL), -EINVAL, "no page header");
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void test_packet(void)
{
	static const uint8_t uuid[16] = { 0xaa, 0xbb };
	struct kpacket p;
	struct packet_info info;
	size_t start, len;
	const uint8_t *d;

	is_int(kpacket_init(&p, 8192, uuid, 3, 1, false), 0, "packet");
	kpacket_open(&p, 100);
	is_uint(p.buf.len, 84, "events start at 84");
	is_int(kpacket_event_header(&p, 3, 105, &start), 0, "compact header");
	is_uint(start, 84, "at 84");
	d = p.buf.data;
	is_hex(get32(d + 84), 3u | (105u << 5), "id in 5 bits, 27 bits of time");
	is_int(kpacket_event_header(&p, 40, 106, &start), 0, "id 40: extended");
	is_uint(d[88], 31, "extended marker");
	is_uint(get32(d + 96), 40, "u32 id at the struct's 8-byte alignment");
	is_uint(get64(d + 104), 106, "u64 timestamp");
	is_int(kpacket_event_header(&p, 1, 107 + (1u << 27), &start), 0, "time jump: extended");
	is_uint(start, 112, "after the previous header");
	is_uint(d[112], 31, "extended marker");
	is_uint(get32(d + 120), 1, "id");
	is_int(kpacket_event_header(&p, 2, 50, &start), 0, "earlier time: clamped");
	is_hex(get32(d + 136), 2u | (((107u + (1u << 27)) & ((1u << 27) - 1)) << 5), "clamped value");
	kpacket_close(&p, 0, 9, 5, &len, &info);
	is_uint(len, 4096, "padded to a page");
	is_hex(get32(d), KPACKET_MAGIC, "magic");
	ok(d[4] == 0xaa && d[5] == 0xbb, "uuid");
	is_uint(get32(d + 20), 3, "stream id");
	is_uint(get64(d + 24), 1, "stream instance id = CPU");
	is_uint(get64(d + 32), 100, "timestamp_begin");
	is_uint(get64(d + 40), 107 + (1u << 27), "timestamp_end: the last event's");
	is_uint(get64(d + 48), 140 * 8, "content size in bits");
	is_uint(get64(d + 56), 4096 * 8, "packet size in bits");
	is_uint(get64(d + 64), 9, "sequence number");
	is_uint(get64(d + 72), 5, "events discarded");
	is_uint(get32(d + 80), 1, "cpu_id");
	ok(info.packet_size_bits == 4096 * 8 && info.content_size_bits == 140 * 8 &&
		   info.stream_instance_id == 1 && info.packet_seq_num == 9,
	   "index entry");
	kpacket_fini(&p);

	is_int(kpacket_init(&p, 4096, uuid, 0, 0, true), 0, "large headers");
	kpacket_open(&p, 10);
	is_int(kpacket_event_header(&p, 300, 11, &start), 0, "large compact");
	d = p.buf.data;
	ok(d[84] == 300 % 256 && d[85] == 1 && get32(d + 88) == 11, "u16 id, u32 time at 4");
	is_int(kpacket_event_header(&p, 65535, 12, &start), 0, "id 65535: extended");
	ok(d[92] == 0xff && d[93] == 0xff && get32(d + 96) == 65535 && get64(d + 104) == 12,
	   "65535, u32 id at 8, u64 time");
	p.buf.len = 4092;
	is_int(kpacket_event_header(&p, 1, 13, &start), -ENOSPC, "full");
	is_uint(p.buf.len, 4092, "unchanged");
	kpacket_fini(&p);
}

/* ---- Conversion with the captured format files. ---- */

static struct tep_handle *tep;

static struct tep_event *load(void *userdata, const char *system, const char *name)
{
	return tep_find_event_by_name(tep, system, name);
}

static void parse_formats(void)
{
	tep = tep_alloc();
	for (size_t i = 0; i < ARRAY_SIZE(kernel_formats); i++)
		if (tep_parse_event(tep, kernel_formats[i].format, strlen(kernel_formats[i].format),
				    kernel_formats[i].system) != 0)
			bail_out("cannot parse the format of %s", kernel_formats[i].name);
}

static int offset_of(struct tep_event *e, const char *field)
{
	struct tep_format_field *f = tep_find_field(e, field);

	if (!f)
		bail_out("no field %s", field);
	return f->offset;
}

static void test_sched_switch(struct kconv *cv)
{
	struct tep_event *fmt = load(NULL, "sched", "sched_switch");
	struct kevent ev;
	uint8_t rec[64] = { 0 }, out[128], expected[56] = { 0 };
	struct ctf_buf b = { out, sizeof(out), 0 };
	struct buffer tsdl;
	int64_t state = 1;
	int32_t v;

	is_int(kevent_build(&ev, 4, "sched", "sched_switch", fmt, load, NULL), 0, "sched_switch");
	is_str(ev.name, "sched_switch", "LTTng name");
	is_uint(ev.nfields, 7, "seven fields");
	is_uint(ev.align, 8, "payload aligned on prev_state");
	rec[0] = (uint8_t) fmt->id;
	rec[1] = (uint8_t) (fmt->id >> 8);
	put32(rec + 4, 42);
	memcpy(rec + offset_of(fmt, "prev_comm"), "bash", 4);
	put32(rec + offset_of(fmt, "prev_pid"), 42);
	put32(rec + offset_of(fmt, "prev_prio"), 120);
	put64(rec + offset_of(fmt, "prev_state"), 1);
	memcpy(rec + offset_of(fmt, "next_comm"), "swapper/0", 9);
	put32(rec + offset_of(fmt, "next_pid"), 0);
	put32(rec + offset_of(fmt, "next_prio"), 98);
	kevent_observe(&ev, cv, rec, 64);
	is_str(ktask_get(cv->tasks, 42)->comm, "bash", "the task table learns prev's name");
	is_int(ktask_get(cv->tasks, 42)->prio, 20, "and its prio");
	is_int(ktask_get(cv->tasks, 0)->prio, -2, "and next's");
	is_int(kevent_encode(&ev, cv, rec, 64, &b), 0, "encodes");
	memcpy(expected, "bash", 4);
	v = 42;
	memcpy(expected + 16, &v, 4);
	v = 20;
	memcpy(expected + 20, &v, 4);
	memcpy(expected + 24, &state, 8);
	memcpy(expected + 32, "swapper/0", 9);
	v = -2;
	memcpy(expected + 52, &v, 4);
	is_mem(out, b.len, expected, sizeof(expected), "LTTng's sched_switch payload");
	buffer_init(&tsdl);
	is_int(kevent_tsdl(&ev, 1, &tsdl), 0, "TSDL");
	buffer_append(&tsdl, "", 1);
	is_str((const char *) tsdl.data,
	       "event {\n\tname = \"sched_switch\";\n\tid = 4;\n\tstream_id = 1;\n"
	       "\tfields := struct {\n"
	       "\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _prev_comm[16];\n"
	       "\t\tinteger { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _prev_tid;\n"
	       "\t\tinteger { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _prev_prio;\n"
	       "\t\tinteger { size = 64; align = 64; signed = 1; encoding = none; base = 10; } _prev_state;\n"
	       "\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _next_comm[16];\n"
	       "\t\tinteger { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _next_tid;\n"
	       "\t\tinteger { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _next_prio;\n"
	       "\t};\n};\n\n",
	       "its TSDL, fields prefixed with _");
	buffer_fini(&tsdl);
	b.len = 0;
	is_int(kevent_encode(&ev, cv, rec, 4, &b), -EINVAL, "a record shorter than its header");
	is_uint(b.len, 0, "nothing written");

	/* A full packet refuses the event and is left as it was, whichever part does not
	 * fit (header, or payload). */
	{
		static const uint8_t uuid[16];
		struct kcontext_set ctx = { 0 };
		struct kpacket p;
		size_t lens[] = { 4094, 4096 - 20 };

		kpacket_init(&p, 4096, uuid, 0, 0, false);
		for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
			kpacket_open(&p, 1);
			kpacket_event_header(&p, 0, 2, &(size_t){ 0 });
			p.buf.len = lens[i];
			is_int(ktable_append(&p, &ev, &ctx, cv, 3, rec, 64, rec, 64), -ENOSPC,
			       "full packet (%zu bytes used)", lens[i]);
			is_uint(p.buf.len, lens[i], "packet unchanged");
			ok(p.events == 1 && p.last_ts == 2, "its event count and time unchanged");
		}
		kpacket_open(&p, 1);
		p.buf.len = 4094;
		is_int(ktable_append(&p, &ev, &ctx, cv, 3, rec, 64, rec, 64), -E2BIG,
		       "does not fit an empty packet: too big");
		kpacket_fini(&p);
	}
}

static void test_syscalls(struct kconv *cv)
{
	struct tep_event *enter = load(NULL, "syscalls", "sys_enter_openat");
	struct tep_event *leave = load(NULL, "syscalls", "sys_exit_openat");
	struct kevent in, ex;
	uint8_t rec[64] = { 0 }, out[64];
	struct ctf_buf b = { out, sizeof(out), 0 };
	static const uint8_t expected_in[] = {
		0x9c, 0xff, 0xff, 0xff, /* dfd -100 */
		0, 0, 0, 0,		/* filename "" then padding to 4 */
		0, 0, 8, 0,		/* flags 0x80000 */
		0xa4, 0x01,		/* mode 0644 */
	};
	int64_t ret = 5;

	is_int(kevent_build(&in, 0, "syscalls", "sys_enter_openat", enter, load, NULL), 0, "entry");
	is_str(in.name, "syscall_entry_openat", "entry name");
	is_uint(in.nfields, 4, "dfd, filename, flags, mode");
	ok(in.fields[1].type.kind == KFIELD_STRING && in.fields[1].user_string, "filename string");
	ok(in.fields[0].type.bits == 32 && in.fields[0].type.is_signed, "dfd int");
	ok(in.fields[3].type.bits == 16 && !in.fields[3].type.is_signed, "mode umode_t");
	is_int(kevent_build(&ex, 1, "syscalls", "sys_exit_openat", leave, load, NULL), 0, "exit");
	is_str(ex.name, "syscall_exit_openat", "exit name");
	ok(ex.nfields == 1 && !strcmp(ex.fields[0].name, "ret") && ex.fields[0].type.bits == 64,
	   "ret only");
	rec[0] = (uint8_t) enter->id;
	rec[1] = (uint8_t) (enter->id >> 8);
	put32(rec + 4, 77);
	put64(rec + offset_of(enter, "dfd"), (uint64_t) -100);
	put64(rec + offset_of(enter, "filename"), 0x7fff12345678ull);
	put64(rec + offset_of(enter, "flags"), 0x80000);
	put64(rec + offset_of(enter, "mode"), 0644);
	kevent_observe(&in, cv, rec, 48);
	is_int(kevent_encode(&in, cv, rec, 48, &b), 0, "entry encodes");
	is_mem(out, b.len, expected_in, sizeof(expected_in), "entry payload");
	memset(rec, 0, sizeof(rec));
	rec[0] = (uint8_t) leave->id;
	rec[1] = (uint8_t) (leave->id >> 8);
	put32(rec + 4, 77);
	put64(rec + offset_of(leave, "ret"), 5);
	b.len = 0;
	is_int(kevent_encode(&ex, cv, rec, 24, &b), 0, "exit encodes");
	is_mem(out, b.len, &ret, 8, "ret");
}

/* The syscall table (syscall-args.c) says read's fd and count are inputs, buf an
 * output (M: x86-64-syscalls_pointers.h: sc_in, sc_out, sc_in). */
static void test_syscall_directions(struct kconv *cv)
{
	struct tep_event *enter = load(NULL, "syscalls", "sys_enter_read");
	struct tep_event *leave = load(NULL, "syscalls", "sys_exit_read");
	struct kevent in, ex;
	uint8_t rec[64] = { 0 }, out[64], expected_in[16] = { 0 }, expected_ex[16] = { 0 };
	struct ctf_buf b = { out, sizeof(out), 0 };
	uint64_t count = 4096, buf = 0x7ffd00001000ull;
	int64_t ret = 12;

	is_int(kevent_build(&in, 0, "syscalls", "sys_enter_read", enter, load, NULL), 0, "read entry");
	ok(in.nfields == 2 && !strcmp(in.fields[0].name, "fd") && !strcmp(in.fields[1].name, "count"),
	   "entry: the input arguments fd, count");
	ok(in.fields[0].type.bits == 32 && !in.fields[0].type.is_signed, "fd unsigned int");
	is_int(kevent_build(&ex, 1, "syscalls", "sys_exit_read", leave, load, NULL), 0, "read exit");
	ok(ex.nfields == 2 && !strcmp(ex.fields[0].name, "ret") && !strcmp(ex.fields[1].name, "buf"),
	   "exit: ret, then the output argument buf");
	rec[0] = (uint8_t) enter->id;
	rec[1] = (uint8_t) (enter->id >> 8);
	put32(rec + 4, 91);
	put64(rec + offset_of(enter, "fd"), 3);
	put64(rec + offset_of(enter, "buf"), buf);
	put64(rec + offset_of(enter, "count"), count);
	kevent_observe(&in, cv, rec, 48);
	is_int(kevent_encode(&in, cv, rec, 48, &b), 0, "entry encodes");
	put32(expected_in, 3);
	memcpy(expected_in + 8, &count, 8);
	is_mem(out, b.len, expected_in, 16, "entry payload: fd, count (aligned 8)");
	memset(rec, 0, sizeof(rec));
	rec[0] = (uint8_t) leave->id;
	rec[1] = (uint8_t) (leave->id >> 8);
	put32(rec + 4, 91);
	put64(rec + offset_of(leave, "ret"), 12);
	b.len = 0;
	is_int(kevent_encode(&ex, cv, rec, 24, &b), 0, "exit encodes");
	memcpy(expected_ex, &ret, 8);
	memcpy(expected_ex + 8, &buf, 8);
	is_mem(out, b.len, expected_ex, 16, "exit payload: ret, buf from the same thread's entry");
	put32(rec + 4, 92);
	b.len = 0;
	kevent_encode(&ex, cv, rec, 24, &b);
	memset(expected_ex + 8, 0, 8);
	is_mem(out, b.len, expected_ex, 16, "another thread's exit without entry: buf 0");
}

/* LTTng's clone: fields named as LTTng names them (flags, not ftrace's clone_flags),
 * by position; tls, which LTTng does not record, nowhere. Format of Linux 6.18. */
static void test_syscall_names(void)
{
	static const char clone_format[] =
		"name: sys_enter_clone\n"
		"ID: 196\n"
		"format:\n"
		"	field:unsigned short common_type;	offset:0;	size:2;	signed:0;\n"
		"	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;\n"
		"	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;\n"
		"	field:int common_pid;	offset:4;	size:4;	signed:1;\n"
		"\n"
		"	field:int __syscall_nr;	offset:8;	size:4;	signed:1;\n"
		"	field:unsigned long clone_flags;	offset:16;	size:8;	signed:0;\n"
		"	field:unsigned long newsp;	offset:24;	size:8;	signed:0;\n"
		"	field:int * parent_tidptr;	offset:32;	size:8;	signed:0;\n"
		"	field:int * child_tidptr;	offset:40;	size:8;	signed:0;\n"
		"	field:unsigned long tls;	offset:48;	size:8;	signed:0;\n"
		"\n"
		"print fmt: \"clone_flags: 0x%08lx, newsp: 0x%08lx, parent_tidptr: 0x%08lx, child_tidptr: 0x%08lx, tls: 0x%08lx\", ((unsigned long)(REC->clone_flags)), ((unsigned long)(REC->newsp)), ((unsigned long)(REC->parent_tidptr)), ((unsigned long)(REC->child_tidptr)), ((unsigned long)(REC->tls))\n"
		;
	struct kevent ev;
	struct tep_event *fmt;

	if (tep_parse_event(tep, clone_format, strlen(clone_format), "syscalls") != 0)
		bail_out("cannot parse sys_enter_clone");
	fmt = load(NULL, "syscalls", "sys_enter_clone");
	is_int(kevent_build(&ev, 0, "syscalls", "sys_enter_clone", fmt, load, NULL), 0, "clone");
	is_uint(ev.nfields, 4, "four of its five arguments");
	ok(!strcmp(ev.fields[0].name, "flags") && !strcmp(ev.fields[1].name, "newsp") &&
		   !strcmp(ev.fields[2].name, "parent_tid") && !strcmp(ev.fields[3].name, "child_tid"),
	   "LTTng's field names");
	is_uint(ev.sc_nargs, 5, "all five kept for the exit");
}

static void test_other_events(struct kconv *cv)
{
	struct tep_event *fmt = load(NULL, "irq", "softirq_entry");
	struct kevent ev;

	is_int(kevent_build(&ev, 0, "irq", "softirq_entry", fmt, load, NULL), 0, "softirq_entry");
	is_str(ev.name, "irq_softirq_entry", "prefixed as LTTng");
	ok(ev.nfields == 1 && !strcmp(ev.fields[0].name, "vec"), "vec");
	fmt = load(NULL, "timer", "hrtimer_start");
	is_int(kevent_build(&ev, 0, "timer", "hrtimer_start", fmt, load, NULL), 0, "hrtimer_start");
	is_str(ev.name, "timer_hrtimer_start", "prefixed as LTTng");
	ok(ev.nfields == 5, "was_armed dropped");
	for (unsigned i = 0; i < ev.nfields; i++)
		ok(strcmp(ev.fields[i].name, "was_armed"), "no was_armed (%s)", ev.fields[i].name);
	fmt = load(NULL, "sched", "sched_process_fork");
	is_int(kevent_build(&ev, 0, "sched", "sched_process_fork", fmt, load, NULL), 0, "fork");
	ok(ev.nfields == 9 && ev.fields[0].type.kind == KFIELD_ARRAY &&
		   ev.fields[0].src.dynamic && ev.fields[6].type.kind == KFIELD_SEQUENCE,
	   "LTTng's nine fields, comm from a __data_loc, vtids a sequence");
	is_int(kevent_build(&ev, 0, "lttng", "lttng_statedump_process_state", NULL, NULL, NULL), 0,
	       "statedump event");
	ok(ev.kind == KEVENT_STATEDUMP && ev.nfields == 10 && ev.align == 8, "ten fields");
	is_int(kevent_build(&ev, 0, "lttng", "lttng_nothing", NULL, NULL, NULL), -ENOENT,
	       "unknown statedump event");
	is_uint(kmap_rwbs_bits("WS", 2), (1u << 0) | (1u << 5), "WS");
	is_uint(kmap_rwbs_bits("FWFS", 4), (1u << 10) | (1u << 0) | (1u << 9) | (1u << 5), "FWFS");
	is_uint(kmap_rwbs_bits("RA", 3), (1u << 2) | (1u << 3), "RA");
	is_uint(kmap_rwbs_bits("DE", 2), (1u << 1) | (1u << 7), "DE");
	(void) cv;
}

static void test_preamble(void)
{
	struct kmetadata_env env = {
		.uuid = { 1 }, .hostname = "h\"x", .sysname = "Linux", .kernel_release = "6.18",
		.kernel_version = "#1", .trace_name = "s", .creation_time = "t",
		.clock_uuid = "abc", .clock_offset_ns = -5,
	};
	struct kcontext_set ctx = { 0 };
	struct buffer b;
	const char *text;

	buffer_init(&b);
	is_int(kmetadata_preamble(&env, &b), 0, "preamble");
	is_int(kcontext_add(&ctx, 6), 0, "tid context");
	is_int(kcontext_add(&ctx, 6), -EEXIST, "twice");
	is_int(kcontext_add(&ctx, 1), -EOPNOTSUPP, "perf counter: not ours");
	is_int(kmetadata_stream(2, false, &ctx, &b), 0, "stream");
	buffer_append(&b, "", 1);
	text = (const char *) b.data;
	ok(!strncmp(text, "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n", 70),
	   "starts with the typealiases");
	ok(strstr(text, "\tuuid = \"01000000-0000-0000-0000-000000000000\";\n") != NULL, "uuid");
	ok(strstr(text, "\thostname = \"h\\\"x\";\n") != NULL, "escaped hostname");
	ok(strstr(text, "\tdomain = \"kernel\";\n") && strstr(text, "\ttracer_name = \"lttng-modules\";\n") &&
		   strstr(text, "\ttracer_major = 2;\n\ttracer_minor = 13;\n\ttracer_patchlevel = 9;\n"),
	   "LTTng's env");
	ok(strstr(text, "\ttracer_source = \"tracefs\";\n") != NULL, "our own env key");
	ok(strstr(text, "\tname = \"monotonic\";\n\tuuid = \"abc\";\n") != NULL, "clock");
	ok(strstr(text, "\toffset = -5;\n") != NULL, "clock offset");
	ok(strstr(text, "\tunsigned long events_discarded;\n\tuint32_t cpu_id;\n") != NULL,
	   "packet context");
	ok(strstr(text, "stream {\n\tid = 2;\n\tevent.header := struct event_header_compact;\n"
			"\tpacket.context := struct packet_context;\n\tevent.context := struct {\n"
			"\t\tinteger { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _tid;\n"
			"\t};\n};\n") != NULL,
	   "stream with its context");
	buffer_fini(&b);
}

/* ---- A whole trace from the captured pages. ---- */

struct page_run {
	struct ktable *table;
	struct kcontext_set *ctx;
	struct kconv *cv;
	struct kpacket *p;
	struct stream_file *file;
	uint64_t seq;
	unsigned events, dropped;
};

static void write_packet(struct page_run *run)
{
	struct packet_info info;
	size_t len;

	kpacket_close(run->p, run->p->last_ts, run->seq++, 0, &len, &info);
	if (stream_file_write_packet(run->file, run->p->buf.data, len, &info) < 0)
		bail_out("cannot write a packet");
}

static int page_record(void *userdata, uint64_t ts, const uint8_t *rec, uint32_t len)
{
	struct page_run *run = userdata;
	const uint8_t *payload;
	uint32_t plen;
	bool malformed;
	struct kevent *ev = ktable_classify(run->table, rec, len, &payload, &plen, &malformed);
	int r;

	if (!ev) {
		run->dropped++;
		return 0;
	}
	kevent_observe(ev, run->cv, rec, len);
	if (!run->p->open)
		kpacket_open(run->p, ts > run->p->last_ts ? ts : run->p->last_ts);
	r = ktable_append(run->p, ev, run->ctx, run->cv, ts, rec, len, payload, plen);
	if (r == -ENOSPC) {
		write_packet(run);
		kpacket_open(run->p, ts > run->p->last_ts ? ts : run->p->last_ts);
		r = ktable_append(run->p, ev, run->ctx, run->cv, ts, rec, len, payload, plen);
	}
	if (r == 0)
		run->events++;
	return 0;
}

static unsigned count_lines(const char *cmd, int *status)
{
	char line[4096];
	unsigned n = 0;
	FILE *f = popen(cmd, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	*status = pclose(f);
	return n;
}

static void test_trace_from_pages(struct kconv *cv)
{
	char dir[] = "/tmp/test-kernel-convert-XXXXXX", cmd[512];
	struct consumer_wire_kernel_trace m = { .key = 1, .uid = (uint32_t) -1, .gid = (uint32_t) -1 };
	struct ktable table;
	struct kcontext_set ctx = { 0 };
	struct kpacket p;
	struct page_run run = { &table, &ctx, cv, &p, NULL, 0, 0, 0 };
	struct ktrace *t;
	struct buffer text;
	struct dirent *de;
	DIR *corpus;
	int r, status = -1;
	unsigned lines;

	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	snprintf(m.directory, sizeof(m.directory), "%s/kernel", dir);
	strcpy(m.trace_name, "pages");
	is_int(ktrace_new(&m, NULL, NULL, &t), 0, "trace with its metadata file");
	ktable_init(&table);
	kcontext_add(&ctx, 6);
	kcontext_add(&ctx, 2);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_formats); i++) {
		struct tep_event *fmt = load(NULL, kernel_formats[i].system, kernel_formats[i].name);
		struct kevent *ev = calloc(1, sizeof(*ev));

		if (!strcmp(kernel_formats[i].name, "raw_data")) {
			table.raw_data_id = fmt->id;
			table.raw_id_off = offset_of(fmt, "id");
			table.raw_buf_off = offset_of(fmt, "buf");
			free(ev);
			continue;
		}
		if (kevent_build(ev, table.nevents, kernel_formats[i].system, kernel_formats[i].name,
				 fmt, load, NULL) || ktable_add(&table, ev))
			bail_out("cannot declare %s", kernel_formats[i].name);
	}
	for (uint32_t code = KSD_START; code <= KSD_BLOCK_DEVICE; code++) {
		struct kevent *ev = calloc(1, sizeof(*ev));

		if (kevent_build(ev, table.nevents, "lttng", ksd_by_code(code)->name, NULL, NULL,
				 NULL) || ktable_add(&table, ev))
			bail_out("statedump event");
	}
	buffer_init(&text);
	r = kmetadata_stream(0, false, &ctx, &text);
	for (unsigned i = 0; i < table.nevents && r == 0; i++)
		r = kevent_tsdl(table.events[i], 0, &text);
	is_int(r == 0 ? ktrace_append(t, (const char *) text.data, text.size) : r, 0,
	       "stream and events declared");
	buffer_fini(&text);
	kpacket_init(&p, 8192, t->uuid, 0, 0, false);
	run.file = stream_file_open(t->dir_fd, "channel0_0", 0, 0, (uid_t) -1, (gid_t) -1, true, &r);
	if (!run.file)
		bail_out("stream file");
	corpus = opendir(KERNEL_PAGE_CORPUS);
	if (!corpus)
		bail_out("no corpus %s", KERNEL_PAGE_CORPUS);
	while ((de = readdir(corpus))) {
		uint8_t page[4096];
		struct ftrace_page_info info;
		char path[1024];
		ssize_t n;
		int fd;

		if (strncmp(de->d_name, "seed-", 5))
			continue; /* only the pages the kernel wrote */
		snprintf(path, sizeof(path), "%s/%s", KERNEL_PAGE_CORPUS, de->d_name);
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, page, sizeof(page));
		if (fd >= 0)
			close(fd);
		if (n > 0)
			ftrace_page_parse(page, (size_t) n, &info, page_record, &run);
	}
	closedir(corpus);
	if (p.open)
		write_packet(&run);
	stream_file_close(run.file);
	ktrace_free(t);
	ok(run.events > 100, "%u events converted from the captured pages", run.events);
	is_uint(run.dropped, 0, "every record was of a declared event");
	if (access("/usr/bin/babeltrace2", X_OK) != 0) {
		skip(2, "babeltrace2 missing");
	} else {
		snprintf(cmd, sizeof(cmd), "babeltrace2 %s/kernel 2>&1", dir);
		lines = count_lines(cmd, &status);
		is_int(status, 0, "babeltrace2 reads the trace");
		is_uint(lines, run.events, "babeltrace2 prints every event");
	}
	if (access("/usr/bin/babeltrace", X_OK) != 0) {
		skip(2, "babeltrace 1.5 missing");
	} else {
		snprintf(cmd, sizeof(cmd), "babeltrace %s/kernel 2>/dev/null", dir);
		lines = count_lines(cmd, &status);
		is_int(status, 0, "babeltrace 1.5 reads the trace");
		is_uint(lines, run.events, "babeltrace 1.5 prints every event");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	kpacket_fini(&p);
	ktable_fini(&table);
}

int main(void)
{
	struct kconv cv;

	test_page_parser();
	test_packet();
	parse_formats();
	if (kconv_init(&cv, "/nonexistent-proc") < 0)
		bail_out("kconv");
	test_sched_switch(&cv);
	test_syscalls(&cv);
	test_syscall_directions(&cv);
	test_syscall_names();
	test_other_events(&cv);
	test_preamble();
	test_trace_from_pages(&cv);
	kconv_fini(&cv);
	tep_free(tep);
	done_testing();
	return exit_status();
}
