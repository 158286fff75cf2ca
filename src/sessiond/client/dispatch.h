/* SPDX-License-Identifier: GPL-2.0-only */
/* Command table: per-command preconditions and handlers for client requests. */
#ifndef SESSIOND_DISPATCH_H
#define SESSIOND_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "core/daemon.h"
#include "model/model.h"
#include "unix-io.h"
#include "wire/client-wire.h"

/* One decoded request, as the handlers see it. */
struct client_request {
	const struct wire_request *header; /* fixed part, fully received */
	char session_name[WIRE_NAME_MAX];
	int domain_type;
	int buffer_type;
	const uint8_t *payload;
	size_t payload_len;
	int fds[16];
	int fd_count;
	struct peer_creds creds;
	uint64_t connection_id; /* for handlers that answer later */
	/* No client waits (loading a session file): the command never waits for its
	 * domain to be ready; what that launched goes on by itself. */
	bool detached;
};

/* What a handler produces: an LTTng code plus optional command header and data. */
#define CLIENT_REPLY_MAX_FDS 16
struct client_reply {
	bool deferred; /* the handler will answer with client_server_complete() */
	int ret_code;  /* enum lttng_error_code */
	struct buffer cmd_header;
	struct buffer data;
	/* Descriptors sent after the data (a listed user-space probe's binary), owned:
	 * closed once sent, or with the reply. */
	int fds[CLIENT_REPLY_MAX_FDS];
	int fd_count;
};

/* Adds a duplicate of fd to the reply; 0 or -errno (-E2BIG: too many). */
int client_reply_add_fd(struct client_reply *reply, int fd);

/* Bytes of payload the request announces, or -1 when the header is invalid.
 * Pure: used by the reader before any allocation and by the fuzzers. */
long long dispatch_payload_length(const struct wire_request *header);
/* Runs the command; always fills reply->ret_code. */
/* A request nobody waits for (a session file loaded at start-up, the loop not
 * running yet) waits for a step under way by running the loop itself, until op has
 * no other holder. false when the loop cannot be run here (it already runs). */
struct operation;
bool dispatch_run_loop_until_held_once(struct daemon *d, struct operation *op);

void dispatch_request(struct daemon *d, const struct client_request *req,
		      struct client_reply *reply);

#endif
