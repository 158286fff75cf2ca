/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client command whose reply waits for an operation (core/operation.h) that the
 * tracing domains hold while they work. The handler starts it, hands &cop->op to
 * the domains and returns; the dispatcher then answers at once when nothing holds
 * the operation any more, or defers the reply until the last holder releases it.
 * The reply is built here, in the client layer, from the model and from what the
 * operation collected: the domains never see a connection.
 */
#ifndef SESSIOND_CLIENT_CLIENT_OP_H
#define SESSIOND_CLIENT_CLIENT_OP_H

#include <stdint.h>

#include "client/commands.h"
#include "core/operation.h"
#include "domain/domain.h"

struct client_op;

/* Builds a successful reply; returns LTTNG_OK or the error to answer instead. */
typedef int (*client_op_reply_fn)(struct daemon *d, struct client_op *cop,
				  struct client_reply *reply);

struct client_op {
	struct operation op;
	uint64_t connection_id;
	client_op_reply_fn build;    /* NULL: the reply is the code alone */
	/* Runs when the operation ends with an error, before the reply (NULL: none). */
	void (*failed)(struct daemon *d, struct client_op *cop);
	struct client_reply *inline_reply; /* set when it ends within its dispatch */
	bool detached;                     /* nobody waits (a session file at start-up) */
	/* What the builders need. */
	uint64_t session_id;
	int domain_type;
	struct session *destroyed;   /* DESTROY: owned, freed when the operation ends */
	struct event_listing listing;
	/* Data a continuation produced for the reply, sent when the operation ends
	 * without error (after what build() adds). */
	struct buffer reply_data;
};

/* Starts the command's operation (ctx->op); NULL when out of memory. */
struct client_op *client_op_begin(struct command_ctx *ctx, client_op_reply_fn build);
/* After the handler returned handler_code: answers now or defers (dispatch.c). */
void client_op_settle(struct daemon *d, struct client_op *cop, struct client_reply *reply);

#endif
