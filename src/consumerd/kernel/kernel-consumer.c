/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel traces and channels by key; see kernel-consumer.h. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <unistd.h>

#include "kchannel.h"
#include "kernel-consumer.h"
#include "kproc-feed.h"
#include "kstatedump.h"
#include "ktrace.h"
#include "log.h"
#include "output-dir.h"

struct kernel_consumer {
	sd_event *loop;
	struct relay_set *relays;	       /* sessions streamed to lttng-relayd */
	struct relay_listener relay_listener; /* their connections have room again */
	struct list_node traces; /* struct ktrace */
	struct kproc_feed *feed; /* NULL where the kernel refuses process events */
	sd_event_source *feed_source;
};

static int feed_ready_cb(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	kproc_feed_drain(userdata);
	return 0;
}

/* A relay connection has room again (or failed): read its session's channels. */
static void relay_writable(struct relay_listener *l, uint64_t session_id)
{
	struct kernel_consumer *kc = container_of(l, struct kernel_consumer, relay_listener);
	struct ktrace *t;
	struct kchannel *ch;

	list_for_each_entry(t, &kc->traces, link) {
		if (t->session_id != session_id)
			continue;
		list_for_each_entry(ch, &t->channels, link)
			kchannel_read(ch);
	}
}

struct kernel_consumer *kernel_consumer_new(sd_event *loop, struct relay_set *relays)
{
	struct kernel_consumer *kc = calloc(1, sizeof(*kc));

	if (!kc)
		return NULL;
	kc->loop = loop;
	kc->relays = relays;
	kc->relay_listener.writable = relay_writable;
	relay_set_listen(relays, &kc->relay_listener);
	list_init(&kc->traces);
	kc->feed = kproc_feed_open("/proc");
	if (!kc->feed) {
		log_info("Process events (netlink proc connector) unavailable: %s; tasks are "
			 "looked up in /proc when their records are read", strerror(errno));
	} else if (sd_event_add_io(loop, &kc->feed_source, kproc_feed_fd(kc->feed), EPOLLIN,
				   feed_ready_cb, kc->feed) < 0) {
		kproc_feed_free(kc->feed);
		kc->feed = NULL;
	}
	return kc;
}

static void trace_destroy(struct ktrace *t)
{
	struct kchannel *ch, *tmp;

	list_for_each_entry_safe(ch, tmp, &t->channels, link)
		kchannel_free(ch);
	ktrace_free(t);
}

void kernel_consumer_free(struct kernel_consumer *kc)
{
	struct ktrace *t, *tmp;

	if (!kc)
		return;
	relay_set_unlisten(kc->relays, &kc->relay_listener);
	list_for_each_entry_safe(t, tmp, &kc->traces, link)
		trace_destroy(t);
	sd_event_source_disable_unref(kc->feed_source);
	kproc_feed_free(kc->feed);
	free(kc);
}

static struct ktrace *find_trace(struct kernel_consumer *kc, uint64_t key)
{
	struct ktrace *t;

	list_for_each_entry(t, &kc->traces, link)
		if (t->key == key)
			return t;
	return NULL;
}

static struct kchannel *find_channel(struct kernel_consumer *kc, uint64_t key)
{
	struct ktrace *t;
	struct kchannel *ch;

	list_for_each_entry(t, &kc->traces, link)
		list_for_each_entry(ch, &t->channels, link)
			if (ch->key == key)
				return ch;
	return NULL;
}

/* Keys are unique across traces and channels (the session daemon's counter). */
static bool key_used(struct kernel_consumer *kc, uint64_t key)
{
	return find_trace(kc, key) || find_channel(kc, key);
}

int kernel_add_trace(struct kernel_consumer *kc, const struct consumer_wire_kernel_trace *m)
{
	struct ktrace *t;
	int r;

	if (key_used(kc, m->key))
		return -EEXIST;
	r = ktrace_new(m, kc->loop, kc->relays, &t);
	if (r < 0)
		return r;
	t->feed = kc->feed;
	list_append(&kc->traces, &t->link);
	return 0;
}

int kernel_add_channel(struct kernel_consumer *kc, const struct consumer_wire_kernel_channel *m)
{
	struct ktrace *t = find_trace(kc, m->trace_key);
	struct kchannel *ch;
	int r;

	if (!t)
		return -ENOENT;
	if (key_used(kc, m->key))
		return -EEXIST;
	r = kchannel_new(t, m, &ch);
	if (r < 0)
		return r;
	list_append(&t->channels, &ch->link);
	return 0;
}

int kernel_add_events(struct kernel_consumer *kc, const struct consumer_wire_kernel_events *head,
		      const struct consumer_wire_kernel_event *entries)
{
	struct kchannel *ch = find_channel(kc, head->channel_key);

	if (!ch)
		return -ENOENT;
	return kchannel_add_events(ch, entries, head->count);
}

int kernel_add_context(struct kernel_consumer *kc, const struct consumer_wire_kernel_context *m)
{
	struct kchannel *ch = find_channel(kc, m->channel_key);

	if (!ch)
		return -ENOENT;
	return kchannel_add_context(ch, m->ctx);
}

int kernel_set_filter(struct kernel_consumer *kc, const struct consumer_wire_kernel_filter *head,
		      const char *text, const struct consumer_wire_kernel_event *entries)
{
	struct kchannel *ch = find_channel(kc, head->channel_key);

	if (!ch)
		return -ENOENT;
	return kchannel_set_filter(ch, head->flags & CONSUMER_KERNEL_FILTER_REPLACE, text,
				   head->text_len, entries, head->count);
}

int kernel_track_ids(struct kernel_consumer *kc, const struct consumer_wire_kernel_ids *head,
		     const void *ids)
{
	struct ktrace *t = find_trace(kc, head->trace_key);

	if (!t)
		return -ENOENT;
	return ktrace_track_ids(t, (enum consumer_kernel_tracker) head->tracker, head->all != 0,
				ids, head->count);
}

int kernel_statedump(struct kernel_consumer *kc, uint64_t trace_key)
{
	struct ktrace *t = find_trace(kc, trace_key);

	if (!t)
		return -ENOENT;
	return kstatedump_run(&t->channels, "/proc");
}

int kernel_regenerate_metadata(struct kernel_consumer *kc, uint64_t trace_key)
{
	struct ktrace *t = find_trace(kc, trace_key);

	if (!t)
		return -ENOENT;
	return ktrace_regenerate(t);
}

int kernel_flush(struct kernel_consumer *kc, uint64_t key)
{
	struct kchannel *ch = find_channel(kc, key);
	struct ktrace *t;
	int r = 0;

	if (ch)
		return kchannel_flush(ch);
	t = find_trace(kc, key);
	if (!t)
		return -ENOENT;
	list_for_each_entry(ch, &t->channels, link) {
		int cr = kchannel_flush(ch);

		r = r ? r : cr;
	}
	return r ? r : t->write_error;
}

uint64_t kernel_session_consumed(struct kernel_consumer *kc, uint64_t session_id)
{
	struct ktrace *t;
	struct kchannel *ch;
	uint64_t total = 0;

	list_for_each_entry(t, &kc->traces, link)
		if (t->session_id == session_id)
			list_for_each_entry(ch, &t->channels, link)
				total += ch->bytes_written;
	return total;
}

int kernel_clear(struct kernel_consumer *kc, uint64_t key)
{
	struct ktrace *t = find_trace(kc, key);
	struct kchannel *ch;

	if (!t)
		return find_channel(kc, key) ? -EINVAL : -ENOENT; /* a trace clears whole */
	list_for_each_entry(ch, &t->channels, link)
		kchannel_clear(ch);
	return 0;
}

int kernel_rotate(struct kernel_consumer *kc, const struct consumer_wire_rotate *m)
{
	struct ktrace *t = find_trace(kc, m->key);

	if (!t)
		return find_channel(kc, m->key) ? -EINVAL : -ENOENT; /* a trace rotates whole */
	return ktrace_rotate(t, m->directory);
}

int kernel_destroy(struct kernel_consumer *kc, uint64_t key)
{
	struct kchannel *ch = find_channel(kc, key);
	struct ktrace *t;
	int r;

	if (ch) {
		r = kchannel_stop(ch);
		kchannel_free(ch);
		return r;
	}
	t = find_trace(kc, key);
	if (!t)
		return -ENOENT;
	r = t->write_error;
	trace_destroy(t);
	return r;
}

bool kernel_data_pending(struct kernel_consumer *kc, uint64_t session_id)
{
	struct ktrace *t;
	struct kchannel *ch;

	list_for_each_entry(t, &kc->traces, link) {
		if (t->session_id != session_id)
			continue;
		list_for_each_entry(ch, &t->channels, link)
			if (kchannel_data_pending(ch))
				return true;
	}
	return false;
}

int kernel_stats(struct kernel_consumer *kc, uint64_t key, uint64_t *discarded, uint64_t *lost)
{
	struct kchannel *ch = find_channel(kc, key);

	if (!ch)
		return -ENOENT;
	kchannel_stats(ch, discarded, lost);
	return 0;
}

int kernel_snapshot(struct kernel_consumer *kc, const struct consumer_wire_snapshot *m)
{
	struct kchannel *ch = find_channel(kc, m->key);
	struct ktrace *t;
	struct fs_identity identity;
	int dir_fd = -1, r;

	if (ch) {
		if (ktrace_streams_out(ch->trace))
			return -EOPNOTSUPP; /* not a snapshot session: nothing kept */
		return kchannel_snapshot(ch, m);
	}
	t = find_trace(kc, m->key);
	if (!t)
		return -ENOENT;
	/* The metadata of what the channels' snapshots hold: declare them first. */
	list_for_each_entry(ch, &t->channels, link)
		(void) kchannel_freeze(ch);
	if (m->directory[0] != '/') { /* a record on the session's relay daemon */
		struct relay_conn *relay = relay_set_find(kc->relays, t->session_id);

		return relay ? ktrace_send_metadata_to(t, relay, m->directory) : -ENOTCONN;
	}
	fs_identity_enter(m->uid, m->gid, &identity);
	r = output_dir_make(m->directory, m->uid, m->gid, &dir_fd);
	if (r == 0)
		r = ktrace_write_metadata_to(t, dir_fd, m->uid, m->gid);
	fs_identity_leave(&identity);
	if (dir_fd >= 0)
		close(dir_fd);
	return r;
}
