/* SPDX-License-Identifier: GPL-2.0-only */
/* A channel's TSDL stream block; see tsdl-stream.h. */
#include <inttypes.h>

#include "tsdl-stream.h"
#include "tsdl-text.h"

int tsdl_stream(struct buffer *out, uint32_t id, bool large_header, tsdl_context_fn context,
		void *arg)
{
	int r = tsdl_printf(out,
		"stream {\n"
		"\tid = %" PRIu32 ";\n"
		"\tevent.header := struct event_header_%s;\n"
		"\tpacket.context := struct packet_context;\n",
		id, large_header ? "large" : "compact");

	if (r == 0 && context) {
		r = tsdl_puts(out, "\tevent.context := struct {\n");
		if (r == 0)
			r = context(out, arg);
		if (r == 0)
			r = tsdl_puts(out, "\t};\n");
	}
	return r ? r : tsdl_puts(out, "};\n\n");
}
