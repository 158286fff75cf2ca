/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the TSDL generator (src/sessiond/ust-metadata.c).
 *
 * The expected texts marked "real" are what Debian's lttng-sessiond 2.13.9 wrote for
 * the bundled sample application (tests/apps/sample) with the same inputs: session
 * "s" per-UID, an auto-named per-PID session, contexts vpid, procname, ip,
 * pthread_id, vtid and the app context $app.myprov:myctx. The field arrays below
 * are built by hand the way liblttng-ust 2.13 serializes those events and contexts.
 * The other expectations follow the same layout for inputs the sample app does not
 * produce (alignment padding, structs, legacy forms, big-endian, escaping, errors).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "ust/ust-metadata.h"

/* ---- fixtures ------------------------------------------------------------------- */

struct field_list {
	struct lttng_ust_ctl_field f[64];
	size_t n;
};

static struct lttng_ust_ctl_field *push(struct field_list *l, const char *name,
					enum lttng_ust_ctl_abstract_types atype)
{
	struct lttng_ust_ctl_field *f;

	if (l->n >= sizeof(l->f) / sizeof(l->f[0]))
		bail_out("field list full");
	f = &l->f[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->type.atype = atype;
	return f;
}

enum { NATIVE = 0, REVERSED = 1 };

static void set_int(struct lttng_ust_ctl_integer_type *t, unsigned size, unsigned is_signed,
		    unsigned base, unsigned reversed, int encoding)
{
	t->size = size;
	t->alignment = 8;
	t->signedness = is_signed;
	t->base = base;
	t->reverse_byte_order = reversed;
	t->encoding = encoding;
}

static void add_int_full(struct field_list *l, const char *name, unsigned size, unsigned is_signed,
			 unsigned base, unsigned reversed, int encoding)
{
	set_int(&push(l, name, lttng_ust_ctl_atype_integer)->type.u.integer, size, is_signed, base,
		reversed, encoding);
}

static void add_int(struct field_list *l, const char *name, unsigned size, unsigned is_signed,
		    unsigned base)
{
	add_int_full(l, name, size, is_signed, base, NATIVE, lttng_ust_ctl_encode_none);
}

/* An element or container: a nameless integer after its compound field. */
static void add_elem(struct field_list *l, unsigned size, unsigned is_signed, unsigned base,
		     unsigned reversed)
{
	add_int_full(l, "", size, is_signed, base, reversed, lttng_ust_ctl_encode_none);
}

/* char elements of text arrays and sequences. */
static void add_text_elem(struct field_list *l)
{
	add_int_full(l, "", 8, 1, 10, NATIVE, lttng_ust_ctl_encode_UTF8);
}

static void add_float(struct field_list *l, const char *name, unsigned exp_dig, unsigned mant_dig,
		      unsigned reversed)
{
	struct lttng_ust_ctl_float_type *t = &push(l, name, lttng_ust_ctl_atype_float)->type.u._float;

	t->exp_dig = exp_dig;
	t->mant_dig = mant_dig;
	t->alignment = 8;
	t->reverse_byte_order = reversed;
}

static void add_string(struct field_list *l, const char *name, int encoding)
{
	push(l, name, lttng_ust_ctl_atype_string)->type.u.string.encoding = encoding;
}

static void add_array(struct field_list *l, const char *name, uint32_t length, uint32_t align)
{
	struct lttng_ust_ctl_field *f = push(l, name, lttng_ust_ctl_atype_array_nestable);

	f->type.u.array_nestable.length = length;
	f->type.u.array_nestable.alignment = align;
}

static void add_sequence(struct field_list *l, const char *name, const char *length_name,
			 uint32_t align)
{
	struct lttng_ust_ctl_field *f = push(l, name, lttng_ust_ctl_atype_sequence_nestable);

	snprintf(f->type.u.sequence_nestable.length_name,
		 sizeof(f->type.u.sequence_nestable.length_name), "%s", length_name);
	f->type.u.sequence_nestable.alignment = align;
}

/* ctf_sequence(): the length field "_<name>_length", the sequence, its element. */
static void add_ctf_sequence(struct field_list *l, const char *name, unsigned length_size,
			     unsigned elem_size, unsigned elem_signed, unsigned elem_base,
			     unsigned elem_reversed)
{
	char length_name[LTTNG_UST_ABI_SYM_NAME_LEN];

	snprintf(length_name, sizeof(length_name), "_%s_length", name);
	add_int(l, length_name, length_size, 0, 10);
	add_sequence(l, name, length_name, 0);
	add_elem(l, elem_size, elem_signed, elem_base, elem_reversed);
}

static void add_enum(struct field_list *l, const char *name, const char *enum_name, uint64_t id)
{
	struct lttng_ust_ctl_field *f = push(l, name, lttng_ust_ctl_atype_enum_nestable);

	snprintf(f->type.u.enum_nestable.name, sizeof(f->type.u.enum_nestable.name), "%s",
		 enum_name);
	f->type.u.enum_nestable.id = id;
}

static void add_struct(struct field_list *l, const char *name, uint32_t nr_fields, uint32_t align)
{
	struct lttng_ust_ctl_field *f = push(l, name, lttng_ust_ctl_atype_struct_nestable);

	f->type.u.struct_nestable.nr_fields = nr_fields;
	f->type.u.struct_nestable.alignment = align;
}

static void add_variant(struct field_list *l, const char *name, uint32_t nr_choices,
			const char *tag, uint32_t align)
{
	struct lttng_ust_ctl_field *f = push(l, name, lttng_ust_ctl_atype_variant_nestable);

	f->type.u.variant_nestable.nr_choices = nr_choices;
	snprintf(f->type.u.variant_nestable.tag_name, sizeof(f->type.u.variant_nestable.tag_name),
		 "%s", tag);
	f->type.u.variant_nestable.alignment = align;
}

/*
 * An app context as liblttng-ust 2.13 sends it in a CHANNEL registration: the tag
 * "<name>_tag" (enum "dynamic_type_enum" over a char), then a *legacy* variant whose
 * nestable-layout members are filled in, then its twelve choices.
 */
static void add_app_context(struct field_list *l, const char *name, uint64_t enum_id)
{
	char tag[LTTNG_UST_ABI_SYM_NAME_LEN];
	struct lttng_ust_ctl_field *v;

	snprintf(tag, sizeof(tag), "%s_tag", name);
	add_enum(l, tag, "dynamic_type_enum", enum_id);
	add_elem(l, 8, 1, 10, NATIVE);
	v = push(l, name, lttng_ust_ctl_atype_variant);
	v->type.u.variant_nestable.nr_choices = 12;
	snprintf(v->type.u.variant_nestable.tag_name, sizeof(v->type.u.variant_nestable.tag_name),
		 "%s", tag);
	add_struct(l, "none", 0, 0);
	add_int(l, "int8", 8, 1, 10);
	add_int(l, "int16", 16, 1, 10);
	add_int(l, "int32", 32, 1, 10);
	add_int(l, "int64", 64, 1, 10);
	add_int(l, "uint8", 8, 0, 10);
	add_int(l, "uint16", 16, 0, 10);
	add_int(l, "uint32", 32, 0, 10);
	add_int(l, "uint64", 64, 0, 10);
	add_float(l, "float", 8, 24, NATIVE);
	add_float(l, "double", 11, 53, NATIVE);
	add_string(l, "string", lttng_ust_ctl_encode_UTF8);
}

/* ---- registered enumerations ---------------------------------------------------- */

#define VALUE(v) { .value = (uint64_t) (v), .signedness = 1 }
#define ENTRY(label, a, b) { .start = VALUE(a), .end = VALUE(b), .string = label }
#define AUTO_ENTRY(label)                                                              \
	{ .start = { .value = UINT64_MAX }, .end = { .value = UINT64_MAX }, .string = label, \
	  .u.extra.options = LTTNG_UST_CTL_UST_ENUM_ENTRY_OPTION_IS_AUTO }

/* TRACEPOINT_ENUM(sample, state, ...) and (sample, level8, ...) of sample-tp.h. */
static const struct lttng_ust_ctl_enum_entry state_entries[] = {
	ENTRY("IDLE", 0, 0), ENTRY("RUNNING", 1, 1), ENTRY("BUSY", 10, 19),
	AUTO_ENTRY("AFTER_BUSY"), ENTRY("NEGATIVE", -5, -5),
};
static const struct lttng_ust_ctl_enum_entry level8_entries[] = {
	ENTRY("NONE", 0, 0), ENTRY("LOW", 1, 127), ENTRY("HIGH", 128, 255),
};
/* lttng-ust's dynamic_type_enum, as an application registers it. */
static const struct lttng_ust_ctl_enum_entry dynamic_entries[] = {
	ENTRY("_none", 0, 0),     ENTRY("_int8", 1, 1),     ENTRY("_int16", 2, 2),
	ENTRY("_int32", 3, 3),    ENTRY("_int64", 4, 4),    ENTRY("_uint8", 5, 5),
	ENTRY("_uint16", 6, 6),   ENTRY("_uint32", 7, 7),   ENTRY("_uint64", 8, 8),
	ENTRY("_float", 9, 9),    ENTRY("_double", 10, 10), ENTRY("_string", 11, 11),
};
/* Escaping, extreme and mixed-signedness values. */
static const struct lttng_ust_ctl_enum_entry odd_entries[] = {
	{ .start = { .value = UINT64_MAX }, .end = { .value = UINT64_MAX }, .string = "a\"b\\c" },
	{ .start = { .value = (uint64_t) INT64_MIN, .signedness = 1 },
	  .end = { .value = (uint64_t) -1, .signedness = 1 }, .string = "negatives" },
	{ .start = { .value = 7, .signedness = 1 }, .end = { .value = 7 }, .string = "mixed" },
	{ .start = { .value = 8 }, .end = { .value = 9 }, .string = "line\nbreak" },
};

struct registered_enum {
	const char *name;
	uint64_t id;
	const struct lttng_ust_ctl_enum_entry *entries;
	size_t nr_entries;
};

#define REGISTERED(n, i, e) { n, i, e, sizeof(e) / sizeof((e)[0]) }
static const struct registered_enum registry[] = {
	REGISTERED("sample_state", 0, state_entries),
	REGISTERED("sample_level8", 1, level8_entries),
	REGISTERED("dynamic_type_enum", 2, dynamic_entries),
	REGISTERED("odd", 3, odd_entries),
};

static unsigned lookups;

static const struct lttng_ust_ctl_enum_entry *lookup(void *opaque, const char *name, uint64_t id,
						     size_t *nr_entries)
{
	const struct registered_enum *table = opaque;

	lookups++;
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		if (strcmp(table[i].name, name) == 0 && table[i].id == id) {
			*nr_entries = table[i].nr_entries;
			return table[i].entries;
		}
	}
	return NULL;
}

/* ---- sessions ------------------------------------------------------------------- */

/* The per-UID registry of the real run: session "s", 20261123T215507 UTC. */
static struct ust_metadata_session uid_session(void)
{
	struct ust_metadata_session s = {
		.per_pid = false,
		.uuid = { 0x6f, 0x24, 0x8e, 0x95, 0xe9, 0xa7, 0x47, 0x3f, 0x88, 0x29, 0x7e, 0xe1,
			  0x32, 0xfa, 0xb5, 0xef },
		.bits_per_long = 64,
		.long_alignment = 8,
		.uint8_alignment = 8,
		.uint16_alignment = 8,
		.uint32_alignment = 8,
		.uint64_alignment = 8,
		.big_endian = false,
		.tracer_major = 2,
		.tracer_minor = 13,
		.tracer_patchlevel = 5,
		.uid = 0,
		.session_name = "s",
		.session_creation_time = 1795470907,
		.hostname = "vm",
		.clock_offset_ns = 1795461149907623288LL,
		.clock_uuid = "3dacac00-2164-442d-99dd-8f3f7c155100",
	};
	return s;
}

/* The per-PID registry of the real auto-named run. */
static struct ust_metadata_session pid_session(void)
{
	struct ust_metadata_session s = uid_session();

	s.per_pid = true;
	s.pid = 39;
	s.procname = "lttng-sample-ap";
	s.app_registration_time = 1795470932;
	s.session_name = "auto-20261123-215532";
	s.session_auto_named = true;
	s.session_creation_time = 1795470932;
	return s;
}

/* ---- helpers -------------------------------------------------------------------- */

static char *text_of(const struct buffer *b)
{
	char *t = malloc(b->size + 1);

	if (!t)
		bail_out("out of memory");
	memcpy(t, b->data, b->size);
	t[b->size] = '\0';
	return t;
}

/* Compares the whole buffer with expected; prints both texts when they differ. */
static void is_text(const struct buffer *b, const char *expected, const char *what)
{
	char *got = text_of(b);

	if (!is_str(got, expected, "%s", what)) {
		size_t i = 0;

		while (got[i] && got[i] == expected[i])
			i++;
		diag("first difference at offset %zu: got \"%.60s\"", i, got + i);
		diag("                         expected \"%.60s\"", expected + i);
	}
	free(got);
}

/* The part of the buffer from the line starting with start_line to the next "};\n". */
static char *block_of(const struct buffer *b, const char *start_line)
{
	char *all = text_of(b);
	char *from = strstr(all, start_line);
	char *to = from ? strstr(from, "\n};\n") : NULL;
	char *block;

	if (!to) {
		free(all);
		return strdup("(missing)");
	}
	to[4] = '\0';
	block = strdup(from);
	free(all);
	return block;
}

static void use_timezone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* ---- the session header --------------------------------------------------------- */

/* real */
static const char uid_header[] =
	"/* CTF 1.8 */\n"
	"\n"
	"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	"typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n"
	"typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n"
	"typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n"
	"\n"
	"trace {\n"
	"\tmajor = 1;\n"
	"\tminor = 8;\n"
	"\tuuid = \"6f248e95-e9a7-473f-8829-7ee132fab5ef\";\n"
	"\tbyte_order = le;\n"
	"\tpacket.header := struct {\n"
	"\t\tuint32_t magic;\n"
	"\t\tuint8_t  uuid[16];\n"
	"\t\tuint32_t stream_id;\n"
	"\t\tuint64_t stream_instance_id;\n"
	"\t};\n"
	"};\n"
	"\n"
	"env {\n"
	"\tdomain = \"ust\";\n"
	"\ttracer_name = \"lttng-ust\";\n"
	"\ttracer_major = 2;\n"
	"\ttracer_minor = 13;\n"
	"\ttracer_buffering_scheme = \"uid\";\n"
	"\ttracer_buffering_id = 0;\n"
	"\tarchitecture_bit_width = 64;\n"
	"\ttrace_name = \"s\";\n"
	"\ttrace_creation_datetime = \"20261123T215507+0000\";\n"
	"\thostname = \"vm\";\n"
	"};\n"
	"\n"
	"clock {\n"
	"\tname = \"monotonic\";\n"
	"\tuuid = \"3dacac00-2164-442d-99dd-8f3f7c155100\";\n"
	"\tdescription = \"Monotonic Clock\";\n"
	"\tfreq = 1000000000; /* Frequency, in Hz */\n"
	"\t/* clock value offset from Epoch is: offset * (1/freq) */\n"
	"\toffset = 1795461149907623288;\n"
	"};\n"
	"\n"
	"typealias integer {\n"
	"\tsize = 27; align = 1; signed = false;\n"
	"\tmap = clock.monotonic.value;\n"
	"} := uint27_clock_monotonic_t;\n"
	"\n"
	"typealias integer {\n"
	"\tsize = 32; align = 8; signed = false;\n"
	"\tmap = clock.monotonic.value;\n"
	"} := uint32_clock_monotonic_t;\n"
	"\n"
	"typealias integer {\n"
	"\tsize = 64; align = 8; signed = false;\n"
	"\tmap = clock.monotonic.value;\n"
	"} := uint64_clock_monotonic_t;\n"
	"\n"
	"struct packet_context {\n"
	"\tuint64_clock_monotonic_t timestamp_begin;\n"
	"\tuint64_clock_monotonic_t timestamp_end;\n"
	"\tuint64_t content_size;\n"
	"\tuint64_t packet_size;\n"
	"\tuint64_t packet_seq_num;\n"
	"\tunsigned long events_discarded;\n"
	"\tuint32_t cpu_id;\n"
	"};\n"
	"\n"
	"struct event_header_compact {\n"
	"\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n"
	"\tvariant <id> {\n"
	"\t\tstruct {\n"
	"\t\t\tuint27_clock_monotonic_t timestamp;\n"
	"\t\t} compact;\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n"
	"\t\t} extended;\n"
	"\t} v;\n"
	"} align(8);\n"
	"\n"
	"struct event_header_large {\n"
	"\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;\n"
	"\tvariant <id> {\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_clock_monotonic_t timestamp;\n"
	"\t\t} compact;\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n"
	"\t\t} extended;\n"
	"\t} v;\n"
	"} align(8);\n"
	"\n";

static void test_header_per_uid(void)
{
	struct ust_metadata_session s = uid_session();
	struct buffer b;

	buffer_init(&b);
	is_int(ust_metadata_session_header(&b, &s), 0, "per-UID header");
	is_text(&b, uid_header, "per-UID header is the real daemon's text");
	buffer_fini(&b);
}

/* real */
static const char pid_env[] =
	"env {\n"
	"\tdomain = \"ust\";\n"
	"\ttracer_name = \"lttng-ust\";\n"
	"\ttracer_major = 2;\n"
	"\ttracer_minor = 13;\n"
	"\ttracer_buffering_scheme = \"pid\";\n"
	"\ttracer_buffering_id = 39;\n"
	"\tarchitecture_bit_width = 64;\n"
	"\ttrace_name = \"auto\";\n"
	"\ttrace_creation_datetime = \"20261123T215532+0000\";\n"
	"\thostname = \"vm\";\n"
	"\ttracer_patchlevel = 5;\n"
	"\tvpid = 39;\n"
	"\tprocname = \"lttng-sample-ap\";\n"
	"\tvpid_datetime = \"20261123T215532+0000\";\n"
	"};\n";

static void test_header_per_pid_auto_named(void)
{
	struct ust_metadata_session s = pid_session();
	struct buffer b;
	char *env;

	buffer_init(&b);
	is_int(ust_metadata_session_header(&b, &s), 0, "per-PID header");
	env = block_of(&b, "env {\n");
	is_str(env, pid_env, "per-PID env: scheme pid, id = pid, trace_name \"auto\", app lines");
	free(env);
	buffer_fini(&b);
}

static void test_header_variants(void)
{
	struct ust_metadata_session s = uid_session();
	struct buffer b;
	char *text, *clock;

	/* A 32-bit big-endian application, a named session with characters to escape,
	 * another time zone, a negative offset and no boot id. */
	s.big_endian = true;
	s.bits_per_long = 32;
	s.long_alignment = 32;
	s.uint8_alignment = 8;
	s.uint16_alignment = 16;
	s.uint32_alignment = 32;
	s.uint64_alignment = 64;
	s.uid = 1000;
	s.session_name = "we\"ird\\na\nme";
	s.hostname = "h\"st";
	s.clock_offset_ns = -42;
	s.clock_uuid = NULL;
	use_timezone("XYZ-2");
	buffer_init(&b);
	is_int(ust_metadata_session_header(&b, &s), 0, "big-endian 32-bit header");
	text = text_of(&b);
	ok(strstr(text, "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
			"typealias integer { size = 16; align = 16; signed = false; } := uint16_t;\n"
			"typealias integer { size = 32; align = 32; signed = false; } := uint32_t;\n"
			"typealias integer { size = 64; align = 64; signed = false; } := uint64_t;\n"
			"typealias integer { size = 32; align = 32; signed = false; } := unsigned long;\n") !=
		   NULL,
	   "typealiases use the application's alignments and long size");
	ok(strstr(text, "\tbyte_order = be;\n") != NULL, "byte_order = be");
	ok(strstr(text, "\ttracer_buffering_scheme = \"uid\";\n\ttracer_buffering_id = 1000;\n"
			"\tarchitecture_bit_width = 32;\n") != NULL,
	   "per-UID buffering id is the uid; bit width from the app");
	ok(strstr(text, "\ttrace_name = \"we\\\"ird\\\\na\\nme\";\n") != NULL,
	   "trace_name escapes quote, backslash and newline");
	ok(strstr(text, "\thostname = \"h\\\"st\";\n") != NULL, "hostname escaped");
	ok(strstr(text, "\ttrace_creation_datetime = \"20261123T235507+0200\";\n") != NULL,
	   "creation time in local time with its UTC offset");
	ok(strstr(text, "tracer_patchlevel") == NULL && strstr(text, "vpid") == NULL,
	   "no application lines per UID");
	clock = block_of(&b, "clock {\n");
	is_str(clock,
	       "clock {\n"
	       "\tname = \"monotonic\";\n"
	       "\tdescription = \"Monotonic Clock\";\n"
	       "\tfreq = 1000000000; /* Frequency, in Hz */\n"
	       "\t/* clock value offset from Epoch is: offset * (1/freq) */\n"
	       "\toffset = -42;\n"
	       "};\n",
	       "clock without uuid line, negative offset");
	ok(strstr(text, "\tsize = 32; align = 32; signed = false;\n\tmap = clock.monotonic.value;\n"
			"} := uint32_clock_monotonic_t;\n") != NULL &&
		   strstr(text, "\tsize = 64; align = 64; signed = false;\n"
				"\tmap = clock.monotonic.value;\n} := uint64_clock_monotonic_t;\n") != NULL,
	   "clock-mapped types use the uint32/uint64 alignments");
	ok(strstr(text, "\t} v;\n} align(32);\n\nstruct event_header_large {") != NULL &&
		   strstr(text, "\t} v;\n} align(16);\n\n") != NULL,
	   "compact header aligned as uint32, large as uint16");
	free(clock);
	free(text);
	buffer_fini(&b);
	use_timezone("UTC0");

	buffer_init(&b);
	s = uid_session();
	s.session_name = NULL;
	is_int(ust_metadata_session_header(&b, &s), -EINVAL, "named session without a name refused");
	is_uint(b.size, 0, "nothing appended");
	s = pid_session();
	s.procname = NULL;
	s.hostname = NULL;
	is_int(ust_metadata_session_header(&b, &s), 0, "NULL procname and hostname accepted");
	text = text_of(&b);
	ok(strstr(text, "\thostname = \"\";\n") && strstr(text, "\tprocname = \"\";\n"),
	   "and printed empty");
	free(text);
	buffer_fini(&b);
}

/* ---- stream blocks -------------------------------------------------------------- */

/* real */
static const char stream_uid_ctx[] =
	"stream {\n"
	"\tid = 1;\n"
	"\tevent.header := struct event_header_large;\n"
	"\tpacket.context := struct packet_context;\n"
	"\tevent.context := struct {\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vpid;\n"
	"\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _procname[17];\n"
	"\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } _ip;\n"
	"\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } _pthread_id;\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vtid;\n"
	"\t};\n"
	"};\n"
	"\n";

/* real */
static const char stream_no_ctx[] =
	"stream {\n"
	"\tid = 0;\n"
	"\tevent.header := struct event_header_large;\n"
	"\tpacket.context := struct packet_context;\n"
	"};\n"
	"\n";

/* real */
static const char stream_app_ctx[] =
	"stream {\n"
	"\tid = 0;\n"
	"\tevent.header := struct event_header_large;\n"
	"\tpacket.context := struct packet_context;\n"
	"\tevent.context := struct {\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vpid;\n"
	"\t\tenum : integer { size = 8; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	"\t\t\t\"_none\" = 0,\n"
	"\t\t\t\"_int8\" = 1,\n"
	"\t\t\t\"_int16\" = 2,\n"
	"\t\t\t\"_int32\" = 3,\n"
	"\t\t\t\"_int64\" = 4,\n"
	"\t\t\t\"_uint8\" = 5,\n"
	"\t\t\t\"_uint16\" = 6,\n"
	"\t\t\t\"_uint32\" = 7,\n"
	"\t\t\t\"_uint64\" = 8,\n"
	"\t\t\t\"_float\" = 9,\n"
	"\t\t\t\"_double\" = 10,\n"
	"\t\t\t\"_string\" = 11,\n"
	"\t\t} __app_myprov_myctx_tag;\n"
	"\t\tvariant <__app_myprov_myctx_tag> {\n"
	"\t\t\tstruct {} _none;\n"
	"\t\t\tinteger { size = 8; align = 8; signed = 1; encoding = none; base = 10; } _int8;\n"
	"\t\t\tinteger { size = 16; align = 8; signed = 1; encoding = none; base = 10; } _int16;\n"
	"\t\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _int32;\n"
	"\t\t\tinteger { size = 64; align = 8; signed = 1; encoding = none; base = 10; } _int64;\n"
	"\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _uint8;\n"
	"\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; } _uint16;\n"
	"\t\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } _uint32;\n"
	"\t\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } _uint64;\n"
	"\t\t\tfloating_point { exp_dig = 8; mant_dig = 24; align = 8; } _float;\n"
	"\t\t\tfloating_point { exp_dig = 11; mant_dig = 53; align = 8; } _double;\n"
	"\t\t\tstring _string;\n"
	"\t\t} __app_myprov_myctx;\n"
	"\t};\n"
	"};\n"
	"\n";

/* vpid, procname, ip, pthread_id, vtid as lttng-ust 2.13 serializes them. */
static void build_basic_contexts(struct field_list *l)
{
	add_int(l, "vpid", 32, 1, 10);
	add_array(l, "procname", 17, 0);
	add_text_elem(l);
	add_int(l, "ip", 64, 0, 10);
	add_int(l, "pthread_id", 64, 0, 10);
	add_int(l, "vtid", 32, 1, 10);
}

static void test_streams(void)
{
	struct ust_metadata_session s = uid_session();
	struct field_list l = { .n = 0 };
	struct buffer b;

	build_basic_contexts(&l);
	buffer_init(&b);
	is_int(ust_metadata_stream(&b, &s, 1, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n), 0,
	       "stream with contexts");
	is_text(&b, stream_uid_ctx, "stream with contexts is the real daemon's text");
	b.size = 0;
	is_int(ust_metadata_stream(&b, &s, 0, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, NULL, 0), 0,
	       "stream without contexts");
	is_text(&b, stream_no_ctx, "stream without contexts has no event.context");
	b.size = 0;
	is_int(ust_metadata_stream(&b, &s, 7, LTTNG_UST_CTL_CHANNEL_HEADER_COMPACT, NULL, 0), 0,
	       "compact stream");
	is_text(&b,
		"stream {\n"
		"\tid = 7;\n"
		"\tevent.header := struct event_header_compact;\n"
		"\tpacket.context := struct packet_context;\n"
		"};\n\n",
		"compact header named");
	b.size = 0;
	is_int(ust_metadata_stream(&b, &s, UST_METADATA_CHAN_ID_NONE,
				   LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n),
	       0, "metadata channel");
	is_uint(b.size, 0, "nothing written for the metadata channel");
	is_int(ust_metadata_stream(&b, &s, 1, 0, NULL, 0), -EINVAL, "unknown header type refused");
	buffer_fini(&b);
}

static void test_stream_app_context(void)
{
	struct ust_metadata_session s = pid_session();
	struct field_list l = { .n = 0 };
	struct buffer b;

	add_int(&l, "vpid", 32, 1, 10);
	add_app_context(&l, "$app.myprov:myctx", 2);
	buffer_init(&b);
	is_int(ust_metadata_stream(&b, &s, 0, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n), 0,
	       "app context (legacy variant) with the built-in dynamic_type_enum");
	is_text(&b, stream_app_ctx, "app context stream is the real daemon's text");
	b.size = 0;
	lookups = 0;
	is_int(ust_metadata_stream_with_enums(&b, &s, 0, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f,
					      l.n, lookup, (void *) registry),
	       0, "app context through the registry");
	is_text(&b, stream_app_ctx, "same text from the registered enumeration");
	is_uint(lookups, 1, "one lookup");
	b.size = 0;
	l.f[1].type.u.enum_nestable.id = 99;
	is_int(ust_metadata_stream_with_enums(&b, &s, 0, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f,
					      l.n, lookup, (void *) registry),
	       -ENOENT, "unregistered enumeration id: -ENOENT");
	is_uint(b.size, 0, "buffer left unchanged");
	snprintf(l.f[1].type.u.enum_nestable.name, sizeof(l.f[1].type.u.enum_nestable.name),
		 "other");
	is_int(ust_metadata_stream(&b, &s, 0, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n),
	       -ENOENT, "built-in table knows only dynamic_type_enum");
	buffer_fini(&b);
}

/* Legacy context forms: described as LTTng describes their nestable rewrites. */
static void test_stream_legacy_contexts(void)
{
	struct ust_metadata_session s = uid_session();
	struct field_list l = { .n = 0 };
	struct lttng_ust_ctl_field *f;
	struct buffer b;

	f = push(&l, "larr", lttng_ust_ctl_atype_array);
	f->type.u.legacy.array.elem_type.atype = lttng_ust_ctl_atype_integer;
	set_int(&f->type.u.legacy.array.elem_type.u.basic.integer, 16, 0, 16, NATIVE,
		lttng_ust_ctl_encode_none);
	f->type.u.legacy.array.length = 3;
	push(&l, "lstruct", lttng_ust_ctl_atype_struct);
	buffer_init(&b);
	buffer_append(&b, "kept", 4);
	is_int(ust_metadata_stream(&b, &s, 2, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n), 0,
	       "legacy array and empty legacy struct in context");
	is_text(&b,
		"kept"
		"stream {\n"
		"\tid = 2;\n"
		"\tevent.header := struct event_header_large;\n"
		"\tpacket.context := struct packet_context;\n"
		"\tevent.context := struct {\n"
		"\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; } _larr[3];\n"
		"\t\tstruct {} _lstruct;\n"
		"\t};\n"
		"};\n\n",
		"appended after existing text, legacy forms described like nestable ones");

	b.size = 4;
	f->type.u.legacy.array.elem_type.atype = lttng_ust_ctl_atype_string;
	is_int(ust_metadata_stream(&b, &s, 2, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n),
	       -EINVAL, "legacy array of strings in context refused");
	is_uint(b.size, 4, "buffer unchanged");

	l.n = 0;
	add_int(&l, "ok", 8, 0, 10);
	f = push(&l, "lseq", lttng_ust_ctl_atype_sequence);
	f->type.u.legacy.sequence.length_type.atype = lttng_ust_ctl_atype_integer;
	f->type.u.legacy.sequence.elem_type.atype = lttng_ust_ctl_atype_integer;
	is_int(ust_metadata_stream(&b, &s, 2, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, l.f, l.n),
	       -EINVAL, "legacy sequence in context refused (events accept it)");
	is_uint(b.size, 4, "buffer unchanged");
	buffer_fini(&b);
}

/* ---- event blocks: the sample application --------------------------------------- */

static void build_thread_iter(struct field_list *l)
{
	add_int(l, "thread", 32, 1, 10);
	add_int(l, "iter", 32, 1, 10);
}

static void build_app_start(struct field_list *l)
{
	add_int(l, "iterations", 32, 1, 10);
	add_int(l, "threads", 32, 1, 10);
}

static void build_app_end(struct field_list *l)
{
	add_int(l, "events", 64, 1, 10);
}

static void build_integers(struct field_list *l)
{
	static const struct {
		const char *name;
		unsigned size, is_signed;
	} ints[] = { { "s8", 8, 1 },  { "s16", 16, 1 }, { "s32", 32, 1 }, { "s64", 64, 1 },
		     { "u8", 8, 0 },  { "u16", 16, 0 }, { "u32", 32, 0 }, { "u64", 64, 0 } };

	build_thread_iter(l);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		add_int(l, ints[i].name, ints[i].size, ints[i].is_signed, 10);
}

static void build_hex(struct field_list *l)
{
	build_thread_iter(l);
	add_int(l, "x8", 8, 0, 16);
	add_int(l, "x16", 16, 0, 16);
	add_int(l, "x32", 32, 0, 16);
	add_int(l, "x64", 64, 0, 16);
}

static void build_network(struct field_list *l)
{
	build_thread_iter(l);
	add_int_full(l, "n16", 16, 0, 10, REVERSED, lttng_ust_ctl_encode_none);
	add_int_full(l, "n32", 32, 0, 10, REVERSED, lttng_ust_ctl_encode_none);
	add_int_full(l, "n64", 64, 1, 10, REVERSED, lttng_ust_ctl_encode_none);
	add_int_full(l, "nx16", 16, 0, 16, REVERSED, lttng_ust_ctl_encode_none);
	add_int_full(l, "nx32", 32, 0, 16, REVERSED, lttng_ust_ctl_encode_none);
}

static void build_floats(struct field_list *l)
{
	build_thread_iter(l);
	add_float(l, "f32", 8, 24, NATIVE);
	add_float(l, "f64", 11, 53, NATIVE);
}

static void build_strings(struct field_list *l)
{
	build_thread_iter(l);
	add_string(l, "str", lttng_ust_ctl_encode_UTF8);
	add_string(l, "empty", lttng_ust_ctl_encode_UTF8);
	add_string(l, "utf8", lttng_ust_ctl_encode_UTF8);
}

static void build_arrays(struct field_list *l)
{
	build_thread_iter(l);
	add_array(l, "a32", 4, 0);
	add_elem(l, 32, 1, 10, NATIVE);
	add_array(l, "a8", 3, 0);
	add_elem(l, 8, 0, 10, NATIVE);
	add_array(l, "ax16", 2, 0);
	add_elem(l, 16, 0, 16, NATIVE);
	add_array(l, "an32", 2, 0);
	add_elem(l, 32, 0, 10, REVERSED);
	add_array(l, "anx16", 2, 0);
	add_elem(l, 16, 0, 16, REVERSED);
	add_array(l, "atext", 8, 0);
	add_text_elem(l);
}

static void build_sequences(struct field_list *l)
{
	build_thread_iter(l);
	add_ctf_sequence(l, "seq64", 64, 64, 1, 10, NATIVE);
	add_ctf_sequence(l, "seqx8", 8, 8, 0, 16, NATIVE);
	add_ctf_sequence(l, "seqn32", 16, 32, 0, 10, REVERSED);
	add_ctf_sequence(l, "seqnx16", 32, 16, 0, 16, REVERSED);
	add_int(l, "_stext_length", 64, 0, 10);
	add_sequence(l, "stext", "_stext_length", 0);
	add_text_elem(l);
	add_ctf_sequence(l, "seq_empty", 32, 16, 1, 10, NATIVE);
}

static void build_enums(struct field_list *l)
{
	static const char *const state_fields[] = { "e_value", "e_range", "e_auto", "e_negative",
						    "e_unknown" };

	build_thread_iter(l);
	for (size_t i = 0; i < sizeof(state_fields) / sizeof(state_fields[0]); i++) {
		add_enum(l, state_fields[i], "sample_state", 0);
		add_elem(l, 32, 1, 10, NATIVE);
	}
	add_enum(l, "e_flags", "sample_level8", 1);
	add_elem(l, 8, 0, 10, NATIVE);
}

/* The *_nowrite fields are not serialized at all. */
static void build_nowrite(struct field_list *l)
{
	build_thread_iter(l);
	add_int(l, "visible", 32, 1, 10);
}

static void build_level(struct field_list *l)
{
	build_thread_iter(l);
	add_string(l, "level", lttng_ust_ctl_encode_UTF8);
}

struct sample_event {
	const char *name;
	uint32_t id;
	int loglevel;
	const char *model_emf_uri;
	void (*build)(struct field_list *l);
	const char *expected; /* real */
};

static const struct sample_event sample_events[] = {
	{ "sample:app_start", 26, 5, NULL, build_app_start,
	  "event {\n"
	  "\tname = \"sample:app_start\";\n"
	  "\tid = 26;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 5;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iterations;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _threads;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:app_end", 27, 5, NULL, build_app_end,
	  "event {\n"
	  "\tname = \"sample:app_end\";\n"
	  "\tid = 27;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 5;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 64; align = 8; signed = 1; encoding = none; base = 10; } _events;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:integers", 28, 13, NULL, build_integers,
	  "event {\n"
	  "\tname = \"sample:integers\";\n"
	  "\tid = 28;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 8; align = 8; signed = 1; encoding = none; base = 10; } _s8;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 1; encoding = none; base = 10; } _s16;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _s32;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 1; encoding = none; base = 10; } _s64;\n"
	  "\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _u8;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; } _u16;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } _u32;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } _u64;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:hex", 29, 13, NULL, build_hex,
	  "event {\n"
	  "\tname = \"sample:hex\";\n"
	  "\tid = 29;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 16; } _x8;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; } _x16;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 16; } _x32;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 16; } _x64;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:network", 30, 13, NULL, build_network,
	  "event {\n"
	  "\tname = \"sample:network\";\n"
	  "\tid = 30;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _n16;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _n32;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 1; encoding = none; base = 10; byte_order = be; } _n64;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _nx16;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _nx32;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:floats", 31, 13, NULL, build_floats,
	  "event {\n"
	  "\tname = \"sample:floats\";\n"
	  "\tid = 31;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tfloating_point { exp_dig = 8; mant_dig = 24; align = 8; } _f32;\n"
	  "\t\tfloating_point { exp_dig = 11; mant_dig = 53; align = 8; } _f64;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:strings", 32, 13, NULL, build_strings,
	  "event {\n"
	  "\tname = \"sample:strings\";\n"
	  "\tid = 32;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tstring _str;\n"
	  "\t\tstring _empty;\n"
	  "\t\tstring _utf8;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:arrays", 33, 13, NULL, build_arrays,
	  "event {\n"
	  "\tname = \"sample:arrays\";\n"
	  "\tid = 33;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _a32[4];\n"
	  "\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _a8[3];\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; } _ax16[2];\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _an32[2];\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _anx16[2];\n"
	  "\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _atext[8];\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:sequences", 34, 13, NULL, build_sequences,
	  "event {\n"
	  "\tname = \"sample:sequences\";\n"
	  "\tid = 34;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } __seq64_length;\n"
	  "\t\tinteger { size = 64; align = 8; signed = 1; encoding = none; base = 10; } _seq64[ __seq64_length ];\n"
	  "\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; } __seqx8_length;\n"
	  "\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 16; } _seqx8[ __seqx8_length ];\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; } __seqn32_length;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _seqn32[ __seqn32_length ];\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } __seqnx16_length;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _seqnx16[ __seqnx16_length ];\n"
	  "\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } __stext_length;\n"
	  "\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _stext[ __stext_length ];\n"
	  "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } __seq_empty_length;\n"
	  "\t\tinteger { size = 16; align = 8; signed = 1; encoding = none; base = 10; } _seq_empty[ __seq_empty_length ];\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:enums", 35, 13, NULL, build_enums,
	  "event {\n"
	  "\tname = \"sample:enums\";\n"
	  "\tid = 35;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tenum : integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	  "\t\t\t\"IDLE\" = 0,\n"
	  "\t\t\t\"RUNNING\" = 1,\n"
	  "\t\t\t\"BUSY\" = 10 ... 19,\n"
	  "\t\t\t\"AFTER_BUSY\",\n"
	  "\t\t\t\"NEGATIVE\" = -5,\n"
	  "\t\t} _e_value;\n"
	  "\t\tenum : integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	  "\t\t\t\"IDLE\" = 0,\n"
	  "\t\t\t\"RUNNING\" = 1,\n"
	  "\t\t\t\"BUSY\" = 10 ... 19,\n"
	  "\t\t\t\"AFTER_BUSY\",\n"
	  "\t\t\t\"NEGATIVE\" = -5,\n"
	  "\t\t} _e_range;\n"
	  "\t\tenum : integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	  "\t\t\t\"IDLE\" = 0,\n"
	  "\t\t\t\"RUNNING\" = 1,\n"
	  "\t\t\t\"BUSY\" = 10 ... 19,\n"
	  "\t\t\t\"AFTER_BUSY\",\n"
	  "\t\t\t\"NEGATIVE\" = -5,\n"
	  "\t\t} _e_auto;\n"
	  "\t\tenum : integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	  "\t\t\t\"IDLE\" = 0,\n"
	  "\t\t\t\"RUNNING\" = 1,\n"
	  "\t\t\t\"BUSY\" = 10 ... 19,\n"
	  "\t\t\t\"AFTER_BUSY\",\n"
	  "\t\t\t\"NEGATIVE\" = -5,\n"
	  "\t\t} _e_negative;\n"
	  "\t\tenum : integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } {\n"
	  "\t\t\t\"IDLE\" = 0,\n"
	  "\t\t\t\"RUNNING\" = 1,\n"
	  "\t\t\t\"BUSY\" = 10 ... 19,\n"
	  "\t\t\t\"AFTER_BUSY\",\n"
	  "\t\t\t\"NEGATIVE\" = -5,\n"
	  "\t\t} _e_unknown;\n"
	  "\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } {\n"
	  "\t\t\t\"NONE\" = 0,\n"
	  "\t\t\t\"LOW\" = 1 ... 127,\n"
	  "\t\t\t\"HIGH\" = 128 ... 255,\n"
	  "\t\t} _e_flags;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:nowrite", 36, 13, NULL, build_nowrite,
	  "event {\n"
	  "\tname = \"sample:nowrite\";\n"
	  "\tid = 36;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 13;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _visible;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:level_emerg", 37, 0, NULL, build_level,
	  "event {\n"
	  "\tname = \"sample:level_emerg\";\n"
	  "\tid = 37;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 0;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tstring _level;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:level_debug", 51, 14, NULL, build_level,
	  "event {\n"
	  "\tname = \"sample:level_debug\";\n"
	  "\tid = 51;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 14;\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t\tstring _level;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
	{ "sample:model_uri", 52, 6, "http://example.invalid/models/sample.ecore#//ModelUri",
	  build_thread_iter,
	  "event {\n"
	  "\tname = \"sample:model_uri\";\n"
	  "\tid = 52;\n"
	  "\tstream_id = 1;\n"
	  "\tloglevel = 6;\n"
	  "\tmodel.emf.uri = \"http://example.invalid/models/sample.ecore#//ModelUri\";\n"
	  "\tfields := struct {\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _thread;\n"
	  "\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _iter;\n"
	  "\t};\n"
	  "};\n"
	  "\n" },
};

static void test_sample_events(void)
{
	struct ust_metadata_session s = uid_session();
	struct buffer b;

	buffer_init(&b);
	for (size_t i = 0; i < sizeof(sample_events) / sizeof(sample_events[0]); i++) {
		const struct sample_event *e = &sample_events[i];
		struct field_list l = { .n = 0 };

		e->build(&l);
		b.size = 0;
		is_int(ust_metadata_event(&b, &s, 1, e->id, e->name, e->loglevel, e->model_emf_uri,
					  l.f, l.n, lookup, (void *) registry),
		       0, "%s", e->name);
		is_text(&b, e->expected, e->name);
	}
	buffer_fini(&b);
}

/* ---- event blocks: beyond the sample application -------------------------------- */

static void expect_event(const struct ust_metadata_session *s, const struct field_list *l,
			 const char *fields_text, const char *what)
{
	static const char head[] = "event {\n"
				   "\tname = \"p:e\";\n"
				   "\tid = 3;\n"
				   "\tstream_id = 2;\n"
				   "\tloglevel = 14;\n"
				   "\tfields := struct {\n";
	static const char tail[] = "\t};\n};\n\n";
	char expected[8192];
	struct buffer b;

	snprintf(expected, sizeof(expected), "%s%s%s", head, fields_text, tail);
	buffer_init(&b);
	is_int(ust_metadata_event(&b, s, 2, 3, "p:e", 14, NULL, l->f, l->n, lookup,
				  (void *) registry),
	       0, "%s", what);
	is_text(&b, expected, what);
	buffer_fini(&b);
}

static void test_padding_structs_variants(void)
{
	struct ust_metadata_session s = uid_session();
	struct field_list l = { .n = 0 };

	add_struct(&l, "empty", 0, 0);
	add_struct(&l, "aligned", 0, 4);
	push(&l, "legacy_empty", lttng_ust_ctl_atype_struct);
	add_array(&l, "arr", 2, 8);
	add_elem(&l, 64, 0, 10, NATIVE);
	add_int(&l, "len", 16, 0, 10);
	add_sequence(&l, "seq", "len", 2);
	add_elem(&l, 8, 1, 10, NATIVE);
	add_string(&l, "ascii", lttng_ust_ctl_encode_ASCII);
	add_enum(&l, "tag.x", "sample_level8", 1);
	add_elem(&l, 8, 0, 10, NATIVE);
	add_variant(&l, "var:y", 2, "tag.x", 4);
	add_int(&l, "a", 32, 1, 10);
	add_string(&l, "b", lttng_ust_ctl_encode_UTF8);
	expect_event(&s, &l,
		     "\t\tstruct {} _empty;\n"
		     "\t\tstruct {} align(32) _aligned;\n"
		     "\t\tstruct {} _legacy_empty;\n"
		     "\t\tstruct { } align(64) _arr_padding;\n"
		     "\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 10; } _arr[2];\n"
		     "\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; } _len;\n"
		     "\t\tstruct { } align(16) _seq_padding;\n"
		     "\t\tinteger { size = 8; align = 8; signed = 1; encoding = none; base = 10; } _seq[ _len ];\n"
		     "\t\tstring { encoding = ASCII; } _ascii;\n"
		     "\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } {\n"
		     "\t\t\t\"NONE\" = 0,\n"
		     "\t\t\t\"LOW\" = 1 ... 127,\n"
		     "\t\t\t\"HIGH\" = 128 ... 255,\n"
		     "\t\t} _tag_x;\n"
		     "\t\tstruct { } align(32) _var_y_padding;\n"
		     "\t\tvariant <_tag_x> {\n"
		     "\t\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _a;\n"
		     "\t\t\tstring _b;\n"
		     "\t\t} _var_y;\n",
		     "structs, padding, ASCII string, aligned variant with sanitized names");
}

static void test_legacy_event_fields(void)
{
	struct ust_metadata_session s = uid_session();
	struct field_list l = { .n = 0 };
	struct lttng_ust_ctl_field *f;
	union _lttng_ust_ctl_basic_type *basic;

	f = push(&l, "lseq", lttng_ust_ctl_atype_sequence);
	f->type.u.legacy.sequence.length_type.atype = lttng_ust_ctl_atype_integer;
	set_int(&f->type.u.legacy.sequence.length_type.u.basic.integer, 32, 0, 10, NATIVE,
		lttng_ust_ctl_encode_none);
	f->type.u.legacy.sequence.elem_type.atype = lttng_ust_ctl_atype_integer;
	set_int(&f->type.u.legacy.sequence.elem_type.u.basic.integer, 8, 1, 10, NATIVE,
		lttng_ust_ctl_encode_UTF8);
	f = push(&l, "lenum", lttng_ust_ctl_atype_enum);
	basic = &f->type.u.legacy.basic;
	snprintf(basic->enumeration.name, sizeof(basic->enumeration.name), "sample_state");
	basic->enumeration.id = 0;
	set_int(&basic->enumeration.container_type, 16, 1, 10, REVERSED, lttng_ust_ctl_encode_none);
	f = push(&l, "lvar", lttng_ust_ctl_atype_variant);
	f->type.u.legacy.variant.nr_choices = 1;
	snprintf(f->type.u.legacy.variant.tag_name, sizeof(f->type.u.legacy.variant.tag_name),
		 "lenum");
	add_int(&l, "only", 8, 0, 8);
	expect_event(&s, &l,
		     "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } __lseq_length;\n"
		     "\t\tinteger { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _lseq[ __lseq_length ];\n"
		     "\t\tenum : integer { size = 16; align = 8; signed = 1; encoding = none; base = 10; } {\n"
		     "\t\t\t\"IDLE\" = 0,\n"
		     "\t\t\t\"RUNNING\" = 1,\n"
		     "\t\t\t\"BUSY\" = 10 ... 19,\n"
		     "\t\t\t\"AFTER_BUSY\",\n"
		     "\t\t\t\"NEGATIVE\" = -5,\n"
		     "\t\t} _lenum;\n"
		     "\t\tvariant <_lenum> {\n"
		     "\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 8; } _only;\n"
		     "\t\t} _lvar;\n",
		     "legacy sequence, enum (container never gets byte_order) and variant");
}

static void test_byte_order_and_enum_values(void)
{
	struct ust_metadata_session s = uid_session();
	struct field_list l = { .n = 0 };

	s.big_endian = true;
	add_int_full(&l, "rev", 32, 0, 10, REVERSED, lttng_ust_ctl_encode_none);
	add_int(&l, "native", 32, 0, 10);
	add_float(&l, "revf", 11, 53, REVERSED);
	add_int_full(&l, "ascii_int", 8, 0, 10, NATIVE, lttng_ust_ctl_encode_ASCII);
	add_enum(&l, "odd", "odd", 3);
	add_elem(&l, 64, 1, 10, NATIVE);
	expect_event(&s, &l,
		     "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = le; } _rev;\n"
		     "\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; } _native;\n"
		     "\t\tfloating_point { exp_dig = 11; mant_dig = 53; align = 8; byte_order = le; } _revf;\n"
		     "\t\tinteger { size = 8; align = 8; signed = 0; encoding = ASCII; base = 10; } _ascii_int;\n"
		     "\t\tenum : integer { size = 64; align = 8; signed = 1; encoding = none; base = 10; } {\n"
		     "\t\t\t\"a\\\"b\\\\c\" = 18446744073709551615,\n"
		     "\t\t\t\"negatives\" = -9223372036854775808 ... -1,\n"
		     "\t\t\t\"mixed\" = 7 ... 7,\n"
		     "\t\t\t\"line\\nbreak\" = 8 ... 9,\n"
		     "\t\t} _odd;\n",
		     "big-endian trace: reversed fields say le; enum values and labels");
}

static void test_event_header_lines(void)
{
	struct ust_metadata_session s = uid_session();
	struct buffer b;

	buffer_init(&b);
	is_int(ust_metadata_event(&b, &s, 4, 0, "odd\"name", -1, "u\"ri", NULL, 0, NULL, NULL), 0,
	       "event without fields, lookup NULL");
	is_text(&b,
		"event {\n"
		"\tname = \"odd\\\"name\";\n"
		"\tid = 0;\n"
		"\tstream_id = 4;\n"
		"\tloglevel = -1;\n"
		"\tmodel.emf.uri = \"u\\\"ri\";\n"
		"\tfields := struct {\n"
		"\t};\n"
		"};\n\n",
		"empty fields struct; name and uri escaped");
	b.size = 0;
	is_int(ust_metadata_event(&b, &s, UST_METADATA_CHAN_ID_NONE, 0, "x", 0, NULL, NULL, 0,
				  NULL, NULL),
	       0, "metadata channel event");
	is_uint(b.size, 0, "nothing written for the metadata channel");
	buffer_fini(&b);
}

/* ---- refusals --------------------------------------------------------------------- */

static void expect_refusal(struct field_list *l, int expected, const char *what)
{
	struct ust_metadata_session s = uid_session();
	struct buffer b;

	buffer_init(&b);
	buffer_append(&b, "prefix", 6);
	is_int(ust_metadata_event(&b, &s, 1, 1, "p:e", 13, NULL, l->f, l->n, lookup,
				  (void *) registry),
	       expected, "%s", what);
	is_mem(b.data, b.size, "prefix", 6, "%s: buffer unchanged", what);
	buffer_fini(&b);
}

static void test_refusals(void)
{
	struct field_list l = { .n = 0 };
	struct lttng_ust_ctl_field *f;

	add_int(&l, "fine", 8, 0, 10);
	add_struct(&l, "full", 1, 0);
	add_int(&l, "member", 8, 0, 10);
	expect_refusal(&l, -EINVAL, "struct with fields");

	l.n = 0;
	f = push(&l, "lfull", lttng_ust_ctl_atype_struct);
	f->type.u.legacy._struct.nr_fields = 2;
	expect_refusal(&l, -EINVAL, "legacy struct with fields");

	l.n = 0;
	add_array(&l, "farr", 2, 0);
	add_float(&l, "", 8, 24, NATIVE);
	expect_refusal(&l, -EINVAL, "array of floats");

	l.n = 0;
	add_int(&l, "n", 8, 0, 10);
	add_sequence(&l, "sseq", "n", 0);
	add_string(&l, "", lttng_ust_ctl_encode_UTF8);
	expect_refusal(&l, -EINVAL, "sequence of strings");

	l.n = 0;
	add_enum(&l, "fenum", "sample_state", 0);
	add_float(&l, "", 8, 24, NATIVE);
	expect_refusal(&l, -EINVAL, "enum over a float");

	l.n = 0;
	add_array(&l, "cut", 2, 0);
	expect_refusal(&l, -EOVERFLOW, "array without its element");

	l.n = 0;
	add_int(&l, "t", 8, 0, 10);
	add_variant(&l, "v", 3, "t", 0);
	add_int(&l, "one", 8, 0, 10);
	expect_refusal(&l, -EOVERFLOW, "variant with fewer choices than announced");

	l.n = 0;
	add_enum(&l, "nope", "missing", 0);
	add_elem(&l, 8, 0, 10, NATIVE);
	expect_refusal(&l, -ENOENT, "unregistered enumeration");

	l.n = 0;
	push(&l, "weird", (enum lttng_ust_ctl_abstract_types) 99);
	expect_refusal(&l, -EINVAL, "unknown type");

	l.n = 0;
	f = push(&l, "x", lttng_ust_ctl_atype_integer);
	memset(f->name, 'x', sizeof(f->name));
	expect_refusal(&l, -EINVAL, "name without its NUL");

	l.n = 0;
	f = push(&l, "x", lttng_ust_ctl_atype_sequence_nestable);
	memset(f->type.u.sequence_nestable.length_name, 'y',
	       sizeof(f->type.u.sequence_nestable.length_name));
	add_elem(&l, 8, 0, 10, NATIVE);
	expect_refusal(&l, -EINVAL, "length name without its NUL");

	/* Variants nested deeper than anything lttng-ust produces. */
	l.n = 0;
	add_int(&l, "t", 8, 0, 10);
	for (int i = 0; i < 40; i++)
		add_variant(&l, "v", 1, "t", 0);
	add_int(&l, "leaf", 8, 0, 10);
	expect_refusal(&l, -EINVAL, "variants nested 40 deep");
}

/* ---- measurements ----------------------------------------------------------------- */

static int64_t naive_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &rt);
	return ((int64_t) rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);
}

static void test_clock_offset(void)
{
	int64_t before = naive_offset();
	int64_t measured = ust_metadata_measure_clock_offset();
	int64_t after = naive_offset();
	int64_t low = (before < after ? before : after) - 1000000;
	int64_t high = (before > after ? before : after) + 1000000;

	ok(measured >= low && measured <= high, "clock offset %lld within 1 ms of realtime - monotonic",
	   (long long) measured);
}

static void test_boot_id(void)
{
	char path[] = "/tmp/test-ust-metadata-XXXXXX";
	char id[64];
	int fd;

	is_int(ust_metadata_read_boot_id(id, sizeof(id)), 0, "boot id read");
	ok(strlen(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-',
	   "boot id is a uuid string without newline (%s)", id);
	is_int(ust_metadata_read_boot_id(id, 36), -ERANGE, "buffer of 36 bytes is too small");

	fd = mkstemp(path);
	if (fd < 0)
		bail_out("mkstemp: %s", strerror(errno));
	if (write(fd, "0123456789abcdef0123456789abcdef0123\nextra", 42) != 42)
		bail_out("write failed");
	is_int(ust_metadata_read_boot_id_from(path, id, sizeof(id)), 0, "boot id from a file");
	is_str(id, "0123456789abcdef0123456789abcdef0123", "first 36 characters only");
	if (ftruncate(fd, 10) != 0)
		bail_out("ftruncate failed");
	is_int(ust_metadata_read_boot_id_from(path, id, sizeof(id)), -EINVAL, "short file refused");
	close(fd);
	unlink(path);
	is_int(ust_metadata_read_boot_id_from(path, id, sizeof(id)), -ENOENT, "missing file");
}

int main(void)
{
	use_timezone("UTC0");
	test_header_per_uid();
	test_header_per_pid_auto_named();
	test_header_variants();
	test_streams();
	test_stream_app_context();
	test_stream_legacy_contexts();
	test_sample_events();
	test_padding_structs_variants();
	test_legacy_event_fields();
	test_byte_order_and_enum_values();
	test_event_header_lines();
	test_refusals();
	test_clock_offset();
	test_boot_id();
	done_testing();
	return exit_status();
}
