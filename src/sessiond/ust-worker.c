/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "ust-worker.h"

static void completions_push(struct ust_completions *c, struct ust_job *job)
{
	uint64_t one = 1;

	pthread_mutex_lock(&c->lock);
	list_append(&c->done_jobs, &job->link);
	pthread_mutex_unlock(&c->lock);
	if (write(c->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("eventfd write failed: %d", errno);
}

void ust_completions_post(struct ust_completions *c, struct ust_job *job)
{
	completions_push(c, job);
}

static int completions_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ust_completions *c = userdata;
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
		struct ust_job *job = container_of(ready.next, struct ust_job, link);

		list_remove(&job->link);
		job->done(c->daemon, job);
	}
	return 0;
}

int ust_completions_init(struct ust_completions *c, struct daemon *d)
{
	c->daemon = d;
	pthread_mutex_init(&c->lock, NULL);
	list_init(&c->done_jobs);
	c->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->event_fd < 0)
		return -errno;
	return 0;
}

int ust_completions_attach(struct ust_completions *c, sd_event *loop)
{
	return sd_event_add_io(loop, &c->source, c->event_fd, EPOLLIN, completions_cb, c);
}

void ust_completions_fini(struct ust_completions *c)
{
	c->source = sd_event_source_disable_unref(c->source);
	/* Whatever completed but was not applied is only freed. */
	completions_cb(NULL, c->event_fd, 0, c);
	if (c->event_fd >= 0)
		close(c->event_fd);
	c->event_fd = -1;
	pthread_mutex_destroy(&c->lock);
}

static void *queue_thread(void *arg)
{
	struct ust_queue *q = arg;

	for (;;) {
		struct ust_job *job;
		bool skip;

		pthread_mutex_lock(&q->lock);
		while (list_is_empty(&q->jobs) && !q->stopping)
			pthread_cond_wait(&q->wakeup, &q->lock);
		if (list_is_empty(&q->jobs)) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		job = container_of(q->jobs.next, struct ust_job, link);
		list_remove(&job->link);
		skip = q->stopping && !q->run_remaining;
		pthread_mutex_unlock(&q->lock);
		if (!skip)
			job->run(job);
		completions_push(q->completions, job);
	}
}

struct ust_queue *ust_queue_start(struct ust_completions *c, int thread_count)
{
	struct ust_queue *q = calloc(1, sizeof(*q));
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

void ust_queue_submit(struct ust_queue *q, struct ust_job *job)
{
	pthread_mutex_lock(&q->lock);
	list_append(&q->jobs, &job->link);
	pthread_cond_signal(&q->wakeup);
	pthread_mutex_unlock(&q->lock);
}

static void queue_end(struct ust_queue *q, bool run_remaining)
{
	if (!q)
		return;
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

void ust_queue_stop(struct ust_queue *q)
{
	queue_end(q, false);
}

void ust_queue_finish(struct ust_queue *q)
{
	queue_end(q, true);
}
