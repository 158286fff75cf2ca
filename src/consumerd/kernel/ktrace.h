/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A session's kernel trace (KERNEL_ADD_TRACE): its directory, its packetized
 * metadata file and the whole TSDL text (kept to regenerate the file and to write
 * snapshots), and its channels.
 */
#ifndef CONSUMERD_KERNEL_KTRACE_H
#define CONSUMERD_KERNEL_KTRACE_H

#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "buffer.h"
#include "kmetadata.h"
#include "kproc-feed.h"
#include "ktask.h"
#include "list.h"
#include "metadata-file.h"
#include "relay-conn.h"
#include "wire/consumer-wire.h"

struct ktrace {
	struct list_node link;
	sd_event *loop;
	uint64_t key, session_id;
	uid_t uid;
	gid_t gid;
	uint8_t uuid[16];
	int dir_fd;		  /* -1: no output (snapshot session), or closed by a rotation */
	/* Streamed to lttng-relayd instead (dir_fd is then -1), to the trace's
	 * directory there ("kernel"). The connection is looked up each time
	 * (ktrace_relay): a failed one leaves the set, and its memory may go. */
	bool streamed;
	char relay_path[CONSUMER_PATH_MAX];
	struct relay_set *relays; /* the consumer's connections (snapshot records) */
	bool has_output;	  /* not a snapshot session's */
	struct metadata_file *md; /* NULL without output */
	struct buffer text;	  /* every TSDL byte so far */
	struct kmetadata_env env;
	struct kmetadata_host host;
	char trace_name[CONSUMER_KERNEL_TEXT_MAX], creation_time[CONSUMER_KERNEL_TEXT_MAX];
	char hostname[CONSUMER_KERNEL_TEXT_MAX];
	struct list_node channels; /* struct kchannel */
	uint32_t next_stream_id_unused;
	int write_error;
	/* The trackers (KERNEL_TRACK_IDS): an event is kept when each tracker that
	 * filters holds its task's value (ids sorted). */
	struct ktrace_tracker {
		bool filter;
		int32_t *ids;
		size_t count;
	} trackers[CONSUMER_KERNEL_TRACKER_COUNT];
	bool any_tracker; /* one of them filters */
	struct kproc_feed *feed; /* the consumer's process events; NULL: none */
};

/* Replaces one tracker's set (all: no filter); 0 or -ENOMEM. */
int ktrace_track_ids(struct ktrace *t, enum consumer_kernel_tracker tracker, bool all,
		     const void *ids, uint32_t count);
/* Whether the trace keeps the events of task `task`. */
bool ktrace_keeps_task(const struct ktrace *t, const struct ktask *task);

/* Creates the directory and metadata file (as uid/gid) and writes the preamble. */
int ktrace_new(const struct consumer_wire_kernel_trace *m, sd_event *loop,
	       struct relay_set *relays, struct ktrace **ret);
/* Whether the trace writes its packets as they come (to files or a relay daemon),
 * rather than keeping them for snapshots. */
bool ktrace_streams_out(const struct ktrace *t);
/* Appends TSDL text: to the text and, with output, to the file. 0 or -errno. */
int ktrace_append(struct ktrace *t, const char *text, size_t len);
/* Rewrites the metadata from scratch: preamble, then every channel's stream and
 * events. */
int ktrace_regenerate(struct ktrace *t);
/* A rotation: every channel's files and the metadata are finished and closed; with
 * a directory (not ""), they start anew there, the metadata with all its text.
 * -EINVAL for a trace without output (snapshot). */
int ktrace_rotate(struct ktrace *t, const char *directory);
/* Writes <dir>/metadata with the whole text (snapshots). */
int ktrace_write_metadata_to(struct ktrace *t, int dir_fd, uid_t uid, gid_t gid);
/* The same, as a metadata stream below path on a relay daemon (a snapshot record). */
int ktrace_send_metadata_to(struct ktrace *t, struct relay_conn *relay, const char *path);
/* The session's open relay connection, or NULL (not streamed, or it failed). */
struct relay_conn *ktrace_relay(const struct ktrace *t);
/* Closes the metadata (the channels must be gone). */
void ktrace_free(struct ktrace *t);

#endif
