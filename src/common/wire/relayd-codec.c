/* SPDX-License-Identifier: GPL-2.0-only */
/* lttng-relayd replies; see relayd-codec.h. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "relayd-codec.h"

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

/* A fixed part of `head` bytes whose last u32 (at path_len_at) announces a path. */
static int with_path(const uint8_t *buf, size_t len, size_t head, size_t path_len_at,
		     struct relayd_reply *out, size_t *consumed)
{
	uint32_t path_len;

	if (len < head)
		return -EAGAIN;
	path_len = be32_at(buf + path_len_at);
	if (path_len > RELAYD_PATH_MAX - 1)
		return -EPROTO;
	if (len - head < path_len)
		return -EAGAIN;
	if (path_len) {
		if (buf[head + path_len - 1] != '\0')
			return -EPROTO;
		out->path = (const char *) buf + head;
		out->path_len = path_len;
	}
	*consumed = head + path_len;
	return 0;
}

int relayd_decode_reply(enum relayd_reply_kind kind, const uint8_t *buf, size_t len,
			struct relayd_reply *out, size_t *consumed)
{
	memset(out, 0, sizeof(*out));
	switch (kind) {
	case RELAYD_REPLY_VERSION:
		if (len < sizeof(struct relayd_wire_version))
			return -EAGAIN;
		out->major = be32_at(buf);
		out->minor = be32_at(buf + 4);
		*consumed = sizeof(struct relayd_wire_version);
		return 0;
	case RELAYD_REPLY_CONFIGURATION:
		if (len < sizeof(struct relayd_wire_get_configuration_reply))
			return -EAGAIN;
		out->ret_code = be32_at(buf);
		out->flags = be64_at(buf + 4);
		*consumed = sizeof(struct relayd_wire_get_configuration_reply);
		return 0;
	case RELAYD_REPLY_SESSION: {
		const size_t head = sizeof(struct relayd_wire_create_session_reply);
		int r = with_path(buf, len, head,
				  offsetof(struct relayd_wire_create_session_reply,
					   output_path_length),
				  out, consumed);

		if (r == 0) {
			out->session_id = be64_at(buf);
			out->ret_code = be32_at(buf + 8);
		}
		return r;
	}
	case RELAYD_REPLY_STREAM:
		if (len < sizeof(struct relayd_wire_stream_reply))
			return -EAGAIN;
		out->handle = be64_at(buf);
		out->ret_code = be32_at(buf + 8);
		*consumed = sizeof(struct relayd_wire_stream_reply);
		return 0;
	case RELAYD_REPLY_GENERIC:
		if (len < sizeof(struct relayd_wire_generic_reply))
			return -EAGAIN;
		out->ret_code = be32_at(buf);
		*consumed = sizeof(struct relayd_wire_generic_reply);
		return 0;
	case RELAYD_REPLY_CLOSE_CHUNK: {
		int r = with_path(buf, len, sizeof(struct relayd_wire_close_trace_chunk_reply),
				  offsetof(struct relayd_wire_close_trace_chunk_reply, path_length),
				  out, consumed);

		if (r == 0)
			out->ret_code = be32_at(buf);
		return r;
	}
	default:
		return -EINVAL;
	}
}
