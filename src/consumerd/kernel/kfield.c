/* SPDX-License-Identifier: GPL-2.0-only */
/* CTF field types and their TSDL; see kfield.h. */
#include <errno.h>

#include "kfield.h"
#include "tsdl-text.h"

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
