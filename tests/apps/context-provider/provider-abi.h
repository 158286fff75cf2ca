/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application context providers of liblttng-ust 2.13.5, declared here because
 * Debian's liblttng-ust-dev installs no header for them although
 * liblttng-ust.so.1 exports the two entry points.
 *
 * An application registers a provider named "$app.<provider>"; every context
 * "$app.<provider>:<name>" that a session adds to a channel (lttng add-context
 * -u -t '$app.<provider>:<name>') or that a filter reads then calls the
 * provider's callbacks for each event. The types below are our own names for
 * the structures liblttng-ust reads: only their layout matters (see the
 * asserts at the end and doc/protocol/apps.md for where each fact comes from).
 *
 * The ring-buffer types the callbacks receive (struct lttng_ust_probe_ctx,
 * struct lttng_ust_ring_buffer_ctx, struct lttng_ust_channel_buffer and its
 * ops->event_write) are public and come from <lttng/ust-events.h> and
 * <lttng/ust-ringbuffer-context.h>.
 */
#ifndef TESTS_APPS_CONTEXT_PROVIDER_ABI_H
#define TESTS_APPS_CONTEXT_PROVIDER_ABI_H

#include <stddef.h>
#include <stdint.h>

#include <lttng/ust-events.h>
#include <lttng/ust-ringbuffer-context.h>

/*
 * What a context value is this time. The recorded field is a one-byte tag
 * holding this number (a signed char enumeration, "dynamic_type_enum" in the
 * metadata) followed by the value in the matching encoding: nothing for
 * APP_CTX_NONE, an integer of that width, a float, a double, or a
 * NUL-terminated string.
 */
enum app_ctx_type {
	APP_CTX_NONE = 0,
	APP_CTX_S8 = 1,
	APP_CTX_S16 = 2,
	APP_CTX_S32 = 3,
	APP_CTX_S64 = 4,
	APP_CTX_U8 = 5,
	APP_CTX_U16 = 6,
	APP_CTX_U32 = 7,
	APP_CTX_U64 = 8,
	APP_CTX_FLOAT = 9,
	APP_CTX_DOUBLE = 10,
	APP_CTX_STRING = 11,
	APP_CTX_TYPE_COUNT /* 12 */
};

/*
 * Filled by get_value() when a filter reads the context. The filter
 * interpreter reads u.s64 for S8..S64, u.u64 for U8..U64, u.d for FLOAT and
 * DOUBLE, u.str for STRING; NONE makes the filter fail for that event (the
 * event is not recorded).
 */
struct app_ctx_value {
	enum app_ctx_type sel;
	union {
		int64_t s64;
		uint64_t u64;
		const char *str;
		double d;
	} u;
};

/*
 * The registration: liblttng-ust keeps the pointer (the structure and its name
 * must outlive the registration). It never reads `priv`: each callback gets,
 * as its first argument, the per-context record below, which names the
 * context.
 */
struct app_ctx_provider {
	uint32_t struct_size; /* sizeof(struct app_ctx_provider) */
	const char *name;     /* "$app.<provider>", no ':' */
	/* Bytes the context takes when it starts `offset` bytes into the
	 * event's context area: the tag, alignment padding, the value. */
	size_t (*get_size)(void *field, struct lttng_ust_probe_ctx *probe_ctx, size_t offset);
	/* Writes exactly what get_size() counted, with chan->ops->event_write(). */
	void (*record)(void *field, struct lttng_ust_probe_ctx *probe_ctx,
		       struct lttng_ust_ring_buffer_ctx *ctx, struct lttng_ust_channel_buffer *chan);
	void (*get_value)(void *field, struct lttng_ust_probe_ctx *probe_ctx,
			  struct app_ctx_value *value);
	void *priv;
};

/* The first argument of the callbacks: one per context added to a channel. */
struct app_ctx_field {
	uint32_t struct_size;
	struct lttng_ust_event_field *event_field;
	char *ctx_name; /* the whole name, "$app.<provider>:<name>" */
};

/* Opaque handle returned by the registration. */
struct app_ctx_registration;

/*
 * NULL when the name does not start with "$app.", contains ':', or a provider
 * of that name is registered already. Contexts of the provider added before
 * the registration switch to its callbacks; until then (and after
 * unregistration) they record APP_CTX_NONE.
 */
struct app_ctx_registration *lttng_ust_context_provider_register(struct app_ctx_provider *provider);
/* Frees the handle; the contexts record APP_CTX_NONE from then on. */
void lttng_ust_context_provider_unregister(struct app_ctx_registration *registration);

/* ---- layout checks: base ABI of 2.13 ---------------------------------------------- */

_Static_assert(sizeof(enum app_ctx_type) == 4, "the selector is an int-sized enum");
_Static_assert(offsetof(struct app_ctx_value, u) == (_Alignof(int64_t) > 4 ? 8 : 4),
	       "the value union follows the selector at 64-bit alignment");
_Static_assert(sizeof(struct app_ctx_value) == offsetof(struct app_ctx_value, u) + 8,
	       "value: selector and an 8-byte union");
_Static_assert(offsetof(struct app_ctx_provider, name) == sizeof(void *),
	       "provider: name follows struct_size, pointer aligned");
_Static_assert(offsetof(struct app_ctx_provider, get_size) == 2 * sizeof(void *), "get_size");
_Static_assert(offsetof(struct app_ctx_provider, record) == 3 * sizeof(void *), "record");
_Static_assert(offsetof(struct app_ctx_provider, get_value) == 4 * sizeof(void *), "get_value");
_Static_assert(offsetof(struct app_ctx_provider, priv) == 5 * sizeof(void *), "priv");
_Static_assert(sizeof(struct app_ctx_provider) == 6 * sizeof(void *), "provider size");
_Static_assert(offsetof(struct app_ctx_field, event_field) == sizeof(void *), "event_field");
_Static_assert(offsetof(struct app_ctx_field, ctx_name) == 2 * sizeof(void *), "ctx_name");
_Static_assert(sizeof(struct app_ctx_field) == 3 * sizeof(void *), "per-context record size");
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct app_ctx_value) == 16, "x86_64: value is 16 bytes");
_Static_assert(sizeof(struct app_ctx_provider) == 48, "x86_64: provider is 48 bytes");
#elif defined(__i386__)
_Static_assert(sizeof(struct app_ctx_value) == 12, "i386: value is 12 bytes");
_Static_assert(sizeof(struct app_ctx_provider) == 24, "i386: provider is 24 bytes");
#endif

#endif /* TESTS_APPS_CONTEXT_PROVIDER_ABI_H */
