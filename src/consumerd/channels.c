/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lttng/ust-ctl.h>

#include "channels.h"
#include "consumer-io.h"
#include "dir-watch.h"
#include "index-file.h"
#include "log.h"
#include "macros.h"
#include "metadata-file.h"
#include "output-dir.h"
#include "relay-conn.h"
#include "stream-file.h"

#define STATUS_TIMEOUT_MS 5000

struct consumer_stream {
	struct consumer_channel *channel;
	struct lttng_ust_ctl_consumer_stream *ust;
	int cpu;
	sd_event_source *watch;
	struct stream_file *file;
	uint64_t last_seq;
	bool have_seq;
	uint64_t discarded; /* the stream's cumulative counter, from its last packet */
	uint64_t packets_written;
	uint64_t packets_at_chunk_start; /* packets_written when its files were opened */
};

struct consumer_channel {
	struct list_node link;
	struct channel_set *set;
	uint64_t key;
	uint64_t session_id;
	bool is_metadata;
	struct lttng_ust_ctl_consumer_channel *ust;
	struct consumer_stream *streams;
	unsigned stream_count;
	struct metadata_file *metadata;
	uint64_t metadata_length; /* bytes of text pushed so far */
	uint64_t lost_packets;
	uint64_t bytes_written; /* packet bytes written to its stream files */
	int write_error; /* first error writing the files; the channel stops writing */
	int dir_wd;      /* watch of its trace directory (dir-watch.h), -1 when none */
	bool has_output; /* drained into files; else read only by snapshots */
	int *shm_fds;      /* the ring buffers' shared memory: ours to close */
	int shm_fd_count;
	/* --shm-path: the directory of the ring buffer files (<name>_<cpu>) and, for a
	 * metadata channel, of the raw TSDL copy (metadata, shm_metadata_fd) that
	 * lttng-crash reads; both unlinked when the channel goes (a crash leaves them). */
	char *shm_dir;
	int shm_metadata_fd;
	sd_event_source *switch_timer;
	sd_event_source *read_timer;
	sd_event_source *live_timer; /* a live session's channel on its relay daemon */
	uint64_t switch_timer_us, read_timer_us, live_timer_us;
	uint32_t chan_id; /* the CTF stream class id of its packets */
	/* What opening its files again (a rotation) needs. */
	uid_t uid;
	gid_t gid;
	uint64_t tracefile_size, tracefile_count;
	uint8_t uuid[16]; /* metadata */
	char name[CONSUMER_NAME_MAX];
};

/* Whether a file the channel is writing has lost its last name. Checking the open
 * files, not the deleted names, leaves out closed rollover files a user removes and
 * files of other channels with similar names. */
static bool channel_files_unlinked(const struct consumer_channel *ch)
{
	if (ch->metadata)
		return metadata_file_unlinked(ch->metadata);
	for (unsigned i = 0; i < ch->stream_count; i++)
		if (ch->streams[i].file && stream_file_unlinked(ch->streams[i].file))
			return true;
	return false;
}

/* Something was deleted in the directory of watch `wd` (-1: events were lost, look at
 * every channel; name "": the directory itself). A channel whose files are gone stops
 * writing (what it would write could not be reached) and reports it, as for a full
 * disk, when stopped. */
static void trace_file_gone(void *userdata, int wd, const char *name)
{
	struct channel_set *set = userdata;
	struct consumer_channel *ch;

	list_for_each_entry(ch, &set->channels, link) {
		if (wd >= 0 && ch->dir_wd != wd)
			continue;
		if (wd >= 0 && !name[0])
			ch->dir_wd = -1; /* the watch went with the directory */
		if (ch->write_error || !channel_files_unlinked(ch))
			continue;
		/* Not ENOENT: that answers an unknown channel key. */
		ch->write_error = -ESTALE;
		log_error("Channel %s (key %llu): its trace files were deleted; recording of this "
			  "channel stops", ch->name, (unsigned long long) ch->key);
	}
}

static void channel_drain(struct consumer_channel *ch);

/* A relay connection has room again (or failed): drain its session's channels. */
static void relay_writable(struct relay_listener *l, uint64_t session_id)
{
	struct channel_set *set = container_of(l, struct channel_set, relay_listener);
	struct consumer_channel *ch, *tmp;

	list_for_each_entry_safe(ch, tmp, &set->channels, link)
		if (ch->session_id == session_id && !ch->is_metadata)
			channel_drain(ch);
}

void channel_set_init(struct channel_set *set, sd_event *loop, struct relay_set *relays)
{
	set->loop = loop;
	set->relays = relays;
	set->relay_listener.writable = relay_writable;
	relay_set_listen(relays, &set->relay_listener);
	list_init(&set->channels);
	set->gone = NULL;
	set->gone_count = set->gone_capacity = 0;
	set->dirs = dir_watch_new(loop, trace_file_gone, set);
}

/* Watches the channel's directory; a channel that cannot be watched records all the
 * same. */
static void watch_trace_dir(struct consumer_channel *ch, const char *directory)
{
	int wd = dir_watch_add(ch->set->dirs, directory);

	if (wd < 0 && ch->set->dirs)
		log_warn("Cannot watch the trace directory %s: %s", directory, strerror(-wd));
	ch->dir_wd = wd < 0 ? -1 : wd;
}

static struct consumer_channel *channel_find(struct channel_set *set, uint64_t key)
{
	struct consumer_channel *ch;

	list_for_each_entry(ch, &set->channels, link)
		if (ch->key == key)
			return ch;
	return NULL;
}

/* ------------------------------------------------------------------------- */
/* Draining.                                                                  */

static int write_one_packet(struct consumer_stream *s)
{
	struct consumer_channel *ch = s->channel;
	struct lttng_ust_ctl_consumer_stream *u = s->ust;
	struct packet_info info = { 0 };
	unsigned long padded = 0, offset = 0;
	uint64_t seq = UINT64_MAX, instance = UINT64_MAX;
	void *base;
	int r;

	r = lttng_ust_ctl_get_padded_subbuf_size(u, &padded);
	if (r == 0)
		r = lttng_ust_ctl_get_mmap_read_offset(u, &offset);
	if (r == 0)
		r = lttng_ust_ctl_get_packet_size(u, &info.packet_size_bits);
	if (r == 0)
		r = lttng_ust_ctl_get_content_size(u, &info.content_size_bits);
	if (r == 0)
		r = lttng_ust_ctl_get_timestamp_begin(u, &info.timestamp_begin);
	if (r == 0)
		r = lttng_ust_ctl_get_timestamp_end(u, &info.timestamp_end);
	if (r == 0)
		r = lttng_ust_ctl_get_events_discarded(u, &info.events_discarded);
	if (r == 0)
		r = lttng_ust_ctl_get_stream_id(u, &info.stream_id);
	if (r < 0)
		return r;
	if (lttng_ust_ctl_get_sequence_number(u, &seq) < 0)
		seq = UINT64_MAX;
	if (lttng_ust_ctl_get_instance_id(u, &instance) < 0)
		instance = UINT64_MAX;
	info.packet_seq_num = seq;
	info.stream_instance_id = instance;
	if (seq != UINT64_MAX) {
		if (s->have_seq && seq > s->last_seq + 1)
			ch->lost_packets += seq - s->last_seq - 1;
		s->last_seq = seq;
		s->have_seq = true;
	}
	s->discarded = info.events_discarded;
	if (ch->write_error || !s->file)
		return 0;
	base = lttng_ust_ctl_get_mmap_base(u);
	if (!base)
		return -EIO;
	r = stream_file_write_packet(s->file, (const char *) base + offset, padded, &info);
	if (r == 0) {
		ch->bytes_written += padded;
		s->packets_written++;
	}
	if (r < 0) {
		ch->write_error = r;
		log_error_errno(r, "Channel %s: cannot write stream %s_%d; recording of this channel "
			       "stops", ch->name, ch->name, s->cpu);
	}
	return 0;
}


/* Sub-buffers written per wake-up of one stream before the others get their turn. */
#define PACKETS_PER_WAKEUP 2

/* Writes at most `budget` readable sub-buffers; true when more may be readable. */
static bool stream_read_some(struct consumer_stream *s, unsigned budget)
{
	/* No files (a snapshot channel, or between a rotation's close and the next
	 * directory): what is recorded stays in the buffers. */
	if (!s->channel->has_output)
		return false;
	for (unsigned i = 0; i < budget; i++) {
		int r;

		/* A relay connection with too much unsent data: the packets wait in the
		 * ring buffer until it has room (channel_set_writable). */
		if (s->file && !s->channel->write_error && !stream_file_writable(s->file))
			return false;
		r = lttng_ust_ctl_get_next_subbuf(s->ust);

		if (r < 0)
			return false;
		r = write_one_packet(s);
		(void) lttng_ust_ctl_put_next_subbuf(s->ust);
		if (r < 0) {
			log_error_errno(r, "Channel %s: cannot read stream %d", s->channel->name, s->cpu);
			return false;
		}
	}
	return true;
}

/* Writes every readable sub-buffer of the stream. */
static void stream_drain(struct consumer_stream *s)
{
	while (stream_read_some(s, UINT_MAX))
		;
}

static void channel_drain(struct consumer_channel *ch)
{
	if (!ch->has_output)
		return; /* a snapshot channel keeps its data in the buffers */
	for (unsigned i = 0; i < ch->stream_count; i++)
		stream_drain(&ch->streams[i]);
}

static int stream_wakeup_cb(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct consumer_stream *s = userdata;
	char byte[PACKETS_PER_WAKEUP];
	ssize_t n;

	/* Each delivered sub-buffer writes one byte. Take as many bytes as packets we
	 * read now: bytes left keep the pipe readable, so the loop comes back after the
	 * other streams had their turn (one busy CPU cannot starve the others). */
	n = read(fd, byte, sizeof(byte));
	if (stream_read_some(s, n > 0 ? (unsigned) n : 1) && n <= 0)
		stream_drain(s); /* no byte announced it: take everything */
	if (revents & (EPOLLHUP | EPOLLERR))
		s->watch = sd_event_source_disable_unref(s->watch);
	return 0;
}

static int switch_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct consumer_channel *ch = userdata;

	for (unsigned i = 0; i < ch->stream_count; i++)
		(void) lttng_ust_ctl_flush_buffer(ch->streams[i].ust, 1);
	channel_drain(ch);
	(void) sd_event_source_set_time_relative(src, ch->switch_timer_us);
	return 0;
}

/* A live session's tick (LTTng's live timer): every stream closes the packet it
 * fills when it has events, what is readable goes to the relay daemon, and a stream
 * that had nothing sends its current time so that live viewers go on. */
static int live_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct consumer_channel *ch = userdata;

	for (unsigned i = 0; ch->has_output && !ch->write_error && i < ch->stream_count; i++) {
		struct consumer_stream *s = &ch->streams[i];
		uint64_t ts, before = s->packets_written;

		if (!s->file || lttng_ust_ctl_get_current_timestamp(s->ust, &ts) < 0)
			continue;
		(void) lttng_ust_ctl_flush_buffer(s->ust, 1);
		stream_drain(s);
		if (s->packets_written == before && !ch->write_error)
			(void) stream_file_send_beacon(s->file, ts, ch->chan_id);
	}
	(void) sd_event_source_set_time_relative(src, ch->live_timer_us);
	return 0;
}

static int read_timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct consumer_channel *ch = userdata;

	channel_drain(ch);
	(void) sd_event_source_set_time_relative(src, ch->read_timer_us);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Creation and teardown.                                                     */

/* The channel's files in its shm directory go with it (LTTng's consumer and session
 * daemon remove them; a crashed daemon leaves them to lttng-crash). */
static void shm_files_remove(const struct consumer_channel *ch)
{
	char path[PATH_MAX];

	if (ch->is_metadata) {
		if ((size_t) snprintf(path, sizeof(path), "%s/metadata", ch->shm_dir) < sizeof(path))
			(void) unlink(path);
		return;
	}
	for (int i = 0; i < ch->shm_fd_count; i++)
		if ((size_t) snprintf(path, sizeof(path), "%s/%s_%d", ch->shm_dir, ch->name, i) <
		    sizeof(path))
			(void) unlink(path);
}

static void channel_free(struct consumer_channel *ch)
{
	sd_event_source_disable_unref(ch->switch_timer);
	sd_event_source_disable_unref(ch->read_timer);
	sd_event_source_disable_unref(ch->live_timer);
	for (unsigned i = 0; i < ch->stream_count; i++) {
		struct consumer_stream *s = &ch->streams[i];

		sd_event_source_disable_unref(s->watch);
		if (s->file)
			stream_file_close(s->file);
		if (s->ust)
			lttng_ust_ctl_destroy_stream(s->ust);
	}
	free(ch->streams);
	if (ch->ust)
		lttng_ust_ctl_destroy_channel(ch->ust);
	/* liblttng-ust-ctl maps these but does not own them. */
	for (int i = 0; i < ch->shm_fd_count; i++)
		if (ch->shm_fds[i] >= 0)
			close(ch->shm_fds[i]);
	free(ch->shm_fds);
	if (ch->shm_dir)
		shm_files_remove(ch);
	if (ch->shm_metadata_fd >= 0)
		close(ch->shm_metadata_fd);
	free(ch->shm_dir);
	if (ch->metadata)
		metadata_file_close(ch->metadata);
	dir_watch_release(ch->set->dirs, ch->dir_wd);
	list_remove(&ch->link);
	free(ch);
}

void channel_set_fini(struct channel_set *set)
{
	struct consumer_channel *ch, *tmp;

	if (set->relays)
		relay_set_unlisten(set->relays, &set->relay_listener);
	list_for_each_entry_safe(ch, tmp, &set->channels, link) {
		/* Close the packets being filled too: nothing buffered is lost. */
		for (unsigned i = 0; i < ch->stream_count && ch->has_output; i++)
			(void) lttng_ust_ctl_flush_buffer(ch->streams[i].ust, 0);
		channel_drain(ch);
		channel_free(ch);
	}
	dir_watch_free(set->dirs);
	set->dirs = NULL;
	free(set->gone);
	set->gone = NULL;
	set->gone_count = set->gone_capacity = 0;
}

/* One shared-memory file per stream: anonymous (named then unlinked at once) in
 * /dev/shm, or a real file below shm_dir when the session has a --shm-path. */
static int open_shm_file(const char *shm_dir, const char *name, int cpu)
{
	static unsigned counter;
	char path[PATH_MAX];
	int fd;

	if (shm_dir[0]) {
		if (snprintf(path, sizeof(path), "%s/%s_%d", shm_dir, name, cpu) >= (int) sizeof(path))
			return -ENAMETOOLONG;
		/* A fresh file: never through a link, never someone else's file. */
		(void) unlink(path);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		return fd < 0 ? -errno : fd;
	}
	for (int attempt = 0; attempt < 16; attempt++) {
		snprintf(path, sizeof(path), "/ust-consumer-%d-%u", (int) getpid(), counter++);
		fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			(void) shm_unlink(path);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int send_status(int sock, int status, uint32_t value)
{
	struct consumer_wire_status st = { .status = status, .value = value };

	return consumer_send(sock, CONSUMER_MSG_STATUS, &st, sizeof(st), STATUS_TIMEOUT_MS);
}

static int create_ring_buffers(struct consumer_channel *ch, const struct consumer_wire_add_channel *msg)
{
	struct lttng_ust_ctl_consumer_channel_attr attr = {
		.type = LTTNG_UST_ABI_CHAN_PER_CPU,
		.subbuf_size = msg->subbuf_size,
		.num_subbuf = msg->num_subbuf,
		.overwrite = (int) msg->overwrite,
		.switch_timer_interval = 0, /* our timers run on this loop */
		.read_timer_interval = 0,
		.output = LTTNG_UST_ABI_MMAP,
		.chan_id = msg->chan_id,
		.blocking_timeout = msg->blocking_timeout_us,
	};
	int nr = lttng_ust_ctl_get_nr_stream_per_channel();
	int *fds;
	int r = 0;

	if (nr <= 0)
		return -EINVAL;
	memcpy(attr.uuid, msg->uuid, sizeof(attr.uuid));
	fds = calloc((size_t) nr, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (int i = 0; i < nr; i++)
		fds[i] = -1;
	if (msg->shm_directory[0]) {
		int shm_dir_fd = -1;

		r = output_dir_make(msg->shm_directory, msg->uid, msg->gid, &shm_dir_fd);
		if (r == 0)
			close(shm_dir_fd);
	}
	for (int i = 0; i < nr && r == 0; i++) {
		fds[i] = open_shm_file(msg->shm_directory, msg->name, i);
		if (fds[i] < 0)
			r = fds[i];
	}
	if (r == 0) {
		ch->ust = lttng_ust_ctl_create_channel(&attr, fds, nr);
		if (!ch->ust)
			r = -ENOMEM;
	}
	/* The library maps the fds without taking them: they are closed with the
	 * channel (channel_free). */
	ch->shm_fds = fds;
	if (msg->shm_directory[0] && !(ch->shm_dir = strdup(msg->shm_directory)))
		return -ENOMEM;
	ch->shm_fd_count = nr;
	if (r < 0)
		return r;
	ch->streams = calloc((size_t) nr, sizeof(*ch->streams));
	if (!ch->streams)
		return -ENOMEM;
	for (int cpu = 0; cpu < nr; cpu++) {
		struct lttng_ust_ctl_consumer_stream *s = lttng_ust_ctl_create_stream(ch->ust, cpu);

		if (!s)
			break;
		ch->streams[ch->stream_count].ust = s;
		ch->streams[ch->stream_count].cpu = cpu;
		ch->streams[ch->stream_count].channel = ch;
		ch->stream_count++;
	}
	return ch->stream_count ? 0 : -EINVAL;
}

/* Opens each stream's file in dir_fd or, with a relay connection, its stream on
 * the relay daemon below relay_path. */
static int open_stream_files(struct consumer_channel *ch, int dir_fd, struct relay_conn *relay,
			     const char *relay_path)
{
	for (unsigned i = 0; i < ch->stream_count; i++) {
		struct consumer_stream *s = &ch->streams[i];
		char name[CONSUMER_NAME_MAX + 16];
		int err = 0;

		snprintf(name, sizeof(name), "%s_%d", ch->name, s->cpu);
		s->packets_at_chunk_start = s->packets_written;
		if (relay)
			s->file = stream_file_open_relay(relay, relay_path, name, ch->tracefile_size,
							 ch->tracefile_count, true, &err);
		else
			s->file = stream_file_open(dir_fd, name, ch->tracefile_size,
						   ch->tracefile_count, ch->uid, ch->gid, true, &err);
		if (!s->file)
			return err ? err : -EIO;
	}
	if (relay)
		relay_conn_streams_sent(relay);
	return 0;
}

static int watch_streams(struct channel_set *set, struct consumer_channel *ch)
{
	for (unsigned i = 0; i < ch->stream_count && ch->has_output; i++) {
		struct consumer_stream *s = &ch->streams[i];
		int fd = lttng_ust_ctl_stream_get_wait_fd(s->ust);
		int r;

		if (fd < 0)
			return fd;
		(void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		r = sd_event_add_io(set->loop, &s->watch, fd, EPOLLIN, stream_wakeup_cb, s);
		if (r < 0)
			return r;
	}
	if (ch->switch_timer_us) {
		int r = sd_event_add_time_relative(set->loop, &ch->switch_timer, CLOCK_MONOTONIC,
						   ch->switch_timer_us, 0, switch_timer_cb, ch);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(ch->switch_timer, SD_EVENT_ON);
	}
	if (ch->read_timer_us) {
		int r = sd_event_add_time_relative(set->loop, &ch->read_timer, CLOCK_MONOTONIC,
						   ch->read_timer_us, 0, read_timer_cb, ch);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(ch->read_timer, SD_EVENT_ON);
	}
	return 0;
}

/*
 * Once the session daemon has the buffers' objects, this daemon needs of them only
 * the mapped memory and each stream's wait end (its wake-ups): the shared-memory
 * files, the channel's pipe and the streams' wake-up ends are closed (liblttng-ust-ctl
 * reads none of them after the sending, doc/protocol/app-fd-budget.md). That is
 * three descriptors fewer per stream, per application with per-PID buffers. The
 * applications hold the wake-up ends, so a stream's pipe also reports its last
 * writer's exit as a hang-up.
 */
static void close_handed_on_fds(struct consumer_channel *ch)
{
	(void) lttng_ust_ctl_channel_close_wakeup_fd(ch->ust);
	(void) lttng_ust_ctl_channel_close_wait_fd(ch->ust);
	for (unsigned i = 0; i < ch->stream_count; i++)
		(void) lttng_ust_ctl_stream_close_wakeup_fd(ch->streams[i].ust);
	for (int i = 0; i < ch->shm_fd_count; i++) {
		if (ch->shm_fds[i] >= 0)
			close(ch->shm_fds[i]);
		ch->shm_fds[i] = -1;
	}
}

static int send_objects(struct consumer_channel *ch, int sock)
{
	int r = lttng_ust_ctl_send_channel_to_sessiond(sock, ch->ust);

	for (unsigned i = 0; i < ch->stream_count && r >= 0; i++)
		r = lttng_ust_ctl_send_stream_to_sessiond(sock, ch->streams[i].ust);
	if (r >= 0)
		r = lttng_ust_ctl_send_stream_to_sessiond(sock, NULL);
	if (r >= 0)
		close_handed_on_fds(ch);
	return r;
}

/* Opens the channel's files (metadata: an empty one) in directory: a local
 * directory, or a relative one on the session's relay daemon. */
static int open_files(struct consumer_channel *ch, const char *directory)
{
	struct fs_identity identity;
	_cleanup_close_ int dir_fd = -1;
	int r;

	if (directory[0] != '/') {
		struct relay_conn *relay = relay_set_find(ch->set->relays, ch->session_id);

		if (!relay)
			return log_error_errno(-ENOTCONN, "Channel %s: its session has no relay "
					       "daemon connection", ch->name);
		if (ch->is_metadata) {
			ch->metadata = metadata_file_open_relay(relay, directory, ch->uuid, &r);
			if (ch->metadata)
				relay_conn_streams_sent(relay);
			return ch->metadata ? 0 : r;
		}
		r = open_stream_files(ch, -1, relay, directory);
		ch->live_timer_us = relay_conn_live_timer_us(relay);
		if (r == 0 && ch->live_timer_us && !ch->live_timer) {
			/* Accuracy 1 µs: sd-event's default (0) would let it slip by up
			 * to 250 ms, longer than a live timer's period. */
			r = sd_event_add_time_relative(ch->set->loop, &ch->live_timer,
						       CLOCK_MONOTONIC, ch->live_timer_us, 1,
						       live_timer_cb, ch);
			if (r == 0)
				(void) sd_event_source_set_enabled(ch->live_timer, SD_EVENT_ON);
		}
		return r;
	}
	fs_identity_enter(ch->uid, ch->gid, &identity);
	r = output_dir_make(directory, ch->uid, ch->gid, &dir_fd);
	if (r == 0 && ch->is_metadata) {
		ch->metadata = metadata_file_open(dir_fd, ch->uuid, ch->uid, ch->gid, &r);
		if (ch->metadata)
			metadata_file_set_packing(ch->metadata, true);
	} else if (r == 0) {
		r = open_stream_files(ch, dir_fd, NULL, NULL);
	}
	fs_identity_leave(&identity);
	if (r < 0)
		return log_error_errno(r, "Channel %s: cannot create its files in %s", ch->name,
				       directory);
	watch_trace_dir(ch, directory);
	return 0;
}

int channel_add_data(struct channel_set *set, const struct consumer_wire_add_channel *msg, int sock)
{
	struct fs_identity identity;
	struct consumer_channel *ch;
	int r;

	if (channel_find(set, msg->key))
		return send_status(sock, -EINVAL, 0) < 0 ? -EPIPE : -EINVAL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return send_status(sock, -ENOMEM, 0) < 0 ? -EPIPE : -ENOMEM;
	ch->set = set;
	ch->dir_wd = -1;
	ch->shm_metadata_fd = -1;
	ch->key = msg->key;
	ch->session_id = msg->session_id;
	ch->switch_timer_us = msg->switch_timer_us;
	ch->read_timer_us = msg->read_timer_us;
	memcpy(ch->name, msg->name, sizeof(ch->name));
	ch->uid = msg->uid;
	ch->gid = msg->gid;
	ch->tracefile_size = msg->tracefile_size;
	ch->tracefile_count = msg->tracefile_count;
	ch->chan_id = msg->chan_id;
	ch->has_output = msg->directory[0] != '\0';
	list_append(&set->channels, &ch->link);
	fs_identity_enter(msg->uid, msg->gid, &identity);
	r = create_ring_buffers(ch, msg);
	fs_identity_leave(&identity);
	if (r == 0 && ch->has_output)
		r = open_files(ch, msg->directory);
	if (r == 0)
		r = watch_streams(set, ch);
	if (r < 0) {
		channel_free(ch);
		return send_status(sock, r, 0) < 0 ? -EPIPE : r;
	}
	r = send_status(sock, 0, ch->stream_count);
	if (r == 0)
		r = send_objects(ch, sock);
	if (r < 0) {
		channel_free(ch);
		return -EPIPE;
	}
	log_info("Channel %s (key %llu): %u streams in %s", ch->name, (unsigned long long) ch->key,
		 ch->stream_count, msg->directory);
	return 0;
}

/* The raw TSDL copy beside the ring buffers (LTTng's session daemon keeps one there,
 * T:ust-registry.c ust_registry_session_init: created exclusively, 0600, as the
 * session's user). */
static int open_shm_metadata(struct consumer_channel *ch, const char *shm_dir)
{
	struct fs_identity identity;
	_cleanup_close_ int dir_fd = -1;
	int r;

	ch->shm_dir = strdup(shm_dir);
	if (!ch->shm_dir)
		return -ENOMEM;
	fs_identity_enter(ch->uid, ch->gid, &identity);
	r = output_dir_make(shm_dir, ch->uid, ch->gid, &dir_fd);
	if (r == 0) {
		(void) unlinkat(dir_fd, "metadata", 0); /* a previous life's */
		ch->shm_metadata_fd = openat(dir_fd, "metadata",
					     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					     0600);
		if (ch->shm_metadata_fd < 0)
			r = -errno;
	}
	fs_identity_leave(&identity);
	if (r < 0)
		log_error_errno(r, "Cannot create the shm metadata copy in %s", shm_dir);
	return r;
}

int channel_add_metadata(struct channel_set *set, const struct consumer_wire_add_metadata *msg)
{
	struct consumer_channel *ch;
	int r;

	if (channel_find(set, msg->key))
		return -EINVAL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->set = set;
	ch->dir_wd = -1;
	ch->shm_metadata_fd = -1;
	ch->key = msg->key;
	ch->session_id = msg->session_id;
	ch->is_metadata = true;
	ch->uid = msg->uid;
	ch->gid = msg->gid;
	memcpy(ch->uuid, msg->uuid, sizeof(ch->uuid));
	snprintf(ch->name, sizeof(ch->name), "metadata");
	list_append(&set->channels, &ch->link);
	/* Metadata is written as soon as applications describe their events (a trace
	 * stays readable if we die), in as few packets as LTTng's batched pushes
	 * (open_files turns packing on). */
	r = msg->directory[0] ? open_files(ch, msg->directory) : 0;
	if (r == 0 && msg->shm_directory[0])
		r = open_shm_metadata(ch, msg->shm_directory);
	if (r < 0)
		channel_free(ch);
	return r;
}

int channel_push_metadata(struct channel_set *set, const struct consumer_wire_push_metadata *msg,
			  const char *text)
{
	struct consumer_channel *ch = channel_find(set, msg->key);
	int r;

	if (!ch || !ch->is_metadata)
		return -ENOENT;
	if (ch->shm_metadata_fd >= 0) {
		/* The shm copy holds the text at its offsets (a push of the whole text
		 * again after a rotation rewrites the same bytes). Not the answer's
		 * business: a crash copy that cannot be written is only logged. */
		if (msg->reset && ftruncate(ch->shm_metadata_fd, 0) < 0)
			log_warn("Cannot empty the shm metadata copy: %s", strerror(errno));
		r = trace_file_pwrite_all(ch->shm_metadata_fd, text, msg->length, msg->offset);
		if (r < 0)
			log_warn("Cannot write the shm metadata copy: %s", strerror(-r));
	}
	if (!ch->metadata)
		return 0; /* closed by a rotation (the next directory gets the whole text),
			   * or a snapshot session's shm copy only */
	if (msg->reset) {
		r = metadata_file_truncate(ch->metadata);
		if (r < 0)
			return r;
		ch->metadata_length = 0;
	}
	if (ch->write_error)
		return ch->write_error; /* the first failure stays the answer */
	if (msg->offset != ch->metadata_length)
		return -ERANGE;
	r = metadata_file_append(ch->metadata, text, msg->length);
	if (r < 0) {
		ch->write_error = r;
		return r;
	}
	ch->metadata_length += msg->length;
	return 0;
}

/* Every stream closes the packet being filled (an empty one too), then what is
 * readable is written; the channel's first write error. */
static int flush_and_drain(struct consumer_channel *ch)
{
	for (unsigned i = 0; i < ch->stream_count; i++)
		(void) lttng_ust_ctl_flush_buffer(ch->streams[i].ust, 0);
	channel_drain(ch);
	return ch->write_error;
}

int channel_flush(struct channel_set *set, uint64_t key)
{
	struct consumer_channel *ch = channel_find(set, key);

	return ch ? flush_and_drain(ch) : -ENOENT;
}

/* A rotation's flush (as LTTng's, T:consumer.c lttng_consumer_rotate_channel): every
 * stream closes the packet it fills if it holds events (an "active" switch, safe while
 * the application writes), and what is readable is written; a stream that wrote no
 * packet in the chunk then gets an empty one, so that no file of the chunk is empty
 * (not one whose stream class the metadata does not declare yet). The ring buffers'
 * snapshot positions are not touched: they belong to the normal reading. */
static int rotation_flush_and_drain(struct consumer_channel *ch, bool undeclared)
{
	for (unsigned i = 0; i < ch->stream_count; i++)
		(void) lttng_ust_ctl_flush_buffer(ch->streams[i].ust, 1);
	channel_drain(ch);
	for (unsigned i = 0; !undeclared && i < ch->stream_count; i++) {
		struct consumer_stream *s = &ch->streams[i];

		if (s->packets_written > s->packets_at_chunk_start)
			continue;
		(void) lttng_ust_ctl_flush_buffer(s->ust, 0);
		stream_drain(s);
	}
	return ch->write_error;
}

/* A streamed channel moving to the relay daemon's new chunk: its relay streams are
 * rotated in place (ROTATE_STREAMS), so that live viewers go on reading them. 1 when
 * that cannot be done (a stream without its handle yet): the caller closes and adds
 * them again. */
static int rotate_relay_streams(struct consumer_channel *ch)
{
	struct relay_stream *streams[CONSUMER_MAX_STREAMS];
	uint64_t next[CONSUMER_MAX_STREAMS];
	struct relay_conn *relay = NULL;
	unsigned n = 0;
	int r;

	if (ch->is_metadata) {
		if (!ch->metadata || !metadata_file_relay_stream(ch->metadata))
			return 1;
		streams[n] = metadata_file_relay_stream(ch->metadata);
		next[n++] = 0;
	}
	for (unsigned i = 0; !ch->is_metadata && i < ch->stream_count; i++) {
		struct consumer_stream *s = &ch->streams[i];

		if (!s->file || !stream_file_relay_stream(s->file))
			return 1;
		streams[n] = stream_file_relay_stream(s->file);
		/* The next packet's sequence number: after the last one written. */
		next[n++] = s->have_seq ? s->last_seq + 1 : 0;
	}
	if (!n)
		return 1;
	relay = relay_stream_conn(streams[0]);
	r = relay_streams_rotate(relay, streams, next, n);
	if (r == -EAGAIN)
		return 1;
	if (r < 0)
		return r;
	if (ch->is_metadata) {
		/* The session daemon pushes the whole text again, from offset 0. */
		metadata_file_restart(ch->metadata);
		ch->metadata_length = 0;
	} else {
		for (unsigned i = 0; i < ch->stream_count; i++)
			ch->streams[i].packets_at_chunk_start = ch->streams[i].packets_written;
	}
	return 0;
}

int channel_rotate(struct channel_set *set, const struct consumer_wire_rotate *msg)
{
	struct consumer_channel *ch = channel_find(set, msg->key);
	int r;

	if (!ch)
		return -ENOENT;
	if (msg->directory[0] && msg->directory[0] != '/' && (ch->has_output || ch->metadata)) {
		/* Streamed and going on: rotated in place on the relay daemon. */
		r = !ch->is_metadata ? rotation_flush_and_drain(ch, msg->undeclared) : ch->write_error;
		if (r == 0) {
			int e = rotate_relay_streams(ch);

			if (e <= 0)
				return e;
		}
	}
	/* Whatever is recorded until now goes to the files being closed; every stream
	 * ends its chunk with a packet, an empty one if need be (as LTTng's chunks: no
	 * stream file of a chunk is empty). Without files (closed by the last
	 * rotation) the buffers keep it all for the next ones. */
	r = !ch->is_metadata && ch->has_output ? rotation_flush_and_drain(ch, msg->undeclared)
					       : ch->write_error;
	for (unsigned i = 0; i < ch->stream_count; i++) {
		if (ch->streams[i].file)
			stream_file_close(ch->streams[i].file);
		ch->streams[i].file = NULL;
	}
	if (ch->metadata)
		metadata_file_close(ch->metadata);
	ch->metadata = NULL;
	ch->metadata_length = 0;
	dir_watch_release(set->dirs, ch->dir_wd);
	ch->dir_wd = -1;
	/* Without files, nothing is drained: the buffers keep it for the next ones. */
	ch->has_output = false;
	ch->write_error = 0;
	if (msg->directory[0]) {
		int e = open_files(ch, msg->directory);

		if (e < 0) {
			ch->write_error = e;
			return e;
		}
		ch->has_output = !ch->is_metadata;
	}
	return r;
}

#define GONE_SESSIONS_MAX 65536u /* sessions whose gone channels are remembered */

/* Remembers what a channel that goes wrote for its session. */
static void remember_gone_bytes(struct channel_set *set, const struct consumer_channel *ch)
{
	struct consumed_by_session *e;

	if (ch->is_metadata || !ch->bytes_written)
		return;
	for (size_t i = 0; i < set->gone_count; i++) {
		if (set->gone[i].session_id == ch->session_id) {
			set->gone[i].bytes += ch->bytes_written;
			return;
		}
	}
	if (set->gone_count == set->gone_capacity) {
		size_t cap = set->gone_capacity ? 2 * set->gone_capacity : 16;

		if (cap > GONE_SESSIONS_MAX)
			return; /* bounded: older sessions' counts are enough */
		e = realloc(set->gone, cap * sizeof(*e));
		if (!e)
			return;
		set->gone = e;
		set->gone_capacity = cap;
	}
	set->gone[set->gone_count++] = (struct consumed_by_session) {
		.session_id = ch->session_id,
		.bytes = ch->bytes_written,
	};
}

int channel_destroy(struct channel_set *set, uint64_t key)
{
	struct consumer_channel *ch = channel_find(set, key);
	int r;

	if (!ch)
		return -ENOENT;
	channel_drain(ch);
	r = ch->write_error;
	remember_gone_bytes(set, ch);
	channel_free(ch);
	return r;
}

/* Where a snapshot starts reading: the newest `packets` sub-buffers before the
 * produced position, but never before what is still unread. */
static unsigned long snapshot_start(unsigned long consumed, unsigned long produced, uint64_t packets,
				    unsigned long subbuf_size)
{
	unsigned long start;

	if (packets == 0 || subbuf_size == 0)
		return consumed;
	start = produced - produced % subbuf_size;
	start -= subbuf_size * (unsigned long) packets;
	return (long) (start - consumed) < 0 ? consumed : start;
}

/* A snapshot of one stream into dir_fd, or to the relay daemon (relay set) below
 * msg->directory there. */
static int snapshot_stream(struct consumer_stream *s, const struct consumer_wire_snapshot *msg,
			   int dir_fd, struct relay_conn *relay)
{
	struct lttng_ust_ctl_consumer_stream *u = s->ust;
	unsigned long consumed, produced, subbuf_size = 0;
	char name[CONSUMER_NAME_MAX + 16];
	struct stream_file *file;
	int r, err = 0;

	if (msg->session_active)
		(void) lttng_ust_ctl_flush_buffer(u, 0);
	r = lttng_ust_ctl_snapshot(u);
	if (r == 0)
		r = lttng_ust_ctl_snapshot_get_produced(u, &produced);
	if (r == 0)
		r = lttng_ust_ctl_snapshot_get_consumed(u, &consumed);
	if (r == 0)
		r = lttng_ust_ctl_get_max_subbuf_size(u, &subbuf_size);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "%s_%d", s->channel->name, s->cpu);
	if (relay)
		file = stream_file_open_relay(relay, msg->directory, name, 0, 0, false, &err);
	else
		file = stream_file_open(dir_fd, name, 0, 0, msg->uid, msg->gid, false, &err);
	if (!file)
		return err ? err : -EIO;
	for (unsigned long pos = snapshot_start(consumed, produced, msg->packets_per_stream,
						subbuf_size);
	     (long) (pos - produced) < 0; pos += subbuf_size) {
		struct packet_info info = { 0 };
		unsigned long padded = 0, offset = 0;
		void *base;

		if (lttng_ust_ctl_get_subbuf(u, &pos) < 0)
			continue; /* overwritten meanwhile: the next one */
		r = lttng_ust_ctl_get_padded_subbuf_size(u, &padded);
		if (r == 0)
			r = lttng_ust_ctl_get_mmap_read_offset(u, &offset);
		/* What a relay daemon needs to strip the padding. */
		if (r == 0)
			r = lttng_ust_ctl_get_content_size(u, &info.content_size_bits);
		if (r == 0)
			r = lttng_ust_ctl_get_packet_size(u, &info.packet_size_bits);
		base = lttng_ust_ctl_get_mmap_base(u);
		if (r == 0 && base)
			r = stream_file_write_packet(file, (const char *) base + offset, padded, &info);
		(void) lttng_ust_ctl_put_subbuf(u);
		if (r < 0 || !base)
			break;
	}
	stream_file_close(file);
	return r < 0 ? r : 0;
}

int channel_snapshot(struct channel_set *set, const struct consumer_wire_snapshot *msg)
{
	struct fs_identity identity;
	struct consumer_channel *ch = channel_find(set, msg->key);
	_cleanup_close_ int dir_fd = -1;
	int r;

	if (!ch || ch->is_metadata)
		return -ENOENT;
	if (msg->directory[0] != '/') { /* a record on the session's relay daemon */
		struct relay_conn *relay = relay_set_find(set->relays, ch->session_id);

		r = relay ? 0 : -ENOTCONN;
		for (unsigned i = 0; i < ch->stream_count && r == 0; i++)
			r = snapshot_stream(&ch->streams[i], msg, -1, relay);
		if (r < 0)
			log_error_errno(r, "Snapshot of channel %s to lttng-relayd failed", ch->name);
		return r;
	}
	fs_identity_enter(msg->uid, msg->gid, &identity);
	r = output_dir_make(msg->directory, msg->uid, msg->gid, &dir_fd);
	if (r < 0) {
		fs_identity_leave(&identity);
		return log_error_errno(r, "Cannot create the snapshot directory %s", msg->directory);
	}
	for (unsigned i = 0; i < ch->stream_count && r == 0; i++)
		r = snapshot_stream(&ch->streams[i], msg, dir_fd, NULL);
	fs_identity_leave(&identity);
	if (r < 0)
		log_error_errno(r, "Snapshot of channel %s into %s failed", ch->name, msg->directory);
	return r;
}

bool channel_session_data_pending(struct channel_set *set, uint64_t session_id)
{
	struct consumer_channel *ch;

	list_for_each_entry(ch, &set->channels, link) {
		if (ch->session_id != session_id || ch->is_metadata)
			continue;
		/* Anything readable is written now; what cannot be read is not pending. */
		channel_drain(ch);
	}
	return false;
}

int channel_clear(struct channel_set *set, uint64_t key)
{
	struct consumer_channel *ch = channel_find(set, key);

	if (!ch)
		return -ENOENT;
	if (ch->is_metadata)
		return 0; /* the metadata stays: a trace needs it */
	/* The packet being filled closes, then everything not yet consumed goes. */
	for (unsigned i = 0; i < ch->stream_count; i++) {
		(void) lttng_ust_ctl_flush_buffer(ch->streams[i].ust, 1);
		if (lttng_ust_ctl_clear_buffer(ch->streams[i].ust) < 0)
			return -EIO;
	}
	return 0;
}

uint64_t channel_session_consumed(struct channel_set *set, uint64_t session_id)
{
	struct consumer_channel *ch;
	uint64_t total = 0;

	list_for_each_entry(ch, &set->channels, link)
		if (ch->session_id == session_id && !ch->is_metadata)
			total += ch->bytes_written;
	for (size_t i = 0; i < set->gone_count; i++)
		if (set->gone[i].session_id == session_id)
			total += set->gone[i].bytes;
	return total;
}

int channel_stats(struct channel_set *set, uint64_t key, uint64_t *discarded, uint64_t *lost)
{
	struct consumer_channel *ch = channel_find(set, key);

	if (!ch)
		return -ENOENT;
	*discarded = 0;
	for (unsigned i = 0; i < ch->stream_count; i++)
		*discarded += ch->streams[i].discarded;
	*lost = ch->lost_packets;
	return 0;
}
