/* SPDX-License-Identifier: GPL-2.0-only */
/* Context fields of kernel channels; see kcontext.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <lttng/event.h>

#include "kcontext.h"
#include "kernel-names.h"

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

void kcontext_fill_hostname(struct kcontext_set *set)
{
	struct utsname u;

	if (!set->hostname[0] && uname(&u) == 0)
		snprintf(set->hostname, sizeof(set->hostname), "%.63s", u.nodename);
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
	if (ctx == LTTNG_EVENT_CONTEXT_HOSTNAME)
		kcontext_fill_hostname(set);
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

/* The value of an integer context for task t (common_flags and preempt count of
 * the record). false for the text ones. */
static bool int_of(int32_t ctx, const struct ktask *t, uint8_t flags, uint8_t preempt,
		   uint32_t cpu, int64_t *v)
{
	switch (ctx) {
	case LTTNG_EVENT_CONTEXT_PID:
		*v = t->tgid;
		return true;
	case LTTNG_EVENT_CONTEXT_VPID:
		*v = t->vpid;
		return true;
	case LTTNG_EVENT_CONTEXT_TID:
		*v = t->tid;
		return true;
	case LTTNG_EVENT_CONTEXT_VTID:
		*v = t->vtid;
		return true;
	case LTTNG_EVENT_CONTEXT_PPID:
		*v = t->ppid;
		return true;
	case LTTNG_EVENT_CONTEXT_VPPID:
		*v = t->vppid;
		return true;
	case LTTNG_EVENT_CONTEXT_PRIO:
		*v = t->prio;
		return true;
	case LTTNG_EVENT_CONTEXT_NICE:
		*v = t->nice;
		return true;
	case LTTNG_EVENT_CONTEXT_PREEMPTIBLE:
		/* Preemption depth in the low nibble of common_preempt_count. */
		*v = (preempt & 0x0f) == 0;
		return true;
	case LTTNG_EVENT_CONTEXT_NEED_RESCHEDULE:
		*v = (flags & TRACE_FLAG_NEED_RESCHED) != 0;
		return true;
	case LTTNG_EVENT_CONTEXT_INTERRUPTIBLE:
		*v = (flags & TRACE_FLAG_IRQS_OFF) == 0;
		return true;
	case LTTNG_EVENT_CONTEXT_MIGRATABLE:
		/* migrate_disable() depth in the high nibble. */
		*v = (preempt >> 4) == 0;
		return true;
	case KERNEL_CONTEXT_CPU_ID:
		*v = cpu;
		return true;
	default:
		return false;
	}
}

/* The text of procname or hostname (idle: room for the idle task's name). */
static const char *text_of(int32_t ctx, const char *hostname, const struct ktask *t, uint32_t cpu,
			   char idle[16])
{
	if (ctx == LTTNG_EVENT_CONTEXT_HOSTNAME)
		return hostname;
	if (t->tid == 0) {
		/* TID 0 is each CPU's idle task, named after its CPU. */
		snprintf(idle, 16, "swapper/%u", cpu);
		return idle;
	}
	return t->comm;
}

static int encode_one(const struct kcontext_set *set, const struct kctx_desc *d,
		      const struct ktask *t, uint8_t flags, uint8_t preempt, uint32_t cpu,
		      struct ctf_buf *out)
{
	char idle[16];
	int64_t v;

	if (d->type.kind == KFIELD_INT)
		return int_of(d->ctx, t, flags, preempt, cpu, &v)
			       ? ctf_buf_put_uint(out, (uint64_t) v, d->type.bits / 8)
			       : -EINVAL;
	return put_text(out, text_of(d->ctx, set->hostname, t, cpu, idle), d->type.length);
}

/* The task of a record (rec NULL: this thread, for our statedump's records), and
 * the record's flags and preempt count. */
static const struct ktask *task_of(struct kconv *cv, const uint8_t *rec, uint32_t len,
				   struct ktask *self, uint8_t *flags, uint8_t *preempt)
{
	*flags = *preempt = 0;
	if (rec && len >= 8) {
		*flags = rec[2];
		*preempt = rec[3];
		return ktask_get(cv->tasks, (int32_t) krec_uint(rec, len, 4, 4, true));
	}
	*self = *ktask_get(cv->tasks, (int32_t) gettid());
	return self;
}

bool kcontext_by_name(const char *name, int32_t *ctx)
{
	int type;

	if (!kernel_context_by_name(name, &type) ||
	    (type != KERNEL_CONTEXT_CPU_ID && !desc_of(type)))
		return false;
	*ctx = type;
	return true;
}

bool kcontext_load(int32_t ctx, const char *hostname, struct kconv *cv, const uint8_t *rec,
		   uint32_t len, char text[16], struct filter_value *out)
{
	struct ktask self;
	uint8_t flags, preempt;
	const struct ktask *t = task_of(cv, rec, len, &self, &flags, &preempt);
	int64_t v;

	if (int_of(ctx, t, flags, preempt, cv->cpu, &v)) {
		out->type = FILTER_VALUE_INT;
		out->i = v;
		return true;
	}
	if (ctx != LTTNG_EVENT_CONTEXT_PROCNAME && ctx != LTTNG_EVENT_CONTEXT_HOSTNAME)
		return false;
	out->s = text_of(ctx, hostname, t, cv->cpu, text);
	if (out->s != text && ctx == LTTNG_EVENT_CONTEXT_PROCNAME) {
		/* The task table's name may go away with the task: keep a copy. */
		memcpy(text, out->s, 16);
		text[15] = '\0';
		out->s = text;
	}
	out->type = FILTER_VALUE_STRING;
	out->len = strnlen(out->s, ctx == LTTNG_EVENT_CONTEXT_HOSTNAME ? 64 : 16);
	out->literal = false;
	return true;
}

int kcontext_encode(const struct kcontext_set *set, struct kconv *cv, const uint8_t *rec,
		    uint32_t len, struct ctf_buf *out)
{
	const size_t start = out->len;
	struct ktask self;
	uint8_t flags, preempt;
	const struct ktask *t;
	size_t align = 1;

	if (!set->count)
		return 0;
	t = task_of(cv, rec, len, &self, &flags, &preempt);
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
