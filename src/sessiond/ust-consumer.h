/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Talking to our consumer daemon: batches of requests (doc/protocol/consumer.md)
 * run in order on the consumer's one worker thread, each request getting its own
 * result; the batch's callback then runs on the loop. The loop never waits on the
 * consumer.
 */
#ifndef SESSIOND_UST_CONSUMER_H
#define SESSIOND_UST_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include <lttng/ust-ctl.h>

#include "ust-worker.h"
#include "wire/consumer-wire.h"

struct daemon;

enum consumer_op_type {
	CONSUMER_OP_ADD_CHANNEL,
	CONSUMER_OP_ADD_METADATA,
	CONSUMER_OP_PUSH_METADATA,
	CONSUMER_OP_FLUSH,
	CONSUMER_OP_DESTROY,
	CONSUMER_OP_DATA_PENDING,
	CONSUMER_OP_STATS,
	CONSUMER_OP_SNAPSHOT,
};

struct consumer_op {
	enum consumer_op_type type;
	int result; /* 0 or -errno */
	union {
		struct consumer_wire_add_channel *add_channel; /* owned */
		struct consumer_wire_add_metadata add_metadata;
		struct {
			struct consumer_wire_push_metadata head;
			char *text; /* owned */
		} push;
		uint64_t key; /* FLUSH, DESTROY, DATA_PENDING (session id), STATS */
		struct consumer_wire_snapshot *snapshot; /* owned */
	} in;
	/* ADD_CHANNEL: the objects to hand to applications (owned until taken). */
	struct lttng_ust_abi_object_data *channel_object;
	struct lttng_ust_abi_object_data **stream_objects;
	unsigned stream_count;
	/* DATA_PENDING, STATS */
	uint32_t value;
	uint64_t discarded_events, lost_packets;
};

struct consumer_batch;
typedef void (*consumer_batch_done_fn)(struct daemon *d, struct consumer_batch *batch);

struct consumer_batch {
	struct ust_job base;
	int fd;
	bool stop_on_error;  /* skip the remaining ops after a failure */
	unsigned generation; /* consumer daemon the batch was meant for */
	consumer_batch_done_fn done;
	uint64_t cookie;     /* caller's: an id to find its object again */
	uint64_t cookie2;
	unsigned count, capacity;
	struct consumer_op *ops;
};

struct consumer_batch *consumer_batch_new(consumer_batch_done_fn done, uint64_t cookie);
/* Adds an op; returns it (zeroed but for type), or NULL on out-of-memory. */
struct consumer_op *consumer_batch_add(struct consumer_batch *b, enum consumer_op_type type);
/* Adds a PUSH_METADATA op with a copy of text (split in protocol-sized chunks). */
int consumer_batch_add_push(struct consumer_batch *b, uint64_t key, uint64_t offset, bool reset,
			    const char *text, size_t len);
/* Queues the batch on the consumer's worker; when no consumer runs the callback is
 * called (later, on the loop) with every op failed with -ENOTCONN. */
void consumer_batch_submit(struct daemon *d, struct consumer_batch *b);
/* Frees the batch and whatever objects its ops still own. */
void consumer_batch_free(struct consumer_batch *b);

#endif
