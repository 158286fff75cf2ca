/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LTTng filters of a kernel channel's events (KERNEL_SET_FILTER), evaluated on
 * every record the consumer converts: ftrace's own filters take what they can
 * express (the session daemon installs them), the consumer decides for every
 * filtered event (doc/protocol/kernel-domain.md, "Filters"). An event passes when
 * it has no filter or when any of its filters (one per enabling rule, as LTTng's
 * enablers) is true. Each expression is parsed once per channel and bound to each
 * event's fields and to contexts by name; a name an event lacks makes that filter
 * false for the event, as LTTng's bytecode link failure does.
 */
#ifndef CONSUMERD_KERNEL_KFILTER_H
#define CONSUMERD_KERNEL_KFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter-expr.h"
#include "kevent.h"

/* Distinct expressions one channel keeps (until the next replacement). */
#define KFILTER_MAX_EXPRESSIONS 4096u

struct kfilter_binding;
struct kfilter_set {
	unsigned count;
	struct kfilter_binding **bindings;
};

struct kfilters {
	struct filter_expr **exprs;
	char **texts;
	unsigned nexprs;
	struct kfilter_set *sets; /* by event id */
	unsigned nsets;
	char hostname[64];
	uint64_t rejected;	  /* records the filters dropped */
};

void kfilters_init(struct kfilters *f);
void kfilters_fini(struct kfilters *f);
/* Drops every filter of the channel. */
void kfilters_clear(struct kfilters *f);
/* Adds expression text (len bytes) to event ev's filters. 0, -EINVAL (not an
 * expression), -E2BIG, -ENOSPC (too many distinct expressions), -ENOMEM. */
int kfilters_add(struct kfilters *f, const char *text, size_t len, const struct kevent *ev);
/* Whether the record (class ev; for statedump events, its payload) is kept. */
bool kfilters_pass(struct kfilters *f, const struct kevent *ev, struct kconv *cv,
		   const uint8_t *rec, uint32_t len);

#endif
