/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure decoders of the sessiond <-> consumerd protocol (consumer-wire.h,
 * doc/protocol/consumer.md): the requests the consumer daemon serves, and the replies
 * the session daemon reads. They take the bytes of one received message (its header
 * already checked by consumer_header_check(), as consumer-io.c does), check every
 * field the receiver relies on, never allocate, never log and never abort.
 */
#ifndef COMMON_WIRE_CONSUMER_CODEC_H
#define COMMON_WIRE_CONSUMER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consumer-wire.h"

/*
 * A request as the consumer daemon serves it. Pointers point into the payload that
 * was decoded (the wire structs are packed: no alignment is needed).
 */
struct consumer_request {
	uint16_t type; /* enum consumer_msg_type, one of the request types */
	union {
		const struct consumer_wire_hello *hello;
		const struct consumer_wire_add_channel *add_channel;
		const struct consumer_wire_add_metadata *add_metadata;
		struct {
			const struct consumer_wire_push_metadata *head;
			const char *text; /* head->length bytes, not NUL-terminated */
		} push;
		const struct consumer_wire_snapshot *snapshot;
		const struct consumer_wire_rotate *rotate;
		const struct consumer_wire_relay_open *relay_open;
		const struct consumer_wire_relay_chunk *relay_chunk;
		const struct consumer_wire_kernel_trace *kernel_trace;
		const struct consumer_wire_kernel_channel *kernel_channel;
		struct {
			const struct consumer_wire_kernel_events *head;
			const struct consumer_wire_kernel_event *entries; /* head->count */
		} kernel_events;
		const struct consumer_wire_kernel_context *kernel_context;
		struct {
			const struct consumer_wire_kernel_filter *head;
			const char *text; /* head->text_len bytes, no NUL */
			const struct consumer_wire_kernel_event *entries; /* head->count, unaligned */
		} kernel_filter;
		struct {
			const struct consumer_wire_kernel_ids *head;
			const void *ids; /* head->count int32_t, unaligned */
		} kernel_ids;
		uint64_t key; /* FLUSH_CHANNEL, DESTROY_CHANNEL, CHANNEL_STATS,
			       * KERNEL_STATEDUMP, KERNEL_REGENERATE_METADATA; the session
			       * id of DATA_PENDING, RELAY_SYNC */
	} u;
};

/*
 * Decodes one request (header h, payload of payload_len bytes) received by the
 * consumer daemon. Returns:
 *  0        the request is valid; *ret describes it;
 *  -EPROTO  the message is not a request of this protocol or its framing is wrong
 *           (bad header, not a request type, payload size not the type's): the
 *           connection can no longer be trusted;
 *  -EINVAL  a well-framed request whose fields are invalid (an unterminated or
 *           relative path, a channel name that is not a file name, sizes that are
 *           not powers of two, an event count of 0, an event or system name that is
 *           not a plain identifier...): answered with a STATUS of -EINVAL, the
 *           connection goes on. ret->type is set.
 * Kernel requests are decoded whatever the consumer's mode; a user-space consumer
 * answers them -EOPNOTSUPP (and a kernel one the user-space requests).
 */
int consumer_decode_request(const struct consumer_wire_header *h, const void *payload,
			    size_t payload_len, struct consumer_request *ret);

/* A consumer daemon's STATUS, as the session daemon may use it. */
struct consumer_reply {
	int status;        /* 0 or a negative errno (-4095..-1) */
	uint32_t value;    /* ADD_CHANNEL: stream count (1..CONSUMER_MAX_STREAMS) when
			    * status is 0; DATA_PENDING: 0 or 1; else 0 */
	uint64_t discarded_events; /* CHANNEL_STATS only, else 0 */
	uint64_t lost_packets;
	uint64_t consumed_bytes;   /* SESSION_CONSUMED only, else 0 */
};

/*
 * Decodes the STATUS payload answering a request of type request_type (payload_len
 * bytes, as received after a STATUS header; ret may point to it). Returns 0 with *ret
 * filled, or -EPROTO
 * when the reply cannot be a consumer daemon's answer to that request (wrong size, a
 * status that is neither 0 nor an errno, a value or counters the request does not
 * give, a stream count outside 1..CONSUMER_MAX_STREAMS).
 */
int consumer_decode_status(uint16_t request_type, const void *payload, size_t payload_len,
			   struct consumer_reply *ret);

/*
 * Decodes the HELLO payload of the consumer daemon's answer (ret may point to the
 * payload): 0 with *ret filled (bits_per_long 32 or 64, a pid), or -EPROTO.
 */
int consumer_decode_hello(const void *payload, size_t payload_len,
			  struct consumer_wire_hello *ret);

/* Whether type is a request the consumer daemon serves. */
bool consumer_msg_is_request(uint16_t type);
/* Whether type is one of the kernel domain's own requests (KERNEL_*). */
bool consumer_msg_is_kernel_only(uint16_t type);
/* Whether name is a plain identifier ([A-Za-z_][A-Za-z0-9_]*), terminated within size
 * bytes: what ftrace systems and events are named, and what can go into TSDL. */
bool consumer_identifier_ok(const char *name, size_t size);

#endif
