/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user-space tracer behind the domain interface (domain/domain.h): the table
 * main.c installs for LTTNG_DOMAIN_UST, and the entries that are more than a call
 * into ust-trace*.c.
 */
#include <lttng/lttng.h>

#include "consumer/consumer-supervisor.h"
#include "domain/domain.h"
#include "ust/buffer-estimate.h"
#include "ust/ust-app.h"
#include "ust/ust-trace.h"

/* A session's user-space commands start the consumer daemons, as in LTTng. */
static int ust_prepare(struct daemon *d, struct session *s, struct operation *op)
{
	return consumer_ensure_running(d, op);
}

/* Refuses a start whose ring buffers cannot fit in shared memory, or a session
 * that lost its buffers with its consumer daemon. */
static int ust_can_start(struct daemon *d, const struct session *s)
{
	int r = buffer_estimate_check(d, s);

	return r != LTTNG_OK ? r : ust_trace_can_start(d, s);
}

static int ust_list_events(struct daemon *d, struct event_listing *out, struct operation *op)
{
	return ust_apps_list_tracepoints(d, out, op);
}

const struct tracer_domain ust_tracer_domain = {
	.type = LTTNG_DOMAIN_UST,
	.name = "user space",
	.output_subdir = "ust",
	.prepare = ust_prepare,
	.can_start = ust_can_start,
	.start = ust_trace_start,
	.stop = ust_trace_stop,
	.destroy = ust_trace_destroy,
	.channel_changed = ust_trace_channel_changed,
	.event_changed = ust_trace_event_changed,
	.trackers_changed = ust_trace_trackers_changed,
	.refresh_stats = ust_trace_refresh_stats,
	.snapshot = ust_trace_snapshot,
	.regenerate_metadata = ust_trace_regenerate_metadata,
	.regenerate_statedump = ust_trace_regenerate_statedump,
	.list_events = ust_list_events,
	.has_data = ust_trace_session_has_buffers,
};
