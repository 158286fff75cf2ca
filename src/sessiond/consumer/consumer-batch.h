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

#include "consumer/consumer-supervisor.h"
#include "core/worker.h"
#include "wire/consumer-wire.h"

struct daemon;
struct operation;

enum consumer_op_type {
	CONSUMER_OP_ADD_CHANNEL,
	CONSUMER_OP_ADD_METADATA,
	CONSUMER_OP_PUSH_METADATA,
	CONSUMER_OP_FLUSH,
	CONSUMER_OP_DESTROY,
	CONSUMER_OP_DATA_PENDING,
	CONSUMER_OP_STATS,
	CONSUMER_OP_SNAPSHOT,
	/* A request answered by a STATUS alone (the kernel messages): its type and
	 * payload as they go on the wire. */
	CONSUMER_OP_REQUEST,
	/* RELAY_CHUNK_CLOSE or RELAY_CLOSE (relay_msg): STATUS, then where the relay
	 * daemon put the chunk. */
	CONSUMER_OP_RELAY_CHUNK_CLOSE,
};

struct consumer_op {
	enum consumer_op_type type;
	enum consumer_id consumer; /* the consumer daemon it goes to */
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
		struct {
			uint16_t msg_type; /* enum consumer_msg_type */
			uint32_t length;
			void *payload; /* owned */
		} request;
		struct consumer_wire_relay_chunk relay_chunk;
	} in;
	/* RELAY_CHUNK_CLOSE: the chunk's path on the relay daemon ("" when not said),
	 * owned; the message that closes it. */
	char *relay_path;
	uint16_t relay_msg;
	/* ADD_CHANNEL: the objects to hand to applications (owned until taken). */
	struct lttng_ust_abi_object_data *channel_object;
	struct lttng_ust_abi_object_data **stream_objects;
	unsigned stream_count;
	/* DATA_PENDING, STATS */
	uint32_t value;
	uint64_t discarded_events, lost_packets;
	uint64_t consumed_bytes; /* a SESSION_CONSUMED request's answer */
};

struct consumer_batch;
typedef void (*consumer_batch_done_fn)(struct daemon *d, struct consumer_batch *batch);

/* The part of a batch that goes to one consumer daemon: its ops, in order, on that
 * consumer's worker. */
struct consumer_batch_part {
	struct worker_job base;
	struct consumer_batch *batch;
	enum consumer_id consumer;
	int fd;
	bool ran; /* false when its consumer stopped before running it */
	struct consumer_start_waiter start; /* while its consumer starts */
};

struct consumer_batch {
	bool stop_on_error;  /* skip a part's remaining ops after a failure */
	enum consumer_id target; /* consumer daemon of the ops added next; COUNT: none */
	consumer_batch_done_fn done;
	/* What done() needs to go on: the id of the object the batch is about (a
	 * registry, a session: the caller's lookup finds it again, or learns it is
	 * gone), and the operation waiting for it, when one does (held by the caller). */
	uint64_t subject_id;
	struct operation *waiter;
	unsigned count, capacity;
	struct consumer_op *ops;
	struct consumer_batch_part parts[CONSUMER_COUNT];
	unsigned parts_pending; /* parts not completed yet */
};

/* A batch; each op goes to the consumer named by the last consumer_batch_target()
 * before it was added (none named: the op fails with -ENOTCONN). */
struct consumer_batch *consumer_batch_new(consumer_batch_done_fn done, uint64_t subject_id,
					 struct operation *waiter);
/* The ops added from now on go to the user-space consumer of applications of that
 * bitness. */
void consumer_batch_target(struct consumer_batch *b, unsigned bits_per_long);
/* The ops added from now on go to the kernel consumer. */
void consumer_batch_target_kernel(struct consumer_batch *b);
/* Adds an op; returns it (zeroed but for type), or NULL on out-of-memory. */
struct consumer_op *consumer_batch_add(struct consumer_batch *b, enum consumer_op_type type);
/* Adds a request answered by a STATUS alone, with a copy of its payload. */
struct consumer_op *consumer_batch_add_request(struct consumer_batch *b, uint16_t msg_type,
					       const void *payload, uint32_t length);
/* Adds a PUSH_METADATA op with a copy of text (split in protocol-sized chunks). */
int consumer_batch_add_push(struct consumer_batch *b, uint64_t key, uint64_t offset, bool reset,
			    const char *text, size_t len);
/* Queues each part of the batch on its consumer's worker (spawning the consumer if
 * needed); the callback runs once, on the loop, when every part is done. The ops of a
 * consumer that cannot run fail with -ENOTCONN. */
void consumer_batch_submit(struct daemon *d, struct consumer_batch *b);
/* Submits b holding its waiter (when it has one), or frees it when it has no op;
 * true when submitted. */
bool consumer_batch_submit_held(struct daemon *d, struct consumer_batch *b);
/* Logs each op that failed ("<what>: ...") but those whose channel or consumer is
 * gone (-ENOENT, -ENOTCONN: nothing of theirs to do); true when one did. */
bool consumer_batch_failed(const struct consumer_batch *b, const char *what);
/* Frees the batch and whatever objects its ops still own. */
void consumer_batch_free(struct consumer_batch *b);

#endif
