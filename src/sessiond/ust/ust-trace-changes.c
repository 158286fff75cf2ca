/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Changes to a session that is recording: event rules and channels enabled,
 * disabled or added, trackers changed, pushed to the applications already set up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/daemon.h"
#include "log.h"
#include "ust/ust-trace-internal.h"

/* ------------------------------------------------------------------------- */
/* Changes to a started session.                                              */

struct change_job {
	struct worker_job base;
	uint64_t app_id;
	uint64_t session_id;
	int sock;
	int result;
	enum { CHANGE_ENABLE, CHANGE_DISABLE, CHANGE_CREATE } what;
	struct lttng_ust_abi_object_data target; /* only its handle is used */
	struct setup_channel channel;             /* CHANGE_CREATE: objd of the channel */
	struct setup_event event;
};

static void change_job_run(struct worker_job *job)
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

static void change_job_free(struct change_job *j)
{
	free(j->channel.channel);
	free(j->event.filter);
	free(j->event.exclusion);
	free(j);
}

static void change_job_done(struct daemon *d, struct worker_job *job)
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
			as->events[as->event_count].enabled = j->event.enabled;
			as->event_count++;
		}
	}
	change_job_free(j);
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

/* Brings one rule up to date in one application: enables or disables its event,
 * or creates it there (enabled) when the application does not have it yet. */
static void event_change_in_app(struct daemon *d, struct ust_app *app, struct ust_app_session *as,
				const char *channel_name, const struct event_rule *rule)
{
	struct change_job *j = NULL;
	int chan_objd;

	for (unsigned i = 0; i < as->event_count; i++) {
		if (as->events[i].rule != rule || as->events[i].objd < 0)
			continue;
		if (as->events[i].enabled == (bool) rule->spec.enabled)
			return;
		j = change_job_new(app, as->session_id,
				   rule->spec.enabled ? CHANGE_ENABLE : CHANGE_DISABLE);
		if (!j)
			return;
		j->target.handle = as->events[i].objd;
		as->events[i].enabled = rule->spec.enabled;
		worker_queue_submit(app->queue, &j->base);
		return;
	}
	if (!rule->spec.enabled)
		return;
	chan_objd = app_channel_objd(d, as, channel_name);
	if (chan_objd < 0)
		return;
	j = change_job_new(app, as->session_id, CHANGE_CREATE);
	if (!j)
		return;
	j->channel.channel = calloc(1, sizeof(*j->channel.channel));
	if (!j->channel.channel || event_to_ust(rule, 0, &j->event) < 0) {
		change_job_free(j);
		return;
	}
	j->channel.channel->handle = chan_objd;
	worker_queue_submit(app->queue, &j->base);
}

/* Brings one channel's state up to date in one application. */
static void channel_change_in_app(struct daemon *d, struct ust_app *app,
				  struct ust_app_session *as, const struct channel *c)
{
	struct ust_registry *reg = registry_by_id(d, as->registry_id);
	struct ust_registry_channel *rc = reg ? ust_registry_channel_find(reg, c->name) : NULL;

	for (unsigned i = 0; rc && i < as->channel_count; i++) {
		struct ust_app_channel *ac = &as->channels[i];
		struct change_job *j;

		if (ac->chan_id != rc->chan_id || ac->objd < 0 || ac->enabled == c->enabled)
			continue;
		j = change_job_new(app, as->session_id, c->enabled ? CHANGE_ENABLE : CHANGE_DISABLE);
		if (!j)
			return;
		j->target.handle = ac->objd;
		ac->enabled = c->enabled;
		worker_queue_submit(app->queue, &j->base);
	}
}

/* The application's view of the session, when a change can reach it now; a setup
 * in flight is marked to catch up once it settles (app_session_resync). */
static struct ust_app_session *changeable_session(struct ust_app *app, uint64_t session_id)
{
	struct ust_app_session *as = app_session_find(app, session_id);

	if (!as)
		return NULL;
	if (as->op) {
		as->resync = true;
		return NULL;
	}
	return as->handle < 0 ? NULL : as;
}

void ust_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
			     const struct event_rule *rule)
{
	struct ust_app *app;

	if (!d->apps || !channel_of(s, channel_name))
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = changeable_session(app, s->id);

		if (as)
			event_change_in_app(d, app, as, channel_name, rule);
	}
}

void ust_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name)
{
	const struct channel *c = channel_of(s, channel_name);
	struct ust_app *app;

	if (!d->apps || !c)
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = changeable_session(app, s->id);

		if (as)
			channel_change_in_app(d, app, as, c);
	}
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
			worker_queue_submit(app->queue, &stop->base);
		}
		if (release) {
			release->release = true;
			release->handle = as->handle;
			worker_queue_submit(app->queue, &release->base);
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
	op = op_new(TRACE_OP_BACKGROUND, NULL, s->id);
	if (!op)
		return;
	list_for_each_entry(app, &d->apps->apps, link) {
		struct ust_app_session *as = app_session_find(app, s->id);
		bool follows = session_follows_app(s, app);

		if (app->state != UST_APP_READY)
			continue;
		if (follows && !as)
			app_session_begin(d, app, s, op);
		else if (!follows && as && as->op)
			as->resync = true;
		else if (!follows && as)
			app_session_end(d, app, as);
	}
	op_release(d, op);
}

bool app_session_resync(struct daemon *d, struct ust_app *app, struct ust_app_session *as)
{
	struct session *s = session_by_id(d, as->session_id);
	const struct channel *c;

	as->resync = false;
	if (!s || as->handle < 0)
		return false;
	if (s->active && !session_follows_app(s, app)) {
		app_session_end(d, app, as);
		return true;
	}
	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link) {
		const struct event_rule *rule;

		channel_change_in_app(d, app, as, c);
		list_for_each_entry(rule, &c->events, link)
			event_change_in_app(d, app, as, c->name, rule);
	}
	return false;
}
