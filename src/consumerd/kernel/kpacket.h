/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One CTF packet of a kernel stream being filled, in LTTng's kernel layout
 * (doc/protocol/kernel-trace.md, "Packets"; M:src/lttng-ring-buffer-client.h):
 * packet header (magic 0xC1FC1FC1, uuid, stream_id, stream_instance_id = CPU) and
 * context (timestamp_begin, timestamp_end, content_size, packet_size,
 * packet_seq_num, events_discarded, cpu_id) = 84 bytes, then events: an event
 * header (compact or large, extended when the id or the timestamp does not fit),
 * then the stream's event context and the payload, each aligned as its struct. The
 * packet is at most its capacity (the channel's sub-buffer size) and is padded to
 * a whole number of pages when closed.
 */
#ifndef CONSUMERD_KERNEL_KPACKET_H
#define CONSUMERD_KERNEL_KPACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctf-buf.h"
#include "index-file.h"

#define KPACKET_MAGIC 0xC1FC1FC1u
#define KPACKET_HEADER_SIZE 84u /* header 32 + context 52 */
#define KPACKET_PAGE 4096u
#define KPACKET_COMPACT_ID_MAX 30u   /* 31 = extended */
#define KPACKET_LARGE_ID_MAX 65534u  /* 65535 = extended */

struct kpacket {
	struct ctf_buf buf;	/* the packet; cap = capacity */
	bool open;
	bool large_header;
	uint8_t uuid[16];
	uint32_t stream_id, cpu;
	uint64_t ts_begin, last_ts;
	uint32_t events;
};

/* capacity: a multiple of KPACKET_PAGE. 0 or -ENOMEM. */
int kpacket_init(struct kpacket *p, size_t capacity, const uint8_t uuid[16], uint32_t stream_id,
		 uint32_t cpu, bool large_header);
void kpacket_fini(struct kpacket *p);
/* Starts a packet at ts_begin (header and context written, sizes to come). */
void kpacket_open(struct kpacket *p, uint64_t ts_begin);
/* Writes an event header for event id at ts (>= the packet's last timestamp; an
 * earlier one is clamped) to the packet's buffer; the caller then writes the context
 * and payload and, if any of it does not fit, rolls the buffer back to the returned
 * length. -ENOSPC when even the header does not fit. */
int kpacket_event_header(struct kpacket *p, uint32_t id, uint64_t ts, size_t *ret_start);
/* Fills the context and pads to whole pages; *ret_len is the padded length and info
 * its index entry (offset aside). ts_end >= the last event's timestamp. */
void kpacket_close(struct kpacket *p, uint64_t ts_end, uint64_t seq_num, uint64_t discarded,
		   size_t *ret_len, struct packet_info *info);

#endif
