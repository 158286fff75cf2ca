/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel traces and their metadata; see ktrace.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kchannel.h"
#include "ktrace.h"
#include "log.h"
#include "macros.h"
#include "output-dir.h"

static void fill_env(struct ktrace *t)
{
	struct kmetadata_env *e = &t->env;

	memcpy(e->uuid, t->uuid, sizeof(e->uuid));
	e->hostname = t->hostname[0] ? t->hostname : t->host.nodename;
	e->sysname = t->host.sysname;
	e->kernel_release = t->host.release;
	e->kernel_version = t->host.version;
	e->trace_name = t->trace_name;
	e->creation_time = t->creation_time;
	e->clock_uuid = t->host.boot_id;
}

int ktrace_append(struct ktrace *t, const char *text, size_t len)
{
	int r = buffer_append(&t->text, text, len);

	if (r < 0)
		return r;
	if (t->md && !t->write_error) {
		r = metadata_file_append(t->md, text, len);
		if (r < 0) {
			t->write_error = r;
			log_error_errno(r, "Kernel trace %llu: cannot write its metadata",
					(unsigned long long) t->key);
		}
	}
	return 0;
}

static int write_preamble(struct ktrace *t)
{
	struct buffer text;
	int r;

	buffer_init(&text);
	r = kmetadata_preamble(&t->env, &text);
	if (r == 0)
		r = ktrace_append(t, (const char *) text.data, text.size);
	buffer_fini(&text);
	return r;
}

bool ktrace_streams_out(const struct ktrace *t)
{
	return t->dir_fd >= 0 || t->streamed;
}

struct relay_conn *ktrace_relay(const struct ktrace *t)
{
	return t->streamed && t->relays ? relay_set_find(t->relays, t->session_id) : NULL;
}

/* Makes directory (as the session's user) and opens its metadata file, empty; a
 * relative directory is the trace's place on the session's relay daemon. */
static int open_output(struct ktrace *t, const char *directory, struct relay_set *relays)
{
	struct fs_identity identity;
	int r;

	if (directory[0] != '/') {
		struct relay_conn *relay = relays ? relay_set_find(relays, t->session_id) : NULL;

		if (!relay)
			return -ENOTCONN;
		(void) copy_string(t->relay_path, sizeof(t->relay_path), directory);
		t->md = metadata_file_open_relay(relay, directory, t->uuid, &r);
		if (!t->md)
			return r;
		t->streamed = true;
		relay_conn_streams_sent(relay);
		return 0;
	}

	fs_identity_enter(t->uid, t->gid, &identity);
	r = output_dir_make(directory, t->uid, t->gid, &t->dir_fd);
	if (r == 0) {
		t->md = metadata_file_open(t->dir_fd, t->uuid, t->uid, t->gid, &r);
		if (t->md)
			metadata_file_set_packing(t->md, true);
	}
	fs_identity_leave(&identity);
	return r;
}

int ktrace_new(const struct consumer_wire_kernel_trace *m, sd_event *loop,
	       struct relay_set *relays, struct ktrace **ret)
{
	struct ktrace *t = calloc(1, sizeof(*t));
	int r = 0;

	if (!t)
		return -ENOMEM;
	list_init(&t->link);
	list_init(&t->channels);
	buffer_init(&t->text);
	t->loop = loop;
	t->key = m->key;
	t->session_id = m->session_id;
	t->uid = m->uid;
	t->gid = m->gid;
	t->dir_fd = -1;
	t->relays = relays;
	memcpy(t->uuid, m->uuid, sizeof(t->uuid));
	memcpy(t->trace_name, m->trace_name, sizeof(t->trace_name));
	memcpy(t->creation_time, m->creation_time, sizeof(t->creation_time));
	memcpy(t->hostname, m->hostname, sizeof(t->hostname));
	kmetadata_host_read(&t->host);
	fill_env(t);
	t->env.clock_offset_ns = kmetadata_clock_offset();
	t->has_output = m->directory[0] != '\0';
	if (m->directory[0]) {
		r = open_output(t, m->directory, relays);
		if (r < 0) {
			log_error_errno(r, "Cannot create the kernel trace in %s", m->directory);
			ktrace_free(t);
			return r;
		}
	}
	r = write_preamble(t);
	if (r < 0) {
		ktrace_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

int ktrace_regenerate(struct ktrace *t)
{
	struct kchannel *ch;
	struct buffer text;
	int r;

	buffer_init(&text);
	t->env.clock_offset_ns = kmetadata_clock_offset();
	r = kmetadata_preamble(&t->env, &text);
	list_for_each_entry(ch, &t->channels, link)
		if (r == 0 && ch->frozen)
			r = kchannel_tsdl(ch, &text);
	if (r == 0) {
		buffer_fini(&t->text);
		t->text = text;
		buffer_init(&text);
		if (t->md) {
			r = metadata_file_truncate(t->md);
			if (r == 0)
				r = metadata_file_append(t->md, (const char *) t->text.data, t->text.size);
		}
	}
	buffer_fini(&text);
	return r;
}

int ktrace_rotate(struct ktrace *t, const char *directory)
{
	struct kchannel *ch;
	int r = 0, e;

	if (!t->has_output)
		return -EINVAL;
	list_for_each_entry(ch, &t->channels, link) {
		e = kchannel_rotate(ch, false, -1);
		r = r ? r : e;
	}
	if (t->streamed) {
		/* Streamed: the same streams again in the relay daemon's new chunk
		 * (RELAY_CHUNK_NEW came first), the whole metadata with them. */
		struct relay_conn *relay;

		metadata_file_close(t->md);
		t->md = NULL;
		if (!directory[0])
			return r;
		relay = ktrace_relay(t);
		if (!relay)
			return log_error_errno(-ENOTCONN, "Kernel trace: its relay connection "
					       "is gone; cannot start its streams again");
		t->md = metadata_file_open_relay(relay, t->relay_path, t->uuid, &e);
		if (t->md) {
			relay_conn_streams_sent(relay);
			e = metadata_file_append(t->md, (const char *) t->text.data, t->text.size);
		}
		if (e < 0)
			return log_error_errno(e, "Kernel trace: cannot start its streams again");
		list_for_each_entry(ch, &t->channels, link) {
			e = kchannel_rotate(ch, true, -1);
			r = r ? r : e;
			if (e == 0 && (relay = ktrace_relay(t)))
				relay_conn_streams_sent(relay);
		}
		return r;
	}
	metadata_file_close(t->md);
	t->md = NULL;
	if (t->dir_fd >= 0)
		close(t->dir_fd);
	t->dir_fd = -1;
	if (!directory[0])
		return r;
	e = open_output(t, directory, NULL);
	if (e == 0)
		e = metadata_file_append(t->md, (const char *) t->text.data, t->text.size);
	if (e < 0) {
		log_error_errno(e, "Kernel trace: cannot start its files in %s", directory);
		return e;
	}
	list_for_each_entry(ch, &t->channels, link) {
		e = kchannel_rotate(ch, true, t->dir_fd);
		r = r ? r : e;
	}
	return r;
}

int ktrace_write_metadata_to(struct ktrace *t, int dir_fd, uid_t uid, gid_t gid)
{
	struct metadata_file *m;
	int r = 0;

	m = metadata_file_open(dir_fd, t->uuid, uid, gid, &r);
	if (!m)
		return r;
	metadata_file_set_packing(m, true);
	r = metadata_file_append(m, (const char *) t->text.data, t->text.size);
	metadata_file_close(m);
	return r;
}

int ktrace_send_metadata_to(struct ktrace *t, struct relay_conn *relay, const char *path)
{
	struct metadata_file *m;
	int r = 0;

	m = metadata_file_open_relay(relay, path, t->uuid, &r);
	if (!m)
		return r;
	r = metadata_file_append(m, (const char *) t->text.data, t->text.size);
	metadata_file_close(m);
	return r;
}

void ktrace_free(struct ktrace *t)
{
	if (!t)
		return;
	metadata_file_close(t->md);
	if (t->dir_fd >= 0)
		close(t->dir_fd);
	buffer_fini(&t->text);
	for (int i = 0; i < CONSUMER_KERNEL_TRACKER_COUNT; i++)
		free(t->trackers[i].ids);
	list_remove(&t->link);
	free(t);
}

static int compare_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *) a, y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

int ktrace_track_ids(struct ktrace *t, enum consumer_kernel_tracker tracker, bool all,
		     const void *ids, uint32_t count)
{
	struct ktrace_tracker *tr = &t->trackers[tracker];
	int32_t *copy = NULL;

	if (!all && count) {
		copy = malloc(count * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, ids, count * sizeof(*copy));
		qsort(copy, count, sizeof(*copy), compare_pid);
	}
	free(tr->ids);
	tr->ids = copy;
	tr->count = all ? 0 : count;
	tr->filter = !all;
	t->any_tracker = false;
	for (int i = 0; i < CONSUMER_KERNEL_TRACKER_COUNT; i++)
		t->any_tracker = t->any_tracker || t->trackers[i].filter;
	return 0;
}

static bool tracker_keeps(const struct ktrace_tracker *tr, int32_t value)
{
	return !tr->filter ||
	       (tr->count && bsearch(&value, tr->ids, tr->count, sizeof(*tr->ids), compare_pid));
}

bool ktrace_keeps_task(const struct ktrace *t, const struct ktask *task)
{
	const struct ktrace_tracker *tr = t->trackers;

	return tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_PID], task->tgid) &&
	       tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_VPID], task->vpid) &&
	       tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_UID], task->uid) &&
	       tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_VUID], task->vuid) &&
	       tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_GID], task->gid) &&
	       tracker_keeps(&tr[CONSUMER_KERNEL_TRACK_VGID], task->vgid);
}
