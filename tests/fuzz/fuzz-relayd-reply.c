/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: our consumer's reading of lttng-relayd's replies
 * (src/common/wire/relayd-codec.c, used by src/consumerd/relay/relay-conn.c). The
 * input: byte 0 picks the first reply kind, then the bytes a relay daemon sent; each
 * decoded reply is consumed and the next kind is the next byte's pick, as the
 * connection matches replies to the commands it sent in order.
 *
 * What the connection relies on: a reply consumes at least its fixed part and never
 * more than the bytes received, a path is inside the buffer, NUL-terminated and
 * shorter than RELAYD_PATH_MAX, and -EAGAIN only while the reply is incomplete.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "wire/relayd-codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 1;

	if (size < 1)
		return 0;
	enum relayd_reply_kind kind = (enum relayd_reply_kind) (data[0] % RELAYD_REPLY_KIND_COUNT);

	while (at <= size) {
		struct relayd_reply r;
		size_t used = 0;
		int ret = relayd_decode_reply(kind, data + at, size - at, &r, &used);

		if (ret == -EAGAIN || ret == -EPROTO)
			break;
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(used >= 4 && used <= size - at);
		if (r.path) {
			FUZZ_CHECK((const uint8_t *) r.path >= data + at &&
				   (const uint8_t *) r.path + r.path_len <= data + at + used);
			FUZZ_CHECK(r.path_len >= 1 && r.path_len < RELAYD_PATH_MAX);
			FUZZ_CHECK(r.path[r.path_len - 1] == '\0');
		}
		at += used;
		if (at >= size)
			break;
		kind = (enum relayd_reply_kind) (data[at] % RELAYD_REPLY_KIND_COUNT);
		at++;
	}
	return 0;
}
