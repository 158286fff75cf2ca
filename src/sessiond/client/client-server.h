/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client command socket: accepts liblttng-ctl connections, reads one request per
 * connection (header with credentials, payload, fds) without ever blocking the loop,
 * hands it to the dispatcher and writes the reply back asynchronously.
 */
#ifndef SESSIOND_CLIENT_SERVER_H
#define SESSIOND_CLIENT_SERVER_H

#include <stdbool.h>

#include "core/daemon.h"

/* Upper bound on a request's variable payload; larger claims are refused before any
 * allocation (doc/protocol/client.md, "Limits"). */
#define CLIENT_MAX_PAYLOAD (4u << 20)
#define CLIENT_MAX_CONNECTIONS 1024
#define CLIENT_MAX_FDS 16
#define CLIENT_REQUEST_TIMEOUT_US (30ULL * 1000000ULL)
#define CLIENT_SWEEP_PERIOD_US (1000000ULL)
/* A deferred reply waits on applications, each bounded by the app socket timeout. */
#define CLIENT_DEFERRED_TIMEOUT_US (120ULL * 1000000ULL)

struct client_reply;

int client_server_start(struct daemon *d);
/* Answers a request whose handler deferred its reply; takes the reply's buffers.
 * Does nothing when the client has gone. */
void client_server_complete(struct daemon *d, uint64_t connection_id, struct client_reply *reply);
/* Stops (or resumes) accepting clients; those that connect meanwhile wait in the
 * socket's backlog (session files loaded at start-up run the loop meanwhile). */
void client_server_pause(struct daemon *d, bool paused);
/* Runs a deferred request again from the start (what it waited for is ready). Its
 * fds were closed after the first dispatch; requests that defer carry none. */
void client_server_redispatch(struct daemon *d, uint64_t connection_id);
/* Answers a deferred request with an error code alone. */
void client_server_fail(struct daemon *d, uint64_t connection_id, int code);
void client_server_stop(struct daemon *d);

#endif
