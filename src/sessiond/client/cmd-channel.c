/* SPDX-License-Identifier: GPL-2.0-only */
/* Channel commands: enable, disable, list (doc/protocol/client.md, ENABLE_CHANNEL). */
#include <stdlib.h>
#include <string.h>

#include "client/commands.h"
#include "client/client-op.h"
#include "domain/domain.h"


enum lttng_error_code cmd_enable_channel(struct command_ctx *ctx)
{
	const struct client_request *req = ctx->req;
	struct session *s = ctx->session;
	const struct tracer_domain *impl;
	struct decoded_channel dc;
	struct channel *ch;
	const char *name;
	int r;

	if (codec_decode_channel(req->payload, req->payload_len, &dc) < 0)
		return LTTNG_ERR_INVALID;
	if (dc.name[0] == '.' || strchr(dc.name, '/'))
		return LTTNG_ERR_INVALID_CHANNEL_NAME;
	if (s->live_timer_us) {
		dc.attr.live_timer_us = (uint32_t) s->live_timer_us;
		dc.attr.switch_timer_us = 0;
	}
	impl = domain_impl(ctx->daemon, req->domain_type);
	if (!impl || !ctx->domain) /* the dispatcher refused a domain it lacks */
		return LTTNG_ERR_UNKNOWN_DOMAIN;
	name = dc.name[0] ? dc.name : DOMAIN_DEFAULT_CHANNEL_NAME;
	ch = domain_find_channel(ctx->domain, name);
	if (ch) {
		if (ch->enabled)
			return impl->channel_exists_error;
		ch->enabled = true;
		domains_channel_changed(ctx->daemon, s, impl->type, ch->name);
		return LTTNG_OK;
	}
	r = domain_channel_create(impl, s, ctx->domain, name, &dc.attr, req->buffer_type, &ch);
	/* As in LTTng, naming a channel (even unsuccessfully) makes later event
	 * commands name theirs. */
	if (dc.name[0])
		ctx->domain->has_named_channel = true;
	return r;
}

enum lttng_error_code cmd_disable_channel(struct command_ctx *ctx)
{
	const char *name = ctx->req->header->u.disable.channel_name;
	char channel_name[CHANNEL_NAME_MAX];
	const struct tracer_domain *impl = domain_impl(ctx->daemon, ctx->req->domain_type);
	struct channel *ch;

	if (!impl || !ctx->domain)
		return LTTNG_ERR_UNKNOWN_DOMAIN;
	memcpy(channel_name, name, sizeof(channel_name));
	channel_name[sizeof(channel_name) - 1] = '\0';
	ch = domain_channel_lookup(ctx->domain, channel_name);
	if (!ch)
		return impl->channel_not_found_error;
	ch->enabled = false;
	domains_channel_changed(ctx->daemon, ctx->session, impl->type, ch->name);
	return LTTNG_OK;
}

int reply_channel_list(struct client_reply *reply, const struct domain *dom)
{
	const struct channel *ch;
	uint32_t count = 0;

	if (dom && dom->exists) {
		list_for_each_entry(ch, &dom->channels, link) {
			if (codec_encode_channel(&reply->data, ch->name, ch->enabled, &ch->attr,
						 ch->discarded_events, ch->lost_packets) < 0)
				return LTTNG_ERR_NOMEM;
			count++;
		}
	}
	return buffer_append_u32(&reply->cmd_header, count) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

/* The channels once their counters are current (the session may be gone by then). */
static int reply_listed_channels(struct daemon *d, struct client_op *cop,
				 struct client_reply *reply)
{
	struct session *s;

	list_for_each_entry(s, &d->sessions->sessions, link)
		if (s->id == cop->session_id)
			return reply_channel_list(reply, session_domain(s, cop->domain_type));
	return LTTNG_ERR_SESS_NOT_FOUND;
}

enum lttng_error_code cmd_list_channels(struct command_ctx *ctx)
{
	struct domain *dom = session_domain(ctx->session, ctx->req->domain_type);
	const struct tracer_domain *impl = domain_impl(ctx->daemon, ctx->req->domain_type);
	struct client_op *cop;

	if (!dom || !dom->exists || !impl || !impl->refresh_stats)
		return reply_channel_list(ctx->reply, dom);
	/* A recording session's counters move: read them from the consumer first. */
	cop = client_op_begin(ctx, reply_listed_channels);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	return impl->refresh_stats(ctx->daemon, ctx->session, &cop->op);
}
