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
#define CONSUMER_WIRE_VERSION 7 /* 2: ADD_CHANNEL and ADD_METADATA carry the domain;
				* 3: the kernel messages; 4: KERNEL_SET_FILTER;
				* 5: KERNEL_TRACK_IDS (every tracker) for TRACK_PIDS;
				* 6: ROTATE, SESSION_CONSUMED, CLEAR, STATUS of
				* 32 bytes; 7: RELAY_OPEN, RELAY_SYNC, RELAY_CLOSE
				* and relative (relay) directories */

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
	/* The kernel domain (a consumer started with -k): the session's kernel trace
	 * (its metadata), its channels (each an ftrace instance the session daemon made
	 * and controls; the consumer reads its per-CPU raw buffers and writes them as
	 * LTTng kernel streams), and what each channel records. FLUSH_CHANNEL,
	 * DESTROY_CHANNEL (trace or channel key), DATA_PENDING, CHANNEL_STATS and
	 * SNAPSHOT serve kernel channels too. */
	CONSUMER_MSG_KERNEL_ADD_TRACE = 12,   /* struct consumer_wire_kernel_trace */
	CONSUMER_MSG_KERNEL_ADD_CHANNEL = 13, /* struct consumer_wire_kernel_channel */
	CONSUMER_MSG_KERNEL_ADD_EVENTS = 14,  /* struct consumer_wire_kernel_events + entries */
	CONSUMER_MSG_KERNEL_ADD_CONTEXT = 15, /* struct consumer_wire_kernel_context */
	CONSUMER_MSG_KERNEL_STATEDUMP = 16,   /* struct consumer_wire_key (trace key) */
	CONSUMER_MSG_KERNEL_REGENERATE_METADATA = 17, /* struct consumer_wire_key (trace) */
	CONSUMER_MSG_KERNEL_TRACK_IDS = 18,   /* struct consumer_wire_kernel_ids + ids */
	CONSUMER_MSG_KERNEL_SET_FILTER = 19,  /* struct consumer_wire_kernel_filter + text
					       * + entries */
	CONSUMER_MSG_ROTATE = 20,             /* struct consumer_wire_rotate */
	CONSUMER_MSG_SESSION_CONSUMED = 21,   /* struct consumer_wire_key (session id) */
	CONSUMER_MSG_CLEAR = 22,              /* struct consumer_wire_key */
	/* Streaming to lttng-relayd: a session's connection to its relay daemon (one
	 * per consumer daemon and session, as LTTng's). Once open, a directory that is
	 * relative in ADD_CHANNEL, ADD_METADATA, KERNEL_ADD_TRACE or ROTATE names a place
	 * below the session's output on the relay daemon ("ust/uid/1000/64-bit",
	 * "kernel"). Their STATUS comes once the relay daemon has answered. */
	CONSUMER_MSG_RELAY_OPEN = 23,         /* struct consumer_wire_relay_open */
	CONSUMER_MSG_RELAY_SYNC = 24,         /* struct consumer_wire_key (session id):
					       * everything written so far is at the
					       * relay daemon, on its disk */
	CONSUMER_MSG_RELAY_CLOSE = 25,        /* struct consumer_wire_relay_chunk: the
					       * open trace chunk closed with its command,
					       * the connection ended once all is sent;
					       * answered as RELAY_CHUNK_CLOSE */
	/* A rotation of a streaming session: RELAY_CHUNK_NEW makes the next trace
	 * chunk on the relay daemon (streams opened from then on are in it), the
	 * channels' ROTATEs (relative directories) move their streams there, then
	 * RELAY_CHUNK_CLOSE closes the previous chunk with a command (archive it,
	 * delete it); its STATUS, when 0, is followed by RELAY_PATH: where the relay
	 * daemon put the chunk, relative to its output directory. */
	CONSUMER_MSG_RELAY_CHUNK_NEW = 26,    /* struct consumer_wire_relay_chunk */
	CONSUMER_MSG_RELAY_CHUNK_CLOSE = 27,  /* struct consumer_wire_relay_chunk */
	CONSUMER_MSG_RELAY_PATH = 28,         /* consumerd -> sessiond: the path, NUL-ended */
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

/* ADD_METADATA: the metadata file of one registry (a channel directory; "" when the
 * trace has none, a snapshot session's: then only the shm copy below). With a shm
 * directory (--shm-path), the whole TSDL text is also kept there, unpacketized, in
 * <shm_directory>/metadata beside the ring buffers, for lttng-crash. */
struct consumer_wire_add_metadata {
	uint64_t key;
	uint64_t session_id;
	uint32_t uid, gid;
	uint32_t domain; /* enum consumer_domain */
	uint8_t uuid[16];
	char directory[CONSUMER_PATH_MAX];
	char shm_directory[CONSUMER_PATH_MAX]; /* "" = none */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_add_metadata) == 8 * 2 + 4 * 3 + 16 + 2 * 4096,
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

/* KERNEL_ADD_TRACE: a session's kernel trace: <directory>/metadata (packetized, as
 * LTTng's kernel metadata) and the environment its metadata gives. */
#define CONSUMER_KERNEL_TEXT_MAX 256
struct consumer_wire_kernel_trace {
	uint64_t key;        /* chosen by sessiond, unique for the consumer's life */
	uint64_t session_id;
	uint32_t uid, gid;   /* owner of the files */
	uint8_t uuid[16];    /* the trace's uuid (packet headers, metadata) */
	char trace_name[CONSUMER_KERNEL_TEXT_MAX];    /* env trace_name */
	char creation_time[CONSUMER_KERNEL_TEXT_MAX]; /* env trace_creation_datetime */
	char hostname[CONSUMER_KERNEL_TEXT_MAX];      /* env hostname */
	char directory[CONSUMER_PATH_MAX]; /* absolute ".../kernel"; "" = no output
					    * (snapshot session) */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_trace) == 8 * 2 + 4 * 2 + 16 + 3 * 256 + 4096,
	       "kernel_trace layout");

/* KERNEL_ADD_CHANNEL: one channel of a kernel trace, recorded by the ftrace
 * instance at `instance` (absolute: <tracefs>/instances/<name>), one stream per CPU
 * of cpu_count, files <name>_<cpu> in the trace's directory. */
struct consumer_wire_kernel_channel {
	uint64_t key;
	uint64_t trace_key;
	uint64_t subbuf_size;    /* the packet size of the streams */
	uint64_t num_subbuf;
	uint64_t tracefile_size; /* 0 = one file per stream */
	uint64_t tracefile_count;
	uint32_t switch_timer_us;
	uint32_t read_timer_us;  /* how often the raw buffers are read; 0 = default */
	uint32_t overwrite;      /* 1: the instance overwrites (losses are lost packets) */
	uint32_t chan_id;        /* stream id in the packet headers */
	uint32_t cpu_count;      /* streams: CPUs 0..cpu_count-1 */
	uint32_t reserved;
	char name[CONSUMER_NAME_MAX];
	char instance[CONSUMER_PATH_MAX];
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_channel) == 8 * 6 + 4 * 6 + 256 + 4096,
	       "kernel_channel layout");

/* KERNEL_ADD_EVENTS: ftrace events (system, name) the channel's instance records
 * from now on; the consumer declares them in the metadata under LTTng's names
 * before it is answered, so the session daemon enables them in ftrace afterwards.
 * An event already declared is not declared again. */
#define CONSUMER_KERNEL_EVENTS_MAX 1024u /* entries of one message */
struct consumer_wire_kernel_event {
	char system[64];
	char name[128];
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_event) == 192, "kernel_event layout");
struct consumer_wire_kernel_events {
	uint64_t channel_key;
	uint32_t count;          /* entries following, 1..CONSUMER_KERNEL_EVENTS_MAX */
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_events) == 16, "kernel_events layout");

/* KERNEL_ADD_CONTEXT: a context field every event of the channel carries (before
 * the channel's first start), in order of addition. ctx is enum
 * lttng_event_context_type; -EOPNOTSUPP for one the consumer cannot produce. */
struct consumer_wire_kernel_context {
	uint64_t channel_key;
	int32_t ctx;
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_context) == 16, "kernel_context layout");

/* KERNEL_TRACK_IDS: one tracker of the trace (LTTng's process attribute trackers:
 * the process id, virtual process id, user and group ids, real and virtual, of
 * the task of each event); an event is kept when every tracker keeps it. Replaces
 * that tracker's previous set; all = 1 keeps every value (count 0). The statedump's
 * events are always kept. */
enum consumer_kernel_tracker {
	CONSUMER_KERNEL_TRACK_PID,
	CONSUMER_KERNEL_TRACK_VPID,
	CONSUMER_KERNEL_TRACK_UID,
	CONSUMER_KERNEL_TRACK_VUID,
	CONSUMER_KERNEL_TRACK_GID,
	CONSUMER_KERNEL_TRACK_VGID,
	CONSUMER_KERNEL_TRACKER_COUNT,
};
#define CONSUMER_KERNEL_IDS_MAX 8192u
struct consumer_wire_kernel_ids {
	uint64_t trace_key;
	uint32_t tracker; /* enum consumer_kernel_tracker */
	uint32_t all;
	uint32_t count;	  /* int32_t ids following, 0..CONSUMER_KERNEL_IDS_MAX */
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_ids) == 24, "kernel_ids layout");

/* KERNEL_SET_FILTER: an LTTng filter expression (text_len bytes, no NUL) that the
 * listed events of the channel (entries as KERNEL_ADD_EVENTS', already declared)
 * gain: the consumer keeps a record of an event that has filters only when one of
 * them is true (one filter per enabling rule). With CONSUMER_KERNEL_FILTER_REPLACE
 * the channel's filters are dropped first; count and text_len are then 0 to leave
 * it with none. */
#define CONSUMER_KERNEL_FILTER_REPLACE 1u
#define CONSUMER_KERNEL_FILTER_TEXT_MAX 65535u /* LTTng's LTTNG_FILTER_MAX_LEN - 1 */
#define CONSUMER_KERNEL_FILTER_EVENTS_MAX 512u
struct consumer_wire_kernel_filter {
	uint64_t channel_key;
	uint32_t flags;	   /* CONSUMER_KERNEL_FILTER_REPLACE */
	uint32_t count;	   /* entries after the text, 0..CONSUMER_KERNEL_FILTER_EVENTS_MAX */
	uint32_t text_len; /* 0..CONSUMER_KERNEL_FILTER_TEXT_MAX; 0 only with count 0 */
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_kernel_filter) == 24, "kernel_filter layout");

/* ROTATE: the files of a channel (data or metadata; kernel: a trace key, its
 * metadata and every channel of it) are finished and closed: every packet recorded
 * until now is written first. With a directory, the same files start anew there
 * (a metadata file with the whole text so far for the kernel; empty for user
 * space, whose session daemon pushes the text again). "" closes only: what is
 * recorded next stays in the buffers until a ROTATE gives a directory again. */
struct consumer_wire_rotate {
	uint64_t key;
	char directory[CONSUMER_PATH_MAX]; /* absolute channel directory, or "" */
	/* User space: the channel's stream class is not in the metadata yet (no
	 * application registered it): no empty packet, whose header would name it. */
	uint32_t undeclared;
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_rotate) == 8 + 4096 + 8, "rotate layout");

/* RELAY_OPEN: connect to the relay daemon (numeric addresses, already resolved by
 * the session daemon), check its version, create the session there and its current
 * trace chunk. Opening a session that has a live connection again answers 0 at once. */
#define CONSUMER_RELAY_ADDRESS_MAX 64 /* an IPv4 or IPv6 address in text */
struct consumer_wire_relay_open {
	uint64_t session_id;     /* the session daemon's */
	uint64_t creation_time;  /* session creation, seconds since the epoch */
	uint64_t chunk_id;       /* the session's current trace chunk */
	uint64_t chunk_creation_time;
	uint32_t live_timer_us;  /* 0: not a live session */
	uint16_t control_port, data_port;
	uint8_t ipv6;            /* the addresses are IPv6 */
	uint8_t snapshot;
	uint8_t name_contains_creation_time;
	uint8_t reserved;
	uint8_t sessiond_uuid[16];
	char control_address[CONSUMER_RELAY_ADDRESS_MAX];
	char data_address[CONSUMER_RELAY_ADDRESS_MAX];
	char session_name[CONSUMER_NAME_MAX];
	char hostname[CONSUMER_NAME_MAX];
	char base_path[CONSUMER_PATH_MAX]; /* "" = none */
	char chunk_name[CONSUMER_NAME_MAX]; /* the trace chunk's directory there (a snapshot
					     * record's "<output>-<datetime>-<n>"); "" =
					     * the relay daemon's choice */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_relay_open) == 8 * 4 + 4 + 2 * 2 + 4 + 16 + 2 * 64 +
								3 * 256 + 4096,
	       "relay_open layout");

/* RELAY_CHUNK_NEW and RELAY_CHUNK_CLOSE. */
enum consumer_chunk_close {
	CONSUMER_CHUNK_ARCHIVE = 0, /* LTTng's MOVE_TO_COMPLETED: into archives/ */
	CONSUMER_CHUNK_KEEP = 1,    /* NO_OPERATION */
	CONSUMER_CHUNK_DELETE = 2,  /* its files are deleted (a clear) */
};
struct consumer_wire_relay_chunk {
	uint64_t session_id;
	uint64_t chunk_id;
	uint64_t timestamp; /* creation (NEW) or close (CLOSE), seconds since the epoch */
	uint32_t close_command; /* enum consumer_chunk_close (CLOSE) */
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct consumer_wire_relay_chunk) == 32, "relay_chunk layout");

/* STATUS: 0 or a negative errno; value is type-specific (stream count of
 * ADD_CHANNEL, 1/0 of DATA_PENDING, RELAY_OPEN's bit 0: the relay daemon allows
 * clears). */
#define CONSUMER_MAX_STREAMS 4096u /* streams of one data channel (one per possible CPU) */
struct consumer_wire_status {
	int32_t status;
	uint32_t value;
	uint64_t discarded_events; /* CHANNEL_STATS */
	uint64_t lost_packets;
	uint64_t consumed_bytes;   /* SESSION_CONSUMED: packet bytes written for the
				    * session's data channels since they were made */
} PACKED;
_Static_assert(sizeof(struct consumer_wire_status) == 32, "status layout");

_Static_assert(sizeof(struct consumer_wire_kernel_events) +
		       CONSUMER_KERNEL_EVENTS_MAX * sizeof(struct consumer_wire_kernel_event) <=
		       CONSUMER_MAX_PAYLOAD, "a full KERNEL_ADD_EVENTS fits the receive buffer");

_Static_assert(sizeof(struct consumer_wire_kernel_ids) + CONSUMER_KERNEL_IDS_MAX * sizeof(int32_t) <=
		       CONSUMER_MAX_PAYLOAD, "a full KERNEL_TRACK_IDS fits the receive buffer");

_Static_assert(sizeof(struct consumer_wire_kernel_filter) + CONSUMER_KERNEL_FILTER_TEXT_MAX +
			       CONSUMER_KERNEL_FILTER_EVENTS_MAX *
				       sizeof(struct consumer_wire_kernel_event) <=
		       CONSUMER_MAX_PAYLOAD, "a full KERNEL_SET_FILTER fits the receive buffer");

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
	case CONSUMER_MSG_RELAY_OPEN:
		return sizeof(struct consumer_wire_relay_open);
	case CONSUMER_MSG_RELAY_CHUNK_NEW:
	case CONSUMER_MSG_RELAY_CHUNK_CLOSE:
	case CONSUMER_MSG_RELAY_CLOSE:
		return sizeof(struct consumer_wire_relay_chunk);
	case CONSUMER_MSG_RELAY_PATH:
		return CONSUMER_PATH_MAX;
	case CONSUMER_MSG_RELAY_SYNC:
	case CONSUMER_MSG_FLUSH_CHANNEL:
	case CONSUMER_MSG_DESTROY_CHANNEL:
	case CONSUMER_MSG_DATA_PENDING:
	case CONSUMER_MSG_CHANNEL_STATS:
	case CONSUMER_MSG_SESSION_CONSUMED:
	case CONSUMER_MSG_CLEAR:
		return sizeof(struct consumer_wire_key);
	case CONSUMER_MSG_STATUS:
		return sizeof(struct consumer_wire_status);
	case CONSUMER_MSG_SNAPSHOT:
		return sizeof(struct consumer_wire_snapshot);
	case CONSUMER_MSG_ROTATE:
		return sizeof(struct consumer_wire_rotate);
	case CONSUMER_MSG_KERNEL_ADD_TRACE:
		return sizeof(struct consumer_wire_kernel_trace);
	case CONSUMER_MSG_KERNEL_ADD_CHANNEL:
		return sizeof(struct consumer_wire_kernel_channel);
	case CONSUMER_MSG_KERNEL_ADD_EVENTS:
		return sizeof(struct consumer_wire_kernel_events) +
		       CONSUMER_KERNEL_EVENTS_MAX * sizeof(struct consumer_wire_kernel_event);
	case CONSUMER_MSG_KERNEL_ADD_CONTEXT:
		return sizeof(struct consumer_wire_kernel_context);
	case CONSUMER_MSG_KERNEL_STATEDUMP:
	case CONSUMER_MSG_KERNEL_REGENERATE_METADATA:
		return sizeof(struct consumer_wire_key);
	case CONSUMER_MSG_KERNEL_TRACK_IDS:
		return sizeof(struct consumer_wire_kernel_ids) +
		       CONSUMER_KERNEL_IDS_MAX * sizeof(int32_t);
	case CONSUMER_MSG_KERNEL_SET_FILTER:
		return sizeof(struct consumer_wire_kernel_filter) + CONSUMER_KERNEL_FILTER_TEXT_MAX +
		       CONSUMER_KERNEL_FILTER_EVENTS_MAX * sizeof(struct consumer_wire_kernel_event);
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
