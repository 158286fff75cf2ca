/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel channels; see kchannel.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "kchannel.h"
#include "kmetadata.h"
#include "kproc-feed.h"
#include "ktrace.h"
#include "log.h"
#include "output-dir.h"

#define FORMAT_MAX (64u * 1024)
/* Pages read from one stream per timer tick or wake-up before the others' turn. */
#define PAGES_PER_TICK 256u

/* ------------------------------------------------------------------------- */
/* Formats.                                                                   */

/* Reads <instance>/events/<system>/<name>/format into buf (NUL-terminated). */
static ssize_t read_format(const char *instance, const char *system, const char *name,
			   char *buf, size_t size)
{
	char path[CONSUMER_PATH_MAX + 256];
	size_t got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", instance, system, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < size - 1) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t) n;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t) got;
}

static struct tep_event *load_format(void *userdata, const char *system, const char *name)
{
	struct kchannel *ch = userdata;
	struct tep_event *ev = tep_find_event_by_name(ch->tep, system, name);
	char *buf;
	ssize_t n;

	if (ev)
		return ev;
	buf = malloc(FORMAT_MAX);
	if (!buf)
		return NULL;
	n = read_format(ch->instance, system, name, buf, FORMAT_MAX);
	if (n > 0 && tep_parse_event(ch->tep, buf, (unsigned long) n, system) == 0)
		ev = tep_find_event_by_name(ch->tep, system, name);
	free(buf);
	return ev;
}

/* ftrace:raw_data, the carrier of our statedump records. */
static int load_raw_data(struct kchannel *ch)
{
	struct tep_event *raw;
	struct tep_format_field *id, *buf;

	if (ch->table.raw_data_id >= 0)
		return 0;
	raw = load_format(ch, "ftrace", "raw_data");
	if (!raw)
		return -ENOENT;
	id = tep_find_field(raw, "id");
	buf = tep_find_field(raw, "buf");
	if (!id || !buf || id->size != 4)
		return -EINVAL;
	ch->table.raw_id_off = id->offset;
	ch->table.raw_buf_off = buf->offset;
	ch->table.raw_data_id = raw->id;
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Reading.                                                                   */

static void read_all(struct kchannel *ch, unsigned pages)
{
	/* Between a rotation's close and the next directory, ftrace keeps the records. */
	if (ch->files_closed)
		return;
	/* The process events queued so far first: they may speak of these records. */
	kproc_feed_drain(ch->trace->feed);
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		struct kstream *s = &ch->streams[i];

		/* A relay connection with too much unsent data: ftrace keeps the records
		 * until it has room (kernel_consumer's relay listener reads them then). */
		if (s->file && !ch->write_error && !stream_file_writable(s->file))
			continue;
		(void) kstream_read(s, pages);
	}
}

/* What a drain reads at most per CPU: twice what the channel's buffers hold (the
 * session daemon sizes the instance's buffer from them), at least 1024 pages. */
static unsigned drain_budget(const struct kchannel *ch)
{
	uint64_t pages = 2 * (ch->subbuf_size / KPACKET_PAGE) * ch->num_subbuf;

	return (unsigned) MIN(MAX(pages, 1024u), 1u << 20);
}

void kchannel_read(struct kchannel *ch)
{
	if (!ch->destroyed)
		read_all(ch, PAGES_PER_TICK);
}

static int read_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct kchannel *ch = userdata;
	bool more = false;

	read_all(ch, PAGES_PER_TICK);
	for (unsigned i = 0; i < ch->cpu_count; i++)
		more |= ch->streams[i].maybe_more;
	/* A stream with more to read is served again soon, not a full period later. */
	(void) sd_event_source_set_time_relative(src, more ? 1000 : ch->read_timer_us);
	(void) sd_event_source_set_enabled(src, SD_EVENT_ON);
	return 0;
}

static int switch_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct kchannel *ch = userdata;

	read_all(ch, PAGES_PER_TICK);
	for (unsigned i = 0; i < ch->cpu_count; i++)
		(void) kstream_close_packet(&ch->streams[i], false);
	(void) sd_event_source_set_time_relative(src, ch->switch_timer_us);
	(void) sd_event_source_set_enabled(src, SD_EVENT_ON);
	return 0;
}

/* A live session's tick (LTTng's live timer). */
static int live_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct kchannel *ch = userdata;

	read_all(ch, PAGES_PER_TICK);
	for (unsigned i = 0; !ch->files_closed && i < ch->cpu_count; i++)
		kstream_live_tick(&ch->streams[i]);
	(void) sd_event_source_set_time_relative(src, ch->live_timer_us);
	(void) sd_event_source_set_enabled(src, SD_EVENT_ON);
	return 0;
}

static int stream_ready_cb(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct kstream *s = userdata;

	if (s->ch->files_closed) {
		/* Nothing is read until the next files (kchannel_rotate turns it on). */
		(void) sd_event_source_set_enabled(src, SD_EVENT_OFF);
		return 0;
	}
	if (s->file && !s->ch->write_error && !stream_file_writable(s->file))
		return 0; /* the read timer or the relay listener comes back */
	if (kstream_read(s, PAGES_PER_TICK) == 0 && (revents & (EPOLLERR | EPOLLHUP)))
		(void) sd_event_source_set_enabled(src, SD_EVENT_OFF);
	return 0;
}

void kchannel_write_failed(struct kchannel *ch, int err)
{
	if (ch->write_error)
		return;
	ch->write_error = err;
	log_error_errno(err, "Kernel channel %s: cannot write its stream files; recording of this "
			"channel stops", ch->name);
}

/* One record of stream s: converted and appended to its current packet. */
int kchannel_record(struct kchannel *ch, struct kstream *s, uint64_t ts, const uint8_t *rec,
		    uint32_t len)
{
	const uint8_t *payload;
	uint32_t plen;
	bool malformed;
	struct kevent *ev = ktable_classify(&ch->table, rec, len, &payload, &plen, &malformed);
	int r;

	if (!ev) {
		if (malformed)
			ch->malformed_records++;
		else if (len >= 2 && !ch->undeclared_records++)
			log_warn("Kernel channel %s: records of ftrace event id %u, which it did not "
				 "declare, are dropped (counted, not logged again)", ch->name,
				 (unsigned) (rec[0] | rec[1] << 8));
		return 0;
	}
	if (ch->discarding)
		return 0;
	if (kchannel_freeze(ch) < 0)
		return -EIO;
	ch->conv.cpu = s->cpu;
	ktask_set_time(ch->conv.tasks, ts);
	kevent_observe(ev, &ch->conv, rec, len);
	/* The trackers: the record's task (the statedump's records are written by
	 * this daemon: always kept). */
	if (ch->trace->any_tracker && ev->kind != KEVENT_STATEDUMP && len >= 8) {
		int32_t tid;

		memcpy(&tid, rec + 4, sizeof(tid)); /* common_pid */
		if (!ktrace_keeps_task(ch->trace, ktask_get(ch->conv.tasks, tid)))
			return 0;
	}
	/* The rules' filters (for statedump events: on the payload they carry). */
	if (!kfilters_pass(&ch->filters, ev, &ch->conv, payload, plen))
		return 0;
	if (!s->pkt.open)
		kpacket_open(&s->pkt, s->has_ts && s->last_ts > ts ? s->last_ts : ts);
	r = ktable_append(&s->pkt, ev, &ch->ctx, &ch->conv, ts, rec, len, payload, plen);
	if (r == -ENOSPC) {
		/* The packet is full: close it and put the event in a new one. */
		if (kstream_close_packet(s, false) < 0)
			return 0;
		kpacket_open(&s->pkt, s->last_ts > ts ? s->last_ts : ts);
		r = ktable_append(&s->pkt, ev, &ch->ctx, &ch->conv, ts, rec, len, payload, plen);
	}
	if (r < 0) {
		ch->malformed_records++;
		return 0;
	}
	s->last_ts = s->pkt.last_ts;
	s->has_ts = true;
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Declarations.                                                              */

int kchannel_tsdl(struct kchannel *ch, struct buffer *out)
{
	int r = kmetadata_stream(ch->chan_id, ch->large_header, &ch->ctx, out);

	for (unsigned i = 0; i < ch->table.nevents && r == 0; i++)
		r = kevent_tsdl(ch->table.events[i], ch->chan_id, out);
	return r;
}

static int declare_events_from(struct kchannel *ch, unsigned first)
{
	struct buffer text;
	int r = 0;

	buffer_init(&text);
	for (unsigned i = first; i < ch->table.nevents && r == 0; i++)
		r = kevent_tsdl(ch->table.events[i], ch->chan_id, &text);
	if (r == 0 && text.size)
		r = ktrace_append(ch->trace, (const char *) text.data, text.size);
	buffer_fini(&text);
	if (r == 0)
		ch->declared = ch->table.nevents;
	return r;
}

int kchannel_freeze(struct kchannel *ch)
{
	struct buffer text;
	int r;

	if (ch->frozen)
		return 0;
	/* LTTng's rule at first start: compact headers for fewer than 31 events. */
	ch->large_header = ch->table.nevents >= KPACKET_COMPACT_ID_MAX + 1;
	buffer_init(&text);
	r = kmetadata_stream(ch->chan_id, ch->large_header, &ch->ctx, &text);
	if (r == 0)
		r = ktrace_append(ch->trace, (const char *) text.data, text.size);
	buffer_fini(&text);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < ch->cpu_count; i++)
		ch->streams[i].pkt.large_header = ch->large_header;
	ch->frozen = true;
	return declare_events_from(ch, 0);
}

static int add_event(struct kchannel *ch, const char *system, const char *name)
{
	struct tep_event *fmt = NULL;
	struct kevent *ev;
	int r;

	if (ktable_find(&ch->table, system, name))
		return 0;
	if (!strcmp(system, "lttng")) {
		r = load_raw_data(ch);
		if (r < 0)
			return r;
	} else {
		fmt = load_format(ch, system, name);
		if (!fmt)
			return -ENOENT;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	r = kevent_build(ev, ch->table.nevents, system, name, fmt, load_format, ch);
	if (r == 0)
		r = ktable_add(&ch->table, ev);
	if (r < 0)
		free(ev);
	return r;
}

int kchannel_add_events(struct kchannel *ch, const struct consumer_wire_kernel_event *e,
			uint32_t count)
{
	int first_error = 0;

	for (uint32_t i = 0; i < count; i++) {
		int r = add_event(ch, e[i].system, e[i].name);

		if (r < 0) {
			log_warn("Kernel channel %s: cannot declare %s:%s: %s", ch->name, e[i].system,
				 e[i].name, strerror(-r));
			if (!first_error)
				first_error = r;
		}
	}
	if (ch->frozen && ch->declared < ch->table.nevents) {
		int r = declare_events_from(ch, ch->declared);

		if (r < 0)
			return r;
	}
	return first_error;
}

int kchannel_add_context(struct kchannel *ch, int32_t ctx)
{
	if (ch->frozen)
		return -EBUSY; /* the stream is declared: LTTng refuses after the start too */
	return kcontext_add(&ch->ctx, ctx);
}

int kchannel_set_filter(struct kchannel *ch, bool replace, const char *text, size_t len,
			const struct consumer_wire_kernel_event *entries, uint32_t count)
{
	if (replace)
		kfilters_clear(&ch->filters);
	for (uint32_t i = 0; i < count; i++) {
		struct consumer_wire_kernel_event e;
		const struct kevent *ev;
		int r;

		memcpy(&e, &entries[i], sizeof(e)); /* unaligned in the message */
		ev = ktable_find(&ch->table, e.system, e.name);
		if (!ev)
			return -ENOENT;
		r = kfilters_add(&ch->filters, text, len, ev);
		if (r < 0) {
			log_error("Kernel channel %s: cannot use filter \"%.*s\" for %s:%s: %s",
				  ch->name, (int) (len > 200 ? 200 : len), text, e.system, e.name,
				  strerror(-r));
			return r;
		}
	}
	return 0;
}

int kchannel_has_statedump(const struct kchannel *ch, uint32_t code)
{
	return code < KTABLE_STATEDUMP_CODES && ch->table.statedump[code] != NULL;
}

/* ------------------------------------------------------------------------- */
/* Life.                                                                      */

/*
 * Asks ftrace to keep each recorded task's tgid (the instance's options/record-tgid
 * fills tracefs' global saved_tgids) and reads it in the task table: the `pid` of
 * threads gone before their records are read. Best effort: without it, /proc.
 */
static void use_saved_tgids(struct kchannel *ch)
{
	char path[CONSUMER_PATH_MAX + 32];
	const char *inst = strstr(ch->instance, "/instances/");
	int fd;

	if (!inst)
		return;
	snprintf(path, sizeof(path), "%s/options/record-tgid", ch->instance);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		log_debug("Kernel channel %s: cannot enable record-tgid", ch->name);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "%.*s/saved_tgids", (int) (inst - ch->instance), ch->instance);
	(void) ktask_use_saved_tgids(ch->conv.tasks, path);
}

static int start_reading(struct kchannel *ch, sd_event *loop)
{
	struct relay_conn *relay;
	int r;

	ch->stream_watch = calloc(ch->cpu_count, sizeof(*ch->stream_watch));
	if (!ch->stream_watch)
		return -ENOMEM;
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		/* Poll wakes us when the instance's buffer_percent is reached; the timer
		 * does the rest. */
		r = sd_event_add_io(loop, &ch->stream_watch[i], ch->streams[i].fd, EPOLLIN,
				    stream_ready_cb, &ch->streams[i]);
		if (r < 0)
			return r;
	}
	r = sd_event_add_time_relative(loop, &ch->read_timer, CLOCK_MONOTONIC, ch->read_timer_us,
				       0, read_timer_cb, ch);
	if (r < 0)
		return r;
	(void) sd_event_source_set_enabled(ch->read_timer, SD_EVENT_ON);
	if (ch->switch_timer_us) {
		r = sd_event_add_time_relative(loop, &ch->switch_timer, CLOCK_MONOTONIC,
					       ch->switch_timer_us, 0, switch_timer_cb, ch);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(ch->switch_timer, SD_EVENT_ON);
	}
	relay = ktrace_relay(ch->trace);
	ch->live_timer_us = relay ? relay_conn_live_timer_us(relay) : 0;
	if (ch->live_timer_us) {
		r = sd_event_add_time_relative(loop, &ch->live_timer, CLOCK_MONOTONIC,
					       ch->live_timer_us, 1, live_timer_cb, ch);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(ch->live_timer, SD_EVENT_ON);
	}
	return 0;
}

int kchannel_new(struct ktrace *t, const struct consumer_wire_kernel_channel *m,
		 struct kchannel **ret)
{
	struct kchannel *ch = calloc(1, sizeof(*ch));
	struct relay_conn *relay;
	int r = 0;

	if (!ch)
		return -ENOMEM;
	list_init(&ch->link);
	ch->trace = t;
	ch->key = m->key;
	snprintf(ch->name, sizeof(ch->name), "%s", m->name);
	snprintf(ch->instance, sizeof(ch->instance), "%s", m->instance);
	ch->chan_id = m->chan_id;
	ch->cpu_count = m->cpu_count;
	ch->subbuf_size = m->subbuf_size;
	ch->num_subbuf = m->num_subbuf;
	ch->tracefile_size = m->tracefile_size;
	ch->tracefile_count = m->tracefile_count;
	ch->overwrite = m->overwrite;
	ch->read_timer_us = m->read_timer_us ? m->read_timer_us : KCHANNEL_DEFAULT_READ_US;
	ch->switch_timer_us = m->switch_timer_us;
	ch->uid = t->uid;
	ch->gid = t->gid;
	memcpy(ch->uuid, t->uuid, sizeof(ch->uuid));
	ch->tep = tep_alloc();
	ch->streams = calloc(ch->cpu_count, sizeof(*ch->streams));
	if (!ch->tep || !ch->streams || ktable_init(&ch->table) < 0 ||
	    kconv_init(&ch->conv, "/proc") < 0) {
		kchannel_free(ch);
		return -ENOMEM;
	}
	ktask_use_feed(ch->conv.tasks, t->feed);
	for (unsigned i = 0; i < ch->cpu_count; i++)
		ch->streams[i].fd = ch->streams[i].stats_fd = -1;
	tep_set_long_size(ch->tep, (int) sizeof(long));
	tep_set_page_size(ch->tep, 4096);
	/* The raw buffers are root's (tracefs); the stream files are made as the
	 * session's user (kstream_open). */
	for (unsigned i = 0; i < ch->cpu_count && r == 0; i++) {
		/* Snapshot sessions keep the newest num_subbuf packets per stream. */
		unsigned ring = !ktrace_streams_out(t) ? (unsigned) MIN(ch->num_subbuf, 1024u) : 0;

		r = kstream_open(&ch->streams[i], ch, i, ch->instance, t->dir_fd, ch->name, ring);
		if (r < 0)
			log_error_errno(r, "Kernel channel %s: cannot open CPU %u of %s", ch->name, i,
					ch->instance);
	}
	if (r == 0 && (relay = ktrace_relay(t)))
		relay_conn_streams_sent(relay);
	if (r == 0) {
		use_saved_tgids(ch);
		r = start_reading(ch, t->loop);
	}
	if (r < 0) {
		kchannel_free(ch);
		return r;
	}
	*ret = ch;
	return 0;
}

int kchannel_flush(struct kchannel *ch)
{
	for (unsigned i = 0; i < ch->cpu_count; i++)
		(void) kstream_drain(&ch->streams[i], drain_budget(ch));
	for (unsigned i = 0; i < ch->cpu_count; i++)
		(void) kstream_close_packet(&ch->streams[i], true);
	return ch->write_error;
}

int kchannel_rotate(struct kchannel *ch, bool reopen, int dir_fd)
{
	int r = 0;

	if (!ch->files_closed)
		r = kchannel_flush(ch);
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		stream_file_close(ch->streams[i].file);
		ch->streams[i].file = NULL;
	}
	ch->files_closed = true;
	if (!reopen)
		return r;
	ch->write_error = 0;
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		int e = kstream_open_file(&ch->streams[i], dir_fd, ch->name);

		if (e < 0) {
			kchannel_write_failed(ch, e);
			return e;
		}
	}
	ch->files_closed = false;
	for (unsigned i = 0; ch->stream_watch && i < ch->cpu_count; i++)
		if (ch->stream_watch[i])
			(void) sd_event_source_set_enabled(ch->stream_watch[i], SD_EVENT_ON);
	return r;
}

void kchannel_clear(struct kchannel *ch)
{
	ch->discarding = true;
	if (!ch->destroyed)
		for (unsigned i = 0; i < ch->cpu_count; i++)
			(void) kstream_drain(&ch->streams[i], drain_budget(ch));
	ch->discarding = false;
	for (unsigned i = 0; i < ch->cpu_count; i++)
		kstream_drop_packet(&ch->streams[i]);
}

int kchannel_stop(struct kchannel *ch)
{
	int r = 0;

	if (ch->destroyed)
		return ch->write_error;
	if (ch->streams) {
		for (unsigned i = 0; i < ch->cpu_count; i++)
			(void) kstream_drain(&ch->streams[i], drain_budget(ch));
		for (unsigned i = 0; i < ch->cpu_count; i++)
			(void) kstream_close_packet(&ch->streams[i], false);
	}
	if (ch->stream_watch)
		for (unsigned i = 0; i < ch->cpu_count; i++)
			ch->stream_watch[i] = sd_event_source_disable_unref(ch->stream_watch[i]);
	ch->read_timer = sd_event_source_disable_unref(ch->read_timer);
	ch->switch_timer = sd_event_source_disable_unref(ch->switch_timer);
	ch->live_timer = sd_event_source_disable_unref(ch->live_timer);
	/* Before answering: the session daemon removes the instance next, which ftrace
	 * refuses (EBUSY) while a trace_pipe_raw is open. */
	if (ch->streams)
		for (unsigned i = 0; i < ch->cpu_count; i++)
			kstream_close_raw(&ch->streams[i]);
	ch->destroyed = true;
	r = ch->write_error;
	return r;
}

void kchannel_stats(struct kchannel *ch, uint64_t *discarded, uint64_t *lost)
{
	*discarded = *lost = 0;
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		*discarded += kstream_read_dropped(&ch->streams[i]);
		*lost += ch->streams[i].lost_packets;
	}
}

bool kchannel_data_pending(struct kchannel *ch)
{
	for (unsigned i = 0; i < ch->cpu_count; i++) {
		struct kstream *s = &ch->streams[i];

		if (s->maybe_more || (s->pkt.open && s->pkt.events) || kstream_has_unread(s))
			return true;
	}
	return false;
}

int kchannel_snapshot(struct kchannel *ch, const struct consumer_wire_snapshot *m)
{
	struct fs_identity identity;
	int dir_fd = -1, r;

	if (m->session_active)
		(void) kchannel_flush(ch);
	if (m->directory[0] != '/') { /* a record on the session's relay daemon */
		struct relay_conn *relay = ch->trace->relays
						   ? relay_set_find(ch->trace->relays,
								    ch->trace->session_id)
						   : NULL;

		r = relay ? 0 : -ENOTCONN;
		for (unsigned i = 0; i < ch->cpu_count && r == 0; i++)
			r = kstream_snapshot(&ch->streams[i], -1, relay, m->directory, ch->name,
					     m->packets_per_stream, m->uid, m->gid);
		return r;
	}
	fs_identity_enter(m->uid, m->gid, &identity);
	r = output_dir_make(m->directory, m->uid, m->gid, &dir_fd);
	for (unsigned i = 0; i < ch->cpu_count && r == 0; i++)
		r = kstream_snapshot(&ch->streams[i], dir_fd, NULL, NULL, ch->name,
				     m->packets_per_stream, m->uid, m->gid);
	fs_identity_leave(&identity);
	if (dir_fd >= 0)
		close(dir_fd);
	return r;
}

void kchannel_free(struct kchannel *ch)
{
	if (!ch)
		return;
	(void) kchannel_stop(ch);
	free(ch->stream_watch);
	if (ch->streams)
		for (unsigned i = 0; i < ch->cpu_count; i++)
			kstream_fini(&ch->streams[i]);
	free(ch->streams);
	kfilters_fini(&ch->filters);
	ktable_fini(&ch->table);
	if (ch->tep)
		tep_free(ch->tep);
	kconv_fini(&ch->conv);
	list_remove(&ch->link);
	free(ch);
}
