/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding of lttng-relayd's replies (relayd-wire.h, doc/protocol/relayd.md). Pure: no
 * I/O, no logging. Replies come from a peer across the network: every length is
 * bounded before it is trusted.
 */
#ifndef COMMON_WIRE_RELAYD_CODEC_H
#define COMMON_WIRE_RELAYD_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "relayd-wire.h"

/* Which command a reply answers (they come in command order). */
enum relayd_reply_kind {
	RELAYD_REPLY_VERSION,       /* VERSION: major, minor */
	RELAYD_REPLY_CONFIGURATION, /* GET_CONFIGURATION: ret code, flags */
	RELAYD_REPLY_SESSION,       /* CREATE_SESSION: session id, ret code, output path */
	RELAYD_REPLY_STREAM,        /* ADD_STREAM: handle, ret code */
	RELAYD_REPLY_GENERIC,       /* ret code alone */
	RELAYD_REPLY_CLOSE_CHUNK,   /* CLOSE_TRACE_CHUNK: ret code, path */
	RELAYD_REPLY_KIND_COUNT,
};

struct relayd_reply {
	uint32_t ret_code;          /* all but VERSION */
	uint32_t major, minor;      /* VERSION */
	uint64_t session_id;        /* SESSION */
	uint64_t handle;            /* STREAM */
	uint64_t flags;             /* CONFIGURATION */
	const char *path;           /* SESSION, CLOSE_CHUNK: in the buffer, NUL-terminated,
				     * path_len bytes with it; NULL when none */
	size_t path_len;
};

/*
 * Decodes the reply of `kind` at the start of buf (len bytes received so far).
 * Returns 0 with *consumed set (the reply's bytes), -EAGAIN when more bytes are needed,
 * -EPROTO when the bytes cannot be that reply (a path longer than
 * RELAYD_PATH_MAX - 1 or not NUL-terminated), -EINVAL for a bad kind.
 */
int relayd_decode_reply(enum relayd_reply_kind kind, const uint8_t *buf, size_t len,
			struct relayd_reply *out, size_t *consumed);

#endif
