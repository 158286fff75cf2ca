/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng's relay daemon protocol as lttng-relayd 2.13 speaks it on its control and
 * data ports: the byte layouts our consumer sends and reads, each defined once here.
 * Every integer is big-endian on the wire; structures are packed. Facts and where
 * they can be checked: doc/protocol/relayd.md.
 */
#ifndef COMMON_WIRE_RELAYD_WIRE_H
#define COMMON_WIRE_RELAYD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "../macros.h"

/* The version we announce: 2.13 (a relay daemon answers its own; the major must be
 * equal, the minor of the conversation is the smaller one). */
#define RELAYD_PROTO_MAJOR 2u
#define RELAYD_PROTO_MINOR 13u

enum relayd_command {
	RELAYD_CMD_ADD_STREAM = 1,
	RELAYD_CMD_CREATE_SESSION = 2,
	RELAYD_CMD_VERSION = 5,
	RELAYD_CMD_SEND_METADATA = 6,
	RELAYD_CMD_CLOSE_STREAM = 7,
	RELAYD_CMD_DATA_PENDING = 8,
	RELAYD_CMD_QUIESCENT_CONTROL = 9,
	RELAYD_CMD_BEGIN_DATA_PENDING = 10,
	RELAYD_CMD_END_DATA_PENDING = 11,
	RELAYD_CMD_SEND_INDEX = 13,
	RELAYD_CMD_STREAMS_SENT = 16,
	RELAYD_CMD_RESET_METADATA = 17,
	RELAYD_CMD_ROTATE_STREAMS = 18,
	RELAYD_CMD_CREATE_TRACE_CHUNK = 19,
	RELAYD_CMD_CLOSE_TRACE_CHUNK = 20,
	RELAYD_CMD_TRACE_CHUNK_EXISTS = 21,
	RELAYD_CMD_GET_CONFIGURATION = 22,
};

/* The relay daemon's ret_code for success (LTTNG_OK). */
#define RELAYD_RET_OK 10u

/* Every control command: this header, then data_size bytes. */
struct relayd_wire_header {
	uint64_t circuit_id; /* 0 */
	uint64_t data_size;
	uint32_t cmd;
	uint32_t cmd_version; /* 0 */
} PACKED;
_Static_assert(sizeof(struct relayd_wire_header) == 24, "relayd header is 24 bytes");

/* Every packet on the data socket: this header, then data_size bytes of content;
 * the relay daemon writes padding_size zero bytes after them. */
struct relayd_wire_data_header {
	uint64_t circuit_id;
	uint64_t stream_id;   /* the relay's handle of the stream */
	uint64_t net_seq_num; /* per stream, from 0 */
	uint32_t data_size;
	uint32_t padding_size;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_data_header) == 32, "data header is 32 bytes");
_Static_assert(offsetof(struct relayd_wire_data_header, stream_id) == 8, "data stream id");

struct relayd_wire_version {
	uint32_t major, minor;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_version) == 8, "version is 8 bytes");

struct relayd_wire_generic_reply {
	uint32_t ret_code;
} PACKED;

struct relayd_wire_get_configuration {
	uint64_t query_flags;
} PACKED;

struct relayd_wire_get_configuration_reply {
	uint32_t ret_code;
	uint64_t flags; /* bit 0: the relay daemon allows clear */
} PACKED;
_Static_assert(sizeof(struct relayd_wire_get_configuration_reply) == 12, "configuration reply");
#define RELAYD_CONFIG_CLEAR_ALLOWED 1u

/* CREATE_SESSION (2.11+): this, then the session name, hostname and base path, each
 * with its NUL (lengths include it). */
struct relayd_wire_create_session {
	uint32_t session_name_len;
	uint32_t hostname_len;
	uint32_t base_path_len;
	uint32_t live_timer; /* microseconds; 0 = not live */
	uint8_t snapshot;
	uint8_t session_name_contains_creation_time;
	uint8_t sessiond_uuid[16];
	uint64_t session_id; /* the session daemon's */
	uint64_t creation_time; /* seconds since the epoch */
	uint8_t current_chunk_is_set;
	uint64_t current_chunk_id;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_create_session) == 59, "create_session is 59 bytes");

/* Its reply: this, then output_path_length bytes (the relay's output directory). */
struct relayd_wire_create_session_reply {
	uint64_t session_id; /* the relay's */
	uint32_t ret_code;
	uint32_t output_path_length;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_create_session_reply) == 16, "create_session reply");

/* ADD_STREAM (2.11+): this, then the stream name and the path (relative to the
 * session's output, "<domain>/<...>"), each with its NUL. */
struct relayd_wire_add_stream {
	uint32_t channel_name_len;
	uint32_t pathname_len;
	uint64_t tracefile_size;
	uint64_t tracefile_count;
	uint64_t trace_chunk_id;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_add_stream) == 32, "add_stream is 32 bytes");

struct relayd_wire_stream_reply {
	uint64_t handle;
	uint32_t ret_code;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_stream_reply) == 12, "stream reply is 12 bytes");

/* SEND_METADATA: the header's data_size counts this and the metadata bytes. */
struct relayd_wire_metadata_payload {
	uint64_t stream_id;
	uint32_t padding_size;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_metadata_payload) == 12, "metadata payload header");

/* CLOSE_STREAM and DATA_PENDING. */
struct relayd_wire_stream_seq {
	uint64_t stream_id;
	uint64_t last_net_seq_num;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_stream_seq) == 16, "stream seq is 16 bytes");

/* BEGIN_DATA_PENDING, END_DATA_PENDING (the relay's session id), QUIESCENT_CONTROL. */
struct relayd_wire_id {
	uint64_t id;
} PACKED;

/* SEND_INDEX, protocol 2.8+ (index 1.1): the packet's CTF index entry, without its
 * offset (the relay daemon knows where it wrote the packet). */
struct relayd_wire_index {
	uint64_t relay_stream_id;
	uint64_t net_seq_num;
	uint64_t packet_size; /* bits */
	uint64_t content_size; /* bits */
	uint64_t timestamp_begin;
	uint64_t timestamp_end;
	uint64_t events_discarded;
	uint64_t stream_id; /* the CTF stream class id */
	uint64_t stream_instance_id;
	uint64_t packet_seq_num;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_index) == 80, "index is 80 bytes");

struct relayd_wire_reset_metadata {
	uint64_t stream_id;
	uint64_t version;
} PACKED;

/* CREATE_TRACE_CHUNK: this, then override_name_length bytes (0: the relay names it). */
struct relayd_wire_create_trace_chunk {
	uint64_t chunk_id;
	uint64_t creation_timestamp;
	uint32_t override_name_length;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_create_trace_chunk) == 20, "create chunk is 20 bytes");

/* CLOSE_TRACE_CHUNK; its reply is a generic reply, then path_length, then the path. */
struct relayd_wire_close_trace_chunk {
	uint64_t chunk_id;
	uint64_t close_timestamp;
	uint8_t close_command_is_set;
	uint32_t close_command; /* enum lttng_trace_chunk_command_type */
} PACKED;
_Static_assert(sizeof(struct relayd_wire_close_trace_chunk) == 21, "close chunk is 21 bytes");

struct relayd_wire_close_trace_chunk_reply {
	uint32_t ret_code;
	uint32_t path_length;
} PACKED;

/* ROTATE_STREAMS: this, then stream_count positions. The chunk id's presence flag is
 * one byte followed by the value, unaligned (LTTng keeps that packing). */
struct relayd_wire_rotate_streams {
	uint32_t stream_count;
	uint8_t new_chunk_is_set;
	uint64_t new_chunk_id;
} PACKED;
_Static_assert(sizeof(struct relayd_wire_rotate_streams) == 13, "rotate streams is 13 bytes");

struct relayd_wire_rotation_position {
	uint64_t stream_id;
	uint64_t rotate_at_seq_num;
} PACKED;

/* Bounds the 2.13.9 relay daemon applies, NUL included (longer ones end the
 * connection, and the session with it): doc/protocol/relayd.md, Limits. */
#define RELAYD_PATH_MAX 4096u         /* replies' paths */
#define RELAYD_STREAM_PATH_MAX 255u   /* ADD_STREAM's path */
#define RELAYD_STREAM_NAME_MAX 264u   /* ADD_STREAM's name */
#define RELAYD_SESSION_NAME_MAX 255u  /* CREATE_SESSION's session name */
#define RELAYD_HOST_NAME_MAX 256u     /* CREATE_SESSION's host name */

#endif
