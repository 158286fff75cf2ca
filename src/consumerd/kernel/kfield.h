/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CTF field types of the kernel trace (integers, strings, fixed arrays, sequences
 * with a preceding length field) as LTTng's kernel metadata declares them
 * (doc/protocol/kernel-trace.md, "TSDL fields"), their TSDL text, and their
 * alignment in a packet.
 */
#ifndef CONSUMERD_KERNEL_KFIELD_H
#define CONSUMERD_KERNEL_KFIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

enum kfield_kind {
	KFIELD_INT,
	KFIELD_STRING,
	KFIELD_ARRAY,	 /* `length` elements of the integer type */
	KFIELD_SEQUENCE, /* a length integer (len_bits) named _<name>_length, then elements */
};

struct kfield_type {
	enum kfield_kind kind;
	uint8_t bits;	 /* integer or element size: 8, 16, 32 or 64 */
	bool is_signed;
	uint8_t base;	 /* 8, 10 or 16 */
	bool text;	 /* elements are characters (encoding = UTF8) */
	uint32_t length; /* KFIELD_ARRAY */
	uint8_t len_bits; /* KFIELD_SEQUENCE */
};

/* Alignment in bytes of the field's first byte (a sequence: of its length field). */
size_t kfield_align(const struct kfield_type *t);
/* Appends the TSDL declaration of field `name` (written "_name", as LTTng does),
 * indented by `tabs`. 0 or -ENOMEM. */
int kfield_tsdl(struct buffer *out, const char *name, const struct kfield_type *t, int tabs);

#endif
