/* SPDX-License-Identifier: GPL-2.0-only */
/* Process attribute tracker commands (doc/protocol/client.md, track/untrack). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client-op.h"
#include "client/commands.h"
#include "core/name-lookup.h"
#include "domain/domain.h"
#include "macros.h"

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

/* The checks of add and remove that need no name look-up, in the real daemon's
 * order. On LTTNG_OK, tr is the decoded request. */
static int check_tracker_request(struct command_ctx *ctx, struct tracker_request *tr)
{
	struct tracker *tracker;
	int r = decode_tracker_request(ctx->req, tr);

	if (r != LTTNG_OK)
		return r;
	tracker = request_tracker(ctx, tr->process_attr);
	if (!tracker || !value_type_fits(tr->process_attr, tr->value_type))
		return LTTNG_ERR_INVALID;
	return LTTNG_OK;
}

/* The rest, once a name is resolved (resolved_id): the policy, then the change. */
static int apply_tracker_request(struct daemon *d, struct session *s, struct domain *dom,
				 const struct tracker_request *tr, int64_t resolved_id, bool add)
{
	int index = tracker_index(dom, tr->process_attr);
	struct tracker *tracker = index < 0 ? NULL : &dom->trackers[index];
	const char *name = tr->has_name ? tr->name : NULL;
	struct tracker_value *v;

	if (!tracker)
		return LTTNG_ERR_INVALID;
	if (tracker->policy != LTTNG_TRACKING_POLICY_INCLUDE_SET)
		return LTTNG_ERR_PROCESS_ATTR_TRACKER_INVALID_TRACKING_POLICY;
	v = tracker_find(tracker, tr->value_type, tr->integral, name);
	if (add && v)
		return LTTNG_ERR_PROCESS_ATTR_EXISTS;
	if (!add && !v)
		return LTTNG_ERR_PROCESS_ATTR_MISSING;
	if (add) {
		v = calloc(1, sizeof(*v));
		if (!v || (name && !(v->name = strdup(name)))) {
			free(v);
			return LTTNG_ERR_NOMEM;
		}
		v->type = tr->value_type;
		v->integral = tr->integral;
		v->resolved_id = resolved_id;
		list_append(&tracker->values, &v->link);
	} else {
		list_remove(&v->link);
		free(v->name);
		free(v);
	}
	domains_trackers_changed(d, s, dom->type);
	return LTTNG_OK;
}

/* A track/untrack of a user or group name, waiting for its look-up. */
struct tracker_change {
	struct name_lookup lookup;
	struct client_op *cop;
	int domain_type;
	bool add;
	struct tracker_request tr;
};

static void tracker_name_resolved(struct daemon *d, struct name_lookup *l)
{
	struct tracker_change *c = container_of(l, struct tracker_change, lookup);
	struct session *s = session_find_by_id(d->sessions, c->cop->session_id);
	struct domain *dom = s ? session_domain(s, c->domain_type) : NULL;
	int r;

	if (!dom)
		r = LTTNG_ERR_SESS_NOT_FOUND; /* destroyed meanwhile */
	else if (!l->found)
		r = l->kind == NAME_USER ? LTTNG_ERR_USER_NOT_FOUND : LTTNG_ERR_GROUP_NOT_FOUND;
	else
		r = apply_tracker_request(d, s, dom, &c->tr, l->id, c->add);
	operation_step_done(d, &c->cop->op, r);
	free(c);
}

/* Names resolve on this host when tracked, as LTTng resolves them; the look-up
 * runs off the loop and the reply waits for it. */
static int change_tracker(struct command_ctx *ctx, bool add)
{
	struct tracker_request tr;
	struct tracker_change *c;
	int r = check_tracker_request(ctx, &tr);

	if (r != LTTNG_OK)
		return r;
	if (!tr.has_name)
		return apply_tracker_request(ctx->daemon, ctx->session, ctx->domain, &tr, 0, add);
	c = calloc(1, sizeof(*c));
	if (!c)
		return LTTNG_ERR_NOMEM;
	c->lookup.kind = tr.value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME ? NAME_USER
										 : NAME_GROUP;
	(void) copy_string(c->lookup.name, sizeof(c->lookup.name), tr.name);
	if (ctx->req->detached) {
		/* Loading session files at start-up: nobody is being served yet. */
		name_lookup_now(&c->lookup);
		r = !c->lookup.found ? (c->lookup.kind == NAME_USER ? LTTNG_ERR_USER_NOT_FOUND
								    : LTTNG_ERR_GROUP_NOT_FOUND)
				     : apply_tracker_request(ctx->daemon, ctx->session, ctx->domain,
							     &tr, c->lookup.id, add);
		free(c);
		return r;
	}
	c->cop = client_op_begin(ctx, NULL);
	if (!c->cop) {
		free(c);
		return LTTNG_ERR_NOMEM;
	}
	c->domain_type = ctx->req->domain_type;
	c->add = add;
	c->tr = tr;
	c->lookup.done = tracker_name_resolved;
	operation_hold(&c->cop->op);
	name_lookup_submit(ctx->daemon, &c->lookup);
	return LTTNG_OK;
}

enum lttng_error_code cmd_tracker_add_value(struct command_ctx *ctx)
{
	return change_tracker(ctx, true);
}

enum lttng_error_code cmd_tracker_remove_value(struct command_ctx *ctx)
{
	return change_tracker(ctx, false);
}

enum lttng_error_code cmd_tracker_get_policy(struct command_ctx *ctx)
{
	struct tracker *tracker =
		request_tracker(ctx, ctx->req->header->u.tracker_policy.process_attr);
	uint32_t policy;

	if (!tracker)
		return LTTNG_ERR_INVALID;
	policy = (uint32_t) tracker->policy;
	return buffer_append_u32(&ctx->reply->data, policy) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

enum lttng_error_code cmd_tracker_set_policy(struct command_ctx *ctx)
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

enum lttng_error_code cmd_tracker_get_inclusion_set(struct command_ctx *ctx)
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
