/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bringing ftrace and the kernel consumer in line with a session's kernel model:
 * instances made, the trace, channels, contexts and events declared to the
 * consumer, the events enabled with their filters, the trackers' threads, tracing
 * on or off; and, at a start, a statedump. Steps run in order on the kernel worker
 * and the kernel consumer's worker; the loop only decides.
 */
#ifndef SESSIOND_KERNEL_KERNEL_SYNC_H
#define SESSIOND_KERNEL_KERNEL_SYNC_H

#include <lttng/lttng.h>

#include "kernel/kernel-internal.h"

struct consumer_batch;

enum ksync_kind {
	KSYNC_START,  /* a start: everything, tracing on, a statedump */
	KSYNC_UPDATE, /* rules, channels or trackers changed */
};

/* Launches a sync of the trace; waiter (may be NULL) is held until it ends and
 * failed with the first error. */
enum lttng_error_code kernel_sync(struct daemon *d, struct kernel_trace *t, enum ksync_kind kind,
				  struct operation *waiter);

/* Ends the syncs of a trace that have not started yet (the trace is going). */
void kernel_sync_drop_queued(struct daemon *d, struct kernel_trace *t);

/* The counters of a batch's CHANNEL_STATS answers, into the model's channels. */
void kernel_sync_store_stats(struct session *s, struct kernel_trace *t,
			     const struct consumer_batch *b);

#endif
