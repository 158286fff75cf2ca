/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CTF 1.8 TSDL text for user-space (lttng-ust) traces: the text the session daemon
 * feeds to the metadata channel of a registry (one per UID+bitness, or one per
 * application), equivalent to LTTng 2.13's so babeltrace2 decodes our traces alike.
 *
 * Pure text generation: no I/O except the two measuring helpers at the end, no
 * logging. Every appending function either succeeds (0) or returns a negative errno
 * and leaves the buffer exactly as it found it (size restored), so the caller never
 * has to truncate. Facts and their sources: doc/protocol/metadata.md.
 */
#ifndef SESSIOND_UST_METADATA_H
#define SESSIOND_UST_METADATA_H

#include <lttng/ust-ctl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"

/* Everything the header needs about the registry, its session and (per-PID) its app. */
struct ust_metadata_session {
	bool per_pid;                 /* tracer_buffering_scheme "pid" vs "uid" */
	uint8_t uuid[16];             /* trace uuid (also in every packet header) */
	uint32_t bits_per_long;
	uint32_t long_alignment, uint8_alignment, uint16_alignment, uint32_alignment,
		uint64_alignment;     /* bits, from the app's registration */
	bool big_endian;
	uint32_t tracer_major, tracer_minor, tracer_patchlevel; /* app's lttng-ust version */
	uint32_t uid;                 /* tracer_buffering_id for per-uid */
	int32_t pid;                  /* per-pid: tracer_buffering_id and vpid */
	const char *procname;         /* per-pid; NULL prints as "" */
	time_t app_registration_time; /* per-pid vpid_datetime */
	const char *session_name;     /* trace_name, unless session_auto_named */
	bool session_auto_named;      /* trace_name is then literally "auto" */
	time_t session_creation_time; /* trace_creation_datetime (local time) */
	const char *hostname;         /* NULL prints as "" */
	int64_t clock_offset_ns;      /* realtime - the trace clock, in its ticks */
	const char *clock_uuid;       /* boot id string, NULL = omit the uuid line */
	/* The trace clock (lttng-ust's, or a clock plugin's: ust-clock.h); NULL/0:
	 * the monotonic clock's. */
	const char *clock_name, *clock_description;
	uint64_t clock_freq;
};

/* The metadata channel's id: nothing is written for it (no stream, no events). */
#define UST_METADATA_CHAN_ID_NONE UINT32_MAX

/* Appends the header (CTF comment, typealiases, trace, env, clock, clock-mapped types,
 * packet_context, event headers). 0, -EINVAL (bad argument or date) or -ENOMEM. */
int ust_metadata_session_header(struct buffer *out, const struct ust_metadata_session *s);

/*
 * Appends a stream block; header_type is LTTNG_UST_CTL_CHANNEL_HEADER_COMPACT/LARGE.
 * ctx_fields are the context fields exactly as the app reported them in its CHANNEL
 * registration: legacy arrays, structs and variants are accepted (app contexts arrive
 * as a legacy variant) and described as their nestable forms; a legacy sequence, or a
 * legacy array of non-integers, is refused with -EINVAL, as LTTng does. The
 * "event.context" struct appears only when nr_ctx_fields > 0. Without a registry, the
 * only enumeration it can describe is lttng-ust's own "dynamic_type_enum" (the tag of
 * every app context), from a built-in copy of its entries; any other one gives -ENOENT
 * (use ust_metadata_stream_with_enums()). Nothing is appended for
 * UST_METADATA_CHAN_ID_NONE. Other errors as ust_metadata_event().
 */
int ust_metadata_stream(struct buffer *out, const struct ust_metadata_session *s, uint32_t chan_id,
			int header_type, const struct lttng_ust_ctl_field *ctx_fields,
			size_t nr_ctx_fields);

/* Looks up a registered enum's entries by name and id (registry owned by the caller);
 * NULL when unknown. */
typedef const struct lttng_ust_ctl_enum_entry *(*ust_enum_lookup_fn)(void *opaque, const char *name,
								   uint64_t id, size_t *nr_entries);

/* ust_metadata_stream() resolving every enumeration through lookup only, as LTTng does
 * (the app registers "dynamic_type_enum" before a channel with app contexts). */
int ust_metadata_stream_with_enums(struct buffer *out, const struct ust_metadata_session *s,
				   uint32_t chan_id, int header_type,
				   const struct lttng_ust_ctl_field *ctx_fields, size_t nr_ctx_fields,
				   ust_enum_lookup_fn lookup, void *opaque);

/*
 * Appends an event block. Returns -EINVAL for fields it cannot describe (as the real
 * daemon rejects them: unknown type, non-integer array/sequence element or enum
 * container, struct with fields, name without its NUL), -EOVERFLOW when a compound
 * field announces more trailing fields than there are, -ENOENT when an enumeration is
 * not found through lookup (lookup may be NULL when there are no enumerations).
 * model_emf_uri may be NULL. Nothing is appended for UST_METADATA_CHAN_ID_NONE.
 */
int ust_metadata_event(struct buffer *out, const struct ust_metadata_session *s, uint32_t chan_id,
		       uint32_t event_id, const char *name, int loglevel, const char *model_emf_uri,
		       const struct lttng_ust_ctl_field *fields, size_t nr_fields,
		       ust_enum_lookup_fn lookup, void *opaque);

/* Measures realtime - monotonic in ns the way the real daemon does (best of several
 * samples: the one whose monotonic reads were closest). 0 if the realtime clock fails. */
int64_t ust_metadata_measure_clock_offset(void);
/* The same for a clock read by read64 ticking freq times a second (a clock plugin's;
 * NULL and 0: the monotonic clock). */
int64_t ust_metadata_measure_offset_of(uint64_t (*read64)(void), uint64_t freq);

/* Reads /proc/sys/kernel/random/boot_id into buf (no newline); 0 or -errno
 * (-ERANGE if size < 37, -EINVAL if the file is shorter than a uuid). */
int ust_metadata_read_boot_id(char *buf, size_t size);
/* Same, from another file (tests). */
int ust_metadata_read_boot_id_from(const char *path, char *buf, size_t size);

#endif
