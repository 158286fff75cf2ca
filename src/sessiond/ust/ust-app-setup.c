/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Setting a session up in an application: phase 1 creates the session object, hands
 * it the channels and streams and adds contexts and events; phase 2 starts it, once
 * the loop knows the channel handles the application will use in its registrations.
 * The blocking liblttng-ust-ctl calls run on the application's queue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/ust-error.h>

#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "ust/ust-trace-internal.h"

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

int setup_event_in_app(int sock, struct setup_channel *c, struct setup_event *e)
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

static void setup_job_run(struct worker_job *job)
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

static void setup_job_done(struct daemon *d, struct worker_job *job);

static bool app_connection_lost(int result)
{
	return result == -EPIPE || result == -ECONNRESET || result == -ETIMEDOUT ||
	       result == -EAGAIN || result == -LTTNG_UST_ERR_EXITING;
}

struct app_setup_job *setup_job_new(struct ust_app *app, uint64_t session_id)
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

int event_to_ust(const struct event_rule *rule, unsigned channel, struct setup_event *out)
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

	j->channel_count = (unsigned) list_count(&s->domains[DOMAIN_INDEX_UST].channels);
	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link)
		events += (unsigned) list_count(&c->events);
	j->channels = calloc(j->channel_count ? j->channel_count : 1, sizeof(*j->channels));
	j->events = calloc(events ? events : 1, sizeof(*j->events));
	if (!j->channels || !j->events)
		return -ENOMEM;
	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link) {
		struct ust_registry_channel *rc = ust_registry_channel_find(reg, c->name);
		struct setup_channel *sc = &j->channels[ci];
		const struct context_spec *ctx;
		const struct event_rule *rule;

		if (!rc || rc->state != REGISTRY_CHANNEL_READY || !rc->channel_object)
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

void app_session_abandon(struct daemon *d, struct ust_app_session *as, int error)
{
	struct trace_op *op = move_ptr(as->op);

	if (op && op->kind != TRACE_OP_APP_READY)
		op_fail(op, error);
	op_release(d, op);
}

void app_setup_submit(struct daemon *d, struct ust_app *app, struct ust_app_session *as)
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
	worker_queue_submit(app->queue, &j->base);
}

static void setup_job_done(struct daemon *d, struct worker_job *job)
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
			as->channels[i].enabled = j->channels[i].enabled;
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
			as->events[i].enabled = j->events[i].enabled;
		}
		as->event_count = j->event_count;
		setup_job_free(j);
		{
			struct ust_registry *reg = registry_by_id(d, as->registry_id);

			/* The application's own buffers are in it now. */
			if (reg && reg->per_pid)
				ust_registry_drop_objects(reg);
		}
		/* Not started when the session stopped meanwhile, or when a tracker
		 * changed meanwhile now leaves this application out. */
		if (!s || !s->active || (as->resync && !session_follows_app(s, app))) {
			app_session_settled(d, app, as);
			return;
		}
		j = setup_job_new(app, as->session_id);
		if (!j) {
			app_session_abandon(d, as, LTTNG_ERR_NOMEM);
			return;
		}
		j->start = true;
		j->handle = as->handle;
		worker_queue_submit(app->queue, &j->base);
		return;
	}
	{
		/* A stop queued behind this start has already stopped it again. */
		struct session *s = session_by_id(d, j->session_id);

		as->started = s && s->active;
	}
	setup_job_free(j);
	app_session_settled(d, app, as);
}

void app_session_settled(struct daemon *d, struct ust_app *app, struct ust_app_session *as)
{
	/* Changes made meanwhile were left for now: apply them first (the session may
	 * end here in this application, when a tracker now leaves it out). */
	if (as->resync && app_session_resync(d, app, as))
		return;
	app_session_abandon(d, as, LTTNG_OK);
}

/* Starts (or, when it exists, restarts) a session in one application. */
void app_session_begin(struct daemon *d, struct ust_app *app, struct session *s,
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
		worker_queue_submit(app->queue, &j->base);
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
		if (op->kind != TRACE_OP_APP_READY)
			op_fail(op, LTTNG_ERR_UST_CHAN_FAIL);
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
