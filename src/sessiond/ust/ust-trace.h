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

struct consumer_death_subscription;
struct consumed_query;
struct daemon;
struct event_rule;
struct operation;
struct session;
struct tracer_domain;
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
	/* A rule, channel or tracker changed while the setup was in flight: once it
	 * settles, the application is brought up to the session's current state. */
	bool resync;
	unsigned channel_count;
	struct ust_app_channel {
		uint32_t chan_id;
		int objd;          /* the channel object in the application */
		bool enabled;      /* as last asked of the application */
	} *channels;
	unsigned event_count;
	struct ust_app_event {
		const struct event_rule *rule; /* the session's rule it stands for */
		int objd;          /* the event object in the application, -1: none */
		bool enabled;      /* as last asked of the application */
	} *events;
};

/* The user-space tracer domain (domain/domain.h), for main.c to install. */
extern const struct tracer_domain ust_tracer_domain;

/* ust-events.c: event rules and contexts under LTTng's user-space rules. */
struct event_request;
struct decoded_event;
struct decoded_context;
enum lttng_error_code ust_enable_event(const struct event_request *req, struct decoded_event *ev);
enum lttng_error_code ust_disable_event(const struct event_request *req, const struct decoded_event *ev);
enum lttng_error_code ust_add_context(const struct event_request *req, struct decoded_context *dc);

/* What start, stop, destroy and snapshot launch holds the waiter until it ends
 * (applications and consumer daemons done); an LTTng code for what fails at once. */
enum lttng_error_code ust_trace_can_start(struct daemon *d, const struct session *s);
enum lttng_error_code ust_trace_start(struct daemon *d, struct session *s, struct operation *waiter);
enum lttng_error_code ust_trace_stop(struct daemon *d, struct session *s, struct operation *waiter);
/* The session is already unlinked from the registry; the waiter's owner frees it. */
enum lttng_error_code ust_trace_destroy(struct daemon *d, struct session *s, struct operation *waiter);
/* An event rule or a channel changed state (or was added) in a started session:
 * apply it to the applications already set up. */
void ust_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
			     const struct event_rule *rule);
void ust_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name);
/* Records a snapshot of the session's buffers into <directory>/ust/...; max_size 0 =
 * everything. The channel directories are made first (as LTTng does, even when the
 * size then proves too small). */
/* Finishes the session's trace files (every registry's channels and metadata) and,
 * with a chunk directory, starts them anew below it (domain.h, rotate). */
enum lttng_error_code ust_trace_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
				       struct operation *waiter);
/* Discards what the session's user-space buffers hold unwritten (consumer CLEAR). */
enum lttng_error_code ust_trace_clear_buffers(struct daemon *d, struct session *s,
					      struct operation *waiter);
/* Adds to q->total what the session's user-space consumers wrote (SESSION_CONSUMED). */
enum lttng_error_code ust_trace_consumed_size(struct daemon *d, struct session *s,
					      struct consumed_query *q);
enum lttng_error_code ust_trace_snapshot(struct daemon *d, struct session *s,
					 const struct snapshot_dest *dest, uint64_t max_size,
					 struct operation *waiter);
/* A tracker of the session changed: an active session starts in applications it now
 * follows and ends in those it no longer follows. */
void ust_trace_trackers_changed(struct daemon *d, struct session *s);
/* An active session's channel counters are read from the consumer into the model. */
enum lttng_error_code ust_trace_refresh_stats(struct daemon *d, struct session *s, struct operation *waiter);
/* Whether the session has user-space buffers (it recorded, or records, data). */
bool ust_trace_session_has_buffers(struct daemon *d, const struct session *s);
enum lttng_error_code ust_trace_regenerate_metadata(struct daemon *d, struct session *s);
enum lttng_error_code ust_trace_regenerate_statedump(struct daemon *d, struct session *s);

/* A registered application: set up the active sessions in it, then call done (its
 * REGISTER_DONE is sent after that, so its first events are recorded). */
void ust_trace_app_ready(struct daemon *d, struct ust_app *app,
			 void (*done)(struct daemon *d, uint64_t app_id));
/* The application is going away: forget its sessions, close its per-PID buffers. */
void ust_trace_app_gone(struct daemon *d, struct ust_app *app);
/* The consumer daemon of that bitness died: the registries whose buffers it held
 * end (their sessions' stop reports it). */
void ust_trace_consumer_died(struct daemon *d, struct consumer_death_subscription *sub,
			     const struct consumer_supervisor *cs);
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
