/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace registries: what one trace (a per-UID buffer set, or one application's
 * per-PID buffers) is made of, as the applications describe it on their notify
 * sockets: channel ids, event ids, enums, and the CTF metadata text built from
 * them. Owned by the loop; applications' messages reach it through their notify
 * workers (ust-app.c), replies go back the same way.
 */
#ifndef SESSIOND_UST_REGISTRY_H
#define SESSIOND_UST_REGISTRY_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <lttng/ust-ctl.h>

#include "buffer.h"
#include "list.h"
#include "ust/ust-metadata.h"

struct ust_registry_event {
	struct list_node link;
	char name[LTTNG_UST_ABI_SYM_NAME_LEN];
	int loglevel;
	char *signature;
	struct lttng_ust_ctl_field *fields;
	size_t field_count;
	char *model_emf_uri;
	uint32_t id;
};

struct ust_registry_enum {
	struct list_node link;
	char name[LTTNG_UST_ABI_SYM_NAME_LEN];
	struct lttng_ust_ctl_enum_entry *entries;
	size_t entry_count;
	uint64_t id;
};

enum ust_registry_channel_state {
	REGISTRY_CHANNEL_NEW,      /* buffers not asked for yet */
	REGISTRY_CHANNEL_CREATING, /* the consumer is creating them */
	REGISTRY_CHANNEL_READY,    /* objects held, can be handed to applications */
	REGISTRY_CHANNEL_FAILED,
};

struct ust_registry_channel {
	struct list_node link;
	char name[LTTNG_UST_ABI_SYM_NAME_LEN];
	uint32_t chan_id;
	uint64_t consumer_key;
	enum ust_registry_channel_state state;
	/* From the first CHANNEL registration. */
	bool registered;
	int header_type;
	struct lttng_ust_ctl_field *context_fields;
	size_t context_field_count;
	struct list_node events; /* struct ust_registry_event */
	uint32_t next_event_id;
	/* The consumer's objects, duplicated for each application. */
	struct lttng_ust_abi_object_data *channel_object;
	struct lttng_ust_abi_object_data **stream_objects;
	unsigned stream_count;
	uint64_t discarded_events, lost_packets; /* last read from the consumer */
};

struct ust_registry {
	struct list_node link;
	uint64_t id;
	uint64_t session_id;
	bool per_pid;
	uid_t uid;            /* per-UID key, and owner of per-PID registries' app */
	uint32_t bits_per_long;
	uint64_t app_id;      /* per-PID: the application */
	char relative_path[PATH_MAX]; /* ust/uid/<uid>/<bits>-bit or ust/pid/<name>-<pid>-<date> */
	char directory[PATH_MAX]; /* absolute channel directory; "" when the session has
				   * no continuous output (snapshot sessions) */
	struct ust_metadata_session meta;
	char *procname, *session_name, *hostname, *clock_uuid; /* meta's strings, owned */
	char *clock_name, *clock_description;
	struct buffer metadata;   /* the whole TSDL text */
	size_t metadata_pushed;   /* how much the consumer has been sent */
	bool metadata_reset;      /* the next push replaces the file (regenerate) */
	uint64_t metadata_key;
	bool metadata_created;    /* the consumer has the metadata file */
	struct list_node channels; /* struct ust_registry_channel, chan_id order */
	struct list_node enums;    /* struct ust_registry_enum */
	uint64_t next_enum_id;
	bool failed;               /* the consumer could not create its buffers */
	bool consumer_lost;        /* the consumer died with the buffers: trace ended */
	bool files_closed;         /* a rotation closed its files, none opened since */
	uint64_t chunk_index;      /* the session's trace chunk its files were opened in */
	/* --shm-path: the registry's directory there (ring buffers, metadata copy), the
	 * session's shm root above it, and whose they are; NULL without. */
	char *shm_dir, *shm_root;
	uid_t shm_uid;
	gid_t shm_gid;
};

struct ust_registry *ust_registry_new(uint64_t id, uint64_t session_id, bool per_pid);
void ust_registry_free(struct ust_registry *reg);
/* A per-PID registry once its application holds its buffers: our copies of their
 * objects (shared memory and wake-up pipes, five descriptors per channel and CPU
 * pair) are closed; nothing else needs them. */
void ust_registry_drop_objects(struct ust_registry *reg);
struct ust_registry_channel *ust_registry_channel_add(struct ust_registry *reg, const char *name);
struct ust_registry_channel *ust_registry_channel_find(struct ust_registry *reg, const char *name);
/* Generates the metadata header once meta is filled. 0 or -errno. */
int ust_registry_start_metadata(struct ust_registry *reg);
/* Regenerates the whole metadata text (header, streams, events) for `regenerate
 * metadata`; the next push replaces the file. */
int ust_registry_regenerate_metadata(struct ust_registry *reg);

/* Notify registrations. Each returns the reply's ret_code (0 or a negative errno)
 * and fills the id/type the application gets. They take ownership of the arrays. */
int ust_registry_register_channel(struct ust_registry *reg, struct ust_registry_channel *chan,
				  struct lttng_ust_ctl_field *fields, size_t count,
				  int *header_type);
int ust_registry_register_event(struct ust_registry *reg, struct ust_registry_channel *chan,
				const char *name, int loglevel, char *signature,
				struct lttng_ust_ctl_field *fields, size_t count, char *model_emf_uri,
				uint32_t *event_id);
int ust_registry_register_enum(struct ust_registry *reg, const char *name,
			       struct lttng_ust_ctl_enum_entry *entries, size_t count,
			       uint64_t *enum_id);

#endif
