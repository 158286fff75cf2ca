/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A sync (kernel-sync.h) runs four steps, each the previous one's continuation:
 *  1. SETUP (kernel worker): the instances of new channels are made; ftrace's
 *     catalog of events is read again.
 *  2. CONSUMER (loop, then the kernel consumer's worker): the loop matches the
 *     rules against the catalog; the trace, new channels with their contexts, and
 *     the events not declared yet are declared to the consumer, so it can name
 *     every record before ftrace writes one.
 *  3. APPLY (kernel worker): events enabled with their filters (others disabled),
 *     the trackers' threads, tracing on or off.
 *  4. STATEDUMP (kernel consumer, starts only).
 * The kernel worker and the consumer's worker each run in order, so two syncs of
 * one trace apply in the order they were decided, and each applies the whole
 * model as it was when its step 2 ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumer/consumer-batch.h"
#include "consumer/consumer-relay.h"
#include "core/worker.h"
#include "kernel-names.h"
#include "kernel/kernel-filter.h"
#include "kernel/kernel-procs.h"
#include "kernel/kernel-sync.h"
#include "kernel/kernel-uprobe.h"
#include "log.h"
#include "macros.h"

enum ksync_step {
	STEP_SETUP,
	STEP_CONSUMER,
	STEP_APPLY,
	STEP_FILTERS,
	STEP_STATEDUMP,
	STEP_END
};

/* An event a channel must record, with the LTTng filter of the rules selecting it
 * (NULL: at least one has none), for ftrace; and each rule's expression (indexes
 * in ksync's filter_texts), for the consumer's KERNEL_SET_FILTER. */
struct wanted_event {
	struct ktracefs_event ev;
	char *filter;
	uint32_t *text_ids;
	size_t text_id_count;
	bool ftrace_filtered; /* step 3 installed its filter in ftrace */
};

/* A user-space probe's call site, defined (step 1) before the consumer is told of
 * it (step 2): on the binary open on fd, a duplicate the step owns. */
struct uprobe_site {
	struct ktracefs_event ev;
	int fd;
	uint64_t offset;
};

struct wanted_channel {
	char instance[KTRACEFS_INSTANCE_NAME_MAX];
	uint64_t key;
	bool on;
	struct wanted_event *events;
	size_t count, capacity;
	struct ktracefs_event *disable; /* applied before, not wanted now */
	size_t disable_count;
};

struct ksync {
	struct operation base;
	struct list_node link; /* in its trace's sync_queue while it waits */
	struct operation *waiter; /* NULL: nobody waits */
	uint64_t session_id;
	enum ksync_kind kind;
	enum ksync_step next;
	char tracefs[PATH_MAX];
	/* STEP_APPLY's input, decided on the loop. */
	struct wanted_channel *channels;
	size_t channel_count;
	struct kproc_selection selection;
	bool nobody; /* a tracker includes nothing: tracing stays off */
	/* The distinct filter expressions of the wanted events. */
	char **filter_texts;
	size_t filter_text_count;
};

static void ksync_next(struct daemon *d, struct operation *base);

static void wanted_free(struct ksync *k)
{
	for (size_t i = 0; i < k->channel_count; i++) {
		for (size_t j = 0; j < k->channels[i].count; j++) {
			free(k->channels[i].events[j].filter);
			free(k->channels[i].events[j].text_ids);
		}
		free(k->channels[i].events);
		free(k->channels[i].disable);
	}
	free(k->channels);
	k->channels = NULL;
	k->channel_count = 0;
	for (size_t i = 0; i < k->filter_text_count; i++)
		free(k->filter_texts[i]);
	free(k->filter_texts);
	k->filter_texts = NULL;
	k->filter_text_count = 0;
}

static void ksync_start(struct daemon *d, struct ksync *k);

static void ksync_free(struct daemon *d, struct ksync *k)
{
	if (k->waiter) {
		operation_fail(k->waiter, k->base.code);
		operation_release(d, k->waiter);
	}
	wanted_free(k);
	kproc_selection_fini(&k->selection);
	free(k);
}

/* The sync is over: the trace's next one, if any, starts. */
static void ksync_end(struct daemon *d, struct ksync *k)
{
	struct kernel_trace *t = kernel_trace_find(d, k->session_id);

	ksync_free(d, k);
	if (!t)
		return;
	if (list_is_empty(&t->sync_queue)) {
		t->sync_running = false;
		return;
	}
	k = container_of(t->sync_queue.next, struct ksync, link);
	list_remove(&k->link);
	ksync_start(d, k);
}

void kernel_sync_drop_queued(struct daemon *d, struct kernel_trace *t)
{
	while (!list_is_empty(&t->sync_queue)) {
		struct ksync *k = container_of(t->sync_queue.next, struct ksync, link);

		list_remove(&k->link);
		operation_fail(&k->base, LTTNG_ERR_SESS_NOT_FOUND);
		ksync_free(d, k);
	}
}

/* The next step waits on the same operation; failures so far stay. */
static void ksync_rearm(struct ksync *k, enum ksync_step next)
{
	int code = k->base.code;

	operation_init(&k->base, ksync_next);
	operation_fail(&k->base, code);
	k->next = next;
}

static struct kernel_channel *channel_by_name(struct kernel_trace *t, const char *name)
{
	struct kernel_channel *kc;

	list_for_each_entry(kc, &t->channels, link)
		if (strcmp(kc->name, name) == 0)
			return kc;
	return NULL;
}

static struct kernel_channel *channel_by_key(struct kernel_trace *t, uint64_t key)
{
	struct kernel_channel *kc;

	list_for_each_entry(kc, &t->channels, link)
		if (kc->key == key)
			return kc;
	return NULL;
}

static unsigned channel_count(struct kernel_trace *t)
{
	struct kernel_channel *kc;
	unsigned n = 0;

	list_for_each_entry(kc, &t->channels, link)
		n++;
	return n;
}

/* ------------------------------------------------------------------------- */
/* Step 1: instances and catalog.                                             */

struct setup_job {
	struct worker_job base;
	struct ksync *sync;
	char tracefs[PATH_MAX];
	unsigned count;
	struct {
		char name[KTRACEFS_INSTANCE_NAME_MAX];
		uint64_t bytes;
		bool overwrite;
		unsigned wake_percent;
		int result;
	} *instances;
	struct uprobe_site *sites;
	size_t site_count;
	int site_result;
	int catalog_result;
	struct ktracefs_event *catalog;
	size_t catalog_count;
};

static void setup_run(struct worker_job *job)
{
	struct setup_job *j = (struct setup_job *) job;

	for (unsigned i = 0; i < j->count; i++)
		j->instances[i].result = ktracefs_instance_create(
			j->tracefs, j->instances[i].name, j->instances[i].bytes,
			j->instances[i].overwrite, j->instances[i].wake_percent);
	j->site_result = 0;
	for (size_t i = 0; i < j->site_count; i++) {
		int r = ktracefs_uprobe_define(j->tracefs, &j->sites[i].ev, j->sites[i].fd,
					       j->sites[i].offset);

		if (r < 0 && r != -EEXIST && j->site_result == 0)
			j->site_result = r;
	}
	j->catalog_result = ktracefs_read_catalog(j->tracefs, &j->catalog, &j->catalog_count);
}

static void setup_done(struct daemon *d, struct worker_job *job)
{
	struct setup_job *j = (struct setup_job *) job;
	struct kernel_trace *t = kernel_trace_find(d, j->sync->session_id);

	for (unsigned i = 0; t && i < j->count; i++) {
		struct kernel_channel *kc;

		list_for_each_entry(kc, &t->channels, link) {
			if (strcmp(kc->instance, j->instances[i].name) != 0)
				continue;
			if (j->instances[i].result == 0) {
				kc->instance_made = true;
			} else {
				log_error_errno(j->instances[i].result,
						"Cannot make ftrace instance %s for channel %s",
						kc->instance, kc->name);
				t->failed = true;
				operation_fail(&j->sync->base, LTTNG_ERR_KERN_CHAN_FAIL);
			}
		}
	}
	if (j->site_result < 0) {
		log_error_errno(j->site_result, "Cannot define the user-space probes of session %" PRIu64,
				j->sync->session_id);
		operation_fail(&j->sync->base, LTTNG_ERR_KERN_ENABLE_FAIL);
	}
	for (size_t i = 0; i < j->site_count; i++)
		close(j->sites[i].fd);
	free(j->sites);
	if (j->catalog_result == 0 && d->kernel) {
		kernel_catalog_replace(d->kernel, j->catalog, j->catalog_count);
		j->catalog = NULL;
	}
	free(j->catalog);
	free(j->instances);
	operation_release(d, &j->sync->base);
	free(j);
}

/* The call sites of every enabled user-space probe rule, with duplicates of their
 * binaries' fds. */
static int setup_uprobe_sites(struct setup_job *j, struct kernel_trace *t, const struct domain *dom)
{
	const struct kernel_channel *kc;
	size_t cap = 0;

	list_for_each_entry(kc, &t->channels, link) {
		const struct channel *ch = domain_find_channel((struct domain *) dom, kc->name);
		const struct event_rule *rule;

		if (!ch)
			continue;
		list_for_each_entry(rule, &ch->events, link) {
			const struct decoded_uprobe *u = rule->spec.uprobe;

			if (!rule->spec.enabled || rule->spec.type != LTTNG_EVENT_USERSPACE_PROBE || !u)
				continue;
			for (uint32_t site = 0; site < u->offset_count; site++) {
				struct uprobe_site *s;

				if (j->site_count == cap) {
					size_t ncap = cap ? cap * 2 : 8;
					struct uprobe_site *grown =
						realloc(j->sites, ncap * sizeof(*grown));

					if (!grown)
						return -ENOMEM;
					j->sites = grown;
					cap = ncap;
				}
				s = &j->sites[j->site_count];
				memset(s, 0, sizeof(*s));
				ktracefs_uprobe_group(s->ev.system, sizeof(s->ev.system),
						      t->session_id, kc->index, site);
				kernel_uprobe_event_name(rule->spec.name, s->ev.name,
							 sizeof(s->ev.name));
				s->offset = u->offsets[site];
				s->fd = fcntl(u->binary_fd, F_DUPFD_CLOEXEC, 3);
				if (s->fd < 0)
					return -errno;
				j->site_count++;
			}
		}
	}
	return 0;
}

static int launch_setup(struct daemon *d, struct ksync *k, struct kernel_trace *t,
			const struct session *s)
{
	const struct domain *dom = &s->domains[DOMAIN_INDEX_KERNEL];
	const struct channel *ch;
	struct kernel_channel *kc;
	struct setup_job *j = calloc(1, sizeof(*j));
	unsigned n = 0;

	if (!j)
		return -ENOMEM;
	/* New channels get their place (index, key, instance name) now. */
	list_for_each_entry(ch, &dom->channels, link) {
		if (channel_by_name(t, ch->name))
			continue;
		kc = calloc(1, sizeof(*kc));
		if (!kc) {
			free(j);
			return -ENOMEM;
		}
		snprintf(kc->name, sizeof(kc->name), "%s", ch->name);
		kc->index = channel_count(t);
		kc->key = ++d->next_consumer_key;
		ktracefs_instance_name(kc->instance, sizeof(kc->instance), t->session_id, kc->index);
		list_append(&t->channels, &kc->link);
	}
	list_for_each_entry(kc, &t->channels, link)
		n += !kc->instance_made;
	j->instances = calloc(n ? n : 1, sizeof(*j->instances));
	if (!j->instances) {
		free(j);
		return -ENOMEM;
	}
	list_for_each_entry(kc, &t->channels, link) {
		const struct channel *mc = domain_find_channel((struct domain *) dom, kc->name);

		if (kc->instance_made || !mc)
			continue;
		snprintf(j->instances[j->count].name, sizeof(j->instances[0].name), "%s",
			 kc->instance);
		/* ftrace's buffer per CPU holds what LTTng's sub-buffers would. */
		j->instances[j->count].bytes = mc->attr.subbuf_size * mc->attr.num_subbuf;
		j->instances[j->count].overwrite = mc->attr.overwrite == 1;
		j->instances[j->count].wake_percent =
			(unsigned) (100 / (mc->attr.num_subbuf ? mc->attr.num_subbuf : 1));
		j->count++;
	}
	if (setup_uprobe_sites(j, t, dom) < 0) {
		for (size_t i = 0; i < j->site_count; i++)
			close(j->sites[i].fd);
		free(j->sites);
		free(j->instances);
		free(j);
		return -ENOMEM;
	}
	j->base.run = setup_run;
	j->base.done = setup_done;
	j->sync = k;
	j->catalog_result = -ECANCELED;
	snprintf(j->tracefs, sizeof(j->tracefs), "%s", k->tracefs);
	operation_hold(&k->base);
	worker_queue_submit(d->kernel->queue, &j->base);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Step 2: the rules matched, the consumer told.                              */

/* Appends "(expr)" to the OR of filters; a rule without filter clears it. */
static int merge_filter(struct wanted_event *w, const struct event_rule *rule, bool first)
{
	const char *expr = rule->spec.filter_expression;
	char *merged;

	if (!first && !w->filter)
		return 0; /* an unfiltered rule already selects every record */
	if (!expr) {
		free(w->filter);
		w->filter = NULL;
		return 0;
	}
	if (asprintf(&merged, "%s%s(%s)", w->filter ? w->filter : "", w->filter ? " || " : "",
		     expr) < 0)
		return -ENOMEM;
	free(w->filter);
	w->filter = merged;
	return 0;
}

/* Remembers the expression of a filtered rule selecting w. */
static int note_filter_rule(struct ksync *k, struct wanted_event *w, const struct event_rule *rule)
{
	const char *text = rule->spec.filter_expression;
	uint32_t *grown;
	size_t id;

	if (!text)
		return 0;
	for (id = 0; id < k->filter_text_count; id++)
		if (strcmp(k->filter_texts[id], text) == 0)
			break;
	if (id == k->filter_text_count) {
		char **texts = realloc(k->filter_texts, (id + 1) * sizeof(*texts));

		if (!texts)
			return -ENOMEM;
		k->filter_texts = texts;
		if (!(texts[id] = strdup(text)))
			return -ENOMEM;
		k->filter_text_count++;
	}
	for (size_t i = 0; i < w->text_id_count; i++)
		if (w->text_ids[i] == id)
			return 0;
	grown = realloc(w->text_ids, (w->text_id_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	w->text_ids = grown;
	w->text_ids[w->text_id_count++] = (uint32_t) id;
	return 0;
}

/* A new, zeroed entry at the end of the channel's wanted events; NULL on ENOMEM. */
static struct wanted_event *wanted_append(struct wanted_channel *wc)
{
	if (wc->count == wc->capacity) {
		size_t cap = wc->capacity ? wc->capacity * 2 : 64;
		struct wanted_event *grown = realloc(wc->events, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		wc->events = grown;
		wc->capacity = cap;
	}
	memset(&wc->events[wc->count], 0, sizeof(wc->events[0]));
	return &wc->events[wc->count++];
}

static int want_event(struct ksync *k, struct wanted_channel *wc, const struct ktracefs_event *ev,
		      const char *lname, const struct channel *ch)
{
	const struct event_rule *rule;
	struct wanted_event *w = NULL;

	list_for_each_entry(rule, &ch->events, link) {
		if (!kernel_rule_selects(rule, ev, lname))
			continue;
		if (!w) {
			w = wanted_append(wc);
			if (!w)
				return -ENOMEM;
			w->ev = *ev;
			w->filter = NULL;
			if (merge_filter(w, rule, true) < 0 || note_filter_rule(k, w, rule) < 0)
				return -ENOMEM;
			continue;
		}
		if (merge_filter(w, rule, false) < 0 || note_filter_rule(k, w, rule) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A user-space probe rule: one event per call site, in groups of their own. */
static int want_uprobe(struct ksync *k, struct wanted_channel *wc, const struct event_rule *rule,
		       uint64_t session_id, unsigned channel_index)
{
	const struct decoded_uprobe *u = rule->spec.uprobe;

	for (uint32_t site = 0; site < u->offset_count; site++) {
		struct wanted_event *w = wanted_append(wc);

		if (!w)
			return -ENOMEM;
		ktracefs_uprobe_group(w->ev.system, sizeof(w->ev.system), session_id, channel_index,
				      site);
		kernel_uprobe_event_name(rule->spec.name, w->ev.name, sizeof(w->ev.name));
		if (rule->spec.filter_expression &&
		    (!(w->filter = strdup(rule->spec.filter_expression)) ||
		     note_filter_rule(k, w, rule) < 0))
			return -ENOMEM;
	}
	return 0;
}

static int decide_channel(struct daemon *d, struct ksync *k, struct wanted_channel *wc,
			  const struct channel *ch, uint64_t session_id, unsigned channel_index)
{
	const struct kernel_tracer *kt = d->kernel;
	char lname[WIRE_SYMBOL_NAME_LEN];
	const struct event_rule *rule;
	int r = 0;

	list_for_each_entry(rule, &ch->events, link)
		if (r == 0 && rule->spec.enabled && rule->spec.type == LTTNG_EVENT_USERSPACE_PROBE &&
		    rule->spec.uprobe)
			r = want_uprobe(k, wc, rule, session_id, channel_index);

	for (size_t i = 0; r == 0 && i < kt->catalog_count; i++) {
		const struct ktracefs_event *ev = &kt->catalog[i];

		if (!kernel_system_offered(kt, ev->system) ||
		    !kernel_lttng_event_name(ev->system, ev->name, lname, sizeof(lname)))
			continue;
		r = want_event(k, wc, ev, lname, ch);
	}
	for (size_t i = 0; r == 0 && i < kernel_statedump_event_count; i++) {
		struct ktracefs_event ev = { .system = KERNEL_SYNTHETIC_SYSTEM };

		snprintf(ev.name, sizeof(ev.name), "%s", kernel_statedump_events[i]);
		r = want_event(k, wc, &ev, ev.name, ch);
	}
	return r;
}

static bool event_in(const struct ktracefs_event *set, size_t count, const struct ktracefs_event *ev)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(set[i].name, ev->name) == 0 && strcmp(set[i].system, ev->system) == 0)
			return true;
	return false;
}

static int declare(struct kernel_channel *kc, const struct ktracefs_event *ev)
{
	if (kc->declared_count == kc->declared_capacity) {
		size_t cap = kc->declared_capacity ? kc->declared_capacity * 2 : 64;
		struct ktracefs_event *grown = realloc(kc->declared, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		kc->declared = grown;
		kc->declared_capacity = cap;
	}
	kc->declared[kc->declared_count++] = *ev;
	return 0;
}

static int tracker_to_selection(const struct domain *dom, struct kproc_selection *sel,
				bool *nobody)
{
	static const int attrs[KPROC_COUNT] = { TRACKER_PID, TRACKER_VPID, TRACKER_UID,
						TRACKER_VUID, TRACKER_GID, TRACKER_VGID };

	*nobody = false;
	for (int i = 0; i < KPROC_COUNT; i++) {
		const struct tracker *tr = &dom->trackers[attrs[i]];
		struct kproc_tracker *kt = &sel->trackers[i];
		const struct tracker_value *v;
		size_t n = 0;

		/* Only the pid and vpid trackers make ftrace's cut (kernel-procs.h). */
		if (tr->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL ||
		    (i != KPROC_PID && i != KPROC_VPID)) {
			kt->all = true;
			if (tr->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL)
				continue;
			list_for_each_entry(v, &tr->values, link)
				n++;
			if (n == 0 || tr->policy == LTTNG_TRACKING_POLICY_EXCLUDE_ALL)
				*nobody = true;
			continue;
		}
		list_for_each_entry(v, &tr->values, link)
			n++;
		kt->values = calloc(n ? n : 1, sizeof(*kt->values));
		if (!kt->values)
			return -ENOMEM;
		if (tr->policy == LTTNG_TRACKING_POLICY_INCLUDE_SET) {
			list_for_each_entry(v, &tr->values, link)
				kt->values[kt->count++] = v->name ? v->resolved_id : v->integral;
		}
		if (kt->count == 0)
			*nobody = true;
	}
	return 0;
}

static struct consumer_wire_kernel_trace *trace_message(struct daemon *d, const struct session *s,
							const struct kernel_trace *t)
{
	struct consumer_wire_kernel_trace *m = calloc(1, sizeof(*m));
	struct tm tm;

	if (!m)
		return NULL;
	m->key = t->key;
	m->session_id = s->id;
	m->uid = (uint32_t) s->uid;
	m->gid = (uint32_t) s->gid;
	/* A uuid per trace (session id and creation time make it unique enough for
	 * readers; LTTng draws one at random). */
	for (size_t i = 0; i < sizeof(m->uuid); i++)
		m->uuid[i] = (uint8_t) (random() >> 7);
	m->uuid[6] = (uint8_t) ((m->uuid[6] & 0x0f) | 0x40);
	m->uuid[8] = (uint8_t) ((m->uuid[8] & 0x3f) | 0x80);
	snprintf(m->trace_name, sizeof(m->trace_name), "%s", s->auto_named ? "auto" : s->name);
	if (localtime_r(&s->creation_time, &tm))
		strftime(m->creation_time, sizeof(m->creation_time), "%Y%m%dT%H%M%S%z", &tm);
	snprintf(m->hostname, sizeof(m->hostname), "%s", d->hostname);
	if (session_streams_to_relay(s)) /* its place on the relay daemon */
		strcpy(m->directory, "kernel");
	else if (s->output == SESSION_OUTPUT_LOCAL &&
	    (size_t) snprintf(m->directory, sizeof(m->directory), "%s/kernel", session_trace_dir(s)) >=
		    sizeof(m->directory)) {
		free(m);
		return NULL;
	}
	return m;
}

static struct consumer_wire_kernel_channel *channel_message(const struct kernel_trace *t,
							    const struct kernel_channel *kc,
							    const struct channel *ch,
							    const char *tracefs)
{
	struct consumer_wire_kernel_channel *m = calloc(1, sizeof(*m));
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	if (!m)
		return NULL;
	m->key = kc->key;
	m->trace_key = t->key;
	m->subbuf_size = ch->attr.subbuf_size;
	m->num_subbuf = ch->attr.num_subbuf;
	m->tracefile_size = ch->attr.tracefile_size;
	m->tracefile_count = ch->attr.tracefile_count;
	m->switch_timer_us = ch->attr.switch_timer_us;
	m->read_timer_us = ch->attr.read_timer_us;
	m->overwrite = ch->attr.overwrite == 1;
	m->chan_id = kc->index;
	m->cpu_count = (uint32_t) (cpus > 0 ? cpus : 1);
	snprintf(m->name, sizeof(m->name), "%s", kc->name);
	if ((size_t) snprintf(m->instance, sizeof(m->instance), "%s/instances/%s", tracefs,
			      kc->instance) >= sizeof(m->instance)) {
		free(m);
		return NULL;
	}
	return m;
}

/* What each op of the consumer batch was for, to apply its result. */
enum intent { INTENT_TRACE, INTENT_CHANNEL, INTENT_OTHER };

static int add_request(struct consumer_batch *b, uint16_t type, const void *msg, size_t len)
{
	return consumer_batch_add_request(b, type, msg, (uint32_t) len) ? 0 : -ENOMEM;
}

static void consumer_step_done(struct daemon *d, struct consumer_batch *b);

/* Sends a step's batch (stopping at its first error) when it was built (r = 0);
 * the step waits for it. Otherwise frees it and returns r. */
static int submit_step_batch(struct daemon *d, struct ksync *k, struct consumer_batch *b, int r)
{
	if (r < 0) {
		consumer_batch_free(b);
		return r;
	}
	b->stop_on_error = true;
	operation_hold(&k->base);
	consumer_batch_submit(d, b);
	return 0;
}

/* The trackers, for the consumer to keep the events of the tasks every tracker
 * holds (LTTng checks each event's task): ftrace's cut (pid, vpid) only saves
 * copies, and a process of a tracked user may start at any time. */
static int add_trackers(struct consumer_batch *b, const struct kernel_trace *t,
			const struct domain *dom)
{
	static const struct {
		int attr;
		enum consumer_kernel_tracker wire;
	} map[] = {
		{ TRACKER_PID, CONSUMER_KERNEL_TRACK_PID },
		{ TRACKER_VPID, CONSUMER_KERNEL_TRACK_VPID },
		{ TRACKER_UID, CONSUMER_KERNEL_TRACK_UID },
		{ TRACKER_VUID, CONSUMER_KERNEL_TRACK_VUID },
		{ TRACKER_GID, CONSUMER_KERNEL_TRACK_GID },
		{ TRACKER_VGID, CONSUMER_KERNEL_TRACK_VGID },
	};
	int r = 0;

	for (size_t m = 0; r == 0 && m < sizeof(map) / sizeof(map[0]); m++) {
		const struct tracker *tr = &dom->trackers[map[m].attr];
		struct consumer_wire_kernel_ids head = { .trace_key = t->key, .tracker = map[m].wire };
		const struct tracker_value *v;
		size_t len;
		char *msg;

		head.all = tr->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL;
		if (tr->policy == LTTNG_TRACKING_POLICY_INCLUDE_SET)
			list_for_each_entry(v, &tr->values, link)
				head.count += head.count < CONSUMER_KERNEL_IDS_MAX;
		len = sizeof(head) + head.count * sizeof(int32_t);
		msg = malloc(len);
		if (!msg)
			return -ENOMEM;
		memcpy(msg, &head, sizeof(head));
		if (head.count) {
			uint32_t i = 0;

			list_for_each_entry(v, &tr->values, link) {
				int32_t id = (int32_t) (v->name ? v->resolved_id : v->integral);

				if (i == head.count)
					break;
				memcpy(msg + sizeof(head) + i++ * sizeof(id), &id, sizeof(id));
			}
		}
		r = add_request(b, CONSUMER_MSG_KERNEL_TRACK_IDS, msg, len);
		free(msg);
	}
	return r;
}

/* One KERNEL_SET_FILTER: rule's expression for the given events. */
static int add_filter_message(struct consumer_batch *b, uint64_t channel_key, bool replace,
			      const char *text, const struct consumer_wire_kernel_event *entries,
			      size_t count)
{
	struct consumer_wire_kernel_filter head = {
		.channel_key = channel_key,
		.flags = replace ? CONSUMER_KERNEL_FILTER_REPLACE : 0,
		.count = (uint32_t) count,
		.text_len = (uint32_t) (text ? strlen(text) : 0),
	};
	size_t len = sizeof(head) + head.text_len + count * sizeof(*entries);
	char *msg;
	int r;

	if (head.text_len > CONSUMER_KERNEL_FILTER_TEXT_MAX)
		return -E2BIG;
	msg = malloc(len);
	if (!msg)
		return -ENOMEM;
	memcpy(msg, &head, sizeof(head));
	if (head.text_len)
		memcpy(msg + sizeof(head), text, head.text_len);
	if (count)
		memcpy(msg + sizeof(head) + head.text_len, entries, count * sizeof(*entries));
	r = add_request(b, CONSUMER_MSG_KERNEL_SET_FILTER, msg, len);
	free(msg);
	return r;
}

/* The channel's filters for the consumer, replacing those it had: each filtered
 * rule's expression for the events it selects (those no unfiltered rule selects;
 * skip_ftrace_filtered: nor those ftrace filters), in messages of at most
 * CONSUMER_KERNEL_FILTER_EVENTS_MAX events. */
static int add_filters(struct consumer_batch *b, const struct ksync *k,
		       const struct wanted_channel *wc, bool skip_ftrace_filtered)
{
	struct consumer_wire_kernel_event *entries =
		calloc(CONSUMER_KERNEL_FILTER_EVENTS_MAX, sizeof(*entries));
	bool replace = true;
	int r = 0;

	if (!entries)
		return -ENOMEM;
	for (uint32_t id = 0; r == 0 && id < k->filter_text_count; id++) {
		size_t n = 0;

		for (size_t i = 0; r == 0 && i <= wc->count; i++) {
			const struct wanted_event *w = i < wc->count ? &wc->events[i] : NULL;
			bool selects = false;

			if (w && w->filter && !(skip_ftrace_filtered && w->ftrace_filtered))
				for (size_t j = 0; j < w->text_id_count && !selects; j++)
					selects = w->text_ids[j] == id;
			if (selects) {
				snprintf(entries[n].system, sizeof(entries[n].system), "%s",
					 w->ev.system);
				snprintf(entries[n].name, sizeof(entries[n].name), "%s", w->ev.name);
				n++;
			}
			if (n && (!w || n == CONSUMER_KERNEL_FILTER_EVENTS_MAX)) {
				r = add_filter_message(b, wc->key, replace, k->filter_texts[id],
						       entries, n);
				replace = false;
				n = 0;
			}
		}
	}
	if (r == 0 && replace)
		r = add_filter_message(b, wc->key, true, NULL, NULL, 0);
	free(entries);
	return r;
}

static int launch_consumer_step(struct daemon *d, struct ksync *k, struct kernel_trace *t,
				const struct session *s)
{
	const struct domain *dom = &s->domains[DOMAIN_INDEX_KERNEL];
	struct consumer_batch *b = consumer_batch_new(consumer_step_done, k->session_id, &k->base);
	struct kernel_channel *kc;
	size_t index = 0;
	int r = 0;

	if (!b)
		return -ENOMEM;
	consumer_batch_target_kernel(b);
	index = channel_count(t);
	k->channels = calloc(index ? index : 1, sizeof(*k->channels));
	if (!k->channels) {
		consumer_batch_free(b);
		return -ENOMEM;
	}
	if (!t->consumer_made) {
		struct consumer_wire_kernel_trace *m = trace_message(d, s, t);

		t->to_relay = session_streams_to_relay(s);
		if (t->to_relay)
			r = consumer_relay_add_open(d, s, b);
		if (r == 0)
			r = m ? add_request(b, CONSUMER_MSG_KERNEL_ADD_TRACE, m, sizeof(*m))
			      : -ENAMETOOLONG;
		free(m);
	}
	list_for_each_entry(kc, &t->channels, link) {
		const struct channel *ch = domain_find_channel((struct domain *) dom, kc->name);
		struct wanted_channel *wc = &k->channels[k->channel_count++];
		const struct context_spec *cs;

		if (r < 0 || !ch || !kc->instance_made)
			continue;
		snprintf(wc->instance, sizeof(wc->instance), "%s", kc->instance);
		wc->key = kc->key;
		wc->on = s->active && ch->enabled;
		if (!kc->consumer_made) {
			struct consumer_wire_kernel_channel *m =
				channel_message(t, kc, ch, k->tracefs);

			r = m ? add_request(b, CONSUMER_MSG_KERNEL_ADD_CHANNEL, m, sizeof(*m))
			      : -ENAMETOOLONG;
			free(m);
			list_for_each_entry(cs, &ch->contexts, link) {
				struct consumer_wire_kernel_context c = {
					.channel_key = kc->key,
					.ctx = cs->ctx.type,
				};

				if (r == 0)
					r = add_request(b, CONSUMER_MSG_KERNEL_ADD_CONTEXT, &c, sizeof(c));
			}
		}
		if (r == 0)
			r = decide_channel(d, k, wc, ch, t->session_id, kc->index);
		/* The events this channel has not declared yet, in messages of at most
		 * CONSUMER_KERNEL_EVENTS_MAX. */
		{
			struct consumer_wire_kernel_events head = { .channel_key = kc->key };
			struct consumer_wire_kernel_event *entries = NULL;
			size_t n = 0;

			entries = calloc(CONSUMER_KERNEL_EVENTS_MAX, sizeof(*entries));
			if (!entries)
				r = -ENOMEM;
			for (size_t i = 0; r == 0 && i <= wc->count; i++) {
				bool last = i == wc->count;

				if (!last && !event_in(kc->declared, kc->declared_count,
						       &wc->events[i].ev)) {
					snprintf(entries[n].system, sizeof(entries[n].system), "%s",
						 wc->events[i].ev.system);
					snprintf(entries[n].name, sizeof(entries[n].name), "%s",
						 wc->events[i].ev.name);
					n++;
					r = declare(kc, &wc->events[i].ev);
				}
				if (r == 0 && n && (last || n == CONSUMER_KERNEL_EVENTS_MAX)) {
					size_t len = sizeof(head) + n * sizeof(*entries);
					char *msg = malloc(len);

					if (!msg) {
						r = -ENOMEM;
						break;
					}
					head.count = (uint32_t) n;
					memcpy(msg, &head, sizeof(head));
					memcpy(msg + sizeof(head), entries, n * sizeof(*entries));
					r = add_request(b, CONSUMER_MSG_KERNEL_ADD_EVENTS, msg, len);
					free(msg);
					n = 0;
				}
			}
			free(entries);
		}
		/* Every filter: ftrace's are not set yet (step 3). */
		if (r == 0)
			r = add_filters(b, k, wc, false);
		/* Events enabled before and no longer wanted. */
		for (size_t i = 0; r == 0 && i < kc->applied_count; i++) {
			bool wanted = false;

			for (size_t j = 0; j < wc->count && !wanted; j++)
				wanted = strcmp(wc->events[j].ev.name, kc->applied[i].name) == 0 &&
					 strcmp(wc->events[j].ev.system, kc->applied[i].system) == 0;
			if (wanted)
				continue;
			if (!wc->disable)
				wc->disable = calloc(kc->applied_count, sizeof(*wc->disable));
			if (!wc->disable) {
				r = -ENOMEM;
				break;
			}
			wc->disable[wc->disable_count++] = kc->applied[i];
		}
	}
	if (r == 0)
		r = tracker_to_selection(dom, &k->selection, &k->nobody);
	/* After ADD_TRACE when this batch makes the trace. */
	if (r == 0)
		r = add_trackers(b, t, dom);
	return submit_step_batch(d, k, b, r);
}

static void consumer_step_done(struct daemon *d, struct consumer_batch *b)
{
	struct ksync *k = container_of(b->waiter, struct ksync, base);
	struct kernel_trace *t = kernel_trace_find(d, k->session_id);

	consumer_relay_take_config(d, b);

	for (unsigned i = 0; i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];
		uint16_t type = op->in.request.msg_type;

		if (op->result < 0) {
			log_error_errno(op->result, "Kernel consumer refused request %u of session "
						    "%" PRIu64,
					type, k->session_id);
			if (t)
				t->failed = true;
			operation_fail(&k->base, type == CONSUMER_MSG_KERNEL_ADD_CONTEXT
							 ? LTTNG_ERR_KERN_CONTEXT_FAIL
							 : LTTNG_ERR_KERN_START_FAIL);
			continue;
		}
		if (!t)
			continue;
		if (type == CONSUMER_MSG_KERNEL_ADD_TRACE) {
			t->consumer_made = true;
		} else if (type == CONSUMER_MSG_KERNEL_ADD_CHANNEL) {
			const struct consumer_wire_kernel_channel *m = op->in.request.payload;
			struct kernel_channel *kc = channel_by_key(t, m->key);

			if (kc)
				kc->consumer_made = true;
		}
	}
	operation_release(d, &k->base);
}

/* ------------------------------------------------------------------------- */
/* Step 3: ftrace set as decided.                                             */

struct apply_job {
	struct worker_job base;
	struct ksync *sync;
	int result;
	size_t failed_events;
};

/* Enables one event, with its filter translated for its fields where ftrace can
 * take it; otherwise without one (the consumer evaluates every filter anyway). */
static int apply_event(const char *tracefs, const char *instance, struct wanted_event *w)
{
	char fields[128][KTRACEFS_FIELD_NAME_MAX];
	const char *names[128];
	char filter[4096];
	int n, r;

	if (!w->filter)
		return ktracefs_event_set(tracefs, instance, &w->ev, true, NULL);
	n = ktracefs_event_fields(tracefs, &w->ev, fields, 128);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		names[i] = fields[i];
	r = kernel_filter_to_ftrace(w->filter, names, (size_t) n, filter, sizeof(filter));
	if (r == 0) {
		r = ktracefs_event_set(tracefs, instance, &w->ev, true, filter);
		w->ftrace_filtered = r == 0;
		if (r != -EINVAL)
			return r;
		/* ftrace refused it (a form its parser lacks, two fields compared...). */
	}
	return ktracefs_event_set(tracefs, instance, &w->ev, true, NULL);
}

static void apply_run(struct worker_job *job)
{
	struct apply_job *j = (struct apply_job *) job;
	struct ksync *k = j->sync;
	bool cut = !kproc_selection_is_all(&k->selection);
	pid_t *tids = NULL;
	size_t ntids = 0;

	if (cut && !k->nobody) {
		bool complete = false;

		if (kproc_select_threads(&k->selection, &tids, &ntids, &complete) < 0 || !complete) {
			/* A tracked id no process has now: a process may take it later,
			 * so no cut; the consumer alone decides. */
			free(tids);
			tids = NULL;
			ntids = 0;
			cut = false;
		}
	}
	for (size_t c = 0; c < k->channel_count; c++) {
		struct wanted_channel *wc = &k->channels[c];

		if (!wc->instance[0])
			continue;
		for (size_t i = 0; i < wc->disable_count; i++)
			if (strcmp(wc->disable[i].system, KERNEL_SYNTHETIC_SYSTEM) != 0)
				(void) ktracefs_event_set(k->tracefs, wc->instance, &wc->disable[i],
							  false, NULL);
		for (size_t i = 0; i < wc->count; i++) {
			int r;

			if (strcmp(wc->events[i].ev.system, KERNEL_SYNTHETIC_SYSTEM) == 0)
				continue; /* made by the consumer, not by ftrace */
			r = apply_event(k->tracefs, wc->instance, &wc->events[i]);
			if (r < 0) {
				j->failed_events++;
				if (j->result == 0)
					j->result = r;
			}
		}
		if (ktracefs_pids_set(k->tracefs, wc->instance, tids, ntids, !cut) < 0 && j->result == 0)
			j->result = -EIO;
		if (ktracefs_tracing_set(k->tracefs, wc->instance, wc->on && !k->nobody) < 0 &&
		    j->result == 0)
			j->result = -EIO;
	}
	free(tids);
}

static void apply_done(struct daemon *d, struct worker_job *job)
{
	struct apply_job *j = (struct apply_job *) job;
	struct ksync *k = j->sync;
	struct kernel_trace *t = kernel_trace_find(d, k->session_id);

	if (j->result < 0) {
		log_error_errno(j->result, "Cannot set up the ftrace events of session %" PRIu64
					   " (%zu event(s) refused)",
				k->session_id, j->failed_events);
		operation_fail(&k->base, LTTNG_ERR_KERN_ENABLE_FAIL);
	}
	/* What is enabled now, for the next sync's disables. */
	for (size_t c = 0; t && c < k->channel_count; c++) {
		struct kernel_channel *kc = channel_by_key(t, k->channels[c].key);
		struct ktracefs_event *applied;

		if (!kc || !k->channels[c].instance[0])
			continue;
		applied = calloc(k->channels[c].count ? k->channels[c].count : 1, sizeof(*applied));
		if (!applied)
			continue;
		for (size_t i = 0; i < k->channels[c].count; i++)
			applied[i] = k->channels[c].events[i].ev;
		free(kc->applied);
		kc->applied = applied;
		kc->applied_count = k->channels[c].count;
	}
	operation_release(d, &k->base);
	free(j);
}

static int launch_apply(struct daemon *d, struct ksync *k)
{
	struct apply_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->base.run = apply_run;
	j->base.done = apply_done;
	j->sync = k;
	j->result = 0;
	operation_hold(&k->base);
	worker_queue_submit(d->kernel->queue, &j->base);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Step 4 and the steps' sequence.                                            */

static void statedump_done(struct daemon *d, struct consumer_batch *b)
{
	struct ksync *k = container_of(b->waiter, struct ksync, base);

	if (b->count && b->ops[0].result < 0)
		log_error_errno(b->ops[0].result, "Kernel statedump of session %" PRIu64,
				k->session_id);
	operation_release(d, &k->base);
}

static int launch_statedump(struct daemon *d, struct ksync *k, const struct kernel_trace *t)
{
	struct consumer_wire_key key = { .key = t->key };
	struct consumer_batch *b = consumer_batch_new(statedump_done, k->session_id, &k->base);

	if (!b)
		return -ENOMEM;
	consumer_batch_target_kernel(b);
	if (add_request(b, CONSUMER_MSG_KERNEL_STATEDUMP, &key, sizeof(key)) < 0) {
		consumer_batch_free(b);
		return -ENOMEM;
	}
	operation_hold(&k->base);
	consumer_batch_submit(d, b);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Step 3b: the consumer keeps evaluating only what ftrace does not filter.   */

static void filters_step_done(struct daemon *d, struct consumer_batch *b)
{
	struct ksync *k = container_of(b->waiter, struct ksync, base);

	for (unsigned i = 0; i < b->count; i++) {
		if (b->ops[i].result < 0) {
			log_error_errno(b->ops[i].result,
					"Kernel consumer refused the filters of session %" PRIu64,
					k->session_id);
			operation_fail(&k->base, LTTNG_ERR_KERN_ENABLE_FAIL);
			break;
		}
	}
	operation_release(d, &k->base);
}

/* Step 2 gave the consumer every filter; where step 3 installed the same filter in
 * ftrace, ftrace's evaluation is the one to keep (it sees the task at the event,
 * the consumer only what its task table still knows): those filters are dropped
 * from the consumer's. Nothing to do when ftrace took none. */
static int launch_filters_step(struct daemon *d, struct ksync *k)
{
	struct consumer_batch *b;
	bool any = false;
	int r = 0;

	for (size_t c = 0; c < k->channel_count && !any; c++)
		for (size_t i = 0; i < k->channels[c].count && !any; i++)
			any = k->channels[c].events[i].ftrace_filtered;
	if (!any)
		return 0;
	b = consumer_batch_new(filters_step_done, k->session_id, &k->base);
	if (!b)
		return -ENOMEM;
	consumer_batch_target_kernel(b);
	for (size_t c = 0; c < k->channel_count && r == 0; c++)
		if (k->channels[c].instance[0])
			r = add_filters(b, k, &k->channels[c], true);
	return submit_step_batch(d, k, b, r);
}

static void ksync_next(struct daemon *d, struct operation *base)
{
	struct ksync *k = container_of(base, struct ksync, base);
	struct kernel_trace *t = kernel_trace_find(d, k->session_id);
	struct session *s = session_find_by_id(d->sessions, k->session_id);
	enum ksync_step step = k->next;
	int r = 0;

	/* A destroyed session's trace goes no further; a failed step ends the sync. */
	if (step == STEP_END || !t || t->destroyed || !s || !d->kernel || d->stopping ||
	    base->code != LTTNG_OK) {
		ksync_end(d, k);
		return;
	}
	ksync_rearm(k, step + 1);
	switch (step) {
	case STEP_SETUP:
		r = launch_setup(d, k, t, s);
		break;
	case STEP_CONSUMER:
		r = launch_consumer_step(d, k, t, s);
		break;
	case STEP_APPLY:
		/* Decided now: a stop that came meanwhile keeps tracing off. */
		for (size_t c = 0; c < k->channel_count; c++)
			k->channels[c].on = k->channels[c].on && s->active;
		r = launch_apply(d, k);
		break;
	case STEP_FILTERS:
		r = launch_filters_step(d, k);
		break;
	case STEP_STATEDUMP:
		if (k->kind == KSYNC_START && s->active && t->consumer_made)
			r = launch_statedump(d, k, t);
		break;
	case STEP_END:
		break; /* handled above */
	}
	if (r < 0)
		operation_fail(&k->base, LTTNG_ERR_NOMEM);
	operation_release(d, &k->base);
}

enum lttng_error_code kernel_sync(struct daemon *d, struct kernel_trace *t, enum ksync_kind kind,
				  struct operation *waiter)
{
	struct ksync *k;

	if (!d->kernel || !d->kernel->queue)
		return LTTNG_ERR_KERN_NA;
	k = calloc(1, sizeof(*k));
	if (!k)
		return LTTNG_ERR_NOMEM;
	k->session_id = t->session_id;
	k->kind = kind;
	k->waiter = waiter;
	snprintf(k->tracefs, sizeof(k->tracefs), "%s", d->kernel->tracefs);
	if (waiter)
		operation_hold(waiter);
	operation_init(&k->base, ksync_next);
	if (t->sync_running) {
		list_append(&t->sync_queue, &k->link);
		return LTTNG_OK;
	}
	t->sync_running = true;
	ksync_start(d, k);
	return LTTNG_OK;
}

static void ksync_start(struct daemon *d, struct ksync *k)
{
	/* The first step runs as the continuation of an empty one. */
	k->next = STEP_SETUP;
	operation_release(d, &k->base);
}

void kernel_sync_store_stats(struct session *s, struct kernel_trace *t,
			     const struct consumer_batch *b)
{
	struct domain *dom = &s->domains[DOMAIN_INDEX_KERNEL];

	for (unsigned i = 0; i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];
		struct kernel_channel *kc;
		struct channel *ch;

		if (op->type != CONSUMER_OP_STATS || op->result < 0)
			continue;
		kc = channel_by_key(t, op->in.key);
		ch = kc ? domain_find_channel(dom, kc->name) : NULL;
		if (!ch)
			continue;
		ch->discarded_events = op->discarded_events;
		ch->lost_packets = op->lost_packets;
	}
}
