/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An operation: something the loop started that ends after several asynchronous
 * steps (jobs on application workers, consumer batches, other domains). Whoever
 * waits for a step holds the operation; the last release runs its done() on the
 * loop. The owner embeds it in its own struct and finds that struct again with
 * container_of() in done(), so the code doing the steps never learns who waits
 * (a client connection, an application's registration, nobody).
 */
#ifndef SESSIOND_CORE_OPERATION_H
#define SESSIOND_CORE_OPERATION_H

struct daemon;
struct operation;

typedef void (*operation_done_fn)(struct daemon *d, struct operation *op);

struct operation {
	unsigned holders;
	int code;               /* enum lttng_error_code: the first failure, LTTNG_OK when none */
	operation_done_fn done; /* runs once, when the last holder releases */
};

/* Starts with one holder: the owner, who releases it once every step is launched. */
void operation_init(struct operation *op, operation_done_fn done);
void operation_hold(struct operation *op);
/* Records a failure (an LTTng error code); the first one is kept. */
void operation_fail(struct operation *op, int code);
/* Drops one hold; the last runs done(), which owns the memory from then on. */
void operation_release(struct daemon *d, struct operation *op);
/* A step ends: records its code (when a failure), then drops its hold. */
void operation_step_done(struct daemon *d, struct operation *op, int code);

#endif
