/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The threads a session's pid and vpid trackers select, read from /proc
 * (blocking: workers only): ftrace's first cut (set_event_pid, the children of
 * selected threads followed), taken when the trackers change or recording starts.
 * LTTng checks the current task at each event; the kernel consumer does that for
 * every tracker (KERNEL_TRACK_IDS), so the cut only saves copying events of other
 * processes. The uid and gid trackers make no cut: a process of a tracked user may
 * start at any time, from any parent.
 */
#ifndef SESSIOND_KERNEL_KERNEL_PROCS_H
#define SESSIOND_KERNEL_KERNEL_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One tracker as the worker takes it: policy "all" (no restriction) or a set. */
struct kproc_tracker {
	bool all;
	size_t count;
	int64_t *values; /* pids, uids or gids; owned */
};

enum kproc_attr { KPROC_PID, KPROC_VPID, KPROC_UID, KPROC_VUID, KPROC_GID, KPROC_VGID, KPROC_COUNT };

struct kproc_selection {
	struct kproc_tracker trackers[KPROC_COUNT];
};

/* Whether every tracker is "all": nothing to select. */
bool kproc_selection_is_all(const struct kproc_selection *sel);
void kproc_selection_fini(struct kproc_selection *sel);

/* The thread ids of every process that passes the pid and vpid trackers (the
 * others are not looked at); 0 with a malloc'ed array (possibly empty), or -errno.
 * *complete: every value those trackers hold matched a process (when one did not,
 * a process that takes it later would be outside the cut). */
int kproc_select_threads(const struct kproc_selection *sel, pid_t **ret_tids, size_t *ret_count,
			 bool *complete);

#endif
