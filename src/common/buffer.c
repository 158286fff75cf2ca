/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

void buffer_init(struct buffer *buf)
{
	buf->data = NULL;
	buf->size = 0;
	buf->capacity = 0;
}

void buffer_fini(struct buffer *buf)
{
	free(buf->data);
	buffer_init(buf);
}

int buffer_reserve(struct buffer *buf, size_t extra)
{
	size_t needed, capacity;
	uint8_t *data;

	if (extra > SIZE_MAX - buf->size)
		return -ENOMEM;
	needed = buf->size + extra;
	if (needed <= buf->capacity)
		return 0;
	capacity = buf->capacity ? buf->capacity : 256;
	while (capacity < needed)
		capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
	data = realloc(buf->data, capacity);
	if (!data)
		return -ENOMEM;
	buf->data = data;
	buf->capacity = capacity;
	return 0;
}

int buffer_append(struct buffer *buf, const void *data, size_t len)
{
	int r;

	if (len == 0)
		return 0;
	r = buffer_reserve(buf, len);
	if (r < 0)
		return r;
	memcpy(buf->data + buf->size, data, len);
	buf->size += len;
	return 0;
}

void *buffer_append_zeroed(struct buffer *buf, size_t len)
{
	void *start;

	if (buffer_reserve(buf, len ? len : 1) < 0)
		return NULL;
	start = buf->data + buf->size;
	memset(start, 0, len);
	buf->size += len;
	return start;
}

int buffer_append_u32(struct buffer *buf, uint32_t value)
{
	return buffer_append(buf, &value, sizeof(value));
}

int buffer_append_cstr(struct buffer *buf, const char *s)
{
	return buffer_append(buf, s, strlen(s) + 1);
}
