/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space probe rules (enable-event -k --userspace-probe): the probe's offsets
 * are read from the binary the client opened for us (its ELF symbol, or every call
 * site of an SDT probe) on the kernel worker, then the rule is added and the reply
 * goes out. The uprobes themselves are defined by each sync (kernel-sync.c), one
 * ftrace event per call site, and removed with the session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "core/worker.h"
#include "kernel/kernel-domain.h"
#include "kernel/kernel-elf.h"
#include "kernel/kernel-internal.h"
#include "kernel/kernel-uprobe.h"
#include "log.h"

struct uprobe_job {
	struct worker_job base;
	struct operation *op; /* the client's reply, held */
	uint64_t session_id;
	char channel_name[CHANNEL_NAME_MAX];
	struct decoded_event ev; /* the rule to be, its location's fd ours */
	int result;
};

static void uprobe_run(struct worker_job *job)
{
	struct uprobe_job *j = (struct uprobe_job *) job;
	struct decoded_uprobe *u = j->ev.uprobe;
	size_t count = 0;

	if (u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION) {
		j->result = kernel_elf_function_offset(u->binary_fd, u->function, &u->offsets[0]);
		count = j->result == 0;
	} else {
		j->result = kernel_elf_sdt_offsets(u->binary_fd, u->provider, u->probe, u->offsets,
						   DECODED_UPROBE_MAX_OFFSETS, &count);
	}
	u->offset_count = (uint32_t) count;
}

/* LTTng's codes for what reading the binary found. */
static int uprobe_error_code(int r)
{
	switch (r) {
	case 0:
		return LTTNG_OK;
	case -EPERM:
		return LTTNG_ERR_SDT_PROBE_SEMAPHORE;
	case -ENOENT:
	case -ENOEXEC:
	case -E2BIG:
		return LTTNG_ERR_PROBE_LOCATION_INVAL;
	default:
		return LTTNG_ERR_KERN_ENABLE_FAIL;
	}
}

static void uprobe_done(struct daemon *d, struct worker_job *job)
{
	struct uprobe_job *j = (struct uprobe_job *) job;
	struct session *s = session_find_by_id(d->sessions, j->session_id);
	struct domain *dom = s ? &s->domains[DOMAIN_INDEX_KERNEL] : NULL;
	struct channel *ch = dom ? domain_channel_lookup(dom, j->channel_name) : NULL;
	int code = uprobe_error_code(j->result);
	struct event_rule *rule;

	if (code != LTTNG_OK) {
		const struct decoded_uprobe *u = j->ev.uprobe;

		log_error("User-space probe %s: %s%s%s in %s: %s", j->ev.name,
			  u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION ? u->function
										  : u->provider,
			  u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION ? "" : ":",
			  u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION ? "" : u->probe,
			  u->binary_path,
			  j->result == -EPERM    ? "guarded by a semaphore"
			  : j->result == -ENOENT ? "not found"
						 : strerror(-j->result));
	} else if (!ch) {
		code = s ? LTTNG_ERR_KERN_CHAN_NOT_FOUND : LTTNG_ERR_SESS_NOT_FOUND;
	} else if (!(rule = calloc(1, sizeof(*rule)))) {
		code = LTTNG_ERR_NOMEM;
	} else {
		rule->spec = j->ev;
		rule->spec.enabled = true;
		memset(&j->ev, 0, sizeof(j->ev)); /* the rule owns it now */
		list_append(&ch->events, &rule->link);
		kernel_trace_event_changed(d, s, ch->name, rule);
	}
	decoded_event_fini(&j->ev);
	operation_step_done(d, j->op, code);
	free(j);
}

enum lttng_error_code kernel_uprobe_enable(const struct event_request *req, struct channel *ch,
					   struct decoded_event *ev)
{
	struct kernel_tracer *k = req->daemon->kernel;
	struct uprobe_job *j;

	if (!ev->uprobe || ev->uprobe->binary_fd < 0 || !req->op)
		return LTTNG_ERR_PROBE_LOCATION_INVAL;
	if (!k || !k->queue)
		return LTTNG_ERR_KERN_NA;
	j = calloc(1, sizeof(*j));
	if (!j)
		return LTTNG_ERR_NOMEM;
	j->base.run = uprobe_run;
	j->base.done = uprobe_done;
	j->op = req->op;
	j->session_id = req->session->id;
	snprintf(j->channel_name, sizeof(j->channel_name), "%s", ch->name);
	j->ev = *ev;
	memset(ev, 0, sizeof(*ev)); /* the job owns the rule to be */
	j->result = -ECANCELED;
	operation_hold(j->op);
	worker_queue_submit(k->queue, &j->base);
	return LTTNG_OK;
}

void kernel_uprobe_event_name(const char *rule_name, char *out, size_t size)
{
	size_t n = 0;

	/* ftrace event names are C identifiers. */
	for (const char *p = rule_name; *p && n + 1 < size; p++)
		out[n++] = (char) ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
						   (*p >= '0' && *p <= '9') || *p == '_'
					   ? *p
					   : '_');
	if (n == 0 && size > 1)
		out[n++] = '_';
	out[n] = '\0';
}
