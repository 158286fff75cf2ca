/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workers for blocking liblttng-ust-ctl calls. A job is prepared by the loop with
 * copied inputs, run() executes on a worker thread (it may block on an application
 * socket and writes only into the job), then done() runs back on the loop thread,
 * applies the results and frees the job. Workers own no daemon state and take no
 * daemon lock. A queue served by one thread keeps one application's calls in order.
 */
#ifndef SESSIOND_UST_WORKER_H
#define SESSIOND_UST_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "list.h"

struct daemon;
struct worker_job;

typedef void (*worker_job_run_fn)(struct worker_job *job);
typedef void (*worker_job_done_fn)(struct daemon *d, struct worker_job *job);

struct worker_job {
	struct list_node link;
	worker_job_run_fn run;   /* worker thread */
	worker_job_done_fn done; /* loop thread; frees the job */
};

/* Completed jobs travel back to the loop through this queue and an eventfd. */
struct worker_completions {
	pthread_mutex_t lock;
	struct list_node done_jobs;
	int event_fd;
	sd_event_source *source;
	struct daemon *daemon;
};

struct worker_pool;

/* A queue runs its jobs one at a time, in order: on its own threads, or (shared
 * queues) on the threads of a pool that serves many queues, never two jobs of one
 * queue at once. */
struct worker_queue {
	pthread_mutex_t lock;
	pthread_cond_t wakeup;
	struct list_node jobs;
	bool stopping;
	bool run_remaining; /* stopping after the queued jobs ran (worker_queue_finish) */
	int thread_count;
	pthread_t threads[4];
	struct worker_completions *completions;
	/* Shared queues: guarded by the pool's lock. */
	struct worker_pool *pool;
	struct list_node ready_link; /* in the pool's ready list */
	bool in_ready;
	bool running;               /* a pool thread runs one of its jobs */
};

enum worker_pool_kind {
	WORKER_POOL_APP_COMMANDS, /* may block for an application's timeout */
	WORKER_POOL_APP_NOTIFY,   /* short jobs; never waits on the command pool */
	WORKER_POOL_COUNT,
};

/* The daemon's workers: the completion queue every job comes back through, and the
 * shared pools. Owned by struct daemon; the loop starts and stops it. */
struct worker_service {
	struct worker_completions completions;
	struct worker_pool *pools[WORKER_POOL_COUNT];
	/* Short blocking calls that own nothing: name look-ups (core/name-lookup.c)
	 * and file-system work as a client's user (core/fs-as.c). Two threads, so one
	 * slow directory server or disk does not hold everything. */
	struct worker_queue *blocking;
};

/* Creates the completion queue and the (still threadless) pools, and watches the
 * completions from the loop. 0 or -errno. */
int worker_service_init(struct worker_service *ws, struct daemon *d, sd_event *loop);
/* Queues a job on the service's queue for short blocking calls; while the daemon
 * shuts down it completes unrun (its done() still runs, on the loop). */
void worker_submit_blocking(struct daemon *d, struct worker_job *job);
/* Ends the shared pools' threads now, every shared queue being stopped (idle ones
 * would leave after 2 s); the pools serve new queues afterwards. */
void worker_pools_drain(struct worker_service *ws);
/* Joins the pools' threads (every shared queue must be stopped first), then applies
 * and frees what completed. Accepts a service that was never initialised (zeroed). */
void worker_service_fini(struct worker_service *ws);

int worker_completions_init(struct worker_completions *c, struct daemon *d);
/* Watches the eventfd from the loop. */
int worker_completions_attach(struct worker_completions *c, sd_event *loop);
void worker_completions_fini(struct worker_completions *c);
/* Completes a job without running it: done() runs on the loop's next turn. */
void worker_completions_post(struct worker_completions *c, struct worker_job *job);

/* Starts a queue served by thread_count (1..4) threads of its own. */
struct worker_queue *worker_queue_start(struct worker_completions *c, int thread_count);
/* Starts a queue served by a shared pool: no thread of its own, so thousands of
 * applications cost no thousands of threads. A pool grows (up to a bound) when
 * every thread is busy, so one stuck application only holds one thread. */
struct worker_queue *worker_queue_start_shared(struct worker_service *ws,
					       enum worker_pool_kind kind);
void worker_queue_submit(struct worker_queue *q, struct worker_job *job);
/* Stops the threads once their current job ends; jobs not yet started are completed
 * with run() skipped (done() still runs, so they are freed). Joins the threads. */
void worker_queue_stop(struct worker_queue *q);
/* Same, but every job already queued is run first. */
void worker_queue_finish(struct worker_queue *q);

#endif
