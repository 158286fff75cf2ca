/* SPDX-License-Identifier: GPL-2.0-only */
/* The fan-out of client commands over a session's tracing domains (domain/domain.h). */
#include <stdlib.h>

#include "consumer/consumer-batch.h"
#include "macros.h"

#include "domain/domain.h"

const struct tracer_domain *domain_impl(const struct daemon *d, int lttng_domain_type)
{
	int i = domain_index_of(lttng_domain_type);

	return i < 0 ? NULL : d->domains[i];
}

/* The next domain of the session that exists and is implemented, from *i on. */
static const struct tracer_domain *next_domain(const struct daemon *d, const struct session *s,
					       int *i)
{
	for (; *i < DOMAIN_INDEX_COUNT; (*i)++)
		if (s->domains[*i].exists && d->domains[*i])
			return d->domains[(*i)++];
	return NULL;
}

#define FOR_EACH_DOMAIN(impl, d, s) \
	for (int i_ = 0; ((impl) = next_domain((d), (s), &i_)) != NULL;)

/* Runs an entry of every domain (NULL: nothing to do there) and returns from the
 * calling function: the first error, or LTTNG_OK. */
#define FAN_OUT(entry, d, s, ...)                                                   \
	do {                                                                        \
		const struct tracer_domain *impl_;                                  \
		FOR_EACH_DOMAIN(impl_, d, s) {                                      \
			int r_ = impl_->entry ? impl_->entry(d, s, ##__VA_ARGS__)   \
					      : LTTNG_OK;                           \
			if (r_ != LTTNG_OK)                                         \
				return r_;                                          \
		}                                                                   \
		return LTTNG_OK;                                                    \
	} while (0)

enum lttng_error_code domains_can_start(struct daemon *d, const struct session *s)
{
	FAN_OUT(can_start, d, s);
}

enum lttng_error_code domains_start(struct daemon *d, struct session *s, struct operation *op)
{
	FAN_OUT(start, d, s, op);
}

enum lttng_error_code domains_stop(struct daemon *d, struct session *s, struct operation *op)
{
	FAN_OUT(stop, d, s, op);
}

enum lttng_error_code domains_destroy(struct daemon *d, struct session *s, struct operation *op)
{
	FAN_OUT(destroy, d, s, op);
}

enum lttng_error_code domains_refresh_stats(struct daemon *d, struct session *s, struct operation *op)
{
	FAN_OUT(refresh_stats, d, s, op);
}

enum lttng_error_code domains_snapshot(struct daemon *d, struct session *s,
				       const struct snapshot_dest *dest, uint64_t max_size,
				       struct operation *op)
{
	FAN_OUT(snapshot, d, s, dest, max_size, op);
}

enum lttng_error_code domains_can_rotate(struct daemon *d, const struct session *s)
{
	const struct tracer_domain *impl;

	FOR_EACH_DOMAIN(impl, d, s)
		if (impl->output_subdir && !impl->rotate)
			return impl->type == LTTNG_DOMAIN_KERNEL ? LTTNG_ERR_ROTATION_NOT_AVAILABLE_KERNEL
								 : LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	return LTTNG_OK;
}

enum lttng_error_code domains_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
		   struct operation *op)
{
	FAN_OUT(rotate, d, s, chunk_dir, op);
}

enum lttng_error_code domains_clear_buffers(struct daemon *d, struct session *s,
					    struct operation *op)
{
	FAN_OUT(clear_buffers, d, s, op);
}

void consumed_query_batch_done(struct daemon *d, struct consumer_batch *b)
{
	struct consumed_query *q = container_of(b->waiter, struct consumed_query, op);

	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].result == 0)
			q->total += b->ops[i].consumed_bytes;
	operation_release(d, &q->op);
}

enum lttng_error_code domains_consumed_size(struct daemon *d, struct session *s,
					    struct consumed_query *q)
{
	FAN_OUT(consumed_size, d, s, q);
}

enum lttng_error_code domains_regenerate_metadata(struct daemon *d, struct session *s)
{
	FAN_OUT(regenerate_metadata, d, s);
}

enum lttng_error_code domains_regenerate_statedump(struct daemon *d, struct session *s)
{
	FAN_OUT(regenerate_statedump, d, s);
}

bool domains_have_data(struct daemon *d, const struct session *s)
{
	const struct tracer_domain *impl;

	FOR_EACH_DOMAIN(impl, d, s)
		if (impl->has_data && impl->has_data(d, s))
			return true;
	return false;
}

/* The implementation of a domain the session has, for a change made in it. */
static const struct tracer_domain *changed_domain(struct daemon *d, const struct session *s,
						  int lttng_domain_type)
{
	int i = domain_index_of(lttng_domain_type);

	return i >= 0 && s->domains[i].exists ? d->domains[i] : NULL;
}

void domains_trackers_changed(struct daemon *d, struct session *s, int lttng_domain_type)
{
	const struct tracer_domain *impl = changed_domain(d, s, lttng_domain_type);

	if (impl && impl->trackers_changed)
		impl->trackers_changed(d, s);
}

void domains_channel_changed(struct daemon *d, struct session *s, int lttng_domain_type,
			     const char *channel_name)
{
	const struct tracer_domain *impl = changed_domain(d, s, lttng_domain_type);

	if (impl && impl->channel_changed)
		impl->channel_changed(d, s, channel_name);
}

void domains_event_changed(struct daemon *d, struct session *s, int lttng_domain_type,
			   const char *channel_name, const struct event_rule *rule)
{
	const struct tracer_domain *impl = changed_domain(d, s, lttng_domain_type);

	if (impl && impl->event_changed)
		impl->event_changed(d, s, channel_name, rule);
}

struct listed_event *event_listing_add(struct event_listing *l)
{
	if (l->count == l->capacity) {
		size_t capacity = l->capacity ? l->capacity * 2 : 64;
		struct listed_event *bigger;

		if (l->max_count && capacity > l->max_count)
			capacity = l->max_count;
		if (capacity <= l->count)
			return NULL;
		bigger = realloc(l->entries, capacity * sizeof(*bigger));
		if (!bigger)
			return NULL;
		l->entries = bigger;
		l->capacity = capacity;
	}
	return &l->entries[l->count++];
}

void event_listing_fini(struct event_listing *l)
{
	free(l->entries);
	l->entries = NULL;
	l->count = l->capacity = 0;
}
