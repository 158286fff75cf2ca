/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's process events (the netlink proc connector, CONFIG_PROC_EVENTS): a
 * fork, an exec, a change of real uid or gid, of name, each stamped with the
 * CLOCK_MONOTONIC time it happened, as ftrace's "mono" clock stamps records. The
 * kernel consumer reads them as they come, so it knows a task's ids, credentials
 * and name at the time of each of its records even when the task changed or exited
 * before the records were read (up to a read period later). Facts and sources:
 * doc/protocol/kernel-trace.md, "Tasks".
 *
 * Only in the initial network namespace and for root (CAP_NET_ADMIN); where the
 * kernel refuses, the consumer goes on with /proc alone (ktask.h).
 */
#ifndef CONSUMERD_KERNEL_KPROC_FEED_H
#define CONSUMERD_KERNEL_KPROC_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktask.h"

/* One process event, as kproc_parse finds it. */
enum kproc_kind {
	KPROC_FORK,
	KPROC_EXEC,
	KPROC_UID,
	KPROC_GID,
	KPROC_COMM,
	KPROC_EXIT,
};

struct kproc_event {
	enum kproc_kind kind;
	uint64_t ts; /* CLOCK_MONOTONIC, ns */
	int32_t pid, tgid; /* the task (the child, for FORK) */
	int32_t parent_pid, parent_tgid; /* FORK */
	int32_t id; /* UID: the real uid; GID: the real gid */
	char comm[KTASK_COMM_LEN]; /* COMM, terminated */
};

/*
 * Calls fn for each event of interest in buf (len bytes: what one recv() of the
 * connector's socket gave: netlink messages, each a connector message carrying one
 * proc_event). Every length is checked against what holds it; a message that
 * breaks one ends the walk. Returns the number of events given to fn, or -EBADMSG
 * after such a message (the events before it were given).
 */
int kproc_parse(const void *buf, size_t len, void (*fn)(void *userdata, const struct kproc_event *ev),
		void *userdata);

struct kproc_feed;

/* Subscribes to the process events; NULL with errno set when the kernel refuses. */
struct kproc_feed *kproc_feed_open(const char *proc_root);
void kproc_feed_free(struct kproc_feed *f);
int kproc_feed_fd(const struct kproc_feed *f);
/* Reads every event queued on the socket, without waiting. */
void kproc_feed_drain(struct kproc_feed *f);
/* Applies one event (kproc_feed_drain does this; tests give their own). */
void kproc_feed_apply(struct kproc_feed *f, const struct kproc_event *ev);
/* The task tid as the events said it was at time ts; NULL when no event since the
 * feed opened speaks of it at or before ts (or its history was pushed out). */
const struct ktask *kproc_feed_at(const struct kproc_feed *f, int32_t tid, uint64_t ts);
/* Events lost because the socket overflowed (ENOBUFS) since the feed opened. */
uint64_t kproc_feed_overflows(const struct kproc_feed *f);
/* A feed that reads no socket (tests): events come through kproc_feed_apply. */
struct kproc_feed *kproc_feed_new_detached(const char *proc_root);

#endif
