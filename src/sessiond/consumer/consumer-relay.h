/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sessions that stream to lttng-relayd: each consumer daemon that writes a part of
 * such a session holds its own connection to the relay daemon (as LTTng's consumers
 * do), opened by RELAY_OPEN before the session's first channel there, synced after a
 * stop and closed at destroy (doc/protocol/consumer.md). These add those requests to
 * a batch, for the batch's current target consumer.
 */
#ifndef SESSIOND_CONSUMER_RELAY_H
#define SESSIOND_CONSUMER_RELAY_H

#include <stdbool.h>

#include "consumer/consumer-batch.h"
#include "model/model.h"

struct daemon;

/* RELAY_OPEN of s (the consumer answers at once when it is open already).
 * 0 or -errno. */
int consumer_relay_add_open(const struct daemon *d, const struct session *s,
			    struct consumer_batch *b);
/* RELAY_OPEN of one snapshot record of s to the relay daemon of output o: a
 * snapshot session there, whose trace chunk is record_name. */
int consumer_relay_add_snapshot_open(const struct daemon *d, const struct session *s,
				     const struct snapshot_output *o, const char *record_name,
				     struct consumer_batch *b);
/* A rotation of a streaming session, on the batch's current target: RELAY_CHUNK_NEW
 * of the session's new chunk (s->chunks.index, begun s->chunks.begin) before the
 * channels' ROTATEs, RELAY_CHUNK_CLOSE of the previous one
 * (s->chunks.relay_closing_id, with s->chunks.relay_close_command) after them.
 * 0 or -ENOMEM. */
int consumer_relay_add_chunk_new(struct consumer_batch *b, const struct session *s);
int consumer_relay_add_chunk_close(struct consumer_batch *b, const struct session *s);
/* When the batch is done: the path the relay daemon gave a chunk close of it, as
 * the session's last archive (relative to the relay daemon's output). */
void consumer_relay_take_archive(struct daemon *d, const struct consumer_batch *b);
/* When the batch is done: what the relay daemon allows, from a RELAY_OPEN of it. */
void consumer_relay_take_config(struct daemon *d, const struct consumer_batch *b);
/* RELAY_SYNC of the session id. 0 or -ENOMEM. */
int consumer_relay_add_sync(struct consumer_batch *b, uint64_t session_id);
/* RELAY_CLOSE of a session: its open chunk closed (archived when the session was
 * rotated, as LTTng's last rotation at destroy; else left in place), then the
 * connection. 0 or -ENOMEM. */
int consumer_relay_add_close(struct consumer_batch *b, uint64_t session_id, bool archive);
/* The same for one snapshot record's connection (its chunk stays). */
int consumer_relay_add_record_close(struct consumer_batch *b, uint64_t session_id);

#endif
