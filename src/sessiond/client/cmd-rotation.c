/* SPDX-License-Identifier: GPL-2.0-only */
/* Rotation commands: rotate now (client/rotation.h does it), the state the CLI polls,
 * and the schedules (doc/protocol/client.md, doc/protocol/rotation.md). */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "client/client-op.h"
#include "client/commands.h"
#include "client/rotation.h"

/* Better than LTTng, same protocol: the reply (the rotation's id) comes once the
 * rotation ended, so the CLI's first ROTATION_GET_INFO finds it done instead of
 * polling every 200 ms (doc/protocol/rotation.md). */
enum lttng_error_code cmd_rotate_session(struct command_ctx *ctx)
{
	struct session *s = ctx->session;
	struct wire_rotate_reply reply;
	enum lttng_error_code r = rotation_check(ctx->daemon, s);
	struct client_op *cop;

	if (r != LTTNG_OK)
		return r;
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	reply.rotation_id = s->chunks.index;
	if (buffer_append(&cop->reply_data, &reply, sizeof(reply)) < 0)
		return LTTNG_ERR_NOMEM;
	return rotation_start(ctx->daemon, s, &cop->op);
}

/* LTTng's answer for a rotation id: the last rotation's state when it is that one,
 * EXPIRED for an older one, NO_ROTATION before any. */
enum lttng_error_code cmd_rotation_get_info(struct command_ctx *ctx)
{
	const struct session *s = ctx->session;
	uint64_t id = ctx->req->header->u.get_rotation_info.rotation_id;
	struct wire_rotation_info *info = buffer_append_zeroed(&ctx->reply->data, sizeof(*info));

	if (!info)
		return LTTNG_ERR_NOMEM;
	if (!s->chunks.rotated) {
		info->status = LTTNG_ROTATION_STATE_NO_ROTATION;
		return LTTNG_OK;
	}
	if (id != s->chunks.last_id) {
		info->status = LTTNG_ROTATION_STATE_EXPIRED;
		return LTTNG_OK;
	}
	info->status = s->chunks.state;
	if (s->chunks.state == LTTNG_ROTATION_STATE_COMPLETED && s->chunks.last_archive_on_relay) {
		const struct wire_uri *control = session_control_uri(s);

		info->location_type = LTTNG_TRACE_ARCHIVE_LOCATION_TYPE_RELAY;
		uri_host_string(control, info->location.relay.host,
				sizeof(info->location.relay.host));
		info->location.relay.protocol = LTTNG_TRACE_ARCHIVE_LOCATION_RELAY_PROTOCOL_TYPE_TCP;
		info->location.relay.control_port = control->port;
		info->location.relay.data_port = session_data_uri(s)->port;
		memcpy(info->location.relay.relative_path, s->chunks.last_archive,
		       strnlen(s->chunks.last_archive,
			       sizeof(info->location.relay.relative_path) - 1));
	} else if (s->chunks.state == LTTNG_ROTATION_STATE_COMPLETED) {
		info->location_type = LTTNG_TRACE_ARCHIVE_LOCATION_TYPE_LOCAL;
		memcpy(info->location.local_absolute_path, s->chunks.last_archive,
		       strnlen(s->chunks.last_archive, sizeof(info->location.local_absolute_path) - 1));
	}
	return LTTNG_OK;
}

enum lttng_error_code cmd_rotation_set_schedule(struct command_ctx *ctx)
{
	struct session *s = ctx->session;
	const struct wire_request *h = ctx->req->header;
	bool set = h->u.rotation_set_schedule.set != 0;
	uint64_t value = h->u.rotation_set_schedule.value;
	bool *is_set;
	uint64_t *current;

	if (s->live_timer_us)
		return LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	if (s->output == SESSION_OUTPUT_NONE && !s->snapshot_mode)
		return LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	if (s->snapshot_mode)
		return LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	switch (h->u.rotation_set_schedule.type) {
	case LTTNG_ROTATION_SCHEDULE_TYPE_PERIODIC:
		is_set = &s->rotate_periodic_set;
		current = &s->rotate_periodic_us;
		if (value >= UINT_MAX)
			return LTTNG_ERR_INVALID; /* LTTng's bound on a period */
		break;
	case LTTNG_ROTATION_SCHEDULE_TYPE_SIZE_THRESHOLD:
		is_set = &s->rotate_size_set;
		current = &s->rotate_size_bytes;
		break;
	default:
		return LTTNG_ERR_INVALID;
	}
	if (value == UINT64_MAX)
		return LTTNG_ERR_INVALID;
	if (set) {
		if (*is_set)
			return LTTNG_ERR_ROTATION_SCHEDULE_SET;
		if (value == 0)
			return LTTNG_ERR_INVALID;
		*is_set = true;
		*current = value;
	} else {
		if (!*is_set || *current != value)
			return LTTNG_ERR_ROTATION_SCHEDULE_NOT_SET;
		*is_set = false;
		*current = 0;
	}
	rotation_schedule_update(ctx->daemon, s);
	return LTTNG_OK;
}

enum lttng_error_code cmd_list_rotation_schedules(struct command_ctx *ctx)
{
	const struct session *s = ctx->session;
	struct wire_rotation_schedules w = {
		.periodic_set = s->rotate_periodic_set,
		.periodic_value = s->rotate_periodic_us,
		.size_set = s->rotate_size_set,
		.size_value = s->rotate_size_bytes,
	};

	return buffer_append(&ctx->reply->data, &w, sizeof(w)) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}
