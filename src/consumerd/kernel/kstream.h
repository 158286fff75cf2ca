/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One per-CPU stream of a kernel channel: the instance's
 * per_cpu/cpuN/trace_pipe_raw (non-blocking), the CTF packet being filled from its
 * records, and where closed packets go: the stream file <name>_<cpu> with its index,
 * or (snapshot sessions) a ring of the newest packets kept in memory until a
 * SNAPSHOT writes them.
 */
#ifndef CONSUMERD_KERNEL_KSTREAM_H
#define CONSUMERD_KERNEL_KSTREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "index-file.h"
#include "kpacket.h"
#include "stream-file.h"

struct kchannel;

struct kring_packet {
	uint8_t *data;
	size_t len;
	struct packet_info info;
};

struct kstream {
	struct kchannel *ch;
	unsigned cpu;
	int fd;		     /* trace_pipe_raw, -1 once closed */
	int stats_fd;	     /* per_cpu/cpuN/stats */
	struct stream_file *file; /* NULL: no output */
	struct kpacket pkt;
	uint64_t seq;	     /* packet_seq_num of the next packet */
	uint64_t last_ts;    /* of the last event or packet end */
	bool has_ts;
	uint64_t dropped;    /* "dropped events" (discard mode), cumulative */
	uint64_t dropped_base; /* ... when the stream was opened */
	uint64_t last_discarded; /* events_discarded of the last packet closed */
	bool wrote_packet;   /* a packet was closed already */
	uint64_t lost_packets;
	bool maybe_more;     /* the last read filled a page: more may be readable */
	/* Snapshot sessions: the newest ring_size packets, oldest first from ring_head. */
	struct kring_packet *ring;
	unsigned ring_size, ring_count, ring_head;
	uint8_t page[4096];
};

/* Opens the raw buffer and the stream file (dir_fd -1: none; then keep ring_size
 * packets in memory). 0 or -errno. */
int kstream_open(struct kstream *s, struct kchannel *ch, unsigned cpu, const char *instance,
		 int dir_fd, const char *channel_name, unsigned ring_size);
/* Reads at most max_pages pages; converts their records. Returns the pages read. */
int kstream_read(struct kstream *s, unsigned max_pages);
/* Reads until the raw buffer is empty (partial pages included), at most max_pages. */
int kstream_drain(struct kstream *s, unsigned max_pages);
/* Closes the current packet (if any): written, or kept in the ring. With
 * even_empty, an empty packet is written when none is open. 0 or -errno (write). */
int kstream_close_packet(struct kstream *s, bool even_empty);
/* Reads "dropped events" of the CPU's stats. */
uint64_t kstream_read_dropped(struct kstream *s);
/* Whether the CPU's raw buffer holds records not read yet (stats "entries"). */
bool kstream_has_unread(struct kstream *s);
/* Forgets the packet being built and the packets a snapshot session keeps (a
 * clear). */
void kstream_drop_packet(struct kstream *s);
/* Opens the stream's file <name>_<cpu> (and its index) in dir_fd, as the session's
 * user. 0 or -errno. */
int kstream_open_file(struct kstream *s, int dir_fd, const char *channel_name);
/* A live session's tick: the open packet is closed and sent when it has records;
 * a stream with none sends its current time (a beacon) instead. */
void kstream_live_tick(struct kstream *s);
/* Writes the ring's newest `count` (0: all) packets into dir_fd/<name>_<cpu> and its
 * index. 0 or -errno. */
struct relay_conn;
int kstream_snapshot(struct kstream *s, int dir_fd, struct relay_conn *relay, const char *path,
		     const char *channel_name, uint64_t count,
		     uid_t uid, gid_t gid);
/* Closes the raw buffer fd (the instance can then be removed). */
void kstream_close_raw(struct kstream *s);
void kstream_fini(struct kstream *s);

/* A record for the stream's current packet (the channel converts it): called by
 * kstream_read for each record of a page. */
int kchannel_record(struct kchannel *ch, struct kstream *s, uint64_t ts, const uint8_t *rec,
		    uint32_t len);

#endif
