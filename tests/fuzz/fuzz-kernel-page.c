/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: one raw ftrace page, as the kernel consumer reads it from
 * per_cpu/cpuN/trace_pipe_raw (src/consumerd/kernel/kstream.c), parsed
 * (ftrace-page.c), each record classified and converted into LTTng events of a CTF
 * packet (ktable.c, kevent.c, kcontext.c, kpacket.c) with the event classes of
 * kernel-formats.h (format files of this machine, the ones the seed pages in
 * corpus/kernel_page were recorded with: tests/fuzz/capture-kernel-pages.py). A
 * malformed page must give fewer records, never a read outside the page nor a packet
 * longer than its capacity. The first input byte's low bit picks compact or large
 * event headers; small packets make the full-packet path common. Every record also
 * goes through filters naming each of its event's fields (plain, indexed, as a
 * string) and contexts (kfilter.c, kevent-load.c): reads stay within the record.
 */
#include <errno.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "buffer.h"
#include "ftrace-page.h"
#include "kfilter.h"
#include "fuzz.h"
#include "kernel-formats.h"
#include "kstatedump-events.h"
#include "ktable.h"
#include "macros.h"

#define PACKET_CAPACITY 8192u

static struct tep_handle *tep;
static struct ktable table;
static struct kcontext_set contexts;
static struct kconv conv;
static struct kpacket packet;
static struct kfilters filters;

/* One filter per event naming every field three ways, and contexts. */
static void add_filter(const struct kevent *ev)
{
	struct buffer text;

	buffer_init(&text);
	FUZZ_CHECK(buffer_append(&text, "$ctx.procname == \"a*\" || $ctx.vpid < 0", 38) == 0);
	for (unsigned i = 0; i < ev->nfields; i++) {
		char term[3 * KEVENT_FIELD_NAME_MAX + 64];
		int n = snprintf(term, sizeof(term), " || %s == 1 || %s[3] == 2 || %s == \"*b\"",
				 ev->fields[i].name, ev->fields[i].name, ev->fields[i].name);

		FUZZ_CHECK(n > 0 && (size_t) n < sizeof(term));
		FUZZ_CHECK(buffer_append(&text, term, (size_t) n) == 0);
	}
	FUZZ_CHECK(kfilters_add(&filters, (const char *) text.data, text.size, ev) == 0);
	buffer_fini(&text);
}

static struct tep_event *load(void *userdata, const char *system, const char *name)
{
	return tep_find_event_by_name(tep, system, name);
}

static void setup(void)
{
	static const char *const statedump[] = { "lttng_statedump_start", "lttng_statedump_end",
						 "lttng_statedump_file_descriptor",
						 "lttng_statedump_process_state" };
	static const uint8_t uuid[16] = { 1, 2, 3 };

	tep = tep_alloc();
	FUZZ_CHECK(tep && ktable_init(&table) == 0);
	FUZZ_CHECK(kconv_init(&conv, "/nonexistent-proc") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_formats); i++)
		FUZZ_CHECK(tep_parse_event(tep, kernel_formats[i].format,
					   strlen(kernel_formats[i].format),
					   kernel_formats[i].system) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_formats); i++) {
		struct tep_event *fmt = load(NULL, kernel_formats[i].system, kernel_formats[i].name);
		struct kevent *ev = calloc(1, sizeof(*ev));

		FUZZ_CHECK(fmt && ev);
		if (!strcmp(kernel_formats[i].name, "raw_data")) {
			table.raw_data_id = fmt->id;
			table.raw_id_off = tep_find_field(fmt, "id")->offset;
			table.raw_buf_off = tep_find_field(fmt, "buf")->offset;
			free(ev);
			continue;
		}
		FUZZ_CHECK(kevent_build(ev, table.nevents, kernel_formats[i].system,
					kernel_formats[i].name, fmt, load, NULL) == 0);
		FUZZ_CHECK(ktable_add(&table, ev) == 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(statedump); i++) {
		struct kevent *ev = calloc(1, sizeof(*ev));

		FUZZ_CHECK(ev && kevent_build(ev, table.nevents, "lttng", statedump[i], NULL, NULL,
					      NULL) == 0);
		FUZZ_CHECK(ktable_add(&table, ev) == 0);
	}
	kfilters_init(&filters);
	for (unsigned i = 0; i < table.nevents; i++)
		add_filter(table.events[i]);
	FUZZ_CHECK(kcontext_add(&contexts, 6) == 0); /* tid */
	FUZZ_CHECK(kcontext_add(&contexts, 2) == 0); /* procname */
	FUZZ_CHECK(kcontext_add(&contexts, 17) == 0); /* preemptible */
	FUZZ_CHECK(kpacket_init(&packet, PACKET_CAPACITY, uuid, 0, 1, false) == 0);
}

static unsigned packets;

static void close_packet(void)
{
	struct packet_info info;
	size_t len;

	kpacket_close(&packet, packet.last_ts, packets++, 0, &len, &info);
	FUZZ_CHECK(len <= PACKET_CAPACITY && len % KPACKET_PAGE == 0);
	FUZZ_CHECK(info.content_size_bits <= info.packet_size_bits);
	FUZZ_CHECK(info.timestamp_begin <= info.timestamp_end);
}

static int on_record(void *userdata, uint64_t ts, const uint8_t *rec, uint32_t len)
{
	const uint8_t *payload;
	uint32_t plen;
	bool malformed;
	struct kevent *ev = ktable_classify(&table, rec, len, &payload, &plen, &malformed);
	size_t before;
	int r;

	if (!ev)
		return 0;
	FUZZ_CHECK(payload >= rec && plen <= len && payload + plen <= rec + len);
	kevent_observe(ev, &conv, rec, len);
	FUZZ_CHECK(kfilters_pass(&filters, ev, &conv, payload, plen) ==
		   kfilters_pass(&filters, ev, &conv, payload, plen));
	if (!packet.open)
		kpacket_open(&packet, ts);
	before = packet.buf.len;
	r = ktable_append(&packet, ev, &contexts, &conv, ts, rec, len, payload, plen);
	/* A refused event leaves the packet as it was. */
	FUZZ_CHECK(r == 0 || packet.buf.len == before);
	if (r == -ENOSPC) {
		close_packet();
		kpacket_open(&packet, ts);
		r = ktable_append(&packet, ev, &contexts, &conv, ts, rec, len, payload, plen);
	}
	FUZZ_CHECK(r == 0 || r == -E2BIG || r == -EINVAL || r == -ENOSPC);
	FUZZ_CHECK(packet.buf.len <= packet.buf.cap);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftrace_page_info info;
	uint8_t *copy;
	int n;

	if (!tep)
		setup();
	if (size > 2 * FTRACE_PAGE_SIZE)
		return 0;
	packet.large_header = size && (data[0] & 1);
	/* An exact-size copy: ASan catches a read past the page. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy);
	memcpy(copy, data, size);
	n = ftrace_page_parse(copy, size, &info, on_record, NULL);
	FUZZ_CHECK(n >= 0 || (n == -EINVAL && size < FTRACE_PAGE_HEADER));
	FUZZ_CHECK(info.data_len <= FTRACE_PAGE_DATA_MAX || size < FTRACE_PAGE_HEADER);
	if (packet.open)
		close_packet();
	free(copy);
	return 0;
}
