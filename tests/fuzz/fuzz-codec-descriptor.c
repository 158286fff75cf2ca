/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: codec_decode_descriptor, plus an encode/decode round trip. */
#include <string.h>

#include "fuzz.h"
#include "wire/client-codec.h"

static void check_descriptor(const struct decoded_descriptor *d)
{
	FUZZ_CHECK(d->type >= WIRE_DESCRIPTOR_REGULAR && d->type <= WIRE_DESCRIPTOR_LIVE);
	FUZZ_CHECK(d->output_type >= WIRE_OUTPUT_NONE && d->output_type <= WIRE_OUTPUT_NETWORK);
	FUZZ_CHECK(d->uri_count <= 2);
	FUZZ_CHECK(!d->has_name || memchr(d->name, '\0', sizeof(d->name)) != NULL);
	for (uint32_t i = 0; i < d->uri_count; i++) {
		FUZZ_CHECK(memchr(d->uris[i].subdir, '\0', sizeof(d->uris[i].subdir)) != NULL);
		FUZZ_CHECK(memchr(d->uris[i].dst.path, '\0', sizeof(d->uris[i].dst.path)) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded_descriptor d, again;
	struct buffer b;

	if (codec_decode_descriptor(data, size, &d) < 0)
		return 0;
	check_descriptor(&d);

	buffer_init(&b);
	FUZZ_CHECK(codec_encode_descriptor(&b, &d) == 0);
	FUZZ_CHECK(b.size == size);
	FUZZ_CHECK(codec_decode_descriptor(b.data, b.size, &again) == 0);
	FUZZ_CHECK(again.type == d.type && again.output_type == d.output_type);
	FUZZ_CHECK(again.has_name == d.has_name);
	FUZZ_CHECK(!d.has_name || strcmp(again.name, d.name) == 0);
	FUZZ_CHECK(again.live_timer_us == d.live_timer_us);
	FUZZ_CHECK(again.uri_count == d.uri_count);
	for (uint32_t i = 0; i < d.uri_count; i++)
		FUZZ_CHECK(memcmp(&again.uris[i], &d.uris[i], sizeof(d.uris[i])) == 0);
	buffer_fini(&b);
	return 0;
}
