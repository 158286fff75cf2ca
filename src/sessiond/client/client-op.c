/* SPDX-License-Identifier: GPL-2.0-only */
/* Client commands answered when an operation ends (client/client-op.h). */
#include <stdlib.h>

#include "client/client-op.h"
#include "client/client-server.h"
#include "client/dispatch.h"
#include "macros.h"

static void client_op_done(struct daemon *d, struct operation *op)
{
	struct client_op *cop = container_of(op, struct client_op, op);
	struct client_reply deferred_reply = { .ret_code = LTTNG_OK };
	struct client_reply *reply = cop->inline_reply ? cop->inline_reply : &deferred_reply;

	if (!cop->inline_reply) {
		buffer_init(&deferred_reply.cmd_header);
		buffer_init(&deferred_reply.data);
	}
	reply->ret_code = op->code;
	if (reply->ret_code != LTTNG_OK && cop->failed)
		cop->failed(d, cop);
	if (reply->ret_code == LTTNG_OK && cop->build)
		reply->ret_code = cop->build(d, cop, reply);
	if (reply->ret_code == LTTNG_OK && cop->reply_data.size &&
	    buffer_append(&reply->data, cop->reply_data.data, cop->reply_data.size) < 0)
		reply->ret_code = LTTNG_ERR_NOMEM;
	if (cop->inline_reply) {
		reply->deferred = false;
	} else {
		client_server_complete(d, cop->connection_id, &deferred_reply);
		buffer_fini(&deferred_reply.cmd_header);
		buffer_fini(&deferred_reply.data);
	}
	if (cop->destroyed)
		session_free(cop->destroyed);
	event_listing_fini(&cop->listing);
	buffer_fini(&cop->reply_data);
	free(cop);
}

struct client_op *client_op_begin(struct command_ctx *ctx, client_op_reply_fn build)
{
	struct client_op *cop = calloc(1, sizeof(*cop));

	if (!cop)
		return NULL;
	operation_init(&cop->op, client_op_done);
	buffer_init(&cop->reply_data);
	cop->connection_id = ctx->req->connection_id;
	cop->detached = ctx->req->detached;
	cop->build = build;
	cop->domain_type = ctx->req->domain_type;
	if (ctx->session)
		cop->session_id = ctx->session->id;
	ctx->op = cop;
	return cop;
}

void client_op_settle(struct daemon *d, struct client_op *cop, struct client_reply *reply)
{
	operation_fail(&cop->op, reply->ret_code);
	/* A session file's command waits for its end as a client would (the next
	 * command of the file may depend on it: a rule being added). */
	if (cop->op.holders > 1 && cop->detached)
		(void) dispatch_run_loop_until_held_once(d, &cop->op);
	if (cop->op.holders == 1) {
		/* Nothing left in flight: its end answers this very dispatch. */
		cop->inline_reply = reply;
		operation_release(d, &cop->op);
		return;
	}
	reply->deferred = true;
	operation_release(d, &cop->op);
}
