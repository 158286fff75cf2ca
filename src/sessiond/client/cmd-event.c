/* SPDX-License-Identifier: GPL-2.0-only */
/* Event rule and context commands, and the tracepoint listings (doc/protocol/client.md,
 * ENABLE_EVENT, ADD_CONTEXT, LIST_EVENTS, LIST_TRACEPOINTS): decoded here, applied by
 * the request's domain under its tracer's rules (ust/ust-events.c for user space). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "client/client-op.h"
#include "client/commands.h"
#include "domain/domain.h"

static void copy_channel_name(char *dst, const char *wire_name)
{
	memcpy(dst, wire_name, CHANNEL_NAME_MAX);
	dst[CHANNEL_NAME_MAX - 1] = '\0';
}

/* The request as the domain's event entries take it; NULL without an
 * implementation of the request's domain. */
static const struct tracer_domain *event_request_of(struct command_ctx *ctx,
						    const char *wire_channel_name,
						    char *channel_name, struct event_request *ret)
{
	const struct tracer_domain *impl = domain_impl(ctx->daemon, ctx->req->domain_type);

	if (!impl || !ctx->domain)
		return NULL;
	copy_channel_name(channel_name, wire_channel_name);
	*ret = (struct event_request){
		.daemon = ctx->daemon,
		.session = ctx->session,
		.domain = ctx->domain,
		.channel_name = channel_name,
	};
	return impl;
}

/* ENABLE_EVENT and DISABLE_EVENT: the event decoded, what LTTng checks for every
 * domain, then the domain's own rules. */
static enum lttng_error_code event_command(struct command_ctx *ctx, const char *wire_channel_name,
					   bool enable)
{
	char channel_name[CHANNEL_NAME_MAX];
	const struct tracer_domain *impl;
	struct event_request req;
	struct decoded_event ev;
	enum lttng_error_code r;

	if (codec_decode_event(ctx->req->payload, ctx->req->payload_len, &ev) < 0)
		return LTTNG_ERR_INVALID;
	impl = event_request_of(ctx, wire_channel_name, channel_name, &req);
	if (enable && ev.uprobe) {
		struct client_op *cop;

		/* The client's fd on the binary: ours for the rule's life. */
		if (ctx->req->fd_count > 0)
			ev.uprobe->binary_fd = fcntl(ctx->req->fds[0], F_DUPFD_CLOEXEC, 3);
		/* Its symbol or SDT notes are read off the loop: the reply waits. */
		cop = client_op_begin(ctx, NULL);
		if (!cop) {
			decoded_event_fini(&ev);
			return LTTNG_ERR_NOMEM;
		}
		req.op = &cop->op;
	}
	if (enable && !!ev.filter_expression != !!ev.bytecode)
		/* A filter comes as an expression plus its bytecode, never one alone (the
		 * real daemon aborts on a mismatch; we refuse it). */
		r = LTTNG_ERR_FILTER_INVAL;
	else if (!enable && (ev.loglevel_type || ev.loglevel != -1 || ev.enabled || ev.pid))
		/* Only a name (or everything) can select the rules to disable. */
		r = LTTNG_ERR_UNK;
	else if (!impl || (enable ? !impl->enable_event : !impl->disable_event))
		r = LTTNG_ERR_UNKNOWN_DOMAIN;
	else
		r = enable ? impl->enable_event(&req, &ev) : impl->disable_event(&req, &ev);
	decoded_event_fini(&ev);
	return r;
}

enum lttng_error_code cmd_enable_event(struct command_ctx *ctx)
{
	return event_command(ctx, ctx->req->header->u.enable.channel_name, true);
}

enum lttng_error_code cmd_disable_event(struct command_ctx *ctx)
{
	return event_command(ctx, ctx->req->header->u.disable.channel_name, false);
}

enum lttng_error_code cmd_list_events(struct command_ctx *ctx)
{
	char channel_name[CHANNEL_NAME_MAX];
	struct event_rule *rule;
	struct channel *ch;
	uint32_t count = 0;

	const struct tracer_domain *impl = domain_impl(ctx->daemon, ctx->req->domain_type);

	copy_channel_name(channel_name, ctx->req->header->u.list.channel_name);
	if (impl && ctx->domain) {
		ch = domain_channel_lookup(ctx->domain, channel_name);
		if (!ch)
			return impl->channel_not_found_error;
		list_for_each_entry(rule, &ch->events, link) {
			const struct decoded_uprobe *u = rule->spec.uprobe;

			if (codec_encode_event(&ctx->reply->data, &rule->spec) < 0)
				return LTTNG_ERR_NOMEM;
			/* A user-space probe's location travels with its binary's fd, as
			 * liblttng-ctl expects (one per probe, in order). */
			if (u && rule->spec.type == LTTNG_EVENT_USERSPACE_PROBE &&
			    client_reply_add_fd(ctx->reply, u->binary_fd) < 0)
				return LTTNG_ERR_NOMEM;
			count++;
		}
	}
	return reply_count_header(ctx, count);
}

enum lttng_error_code cmd_add_context(struct command_ctx *ctx)
{
	char channel_name[CHANNEL_NAME_MAX];
	const struct tracer_domain *impl;
	struct event_request req;
	struct decoded_context dc;
	int r;

	if (codec_decode_context(ctx->req->payload, ctx->req->payload_len, &dc) < 0)
		return LTTNG_ERR_INVALID;
	impl = event_request_of(ctx, ctx->req->header->u.context.channel_name, channel_name, &req);
	if (!impl || !impl->add_context)
		r = LTTNG_ERR_UNKNOWN_DOMAIN;
	else
		r = impl->add_context(&req, &dc);
	decoded_context_fini(&dc);
	return r;
}

/* No listing holds more entries, whatever the applications answer (about 64 MiB
 * of reply). */
#define LISTING_MAX_ENTRIES (1u << 17)

static int encode_listed(struct buffer *out, const struct listed_event *e)
{
	struct decoded_event ev = {
		.type = e->type,
		.flags = e->flags,
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

enum listing_kind { LISTING_TRACEPOINTS, LISTING_FIELDS, LISTING_SYSCALLS };

/* The domain collects (user space: every registered application is asked); the
 * reply follows. */
static int list_from_domain(struct command_ctx *ctx, const struct tracer_domain *impl,
			    enum listing_kind kind)
{
	struct client_op *cop;
	enum lttng_error_code (*collect)(struct daemon *, struct event_listing *,
					 struct operation *) =
		!impl ? NULL : kind == LISTING_SYSCALLS ? impl->list_syscalls : impl->list_events;

	if (!collect)
		return reply_count_header(ctx, 0);
	cop = client_op_begin(ctx, reply_listing);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	cop->listing.with_fields = kind == LISTING_FIELDS;
	cop->listing.max_count = LISTING_MAX_ENTRIES;
	return collect(ctx->daemon, &cop->listing, &cop->op);
}

enum lttng_error_code cmd_list_tracepoints(struct command_ctx *ctx)
{
	int domain = ctx->req->domain_type;

	if (domain != LTTNG_DOMAIN_KERNEL && domain != LTTNG_DOMAIN_UST &&
	    domain != LTTNG_DOMAIN_JUL && domain != LTTNG_DOMAIN_LOG4J &&
	    domain != LTTNG_DOMAIN_PYTHON)
		return LTTNG_ERR_UND;
	if (domain_type_is_agent(domain))
		return reply_count_header(ctx, 0); /* no agent registry yet */
	return list_from_domain(ctx, domain_impl(ctx->daemon, domain), LISTING_TRACEPOINTS);
}

enum lttng_error_code cmd_list_tracepoint_fields(struct command_ctx *ctx)
{
	if (ctx->req->domain_type != LTTNG_DOMAIN_UST)
		return LTTNG_ERR_UND;
	return list_from_domain(ctx, domain_impl(ctx->daemon, LTTNG_DOMAIN_UST), LISTING_FIELDS);
}

enum lttng_error_code cmd_list_syscalls(struct command_ctx *ctx)
{
	const struct tracer_domain *impl = domain_impl(ctx->daemon, LTTNG_DOMAIN_KERNEL);

	/* Syscalls are the kernel's (the request carries no domain). */
	if (!impl || (impl->available && impl->available(ctx->daemon) != LTTNG_OK))
		return LTTNG_ERR_KERN_LIST_FAIL;
	return list_from_domain(ctx, impl, LISTING_SYSCALLS);
}
