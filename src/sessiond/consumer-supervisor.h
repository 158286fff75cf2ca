/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Our lttng-consumerd: spawned on first need (the first user-space domain command on
 * a session, as LTTng does), handshaken, watched, and spawned again on the next need
 * when it dies.
 */
#ifndef SESSIOND_CONSUMER_SUPERVISOR_H
#define SESSIOND_CONSUMER_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

struct daemon;
struct ust_queue;

struct consumer_supervisor {
	pid_t pid;            /* 0 when not running */
	int cmd_fd;           /* our command connection, -1 when not running */
	int err_fd;           /* its connection to our error socket */
	sd_event_source *child_watch;
	unsigned deaths;      /* how many times it died under us */
	bool stopping;        /* daemon shutdown: never spawn again */
	unsigned generation;  /* counts spawns: ring buffers belong to one generation */
	struct ust_queue *queue; /* the one worker that talks on cmd_fd (ust-consumer.c) */
};

void consumer_supervisor_init(struct consumer_supervisor *cs);
/* LTTNG_OK when a consumer daemon runs (spawning one if needed) or when no consumer
 * binary is configured (empty path, as LTTng), else LTTNG_ERR_UST_CONSUMER64_FAIL
 * (logged with the reason). */
int consumer_ensure_running(struct daemon *d);
/* Asks the consumer daemon to exit and reaps it. */
void consumer_supervisor_stop(struct daemon *d);

#endif
