/* SPDX-License-Identifier: GPL-2.0-only */
/* Channel commands: enable, disable, list (doc/protocol/client.md, ENABLE_CHANNEL). */
#include <string.h>
#include <unistd.h>

#include "client/commands.h"
#include "client/client-op.h"
#include "domain/domain.h"

#define DEFAULT_CHANNEL_NAME "channel0"
#define METADATA_CHANNEL_NAME "metadata"

static uint64_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t) p : 4096;
}

void channel_default_attr(int domain_type, int buffer_type, struct channel_attr *ret_attr)
{
	struct channel_attr a = {
		.overwrite = -1,
		.num_subbuf = 4,
		.monitor_timer_us = 1000000,
	};

	if (domain_type == LTTNG_DOMAIN_KERNEL) {
		a.subbuf_size = MAX(1048576, page_size());
		a.output = LTTNG_EVENT_SPLICE;
		a.read_timer_us = 200000;
	} else if (buffer_type == LTTNG_BUFFER_PER_UID) {
		a.subbuf_size = MAX(524288, page_size());
		a.output = LTTNG_EVENT_MMAP;
	} else {
		a.subbuf_size = MAX(16384, page_size());
		a.output = LTTNG_EVENT_MMAP;
	}
	*ret_attr = a;
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The UST rules applied when a channel is created (channel_ust_create in LTTng). */
static int validate_ust_channel(const struct session *s, struct channel_attr *attr)
{
	if (attr->overwrite == -1)
		attr->overwrite = s->snapshot_mode ? 1 : 0;
	if (s->snapshot_mode)
		attr->output = LTTNG_EVENT_MMAP;
	if (attr->overwrite && attr->num_subbuf < 2)
		return LTTNG_ERR_INVALID;
	if (!is_power_of_two(attr->subbuf_size) || attr->subbuf_size < page_size() ||
	    !is_power_of_two(attr->num_subbuf))
		return LTTNG_ERR_INVALID;
	if (attr->output != LTTNG_EVENT_MMAP)
		return LTTNG_ERR_NOT_SUPPORTED;
	if (attr->tracefile_size > 0 && attr->tracefile_size < attr->subbuf_size)
		return LTTNG_ERR_INVALID;
	return LTTNG_OK;
}

static int create_ust_channel(struct command_ctx *ctx, const char *name,
			      struct channel_attr *attr, int buffer_type,
			      struct channel **ret_channel)
{
	struct session *s = ctx->session;
	struct domain *dom = &s->domains[DOMAIN_INDEX_UST];
	struct channel *ch;
	int r;

	if (s->has_been_started)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	r = validate_ust_channel(s, attr);
	if (r != LTTNG_OK)
		return r;
	if (buffer_type != LTTNG_BUFFER_PER_UID && buffer_type != LTTNG_BUFFER_PER_PID)
		return LTTNG_ERR_BUFFER_NOT_SUPPORTED;
	if (!dom->buffer_type_fixed) {
		dom->buffer_type = buffer_type;
		dom->buffer_type_fixed = true;
	} else if (dom->buffer_type != buffer_type) {
		return LTTNG_ERR_BUFFER_TYPE_MISMATCH;
	}
	/* UST channels do not keep a live timer of their own (it is the session's). */
	attr->live_timer_us = 0;
	ch = channel_new(name, attr);
	if (!ch)
		return LTTNG_ERR_NOMEM;
	if (strcmp(name, METADATA_CHANNEL_NAME) == 0) {
		/* "metadata" configures the metadata channel; it is never listed. */
		*ret_channel = NULL;
		free(ch);
		return LTTNG_OK;
	}
	list_append(&dom->channels, &ch->link);
	*ret_channel = ch;
	return LTTNG_OK;
}

int channel_create_default(struct command_ctx *ctx, const char *name,
			   struct channel **ret_channel)
{
	struct channel_attr attr;
	int r;

	channel_default_attr(LTTNG_DOMAIN_UST, ctx->session->domains[DOMAIN_INDEX_UST].buffer_type, &attr);
	r = create_ust_channel(ctx, name[0] ? name : DEFAULT_CHANNEL_NAME, &attr,
			       ctx->session->domains[DOMAIN_INDEX_UST].buffer_type, ret_channel);
	if (name[0])
		ctx->session->ust_has_non_default_channel = true;
	return r;
}

struct channel *channel_lookup(struct domain *domain, const char *name)
{
	return domain_find_channel(domain, name[0] ? name : DEFAULT_CHANNEL_NAME);
}

int cmd_enable_channel(struct command_ctx *ctx)
{
	const struct client_request *req = ctx->req;
	struct session *s = ctx->session;
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
	if (req->domain_type == LTTNG_DOMAIN_KERNEL)
		return LTTNG_ERR_KERN_CHAN_FAIL; /* unreachable without a kernel tracer */
	if (req->domain_type != LTTNG_DOMAIN_UST)
		return LTTNG_ERR_UNKNOWN_DOMAIN;
	name = dc.name[0] ? dc.name : DEFAULT_CHANNEL_NAME;
	ch = domain_find_channel(&s->domains[DOMAIN_INDEX_UST], name);
	if (ch) {
		if (ch->enabled)
			return LTTNG_ERR_UST_CHAN_EXIST;
		ch->enabled = true;
		domains_channel_changed(ctx->daemon, s, LTTNG_DOMAIN_UST, ch->name);
		return LTTNG_OK;
	}
	r = create_ust_channel(ctx, name, &dc.attr, req->buffer_type, &ch);
	/* As in LTTng, naming a channel (even unsuccessfully) makes later event
	 * commands name theirs. */
	if (dc.name[0])
		s->ust_has_non_default_channel = true;
	return r;
}

int cmd_disable_channel(struct command_ctx *ctx)
{
	const char *name = ctx->req->header->u.disable.channel_name;
	char channel_name[CHANNEL_NAME_MAX];
	struct channel *ch;

	if (ctx->req->domain_type != LTTNG_DOMAIN_UST)
		return LTTNG_ERR_UNKNOWN_DOMAIN;
	memcpy(channel_name, name, sizeof(channel_name));
	channel_name[sizeof(channel_name) - 1] = '\0';
	ch = channel_lookup(&ctx->session->domains[DOMAIN_INDEX_UST], channel_name);
	if (!ch)
		return LTTNG_ERR_UST_CHAN_NOT_FOUND;
	ch->enabled = false;
	domains_channel_changed(ctx->daemon, ctx->session, LTTNG_DOMAIN_UST, ch->name);
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

int cmd_list_channels(struct command_ctx *ctx)
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
