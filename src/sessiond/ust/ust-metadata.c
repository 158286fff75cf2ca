/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CTF 1.8 TSDL generator for lttng-ust traces (see ust-metadata.h).
 *
 * The text matches what LTTng 2.13 writes token for token, including its tabs and
 * blank lines, so that a diff against a real trace's metadata shows only the values
 * that differ (uuid, times, offset). The deliberate differences, each in a case where
 * LTTng's own text would not parse, are listed in doc/protocol/metadata.md.
 *
 * Fields arrive as a flat array: compound kinds (enum, array, sequence, variant) are
 * followed by the fields they are made of, so describing one field may consume
 * several array entries. struct field_walk keeps the position.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsdl-preamble.h"
#include "tsdl-stream.h"
#include "tsdl-text.h"
#include "ust/ust-metadata.h"

#define NAME_MAX_LEN LTTNG_UST_ABI_SYM_NAME_LEN
#define UUID_TEXT_LEN 36          /* 8-4-4-4-12 hex digits */
#define DATETIME_LEN 32           /* "YYYYmmddTHHMMSS+hhmm" and some room */
#define CLOCK_OFFSET_SAMPLES 10
#define NS_PER_S 1000000000ULL
#define FIELD_DEPTH 2             /* fields sit two tabs deep in stream and event blocks */
#define MAX_FIELD_DEPTH 34        /* variants within variants; lttng-ust nests none */
#define DYNAMIC_TYPE_ENUM "dynamic_type_enum"

/* ---- text output ---------------------------------------------------------------- */

static int emit_tabs(struct buffer *out, unsigned depth)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
	int r = 0;

	while (depth > 0 && r == 0) {
		unsigned n = depth < sizeof(tabs) - 1 ? depth : (unsigned) sizeof(tabs) - 1;

		r = buffer_append(out, tabs, n);
		depth -= n;
	}
	return r;
}

/* ---- names ---------------------------------------------------------------------- */

/* Names from an application live in fixed arrays; one without its NUL is refused. */
static bool name_ok(const char *name)
{
	return memchr(name, '\0', NAME_MAX_LEN) != NULL;
}

/* Enumeration and variant names become identifiers: '.', '$' and ':' turn into '_'
 * (app contexts are named "$app.<provider>:<context>"). */
static void to_identifier(char out[NAME_MAX_LEN], const char *name)
{
	size_t i;

	for (i = 0; i < NAME_MAX_LEN - 1 && name[i]; i++)
		out[i] = strchr(".$:", name[i]) ? '_' : name[i];
	out[i] = '\0';
}

/* ---- type descriptions -------------------------------------------------------- */

static const char *encoding_name(int32_t encoding)
{
	if (encoding == lttng_ust_ctl_encode_none)
		return "none";
	return encoding == lttng_ust_ctl_encode_UTF8 ? "UTF8" : "ASCII";
}

/* A field in the other byte order than the trace says so explicitly. */
static const char *byte_order_clause(const struct ust_metadata_session *s, uint32_t reversed)
{
	if (!reversed)
		return "";
	return s->big_endian ? " byte_order = le;" : " byte_order = be;";
}

/* "integer { ... }" with no name after it. Enumeration containers never get a
 * byte_order clause (LTTng prints them so). */
static int emit_integer_type(struct buffer *out, const struct ust_metadata_session *s,
			     const struct lttng_ust_ctl_integer_type *t, bool with_byte_order)
{
	return tsdl_printf(out, "integer { size = %" PRIu32 "; align = %u; signed = %" PRIu32
				"; encoding = %s; base = %" PRIu32 ";%s }",
			   t->size, (unsigned) t->alignment, t->signedness,
			   encoding_name(t->encoding), t->base,
			   with_byte_order ? byte_order_clause(s, t->reverse_byte_order) : "");
}

struct field_walk {
	struct buffer *out;
	const struct ust_metadata_session *s;
	const struct lttng_ust_ctl_field *fields;
	size_t nr_fields;
	size_t next; /* index of the next field to describe */
	ust_enum_lookup_fn lookup;
	void *opaque;
};

static int describe_field(struct field_walk *w, unsigned depth);

/* The next array entry, consumed; NULL when the array is exhausted. */
static const struct lttng_ust_ctl_field *take_field(struct field_walk *w)
{
	if (w->next >= w->nr_fields)
		return NULL;
	return &w->fields[w->next++];
}

/* The integer element (or container) that follows a compound field. */
static int take_integer(struct field_walk *w, const struct lttng_ust_ctl_integer_type **t)
{
	const struct lttng_ust_ctl_field *f = take_field(w);

	if (!f)
		return -EOVERFLOW;
	if (f->type.atype != lttng_ust_ctl_atype_integer)
		return -EINVAL;
	*t = &f->type.u.integer;
	return 0;
}

/* "<indent><type> _<name><suffix>;\n" for a scalar-like line. */
static int emit_integer_line(struct field_walk *w, unsigned depth,
			     const struct lttng_ust_ctl_integer_type *t, const char *name,
			     const char *suffix)
{
	int r = emit_tabs(w->out, depth);

	if (r == 0)
		r = emit_integer_type(w->out, w->s, t, true);
	return r ? r : tsdl_printf(w->out, " _%s%s;\n", name, suffix);
}

/* Alignment of arrays, sequences and variants is in bytes; an empty aligned struct
 * before them carries it. */
static int emit_padding(struct field_walk *w, unsigned depth, uint32_t align_bytes,
			const char *name)
{
	int r;

	if (!align_bytes)
		return 0;
	r = emit_tabs(w->out, depth);
	return r ? r : tsdl_printf(w->out, "struct { } align(%" PRIu32 ") _%s_padding;\n",
				   align_bytes * 8, name);
}

static int describe_float(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			  unsigned depth)
{
	const struct lttng_ust_ctl_float_type *t = &f->type.u._float;
	int r = emit_tabs(w->out, depth);

	return r ? r : tsdl_printf(w->out,
				   "floating_point { exp_dig = %" PRIu32 "; mant_dig = %" PRIu32
				   "; align = %u;%s } _%s;\n",
				   t->exp_dig, t->mant_dig, (unsigned) t->alignment,
				   byte_order_clause(w->s, t->reverse_byte_order), f->name);
}

static int describe_string(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			   unsigned depth)
{
	bool ascii = f->type.u.string.encoding == lttng_ust_ctl_encode_ASCII;
	int r = emit_tabs(w->out, depth);

	return r ? r : tsdl_printf(w->out, "string%s _%s;\n",
				   ascii ? " { encoding = ASCII; }" : "", f->name);
}

static int describe_legacy_array(struct field_walk *w, const struct lttng_ust_ctl_field *f,
				 unsigned depth)
{
	const struct lttng_ust_ctl_basic_type *elem = &f->type.u.legacy.array.elem_type;
	char suffix[16];

	if (elem->atype != lttng_ust_ctl_atype_integer)
		return -EINVAL;
	snprintf(suffix, sizeof(suffix), "[%" PRIu32 "]", f->type.u.legacy.array.length);
	return emit_integer_line(w, depth, &elem->u.basic.integer, f->name, suffix);
}

static int describe_array(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			  unsigned depth)
{
	const struct lttng_ust_ctl_integer_type *elem;
	char suffix[16];
	int r = take_integer(w, &elem);

	if (r == 0)
		r = emit_padding(w, depth, f->type.u.array_nestable.alignment, f->name);
	if (r)
		return r;
	snprintf(suffix, sizeof(suffix), "[%" PRIu32 "]", f->type.u.array_nestable.length);
	return emit_integer_line(w, depth, elem, f->name, suffix);
}

/* The old form carries its own length type: it becomes a field "__<name>_length". */
static int describe_legacy_sequence(struct field_walk *w, const struct lttng_ust_ctl_field *f,
				    unsigned depth)
{
	const struct lttng_ust_ctl_basic_type *length = &f->type.u.legacy.sequence.length_type;
	const struct lttng_ust_ctl_basic_type *elem = &f->type.u.legacy.sequence.elem_type;
	char length_name[NAME_MAX_LEN + 16];
	char suffix[NAME_MAX_LEN + 16];
	int r;

	if (elem->atype != lttng_ust_ctl_atype_integer)
		return -EINVAL;
	snprintf(length_name, sizeof(length_name), "_%s_length", f->name);
	snprintf(suffix, sizeof(suffix), "[ __%s_length ]", f->name);
	r = emit_integer_line(w, depth, &length->u.basic.integer, length_name, "");
	return r ? r : emit_integer_line(w, depth, &elem->u.basic.integer, f->name, suffix);
}

/* The length is an earlier field, named by length_name; TSDL refers to it as _<name>. */
static int describe_sequence(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			     unsigned depth)
{
	const char *length_name = f->type.u.sequence_nestable.length_name;
	const struct lttng_ust_ctl_integer_type *elem;
	char suffix[NAME_MAX_LEN + 16];
	int r;

	if (!name_ok(length_name))
		return -EINVAL;
	r = take_integer(w, &elem);
	if (r == 0)
		r = emit_padding(w, depth, f->type.u.sequence_nestable.alignment, f->name);
	if (r)
		return r;
	snprintf(suffix, sizeof(suffix), "[ _%s ]", length_name);
	return emit_integer_line(w, depth, elem, f->name, suffix);
}

/* Only empty structures can be described (LTTng 2.13 supports no others). */
static int describe_struct(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			   uint32_t nr_fields, uint32_t align_bytes, unsigned depth)
{
	int r;

	if (nr_fields != 0)
		return -EINVAL;
	r = emit_tabs(w->out, depth);
	if (r)
		return r;
	if (align_bytes)
		return tsdl_printf(w->out, "struct {} align(%" PRIu32 ") _%s;\n",
				   align_bytes * 8, f->name);
	return tsdl_printf(w->out, "struct {} _%s;\n", f->name);
}

static int emit_enum_value(struct buffer *out, const struct lttng_ust_ctl_enum_value *v)
{
	if (v->signedness)
		return tsdl_printf(out, "%lld", (long long) v->value);
	return tsdl_printf(out, "%llu", (unsigned long long) v->value);
}

/* "label" = v,   "label" = a ... b,   or an automatic "label", */
static int emit_enum_entry(struct buffer *out, const struct lttng_ust_ctl_enum_entry *e,
			   unsigned depth)
{
	bool single = e->start.signedness == e->end.signedness && e->start.value == e->end.value;
	int r;

	if (!name_ok(e->string))
		return -EINVAL;
	r = emit_tabs(out, depth);
	if (r == 0)
		r = tsdl_puts(out, "\"");
	if (r == 0)
		r = tsdl_escaped(out, e->string);
	if (r == 0)
		r = tsdl_puts(out, "\"");
	if (r || (e->u.extra.options & LTTNG_UST_CTL_UST_ENUM_ENTRY_OPTION_IS_AUTO))
		return r ? r : tsdl_puts(out, ",\n");
	r = tsdl_puts(out, " = ");
	if (r == 0)
		r = emit_enum_value(out, &e->start);
	if (r == 0 && !single) {
		r = tsdl_puts(out, " ... ");
		if (r == 0)
			r = emit_enum_value(out, &e->end);
	}
	return r ? r : tsdl_puts(out, ",\n");
}

static int describe_enum(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			 const char *enum_name, uint64_t enum_id,
			 const struct lttng_ust_ctl_integer_type *container, unsigned depth)
{
	const struct lttng_ust_ctl_enum_entry *entries;
	char identifier[NAME_MAX_LEN];
	size_t nr_entries = 0;
	int r;

	if (!name_ok(enum_name))
		return -EINVAL;
	entries = w->lookup ? w->lookup(w->opaque, enum_name, enum_id, &nr_entries) : NULL;
	if (!entries)
		return -ENOENT;
	r = emit_tabs(w->out, depth);
	if (r == 0)
		r = tsdl_puts(w->out, "enum : ");
	if (r == 0)
		r = emit_integer_type(w->out, w->s, container, false);
	if (r == 0)
		r = tsdl_puts(w->out, " {\n");
	for (size_t i = 0; i < nr_entries && r == 0; i++)
		r = emit_enum_entry(w->out, &entries[i], depth + 1);
	if (r == 0)
		r = emit_tabs(w->out, depth);
	to_identifier(identifier, f->name);
	return r ? r : tsdl_printf(w->out, "} _%s;\n", identifier);
}

static int describe_enum_nestable(struct field_walk *w, const struct lttng_ust_ctl_field *f,
				  unsigned depth)
{
	const struct lttng_ust_ctl_integer_type *container;
	int r = take_integer(w, &container);

	return r ? r : describe_enum(w, f, f->type.u.enum_nestable.name,
				     f->type.u.enum_nestable.id, container, depth);
}

static int describe_legacy_enum(struct field_walk *w, const struct lttng_ust_ctl_field *f,
				unsigned depth)
{
	const union _lttng_ust_ctl_basic_type *basic = &f->type.u.legacy.basic;

	return describe_enum(w, f, basic->enumeration.name, basic->enumeration.id,
			     &basic->enumeration.container_type, depth);
}

/* The tag is an earlier enumeration field; the nr_choices fields that follow are the
 * choices, one tab deeper. */
static int describe_variant(struct field_walk *w, const struct lttng_ust_ctl_field *f,
			    uint32_t nr_choices, const char *tag_name, uint32_t align_bytes,
			    unsigned depth)
{
	char identifier[NAME_MAX_LEN];
	int r;

	if (!name_ok(tag_name))
		return -EINVAL;
	if (depth >= MAX_FIELD_DEPTH)
		return -EINVAL;
	to_identifier(identifier, f->name);
	r = emit_padding(w, depth, align_bytes, identifier);
	if (r == 0)
		r = emit_tabs(w->out, depth);
	to_identifier(identifier, tag_name);
	if (r == 0)
		r = tsdl_printf(w->out, "variant <_%s> {\n", identifier);
	for (uint32_t i = 0; i < nr_choices && r == 0; i++)
		r = describe_field(w, depth + 1);
	if (r == 0)
		r = emit_tabs(w->out, depth);
	to_identifier(identifier, f->name);
	return r ? r : tsdl_printf(w->out, "} _%s;\n", identifier);
}

/* Describes the field at w->next (and whatever entries belong to it) at the given
 * indentation, and moves w->next past them. */
static int describe_field(struct field_walk *w, unsigned depth)
{
	const struct lttng_ust_ctl_field *f = take_field(w);
	const struct lttng_ust_ctl_type *t;

	if (!f)
		return -EOVERFLOW;
	if (!name_ok(f->name))
		return -EINVAL;
	t = &f->type;
	switch (t->atype) {
	case lttng_ust_ctl_atype_integer:
		return emit_integer_line(w, depth, &t->u.integer, f->name, "");
	case lttng_ust_ctl_atype_float:
		return describe_float(w, f, depth);
	case lttng_ust_ctl_atype_string:
		return describe_string(w, f, depth);
	case lttng_ust_ctl_atype_enum:
		return describe_legacy_enum(w, f, depth);
	case lttng_ust_ctl_atype_enum_nestable:
		return describe_enum_nestable(w, f, depth);
	case lttng_ust_ctl_atype_array:
		return describe_legacy_array(w, f, depth);
	case lttng_ust_ctl_atype_array_nestable:
		return describe_array(w, f, depth);
	case lttng_ust_ctl_atype_sequence:
		return describe_legacy_sequence(w, f, depth);
	case lttng_ust_ctl_atype_sequence_nestable:
		return describe_sequence(w, f, depth);
	case lttng_ust_ctl_atype_struct:
		return describe_struct(w, f, t->u.legacy._struct.nr_fields, 0, depth);
	case lttng_ust_ctl_atype_struct_nestable:
		return describe_struct(w, f, t->u.struct_nestable.nr_fields,
				       t->u.struct_nestable.alignment, depth);
	case lttng_ust_ctl_atype_variant:
		return describe_variant(w, f, t->u.legacy.variant.nr_choices,
					t->u.legacy.variant.tag_name, 0, depth);
	case lttng_ust_ctl_atype_variant_nestable:
		return describe_variant(w, f, t->u.variant_nestable.nr_choices,
					t->u.variant_nestable.tag_name,
					t->u.variant_nestable.alignment, depth);
	default:
		return -EINVAL;
	}
}

static int describe_fields(struct field_walk *w)
{
	int r = 0;

	while (w->next < w->nr_fields && r == 0)
		r = describe_field(w, FIELD_DEPTH);
	return r;
}

/* ---- session header ----------------------------------------------------------- */

/* ISO 8601 basic format in local time, e.g. 20240131T235959+0100. */
static int format_datetime(time_t when, char out[DATETIME_LEN])
{
	struct tm tm;

	if (!localtime_r(&when, &tm))
		return -EINVAL;
	if (strftime(out, DATETIME_LEN, "%Y%m%dT%H%M%S%z", &tm) == 0)
		return -EINVAL;
	return 0;
}

/* Per-PID registries also name their application. */
static int emit_env_app(struct buffer *out, const struct ust_metadata_session *s)
{
	char registered[DATETIME_LEN];
	int r = format_datetime(s->app_registration_time, registered);

	if (r == 0)
		r = tsdl_printf(out, "\ttracer_patchlevel = %" PRIu32 ";\n\tvpid = %" PRId32 ";\n",
				s->tracer_patchlevel, s->pid);
	if (r == 0)
		r = tsdl_string_attr(out, "procname", s->procname);
	return r ? r : tsdl_string_attr(out, "vpid_datetime", registered);
}

static int emit_env(struct buffer *out, const struct ust_metadata_session *s)
{
	char created[DATETIME_LEN];
	int r = format_datetime(s->session_creation_time, created);

	if (r == 0)
		r = tsdl_printf(out,
				"env {\n"
				"\tdomain = \"ust\";\n"
				"\ttracer_name = \"lttng-ust\";\n"
				"\ttracer_major = %" PRIu32 ";\n"
				"\ttracer_minor = %" PRIu32 ";\n"
				"\ttracer_buffering_scheme = \"%s\";\n"
				"\ttracer_buffering_id = %" PRIu32 ";\n"
				"\tarchitecture_bit_width = %" PRIu32 ";\n",
				s->tracer_major, s->tracer_minor, s->per_pid ? "pid" : "uid",
				s->per_pid ? (uint32_t) s->pid : s->uid, s->bits_per_long);
	/* An automatic name embeds the creation time; LTTng writes "auto" instead. */
	if (r == 0)
		r = tsdl_string_attr(out, "trace_name",
				     s->session_auto_named ? "auto" : s->session_name);
	if (r == 0)
		r = tsdl_string_attr(out, "trace_creation_datetime", created);
	if (r == 0)
		r = tsdl_string_attr(out, "hostname", s->hostname);
	if (r == 0 && s->per_pid)
		r = emit_env_app(out, s);
	return r ? r : tsdl_puts(out, "};\n\n");
}

/* The application's ABI, as it reported it when registering. */
static struct tsdl_abi abi_of(const struct ust_metadata_session *s)
{
	return (struct tsdl_abi){
		.uint8_align = s->uint8_alignment,
		.uint16_align = s->uint16_alignment,
		.uint32_align = s->uint32_alignment,
		.uint64_align = s->uint64_alignment,
		.long_bits = s->bits_per_long,
		.long_align = s->long_alignment,
		.big_endian = s->big_endian,
	};
}

int ust_metadata_session_header(struct buffer *out, const struct ust_metadata_session *s)
{
	struct tsdl_abi abi;
	size_t mark;
	int r;

	if (!out || !s || (!s->session_auto_named && !s->session_name))
		return -EINVAL;
	abi = abi_of(s);
	mark = out->size;
	r = tsdl_puts(out, "/* CTF 1.8 */\n\n");
	if (r == 0)
		r = tsdl_preamble_trace(out, &abi, s->uuid);
	if (r == 0)
		r = emit_env(out, s);
	if (r == 0) {
		struct tsdl_clock clock = {
			.name = s->clock_name,
			.uuid = s->clock_uuid,
			.description = s->clock_description,
			.freq = s->clock_freq,
			.offset = s->clock_offset_ns,
		};

		r = tsdl_preamble_clock(out, &clock);
	}
	if (r == 0)
		r = tsdl_preamble_headers(out, &abi, s->clock_name);
	if (r)
		out->size = mark;
	return r;
}

/* ---- stream blocks ---------------------------------------------------------------- */

/* LTTng rewrites legacy context fields into their nestable forms before describing
 * them (array -> array_nestable + element, struct and variant -> nestable, alignment
 * 0), which describes them exactly as their legacy forms do; what it refuses to
 * rewrite is refused here. */
static int check_legacy_context(const struct lttng_ust_ctl_field *fields, size_t nr_fields)
{
	for (size_t i = 0; i < nr_fields; i++) {
		const struct lttng_ust_ctl_type *t = &fields[i].type;

		if (t->atype == lttng_ust_ctl_atype_sequence)
			return -EINVAL;
		if (t->atype == lttng_ust_ctl_atype_array &&
		    t->u.legacy.array.elem_type.atype != lttng_ust_ctl_atype_integer)
			return -EINVAL;
	}
	return 0;
}

/* tsdl_context_fn of a user-space channel: arg is its struct field_walk, which
 * writes to the same buffer. */
static int describe_context(struct buffer *out, void *arg)
{
	(void) out;
	return describe_fields(arg);
}

static int emit_stream(struct field_walk *w, uint32_t chan_id, int header_type)
{
	bool large = header_type == LTTNG_UST_CTL_CHANNEL_HEADER_LARGE;

	return tsdl_stream(w->out, chan_id, large, w->nr_fields ? describe_context : NULL, w);
}

int ust_metadata_stream_with_enums(struct buffer *out, const struct ust_metadata_session *s,
				   uint32_t chan_id, int header_type,
				   const struct lttng_ust_ctl_field *ctx_fields, size_t nr_ctx_fields,
				   ust_enum_lookup_fn lookup, void *opaque)
{
	struct field_walk w = {
		.out = out,
		.s = s,
		.fields = ctx_fields,
		.nr_fields = nr_ctx_fields,
		.lookup = lookup,
		.opaque = opaque,
	};
	size_t mark;
	int r;

	if (!out || !s || (nr_ctx_fields && !ctx_fields))
		return -EINVAL;
	if (chan_id == UST_METADATA_CHAN_ID_NONE)
		return 0;
	if (header_type != LTTNG_UST_CTL_CHANNEL_HEADER_COMPACT &&
	    header_type != LTTNG_UST_CTL_CHANNEL_HEADER_LARGE)
		return -EINVAL;
	r = check_legacy_context(ctx_fields, nr_ctx_fields);
	if (r)
		return r;
	mark = out->size;
	r = emit_stream(&w, chan_id, header_type);
	if (r)
		out->size = mark;
	return r;
}

#define DYNAMIC_TYPE_ENTRY(label, v)                                        \
	{                                                                   \
		.start = { .value = (v), .signedness = 1 },                 \
		.end = { .value = (v), .signedness = 1 }, .string = (label), \
	}

/* lttng-ust 2.13's "dynamic_type_enum": the tag of app contexts, one label per type
 * an app context value can take (U:src/common/dynamic-type.c). */
static const struct lttng_ust_ctl_enum_entry dynamic_type_entries[] = {
	DYNAMIC_TYPE_ENTRY("_none", 0),    DYNAMIC_TYPE_ENTRY("_int8", 1),
	DYNAMIC_TYPE_ENTRY("_int16", 2),   DYNAMIC_TYPE_ENTRY("_int32", 3),
	DYNAMIC_TYPE_ENTRY("_int64", 4),   DYNAMIC_TYPE_ENTRY("_uint8", 5),
	DYNAMIC_TYPE_ENTRY("_uint16", 6),  DYNAMIC_TYPE_ENTRY("_uint32", 7),
	DYNAMIC_TYPE_ENTRY("_uint64", 8),  DYNAMIC_TYPE_ENTRY("_float", 9),
	DYNAMIC_TYPE_ENTRY("_double", 10), DYNAMIC_TYPE_ENTRY("_string", 11),
};

static const struct lttng_ust_ctl_enum_entry *builtin_enum_lookup(void *opaque, const char *name,
								   uint64_t id, size_t *nr_entries)
{
	(void) opaque;
	(void) id;
	if (strcmp(name, DYNAMIC_TYPE_ENUM) != 0)
		return NULL;
	*nr_entries = sizeof(dynamic_type_entries) / sizeof(dynamic_type_entries[0]);
	return dynamic_type_entries;
}

int ust_metadata_stream(struct buffer *out, const struct ust_metadata_session *s, uint32_t chan_id,
			int header_type, const struct lttng_ust_ctl_field *ctx_fields,
			size_t nr_ctx_fields)
{
	return ust_metadata_stream_with_enums(out, s, chan_id, header_type, ctx_fields,
					      nr_ctx_fields, builtin_enum_lookup, NULL);
}

/* ---- event blocks ----------------------------------------------------------------- */

static int emit_event(struct field_walk *w, uint32_t chan_id, uint32_t event_id,
		      const char *name, int loglevel, const char *model_emf_uri)
{
	int r = tsdl_puts(w->out, "event {\n");

	if (r == 0)
		r = tsdl_string_attr(w->out, "name", name);
	if (r == 0)
		r = tsdl_printf(w->out, "\tid = %" PRIu32 ";\n\tstream_id = %" PRIu32 ";\n"
					"\tloglevel = %d;\n",
				event_id, chan_id, loglevel);
	if (r == 0 && model_emf_uri)
		r = tsdl_string_attr(w->out, "model.emf.uri", model_emf_uri);
	if (r == 0)
		r = tsdl_puts(w->out, "\tfields := struct {\n");
	if (r == 0)
		r = describe_fields(w);
	return r ? r : tsdl_puts(w->out, "\t};\n};\n\n");
}

int ust_metadata_event(struct buffer *out, const struct ust_metadata_session *s, uint32_t chan_id,
		       uint32_t event_id, const char *name, int loglevel, const char *model_emf_uri,
		       const struct lttng_ust_ctl_field *fields, size_t nr_fields,
		       ust_enum_lookup_fn lookup, void *opaque)
{
	struct field_walk w = {
		.out = out,
		.s = s,
		.fields = fields,
		.nr_fields = nr_fields,
		.lookup = lookup,
		.opaque = opaque,
	};
	size_t mark;
	int r;

	if (!out || !s || !name || (nr_fields && !fields))
		return -EINVAL;
	if (chan_id == UST_METADATA_CHAN_ID_NONE)
		return 0;
	mark = out->size;
	r = emit_event(&w, chan_id, event_id, name, loglevel, model_emf_uri);
	if (r)
		out->size = mark;
	return r;
}

/* ---- measurements ----------------------------------------------------------------- */

/* lttng-ust's monotonic trace clock: 0 if the clock cannot be read. */
static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t) ts.tv_sec * NS_PER_S + (uint64_t) ts.tv_nsec;
}

int64_t ust_metadata_measure_clock_offset(void)
{
	return ust_metadata_measure_offset_of(NULL, 0);
}

int64_t ust_metadata_measure_offset_of(uint64_t (*read64)(void), uint64_t freq)
{
	uint64_t best_interval = UINT64_MAX;
	int64_t best_offset = 0;

	/* The realtime read sits between two monotonic reads; the sample whose reads were
	 * closest (least disturbed) wins, its offset taken against their midpoint. */
	for (int i = 0; i < CLOCK_OFFSET_SAMPLES; i++) {
		struct timespec rt;
		uint64_t before, after, realtime;

		before = read64 ? read64() : monotonic_ns();
		if (clock_gettime(CLOCK_REALTIME, &rt) != 0)
			return 0;
		after = read64 ? read64() : monotonic_ns();
		if (after - before > best_interval)
			continue;
		/* The realtime in the clock's ticks, as LTTng computes it. */
		realtime = !freq || freq == NS_PER_S
				   ? (uint64_t) rt.tv_sec * NS_PER_S + (uint64_t) rt.tv_nsec
				   : (uint64_t) rt.tv_sec * freq + (uint64_t) rt.tv_nsec * freq / NS_PER_S;
		best_offset = (int64_t) (realtime - ((before + after) >> 1));
		best_interval = after - before;
	}
	return best_offset;
}

int ust_metadata_read_boot_id_from(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	int fd, err = 0;

	if (!buf || size < UUID_TEXT_LEN + 1)
		return -ERANGE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < UUID_TEXT_LEN && err == 0) {
		ssize_t n = read(fd, buf + got, UUID_TEXT_LEN - got);

		if (n > 0)
			got += (size_t) n;
		else if (n == 0)
			err = -EINVAL; /* shorter than a uuid */
		else if (errno != EINTR)
			err = -errno;
	}
	close(fd);
	buf[err ? 0 : UUID_TEXT_LEN] = '\0';
	return err;
}

int ust_metadata_read_boot_id(char *buf, size_t size)
{
	return ust_metadata_read_boot_id_from("/proc/sys/kernel/random/boot_id", buf, size);
}
