/* SPDX-License-Identifier: GPL-2.0-only */
/* Context fields of kernel channels; see kcontext.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <lttng/event.h>

#include "kcontext.h"

/* common_flags bits (include/linux/trace_events.h, trace_flag_type, >= 6.13). */
#define TRACE_FLAG_IRQS_OFF 0x01
#define TRACE_FLAG_NEED_RESCHED 0x04

struct kctx_desc {
	int32_t ctx;
	const char *name;
	struct kfield_type type;
};

#define I32 { .kind = KFIELD_INT, .bits = 32, .is_signed = true, .base = 10 }
#define U8 { .kind = KFIELD_INT, .bits = 8, .base = 10 }
#define I8 { .kind = KFIELD_INT, .bits = 8, .is_signed = true, .base = 10 }
#define TEXT(n) { .kind = KFIELD_ARRAY, .bits = 8, .is_signed = true, .base = 10, .text = true, .length = (n) }

/* The contexts we can produce from an ftrace record and the task table. */
static const struct kctx_desc descs[] = {
	{ LTTNG_EVENT_CONTEXT_PID, "pid", I32 },
	{ LTTNG_EVENT_CONTEXT_TID, "tid", I32 },
	{ LTTNG_EVENT_CONTEXT_VPID, "vpid", I32 },
	{ LTTNG_EVENT_CONTEXT_VTID, "vtid", I32 },
	{ LTTNG_EVENT_CONTEXT_PPID, "ppid", I32 },
	{ LTTNG_EVENT_CONTEXT_VPPID, "vppid", I32 },
	{ LTTNG_EVENT_CONTEXT_PROCNAME, "procname", TEXT(16) },
	{ LTTNG_EVENT_CONTEXT_PRIO, "prio", I32 },
	{ LTTNG_EVENT_CONTEXT_NICE, "nice", I32 },
	{ LTTNG_EVENT_CONTEXT_HOSTNAME, "hostname", TEXT(64) },
	{ LTTNG_EVENT_CONTEXT_PREEMPTIBLE, "preemptible", U8 },
	{ LTTNG_EVENT_CONTEXT_NEED_RESCHEDULE, "need_reschedule", U8 },
	{ LTTNG_EVENT_CONTEXT_INTERRUPTIBLE, "interruptible", I8 },
	{ LTTNG_EVENT_CONTEXT_MIGRATABLE, "migratable", U8 },
};

static const struct kctx_desc *desc_of(int32_t ctx)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].ctx == ctx)
			return &descs[i];
	return NULL;
}

int kcontext_add(struct kcontext_set *set, int32_t ctx)
{
	if (!desc_of(ctx))
		return -EOPNOTSUPP;
	for (unsigned i = 0; i < set->count; i++)
		if (set->ctx[i] == ctx)
			return -EEXIST;
	if (set->count >= KCONTEXT_MAX)
		return -ENOSPC;
	if (ctx == LTTNG_EVENT_CONTEXT_HOSTNAME && !set->hostname[0]) {
		struct utsname u;

		if (uname(&u) == 0)
			snprintf(set->hostname, sizeof(set->hostname), "%.63s", u.nodename);
	}
	set->ctx[set->count++] = ctx;
	return 0;
}

int kcontext_tsdl(const struct kcontext_set *set, struct buffer *out)
{
	int r = 0;

	for (unsigned i = 0; i < set->count && r == 0; i++) {
		const struct kctx_desc *d = desc_of(set->ctx[i]);

		r = kfield_tsdl(out, d->name, &d->type, 2);
	}
	return r;
}

static int put_text(struct ctf_buf *out, const char *s, size_t n)
{
	char tmp[64] = { 0 };

	memcpy(tmp, s, strnlen(s, n - 1));
	return ctf_buf_put(out, tmp, n);
}

static int encode_one(const struct kcontext_set *set, const struct kctx_desc *d,
		      const struct ktask *t, uint8_t flags, uint8_t preempt, uint32_t cpu,
		      struct ctf_buf *out)
{
	switch (d->ctx) {
	case LTTNG_EVENT_CONTEXT_PID:
		return ctf_buf_put_uint(out, (uint32_t) t->tgid, 4);
	case LTTNG_EVENT_CONTEXT_VPID:
		return ctf_buf_put_uint(out, (uint32_t) t->vpid, 4);
	case LTTNG_EVENT_CONTEXT_TID:
		return ctf_buf_put_uint(out, (uint32_t) t->tid, 4);
	case LTTNG_EVENT_CONTEXT_VTID:
		return ctf_buf_put_uint(out, (uint32_t) t->vtid, 4);
	case LTTNG_EVENT_CONTEXT_PPID:
		return ctf_buf_put_uint(out, (uint32_t) t->ppid, 4);
	case LTTNG_EVENT_CONTEXT_VPPID:
		return ctf_buf_put_uint(out, (uint32_t) t->vppid, 4);
	case LTTNG_EVENT_CONTEXT_PRIO:
		return ctf_buf_put_uint(out, (uint32_t) t->prio, 4);
	case LTTNG_EVENT_CONTEXT_NICE:
		return ctf_buf_put_uint(out, (uint32_t) t->nice, 4);
	case LTTNG_EVENT_CONTEXT_PROCNAME:
		if (t->tid == 0) {
			/* TID 0 is each CPU's idle task, named after its CPU. */
			char idle[16];

			snprintf(idle, sizeof(idle), "swapper/%u", cpu);
			return put_text(out, idle, 16);
		}
		return put_text(out, t->comm, 16);
	case LTTNG_EVENT_CONTEXT_HOSTNAME:
		return put_text(out, set->hostname, 64);
	case LTTNG_EVENT_CONTEXT_PREEMPTIBLE:
		/* Preemption depth in the low nibble of common_preempt_count. */
		return ctf_buf_put_uint(out, (preempt & 0x0f) == 0, 1);
	case LTTNG_EVENT_CONTEXT_NEED_RESCHEDULE:
		return ctf_buf_put_uint(out, (flags & TRACE_FLAG_NEED_RESCHED) != 0, 1);
	case LTTNG_EVENT_CONTEXT_INTERRUPTIBLE:
		return ctf_buf_put_uint(out, (flags & TRACE_FLAG_IRQS_OFF) == 0, 1);
	case LTTNG_EVENT_CONTEXT_MIGRATABLE:
		/* migrate_disable() depth in the high nibble. */
		return ctf_buf_put_uint(out, (preempt >> 4) == 0, 1);
	}
	return -EINVAL;
}

int kcontext_encode(const struct kcontext_set *set, struct kconv *cv, const uint8_t *rec,
		    uint32_t len, struct ctf_buf *out)
{
	const size_t start = out->len;
	struct ktask self;
	const struct ktask *t;
	uint8_t flags = 0, preempt = 0;
	size_t align = 1;

	if (!set->count)
		return 0;
	if (rec && len >= 8) {
		t = ktask_get(cv->tasks, (int32_t) krec_uint(rec, len, 4, 4, true));
		flags = rec[2];
		preempt = rec[3];
	} else {
		self = *ktask_get(cv->tasks, (int32_t) gettid());
		t = &self;
	}
	for (unsigned i = 0; i < set->count; i++) {
		size_t a = kfield_align(&desc_of(set->ctx[i])->type);

		align = a > align ? a : align;
	}
	if (ctf_buf_align(out, align))
		return -ENOSPC;
	for (unsigned i = 0; i < set->count; i++) {
		if (encode_one(set, desc_of(set->ctx[i]), t, flags, preempt, cv->cpu, out)) {
			out->len = start;
			return -ENOSPC;
		}
	}
	return 0;
}
