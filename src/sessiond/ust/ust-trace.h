/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space tracing of sessions: what start, stop, destroy and regenerate do to
 * the registered applications and to the consumer daemon, and what a newly
 * registered or departed application means for the active sessions. It chains
 * jobs on the applications' workers and the consumer's worker; every step's result
 * comes back to the loop, which owns the registries (ust-registry.h) and the
 * applications' per-session state.
 */
#ifndef SESSIOND_UST_TRACE_H
#define SESSIOND_UST_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <lttng/ust-ctl.h>

#include "list.h"

struct daemon;
struct session;
struct ust_app;

/* One application's view of one session (a struct ust_app owns a list of them). */
struct ust_app_session {
	struct list_node link;
	uint64_t session_id;
	uint64_t registry_id;
	int handle;                /* the session object in the application, -1: none */
	bool waiting_for_buffers;  /* the registry's buffers are being created */
	bool started;
	struct trace_op *op;       /* the operation waiting for this setup */
	unsigned channel_count;
	struct ust_app_channel {
		uint32_t chan_id;
		int objd;          /* the channel object in the application */
	} *channels;
	unsigned event_count;
	struct ust_app_event {
		const void *rule;  /* the session's struct event_rule it stands for */
		int objd;          /* the event object in the application, -1: none */
	} *events;
};

/* The client's START/STOP/DESTROY are answered (client_server_complete) once the
 * applications and the consumer are done; these return LTTNG_OK when they took the
 * reply over (reply deferred), or an LTTng error code. *deferred tells which. */
/* LTTNG_OK, or why the session cannot record again (its consumer died with its
 * buffers). */
int ust_trace_can_start(struct daemon *d, const struct session *s);
int ust_trace_start(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred);
int ust_trace_stop(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred);
/* The session is already unlinked from the registry; ust-trace frees it. */
int ust_trace_destroy(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred);
/* An event rule or a channel changed state (or was added) in a started session:
 * apply it to the applications already set up. */
void ust_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
			     const void *rule);
void ust_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name);
/* Records a snapshot of the session's buffers into <directory>/ust/...; max_size 0 =
 * everything. The channel directories are made first (as LTTng does, even when the
 * size then proves too small). */
int ust_trace_snapshot(struct daemon *d, struct session *s, const char *directory,
		       uint64_t max_size, uint64_t connection_id, bool *deferred);
/* A tracker of the session changed: an active session starts in applications it now
 * follows and ends in those it no longer follows. */
void ust_trace_trackers_changed(struct daemon *d, struct session *s);
/* Listing the channels of an active session: their counters are read from the
 * consumer first; the reply (count header + channels) is sent when they come back.
 * Returns false (nothing deferred) when the stored counters are current. */
bool ust_trace_list_channels_live(struct daemon *d, struct session *s, uint64_t connection_id);
/* Whether the session has user-space buffers (it recorded, or records, data). */
bool ust_trace_session_has_buffers(struct daemon *d, const struct session *s);
int ust_trace_regenerate_metadata(struct daemon *d, struct session *s);
int ust_trace_regenerate_statedump(struct daemon *d, struct session *s);

/* A registered application: set up the active sessions in it, then call done (its
 * REGISTER_DONE is sent after that, so its first events are recorded). */
void ust_trace_app_ready(struct daemon *d, struct ust_app *app,
			 void (*done)(struct daemon *d, uint64_t app_id));
/* The application is going away: forget its sessions, close its per-PID buffers. */
void ust_trace_app_gone(struct daemon *d, struct ust_app *app);
/* The consumer daemon of that bitness died: the registries whose buffers it held
 * end (their sessions' stop reports it). */
void ust_trace_consumer_died(struct daemon *d, unsigned bits_per_long);
/* Daemon shutdown: queue the metadata the consumer has not written yet, so the
 * traces it closes are readable. */
void ust_trace_shutdown(struct daemon *d);
/* Frees the registries (after the workers are gone). */
void ust_trace_fini(struct daemon *d);
/* Frees an application's per-session state without any I/O (the app is freed). */
void ust_trace_app_forget(struct daemon *d, struct ust_app *app);

/* A notify message received from an application, and the reply to send. */
struct ust_notify_msg {
	enum lttng_ust_ctl_notify_cmd cmd;
	int session_objd, channel_objd, loglevel;
	char name[LTTNG_UST_ABI_SYM_NAME_LEN];
	char *signature, *model_emf_uri;
	struct lttng_ust_ctl_field *fields;
	size_t field_count;
	struct lttng_ust_ctl_enum_entry *entries;
	size_t entry_count;
	/* reply */
	int ret_code;
	uint32_t id;      /* event id or channel id */
	uint64_t enum_id;
	int header_type;
};
/* Answers a registration (fills the reply part; takes the arrays). */
void ust_trace_handle_notify(struct daemon *d, struct ust_app *app, struct ust_notify_msg *msg);
void ust_notify_msg_fini(struct ust_notify_msg *msg);

#endif
