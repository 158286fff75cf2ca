/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Appending CTF metadata (TSDL) text to a growable buffer: formatted text, plain
 * text, string literals with their escapes, and `key = "value";` lines. Every
 * function returns 0 or -ENOMEM (-EINVAL for a format vsnprintf refuses); no
 * terminating NUL is kept.
 */
#ifndef COMMON_TSDL_TEXT_H
#define COMMON_TSDL_TEXT_H

#include "buffer.h"

__attribute__((format(printf, 2, 3))) int tsdl_printf(struct buffer *out, const char *fmt, ...);
int tsdl_puts(struct buffer *out, const char *text);
/* The inside of a TSDL string literal: '"' and '\\' get a backslash, a newline is
 * written \n; every other byte stands for itself. */
int tsdl_escaped(struct buffer *out, const char *text);
/* A line `\t<key> = "<value>";` (value escaped; NULL is written as ""). */
int tsdl_string_attr(struct buffer *out, const char *key, const char *value);

#endif
