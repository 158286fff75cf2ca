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

/* Whether the session's traces go to a relay daemon (not a snapshot session). */
bool session_streams_to_relay(const struct session *s);
/* RELAY_OPEN of s (the consumer answers at once when it is open already).
 * 0 or -errno. */
int consumer_relay_add_open(const struct daemon *d, const struct session *s,
			    struct consumer_batch *b);
/* RELAY_OPEN of one snapshot record of s to the relay daemon of output o: a
 * snapshot session there, whose trace chunk is record_name. */
int consumer_relay_add_snapshot_open(const struct daemon *d, const struct session *s,
				     const struct snapshot_output *o, const char *record_name,
				     struct consumer_batch *b);
/* RELAY_SYNC / RELAY_CLOSE of the session id. 0 or -ENOMEM. */
int consumer_relay_add_sync(struct consumer_batch *b, uint64_t session_id);
int consumer_relay_add_close(struct consumer_batch *b, uint64_t session_id);

#endif
