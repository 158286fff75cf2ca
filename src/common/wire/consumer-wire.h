/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OUR sessiond <-> consumerd protocol (not LTTng's; the two processes are ours).
 * Every message is a fixed little-endian header followed by payload_bytes of payload;
 * each message type has a maximum payload size. See doc/protocol/consumer.md.
 */
#ifndef COMMON_WIRE_CONSUMER_WIRE_H
#define COMMON_WIRE_CONSUMER_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "../macros.h"

#define CONSUMER_WIRE_MAGIC 0x4c43534eu /* "NSCL" */
#define CONSUMER_WIRE_VERSION 1

enum consumer_msg_type {
	/* consumerd -> sessiond, on the error socket, once listening. */
	CONSUMER_MSG_READY = 1,
	/* sessiond -> consumerd on the command socket, answered with the same type. */
	CONSUMER_MSG_HELLO = 2,
	CONSUMER_MSG_COUNT,
};

struct consumer_wire_header {
	uint32_t magic;
	uint16_t version;
	uint16_t type; /* enum consumer_msg_type */
	uint32_t payload_bytes;
	uint32_t fd_count;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_header) == 16, "consumer header is 16 bytes");
_Static_assert(offsetof(struct consumer_wire_header, payload_bytes) == 8, "payload offset");

/* HELLO payload, both directions. */
struct consumer_wire_hello {
	uint32_t pid;        /* sender's pid */
	uint32_t bits_per_long;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_hello) == 8, "hello is 8 bytes");

/* Largest payload each type may carry; anything bigger is a protocol error. */
static inline uint32_t consumer_msg_max_payload(uint16_t type)
{
	switch (type) {
	case CONSUMER_MSG_READY:
		return 0;
	case CONSUMER_MSG_HELLO:
		return sizeof(struct consumer_wire_hello);
	default:
		return 0;
	}
}

/* Validates a received header; 0 or -EPROTO. */
static inline int consumer_header_check(const struct consumer_wire_header *h)
{
	if (h->magic != CONSUMER_WIRE_MAGIC || h->version != CONSUMER_WIRE_VERSION ||
	    h->type == 0 || h->type >= CONSUMER_MSG_COUNT ||
	    h->payload_bytes > consumer_msg_max_payload(h->type) || h->fd_count != 0)
		return -71; /* -EPROTO */
	return 0;
}

#endif
