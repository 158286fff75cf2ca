/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <lttng/lttng.h>
#include <lttng/ust-error.h>

#include "client-server.h"
#include "daemon.h"
#include "dispatch.h"
#include "log.h"
#include "macros.h"
#include "model.h"
#include "ust-app.h"
#include "ust-consumer.h"
#include "ust-registry.h"
#include "ust-trace.h"
#include "run-as.h"
#include "ust-worker.h"

/* ------------------------------------------------------------------------- */
/* Operations: a client request (or an application's registration) waiting for */
/* several jobs. The last job to finish runs the operation's next step.        */

enum trace_op_kind {
	TRACE_OP_START,
	TRACE_OP_STOP,
	TRACE_OP_DESTROY,
	TRACE_OP_APP_READY,
	TRACE_OP_BACKGROUND, /* nobody waits */
};

struct trace_op {
	enum trace_op_kind kind;
	unsigned pending;
	int error; /* first LTTng error code, LTTNG_OK when none */
	uint64_t connection_id;
	uint64_t session_id;
	uint64_t app_id;
	struct session *destroyed; /* TRACE_OP_DESTROY: owned */
	void (*app_done)(struct daemon *d, uint64_t app_id);
};

static void op_next(struct daemon *d, struct trace_op *op);
static int registry_queue_push(struct daemon *d, struct ust_registry *reg,
			       struct consumer_batch *into);
static void flush_registries(struct daemon *d, struct trace_op *op, bool destroy);

static struct trace_op *op_new(enum trace_op_kind kind, uint64_t connection_id, uint64_t session_id)
{
	struct trace_op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->kind = kind;
	op->error = LTTNG_OK;
	op->connection_id = connection_id;
	op->session_id = session_id;
	op->pending = 1; /* the caller's reference, dropped by op_release() once set up */
	return op;
}

static void op_hold(struct trace_op *op)
{
	op->pending++;
}

static void op_release(struct daemon *d, struct trace_op *op)
{
	if (op && --op->pending == 0)
		op_next(d, op);
}

static void reply_client(struct daemon *d, uint64_t connection_id, int ret_code,
			 const void *header, size_t header_len)
{
	struct client_reply reply;

	memset(&reply, 0, sizeof(reply));
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	reply.ret_code = ret_code;
	if (header_len && buffer_append(&reply.cmd_header, header, header_len) < 0)
		reply.ret_code = LTTNG_ERR_NOMEM;
	client_server_complete(d, connection_id, &reply);
}

/* ------------------------------------------------------------------------- */
/* Lookups.                                                                   */

/* LTTng's rule: overwrite channels lose whole packets, discard channels events. */
static bool channel_overwrites(const struct session *s, const struct channel *c)
{
	return c->attr.overwrite == 1 || (c->attr.overwrite < 0 && s->snapshot_mode);
}

static struct session *session_by_id(struct daemon *d, uint64_t id)
{
	struct session *s;

	list_for_each_entry(s, &d->sessions.sessions, link)
		if (s->id == id)
			return s;
	return NULL;
}

static struct ust_registry *registry_by_id(struct daemon *d, uint64_t id)
{
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link)
		if (reg->id == id)
			return reg;
	return NULL;
}

static struct ust_registry_channel *registry_channel_by_id(struct ust_registry *reg, uint32_t id)
{
	struct ust_registry_channel *chan;

	list_for_each_entry(chan, &reg->channels, link)
		if (chan->chan_id == id)
			return chan;
	return NULL;
}

static struct ust_app_session *app_session_find(struct ust_app *app, uint64_t session_id)
{
	struct ust_app_session *as;

	list_for_each_entry(as, &app->sessions, link)
		if (as->session_id == session_id)
			return as;
	return NULL;
}

static void app_session_free(struct ust_app_session *as)
{
	list_remove(&as->link);
	free(as->channels);
	free(as->events);
	free(as);
}

/* ------------------------------------------------------------------------- */
/* Trackers: does the session's user-space domain follow this application?    */

static bool tracker_value_matches(const struct tracker_value *v, int64_t id, bool is_user)
{
	switch (v->type) {
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_PID:
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_UID:
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_GID:
		return v->integral == id;
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME: {
		struct passwd *pw = is_user ? getpwnam(v->name) : NULL;

		return pw && (int64_t) pw->pw_uid == id;
	}
	case LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME: {
		struct group *gr = is_user ? NULL : getgrnam(v->name);

		return gr && (int64_t) gr->gr_gid == id;
	}
	default:
		return false;
	}
}

static bool tracker_allows(const struct tracker *t, int64_t id, bool is_user)
{
	const struct tracker_value *v;

	if (t->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL)
		return true;
	if (t->policy == LTTNG_TRACKING_POLICY_EXCLUDE_ALL)
		return false;
	list_for_each_entry(v, &t->values, link)
		if (tracker_value_matches(v, id, is_user))
			return true;
	return false;
}

static bool session_follows_app(const struct session *s, const struct ust_app *app)
{
	const struct domain *dom = &s->ust;

	return tracker_allows(&dom->trackers[TRACKER_VPID], app->pid, false) &&
	       tracker_allows(&dom->trackers[TRACKER_VUID], app->uid, true) &&
	       tracker_allows(&dom->trackers[TRACKER_VGID], app->gid, false);
}

/* Sessions whose user-space data this daemon records: to local disk as it comes
 * (local output), or kept in the buffers for snapshots (no output). Streaming to a
 * relay daemon is not done yet. */
static bool session_records_ust(const struct session *s)
{
	return s->ust.exists && s->output != SESSION_OUTPUT_NETWORK &&
	       !list_is_empty(&s->ust.channels);
}

/* ------------------------------------------------------------------------- */
/* Registries and their buffers in the consumer.                             */

static void format_local_datetime(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y%m%d-%H%M%S", &tm);
}

static int registry_fill_meta(struct daemon *d, struct ust_registry *reg, const struct session *s,
			      const struct ust_app *app)
{
	struct ust_metadata_session *m = &reg->meta;
	char boot_id[64];

	m->per_pid = reg->per_pid;
	if (getrandom(m->uuid, sizeof(m->uuid), 0) != sizeof(m->uuid))
		return -EIO;
	m->uuid[6] = (uint8_t) ((m->uuid[6] & 0x0f) | 0x40); /* version 4 */
	m->uuid[8] = (uint8_t) ((m->uuid[8] & 0x3f) | 0x80);
	m->bits_per_long = app->bits_per_long;
	m->long_alignment = app->alignment_long;
	m->uint8_alignment = app->alignment_uint8;
	m->uint16_alignment = app->alignment_uint16;
	m->uint32_alignment = app->alignment_uint32;
	m->uint64_alignment = app->alignment_uint64;
	m->big_endian = app->byte_order == 4321; /* BIG_ENDIAN */
	m->tracer_major = app->version.major;
	m->tracer_minor = app->version.minor;
	m->tracer_patchlevel = app->version.patchlevel;
	m->uid = app->uid;
	m->pid = app->pid;
	m->app_registration_time = app->registration_time;
	m->session_auto_named = s->auto_named;
	m->session_creation_time = s->creation_time;
	m->clock_offset_ns = ust_metadata_measure_clock_offset();
	reg->procname = strdup(app->name);
	reg->session_name = strdup(s->name);
	reg->hostname = strdup(d->hostname);
	if (ust_metadata_read_boot_id(boot_id, sizeof(boot_id)) == 0)
		reg->clock_uuid = strdup(boot_id);
	if (!reg->procname || !reg->session_name || !reg->hostname)
		return -ENOMEM;
	m->procname = reg->procname;
	m->session_name = reg->session_name;
	m->hostname = reg->hostname;
	m->clock_uuid = reg->clock_uuid;
	return 0;
}

static int registry_directory(struct ust_registry *reg, const struct session *s,
			      const struct ust_app *app)
{
	int n;

	if (reg->per_pid) {
		char datetime[32];

		format_local_datetime(app->registration_time, datetime, sizeof(datetime));
		n = snprintf(reg->relative_path, sizeof(reg->relative_path), "ust/pid/%s-%d-%s",
			     app->name, (int) app->pid, datetime);
	} else {
		n = snprintf(reg->relative_path, sizeof(reg->relative_path), "ust/uid/%d/%u-bit",
			     (int) app->uid, app->bits_per_long);
	}
	if (n < 0 || (size_t) n >= sizeof(reg->relative_path))
		return -ENAMETOOLONG;
	if (s->output != SESSION_OUTPUT_LOCAL)
		return 0; /* snapshots only: no directory of its own */
	n = snprintf(reg->directory, sizeof(reg->directory), "%s/%s", s->output_path,
		     reg->relative_path);
	return n < 0 || (size_t) n >= sizeof(reg->directory) ? -ENAMETOOLONG : 0;
}

static struct ust_registry *registry_find_for(struct daemon *d, const struct session *s,
					      const struct ust_app *app)
{
	bool per_pid = s->ust.buffer_type == LTTNG_BUFFER_PER_PID;
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != s->id || reg->per_pid != per_pid)
			continue;
		if (per_pid ? reg->app_id == app->id
			    : reg->uid == app->uid && reg->bits_per_long == app->bits_per_long)
			return reg;
	}
	return NULL;
}

static void fill_add_channel(struct daemon *d, const struct session *s, const struct ust_registry *reg,
			     const struct channel *c, struct ust_registry_channel *rc,
			     struct consumer_wire_add_channel *m)
{
	memset(m, 0, sizeof(*m));
	m->key = rc->consumer_key;
	m->session_id = s->id;
	m->subbuf_size = c->attr.subbuf_size;
	m->num_subbuf = c->attr.num_subbuf;
	m->tracefile_size = c->attr.tracefile_size;
	m->tracefile_count = c->attr.tracefile_count;
	m->blocking_timeout_us = c->attr.blocking_timeout_us;
	m->switch_timer_us = c->attr.switch_timer_us;
	m->read_timer_us = c->attr.read_timer_us;
	m->monitor_timer_us = (uint32_t) c->attr.monitor_timer_us;
	m->overwrite = channel_overwrites(s, c);
	m->chan_id = rc->chan_id;
	m->uid = s->uid;
	m->gid = s->gid;
	memcpy(m->uuid, reg->meta.uuid, sizeof(m->uuid));
	(void) copy_string(m->name, sizeof(m->name), c->name);
	(void) copy_string(m->directory, sizeof(m->directory), reg->directory);
	if (s->shm_path[0] && (size_t) snprintf(m->shm_directory, sizeof(m->shm_directory), "%s/%.*s",
						s->shm_path, (int) (sizeof(m->shm_directory) / 2),
						reg->relative_path) >= sizeof(m->shm_directory))
		m->shm_directory[0] = '\0'; /* too long: plain shared memory */
}

static void app_setup_submit(struct daemon *d, struct ust_app *app, struct ust_app_session *as);
static void app_session_abandon(struct daemon *d, struct ust_app_session *as, int error);

/* The consumer created (or failed to create) a registry's buffers: hand them to
 * the applications waiting for them. */
static void buffers_created(struct daemon *d, struct consumer_batch *b)
{
	struct ust_registry *reg = registry_by_id(d, b->cookie);
	struct ust_app *app, *atmp;
	bool ok = reg != NULL;

	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *op = &b->ops[i];
		struct ust_registry_channel *rc;

		if (op->result < 0) {
			ok = false;
			log_error_errno(op->result, "Consumer daemon could not create %s buffers",
					op->type == CONSUMER_OP_ADD_CHANNEL ? op->in.add_channel->name
									  : "metadata");
			continue;
		}
		if (op->type != CONSUMER_OP_ADD_CHANNEL || !reg)
			continue;
		rc = registry_channel_by_id(reg, op->in.add_channel->chan_id);
		if (!rc)
			continue;
		rc->channel_object = move_ptr(op->channel_object);
		rc->stream_objects = move_ptr(op->stream_objects);
		rc->stream_count = op->stream_count;
		op->stream_count = 0;
		rc->state = REGISTRY_CHANNEL_READY;
	}
	if (!reg)
		return;
	/* Its consumer may have died after making the buffers and before this ran. */
	ok = ok && !reg->consumer_lost;
	reg->failed = !ok;
	if (!ok) {
		struct ust_registry_channel *rc;

		list_for_each_entry(rc, &reg->channels, link)
			rc->state = REGISTRY_CHANNEL_FAILED;
	}
	if (!d->apps)
		return; /* shutting down */
	list_for_each_entry_safe(app, atmp, &d->apps->apps, link) {
		struct ust_app_session *as, *tmp;

		list_for_each_entry_safe(as, tmp, &app->sessions, link) {
			if (as->registry_id != reg->id || !as->waiting_for_buffers)
				continue;
			as->waiting_for_buffers = false;
			if (ok)
				app_setup_submit(d, app, as);
			else
				app_session_abandon(d, as, LTTNG_ERR_UST_CHAN_FAIL);
		}
	}
}

/* Creates the registry (metadata header, channel ids) and asks the consumer for
 * its buffers. */
static struct ust_registry *registry_create(struct daemon *d, struct session *s, struct ust_app *app)
{
	struct ust_registry *reg;
	struct consumer_batch *b;
	struct consumer_op *op;
	struct channel *c;

	reg = ust_registry_new(++d->next_registry_id, s->id, s->ust.buffer_type == LTTNG_BUFFER_PER_PID);
	if (!reg)
		return NULL;
	reg->uid = app->uid;
	reg->bits_per_long = app->bits_per_long;
	reg->app_id = app->id;
	if (registry_fill_meta(d, reg, s, app) < 0 || registry_directory(reg, s, app) < 0 ||
	    ust_registry_start_metadata(reg) < 0)
		goto fail;
	b = consumer_batch_new(buffers_created, reg->id);
	if (!b)
		goto fail;
	consumer_batch_target(b, reg->bits_per_long);
	reg->metadata_key = ++d->next_consumer_key;
	if (!reg->directory[0])
		goto channels; /* snapshot sessions write metadata with each snapshot */
	op = consumer_batch_add(b, CONSUMER_OP_ADD_METADATA);
	if (!op)
		goto fail_batch;
	op->in.add_metadata.key = reg->metadata_key;
	op->in.add_metadata.session_id = s->id;
	op->in.add_metadata.uid = s->uid;
	op->in.add_metadata.gid = s->gid;
	memcpy(op->in.add_metadata.uuid, reg->meta.uuid, 16);
	(void) copy_string(op->in.add_metadata.directory, sizeof(op->in.add_metadata.directory),
			   reg->directory);
	reg->metadata_created = true;
	/* The header at once: the consumer packs later pushes into the same packet. */
	if (registry_queue_push(d, reg, b) < 0)
		goto fail_batch;
channels:
	list_for_each_entry(c, &s->ust.channels, link) {
		struct ust_registry_channel *rc = ust_registry_channel_add(reg, c->name);

		op = consumer_batch_add(b, CONSUMER_OP_ADD_CHANNEL);
		if (!rc || !op)
			goto fail_batch;
		op->in.add_channel = malloc(sizeof(*op->in.add_channel));
		if (!op->in.add_channel)
			goto fail_batch;
		rc->consumer_key = ++d->next_consumer_key;
		rc->state = REGISTRY_CHANNEL_CREATING;
		fill_add_channel(d, s, reg, c, rc, op->in.add_channel);
	}
	list_append(&d->ust_registries, &reg->link);
	consumer_batch_submit(d, b);
	return reg;
fail_batch:
	consumer_batch_free(b);
fail:
	ust_registry_free(reg);
	return NULL;
}

static void push_done(struct daemon *d, struct consumer_batch *b)
{
	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].result < 0 && b->ops[i].result != -ENOTCONN)
			log_error_errno(b->ops[i].result, "Cannot write trace metadata");
}

/* Adds the registry's unsent metadata to a batch (or to a batch of its own). */
static int registry_queue_push(struct daemon *d, struct ust_registry *reg, struct consumer_batch *into)
{
	struct consumer_batch *b = into;
	int r;

	if (!reg->metadata_created || reg->metadata_pushed == reg->metadata.size)
		return 0;
	if (!b) {
		b = consumer_batch_new(push_done, reg->id);
		if (!b)
			return -ENOMEM;
		b->stop_on_error = false;
	}
	consumer_batch_target(b, reg->bits_per_long);
	r = consumer_batch_add_push(b, reg->metadata_key, reg->metadata_pushed, reg->metadata_reset,
				    (const char *) reg->metadata.data + reg->metadata_pushed,
				    reg->metadata.size - reg->metadata_pushed);
	if (r == 0) {
		reg->metadata_pushed = reg->metadata.size;
		reg->metadata_reset = false;
	}
	if (!into) {
		if (r == 0)
			consumer_batch_submit(d, b);
		else
			consumer_batch_free(b);
	}
	return r;
}

/* ------------------------------------------------------------------------- */
/* Setting a session up in an application: create the session object, hand it */
/* the channels and streams, add contexts and events (phase 1); then start it  */
/* (phase 2), once the loop knows the channel handles the application will use */
/* in its registrations.                                                       */

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
	const void *rule;
	int objd;
	struct lttng_ust_abi_event attr;
	struct lttng_ust_abi_filter_bytecode *filter;
	struct lttng_ust_abi_event_exclusion *exclusion;
};

struct app_setup_job {
	struct ust_job base;
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

static void release_object(struct lttng_ust_abi_object_data **obj)
{
	if (*obj) {
		(void) lttng_ust_ctl_release_object(-1, *obj);
		free(*obj);
		*obj = NULL;
	}
}

static void setup_job_free(struct app_setup_job *j)
{
	for (unsigned i = 0; i < j->channel_count; i++) {
		struct setup_channel *c = &j->channels[i];

		release_object(&c->channel);
		for (unsigned k = 0; k < c->stream_count; k++)
			release_object(&c->streams[k]);
		free(c->streams);
		for (unsigned k = 0; k < c->context_count; k++) {
			if (c->contexts[k].ctx == LTTNG_UST_ABI_CONTEXT_APP_CONTEXT) {
				free(c->contexts[k].u.app_ctx.provider_name);
				free(c->contexts[k].u.app_ctx.ctx_name);
			}
		}
		free(c->contexts);
	}
	for (unsigned i = 0; i < j->event_count; i++) {
		free(j->events[i].filter);
		free(j->events[i].exclusion);
	}
	free(j->channels);
	free(j->events);
	free(j);
}

static bool app_connection_lost(int result);

static int setup_channel_in_app(int sock, int handle, struct setup_channel *c)
{
	int r = lttng_ust_ctl_send_channel_to_ust(sock, handle, c->channel);

	if (r < 0)
		return r;
	for (unsigned k = 0; k < c->stream_count; k++) {
		r = lttng_ust_ctl_send_stream_to_ust(sock, c->channel, c->streams[k]);
		if (r < 0)
			return r;
	}
	c->objd = c->channel->handle;
	for (unsigned k = 0; k < c->context_count; k++) {
		struct lttng_ust_abi_object_data *ctx_obj = NULL;

		r = lttng_ust_ctl_add_context(sock, &c->contexts[k], c->channel, &ctx_obj);
		free(ctx_obj);
		if (r < 0 && app_connection_lost(r))
			return r;
		if (r < 0) {
			c->context_error = r;
			c->failed_context = k;
			r = 0;
			break;
		}
	}
	if (!c->enabled)
		r = lttng_ust_ctl_disable(sock, c->channel);
	return r < 0 ? r : 0;
}

static int setup_event_in_app(int sock, struct setup_channel *c, struct setup_event *e)
{
	struct lttng_ust_abi_object_data *ev_obj = NULL;
	int r = lttng_ust_ctl_create_event(sock, &e->attr, c->channel, &ev_obj);

	if (r < 0)
		return r;
	if (e->filter)
		r = lttng_ust_ctl_set_filter(sock, e->filter, ev_obj);
	if (r >= 0 && e->exclusion)
		r = lttng_ust_ctl_set_exclusion(sock, e->exclusion, ev_obj);
	if (r >= 0 && e->enabled)
		r = lttng_ust_ctl_enable(sock, ev_obj);
	e->objd = ev_obj->handle;
	free(ev_obj);
	return r < 0 ? r : 0;
}

static void setup_job_run(struct ust_job *job)
{
	struct app_setup_job *j = (struct app_setup_job *) job;
	int r = 0;

	if (j->release) {
		j->result = lttng_ust_ctl_release_handle(j->sock, j->handle);
		return;
	}
	if (j->stop) {
		r = lttng_ust_ctl_stop_session(j->sock, j->handle);
		if (r >= 0)
			r = lttng_ust_ctl_wait_quiescent(j->sock);
		j->result = r;
		return;
	}
	if (j->statedump) {
		j->result = lttng_ust_ctl_regenerate_statedump(j->sock, j->handle);
		return;
	}
	if (j->start) {
		r = lttng_ust_ctl_start_session(j->sock, j->handle);
		if (r >= 0)
			r = lttng_ust_ctl_wait_quiescent(j->sock);
		j->result = r;
		return;
	}
	j->handle = lttng_ust_ctl_create_session(j->sock);
	if (j->handle < 0) {
		j->result = j->handle;
		return;
	}
	for (unsigned i = 0; i < j->channel_count && r == 0; i++)
		r = setup_channel_in_app(j->sock, j->handle, &j->channels[i]);
	for (unsigned i = 0; i < j->event_count && r == 0; i++) {
		struct setup_channel *c = &j->channels[j->events[i].channel];

		if (!c->context_error)
			r = setup_event_in_app(j->sock, c, &j->events[i]);
	}
	j->result = r;
}

static void setup_job_done(struct daemon *d, struct ust_job *job);

static bool app_connection_lost(int result)
{
	return result == -EPIPE || result == -ECONNRESET || result == -ETIMEDOUT ||
	       result == -EAGAIN || result == -LTTNG_UST_ERR_EXITING;
}

static struct app_setup_job *setup_job_new(struct ust_app *app, uint64_t session_id)
{
	struct app_setup_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->base.run = setup_job_run;
	j->base.done = setup_job_done;
	j->app_id = app->id;
	j->session_id = session_id;
	j->sock = app->cmd_sock;
	j->result = -ECANCELED;
	j->handle = -1;
	return j;
}

static int context_to_ust(const struct decoded_context *in, struct lttng_ust_context_attr *out)
{
	static const struct {
		int lttng;
		enum lttng_ust_abi_context_type ust;
	} map[] = {
		{ LTTNG_EVENT_CONTEXT_VTID, LTTNG_UST_ABI_CONTEXT_VTID },
		{ LTTNG_EVENT_CONTEXT_VPID, LTTNG_UST_ABI_CONTEXT_VPID },
		{ LTTNG_EVENT_CONTEXT_PTHREAD_ID, LTTNG_UST_ABI_CONTEXT_PTHREAD_ID },
		{ LTTNG_EVENT_CONTEXT_PROCNAME, LTTNG_UST_ABI_CONTEXT_PROCNAME },
		{ LTTNG_EVENT_CONTEXT_IP, LTTNG_UST_ABI_CONTEXT_IP },
		{ LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER, LTTNG_UST_ABI_CONTEXT_PERF_THREAD_COUNTER },
		{ LTTNG_EVENT_CONTEXT_APP_CONTEXT, LTTNG_UST_ABI_CONTEXT_APP_CONTEXT },
		{ LTTNG_EVENT_CONTEXT_CGROUP_NS, LTTNG_UST_ABI_CONTEXT_CGROUP_NS },
		{ LTTNG_EVENT_CONTEXT_IPC_NS, LTTNG_UST_ABI_CONTEXT_IPC_NS },
		{ LTTNG_EVENT_CONTEXT_MNT_NS, LTTNG_UST_ABI_CONTEXT_MNT_NS },
		{ LTTNG_EVENT_CONTEXT_NET_NS, LTTNG_UST_ABI_CONTEXT_NET_NS },
		{ LTTNG_EVENT_CONTEXT_PID_NS, LTTNG_UST_ABI_CONTEXT_PID_NS },
		{ LTTNG_EVENT_CONTEXT_USER_NS, LTTNG_UST_ABI_CONTEXT_USER_NS },
		{ LTTNG_EVENT_CONTEXT_UTS_NS, LTTNG_UST_ABI_CONTEXT_UTS_NS },
		{ LTTNG_EVENT_CONTEXT_TIME_NS, LTTNG_UST_ABI_CONTEXT_TIME_NS },
		{ LTTNG_EVENT_CONTEXT_VUID, LTTNG_UST_ABI_CONTEXT_VUID },
		{ LTTNG_EVENT_CONTEXT_VEUID, LTTNG_UST_ABI_CONTEXT_VEUID },
		{ LTTNG_EVENT_CONTEXT_VSUID, LTTNG_UST_ABI_CONTEXT_VSUID },
		{ LTTNG_EVENT_CONTEXT_VGID, LTTNG_UST_ABI_CONTEXT_VGID },
		{ LTTNG_EVENT_CONTEXT_VEGID, LTTNG_UST_ABI_CONTEXT_VEGID },
		{ LTTNG_EVENT_CONTEXT_VSGID, LTTNG_UST_ABI_CONTEXT_VSGID },
	};

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (map[i].lttng != in->type)
			continue;
		out->ctx = map[i].ust;
		if (out->ctx == LTTNG_UST_ABI_CONTEXT_PERF_THREAD_COUNTER) {
			out->u.perf_counter.type = in->perf_type;
			out->u.perf_counter.config = in->perf_config;
			memcpy(out->u.perf_counter.name, in->perf_name, sizeof(out->u.perf_counter.name));
			out->u.perf_counter.name[sizeof(out->u.perf_counter.name) - 1] = '\0';
		} else if (out->ctx == LTTNG_UST_ABI_CONTEXT_APP_CONTEXT) {
			out->u.app_ctx.provider_name = strdup(in->app_provider ? in->app_provider : "");
			out->u.app_ctx.ctx_name = strdup(in->app_name ? in->app_name : "");
			if (!out->u.app_ctx.provider_name || !out->u.app_ctx.ctx_name)
				return -ENOMEM;
		}
		return 0;
	}
	return -ENOTSUP;
}

static int event_to_ust(const struct event_rule *rule, unsigned channel, struct setup_event *out)
{
	const struct decoded_event *ev = &rule->spec;

	memset(out, 0, sizeof(*out));
	out->channel = channel;
	out->enabled = ev->enabled;
	out->rule = rule;
	out->objd = -1;
	out->attr.instrumentation = LTTNG_UST_ABI_TRACEPOINT;
	(void) copy_string(out->attr.name, sizeof(out->attr.name), ev->name);
	out->attr.loglevel_type = ev->loglevel_type;
	out->attr.loglevel = ev->loglevel;
	if (ev->bytecode && ev->bytecode_len >= sizeof(struct lttng_ust_abi_filter_bytecode)) {
		out->filter = malloc(ev->bytecode_len);
		if (!out->filter)
			return -ENOMEM;
		memcpy(out->filter, ev->bytecode, ev->bytecode_len);
	}
	if (ev->exclusion_count) {
		size_t names = (size_t) ev->exclusion_count * LTTNG_UST_ABI_SYM_NAME_LEN;

		out->exclusion = calloc(1, sizeof(*out->exclusion) + names);
		if (!out->exclusion)
			return -ENOMEM;
		out->exclusion->count = ev->exclusion_count;
		memcpy(out->exclusion->names, ev->exclusions, names);
	}
	return 0;
}

/* Copies what the application needs into a phase-1 job. */
static int setup_job_fill(struct app_setup_job *j, const struct session *s, struct ust_registry *reg)
{
	const struct channel *c;
	unsigned ci = 0, ei = 0, events = 0;

	j->channel_count = (unsigned) list_count(&s->ust.channels);
	list_for_each_entry(c, &s->ust.channels, link)
		events += (unsigned) list_count(&c->events);
	j->channels = calloc(j->channel_count ? j->channel_count : 1, sizeof(*j->channels));
	j->events = calloc(events ? events : 1, sizeof(*j->events));
	if (!j->channels || !j->events)
		return -ENOMEM;
	list_for_each_entry(c, &s->ust.channels, link) {
		struct ust_registry_channel *rc = ust_registry_channel_find(reg, c->name);
		struct setup_channel *sc = &j->channels[ci];
		const struct context_spec *ctx;
		const struct event_rule *rule;

		if (!rc || rc->state != REGISTRY_CHANNEL_READY)
			continue; /* added after the buffers were made: not recorded */
		sc->chan_id = rc->chan_id;
		sc->enabled = c->enabled;
		(void) copy_string(sc->name, sizeof(sc->name), c->name);
		if (lttng_ust_ctl_duplicate_ust_object_data(&sc->channel, rc->channel_object) < 0)
			return -ENOMEM;
		sc->streams = calloc(rc->stream_count, sizeof(*sc->streams));
		if (!sc->streams)
			return -ENOMEM;
		for (unsigned k = 0; k < rc->stream_count; k++) {
			if (lttng_ust_ctl_duplicate_ust_object_data(&sc->streams[k], rc->stream_objects[k]) < 0)
				return -ENOMEM;
			sc->stream_count++;
		}
		sc->contexts = calloc(list_count(&c->contexts) + 1, sizeof(*sc->contexts));
		if (!sc->contexts)
			return -ENOMEM;
		list_for_each_entry(ctx, &c->contexts, link) {
			int r = context_to_ust(&ctx->ctx, &sc->contexts[sc->context_count]);

			if (r == -ENOMEM)
				return r;
			if (r == 0)
				sc->context_count++;
		}
		list_for_each_entry(rule, &c->events, link) {
			int r = event_to_ust(rule, ci, &j->events[ei]);

			if (r < 0)
				return r;
			ei++;
		}
		ci++;
	}
	j->channel_count = ci;
	j->event_count = ei;
	return 0;
}

static void app_session_abandon(struct daemon *d, struct ust_app_session *as, int error)
{
	struct trace_op *op = move_ptr(as->op);

	if (op && op->error == LTTNG_OK && op->kind != TRACE_OP_APP_READY)
		op->error = error;
	op_release(d, op);
}

static void app_setup_submit(struct daemon *d, struct ust_app *app, struct ust_app_session *as)
{
	struct session *s = session_by_id(d, as->session_id);
	struct ust_registry *reg = registry_by_id(d, as->registry_id);
	struct app_setup_job *j = setup_job_new(app, as->session_id);

	if (!s || !reg || !j || setup_job_fill(j, s, reg) < 0) {
		if (j)
			setup_job_free(j);
		app_session_abandon(d, as, LTTNG_ERR_UST_CHAN_FAIL);
		return;
	}
	ust_queue_submit(app->queue, &j->base);
}

static void setup_job_done(struct daemon *d, struct ust_job *job)
{
	struct app_setup_job *j = (struct app_setup_job *) job;
	struct ust_app *app = ust_app_find(d->apps, j->app_id);
	struct ust_app_session *as = app ? app_session_find(app, j->session_id) : NULL;

	if (j->release || j->stop || j->statedump) {
		/* Fire-and-forget steps carry their operation in the job. */
		setup_job_free(j);
		return;
	}
	if (!as) {
		setup_job_free(j);
		return;
	}
	if (j->result < 0) {
		int result = j->result;

		log_error("Application %s (pid %d): cannot %s session: %d", app->name, (int) app->pid,
			  j->start ? "start the" : "set up the", result);

		/* An application that is gone or stopped answering is not the start's
		 * failure (as LTTng): the session records the others. */
		app_session_abandon(d, as, app_connection_lost(result) ? LTTNG_OK
								     : LTTNG_ERR_UST_START_FAIL);
		setup_job_free(j);
		/* An application that stopped answering (socket timeout) or whose socket
		 * broke is dropped, as if it had exited. */
		if (app_connection_lost(result))
			ust_app_unregister(d, app, "it does not answer");
		return;
	}
	if (!j->start) {
		struct session *s = session_by_id(d, j->session_id);

		for (unsigned i = 0; i < j->channel_count; i++) {
			const struct setup_channel *c = &j->channels[i];

			if (c->context_error)
				log_warn("Application %s (pid %d) refused context %u of %u of channel "
					 "\"%s\" (error %d): as with LTTng, that channel records none "
					 "of the events set up at start in this application",
					 app->name, (int) app->pid,
					 c->failed_context + 1, c->context_count, c->name,
					 c->context_error);
		}
		as->handle = j->handle;
		as->channels = calloc(j->channel_count ? j->channel_count : 1, sizeof(*as->channels));
		if (!as->channels) {
			app_session_abandon(d, as, LTTNG_ERR_NOMEM);
			setup_job_free(j);
			return;
		}
		for (unsigned i = 0; i < j->channel_count; i++) {
			as->channels[i].chan_id = j->channels[i].chan_id;
			as->channels[i].objd = j->channels[i].objd;
		}
		as->channel_count = j->channel_count;
		as->events = calloc(j->event_count ? j->event_count : 1, sizeof(*as->events));
		if (!as->events) {
			app_session_abandon(d, as, LTTNG_ERR_NOMEM);
			setup_job_free(j);
			return;
		}
		for (unsigned i = 0; i < j->event_count; i++) {
			as->events[i].rule = j->events[i].rule;
			as->events[i].objd = j->events[i].objd;
		}
		as->event_count = j->event_count;
		setup_job_free(j);
		if (!s || !s->active) {
			app_session_abandon(d, as, LTTNG_OK);
			return;
		}
		j = setup_job_new(app, as->session_id);
		if (!j) {
			app_session_abandon(d, as, LTTNG_ERR_NOMEM);
			return;
		}
		j->start = true;
		j->handle = as->handle;
		ust_queue_submit(app->queue, &j->base);
		return;
	}
	{
		/* A stop queued behind this start has already stopped it again. */
		struct session *s = session_by_id(d, j->session_id);

		as->started = s && s->active;
	}
	setup_job_free(j);
	app_session_abandon(d, as, LTTNG_OK);
}

/* Starts (or, when it exists, restarts) a session in one application. */
static void app_session_begin(struct daemon *d, struct ust_app *app, struct session *s,
			      struct trace_op *op)
{
	struct ust_app_session *as = app_session_find(app, s->id);
	struct ust_registry *reg;

	if (!session_records_ust(s) || !session_follows_app(s, app))
		return;
	if (!consumer_configured(d, app->bits_per_long)) {
		/* As LTTng without a consumer of that bitness: the application runs
		 * untraced. */
		log_warn("Application %s (pid %d) is %u-bit and no %u-bit consumer daemon is "
			 "configured: not traced", app->name, (int) app->pid, app->bits_per_long,
			 app->bits_per_long);
		return;
	}
	if (as) {
		struct app_setup_job *j;

		if (as->op || as->handle < 0)
			return; /* already on its way */
		j = setup_job_new(app, s->id);
		if (!j)
			return;
		j->start = true;
		j->handle = as->handle;
		as->op = op;
		op_hold(op);
		ust_queue_submit(app->queue, &j->base);
		return;
	}
	as = calloc(1, sizeof(*as));
	if (!as)
		return;
	as->session_id = s->id;
	as->handle = -1;
	list_append(&app->sessions, &as->link);
	reg = registry_find_for(d, s, app);
	if (!reg)
		reg = registry_create(d, s, app);
	if (!reg) {
		app_session_free(as);
		if (op->error == LTTNG_OK && op->kind != TRACE_OP_APP_READY)
			op->error = LTTNG_ERR_UST_CHAN_FAIL;
		return;
	}
	as->registry_id = reg->id;
	as->op = op;
	op_hold(op);
	if (reg->failed) {
		app_session_abandon(d, as, LTTNG_ERR_UST_CHAN_FAIL);
		return;
	}
	if (!list_is_empty(&reg->channels) &&
	    container_of(reg->channels.next, struct ust_registry_channel, link)->state ==
		    REGISTRY_CHANNEL_READY) {
		app_setup_submit(d, app, as);
		return;
	}
	as->waiting_for_buffers = true;
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

int ust_trace_can_start(struct daemon *d, const struct session *s)
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

int ust_trace_start(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred)
{
	struct trace_op *op;
	struct ust_app *app;

	*deferred = false;
	if (!d->apps || !session_records_ust(s))
		return LTTNG_OK;
	op = op_new(TRACE_OP_START, connection_id, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	list_for_each_entry(app, &d->apps->apps, link)
		if (app->state == UST_APP_READY)
			app_session_begin(d, app, s, op);
	if (op->pending == 1) {
		int error = op->error;

		free(op); /* nothing to wait for: answer now */
		return error;
	}
	*deferred = true;
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
		ust_queue_submit(app->queue, &j->base);
	}
}

struct op_marker_job {
	struct ust_job base;
	struct trace_op *op;
};

static void marker_run(struct ust_job *job)
{
}

static void marker_done(struct daemon *d, struct ust_job *job)
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
		ust_queue_submit(app->queue, &m->base);
	}
}

int ust_trace_stop(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred)
{
	struct trace_op *op;

	*deferred = false;
	if (!d->apps || !registry_has_session(d, s->id))
		return LTTNG_OK;
	op = op_new(TRACE_OP_STOP, connection_id, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	stop_apps(d, s);
	wait_for_app_queues(d, s->id, op);
	*deferred = true;
	if (op->pending == 1) {
		op->pending = 0;
		flush_registries(d, op, false);
		return LTTNG_OK;
	}
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
			add_key_op(b, CONSUMER_OP_FLUSH, rc->consumer_key);
			add_key_op(b, CONSUMER_OP_STATS, rc->consumer_key);
		}
		if (what & REGISTRY_END_DESTROY)
			add_key_op(b, CONSUMER_OP_DESTROY, rc->consumer_key);
	}
	if ((what & REGISTRY_END_DESTROY) && reg->metadata_created)
		add_key_op(b, CONSUMER_OP_DESTROY, reg->metadata_key);
}

static void flush_registries(struct daemon *d, struct trace_op *op, bool destroy)
{
	struct consumer_batch *b = consumer_batch_new(flush_done, (uint64_t) (uintptr_t) op);
	struct ust_registry *reg;

	if (!b) {
		op->app_id = UINT64_MAX; /* nothing flushed, answer anyway */
		op_next(d, op);
		return;
	}
	b->stop_on_error = false;
	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != op->session_id)
			continue;
		if (reg->consumer_lost) {
			/* Nothing left to flush: say so to whoever stops the session. */
			if (!destroy && op->error == LTTNG_OK)
				op->error = LTTNG_ERR_UST_STOP_FAIL;
			continue;
		}
		registry_end_ops(d, b, reg, destroy ? REGISTRY_END_DESTROY : REGISTRY_END_FLUSH);
	}
	b->cookie2 = destroy;
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
	list_for_each_entry(c, &s->ust.channels, link) {
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
				ust_queue_submit(app->queue, &j->base);
			}
		}
		app_session_abandon(d, as, LTTNG_OK);
		app_session_free(as);
	}
}

static void flush_done(struct daemon *d, struct consumer_batch *b)
{
	struct trace_op *op = (struct trace_op *) (uintptr_t) b->cookie;
	bool destroy = b->cookie2;

	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *cop = &b->ops[i];

		if (cop->result < 0 && cop->result != -ENOTCONN && cop->result != -ENOENT) {
			log_error_errno(cop->result, "Consumer daemon: end of recording failed");
			/* A full disk or a vanished directory: the trace is incomplete. */
			if (!destroy && op->error == LTTNG_OK)
				op->error = LTTNG_ERR_UST_STOP_FAIL;
		}
		if (cop->type == CONSUMER_OP_STATS && cop->result == 0)
			record_stats(d, op->session_id, cop->in.key, cop->discarded_events,
				     cop->lost_packets);
	}
	if (destroy)
		free_session_registries(d, op->session_id);
	/* Reuse the operation for its last step: the reply. */
	op->pending = 0;
	op->kind = destroy ? TRACE_OP_DESTROY : TRACE_OP_STOP;
	op->app_id = UINT64_MAX; /* marks "flushed" */
	op_next(d, op);
}

int ust_trace_destroy(struct daemon *d, struct session *s, uint64_t connection_id, bool *deferred)
{
	struct trace_op *op;

	*deferred = false;
	if (!d->apps || !registry_has_session(d, s->id)) {
		session_free(s);
		return LTTNG_OK;
	}
	op = op_new(TRACE_OP_DESTROY, connection_id, s->id);
	if (!op)
		return LTTNG_ERR_NOMEM;
	op->destroyed = s;
	if (s->active)
		stop_apps(d, s);
	wait_for_app_queues(d, s->id, op);
	*deferred = true;
	if (op->pending == 1) {
		op->pending = 0;
		flush_registries(d, op, true);
		return LTTNG_OK;
	}
	op_release(d, op);
	return LTTNG_OK;
}

static void op_next(struct daemon *d, struct trace_op *op)
{
	switch (op->kind) {
	case TRACE_OP_START:
		reply_client(d, op->connection_id, op->error, NULL, 0);
		break;
	case TRACE_OP_APP_READY:
		if (op->app_done)
			op->app_done(d, op->app_id);
		break;
	case TRACE_OP_BACKGROUND:
		break;
	case TRACE_OP_STOP:
		if (op->app_id != UINT64_MAX) {
			flush_registries(d, op, false);
			return;
		}
		reply_client(d, op->connection_id, op->error, NULL, 0);
		break;
	case TRACE_OP_DESTROY:
		if (op->app_id != UINT64_MAX) {
			flush_registries(d, op, true);
			return;
		} else {
			int32_t rotation_state = LTTNG_ROTATION_STATE_NO_ROTATION;

			session_free(op->destroyed);
			reply_client(d, op->connection_id, LTTNG_OK, &rotation_state,
				     sizeof(rotation_state));
		}
		break;
	}
	free(op);
}

/* ------------------------------------------------------------------------- */
/* Regenerate.                                                                */

int ust_trace_regenerate_metadata(struct daemon *d, struct session *s)
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

int ust_trace_regenerate_statedump(struct daemon *d, struct session *s)
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
		ust_queue_submit(app->queue, &j->base);
	}
	return LTTNG_OK;
}

/* ------------------------------------------------------------------------- */
/* Applications coming and going.                                             */

void ust_trace_app_ready(struct daemon *d, struct ust_app *app,
			 void (*done)(struct daemon *d, uint64_t app_id))
{
	struct trace_op *op = op_new(TRACE_OP_APP_READY, 0, 0);
	struct session *s;

	if (!op) {
		done(d, app->id);
		return;
	}
	op->app_id = app->id;
	op->app_done = done;
	list_for_each_entry(s, &d->sessions.sessions, link)
		if (s->active)
			app_session_begin(d, app, s, op);
	op_release(d, op);
}

static void per_pid_closed(struct daemon *d, struct consumer_batch *b)
{
	struct ust_registry *reg = registry_by_id(d, b->cookie);
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
			list_for_each_entry(c, &s->ust.channels, link) {
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
			struct consumer_batch *b = consumer_batch_new(per_pid_closed, reg->id);

			if (b) {
				b->stop_on_error = false;
				registry_end_ops(d, b, reg, REGISTRY_END_FLUSH_DESTROY);
				consumer_batch_submit(d, b);
			}
		}
		app_session_free(as);
	}
}

void ust_trace_consumer_died(struct daemon *d, unsigned bits_per_long)
{
	struct ust_registry *reg;
	unsigned lost = 0;

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

/* ------------------------------------------------------------------------- */
/* Changes to a started session.                                              */

struct change_job {
	struct ust_job base;
	uint64_t app_id;
	uint64_t session_id;
	int sock;
	int result;
	enum { CHANGE_ENABLE, CHANGE_DISABLE, CHANGE_CREATE } what;
	struct lttng_ust_abi_object_data target; /* only its handle is used */
	struct setup_channel channel;             /* CHANGE_CREATE: objd of the channel */
	struct setup_event event;
};

static void change_job_run(struct ust_job *job)
{
	struct change_job *j = (struct change_job *) job;

	switch (j->what) {
	case CHANGE_ENABLE:
		j->result = lttng_ust_ctl_enable(j->sock, &j->target);
		break;
	case CHANGE_DISABLE:
		j->result = lttng_ust_ctl_disable(j->sock, &j->target);
		break;
	case CHANGE_CREATE:
		j->result = setup_event_in_app(j->sock, &j->channel, &j->event);
		break;
	}
}

static void change_job_done(struct daemon *d, struct ust_job *job)
{
	struct change_job *j = (struct change_job *) job;
	struct ust_app *app = ust_app_find(d->apps, j->app_id);
	struct ust_app_session *as = app ? app_session_find(app, j->session_id) : NULL;

	if (j->result < 0 && app)
		log_warn("Application %s (pid %d): cannot apply an event change: %d", app->name,
			 (int) app->pid, j->result);
	if (j->what == CHANGE_CREATE && as && j->result == 0) {
		struct ust_app_event *grown = realloc(as->events, (as->event_count + 1) * sizeof(*grown));

		if (grown) {
			as->events = grown;
			as->events[as->event_count].rule = j->event.rule;
			as->events[as->event_count].objd = j->event.objd;
			as->event_count++;
		}
	}
	free(j->channel.channel);
	free(j->event.filter);
	free(j->event.exclusion);
	free(j);
}

static struct change_job *change_job_new(struct ust_app *app, uint64_t session_id, int what)
{
	struct change_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->base.run = change_job_run;
	j->base.done = change_job_done;
	j->app_id = app->id;
	j->session_id = session_id;
	j->sock = app->cmd_sock;
	j->result = -ECANCELED;
	j->what = what;
	return j;
}

static const struct channel *channel_of(const struct session *s, const char *name)
{
	const struct channel *c;

	list_for_each_entry(c, &s->ust.channels, link)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int app_channel_objd(struct daemon *d, const struct ust_app_session *as, const char *name)
{
	struct ust_registry *reg = registry_by_id(d, as->registry_id);
	struct ust_registry_channel *rc = reg ? ust_registry_channel_find(reg, name) : NULL;

	if (!rc)
		return -1;
	for (unsigned i = 0; i < as->channel_count; i++)
		if (as->channels[i].chan_id == rc->chan_id)
			return as->channels[i].objd;
	return -1;
}

void ust_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
			     const void *rule_ptr)
{
	const struct event_rule *rule = rule_ptr;
	const struct channel *c = channel_of(s, channel_name);
	struct ust_app *app;

	if (!d->apps || !c)
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		struct change_job *j = NULL;
		int chan_objd;

		if (!as || as->handle < 0 || as->op)
			continue;
		for (unsigned i = 0; i < as->event_count; i++) {
			if (as->events[i].rule != rule || as->events[i].objd < 0)
				continue;
			j = change_job_new(app, s->id, rule->spec.enabled ? CHANGE_ENABLE : CHANGE_DISABLE);
			if (j)
				j->target.handle = as->events[i].objd;
			break;
		}
		if (!j && rule->spec.enabled) {
			chan_objd = app_channel_objd(d, as, channel_name);
			if (chan_objd < 0)
				continue;
			j = change_job_new(app, s->id, CHANGE_CREATE);
			if (!j)
				continue;
			j->channel.channel = calloc(1, sizeof(*j->channel.channel));
			if (!j->channel.channel || event_to_ust(rule, 0, &j->event) < 0) {
				free(j->channel.channel);
				free(j->event.filter);
				free(j->event.exclusion);
				free(j);
				continue;
			}
			j->channel.channel->handle = chan_objd;
		}
		if (j)
			ust_queue_submit(app->queue, &j->base);
	}
}

void ust_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name)
{
	const struct channel *c = channel_of(s, channel_name);
	struct ust_app *app;

	if (!d->apps || !c)
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		struct change_job *j;
		int objd;

		if (!as || as->handle < 0 || as->op)
			continue;
		objd = app_channel_objd(d, as, channel_name);
		if (objd < 0)
			continue;
		j = change_job_new(app, s->id, c->enabled ? CHANGE_ENABLE : CHANGE_DISABLE);
		if (!j)
			continue;
		j->target.handle = objd;
		ust_queue_submit(app->queue, &j->base);
	}
}

/* ------------------------------------------------------------------------- */
/* Snapshots.                                                                 */

/* Bytes one more packet of every stream would add, counting only channels that
 * still have packets to give (LTTng's rule for --max-size). */
static uint64_t one_more_packet_size(struct daemon *d, const struct session *s, uint64_t packets)
{
	struct ust_registry *reg;
	uint64_t total = 0;

	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->session_id != s->id)
			continue;
		list_for_each_entry(rc, &reg->channels, link) {
			const struct channel *c = channel_of(s, rc->name);

			if (!c || rc->state != REGISTRY_CHANNEL_READY || packets >= c->attr.num_subbuf)
				continue;
			total += c->attr.subbuf_size * rc->stream_count;
		}
	}
	return total;
}

/* Packets per stream that fit in max_size: 0 = all, -1 = not even one each. */
static int64_t packets_per_stream(struct daemon *d, const struct session *s, uint64_t max_size)
{
	int64_t left = (int64_t) max_size;
	uint64_t packets = 0;

	if (max_size == 0)
		return 0;
	for (;;) {
		uint64_t more = one_more_packet_size(d, s, packets);

		if (more == 0)
			break;
		left -= (int64_t) more;
		if (left < 0)
			break;
		packets++;
	}
	return packets == 0 && left != (int64_t) max_size ? -1 : (int64_t) packets;
}

static void snapshot_done(struct daemon *d, struct consumer_batch *b)
{
	int ret = LTTNG_OK;

	for (unsigned i = 0; i < b->count; i++) {
		if (b->ops[i].result < 0) {
			log_error_errno(b->ops[i].result, "Snapshot failed");
			ret = LTTNG_ERR_SNAPSHOT_FAIL;
			break;
		}
	}
	reply_client(d, b->cookie, ret, NULL, 0);
}

static int snapshot_add_registry(struct daemon *d, struct consumer_batch *b, const struct session *s,
				 struct ust_registry *reg, const char *dir, int64_t packets)
{
	struct ust_registry_channel *rc;
	struct consumer_op *op;
	uint64_t key = ++d->next_consumer_key;

	consumer_batch_target(b, reg->bits_per_long);
	/* The metadata as it stands, into a file of its own in the snapshot. */
	op = consumer_batch_add(b, CONSUMER_OP_ADD_METADATA);
	if (!op)
		return -ENOMEM;
	op->in.add_metadata.key = key;
	op->in.add_metadata.session_id = s->id;
	op->in.add_metadata.uid = s->uid;
	op->in.add_metadata.gid = s->gid;
	memcpy(op->in.add_metadata.uuid, reg->meta.uuid, 16);
	(void) copy_string(op->in.add_metadata.directory, sizeof(op->in.add_metadata.directory), dir);
	if (consumer_batch_add_push(b, key, 0, false, (const char *) reg->metadata.data,
				    reg->metadata.size) < 0)
		return -ENOMEM;
	op = consumer_batch_add(b, CONSUMER_OP_DESTROY);
	if (!op)
		return -ENOMEM;
	op->in.key = key;
	list_for_each_entry(rc, &reg->channels, link) {
		if (rc->state != REGISTRY_CHANNEL_READY)
			continue;
		op = consumer_batch_add(b, CONSUMER_OP_SNAPSHOT);
		if (!op)
			return -ENOMEM;
		op->in.snapshot = calloc(1, sizeof(*op->in.snapshot));
		if (!op->in.snapshot)
			return -ENOMEM;
		op->in.snapshot->key = rc->consumer_key;
		op->in.snapshot->packets_per_stream = (uint64_t) packets;
		op->in.snapshot->uid = s->uid;
		op->in.snapshot->gid = s->gid;
		op->in.snapshot->session_active = s->active;
		(void) copy_string(op->in.snapshot->directory, sizeof(op->in.snapshot->directory), dir);
	}
	return 0;
}

int ust_trace_snapshot(struct daemon *d, struct session *s, const char *directory,
		       uint64_t max_size, uint64_t connection_id, bool *deferred)
{
	struct consumer_batch *b;
	struct ust_registry *reg;
	int64_t packets;
	bool any = false;

	*deferred = false;
	if (!d->apps)
		return LTTNG_OK;
	/* Directories first, as LTTng makes them before checking the size. */
	list_for_each_entry(reg, &d->ust_registries, link) {
		char dir[PATH_MAX];

		if (reg->session_id != s->id || reg->failed)
			continue;
		if ((size_t) snprintf(dir, sizeof(dir), "%s/%s/index", directory, reg->relative_path) >=
			    sizeof(dir) ||
		    mkdir_as(s->uid, s->gid, dir, 0770) < 0)
			return LTTNG_ERR_CREATE_DIR_FAIL;
		any = true;
	}
	if (!any)
		return LTTNG_OK;
	packets = packets_per_stream(d, s, max_size);
	if (packets < 0)
		return LTTNG_ERR_MAX_SIZE_INVALID;
	b = consumer_batch_new(snapshot_done, connection_id);
	if (!b)
		return LTTNG_ERR_NOMEM;
	list_for_each_entry(reg, &d->ust_registries, link) {
		char dir[PATH_MAX];

		if (reg->session_id != s->id || reg->failed)
			continue;
		if ((size_t) snprintf(dir, sizeof(dir), "%s/%s", directory, reg->relative_path) >=
		    sizeof(dir))
			continue; /* cannot happen: the longer path with /index was made */
		if (snapshot_add_registry(d, b, s, reg, dir, packets) < 0) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	consumer_batch_submit(d, b);
	*deferred = true;
	return LTTNG_OK;
}

/* Ends a session in one application: stop it there and release its objects (its
 * per-PID buffers stay in the registry until the session is destroyed). */
static void app_session_end(struct daemon *d, struct ust_app *app, struct ust_app_session *as)
{
	if (as->handle >= 0) {
		struct app_setup_job *stop = setup_job_new(app, as->session_id);
		struct app_setup_job *release = setup_job_new(app, as->session_id);

		if (stop) {
			stop->stop = true;
			stop->handle = as->handle;
			ust_queue_submit(app->queue, &stop->base);
		}
		if (release) {
			release->release = true;
			release->handle = as->handle;
			ust_queue_submit(app->queue, &release->base);
		}
	}
	app_session_abandon(d, as, LTTNG_OK);
	app_session_free(as);
}

void ust_trace_trackers_changed(struct daemon *d, struct session *s)
{
	struct trace_op *op;
	struct ust_app *app;

	if (!d->apps || !s->active || !session_records_ust(s))
		return;
	op = op_new(TRACE_OP_BACKGROUND, 0, s->id);
	if (!op)
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		bool follows = session_follows_app(s, app);

		if (app->state != UST_APP_READY)
			continue;
		if (follows && !as)
			app_session_begin(d, app, s, op);
		else if (!follows && as && !as->op)
			app_session_end(d, app, as);
	}
	op_release(d, op);
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
	struct session *s = session_by_id(d, b->cookie2);
	struct client_reply reply;
	struct channel *c;
	uint32_t count = 0;

	memset(&reply, 0, sizeof(reply));
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	reply.ret_code = LTTNG_OK;
	for (unsigned i = 0; s && i < b->count; i++)
		if (b->ops[i].result == 0)
			record_stats(d, s->id, b->ops[i].in.key, b->ops[i].discarded_events,
				     b->ops[i].lost_packets);
	if (!s) {
		reply.ret_code = LTTNG_ERR_SESS_NOT_FOUND;
	} else {
		list_for_each_entry(c, &s->ust.channels, link) {
			if (codec_encode_channel(&reply.data, c->name, c->enabled, &c->attr,
						 c->discarded_events, c->lost_packets) < 0)
				reply.ret_code = LTTNG_ERR_NOMEM;
			count++;
		}
		if (buffer_append_u32(&reply.cmd_header, count) < 0)
			reply.ret_code = LTTNG_ERR_NOMEM;
	}
	client_server_complete(d, b->cookie, &reply);
	buffer_fini(&reply.cmd_header);
	buffer_fini(&reply.data);
}

bool ust_trace_list_channels_live(struct daemon *d, struct session *s, uint64_t connection_id)
{
	struct consumer_batch *b;
	struct ust_registry *reg;

	if (!d->apps || !s->active)
		return false;
	b = consumer_batch_new(live_stats_done, connection_id);
	if (!b)
		return false;
	b->stop_on_error = false;
	b->cookie2 = s->id;
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
				return false;
			}
			op->in.key = rc->consumer_key;
		}
	}
	if (b->count == 0) {
		consumer_batch_free(b);
		return false;
	}
	consumer_batch_submit(d, b);
	return true;
}

bool ust_trace_session_has_buffers(struct daemon *d, const struct session *s)
{
	return registry_has_session(d, s->id);
}
