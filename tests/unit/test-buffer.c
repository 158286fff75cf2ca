/* SPDX-License-Identifier: GPL-2.0-only */
/* The growable reply buffer (src/common/buffer.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

#include "tap.h"

int main(void)
{
	struct buffer b;
	uint8_t *z;
	int r;

	buffer_init(&b);
	is_ptr_null(b.data, "init: no storage");
	is_uint(b.size, 0, "init: size 0");
	is_uint(b.capacity, 0, "init: capacity 0");

	r = buffer_append(&b, "", 0);
	is_int(r, 0, "appending nothing succeeds");
	is_ptr_null(b.data, "appending nothing allocates nothing");
	is_uint(b.size, 0, "appending nothing keeps size 0");

	r = buffer_append(&b, "abc", 3);
	is_int(r, 0, "append 3 bytes");
	is_uint(b.size, 3, "size 3");
	ok(b.capacity >= 3, "capacity covers the size (%zu)", b.capacity);
	is_mem(b.data, b.size, "abc", 3, "content");

	r = buffer_append_cstr(&b, "de");
	is_int(r, 0, "append_cstr");
	is_uint(b.size, 6, "append_cstr appends the NUL too");
	is_mem(b.data, b.size, "abcde", 6, "content after cstr");

	r = buffer_append_u32(&b, 0x04030201u);
	is_int(r, 0, "append_u32");
	is_mem(b.data + 6, 4, "\x01\x02\x03\x04", 4, "u32 in host (little-endian) order");

	z = buffer_append_zeroed(&b, 5);
	isnt_ptr_null(z, "append_zeroed returns a pointer");
	is_uint(b.size, 15, "append_zeroed grows the size");
	ok(z == b.data + 10, "pointer is at the old end");
	is_mem(z, 5, "\0\0\0\0\0", 5, "zeroed bytes");

	z = buffer_append_zeroed(&b, 0);
	isnt_ptr_null(z, "append_zeroed(0) still returns a pointer");
	is_uint(b.size, 15, "append_zeroed(0) keeps the size");

	/* Growth across many reallocations keeps the content. */
	{
		struct buffer big;
		int good = 1;

		buffer_init(&big);
		for (uint32_t i = 0; i < 100000; i++)
			if (buffer_append_u32(&big, i) < 0)
				good = 0;
		ok(good, "100000 appends succeed");
		is_uint(big.size, 400000, "size after 100000 u32");
		ok(big.capacity >= big.size, "capacity >= size");
		for (uint32_t i = 0; i < 100000 && good; i++) {
			uint32_t v;

			memcpy(&v, big.data + 4 * i, 4);
			if (v != i)
				good = 0;
		}
		ok(good, "every appended value is in place");
		buffer_fini(&big);
		is_ptr_null(big.data, "fini frees and resets data");
		is_uint(big.size, 0, "fini resets size");
		is_uint(big.capacity, 0, "fini resets capacity");
	}

	/* One large append. */
	{
		struct buffer big;
		size_t len = 3u << 20;
		uint8_t *src = malloc(len);

		if (!src)
			bail_out("oom");
		for (size_t i = 0; i < len; i++)
			src[i] = (uint8_t) (i * 31);
		buffer_init(&big);
		buffer_append(&big, "x", 1);
		r = buffer_append(&big, src, len);
		is_int(r, 0, "3 MiB append");
		is_uint(big.size, len + 1, "size after big append");
		ok(big.size == len + 1 && memcmp(big.data + 1, src, len) == 0, "big content intact");
		buffer_fini(&big);
		free(src);
	}

	/* Size overflow is refused and leaves the buffer as it was. */
	{
		size_t old_size = b.size, old_cap = b.capacity;
		uint8_t *old_data = b.data;

		r = buffer_append(&b, "x", SIZE_MAX);
		is_int(r, -ENOMEM, "append of SIZE_MAX bytes refused");
		r = buffer_append(&b, "x", SIZE_MAX - b.size + 1);
		is_int(r, -ENOMEM, "append that would wrap size refused");
		is_ptr_null(buffer_append_zeroed(&b, SIZE_MAX), "append_zeroed(SIZE_MAX) refused");
		is_uint(b.size, old_size, "size unchanged after refusals");
		is_uint(b.capacity, old_cap, "capacity unchanged after refusals");
		ok(b.data == old_data, "storage unchanged after refusals");
		is_mem(b.data, 6, "abcde", 6, "content unchanged after refusals");
	}

	/* A failed allocation (not an overflow) is also reported. SIZE_MAX - 2
	 * more bytes do not overflow the size; a 32-bit process may well get
	 * SIZE_MAX / 2 (2 GiB), no process gets this. */
	{
		struct buffer huge;

		buffer_init(&huge);
		buffer_append(&huge, "y", 1);
		ok(buffer_append_zeroed(&huge, SIZE_MAX - 2) == NULL,
		   "an impossible allocation returns NULL");
		is_uint(huge.size, 1, "size unchanged after failed allocation");
		buffer_fini(&huge);
	}

	buffer_fini(&b);
	ok(b.data == NULL && b.size == 0 && b.capacity == 0,
	   "final fini frees and resets the buffer");
	/* A second fini must free nothing (a double free aborts the test) and leave the
	 * buffer empty and usable. */
	buffer_fini(&b);
	ok(b.data == NULL && b.size == 0 && b.capacity == 0, "fini twice: still an empty buffer");
	r = buffer_append(&b, "again", 5);
	ok(r == 0 && b.size == 5 && b.data && memcmp(b.data, "again", 5) == 0,
	   "a buffer finished twice can be appended to again");
	buffer_fini(&b);

	done_testing();
	return exit_status();
}
