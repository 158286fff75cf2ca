/* SPDX-License-Identifier: GPL-2.0-only */
/* Event classes of a channel and record conversion; see ktable.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kstatedump-events.h"
#include "ktable.h"

int ktable_init(struct ktable *t)
{
	memset(t, 0, sizeof(*t));
	t->raw_data_id = -1;
	t->by_ftrace_id = calloc(KTABLE_FTRACE_IDS, sizeof(*t->by_ftrace_id));
	return t->by_ftrace_id ? 0 : -ENOMEM;
}

void ktable_fini(struct ktable *t)
{
	for (unsigned i = 0; i < t->nevents; i++)
		free(t->events[i]);
	free(t->events);
	free(t->by_ftrace_id);
	memset(t, 0, sizeof(*t));
	t->raw_data_id = -1;
}

int ktable_add(struct ktable *t, struct kevent *ev)
{
	if (ev->id != t->nevents || t->nevents >= 65535)
		return -ENOSPC;
	if (ev->kind == KEVENT_STATEDUMP ? ev->statedump_code >= KTABLE_STATEDUMP_CODES
					 : ev->ftrace_id < 0 || (unsigned) ev->ftrace_id >= KTABLE_FTRACE_IDS)
		return -EINVAL;
	if (t->nevents == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;
		struct kevent **grown = realloc(t->events, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->events = grown;
		t->cap = cap;
	}
	t->events[t->nevents++] = ev;
	if (ev->kind == KEVENT_STATEDUMP)
		t->statedump[ev->statedump_code] = ev;
	else
		t->by_ftrace_id[ev->ftrace_id] = (uint16_t) t->nevents;
	return 0;
}

struct kevent *ktable_find(const struct ktable *t, const char *system, const char *name)
{
	for (unsigned i = 0; i < t->nevents; i++)
		if (!strcmp(t->events[i]->system, system) && !strcmp(t->events[i]->ftrace_name, name))
			return t->events[i];
	return NULL;
}

struct kevent *ktable_classify(const struct ktable *t, const uint8_t *rec, uint32_t len,
			       const uint8_t **payload, uint32_t *plen, bool *malformed)
{
	uint16_t type;
	struct kevent *ev = NULL;

	*malformed = false;
	*payload = rec;
	*plen = len;
	if (len < 8)
		return NULL;
	type = (uint16_t) (rec[0] | rec[1] << 8);
	if (t->raw_data_id >= 0 && type == t->raw_data_id) {
		uint32_t id = (uint32_t) krec_uint(rec, len, t->raw_id_off, 4, false);
		uint32_t n = (uint32_t) krec_uint(rec, len, t->raw_buf_off, 4, false);
		uint32_t at = (uint32_t) t->raw_buf_off + 4;

		if ((id & 0xffff0000u) != KSD_MARKER_BASE || (id & 0xffff) >= KTABLE_STATEDUMP_CODES)
			return NULL;
		ev = t->statedump[id & 0xffff];
		if (!ev)
			return NULL;
		/* Our carried length; the record itself is rounded up to 4 bytes. */
		if (at > len || n > len - at) {
			*malformed = true;
			return NULL;
		}
		*payload = rec + at;
		*plen = n;
		return ev;
	}
	return t->by_ftrace_id[type] ? t->events[t->by_ftrace_id[type] - 1] : NULL;
}

int ktable_append(struct kpacket *p, const struct kevent *ev, const struct kcontext_set *ctx,
		  struct kconv *cv, uint64_t ts, const uint8_t *rec, uint32_t len,
		  const uint8_t *payload, uint32_t plen)
{
	const uint64_t saved_ts = p->last_ts;
	const uint32_t saved_events = p->events;
	size_t start = p->buf.len; /* also when the header itself does not fit */
	int r;

	r = kpacket_event_header(p, ev->id, ts, &start);
	if (r == 0)
		r = kcontext_encode(ctx, cv, rec, len, &p->buf);
	if (r == 0)
		r = kevent_encode(ev, cv, payload, plen, &p->buf);
	if (r == 0)
		return 0;
	p->buf.len = start;
	p->last_ts = saved_ts;
	p->events = saved_events;
	if (r == -ENOSPC)
		return saved_events ? -ENOSPC : -E2BIG;
	return -EINVAL;
}
