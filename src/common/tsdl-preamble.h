/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSDL blocks that open the metadata of every LTTng 2.13 trace, kernel and user
 * space alike: the basic integer typealiases and the trace block (with its packet
 * header), the monotonic clock, then the clock-mapped integers, struct packet_context
 * and both event headers. Between the trace and clock blocks each tracer writes its
 * own env block. What differs between traces is the ABI (struct tsdl_abi), the uuids
 * and the clock offset.
 */
#ifndef COMMON_TSDL_PREAMBLE_H
#define COMMON_TSDL_PREAMBLE_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"

/* Alignments and the size of a long, in bits, and the byte order of the packets. */
struct tsdl_abi {
	uint32_t uint8_align, uint16_align, uint32_align, uint64_align;
	uint32_t long_bits, long_align;
	bool big_endian;
};

/* uint8_t ... uint64_t, unsigned long, uint5_t and uint27_t, then "trace { ... };". */
int tsdl_preamble_trace(struct buffer *out, const struct tsdl_abi *abi, const uint8_t uuid[16]);
/* "clock { ... };" of the monotonic clock; clock_uuid NULL: no uuid line. */
int tsdl_preamble_clock(struct buffer *out, const char *clock_uuid, int64_t offset_ns);
/* uint27/32/64_clock_monotonic_t, struct packet_context, struct event_header_compact
 * and struct event_header_large (ids 31 and 65535 announce an extended header). */
int tsdl_preamble_headers(struct buffer *out, const struct tsdl_abi *abi);

#endif
