/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: codec_decode_context. */
#include <string.h>

#include <lttng/lttng.h>

#include "fuzz.h"
#include "wire/client-codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded_context ctx;
	uint32_t type;

	if (codec_decode_context(data, size, &ctx) < 0)
		return 0;
	FUZZ_CHECK(size >= sizeof(uint32_t));
	memcpy(&type, data, sizeof(type));
	FUZZ_CHECK(ctx.type == (int) type);
	if (type == LTTNG_EVENT_CONTEXT_APP_CONTEXT) {
		FUZZ_CHECK(ctx.app_provider && ctx.app_name);
		FUZZ_CHECK(size == 12 + strlen(ctx.app_provider) + 1 + strlen(ctx.app_name) + 1);
	} else {
		FUZZ_CHECK(!ctx.app_provider && !ctx.app_name);
	}
	if (type == LTTNG_EVENT_CONTEXT_PERF_COUNTER ||
	    type == LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER ||
	    type == LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER) {
		FUZZ_CHECK(memchr(ctx.perf_name, '\0', sizeof(ctx.perf_name)) != NULL);
		FUZZ_CHECK(size == 20 + strlen(ctx.perf_name) + 1);
	} else if (type != LTTNG_EVENT_CONTEXT_APP_CONTEXT) {
		FUZZ_CHECK(size == sizeof(uint32_t));
	}
	decoded_context_fini(&ctx);
	FUZZ_CHECK(!ctx.app_provider && !ctx.app_name);
	return 0;
}
