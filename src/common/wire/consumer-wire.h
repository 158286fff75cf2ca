/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OUR sessiond <-> consumerd protocol (not LTTng's; the two processes are ours).
 * Every message is a fixed header followed by payload_bytes of payload, in the host's
 * byte order (both daemons run on one host, whatever their bitness); each message
 * type has a maximum payload size. See doc/protocol/consumer.md.
 */
#ifndef COMMON_WIRE_CONSUMER_WIRE_H
#define COMMON_WIRE_CONSUMER_WIRE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "../macros.h"

#define CONSUMER_WIRE_MAGIC 0x4c43534eu /* "NSCL" */
#define CONSUMER_WIRE_VERSION 2 /* 2: ADD_CHANNEL and ADD_METADATA carry the domain */

enum consumer_msg_type {
	/* consumerd -> sessiond, on the error socket, once listening. */
	CONSUMER_MSG_READY = 1,
	/* sessiond -> consumerd on the command socket, answered with the same type. */
	CONSUMER_MSG_HELLO = 2,
	/* sessiond -> consumerd on the command socket. Each is answered with STATUS;
	 * ADD_CHANNEL's STATUS is followed, when it is 0, by the channel and stream
	 * objects in liblttng-ust-ctl's own framing (send_*_to_sessiond), the streams
	 * ended by its terminator. */
	CONSUMER_MSG_ADD_CHANNEL = 3,
	CONSUMER_MSG_ADD_METADATA = 4,
	CONSUMER_MSG_PUSH_METADATA = 5,  /* struct consumer_wire_push_metadata + text */
	CONSUMER_MSG_FLUSH_CHANNEL = 6,  /* struct consumer_wire_key: final flush, drain */
	CONSUMER_MSG_DESTROY_CHANNEL = 7, /* struct consumer_wire_key: drain, close, free */
	CONSUMER_MSG_DATA_PENDING = 8,   /* struct consumer_wire_key (session id) */
	CONSUMER_MSG_CHANNEL_STATS = 9,  /* struct consumer_wire_key -> STATUS + stats */
	CONSUMER_MSG_STATUS = 10,        /* consumerd -> sessiond */
	CONSUMER_MSG_SNAPSHOT = 11,      /* struct consumer_wire_snapshot */
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

#define CONSUMER_PATH_MAX 4096
#define CONSUMER_NAME_MAX 256

/* The tracing domain buffers are for: the values of enum lttng_domain_type. A
 * consumer refuses a domain it does not serve (the kernel's, for now). */
enum consumer_domain {
	CONSUMER_DOMAIN_KERNEL = 1,
	CONSUMER_DOMAIN_UST = 2,
};

/* ADD_CHANNEL: a data channel whose ring buffers the consumer creates and drains. */
struct consumer_wire_add_channel {
	uint64_t key;            /* chosen by sessiond, unique for the consumer's life */
	uint64_t session_id;
	uint64_t subbuf_size;
	uint64_t num_subbuf;
	uint64_t tracefile_size; /* 0 = one file per stream */
	uint64_t tracefile_count;
	int64_t blocking_timeout_us; /* -1 = block forever */
	uint32_t switch_timer_us;
	uint32_t read_timer_us;
	uint32_t monitor_timer_us;
	uint32_t overwrite;
	uint32_t chan_id;        /* stream id in the packet headers */
	uint32_t uid, gid;       /* owner of the files */
	uint32_t domain;         /* enum consumer_domain */
	uint8_t uuid[16];
	char name[CONSUMER_NAME_MAX];      /* channel name: files are <name>_<cpu> */
	char directory[CONSUMER_PATH_MAX]; /* absolute channel directory; "" = no output
					    * (snapshot sessions: the data stays in the
					    * buffers until a SNAPSHOT copies it) */
	char shm_directory[CONSUMER_PATH_MAX]; /* ring buffers as files there; "" = shm */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_add_channel) == 8 * 7 + 4 * 8 + 16 + 256 + 2 * 4096,
	       "add_channel layout");

/* ADD_METADATA: the metadata file of one registry (a channel directory). */
struct consumer_wire_add_metadata {
	uint64_t key;
	uint64_t session_id;
	uint32_t uid, gid;
	uint32_t domain; /* enum consumer_domain */
	uint8_t uuid[16];
	char directory[CONSUMER_PATH_MAX];
} PACKED;
_Static_assert(sizeof(struct consumer_wire_add_metadata) == 8 * 2 + 4 * 3 + 16 + 4096,
	       "add_metadata layout");

/* PUSH_METADATA: text appended to the metadata file at offset (the total length
 * pushed so far; a mismatch is refused). offset 0 with reset=1 empties it first. */
struct consumer_wire_push_metadata {
	uint64_t key;
	uint64_t offset;
	uint32_t reset;
	uint32_t length; /* bytes of text following */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_push_metadata) == 24, "push_metadata layout");
#define CONSUMER_METADATA_CHUNK (256u * 1024)
/* The largest payload of any message (a full PUSH_METADATA). */
#define CONSUMER_MAX_PAYLOAD (sizeof(struct consumer_wire_push_metadata) + CONSUMER_METADATA_CHUNK)

/* SNAPSHOT: copy what a channel's buffers hold into <directory>/<name>_<cpu>. */
struct consumer_wire_snapshot {
	uint64_t key;
	uint64_t packets_per_stream; /* the newest ones; 0 = all */
	uint32_t uid, gid;
	uint32_t session_active;     /* flush the current packets first */
	uint32_t reserved;
	char directory[CONSUMER_PATH_MAX];
} PACKED;
_Static_assert(sizeof(struct consumer_wire_snapshot) == 8 * 2 + 4 * 4 + 4096, "snapshot layout");

struct consumer_wire_key {
	uint64_t key;
} PACKED;

/* STATUS: 0 or a negative errno; value is type-specific (stream count of
 * ADD_CHANNEL, 1/0 of DATA_PENDING). */
#define CONSUMER_MAX_STREAMS 4096u /* streams of one data channel (one per possible CPU) */
struct consumer_wire_status {
	int32_t status;
	uint32_t value;
	uint64_t discarded_events; /* CHANNEL_STATS */
	uint64_t lost_packets;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_status) == 24, "status layout");

/* Largest payload each type may carry; anything bigger is a protocol error. */
static inline uint32_t consumer_msg_max_payload(uint16_t type)
{
	switch (type) {
	case CONSUMER_MSG_READY:
		return 0;
	case CONSUMER_MSG_HELLO:
		return sizeof(struct consumer_wire_hello);
	case CONSUMER_MSG_ADD_CHANNEL:
		return sizeof(struct consumer_wire_add_channel);
	case CONSUMER_MSG_ADD_METADATA:
		return sizeof(struct consumer_wire_add_metadata);
	case CONSUMER_MSG_PUSH_METADATA:
		return sizeof(struct consumer_wire_push_metadata) + CONSUMER_METADATA_CHUNK;
	case CONSUMER_MSG_FLUSH_CHANNEL:
	case CONSUMER_MSG_DESTROY_CHANNEL:
	case CONSUMER_MSG_DATA_PENDING:
	case CONSUMER_MSG_CHANNEL_STATS:
		return sizeof(struct consumer_wire_key);
	case CONSUMER_MSG_STATUS:
		return sizeof(struct consumer_wire_status);
	case CONSUMER_MSG_SNAPSHOT:
		return sizeof(struct consumer_wire_snapshot);
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
		return -EPROTO;
	return 0;
}

#endif
