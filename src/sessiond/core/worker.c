/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "core/daemon.h"
#include "core/worker.h"

static void completions_push(struct worker_completions *c, struct worker_job *job)
{
	uint64_t one = 1;

	pthread_mutex_lock(&c->lock);
	list_append(&c->done_jobs, &job->link);
	pthread_mutex_unlock(&c->lock);
	if (write(c->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("eventfd write failed: %d", errno);
}

void worker_completions_post(struct worker_completions *c, struct worker_job *job)
{
	completions_push(c, job);
}

static int completions_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct worker_completions *c = userdata;
	struct list_node ready;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return 0;
	list_init(&ready);
	pthread_mutex_lock(&c->lock);
	if (!list_is_empty(&c->done_jobs)) {
		/* Move the whole list out while holding the lock. */
		ready.next = c->done_jobs.next;
		ready.prev = c->done_jobs.prev;
		ready.next->prev = &ready;
		ready.prev->next = &ready;
		list_init(&c->done_jobs);
	}
	pthread_mutex_unlock(&c->lock);
	while (!list_is_empty(&ready)) {
		struct worker_job *job = container_of(ready.next, struct worker_job, link);

		list_remove(&job->link);
		job->done(c->daemon, job);
	}
	return 0;
}

int worker_completions_init(struct worker_completions *c, struct daemon *d)
{
	c->daemon = d;
	pthread_mutex_init(&c->lock, NULL);
	list_init(&c->done_jobs);
	c->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->event_fd < 0)
		return -errno;
	return 0;
}

int worker_completions_attach(struct worker_completions *c, sd_event *loop)
{
	return sd_event_add_io(loop, &c->source, c->event_fd, EPOLLIN, completions_cb, c);
}

void worker_completions_fini(struct worker_completions *c)
{
	c->source = sd_event_source_disable_unref(c->source);
	/* Whatever completed but was not applied is applied now, and what those
	 * completions post in turn too (their done() sees the daemon stopping). */
	for (;;) {
		bool empty;

		pthread_mutex_lock(&c->lock);
		empty = list_is_empty(&c->done_jobs);
		pthread_mutex_unlock(&c->lock);
		if (empty)
			break;
		completions_cb(NULL, c->event_fd, 0, c);
	}
	if (c->event_fd >= 0)
		close(c->event_fd);
	c->event_fd = -1;
	pthread_mutex_destroy(&c->lock);
}

static void *queue_thread(void *arg)
{
	struct worker_queue *q = arg;

	for (;;) {
		struct worker_job *job;
		bool skip;

		pthread_mutex_lock(&q->lock);
		while (list_is_empty(&q->jobs) && !q->stopping)
			pthread_cond_wait(&q->wakeup, &q->lock);
		if (list_is_empty(&q->jobs)) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		job = container_of(q->jobs.next, struct worker_job, link);
		list_remove(&job->link);
		skip = q->stopping && !q->run_remaining;
		pthread_mutex_unlock(&q->lock);
		if (!skip)
			job->run(job);
		completions_push(q->completions, job);
	}
}

struct worker_queue *worker_queue_start(struct worker_completions *c, int thread_count)
{
	struct worker_queue *q = calloc(1, sizeof(*q));
	pthread_attr_t attr;

	if (!q)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wakeup, NULL);
	list_init(&q->jobs);
	q->completions = c;
	pthread_attr_init(&attr);
	/* The jobs are small; a small stack keeps hundreds of app workers cheap. */
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (int i = 0; i < thread_count && i < 4; i++) {
		if (pthread_create(&q->threads[i], &attr, queue_thread, q) != 0)
			break;
		q->thread_count++;
	}
	pthread_attr_destroy(&attr);
	if (q->thread_count == 0) {
		pthread_cond_destroy(&q->wakeup);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return NULL;
	}
	return q;
}

static void shared_queue_submit(struct worker_queue *q, struct worker_job *job);

void worker_queue_submit(struct worker_queue *q, struct worker_job *job)
{
	if (q->pool) {
		shared_queue_submit(q, job);
		return;
	}
	pthread_mutex_lock(&q->lock);
	list_append(&q->jobs, &job->link);
	pthread_cond_signal(&q->wakeup);
	pthread_mutex_unlock(&q->lock);
}

static void shared_queue_end(struct worker_queue *q, bool run_remaining);

static void queue_end(struct worker_queue *q, bool run_remaining)
{
	if (!q)
		return;
	if (q->pool) {
		shared_queue_end(q, run_remaining);
		return;
	}
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	q->run_remaining = run_remaining;
	pthread_cond_broadcast(&q->wakeup);
	pthread_mutex_unlock(&q->lock);
	for (int i = 0; i < q->thread_count; i++)
		pthread_join(q->threads[i], NULL);
	pthread_cond_destroy(&q->wakeup);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

void worker_queue_stop(struct worker_queue *q)
{
	queue_end(q, false);
}

void worker_queue_finish(struct worker_queue *q)
{
	queue_end(q, true);
}

/* ------------------------------------------------------------------------- */
/* Shared pools.                                                              */

#define POOL_MAX_THREADS 64

struct worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t wakeup;  /* a queue became ready, or shutdown */
	pthread_cond_t settled; /* a queue's job ended (its stopper may go on) */
	struct list_node ready; /* struct worker_queue with jobs and no running job */
	int thread_count; /* detached threads; each leaves after POOL_IDLE_EXIT_S idle */
	int idle_count;
	int ready_count;  /* queues in the ready list */
	bool shutting_down;
};

/* A burst of registrations grows a pool; idle threads then leave on their own. */
#define POOL_IDLE_EXIT_S 2

static struct worker_pool *pool_new(void)
{
	struct worker_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return NULL;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->wakeup, NULL);
	pthread_cond_init(&pool->settled, NULL);
	list_init(&pool->ready);
	return pool;
}

/* Ends the pool's threads once they are idle; the pool serves queues again after. */
static void pool_drain(struct worker_pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	pool->shutting_down = true;
	pthread_cond_broadcast(&pool->wakeup);
	while (pool->thread_count > 0)
		pthread_cond_wait(&pool->settled, &pool->lock);
	pool->shutting_down = false;
	pthread_mutex_unlock(&pool->lock);
}

/* Joins the pool's threads (no queue may use it any more) and frees it. */
static void pool_free(struct worker_pool *pool)
{
	if (!pool)
		return;
	pool_drain(pool);
	pthread_cond_destroy(&pool->settled);
	pthread_cond_destroy(&pool->wakeup);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

static void *pool_thread(void *arg)
{
	struct worker_pool *pool = arg;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct worker_queue *q;
		struct worker_job *job;
		bool skip;

		bool timed_out = false;

		while (list_is_empty(&pool->ready) && !pool->shutting_down && !timed_out) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until); /* the condition's clock */
			until.tv_sec += POOL_IDLE_EXIT_S;
			pool->idle_count++;
			timed_out = pthread_cond_timedwait(&pool->wakeup, &pool->lock, &until) ==
				    ETIMEDOUT;
			pool->idle_count--;
		}
		if (list_is_empty(&pool->ready))
			break;
		q = container_of(pool->ready.next, struct worker_queue, ready_link);
		list_remove(&q->ready_link);
		pool->ready_count--;
		q->in_ready = false;
		job = container_of(q->jobs.next, struct worker_job, link);
		list_remove(&job->link);
		q->running = true;
		skip = q->stopping && !q->run_remaining;
		pthread_mutex_unlock(&pool->lock);
		if (!skip)
			job->run(job);
		completions_push(q->completions, job);
		pthread_mutex_lock(&pool->lock);
		q->running = false;
		if (!list_is_empty(&q->jobs)) {
			/* Behind the other ready queues: each application gets its turn. */
			list_append(&pool->ready, &q->ready_link);
			pool->ready_count++;
			q->in_ready = true;
			pthread_cond_signal(&pool->wakeup);
		}
		pthread_cond_broadcast(&pool->settled);
	}
	pool->thread_count--;
	pthread_cond_broadcast(&pool->settled);
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* With the pool's lock held: one more thread when more queues wait than idle threads
 * can take (an idle thread already signalled counts as taken only once it runs). */
static void pool_grow(struct worker_pool *pool)
{
	pthread_attr_t attr;
	pthread_t thread;

	if (pool->ready_count <= pool->idle_count || pool->thread_count >= POOL_MAX_THREADS)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thread, &attr, pool_thread, pool) == 0)
		pool->thread_count++;
	pthread_attr_destroy(&attr);
}

struct worker_queue *worker_queue_start_shared(struct worker_service *ws,
					       enum worker_pool_kind kind)
{
	struct worker_queue *q;

	if ((unsigned) kind >= WORKER_POOL_COUNT || !ws->pools[kind])
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	list_init(&q->jobs);
	list_init(&q->ready_link);
	q->completions = &ws->completions;
	q->pool = ws->pools[kind];
	return q;
}

static void shared_queue_submit(struct worker_queue *q, struct worker_job *job)
{
	struct worker_pool *pool = q->pool;

	pthread_mutex_lock(&pool->lock);
	list_append(&q->jobs, &job->link);
	if (!q->running && !q->in_ready) {
		list_append(&pool->ready, &q->ready_link);
		pool->ready_count++;
		q->in_ready = true;
		pool_grow(pool);
		pthread_cond_signal(&pool->wakeup);
	}
	pthread_mutex_unlock(&pool->lock);
}

static void shared_queue_end(struct worker_queue *q, bool run_remaining)
{
	struct worker_pool *pool = q->pool;
	struct list_node skipped;

	list_init(&skipped);
	pthread_mutex_lock(&pool->lock);
	q->stopping = true;
	q->run_remaining = run_remaining;
	if (!run_remaining) {
		/* Not started: completed without running (their done() still runs). */
		while (!list_is_empty(&q->jobs)) {
			struct worker_job *job = container_of(q->jobs.next, struct worker_job, link);

			list_remove(&job->link);
			list_append(&skipped, &job->link);
		}
		if (q->in_ready) {
			list_remove(&q->ready_link);
			pool->ready_count--;
			q->in_ready = false;
		}
	}
	while (q->running || q->in_ready)
		pthread_cond_wait(&pool->settled, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
	while (!list_is_empty(&skipped)) {
		struct worker_job *job = container_of(skipped.next, struct worker_job, link);

		list_remove(&job->link);
		completions_push(q->completions, job);
	}
	free(q);
}

int worker_service_init(struct worker_service *ws, struct daemon *d, sd_event *loop)
{
	int r;

	r = worker_completions_init(&ws->completions, d);
	if (r < 0)
		return r;
	for (int k = 0; k < WORKER_POOL_COUNT; k++) {
		ws->pools[k] = pool_new();
		if (!ws->pools[k])
			return -ENOMEM;
	}
	ws->blocking = worker_queue_start(&ws->completions, 2);
	if (!ws->blocking)
		return -ENOMEM;
	return loop ? worker_completions_attach(&ws->completions, loop) : 0;
}

void worker_submit_blocking(struct daemon *d, struct worker_job *job)
{
	if (d->stopping || !d->workers.blocking)
		worker_completions_post(&d->workers.completions, job);
	else
		worker_queue_submit(d->workers.blocking, job);
}

void worker_pools_drain(struct worker_service *ws)
{
	for (int k = 0; k < WORKER_POOL_COUNT; k++)
		if (ws->pools[k])
			pool_drain(ws->pools[k]);
}

void worker_service_fini(struct worker_service *ws)
{
	/* Jobs not started yet are completed unanswered; a running one (stuck in
	 * NSS, say) is waited for. */
	worker_queue_stop(ws->blocking);
	ws->blocking = NULL;
	for (int k = 0; k < WORKER_POOL_COUNT; k++) {
		pool_free(ws->pools[k]);
		ws->pools[k] = NULL;
	}
	if (ws->completions.daemon)
		worker_completions_fini(&ws->completions);
}
