/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte layouts of the LTTng 2.13 client protocol (liblttng-ctl <-> lttng-sessiond).
 * Every struct here is declared once, packed as LTTng packs it, and its size and the
 * offsets we rely on are checked by the compiler. The facts and where to check them
 * are in doc/protocol/client.md. Handlers mostly work on the decoded types of
 * client-codec.h; the request header is read in place by the client layer and the
 * session-file loader, which builds requests as liblttng-ctl would.
 */
#ifndef COMMON_WIRE_CLIENT_WIRE_H
#define COMMON_WIRE_CLIENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <lttng/lttng.h>

#include "../macros.h"

#define WIRE_NAME_MAX 255      /* LTTNG_NAME_MAX */
#define WIRE_SYMBOL_NAME_LEN 256 /* LTTNG_SYMBOL_NAME_LEN */
#define WIRE_PATH_MAX 4096     /* PATH_MAX / LTTNG_PATH_MAX */

/* Command ids (doc/protocol/client.md, "Command ids"). Holes are retired commands. */
enum wire_command {
	WIRE_CMD_ADD_CONTEXT = 0,
	WIRE_CMD_DISABLE_CHANNEL = 2,
	WIRE_CMD_DISABLE_EVENT = 3,
	WIRE_CMD_LIST_SYSCALLS = 4,
	WIRE_CMD_ENABLE_CHANNEL = 5,
	WIRE_CMD_ENABLE_EVENT = 6,
	WIRE_CMD_DESTROY_SESSION = 9,
	WIRE_CMD_LIST_CHANNELS = 10,
	WIRE_CMD_LIST_DOMAINS = 11,
	WIRE_CMD_LIST_EVENTS = 12,
	WIRE_CMD_LIST_SESSIONS = 13,
	WIRE_CMD_LIST_TRACEPOINTS = 14,
	WIRE_CMD_REGISTER_CONSUMER = 15,
	WIRE_CMD_START_TRACE = 16,
	WIRE_CMD_STOP_TRACE = 17,
	WIRE_CMD_LIST_TRACEPOINT_FIELDS = 18,
	WIRE_CMD_DISABLE_CONSUMER = 19,
	WIRE_CMD_ENABLE_CONSUMER = 20,
	WIRE_CMD_SET_CONSUMER_URI = 21,
	WIRE_CMD_DATA_PENDING = 24,
	WIRE_CMD_SNAPSHOT_ADD_OUTPUT = 25,
	WIRE_CMD_SNAPSHOT_DEL_OUTPUT = 26,
	WIRE_CMD_SNAPSHOT_LIST_OUTPUT = 27,
	WIRE_CMD_SNAPSHOT_RECORD = 28,
	WIRE_CMD_SAVE_SESSION = 31,
	WIRE_CMD_TRACKER_ADD_INCLUDE_VALUE = 32,
	WIRE_CMD_TRACKER_REMOVE_INCLUDE_VALUE = 33,
	WIRE_CMD_TRACKER_GET_POLICY = 34,
	WIRE_CMD_TRACKER_SET_POLICY = 35,
	WIRE_CMD_TRACKER_GET_INCLUSION_SET = 36,
	WIRE_CMD_SET_SESSION_SHM_PATH = 40,
	WIRE_CMD_REGENERATE_METADATA = 41,
	WIRE_CMD_REGENERATE_STATEDUMP = 42,
	WIRE_CMD_REGISTER_TRIGGER = 43,
	WIRE_CMD_UNREGISTER_TRIGGER = 44,
	WIRE_CMD_ROTATE_SESSION = 45,
	WIRE_CMD_ROTATION_GET_INFO = 46,
	WIRE_CMD_ROTATION_SET_SCHEDULE = 47,
	WIRE_CMD_SESSION_LIST_ROTATION_SCHEDULES = 48,
	WIRE_CMD_CREATE_SESSION_EXT = 49,
	WIRE_CMD_CLEAR_SESSION = 50,
	WIRE_CMD_LIST_TRIGGERS = 51,
	WIRE_CMD_EXECUTE_ERROR_QUERY = 52,
	WIRE_CMD_COUNT = 53,
};

/* struct lttng_session as it travels (public layout, no pointer member). */
struct wire_session {
	char name[WIRE_NAME_MAX];
	char path[WIRE_PATH_MAX];
	uint32_t enabled;
	uint32_t snapshot_mode;
	uint32_t live_timer_interval_us;
	uint8_t alignment_padding[4];
	uint8_t extended[8];
};
_Static_assert(sizeof(struct wire_session) == 4376, "lttng_session is 4376 bytes");
_Static_assert(sizeof(struct wire_session) == sizeof(struct lttng_session), "public layout");
_Static_assert(offsetof(struct wire_session, enabled) == 4352, "enabled offset");

/* Extended session attributes listed after the sessions (LIST_SESSIONS). */
struct wire_session_extended {
	uint64_t creation_time;
	uint8_t creation_time_is_set;
} PACKED;
_Static_assert(sizeof(struct wire_session_extended) == 9, "session extended is 9 bytes");

struct wire_domain {
	int32_t type;     /* enum lttng_domain_type */
	int32_t buf_type; /* enum lttng_buffer_type */
	uint8_t padding[12];
	union {
		int32_t pid;
		char exec_name[WIRE_NAME_MAX];
		uint8_t padding[288];
	} attr;
};
_Static_assert(sizeof(struct wire_domain) == 308, "lttng_domain is 308 bytes");
_Static_assert(sizeof(struct wire_domain) == sizeof(struct lttng_domain), "public layout");

struct wire_uri {
	int32_t dtype; /* IPV4 1, IPV6 2, PATH 3 */
	int32_t utype;
	int32_t stype; /* CONTROL 0, DATA 1 */
	int32_t proto; /* TCP 1 */
	uint16_t port;
	char subdir[WIRE_PATH_MAX];
	union {
		char ipv4[16];
		char ipv6[46];
		char path[WIRE_PATH_MAX];
	} dst;
} PACKED;
_Static_assert(sizeof(struct wire_uri) == 8210, "lttng_uri is 8210 bytes");

enum wire_uri_dst { WIRE_URI_IPV4 = 1, WIRE_URI_IPV6 = 2, WIRE_URI_PATH = 3 };
enum wire_uri_stream { WIRE_URI_CONTROL = 0, WIRE_URI_DATA = 1 };

struct wire_snapshot_output {
	uint32_t id;
	uint64_t max_size;
	char name[WIRE_NAME_MAX];
	char ctrl_url[WIRE_PATH_MAX];
	char data_url[WIRE_PATH_MAX];
} PACKED;
_Static_assert(sizeof(struct wire_snapshot_output) == 8459, "snapshot output is 8459 bytes");

struct wire_save_attr {
	char session_name[WIRE_NAME_MAX];
	char configuration_url[WIRE_PATH_MAX];
	uint8_t overwrite;
	uint8_t omit_name;
	uint8_t omit_output;
} PACKED;
_Static_assert(sizeof(struct wire_save_attr) == 4354, "save attr is 4354 bytes");

struct wire_channel_name_and_length {
	char channel_name[WIRE_SYMBOL_NAME_LEN];
	uint32_t length;
} PACKED;

struct wire_tracker_value {
	int32_t process_attr; /* enum lttng_process_attr */
	int32_t value_type;   /* enum lttng_process_attr_value_type */
	union {
		int64_t _signed;
		uint64_t _unsigned;
	} PACKED integral;
	uint32_t name_len;
} PACKED;

/* The fixed request header every client command starts with. */
struct wire_request {
	uint32_t cmd_type;
	struct wire_session session;
	struct wire_domain domain;
	union {
		struct wire_channel_name_and_length enable;
		struct wire_channel_name_and_length disable;
		struct wire_channel_name_and_length context;
		struct {
			uint32_t length;
		} PACKED channel;
		struct {
			char channel_name[WIRE_SYMBOL_NAME_LEN];
		} PACKED list;
		struct {
			uint32_t size;
		} PACKED uri;
		struct {
			struct wire_snapshot_output output;
		} PACKED snapshot_output;
		struct {
			uint32_t wait;
			struct wire_snapshot_output output;
		} PACKED snapshot_record;
		struct {
			struct wire_save_attr attr;
		} PACKED save_session;
		struct {
			char shm_path[WIRE_PATH_MAX];
		} PACKED set_shm_path;
		struct wire_tracker_value tracker_value;
		struct {
			int32_t process_attr;
			int32_t tracking_policy;
		} PACKED tracker_policy;
		struct {
			uint32_t length;
			uint8_t is_trigger_anonymous;
		} PACKED trigger;
		struct {
			uint32_t length;
		} PACKED error_query;
		struct {
			uint64_t rotation_id;
		} PACKED get_rotation_info;
		struct {
			uint8_t type;
			uint8_t set;
			uint64_t value;
		} PACKED rotation_set_schedule;
		struct {
			uint16_t home_dir_size;
			uint64_t session_descriptor_size;
		} PACKED create_session;
		uint8_t raw[8464];
	} u;
	uint32_t fd_count;
} PACKED;
_Static_assert(sizeof(struct wire_request) == 13156, "request header is 13156 bytes");
_Static_assert(offsetof(struct wire_request, session) == 4, "session offset");
_Static_assert(offsetof(struct wire_request, domain) == 4380, "domain offset");
_Static_assert(offsetof(struct wire_request, u) == 4688, "union offset");
_Static_assert(offsetof(struct wire_request, u.enable.length) == 4944, "enable.length offset");
_Static_assert(offsetof(struct wire_request, u.tracker_value.name_len) == 4704, "name_len");
_Static_assert(offsetof(struct wire_request, u.create_session.session_descriptor_size) == 4690,
	       "descriptor size offset");
_Static_assert(offsetof(struct wire_request, fd_count) == 13152, "fd_count offset");

/* The reply header; cmd_header_size bytes, then data_size bytes follow. */
struct wire_reply {
	uint32_t cmd_type;
	uint32_t ret_code;
	uint32_t pid;
	uint32_t cmd_header_size;
	uint32_t data_size;
	uint32_t fd_count;
} PACKED;
_Static_assert(sizeof(struct wire_reply) == 24, "reply header is 24 bytes");

struct wire_channel {
	uint32_t name_len;
	uint8_t enabled;
	int8_t overwrite; /* -1: decided by the session mode */
	uint64_t subbuf_size;
	uint64_t num_subbuf;
	uint32_t switch_timer_interval;
	uint32_t read_timer_interval;
	uint8_t output; /* SPLICE 0, MMAP 1 */
	uint64_t tracefile_size;
	uint64_t tracefile_count;
	uint32_t live_timer_interval;
	uint64_t discarded_events;
	uint64_t lost_packets;
	uint64_t monitor_timer_interval;
	int64_t blocking_timeout;
} PACKED;
_Static_assert(sizeof(struct wire_channel) == 83, "lttng_channel_comm is 83 bytes");
_Static_assert(offsetof(struct wire_channel, blocking_timeout) == 75, "blocking_timeout");

struct wire_event {
	int8_t event_type;
	int8_t loglevel_type;
	int32_t loglevel;
	int8_t enabled;
	int32_t pid;
	uint32_t flags;
	uint32_t name_len;
	uint32_t exclusion_count;
	uint32_t filter_expression_len;
	uint32_t bytecode_len;
	uint32_t userspace_probe_location_len;
	uint32_t probe_attr_len;
	uint32_t function_attr_len;
} PACKED;
_Static_assert(sizeof(struct wire_event) == 43, "lttng_event_comm is 43 bytes");

/* Header of the filter bytecode blob (lttng_bytecode); len bytes of code follow. */
struct wire_bytecode {
	uint32_t len;
	uint32_t reloc_table_offset;
	uint64_t seqnum;
	uint8_t padding[32];
} PACKED;
_Static_assert(sizeof(struct wire_bytecode) == 48, "bytecode header is 48 bytes");

struct wire_event_field {
	uint8_t type;
	uint8_t nowrite;
	uint32_t name_len;
	uint32_t event_len;
} PACKED;
_Static_assert(sizeof(struct wire_event_field) == 10, "event field comm is 10 bytes");

struct wire_session_descriptor {
	uint8_t type;        /* REGULAR 1, SNAPSHOT 2, LIVE 3 */
	uint8_t output_type; /* NONE 0, LOCAL 1, NETWORK 2 */
	uint32_t name_len;   /* includes NUL; 0 = daemon picks a name */
	uint8_t uri_count;
} PACKED;
_Static_assert(sizeof(struct wire_session_descriptor) == 7, "descriptor header is 7 bytes");

enum wire_descriptor_type {
	WIRE_DESCRIPTOR_REGULAR = 1,
	WIRE_DESCRIPTOR_SNAPSHOT = 2,
	WIRE_DESCRIPTOR_LIVE = 3,
};
enum wire_descriptor_output {
	WIRE_OUTPUT_NONE = 0,
	WIRE_OUTPUT_LOCAL = 1,
	WIRE_OUTPUT_NETWORK = 2,
};

struct wire_rotation_schedules {
	uint8_t periodic_set;
	uint64_t periodic_value;
	uint8_t size_set;
	uint64_t size_value;
} PACKED;
_Static_assert(sizeof(struct wire_rotation_schedules) == 18, "rotation schedules 18 bytes");

/* ROTATION_GET_INFO reply (struct lttng_rotation_get_info_return): the rotation
 * state, then where the last archived chunk is (a local path, or a relay daemon's
 * host, protocol, ports and relative path). */
struct wire_rotation_info {
	int32_t status;       /* enum lttng_rotation_state */
	int8_t location_type; /* enum lttng_trace_archive_location_type */
	union {
		char local_absolute_path[WIRE_PATH_MAX];
		struct {
			char host[256]; /* LTTNG_HOST_NAME_MAX */
			int8_t protocol;
			uint16_t control_port;
			uint16_t data_port;
			char relative_path[WIRE_PATH_MAX];
		} PACKED relay;
	} location;
} PACKED;
_Static_assert(sizeof(struct wire_rotation_info) == 4362, "rotation info reply 4362 bytes");

/* ROTATE_SESSION reply data: the rotation's id, the index of the chunk it archives
 * (T:include/lttng/rotate-internal.h, lttng_rotate_session_return). */
struct wire_rotate_reply {
	uint64_t rotation_id;
} PACKED;
_Static_assert(sizeof(struct wire_rotate_reply) == 8, "rotate reply 8 bytes");

/* A trace archive's location as a DESTROY reply carries it after its rotation state
 * (T:include/lttng/location-internal.h, lttng_trace_archive_location_comm), then
 * the path(s) with their NUL. */
struct wire_archive_location {
	int8_t type; /* enum lttng_trace_archive_location_type: LOCAL 1, RELAY 2 */
	union {
		struct {
			uint32_t absolute_path_len; /* with the NUL */
		} PACKED local;
		struct {
			uint32_t hostname_len;
			int8_t protocol;
			uint16_t control_port, data_port;
			uint32_t relative_path_len;
		} PACKED relay;
	} PACKED types;
} PACKED;
_Static_assert(sizeof(struct wire_archive_location) == 14, "archive location 14 bytes");

struct wire_tracker_set_entry {
	int32_t type;
	union {
		int64_t _signed;
		uint64_t _unsigned;
		uint32_t name_len;
	} PACKED value;
} PACKED;
_Static_assert(sizeof(struct wire_tracker_set_entry) == 12, "tracker set entry 12 bytes");

#endif
