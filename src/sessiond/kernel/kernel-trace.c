/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Recording a session's kernel channels (domain/domain.h start, stop, destroy,
 * stats, snapshot, regenerate): each channel is an ftrace instance this daemon
 * makes and controls on its kernel worker (kernel-tracefs.h), read and written as
 * an LTTng kernel trace by the kernel consumer daemon. What ftrace and the
 * consumer must hold is brought in line with the model by kernel-sync.c.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <lttng/lttng.h>

#include "consumer/consumer-batch.h"
#include "consumer/consumer-relay.h"
#include "core/worker.h"
#include "kernel/kernel-domain.h"
#include "kernel/kernel-internal.h"
#include "kernel/kernel-sync.h"
#include "log.h"

struct kernel_trace *kernel_trace_find(struct daemon *d, uint64_t session_id)
{
	struct kernel_tracer *k = d->kernel;
	struct kernel_trace *t;

	if (!k)
		return NULL;
	list_for_each_entry(t, &k->traces, link)
		if (t->session_id == session_id)
			return t;
	return NULL;
}

static void channel_free(struct kernel_channel *kc)
{
	free(kc->declared);
	free(kc->applied);
	free(kc);
}

static void trace_free(struct daemon *d, struct kernel_trace *t)
{
	kernel_sync_drop_queued(d, t);
	while (!list_is_empty(&t->channels)) {
		struct kernel_channel *kc = container_of(t->channels.next, struct kernel_channel, link);

		list_remove(&kc->link);
		channel_free(kc);
	}
	list_remove(&t->link);
	free(t);
}

void kernel_traces_free(struct daemon *d)
{
	struct kernel_tracer *k = d->kernel;

	while (k && !list_is_empty(&k->traces))
		trace_free(d, container_of(k->traces.next, struct kernel_trace, link));
}

void kernel_traces_shutdown(struct daemon *d, bool remove)
{
	struct kernel_tracer *k = d->kernel;
	struct kernel_trace *t;
	struct kernel_channel *kc;

	if (!k || !k->tracefs[0])
		return;
	list_for_each_entry(t, &k->traces, link) {
		list_for_each_entry(kc, &t->channels, link) {
			if (!kc->instance_made)
				continue;
			if (remove && ktracefs_instance_remove(k->tracefs, kc->instance) == 0)
				kc->instance_made = false;
			else if (!remove)
				(void) ktracefs_tracing_set(k->tracefs, kc->instance, false);
		}
	}
}

static bool session_records_kernel(const struct session *s)
{
	return s->domains[DOMAIN_INDEX_KERNEL].exists &&
	       !list_is_empty(&s->domains[DOMAIN_INDEX_KERNEL].channels);
}

/* ------------------------------------------------------------------------- */
/* Tracing on and off, instances removed: ordered jobs on the kernel worker.  */

struct instances_job {
	struct worker_job base;
	char tracefs[PATH_MAX];
	enum { INSTANCES_OFF, INSTANCES_REMOVE } action;
	char uprobe_prefix[64]; /* REMOVE: the session's uprobes go too */
	unsigned count;
	char (*names)[KTRACEFS_INSTANCE_NAME_MAX];
	struct operation *op; /* held; NULL when nobody waits */
	int result;
};

static void instances_run(struct worker_job *job)
{
	struct instances_job *j = (struct instances_job *) job;

	j->result = 0;
	for (unsigned i = 0; i < j->count; i++) {
		int r = j->action == INSTANCES_OFF
				? ktracefs_tracing_set(j->tracefs, j->names[i], false)
				: ktracefs_instance_remove(j->tracefs, j->names[i]);

		if (r < 0 && j->result == 0)
			j->result = r;
	}
	/* Enabled nowhere now that its instances are gone. */
	if (j->action == INSTANCES_REMOVE)
		ktracefs_uprobes_remove(j->tracefs, j->uprobe_prefix);
}

static void instances_done(struct daemon *d, struct worker_job *job)
{
	struct instances_job *j = (struct instances_job *) job;

	/* A removal that failed is logged; a destroy succeeds whatever it found. */
	if (j->op)
		operation_step_done(d, j->op,
				    j->result < 0 && j->action == INSTANCES_OFF ? LTTNG_ERR_KERN_STOP_FAIL
										: LTTNG_OK);
	free(j->names);
	free(j);
}

/* Queues tracing off (or the removal) of every instance the trace made. */
static int instances_submit(struct daemon *d, struct kernel_trace *t, int action,
			    struct operation *op)
{
	struct kernel_tracer *k = d->kernel;
	struct kernel_channel *kc;
	struct instances_job *j = calloc(1, sizeof(*j));
	unsigned n = 0;

	if (!j)
		return -ENOMEM;
	list_for_each_entry(kc, &t->channels, link)
		n++;
	j->names = calloc(n ? n : 1, sizeof(*j->names));
	if (!j->names) {
		free(j);
		return -ENOMEM;
	}
	list_for_each_entry(kc, &t->channels, link)
		if (kc->instance_made)
			memcpy(j->names[j->count++], kc->instance, sizeof(kc->instance));
	j->base.run = instances_run;
	j->base.done = instances_done;
	j->action = action;
	j->op = op;
	/* "lttng_up_<ns>_<pid>_<session>_": the group of site 0 of channel 0 cut
	 * after the session id. */
	ktracefs_uprobe_group(j->uprobe_prefix, sizeof(j->uprobe_prefix), t->session_id, 0, 0);
	j->uprobe_prefix[strlen(j->uprobe_prefix) - 3] = '\0';
	snprintf(j->tracefs, sizeof(j->tracefs), "%s", k->tracefs);
	if (op)
		operation_hold(op);
	worker_queue_submit(k->queue, &j->base);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Start.                                                                     */

enum lttng_error_code kernel_trace_start(struct daemon *d, struct session *s, struct operation *op)
{
	struct kernel_trace *t;

	if (!d->kernel || !session_records_kernel(s))
		return LTTNG_OK;
	t = kernel_trace_find(d, s->id);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return LTTNG_ERR_NOMEM;
		t->session_id = s->id;
		t->key = ++d->next_consumer_key;
		list_init(&t->channels);
		list_init(&t->sync_queue);
		list_append(&d->kernel->traces, &t->link);
	}
	/* Every start: instances made or updated, tracing on, then a statedump. */
	return kernel_sync(d, t, KSYNC_START, op);
}

/* ------------------------------------------------------------------------- */
/* Stop and destroy: tracing off, then the consumer's part.                   */

struct trace_end {
	struct operation base;   /* our steps */
	struct operation *waiter; /* held */
	uint64_t session_id;
	bool destroy;
	bool consumer_done;
};

static void add_key_op(struct consumer_batch *b, enum consumer_op_type type, uint64_t key)
{
	struct consumer_op *op = consumer_batch_add(b, type);

	if (op)
		op->in.key = key;
}

static void end_batch_done(struct daemon *d, struct consumer_batch *b);

/* A destroyed streaming session that rotated: its last chunk is archived on the
 * relay daemon (LTTng's last rotation at destroy). */
static bool relay_archive(struct daemon *d, const struct trace_end *e)
{
	const struct session *s = session_find_destroying(d->sessions, e->session_id);

	return s && s->chunks.rotated && !s->chunks.closed;
}

static void trace_end_next(struct daemon *d, struct operation *base)
{
	struct trace_end *e = container_of(base, struct trace_end, base);
	struct kernel_trace *t = kernel_trace_find(d, e->session_id);
	struct consumer_batch *b;
	struct kernel_channel *kc;

	if (!e->consumer_done && t && t->consumer_made) {
		/* Tracing is off everywhere: the consumer drains, closes the last
		 * packets and reports the counters (or closes the files). */
		e->consumer_done = true;
		b = consumer_batch_new(end_batch_done, e->session_id, &e->base);
		if (b) {
			b->stop_on_error = false;
			consumer_batch_target_kernel(b);
			list_for_each_entry(kc, &t->channels, link) {
				if (!kc->consumer_made)
					continue;
				if (!e->destroy) {
					add_key_op(b, CONSUMER_OP_FLUSH, kc->key);
					add_key_op(b, CONSUMER_OP_STATS, kc->key);
				} else {
					add_key_op(b, CONSUMER_OP_DESTROY, kc->key);
				}
			}
			if (e->destroy)
				add_key_op(b, CONSUMER_OP_DESTROY, t->key);
			/* Streamed: all of it at the relay daemon before the answer. */
			if (t->to_relay && (consumer_relay_add_sync(b, e->session_id) < 0 ||
					    (e->destroy &&
					     consumer_relay_add_close(b, e->session_id,
								      relay_archive(d, e)) < 0)))
				operation_fail(e->waiter, LTTNG_ERR_NOMEM);
			/* The same operation waits for this step; its failures stay. */
			{
				int code = e->base.code;

				operation_init(&e->base, trace_end_next);
				operation_fail(&e->base, code);
			}
			consumer_batch_submit(d, b);
			return;
		}
		operation_fail(e->waiter, LTTNG_ERR_NOMEM);
	}
	if (e->destroy && t) {
		/* Files closed: the instances can go (ftrace refuses while their raw
		 * buffers are open), and the session's uprobes with them, before the
		 * destroy is answered; then what we knew of them. */
		(void) instances_submit(d, t, INSTANCES_REMOVE, e->waiter);
		trace_free(d, t);
	}
	if (e->base.code != LTTNG_OK && !e->destroy)
		operation_fail(e->waiter, e->base.code);
	operation_release(d, e->waiter);
	free(e);
}

static void end_batch_done(struct daemon *d, struct consumer_batch *b)
{
	struct trace_end *e = container_of(b->waiter, struct trace_end, base);

	consumer_relay_take_archive(d, b);
	struct kernel_trace *t = kernel_trace_find(d, e->session_id);
	struct session *s = session_find_by_id(d->sessions, e->session_id);
	unsigned i = 0;

	for (; i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];

		if (op->result < 0 && op->result != -ENOENT) {
			log_error_errno(op->result, "Kernel consumer could not end a channel of "
						    "session %" PRIu64,
					e->session_id);
			operation_fail(&e->base, LTTNG_ERR_KERN_STOP_FAIL);
		}
	}
	/* The counters of the stop go to the model's channels. */
	if (t && s && !e->destroy)
		kernel_sync_store_stats(s, t, b);
	operation_release(d, &e->base);
}

static enum lttng_error_code trace_end(struct daemon *d, struct session *s, struct operation *op,
				       bool destroy)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct trace_end *e;

	if (!t)
		return LTTNG_OK;
	e = calloc(1, sizeof(*e));
	if (!e)
		return LTTNG_ERR_NOMEM;
	operation_init(&e->base, trace_end_next);
	e->waiter = op;
	e->session_id = s->id;
	e->destroy = destroy;
	operation_hold(op);
	if (destroy)
		t->destroyed = true; /* steps of a start under way stop here */
	if (instances_submit(d, t, INSTANCES_OFF, &e->base) < 0)
		operation_fail(&e->base, LTTNG_ERR_NOMEM);
	operation_release(d, &e->base);
	return LTTNG_OK;
}

enum lttng_error_code kernel_trace_stop(struct daemon *d, struct session *s, struct operation *op)
{
	return trace_end(d, s, op, false);
}

enum lttng_error_code kernel_trace_destroy(struct daemon *d, struct session *s,
					   struct operation *op)
{
	return trace_end(d, s, op, true);
}

/* ------------------------------------------------------------------------- */
/* Changes while recording, counters, snapshots, regeneration.                */

void kernel_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);

	if (t && !t->destroyed)
		(void) kernel_sync(d, t, KSYNC_UPDATE, NULL);
}

void kernel_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
				const struct event_rule *rule)
{
	kernel_trace_channel_changed(d, s, channel_name);
}

void kernel_trace_trackers_changed(struct daemon *d, struct session *s)
{
	kernel_trace_channel_changed(d, s, NULL);
}

static void stats_batch_done(struct daemon *d, struct consumer_batch *b)
{
	struct session *s = session_find_by_id(d->sessions, b->subject_id);
	struct kernel_trace *t = kernel_trace_find(d, b->subject_id);

	if (s && t)
		kernel_sync_store_stats(s, t, b);
	operation_step_done(d, b->waiter, LTTNG_OK);
}

enum lttng_error_code kernel_trace_refresh_stats(struct daemon *d, struct session *s,
						 struct operation *op)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct consumer_batch *b;
	struct kernel_channel *kc;

	if (!t || !t->consumer_made)
		return LTTNG_OK;
	b = consumer_batch_new(stats_batch_done, s->id, op);
	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false;
	consumer_batch_target_kernel(b);
	list_for_each_entry(kc, &t->channels, link)
		if (kc->consumer_made)
			add_key_op(b, CONSUMER_OP_STATS, kc->key);
	operation_hold(op);
	consumer_batch_submit(d, b);
	return LTTNG_OK;
}

static void snapshot_batch_done(struct daemon *d, struct consumer_batch *b)
{
	int code = LTTNG_OK;

	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].result < 0 && b->ops[i].result != -ENOENT) {
			log_error_errno(b->ops[i].result, "Kernel snapshot of session %" PRIu64,
					b->subject_id);
			code = LTTNG_ERR_SNAPSHOT_FAIL;
		}
	operation_step_done(d, b->waiter, code);
}

static struct consumer_wire_snapshot *snapshot_msg(uint64_t key, uint64_t packets,
						   const struct session *s, const char *dir,
						   bool active)
{
	struct consumer_wire_snapshot *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->key = key;
	m->packets_per_stream = packets;
	m->uid = (uint32_t) s->uid;
	m->gid = (uint32_t) s->gid;
	m->session_active = active;
	/* On a relay daemon: "kernel", below the record's trace chunk there. */
	if ((size_t) snprintf(m->directory, sizeof(m->directory), "%s%skernel", dir ? dir : "",
			      dir ? "/" : "") >= sizeof(m->directory)) {
		free(m);
		return NULL;
	}
	return m;
}

enum lttng_error_code kernel_trace_snapshot(struct daemon *d, struct session *s,
					    const struct snapshot_dest *dest, uint64_t max_size,
					    struct operation *op)
{
	const char *directory = dest->directory;
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	const struct domain *dom = &s->domains[DOMAIN_INDEX_KERNEL];
	uint64_t packets = 0, streams = 0, subbuf = 0;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	struct consumer_batch *b;
	struct kernel_channel *kc;
	const struct channel *ch;

	if (!t || !t->consumer_made)
		return LTTNG_OK;
	list_for_each_entry(ch, &dom->channels, link) {
		streams += (uint64_t) (cpus > 0 ? cpus : 1);
		if (ch->attr.subbuf_size > subbuf)
			subbuf = ch->attr.subbuf_size;
	}
	if (max_size) {
		/* LTTng's rule: the packets per stream that fit in max_size. */
		packets = streams && subbuf ? max_size / (streams * subbuf) : 0;
		if (packets == 0)
			return LTTNG_ERR_MAX_SIZE_INVALID;
	}
	b = consumer_batch_new(snapshot_batch_done, s->id, op);
	if (!b)
		return LTTNG_ERR_NOMEM;
	consumer_batch_target_kernel(b);
	if (!directory) { /* a relay daemon's: a connection for this record */
		b->stop_on_error = false; /* it is closed whatever happens */
		if (consumer_relay_add_snapshot_open(d, s, dest->output, dest->record_name, b) < 0) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	/* The trace key writes the metadata, then each channel its streams. */
	{
		struct consumer_op *cop = consumer_batch_add(b, CONSUMER_OP_SNAPSHOT);

		if (cop)
			cop->in.snapshot = snapshot_msg(t->key, packets, s, directory, s->active);
		if (!cop || !cop->in.snapshot) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	list_for_each_entry(kc, &t->channels, link) {
		struct consumer_op *cop;

		if (!kc->consumer_made)
			continue;
		cop = consumer_batch_add(b, CONSUMER_OP_SNAPSHOT);
		if (cop)
			cop->in.snapshot = snapshot_msg(kc->key, packets, s, directory, s->active);
		if (!cop || !cop->in.snapshot) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	if (!directory && consumer_relay_add_record_close(b, s->id) < 0) {
		consumer_batch_free(b);
		return LTTNG_ERR_NOMEM;
	}
	operation_hold(op);
	consumer_batch_submit(d, b);
	return LTTNG_OK;
}

static void rotate_batch_done(struct daemon *d, struct consumer_batch *b)
{
	consumer_relay_take_archive(d, b);
	operation_step_done(d, b->waiter, consumer_batch_failed(b, "Kernel rotation")
						  ? LTTNG_ERR_ROTATION_FAIL_CONSUMER
						  : LTTNG_OK);
}

/* One request for the session's kernel trace, op (NULL: nobody waits) held until
 * it is answered; nothing is sent when the trace was never made. */
static enum lttng_error_code trace_key_request(struct daemon *d, struct session *s, uint16_t type,
					       const void *payload, uint32_t length,
					       consumer_batch_done_fn done, struct operation *op)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct consumer_batch *b;

	if (!t || !t->consumer_made)
		return LTTNG_OK; /* never started: nothing recorded */
	b = consumer_batch_new(done, s->id, op);
	if (!b)
		return LTTNG_ERR_NOMEM;
	consumer_batch_target_kernel(b);
	if (!consumer_batch_add_request(b, type, payload, length)) {
		consumer_batch_free(b);
		return LTTNG_ERR_NOMEM;
	}
	(void) consumer_batch_submit_held(d, b);
	return LTTNG_OK;
}

/* The consumer finishes the trace's files (its metadata and every channel's) and
 * starts them in <chunk>/kernel (doc/protocol/rotation.md). */
enum lttng_error_code kernel_trace_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
					  struct operation *op)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct consumer_wire_rotate m = { .key = t ? t->key : 0 };
	struct consumer_batch *b;

	if (!t || !t->to_relay) {
		if (chunk_dir && (size_t) snprintf(m.directory, sizeof(m.directory), "%s/kernel",
						   chunk_dir) >= sizeof(m.directory))
			return LTTNG_ERR_INVALID;
		return trace_key_request(d, s, CONSUMER_MSG_ROTATE, &m, sizeof(m),
					 rotate_batch_done, op);
	}
	/* Streamed: the relay daemon's new chunk, the streams moved there, the
	 * previous chunk closed (consumer-relay.h). */
	if (!t->consumer_made)
		return LTTNG_OK;
	if (chunk_dir)
		strcpy(m.directory, "kernel");
	b = consumer_batch_new(rotate_batch_done, s->id, op);
	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false;
	consumer_batch_target_kernel(b);
	if ((chunk_dir && consumer_relay_add_chunk_new(b, s) < 0) ||
	    !consumer_batch_add_request(b, CONSUMER_MSG_ROTATE, &m, sizeof(m)) ||
	    consumer_relay_add_chunk_close(b, s) < 0) {
		consumer_batch_free(b);
		return LTTNG_ERR_NOMEM;
	}
	(void) consumer_batch_submit_held(d, b);
	return LTTNG_OK;
}

static void clear_batch_done(struct daemon *d, struct consumer_batch *b)
{
	operation_step_done(d, b->waiter, consumer_batch_failed(b, "Kernel clear")
						  ? LTTNG_ERR_CLEAR_FAIL_CONSUMER
						  : LTTNG_OK);
}

enum lttng_error_code kernel_trace_clear_buffers(struct daemon *d, struct session *s,
						 struct operation *op)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct consumer_wire_key key = { .key = t ? t->key : 0 };

	return trace_key_request(d, s, CONSUMER_MSG_CLEAR, &key, sizeof(key), clear_batch_done, op);
}

enum lttng_error_code kernel_trace_consumed_size(struct daemon *d, struct session *s,
						 struct consumed_query *q)
{
	struct consumer_wire_key key = { .key = s->id };

	return trace_key_request(d, s, CONSUMER_MSG_SESSION_CONSUMED, &key, sizeof(key),
				 consumed_query_batch_done, &q->op);
}

static void fire_and_forget_done(struct daemon *d, struct consumer_batch *b)
{
	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].result < 0)
			log_error_errno(b->ops[i].result, "Kernel consumer request for session %" PRIu64,
					b->subject_id);
}

static enum lttng_error_code trace_request(struct daemon *d, struct session *s, uint16_t type)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);
	struct consumer_wire_key key = { .key = t ? t->key : 0 };

	return trace_key_request(d, s, type, &key, sizeof(key), fire_and_forget_done, NULL);
}

enum lttng_error_code kernel_trace_regenerate_metadata(struct daemon *d, struct session *s)
{
	return trace_request(d, s, CONSUMER_MSG_KERNEL_REGENERATE_METADATA);
}

enum lttng_error_code kernel_trace_regenerate_statedump(struct daemon *d, struct session *s)
{
	return trace_request(d, s, CONSUMER_MSG_KERNEL_STATEDUMP);
}

bool kernel_trace_has_data(struct daemon *d, const struct session *s)
{
	const struct kernel_trace *t = kernel_trace_find(d, s->id);

	return t && t->consumer_made;
}
