/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rotations of user-space sessions: every registry's channels and metadata finish
 * their files and, with a new trace chunk, start them again below it; the metadata
 * is pushed again from its beginning, so each chunk is readable alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "domain/domain.h"
#include "ust/ust-trace-internal.h"

static void rotate_done(struct daemon *d, struct consumer_batch *b)
{
	consumer_relay_take_archive(d, b);
	operation_step_done(d, b->waiter, consumer_batch_failed(b, "Rotation")
						  ? LTTNG_ERR_ROTATION_FAIL_CONSUMER
						  : LTTNG_OK);
}

static int add_rotate(struct consumer_batch *b, uint64_t key, const char *directory,
		      bool undeclared)
{
	struct consumer_wire_rotate m = { .key = key, .undeclared = undeclared };

	if (copy_string(m.directory, sizeof(m.directory), directory) < 0)
		return -ENAMETOOLONG;
	return consumer_batch_add_request(b, CONSUMER_MSG_ROTATE, &m, sizeof(m)) ? 0 : -ENOMEM;
}

static int rotate_registry(struct daemon *d, struct consumer_batch *b, struct ust_registry *reg,
			   const char *chunk_dir, bool relay, uint64_t chunk_index)
{
	struct ust_registry_channel *rc;
	char dir[PATH_MAX] = "";
	int r = 0;

	if (relay) {
		/* The same place on the relay daemon, in the chunk RELAY_CHUNK_NEW made. */
		if (chunk_dir)
			(void) copy_string(dir, sizeof(dir), reg->relative_path);
		if (chunk_dir && !reg->files_closed && reg->chunk_index == chunk_index)
			return 0; /* made in the new chunk already */
	} else if (chunk_dir && (size_t) snprintf(dir, sizeof(dir), "%s/%s", chunk_dir,
						  reg->relative_path) >= sizeof(dir)) {
		return -ENAMETOOLONG;
	}
	/* Made after the chunk moved (an application registering meanwhile): its
	 * files are in the new chunk already; opening them again would empty them. */
	if (!relay && chunk_dir && !reg->files_closed && !strcmp(reg->directory, dir))
		return 0;
	consumer_batch_target(b, reg->bits_per_long);
	/* Channels still being created are included: their creation is ahead of this
	 * in the consumer's queue. */
	list_for_each_entry(rc, &reg->channels, link)
		if (r == 0 && rc->consumer_key)
			r = add_rotate(b, rc->consumer_key, dir, !rc->registered);
	if (r == 0 && reg->metadata_key)
		r = add_rotate(b, reg->metadata_key, dir, false);
	if (r < 0)
		return r;
	reg->files_closed = !chunk_dir;
	reg->chunk_index = chunk_index;
	if (chunk_dir) {
		/* New channels of this registry go to the new chunk too (closed: they
		 * keep the old directory; the next start moves them). */
		(void) copy_string(reg->directory, sizeof(reg->directory), dir);
		/* The new metadata file starts empty: the whole text again. */
		reg->metadata_pushed = 0;
		reg->metadata_reset = false;
		r = registry_queue_push(d, reg, b);
	}
	return r;
}

static void clear_done(struct daemon *d, struct consumer_batch *b)
{
	operation_step_done(d, b->waiter,
			    consumer_batch_failed(b, "Clear") ? LTTNG_ERR_CLEAR_FAIL_CONSUMER : LTTNG_OK);
}

enum lttng_error_code ust_trace_clear_buffers(struct daemon *d, struct session *s,
					      struct operation *waiter)
{
	struct consumer_batch *b = consumer_batch_new(clear_done, s->id, waiter);
	struct ust_registry *reg;

	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false;
	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->session_id != s->id || reg->consumer_lost)
			continue;
		consumer_batch_target(b, reg->bits_per_long);
		list_for_each_entry(rc, &reg->channels, link) {
			struct consumer_wire_key key = { .key = rc->consumer_key };

			if (rc->consumer_key &&
			    !consumer_batch_add_request(b, CONSUMER_MSG_CLEAR, &key, sizeof(key))) {
				consumer_batch_free(b);
				return LTTNG_ERR_NOMEM;
			}
		}
	}
	(void) consumer_batch_submit_held(d, b); /* nothing to ask: nothing sent */
	return LTTNG_OK;
}

enum lttng_error_code ust_trace_consumed_size(struct daemon *d, struct session *s,
					      struct consumed_query *q)
{
	struct consumer_batch *b = consumer_batch_new(consumed_query_batch_done, s->id, &q->op);
	struct consumer_wire_key key = { .key = s->id };
	struct ust_registry *reg;
	bool asked[2] = { false, false }; /* 32-bit, 64-bit consumer */

	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false;
	list_for_each_entry(reg, &d->ust_registries, link) {
		unsigned which = reg->bits_per_long == 64;

		if (reg->session_id != s->id || reg->consumer_lost || asked[which])
			continue;
		asked[which] = true;
		consumer_batch_target(b, reg->bits_per_long);
		if (!consumer_batch_add_request(b, CONSUMER_MSG_SESSION_CONSUMED, &key, sizeof(key))) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	(void) consumer_batch_submit_held(d, b); /* nothing to ask: nothing sent */
	return LTTNG_OK;
}

enum lttng_error_code ust_trace_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
				       struct operation *waiter)
{
	bool relay = session_streams_to_relay(s);
	struct consumer_batch *b;
	struct ust_registry *reg;

	b = consumer_batch_new(rotate_done, s->id, waiter);
	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false;
	/* Streamed: per consumer daemon, the relay daemon's new chunk first and the
	 * previous one closed last (consumer-relay.h). */
	for (unsigned bits = 32; bits <= 64; bits += 32) {
		/* The 64-bit consumer holds the session's connection from its start
		 * (per-PID buffers of applications gone since: no registry left, the
		 * chunk still rotates on the relay daemon). */
		bool any = relay && bits == 64;

		if (any) {
			consumer_batch_target(b, bits);
			if (chunk_dir && consumer_relay_add_chunk_new(b, s) < 0)
				goto fail;
		}
		list_for_each_entry(reg, &d->ust_registries, link) {
			if (reg->session_id != s->id || reg->consumer_lost || !reg->directory[0] ||
			    reg->bits_per_long != bits)
				continue;
			consumer_batch_target(b, bits);
			if ((relay && !any && chunk_dir && consumer_relay_add_chunk_new(b, s) < 0) ||
			    rotate_registry(d, b, reg, chunk_dir, relay, s->chunks.index) < 0)
				goto fail;
			any = true;
		}
		if (relay && any) {
			consumer_batch_target(b, bits);
			if (consumer_relay_add_chunk_close(b, s) < 0)
				goto fail;
		}
	}
	(void) consumer_batch_submit_held(d, b); /* nothing to ask: nothing sent */
	return LTTNG_OK;
fail:
	consumer_batch_free(b);
	return LTTNG_ERR_NOMEM;
}
