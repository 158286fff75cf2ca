/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounded byte buffer CTF packets are built in, little-endian (the byte order our
 * kernel metadata declares): aligned writes pad with zeros, a write that would not
 * fit fails with -ENOSPC and leaves the buffer as it was.
 */
#ifndef CONSUMERD_KERNEL_CTF_BUF_H
#define CONSUMERD_KERNEL_CTF_BUF_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ctf_buf {
	uint8_t *data;
	size_t cap;
	size_t len;
};

static inline size_t ctf_align_up(size_t v, size_t align)
{
	return align > 1 ? (v + align - 1) & ~(align - 1) : v;
}

static inline int ctf_buf_align(struct ctf_buf *b, size_t align)
{
	size_t n = ctf_align_up(b->len, align);

	if (n > b->cap)
		return -ENOSPC;
	memset(b->data + b->len, 0, n - b->len);
	b->len = n;
	return 0;
}

static inline int ctf_buf_put(struct ctf_buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len)
		return -ENOSPC;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Writes the low `bytes` bytes of v (1, 2, 4 or 8), little-endian, at its natural
 * alignment. */
static inline int ctf_buf_put_uint(struct ctf_buf *b, uint64_t v, unsigned bytes)
{
	uint8_t tmp[8];

	if (ctf_buf_align(b, bytes) < 0)
		return -ENOSPC;
	for (unsigned i = 0; i < bytes; i++)
		tmp[i] = (uint8_t) (v >> (8 * i));
	return ctf_buf_put(b, tmp, bytes);
}

#endif
