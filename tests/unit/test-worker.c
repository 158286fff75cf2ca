/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The worker service (src/sessiond/core/worker.c): queues with threads of their own
 * and queues served by the shared pools, the completion queue that hands finished
 * jobs back to the loop through its eventfd, worker_queue_stop/_finish and
 * worker_pools_drain. The loop side is an sd-event loop watching the eventfd, run
 * by hand with a bound.
 *
 * Test jobs record what happened to them: run() (on a worker) counts the jobs of
 * its queue running at once and checks that it runs after the queue's previous
 * job; done() (on the loop) checks the thread, the daemon pointer and the order of
 * completions. A job may wait in run() for a gate the test opens, which holds a
 * worker thread as a stuck application would. No job is freed by done(): every
 * job's done() count is checked at the end of its test (never twice, never lost).
 *
 * Every wait for something that must happen is a bounded poll (WAIT_MS, only
 * reached when a check fails). Something that must not happen (a second job of a
 * queue starting while the first runs) is watched for during QUIET_MS: with the code
 * right it cannot happen at all, so the window only gives broken code the time
 * to show itself.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/worker.h"

#include "tap.h"

#define WAIT_MS 10000 /* bound of every wait; only reached when a check fails */
#define QUIET_MS 300  /* how long something that must not happen is watched for */
#define POOL_MAX 64   /* threads of a pool at most (architecture.md, Threads) */
#define IDLE_EXIT_MS 2000 /* an idle pool thread leaves after that long */

static sd_event *loop;
static struct worker_service ws;
static pthread_t loop_thread;
static long daemon_token;
#define FAKE_DAEMON ((struct daemon *) (void *) &daemon_token)

/* ------------------------------------------------------------------------- */
/* Time and polling.                                                           */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Polls *v every millisecond until it reaches want; bounded by ms. */
static bool wait_at_least(atomic_uint *v, unsigned want, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (atomic_load(v) < want) {
		if (now_ms() >= deadline)
			return false;
		nap_ms(1);
	}
	return true;
}

/* Watches *v for ms: true if it stayed at most limit all along. */
static bool stays_at_most(atomic_uint *v, unsigned limit, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (now_ms() < deadline) {
		if (atomic_load(v) > limit)
			return false;
		nap_ms(1);
	}
	return atomic_load(v) <= limit;
}

/* Threads of this process. */
static int task_count(void)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!dir)
		bail_out("cannot open /proc/self/task: %s", strerror(errno));
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Polls until the process has at most want threads; bounded by ms. Returns the
 * last count seen. */
static int wait_tasks_at_most(int want, int ms)
{
	int64_t deadline = now_ms() + ms;
	int n;

	while ((n = task_count()) > want && now_ms() < deadline)
		nap_ms(10);
	return n;
}

/* Whether thread tid sleeps in futex() (a mutex or condition wait). */
static bool in_futex_wait(pid_t tid)
{
	char path[64], buf[128];
	FILE *f;
	long nr = -1;
	char state = '?';

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int) tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		char *p = strrchr(buf, ')');

		if (p && p[1] == ' ')
			state = p[2];
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int) tid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
	}
	return state == 'S' && nr == SYS_futex;
}

/* A thread that calls worker_queue_stop/_finish has reached the wait for the running
 * job once it sleeps in futex() for 100 ms in a row: the pool's and the queue's
 * locks are never held that long, so it is not waiting for one of them. */
static bool wait_blocked(pid_t tid)
{
	int64_t deadline = now_ms() + WAIT_MS;
	int in_a_row = 0;

	while (in_a_row < 5 && now_ms() < deadline) {
		in_a_row = in_futex_wait(tid) ? in_a_row + 1 : 0;
		nap_ms(20);
	}
	return in_a_row >= 5;
}

/* ------------------------------------------------------------------------- */
/* Gates: a job waits in run() until the test opens its gate (bounded).        */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
};

static void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->open = false;
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static bool gate_wait(struct gate *g)
{
	struct timespec until;
	bool open;

	/* Longer than any wait of the test: a check fails before a gate gives up. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3 * WAIT_MS / 1000;
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		if (pthread_cond_timedwait(&g->cond, &g->lock, &until) == ETIMEDOUT)
			break;
	open = g->open;
	pthread_mutex_unlock(&g->lock);
	return open;
}

static void gate_fini(struct gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

/* ------------------------------------------------------------------------- */
/* Test queues and jobs.                                                       */

struct tqueue {
	struct worker_queue *q;
	bool serial; /* one job at a time, in order (all but multi-thread queues) */
	unsigned submitted;
	/* Worker side. */
	atomic_uint started, ended;
	atomic_int in_flight;
	atomic_int max_in_flight;
	atomic_int last_run; /* seq of the last job whose run() started; -1: none */
	atomic_uint out_of_order; /* a run() not right after the previous one's */
	/* Loop side. */
	unsigned done;
	unsigned next_done_seq;
	unsigned done_out_of_order;
	unsigned ran_after_skip; /* done() of a job that ran after one that did not */
	bool skip_seen;
};

struct tjob {
	struct worker_job base;
	struct tqueue *tq;
	unsigned seq;      /* its rank in its queue, from 0 */
	struct gate *gate; /* run() waits for it; NULL: no wait */
	int spin;          /* sched_yield() calls in run(), to let jobs overlap if they can */
	/* Written by run() (worker), read after done() (ordered by the completion lock). */
	unsigned run_calls;
	bool run_returned;
	bool gate_timed_out;
	pthread_t runner;
	/* Loop side. */
	unsigned done_calls;
	bool ran_at_done;
	bool done_on_loop;
	bool done_daemon_ok;
	bool finished_at_done; /* run() had returned when done() ran */
};

static struct tjob **jobs;
static size_t njobs, jobs_cap;
static unsigned total_done; /* loop thread */

static void tqueue_init(struct tqueue *tq, struct worker_queue *q, bool serial)
{
	memset(tq, 0, sizeof(*tq));
	tq->q = q;
	tq->serial = serial;
	atomic_init(&tq->started, 0);
	atomic_init(&tq->ended, 0);
	atomic_init(&tq->in_flight, 0);
	atomic_init(&tq->max_in_flight, 0);
	atomic_init(&tq->last_run, -1);
	atomic_init(&tq->out_of_order, 0);
	if (!q)
		bail_out("cannot start a queue");
}

static void job_run(struct worker_job *base)
{
	struct tjob *j = container_of(base, struct tjob, base);
	struct tqueue *tq = j->tq;
	int flying, max, prev;

	j->run_calls++;
	j->runner = pthread_self();
	flying = atomic_fetch_add(&tq->in_flight, 1) + 1;
	max = atomic_load(&tq->max_in_flight);
	while (flying > max && !atomic_compare_exchange_weak(&tq->max_in_flight, &max, flying))
		;
	prev = atomic_exchange(&tq->last_run, (int) j->seq);
	if (tq->serial && prev != (int) j->seq - 1)
		atomic_fetch_add(&tq->out_of_order, 1);
	atomic_fetch_add(&tq->started, 1);
	if (j->gate && !gate_wait(j->gate))
		j->gate_timed_out = true;
	for (int i = 0; i < j->spin; i++)
		sched_yield();
	atomic_fetch_sub(&tq->in_flight, 1);
	atomic_fetch_add(&tq->ended, 1);
	j->run_returned = true;
}

static void job_done(struct daemon *d, struct worker_job *base)
{
	struct tjob *j = container_of(base, struct tjob, base);
	struct tqueue *tq = j->tq;

	j->done_calls++;
	j->ran_at_done = j->run_calls > 0;
	j->done_on_loop = pthread_equal(pthread_self(), loop_thread);
	j->done_daemon_ok = d == FAKE_DAEMON;
	total_done++;
	j->finished_at_done = !j->run_calls || j->run_returned;
	if (!tq)
		return;
	tq->done++;
	if (tq->serial) {
		if (j->seq != tq->next_done_seq)
			tq->done_out_of_order++;
		tq->next_done_seq = j->seq + 1;
	}
	if (!j->run_calls)
		tq->skip_seen = true;
	else if (tq->skip_seen)
		tq->ran_after_skip++;
}

static struct tjob *job_new(struct tqueue *tq, struct gate *gate, int spin)
{
	struct tjob *j = calloc(1, sizeof(*j));

	if (!j)
		bail_out("out of memory");
	j->base.run = job_run;
	j->base.done = job_done;
	j->tq = tq;
	j->gate = gate;
	j->spin = spin;
	if (tq)
		j->seq = tq->submitted++;
	if (njobs == jobs_cap) {
		jobs_cap = jobs_cap ? 2 * jobs_cap : 256;
		jobs = realloc(jobs, jobs_cap * sizeof(*jobs));
		if (!jobs)
			bail_out("out of memory");
	}
	jobs[njobs++] = j;
	return j;
}

static struct tjob *submit(struct tqueue *tq, struct gate *gate, int spin)
{
	struct tjob *j = job_new(tq, gate, spin);

	worker_queue_submit(tq->q, &j->base);
	return j;
}

/* Runs the loop until total_done reaches want; bounded. */
static bool loop_until_done(unsigned want)
{
	int64_t deadline = now_ms() + WAIT_MS;

	while (total_done < want && now_ms() < deadline)
		if (sd_event_run(loop, 10 * 1000) < 0)
			bail_out("sd_event_run failed");
	return total_done >= want;
}

/* The jobs of the current test: how many had done() called other than once, and
 * run() more than once; frees them. */
struct job_tally {
	unsigned not_done_once, ran_twice, gate_timeouts, done_off_loop, wrong_daemon;
	unsigned done_before_end;
};

static struct job_tally jobs_release(void)
{
	struct job_tally t = { 0 };

	for (size_t i = 0; i < njobs; i++) {
		struct tjob *j = jobs[i];

		t.not_done_once += j->done_calls != 1;
		t.ran_twice += j->run_calls > 1;
		t.gate_timeouts += j->gate_timed_out;
		t.done_off_loop += j->done_calls && !j->done_on_loop;
		t.wrong_daemon += j->done_calls && !j->done_daemon_ok;
		t.done_before_end += j->done_calls && !j->finished_at_done;
		free(j);
	}
	njobs = 0;
	total_done = 0;
	return t;
}

/* Checks that every job of the test had done() called once and ran at most once. */
static void check_jobs(const char *what)
{
	struct job_tally t = jobs_release();

	ok(t.not_done_once == 0 && t.ran_twice == 0 && t.gate_timeouts == 0,
	   "%s: every job's done() ran once, run() at most once", what);
	if (t.not_done_once || t.ran_twice || t.gate_timeouts)
		diag("  done() not once: %u, run() twice: %u, gate timeouts: %u", t.not_done_once,
		     t.ran_twice, t.gate_timeouts);
}

/* The queue ran its jobs one at a time, in order, and completed them in order. */
static bool serial_ok(const struct tqueue *tq)
{
	return atomic_load(&tq->max_in_flight) <= 1 && atomic_load(&tq->out_of_order) == 0 &&
	       tq->done_out_of_order == 0 && tq->ran_after_skip == 0;
}

static void diag_queue(const char *name, const struct tqueue *tq)
{
	diag("  %s: submitted %u, started %u, ended %u, max at once %d, out of order %u, "
	     "done %u (out of order %u, ran after a skipped one %u)",
	     name, tq->submitted, atomic_load(&tq->started), atomic_load(&tq->ended),
	     atomic_load(&tq->max_in_flight), atomic_load(&tq->out_of_order), tq->done,
	     tq->done_out_of_order, tq->ran_after_skip);
}

/* A thread that stops or finishes a queue (both join or wait for the running job). */
struct ender {
	struct worker_queue *q;
	bool finish;
	struct tqueue *tq;
	pthread_t thread;
	atomic_int tid;
	unsigned ended_at_return; /* tq->ended when the call returned */
};

static void *ender_main(void *arg)
{
	struct ender *e = arg;

	atomic_store(&e->tid, (int) gettid());
	if (e->finish)
		worker_queue_finish(e->q);
	else
		worker_queue_stop(e->q);
	e->ended_at_return = atomic_load(&e->tq->ended);
	return NULL;
}

static void ender_start(struct ender *e, struct tqueue *tq, bool finish)
{
	e->q = tq->q;
	e->tq = tq;
	e->finish = finish;
	atomic_init(&e->tid, 0);
	if (pthread_create(&e->thread, NULL, ender_main, e) != 0)
		bail_out("cannot start a thread");
	while (atomic_load(&e->tid) == 0)
		sched_yield();
}

/* An own-thread queue is marked stopping under its lock, with its wakeup broadcast. */
static bool wait_own_stopping(struct worker_queue *q)
{
	struct timespec until;
	bool stopping;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&q->lock);
	while (!q->stopping)
		if (pthread_cond_timedwait(&q->wakeup, &q->lock, &until) == ETIMEDOUT)
			break;
	stopping = q->stopping;
	pthread_mutex_unlock(&q->lock);
	return stopping;
}

/* ------------------------------------------------------------------------- */
/* Completions.                                                                */

static void test_post(void)
{
	struct tjob *j = job_new(NULL, NULL, 0);

	worker_completions_post(&ws.completions, &j->base);
	is_uint(j->done_calls, 0, "post: done() is not called by worker_completions_post itself");
	ok(loop_until_done(1) && j->done_calls == 1 && !j->ran_at_done,
	   "post: done() runs on the loop's next turn, run() never");
	ok(j->done_on_loop && j->done_daemon_ok,
	   "post: done() on the loop thread, with the daemon given to worker_completions_init");
	check_jobs("post");
}

/* A completion wakes the loop through the eventfd; done() waits for the loop. */
static void test_eventfd(void)
{
	struct tqueue tq;
	struct pollfd pfd = { .fd = ws.completions.event_fd, .events = POLLIN };
	struct tjob *j;

	tqueue_init(&tq, worker_queue_start(&ws.completions, 1), true);
	j = submit(&tq, NULL, 0);
	ok(poll(&pfd, 1, WAIT_MS) == 1 && (pfd.revents & POLLIN),
	   "eventfd: a finished job makes the completion eventfd readable");
	is_uint(j->done_calls, 0, "eventfd: done() waits for the loop");
	ok(sd_event_run(loop, 0) > 0 && j->done_calls == 1,
	   "eventfd: one turn of the loop (no wait) delivers the completion");
	worker_queue_stop(tq.q);
	check_jobs("eventfd");
}

/* ------------------------------------------------------------------------- */
/* Queues with threads of their own.                                           */

#define ORDER_JOBS 200

static void test_own_order(void)
{
	struct tqueue tq;
	bool one_thread = true, not_loop = true, ran_first = true;
	pthread_t first;

	tqueue_init(&tq, worker_queue_start(&ws.completions, 1), true);
	for (int i = 0; i < ORDER_JOBS; i++)
		submit(&tq, NULL, i % 3);
	ok(loop_until_done(ORDER_JOBS), "own queue: %d jobs completed", ORDER_JOBS);
	is_uint(atomic_load(&tq.started), ORDER_JOBS, "own queue: every job ran");
	ok(serial_ok(&tq), "own queue (1 thread): one job at a time, run and completed in "
			   "submission order");
	if (!serial_ok(&tq))
		diag_queue("queue", &tq);
	first = jobs[0]->runner;
	for (size_t i = 0; i < njobs; i++) {
		one_thread &= pthread_equal(jobs[i]->runner, first) != 0;
		not_loop &= !pthread_equal(jobs[i]->runner, loop_thread);
		ran_first &= jobs[i]->ran_at_done && jobs[i]->finished_at_done;
	}
	ok(one_thread && not_loop, "own queue: every job ran on the queue's one thread, "
				   "not the loop's");
	ok(ran_first, "own queue: each done() came after its run() returned");
	{
		unsigned off_loop = 0, bad_daemon = 0;

		for (size_t i = 0; i < njobs; i++) {
			off_loop += !jobs[i]->done_on_loop;
			bad_daemon += !jobs[i]->done_daemon_ok;
		}
		ok(off_loop == 0 && bad_daemon == 0,
		   "own queue: every done() on the loop thread, with the daemon pointer");
	}
	worker_queue_stop(tq.q);
	check_jobs("own queue");
}

/* The registration queue has two threads: one blocked job leaves the other free. */
static void test_own_two_threads(void)
{
	struct tqueue tq;
	struct gate g;
	struct tjob *a, *b;
	struct worker_queue *q;

	gate_init(&g);
	tqueue_init(&tq, worker_queue_start(&ws.completions, 2), false);
	a = submit(&tq, &g, 0);
	b = submit(&tq, NULL, 0);
	ok(loop_until_done(1) && b->done_calls == 1 && a->done_calls == 0,
	   "two-thread queue: job B completes while job A blocks its first thread");
	gate_open(&g);
	ok(loop_until_done(2) && a->done_calls == 1, "two-thread queue: A completes once released");
	worker_queue_stop(tq.q);
	check_jobs("two-thread queue");
	gate_fini(&g);

	is_ptr_null(worker_queue_start(&ws.completions, 0), "a queue of 0 threads is refused");
	q = worker_queue_start(&ws.completions, 9);
	ok(q && q->thread_count == 4, "a queue of 9 threads gets 4 (%d)", q ? q->thread_count : -1);
	worker_queue_stop(q);
}

#define STOP_JOBS 5

/* worker_queue_stop while a job runs: it completes; the others do not run, but their
 * done() runs, in order. worker_queue_finish: every queued job runs first. */
static void test_own_end(bool finish)
{
	const char *what = finish ? "own queue finish" : "own queue stop";
	struct tqueue tq;
	struct gate g;
	struct ender e;
	unsigned ran = 0;

	gate_init(&g);
	tqueue_init(&tq, worker_queue_start(&ws.completions, 1), true);
	submit(&tq, &g, 0);
	for (int i = 1; i < STOP_JOBS; i++)
		submit(&tq, NULL, 0);
	ok(wait_at_least(&tq.started, 1, WAIT_MS), "%s: the first job runs (and blocks)", what);
	ender_start(&e, &tq, finish);
	ok(wait_own_stopping(tq.q), "%s: the queue is marked stopping while its job runs", what);
	gate_open(&g);
	pthread_join(e.thread, NULL);
	ok(loop_until_done(STOP_JOBS), "%s: %d done() calls delivered", what, STOP_JOBS);
	for (size_t i = 0; i < njobs; i++)
		ran += jobs[i]->run_calls;
	if (finish) {
		is_uint(ran, STOP_JOBS, "%s: every queued job ran", what);
		is_uint(e.ended_at_return, STOP_JOBS, "%s: ... before worker_queue_finish returned", what);
	} else {
		ok(ran == 1 && jobs[0]->run_calls == 1,
		   "%s: only the running job ran, the %d queued ones were skipped", what,
		   STOP_JOBS - 1);
	}
	ok(serial_ok(&tq) && tq.done == STOP_JOBS,
	   "%s: done() of every job, in submission order", what);
	if (!serial_ok(&tq))
		diag_queue("queue", &tq);
	check_jobs(what);
	gate_fini(&g);
}

/* ------------------------------------------------------------------------- */
/* Shared pools.                                                               */

#define GROW_QUEUES 16

/* n shared queues of kind, each holding a pool thread with a gated job. */
static void block_queues(struct tqueue *tqs, int n, enum worker_pool_kind kind, struct gate *g)
{
	for (int i = 0; i < n; i++) {
		tqueue_init(&tqs[i], worker_queue_start_shared(&ws, kind), true);
		submit(&tqs[i], g, 0);
	}
}

static unsigned started_sum(struct tqueue *tqs, int n)
{
	unsigned sum = 0;

	for (int i = 0; i < n; i++)
		sum += atomic_load(&tqs[i].started);
	return sum;
}

static bool wait_started_sum(struct tqueue *tqs, int n, unsigned want)
{
	int64_t deadline = now_ms() + WAIT_MS;

	while (started_sum(tqs, n) < want && now_ms() < deadline)
		nap_ms(1);
	return started_sum(tqs, n) >= want;
}

static void stop_queues(struct tqueue *tqs, int n)
{
	for (int i = 0; i < n; i++)
		worker_queue_stop(tqs[i].q);
}

/* A job blocked in one queue does not stall the others: the pool grows. */
static void test_pool_growth(void)
{
	struct tqueue a, b, many[GROW_QUEUES];
	struct gate g, g2;
	struct tjob *ja, *jb;
	bool all;

	gate_init(&g);
	gate_init(&g2);
	tqueue_init(&a, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	tqueue_init(&b, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	ja = submit(&a, &g, 0);
	ok(wait_at_least(&a.started, 1, WAIT_MS), "pool: queue A's job runs (and blocks)");
	jb = submit(&b, NULL, 0);
	ok(loop_until_done(1) && jb->done_calls == 1 && ja->done_calls == 0,
	   "pool: queue B's job completes while A's blocks a pool thread");

	block_queues(many, GROW_QUEUES, WORKER_POOL_APP_COMMANDS, &g2);
	all = wait_started_sum(many, GROW_QUEUES, GROW_QUEUES);
	ok(all,
	   "pool: the jobs of %d more queues all run at once (the pool grew; started %u)",
	   GROW_QUEUES, started_sum(many, GROW_QUEUES));
	gate_open(&g);
	gate_open(&g2);
	ok(loop_until_done(2 + GROW_QUEUES), "pool: all completed once released");
	worker_queue_stop(a.q);
	worker_queue_stop(b.q);
	stop_queues(many, GROW_QUEUES);
	check_jobs("pool growth");
	gate_fini(&g);
	gate_fini(&g2);
}

#define SERIAL_JOBS 10
#define WARM_QUEUES 8

/* A shared queue never runs two of its jobs at once, even with idle pool threads. */
static void test_shared_serial(void)
{
	struct tqueue warm[WARM_QUEUES], tq;
	struct gate g, gw;

	gate_init(&g);
	gate_init(&gw);
	/* Idle threads for the next check: they stay 2 s. */
	block_queues(warm, WARM_QUEUES, WORKER_POOL_APP_COMMANDS, &gw);
	if (!wait_started_sum(warm, WARM_QUEUES, WARM_QUEUES))
		diag("  only %u of %d warm-up jobs started", started_sum(warm, WARM_QUEUES),
		     WARM_QUEUES);
	gate_open(&gw);
	loop_until_done(WARM_QUEUES);
	stop_queues(warm, WARM_QUEUES);

	/* The next jobs are submitted while the first runs: the queue is then out of
	 * the pool's ready list, and must stay out. */
	tqueue_init(&tq, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	submit(&tq, &g, 0);
	ok(wait_at_least(&tq.started, 1, WAIT_MS), "shared queue: its first job runs (and blocks)");
	for (int i = 1; i < SERIAL_JOBS; i++)
		submit(&tq, NULL, 0);
	ok(stays_at_most(&tq.started, 1, QUIET_MS),
	   "shared queue: no other job of it starts while the first runs (%d idle threads, "
	   "watched %d ms)",
	   WARM_QUEUES, QUIET_MS);
	gate_open(&g);
	ok(loop_until_done(WARM_QUEUES + SERIAL_JOBS) && tq.done == SERIAL_JOBS,
	   "shared queue: all %d jobs completed once released", SERIAL_JOBS);
	ok(serial_ok(&tq), "shared queue: one job at a time, run and completed in order");
	if (!serial_ok(&tq))
		diag_queue("queue", &tq);
	worker_queue_stop(tq.q);
	check_jobs("shared queue");
	gate_fini(&g);
	gate_fini(&gw);
}

/* worker_queue_stop/_finish of a shared queue whose first job runs. */
static void test_shared_end(bool finish)
{
	const char *what = finish ? "shared queue finish" : "shared queue stop";
	struct tqueue tq;
	struct gate g;
	struct ender e;
	unsigned ran = 0;

	gate_init(&g);
	tqueue_init(&tq, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	submit(&tq, &g, 0);
	for (int i = 1; i < STOP_JOBS; i++)
		submit(&tq, NULL, 0);
	ok(wait_at_least(&tq.started, 1, WAIT_MS), "%s: the first job runs (and blocks)", what);
	ender_start(&e, &tq, finish);
	ok(wait_blocked((pid_t) atomic_load(&e.tid)),
	   "%s: the call waits for the running job", what);
	gate_open(&g);
	pthread_join(e.thread, NULL);
	ok(loop_until_done(STOP_JOBS), "%s: %d done() calls delivered", what, STOP_JOBS);
	for (size_t i = 0; i < njobs; i++)
		ran += jobs[i]->run_calls;
	if (finish) {
		is_uint(ran, STOP_JOBS, "%s: every queued job ran", what);
		is_uint(e.ended_at_return, STOP_JOBS, "%s: ... before worker_queue_finish returned", what);
	} else {
		ok(ran == 1 && jobs[0]->run_calls == 1,
		   "%s: only the running job ran, the %d queued ones were skipped", what,
		   STOP_JOBS - 1);
	}
	ok(serial_ok(&tq) && tq.done == STOP_JOBS,
	   "%s: done() of every job, in submission order", what);
	if (!serial_ok(&tq))
		diag_queue("queue", &tq);
	check_jobs(what);
	gate_fini(&g);
}

static unsigned ended_sum(struct tqueue *tqs, int n)
{
	unsigned sum = 0;

	for (int i = 0; i < n; i++)
		sum += atomic_load(&tqs[i].ended);
	return sum;
}

#define FINISH_JOBS 3

/* A saturated command pool: 64 threads, each held by a blocked job. What the queues
 * behind them do until a thread is free. */
static void test_pool_saturation(void)
{
	static struct tqueue held[POOL_MAX];
	struct tqueue extra, notify, unstarted, waiting;
	struct gate g_first, g_rest;
	struct ender e;
	unsigned ran = 0;
	struct tjob *jx, *jn;
	bool all, done;

	gate_init(&g_first);
	gate_init(&g_rest);
	tqueue_init(&held[0], worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	submit(&held[0], &g_first, 0);
	block_queues(held + 1, POOL_MAX - 1, WORKER_POOL_APP_COMMANDS, &g_rest);
	all = wait_started_sum(held, POOL_MAX, POOL_MAX);
	ok(all, "saturation: %d blocked jobs of %d queues run at once (started %u)", POOL_MAX,
	   POOL_MAX, started_sum(held, POOL_MAX));

	tqueue_init(&extra, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	jx = submit(&extra, NULL, 0);
	ok(stays_at_most(&extra.started, 0, QUIET_MS),
	   "saturation: the pool stops at %d threads, a %dth queue's job waits (watched %d ms)",
	   POOL_MAX, POOL_MAX + 1, QUIET_MS);

	tqueue_init(&notify, worker_queue_start_shared(&ws, WORKER_POOL_APP_NOTIFY), true);
	jn = submit(&notify, NULL, 0);
	done = loop_until_done(1) && jn->done_calls == 1;
	ok(done && ended_sum(held, POOL_MAX) == 0,
	   "saturation: a notify-pool job runs while every command-pool thread is held "
	   "(separate pool)");

	/* Jobs no thread can start: stopped, they are completed without running. */
	tqueue_init(&unstarted, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	for (int i = 0; i < STOP_JOBS; i++)
		submit(&unstarted, NULL, 0);
	worker_queue_stop(unstarted.q);
	done = loop_until_done(1 + STOP_JOBS) && unstarted.done == STOP_JOBS;
	ok(done && ended_sum(held, POOL_MAX) == 0,
	   "saturation: worker_queue_stop of a queue waiting for a thread returns at once; "
	   "done() of its %d jobs runs",
	   STOP_JOBS);
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i]->tq == &unstarted)
			ran += jobs[i]->run_calls;
	ok(ran == 0 && atomic_load(&unstarted.started) == 0 && serial_ok(&unstarted),
	   "saturation: ... without run(), in submission order");

	/* Finished instead, they run first. */
	tqueue_init(&waiting, worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS), true);
	for (int i = 0; i < FINISH_JOBS; i++)
		submit(&waiting, NULL, 0);
	ender_start(&e, &waiting, true);
	ok(wait_blocked((pid_t) atomic_load(&e.tid)),
	   "saturation: worker_queue_finish of a queue waiting for a thread waits");

	gate_open(&g_first);
	pthread_join(e.thread, NULL);
	ok(e.ended_at_return == FINISH_JOBS && atomic_load(&waiting.started) == FINISH_JOBS,
	   "saturation: ... until its %d jobs ran, once a thread was free (%u ran before it "
	   "returned)",
	   FINISH_JOBS, e.ended_at_return);
	ok(loop_until_done(1 + STOP_JOBS + 2 + FINISH_JOBS) && jx->done_calls == 1 &&
		   waiting.done == FINISH_JOBS && serial_ok(&waiting),
	   "saturation: the waiting jobs completed, in order");
	gate_open(&g_rest);
	ok(loop_until_done(POOL_MAX + 2 + STOP_JOBS + FINISH_JOBS),
	   "saturation: all completed once released");
	worker_queue_stop(extra.q);
	worker_queue_stop(notify.q);
	stop_queues(held, POOL_MAX);
	check_jobs("saturation");
	gate_fini(&g_first);
	gate_fini(&g_rest);
}

/* Idle pool threads leave on their own after 2 s. */
static void test_idle_exit(int baseline)
{
	int64_t t0 = now_ms();
	int before = task_count(), after;

	after = wait_tasks_at_most(baseline, IDLE_EXIT_MS + WAIT_MS);
	ok(before > baseline && after == baseline,
	   "idle pool threads leave on their own (%d threads, then %d after %lld ms; %d before "
	   "any queue)",
	   before, after, (long long) (now_ms() - t0), baseline);
}

/* worker_pools_drain ends idle threads at once (they would otherwise stay 2 s), and a
 * pool serves queues again afterwards. */
static void test_shutdown(int baseline)
{
	struct tqueue tqs[WARM_QUEUES], again;
	struct gate g;
	int before, after;

	gate_init(&g);
	block_queues(tqs, WARM_QUEUES, WORKER_POOL_APP_NOTIFY, &g);
	wait_started_sum(tqs, WARM_QUEUES, WARM_QUEUES);
	gate_open(&g);
	ok(loop_until_done(WARM_QUEUES), "shutdown: %d notify jobs completed", WARM_QUEUES);
	stop_queues(tqs, WARM_QUEUES);
	before = task_count();
	worker_pools_drain(&ws);
	after = wait_tasks_at_most(baseline, IDLE_EXIT_MS / 2);
	ok(before > baseline && after == baseline,
	   "shutdown: worker_pools_drain ends the idle pool threads (%d threads, %d within "
	   "%d ms)",
	   before, after, IDLE_EXIT_MS / 2);

	tqueue_init(&again, worker_queue_start_shared(&ws, WORKER_POOL_APP_NOTIFY), true);
	submit(&again, NULL, 0);
	ok(loop_until_done(WARM_QUEUES + 1) && again.done == 1,
	   "shutdown: a pool serves queues again afterwards");
	worker_queue_stop(again.q);
	worker_pools_drain(&ws);
	check_jobs("shutdown");
	gate_fini(&g);
}

/* ------------------------------------------------------------------------- */
/* Shutdown under load.                                                        */

#define LOAD_CMD 120
#define LOAD_NOTIFY 60
#define LOAD_OWN 4
#define LOAD_QUEUES (LOAD_CMD + LOAD_NOTIFY + LOAD_OWN)
#define LOAD_JOBS 25

static void test_load(int baseline)
{
	static struct tqueue tqs[LOAD_QUEUES];
	unsigned total = LOAD_QUEUES * LOAD_JOBS, unfinished = 0, not_prefix = 0;
	unsigned not_serial = 0, skipped = 0, ran = 0;
	struct job_tally t;
	bool delivered;
	int after;

	for (int i = 0; i < LOAD_QUEUES; i++) {
		struct worker_queue *q;

		if (i < LOAD_CMD)
			q = worker_queue_start_shared(&ws, WORKER_POOL_APP_COMMANDS);
		else if (i < LOAD_CMD + LOAD_NOTIFY)
			q = worker_queue_start_shared(&ws, WORKER_POOL_APP_NOTIFY);
		else
			q = worker_queue_start(&ws.completions, 1);
		tqueue_init(&tqs[i], q, true);
	}
	/* Interleaved, as applications' requests arrive. */
	for (int k = 0; k < LOAD_JOBS; k++)
		for (int i = 0; i < LOAD_QUEUES; i++)
			submit(&tqs[i], NULL, 1 + (i + k) % 4);
	/* Part of the completions is applied while the workers go on. */
	if (!loop_until_done(total / 3))
		diag("  only %u of %u done() calls before ending the queues", total_done, total);
	/* Half the queues stopped, then half finished, while their jobs run. */
	for (int i = 0; i < LOAD_QUEUES; i += 2)
		worker_queue_stop(tqs[i].q);
	for (int i = 1; i < LOAD_QUEUES; i += 2)
		worker_queue_finish(tqs[i].q);
	worker_pools_drain(&ws);
	after = wait_tasks_at_most(baseline, IDLE_EXIT_MS / 2);
	delivered = loop_until_done(total);
	ok(delivered && total_done == total,
	   "load: %u jobs of %d queues, every done() delivered (%u)", total, LOAD_QUEUES,
	   total_done);
	ok(sd_event_run(loop, 0) == 0 && total_done == total, "load: and nothing more");
	for (int i = 0; i < LOAD_QUEUES; i++) {
		unsigned started = atomic_load(&tqs[i].started);

		ran += started;
		if (i % 2 && started != LOAD_JOBS)
			unfinished++;
		if (tqs[i].ran_after_skip)
			not_prefix++;
		if (atomic_load(&tqs[i].max_in_flight) > 1 || atomic_load(&tqs[i].out_of_order) ||
		    tqs[i].done_out_of_order || tqs[i].done != LOAD_JOBS)
			not_serial++;
		if (!serial_ok(&tqs[i]) || (i % 2 && started != LOAD_JOBS))
			diag_queue(i % 2 ? "finished queue" : "stopped queue", &tqs[i]);
	}
	skipped = total - ran;
	diag("  load: %u jobs ran, %u were skipped by worker_queue_stop", ran, skipped);
	is_uint(unfinished, 0, "load: every job of the finished queues ran");
	is_uint(not_prefix, 0, "load: in the stopped queues, no job ran after a skipped one");
	is_uint(not_serial, 0, "load: every queue ran one job at a time, in order, and "
			       "completed each job in order");
	t = jobs_release();
	ok(t.not_done_once == 0 && t.ran_twice == 0,
	   "load: no job lost or doubled (done() not once: %u, run() twice: %u)", t.not_done_once,
	   t.ran_twice);
	ok(t.done_off_loop == 0 && t.wrong_daemon == 0,
	   "load: every done() on the loop thread, with the daemon pointer");
	is_int(after, baseline, "load: no pool thread left after worker_pools_drain");
}

/* worker_completions_fini delivers what the loop has not applied yet. */
static void test_fini(void)
{
	struct tqueue tq;
	unsigned done = 0;

	tqueue_init(&tq, worker_queue_start(&ws.completions, 1), true);
	for (int i = 0; i < 3; i++)
		submit(&tq, NULL, 0);
	worker_queue_finish(tq.q);
	worker_completions_fini(&ws.completions);
	for (size_t i = 0; i < njobs; i++)
		done += jobs[i]->done_calls;
	ok(done == 3 && serial_ok(&tq),
	   "fini: completions not yet applied get their done(), in order (%u)", done);
	is_int(ws.completions.event_fd, -1, "fini: the eventfd is closed");
	check_jobs("fini");
}

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	int baseline;

	loop_thread = pthread_self();
	if (sd_event_new(&loop) < 0)
		bail_out("sd_event_new");
	if (worker_service_init(&ws, FAKE_DAEMON, loop) < 0)
		bail_out("cannot set up the worker service");
	/* Some runtimes (TSan) start a thread of their own with the first thread. */
	{
		pthread_t t;

		if (pthread_create(&t, NULL, nothing, NULL) != 0)
			bail_out("cannot start a thread");
		pthread_join(t, NULL);
	}
	baseline = task_count();

	test_post();
	test_eventfd();
	test_own_order();
	test_own_two_threads();
	test_own_end(false);
	test_own_end(true);
	test_pool_growth();
	test_shared_serial();
	test_shared_end(false);
	test_shared_end(true);
	test_pool_saturation();
	test_idle_exit(baseline);
	test_shutdown(baseline);
	test_load(baseline);
	test_fini();
	/* The completion queue ended in test_fini(); the pools and threads go now. */
	ws.completions.daemon = NULL;
	worker_service_fini(&ws);

	free(jobs);
	sd_event_unref(loop);
	done_testing();
	return exit_status();
}
