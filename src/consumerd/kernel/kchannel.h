/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kernel channel (KERNEL_ADD_CHANNEL): one ftrace instance the session daemon made
 * and controls, read per CPU (kstream.c) on the consumer's loop — a read timer
 * (read_timer_us, LTTng's 200 ms by default) plus poll wake-ups — and written as an
 * LTTng kernel stream per CPU. Its event classes (KERNEL_ADD_EVENTS, ids in order of
 * addition) and contexts, and the moment its stream is declared in the metadata
 * ("frozen": before its first packet; the header type is chosen then, compact with
 * fewer than 31 events, as LTTng at first start).
 */
#ifndef CONSUMERD_KERNEL_KCHANNEL_H
#define CONSUMERD_KERNEL_KCHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "kcontext.h"
#include "kevent.h"
#include "kfilter.h"
#include "kstatedump-events.h"
#include "kstream.h"
#include "ktable.h"
#include "list.h"
#include "wire/consumer-wire.h"

struct ktrace;
struct tep_handle;

#define KCHANNEL_DEFAULT_READ_US 200000u

struct kchannel {
	struct list_node link;	/* in its trace */
	struct ktrace *trace;
	uint64_t key;
	char name[CONSUMER_NAME_MAX];
	char instance[CONSUMER_PATH_MAX];
	uint32_t chan_id, cpu_count;
	uint64_t subbuf_size, num_subbuf, tracefile_size, tracefile_count;
	bool overwrite;
	uid_t uid;
	gid_t gid;
	uint8_t uuid[16];

	struct kstream *streams;
	sd_event_source **stream_watch;
	sd_event_source *read_timer, *switch_timer;
	sd_event_source *live_timer; /* a live session's channel on its relay daemon */
	uint32_t read_timer_us, switch_timer_us, live_timer_us;

	struct tep_handle *tep;
	struct ktable table;	/* its event classes */
	struct kcontext_set ctx;
	struct kconv conv;
	struct kfilters filters;

	bool frozen, large_header;
	unsigned declared;	/* events already in the metadata */
	uint64_t undeclared_records;
	uint64_t malformed_records;
	int write_error;
	bool destroyed;
	bool files_closed; /* by a rotation without a new directory: nothing is read */
	uint64_t bytes_written; /* packet bytes written to its stream files */
	bool discarding;	/* a clear reads the raw buffers and keeps nothing */
};

int kchannel_new(struct ktrace *t, const struct consumer_wire_kernel_channel *m,
		 struct kchannel **ret);
void kchannel_free(struct kchannel *ch);
int kchannel_add_events(struct kchannel *ch, const struct consumer_wire_kernel_event *e,
			uint32_t count);
int kchannel_add_context(struct kchannel *ch, int32_t ctx);
/* The filter text (len bytes) for the count entries (declared events); replace:
 * the channel's earlier filters are dropped first. */
/* A rotation: every record buffered is written, each stream's last packet closed
 * (an empty one if need be) and its files closed; then, with dir_fd >= 0, the same
 * files start anew there. 0 or the first -errno. */
/* Finishes the channel's files and, with reopen, starts them again in dir_fd (or on
 * the trace's relay daemon, in its current chunk). */
int kchannel_rotate(struct kchannel *ch, bool reopen, int dir_fd);
/* A clear: what ftrace's buffers hold unread and the packets being built are
 * dropped. */
void kchannel_clear(struct kchannel *ch);
int kchannel_set_filter(struct kchannel *ch, bool replace, const char *text, size_t len,
			const struct consumer_wire_kernel_event *entries, uint32_t count);
/* Declares the stream and its events in the metadata if not done yet. */
int kchannel_freeze(struct kchannel *ch);
/* Appends the stream and event declarations to out (metadata regeneration). */
int kchannel_tsdl(struct kchannel *ch, struct buffer *out);
/* Reads everything readable, then closes each stream's packet (an empty one when
 * none is open). 0 or the channel's write error. */
int kchannel_flush(struct kchannel *ch);
/* Drains, closes the packets and the raw buffers; files stay open until free. */
int kchannel_stop(struct kchannel *ch);
void kchannel_stats(struct kchannel *ch, uint64_t *discarded, uint64_t *lost);
bool kchannel_data_pending(struct kchannel *ch);
int kchannel_snapshot(struct kchannel *ch, const struct consumer_wire_snapshot *m);
/* The first error writing its files; writing stops. */
void kchannel_write_failed(struct kchannel *ch, int err);
/* Whether the channel declared statedump event `code`. */
int kchannel_has_statedump(const struct kchannel *ch, uint32_t code);
/* Reads what its raw buffers hold now (a bounded number of pages per CPU). */
void kchannel_read(struct kchannel *ch);

#endif
