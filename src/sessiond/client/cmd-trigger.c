/* SPDX-License-Identifier: GPL-2.0-only */
/* Trigger commands. Triggers come with issue 12: until then REGISTER/UNREGISTER_TRIGGER
 * are unknown commands (LTTNG_ERR_UND, as an older daemon answers) and the listing is
 * answered truthfully as empty, so that `lttng list-triggers` works. */
#include "client/commands.h"

enum lttng_error_code cmd_list_triggers(struct command_ctx *ctx)
{
	/* struct lttng_triggers_comm: count, then payload length. */
	const uint32_t header[2] = { 0, 0 };

	return buffer_append(&ctx->reply->data, header, sizeof(header)) < 0 ? LTTNG_ERR_NOMEM
									    : LTTNG_OK;
}
