/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space event rules and contexts (domain/domain.h enable_event, disable_event,
 * add_context): LTTng's rules for them, in its order of checks (doc/protocol/client.md,
 * ENABLE_EVENT, ADD_CONTEXT), then the change pushed to a recording session.
 */
#include <stdlib.h>
#include <string.h>

#include "star-glob.h"

#include <lttng/lttng.h>

#include "domain/domain.h"
#include "ust/ust-trace.h"

/* Names under the agents' namespaces are reserved for their internal events. */
static bool ust_event_name_is_reserved(const char *name)
{
	static const char *const prefixes[] = { "lttng_jul", "lttng_log4j", "lttng_python" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool exclusions_have_duplicates(const struct decoded_event *ev)
{
	for (uint32_t i = 0; i < ev->exclusion_count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(ev->exclusions[i], ev->exclusions[j]) == 0)
				return true;
	return false;
}

/* The request's channel, made with defaults when it does not exist. */
static int resolve_event_channel(const struct event_request *req, struct channel **ret_channel)
{
	struct channel *ch;

	if (req->domain->has_named_channel && req->channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = domain_channel_lookup(req->domain, req->channel_name);
	if (!ch) {
		int r = domain_channel_create_default(&ust_tracer_domain, req->session, req->domain,
						      req->channel_name, &ch);

		if (r != LTTNG_OK)
			return r;
		if (!ch)
			return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	}
	*ret_channel = ch;
	return LTTNG_OK;
}

enum lttng_error_code ust_enable_event(const struct event_request *req, struct decoded_event *ev)
{
	struct event_rule *rule;
	struct channel *ch;
	int r;

	star_glob_normalize(ev->name);
	for (uint32_t i = 0; i < ev->exclusion_count; i++)
		star_glob_normalize(ev->exclusions[i]);
	r = resolve_event_channel(req, &ch);
	if (r != LTTNG_OK)
		return r;
	if (ust_event_name_is_reserved(ev->name))
		return LTTNG_ERR_INVALID_EVENT_NAME;
	if (ev->type == LTTNG_EVENT_ALL)
		ev->type = LTTNG_EVENT_TRACEPOINT;
	if (ev->loglevel_type == LTTNG_EVENT_LOGLEVEL_ALL)
		ev->loglevel = -1;
	rule = channel_find_event(ch, ev);
	if (rule) {
		if (rule->spec.enabled)
			return LTTNG_ERR_UST_EVENT_ENABLED;
		rule->spec.enabled = true;
		ust_trace_event_changed(req->daemon, req->session, ch->name, rule);
		return LTTNG_OK;
	}
	if (exclusions_have_duplicates(ev))
		return LTTNG_ERR_INVALID;
	if (ev->type != LTTNG_EVENT_TRACEPOINT && ev->type != LTTNG_EVENT_PROBE &&
	    ev->type != LTTNG_EVENT_FUNCTION && ev->type != LTTNG_EVENT_FUNCTION_ENTRY)
		return LTTNG_ERR_INVALID;
	if (ev->loglevel_type < LTTNG_EVENT_LOGLEVEL_ALL ||
	    ev->loglevel_type > LTTNG_EVENT_LOGLEVEL_SINGLE)
		return LTTNG_ERR_INVALID;
	rule = calloc(1, sizeof(*rule));
	if (!rule)
		return LTTNG_ERR_NOMEM;
	rule->spec = *ev;
	rule->spec.enabled = true;
	/* The rule now owns the decoded filter and exclusions. */
	memset(ev, 0, sizeof(*ev));
	list_append(&ch->events, &rule->link);
	ust_trace_event_changed(req->daemon, req->session, ch->name, rule);
	return LTTNG_OK;
}

enum lttng_error_code ust_disable_event(const struct event_request *req, const struct decoded_event *ev)
{
	struct event_rule *rule;
	struct channel *ch;
	bool found = false;

	if (ust_event_name_is_reserved(ev->name))
		return LTTNG_ERR_INVALID_EVENT_NAME;
	if (req->domain->has_named_channel && req->channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = domain_channel_lookup(req->domain, req->channel_name);
	if (!ch)
		return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	if (ev->type != LTTNG_EVENT_ALL)
		return LTTNG_ERR_UNK;
	list_for_each_entry(rule, &ch->events, link) {
		/* An empty name disables every rule of the channel. */
		if (ev->name[0] && strcmp(rule->spec.name, ev->name) != 0)
			continue;
		rule->spec.enabled = false;
		found = true;
		ust_trace_event_changed(req->daemon, req->session, ch->name, rule);
	}
	return found || !ev->name[0] ? LTTNG_OK : LTTNG_ERR_UST_EVENT_NOT_FOUND;
}

/* UST context types the tracer knows (trace_ust_context_type_event_to_ust). */
static bool ust_context_is_supported(int type)
{
	switch (type) {
	case LTTNG_EVENT_CONTEXT_VTID:
	case LTTNG_EVENT_CONTEXT_VPID:
	case LTTNG_EVENT_CONTEXT_PTHREAD_ID:
	case LTTNG_EVENT_CONTEXT_PROCNAME:
	case LTTNG_EVENT_CONTEXT_IP:
	case LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER:
	case LTTNG_EVENT_CONTEXT_APP_CONTEXT:
	case LTTNG_EVENT_CONTEXT_CGROUP_NS:
	case LTTNG_EVENT_CONTEXT_IPC_NS:
	case LTTNG_EVENT_CONTEXT_MNT_NS:
	case LTTNG_EVENT_CONTEXT_NET_NS:
	case LTTNG_EVENT_CONTEXT_PID_NS:
	case LTTNG_EVENT_CONTEXT_USER_NS:
	case LTTNG_EVENT_CONTEXT_UTS_NS:
	case LTTNG_EVENT_CONTEXT_VUID:
	case LTTNG_EVENT_CONTEXT_VEUID:
	case LTTNG_EVENT_CONTEXT_VSUID:
	case LTTNG_EVENT_CONTEXT_VGID:
	case LTTNG_EVENT_CONTEXT_VEGID:
	case LTTNG_EVENT_CONTEXT_VSGID:
	case LTTNG_EVENT_CONTEXT_TIME_NS:
		return true;
	default:
		return false;
	}
}

static bool optional_strings_equal(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool contexts_equal(const struct decoded_context *a, const struct decoded_context *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER ||
	    a->type == LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER ||
	    a->type == LTTNG_EVENT_CONTEXT_PERF_COUNTER)
		return a->perf_type == b->perf_type && a->perf_config == b->perf_config;
	if (a->type == LTTNG_EVENT_CONTEXT_APP_CONTEXT)
		return optional_strings_equal(a->app_provider, b->app_provider) &&
		       optional_strings_equal(a->app_name, b->app_name);
	return true;
}

static int add_context_to_channel(struct channel *ch, struct decoded_context *ctx)
{
	struct context_spec *spec;

	list_for_each_entry(spec, &ch->contexts, link)
		if (contexts_equal(&spec->ctx, ctx))
			return LTTNG_ERR_UST_CONTEXT_EXIST;
	spec = calloc(1, sizeof(*spec));
	if (!spec)
		return LTTNG_ERR_NOMEM;
	spec->ctx = *ctx;
	if (ctx->app_provider) {
		spec->ctx.app_provider = strdup(ctx->app_provider);
		spec->ctx.app_name = strdup(ctx->app_name);
		if (!spec->ctx.app_provider || !spec->ctx.app_name) {
			decoded_context_fini(&spec->ctx);
			free(spec);
			return LTTNG_ERR_NOMEM;
		}
	}
	list_append(&ch->contexts, &spec->link);
	return LTTNG_OK;
}

enum lttng_error_code ust_add_context(const struct event_request *req, struct decoded_context *dc)
{
	struct session *s = req->session;
	struct channel *ch;
	int r = LTTNG_OK;

	if (!ust_context_is_supported(dc->type))
		return LTTNG_ERR_UST_CONTEXT_INVAL;
	if (s->has_been_started)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	if (req->channel_name[0] == '\0') {
		/* No channel: every channel gets it, the default one is made if none. */
		if (list_is_empty(&req->domain->channels)) {
			r = domain_channel_create_default(&ust_tracer_domain, s, req->domain, "", &ch);
			if (r != LTTNG_OK)
				return r;
		}
		list_for_each_entry(ch, &req->domain->channels, link) {
			r = add_context_to_channel(ch, dc);
			if (r != LTTNG_OK)
				return r;
		}
		return LTTNG_OK;
	}
	ch = domain_channel_lookup(req->domain, req->channel_name);
	if (!ch)
		return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	return add_context_to_channel(ch, dc);
}
