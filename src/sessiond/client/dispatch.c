/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table and the checks that precede every handler, in the order the
 * real daemon applies them (doc/protocol/client.md, "Pre-processing"):
 * known command, kernel availability, session lookup, NO_CHANNEL for disable
 * commands on unused domains, domain preparation, ownership.
 */
#include <stdlib.h>
#include <string.h>

#include "client/client-op.h"
#include "client/client-server.h"
#include "client/commands.h"
#include "domain/domain.h"
#include "log.h"
#include "relayd/relayd-probe.h"

enum command_flags {
	NEEDS_SESSION = 1 << 0,
	NEEDS_DOMAIN = 1 << 1,
};

struct command_spec {
	const char *name;
	command_handler run;
	unsigned flags;
};

#define S NEEDS_SESSION
#define D NEEDS_DOMAIN
static const struct command_spec command_table[WIRE_CMD_COUNT] = {
	[WIRE_CMD_ADD_CONTEXT] = { "add-context", cmd_add_context, S | D },
	[WIRE_CMD_DISABLE_CHANNEL] = { "disable-channel", cmd_disable_channel, S | D },
	[WIRE_CMD_DISABLE_EVENT] = { "disable-event", cmd_disable_event, S | D },
	[WIRE_CMD_LIST_SYSCALLS] = { "list-syscalls", cmd_list_syscalls, D },
	[WIRE_CMD_ENABLE_CHANNEL] = { "enable-channel", cmd_enable_channel, S | D },
	[WIRE_CMD_ENABLE_EVENT] = { "enable-event", cmd_enable_event, S | D },
	[WIRE_CMD_DESTROY_SESSION] = { "destroy", cmd_destroy_session, S },
	[WIRE_CMD_LIST_CHANNELS] = { "list-channels", cmd_list_channels, S | D },
	[WIRE_CMD_LIST_DOMAINS] = { "list-domains", cmd_list_domains, S },
	[WIRE_CMD_LIST_EVENTS] = { "list-events", cmd_list_events, S | D },
	[WIRE_CMD_LIST_SESSIONS] = { "list-sessions", cmd_list_sessions, 0 },
	[WIRE_CMD_LIST_TRACEPOINTS] = { "list-tracepoints", cmd_list_tracepoints, D },
	[WIRE_CMD_START_TRACE] = { "start", cmd_start_trace, S },
	[WIRE_CMD_STOP_TRACE] = { "stop", cmd_stop_trace, S },
	[WIRE_CMD_LIST_TRACEPOINT_FIELDS] = { "list-fields", cmd_list_tracepoint_fields, D },
	[WIRE_CMD_SET_CONSUMER_URI] = { "set-consumer-uri", cmd_set_consumer_uri, S | D },
	[WIRE_CMD_DATA_PENDING] = { "data-pending", cmd_data_pending, S },
	[WIRE_CMD_SNAPSHOT_ADD_OUTPUT] = { "snapshot-add-output", cmd_snapshot_add_output, S },
	[WIRE_CMD_SNAPSHOT_DEL_OUTPUT] = { "snapshot-del-output", cmd_snapshot_del_output, S },
	[WIRE_CMD_SNAPSHOT_LIST_OUTPUT] = { "snapshot-list-output", cmd_snapshot_list_outputs, S },
	[WIRE_CMD_SNAPSHOT_RECORD] = { "snapshot-record", cmd_snapshot_record, S },
	[WIRE_CMD_SAVE_SESSION] = { "save", cmd_save_session, 0 },
	[WIRE_CMD_TRACKER_ADD_INCLUDE_VALUE] = { "track", cmd_tracker_add_value, S | D },
	[WIRE_CMD_TRACKER_REMOVE_INCLUDE_VALUE] = { "untrack", cmd_tracker_remove_value, S | D },
	[WIRE_CMD_TRACKER_GET_POLICY] = { "tracker-policy", cmd_tracker_get_policy, S | D },
	[WIRE_CMD_TRACKER_SET_POLICY] = { "tracker-set-policy", cmd_tracker_set_policy, S | D },
	[WIRE_CMD_TRACKER_GET_INCLUSION_SET] = { "tracker-inclusion-set",
						 cmd_tracker_get_inclusion_set, S | D },
	[WIRE_CMD_SET_SESSION_SHM_PATH] = { "set-shm-path", cmd_set_shm_path, S },
	[WIRE_CMD_REGENERATE_METADATA] = { "regenerate-metadata", cmd_regenerate_metadata, S },
	[WIRE_CMD_REGENERATE_STATEDUMP] = { "regenerate-statedump", cmd_regenerate_statedump, S },
	[WIRE_CMD_ROTATE_SESSION] = { "rotate", cmd_rotate_session, S },
	[WIRE_CMD_ROTATION_GET_INFO] = { "rotation-info", cmd_rotation_get_info, S },
	[WIRE_CMD_ROTATION_SET_SCHEDULE] = { "rotation-schedule", cmd_rotation_set_schedule, S },
	[WIRE_CMD_SESSION_LIST_ROTATION_SCHEDULES] = { "rotation-schedules",
						       cmd_list_rotation_schedules, S },
	[WIRE_CMD_CREATE_SESSION_EXT] = { "create", cmd_create_session, 0 },
	[WIRE_CMD_CLEAR_SESSION] = { "clear", cmd_clear_session, S },
	[WIRE_CMD_LIST_TRIGGERS] = { "list-triggers", cmd_list_triggers, 0 },
};
#undef S
#undef D

long long dispatch_payload_length(const struct wire_request *h)
{
	switch (h->cmd_type) {
	case WIRE_CMD_ADD_CONTEXT:
		return h->u.context.length;
	case WIRE_CMD_ENABLE_EVENT:
		return h->u.enable.length;
	case WIRE_CMD_DISABLE_EVENT:
		return h->u.disable.length;
	case WIRE_CMD_ENABLE_CHANNEL:
		return h->u.channel.length;
	case WIRE_CMD_SET_CONSUMER_URI:
		return (long long) h->u.uri.size * (long long) sizeof(struct wire_uri);
	case WIRE_CMD_CREATE_SESSION_EXT:
		if (h->u.create_session.session_descriptor_size > (1ULL << 40))
			return -1;
		return (long long) h->u.create_session.home_dir_size +
		       (long long) h->u.create_session.session_descriptor_size;
	case WIRE_CMD_TRACKER_ADD_INCLUDE_VALUE:
	case WIRE_CMD_TRACKER_REMOVE_INCLUDE_VALUE:
		if (h->u.tracker_value.value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME ||
		    h->u.tracker_value.value_type == LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME)
			return h->u.tracker_value.name_len;
		return 0;
	case WIRE_CMD_REGISTER_TRIGGER:
	case WIRE_CMD_UNREGISTER_TRIGGER:
		return h->u.trigger.length;
	case WIRE_CMD_EXECUTE_ERROR_QUERY:
		return h->u.error_query.length;
	default:
		return 0;
	}
}

/* Kernel requests on a daemon that cannot trace the kernel. */
static int check_kernel_domain(struct daemon *d)
{
	const struct tracer_domain *impl = domain_impl(d, LTTNG_DOMAIN_KERNEL);

	if (!d->cfg->is_root)
		return LTTNG_ERR_NEED_ROOT_SESSIOND;
	/* No kernel tracer (--no-kernel), or one that cannot run (no tracefs). */
	if (!impl || (impl->available && impl->available(d) != LTTNG_OK))
		return LTTNG_ERR_KERN_NA;
	return LTTNG_OK;
}

/* A command waiting for its domain to be ready (a consumer daemon starting): it is
 * dispatched again from the start once it is, or answered with the error. */
struct prepare_wait {
	struct operation op;
	uint64_t connection_id;
	bool detached; /* nobody waits: the command already ran */
};

static void prepare_wait_done(struct daemon *d, struct operation *op)
{
	struct prepare_wait *w = container_of(op, struct prepare_wait, op);

	if (w->detached)
		; /* the outcome is logged where it happened */
	else if (op->code == LTTNG_OK)
		client_server_redispatch(d, w->connection_id);
	else
		client_server_fail(d, w->connection_id, op->code);
	free(w);
}

/* A request nobody waits for (a session file loaded at start-up, the loop not
 * running yet and no client accepted meanwhile) waits for the step by running the
 * loop itself, so the file's commands fail as they would for a client. Returns
 * false when the loop cannot be run here (it already runs, or there is none). */
bool dispatch_run_loop_until_held_once(struct daemon *d, struct operation *op)
{
	if (!d->loop || sd_event_get_state(d->loop) != SD_EVENT_INITIAL)
		return false;
	while (op->holders > 1)
		if (sd_event_run(d->loop, UINT64_MAX) < 0 ||
		    sd_event_get_state(d->loop) == SD_EVENT_FINISHED)
			break;
	return op->holders == 1;
}

/* After a step that may have to wait (started with w's operation): when it does,
 * the request is deferred and ctx->reply->deferred says so. */
static int wait_if_needed(struct command_ctx *ctx, struct prepare_wait *w, int r)
{
	if (r == LTTNG_OK && w->op.holders > 1 && ctx->req->detached &&
	    dispatch_run_loop_until_held_once(ctx->daemon, &w->op)) {
		r = w->op.code;
		free(w); /* only this function held it last */
		return r;
	}
	if (r == LTTNG_OK && w->op.holders > 1) {
		/* Under way: the loop goes on serving others meanwhile. */
		w->detached = ctx->req->detached;
		if (!w->detached)
			ctx->reply->deferred = true;
		operation_release(ctx->daemon, &w->op);
		return LTTNG_OK;
	}
	if (w->op.holders > 1) {
		/* Failed at once although a step holds it: the step's end frees it and
		 * answers nobody (detached), the command answers r now. */
		w->detached = true;
		operation_release(ctx->daemon, &w->op);
		return r;
	}
	if (r == LTTNG_OK)
		r = w->op.code;
	free(w); /* nothing holds it: ready now, or failed at once */
	return r;
}

static struct prepare_wait *prepare_wait_new(struct command_ctx *ctx)
{
	struct prepare_wait *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	operation_init(&w->op, prepare_wait_done);
	w->connection_id = ctx->req->connection_id;
	return w;
}

/* Runs the domain's prepare, deferring the request while it is under way. */
static int prepare_or_wait(struct command_ctx *ctx, const struct tracer_domain *impl)
{
	struct prepare_wait *w = prepare_wait_new(ctx);

	if (!w)
		return LTTNG_ERR_NOMEM;
	return wait_if_needed(ctx, w, impl->prepare(ctx->daemon, ctx->session, &w->op));
}

/* Checks that the session's relay daemon answers, deferring the request meanwhile. */
static int probe_or_wait(struct command_ctx *ctx)
{
	struct prepare_wait *w = prepare_wait_new(ctx);

	if (!w)
		return LTTNG_ERR_NOMEM;
	return wait_if_needed(ctx, w, relayd_probe(ctx->daemon, ctx->session, &w->op));
}

/* Makes the request's domain exist in the session, as the real daemon does for any
 * domain command (this is where a domain starts to show in LIST_DOMAINS). */
static int prepare_domain(struct command_ctx *ctx)
{
	const struct tracer_domain *impl;
	int type = ctx->req->domain_type;

	if (type == LTTNG_DOMAIN_KERNEL) {
		int r = check_kernel_domain(ctx->daemon);

		if (r != LTTNG_OK || !ctx->session)
			return r;
		ctx->domain = &ctx->session->domains[DOMAIN_INDEX_KERNEL];
		if (!ctx->domain->exists) {
			ctx->domain->exists = true;
			ctx->domain->buffer_type = LTTNG_BUFFER_GLOBAL;
		}
		impl = domain_impl(ctx->daemon, type);
		return impl && impl->prepare ? prepare_or_wait(ctx, impl) : LTTNG_OK;
	}
	if (type == LTTNG_DOMAIN_UST || domain_type_is_agent(type)) {
		if (!ctx->session)
			return LTTNG_OK;
		if (domain_type_is_agent(type))
			return LTTNG_ERR_UNKNOWN_DOMAIN; /* agent sessions: not served yet */
		ctx->domain = &ctx->session->domains[DOMAIN_INDEX_UST];
		if (!ctx->domain->exists) {
			ctx->domain->exists = true;
			ctx->domain->buffer_type = LTTNG_BUFFER_PER_UID;
		}
		impl = domain_impl(ctx->daemon, type);
		return impl && impl->prepare ? prepare_or_wait(ctx, impl) : LTTNG_OK;
	}
	return LTTNG_OK;
}

static int run_command(struct command_ctx *ctx, const struct command_spec *spec)
{
	const struct client_request *req = ctx->req;
	uint32_t cmd = req->header->cmd_type;
	int r;

	if ((spec->flags & NEEDS_DOMAIN) && req->domain_type == LTTNG_DOMAIN_KERNEL &&
	    ctx->daemon->cfg->no_kernel)
		return ctx->daemon->cfg->is_root ? LTTNG_ERR_KERN_NA : LTTNG_ERR_NEED_ROOT_SESSIOND;

	if (spec->flags & NEEDS_SESSION) {
		ctx->session = session_find(ctx->daemon->sessions, req->session_name);
		if (!ctx->session)
			return LTTNG_ERR_SESS_NOT_FOUND;
	}
	if (cmd == WIRE_CMD_DISABLE_CHANNEL || cmd == WIRE_CMD_DISABLE_EVENT) {
		if (req->domain_type == LTTNG_DOMAIN_KERNEL) {
			if (!ctx->session->domains[DOMAIN_INDEX_KERNEL].exists)
				return LTTNG_ERR_NO_CHANNEL;
		} else if (req->domain_type == LTTNG_DOMAIN_UST || domain_type_is_agent(req->domain_type)) {
			if (!ctx->session->domains[DOMAIN_INDEX_UST].exists)
				return LTTNG_ERR_NO_CHANNEL;
		} else {
			return LTTNG_ERR_UNKNOWN_DOMAIN;
		}
	}
	/* The relay daemon first: a command it fails leaves no domain behind (the real
	 * 2.13.9 leaves an empty user-space domain that `lttng list` then fails on). */
	if ((spec->flags & NEEDS_DOMAIN) && ctx->session &&
	    ctx->session->output == SESSION_OUTPUT_NETWORK && !ctx->session->relay_reached &&
	    (req->domain_type == LTTNG_DOMAIN_UST || req->domain_type == LTTNG_DOMAIN_KERNEL ||
	     ctx->session->domains[DOMAIN_INDEX_UST].exists)) {
		r = probe_or_wait(ctx);
		if (r != LTTNG_OK || ctx->reply->deferred)
			return r;
	}
	if (spec->flags & NEEDS_DOMAIN) {
		r = prepare_domain(ctx);
		if (r != LTTNG_OK || ctx->reply->deferred)
			return r;
	}
	if ((cmd == WIRE_CMD_START_TRACE || cmd == WIRE_CMD_STOP_TRACE) &&
	    req->domain_type != LTTNG_DOMAIN_NONE) {
		/* The CLI sends these without a domain; a domain asks for a running
		 * consumer of that domain, which this daemon starts on demand. */
		if (req->domain_type == LTTNG_DOMAIN_KERNEL)
			return LTTNG_ERR_NO_KERNCONSUMERD;
		if (req->domain_type != LTTNG_DOMAIN_UST && !domain_type_is_agent(req->domain_type))
			return LTTNG_ERR_UNKNOWN_DOMAIN;
	}
	if (ctx->session && req->creds.uid != 0 && req->creds.uid != ctx->session->uid)
		return LTTNG_ERR_EPERM;
	return spec->run(ctx);
}

void dispatch_request(struct daemon *d, const struct client_request *req,
		      struct client_reply *reply)
{
	uint32_t cmd = req->header->cmd_type;
	const struct command_spec *spec = cmd < WIRE_CMD_COUNT ? &command_table[cmd] : NULL;
	struct command_ctx ctx = {
		.daemon = d,
		.req = req,
		.reply = reply,
	};

	if (!spec || !spec->run) {
		log_debug("Unknown client command %u from pid %d", cmd, req->creds.pid);
		reply->ret_code = LTTNG_ERR_UND;
		return;
	}
	log_debug("Client pid %d: %s (%u)", req->creds.pid, spec->name, cmd);
	reply->ret_code = run_command(&ctx, spec);
	if (ctx.op)
		client_op_settle(d, ctx.op, reply);
	if (reply->deferred)
		return;
	if (reply->ret_code != LTTNG_OK) {
		/* An error reply carries nothing but the code. */
		reply->cmd_header.size = 0;
		reply->data.size = 0;
	}
}

int reply_count_header(struct command_ctx *ctx, uint32_t count)
{
	return buffer_append_u32(&ctx->reply->cmd_header, count) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}
