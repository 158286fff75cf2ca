/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel domain in a consumer built without it (the 32-bit build: LTTng has no
 * 32-bit kernel consumer, and the i386 libtraceevent is not installed): there is no
 * kernel consumer to make, so `lttng-consumerd -k` refuses to start.
 */
#include <errno.h>
#include <stddef.h>

#include "kernel-consumer.h"

struct kernel_consumer *kernel_consumer_new(sd_event *loop)
{
	(void) loop;
	return NULL;
}

void kernel_consumer_free(struct kernel_consumer *kc)
{
	(void) kc;
}

int kernel_add_trace(struct kernel_consumer *kc, const struct consumer_wire_kernel_trace *m)
{
	return -EOPNOTSUPP;
}

int kernel_add_channel(struct kernel_consumer *kc, const struct consumer_wire_kernel_channel *m)
{
	return -EOPNOTSUPP;
}

int kernel_add_events(struct kernel_consumer *kc, const struct consumer_wire_kernel_events *head,
		      const struct consumer_wire_kernel_event *entries)
{
	return -EOPNOTSUPP;
}

int kernel_add_context(struct kernel_consumer *kc, const struct consumer_wire_kernel_context *m)
{
	return -EOPNOTSUPP;
}

int kernel_statedump(struct kernel_consumer *kc, uint64_t trace_key)
{
	return -EOPNOTSUPP;
}

int kernel_regenerate_metadata(struct kernel_consumer *kc, uint64_t trace_key)
{
	return -EOPNOTSUPP;
}

int kernel_flush(struct kernel_consumer *kc, uint64_t key)
{
	return -EOPNOTSUPP;
}

int kernel_destroy(struct kernel_consumer *kc, uint64_t key)
{
	return -EOPNOTSUPP;
}

bool kernel_data_pending(struct kernel_consumer *kc, uint64_t session_id)
{
	return false;
}

int kernel_stats(struct kernel_consumer *kc, uint64_t key, uint64_t *discarded, uint64_t *lost)
{
	return -EOPNOTSUPP;
}

int kernel_snapshot(struct kernel_consumer *kc, const struct consumer_wire_snapshot *m)
{
	return -EOPNOTSUPP;
}
