/* SPDX-License-Identifier: GPL-2.0-only */
/* lttng-relayd reply decoding (src/common/wire/relayd-codec.c): each reply kind,
 * replies split across reads, bounds on announced path lengths. */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "wire/relayd-codec.h"

static size_t put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
	return 4;
}

static size_t put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
	return 8;
}

static void test_fixed(void)
{
	uint8_t b[64];
	struct relayd_reply r;
	size_t used = 0, n = 0;

	n += put32(b, 2);
	n += put32(b + n, 13);
	is_int(relayd_decode_reply(RELAYD_REPLY_VERSION, b, 7, &r, &used), -EAGAIN,
	       "version: 7 bytes are not enough");
	is_int(relayd_decode_reply(RELAYD_REPLY_VERSION, b, n, &r, &used), 0, "version decodes");
	ok(r.major == 2 && r.minor == 13 && used == 8, "version 2.13, 8 bytes");
	n = put32(b, 10);
	n += put64(b + n, 1);
	is_int(relayd_decode_reply(RELAYD_REPLY_CONFIGURATION, b, n, &r, &used), 0,
	       "configuration decodes");
	ok(r.ret_code == 10 && r.flags == 1 && used == 12, "configuration: OK, clear allowed, 12 bytes");
	n = put64(b, 77);
	n += put32(b + n, 10);
	is_int(relayd_decode_reply(RELAYD_REPLY_STREAM, b, n, &r, &used), 0, "stream reply decodes");
	ok(r.handle == 77 && r.ret_code == 10 && used == 12, "stream handle 77, OK, 12 bytes");
	is_int(relayd_decode_reply(RELAYD_REPLY_GENERIC, b, 3, &r, &used), -EAGAIN,
	       "generic: 3 bytes are not enough");
	is_int(relayd_decode_reply(RELAYD_REPLY_KIND_COUNT, b, n, &r, &used), -EINVAL,
	       "an unknown kind is refused");
}

static void test_paths(void)
{
	static uint8_t b[8192];
	const char path[] = "host/s-20261208-010000/archives/a-b-1";
	struct relayd_reply r;
	size_t used = 0, n;

	n = put64(b, 5);
	n += put32(b + n, 10);
	n += put32(b + n, sizeof(path));
	memcpy(b + n, path, sizeof(path));
	is_int(relayd_decode_reply(RELAYD_REPLY_SESSION, b, n + 3, &r, &used), -EAGAIN,
	       "session reply: path not all there yet");
	is_int(relayd_decode_reply(RELAYD_REPLY_SESSION, b, n + sizeof(path), &r, &used), 0,
	       "session reply decodes");
	ok(r.session_id == 5 && r.ret_code == 10 && r.path && !strcmp(r.path, path) &&
		   used == 16 + sizeof(path),
	   "session id, OK, output path");
	b[n + sizeof(path) - 1] = 'x';
	is_int(relayd_decode_reply(RELAYD_REPLY_SESSION, b, n + sizeof(path), &r, &used), -EPROTO,
	       "an unterminated path is refused");
	n = put32(b, 10);
	n += put32(b + n, 4096);
	is_int(relayd_decode_reply(RELAYD_REPLY_CLOSE_CHUNK, b, sizeof(b), &r, &used), -EPROTO,
	       "a path of 4096 bytes is refused (LTTng's bound)");
	put32(b + 4, 0xffffffffu);
	is_int(relayd_decode_reply(RELAYD_REPLY_CLOSE_CHUNK, b, 8, &r, &used), -EPROTO,
	       "a huge announced length is refused before waiting for it");
	put32(b + 4, 0);
	is_int(relayd_decode_reply(RELAYD_REPLY_CLOSE_CHUNK, b, 8, &r, &used), 0,
	       "a chunk close without a path");
	ok(r.path == NULL && used == 8 && r.ret_code == 10, "no path, 8 bytes");
}

int main(void)
{
	test_fixed();
	test_paths();
	done_testing();
	return exit_status();
}
