/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "consumer-io.h"
#include "core/daemon.h"
#include "core/operation.h"
#include "log.h"
#include "macros.h"
#include "consumer/consumer-batch.h"
#include "wire/consumer-codec.h"
#include <lttng/lttng.h>
#include <lttng/ust-error.h>

/* Draining a channel writes files: give it time, but not forever. */
#define CONSUMER_REPLY_TIMEOUT_MS 30000

struct consumer_batch *consumer_batch_new(consumer_batch_done_fn done, uint64_t subject_id,
					 struct operation *waiter)
{
	struct consumer_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->done = done;
	b->subject_id = subject_id;
	b->waiter = waiter;
	b->stop_on_error = true;
	b->target = CONSUMER_COUNT; /* no consumer until consumer_batch_target() */
	return b;
}

void consumer_batch_target(struct consumer_batch *b, unsigned bits_per_long)
{
	b->target = bits_per_long == 64 ? CONSUMER_64
		    : bits_per_long == 32 ? CONSUMER_32
					  : CONSUMER_COUNT;
}

void consumer_batch_target_kernel(struct consumer_batch *b)
{
	b->target = CONSUMER_KERNEL;
}

struct consumer_op *consumer_batch_add(struct consumer_batch *b, enum consumer_op_type type)
{
	struct consumer_op *op;

	if (b->count == b->capacity) {
		unsigned cap = b->capacity ? b->capacity * 2 : 4;
		struct consumer_op *ops = realloc(b->ops, cap * sizeof(*ops));

		if (!ops)
			return NULL;
		b->ops = ops;
		b->capacity = cap;
	}
	op = &b->ops[b->count++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->consumer = b->target;
	op->result = -ECANCELED;
	return op;
}

struct consumer_op *consumer_batch_add_request(struct consumer_batch *b, uint16_t msg_type,
					       const void *payload, uint32_t length)
{
	struct consumer_op *op = consumer_batch_add(b, CONSUMER_OP_REQUEST);

	if (!op)
		return NULL;
	op->in.request.payload = malloc(length ? length : 1);
	if (!op->in.request.payload) {
		b->count--; /* nothing of it to free */
		return NULL;
	}
	memcpy(op->in.request.payload, payload, length);
	op->in.request.msg_type = msg_type;
	op->in.request.length = length;
	return op;
}

int consumer_batch_add_push(struct consumer_batch *b, uint64_t key, uint64_t offset, bool reset,
			    const char *text, size_t len)
{
	size_t done = 0;

	do {
		size_t chunk = MIN(len - done, (size_t) CONSUMER_METADATA_CHUNK);
		struct consumer_op *op = consumer_batch_add(b, CONSUMER_OP_PUSH_METADATA);

		if (!op)
			return -ENOMEM;
		op->in.push.text = malloc(chunk ? chunk : 1);
		if (!op->in.push.text)
			return -ENOMEM;
		memcpy(op->in.push.text, text + done, chunk);
		op->in.push.head = (struct consumer_wire_push_metadata) {
			.key = key,
			.offset = offset + done,
			.reset = reset && done == 0,
			.length = (uint32_t) chunk,
		};
		done += chunk;
	} while (done < len);
	return 0;
}

static void op_release_objects(struct consumer_op *op)
{
	if (op->channel_object) {
		(void) lttng_ust_ctl_release_object(-1, op->channel_object);
		free(op->channel_object);
	}
	for (unsigned i = 0; i < op->stream_count; i++) {
		if (!op->stream_objects[i])
			continue;
		(void) lttng_ust_ctl_release_object(-1, op->stream_objects[i]);
		free(op->stream_objects[i]);
	}
	free(op->stream_objects);
	op->channel_object = NULL;
	op->stream_objects = NULL;
	op->stream_count = 0;
}

void consumer_batch_free(struct consumer_batch *b)
{
	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *op = &b->ops[i];

		op_release_objects(op);
		if (op->type == CONSUMER_OP_ADD_CHANNEL)
			free(op->in.add_channel);
		if (op->type == CONSUMER_OP_SNAPSHOT)
			free(op->in.snapshot);
		if (op->type == CONSUMER_OP_PUSH_METADATA)
			free(op->in.push.text);
		if (op->type == CONSUMER_OP_REQUEST)
			free(op->in.request.payload);
		free(op->relay_path);
	}
	free(b->ops);
	free(b);
}

/* ------------------------------------------------------------------------- */
/* Worker side: one op, blocking, on the batch's copy of the socket number.    */

/* The STATUS answering a request of that type, checked (consumer-codec.h): a reply
 * the consumer could not have sent is -EPROTO, a broken connection. */
static int recv_status(int fd, uint16_t request, struct consumer_reply *rep)
{
	struct consumer_wire_status st;
	int r = consumer_recv(fd, CONSUMER_MSG_STATUS, &st, sizeof(st), CONSUMER_REPLY_TIMEOUT_MS);

	return r < 0 ? r : consumer_decode_status(request, &st, sizeof(st), rep);
}

static int receive_objects(int fd, struct consumer_op *op, uint32_t expected)
{
	int r;

	r = lttng_ust_ctl_recv_channel_from_consumer(fd, &op->channel_object);
	if (r < 0)
		return r;
	op->stream_objects = calloc(expected, sizeof(*op->stream_objects));
	if (!op->stream_objects)
		return -ENOMEM;
	for (;;) {
		struct lttng_ust_abi_object_data *stream = NULL;

		r = lttng_ust_ctl_recv_stream_from_consumer(fd, &stream);
		if (r == -LTTNG_UST_ERR_NOENT)
			break; /* the terminator */
		if (r < 0)
			return r;
		if (op->stream_count == expected) {
			(void) lttng_ust_ctl_release_object(-1, stream);
			free(stream);
			return -EPROTO;
		}
		op->stream_objects[op->stream_count++] = stream;
	}
	return op->stream_count == expected ? 0 : -EPROTO;
}

/* Runs op: 0 with op->result set to the consumer's answer (which may be any errno,
 * a relay daemon's ECONNRESET say), or the -errno of the connection itself. */
static int op_run(int fd, struct consumer_op *op)
{
	struct consumer_reply rep;
	struct consumer_wire_key key = { .key = op->in.key };
	uint16_t type;
	int r;

	switch (op->type) {
	case CONSUMER_OP_ADD_CHANNEL:
		r = consumer_send(fd, CONSUMER_MSG_ADD_CHANNEL, op->in.add_channel,
				  sizeof(*op->in.add_channel), CONSUMER_REPLY_TIMEOUT_MS);
		if (r == 0)
			r = recv_status(fd, CONSUMER_MSG_ADD_CHANNEL, &rep);
		if (r == 0 && rep.status < 0) {
			op->result = rep.status;
			return 0;
		}
		/* rep.value: 1..CONSUMER_MAX_STREAMS streams, checked */
		if (r == 0)
			r = receive_objects(fd, op, rep.value);
		op->result = r;
		return r;
	case CONSUMER_OP_ADD_METADATA:
		type = CONSUMER_MSG_ADD_METADATA;
		r = consumer_send(fd, type, &op->in.add_metadata, sizeof(op->in.add_metadata),
				  CONSUMER_REPLY_TIMEOUT_MS);
		break;
	case CONSUMER_OP_SNAPSHOT:
		type = CONSUMER_MSG_SNAPSHOT;
		r = consumer_send(fd, type, op->in.snapshot, sizeof(*op->in.snapshot),
				  CONSUMER_REPLY_TIMEOUT_MS);
		break;
	case CONSUMER_OP_REQUEST:
		type = op->in.request.msg_type;
		r = consumer_send(fd, type, op->in.request.payload, op->in.request.length,
				  CONSUMER_REPLY_TIMEOUT_MS);
		break;
	case CONSUMER_OP_RELAY_CHUNK_CLOSE: {
		struct consumer_wire_header h;

		r = consumer_send(fd, op->relay_msg, &op->in.relay_chunk, sizeof(op->in.relay_chunk),
				  CONSUMER_REPLY_TIMEOUT_MS);
		if (r == 0)
			r = recv_status(fd, op->relay_msg, &rep);
		if (r == 0 && rep.status == 0) {
			op->relay_path = calloc(1, CONSUMER_PATH_MAX + 1);
			r = op->relay_path ? consumer_recv_any(fd, &h, op->relay_path, CONSUMER_PATH_MAX,
							       CONSUMER_REPLY_TIMEOUT_MS)
					   : -ENOMEM;
			/* One terminated path (the buffer holds one byte more). */
			if (r == 0 && (h.type != CONSUMER_MSG_RELAY_PATH || h.payload_bytes == 0 ||
				       op->relay_path[h.payload_bytes - 1] != '\0'))
				r = -EPROTO;
		}
		op->result = r < 0 ? r : rep.status;
		return r;
	}
	case CONSUMER_OP_PUSH_METADATA:
		type = CONSUMER_MSG_PUSH_METADATA;
		r = consumer_send_parts(fd, type, &op->in.push.head,
					sizeof(op->in.push.head), op->in.push.text,
					op->in.push.head.length, CONSUMER_REPLY_TIMEOUT_MS);
		break;
	default:
		type = op->type == CONSUMER_OP_FLUSH	     ? CONSUMER_MSG_FLUSH_CHANNEL
		       : op->type == CONSUMER_OP_DESTROY      ? CONSUMER_MSG_DESTROY_CHANNEL
		       : op->type == CONSUMER_OP_DATA_PENDING ? CONSUMER_MSG_DATA_PENDING
							      : CONSUMER_MSG_CHANNEL_STATS;
		r = consumer_send(fd, type, &key, sizeof(key), CONSUMER_REPLY_TIMEOUT_MS);
		break;
	}
	if (r == 0)
		r = recv_status(fd, type, &rep);
	if (r < 0) {
		op->result = r;
		return r;
	}
	op->value = rep.value;
	op->discarded_events = rep.discarded_events;
	op->lost_packets = rep.lost_packets;
	op->consumed_bytes = rep.consumed_bytes;
	op->result = rep.status;
	return 0;
}

/* The ops for that consumer, from index `first` on, never reached it. */
static void fail_ops_of(struct consumer_batch *b, enum consumer_id consumer, unsigned first)
{
	for (unsigned i = first; i < b->count; i++)
		if (b->ops[i].consumer == consumer)
			b->ops[i].result = -ENOTCONN;
}

static void batch_part_run(struct worker_job *job)
{
	struct consumer_batch_part *part = (struct consumer_batch_part *) job;
	struct consumer_batch *b = part->batch;

	part->ran = true;
	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *op = &b->ops[i];

		if (op->consumer != part->consumer)
			continue;
		if (op_run(part->fd, op) < 0) {
			/* A broken connection fails everything after it too. Replies may
			 * now be out of step: end this consumer (it is noticed and
			 * replaced) rather than misread the next batch. The part's later
			 * ops never reach it. */
			shutdown(part->fd, SHUT_RDWR);
			fail_ops_of(b, part->consumer, i + 1);
			break;
		}
		if (op->result < 0 && b->stop_on_error)
			break;
	}
}

static void batch_part_done(struct daemon *d, struct worker_job *job)
{
	struct consumer_batch_part *part = (struct consumer_batch_part *) job;
	struct consumer_batch *b = part->batch;

	if (!part->ran) /* its consumer went away before running it */
		fail_ops_of(b, part->consumer, 0);
	if (--b->parts_pending > 0)
		return;
	b->done(d, b);
	consumer_batch_free(b);
}

/* A part whose consumer was starting: queue it now, or fail its ops. */
static void part_consumer_ready(struct daemon *d, struct consumer_start_waiter *w, int status)
{
	struct consumer_batch_part *part = container_of(w, struct consumer_batch_part, start);
	struct consumer_supervisor *cs = &d->consumers[part->consumer];

	if (status == LTTNG_OK && cs->queue && !d->stopping) {
		part->fd = cs->cmd_fd;
		worker_queue_submit(cs->queue, &part->base);
		return;
	}
	fail_ops_of(part->batch, part->consumer, 0);
	part->ran = true; /* its ops have their results */
	batch_part_done(d, &part->base);
}

bool consumer_batch_submit_held(struct daemon *d, struct consumer_batch *b)
{
	if (b->count == 0) {
		consumer_batch_free(b);
		return false;
	}
	if (b->waiter)
		operation_hold(b->waiter);
	consumer_batch_submit(d, b);
	return true;
}

bool consumer_batch_failed(const struct consumer_batch *b, const char *what)
{
	bool failed = false;

	for (unsigned i = 0; i < b->count; i++) {
		int r = b->ops[i].result;

		if (r >= 0 || r == -ENOENT || r == -ENOTCONN)
			continue;
		log_error_errno(r, "%s: the consumer daemon failed (subject %llu)", what,
				(unsigned long long) b->subject_id);
		failed = true;
	}
	return failed;
}

void consumer_batch_submit(struct daemon *d, struct consumer_batch *b)
{
	enum consumer_start_result started[CONSUMER_COUNT];
	bool used[CONSUMER_COUNT] = { false };
	unsigned nparts = 0;

	for (int k = 0; k < CONSUMER_COUNT; k++) {
		struct consumer_batch_part *part = &b->parts[k];

		part->base.run = batch_part_run;
		part->base.done = batch_part_done;
		part->batch = b;
		part->consumer = (enum consumer_id) k;
		part->fd = -1;
		part->ran = false;
		part->start.ready = part_consumer_ready;
	}
	if (d->stopping) {
		/* Shutting down: no job is queued any more; tell the caller at once. */
		for (unsigned i = 0; i < b->count; i++)
			b->ops[i].result = -ENOTCONN;
		b->parts_pending = 1;
		batch_part_done(d, &b->parts[0].base);
		return;
	}
	/* Ops for no consumer (a bitness none serves) fail. */
	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].consumer >= CONSUMER_COUNT)
			b->ops[i].result = -ENOTCONN;
	for (int k = 0; k < CONSUMER_COUNT; k++) {
		struct consumer_supervisor *cs = &d->consumers[k];

		for (unsigned i = 0; i < b->count && !used[k]; i++)
			used[k] = b->ops[i].consumer == cs->id;
		if (!used[k])
			continue;
		started[k] = consumer_start(cs, &b->parts[k].start);
		if (started[k] == CONSUMER_START_FAILED ||
		    (started[k] == CONSUMER_START_READY && !cs->queue)) {
			fail_ops_of(b, cs->id, 0);
			used[k] = false;
			continue;
		}
		nparts++;
	}
	if (nparts == 0) {
		b->parts_pending = 1;
		worker_completions_post(&d->workers.completions, &b->parts[0].base);
		return;
	}
	/* Every part is counted before any is queued: completions run on this (the
	 * loop) thread, after this returns, and so do the start waiters. */
	b->parts_pending = nparts;
	for (int k = 0; k < CONSUMER_COUNT; k++) {
		if (!used[k] || started[k] != CONSUMER_START_READY)
			continue;
		b->parts[k].fd = d->consumers[k].cmd_fd;
		worker_queue_submit(d->consumers[k].queue, &b->parts[k].base);
	}
}
