/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel domain's own state (kernel/ only): what the daemon found of tracefs at
 * start-up, and one recording per session that started with kernel channels. The
 * model (model/model.h) holds what the user asked for; this holds what exists in
 * ftrace and in the kernel consumer daemon for it. Owned by the loop.
 */
#ifndef SESSIOND_KERNEL_KERNEL_INTERNAL_H
#define SESSIOND_KERNEL_KERNEL_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/daemon.h"
#include "core/operation.h"
#include "domain/domain.h"
#include "kernel/kernel-tracefs.h"
#include "list.h"
#include "model/model.h"

struct worker_queue;

/* The probe groups (--kmod-probes / --extra-kmod-probes) name ftrace systems; an
 * empty list offers every system. */
#define KERNEL_PROBE_GROUPS_MAX 128

struct kernel_tracer {
	char tracefs[PATH_MAX];  /* "" when the kernel domain is not available */
	struct worker_queue *queue; /* tracefs work, in order (one thread) */
	unsigned probe_group_count;
	char probe_groups[KERNEL_PROBE_GROUPS_MAX][64];
	struct list_node traces; /* struct kernel_trace */
	/* What ftrace offered when last read (start-up, listings, starts). */
	struct ktracefs_event *catalog;
	size_t catalog_count;
};

/* Replaces the catalog (takes events). */
void kernel_catalog_replace(struct kernel_tracer *k, struct ktracefs_event *events, size_t count);

/* A channel as ftrace and the consumer have it. */
struct kernel_channel {
	struct list_node link;
	char name[CHANNEL_NAME_MAX];
	unsigned index;          /* in its session: the instance name and stream id */
	uint64_t key;            /* consumer key */
	char instance[KTRACEFS_INSTANCE_NAME_MAX];
	bool instance_made;
	bool consumer_made;      /* KERNEL_ADD_CHANNEL succeeded */
	/* ftrace events declared to the consumer (they stay declared). */
	struct ktracefs_event *declared;
	size_t declared_count, declared_capacity;
	/* ftrace events enabled in its instance by the last sync. */
	struct ktracefs_event *applied;
	size_t applied_count;
};

struct kernel_trace {
	struct list_node link;
	uint64_t session_id;
	uint64_t key;            /* consumer key of the trace (its metadata) */
	bool consumer_made;      /* KERNEL_ADD_TRACE succeeded */
	bool to_relay;           /* its session streams to a relay daemon */
	bool destroyed;          /* its session is gone: no step continues */
	bool failed;             /* its setup failed: the session cannot record */
	struct list_node channels; /* struct kernel_channel */
	/* One sync at a time (kernel-sync.c): each decides from the model when its
	 * steps run, so a later one must not overtake an earlier one. */
	bool sync_running;
	struct list_node sync_queue; /* struct ksync, not started yet */
};

/* d->kernel */
static inline struct kernel_tracer *kernel_of(struct daemon *d)
{
	return d->kernel;
}

struct kernel_trace *kernel_trace_find(struct daemon *d, uint64_t session_id);

/* Whether the kernel has this syscall (the catalog's sys_enter_ events). */
bool kernel_syscall_known(struct daemon *d, const char *name);

/* kernel-events.c */
/* Whether an event rule of a session selects ftrace event ev (LTTng name lname). */
bool kernel_rule_selects(const struct event_rule *rule, const struct ktracefs_event *ev,
			 const char *lname);
/* The probe groups offer this ftrace system. */
bool kernel_system_offered(const struct kernel_tracer *k, const char *system);

#endif
