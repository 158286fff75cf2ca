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
struct ust_job;

typedef void (*ust_job_run_fn)(struct ust_job *job);
typedef void (*ust_job_done_fn)(struct daemon *d, struct ust_job *job);

struct ust_job {
	struct list_node link;
	ust_job_run_fn run;   /* worker thread */
	ust_job_done_fn done; /* loop thread; frees the job */
};

/* Completed jobs travel back to the loop through this queue and an eventfd. */
struct ust_completions {
	pthread_mutex_t lock;
	struct list_node done_jobs;
	int event_fd;
	sd_event_source *source;
	struct daemon *daemon;
};

struct ust_pool;

/* A queue runs its jobs one at a time, in order: on its own threads, or (shared
 * queues) on the threads of a pool that serves many queues, never two jobs of one
 * queue at once. */
struct ust_queue {
	pthread_mutex_t lock;
	pthread_cond_t wakeup;
	struct list_node jobs;
	bool stopping;
	bool run_remaining; /* stopping after the queued jobs ran (ust_queue_finish) */
	int thread_count;
	pthread_t threads[4];
	struct ust_completions *completions;
	/* Shared queues: guarded by the pool's lock. */
	struct ust_pool *pool;
	struct list_node ready_link; /* in the pool's ready list */
	bool in_ready;
	bool running;               /* a pool thread runs one of its jobs */
};

enum ust_pool_kind {
	UST_POOL_APP_COMMANDS, /* may block for an application's timeout */
	UST_POOL_APP_NOTIFY,   /* short jobs; never waits on the command pool */
	UST_POOL_COUNT,
};

int ust_completions_init(struct ust_completions *c, struct daemon *d);
/* Watches the eventfd from the loop. */
int ust_completions_attach(struct ust_completions *c, sd_event *loop);
void ust_completions_fini(struct ust_completions *c);
/* Completes a job without running it: done() runs on the loop's next turn. */
void ust_completions_post(struct ust_completions *c, struct ust_job *job);

/* Starts a queue served by thread_count (1..4) threads of its own. */
struct ust_queue *ust_queue_start(struct ust_completions *c, int thread_count);
/* Starts a queue served by a shared pool: no thread of its own, so thousands of
 * applications cost no thousands of threads. A pool grows (up to a bound) when
 * every thread is busy, so one stuck application only holds one thread. */
struct ust_queue *ust_queue_start_shared(struct ust_completions *c, enum ust_pool_kind kind);
/* Joins the pools' threads; every shared queue must be stopped first. */
void ust_pools_shutdown(void);
void ust_queue_submit(struct ust_queue *q, struct ust_job *job);
/* Stops the threads once their current job ends; jobs not yet started are completed
 * with run() skipped (done() still runs, so they are freed). Joins the threads. */
void ust_queue_stop(struct ust_queue *q);
/* Same, but every job already queued is run first. */
void ust_queue_finish(struct ust_queue *q);

#endif
