/* SPDX-License-Identifier: GPL-2.0-only */
/* Process attribute tracker commands (doc/protocol/client.md, track/untrack). */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/commands.h"
#include "domain/domain.h"

static struct tracker *request_tracker(struct command_ctx *ctx, int process_attr)
{
	int index;

	if (!ctx->domain)
		return NULL;
	index = tracker_index(ctx->domain, process_attr);
	return index < 0 ? NULL : &ctx->domain->trackers[index];
}

/* Which value types an attribute accepts. */
static bool value_type_fits(int process_attr, int value_type)
{
	switch (process_attr) {
	case LTTNG_PROCESS_ATTR_PROCESS_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID:
		return value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_PID;
	case LTTNG_PROCESS_ATTR_USER_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_USER_ID:
		return value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_UID ||
		       value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME;
	case LTTNG_PROCESS_ATTR_GROUP_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_GROUP_ID:
		return value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_GID ||
		       value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME;
	default:
		return false;
	}
}

struct tracker_request {
	int process_attr;
	int value_type;
	int64_t integral;
	char name[256];
	bool has_name;
};

static int decode_tracker_request(const struct client_request *req, struct tracker_request *ret)
{
	const struct wire_tracker_value *w = &req->header->u.tracker_value;

	memset(ret, 0, sizeof(*ret));
	ret->process_attr = w->process_attr;
	ret->value_type = w->value_type;
	ret->integral = w->integral._signed;
	if (w->value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME ||
	    w->value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME) {
		if (req->payload_len == 0 || req->payload_len > sizeof(ret->name) ||
		    codec_bounded_strlen((const char *) req->payload, req->payload_len) !=
			    (int) req->payload_len - 1)
			return LTTNG_ERR_INVALID;
		memcpy(ret->name, req->payload, req->payload_len);
		ret->has_name = true;
	}
	return LTTNG_OK;
}

/* Names must resolve on this host, as LTTng resolves them when tracking. */
static int check_name_resolves(const struct tracker_request *tr)
{
	if (tr->value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME)
		return getpwnam(tr->name) ? LTTNG_OK : LTTNG_ERR_USER_NOT_FOUND;
	if (tr->value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME)
		return getgrnam(tr->name) ? LTTNG_OK : LTTNG_ERR_GROUP_NOT_FOUND;
	return LTTNG_OK;
}

/* The checks shared by add and remove, in the real daemon's order. On LTTNG_OK,
 * *ret_tracker is the tracker the request names. */
static int resolve_tracker_request(struct command_ctx *ctx, struct tracker_request *tr,
				   struct tracker **ret_tracker)
{
	struct tracker *tracker;
	int r = decode_tracker_request(ctx->req, tr);

	if (r != LTTNG_OK)
		return r;
	tracker = request_tracker(ctx, tr->process_attr);
	if (!tracker || !value_type_fits(tr->process_attr, tr->value_type))
		return LTTNG_ERR_INVALID;
	r = check_name_resolves(tr);
	if (r != LTTNG_OK)
		return r;
	if (tracker->policy != LTTNG_TRACKING_POLICY_INCLUDE_SET)
		return LTTNG_ERR_PROCESS_ATTR_TRACKER_INVALID_TRACKING_POLICY;
	*ret_tracker = tracker;
	return LTTNG_OK;
}

int cmd_tracker_add_value(struct command_ctx *ctx)
{
	struct tracker_request tr;
	struct tracker *tracker;
	struct tracker_value *v;
	int r = resolve_tracker_request(ctx, &tr, &tracker);

	if (r != LTTNG_OK)
		return r;
	if (tracker_find(tracker, tr.value_type, tr.integral, tr.has_name ? tr.name : NULL))
		return LTTNG_ERR_PROCESS_ATTR_EXISTS;
	v = calloc(1, sizeof(*v));
	if (!v || (tr.has_name && !(v->name = strdup(tr.name)))) {
		free(v);
		return LTTNG_ERR_NOMEM;
	}
	v->type = tr.value_type;
	v->integral = tr.integral;
	list_append(&tracker->values, &v->link);
	domains_trackers_changed(ctx->daemon, ctx->session, ctx->req->domain_type);
	return LTTNG_OK;
}

int cmd_tracker_remove_value(struct command_ctx *ctx)
{
	struct tracker_request tr;
	struct tracker *tracker;
	struct tracker_value *v;
	int r = resolve_tracker_request(ctx, &tr, &tracker);

	if (r != LTTNG_OK)
		return r;
	v = tracker_find(tracker, tr.value_type, tr.integral, tr.has_name ? tr.name : NULL);
	if (!v)
		return LTTNG_ERR_PROCESS_ATTR_MISSING;
	list_remove(&v->link);
	free(v->name);
	free(v);
	domains_trackers_changed(ctx->daemon, ctx->session, ctx->req->domain_type);
	return LTTNG_OK;
}

int cmd_tracker_get_policy(struct command_ctx *ctx)
{
	struct tracker *tracker =
		request_tracker(ctx, ctx->req->header->u.tracker_policy.process_attr);
	uint32_t policy;

	if (!tracker)
		return LTTNG_ERR_INVALID;
	policy = (uint32_t) tracker->policy;
	return buffer_append_u32(&ctx->reply->data, policy) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

int cmd_tracker_set_policy(struct command_ctx *ctx)
{
	const struct client_request *req = ctx->req;
	struct tracker *tracker = request_tracker(ctx, req->header->u.tracker_policy.process_attr);
	int policy = req->header->u.tracker_policy.tracking_policy;

	if (!tracker)
		return LTTNG_ERR_INVALID;
	if (policy != LTTNG_TRACKING_POLICY_INCLUDE_ALL &&
	    policy != LTTNG_TRACKING_POLICY_EXCLUDE_ALL &&
	    policy != LTTNG_TRACKING_POLICY_INCLUDE_SET)
		return LTTNG_ERR_INVALID;
	if (tracker->policy != policy) {
		/* A new policy starts from an empty inclusion set. */
		tracker_clear(tracker);
		tracker->policy = policy;
		domains_trackers_changed(ctx->daemon, ctx->session, ctx->req->domain_type);
	}
	return LTTNG_OK;
}

int cmd_tracker_get_inclusion_set(struct command_ctx *ctx)
{
	struct tracker *tracker =
		request_tracker(ctx, ctx->req->header->u.tracker_policy.process_attr);
	struct buffer *data = &ctx->reply->data;
	struct tracker_value *v;

	if (!tracker)
		return LTTNG_ERR_INVALID;
	if (tracker->policy != LTTNG_TRACKING_POLICY_INCLUDE_SET)
		return LTTNG_ERR_PROCESS_ATTR_TRACKER_INVALID_TRACKING_POLICY;
	if (buffer_append_u32(data, (uint32_t) list_count(&tracker->values)) < 0)
		return LTTNG_ERR_NOMEM;
	list_for_each_entry(v, &tracker->values, link) {
		struct wire_tracker_set_entry e = { .type = v->type };

		if (v->name)
			e.value.name_len = (uint32_t) strlen(v->name) + 1;
		else
			e.value._signed = v->integral;
		if (buffer_append(data, &e, sizeof(e)) < 0 ||
		    (v->name && buffer_append_cstr(data, v->name) < 0))
			return LTTNG_ERR_NOMEM;
	}
	return LTTNG_OK;
}
