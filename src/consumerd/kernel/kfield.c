/* SPDX-License-Identifier: GPL-2.0-only */
/* CTF field types and their TSDL; see kfield.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "kfield.h"

int tsdl_printf(struct buffer *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (buffer_reserve(out, (size_t) n + 1) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *) out->data + out->size, (size_t) n + 1, fmt, ap);
	va_end(ap);
	out->size += (size_t) n;
	return 0;
}

int tsdl_escaped(struct buffer *out, const char *s)
{
	for (; *s; s++) {
		int r;

		if (*s == '\n')
			r = buffer_append(out, "\\n", 2);
		else if (*s == '"' || *s == '\\')
			r = tsdl_printf(out, "\\%c", *s);
		else
			r = buffer_append(out, s, 1);
		if (r < 0)
			return r;
	}
	return 0;
}

size_t kfield_align(const struct kfield_type *t)
{
	switch (t->kind) {
	case KFIELD_STRING:
		return 1;
	case KFIELD_SEQUENCE:
		return t->len_bits / 8;
	default:
		return t->bits / 8;
	}
}

static int integer_tsdl(struct buffer *out, unsigned bits, bool is_signed, unsigned base,
			bool text)
{
	return tsdl_printf(out, "integer { size = %u; align = %u; signed = %u; encoding = %s; "
				"base = %u; }",
			   bits, bits, is_signed ? 1u : 0u, text ? "UTF8" : "none", base);
}

static void tabs_to(struct buffer *out, int tabs)
{
	for (int i = 0; i < tabs; i++)
		(void) buffer_append(out, "\t", 1);
}

int kfield_tsdl(struct buffer *out, const char *name, const struct kfield_type *t, int tabs)
{
	int r = 0;

	tabs_to(out, tabs);
	switch (t->kind) {
	case KFIELD_STRING:
		return tsdl_printf(out, "string _%s;\n", name);
	case KFIELD_INT:
		r = integer_tsdl(out, t->bits, t->is_signed, t->base, false);
		return r ? r : tsdl_printf(out, " _%s;\n", name);
	case KFIELD_ARRAY:
		r = integer_tsdl(out, t->bits, t->is_signed, t->base, t->text);
		return r ? r : tsdl_printf(out, " _%s[%u];\n", name, t->length);
	case KFIELD_SEQUENCE:
		r = integer_tsdl(out, t->len_bits, false, 10, false);
		if (!r)
			r = tsdl_printf(out, " __%s_length;\n", name);
		tabs_to(out, tabs);
		if (!r)
			r = integer_tsdl(out, t->bits, t->is_signed, t->base, t->text);
		return r ? r : tsdl_printf(out, " _%s[ __%s_length ];\n", name, name);
	}
	return -EINVAL;
}
