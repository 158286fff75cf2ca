/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space tracing, the operations: start, stop, destroy and regenerate of a
 * session across its applications and the consumer daemons, applications coming and
 * going, their registrations on the notify socket, the live counters of a listing.
 * The rest of the chain: ust-buffers.c (registries and buffers), ust-app-setup.c
 * (a session in one application), ust-trace-changes.c (changes while recording),
 * ust-trace-snapshot.c; what they share is in ust-trace-internal.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "ust/ust-trace-internal.h"

/* ------------------------------------------------------------------------- */
/* Operations: a client request (or an application's registration) waiting for */
/* several jobs. The last job to finish runs the operation's next step.        */

static void flush_registries(struct daemon *d, struct trace_op *op);
static void op_next(struct daemon *d, struct operation *base);

struct trace_op *op_new(enum trace_op_kind kind, struct operation *waiter, uint64_t session_id)
{
	struct trace_op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	/* One hold: the caller's, dropped by op_release() once every step is launched. */
	operation_init(&op->base, op_next);
	op->kind = kind;
	op->session_id = session_id;
	op->waiter = waiter;
	if (waiter)
		operation_hold(waiter);
	return op;
}

void op_hold(struct trace_op *op)
{
	operation_hold(&op->base);
}

void op_release(struct daemon *d, struct trace_op *op)
{
	if (op)
		operation_release(d, &op->base);
}

void op_fail(struct trace_op *op, int code)
{
	operation_fail(&op->base, code);
}

/* The operation ends: its waiter learns the outcome. */
static void op_end(struct daemon *d, struct trace_op *op)
{
	if (op->waiter)
		operation_step_done(d, op->waiter, op->base.code);
	free(op);
}

/* Only the caller holds the operation: nothing was launched. */
static bool op_launched_nothing(const struct trace_op *op)
{
	return op->base.holders == 1;
}

/* ------------------------------------------------------------------------- */
/* Lookups.                                                                   */

const struct channel *channel_of(const struct session *s, const char *name)
{
	const struct channel *c;

	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* LTTng's rule: overwrite channels lose whole packets, discard channels events. */
bool channel_overwrites(const struct session *s, const struct channel *c)
{
	return c->attr.overwrite == 1 || (c->attr.overwrite < 0 && s->snapshot_mode);
}

struct session *session_by_id(struct daemon *d, uint64_t id)
{
	return session_find_by_id(d->sessions, id);
}

struct ust_registry *registry_by_id(struct daemon *d, uint64_t id)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link)
		if (reg->id == id)
			return reg;
	return NULL;
}

struct ust_registry_channel *registry_channel_by_id(struct ust_registry *reg, uint32_t id)
{
	struct ust_registry_channel *chan;

	list_for_each_entry(chan, &reg->channels, link)
		if (chan->chan_id == id)
			return chan;
	return NULL;
}

struct ust_app_session *app_session_find(struct ust_app *app, uint64_t session_id)
{
	struct ust_app_session *as;

	list_for_each_entry(as, &app->sessions, link)
		if (as->session_id == session_id)
			return as;
	return NULL;
}

void app_session_free(struct ust_app_session *as)
{
	list_remove(&as->link);
	free(as->channels);
	free(as->events);
	free(as);
}

/* ------------------------------------------------------------------------- */
/* Trackers: does the session's user-space domain follow this application?    */

/* Names were resolved when they were tracked: no look-up here. */
static bool tracker_value_matches(const struct tracker_value *v, int64_t id)
{
	switch (v->type) {
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_PID:
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_UID:
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_GID:
		return v->integral == id;
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME:
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME:
		return v->resolved_id == id;
	default:
		return false;
	}
}

static bool tracker_allows(const struct tracker *t, int64_t id)
{
	const struct tracker_value *v;

	if (t->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL)
		return true;
	if (t->policy == LTTNG_TRACKING_POLICY_EXCLUDE_ALL)
		return false;
	list_for_each_entry(v, &t->values, link)
		if (tracker_value_matches(v, id))
			return true;
	return false;
}

bool session_follows_app(const struct session *s, const struct ust_app *app)
{
	const struct domain *dom = &s->domains[DOMAIN_INDEX_UST];

	return tracker_allows(&dom->trackers[TRACKER_VPID], app->pid) &&
	       tracker_allows(&dom->trackers[TRACKER_VUID], app->uid) &&
	       tracker_allows(&dom->trackers[TRACKER_VGID], app->gid);
}

/* Sessions whose user-space data this daemon records: to local disk or to a relay
 * daemon as it comes, or kept in the buffers for snapshots (no output). Snapshot
 * sessions whose output is a relay daemon are not recorded yet. */
bool session_records_ust(const struct session *s)
{
	return s->domains[DOMAIN_INDEX_UST].exists &&
	       (s->output != SESSION_OUTPUT_NETWORK || session_streams_to_relay(s)) &&
	       !list_is_empty(&s->domains[DOMAIN_INDEX_UST].channels);
}

/* ------------------------------------------------------------------------- */
/* Client operations.                                                         */

static bool registry_has_session(struct daemon *d, uint64_t session_id)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link)
		if (reg->session_id == session_id)
			return true;
	return false;
}

enum lttng_error_code ust_trace_can_start(struct daemon *d, const struct session *s)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != s->id || !reg->consumer_lost)
			continue;
		log_error("Session \"%s\" lost its buffers with its consumer daemon; its trace "
			  "ended there. Destroy it and create it again to record.", s->name);
		return LTTNG_ERR_UST_START_FAIL;
	}
	return LTTNG_OK;
}

/* The session exists on the relay daemon once `lttng start` answers (a live viewer
 * may attach before any application registers). */
static void relay_opened(struct daemon *d, struct consumer_batch *b)
{
	int code = consumer_batch_failed(b, "Connection to lttng-relayd")
			   ? LTTNG_ERR_RELAYD_CONNECT_FAIL
			   : LTTNG_OK;

	consumer_relay_take_config(d, b);
	operation_step_done(d, b->waiter, code);
}

static void open_relay(struct daemon *d, struct session *s, struct trace_op *op)
{
	struct consumer_batch *b = consumer_batch_new(relay_opened, s->id, &op->base);

	if (!b) {
		op_fail(op, LTTNG_ERR_NOMEM);
		return;
	}
	consumer_batch_target(b, 64);
	if (consumer_relay_add_open(d, s, b) < 0) {
		consumer_batch_free(b);
		op_fail(op, LTTNG_ERR_NOMEM);
		return;
	}
	(void) consumer_batch_submit_held(d, b);
}

enum lttng_error_code ust_trace_start(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct trace_op *op;
	struct ust_app *app;

	if (!d->apps || !session_records_ust(s))
		return LTTNG_OK;
	op = op_new(TRACE_OP_START, waiter, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	if (session_streams_to_relay(s))
		open_relay(d, s, op);
	list_for_each_entry(app, &d->apps->apps, link)
		if (app->state == UST_APP_READY)
			app_session_begin(d, app, s, op);
	op_release(d, op);
	return LTTNG_OK;
}

static void stop_apps(struct daemon *d, struct session *s)
{
	struct ust_app *app;

	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		struct app_setup_job *j;

		/* Started, or its start is already queued (it runs before this stop). */
		if (!as || as->handle < 0 || (!as->started && !as->op))
			continue;
		j = setup_job_new(app, s->id);
		if (!j)
			continue;
		j->stop = true;
		j->handle = as->handle;
		as->started = false;
		worker_queue_submit(app->queue, &j->base);
	}
}

struct op_marker_job {
	struct worker_job base;
	struct trace_op *op;
};

static void marker_run(struct worker_job *job)
{
}

static void marker_done(struct daemon *d, struct worker_job *job)
{
	struct op_marker_job *m = (struct op_marker_job *) job;

	op_release(d, m->op);
	free(m);
}

/* The operation continues once every application's queue has passed this point. */
static void wait_for_app_queues(struct daemon *d, uint64_t session_id, struct trace_op *op)
{
	struct ust_app *app;

	list_for_each_entry(app, &d->apps->apps, link) {
		struct op_marker_job *m;

		if (!app_session_find(app, session_id))
			continue;
		m = calloc(1, sizeof(*m));
		if (!m)
			continue;
		m->base.run = marker_run;
		m->base.done = marker_done;
		m->op = op;
		op_hold(op);
		worker_queue_submit(app->queue, &m->base);
	}
}

enum lttng_error_code ust_trace_stop(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct trace_op *op;

	if (!d->apps || !registry_has_session(d, s->id))
		return LTTNG_OK;
	op = op_new(TRACE_OP_STOP, waiter, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	op->to_relay = session_streams_to_relay(s);
	stop_apps(d, s);
	wait_for_app_queues(d, s->id, op);
	if (op_launched_nothing(op))
		flush_registries(d, op);
	else
		op_release(d, op);
	return LTTNG_OK;
}

/* After the applications stopped: last metadata, final flush of every channel and
 * their counters (STOP), or also the channels' end (DESTROY). */
static void flush_done(struct daemon *d, struct consumer_batch *b);

/* What ending a registry asks of the consumer, after its last metadata:
 * FLUSH: final flush and counters of every channel (stop);
 * DESTROY: every channel and the metadata file closed (destroy);
 * FLUSH_DESTROY: both (the application of per-PID buffers exited).
 * Channels still being created (their request is ahead in the consumer's queue) or
 * of a registry whose creation partly failed are included; unknown keys are
 * answered -ENOENT. */
enum registry_end {
	REGISTRY_END_FLUSH = 1,
	REGISTRY_END_DESTROY = 2,
	REGISTRY_END_FLUSH_DESTROY = 3,
};

static void add_key_op(struct consumer_batch *b, enum consumer_op_type type, uint64_t key)
{
	struct consumer_op *op = consumer_batch_add(b, type);

	if (op)
		op->in.key = key;
}

static void registry_end_ops(struct daemon *d, struct consumer_batch *b, struct ust_registry *reg,
			     enum registry_end what)
{
	struct ust_registry_channel *rc;

	(void) registry_queue_push(d, reg, b);
	consumer_batch_target(b, reg->bits_per_long);
	list_for_each_entry(rc, &reg->channels, link) {
		if (rc->state == REGISTRY_CHANNEL_NEW)
			continue;
		if (what & REGISTRY_END_FLUSH) {
			/* A final flush writes a packet even into an empty buffer: not for a
			 * channel no application registered (its application failed or went
			 * before its start), whose stream class the metadata does not
			 * declare and which holds no event. */
			if (rc->registered)
				add_key_op(b, CONSUMER_OP_FLUSH, rc->consumer_key);
			add_key_op(b, CONSUMER_OP_STATS, rc->consumer_key);
		}
		if (what & REGISTRY_END_DESTROY)
			add_key_op(b, CONSUMER_OP_DESTROY, rc->consumer_key);
	}
	/* The metadata too: a flush answers whether its file could still be written. */
	if ((what & REGISTRY_END_FLUSH) && reg->metadata_created)
		add_key_op(b, CONSUMER_OP_FLUSH, reg->metadata_key);
	if ((what & REGISTRY_END_DESTROY) && reg->metadata_created)
		add_key_op(b, CONSUMER_OP_DESTROY, reg->metadata_key);
}

/* The operation's last step (it is not held any more): the consumer's flush. */
static void flush_registries(struct daemon *d, struct trace_op *op)
{
	bool destroy = op->kind == TRACE_OP_DESTROY;
	struct consumer_batch *b = consumer_batch_new(flush_done, op->session_id, &op->base);
	struct ust_registry *reg;
	unsigned bits_mask = 0; /* 1: a 32-bit registry, 2: a 64-bit one */

	if (!b) {
		op->flushed = true; /* nothing flushed, answer anyway */
		op_next(d, &op->base);
		return;
	}
	b->stop_on_error = false;
	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != op->session_id)
			continue;
		if (reg->consumer_lost) {
			/* Nothing left to flush: say so to whoever stops the session. */
			if (!destroy)
				op_fail(op, LTTNG_ERR_UST_STOP_FAIL);
			continue;
		}
		registry_end_ops(d, b, reg, destroy ? REGISTRY_END_DESTROY : REGISTRY_END_FLUSH);
		if (bits_mask & (reg->bits_per_long / 32u))
			continue;
		bits_mask |= reg->bits_per_long / 32u;
	}
	/* A session streamed to a relay daemon: everything is there (on its disk) when
	 * the stop or destroy answers, and a destroy ends the connections. */
	for (unsigned bits = 32; op->to_relay && bits <= 64; bits += 32) {
		if (!(bits_mask & (bits / 32u)))
			continue;
		consumer_batch_target(b, bits);
		if (consumer_relay_add_sync(b, op->session_id) < 0 ||
		    (destroy && consumer_relay_add_close(b, op->session_id, op->relay_archive) < 0))
			op_fail(op, LTTNG_ERR_NOMEM);
	}
	consumer_batch_submit(d, b);
}

static void record_stats(struct daemon *d, uint64_t session_id, uint64_t key, uint64_t discarded,
			 uint64_t lost)
{
	struct session *s = session_by_id(d, session_id);
	struct ust_registry *reg;
	struct channel *c;

	if (!s)
		return;
	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->session_id != session_id)
			continue;
		list_for_each_entry(rc, &reg->channels, link) {
			if (rc->consumer_key != key)
				continue;
			rc->discarded_events = discarded;
			rc->lost_packets = lost;
		}
	}
	/* A channel's counters are the sum over its buffers (per user or per app),
	 * including those of applications that have exited. */
	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link) {
		c->discarded_events = c->closed_discarded_events;
		c->lost_packets = c->closed_lost_packets;
		list_for_each_entry(reg, &d->ust_registries, link) {
			struct ust_registry_channel *rc;

			if (reg->session_id != session_id)
				continue;
			rc = ust_registry_channel_find(reg, c->name);
			if (!rc)
				continue;
			if (channel_overwrites(s, c))
				c->lost_packets += rc->lost_packets;
			else
				c->discarded_events += rc->discarded_events;
		}
	}
}

static void free_session_registries(struct daemon *d, uint64_t session_id)
{
	struct ust_registry *reg, *tmp;
	struct ust_app *app;

	list_for_each_entry_safe(reg, tmp, &d->ust_registries, link) {
		if (reg->session_id != session_id)
			continue;
		registry_shm_cleanup(d, reg);
		list_remove(&reg->link);
		ust_registry_free(reg);
	}
	if (!d->apps)
		return; /* shutting down */
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, session_id);

		if (!as)
			continue;
		if (as->handle >= 0) {
			struct app_setup_job *j = setup_job_new(app, session_id);

			if (j) {
				j->release = true;
				j->handle = as->handle;
				worker_queue_submit(app->queue, &j->base);
			}
		}
		app_session_abandon(d, as, LTTNG_OK);
		app_session_free(as);
	}
}

static void flush_done(struct daemon *d, struct consumer_batch *b)
{
	struct trace_op *op = container_of(b->waiter, struct trace_op, base);
	bool destroy = op->kind == TRACE_OP_DESTROY;

	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *cop = &b->ops[i];

		if (cop->result < 0 && cop->result != -ENOTCONN && cop->result != -ENOENT) {
			log_error_errno(cop->result, "Consumer daemon: end of recording failed");
			/* A full disk or a vanished directory: the trace is incomplete. */
			if (!destroy)
				op_fail(op, LTTNG_ERR_UST_STOP_FAIL);
		}
		if (cop->type == CONSUMER_OP_STATS && cop->result == 0)
			record_stats(d, op->session_id, cop->in.key, cop->discarded_events,
				     cop->lost_packets);
	}
	consumer_relay_take_archive(d, b);
	if (destroy)
		free_session_registries(d, op->session_id);
	op->flushed = true;
	op_next(d, &op->base);
}

enum lttng_error_code ust_trace_destroy(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct trace_op *op;

	if (!d->apps || !registry_has_session(d, s->id))
		return LTTNG_OK;
	op = op_new(TRACE_OP_DESTROY, waiter, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	op->to_relay = session_streams_to_relay(s);
	op->relay_archive = s->chunks.rotated && !s->chunks.closed;
	if (s->active)
		stop_apps(d, s);
	wait_for_app_queues(d, s->id, op);
	if (op_launched_nothing(op))
		flush_registries(d, op);
	else
		op_release(d, op);
	return LTTNG_OK;
}

/* The last hold on the operation went: its next step. */
static void op_next(struct daemon *d, struct operation *base)
{
	struct trace_op *op = container_of(base, struct trace_op, base);

	switch (op->kind) {
	case TRACE_OP_APP_READY:
		if (op->app_done)
			op->app_done(d, op->app_id);
		break;
	case TRACE_OP_START:
	case TRACE_OP_BACKGROUND:
		break;
	case TRACE_OP_STOP:
	case TRACE_OP_DESTROY:
		if (!op->flushed) {
			/* Every application is done: the consumer's turn. */
			flush_registries(d, op);
			return;
		}
		/* A destroy answers success whatever the flush found. */
		if (op->kind == TRACE_OP_DESTROY)
			op->base.code = LTTNG_OK;
		break;
	}
	op_end(d, op);
}

/* ------------------------------------------------------------------------- */
/* Regenerate.                                                                */

enum lttng_error_code ust_trace_regenerate_metadata(struct daemon *d, struct session *s)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != s->id)
			continue;
		if (ust_registry_regenerate_metadata(reg) < 0)
			return LTTNG_ERR_NOMEM;
		(void) registry_queue_push(d, reg, NULL);
	}
	return LTTNG_OK;
}

enum lttng_error_code ust_trace_regenerate_statedump(struct daemon *d, struct session *s)
{
	struct ust_app *app;

	if (!d->apps)
		return LTTNG_OK;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		struct app_setup_job *j;

		if (!as || as->handle < 0 || !as->started)
			continue;
		j = setup_job_new(app, s->id);
		if (!j)
			return LTTNG_ERR_NOMEM;
		j->statedump = true;
		j->handle = as->handle;
		worker_queue_submit(app->queue, &j->base);
	}
	return LTTNG_OK;
}

/* ------------------------------------------------------------------------- */
/* Applications coming and going.                                             */

void ust_trace_app_ready(struct daemon *d, struct ust_app *app,
			 void (*done)(struct daemon *d, uint64_t app_id))
{
	struct trace_op *op = op_new(TRACE_OP_APP_READY, NULL, 0);
	struct session *s;

	if (!op) {
		done(d, app->id);
		return;
	}
	op->app_id = app->id;
	op->app_done = done;
	list_for_each_entry(s, &d->sessions->sessions, link)
		if (s->active)
			app_session_begin(d, app, s, op);
	op_release(d, op);
}

static void per_pid_closed(struct daemon *d, struct consumer_batch *b)
{
	struct ust_registry *reg = registry_by_id(d, b->subject_id);
	struct session *s = reg ? session_by_id(d, reg->session_id) : NULL;

	for (unsigned i = 0; s && i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];
		struct ust_registry_channel *rc;

		if (op->type != CONSUMER_OP_STATS || op->result < 0)
			continue;
		list_for_each_entry(rc, &reg->channels, link) {
			struct channel *c;

			if (rc->consumer_key != op->in.key)
				continue;
			list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link) {
				if (strcmp(c->name, rc->name) != 0)
					continue;
				if (channel_overwrites(s, c))
					c->closed_lost_packets += op->lost_packets;
				else
					c->closed_discarded_events += op->discarded_events;
				c->discarded_events = c->closed_discarded_events;
				c->lost_packets = c->closed_lost_packets;
			}
		}
	}
	if (reg) {
		registry_shm_cleanup(d, reg);
		list_remove(&reg->link);
		ust_registry_free(reg);
	}
}

void ust_trace_app_gone(struct daemon *d, struct ust_app *app)
{
	struct ust_app_session *as, *tmp;

	list_for_each_entry_safe(as, tmp, &app->sessions, link) {
		struct ust_registry *reg = registry_by_id(d, as->registry_id);

		app_session_abandon(d, as, LTTNG_OK);
		if (reg && reg->per_pid && reg->consumer_lost) {
			/* Nothing left in any consumer. */
			list_remove(&reg->link);
			ust_registry_free(reg);
		} else if (reg && reg->per_pid) {
			/* Its buffers end with it: write what they hold, close the files. */
			struct consumer_batch *b = consumer_batch_new(per_pid_closed, reg->id, NULL);

			if (b) {
				b->stop_on_error = false;
				registry_end_ops(d, b, reg, REGISTRY_END_FLUSH_DESTROY);
				consumer_batch_submit(d, b);
			}
		}
		app_session_free(as);
	}
}

void ust_trace_consumer_died(struct daemon *d, struct consumer_death_subscription *sub,
			     const struct consumer_supervisor *cs)
{
	unsigned bits_per_long = cs->bits_per_long;
	struct ust_registry *reg;
	unsigned lost = 0;

	if (cs->kernel)
		return; /* not ours */
	/* The ring buffers lived in the consumer's shared memory: the traces of the
	 * registries it held end here. New registries get a new consumer. The other
	 * bitness's consumer and its registries go on. */
	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->failed || reg->bits_per_long != bits_per_long)
			continue;
		reg->failed = true;
		reg->consumer_lost = true;
		reg->metadata_created = false;
		list_for_each_entry(rc, &reg->channels, link)
			rc->state = REGISTRY_CHANNEL_FAILED;
		lost++;
	}
	if (lost)
		log_error("%u user-space trace(s) lost their %u-bit consumer daemon; their recording "
			  "ended there (stopping their sessions reports it)", lost, bits_per_long);
}

/* ------------------------------------------------------------------------- */
/* Registrations from applications.                                           */

void ust_notify_msg_fini(struct ust_notify_msg *msg)
{
	free(msg->signature);
	free(msg->model_emf_uri);
	free(msg->fields);
	free(msg->entries);
	msg->signature = msg->model_emf_uri = NULL;
	msg->fields = NULL;
	msg->entries = NULL;
}

static struct ust_app_session *app_session_by_handle(struct ust_app *app, int handle)
{
	struct ust_app_session *as;

	list_for_each_entry(as, &app->sessions, link)
		if (as->handle == handle)
			return as;
	return NULL;
}

void ust_trace_handle_notify(struct daemon *d, struct ust_app *app, struct ust_notify_msg *msg)
{
	struct ust_app_session *as = app_session_by_handle(app, msg->session_objd);
	struct ust_registry *reg = as ? registry_by_id(d, as->registry_id) : NULL;
	struct ust_registry_channel *rc = NULL;
	size_t before;

	msg->ret_code = -EINVAL;
	if (!reg) {
		ust_notify_msg_fini(msg);
		return;
	}
	if (msg->cmd != LTTNG_UST_CTL_NOTIFY_CMD_ENUM) {
		for (unsigned i = 0; i < as->channel_count; i++)
			if (as->channels[i].objd == msg->channel_objd)
				rc = registry_channel_by_id(reg, as->channels[i].chan_id);
		if (!rc) {
			ust_notify_msg_fini(msg);
			return;
		}
	}
	before = reg->metadata.size;
	switch (msg->cmd) {
	case LTTNG_UST_CTL_NOTIFY_CMD_CHANNEL:
		msg->ret_code = ust_registry_register_channel(reg, rc, move_ptr(msg->fields),
							      msg->field_count, &msg->header_type);
		msg->id = rc->chan_id;
		break;
	case LTTNG_UST_CTL_NOTIFY_CMD_EVENT:
		msg->ret_code = ust_registry_register_event(reg, rc, msg->name, msg->loglevel,
							    move_ptr(msg->signature),
							    move_ptr(msg->fields), msg->field_count,
							    move_ptr(msg->model_emf_uri), &msg->id);
		break;
	case LTTNG_UST_CTL_NOTIFY_CMD_ENUM:
		msg->ret_code = ust_registry_register_enum(reg, msg->name, move_ptr(msg->entries),
							   msg->entry_count, &msg->enum_id);
		break;
	}
	ust_notify_msg_fini(msg);
	if (msg->ret_code < 0)
		log_warn("Application %s (pid %d): registration of \"%s\" refused (%d)", app->name,
			    (int) app->pid, msg->name, msg->ret_code);
	if (reg->metadata.size != before)
		(void) registry_queue_push(d, reg, NULL);
}

void ust_trace_shutdown(struct daemon *d)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link)
		if (!reg->failed)
			(void) registry_queue_push(d, reg, NULL);
}

void ust_trace_fini(struct daemon *d)
{
	while (!list_is_empty(&d->ust_registries)) {
		struct ust_registry *reg =
			container_of(d->ust_registries.next, struct ust_registry, link);

		/* LTTng's clean exit leaves no --shm-path tree behind (its consumers
		 * removed their files before they exited). */
		registry_shm_cleanup_now(reg);
		list_remove(&reg->link);
		ust_registry_free(reg);
	}
}

void ust_trace_app_forget(struct daemon *d, struct ust_app *app)
{
	while (!list_is_empty(&app->sessions)) {
		struct ust_app_session *as =
			container_of(app->sessions.next, struct ust_app_session, link);

		/* Its operation goes on without it; an APP_READY for this very app has
		 * no one left to tell. */
		if (as->op && as->op->kind == TRACE_OP_APP_READY && as->op->app_id == app->id)
			as->op->app_done = NULL;
		app_session_abandon(d, as, LTTNG_OK);
		app_session_free(as);
	}
}

/* ------------------------------------------------------------------------- */
/* Live counters.                                                             */

static void live_stats_done(struct daemon *d, struct consumer_batch *b)
{
	struct session *s = session_by_id(d, b->subject_id);

	for (unsigned i = 0; s && i < b->count; i++)
		if (b->ops[i].result == 0)
			record_stats(d, s->id, b->ops[i].in.key, b->ops[i].discarded_events,
				     b->ops[i].lost_packets);
	operation_step_done(d, b->waiter, s ? LTTNG_OK : LTTNG_ERR_SESS_NOT_FOUND);
}

enum lttng_error_code ust_trace_refresh_stats(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct consumer_batch *b;
	struct ust_registry *reg;

	/* A stopped session's counters were read by its stop. */
	if (!d->apps || !s->active)
		return LTTNG_OK;
	b = consumer_batch_new(live_stats_done, s->id, waiter);
	if (!b)
		return LTTNG_OK; /* the stored counters are listed */
	b->stop_on_error = false;
	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->session_id != s->id || reg->failed)
			continue;
		list_for_each_entry(rc, &reg->channels, link) {
			struct consumer_op *op;

			if (rc->state != REGISTRY_CHANNEL_READY)
				continue;
			consumer_batch_target(b, reg->bits_per_long);
			op = consumer_batch_add(b, CONSUMER_OP_STATS);
			if (!op) {
				consumer_batch_free(b);
				return LTTNG_OK;
			}
			op->in.key = rc->consumer_key;
		}
	}
	if (b->count == 0) {
		consumer_batch_free(b);
		return LTTNG_OK;
	}
	operation_hold(waiter);
	consumer_batch_submit(d, b);
	return LTTNG_OK;
}

bool ust_trace_session_has_buffers(struct daemon *d, const struct session *s)
{
	return registry_has_session(d, s->id);
}
