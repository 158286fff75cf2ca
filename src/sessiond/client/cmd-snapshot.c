/* SPDX-License-Identifier: GPL-2.0-only */
/* Snapshot output commands (doc/protocol/client.md, snapshot). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/commands.h"
#include "client/client-op.h"
#include "domain/domain.h"
#include "core/run-as.h"
#include "log.h"
#include "uri.h"

/* Makes every string of a client's snapshot output NUL-terminated. */
static void terminate_output_strings(struct wire_snapshot_output *w)
{
	w->name[sizeof(w->name) - 1] = '\0';
	w->ctrl_url[sizeof(w->ctrl_url) - 1] = '\0';
	w->data_url[sizeof(w->data_url) - 1] = '\0';
}

/* Snapshot commands are for sessions that do not record continuously to an output
 * (snapshot sessions and --no-output sessions). */
static bool session_takes_snapshots(const struct session *s)
{
	return s->output == SESSION_OUTPUT_NONE;
}

/* Builds an output from a client's URLs; the name defaults to "snapshot-<id>". */
static int snapshot_output_from_wire(const struct wire_snapshot_output *w, uint32_t id,
				     struct snapshot_output *ret)
{
	struct wire_uri uris[2];
	int n = uri_parse_output(w->ctrl_url, w->data_url, uris);

	if (n <= 0)
		return LTTNG_ERR_INVALID;
	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	/* -1 means "unset", stored as 0 = unlimited. */
	ret->max_size = w->max_size == UINT64_MAX ? 0 : w->max_size;
	if (w->name[0])
		memcpy(ret->name, w->name, sizeof(ret->name));
	else
		snprintf(ret->name, sizeof(ret->name), "snapshot-%u", id);
	snapshot_output_set_uris(ret, uris, (uint32_t) n);
	return LTTNG_OK;
}

int cmd_snapshot_add_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	struct session *s = ctx->session;
	struct snapshot_output *o;
	int r;

	terminate_output_strings(&w);
	if (!session_takes_snapshots(s))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	/* LTTng 2.13 keeps a single snapshot output per session. */
	if (!list_is_empty(&s->snapshot_outputs))
		return LTTNG_ERR_SNAPSHOT_OUTPUT_EXIST;
	o = malloc(sizeof(*o));
	if (!o)
		return LTTNG_ERR_NOMEM;
	r = snapshot_output_from_wire(&w, s->next_snapshot_output_id, o);
	if (r != LTTNG_OK) {
		free(o);
		return r;
	}
	s->next_snapshot_output_id++;
	list_append(&s->snapshot_outputs, &o->link);
	return buffer_append_u32(&ctx->reply->data, o->id) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

int cmd_snapshot_del_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	struct snapshot_output *o;

	terminate_output_strings(&w);
	if (!session_takes_snapshots(ctx->session))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	list_for_each_entry(o, &ctx->session->snapshot_outputs, link) {
		if ((w.id && o->id == w.id) || (!w.id && strcmp(o->name, w.name) == 0)) {
			list_remove(&o->link);
			free(o);
			return LTTNG_OK;
		}
	}
	return LTTNG_ERR_INVALID;
}

int cmd_snapshot_list_outputs(struct command_ctx *ctx)
{
	struct snapshot_output *o;

	if (!session_takes_snapshots(ctx->session))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	list_for_each_entry(o, &ctx->session->snapshot_outputs, link) {
		struct wire_snapshot_output *w = buffer_append_zeroed(&ctx->reply->data, sizeof(*w));

		if (!w)
			return LTTNG_ERR_NOMEM;
		w->id = o->id;
		w->max_size = o->max_size;
		memcpy(w->name, o->name, sizeof(w->name));
		memcpy(w->ctrl_url, o->ctrl_url, sizeof(w->ctrl_url));
		memcpy(w->data_url, o->data_url, sizeof(w->data_url));
	}
	return LTTNG_OK;
}

/* Writes one snapshot of the session to the output: the directory
 * <path>/<name>-<datetime>-<n>, with one sub-directory per recorded domain. */
static int record_to_output(struct command_ctx *ctx, struct session *s,
			    const struct snapshot_output *o, const char *datetime)
{
	char dir[PATH_MAX + SESSION_NAME_MAX + 64];
	struct client_op *cop;
	int r;

	if (o->uri_count != 1 || o->uris[0].dtype != WIRE_URI_PATH)
		return LTTNG_ERR_RELAYD_CONNECT_FAIL; /* no relay daemon support yet */
	if ((size_t) snprintf(dir, sizeof(dir), "%s/%s-%s-%u", o->uris[0].dst.path, o->name,
			      datetime, s->snapshot_count) >= PATH_MAX)
		return LTTNG_ERR_INVALID;
	r = mkdir_as(s->uid, s->gid, dir, 0770);
	if (r < 0) {
		log_error_errno(r, "Cannot create snapshot directory %s", dir);
		return LTTNG_ERR_CREATE_DIR_FAIL;
	}
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	return domains_snapshot(ctx->daemon, s, dir, o->max_size, &cop->op);
}

int cmd_snapshot_record(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_record.output;
	struct session *s = ctx->session;
	struct snapshot_output *o;
	char datetime[16];
	time_t now = time(NULL);
	struct tm tm;
	bool recorded = false;
	int r;

	terminate_output_strings(&w);
	if (!session_takes_snapshots(s))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	if (!s->has_been_started)
		return LTTNG_ERR_START_SESSION_ONCE;
	localtime_r(&now, &tm);
	strftime(datetime, sizeof(datetime), "%Y%m%d-%H%M%S", &tm);
	if (w.ctrl_url[0]) {
		/* A one-time output given with the command. */
		struct snapshot_output once;

		r = snapshot_output_from_wire(&w, 0, &once);
		if (r == LTTNG_OK)
			r = record_to_output(ctx, s, &once, datetime);
		if (r != LTTNG_OK)
			return r;
		recorded = true;
	} else {
		list_for_each_entry(o, &s->snapshot_outputs, link) {
			struct snapshot_output copy = *o;

			if (w.max_size != UINT64_MAX)
				copy.max_size = w.max_size;
			if (w.name[0])
				memcpy(copy.name, w.name, sizeof(copy.name));
			r = record_to_output(ctx, s, &copy, datetime);
			if (r != LTTNG_OK)
				return r;
			recorded = true;
		}
	}
	if (!recorded)
		return LTTNG_ERR_SNAPSHOT_FAIL;
	s->snapshot_count++;
	return LTTNG_OK;
}
