/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The value of one field of one record, as a filter sees it (kevent.h,
 * kevent_field_load): integers as their CTF type says (size and signedness), text
 * arrays and strings as strings, elements of arrays and sequences by index. Records
 * of ftrace events are read where the conversion reads them; our statedump records
 * are already CTF and are walked field by field.
 */
#include <string.h>

#include "kevent.h"

/* v cut to the field's size and extended by its signedness. */
static int64_t typed(uint64_t v, const struct kfield_type *t)
{
	unsigned bits = t->bits;

	if (bits == 0 || bits >= 64)
		return (int64_t) v;
	v &= (1ull << bits) - 1;
	if (t->is_signed && (v & (1ull << (bits - 1))))
		v |= ~0ull << bits;
	return (int64_t) v;
}

static bool set_int(struct filter_value *out, int64_t v)
{
	out->type = FILTER_VALUE_INT;
	out->i = v;
	return true;
}

static bool set_string(struct filter_value *out, const char *s, size_t n)
{
	out->type = FILTER_VALUE_STRING;
	out->s = s;
	out->len = strnlen(s, n);
	out->literal = false;
	return true;
}

/* An element of a byte run (an array's or sequence's elements at data). */
static bool element(const uint8_t *data, uint64_t count, const struct kfield_type *t, int64_t index,
		    struct filter_value *out)
{
	unsigned size = t->bits / 8;
	uint64_t v = 0;

	if (index < 0 || (uint64_t) index >= count || size == 0 || size > 8)
		return false;
	for (int i = (int) size - 1; i >= 0; i--)
		v = (v << 8) | data[(uint64_t) index * size + (unsigned) i];
	return set_int(out, typed(v, t));
}

static bool load_record_field(const struct kevent *ev, unsigned field, struct kconv *cv,
			      const uint8_t *rec, uint32_t len, bool indexed, int64_t index,
			      struct filter_value *out)
{
	const struct kevent_field *f = &ev->fields[field];
	const char *s;
	uint32_t n;

	switch (f->type.kind) {
	case KFIELD_INT:
		return !indexed && set_int(out, typed(kevent_field_int(ev, field, cv, rec, len),
						      &f->type));
	case KFIELD_STRING:
		if (indexed)
			return false;
		if (f->user_string)
			return set_string(out, "", 0);
		krec_text(rec, len, &f->src, &s, &n);
		return set_string(out, s, n);
	case KFIELD_ARRAY: {
		unsigned elem = f->type.bits / 8;

		if (f->type.text || !f->src.present || f->src.dynamic) {
			krec_text(rec, len, &f->src, &s, &n);
			if (n > f->type.length)
				n = f->type.length;
			if (!indexed)
				return f->type.text && set_string(out, s, n);
			/* Bytes past the text are the array's zeros. */
			if (index < 0 || (uint64_t) index >= f->type.length)
				return false;
			return set_int(out, (uint64_t) index < n ? (int8_t) s[index] : 0);
		}
		if (!indexed || elem == 0 || (uint32_t) f->src.offset > len ||
		    (uint64_t) f->type.length * elem > len - (uint32_t) f->src.offset)
			return false;
		return element(rec + f->src.offset, f->type.length, &f->type, index, out);
	}
	case KFIELD_SEQUENCE: {
		uint32_t loc, off;

		if (!indexed || !f->src.present)
			return false;
		if (f->kind == KMAP_VTIDS) /* one TID */
			return index == 0 &&
			       set_int(out, (int32_t) krec_uint(rec, len, f->src.offset, f->src.size,
								  true));
		loc = (uint32_t) krec_uint(rec, len, f->src.offset, 4, false);
		off = (loc & 0xffff) + (f->src.relative ? (uint32_t) f->src.offset + 4 : 0);
		n = loc >> 16;
		if (off > len || n > len - off)
			return false;
		return element(rec + off, n / (f->type.bits / 8 ? f->type.bits / 8 : 1), &f->type,
			       index, out);
	}
	}
	return false;
}

static size_t align_up(size_t pos, size_t align)
{
	return align > 1 ? (pos + align - 1) / align * align : pos;
}

/* Our statedump records hold the CTF payload itself: walk to the field. */
static bool load_payload_field(const struct kevent *ev, unsigned field, const uint8_t *p,
			       uint32_t len, bool indexed, int64_t index, struct filter_value *out)
{
	size_t pos = 0;

	for (unsigned i = 0; i <= field; i++) {
		const struct kfield_type *t = &ev->fields[i].type;
		size_t elem = t->bits / 8, size;
		uint64_t count = 0;

		pos = align_up(pos, kfield_align(t));
		if (pos > len)
			return false;
		switch (t->kind) {
		case KFIELD_INT:
			size = elem;
			break;
		case KFIELD_STRING:
			size = strnlen((const char *) p + pos, len - pos);
			if (size == len - pos)
				return false; /* unterminated */
			size++;
			break;
		case KFIELD_ARRAY:
			count = t->length;
			size = (size_t) count * elem;
			break;
		case KFIELD_SEQUENCE: {
			size_t lbytes = t->len_bits / 8;

			if (lbytes > len - pos)
				return false;
			count = krec_uint(p, len, (int) pos, (int) lbytes, false);
			pos = align_up(pos + lbytes, elem);
			if (pos > len || elem == 0 || count > (len - pos) / elem)
				return false;
			size = (size_t) count * elem;
			break;
		}
		default:
			return false;
		}
		if (size > len - pos)
			return false;
		if (i < field) {
			pos += size;
			continue;
		}
		switch (t->kind) {
		case KFIELD_INT:
			return !indexed &&
			       set_int(out, typed(krec_uint(p, len, (int) pos, (int) elem, false), t));
		case KFIELD_STRING:
			return !indexed && set_string(out, (const char *) p + pos, size);
		default:
			if (!indexed)
				return t->text && set_string(out, (const char *) p + pos, size);
			return element(p + pos, count, t, index, out);
		}
	}
	return false;
}

bool kevent_field_load(const struct kevent *ev, unsigned field, struct kconv *cv,
		       const uint8_t *rec, uint32_t len, bool indexed, int64_t index,
		       struct filter_value *out)
{
	if (field >= ev->nfields)
		return false;
	if (ev->kind == KEVENT_STATEDUMP)
		return load_payload_field(ev, field, rec, len, indexed, index, out);
	if (len < 8)
		return false;
	return load_record_field(ev, field, cv, rec, len, indexed, index, out);
}
