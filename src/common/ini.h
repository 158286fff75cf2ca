/* SPDX-License-Identifier: GPL-2.0-only */
/* Reader for LTTng's INI configuration files (lttng.conf). */
#ifndef COMMON_INI_H
#define COMMON_INI_H

#include <stdio.h>

/* Called for every key of every section; a non-zero return stops parsing and is
 * returned by ini_parse_file. */
typedef int (*ini_entry_cb)(void *user, const char *section, const char *key,
			    const char *value);

/* Parses an INI stream: "[section]" headers, "key = value" or "key: value" entries,
 * ';' and '#' comments, an optional UTF-8 BOM. Returns 0, the callback's non-zero
 * value, or the 1-based number of the first malformed line. */
int ini_parse_stream(FILE *stream, ini_entry_cb cb, void *user);

#endif
