/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel domain behind the domain interface (domain/domain.h), recorded through
 * ftrace instances instead of LTTng's modules: its start-up (tracefs, stale
 * instances, probe groups), LTTng's rules for kernel channels, and the table
 * main.c installs. Recording itself is kernel-trace.c; rules, kernel-events.c;
 * listings, kernel-listing.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "consumer/consumer-supervisor.h"
#include "core/worker.h"
#include "kernel-names.h"
#include "kernel/kernel-domain.h"
#include "kernel/kernel-internal.h"
#include "log.h"

/* A probe list as LTTng takes it ("sched,irq" or "lttng-probe-sched,..."). */
static void add_probe_groups(struct kernel_tracer *k, const char *list)
{
	char copy[4096];
	char *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "lttng-probe-", 12) == 0)
			tok += 12;
		if (!tok[0] || k->probe_group_count == KERNEL_PROBE_GROUPS_MAX)
			continue;
		snprintf(k->probe_groups[k->probe_group_count++], sizeof(k->probe_groups[0]), "%s",
			 tok);
	}
}

bool kernel_system_offered(const struct kernel_tracer *k, const char *system)
{
	/* The syscalls and our statedump are the core tracer's, never a probe's. */
	if (k->probe_group_count == 0 || strcmp(system, "syscalls") == 0 ||
	    strcmp(system, "lttng") == 0)
		return true;
	for (unsigned i = 0; i < k->probe_group_count; i++)
		if (strcmp(k->probe_groups[i], system) == 0)
			return true;
	return false;
}

int kernel_domain_start(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;
	struct kernel_tracer *k;
	int removed;

	if (!cfg->is_root || cfg->no_kernel)
		return 0; /* no kernel domain: d->domains[] keeps NULL */
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	list_init(&k->traces);
	d->kernel = k;
	/* --kmod-probes names the only groups offered, --extra-kmod-probes adds to
	 * them; the default already offers every system ftrace has. */
	if (cfg->kmod_probes[0]) {
		add_probe_groups(k, cfg->kmod_probes);
		add_probe_groups(k, cfg->extra_kmod_probes);
	}
	if (ktracefs_setup(k->tracefs, sizeof(k->tracefs)) < 0) {
		k->tracefs[0] = '\0';
		return 0; /* kernel commands answer "Kernel tracer not available" */
	}
	if (ktracefs_read_catalog(k->tracefs, &k->catalog, &k->catalog_count) < 0)
		log_warn("Cannot read the kernel's events from %s", k->tracefs);
	removed = ktracefs_remove_stale(k->tracefs);
	if (removed)
		log_info("%d stale ftrace instance(s) removed", removed);
	k->queue = worker_queue_start(&d->workers.completions, 1);
	if (!k->queue)
		return -ENOMEM;
	return 0;
}

void kernel_domain_stop(struct daemon *d)
{
	struct kernel_tracer *k = d->kernel;

	if (!k)
		return;
	/* What is queued still runs (instances of destroyed sessions go away). */
	if (k->queue)
		worker_queue_finish(k->queue);
	k->queue = NULL;
	kernel_traces_shutdown(d, false);
}

void kernel_domain_remove_instances(struct daemon *d)
{
	kernel_traces_shutdown(d, true);
}

void kernel_domain_free(struct daemon *d)
{
	struct kernel_tracer *k = d->kernel;

	if (!k)
		return;
	kernel_traces_free(d);
	free(k->catalog);
	free(k);
	d->kernel = NULL;
}

void kernel_catalog_replace(struct kernel_tracer *k, struct ktracefs_event *events, size_t count)
{
	free(k->catalog);
	k->catalog = events;
	k->catalog_count = count;
}

bool kernel_syscall_known(struct daemon *d, const char *name)
{
	const struct kernel_tracer *k = d->kernel;

	for (size_t i = 0; k && i < k->catalog_count; i++) {
		const struct ktracefs_event *ev = &k->catalog[i];

		if (strcmp(ev->system, KERNEL_SYSCALL_SYSTEM) == 0 &&
		    strncmp(ev->name, "sys_enter_", 10) == 0 && strcmp(ev->name + 10, name) == 0)
			return true;
	}
	return false;
}

static enum lttng_error_code kernel_available(struct daemon *d)
{
	const struct kernel_tracer *k = d->kernel;

	return k && k->tracefs[0] && k->queue ? LTTNG_OK : LTTNG_ERR_KERN_NA;
}

/* Kernel commands on a session start the kernel consumer daemon, as in LTTng. */
static enum lttng_error_code kernel_prepare(struct daemon *d, struct session *s,
					    struct operation *op)
{
	return consumer_kernel_ensure_running(d, op);
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* LTTng's rules for a new kernel channel (channel_kernel_create, and the tracer's
 * own refusals of its ring buffer geometry). */
static enum lttng_error_code kernel_validate_channel(const struct session *s,
						     struct channel_attr *attr, int buffer_type)
{
	if (attr->overwrite == -1)
		attr->overwrite = s->snapshot_mode ? 1 : 0;
	if (s->snapshot_mode || !list_is_empty(&s->snapshot_outputs))
		attr->output = LTTNG_EVENT_MMAP;
	if (attr->overwrite && attr->num_subbuf < 2)
		return LTTNG_ERR_INVALID;
	if (attr->blocking_timeout_us != 0)
		return LTTNG_ERR_INVALID;
	if (!is_power_of_two(attr->subbuf_size) || attr->subbuf_size < channel_min_subbuf_size() ||
	    !is_power_of_two(attr->num_subbuf))
		return LTTNG_ERR_KERN_CHAN_FAIL;
	if (attr->output != LTTNG_EVENT_MMAP && attr->output != LTTNG_EVENT_SPLICE)
		return LTTNG_ERR_KERN_CHAN_FAIL;
	(void) buffer_type; /* the kernel has global buffers only; the CLI refuses others */
	return LTTNG_OK;
}

static enum lttng_error_code kernel_can_start(struct daemon *d, const struct session *s)
{
	struct kernel_trace *t = kernel_trace_find(d, s->id);

	/* A session whose ftrace instances or kernel consumer were lost cannot record. */
	return t && t->failed ? LTTNG_ERR_KERN_START_FAIL : LTTNG_OK;
}

const struct tracer_domain kernel_tracer_domain = {
	.type = LTTNG_DOMAIN_KERNEL,
	.name = "kernel",
	.output_subdir = "kernel",
	.available = kernel_available,
	.channel_exists_error = LTTNG_ERR_KERN_CHAN_EXIST,
	.channel_not_found_error = LTTNG_ERR_KERN_CHAN_NOT_FOUND,
	.validate_channel = kernel_validate_channel,
	.enable_event = kernel_enable_event,
	.disable_event = kernel_disable_event,
	.add_context = kernel_add_context,
	.prepare = kernel_prepare,
	.can_start = kernel_can_start,
	.start = kernel_trace_start,
	.stop = kernel_trace_stop,
	.destroy = kernel_trace_destroy,
	.channel_changed = kernel_trace_channel_changed,
	.event_changed = kernel_trace_event_changed,
	.trackers_changed = kernel_trace_trackers_changed,
	.refresh_stats = kernel_trace_refresh_stats,
	.snapshot = kernel_trace_snapshot,
	.rotate = kernel_trace_rotate,
	.consumed_size = kernel_trace_consumed_size,
	.clear_buffers = kernel_trace_clear_buffers,
	.regenerate_metadata = kernel_trace_regenerate_metadata,
	.regenerate_statedump = kernel_trace_regenerate_statedump,
	.list_events = kernel_list_events,
	.list_syscalls = kernel_list_syscalls,
	.has_data = kernel_trace_has_data,
};
