/* SPDX-License-Identifier: GPL-2.0-only */
/* CTF packets of kernel streams; see kpacket.h. */
#include <stdlib.h>
#include <string.h>

#include "kpacket.h"

int kpacket_init(struct kpacket *p, size_t capacity, const uint8_t uuid[16], uint32_t stream_id,
		 uint32_t cpu, bool large_header)
{
	memset(p, 0, sizeof(*p));
	p->buf.data = malloc(capacity);
	if (!p->buf.data)
		return -ENOMEM;
	p->buf.cap = capacity;
	memcpy(p->uuid, uuid, 16);
	p->stream_id = stream_id;
	p->cpu = cpu;
	p->large_header = large_header;
	return 0;
}

void kpacket_fini(struct kpacket *p)
{
	free(p->buf.data);
	p->buf.data = NULL;
}

static void put_le(uint8_t *at, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		at[i] = (uint8_t) (v >> (8 * i));
}

void kpacket_open(struct kpacket *p, uint64_t ts_begin)
{
	uint8_t *d = p->buf.data;

	memset(d, 0, KPACKET_HEADER_SIZE);
	put_le(d, KPACKET_MAGIC, 4);
	memcpy(d + 4, p->uuid, 16);
	put_le(d + 20, p->stream_id, 4);
	put_le(d + 24, p->cpu, 8);		/* stream_instance_id */
	put_le(d + 32, ts_begin, 8);		/* timestamp_begin */
	put_le(d + 80, p->cpu, 4);		/* cpu_id */
	p->buf.len = KPACKET_HEADER_SIZE;
	p->ts_begin = p->last_ts = ts_begin;
	p->events = 0;
	p->open = true;
}

static int extended(struct ctf_buf *b, uint32_t marker, unsigned marker_bytes, uint32_t id,
		    uint64_t ts)
{
	if (ctf_buf_put_uint(b, marker, marker_bytes) || ctf_buf_align(b, 8) ||
	    ctf_buf_put_uint(b, id, 4) || ctf_buf_put_uint(b, ts, 8))
		return -ENOSPC;
	return 0;
}

static int compact_header(struct kpacket *p, uint32_t id, uint64_t ts)
{
	struct ctf_buf *b = &p->buf;

	/* Compact: the 27 low timestamp bits, when the bits above are the previous
	 * event's (a reader then rebuilds the full value). */
	if (id <= KPACKET_COMPACT_ID_MAX && (ts >> 27) == (p->last_ts >> 27))
		return ctf_buf_put_uint(b, id | ((ts & ((1u << 27) - 1)) << 5), 4);
	/* Extended: id 31 in the 5 bits, then the variant's struct { u32 id; u64
	 * timestamp; }, aligned as its largest member (8 bytes), each member at its own
	 * alignment. */
	return extended(b, 31, 1, id, ts);
}

static int large_header(struct kpacket *p, uint32_t id, uint64_t ts)
{
	struct ctf_buf *b = &p->buf;

	if (id <= KPACKET_LARGE_ID_MAX && (ts >> 32) == (p->last_ts >> 32))
		return ctf_buf_put_uint(b, id, 2) || ctf_buf_put_uint(b, (uint32_t) ts, 4) ? -ENOSPC : 0;
	return extended(b, 65535, 2, id, ts);
}

int kpacket_event_header(struct kpacket *p, uint32_t id, uint64_t ts, size_t *ret_start)
{
	size_t start = p->buf.len;
	int r;

	if (ts < p->last_ts)
		ts = p->last_ts;
	/* The header struct's alignment: 32 bits compact, 16 bits large. */
	r = ctf_buf_align(&p->buf, p->large_header ? 2 : 4);
	if (r == 0)
		r = p->large_header ? large_header(p, id, ts) : compact_header(p, id, ts);
	if (r) {
		p->buf.len = start;
		return -ENOSPC;
	}
	p->last_ts = ts;
	p->events++;
	*ret_start = start;
	return 0;
}

void kpacket_close(struct kpacket *p, uint64_t ts_end, uint64_t seq_num, uint64_t discarded,
		   size_t *ret_len, struct packet_info *info)
{
	uint8_t *d = p->buf.data;
	size_t content = p->buf.len;
	size_t padded = (content + KPACKET_PAGE - 1) / KPACKET_PAGE * KPACKET_PAGE;

	if (padded > p->buf.cap)
		padded = p->buf.cap; /* cannot happen: content <= cap, cap page-aligned */
	if (ts_end < p->last_ts)
		ts_end = p->last_ts;
	memset(d + content, 0, padded - content);
	put_le(d + 40, ts_end, 8);
	put_le(d + 48, (uint64_t) content * 8, 8);
	put_le(d + 56, (uint64_t) padded * 8, 8);
	put_le(d + 64, seq_num, 8);
	put_le(d + 72, discarded, 8);
	memset(info, 0, sizeof(*info));
	info->packet_size_bits = (uint64_t) padded * 8;
	info->content_size_bits = (uint64_t) content * 8;
	info->timestamp_begin = p->ts_begin;
	info->timestamp_end = ts_end;
	info->events_discarded = discarded;
	info->stream_id = p->stream_id;
	info->stream_instance_id = p->cpu;
	info->packet_seq_num = seq_num;
	p->open = false;
	*ret_len = padded;
}
