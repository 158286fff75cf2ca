/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A session's trace registries and their buffers in the consumer daemon: one per
 * session x user x bitness (per-UID) or per application (per-PID). Creating one asks
 * the consumer for the metadata and channel buffers; its metadata text is pushed as
 * it grows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "ust/ust-clock.h"
#include "ust/ust-trace-internal.h"

/* ------------------------------------------------------------------------- */
/* Registries and their buffers in the consumer.                             */

static void format_local_datetime(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y%m%d-%H%M%S", &tm);
}

static int registry_fill_meta(struct daemon *d, struct ust_registry *reg, const struct session *s,
			      const struct ust_app *app)
{
	struct ust_metadata_session *m = &reg->meta;
	char boot_id[64];
	struct ust_clock clock;

	m->per_pid = reg->per_pid;
	if (getrandom(m->uuid, sizeof(m->uuid), 0) != sizeof(m->uuid))
		return -EIO;
	m->uuid[6] = (uint8_t) ((m->uuid[6] & 0x0f) | 0x40); /* version 4 */
	m->uuid[8] = (uint8_t) ((m->uuid[8] & 0x3f) | 0x80);
	m->bits_per_long = app->bits_per_long;
	m->long_alignment = app->alignment_long;
	m->uint8_alignment = app->alignment_uint8;
	m->uint16_alignment = app->alignment_uint16;
	m->uint32_alignment = app->alignment_uint32;
	m->uint64_alignment = app->alignment_uint64;
	m->big_endian = app->byte_order == 4321; /* BIG_ENDIAN */
	m->tracer_major = app->version.major;
	m->tracer_minor = app->version.minor;
	m->tracer_patchlevel = app->version.patchlevel;
	m->uid = app->uid;
	m->pid = app->pid;
	m->app_registration_time = app->registration_time;
	m->session_auto_named = s->auto_named;
	m->session_creation_time = s->creation_time;
	reg->procname = strdup(app->name);
	reg->session_name = strdup(s->name);
	reg->hostname = strdup(d->hostname);
	/* The trace clock: a clock plugin's when the daemon runs with one (ust-clock.h). */
	if (ust_clock_get(&clock) == 0) {
		m->clock_offset_ns = ust_metadata_measure_offset_of(clock.read64, clock.freq);
		m->clock_freq = clock.freq;
		reg->clock_name = strdup(clock.name);
		reg->clock_description = strdup(clock.description);
		if (clock.has_uuid)
			reg->clock_uuid = strdup(clock.uuid);
		if (!reg->clock_name || !reg->clock_description)
			return -ENOMEM;
		m->clock_name = reg->clock_name;
		m->clock_description = reg->clock_description;
	} else {
		m->clock_offset_ns = ust_metadata_measure_clock_offset();
		if (ust_metadata_read_boot_id(boot_id, sizeof(boot_id)) == 0)
			reg->clock_uuid = strdup(boot_id);
	}
	if (!reg->procname || !reg->session_name || !reg->hostname)
		return -ENOMEM;
	m->procname = reg->procname;
	m->session_name = reg->session_name;
	m->hostname = reg->hostname;
	m->clock_uuid = reg->clock_uuid;
	return 0;
}

static int registry_directory(struct ust_registry *reg, const struct session *s,
			      const struct ust_app *app)
{
	int n;

	if (reg->per_pid) {
		char datetime[32];

		format_local_datetime(app->registration_time, datetime, sizeof(datetime));
		n = snprintf(reg->relative_path, sizeof(reg->relative_path), "ust/pid/%s-%d-%s",
			     app->name, (int) app->pid, datetime);
	} else {
		n = snprintf(reg->relative_path, sizeof(reg->relative_path), "ust/uid/%d/%u-bit",
			     (int) app->uid, app->bits_per_long);
	}
	if (n < 0 || (size_t) n >= sizeof(reg->relative_path))
		return -ENAMETOOLONG;
	if (session_streams_to_relay(s)) /* below the session's output on the relay daemon */
		return copy_string(reg->directory, sizeof(reg->directory), reg->relative_path);
	if (s->output != SESSION_OUTPUT_LOCAL)
		return 0; /* snapshots only: no directory of its own */
	n = snprintf(reg->directory, sizeof(reg->directory), "%s/%s", session_trace_dir(s),
		     reg->relative_path);
	return n < 0 || (size_t) n >= sizeof(reg->directory) ? -ENAMETOOLONG : 0;
}

/* --shm-path: <session shm root>/<relative path>, the ring buffers' and metadata
 * copy's directory (LTTng's layout). A path too long gets plain shared memory. */
static int registry_shm(struct ust_registry *reg, const struct session *s)
{
	char dir[PATH_MAX];

	if (!s->shm_path[0] ||
	    (size_t) snprintf(dir, sizeof(dir), "%s/%s", s->shm_path, reg->relative_path) >=
		    CONSUMER_PATH_MAX)
		return 0;
	reg->shm_dir = strdup(dir);
	reg->shm_root = strdup(s->shm_path);
	reg->shm_uid = s->uid;
	reg->shm_gid = s->gid;
	return reg->shm_dir && reg->shm_root ? 0 : -ENOMEM;
}

struct ust_registry *registry_find_for(struct daemon *d, const struct session *s,
					      const struct ust_app *app)
{
	bool per_pid = s->domains[DOMAIN_INDEX_UST].buffer_type == LTTNG_BUFFER_PER_PID;
	struct ust_registry *reg;

	list_for_each_entry(reg, &d->ust_registries, link) {
		if (reg->session_id != s->id || reg->per_pid != per_pid)
			continue;
		if (per_pid ? reg->app_id == app->id
			    : reg->uid == app->uid && reg->bits_per_long == app->bits_per_long)
			return reg;
	}
	return NULL;
}

static void fill_add_channel(struct daemon *d, const struct session *s, const struct ust_registry *reg,
			     const struct channel *c, struct ust_registry_channel *rc,
			     struct consumer_wire_add_channel *m)
{
	memset(m, 0, sizeof(*m));
	m->key = rc->consumer_key;
	m->session_id = s->id;
	m->subbuf_size = c->attr.subbuf_size;
	m->num_subbuf = c->attr.num_subbuf;
	m->tracefile_size = c->attr.tracefile_size;
	m->tracefile_count = c->attr.tracefile_count;
	m->blocking_timeout_us = c->attr.blocking_timeout_us;
	m->switch_timer_us = c->attr.switch_timer_us;
	m->read_timer_us = c->attr.read_timer_us;
	m->monitor_timer_us = (uint32_t) c->attr.monitor_timer_us;
	m->overwrite = channel_overwrites(s, c);
	m->chan_id = rc->chan_id;
	m->uid = s->uid;
	m->gid = s->gid;
	m->domain = CONSUMER_DOMAIN_UST;
	memcpy(m->uuid, reg->meta.uuid, sizeof(m->uuid));
	(void) copy_string(m->name, sizeof(m->name), c->name);
	(void) copy_string(m->directory, sizeof(m->directory), reg->directory);
	if (reg->shm_dir)
		(void) copy_string(m->shm_directory, sizeof(m->shm_directory), reg->shm_dir);
}

/* The consumer created (or failed to create) a registry's buffers: hand them to
 * the applications waiting for them. */
static void buffers_created(struct daemon *d, struct consumer_batch *b)
{
	struct ust_registry *reg = registry_by_id(d, b->subject_id);
	struct ust_app *app, *atmp;
	bool ok = reg != NULL;

	for (unsigned i = 0; i < b->count; i++) {
		struct consumer_op *op = &b->ops[i];
		struct ust_registry_channel *rc;

		if (op->result < 0) {
			ok = false;
			log_error_errno(op->result, "Consumer daemon could not create %s buffers",
					op->type == CONSUMER_OP_ADD_CHANNEL ? op->in.add_channel->name
									  : "metadata");
			continue;
		}
		if (op->type != CONSUMER_OP_ADD_CHANNEL || !reg)
			continue;
		rc = registry_channel_by_id(reg, op->in.add_channel->chan_id);
		if (!rc)
			continue;
		rc->channel_object = move_ptr(op->channel_object);
		rc->stream_objects = move_ptr(op->stream_objects);
		rc->stream_count = op->stream_count;
		op->stream_count = 0;
		rc->state = REGISTRY_CHANNEL_READY;
	}
	if (!reg)
		return;
	/* Its consumer may have died after making the buffers and before this ran. */
	ok = ok && !reg->consumer_lost;
	reg->failed = !ok;
	if (!ok) {
		struct ust_registry_channel *rc;

		list_for_each_entry(rc, &reg->channels, link)
			rc->state = REGISTRY_CHANNEL_FAILED;
	}
	if (!d->apps)
		return; /* shutting down */
	list_for_each_entry_safe(app, atmp, &d->apps->apps, link) {
		struct ust_app_session *as, *tmp;

		list_for_each_entry_safe(as, tmp, &app->sessions, link) {
			if (as->registry_id != reg->id || !as->waiting_for_buffers)
				continue;
			as->waiting_for_buffers = false;
			if (ok)
				app_setup_submit(d, app, as);
			else
				app_session_abandon(d, as, LTTNG_ERR_UST_CHAN_FAIL);
		}
	}
}

/* Creates the registry (metadata header, channel ids) and asks the consumer for
 * its buffers. */
struct ust_registry *registry_create(struct daemon *d, struct session *s, struct ust_app *app)
{
	struct ust_registry *reg;
	struct consumer_batch *b;
	struct consumer_op *op;
	struct channel *c;

	reg = ust_registry_new(++d->next_registry_id, s->id, s->domains[DOMAIN_INDEX_UST].buffer_type == LTTNG_BUFFER_PER_PID);
	if (!reg)
		return NULL;
	reg->uid = app->uid;
	reg->bits_per_long = app->bits_per_long;
	reg->chunk_index = s->chunks.index;
	reg->app_id = app->id;
	if (registry_fill_meta(d, reg, s, app) < 0 || registry_directory(reg, s, app) < 0 ||
	    registry_shm(reg, s) < 0 || ust_registry_start_metadata(reg) < 0)
		goto fail;
	b = consumer_batch_new(buffers_created, reg->id, NULL);
	if (!b)
		goto fail;
	consumer_batch_target(b, reg->bits_per_long);
	reg->metadata_key = ++d->next_consumer_key;
	if (session_streams_to_relay(s) && consumer_relay_add_open(d, s, b) < 0)
		goto fail_batch;
	/* Snapshot sessions write metadata with each snapshot; with a shm path its
	 * copy there still follows the registry (lttng-crash). */
	if (!reg->directory[0] && !reg->shm_dir)
		goto channels;
	op = consumer_batch_add(b, CONSUMER_OP_ADD_METADATA);
	if (!op)
		goto fail_batch;
	op->in.add_metadata.key = reg->metadata_key;
	op->in.add_metadata.session_id = s->id;
	op->in.add_metadata.uid = s->uid;
	op->in.add_metadata.gid = s->gid;
	op->in.add_metadata.domain = CONSUMER_DOMAIN_UST;
	memcpy(op->in.add_metadata.uuid, reg->meta.uuid, 16);
	(void) copy_string(op->in.add_metadata.directory, sizeof(op->in.add_metadata.directory),
			   reg->directory);
	if (reg->shm_dir)
		(void) copy_string(op->in.add_metadata.shm_directory,
				   sizeof(op->in.add_metadata.shm_directory), reg->shm_dir);
	reg->metadata_created = true;
	/* The header at once: the consumer packs later pushes into the same packet. */
	if (registry_queue_push(d, reg, b) < 0)
		goto fail_batch;
channels:
	list_for_each_entry(c, &s->domains[DOMAIN_INDEX_UST].channels, link) {
		struct ust_registry_channel *rc = ust_registry_channel_add(reg, c->name);

		op = consumer_batch_add(b, CONSUMER_OP_ADD_CHANNEL);
		if (!rc || !op)
			goto fail_batch;
		op->in.add_channel = malloc(sizeof(*op->in.add_channel));
		if (!op->in.add_channel)
			goto fail_batch;
		rc->consumer_key = ++d->next_consumer_key;
		rc->state = REGISTRY_CHANNEL_CREATING;
		fill_add_channel(d, s, reg, c, rc, op->in.add_channel);
	}
	list_append(&d->ust_registries, &reg->link);
	consumer_batch_submit(d, b);
	return reg;
fail_batch:
	consumer_batch_free(b);
fail:
	ust_registry_free(reg);
	return NULL;
}

static void push_done(struct daemon *d, struct consumer_batch *b)
{
	for (unsigned i = 0; i < b->count; i++)
		if (b->ops[i].result < 0 && b->ops[i].result != -ENOTCONN)
			log_error_errno(b->ops[i].result, "Cannot write trace metadata");
}

/* Adds the registry's unsent metadata to a batch (or to a batch of its own). */
int registry_queue_push(struct daemon *d, struct ust_registry *reg, struct consumer_batch *into)
{
	struct consumer_batch *b = into;
	int r;

	if (!reg->metadata_created || reg->metadata_pushed == reg->metadata.size)
		return 0;
	if (!b) {
		b = consumer_batch_new(push_done, reg->id, NULL);
		if (!b)
			return -ENOMEM;
		b->stop_on_error = false;
	}
	consumer_batch_target(b, reg->bits_per_long);
	r = consumer_batch_add_push(b, reg->metadata_key, reg->metadata_pushed, reg->metadata_reset,
				    (const char *) reg->metadata.data + reg->metadata_pushed,
				    reg->metadata.size - reg->metadata_pushed);
	if (r == 0) {
		reg->metadata_pushed = reg->metadata.size;
		reg->metadata_reset = false;
	}
	if (!into) {
		if (r == 0)
			consumer_batch_submit(d, b);
		else
			consumer_batch_free(b);
	}
	return r;
}
