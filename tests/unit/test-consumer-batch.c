/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Consumer-batch routing (src/sessiond/ust-consumer.c): consumer_batch_new, _target,
 * _add and _submit against two fake consumer daemons, one per supervisor of
 * d->consumers[] (64 and 32 bits). Each fake is a thread answering on a socketpair
 * whose other end is the supervisor's cmd_fd, and each supervisor has its one worker
 * queue (ust-worker.h) as a spawned consumer would. The loop side is an sd-event loop
 * watching the completion eventfd, run by hand with a bound (no sleeps).
 *
 * A fake answers as a consumer daemon does (consumer_decode_status() checks it): a
 * CHANNEL_STATS with discarded_events = its bitness (who answered) and lost_packets =
 * the request's key (each op gets the answer to its own request), the other requests
 * with a bare status (so only the fake's log says who got them); it logs what it received,
 * in order. Keys with KEY_FAIL get a negative status, keys with KEY_HANG are read and
 * never answered, keys with KEY_GATE are answered once the test opens the gate.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "consumer-io.h"
#include "core/daemon.h"
#include "ust/ust-app.h"
#include "consumer/consumer-batch.h"
#include "core/worker.h"

#include "tap.h"

#define KEY(batch, i) (((uint64_t) (batch) << 8) | (i))
#define KEY_FAIL (1ull << 40) /* the fake answers FAIL_STATUS */
#define KEY_HANG (1ull << 41) /* the fake reads it and never answers */
#define KEY_GATE (1ull << 42) /* the fake answers it once the test writes gate_fd */
#define FAIL_STATUS (-EINVAL)

#define WAIT_MS 2000 /* bound of every wait; only reached when a test fails */
#define FAKE_IDLE_TIMEOUT_MS 30000
#define MAX_SEEN 16
#define MAX_OPS 16
#define MAX_BATCHES 32

/* ------------------------------------------------------------------------- */
/* Fake consumer daemons.                                                      */

struct fake {
	unsigned bits;
	int fd;      /* the fake's end of the socketpair */
	int hung_fd; /* eventfd: a KEY_HANG or KEY_GATE request arrived */
	int gate_fd; /* eventfd: answer the KEY_GATE request */
	bool running;
	pthread_t thread;
	pthread_mutex_t lock;
	unsigned nseen; /* requests received since fake_reset() */
	uint16_t seen_type[MAX_SEEN];
	uint64_t seen_key[MAX_SEEN];
};

static void *fake_main(void *arg)
{
	struct fake *f = arg;

	for (;;) {
		struct consumer_wire_header h;
		struct consumer_wire_key key;
		struct consumer_wire_status st;
		struct pollfd gate = { .fd = f->gate_fd, .events = POLLIN };
		uint64_t one = 1;

		if (consumer_recv_any(f->fd, &h, &key, sizeof(key), FAKE_IDLE_TIMEOUT_MS) < 0 ||
		    h.payload_bytes != sizeof(key))
			break; /* connection shut down (or a request this fake cannot serve) */
		pthread_mutex_lock(&f->lock);
		if (f->nseen < MAX_SEEN) {
			f->seen_type[f->nseen] = h.type;
			f->seen_key[f->nseen] = key.key;
		}
		f->nseen++;
		pthread_mutex_unlock(&f->lock);
		if (key.key & (KEY_HANG | KEY_GATE)) {
			if (write(f->hung_fd, &one, sizeof(one)) < 0)
				break;
			if (key.key & KEY_HANG)
				continue;
			/* Bounded: a test that never opens the gate fails, it does not hang. */
			if (poll(&gate, 1, WAIT_MS) == 1)
				(void) !read(f->gate_fd, &one, sizeof(one));
		}
		memset(&st, 0, sizeof(st));
		st.status = (key.key & KEY_FAIL) ? FAIL_STATUS : 0;
		if (h.type == CONSUMER_MSG_CHANNEL_STATS && st.status == 0) {
			st.discarded_events = f->bits;
			st.lost_packets = key.key;
		}
		if (consumer_send(f->fd, CONSUMER_MSG_STATUS, &st, sizeof(st), WAIT_MS) < 0)
			break;
	}
	return NULL;
}

static struct sessiond_config cfg;
static struct daemon d;
static sd_event *loop;
static struct fake fakes[CONSUMER_COUNT];

static void fake_reset(struct fake *f)
{
	uint64_t count;

	pthread_mutex_lock(&f->lock);
	f->nseen = 0;
	pthread_mutex_unlock(&f->lock);
	(void) !read(f->hung_fd, &count, sizeof(count));
	(void) !read(f->gate_fd, &count, sizeof(count));
}

/* A running consumer of d->consumers[k]: connected, with its worker queue. */
static void fake_start(int k)
{
	struct consumer_supervisor *cs = &d.consumers[k];
	struct fake *f = &fakes[k];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		bail_out("socketpair: %s", strerror(errno));
	f->bits = cs->kernel ? 1 : cs->bits_per_long; /* who answered, echoed back */
	f->fd = sv[1];
	fake_reset(f);
	cs->cmd_fd = sv[0];
	cs->pid = getpid();
	cs->state = CONSUMER_RUNNING; /* consumer_start() spawns nothing */
	cs->queue = worker_queue_start(&d.workers.completions, 1);
	if (!cs->queue)
		bail_out("cannot start a worker queue");
	if (pthread_create(&f->thread, NULL, fake_main, f) != 0)
		bail_out("cannot start a fake consumer");
	f->running = true;
}

/* What the supervisor does when its consumer is gone (supervisor_forget). The queue
 * is stopped first: it must be idle, or hold a job that ends by itself. */
static void fake_stop(int k)
{
	struct consumer_supervisor *cs = &d.consumers[k];
	struct fake *f = &fakes[k];

	if (!f->running)
		return;
	if (cs->queue)
		worker_queue_stop(cs->queue);
	cs->queue = NULL;
	shutdown(cs->cmd_fd, SHUT_RDWR); /* the fake reads EOF and ends */
	pthread_join(f->thread, NULL);
	close(cs->cmd_fd);
	close(f->fd);
	cs->cmd_fd = -1;
	cs->pid = 0;
	cs->state = CONSUMER_STOPPED;
	f->fd = -1;
	f->running = false;
}

/* Whether the fake received exactly these requests, in this order. */
static bool fake_saw(struct fake *f, unsigned n, const uint16_t *types, const uint64_t *keys)
{
	bool same;

	pthread_mutex_lock(&f->lock);
	same = f->nseen == n;
	for (unsigned i = 0; same && i < n; i++)
		same = f->seen_type[i] == types[i] && f->seen_key[i] == keys[i];
	if (!same) {
		diag("  %u-bit fake received %u request(s), expected %u:", f->bits, f->nseen, n);
		for (unsigned i = 0; i < f->nseen && i < MAX_SEEN; i++)
			diag("    type %u key 0x%llx", f->seen_type[i],
			     (unsigned long long) f->seen_key[i]);
	}
	pthread_mutex_unlock(&f->lock);
	return same;
}

static bool fake_saw_one(struct fake *f, uint16_t type, uint64_t key)
{
	return fake_saw(f, 1, &type, &key);
}

static unsigned fake_seen(struct fake *f)
{
	unsigned n;

	pthread_mutex_lock(&f->lock);
	n = f->nseen;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static void fakes_reset(void)
{
	for (int k = 0; k < CONSUMER_COUNT; k++)
		fake_reset(&fakes[k]);
}

/* ------------------------------------------------------------------------- */
/* Batches and their done callback.                                            */

/* What the done callback saw (the batch is freed right after it). */
struct record {
	int calls;
	unsigned count;
	int result[MAX_OPS];
	int type[MAX_OPS];
	uint64_t value[MAX_OPS];
	uint64_t echo[MAX_OPS];
};

static struct record records[MAX_BATCHES];
static bool submitted[MAX_BATCHES];

static void done_cb(struct daemon *dd, struct consumer_batch *b)
{
	struct record *rec = &records[b->subject_id];

	if (dd != &d)
		diag("done callback with another daemon");
	rec->calls++;
	rec->count = b->count;
	for (unsigned i = 0; i < b->count && i < MAX_OPS; i++) {
		rec->result[i] = b->ops[i].result;
		rec->type[i] = b->ops[i].type;
		rec->value[i] = b->ops[i].discarded_events;
		rec->echo[i] = b->ops[i].lost_packets;
	}
}

static struct consumer_batch *batch_new(uint64_t cookie)
{
	struct consumer_batch *b = consumer_batch_new(done_cb, cookie, NULL);

	if (!b || cookie >= MAX_BATCHES)
		bail_out("consumer_batch_new");
	memset(&records[cookie], 0, sizeof(records[cookie]));
	return b;
}

static void add(struct consumer_batch *b, enum consumer_op_type type, uint64_t key)
{
	struct consumer_op *op = consumer_batch_add(b, type);

	if (!op)
		bail_out("consumer_batch_add");
	op->in.key = key;
}

static void submit(struct consumer_batch *b)
{
	submitted[b->subject_id] = true;
	consumer_batch_submit(&d, b);
}

/* Runs the loop until the batch's done callback ran (bounded); returns its calls. */
static int wait_done(uint64_t cookie)
{
	long long deadline = monotonic_ms() + WAIT_MS;

	while (records[cookie].calls == 0) {
		long long left = deadline - monotonic_ms();

		if (left <= 0 || sd_event_run(loop, (uint64_t) left * 1000) < 0)
			break;
	}
	return records[cookie].calls;
}

/* Whether op i was answered by the fake of that bitness, for its own request. */
static bool answered_by(const struct record *rec, unsigned i, unsigned bits, uint64_t key)
{
	if (rec->result[i] == 0 && (rec->type[i] != CONSUMER_OP_STATS ||
				    (rec->value[i] == bits && rec->echo[i] == key)))
		return true;
	diag("  op %u: result %d bits %llu echo 0x%llx", i, rec->result[i],
	     (unsigned long long) rec->value[i], (unsigned long long) rec->echo[i]);
	return false;
}

/* ------------------------------------------------------------------------- */

static void test_mixed_batch(void)
{
	const uint64_t c = 1, c_later = 8;
	const uint16_t types64[] = { CONSUMER_MSG_CHANNEL_STATS, CONSUMER_MSG_DATA_PENDING,
				     CONSUMER_MSG_FLUSH_CHANNEL, CONSUMER_MSG_CHANNEL_STATS };
	const uint64_t keys64[] = { KEY(c, 0), KEY(c, 2), KEY(c, 5), KEY(c_later, 0) };
	const uint16_t types32[] = { CONSUMER_MSG_FLUSH_CHANNEL, CONSUMER_MSG_CHANNEL_STATS,
				     CONSUMER_MSG_DESTROY_CHANNEL };
	const uint64_t keys32[] = { KEY(c, 1), KEY(c, 3), KEY(c, 4) | KEY_GATE };
	struct consumer_batch *b = batch_new(c), *later;
	struct record *rec = &records[c];
	struct pollfd held = { .fd = fakes[CONSUMER_32].hung_fd, .events = POLLIN };
	uint64_t one = 1;

	fakes_reset();
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_FLUSH, KEY(c, 1));
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_DATA_PENDING, KEY(c, 2));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(c, 3));
	add(b, CONSUMER_OP_DESTROY, KEY(c, 4) | KEY_GATE); /* its answer waits for the gate */
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_FLUSH, KEY(c, 5));
	submit(b);

	/* A later batch on the 64-bit worker completes after the 64-bit part of the first
	 * (one worker, completions in order): then only the 32-bit part is outstanding. */
	later = batch_new(c_later);
	consumer_batch_target(later, 64);
	add(later, CONSUMER_OP_STATS, KEY(c_later, 0));
	submit(later);
	ok(poll(&held, 1, WAIT_MS) == 1, "mixed: the 32-bit fake holds the last 32-bit op");
	is_int(wait_done(c_later), 1, "mixed: a later 64-bit batch completed meanwhile");
	is_int(rec->calls, 0, "mixed: done not run while the 32-bit part is outstanding");
	if (write(fakes[CONSUMER_32].gate_fd, &one, sizeof(one)) < 0)
		bail_out("cannot open the gate");

	is_int(wait_done(c), 1, "mixed batch: done ran once, after both parts");
	is_uint(rec->count, 6, "mixed batch: done sees its 6 ops");
	ok(answered_by(rec, 0, 64, KEY(c, 0)), "mixed: op 0 (64) answered by the 64-bit fake");
	ok(answered_by(rec, 1, 32, KEY(c, 1)), "mixed: op 1 (32) answered by the 32-bit fake");
	ok(answered_by(rec, 2, 64, KEY(c, 2)), "mixed: op 2 (64) answered by the 64-bit fake");
	ok(answered_by(rec, 3, 32, KEY(c, 3)), "mixed: op 3 (32) answered by the 32-bit fake");
	ok(answered_by(rec, 4, 32, KEY(c, 4) | KEY_GATE),
	   "mixed: op 4 (32, target kept) answered by the 32-bit fake");
	ok(answered_by(rec, 5, 64, KEY(c, 5)), "mixed: op 5 (64) answered by the 64-bit fake");
	ok(fake_saw(&fakes[CONSUMER_64], 4, types64, keys64),
	   "mixed: the 64-bit fake got ops 0, 2, 5 (then the later batch's), in order, as "
	   "their message types");
	ok(fake_saw(&fakes[CONSUMER_32], 3, types32, keys32),
	   "mixed: the 32-bit fake got ops 1, 3, 4, in order, as their message types");
}

/* Kernel ops go to the kernel consumer, requests travel with their own payload. */
static void test_kernel_target(void)
{
	const uint64_t c = 14;
	struct consumer_batch *b = batch_new(c);
	struct consumer_wire_key key = { .key = KEY(c, 1) };
	struct record *rec = &records[c];

	fakes_reset();
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	consumer_batch_target_kernel(b);
	ok(consumer_batch_add_request(b, CONSUMER_MSG_CHANNEL_STATS, &key, sizeof(key)) != NULL,
	   "kernel: a request op is added");
	submit(b);
	is_int(wait_done(c), 1, "kernel: done ran once");
	ok(answered_by(rec, 0, 64, KEY(c, 0)), "kernel: op 0 answered by the 64-bit fake");
	ok(answered_by(rec, 1, 1, KEY(c, 1)), "kernel: op 1 answered by the kernel fake, "
					       "with the request's own payload");
	is_uint(fake_seen(&fakes[CONSUMER_KERNEL]), 1, "kernel: the kernel fake saw one request");
}

static void test_no_target(void)
{
	const uint64_t c = 2;
	struct consumer_batch *b = batch_new(c);
	struct record *rec = &records[c];

	fakes_reset();
	add(b, CONSUMER_OP_STATS, KEY(c, 0)); /* before any consumer_batch_target() */
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 1));
	submit(b);

	is_int(wait_done(c), 1, "untargeted op: done ran once");
	is_int(rec->result[0], -ENOTCONN, "op added before any target -> -ENOTCONN");
	ok(answered_by(rec, 1, 64, KEY(c, 1)), "untargeted op: the targeted 64-bit op still ran");
	ok(fake_saw_one(&fakes[CONSUMER_64], CONSUMER_MSG_CHANNEL_STATS, KEY(c, 1)) &&
		   fake_seen(&fakes[CONSUMER_32]) == 0,
	   "untargeted op reached no consumer");
}

static void test_unknown_bitness(void)
{
	const uint64_t c = 3, c_only = 4;
	struct consumer_batch *b = batch_new(c);
	struct record *rec = &records[c];

	fakes_reset();
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	consumer_batch_target(b, 16);
	add(b, CONSUMER_OP_STATS, KEY(c, 1));
	submit(b);

	is_int(wait_done(c), 1, "16-bit op: done ran once");
	is_int(rec->result[1], -ENOTCONN, "op for bitness 16 (no such consumer) -> -ENOTCONN");
	ok(answered_by(rec, 0, 64, KEY(c, 0)), "16-bit op: the 64-bit op of the batch ran");
	ok(fake_saw_one(&fakes[CONSUMER_64], CONSUMER_MSG_CHANNEL_STATS, KEY(c, 0)) &&
		   fake_seen(&fakes[CONSUMER_32]) == 0,
	   "16-bit op reached no consumer");

	/* A batch with nothing any consumer serves still completes. */
	b = batch_new(c_only);
	consumer_batch_target(b, 16);
	add(b, CONSUMER_OP_STATS, KEY(c_only, 0));
	submit(b);
	is_int(wait_done(c_only), 1, "batch of 16-bit ops only: done ran once");
	is_int(records[c_only].result[0], -ENOTCONN, "batch of 16-bit ops only: -ENOTCONN");
}

static void test_stop_on_error(void)
{
	const uint64_t c = 5, c_go_on = 6;
	const uint16_t types64[] = { CONSUMER_MSG_CHANNEL_STATS, CONSUMER_MSG_CHANNEL_STATS };
	const uint64_t keys64[] = { KEY(c, 0), KEY(c, 1) | KEY_FAIL };
	struct consumer_batch *b = batch_new(c);
	struct record *rec = &records[c];

	fakes_reset();
	ok(b->stop_on_error, "a new batch stops a part at its first error");
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	add(b, CONSUMER_OP_STATS, KEY(c, 1) | KEY_FAIL);
	add(b, CONSUMER_OP_STATS, KEY(c, 2));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(c, 3));
	add(b, CONSUMER_OP_STATS, KEY(c, 4));
	submit(b);

	is_int(wait_done(c), 1, "stop_on_error: done ran once");
	ok(answered_by(rec, 0, 64, KEY(c, 0)), "stop_on_error: the op before the failure ran");
	is_int(rec->result[1], FAIL_STATUS, "stop_on_error: the failing op's result is the "
					    "consumer's status");
	is_int(rec->result[2], -ECANCELED, "stop_on_error: the op after it was skipped "
					   "(-ECANCELED)");
	ok(fake_saw(&fakes[CONSUMER_64], 2, types64, keys64),
	   "stop_on_error: the skipped op never reached the 64-bit fake");
	ok(answered_by(rec, 3, 32, KEY(c, 3)) && answered_by(rec, 4, 32, KEY(c, 4)),
	   "stop_on_error: the other consumer's part ran in full");

	/* Without stop_on_error, a failure skips nothing. */
	fakes_reset();
	b = batch_new(c_go_on);
	b->stop_on_error = false;
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c_go_on, 0) | KEY_FAIL);
	add(b, CONSUMER_OP_STATS, KEY(c_go_on, 1));
	submit(b);
	is_int(wait_done(c_go_on), 1, "no stop_on_error: done ran once");
	is_int(records[c_go_on].result[0], FAIL_STATUS, "no stop_on_error: the failing op failed");
	ok(answered_by(&records[c_go_on], 1, 64, KEY(c_go_on, 1)),
	   "no stop_on_error: the op after the failure ran");
}

static void test_empty_batch(void)
{
	const uint64_t c = 7;

	fakes_reset();
	submit(batch_new(c));
	is_int(wait_done(c), 1, "empty batch: done ran once");
	is_uint(records[c].count, 0, "empty batch: no op");
	ok(fake_seen(&fakes[CONSUMER_64]) == 0 && fake_seen(&fakes[CONSUMER_32]) == 0,
	   "empty batch: nothing sent to the consumers");
}

struct stopper {
	struct worker_queue *queue;
	pthread_t thread;
};

static void *stopper_main(void *arg)
{
	worker_queue_stop(((struct stopper *) arg)->queue);
	return NULL;
}

/* Whether the queue is marked stopping (worker_queue_stop() broadcasts q->wakeup when
 * it marks it); bounded. */
static bool wait_stopping(struct worker_queue *q)
{
	struct timespec until;
	bool stopping;

	clock_gettime(CLOCK_REALTIME, &until); /* the condition's clock */
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&q->lock);
	while (!q->stopping)
		if (pthread_cond_timedwait(&q->wakeup, &q->lock, &until) == ETIMEDOUT)
			break;
	stopping = q->stopping;
	pthread_mutex_unlock(&q->lock);
	return stopping;
}

/* A part waiting in the queue of a consumer that is stopped: as if it had not run. */
static void test_consumer_stopped(void)
{
	const uint64_t ca = 9, cb = 10;
	struct consumer_supervisor *cs = &d.consumers[CONSUMER_32];
	struct fake *f = &fakes[CONSUMER_32];
	struct pollfd pfd = { .fd = f->hung_fd, .events = POLLIN };
	struct consumer_batch *a = batch_new(ca), *b = batch_new(cb);
	struct stopper stopper = { .queue = cs->queue };
	bool stopping;

	fakes_reset();
	/* A: a 32-bit request that is never answered holds the 32-bit worker. */
	consumer_batch_target(a, 32);
	add(a, CONSUMER_OP_STATS, KEY(ca, 0) | KEY_HANG);
	submit(a);
	ok(poll(&pfd, 1, WAIT_MS) == 1, "stopped consumer: the 32-bit worker is held by a "
					 "request that gets no answer");

	/* B: its 32-bit part waits in the queue behind A's. */
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(cb, 0));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(cb, 1));
	add(b, CONSUMER_OP_FLUSH, KEY(cb, 2));
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_FLUSH, KEY(cb, 3));
	submit(b);

	/* Stop the queue (it joins its worker, so on a thread of its own), then unblock
	 * the worker as the supervisor does. */
	if (pthread_create(&stopper.thread, NULL, stopper_main, &stopper) != 0)
		bail_out("cannot start the stopper thread");
	stopping = wait_stopping(cs->queue);
	shutdown(cs->cmd_fd, SHUT_RDWR);
	pthread_join(stopper.thread, NULL);
	cs->queue = NULL;
	ok(stopping, "stopped consumer: the queue was marked stopping before its worker "
		     "was released");
	fake_stop(CONSUMER_32); /* the rest of supervisor_forget() */

	is_int(wait_done(ca), 1, "stopped consumer: the running batch's done ran once");
	ok(records[ca].result[0] < 0 && records[ca].result[0] != -ECANCELED,
	   "stopped consumer: the unanswered request failed when its connection ended (%d)",
	   records[ca].result[0]);
	is_int(wait_done(cb), 1, "stopped consumer: the waiting batch's done ran once");
	is_int(records[cb].result[1], -ENOTCONN, "stopped consumer: waiting 32-bit op 1 -> "
						 "-ENOTCONN");
	is_int(records[cb].result[2], -ENOTCONN, "stopped consumer: waiting 32-bit op 2 -> "
						 "-ENOTCONN");
	ok(answered_by(&records[cb], 0, 64, KEY(cb, 0)) &&
		   answered_by(&records[cb], 3, 64, KEY(cb, 3)),
	   "stopped consumer: the 64-bit part of the same batch ran");
	ok(fake_saw_one(f, CONSUMER_MSG_CHANNEL_STATS, KEY(ca, 0) | KEY_HANG),
	   "stopped consumer: the waiting part never reached the 32-bit fake");
}

/* No 32-bit consumer configured, or one that cannot start. */
static void test_no_32bit_consumer(void)
{
	const uint64_t c = 11, c_broken = 12;
	struct consumer_supervisor *cs = &d.consumers[CONSUMER_32];
	struct consumer_batch *b = batch_new(c);
	struct record *rec = &records[c];

	fakes_reset();
	cs->bin_path = "";
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(c, 1));
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 2));
	submit(b);

	is_int(wait_done(c), 1, "no 32-bit consumer: done ran once");
	is_int(rec->result[1], -ENOTCONN, "no 32-bit consumer: the 32-bit op -> -ENOTCONN");
	ok(answered_by(rec, 0, 64, KEY(c, 0)) && answered_by(rec, 2, 64, KEY(c, 2)),
	   "no 32-bit consumer: the 64-bit ops of the batch ran");
	ok(cs->pid == 0 && cs->queue == NULL && cs->state == CONSUMER_STOPPED,
	   "no 32-bit consumer: none was started");

	/* Configured, but it cannot be run: the same for the batch. */
	cs->bin_path = cfg.consumerd32_path;
	diag("expected on stderr: the 32-bit consumer daemon %s cannot be run", cs->bin_path);
	b = batch_new(c_broken);
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(c_broken, 0));
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c_broken, 1));
	submit(b);
	is_int(wait_done(c_broken), 1, "32-bit consumer that cannot start: done ran once");
	is_int(records[c_broken].result[0], -ENOTCONN,
	       "32-bit consumer that cannot start: the 32-bit op -> -ENOTCONN");
	ok(answered_by(&records[c_broken], 1, 64, KEY(c_broken, 1)),
	   "32-bit consumer that cannot start: the 64-bit op ran");
}

/* Daemon shutdown: the workers take no job any more (d->stopping). */
static void test_shutdown(void)
{
	const uint64_t c = 13;
	struct consumer_batch *b = batch_new(c);
	struct record *rec = &records[c];

	fakes_reset();
	d.stopping = true;
	consumer_batch_target(b, 64);
	add(b, CONSUMER_OP_STATS, KEY(c, 0));
	consumer_batch_target(b, 32);
	add(b, CONSUMER_OP_STATS, KEY(c, 1));
	add(b, CONSUMER_OP_FLUSH, KEY(c, 2));
	submit(b);
	d.stopping = false;

	is_int(rec->calls, 1, "shutdown: done ran once, within consumer_batch_submit()");
	ok(rec->count == 3 && rec->result[0] == -ENOTCONN && rec->result[1] == -ENOTCONN &&
		   rec->result[2] == -ENOTCONN,
	   "shutdown: every op -> -ENOTCONN");
	ok(fake_seen(&fakes[CONSUMER_64]) == 0, "shutdown: nothing sent to the 64-bit fake");
}

int main(void)
{
	unsigned nsubmitted = 0, calls_wrong = 0;

	signal(SIGPIPE, SIG_IGN); /* as the daemon */
	snprintf(cfg.consumerd64_path, sizeof(cfg.consumerd64_path), "/nonexistent/consumerd64");
	snprintf(cfg.consumerd32_path, sizeof(cfg.consumerd32_path), "/nonexistent/consumerd32");
	d.cfg = &cfg;
	consumer_supervisors_init(&d);
	if (sd_event_new(&loop) < 0)
		bail_out("sd_event_new");
	d.loop = loop;
	if (worker_completions_init(&d.workers.completions, &d) < 0 ||
	    worker_completions_attach(&d.workers.completions, loop) < 0)
		bail_out("cannot set up the completion queue");
	for (int k = 0; k < CONSUMER_COUNT; k++) {
		pthread_mutex_init(&fakes[k].lock, NULL);
		fakes[k].fd = -1;
		fakes[k].hung_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		fakes[k].gate_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fakes[k].hung_fd < 0 || fakes[k].gate_fd < 0)
			bail_out("eventfd");
		fake_start(k);
	}

	test_mixed_batch();
	test_kernel_target();
	test_no_target();
	test_unknown_bitness();
	test_stop_on_error();
	test_empty_batch();
	test_consumer_stopped(); /* leaves the 32-bit consumer stopped */
	test_no_32bit_consumer();
	test_shutdown();

	/* Every worker joined: whatever completed has been posted; apply it all. */
	for (int k = 0; k < CONSUMER_COUNT; k++)
		fake_stop(k);
	while (sd_event_run(loop, 0) > 0)
		;
	for (unsigned c = 0; c < MAX_BATCHES; c++) {
		nsubmitted += submitted[c];
		if (records[c].calls == (submitted[c] ? 1 : 0))
			continue;
		diag("  batch %u: done ran %d time(s)", c, records[c].calls);
		calls_wrong++;
	}
	ok(calls_wrong == 0, "in the end, with every worker joined: each of the %u batches' "
			     "done ran exactly once", nsubmitted);

	worker_completions_fini(&d.workers.completions);
	consumer_supervisors_free(&d);
	sd_event_unref(loop);
	for (int k = 0; k < CONSUMER_COUNT; k++) {
		close(fakes[k].hung_fd);
		close(fakes[k].gate_fd);
		pthread_mutex_destroy(&fakes[k].lock);
	}
	done_testing();
	return exit_status();
}
