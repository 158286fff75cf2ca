/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's tracer, as this daemon drives it: ftrace instances in tracefs, one
 * per kernel channel of a session (doc/protocol/kernel-trace.md). Everything here
 * blocks on tracefs: it runs at start-up, before the loop serves anyone, or on a
 * worker thread (kernel-jobs.c), never on the loop.
 */
#ifndef SESSIOND_KERNEL_KERNEL_TRACEFS_H
#define SESSIOND_KERNEL_KERNEL_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Instance names: this prefix, the daemon's pid namespace (its inode number) and
 * pid there, the session id, the channel's index in its session; so two daemons
 * (whatever their namespaces) and two sessions never share one. */
#define KTRACEFS_INSTANCE_PREFIX "lttng-sessiond-"
#define KTRACEFS_INSTANCE_NAME_MAX 80

/* Finds tracefs, mounting it on /sys/kernel/tracing when no mount is there (as the
 * real daemon loads its modules at start). 0 with its path in dir, or -errno. */
int ktracefs_setup(char *dir, size_t size);

/* Removes the instances whose daemon is gone: those of our pid namespace whose
 * pid is no live session daemon, and, when we run in the initial pid namespace
 * (we see every process), those of namespaces where no such daemon lives. Returns
 * how many were removed. */
int ktracefs_remove_stale(const char *dir);

/* This daemon's instance name for a session's channel. */
void ktracefs_instance_name(char *out, size_t size, uint64_t session_id, unsigned channel_index);

/* One ftrace event. */
struct ktracefs_event {
	char system[64];
	char name[128];
};

/* Every event ftrace offers (available_events), ftrace's own system left out.
 * 0 with a malloc'ed array, or -errno. */
int ktracefs_read_catalog(const char *dir, struct ktracefs_event **ret_events,
			  size_t *ret_count);

/* Creates an instance recording nothing yet: tracing off, clock "mono" (LTTng's
 * kernel clock), the buffer size per CPU, overwrite or discard, readers woken
 * when wake_percent of a CPU's buffer is full (LTTng's consumer is woken at each
 * sub-buffer). 0 or -errno. */
int ktracefs_instance_create(const char *dir, const char *instance, uint64_t buffer_bytes_per_cpu,
			     bool overwrite, unsigned wake_percent);
/* Removes an instance (tracing off first; nothing may hold its raw buffers). */
int ktracefs_instance_remove(const char *dir, const char *instance);

/* Enables or disables one event of an instance; filter (ftrace's syntax) is set
 * before it is enabled, NULL or "" clears it. 0 or -errno (-EINVAL: a filter
 * ftrace refused, its reason logged). */
int ktracefs_event_set(const char *dir, const char *instance, const struct ktracefs_event *ev,
		       bool enable, const char *filter);

/* The field names of an event (its format file; the common_ fields too).
 * Returns how many (at most max), or -errno. */
#define KTRACEFS_FIELD_NAME_MAX 64
int ktracefs_event_fields(const char *dir, const struct ktracefs_event *ev,
			  char (*names)[KTRACEFS_FIELD_NAME_MAX], int max);

/* User-space probes are global ftrace events ("uprobe_events"), enabled per
 * instance; their group names start with this prefix, then the daemon's pid
 * namespace and pid, the session id, the channel index and the call site index,
 * so their owner is known as an instance's is. */
#define KTRACEFS_UPROBE_PREFIX "lttng_up_"
void ktracefs_uprobe_group(char *out, size_t size, uint64_t session_id, unsigned channel_index,
			   unsigned site);
/* Defines a uprobe on the binary open on fd (ours), at a file offset. 0, or
 * -errno (-EEXIST: defined already). */
int ktracefs_uprobe_define(const char *dir, const struct ktracefs_event *ev, int fd,
			   uint64_t offset);
/* Removes the uprobes whose group starts with prefix (none enabled anywhere). */
void ktracefs_uprobes_remove(const char *dir, const char *group_prefix);

int ktracefs_tracing_set(const char *dir, const char *instance, bool on);

/* Records only these threads and the children they fork from now on, or every
 * thread when all is true. (Recording nobody is the caller's: it keeps tracing
 * off, as an empty list here means everyone to ftrace.) */
int ktracefs_pids_set(const char *dir, const char *instance, const pid_t *tids, size_t count,
		      bool all);

#endif
