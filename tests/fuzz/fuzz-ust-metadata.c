/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: the TSDL generator fed with field arrays as an application may send
 * them in its notify registrations (any bytes: liblttng-ust-ctl copies them as they
 * come). Input: one selector byte (bit 0: a stream's context fields, else an event's
 * fields; bit 1: big-endian trace), then whole struct lttng_ust_ctl_field records.
 * Properties: no crash, and on failure the buffer is left exactly as it was.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "ust/ust-metadata.h"

#define MAX_FIELDS 64

static const struct lttng_ust_ctl_enum_entry *any_enum(void *opaque, const char *name, uint64_t id,
						       size_t *count)
{
	static struct lttng_ust_ctl_enum_entry entries[3];

	if (id == 7)
		return NULL; /* an unknown enum */
	strcpy(entries[0].string, "zero");
	strcpy(entries[1].string, "range");
	entries[1].start.value = 1;
	entries[1].end.value = 9;
	strcpy(entries[2].string, "auto");
	entries[2].u.extra.options = LTTNG_UST_CTL_UST_ENUM_ENTRY_OPTION_IS_AUTO;
	*count = 3;
	return entries;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lttng_ust_ctl_field *fields;
	struct ust_metadata_session s = {
		.bits_per_long = 64,
		.long_alignment = 64,
		.uint8_alignment = 8,
		.uint16_alignment = 16,
		.uint32_alignment = 32,
		.uint64_alignment = 64,
		.session_name = "fuzz",
		.hostname = "host",
	};
	struct buffer out;
	size_t count, before;
	int r;

	if (size < 1)
		return 0;
	count = (size - 1) / sizeof(*fields);
	if (count > MAX_FIELDS)
		count = MAX_FIELDS;
	s.big_endian = data[0] & 2;
	/* A copy: the generator may rely on the array's alignment. */
	fields = calloc(count ? count : 1, sizeof(*fields));
	if (!fields)
		return 0;
	memcpy(fields, data + 1, count * sizeof(*fields));
	buffer_init(&out);
	(void) buffer_append(&out, "prefix", 6);
	before = out.size;
	if (data[0] & 1)
		r = ust_metadata_stream_with_enums(&out, &s, 3, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE,
						   fields, count, any_enum, NULL);
	else
		r = ust_metadata_event(&out, &s, 3, 9, "p:ev", 13, NULL, fields, count, any_enum, NULL);
	if (r < 0) {
		FUZZ_CHECK(out.size == before);
		FUZZ_CHECK(memcmp(out.data, "prefix", 6) == 0);
	} else {
		FUZZ_CHECK(out.size > before);
		/* TSDL text only: no NUL inside what was appended. */
		FUZZ_CHECK(memchr(out.data + before, '\0', out.size - before) == NULL);
	}
	buffer_fini(&out);
	free(fields);
	return 0;
}
