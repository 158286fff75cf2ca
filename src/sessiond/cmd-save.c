/* SPDX-License-Identifier: GPL-2.0-only */
/* SAVE_SESSION: placeholder until the XML writer lands (see session-xml.c). */
#include "commands.h"

int cmd_save_session(struct command_ctx *ctx)
{
	return LTTNG_ERR_SAVE_IO_FAIL;
}
