/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A session's connection to lttng-relayd (doc/protocol/relayd.md): a control and a
 * data socket, both non-blocking and served by the consumer's loop. Nothing here
 * waits: commands and packets are queued in order and sent as the sockets take
 * them, replies are matched to the commands in the order they were sent, and what
 * needs an answer completes a waiter later.
 *
 * Writers (user-space channels, kernel streams) add relay streams, then hand each
 * packet to relay_stream_send_packet(): the packet goes on the data socket and its
 * index entry on the control socket. A writer asks relay_stream_writable() before it
 * takes a packet out of its ring buffer: while the connection holds too much unsent
 * data, the packets stay in the ring buffers (which discard or overwrite as their
 * channel says), and the listeners are told once it has room again.
 *
 * A relay daemon that cannot be reached, goes away or answers what the protocol does
 * not allow fails that connection only: its waiters complete with the error, its
 * streams refuse packets (their channels stop recording and say so), and no other
 * session is touched.
 */
#ifndef CONSUMERD_RELAY_CONN_H
#define CONSUMERD_RELAY_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "index-file.h"
#include "list.h"
#include "wire/consumer-wire.h"

struct relay_conn;
struct relay_stream;

/* A completion: done() runs once, on the loop, with 0 or -errno. Its owner embeds it
 * and finds itself with container_of(). */
struct relay_waiter {
	struct list_node link;
	void (*done)(struct relay_waiter *w, int status);
	bool covered; /* a sync: the data-pending round under way includes it */
	uint64_t deadline_us; /* a sync: when it gives up (CLOCK_MONOTONIC) */
	/* A chunk close: where the relay daemon put the chunk (NUL-terminated). */
	char path[CONSUMER_PATH_MAX];
	/* An open: what the relay daemon allows (RELAY_OPEN's STATUS value). */
	uint32_t value;
};

/* RELAY_OPEN's STATUS value: bit 0, the relay daemon allows clears (LTTng's
 * GET_CONFIGURATION flag; `lttng-relayd --disallow-clear` turns it off). */
#define RELAY_OPEN_CLEAR_ALLOWED 1u

/* Told when a connection can take packets again (a stream got its relay handle, the
 * queue went below its low mark, or the connection failed and writers must learn). */
struct relay_listener {
	struct list_node link;
	void (*writable)(struct relay_listener *l, uint64_t session_id);
};

struct relay_set {
	sd_event *loop;
	struct list_node conns;     /* struct relay_conn, open ones */
	struct list_node listeners; /* struct relay_listener */
	/* Listeners are told from a deferred event, never from inside a writer's call
	 * (a writer in the middle of a packet or of closing its files): the sessions
	 * to tell, and that event. */
	uint64_t *notify_ids;
	size_t notify_count, notify_capacity;
	sd_event_source *notify_source;
};

void relay_set_init(struct relay_set *set, sd_event *loop);
/* Ends every connection at once (the consumer is exiting). */
void relay_set_fini(struct relay_set *set);
void relay_set_listen(struct relay_set *set, struct relay_listener *l);
void relay_set_unlisten(struct relay_set *set, struct relay_listener *l);

/* Opens the session's connection (RELAY_OPEN). w completes once the relay daemon
 * has created the session and its trace chunk, or with the failure. A session whose
 * connection is open and healthy completes w at once. Returns 0 (w will complete) or
 * -errno (w will not). */
int relay_set_open(struct relay_set *set, const struct consumer_wire_relay_open *m,
		   struct relay_waiter *w);
/* The session's open connection, or NULL. */
struct relay_conn *relay_set_find(struct relay_set *set, uint64_t session_id);
/* RELAY_SYNC: w completes once every packet and index queued so far has been sent
 * and the relay daemon says it has them all. A session without a connection
 * completes at once (0). Returns 0 or -errno as relay_set_open. */
int relay_set_sync(struct relay_set *set, uint64_t session_id, struct relay_waiter *w);
/* RELAY_CLOSE: closes the session's open trace chunk on the relay daemon with
 * m->close_command (w->path: where it went), then the connection once everything is
 * sent; streams still open are closed first. */
int relay_set_close(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
		    struct relay_waiter *w);

/* RELAY_CHUNK_NEW: the next trace chunk; streams added from now on are in it. w
 * completes once the relay daemon made it. 1 (done: no connection), 0 or -errno. */
int relay_set_chunk_new(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
			struct relay_waiter *w);
/* RELAY_CHUNK_CLOSE: closes chunk m->chunk_id with its command; w->path gets where
 * the relay daemon put it. As relay_set_chunk_new. */
int relay_set_chunk_close(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
			  struct relay_waiter *w);

/* 0, or the error that ended the connection. */
int relay_conn_error(const struct relay_conn *c);
/* RELAY_OPEN's STATUS value for an open connection. */
uint32_t relay_conn_open_value(const struct relay_conn *c);
/* The session's live timer (microseconds; 0: not a live session). */
uint32_t relay_conn_live_timer_us(const struct relay_conn *c);

/* Announces a stream: name is its file name ("<channel>_<cpu>", or "metadata"),
 * path its directory below the session's output ("ust/uid/1000/64-bit"). The relay
 * daemon rolls tracefiles over itself. Without index (snapshots), packets go without
 * their index entries. NULL with *err on failure. The stream holds a reference to the
 * connection. */
struct relay_stream *relay_stream_add(struct relay_conn *c, const char *name, const char *path,
				      uint64_t tracefile_size, uint64_t tracefile_count,
				      bool with_index, int *err);
/* Tells the relay daemon that the streams announced so far are all of a channel
 * (live viewers see them from then on). */
void relay_conn_streams_sent(struct relay_conn *c);
/* Whether a packet handed now would be accepted (see above). */
bool relay_stream_writable(const struct relay_stream *s);
/* One data packet: content_len bytes (the relay daemon pads it to packet_len) and its
 * index entry. 0, -ENOBUFS (far past the high mark: a writer that does not ask
 * relay_stream_writable), or the connection's error. */
int relay_stream_send_packet(struct relay_stream *s, const void *packet, size_t content_len,
			     size_t packet_len, const struct packet_info *info);
/* One metadata packet (the metadata stream). */
int relay_stream_send_metadata(struct relay_stream *s, const void *packet, size_t content_len,
			       size_t packet_len);
/* A live session's stream with nothing new: its time has reached ts (ring buffer
 * clock), so live viewers may go past it ("beacon": an index entry of size 0). */
int relay_stream_send_beacon(struct relay_stream *s, uint64_t ts, uint64_t ctf_stream_id);
/* The metadata is written anew from its start (regenerate metadata). */
int relay_stream_reset_metadata(struct relay_stream *s);
struct relay_conn *relay_stream_conn(const struct relay_stream *s);
/* Moves streams to the connection's current chunk (the one RELAY_CHUNK_NEW made) in
 * place, as LTTng's ROTATE_STREAMS: a data stream's packets from CTF packet sequence
 * number next_packet_seq[i] on go to the new chunk; a metadata stream switches at
 * once (the whole text is sent again). Live viewers keep reading the same streams.
 * -EAGAIN when a stream has no handle yet (the caller closes and adds it again
 * instead), else 0 or the connection's error. */
int relay_streams_rotate(struct relay_conn *c, struct relay_stream *const *streams,
			 const uint64_t *next_packet_seq, unsigned count);
/* Closes the stream on the relay daemon after its last packet and drops it. */
void relay_stream_close(struct relay_stream *s);

#endif
