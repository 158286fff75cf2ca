/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Our lttng-consumerd processes: for user space one per application bitness (the
 * 64-bit one, and the 32-bit one when --consumerd32-path or LTTNG_CONSUMERD32_BIN
 * names one), and the kernel one (the 64-bit binary run with -k). Each is spawned
 * on first need (the first domain command on a session, as LTTng does),
 * handshaken, watched, and spawned again on the next need when it dies.
 */
#ifndef SESSIOND_CONSUMER_SUPERVISOR_H
#define SESSIOND_CONSUMER_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "list.h"

struct daemon;
struct operation;
struct worker_queue;

/* Which consumer daemon: the index of d->consumers. */
enum consumer_id {
	CONSUMER_64,     /* user space, 64-bit applications */
	CONSUMER_32,     /* user space, 32-bit applications */
	CONSUMER_KERNEL, /* the kernel domain */
	CONSUMER_COUNT,
};

enum consumer_state {
	CONSUMER_STOPPED,
	CONSUMER_STARTING, /* spawned, handshake under way (consumer-spawn.c) */
	CONSUMER_RUNNING,
};

struct consumer_spawn;

struct consumer_supervisor {
	struct daemon *daemon;  /* the owner */
	enum consumer_id id;    /* its index in d->consumers */
	bool kernel;            /* serves the kernel domain (started with -k) */
	unsigned bits_per_long; /* 64 or 32: its word size (user space: the
				 * applications it serves) */
	/* Where it is and how to reach it (the daemon's configuration, not owned). */
	const char *bin_path;   /* "" when none is configured */
	const char *libdir;     /* prepended to its LD_LIBRARY_PATH when not "" */
	const char *cmd_sock, *err_sock;
	enum consumer_state state;
	struct consumer_spawn *spawn; /* the handshake of a start in progress */
	struct list_node start_waiters; /* struct consumer_start_waiter */
	pid_t pid;            /* 0 when there is no process */
	int cmd_fd;           /* our command connection, -1 when not running */
	int err_fd;           /* its connection to our error socket */
	sd_event_source *child_watch;
	bool stopping;        /* daemon shutdown: never spawn again */
	struct worker_queue *queue; /* the one worker that talks on cmd_fd (ust-consumer.c) */
};

/* Who wants to know that a consumer daemon died (the domains whose buffers it held):
 * embedded in the subscriber's own state, found again with container_of(). */
struct consumer_death_subscription {
	struct list_node link;
	void (*died)(struct daemon *d, struct consumer_death_subscription *sub,
		     const struct consumer_supervisor *cs);
};

/* Subscribes; a subscription is dropped with consumer_death_unsubscribe(). */
void consumer_death_subscribe(struct daemon *d, struct consumer_death_subscription *sub);
void consumer_death_unsubscribe(struct consumer_death_subscription *sub);

/* Sets up d->consumers from d->cfg; nothing is spawned yet. */
int consumer_supervisors_init(struct daemon *d);
/* Frees d->consumers once they are stopped. */
void consumer_supervisors_free(struct daemon *d);
/* The user-space consumer serving applications of that bitness, or NULL for another
 * bitness. */
struct consumer_supervisor *consumer_for_bits(struct daemon *d, unsigned bits_per_long);
/* True when a consumer binary is configured for applications of that bitness. */
bool consumer_configured(const struct daemon *d, unsigned bits_per_long);
/* Who waits for a consumer daemon's start: embedded in the waiter's own state. */
struct consumer_start_waiter {
	struct list_node link;
	/* LTTNG_OK, or LTTNG_ERR_UST_CONSUMER64_FAIL / _CONSUMER32_FAIL /
	 * LTTNG_ERR_KERN_CONSUMER_FAIL (the reason is logged). */
	void (*ready)(struct daemon *d, struct consumer_start_waiter *w, int status);
};

enum consumer_start_result {
	CONSUMER_START_READY,   /* running (or no binary configured, as LTTng: none runs) */
	CONSUMER_START_PENDING, /* starting: w->ready() is called once it ends */
	CONSUMER_START_FAILED,  /* cannot start (logged) */
};

/* Makes the consumer run, spawning it when needed; never waits. */
enum consumer_start_result consumer_start(struct consumer_supervisor *cs,
					  struct consumer_start_waiter *w);
/* Forgets a pending waiter (its owner goes away before the start ends). */
void consumer_start_cancel(struct consumer_start_waiter *w);
/* Makes every configured user-space consumer daemon run, the 64-bit one first, as
 * LTTng does on a user-space command: op is held until they do, and fails with
 * LTTNG_ERR_UST_CONSUMER64_FAIL / LTTNG_ERR_UST_CONSUMER32_FAIL for the first that
 * cannot start. Returns LTTNG_OK or LTTNG_ERR_NOMEM. */
enum lttng_error_code consumer_ensure_running(struct daemon *d, struct operation *op);
/* The same for the kernel consumer daemon (LTTNG_ERR_KERN_CONSUMER_FAIL). */
enum lttng_error_code consumer_kernel_ensure_running(struct daemon *d, struct operation *op);
/* Asks every consumer daemon to exit and reaps them. */
void consumer_supervisors_stop(struct daemon *d);

#endif
