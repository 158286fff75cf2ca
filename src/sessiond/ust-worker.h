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

struct ust_queue {
	pthread_mutex_t lock;
	pthread_cond_t wakeup;
	struct list_node jobs;
	bool stopping;
	bool run_remaining; /* stopping after the queued jobs ran (ust_queue_finish) */
	int thread_count;
	pthread_t threads[4];
	struct ust_completions *completions;
};

int ust_completions_init(struct ust_completions *c, struct daemon *d);
/* Watches the eventfd from the loop. */
int ust_completions_attach(struct ust_completions *c, sd_event *loop);
void ust_completions_fini(struct ust_completions *c);
/* Completes a job without running it: done() runs on the loop's next turn. */
void ust_completions_post(struct ust_completions *c, struct ust_job *job);

/* Starts a queue served by thread_count (1..4) threads. */
struct ust_queue *ust_queue_start(struct ust_completions *c, int thread_count);
void ust_queue_submit(struct ust_queue *q, struct ust_job *job);
/* Stops the threads once their current job ends; jobs not yet started are completed
 * with run() skipped (done() still runs, so they are freed). Joins the threads. */
void ust_queue_stop(struct ust_queue *q);
/* Same, but every job already queued is run first. */
void ust_queue_finish(struct ust_queue *q);

#endif
