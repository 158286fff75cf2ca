/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consumer's channels: ring buffers created through liblttng-ust-ctl, their
 * streams watched on the consumer's loop and drained into CTF stream files, and the
 * metadata files the session daemon fills. All of it belongs to the loop thread.
 */
#ifndef CONSUMERD_CHANNELS_H
#define CONSUMERD_CHANNELS_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "list.h"
#include "relay-conn.h"
#include "wire/consumer-wire.h"

struct consumer_channel;
struct dir_watch;

struct channel_set {
	sd_event *loop;
	struct list_node channels; /* struct consumer_channel */
	struct dir_watch *dirs;    /* the channels' trace directories; NULL: unwatched */
	struct relay_set *relays;  /* sessions streamed to lttng-relayd (not owned) */
	struct relay_listener relay_listener;
	/* Bytes written by channels that are gone (per-PID buffers of an application
	 * that exited), by session: SESSION_CONSUMED counts them too. */
	struct consumed_by_session {
		uint64_t session_id, bytes;
	} *gone;
	size_t gone_count, gone_capacity;
};

/* The messages given to the functions below were checked by consumer_decode_request()
 * (wire/consumer-codec.h): terminated absolute paths, a channel name that is a file
 * name, ring buffer sizes that are powers of two, a reset push at offset 0. */

void channel_set_init(struct channel_set *set, sd_event *loop, struct relay_set *relays);
void channel_set_fini(struct channel_set *set);

/* Creates the ring buffers of a data channel, opens its stream files, and sends the
 * channel and stream objects over sock (liblttng-ust-ctl framing) after a STATUS
 * message. Returns 0 when all was sent, else a negative errno already reported to the
 * session daemon in a STATUS (or the socket is broken). */
int channel_add_data(struct channel_set *set, const struct consumer_wire_add_channel *msg, int sock);
int channel_add_metadata(struct channel_set *set, const struct consumer_wire_add_metadata *msg);
int channel_push_metadata(struct channel_set *set, const struct consumer_wire_push_metadata *msg,
			  const char *text);
/* Final flush of every stream and drain of what is readable. */
int channel_flush(struct channel_set *set, uint64_t key);
/* Finishes the channel's files (every packet recorded so far written, closed)
 * and, with a directory, starts new ones there (doc/protocol/consumer.md, ROTATE). */
int channel_rotate(struct channel_set *set, const struct consumer_wire_rotate *msg);
/* Drains, closes the files and frees the channel. */
int channel_destroy(struct channel_set *set, uint64_t key);
/* Copies the channel's buffered packets (the newest packets_per_stream of each
 * stream, or all) into stream files below msg->directory, leaving them buffered. */
int channel_snapshot(struct channel_set *set, const struct consumer_wire_snapshot *msg);
/* Whether any channel of the session still has data not written to its files. */
bool channel_session_data_pending(struct channel_set *set, uint64_t session_id);
int channel_stats(struct channel_set *set, uint64_t key, uint64_t *discarded, uint64_t *lost);
/* Discards what a data channel's buffers hold and have not written (CLEAR). */
int channel_clear(struct channel_set *set, uint64_t key);
/* Packet bytes the session's data channels wrote to their files (SESSION_CONSUMED). */
uint64_t channel_session_consumed(struct channel_set *set, uint64_t session_id);

#endif
