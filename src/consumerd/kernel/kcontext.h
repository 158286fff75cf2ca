/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The context fields a kernel channel's events carry (KERNEL_ADD_CONTEXT), LTTng's
 * names and types (M:src/lttng-context-*.c), and where each value comes from in an
 * ftrace record (doc/protocol/kernel-trace.md, "Contexts").
 */
#ifndef CONSUMERD_KERNEL_KCONTEXT_H
#define CONSUMERD_KERNEL_KCONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "ctf-buf.h"
#include "filter-expr.h"
#include "kevent.h"

#define KCONTEXT_MAX 32

struct kcontext_set {
	unsigned count;
	int32_t ctx[KCONTEXT_MAX]; /* enum lttng_event_context_type, in order of addition */
	char hostname[64];
};

/* Adds one: 0, -EOPNOTSUPP (one we cannot produce), -EEXIST (already there), -ENOSPC. */
int kcontext_add(struct kcontext_set *set, int32_t ctx);
/* The hostname context's text, read once. */
void kcontext_fill_hostname(struct kcontext_set *set);
/* The context a filter names ($ctx.NAME): false for one we cannot produce. */
bool kcontext_by_name(const char *name, int32_t *ctx);
/* Its value for one record (rec NULL: this thread, as for our statedump's records);
 * a text value is copied into text (or is hostname). */
bool kcontext_load(int32_t ctx, const char *hostname, struct kconv *cv, const uint8_t *rec,
		   uint32_t len, char text[16], struct filter_value *out);
/* TSDL lines of the stream's event.context struct (nothing when empty). */
int kcontext_tsdl(const struct kcontext_set *set, struct buffer *out);
/* The context fields of one record (rec: the ftrace record; NULL for our statedump
 * records, whose values are those of the consumer itself), at the struct's alignment. */
int kcontext_encode(const struct kcontext_set *set, struct kconv *cv, const uint8_t *rec,
		    uint32_t len, struct ctf_buf *out);

#endif
