/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "$app.sample": an application context provider whose values depend only on
 * the emitting thread's worker index, iteration and event index within the
 * iteration (never on timing), so a trace of it reads the same from run to run.
 *
 * Contexts ("$app.sample:<name>"), with k = 10 * thread + iteration and e the
 * event index (the order of the events in README.md, from 0; the main thread's
 * app_start is e = 0, app_end e = 1):
 *
 *   s64     int64  INT64_MIN + 100 k + e           main thread: none
 *   u64     uint64 UINT64_MAX - 100 k - e          main thread: e
 *   double  double -0.5 - k - e / 8                main thread: e / 8
 *   string  "thread T iter I event E"              main thread: "main event E"
 *   dyn     a different type for each e % 12: none, int8, int16, int32, int64,
 *           uint8, uint16, uint32, uint64, float, double, string (values in
 *           dyn_value()); main thread: none, then the string "main"
 *   any other name: none
 *
 * The layout of the records is in ../context-provider/provider-abi.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <lttng/ust-tracer.h>

#include "provider-abi.h"
#include "sample-context.h"

#define PROVIDER_NAME "$app.sample"
#define TEXT_MAX 64

struct position {
	int thread; /* -1: the main thread */
	int iter;
	unsigned int next; /* index of the next event */
	unsigned int event;
};

static __thread struct position position = { .thread = -1 };

/* One value, as recorded. The strings live in per-thread buffers, one per
 * context kind, so that a filter reading two of them sees both. */
struct sample_value {
	enum app_ctx_type type;
	union {
		int8_t s8;
		int16_t s16;
		int32_t s32;
		int64_t s64;
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		float f;
		double d;
		const char *str;
	} v;
};

enum kind { KIND_S64, KIND_U64, KIND_DOUBLE, KIND_STRING, KIND_DYN, KIND_OTHER };

static __thread char string_text[TEXT_MAX];
static __thread char dyn_text[TEXT_MAX];

static struct app_ctx_registration *registration;

void sample_context_begin(int thread, int iter)
{
	position.thread = thread;
	position.iter = iter;
	position.next = 0;
	position.event = 0;
}

void sample_context_step(void)
{
	position.event = position.next++;
}

static enum kind kind_of(const void *field)
{
	static const char *const names[] = {
		[KIND_S64] = "s64",
		[KIND_U64] = "u64",
		[KIND_DOUBLE] = "double",
		[KIND_STRING] = "string",
		[KIND_DYN] = "dyn",
	};
	const struct app_ctx_field *f = field;
	const char *name = f->ctx_name;
	size_t prefix = strlen(PROVIDER_NAME ":");

	if (!name || strncmp(name, PROVIDER_NAME ":", prefix) != 0)
		return KIND_OTHER;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name + prefix, names[i]) == 0)
			return (enum kind) i;
	}
	return KIND_OTHER;
}

/* "dyn": the type cycles with the event index. */
static void dyn_value(const struct position *p, struct sample_value *out)
{
	const int64_t k = 10 * (int64_t) p->thread + p->iter;

	out->type = (enum app_ctx_type) (p->event % APP_CTX_TYPE_COUNT);
	switch (out->type) {
	case APP_CTX_NONE:
		break;
	case APP_CTX_S8:
		out->v.s8 = (int8_t) (-100 - k % 28);
		break;
	case APP_CTX_S16:
		out->v.s16 = (int16_t) (-30000 - k);
		break;
	case APP_CTX_S32:
		out->v.s32 = (int32_t) (INT32_MIN + k);
		break;
	case APP_CTX_S64:
		out->v.s64 = INT64_MAX - k;
		break;
	case APP_CTX_U8:
		out->v.u8 = (uint8_t) (255 - k % 56);
		break;
	case APP_CTX_U16:
		out->v.u16 = (uint16_t) (65535 - k);
		break;
	case APP_CTX_U32:
		out->v.u32 = UINT32_MAX - (uint32_t) k;
		break;
	case APP_CTX_U64:
		out->v.u64 = (UINT64_C(1) << 63) + (uint64_t) k;
		break;
	case APP_CTX_FLOAT:
		out->v.f = 0.25f + (float) k;
		break;
	case APP_CTX_DOUBLE:
		out->v.d = -1.5 - (double) k;
		break;
	default:
		snprintf(dyn_text, sizeof(dyn_text), "dyn %" PRId64, k);
		out->type = APP_CTX_STRING;
		out->v.str = dyn_text;
		break;
	}
}

static void value_of(const void *field, struct sample_value *out)
{
	const struct position *p = &position;
	const bool main_thread = p->thread < 0;
	const int64_t k = 10 * (int64_t) p->thread + p->iter;
	const unsigned int e = p->event;

	memset(out, 0, sizeof(*out));
	switch (kind_of(field)) {
	case KIND_S64:
		if (!main_thread) {
			out->type = APP_CTX_S64;
			out->v.s64 = INT64_MIN + 100 * k + e;
		}
		break;
	case KIND_U64:
		out->type = APP_CTX_U64;
		out->v.u64 = main_thread ? e : UINT64_MAX - 100 * (uint64_t) k - e;
		break;
	case KIND_DOUBLE:
		out->type = APP_CTX_DOUBLE;
		out->v.d = main_thread ? e / 8.0 : -0.5 - (double) k - e / 8.0;
		break;
	case KIND_STRING:
		if (main_thread)
			snprintf(string_text, sizeof(string_text), "main event %u", e);
		else
			snprintf(string_text, sizeof(string_text), "thread %d iter %d event %u",
				 p->thread, p->iter, e);
		out->type = APP_CTX_STRING;
		out->v.str = string_text;
		break;
	case KIND_DYN:
		if (!main_thread) {
			dyn_value(p, out);
		} else if (e > 0) {
			out->type = APP_CTX_STRING;
			out->v.str = "main";
		}
		break;
	case KIND_OTHER:
		break;
	}
}

/* Size and alignment of the value that follows the tag. */
static size_t value_size(const struct sample_value *sv, size_t *align)
{
	switch (sv->type) {
	case APP_CTX_S8:
	case APP_CTX_U8:
		*align = lttng_ust_rb_alignof(int8_t);
		return 1;
	case APP_CTX_S16:
	case APP_CTX_U16:
		*align = lttng_ust_rb_alignof(int16_t);
		return 2;
	case APP_CTX_S32:
	case APP_CTX_U32:
		*align = lttng_ust_rb_alignof(int32_t);
		return 4;
	case APP_CTX_FLOAT:
		*align = lttng_ust_rb_alignof(float);
		return sizeof(float);
	case APP_CTX_S64:
	case APP_CTX_U64:
		*align = lttng_ust_rb_alignof(int64_t);
		return 8;
	case APP_CTX_DOUBLE:
		*align = lttng_ust_rb_alignof(double);
		return sizeof(double);
	case APP_CTX_STRING:
		*align = 1;
		return strlen(sv->v.str) + 1;
	default:
		*align = 1;
		return 0;
	}
}

static size_t sample_get_size(void *field, struct lttng_ust_probe_ctx *probe_ctx, size_t offset)
{
	struct sample_value sv;
	size_t align, len, end = offset;

	(void) probe_ctx;
	value_of(field, &sv);
	end += lttng_ust_ring_buffer_align(end, lttng_ust_rb_alignof(char));
	end += 1; /* the tag */
	len = value_size(&sv, &align);
	if (len) {
		end += lttng_ust_ring_buffer_align(end, align);
		end += len;
	}
	return end - offset;
}

static void sample_record(void *field, struct lttng_ust_probe_ctx *probe_ctx,
			  struct lttng_ust_ring_buffer_ctx *ctx, struct lttng_ust_channel_buffer *chan)
{
	struct sample_value sv;
	size_t align, len;
	char tag;

	(void) probe_ctx;
	value_of(field, &sv);
	tag = (char) sv.type;
	chan->ops->event_write(ctx, &tag, 1, lttng_ust_rb_alignof(char));
	len = value_size(&sv, &align);
	if (len)
		chan->ops->event_write(ctx, sv.type == APP_CTX_STRING ? (const void *) sv.v.str
								      : (const void *) &sv.v,
				       len, align);
}

static void sample_get_value(void *field, struct lttng_ust_probe_ctx *probe_ctx,
			     struct app_ctx_value *value)
{
	struct sample_value sv;

	(void) probe_ctx;
	value_of(field, &sv);
	value->sel = sv.type;
	switch (sv.type) {
	case APP_CTX_S8:
		value->u.s64 = sv.v.s8;
		break;
	case APP_CTX_S16:
		value->u.s64 = sv.v.s16;
		break;
	case APP_CTX_S32:
		value->u.s64 = sv.v.s32;
		break;
	case APP_CTX_S64:
		value->u.s64 = sv.v.s64;
		break;
	case APP_CTX_U8:
		value->u.u64 = sv.v.u8;
		break;
	case APP_CTX_U16:
		value->u.u64 = sv.v.u16;
		break;
	case APP_CTX_U32:
		value->u.u64 = sv.v.u32;
		break;
	case APP_CTX_U64:
		value->u.u64 = sv.v.u64;
		break;
	case APP_CTX_FLOAT:
		value->u.d = sv.v.f;
		break;
	case APP_CTX_DOUBLE:
		value->u.d = sv.v.d;
		break;
	case APP_CTX_STRING:
		value->u.str = sv.v.str;
		break;
	default:
		value->sel = APP_CTX_NONE;
		break;
	}
}

static struct app_ctx_provider provider = {
	.struct_size = sizeof(struct app_ctx_provider),
	.name = PROVIDER_NAME,
	.get_size = sample_get_size,
	.record = sample_record,
	.get_value = sample_get_value,
};

int sample_context_register(void)
{
	registration = lttng_ust_context_provider_register(&provider);
	if (!registration) {
		fprintf(stderr, "lttng-sample-app: cannot register context provider %s\n",
			PROVIDER_NAME);
		return -1;
	}
	return 0;
}

void sample_context_unregister(void)
{
	if (registration)
		lttng_ust_context_provider_unregister(registration);
	registration = NULL;
}
