/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KERNEL_STATEDUMP: the state of the system at trace start, as LTTng's statedump
 * records it (M:src/lttng-statedump-impl.c), read from /proc and injected into each
 * channel that declared the statedump events through its instance's
 * trace_marker_raw (kstatedump-events.h): start, per thread process_state, per
 * process its file descriptors, the interrupts, end.
 */
#ifndef CONSUMERD_KERNEL_KSTATEDUMP_H
#define CONSUMERD_KERNEL_KSTATEDUMP_H

#include "list.h"

/* Runs the statedump into the channels (struct kchannel, linked by `link`) of the
 * list that declared statedump events. proc_root: "/proc". 0 or -errno (the first
 * write error). */
int kstatedump_run(struct list_node *channels, const char *proc_root);

#endif
