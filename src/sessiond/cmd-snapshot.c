/* SPDX-License-Identifier: GPL-2.0-only */
/* Snapshot output commands (doc/protocol/client.md, snapshot). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void terminate(char *s, size_t size)
{
	s[size - 1] = '\0';
}

int cmd_snapshot_add_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	struct session *s = ctx->session;
	struct snapshot_output *o;
	uint32_t id_reply;

	terminate(w.name, sizeof(w.name));
	terminate(w.ctrl_url, sizeof(w.ctrl_url));
	terminate(w.data_url, sizeof(w.data_url));
	if (s->output != SESSION_OUTPUT_NONE || !s->snapshot_mode)
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	/* LTTng 2.13 keeps a single snapshot output per session. */
	if (!list_is_empty(&s->snapshot_outputs))
		return LTTNG_ERR_SNAPSHOT_OUTPUT_EXIST;
	if (w.ctrl_url[0] == '\0')
		return LTTNG_ERR_INVALID;
	o = calloc(1, sizeof(*o));
	if (!o)
		return LTTNG_ERR_NOMEM;
	o->id = s->next_snapshot_output_id++;
	/* -1 means "unset", stored as 0 = unlimited. */
	o->max_size = w.max_size == UINT64_MAX ? 0 : w.max_size;
	if (w.name[0])
		memcpy(o->name, w.name, sizeof(o->name));
	else
		snprintf(o->name, sizeof(o->name), "snapshot-%u", o->id);
	memcpy(o->ctrl_url, w.ctrl_url, sizeof(o->ctrl_url));
	memcpy(o->data_url, w.data_url, sizeof(o->data_url));
	list_append(&s->snapshot_outputs, &o->link);
	id_reply = o->id;
	return buffer_append_u32(&ctx->reply->data, id_reply) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

int cmd_snapshot_del_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	struct snapshot_output *o;

	terminate(w.name, sizeof(w.name));
	if (!ctx->session->snapshot_mode)
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

	if (!ctx->session->snapshot_mode)
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

int cmd_snapshot_record(struct command_ctx *ctx)
{
	struct session *s = ctx->session;

	if (!s->snapshot_mode)
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	if (!s->has_been_started)
		return LTTNG_ERR_START_SESSION_ONCE;
	/* No application buffers exist yet (issue 4 adds them), so there is nothing to
	 * write: the snapshot is empty, as the real daemon's is without applications. */
	return LTTNG_OK;
}
