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
/* The trace's clock: the monotonic clock, or what an lttng-ust clock plugin says. */
struct tsdl_clock {
	const char *name;        /* a TSDL identifier; NULL: "monotonic" */
	const char *uuid;        /* NULL: no uuid line */
	const char *description; /* NULL: "Monotonic Clock" */
	uint64_t freq;           /* Hz; 0: 1000000000 */
	int64_t offset;          /* from the epoch, in clock ticks */
};
/* "clock { ... };". */
int tsdl_preamble_clock(struct buffer *out, const struct tsdl_clock *clock);
/* uint27/32/64_clock_monotonic_t (mapped to the clock named clock_name, NULL:
 * "monotonic"; LTTng keeps those type names whatever the clock), struct
 * packet_context, struct event_header_compact and struct event_header_large (ids 31
 * and 65535 announce an extended header). */
int tsdl_preamble_headers(struct buffer *out, const struct tsdl_abi *abi, const char *clock_name);

#endif
