/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting one lttng-consumerd without ever waiting on the loop: the process is
 * spawned, then its READY on our error socket and its HELLO on its command socket
 * arrive as loop events, bounded by a timer. Used by consumer-supervisor.c only.
 */
#ifndef SESSIOND_CONSUMER_CONSUMER_SPAWN_H
#define SESSIOND_CONSUMER_CONSUMER_SPAWN_H

#include "consumer/consumer-supervisor.h"

/* The whole start, handshake included, is bounded by this. */
#define CONSUMER_SPAWN_TIMEOUT_MS 5000

/* Spawns the consumer and arms the handshake (cs->pid is set, cs->spawn holds the
 * handshake's state). 0, or -errno when nothing could be started (logged). Its
 * end is reported to consumer_spawn_finished(). */
int consumer_spawn_begin(struct consumer_supervisor *cs);
/* Drops the handshake's state (its sources and sockets); the process is the
 * supervisor's business. */
void consumer_spawn_cancel(struct consumer_supervisor *cs);
/* consumer-supervisor.c: the handshake ended; 0 (cs->cmd_fd and cs->err_fd are
 * connected) or -errno. */
void consumer_spawn_finished(struct consumer_supervisor *cs, int result);

#endif
