/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU kernel streams; see kstream.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ftrace-page.h"
#include "kchannel.h"
#include "kstream.h"
#include "ktrace.h"
#include "log.h"
#include "output-dir.h"

int kstream_open(struct kstream *s, struct kchannel *ch, unsigned cpu, const char *instance,
		 int dir_fd, const char *channel_name, unsigned ring_size)
{
	char path[4200];
	int r;

	memset(s, 0, sizeof(*s));
	s->ch = ch;
	s->cpu = cpu;
	s->fd = s->stats_fd = -1;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace_pipe_raw", instance, cpu);
	s->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/stats", instance, cpu);
	s->stats_fd = open(path, O_RDONLY | O_CLOEXEC);
	s->dropped_base = kstream_read_dropped(s);
	if (dir_fd >= 0 || ch->trace->streamed) {
		r = kstream_open_file(s, dir_fd, channel_name);
		if (r < 0)
			return r;
	} else {
		s->ring = calloc(ring_size, sizeof(*s->ring));
		if (!s->ring)
			return -ENOMEM;
		s->ring_size = ring_size;
	}
	return kpacket_init(&s->pkt, ch->subbuf_size, ch->uuid, ch->chan_id, cpu, false);
}

void kstream_drop_packet(struct kstream *s)
{
	s->pkt.open = false;
	/* A snapshot session's kept packets go too. */
	for (unsigned i = 0; i < s->ring_size; i++) {
		free(s->ring[i].data);
		s->ring[i].data = NULL;
		s->ring[i].len = 0;
	}
	s->ring_count = s->ring_head = 0;
}

int kstream_open_file(struct kstream *s, int dir_fd, const char *channel_name)
{
	char name[CONSUMER_NAME_MAX + 16];
	struct fs_identity identity;
	struct kchannel *ch = s->ch;
	int r = 0;

	snprintf(name, sizeof(name), "%s_%u", channel_name, s->cpu);
	if (ch->trace->streamed) {
		struct relay_conn *relay = ktrace_relay(ch->trace);

		if (!relay)
			return -ENOTCONN;
		s->file = stream_file_open_relay(relay, ch->trace->relay_path, name,
						 ch->tracefile_size, ch->tracefile_count, true, &r);
		return s->file ? 0 : r;
	}
	fs_identity_enter(ch->uid, ch->gid, &identity);
	s->file = stream_file_open(dir_fd, name, ch->tracefile_size, ch->tracefile_count, ch->uid,
				   ch->gid, true, &r);
	fs_identity_leave(&identity);
	return s->file ? 0 : (r ? r : -EIO);
}

/* A counter of the CPU's stats file ("<key>: <n>"); false when unreadable. */
static bool read_stat(struct kstream *s, const char *key, uint64_t *ret)
{
	char buf[1024];
	ssize_t n;
	const char *p;

	if (s->stats_fd < 0)
		return false;
	n = pread(s->stats_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, key);
	if (!p)
		return false;
	*ret = strtoull(p + strlen(key), NULL, 10);
	return true;
}

uint64_t kstream_read_dropped(struct kstream *s)
{
	(void) read_stat(s, "dropped events:", &s->dropped);
	return s->dropped;
}

bool kstream_has_unread(struct kstream *s)
{
	uint64_t entries = 0;

	/* "entries": records in the buffer not read yet. */
	return read_stat(s, "entries:", &entries) ? entries > 0 : false;
}

struct parse_ctx {
	struct kstream *s;
	int err;
};

static int on_record(void *userdata, uint64_t ts, const uint8_t *data, uint32_t len)
{
	struct parse_ctx *pc = userdata;
	int r = kchannel_record(pc->s->ch, pc->s, ts, data, len);

	if (r < 0) {
		pc->err = r;
		return r;
	}
	return 0;
}

/* Converts one page read from the raw buffer. */
static int convert_page(struct kstream *s, size_t len)
{
	struct ftrace_page_info info;
	struct parse_ctx pc = { .s = s };
	int r;

	r = ftrace_page_parse(s->page, len, &info, on_record, &pc);
	if (info.missed_events) {
		/* Overwrite mode: older pages were overwritten before we read them. LTTng
		 * shows such losses as lost packets: a gap in packet_seq_num. */
		s->lost_packets++;
		if (s->pkt.open)
			r = kstream_close_packet(s, false);
		s->seq++;
	}
	return pc.err ? pc.err : (r < 0 ? r : 0);
}

int kstream_read(struct kstream *s, unsigned max_pages)
{
	unsigned pages = 0;

	s->maybe_more = false;
	while (s->fd >= 0 && pages < max_pages) {
		ssize_t n = read(s->fd, s->page, sizeof(s->page));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pages++;
		if (convert_page(s, (size_t) n) < 0)
			break;
		if (pages == max_pages)
			s->maybe_more = true;
	}
	return (int) pages;
}

int kstream_drain(struct kstream *s, unsigned max_pages)
{
	/* Until the buffer is empty, but bounded: a session still recording fills it
	 * while we read, and the loop must go on. */
	return kstream_read(s, max_pages);
}

static uint64_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

void kstream_live_tick(struct kstream *s)
{
	uint64_t now = monotonic_now(), before = s->seq;

	if (!s->file || s->ch->write_error)
		return;
	(void) kstream_close_packet(s, false);
	if (s->seq == before && !s->ch->write_error)
		(void) stream_file_send_beacon(s->file, now, s->ch->chan_id);
}

static void ring_keep(struct kstream *s, const uint8_t *data, size_t len,
		      const struct packet_info *info)
{
	struct kring_packet *slot;
	unsigned idx;

	if (!s->ring_size)
		return;
	if (s->ring_count == s->ring_size) {
		/* Full: the oldest packet is overwritten, as an overwrite ring buffer does. */
		idx = s->ring_head;
		s->ring_head = (s->ring_head + 1) % s->ring_size;
	} else {
		idx = (s->ring_head + s->ring_count) % s->ring_size;
		s->ring_count++;
	}
	slot = &s->ring[idx];
	free(slot->data);
	slot->data = malloc(len);
	if (!slot->data) {
		slot->len = 0;
		return;
	}
	memcpy(slot->data, data, len);
	slot->len = len;
	slot->info = *info;
}

/* Closes the open packet with this events_discarded value and writes (or keeps) it. */
static int finish_packet(struct kstream *s, uint64_t discarded)
{
	struct packet_info info;
	size_t len;
	int r = 0;

	kpacket_close(&s->pkt, s->pkt.last_ts, s->seq++, discarded, &len, &info);
	s->last_ts = info.timestamp_end;
	s->has_ts = true;
	s->wrote_packet = true;
	s->last_discarded = discarded;
	if (s->file && !s->ch->write_error) {
		r = stream_file_write_packet(s->file, s->pkt.buf.data, len, &info);
		if (r == 0)
			s->ch->bytes_written += len;
		if (r < 0) {
			log_error_errno(r, "Kernel channel %s: cannot write a packet of %zu bytes to "
					"stream %s_%u (trace file %llu at %llu bytes)", s->ch->name, len,
					s->ch->name, s->cpu,
					(unsigned long long) stream_file_tracefile_index(s->file),
					(unsigned long long) stream_file_size(s->file));
			kchannel_write_failed(s->ch, r);
		}
	} else if (s->ring) {
		ring_keep(s, s->pkt.buf.data, len, &info);
	}
	return r;
}

/*
 * events_discarded: ftrace counts a CPU's dropped events but does not say where they
 * fall among the records (discard mode flags no page), and we read the records late,
 * so drops that happened after a packet's records may already be counted when it
 * closes. A reader takes the first packet's value as losses it cannot place (babeltrace2:
 * a discarded-events message without a count), so the first packet carries the
 * counter as it was when the stream was opened, and every later one the counter at
 * its close; a final close (flush) that finds the counter higher than what the last
 * packet said adds an empty packet carrying it, so the trace's total is the one
 * CHANNEL_STATS gives.
 */
int kstream_close_packet(struct kstream *s, bool even_empty)
{
	uint64_t discarded;
	int r;

	if (!s->pkt.open) {
		if (!even_empty)
			return 0;
		kpacket_open(&s->pkt, s->has_ts ? s->last_ts : monotonic_now());
	}
	if (kchannel_freeze(s->ch) < 0)
		return -EIO;
	discarded = s->wrote_packet ? kstream_read_dropped(s) : s->dropped_base;
	r = finish_packet(s, discarded);
	if (r == 0 && even_empty && kstream_read_dropped(s) > s->last_discarded) {
		kpacket_open(&s->pkt, s->last_ts);
		r = finish_packet(s, s->dropped);
	}
	return r;
}

int kstream_snapshot(struct kstream *s, int dir_fd, struct relay_conn *relay, const char *path,
		     const char *channel_name, uint64_t count, uid_t uid, gid_t gid)
{
	char name[CONSUMER_NAME_MAX + 16];
	struct stream_file *f;
	unsigned skip = 0;
	int r = 0;

	snprintf(name, sizeof(name), "%s_%u", channel_name, s->cpu);
	if (relay)
		f = stream_file_open_relay(relay, path, name, 0, 0, false, &r);
	else
		f = stream_file_open(dir_fd, name, 0, 0, uid, gid, true, &r);
	if (!f)
		return r;
	if (count && count < s->ring_count)
		skip = s->ring_count - (unsigned) count;
	for (unsigned i = skip; i < s->ring_count && r == 0; i++) {
		struct kring_packet *p = &s->ring[(s->ring_head + i) % s->ring_size];
		struct packet_info info = p->info;

		if (p->data)
			r = stream_file_write_packet(f, p->data, p->len, &info);
	}
	stream_file_close(f);
	return r;
}

void kstream_close_raw(struct kstream *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	s->fd = s->stats_fd = -1;
}

void kstream_fini(struct kstream *s)
{
	kstream_close_raw(s);
	stream_file_close(s->file);
	s->file = NULL;
	for (unsigned i = 0; i < s->ring_size; i++)
		free(s->ring[i].data);
	free(s->ring);
	s->ring = NULL;
	kpacket_fini(&s->pkt);
}
