/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space probe rules of the kernel domain (kernel-uprobe.c). */
#ifndef SESSIOND_KERNEL_KERNEL_UPROBE_H
#define SESSIOND_KERNEL_KERNEL_UPROBE_H

#include <stddef.h>

#include <lttng/lttng.h>

#include "domain/domain.h"

/* Reads the probe's offsets off the loop, then adds the rule to ch (moved from ev)
 * and answers req->op. LTTNG_OK when under way, or the error now. */
enum lttng_error_code kernel_uprobe_enable(const struct event_request *req, struct channel *ch,
					   struct decoded_event *ev);

/* The ftrace event name of a rule's probes: its name as a C identifier. */
void kernel_uprobe_event_name(const char *rule_name, char *out, size_t size);

#endif
