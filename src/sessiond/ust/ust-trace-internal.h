/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the user-space tracing chain share (ust-trace.c, ust-buffers.c,
 * ust-app-setup.c, ust-trace-changes.c, ust-trace-snapshot.c); nothing outside them
 * includes this. Everything here runs on the loop unless it says otherwise.
 */
#ifndef SESSIOND_UST_TRACE_INTERNAL_H
#define SESSIOND_UST_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <lttng/lttng.h>
#include <lttng/ust-ctl.h>

#include "core/operation.h"
#include "model/model.h"
#include "ust/ust-app.h"
#include "consumer/consumer-batch.h"
#include "ust/ust-registry.h"
#include "ust/ust-trace.h"
#include "core/worker.h"

struct daemon;

/* Operations: a client request (or an application's registration) waiting for
 * several jobs. The last job to finish runs the operation's next step. */
enum trace_op_kind {
	TRACE_OP_START,
	TRACE_OP_STOP,
	TRACE_OP_DESTROY,
	TRACE_OP_APP_READY,
	TRACE_OP_BACKGROUND, /* nobody waits */
};

struct trace_op {
	/* Held by every job it waits for; base.code is the first LTTng error. */
	struct operation base;
	enum trace_op_kind kind;
	/* STOP and DESTROY: the applications are done and the consumer's flush ran. */
	bool flushed;
	uint64_t session_id;
	bool to_relay; /* STOP, DESTROY: the session streams to a relay daemon */
	bool relay_archive; /* DESTROY: its last chunk is archived there (it rotated) */
	/* The operation waiting for this one (a client's command), held until the
	 * end; NULL for an application's registration or background work. */
	struct operation *waiter;
	uint64_t app_id;   /* TRACE_OP_APP_READY */
	void (*app_done)(struct daemon *d, uint64_t app_id);
};


/* What a phase-1 job hands an application: copies, owned by the job, so that the
 * worker never touches the loop's objects. */
struct setup_channel {
	uint32_t chan_id;
	bool enabled;
	char name[LTTNG_SYMBOL_NAME_LEN]; /* for messages */
	/* A context the application refused (e.g. a hardware counter without a PMU):
	 * as LTTng, the later contexts and the channel's events are not set up at
	 * start (events enabled later are, with the contexts it took). Unlike 2.13.9,
	 * which stops at that channel, the session's other channels are set up.
	 * 0, or the error and which context. */
	int context_error;
	unsigned failed_context;
	struct lttng_ust_abi_object_data *channel;
	struct lttng_ust_abi_object_data **streams;
	unsigned stream_count;
	unsigned context_count;
	struct lttng_ust_context_attr *contexts;
	int objd;
};

struct setup_event {
	unsigned channel;
	bool enabled;
	const struct event_rule *rule;
	int objd;
	struct lttng_ust_abi_event attr;
	struct lttng_ust_abi_filter_bytecode *filter;
	struct lttng_ust_abi_event_exclusion *exclusion;
};

struct app_setup_job {
	struct worker_job base;
	uint64_t app_id;
	uint64_t session_id;
	int sock;
	int result;
	bool start;  /* phase 2 */
	bool stop;
	bool release;
	bool statedump;
	int handle;
	unsigned channel_count, event_count;
	struct setup_channel *channels;
	struct setup_event *events;
};


/* ust-trace.c: operations. An operation holds a reference per job it waits for;
 * the last release runs its next step. */
struct trace_op *op_new(enum trace_op_kind kind, struct operation *waiter, uint64_t session_id);
void op_hold(struct trace_op *op);
void op_release(struct daemon *d, struct trace_op *op);
/* Records an LTTng error on the operation (the first one is kept). */
void op_fail(struct trace_op *op, int code);

/* ust-trace.c: lookups (NULL when gone) and the session's rules. */
struct session *session_by_id(struct daemon *d, uint64_t id);
/* Removes a destroyed registry's --shm-path directories as far as they are empty
 * (ust-shm.c). */
void registry_shm_cleanup(struct daemon *d, const struct ust_registry *reg);
/* The same at once, on this thread: the daemon's shutdown, its consumers gone. */
void registry_shm_cleanup_now(const struct ust_registry *reg);
struct ust_registry *registry_by_id(struct daemon *d, uint64_t id);
struct ust_registry_channel *registry_channel_by_id(struct ust_registry *reg, uint32_t id);
struct ust_app_session *app_session_find(struct ust_app *app, uint64_t session_id);
const struct channel *channel_of(const struct session *s, const char *name);
void app_session_free(struct ust_app_session *as);
/* LTTng's rule for which counter a channel reports: lost packets when it
 * overwrites, discarded events otherwise. */
bool channel_overwrites(const struct session *s, const struct channel *c);
/* The session's trackers let this application in. */
bool session_follows_app(const struct session *s, const struct ust_app *app);
/* The session records user-space events (it has user-space channels). */
bool session_records_ust(const struct session *s);

/* ust-buffers.c: registries and their buffers in the consumer daemon. */
struct ust_registry *registry_find_for(struct daemon *d, const struct session *s,
				       const struct ust_app *app);
/* Creates the registry and asks the consumer for its buffers; NULL on failure. */
struct ust_registry *registry_create(struct daemon *d, struct session *s, struct ust_app *app);
/* Adds the registry's unsent metadata to a batch, or to a batch of its own when
 * into is NULL. */
int registry_queue_push(struct daemon *d, struct ust_registry *reg, struct consumer_batch *into);

/* ust-app-setup.c: a session in one application. */
void app_session_begin(struct daemon *d, struct ust_app *app, struct session *s,
		       struct trace_op *op);
void app_session_abandon(struct daemon *d, struct ust_app_session *as, int error);
/* The setup of a session in an application succeeded: resync, then release. */
void app_session_settled(struct daemon *d, struct ust_app *app, struct ust_app_session *as);

/* ust-trace-changes.c: brings a session that was set up in an application while
 * rules, channels or trackers changed up to date. Returns true when the session
 * ended in that application (as was freed, its operation released). */
bool app_session_resync(struct daemon *d, struct ust_app *app, struct ust_app_session *as);
void app_setup_submit(struct daemon *d, struct ust_app *app, struct ust_app_session *as);
struct app_setup_job *setup_job_new(struct ust_app *app, uint64_t session_id);
int event_to_ust(const struct event_rule *rule, unsigned channel, struct setup_event *out);
/* Worker side: creates the event in the application's channel, with its filter,
 * exclusions and enable state. */
int setup_event_in_app(int sock, struct setup_channel *c, struct setup_event *e);


#endif
