/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoders/encoders for client command payloads; see client-codec.h for the rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lttng/lttng.h>

#include "client-codec.h"

/* A read cursor over untrusted bytes: every take is bounds-checked. */
struct cursor {
	const uint8_t *data;
	size_t left;
};

static const void *cursor_take(struct cursor *c, size_t len)
{
	const void *p;

	if (len > c->left)
		return NULL;
	if (len == 0)
		return c->data ? (const void *) c->data : (const void *) "";
	p = c->data;
	c->data += len;
	c->left -= len;
	return p;
}

int codec_bounded_strlen(const char *buf, size_t size)
{
	const char *nul = memchr(buf, '\0', size);

	if (!nul)
		return -EINVAL;
	return (int) (nul - buf);
}

/* Takes a string of exactly len bytes whose last byte is its only NUL. */
static int cursor_take_string(struct cursor *c, uint32_t len, char *dst, size_t dst_size)
{
	const char *s;

	if (len == 0 || len > dst_size)
		return -EINVAL;
	s = cursor_take(c, len);
	if (!s || codec_bounded_strlen(s, len) != (int) len - 1)
		return -EINVAL;
	memcpy(dst, s, len);
	return 0;
}

static char *cursor_dup_string(struct cursor *c, uint32_t len, uint32_t max)
{
	const char *s;
	char *copy;

	if (len == 0 || len > max)
		return NULL;
	s = cursor_take(c, len);
	if (!s || codec_bounded_strlen(s, len) != (int) len - 1)
		return NULL;
	copy = malloc(len);
	if (copy)
		memcpy(copy, s, len);
	return copy;
}

int codec_decode_channel(const void *buf, size_t len, struct decoded_channel *ret_channel)
{
	struct cursor c = { buf, len };
	struct decoded_channel ch = { 0 };
	const struct wire_channel *w = cursor_take(&c, sizeof(*w));
	struct wire_channel wc;

	if (!w)
		return -EINVAL;
	memcpy(&wc, w, sizeof(wc));
	if (cursor_take_string(&c, wc.name_len, ch.name, sizeof(ch.name) - 1) < 0)
		return -EINVAL;
	if (c.left != 0)
		return -EINVAL;
	ch.enabled = wc.enabled != 0;
	ch.attr.overwrite = wc.overwrite;
	ch.attr.subbuf_size = wc.subbuf_size;
	ch.attr.num_subbuf = wc.num_subbuf;
	ch.attr.switch_timer_us = wc.switch_timer_interval;
	ch.attr.read_timer_us = wc.read_timer_interval;
	ch.attr.output = wc.output;
	ch.attr.tracefile_size = wc.tracefile_size;
	ch.attr.tracefile_count = wc.tracefile_count;
	ch.attr.live_timer_us = wc.live_timer_interval;
	ch.attr.monitor_timer_us = wc.monitor_timer_interval;
	ch.attr.blocking_timeout_us = wc.blocking_timeout;
	*ret_channel = ch;
	return 0;
}

int codec_encode_channel(struct buffer *out, const char *name, bool enabled,
			 const struct channel_attr *attr, uint64_t discarded, uint64_t lost)
{
	struct wire_channel wc = {
		.name_len = (uint32_t) strlen(name) + 1,
		.enabled = enabled,
		.overwrite = (int8_t) attr->overwrite,
		.subbuf_size = attr->subbuf_size,
		.num_subbuf = attr->num_subbuf,
		.switch_timer_interval = attr->switch_timer_us,
		.read_timer_interval = attr->read_timer_us,
		.output = (uint8_t) attr->output,
		.tracefile_size = attr->tracefile_size,
		.tracefile_count = attr->tracefile_count,
		.live_timer_interval = attr->live_timer_us,
		.discarded_events = discarded,
		.lost_packets = lost,
		.monitor_timer_interval = attr->monitor_timer_us,
		.blocking_timeout = attr->blocking_timeout_us,
	};
	int r = buffer_append(out, &wc, sizeof(wc));

	return r < 0 ? r : buffer_append(out, name, wc.name_len);
}

void decoded_event_fini(struct decoded_event *event)
{
	free(event->exclusions);
	free(event->filter_expression);
	free(event->bytecode);
	if (event->uprobe && event->uprobe->binary_fd >= 0)
		close(event->uprobe->binary_fd);
	free(event->uprobe);
	event->uprobe = NULL;
	event->exclusions = NULL;
	event->filter_expression = NULL;
	event->bytecode = NULL;
	event->exclusion_count = 0;
	event->bytecode_len = 0;
}

static int decode_exclusions(struct cursor *c, struct decoded_event *ev, uint32_t count)
{
	if (count == 0)
		return 0;
	/* Each exclusion takes at least 5 bytes, which bounds the allocation by the
	 * payload actually received, whatever count the client claims. */
	if (count > CODEC_MAX_EXCLUSIONS || count > c->left / 5)
		return -EINVAL;
	ev->exclusions = calloc(count, sizeof(*ev->exclusions));
	if (!ev->exclusions)
		return -ENOMEM;
	ev->exclusion_count = count;
	for (uint32_t i = 0; i < count; i++) {
		const uint32_t *lenp = cursor_take(c, sizeof(uint32_t));
		uint32_t slen;

		if (!lenp)
			return -EINVAL;
		memcpy(&slen, lenp, sizeof(slen));
		if (cursor_take_string(c, slen, ev->exclusions[i], WIRE_SYMBOL_NAME_LEN) < 0)
			return -EINVAL;
	}
	return 0;
}

static int decode_filter(struct cursor *c, struct decoded_event *ev, uint32_t expr_len,
			 uint32_t bytecode_len)
{
	if (expr_len == 0 && bytecode_len == 0)
		return 0;
	if (expr_len == 0 || expr_len > CODEC_MAX_FILTER_LEN)
		return -EINVAL;
	ev->filter_expression = cursor_dup_string(c, expr_len, CODEC_MAX_FILTER_LEN);
	if (!ev->filter_expression)
		return -EINVAL;
	if (bytecode_len == 0)
		return 0;
	if (bytecode_len < sizeof(struct wire_bytecode) ||
	    bytecode_len > CODEC_MAX_FILTER_LEN + sizeof(struct wire_bytecode))
		return -EINVAL;
	const uint8_t *code = cursor_take(c, bytecode_len);
	struct wire_bytecode header;

	if (!code)
		return -EINVAL;
	memcpy(&header, code, sizeof(header));
	if (header.len != bytecode_len - sizeof(header) || header.reloc_table_offset > header.len)
		return -EINVAL;
	ev->bytecode = malloc(bytecode_len);
	if (!ev->bytecode)
		return -ENOMEM;
	memcpy(ev->bytecode, code, bytecode_len);
	ev->bytecode_len = bytecode_len;
	return 0;
}

/* A user-space probe location: type, its names and binary path, then the lookup
 * method (doc/protocol/client.md, ENABLE_EVENT). */
static int decode_uprobe(const uint8_t *p, size_t len, struct decoded_uprobe **ret)
{
	struct cursor c = { p, len };
	struct decoded_uprobe *u;
	const int8_t *type, *lookup;
	const uint32_t *lens;
	uint32_t l[3];
	int r = -EINVAL;

	type = cursor_take(&c, sizeof(*type));
	if (!type || (*type != LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION &&
		      *type != LTTNG_USERSPACE_PROBE_LOCATION_TYPE_TRACEPOINT))
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->type = *type;
	u->binary_fd = -1;
	if (u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION) {
		lens = cursor_take(&c, 2 * sizeof(uint32_t));
		if (!lens)
			goto out;
		memcpy(l, lens, 2 * sizeof(uint32_t));
		if (cursor_take_string(&c, l[0], u->function, sizeof(u->function)) < 0 ||
		    cursor_take_string(&c, l[1], u->binary_path, sizeof(u->binary_path)) < 0)
			goto out;
	} else {
		lens = cursor_take(&c, 3 * sizeof(uint32_t));
		if (!lens)
			goto out;
		memcpy(l, lens, 3 * sizeof(uint32_t));
		if (cursor_take_string(&c, l[0], u->probe, sizeof(u->probe)) < 0 ||
		    cursor_take_string(&c, l[1], u->provider, sizeof(u->provider)) < 0 ||
		    cursor_take_string(&c, l[2], u->binary_path, sizeof(u->binary_path)) < 0)
			goto out;
	}
	lookup = cursor_take(&c, sizeof(*lookup));
	if (!lookup || c.left != 0 || u->binary_path[0] != '/')
		goto out;
	u->lookup = *lookup;
	if (u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION
		    ? (u->lookup != LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_DEFAULT &&
		       u->lookup != LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_ELF)
		    : u->lookup != LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_TRACEPOINT_SDT)
		goto out;
	*ret = u;
	return 0;
out:
	free(u);
	return r;
}

int codec_decode_event(const void *buf, size_t len, struct decoded_event *ret_event)
{
	struct cursor c = { buf, len };
	struct decoded_event ev = { 0 };
	const struct wire_event *w = cursor_take(&c, sizeof(*w));
	struct wire_event we;
	int r;

	if (!w)
		return -EINVAL;
	memcpy(&we, w, sizeof(we));
	if (cursor_take_string(&c, we.name_len, ev.name, sizeof(ev.name)) < 0)
		return -EINVAL;
	ev.type = we.event_type;
	ev.loglevel_type = we.loglevel_type;
	ev.loglevel = we.loglevel;
	ev.enabled = we.enabled != 0;
	ev.pid = we.pid;
	ev.flags = we.flags;
	r = decode_exclusions(&c, &ev, we.exclusion_count);
	if (r == 0)
		r = decode_filter(&c, &ev, we.filter_expression_len, we.bytecode_len);
	/* A user-space probe's location is decoded; probe and function attributes
	 * (kprobes, which this daemon refuses) are skipped but must be present in full. */
	if (r == 0 && we.userspace_probe_location_len) {
		const uint8_t *loc = cursor_take(&c, we.userspace_probe_location_len);

		r = !loc || ev.type != LTTNG_EVENT_USERSPACE_PROBE
			    ? -EINVAL
			    : decode_uprobe(loc, we.userspace_probe_location_len, &ev.uprobe);
	}
	if (r == 0 && ev.type == LTTNG_EVENT_USERSPACE_PROBE && !ev.uprobe)
		r = -EINVAL;
	if (r == 0 && !cursor_take(&c, (size_t) we.probe_attr_len + we.function_attr_len))
		r = -EINVAL;
	if (r < 0) {
		decoded_event_fini(&ev);
		return r;
	}
	*ret_event = ev;
	return 0;
}

int codec_encode_event(struct buffer *out, const struct decoded_event *event)
{
	return codec_encode_event_enabled(out, event, event->enabled ? 1 : 0);
}

int codec_encode_uprobe(struct buffer *out, const struct decoded_uprobe *u)
{
	int8_t type = (int8_t) u->type, lookup = (int8_t) u->lookup;
	bool function = u->type == LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION;
	const char *names[3] = { function ? u->function : u->probe,
				 function ? u->binary_path : u->provider, u->binary_path };
	unsigned count = function ? 2 : 3;
	int r = buffer_append(out, &type, 1);

	for (unsigned i = 0; r == 0 && i < count; i++)
		r = buffer_append_u32(out, (uint32_t) strlen(names[i]) + 1);
	for (unsigned i = 0; r == 0 && i < count; i++)
		r = buffer_append(out, names[i], strlen(names[i]) + 1);
	return r == 0 ? buffer_append(out, &lookup, 1) : r;
}

int codec_encode_event_enabled(struct buffer *out, const struct decoded_event *event,
			       int8_t enabled)
{
	struct wire_event we = {
		.event_type = (int8_t) event->type,
		.loglevel_type = (int8_t) event->loglevel_type,
		.loglevel = event->loglevel,
		.enabled = enabled,
		.pid = event->pid,
		.flags = event->flags,
		.name_len = (uint32_t) strlen(event->name) + 1,
		.exclusion_count = event->exclusion_count,
		.filter_expression_len =
			event->filter_expression ? (uint32_t) strlen(event->filter_expression) + 1 : 0,
	};
	size_t header_offset = out->size;
	int r = buffer_append(out, &we, sizeof(we));

	if (r == 0)
		r = buffer_append(out, event->name, we.name_len);
	for (uint32_t i = 0; r == 0 && i < event->exclusion_count; i++) {
		uint32_t slen = (uint32_t) strlen(event->exclusions[i]) + 1;

		r = buffer_append_u32(out, slen);
		if (r == 0)
			r = buffer_append(out, event->exclusions[i], slen);
	}
	if (r == 0 && event->filter_expression)
		r = buffer_append(out, event->filter_expression, we.filter_expression_len);
	if (r == 0 && event->uprobe && event->type == LTTNG_EVENT_USERSPACE_PROBE) {
		size_t before = out->size;

		r = codec_encode_uprobe(out, event->uprobe);
		if (r == 0) {
			/* Its length goes in the header written above. */
			we.userspace_probe_location_len = (uint32_t) (out->size - before);
			memcpy(out->data + header_offset, &we, sizeof(we));
		}
	}
	return r;
}

void decoded_context_fini(struct decoded_context *context)
{
	free(context->app_provider);
	free(context->app_name);
	context->app_provider = NULL;
	context->app_name = NULL;
}

int codec_decode_context(const void *buf, size_t len, struct decoded_context *ret_context)
{
	struct cursor c = { buf, len };
	struct decoded_context ctx = { 0 };
	const uint32_t *typep = cursor_take(&c, sizeof(uint32_t));
	uint32_t type;

	if (!typep)
		return -EINVAL;
	memcpy(&type, typep, sizeof(type));
	ctx.type = (int) type;
	if (type == LTTNG_EVENT_CONTEXT_PERF_COUNTER || type == LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER ||
	    type == LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER) {
		const uint8_t *p = cursor_take(&c, 16);
		uint32_t name_len;

		if (!p)
			return -EINVAL;
		memcpy(&ctx.perf_type, p, 4);
		memcpy(&ctx.perf_config, p + 4, 8);
		memcpy(&name_len, p + 12, 4);
		if (cursor_take_string(&c, name_len, ctx.perf_name, sizeof(ctx.perf_name)) < 0)
			return -EINVAL;
	} else if (type == LTTNG_EVENT_CONTEXT_APP_CONTEXT) {
		const uint8_t *p = cursor_take(&c, 8);
		uint32_t provider_len, name_len;

		if (!p)
			return -EINVAL;
		memcpy(&provider_len, p, 4);
		memcpy(&name_len, p + 4, 4);
		ctx.app_provider = cursor_dup_string(&c, provider_len, WIRE_SYMBOL_NAME_LEN);
		ctx.app_name = ctx.app_provider ? cursor_dup_string(&c, name_len, WIRE_SYMBOL_NAME_LEN)
						: NULL;
		if (!ctx.app_name) {
			decoded_context_fini(&ctx);
			return -EINVAL;
		}
	}
	if (c.left != 0) {
		decoded_context_fini(&ctx);
		return -EINVAL;
	}
	*ret_context = ctx;
	return 0;
}

int codec_decode_descriptor(const void *buf, size_t len, struct decoded_descriptor *ret_desc)
{
	struct cursor c = { buf, len };
	struct decoded_descriptor d = { 0 };
	const struct wire_session_descriptor *w = cursor_take(&c, sizeof(*w));
	struct wire_session_descriptor wd;

	if (!w || len > CODEC_MAX_DESCRIPTOR_LEN)
		return -EINVAL;
	memcpy(&wd, w, sizeof(wd));
	if (wd.type < WIRE_DESCRIPTOR_REGULAR || wd.type > WIRE_DESCRIPTOR_LIVE ||
	    wd.output_type > WIRE_OUTPUT_NETWORK || wd.uri_count > 2)
		return -EINVAL;
	d.type = wd.type;
	d.output_type = wd.output_type;
	if (wd.type == WIRE_DESCRIPTOR_LIVE) {
		const void *p = cursor_take(&c, sizeof(uint64_t));

		if (!p)
			return -EINVAL;
		memcpy(&d.live_timer_us, p, sizeof(uint64_t));
	}
	if (wd.name_len) {
		if (cursor_take_string(&c, wd.name_len, d.name, sizeof(d.name)) < 0)
			return -EINVAL;
		d.has_name = true;
	}
	d.uri_count = wd.uri_count;
	for (uint32_t i = 0; i < d.uri_count; i++) {
		const void *u = cursor_take(&c, sizeof(struct wire_uri));

		if (!u)
			return -EINVAL;
		memcpy(&d.uris[i], u, sizeof(struct wire_uri));
		/* Force termination of every string the daemon may print or use. */
		d.uris[i].subdir[WIRE_PATH_MAX - 1] = '\0';
		d.uris[i].dst.path[WIRE_PATH_MAX - 1] = '\0';
	}
	if (c.left != 0)
		return -EINVAL;
	*ret_desc = d;
	return 0;
}

int codec_encode_descriptor(struct buffer *out, const struct decoded_descriptor *desc)
{
	struct wire_session_descriptor wd = {
		.type = (uint8_t) desc->type,
		.output_type = (uint8_t) desc->output_type,
		.name_len = desc->has_name ? (uint32_t) strlen(desc->name) + 1 : 0,
		.uri_count = (uint8_t) desc->uri_count,
	};
	int r = buffer_append(out, &wd, sizeof(wd));

	if (r == 0 && desc->type == WIRE_DESCRIPTOR_LIVE)
		r = buffer_append(out, &desc->live_timer_us, sizeof(uint64_t));
	if (r == 0 && desc->has_name)
		r = buffer_append(out, desc->name, wd.name_len);
	for (uint32_t i = 0; r == 0 && i < desc->uri_count; i++)
		r = buffer_append(out, &desc->uris[i], sizeof(struct wire_uri));
	return r;
}
