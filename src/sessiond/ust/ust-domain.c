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
static enum lttng_error_code ust_prepare(struct daemon *d, struct session *s, struct operation *op)
{
	return consumer_ensure_running(d, op);
}

/* Refuses a start whose ring buffers cannot fit in shared memory, or a session
 * that lost its buffers with its consumer daemon. */
static enum lttng_error_code ust_can_start(struct daemon *d, const struct session *s)
{
	enum lttng_error_code r = buffer_estimate_check(d, s);

	return r != LTTNG_OK ? r : ust_trace_can_start(d, s);
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* LTTng's rules for a new user-space channel (channel_ust_create). */
static enum lttng_error_code ust_validate_channel(const struct session *s, struct channel_attr *attr,
				int buffer_type)
{
	if (attr->overwrite == -1)
		attr->overwrite = s->snapshot_mode ? 1 : 0;
	if (s->snapshot_mode)
		attr->output = LTTNG_EVENT_MMAP;
	if (attr->overwrite && attr->num_subbuf < 2)
		return LTTNG_ERR_INVALID;
	if (!is_power_of_two(attr->subbuf_size) || attr->subbuf_size < channel_min_subbuf_size() ||
	    !is_power_of_two(attr->num_subbuf))
		return LTTNG_ERR_INVALID;
	if (attr->output != LTTNG_EVENT_MMAP)
		return LTTNG_ERR_NOT_SUPPORTED;
	if (attr->tracefile_size > 0 && attr->tracefile_size < attr->subbuf_size)
		return LTTNG_ERR_INVALID;
	if (buffer_type != LTTNG_BUFFER_PER_UID && buffer_type != LTTNG_BUFFER_PER_PID)
		return LTTNG_ERR_BUFFER_NOT_SUPPORTED;
	/* Channels keep no live timer of their own: it is the session's. */
	attr->live_timer_us = 0;
	return LTTNG_OK;
}

static enum lttng_error_code ust_list_events(struct daemon *d, struct event_listing *out, struct operation *op)
{
	return ust_apps_list_tracepoints(d, out, op);
}

const struct tracer_domain ust_tracer_domain = {
	.type = LTTNG_DOMAIN_UST,
	.name = "user space",
	.output_subdir = "ust",
	.channel_exists_error = LTTNG_ERR_UST_CHAN_EXIST,
	.channel_not_found_error = LTTNG_ERR_UST_CHAN_NOT_FOUND,
	.validate_channel = ust_validate_channel,
	.enable_event = ust_enable_event,
	.disable_event = ust_disable_event,
	.add_context = ust_add_context,
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
	.rotate = ust_trace_rotate,
	.consumed_size = ust_trace_consumed_size,
	.clear_buffers = ust_trace_clear_buffers,
	.regenerate_metadata = ust_trace_regenerate_metadata,
	.regenerate_statedump = ust_trace_regenerate_statedump,
	.list_events = ust_list_events,
	.has_data = ust_trace_session_has_buffers,
};
