/* SPDX-License-Identifier: GPL-2.0-only */
/* TSDL text into a buffer; see tsdl-text.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tsdl-text.h"

int tsdl_printf(struct buffer *out, const char *fmt, ...)
{
	va_list measure, write;
	int len, r;

	va_start(measure, fmt);
	va_copy(write, measure);
	len = vsnprintf(NULL, 0, fmt, measure);
	va_end(measure);
	r = len < 0 ? -EINVAL : buffer_reserve(out, (size_t) len + 1);
	if (r == 0) {
		vsnprintf((char *) out->data + out->size, (size_t) len + 1, fmt, write);
		out->size += (size_t) len;
	}
	va_end(write);
	return r;
}

int tsdl_puts(struct buffer *out, const char *text)
{
	return buffer_append(out, text, strlen(text));
}

int tsdl_escaped(struct buffer *out, const char *text)
{
	int r = 0;

	while (r == 0 && *text) {
		size_t plain = strcspn(text, "\"\\\n");

		r = buffer_append(out, text, plain);
		text += plain;
		if (r == 0 && *text) {
			char escape[2] = { '\\', *text == '\n' ? 'n' : *text };

			r = buffer_append(out, escape, sizeof(escape));
			text++;
		}
	}
	return r;
}

int tsdl_string_attr(struct buffer *out, const char *key, const char *value)
{
	int r = tsdl_printf(out, "\t%s = \"", key);

	if (r == 0)
		r = tsdl_escaped(out, value ? value : "");
	return r ? r : tsdl_puts(out, "\";\n");
}
