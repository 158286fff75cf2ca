/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lttng/lttng.h>
#include <systemd/sd-event.h>

#include "macros.h"
#include "model/model.h"

void session_registry_init(struct session_registry *reg)
{
	list_init(&reg->sessions);
	list_init(&reg->destroying);
	reg->next_id = 1;
}

void session_registry_fini(struct session_registry *reg)
{
	struct session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &reg->sessions, link)
		session_free(s);
}

struct session_registry *session_registry_new(void)
{
	struct session_registry *reg = calloc(1, sizeof(*reg));

	if (reg)
		session_registry_init(reg);
	return reg;
}

struct session_registry *session_registry_free(struct session_registry *reg)
{
	if (reg) {
		session_registry_fini(reg);
		free(reg);
	}
	return NULL;
}

struct session *session_find_by_id(struct session_registry *reg, uint64_t id)
{
	struct session *s;

	list_for_each_entry(s, &reg->sessions, link)
		if (s->id == id)
			return s;
	return NULL;
}

struct session *session_find_destroying(struct session_registry *reg, uint64_t id)
{
	struct session *s;

	list_for_each_entry(s, &reg->destroying, link)
		if (s->id == id)
			return s;
	return NULL;
}

const char *session_trace_dir(const struct session *s)
{
	return s->chunks.dir[0] ? s->chunks.dir : s->output_path;
}

struct session *session_find(struct session_registry *reg, const char *name)
{
	struct session *s;

	list_for_each_entry(s, &reg->sessions, link)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

void domain_init(struct domain *domain, int type)
{
	memset(domain, 0, sizeof(*domain));
	domain->type = type;
	list_init(&domain->channels);
	for (int i = 0; i < TRACKER_COUNT; i++) {
		domain->trackers[i].policy = LTTNG_TRACKING_POLICY_INCLUDE_ALL;
		list_init(&domain->trackers[i].values);
	}
}

struct session *session_add(struct session_registry *reg, const char *name, uid_t uid, gid_t gid)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (copy_string(s->name, sizeof(s->name), name) < 0) {
		free(s);
		return NULL;
	}
	s->id = reg->next_id++;
	s->uid = uid;
	s->gid = gid;
	s->creation_time = time(NULL);
	for (int i = 0; i < DOMAIN_INDEX_COUNT; i++)
		domain_init(&s->domains[i], LTTNG_DOMAIN_KERNEL + i);
	list_init(&s->snapshot_outputs);
	s->next_snapshot_output_id = 1;
	/* Newest first: the order in which LTTng lists and destroys sessions. */
	list_prepend(&reg->sessions, &s->link);
	return s;
}

static void channel_free(struct channel *ch)
{
	struct event_rule *ev, *evtmp;
	struct context_spec *ctx, *ctxtmp;

	list_for_each_entry_safe(ev, evtmp, &ch->events, link) {
		decoded_event_fini(&ev->spec);
		free(ev);
	}
	list_for_each_entry_safe(ctx, ctxtmp, &ch->contexts, link) {
		decoded_context_fini(&ctx->ctx);
		free(ctx);
	}
	free(ch);
}

void tracker_clear(struct tracker *tracker)
{
	struct tracker_value *v, *tmp;

	list_for_each_entry_safe(v, tmp, &tracker->values, link) {
		list_remove(&v->link);
		free(v->name);
		free(v);
	}
}

static void domain_fini(struct domain *domain)
{
	struct channel *ch, *tmp;

	list_for_each_entry_safe(ch, tmp, &domain->channels, link)
		channel_free(ch);
	for (int i = 0; i < TRACKER_COUNT; i++)
		tracker_clear(&domain->trackers[i]);
}

void session_free(struct session *s)
{
	struct snapshot_output *o, *tmp;

	if (!s)
		return;
	list_remove(&s->link);
	for (int i = 0; i < DOMAIN_INDEX_COUNT; i++)
		domain_fini(&s->domains[i]);
	list_for_each_entry_safe(o, tmp, &s->snapshot_outputs, link)
		free(o);
	sd_event_source_disable_unref(s->chunks.timer);
	sd_event_source_disable_unref(s->chunks.size_timer);
	free(s);
}

struct domain *session_domain(struct session *session, int domain_type)
{
	switch (domain_type) {
	case LTTNG_DOMAIN_KERNEL:
		return &session->domains[DOMAIN_INDEX_KERNEL];
	case LTTNG_DOMAIN_UST:
		return &session->domains[DOMAIN_INDEX_UST];
	default:
		return NULL;
	}
}

struct channel *domain_find_channel(struct domain *domain, const char *name)
{
	struct channel *ch;

	list_for_each_entry(ch, &domain->channels, link)
		if (strcmp(ch->name, name) == 0)
			return ch;
	return NULL;
}

struct channel *channel_new(const char *name, const struct channel_attr *attr)
{
	struct channel *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	(void) copy_string(ch->name, sizeof(ch->name), name);
	ch->attr = *attr;
	ch->enabled = true;
	list_init(&ch->events);
	list_init(&ch->contexts);
	return ch;
}

static bool strings_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Two rules are the same when name, log level condition, filter and exclusions
 * are (doc/protocol/client.md, ENABLE_EVENT). */
struct event_rule *channel_find_event(struct channel *channel, const struct decoded_event *spec)
{
	struct event_rule *ev;

	list_for_each_entry(ev, &channel->events, link) {
		const struct decoded_event *e = &ev->spec;

		if (strcmp(e->name, spec->name) != 0 || e->type != spec->type ||
		    e->loglevel_type != spec->loglevel_type ||
		    (e->loglevel_type != LTTNG_EVENT_LOGLEVEL_ALL && e->loglevel != spec->loglevel) ||
		    !strings_equal(e->filter_expression, spec->filter_expression) ||
		    e->exclusion_count != spec->exclusion_count)
			continue;
		if (e->exclusion_count &&
		    memcmp(e->exclusions, spec->exclusions,
			   e->exclusion_count * sizeof(*e->exclusions)) != 0)
			continue;
		return ev;
	}
	return NULL;
}

int tracker_index(const struct domain *domain, int process_attr)
{
	if (process_attr < 0 || process_attr >= TRACKER_COUNT)
		return -1;
	if (domain->type == LTTNG_DOMAIN_UST &&
	    process_attr != TRACKER_VPID && process_attr != TRACKER_VUID &&
	    process_attr != TRACKER_VGID)
		return -1;
	return process_attr;
}

struct tracker_value *tracker_find(struct tracker *tracker, int type, int64_t integral,
				   const char *name)
{
	struct tracker_value *v;

	list_for_each_entry(v, &tracker->values, link) {
		if (v->type != type)
			continue;
		if (name ? (v->name && strcmp(v->name, name) == 0) : v->integral == integral)
			return v;
	}
	return NULL;
}

void uri_to_display(const struct wire_uri *uri, char *dst, size_t size)
{
	if (uri->dtype == WIRE_URI_PATH)
		snprintf(dst, size, "%s", uri->dst.path);
	else if (uri->dtype == WIRE_URI_IPV6)
		snprintf(dst, size, "tcp6://[%s]:%u/%s", uri->dst.ipv6, uri->port, uri->subdir);
	else
		snprintf(dst, size, "tcp4://%.16s:%u/%s", uri->dst.ipv4, uri->port, uri->subdir);
}

bool session_streams_to_relay(const struct session *s)
{
	return s->output == SESSION_OUTPUT_NETWORK && !s->snapshot_mode && s->uri_count == 2;
}

const struct wire_uri *session_control_uri(const struct session *s)
{
	return s->uris[0].stype == WIRE_URI_CONTROL ? &s->uris[0] : &s->uris[1];
}

const struct wire_uri *session_data_uri(const struct session *s)
{
	return s->uris[0].stype == WIRE_URI_CONTROL ? &s->uris[1] : &s->uris[0];
}

void uri_host_string(const struct wire_uri *uri, char *dst, size_t size)
{
	snprintf(dst, size, "%s", uri->dtype == WIRE_URI_IPV6 ? uri->dst.ipv6 : uri->dst.ipv4);
}

bool snapshot_output_is_relay(const struct snapshot_output *o)
{
	return o->uri_count == 2 && o->uris[0].dtype != WIRE_URI_PATH;
}

void snapshot_output_set_uris(struct snapshot_output *o, const struct wire_uri *uris,
			      uint32_t count)
{
	memcpy(o->uris, uris, count * sizeof(*uris));
	o->uri_count = count;
	uri_to_display(&uris[0], o->ctrl_url, sizeof(o->ctrl_url));
	o->data_url[0] = '\0';
	if (count > 1)
		uri_to_display(&uris[1], o->data_url, sizeof(o->data_url));
}

static uint64_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t) p : 4096;
}

uint64_t channel_min_subbuf_size(void)
{
	return page_size();
}

void channel_default_attr(int domain_type, int buffer_type, struct channel_attr *ret_attr)
{
	struct channel_attr a = {
		.overwrite = -1,
		.num_subbuf = 4,
		.monitor_timer_us = 1000000,
	};

	if (domain_type == LTTNG_DOMAIN_KERNEL) {
		a.subbuf_size = MAX(1048576, page_size());
		a.output = LTTNG_EVENT_SPLICE;
		a.read_timer_us = 200000;
	} else if (buffer_type == LTTNG_BUFFER_PER_UID) {
		a.subbuf_size = MAX(524288, page_size());
		a.output = LTTNG_EVENT_MMAP;
	} else {
		a.subbuf_size = MAX(16384, page_size());
		a.output = LTTNG_EVENT_MMAP;
	}
	*ret_attr = a;
}
