/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: codec_decode_channel, plus an encode/decode round trip of what decoded. */
#include <string.h>

#include "fuzz.h"
#include "wire/client-codec.h"

static void check_same_channel(const struct decoded_channel *a, const struct decoded_channel *b)
{
	FUZZ_CHECK(strcmp(a->name, b->name) == 0);
	FUZZ_CHECK(a->enabled == b->enabled);
	FUZZ_CHECK(a->attr.subbuf_size == b->attr.subbuf_size);
	FUZZ_CHECK(a->attr.num_subbuf == b->attr.num_subbuf);
	FUZZ_CHECK(a->attr.overwrite == b->attr.overwrite);
	FUZZ_CHECK(a->attr.switch_timer_us == b->attr.switch_timer_us);
	FUZZ_CHECK(a->attr.read_timer_us == b->attr.read_timer_us);
	FUZZ_CHECK(a->attr.output == b->attr.output);
	FUZZ_CHECK(a->attr.tracefile_size == b->attr.tracefile_size);
	FUZZ_CHECK(a->attr.tracefile_count == b->attr.tracefile_count);
	FUZZ_CHECK(a->attr.live_timer_us == b->attr.live_timer_us);
	FUZZ_CHECK(a->attr.monitor_timer_us == b->attr.monitor_timer_us);
	FUZZ_CHECK(a->attr.blocking_timeout_us == b->attr.blocking_timeout_us);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded_channel ch, again;
	struct buffer b;

	if (codec_decode_channel(data, size, &ch) < 0)
		return 0;
	FUZZ_CHECK(memchr(ch.name, '\0', sizeof(ch.name)) != NULL);
	/* Decoding accepts exactly header + name + NUL. */
	FUZZ_CHECK(size == sizeof(struct wire_channel) + strlen(ch.name) + 1);

	buffer_init(&b);
	FUZZ_CHECK(codec_encode_channel(&b, ch.name, ch.enabled, &ch.attr, 1, 2) == 0);
	FUZZ_CHECK(b.size == size);
	FUZZ_CHECK(codec_decode_channel(b.data, b.size, &again) == 0);
	check_same_channel(&ch, &again);
	buffer_fini(&b);
	return 0;
}
