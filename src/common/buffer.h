/* SPDX-License-Identifier: GPL-2.0-only */
/* Growable byte buffer used to build replies; every append is checked for overflow. */
#ifndef COMMON_BUFFER_H
#define COMMON_BUFFER_H

#include <stddef.h>
#include <stdint.h>

struct buffer {
	uint8_t *data;
	size_t size;
	size_t capacity;
};

void buffer_init(struct buffer *buf);
void buffer_fini(struct buffer *buf);
/* Makes room for extra more bytes without changing the size; 0 or -ENOMEM. */
int buffer_reserve(struct buffer *buf, size_t extra);
/* Appends len bytes; returns 0 or -ENOMEM. */
int buffer_append(struct buffer *buf, const void *data, size_t len);
/* Appends len zero bytes and returns a pointer to them, or NULL. The pointer is valid
 * until the next append. */
void *buffer_append_zeroed(struct buffer *buf, size_t len);
int buffer_append_u32(struct buffer *buf, uint32_t value);
/* Appends the string and its terminating NUL. */
int buffer_append_cstr(struct buffer *buf, const char *s);

#endif
