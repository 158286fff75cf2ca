/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel domain can record (list -k, list -k --syscall): ftrace's events,
 * read off the loop, under LTTng's names (T:kernel.c kernel_list_events,
 * T:lttng-syscall.c syscall_table_list; doc/protocol/kernel-trace.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "core/worker.h"
#include "kernel-names.h"
#include "kernel/kernel-domain.h"
#include "kernel/kernel-internal.h"

struct listing_job {
	struct worker_job base;
	char tracefs[PATH_MAX];
	bool syscalls;
	struct event_listing *out; /* the waiter's; filled on the loop */
	struct operation *op;
	/* Worker results. */
	int result;
	struct ktracefs_event *events;
	size_t count;
};

static void listing_run(struct worker_job *job)
{
	struct listing_job *j = (struct listing_job *) job;

	j->result = ktracefs_read_catalog(j->tracefs, &j->events, &j->count);
}

static int add_entry(struct event_listing *out, const char *name, int type, uint32_t flags)
{
	struct listed_event *e = event_listing_add(out);

	if (!e)
		return -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->type = type;
	e->flags = flags;
	e->loglevel = 0; /* printed as TRACE_EMERG (0), as for LTTng's kernel events */
	return 0;
}

static int list_tracepoints(const struct kernel_tracer *k, const struct ktracefs_event *events,
			    size_t count, struct event_listing *out)
{
	char lname[WIRE_SYMBOL_NAME_LEN];

	for (size_t i = 0; i < count; i++) {
		if (strcmp(events[i].system, KERNEL_SYSCALL_SYSTEM) == 0 ||
		    !kernel_system_offered(k, events[i].system))
			continue;
		if (!kernel_lttng_event_name(events[i].system, events[i].name, lname, sizeof(lname)))
			continue;
		if (add_entry(out, lname, LTTNG_EVENT_TRACEPOINT, 0) < 0)
			return -1;
	}
	/* The statedump events our consumer records (LTTng's lttng_statedump_*). */
	for (size_t i = 0; i < kernel_statedump_event_count; i++)
		if (add_entry(out, kernel_statedump_events[i], LTTNG_EVENT_TRACEPOINT, 0) < 0)
			return -1;
	return 0;
}

static int list_syscalls(const struct ktracefs_event *events, size_t count,
			 struct event_listing *out)
{
	for (size_t i = 0; i < count; i++) {
		bool entry;
		const char *name;

		if (strcmp(events[i].system, KERNEL_SYSCALL_SYSTEM) != 0)
			continue;
		name = kernel_syscall_of_event(events[i].name, &entry);
		/* ftrace records native syscalls only (ia32 tasks are skipped). */
		if (name && entry && add_entry(out, name, LTTNG_EVENT_SYSCALL,
					       LTTNG_EVENT_FLAG_SYSCALL_64) < 0)
			return -1;
	}
	return 0;
}

static void listing_done(struct daemon *d, struct worker_job *job)
{
	struct listing_job *j = (struct listing_job *) job;
	struct kernel_tracer *k = d->kernel;
	int code = LTTNG_OK;

	if (j->result < 0 || !k) {
		code = LTTNG_ERR_KERN_LIST_FAIL;
	} else {
		int r = j->syscalls ? list_syscalls(j->events, j->count, j->out)
				    : list_tracepoints(k, j->events, j->count, j->out);

		if (r < 0)
			code = LTTNG_ERR_NOMEM;
		kernel_catalog_replace(k, j->events, j->count);
		j->events = NULL;
	}
	free(j->events);
	operation_step_done(d, j->op, code);
	free(j);
}

static enum lttng_error_code submit_listing(struct daemon *d, struct event_listing *out,
					    struct operation *op, bool syscalls)
{
	struct kernel_tracer *k = d->kernel;
	struct listing_job *j;

	if (!k || !k->queue)
		return LTTNG_ERR_KERN_LIST_FAIL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return LTTNG_ERR_NOMEM;
	j->base.run = listing_run;
	j->base.done = listing_done;
	snprintf(j->tracefs, sizeof(j->tracefs), "%s", k->tracefs);
	j->syscalls = syscalls;
	j->out = out;
	j->op = op;
	j->result = -ECANCELED;
	operation_hold(op);
	worker_queue_submit(k->queue, &j->base);
	return LTTNG_OK;
}

enum lttng_error_code kernel_list_events(struct daemon *d, struct event_listing *out,
					 struct operation *op)
{
	return submit_listing(d, out, op, false);
}

enum lttng_error_code kernel_list_syscalls(struct daemon *d, struct event_listing *out,
					   struct operation *op)
{
	return submit_listing(d, out, op, true);
}
