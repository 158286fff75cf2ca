/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The threads a session's kernel trackers select, read from /proc (blocking:
 * workers only). LTTng checks the current task at each event (the pid tracker
 * compares its process id, the uid and gid trackers its real ids); ftrace filters
 * on thread ids and follows forks, so the selection is taken when the trackers
 * change or recording starts, and the children of selected threads follow.
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

/* The thread ids of every process that passes all trackers; 0 with a malloc'ed
 * array (possibly empty), or -errno. */
int kproc_select_threads(const struct kproc_selection *sel, pid_t **ret_tids, size_t *ret_count);

#endif
