/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Filters of kernel event rules: LTTng's filter language (the expression the CLI
 * sends with its bytecode) turned into ftrace's event filters, per event, where
 * the expression maps; refused where it does not, never ignored.
 */
#ifndef SESSIOND_KERNEL_KERNEL_FILTER_H
#define SESSIOND_KERNEL_KERNEL_FILTER_H

#include <stddef.h>

#include <lttng/lttng.h>

#include "wire/client-codec.h"

/* LTTNG_OK when the rule has no filter or one this daemon can apply; else
 * LTTNG_ERR_FILTER_INVAL (the reason is logged). */
enum lttng_error_code kernel_filter_check(const struct decoded_event *ev);

/*
 * Writes ftrace's form of an LTTng filter expression for one event whose ftrace
 * fields are field_names (count of them) into out. Returns 0; -ENOENT when the
 * expression names a field the event does not have (LTTng: the filter is false,
 * the event is not recorded); -EINVAL when it does not map; -ENOSPC when out is
 * too small.
 */
int kernel_filter_to_ftrace(const char *expression, const char *const *field_names, size_t count,
			    char *out, size_t size);

#endif
