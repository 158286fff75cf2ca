/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Filters of kernel event rules: LTTng's filter language (the expression the CLI
 * sends with its bytecode). The kernel consumer evaluates every rule's expression
 * on the records of the events it selects (KERNEL_SET_FILTER); where the
 * expression maps to ftrace's filter language, ftrace's filter drops the records
 * first, so that they are never copied. Never ignored: an expression the consumer
 * cannot evaluate is refused.
 */
#ifndef SESSIOND_KERNEL_KERNEL_FILTER_H
#define SESSIOND_KERNEL_KERNEL_FILTER_H

#include <stddef.h>

#include <lttng/lttng.h>

#include "wire/client-codec.h"

/* LTTNG_OK when the rule has no filter or one the kernel consumer can evaluate;
 * else LTTNG_ERR_FILTER_INVAL (the reason is logged). */
enum lttng_error_code kernel_filter_check(const struct decoded_event *ev);

/*
 * Writes ftrace's form of an LTTng filter expression for one event whose ftrace
 * fields are field_names (count of them) into out. Returns 0; -ENOENT when the
 * expression names a field the event's ftrace format does not have; -EINVAL when
 * it does not map; -ENOSPC when out is too small. On failure, the event is enabled
 * without an ftrace filter and the consumer's evaluation decides alone.
 */
int kernel_filter_to_ftrace(const char *expression, const char *const *field_names, size_t count,
			    char *out, size_t size);

#endif
