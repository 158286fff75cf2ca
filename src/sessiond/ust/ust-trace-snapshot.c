/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Snapshots of user-space sessions: LTTng's --max-size rule, then each registry's
 * metadata and channels written by the consumer daemon into the snapshot directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "core/fs-as.h"
#include "ust/ust-trace-internal.h"

/* ------------------------------------------------------------------------- */
/* Snapshots.                                                                 */

/* Bytes one more packet of every stream would add, counting only channels that
 * still have packets to give (LTTng's rule for --max-size). */
static uint64_t one_more_packet_size(struct daemon *d, const struct session *s, uint64_t packets)
{
	struct ust_registry *reg;
	uint64_t total = 0;

	list_for_each_entry(reg, &d->ust_registries, link) {
		struct ust_registry_channel *rc;

		if (reg->session_id != s->id)
			continue;
		list_for_each_entry(rc, &reg->channels, link) {
			const struct channel *c = channel_of(s, rc->name);

			if (!c || rc->state != REGISTRY_CHANNEL_READY || packets >= c->attr.num_subbuf)
				continue;
			total += c->attr.subbuf_size * rc->stream_count;
		}
	}
	return total;
}

/* Packets per stream that fit in max_size: 0 = all, -1 = not even one each. */
static int64_t packets_per_stream(struct daemon *d, const struct session *s, uint64_t max_size)
{
	int64_t left = (int64_t) max_size;
	uint64_t packets = 0;

	if (max_size == 0)
		return 0;
	for (;;) {
		uint64_t more = one_more_packet_size(d, s, packets);

		if (more == 0)
			break;
		left -= (int64_t) more;
		if (left < 0)
			break;
		packets++;
	}
	return packets == 0 && left != (int64_t) max_size ? -1 : (int64_t) packets;
}

static void snapshot_done(struct daemon *d, struct consumer_batch *b)
{
	int ret = LTTNG_OK;

	for (unsigned i = 0; i < b->count; i++) {
		if (b->ops[i].result < 0) {
			log_error_errno(b->ops[i].result, "Snapshot failed");
			ret = LTTNG_ERR_SNAPSHOT_FAIL;
			break;
		}
	}
	operation_step_done(d, b->waiter, ret);
}

static int snapshot_add_registry(struct daemon *d, struct consumer_batch *b, const struct session *s,
				 struct ust_registry *reg, const char *dir, int64_t packets)
{
	struct ust_registry_channel *rc;
	struct consumer_op *op;
	uint64_t key = ++d->next_consumer_key;

	consumer_batch_target(b, reg->bits_per_long);
	/* The metadata as it stands, into a file of its own in the snapshot. */
	op = consumer_batch_add(b, CONSUMER_OP_ADD_METADATA);
	if (!op)
		return -ENOMEM;
	op->in.add_metadata.key = key;
	op->in.add_metadata.session_id = s->id;
	op->in.add_metadata.uid = s->uid;
	op->in.add_metadata.gid = s->gid;
	op->in.add_metadata.domain = CONSUMER_DOMAIN_UST;
	memcpy(op->in.add_metadata.uuid, reg->meta.uuid, 16);
	(void) copy_string(op->in.add_metadata.directory, sizeof(op->in.add_metadata.directory), dir);
	if (consumer_batch_add_push(b, key, 0, false, (const char *) reg->metadata.data,
				    reg->metadata.size) < 0)
		return -ENOMEM;
	op = consumer_batch_add(b, CONSUMER_OP_DESTROY);
	if (!op)
		return -ENOMEM;
	op->in.key = key;
	list_for_each_entry(rc, &reg->channels, link) {
		if (rc->state != REGISTRY_CHANNEL_READY)
			continue;
		op = consumer_batch_add(b, CONSUMER_OP_SNAPSHOT);
		if (!op)
			return -ENOMEM;
		op->in.snapshot = calloc(1, sizeof(*op->in.snapshot));
		if (!op->in.snapshot)
			return -ENOMEM;
		op->in.snapshot->key = rc->consumer_key;
		op->in.snapshot->packets_per_stream = (uint64_t) packets;
		op->in.snapshot->uid = s->uid;
		op->in.snapshot->gid = s->gid;
		op->in.snapshot->session_active = s->active;
		(void) copy_string(op->in.snapshot->directory, sizeof(op->in.snapshot->directory), dir);
	}
	return 0;
}

/* A snapshot on its way: its directories are made (off the loop, as the session's
 * user), then its batch goes to the consumer daemons. */
struct snapshot_job {
	struct fs_job fs;
	struct operation *waiter; /* held */
	uint64_t session_id;
	uint64_t max_size;
	char directory[PATH_MAX];
	unsigned count;
	char (*paths)[PATH_MAX]; /* <directory>/ust, then each registry's index directory */
};

static int make_snapshot_dirs(struct fs_job *fs)
{
	struct snapshot_job *job = container_of(fs, struct snapshot_job, fs);

	return fs_mkdir_all(job->paths, job->count, "snapshot directory");
}

/* The directories exist: the size rule, then the consumer daemons' batch. */
static int snapshot_submit(struct daemon *d, struct snapshot_job *job)
{
	struct session *s = session_by_id(d, job->session_id);
	struct consumer_batch *b;
	struct ust_registry *reg;
	int64_t packets;

	if (job->fs.result < 0)
		return LTTNG_ERR_CREATE_DIR_FAIL;
	if (!s || !d->apps || job->count == 1)
		return LTTNG_OK; /* nothing recorded: the domain's directory only */
	packets = packets_per_stream(d, s, job->max_size);
	if (packets < 0)
		return LTTNG_ERR_MAX_SIZE_INVALID;
	b = consumer_batch_new(snapshot_done, s->id, job->waiter);
	if (!b)
		return LTTNG_ERR_NOMEM;
	list_for_each_entry(reg, &d->ust_registries, link) {
		char dir[PATH_MAX];

		if (reg->session_id != s->id || reg->failed)
			continue;
		if ((size_t) snprintf(dir, sizeof(dir), "%s/%s", job->directory,
				      reg->relative_path) >= sizeof(dir))
			continue; /* cannot happen: the longer path with /index was made */
		if (snapshot_add_registry(d, b, s, reg, dir, packets) < 0) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	operation_hold(job->waiter);
	consumer_batch_submit(d, b);
	return LTTNG_OK;
}

static void snapshot_dirs_made(struct daemon *d, struct fs_job *fs)
{
	struct snapshot_job *job = container_of(fs, struct snapshot_job, fs);

	operation_step_done(d, job->waiter, snapshot_submit(d, job));
	free(job->paths);
	free(job);
}

/* A record on a relay daemon: per consumer daemon, a connection made for it (a
 * snapshot session there whose trace chunk is the record), each registry's metadata
 * and buffers, then the connection closed. Nothing to make on this host. */
static enum lttng_error_code snapshot_to_relay(struct daemon *d, struct session *s,
					       const struct snapshot_dest *dest, uint64_t max_size,
					       struct operation *waiter)
{
	int64_t packets = packets_per_stream(d, s, max_size);
	struct consumer_batch *b;
	struct ust_registry *reg;

	if (packets < 0)
		return LTTNG_ERR_MAX_SIZE_INVALID;
	b = consumer_batch_new(snapshot_done, s->id, waiter);
	if (!b)
		return LTTNG_ERR_NOMEM;
	b->stop_on_error = false; /* the connection is closed whatever happened */
	for (unsigned bits = 32; bits <= 64; bits += 32) {
		bool opened = false;

		list_for_each_entry(reg, &d->ust_registries, link) {
			if (reg->session_id != s->id || reg->failed || reg->bits_per_long != bits)
				continue;
			consumer_batch_target(b, bits);
			if ((!opened && consumer_relay_add_snapshot_open(d, s, dest->output,
									 dest->record_name, b) < 0) ||
			    snapshot_add_registry(d, b, s, reg, reg->relative_path, packets) < 0) {
				consumer_batch_free(b);
				return LTTNG_ERR_NOMEM;
			}
			opened = true;
		}
		if (opened && consumer_relay_add_record_close(b, s->id) < 0) {
			consumer_batch_free(b);
			return LTTNG_ERR_NOMEM;
		}
	}
	(void) consumer_batch_submit_held(d, b);
	return LTTNG_OK;
}

enum lttng_error_code ust_trace_snapshot(struct daemon *d, struct session *s,
					 const struct snapshot_dest *dest, uint64_t max_size,
					 struct operation *waiter)
{
	const char *directory = dest->directory;
	struct snapshot_job *job;
	struct ust_registry *reg;
	unsigned count = 1;

	if (!directory)
		return d->apps ? snapshot_to_relay(d, s, dest, max_size, waiter) : LTTNG_OK;
	job = calloc(1, sizeof(*job));
	if (!job)
		return LTTNG_ERR_NOMEM;
	list_for_each_entry(reg, &d->ust_registries, link)
		count += reg->session_id == s->id && !reg->failed;
	job->paths = calloc(count, sizeof(*job->paths));
	if (!job->paths || copy_string(job->directory, sizeof(job->directory), directory) < 0) {
		free(job->paths);
		free(job);
		return LTTNG_ERR_INVALID;
	}
	/* The domain's directory is made even when it holds nothing, and the channel
	 * directories before the size is checked, as LTTng does. */
	if ((size_t) snprintf(job->paths[job->count++], PATH_MAX, "%s/ust", directory) >= PATH_MAX)
		goto too_long;
	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != s->id || reg->failed)
			continue;
		if ((size_t) snprintf(job->paths[job->count++], PATH_MAX, "%s/%s/index", directory,
				      reg->relative_path) >= PATH_MAX)
			goto too_long;
	}
	job->waiter = waiter;
	job->session_id = s->id;
	job->max_size = max_size;
	job->fs.uid = s->uid;
	job->fs.gid = s->gid;
	job->fs.work = make_snapshot_dirs;
	job->fs.done = snapshot_dirs_made;
	operation_hold(waiter);
	fs_job_submit(d, &job->fs);
	return LTTNG_OK;
too_long:
	free(job->paths);
	free(job);
	return LTTNG_ERR_CREATE_DIR_FAIL;
}
