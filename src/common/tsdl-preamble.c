/* SPDX-License-Identifier: GPL-2.0-only */
/* The opening TSDL blocks of a trace's metadata; see tsdl-preamble.h. */
#include <inttypes.h>

#include "macros.h"
#include "tsdl-preamble.h"
#include "tsdl-text.h"

/* "typealias integer { ... } := <name>;", unsigned. */
static int integer_alias(struct buffer *out, uint32_t bits, uint32_t align, const char *name)
{
	return tsdl_printf(out,
		"typealias integer { size = %" PRIu32 "; align = %" PRIu32 "; signed = false; }"
		" := %s;\n",
		bits, align, name);
}

static int integer_aliases(struct buffer *out, const struct tsdl_abi *abi)
{
	const struct {
		uint32_t bits, align;
		const char *name;
	} aliases[] = {
		{ 8, abi->uint8_align, "uint8_t" },
		{ 16, abi->uint16_align, "uint16_t" },
		{ 32, abi->uint32_align, "uint32_t" },
		{ 64, abi->uint64_align, "uint64_t" },
		{ abi->long_bits, abi->long_align, "unsigned long" },
		{ 5, 1, "uint5_t" },
		{ 27, 1, "uint27_t" },
	};
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(aliases) && r == 0; i++)
		r = integer_alias(out, aliases[i].bits, aliases[i].align, aliases[i].name);
	return r;
}

int tsdl_preamble_trace(struct buffer *out, const struct tsdl_abi *abi, const uint8_t uuid[16])
{
	int r = integer_aliases(out, abi);

	if (r == 0)
		r = tsdl_printf(out,
			"\n"
			"trace {\n"
			"\tmajor = 1;\n"
			"\tminor = 8;\n"
			"\tuuid = \"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			"%02x%02x%02x%02x%02x%02x\";\n",
			uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
			uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14],
			uuid[15]);
	return r ? r : tsdl_printf(out,
		"\tbyte_order = %s;\n"
		"\tpacket.header := struct {\n"
		"\t\tuint32_t magic;\n"
		"\t\tuint8_t  uuid[16];\n"
		"\t\tuint32_t stream_id;\n"
		"\t\tuint64_t stream_instance_id;\n"
		"\t};\n"
		"};\n\n",
		abi->big_endian ? "be" : "le");
}

int tsdl_preamble_clock(struct buffer *out, const struct tsdl_clock *c)
{
	int r = tsdl_puts(out, "clock {\n");

	if (r == 0)
		r = tsdl_string_attr(out, "name", c->name ? c->name : "monotonic");
	if (r == 0 && c->uuid)
		r = tsdl_string_attr(out, "uuid", c->uuid);
	if (r == 0)
		r = tsdl_string_attr(out, "description",
				     c->description ? c->description : "Monotonic Clock");
	return r ? r : tsdl_printf(out,
		"\tfreq = %" PRIu64 "; /* Frequency, in Hz */\n"
		"\t/* clock value offset from Epoch is: offset * (1/freq) */\n"
		"\toffset = %" PRId64 ";\n"
		"};\n\n",
		c->freq ? c->freq : (uint64_t) 1000000000, c->offset);
}

/* A typealias of an unsigned integer whose values are the trace clock's. */
static int clock_integer(struct buffer *out, unsigned bits, uint32_t align, const char *clock)
{
	return tsdl_printf(out,
		"typealias integer {\n"
		"\tsize = %u; align = %" PRIu32 "; signed = false;\n"
		"\tmap = clock.%s.value;\n"
		"} := uint%u_clock_monotonic_t;\n\n",
		bits, align, clock, bits);
}

static int packet_context(struct buffer *out)
{
	return tsdl_puts(out,
		"struct packet_context {\n"
		"\tuint64_clock_monotonic_t timestamp_begin;\n"
		"\tuint64_clock_monotonic_t timestamp_end;\n"
		"\tuint64_t content_size;\n"
		"\tuint64_t packet_size;\n"
		"\tuint64_t packet_seq_num;\n"
		"\tunsigned long events_discarded;\n"
		"\tuint32_t cpu_id;\n"
		"};\n\n");
}

/* struct event_header_<name>: an id of id_type whose last value (extended_id) says
 * that a 32-bit id and a 64-bit timestamp follow; otherwise a timestamp_type one. */
static int event_header(struct buffer *out, const char *name, const char *id_type,
			unsigned extended_id, const char *timestamp_type, uint32_t align)
{
	return tsdl_printf(out,
		"struct event_header_%s {\n"
		"\tenum : %s { compact = 0 ... %u, extended = %u } id;\n"
		"\tvariant <id> {\n"
		"\t\tstruct {\n"
		"\t\t\t%s timestamp;\n"
		"\t\t} compact;\n"
		"\t\tstruct {\n"
		"\t\t\tuint32_t id;\n"
		"\t\t\tuint64_clock_monotonic_t timestamp;\n"
		"\t\t} extended;\n"
		"\t} v;\n"
		"} align(%" PRIu32 ");\n\n",
		name, id_type, extended_id - 1, extended_id, timestamp_type, align);
}

int tsdl_preamble_headers(struct buffer *out, const struct tsdl_abi *abi, const char *clock_name)
{
	const char *clock = clock_name ? clock_name : "monotonic";
	int r = clock_integer(out, 27, 1, clock);

	if (r == 0)
		r = clock_integer(out, 32, abi->uint32_align, clock);
	if (r == 0)
		r = clock_integer(out, 64, abi->uint64_align, clock);
	if (r == 0)
		r = packet_context(out);
	if (r == 0)
		r = event_header(out, "compact", "uint5_t", 31, "uint27_clock_monotonic_t",
				 abi->uint32_align);
	return r ? r : event_header(out, "large", "uint16_t", 65535, "uint32_clock_monotonic_t",
				    abi->uint16_align);
}
