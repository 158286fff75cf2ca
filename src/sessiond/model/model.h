/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tracing model: sessions, their domains, channels, event rules, contexts,
 * trackers and snapshot outputs. Pure state owned by the daemon loop; no I/O here.
 * Listing order is creation order throughout.
 */
#ifndef SESSIOND_MODEL_H
#define SESSIOND_MODEL_H

#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "list.h"
#include "core/domain-index.h"
#include "wire/client-codec.h"

#define SESSION_NAME_MAX 255
#define CHANNEL_NAME_MAX 256

struct event_rule {
	struct list_node link;
	struct decoded_event spec; /* spec.enabled is the rule's state */
};

struct context_spec {
	struct list_node link;
	struct decoded_context ctx;
};

struct channel {
	struct list_node link;
	char name[CHANNEL_NAME_MAX];
	bool enabled;
	struct channel_attr attr;
	struct list_node events;   /* struct event_rule */
	struct list_node contexts; /* struct context_spec */
	uint64_t discarded_events;
	uint64_t lost_packets;
	/* Per-PID buffers end with their application; their last counts stay here. */
	uint64_t closed_discarded_events;
	uint64_t closed_lost_packets;
};

enum tracker_attr {
	TRACKER_PID = 0, /* values of enum lttng_process_attr */
	TRACKER_VPID = 1,
	TRACKER_UID = 2,
	TRACKER_VUID = 3,
	TRACKER_GID = 4,
	TRACKER_VGID = 5,
	TRACKER_COUNT = 6,
};

struct tracker_value {
	struct list_node link;
	int type;         /* enum lttng_process_attr_value_type */
	int64_t integral; /* pid, uid or gid */
	char *name;       /* user or group name, owned */
	/* A name's uid or gid, resolved when it was added (as LTTng does): what
	 * processes are matched against. */
	int64_t resolved_id;
};

struct tracker {
	int policy;             /* enum lttng_tracking_policy */
	struct list_node values; /* struct tracker_value */
};

struct domain {
	bool exists;
	int type;        /* enum lttng_domain_type */
	int buffer_type; /* enum lttng_buffer_type */
	bool buffer_type_fixed;
	bool has_named_channel; /* a channel was named: event commands then need -c */
	struct list_node channels; /* struct channel */
	struct tracker trackers[TRACKER_COUNT];
};

struct snapshot_output {
	struct list_node link;
	uint32_t id;
	uint64_t max_size; /* 0 = unlimited */
	char name[SESSION_NAME_MAX];
	struct wire_uri uris[2];
	uint32_t uri_count;
	char ctrl_url[PATH_MAX]; /* printable: a plain path, or tcp4://host:port/subdir */
	char data_url[PATH_MAX];
};

/* Where one snapshot record goes: a local directory, or a relay daemon (the output's
 * URLs), where the record is the trace chunk record_name below the output. */
struct snapshot_dest {
	const char *directory; /* local: the record's directory; NULL: a relay daemon */
	const struct snapshot_output *output;
	const char *record_name; /* "<output name>-<datetime>-<n>" */
};

/* Trace chunks (LTTng's rotation): the files a local session records go to its
 * current chunk, the output root itself until the first rotation, then
 * <root>/<begin>-<index>; a rotation archives the chunk as
 * <root>/archives/<begin>-<end>-<index> (doc/protocol/rotation.md). */
struct session_chunks {
	char dir[PATH_MAX];   /* the current chunk; "" = the output root */
	uint64_t index;       /* of the current chunk (of the next, while closed) */
	time_t begin;         /* when the current chunk began */
	bool closed;          /* rotated while inactive: no chunk until the next start */
	bool rotated;         /* at least one rotation: destroy archives the last chunk */
	bool rotated_after_stop;
	bool cleared_after_stop;
	bool clearing;		  /* a clear is under way */
	bool archived_at_destroy; /* the destroy archived the last chunk */
	int state;            /* enum lttng_rotation_state of the last rotation */
	uint64_t last_id;     /* the index of the chunk it archived */
	char last_archive[PATH_MAX];
	void *timer; /* sd_event_source of the periodic rotation schedule, while it runs */
	void *size_timer;	 /* sd_event_source of the size schedule's checks */
	uint64_t size_threshold; /* bytes written by the consumers that rotate next */
	/* Streaming sessions: what the relay daemon does with the chunk a rotation
	 * closes (enum consumer_chunk_close: archive it, or delete it for a clear),
	 * and whether the last archive's path is on the relay daemon. */
	int relay_close_command;
	uint64_t relay_closing_id; /* the chunk the rotation or clear closes there */
	bool last_archive_on_relay;
};

enum session_output {
	SESSION_OUTPUT_NONE,
	SESSION_OUTPUT_LOCAL,
	SESSION_OUTPUT_NETWORK,
};

struct session {
	struct list_node link;
	uint64_t id;
	char name[SESSION_NAME_MAX];
	bool auto_named;
	uid_t uid;
	gid_t gid;
	time_t creation_time;
	enum session_output output;
	char output_path[PATH_MAX]; /* local output root, or the net:// description */
	struct wire_uri uris[2];    /* the output as the client gave it */
	uint32_t uri_count;
	bool snapshot_mode;
	uint64_t live_timer_us;
	bool relay_reached; /* its relay daemon answered a domain command's probe */
	bool relay_configured;    /* a consumer's connection told what the relay allows */
	bool relay_allows_clear;
	bool active;
	bool has_been_started;
	bool start_pending; /* a first start is making the output directories */
	struct domain domains[DOMAIN_INDEX_COUNT]; /* by enum domain_index */
	struct list_node snapshot_outputs; /* struct snapshot_output */
	uint32_t next_snapshot_output_id;
	uint32_t snapshot_count; /* records taken, numbers the record directories */
	bool rotate_periodic_set;
	uint64_t rotate_periodic_us;
	bool rotate_size_set;
	uint64_t rotate_size_bytes;
	char shm_path[PATH_MAX];
	struct session_chunks chunks;
};

struct session_registry {
	struct list_node sessions; /* struct session */
	struct list_node destroying; /* struct session: destroyed, their ends under way */
	uint64_t next_id;
};

void session_registry_init(struct session_registry *reg);
void session_registry_fini(struct session_registry *reg);
/* An empty registry (NULL on out-of-memory), and its end with every session in it. */
struct session_registry *session_registry_new(void);
struct session_registry *session_registry_free(struct session_registry *reg);
struct session *session_find(struct session_registry *reg, const char *name);
struct session *session_find_by_id(struct session_registry *reg, uint64_t id);
/* A destroyed session whose trace is still being ended (its destroy not answered). */
struct session *session_find_destroying(struct session_registry *reg, uint64_t id);
/* Where the session's trace files go now: its current chunk's directory. */
const char *session_trace_dir(const struct session *s);
/* Allocates a session and appends it; name is copied. NULL on out-of-memory. */
struct session *session_add(struct session_registry *reg, const char *name, uid_t uid,
			    gid_t gid);
void session_free(struct session *session);

void domain_init(struct domain *domain, int type);
/* Sets a snapshot output's URIs and their printable forms. */
void snapshot_output_set_uris(struct snapshot_output *o, const struct wire_uri *uris,
			      uint32_t count);
/* Whether the session's traces go to a relay daemon (not a snapshot session). */
bool session_streams_to_relay(const struct session *s);
/* A streaming session's control and data URLs (its two URIs, in either order). */
const struct wire_uri *session_control_uri(const struct session *s);
const struct wire_uri *session_data_uri(const struct session *s);
/* The numeric host of a network URI. */
void uri_host_string(const struct wire_uri *uri, char *dst, size_t size);
/* Whether the output is a relay daemon's (net:// or tcp:// URLs). */
bool snapshot_output_is_relay(const struct snapshot_output *o);
/* Printable form of an output URI: a plain path, or tcp4://host:port/subdir as
 * LTTng prints network outputs. */
void uri_to_display(const struct wire_uri *uri, char *dst, size_t size);
struct domain *session_domain(struct session *session, int domain_type);
struct channel *domain_find_channel(struct domain *domain, const char *name);
struct channel *channel_new(const char *name, const struct channel_attr *attr);
/* LTTng's default channel attributes for a domain and buffer type
 * (doc/protocol/client.md); the smallest sub-buffer is a page. */
void channel_default_attr(int domain_type, int buffer_type, struct channel_attr *ret_attr);
uint64_t channel_min_subbuf_size(void);
struct event_rule *channel_find_event(struct channel *channel, const struct decoded_event *spec);
/* Tracker index for a process attribute in a domain, or -1 when the domain has no
 * such tracker (UST only tracks the virtual attributes). */
int tracker_index(const struct domain *domain, int process_attr);
struct tracker_value *tracker_find(struct tracker *tracker, int type, int64_t integral,
				   const char *name);
void tracker_clear(struct tracker *tracker);

#endif
