/* SPDX-License-Identifier: GPL-2.0-only */
#include <ctype.h>
#include <string.h>

#include "ini.h"

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* Cuts an inline comment: ';' or '#' preceded by white space. */
static void strip_inline_comment(char *s)
{
	if (!*s)
		return;
	for (char *p = s + 1; *p; p++) {
		if ((*p == ';' || *p == '#') && isspace((unsigned char) p[-1])) {
			*p = '\0';
			return;
		}
	}
}

int ini_parse_stream(FILE *stream, ini_entry_cb cb, void *user)
{
	char line[1024];
	char section[128] = "";
	int lineno = 0;
	int first_error = 0;

	while (fgets(line, sizeof(line), stream)) {
		char *s = line;
		char *sep;
		int r;

		lineno++;
		if (lineno == 1 && (unsigned char) s[0] == 0xEF && (unsigned char) s[1] == 0xBB &&
		    (unsigned char) s[2] == 0xBF)
			s += 3;
		s = trim(s);
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || (size_t) (close - s - 1) >= sizeof(section)) {
				first_error = first_error ? first_error : lineno;
				continue;
			}
			*close = '\0';
			strcpy(section, trim(s + 1));
			continue;
		}
		sep = strpbrk(s, "=:");
		if (!sep) {
			first_error = first_error ? first_error : lineno;
			continue;
		}
		*sep = '\0';
		strip_inline_comment(sep + 1);
		r = cb(user, section, trim(s), trim(sep + 1));
		if (r)
			return r;
	}
	return first_error;
}
