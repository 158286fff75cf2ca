/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The session configuration writer behind SAVE_SESSION. Which elements appear, in
 * which order, and how values print follow lttng-sessiond 2.13 (save.c and the
 * config writer of session-config.c); the document goes through the same libxml2 text
 * writer calls (UTF-8 declaration, tab indentation) so that indentation, empty
 * elements and escaping come out byte for byte the same.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>
#include <lttng/lttng.h>

#include "model/session-xml-save.h"

/* --- Names shared with the loader ------------------------------------------------- */

struct context_name {
	int type;
	const char *name;
	bool ust;    /* the UST tracer has it */
	bool kernel; /* the kernel tracer has it */
};

static const struct context_name context_names[] = {
	{ LTTNG_EVENT_CONTEXT_PID, "PID", false, true },
	{ LTTNG_EVENT_CONTEXT_PROCNAME, "PROCNAME", true, true },
	{ LTTNG_EVENT_CONTEXT_PRIO, "PRIO", false, true },
	{ LTTNG_EVENT_CONTEXT_NICE, "NICE", false, true },
	{ LTTNG_EVENT_CONTEXT_VPID, "VPID", true, true },
	{ LTTNG_EVENT_CONTEXT_TID, "TID", false, true },
	{ LTTNG_EVENT_CONTEXT_VTID, "VTID", true, true },
	{ LTTNG_EVENT_CONTEXT_PPID, "PPID", false, true },
	{ LTTNG_EVENT_CONTEXT_VPPID, "VPPID", false, true },
	{ LTTNG_EVENT_CONTEXT_PTHREAD_ID, "PTHREAD_ID", true, false },
	{ LTTNG_EVENT_CONTEXT_HOSTNAME, "HOSTNAME", false, true },
	{ LTTNG_EVENT_CONTEXT_IP, "IP", true, false },
	{ LTTNG_EVENT_CONTEXT_INTERRUPTIBLE, "INTERRUPTIBLE", false, true },
	{ LTTNG_EVENT_CONTEXT_PREEMPTIBLE, "PREEMPTIBLE", false, true },
	{ LTTNG_EVENT_CONTEXT_NEED_RESCHEDULE, "NEED_RESCHEDULE", false, true },
	{ LTTNG_EVENT_CONTEXT_MIGRATABLE, "MIGRATABLE", false, true },
	{ LTTNG_EVENT_CONTEXT_CALLSTACK_USER, "CALLSTACK_USER", false, true },
	{ LTTNG_EVENT_CONTEXT_CALLSTACK_KERNEL, "CALLSTACK_KERNEL", false, true },
	{ LTTNG_EVENT_CONTEXT_CGROUP_NS, "CGROUP_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_IPC_NS, "IPC_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_MNT_NS, "MNT_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_NET_NS, "NET_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_PID_NS, "PID_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_TIME_NS, "TIME_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_USER_NS, "USER_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_UTS_NS, "UTS_NS", true, true },
	{ LTTNG_EVENT_CONTEXT_UID, "UID", false, true },
	{ LTTNG_EVENT_CONTEXT_EUID, "EUID", false, true },
	{ LTTNG_EVENT_CONTEXT_SUID, "SUID", false, true },
	{ LTTNG_EVENT_CONTEXT_GID, "GID", false, true },
	{ LTTNG_EVENT_CONTEXT_EGID, "EGID", false, true },
	{ LTTNG_EVENT_CONTEXT_SGID, "SGID", false, true },
	{ LTTNG_EVENT_CONTEXT_VUID, "VUID", true, true },
	{ LTTNG_EVENT_CONTEXT_VEUID, "VEUID", true, true },
	{ LTTNG_EVENT_CONTEXT_VSUID, "VSUID", true, true },
	{ LTTNG_EVENT_CONTEXT_VGID, "VGID", true, true },
	{ LTTNG_EVENT_CONTEXT_VEGID, "VEGID", true, true },
	{ LTTNG_EVENT_CONTEXT_VSGID, "VSGID", true, true },
};

const char *session_xml_context_name(int context_type, int domain_type)
{
	for (size_t i = 0; i < sizeof(context_names) / sizeof(context_names[0]); i++) {
		const struct context_name *c = &context_names[i];

		if (c->type != context_type)
			continue;
		if (domain_type == LTTNG_DOMAIN_KERNEL ? c->kernel : c->ust)
			return c->name;
		return NULL;
	}
	return NULL;
}

int session_xml_context_type(const char *name)
{
	for (size_t i = 0; i < sizeof(context_names) / sizeof(context_names[0]); i++)
		if (strcmp(context_names[i].name, name) == 0)
			return context_names[i].type;
	return -1;
}

static const struct {
	int type;
	const char *name;
} event_type_names[] = {
	{ LTTNG_EVENT_ALL, "ALL" },
	{ LTTNG_EVENT_TRACEPOINT, "TRACEPOINT" },
	{ LTTNG_EVENT_PROBE, "PROBE" },
	{ LTTNG_EVENT_USERSPACE_PROBE, "USERSPACE_PROBE" },
	{ LTTNG_EVENT_FUNCTION, "FUNCTION" },
	{ LTTNG_EVENT_FUNCTION_ENTRY, "FUNCTION_ENTRY" },
	{ LTTNG_EVENT_NOOP, "NOOP" },
	{ LTTNG_EVENT_SYSCALL, "SYSCALL" },
};

const char *session_xml_event_type_name(int event_type)
{
	for (size_t i = 0; i < sizeof(event_type_names) / sizeof(event_type_names[0]); i++)
		if (event_type_names[i].type == event_type)
			return event_type_names[i].name;
	return NULL;
}

int session_xml_event_type(const char *name, int *ret_type)
{
	for (size_t i = 0; i < sizeof(event_type_names) / sizeof(event_type_names[0]); i++) {
		if (strcmp(event_type_names[i].name, name) == 0) {
			*ret_type = event_type_names[i].type;
			return 0;
		}
	}
	return -1;
}

static const struct session_xml_tracker_names tracker_names[TRACKER_COUNT] = {
	[TRACKER_PID] = { "pid_process_attr_tracker", "pid" },
	[TRACKER_VPID] = { "vpid_process_attr_tracker", "vpid" },
	[TRACKER_UID] = { "uid_process_attr_tracker", "uid" },
	[TRACKER_VUID] = { "vuid_process_attr_tracker", "vuid" },
	[TRACKER_GID] = { "gid_process_attr_tracker", "gid" },
	[TRACKER_VGID] = { "vgid_process_attr_tracker", "vgid" },
};

const struct session_xml_tracker_names *session_xml_tracker_names(int process_attr)
{
	if (process_attr < 0 || process_attr >= TRACKER_COUNT)
		return NULL;
	return &tracker_names[process_attr];
}

void session_xml_format_uri(const struct wire_uri *uri, char *buf, size_t size)
{
	if (uri->dtype == WIRE_URI_PATH)
		snprintf(buf, size, "file://%.*s/%.*s", (int) sizeof(uri->dst.path), uri->dst.path,
			 (int) sizeof(uri->subdir), uri->subdir);
	else if (uri->dtype == WIRE_URI_IPV6)
		snprintf(buf, size, "tcp6://[%.*s]:%u/%.*s", (int) sizeof(uri->dst.ipv6),
			 uri->dst.ipv6, (unsigned) uri->port, (int) sizeof(uri->subdir), uri->subdir);
	else
		snprintf(buf, size, "tcp4://%.*s:%u/%.*s", (int) sizeof(uri->dst.ipv4),
			 uri->dst.ipv4, (unsigned) uri->port, (int) sizeof(uri->subdir), uri->subdir);
}

/* --- The writer ---------------------------------------------------------------------- */

/* A libxml2 text writer plus the first error met; every helper does nothing once an
 * error is recorded, so the document code reads as a plain sequence of elements. */
struct writer {
	xmlTextWriterPtr w;
	int error; /* LTTNG_OK while all is well */
};

static void fail(struct writer *wr, int code)
{
	if (wr->error == LTTNG_OK)
		wr->error = code;
}

static bool writer_ok(const struct writer *wr)
{
	return wr->error == LTTNG_OK;
}

static void check(struct writer *wr, int libxml_result)
{
	if (libxml_result < 0)
		fail(wr, LTTNG_ERR_SAVE_IO_FAIL);
}

static void open_element(struct writer *wr, const char *name)
{
	if (writer_ok(wr))
		check(wr, xmlTextWriterStartElement(wr->w, BAD_CAST name));
}

static void close_element(struct writer *wr)
{
	if (writer_ok(wr))
		check(wr, xmlTextWriterEndElement(wr->w));
}

static void write_string(struct writer *wr, const char *name, const char *value)
{
	if (!writer_ok(wr))
		return;
	/* LTTng runs every string through its UTF-8 decoder first; invalid input is a
	 * write failure. */
	if (!xmlCheckUTF8(BAD_CAST value)) {
		fail(wr, LTTNG_ERR_SAVE_IO_FAIL);
		return;
	}
	check(wr, xmlTextWriterWriteElement(wr->w, BAD_CAST name, BAD_CAST value));
}

static void write_uint(struct writer *wr, const char *name, uint64_t value)
{
	if (writer_ok(wr))
		check(wr, xmlTextWriterWriteFormatElement(wr->w, BAD_CAST name, "%" PRIu64, value));
}

static void write_int(struct writer *wr, const char *name, int64_t value)
{
	if (writer_ok(wr))
		check(wr, xmlTextWriterWriteFormatElement(wr->w, BAD_CAST name, "%" PRIi64, value));
}

static void write_bool(struct writer *wr, const char *name, bool value)
{
	write_string(wr, name, value ? "true" : "false");
}

static const char *buffer_type_name(int buffer_type)
{
	switch (buffer_type) {
	case LTTNG_BUFFER_PER_PID:
		return "PER_PID";
	case LTTNG_BUFFER_PER_UID:
		return "PER_UID";
	case LTTNG_BUFFER_GLOBAL:
		return "GLOBAL";
	default:
		return NULL;
	}
}

static const char *loglevel_type_name(int loglevel_type)
{
	switch (loglevel_type) {
	case LTTNG_EVENT_LOGLEVEL_ALL:
		return "ALL";
	case LTTNG_EVENT_LOGLEVEL_RANGE:
		return "RANGE";
	case LTTNG_EVENT_LOGLEVEL_SINGLE:
		return "SINGLE";
	default:
		return NULL;
	}
}

/* A channel's overwrite mode; "session default" (-1) is what channel creation would
 * have picked. */
static bool channel_overwrites(const struct session *s, const struct channel *ch)
{
	return ch->attr.overwrite == -1 ? s->snapshot_mode : ch->attr.overwrite != 0;
}

static void write_ust_event(struct writer *wr, const struct event_rule *rule)
{
	const struct decoded_event *ev = &rule->spec;
	const char *loglevel_type = loglevel_type_name(ev->loglevel_type);

	open_element(wr, "event");
	if (ev->name[0])
		write_string(wr, "name", ev->name);
	write_bool(wr, "enabled", ev->enabled);
	/* The UST tracer only has tracepoints; anything else cannot be described. */
	if (ev->type != LTTNG_EVENT_TRACEPOINT || !loglevel_type) {
		fail(wr, LTTNG_ERR_INVALID);
		return;
	}
	write_string(wr, "type", "TRACEPOINT");
	write_string(wr, "loglevel_type", loglevel_type);
	if (ev->loglevel_type != LTTNG_EVENT_LOGLEVEL_ALL)
		write_int(wr, "loglevel", ev->loglevel);
	if (ev->filter_expression)
		write_string(wr, "filter", ev->filter_expression);
	if (ev->exclusion_count) {
		open_element(wr, "exclusions");
		for (uint32_t i = 0; i < ev->exclusion_count; i++)
			write_string(wr, "exclusion", ev->exclusions[i]);
		close_element(wr);
	}
	close_element(wr);
}

/* A user-space probe's location (T:save.c save_kernel_userspace_probe_event). */
static void write_uprobe_attributes(struct writer *wr, const struct decoded_uprobe *u)
{
	bool function = u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION;

	open_element(wr, "attributes");
	open_element(wr, function ? "userspace_probe_function_attributes"
				  : "userspace_probe_tracepoint_attributes");
	write_string(wr, "lookup_method",
		     !function ? "SDT"
		     : u->lookup == LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_ELF
			     ? "ELF"
			     : "DEFAULT");
	write_string(wr, "binary_path", u->binary_path);
	if (function) {
		write_string(wr, "function_name", u->function);
	} else {
		write_string(wr, "provider_name", u->provider);
		write_string(wr, "probe_name", u->probe);
	}
	close_element(wr);
	close_element(wr);
}

static void write_kernel_event(struct writer *wr, const struct event_rule *rule)
{
	const struct decoded_event *ev = &rule->spec;
	const char *type = session_xml_event_type_name(ev->type);

	open_element(wr, "event");
	if (ev->name[0])
		write_string(wr, "name", ev->name);
	write_bool(wr, "enabled", ev->enabled);
	if (!type) {
		fail(wr, LTTNG_ERR_INVALID);
		return;
	}
	write_string(wr, "type", type);
	if (ev->filter_expression)
		write_string(wr, "filter", ev->filter_expression);
	if (ev->type == LTTNG_EVENT_USERSPACE_PROBE && ev->uprobe)
		write_uprobe_attributes(wr, ev->uprobe);
	close_element(wr);
}

static bool context_is_perf(int type)
{
	return type == LTTNG_EVENT_CONTEXT_PERF_COUNTER ||
	       type == LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER ||
	       type == LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER;
}

static void write_context(struct writer *wr, const struct decoded_context *c, int domain_type)
{
	const char *name;

	open_element(wr, "context");
	if (context_is_perf(c->type)) {
		open_element(wr, "perf");
		write_uint(wr, "type", c->perf_type);
		write_uint(wr, "config", c->perf_config);
		write_string(wr, "name", c->perf_name);
		close_element(wr);
	} else if (c->type == LTTNG_EVENT_CONTEXT_APP_CONTEXT) {
		open_element(wr, "app");
		write_string(wr, "provider_name", c->app_provider ? c->app_provider : "");
		write_string(wr, "ctx_name", c->app_name ? c->app_name : "");
		close_element(wr);
	} else if ((name = session_xml_context_name(c->type, domain_type))) {
		write_string(wr, "type", name);
	} else {
		/* LTTng reports an unknown UST context as a write failure. */
		fail(wr, domain_type == LTTNG_DOMAIN_KERNEL ? LTTNG_ERR_INVALID
							   : LTTNG_ERR_SAVE_IO_FAIL);
		return;
	}
	close_element(wr);
}

static void write_contexts(struct writer *wr, const struct channel *ch, int domain_type)
{
	const struct context_spec *spec;

	open_element(wr, "contexts");
	list_for_each_entry(spec, &ch->contexts, link)
		write_context(wr, &spec->ctx, domain_type);
	close_element(wr);
}

static void write_ust_channel(struct writer *wr, const struct session *s, const struct channel *ch)
{
	const struct event_rule *rule;

	open_element(wr, "channel");
	write_string(wr, "name", ch->name);
	write_bool(wr, "enabled", ch->enabled);
	write_string(wr, "overwrite_mode", channel_overwrites(s, ch) ? "OVERWRITE" : "DISCARD");
	write_uint(wr, "subbuffer_size", ch->attr.subbuf_size);
	write_uint(wr, "subbuffer_count", ch->attr.num_subbuf);
	write_uint(wr, "switch_timer_interval", ch->attr.switch_timer_us);
	write_uint(wr, "read_timer_interval", ch->attr.read_timer_us);
	write_string(wr, "output_type", ch->attr.output == LTTNG_EVENT_MMAP ? "MMAP" : "SPLICE");
	write_int(wr, "blocking_timeout", ch->attr.blocking_timeout_us);
	write_uint(wr, "monitor_timer_interval", ch->attr.monitor_timer_us);
	write_uint(wr, "tracefile_size", ch->attr.tracefile_size);
	write_uint(wr, "tracefile_count", ch->attr.tracefile_count);
	/* UST channels carry the session's live timer. */
	write_uint(wr, "live_timer_interval", s->live_timer_us);
	open_element(wr, "events");
	list_for_each_entry(rule, &ch->events, link)
		write_ust_event(wr, rule);
	close_element(wr);
	write_contexts(wr, ch, LTTNG_DOMAIN_UST);
	close_element(wr);
}

static void write_kernel_channel(struct writer *wr, const struct session *s,
				 const struct channel *ch)
{
	const struct event_rule *rule;

	open_element(wr, "channel");
	write_string(wr, "name", ch->name);
	write_bool(wr, "enabled", ch->enabled);
	write_string(wr, "overwrite_mode", channel_overwrites(s, ch) ? "OVERWRITE" : "DISCARD");
	write_uint(wr, "subbuffer_size", ch->attr.subbuf_size);
	write_uint(wr, "subbuffer_count", ch->attr.num_subbuf);
	write_uint(wr, "switch_timer_interval", ch->attr.switch_timer_us);
	write_uint(wr, "read_timer_interval", ch->attr.read_timer_us);
	write_string(wr, "output_type", ch->attr.output == LTTNG_EVENT_SPLICE ? "SPLICE" : "MMAP");
	write_uint(wr, "tracefile_size", ch->attr.tracefile_size);
	write_uint(wr, "tracefile_count", ch->attr.tracefile_count);
	write_uint(wr, "live_timer_interval", ch->attr.live_timer_us);
	write_uint(wr, "monitor_timer_interval", ch->attr.monitor_timer_us);
	write_int(wr, "blocking_timeout", ch->attr.blocking_timeout_us);
	open_element(wr, "events");
	list_for_each_entry(rule, &ch->events, link)
		write_kernel_event(wr, rule);
	close_element(wr);
	/* Unlike UST, an empty kernel context list is left out. */
	if (!list_is_empty(&ch->contexts))
		write_contexts(wr, ch, LTTNG_DOMAIN_KERNEL);
	close_element(wr);
}

static void write_tracker(struct writer *wr, const struct domain *dom, int process_attr)
{
	const struct session_xml_tracker_names *names = session_xml_tracker_names(process_attr);
	int index = tracker_index(dom, process_attr);
	const struct tracker_value *v;
	const struct tracker *t;

	if (index < 0 || !names)
		return;
	t = &dom->trackers[index];
	if (t->policy == LTTNG_TRACKING_POLICY_INCLUDE_ALL)
		return;
	open_element(wr, names->tracker);
	open_element(wr, "process_attr_values");
	if (t->policy == LTTNG_TRACKING_POLICY_INCLUDE_SET) {
		list_for_each_entry(v, &t->values, link) {
			open_element(wr, names->value);
			if (v->name)
				write_string(wr, "name", v->name);
			else /* printed as an unsigned int, as LTTng does (-1 is 4294967295) */
				write_uint(wr, "id", (unsigned int) v->integral);
			close_element(wr);
		}
	}
	close_element(wr);
	close_element(wr);
}

static void write_trackers(struct writer *wr, const struct domain *dom)
{
	static const int kernel_order[] = { TRACKER_PID, TRACKER_VPID, TRACKER_UID,
					    TRACKER_VUID, TRACKER_GID, TRACKER_VGID };
	static const int ust_order[] = { TRACKER_VPID, TRACKER_VUID, TRACKER_VGID };
	bool kernel = dom->type == LTTNG_DOMAIN_KERNEL;
	const int *order = kernel ? kernel_order : ust_order;
	size_t count = kernel ? sizeof(kernel_order) / sizeof(kernel_order[0])
			      : sizeof(ust_order) / sizeof(ust_order[0]);

	open_element(wr, "process_attr_trackers");
	for (size_t i = 0; i < count; i++)
		write_tracker(wr, dom, order[i]);
	close_element(wr);
}

static void write_kernel_domain(struct writer *wr, const struct session *s)
{
	const struct channel *ch;

	open_element(wr, "domain");
	write_string(wr, "type", "KERNEL");
	write_string(wr, "buffer_type", "GLOBAL");
	open_element(wr, "channels");
	list_for_each_entry(ch, &s->domains[DOMAIN_INDEX_KERNEL].channels, link)
		write_kernel_channel(wr, s, ch);
	close_element(wr);
	write_trackers(wr, &s->domains[DOMAIN_INDEX_KERNEL]);
	close_element(wr);
}

/* The UST domain and, after it, the three agent domains that share its buffers; agent
 * channels do not exist in this daemon, so theirs are always empty. */
static void write_ust_domain(struct writer *wr, const struct session *s, const char *type)
{
	const char *buffer_type = buffer_type_name(s->domains[DOMAIN_INDEX_UST].buffer_type);
	bool ust = strcmp(type, "UST") == 0;
	const struct channel *ch;

	open_element(wr, "domain");
	write_string(wr, "type", type);
	if (!buffer_type) {
		fail(wr, LTTNG_ERR_INVALID);
		return;
	}
	write_string(wr, "buffer_type", buffer_type);
	open_element(wr, "channels");
	if (ust)
		list_for_each_entry(ch, &s->domains[DOMAIN_INDEX_UST].channels, link)
			write_ust_channel(wr, s, ch);
	close_element(wr);
	if (ust)
		write_trackers(wr, &s->domains[DOMAIN_INDEX_UST]);
	close_element(wr);
}

static void write_domains(struct writer *wr, const struct session *s)
{
	if (!s->domains[DOMAIN_INDEX_KERNEL].exists && !s->domains[DOMAIN_INDEX_UST].exists)
		return;
	open_element(wr, "domains");
	if (s->domains[DOMAIN_INDEX_KERNEL].exists)
		write_kernel_domain(wr, s);
	if (s->domains[DOMAIN_INDEX_UST].exists) {
		write_ust_domain(wr, s, "UST");
		write_ust_domain(wr, s, "JUL");
		write_ust_domain(wr, s, "LOG4J");
		write_ust_domain(wr, s, "PYTHON");
	}
	close_element(wr);
}

static void write_destination_path(struct writer *wr, const char *path)
{
	open_element(wr, "consumer_output");
	write_bool(wr, "enabled", true);
	open_element(wr, "destination");
	write_string(wr, "path", path);
	close_element(wr);
	close_element(wr);
}

static void write_destination_net(struct writer *wr, const struct wire_uri *control,
				  const struct wire_uri *data)
{
	char url[WIRE_PATH_MAX + 128];

	open_element(wr, "consumer_output");
	write_bool(wr, "enabled", true);
	open_element(wr, "destination");
	open_element(wr, "net_output");
	if (!control || !data) {
		fail(wr, !control ? LTTNG_ERR_URL_CTRL_MISS : LTTNG_ERR_URL_DATA_MISS);
		return;
	}
	session_xml_format_uri(control, url, sizeof(url));
	write_string(wr, "control_uri", url);
	session_xml_format_uri(data, url, sizeof(url));
	write_string(wr, "data_uri", url);
	close_element(wr);
	close_element(wr);
	close_element(wr);
}

static void write_snapshot_output(struct writer *wr, const struct snapshot_output *o)
{
	open_element(wr, "output");
	write_string(wr, "name", o->name);
	write_uint(wr, "max_size", o->max_size);
	if (o->uri_count == 1 && o->uris[0].dtype == WIRE_URI_PATH)
		write_destination_path(wr, o->uris[0].dst.path);
	else if (o->uri_count == 2)
		write_destination_net(wr, &o->uris[0], &o->uris[1]);
	else
		fail(wr, LTTNG_ERR_INVALID);
	close_element(wr);
}

static void write_output(struct writer *wr, const struct session *s)
{
	const struct snapshot_output *o;

	if (s->snapshot_mode) {
		if (list_is_empty(&s->snapshot_outputs))
			return;
		open_element(wr, "output");
		open_element(wr, "snapshot_outputs");
		list_for_each_entry(o, &s->snapshot_outputs, link)
			write_snapshot_output(wr, o);
		close_element(wr);
		close_element(wr);
		return;
	}
	open_element(wr, "output");
	switch (s->output) {
	case SESSION_OUTPUT_LOCAL:
		write_destination_path(wr, s->output_path);
		break;
	case SESSION_OUTPUT_NETWORK:
		write_destination_net(wr, s->uri_count > 0 ? &s->uris[0] : NULL,
				      s->uri_count > 1 ? &s->uris[1] : NULL);
		break;
	case SESSION_OUTPUT_NONE:
		/* LTTng keeps a local consumer with an empty path for these. */
		write_destination_path(wr, "");
		break;
	}
	close_element(wr);
}

static void write_attributes(struct writer *wr, const struct session *s)
{
	uint64_t periodic = s->rotate_periodic_set ? s->rotate_periodic_us : 0;
	uint64_t size = s->rotate_size_set ? s->rotate_size_bytes : 0;

	if (!s->snapshot_mode && !s->live_timer_us && !periodic && !size)
		return;
	open_element(wr, "attributes");
	if (s->snapshot_mode)
		write_bool(wr, "snapshot_mode", true);
	else if (s->live_timer_us)
		write_uint(wr, "live_timer_interval", s->live_timer_us);
	if (periodic || size) {
		open_element(wr, "rotation_schedules");
		if (periodic) {
			open_element(wr, "periodic");
			write_uint(wr, "time_us", periodic);
			close_element(wr);
		}
		if (size) {
			open_element(wr, "size_threshold");
			write_uint(wr, "bytes", size);
			close_element(wr);
		}
		close_element(wr);
	}
	close_element(wr);
}

static void write_session(struct writer *wr, const struct session *s)
{
	open_element(wr, "sessions");
	open_element(wr, "session");
	write_string(wr, "name", s->name);
	if (s->shm_path[0])
		write_string(wr, "shared_memory_path", s->shm_path);
	write_domains(wr, s);
	write_bool(wr, "started", s->active);
	write_attributes(wr, s);
	write_output(wr, s);
	close_element(wr);
	close_element(wr);
}

static int sink_write(void *context, const char *data, int len)
{
	return buffer_append(context, data, (size_t) len) < 0 ? -1 : len;
}

static int sink_close(void *context)
{
	return 0;
}

int session_xml_serialize(const struct session *session, struct buffer *out)
{
	xmlOutputBufferPtr sink = xmlOutputBufferCreateIO(sink_write, sink_close, out, NULL);
	struct writer wr = { .error = LTTNG_OK };

	if (!sink)
		return LTTNG_ERR_NOMEM;
	wr.w = xmlNewTextWriter(sink);
	if (!wr.w) {
		xmlOutputBufferClose(sink);
		return LTTNG_ERR_NOMEM;
	}
	/* Same calls, same order as LTTng's config writer. */
	check(&wr, xmlTextWriterStartDocument(wr.w, NULL, "UTF-8", NULL));
	if (writer_ok(&wr) && (xmlTextWriterSetIndentString(wr.w, BAD_CAST "\t") != 0 ||
			       xmlTextWriterSetIndent(wr.w, 1) != 0))
		fail(&wr, LTTNG_ERR_NOMEM);
	write_session(&wr, session);
	if (xmlTextWriterEndDocument(wr.w) < 0)
		fail(&wr, LTTNG_ERR_SAVE_IO_FAIL);
	xmlFreeTextWriter(wr.w); /* flushes into out */
	return wr.error;
}
