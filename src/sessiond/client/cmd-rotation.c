/* SPDX-License-Identifier: GPL-2.0-only */
/* Rotation commands: schedules are kept; rotating recorded data comes with the
 * trace lifecycle (issue 11), until then a rotation fails as it does in LTTng when
 * the consumer cannot rotate (doc/protocol/client.md, rotate). */
#include <string.h>

#include "client/commands.h"

enum lttng_error_code cmd_rotate_session(struct command_ctx *ctx)
{
	struct session *s = ctx->session;

	if (!s->has_been_started)
		return LTTNG_ERR_START_SESSION_ONCE;
	if (s->live_timer_us)
		return LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	if (s->output == SESSION_OUTPUT_NONE)
		return LTTNG_ERR_NO_SESSION_OUTPUT;
	/* Our consumer cannot rotate yet (issue 11). */
	return LTTNG_ERR_ROTATION_FAIL_CONSUMER;
}

/* No rotation ever completes here (see above), so every session is in LTTng's
 * initial state: whatever the id asked about, "no rotation". */
enum lttng_error_code cmd_rotation_get_info(struct command_ctx *ctx)
{
	struct wire_rotation_info *info = buffer_append_zeroed(&ctx->reply->data, sizeof(*info));

	if (!info)
		return LTTNG_ERR_NOMEM;
	info->status = LTTNG_ROTATION_STATE_NO_ROTATION;
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
		break;
	case LTTNG_ROTATION_SCHEDULE_TYPE_SIZE_THRESHOLD:
		is_set = &s->rotate_size_set;
		current = &s->rotate_size_bytes;
		break;
	default:
		return LTTNG_ERR_INVALID;
	}
	if (set) {
		if (*is_set)
			return LTTNG_ERR_ROTATION_SCHEDULE_SET;
		if (value == 0)
			return LTTNG_ERR_INVALID;
		*is_set = true;
		*current = value;
	} else {
		if (!*is_set)
			return LTTNG_ERR_ROTATION_SCHEDULE_NOT_SET;
		*is_set = false;
		*current = 0;
	}
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
