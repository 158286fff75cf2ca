/* SPDX-License-Identifier: GPL-2.0-only */
/* Event rule and context commands, and the tracepoint listings (doc/protocol/client.md,
 * ENABLE_EVENT, ADD_CONTEXT, LIST_EVENTS, LIST_TRACEPOINTS). */
#include <stdlib.h>
#include <string.h>

#include "client/client-op.h"
#include "client/commands.h"
#include "domain/domain.h"

/* Collapses runs of unescaped '*' as LTTng does before storing a pattern. */
static void normalize_glob(char *pattern)
{
	char *out = pattern;
	bool previous_star = false;

	for (const char *p = pattern; *p; p++) {
		if (*p == '*') {
			if (previous_star)
				continue;
			previous_star = true;
		} else if (*p == '\\') {
			*out++ = *p++;
			if (!*p)
				break;
			previous_star = false;
		} else {
			previous_star = false;
		}
		*out++ = *p;
	}
	*out = '\0';
}

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

static void copy_channel_name(char *dst, const char *wire_name)
{
	memcpy(dst, wire_name, CHANNEL_NAME_MAX);
	dst[CHANNEL_NAME_MAX - 1] = '\0';
}

/* Resolves the request's channel, creating it with defaults when it does not exist. */
static int resolve_event_channel(struct command_ctx *ctx, const char *channel_name,
				 struct channel **ret_channel)
{
	struct session *s = ctx->session;
	struct channel *ch;

	if (s->ust_has_non_default_channel && channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = channel_lookup(&s->domains[DOMAIN_INDEX_UST], channel_name);
	if (!ch) {
		int r = channel_create_default(ctx, channel_name, &ch);

		if (r != LTTNG_OK)
			return r;
		if (!ch)
			return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	}
	*ret_channel = ch;
	return LTTNG_OK;
}

static int enable_ust_event(struct command_ctx *ctx, struct decoded_event *ev)
{
	char channel_name[CHANNEL_NAME_MAX];
	struct event_rule *rule;
	struct channel *ch;
	int r;

	copy_channel_name(channel_name, ctx->req->header->u.enable.channel_name);
	normalize_glob(ev->name);
	for (uint32_t i = 0; i < ev->exclusion_count; i++)
		normalize_glob(ev->exclusions[i]);
	r = resolve_event_channel(ctx, channel_name, &ch);
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
		domains_event_changed(ctx->daemon, ctx->session, LTTNG_DOMAIN_UST, ch->name, rule);
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
	domains_event_changed(ctx->daemon, ctx->session, LTTNG_DOMAIN_UST, ch->name, rule);
	return LTTNG_OK;
}

int cmd_enable_event(struct command_ctx *ctx)
{
	struct decoded_event ev;
	int r;

	if (codec_decode_event(ctx->req->payload, ctx->req->payload_len, &ev) < 0)
		return LTTNG_ERR_INVALID;
	/* A filter comes as an expression plus its bytecode, never one alone (the real
	 * daemon aborts on a mismatch; we refuse it). */
	if (!!ev.filter_expression != !!ev.bytecode)
		r = LTTNG_ERR_FILTER_INVAL;
	else if (ctx->req->domain_type == LTTNG_DOMAIN_UST)
		r = enable_ust_event(ctx, &ev);
	else
		r = LTTNG_ERR_UNKNOWN_DOMAIN;
	decoded_event_fini(&ev);
	return r;
}

static int disable_ust_events(struct command_ctx *ctx, const struct decoded_event *ev)
{
	char channel_name[CHANNEL_NAME_MAX];
	struct event_rule *rule;
	struct channel *ch;
	bool found = false;

	copy_channel_name(channel_name, ctx->req->header->u.disable.channel_name);
	if (ust_event_name_is_reserved(ev->name))
		return LTTNG_ERR_INVALID_EVENT_NAME;
	if (ctx->session->ust_has_non_default_channel && channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = channel_lookup(&ctx->session->domains[DOMAIN_INDEX_UST], channel_name);
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
		domains_event_changed(ctx->daemon, ctx->session, LTTNG_DOMAIN_UST, ch->name, rule);
	}
	return found || !ev->name[0] ? LTTNG_OK : LTTNG_ERR_UST_EVENT_NOT_FOUND;
}

int cmd_disable_event(struct command_ctx *ctx)
{
	struct decoded_event ev;
	int r;

	if (codec_decode_event(ctx->req->payload, ctx->req->payload_len, &ev) < 0)
		return LTTNG_ERR_INVALID;
	/* Only a name (or everything) can select the rules to disable. */
	if (ev.loglevel_type || ev.loglevel != -1 || ev.enabled || ev.pid)
		r = LTTNG_ERR_UNK;
	else if (ctx->req->domain_type == LTTNG_DOMAIN_UST)
		r = disable_ust_events(ctx, &ev);
	else
		r = LTTNG_ERR_UNKNOWN_DOMAIN;
	decoded_event_fini(&ev);
	return r;
}

int cmd_list_events(struct command_ctx *ctx)
{
	char channel_name[CHANNEL_NAME_MAX];
	struct event_rule *rule;
	struct channel *ch;
	uint32_t count = 0;

	copy_channel_name(channel_name, ctx->req->header->u.list.channel_name);
	if (ctx->req->domain_type == LTTNG_DOMAIN_UST) {
		ch = channel_lookup(&ctx->session->domains[DOMAIN_INDEX_UST], channel_name);
		if (!ch)
			return LTTNG_ERR_UST_CHAN_NOT_FOUND;
		list_for_each_entry(rule, &ch->events, link) {
			if (codec_encode_event(&ctx->reply->data, &rule->spec) < 0)
				return LTTNG_ERR_NOMEM;
			count++;
		}
	}
	return reply_count_header(ctx, count);
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

static int add_ust_context(struct command_ctx *ctx, struct decoded_context *dc)
{
	char channel_name[CHANNEL_NAME_MAX];
	struct session *s = ctx->session;
	struct channel *ch;
	int r = LTTNG_OK;

	copy_channel_name(channel_name, ctx->req->header->u.context.channel_name);
	if (!ust_context_is_supported(dc->type))
		return LTTNG_ERR_UST_CONTEXT_INVAL;
	if (s->has_been_started)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	if (channel_name[0] == '\0') {
		/* No channel: every channel gets it, the default one is made if none. */
		if (list_is_empty(&s->domains[DOMAIN_INDEX_UST].channels)) {
			r = channel_create_default(ctx, "", &ch);
			if (r != LTTNG_OK)
				return r;
		}
		list_for_each_entry(ch, &s->domains[DOMAIN_INDEX_UST].channels, link) {
			r = add_context_to_channel(ch, dc);
			if (r != LTTNG_OK)
				return r;
		}
		return LTTNG_OK;
	}
	ch = channel_lookup(&s->domains[DOMAIN_INDEX_UST], channel_name);
	if (!ch)
		return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	return add_context_to_channel(ch, dc);
}

int cmd_add_context(struct command_ctx *ctx)
{
	struct decoded_context dc;
	int r;

	if (codec_decode_context(ctx->req->payload, ctx->req->payload_len, &dc) < 0)
		return LTTNG_ERR_INVALID;
	if (ctx->req->domain_type == LTTNG_DOMAIN_UST)
		r = add_ust_context(ctx, &dc);
	else
		r = LTTNG_ERR_UNKNOWN_DOMAIN;
	decoded_context_fini(&dc);
	return r;
}

/* No listing holds more entries, whatever the applications answer (about 64 MiB
 * of reply). */
#define LISTING_MAX_ENTRIES (1u << 17)

static int encode_listed(struct buffer *out, const struct listed_event *e)
{
	struct decoded_event ev = {
		.type = LTTNG_EVENT_TRACEPOINT,
		.loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL,
		.loglevel = e->loglevel,
		.pid = e->pid,
	};

	memcpy(ev.name, e->name, sizeof(ev.name));
	ev.name[sizeof(ev.name) - 1] = '\0';
	/* Listed tracepoints carry enabled = -1 ("not applicable"). */
	return codec_encode_event_enabled(out, &ev, -1);
}

/* A field entry: its header, its name, then the event it belongs to. */
static int encode_listed_field(struct buffer *out, const struct listed_event *e)
{
	struct wire_event_field header = {
		.type = (uint8_t) e->field_type,
		.nowrite = (uint8_t) e->field_nowrite,
		.name_len = (uint32_t) strnlen(e->field_name, sizeof(e->field_name) - 1) + 1,
	};
	size_t header_offset = out->size;
	size_t before_event;
	int r;

	r = buffer_append(out, &header, sizeof(header));
	if (r == 0)
		r = buffer_append(out, e->field_name, header.name_len - 1);
	if (r == 0)
		r = buffer_append(out, "", 1);
	before_event = out->size;
	if (r == 0)
		r = encode_listed(out, e);
	if (r == 0) {
		header.event_len = (uint32_t) (out->size - before_event);
		memcpy(out->data + header_offset, &header, sizeof(header));
	}
	return r;
}

static int reply_listing(struct daemon *d, struct client_op *cop, struct client_reply *reply)
{
	const struct event_listing *l = &cop->listing;

	for (size_t i = 0; i < l->count; i++) {
		int r = l->with_fields ? encode_listed_field(&reply->data, &l->entries[i])
				       : encode_listed(&reply->data, &l->entries[i]);

		if (r < 0)
			return LTTNG_ERR_NOMEM;
	}
	return buffer_append_u32(&reply->cmd_header, (uint32_t) l->count) < 0 ? LTTNG_ERR_NOMEM
									    : LTTNG_OK;
}

/* The domain collects (user space: every registered application is asked); the
 * reply follows. */
static int list_from_domain(struct command_ctx *ctx, bool with_fields)
{
	const struct tracer_domain *impl = domain_impl(ctx->daemon, ctx->req->domain_type);
	struct client_op *cop;

	if (!impl || !impl->list_events)
		return reply_count_header(ctx, 0);
	cop = client_op_begin(ctx, reply_listing);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	cop->listing.with_fields = with_fields;
	cop->listing.max_count = LISTING_MAX_ENTRIES;
	return impl->list_events(ctx->daemon, &cop->listing, &cop->op);
}

int cmd_list_tracepoints(struct command_ctx *ctx)
{
	int domain = ctx->req->domain_type;

	if (domain != LTTNG_DOMAIN_UST && domain != LTTNG_DOMAIN_JUL &&
	    domain != LTTNG_DOMAIN_LOG4J && domain != LTTNG_DOMAIN_PYTHON)
		return LTTNG_ERR_UND;
	if (domain != LTTNG_DOMAIN_UST)
		return reply_count_header(ctx, 0); /* no agent registry yet */
	return list_from_domain(ctx, false);
}

int cmd_list_tracepoint_fields(struct command_ctx *ctx)
{
	if (ctx->req->domain_type != LTTNG_DOMAIN_UST)
		return LTTNG_ERR_UND;
	return list_from_domain(ctx, true);
}

int cmd_list_syscalls(struct command_ctx *ctx)
{
	/* Syscalls are kernel-only; the kernel checks of the dispatcher answer first. */
	return LTTNG_ERR_KERN_LIST_FAIL;
}
