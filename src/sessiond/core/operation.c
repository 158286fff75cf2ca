/* SPDX-License-Identifier: GPL-2.0-only */
/* Operations waited for by several asynchronous steps (core/operation.h). */
#include <lttng/lttng.h>

#include "core/operation.h"

void operation_init(struct operation *op, operation_done_fn done)
{
	op->holders = 1;
	op->code = LTTNG_OK;
	op->done = done;
}

void operation_hold(struct operation *op)
{
	op->holders++;
}

void operation_fail(struct operation *op, int code)
{
	if (op->code == LTTNG_OK && code != LTTNG_OK)
		op->code = code;
}

void operation_release(struct daemon *d, struct operation *op)
{
	if (op && --op->holders == 0)
		op->done(d, op);
}

void operation_step_done(struct daemon *d, struct operation *op, int code)
{
	operation_fail(op, code);
	operation_release(d, op);
}
