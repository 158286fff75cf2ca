/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: codec_decode_event; what decodes must be self-consistent and survive a
 * round trip through the listing encoder. */
#include <string.h>

#include "fuzz.h"
#include "wire/client-codec.h"

static void check_event(const struct decoded_event *ev)
{
	FUZZ_CHECK(memchr(ev->name, '\0', sizeof(ev->name)) != NULL);
	FUZZ_CHECK(ev->exclusion_count <= CODEC_MAX_EXCLUSIONS);
	FUZZ_CHECK((ev->exclusion_count == 0) == (ev->exclusions == NULL));
	for (uint32_t i = 0; i < ev->exclusion_count; i++)
		FUZZ_CHECK(memchr(ev->exclusions[i], '\0', WIRE_SYMBOL_NAME_LEN) != NULL);
	if (ev->filter_expression)
		FUZZ_CHECK(strlen(ev->filter_expression) < CODEC_MAX_FILTER_LEN);
	if (ev->bytecode) {
		struct wire_bytecode h;

		FUZZ_CHECK(ev->filter_expression != NULL);
		FUZZ_CHECK(ev->bytecode_len >= sizeof(h));
		memcpy(&h, ev->bytecode, sizeof(h));
		FUZZ_CHECK(h.len == ev->bytecode_len - sizeof(h));
		FUZZ_CHECK(h.reloc_table_offset <= h.len);
	} else {
		FUZZ_CHECK(ev->bytecode_len == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded_event ev, again;
	struct buffer b;

	if (codec_decode_event(data, size, &ev) < 0)
		return 0;
	check_event(&ev);

	buffer_init(&b);
	FUZZ_CHECK(codec_encode_event(&b, &ev) == 0);
	FUZZ_CHECK(codec_decode_event(b.data, b.size, &again) == 0);
	check_event(&again);
	FUZZ_CHECK(strcmp(ev.name, again.name) == 0);
	FUZZ_CHECK(ev.type == again.type && ev.loglevel_type == again.loglevel_type);
	FUZZ_CHECK(ev.loglevel == again.loglevel && ev.pid == again.pid);
	FUZZ_CHECK(ev.enabled == again.enabled);
	FUZZ_CHECK(ev.exclusion_count == again.exclusion_count);
	for (uint32_t i = 0; i < ev.exclusion_count; i++)
		FUZZ_CHECK(strcmp(ev.exclusions[i], again.exclusions[i]) == 0);
	FUZZ_CHECK(!ev.filter_expression == !again.filter_expression);
	if (ev.filter_expression)
		FUZZ_CHECK(strcmp(ev.filter_expression, again.filter_expression) == 0);
	FUZZ_CHECK(again.bytecode == NULL); /* the listing form has none */
	decoded_event_fini(&again);
	decoded_event_fini(&ev);
	buffer_fini(&b);
	return 0;
}
