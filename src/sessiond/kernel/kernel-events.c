/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel event rules and contexts (domain/domain.h enable_event, disable_event,
 * add_context): LTTng's rules for them, in its order of checks (T:cmd.c
 * _cmd_enable_event and cmd_disable_event, T:event.c event_kernel_*, T:context.c
 * context_kernel_add; doc/protocol/kernel-trace.md), then the change pushed to a
 * recording session (kernel-trace.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "star-glob.h"

#include <lttng/lttng.h>

#include "kernel-names.h"
#include "kernel/kernel-domain.h"
#include "kernel/kernel-filter.h"
#include "kernel/kernel-internal.h"
#include "kernel/kernel-uprobe.h"
#include "log.h"

bool kernel_rule_selects(const struct event_rule *rule, const struct ktracefs_event *ev,
			 const char *lname)
{
	const char *name = rule->spec.name;

	if (!rule->spec.enabled)
		return false;
	if (strcmp(ev->system, KERNEL_SYSCALL_SYSTEM) == 0) {
		bool entry;
		const char *syscall = kernel_syscall_of_event(ev->name, &entry);

		return rule->spec.type == LTTNG_EVENT_SYSCALL && syscall &&
		       star_glob_match(name, syscall);
	}
	/* Tracepoint rules name events as LTTng does (and so do the statedump's). */
	return rule->spec.type == LTTNG_EVENT_TRACEPOINT && star_glob_match(name, lname);
}

/* The request's channel, made with LTTng's kernel defaults when it does not exist. */
static enum lttng_error_code resolve_channel(const struct event_request *req,
					     struct channel **ret_channel)
{
	struct channel *ch;

	if (req->domain->has_named_channel && req->channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = domain_channel_lookup(req->domain, req->channel_name);
	if (!ch) {
		enum lttng_error_code r = domain_channel_create_default(
			&kernel_tracer_domain, req->session, req->domain, req->channel_name, &ch);

		if (r != LTTNG_OK)
			return r;
		if (!ch)
			return LTTNG_ERR_KERN_CHAN_NOT_FOUND;
	}
	*ret_channel = ch;
	return LTTNG_OK;
}

static bool same_filter(const struct decoded_event *a, const struct decoded_event *b)
{
	if (!a->bytecode || !b->bytecode)
		return !a->bytecode && !b->bytecode;
	return a->bytecode_len == b->bytecode_len &&
	       memcmp(a->bytecode, b->bytecode, a->bytecode_len) == 0;
}

/* trace_kernel_find_event: same name, type and filter. */
static struct event_rule *find_rule(struct channel *ch, const char *name, int type,
				    const struct decoded_event *ev)
{
	struct event_rule *rule;

	list_for_each_entry(rule, &ch->events, link)
		if (rule->spec.type == type && strcmp(rule->spec.name, name) == 0 &&
		    same_filter(&rule->spec, ev))
			return rule;
	return NULL;
}

static enum lttng_error_code copy_event(const struct decoded_event *ev, int type,
					struct decoded_event *out)
{
	*out = *ev;
	out->type = type;
	out->exclusions = NULL;
	out->exclusion_count = 0;
	out->filter_expression = NULL;
	out->bytecode = NULL;
	if (ev->filter_expression && !(out->filter_expression = strdup(ev->filter_expression)))
		return LTTNG_ERR_NOMEM;
	if (ev->bytecode) {
		out->bytecode = malloc(ev->bytecode_len);
		if (!out->bytecode) {
			free(out->filter_expression);
			return LTTNG_ERR_NOMEM;
		}
		memcpy(out->bytecode, ev->bytecode, ev->bytecode_len);
	}
	return LTTNG_OK;
}

/* event_kernel_enable_event: one rule of one type. */
static enum lttng_error_code enable_rule(const struct event_request *req, struct channel *ch,
					 const struct decoded_event *ev, int type)
{
	struct event_rule *rule = find_rule(ch, ev->name, type, ev);
	enum lttng_error_code r;

	if (rule) {
		if (rule->spec.enabled)
			return LTTNG_ERR_KERN_EVENT_EXIST;
		rule->spec.enabled = true;
		kernel_trace_event_changed(req->daemon, req->session, ch->name, rule);
		return LTTNG_OK;
	}
	rule = calloc(1, sizeof(*rule));
	if (!rule)
		return LTTNG_ERR_NOMEM;
	r = copy_event(ev, type, &rule->spec);
	if (r != LTTNG_OK) {
		free(rule);
		return r;
	}
	rule->spec.enabled = true;
	list_append(&ch->events, &rule->link);
	kernel_trace_event_changed(req->daemon, req->session, ch->name, rule);
	return LTTNG_OK;
}

/* Removes the rule a failed "-a" left half made, as LTTng destroys the channel it
 * created for it. */
static void drop_channel_if_new(struct domain *dom, struct channel *ch, bool created)
{
	if (!created)
		return;
	list_remove(&ch->link);
	while (!list_is_empty(&ch->events)) {
		struct event_rule *rule = container_of(ch->events.next, struct event_rule, link);

		list_remove(&rule->link);
		decoded_event_fini(&rule->spec);
		free(rule);
	}
	free(ch);
}

enum lttng_error_code kernel_enable_event(const struct event_request *req, struct decoded_event *ev)
{
	struct channel *ch;
	bool created;
	enum lttng_error_code r;

	star_glob_normalize(ev->name);
	created = !domain_channel_lookup(req->domain, req->channel_name);
	r = resolve_channel(req, &ch);
	if (r != LTTNG_OK)
		return r;
	switch (ev->type) {
	case LTTNG_EVENT_ALL:
		/* LTTng makes two rules: a tracepoint one, then a syscall one. */
		r = kernel_filter_check(ev);
		if (r == LTTNG_OK)
			r = enable_rule(req, ch, ev, LTTNG_EVENT_TRACEPOINT);
		if (r != LTTNG_OK) {
			drop_channel_if_new(req->domain, ch, created);
			return r;
		}
		return enable_rule(req, ch, ev, LTTNG_EVENT_SYSCALL);
	case LTTNG_EVENT_TRACEPOINT:
	case LTTNG_EVENT_SYSCALL:
		r = kernel_filter_check(ev);
		if (r == LTTNG_OK && ev->type == LTTNG_EVENT_SYSCALL && !star_glob_is_glob(ev->name) &&
		    !kernel_syscall_known(req->daemon, ev->name)) {
			/* Better than LTTng, which accepts a name no syscall has and records
			 * nothing: the tracer cannot enable it. */
			log_error("Kernel syscall \"%s\" does not exist on this kernel", ev->name);
			r = LTTNG_ERR_KERN_ENABLE_FAIL;
		}
		if (r == LTTNG_OK)
			r = enable_rule(req, ch, ev, ev->type);
		if (r != LTTNG_OK && ev->type == LTTNG_EVENT_TRACEPOINT)
			drop_channel_if_new(req->domain, ch, created);
		return r;
	case LTTNG_EVENT_PROBE:
	case LTTNG_EVENT_FUNCTION:
	case LTTNG_EVENT_FUNCTION_ENTRY:
		/* kprobes, kretprobes and the function tracer: none is usable on the
		 * kernels this daemon records through ftrace without modules (compiled
		 * out here, CONFIG_KPROBES); refused before anything is made. */
		log_error("Kernel event \"%s\": kprobes and the function tracer are not available "
			  "to this session daemon on this kernel", ev->name);
		drop_channel_if_new(req->domain, ch, created);
		return LTTNG_ERR_KERN_EVENT_ENOSYS;
	case LTTNG_EVENT_USERSPACE_PROBE: {
		struct event_rule *rule = find_rule(ch, ev->name, ev->type, ev);

		r = kernel_filter_check(ev);
		if (r == LTTNG_OK && rule && rule->spec.enabled)
			r = LTTNG_ERR_KERN_EVENT_EXIST;
		else if (r == LTTNG_OK && rule) {
			rule->spec.enabled = true;
			kernel_trace_event_changed(req->daemon, req->session, ch->name, rule);
			return LTTNG_OK;
		} else if (r == LTTNG_OK) {
			/* The rule is added once the binary was read. */
			r = kernel_uprobe_enable(req, ch, ev);
		}
		if (r != LTTNG_OK)
			drop_channel_if_new(req->domain, ch, created);
		return r;
	}
	default:
		return LTTNG_ERR_UNK;
	}
}

enum lttng_error_code kernel_disable_event(const struct event_request *req,
					   const struct decoded_event *ev)
{
	struct event_rule *rule;
	struct channel *ch;
	unsigned found = 0;

	if (req->domain->has_named_channel && req->channel_name[0] == '\0')
		return LTTNG_ERR_NEED_CHANNEL_NAME;
	ch = domain_channel_lookup(req->domain, req->channel_name);
	if (!ch)
		return LTTNG_ERR_KERN_CHAN_NOT_FOUND;
	switch (ev->type) {
	case LTTNG_EVENT_ALL:
	case LTTNG_EVENT_TRACEPOINT:
	case LTTNG_EVENT_SYSCALL:
	case LTTNG_EVENT_PROBE:
	case LTTNG_EVENT_FUNCTION:
	case LTTNG_EVENT_FUNCTION_ENTRY:
		break;
	default:
		return LTTNG_ERR_UNK;
	}
	list_for_each_entry(rule, &ch->events, link) {
		if (ev->type != LTTNG_EVENT_ALL && rule->spec.type != ev->type)
			continue;
		if (ev->name[0] && strcmp(rule->spec.name, ev->name) != 0)
			continue;
		found++;
		if (!rule->spec.enabled)
			continue;
		rule->spec.enabled = false;
		kernel_trace_event_changed(req->daemon, req->session, ch->name, rule);
	}
	return ev->name[0] && !found ? LTTNG_ERR_NO_EVENT : LTTNG_OK;
}

/* The contexts our kernel consumer computes (from the records' common fields, the
 * task tables it keeps from /proc and the scheduler events, and the host). */
static bool context_available(int type)
{
	switch (type) {
	case LTTNG_EVENT_CONTEXT_PID:
	case LTTNG_EVENT_CONTEXT_TID:
	case LTTNG_EVENT_CONTEXT_VPID:
	case LTTNG_EVENT_CONTEXT_VTID:
	case LTTNG_EVENT_CONTEXT_PPID:
	case LTTNG_EVENT_CONTEXT_VPPID:
	case LTTNG_EVENT_CONTEXT_PROCNAME:
	case LTTNG_EVENT_CONTEXT_PRIO:
	case LTTNG_EVENT_CONTEXT_NICE:
	case LTTNG_EVENT_CONTEXT_HOSTNAME:
	case LTTNG_EVENT_CONTEXT_INTERRUPTIBLE:
	case LTTNG_EVENT_CONTEXT_PREEMPTIBLE:
	case LTTNG_EVENT_CONTEXT_NEED_RESCHEDULE:
	case LTTNG_EVENT_CONTEXT_MIGRATABLE:
		return true;
	default:
		return false;
	}
}

/* Context types the kernel domain knows at all (context_kernel_add), whether or
 * not they can be had here. */
static bool context_known(int type)
{
	switch (type) {
	case LTTNG_EVENT_CONTEXT_PTHREAD_ID:
	case LTTNG_EVENT_CONTEXT_IP:
	case LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER:
	case LTTNG_EVENT_CONTEXT_APP_CONTEXT:
		return false;
	default:
		return type >= LTTNG_EVENT_CONTEXT_PID && type <= LTTNG_EVENT_CONTEXT_TIME_NS;
	}
}

static enum lttng_error_code add_to_channel(struct channel *ch, const struct decoded_context *dc)
{
	struct context_spec *cs;

	list_for_each_entry(cs, &ch->contexts, link)
		if (cs->ctx.type == dc->type)
			return LTTNG_OK; /* the tracer ignores a context twice (EEXIST) */
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return LTTNG_ERR_NOMEM;
	cs->ctx.type = dc->type;
	list_append(&ch->contexts, &cs->link);
	return LTTNG_OK;
}

enum lttng_error_code kernel_add_context(const struct event_request *req, struct decoded_context *dc)
{
	struct channel *ch;
	enum lttng_error_code r;

	if (!context_known(dc->type))
		return LTTNG_ERR_INVALID;
	if (list_is_empty(&req->domain->channels)) {
		r = domain_channel_create_default(&kernel_tracer_domain, req->session, req->domain,
						  "", &ch);
		if (r != LTTNG_OK)
			return r;
	}
	if (!context_available(dc->type)) {
		log_error("Kernel context %d cannot be had from ftrace on this kernel", dc->type);
		return LTTNG_ERR_KERN_CONTEXT_UNAVAILABLE;
	}
	/* The tracer refuses contexts once the session was active. */
	if (req->session->has_been_started)
		return LTTNG_ERR_KERN_CONTEXT_FAIL;
	if (req->channel_name[0]) {
		ch = domain_find_channel(req->domain, req->channel_name);
		return ch ? add_to_channel(ch, dc) : LTTNG_ERR_KERN_CHAN_NOT_FOUND;
	}
	list_for_each_entry(ch, &req->domain->channels, link) {
		r = add_to_channel(ch, dc);
		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}
