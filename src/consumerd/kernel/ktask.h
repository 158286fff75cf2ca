/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the conversion needs to know of tasks that ftrace records do not carry: the
 * tgid of a TID (LTTng's `pid`), its name (comm), priority, parent and ids. Kept in a
 * bounded table, filled from /proc/<tid>/status on a miss and corrected by the
 * records themselves (sched_switch names, fork, exec), and overlaid with what the
 * kernel's process events said of the task at the record's time (kproc-feed.h)
 * when the consumer receives them. A task gone from /proc before its first lookup
 * and unknown to the process events gets tgid = tid and an empty name
 * (doc/protocol/kernel-trace.md, "Limitations").
 */
#ifndef CONSUMERD_KERNEL_KTASK_H
#define CONSUMERD_KERNEL_KTASK_H

#include <stdbool.h>
#include <stdint.h>

#define KTASK_COMM_LEN 16

struct ktask {
	int32_t tid, tgid, ppid;
	/* The same ids in the task's own pid namespace (its NSpid in /proc); the
	 * global ones when the task was gone before it was looked up. */
	int32_t vtid, vpid, vppid;
	int32_t prio; /* LTTng's (kernel prio - 100) */
	int32_t nice;
	/* Real user and group ids, and the same in the task's user namespace (the
	 * trackers'); -1 when the task was gone before it was looked up. */
	int32_t uid, gid, vuid, vgid;
	char comm[KTASK_COMM_LEN];
	bool valid;
};

struct ktask_cache;

/* proc_root: "/proc" (tests may point elsewhere). NULL on ENOMEM. */
struct ktask_cache *ktask_cache_new(const char *proc_root);
void ktask_cache_free(struct ktask_cache *c);
/* Takes tgids from tracefs' saved_tgids file at path too (an instance of ours records
 * them: options/record-tgid). 0 or -ENOMEM. */
int ktask_use_saved_tgids(struct ktask_cache *c, const char *path);
/* The task, looked up in /proc when not known. Never NULL (a stub when unknown); the
 * pointer is valid until the next call. */
const struct ktask *ktask_get(struct ktask_cache *c, int32_t tid);
struct kproc_feed;
/* Answers from the process events of feed (kproc-feed.h) where they knew the task
 * at the time given to ktask_set_time: exact for a task that changed or went
 * before its records were read. */
void ktask_use_feed(struct ktask_cache *c, const struct kproc_feed *feed);
/* The time (CLOCK_MONOTONIC ns) of the record whose task ktask_get is asked for. */
void ktask_set_time(struct ktask_cache *c, uint64_t ts);
/* The task tid as <proc_root>/<tid> shows it now; false (and a stub: every id
 * tid, credentials -1) when it is not there. */
bool ktask_read(const char *proc_root, int32_t tid, struct ktask *t);
/* Reads the task from /proc now, whatever the table knew of it. */
void ktask_learn(struct ktask_cache *c, int32_t tid);
void ktask_set_comm(struct ktask_cache *c, int32_t tid, const char *comm, unsigned len);
void ktask_set_prio(struct ktask_cache *c, int32_t tid, int32_t lttng_prio);
/* A new task: child tid of parent tid (its tgid from /proc while it exists). */
void ktask_fork(struct ktask_cache *c, int32_t parent, int32_t child);
void ktask_exit(struct ktask_cache *c, int32_t tid);

#endif
