/* SPDX-License-Identifier: GPL-2.0-only */
/* LTTng's star globs (star-glob.h). */
#include <stddef.h>

#include "star-glob.h"

void star_glob_normalize(char *pattern)
{
	char *out = pattern;
	bool previous_star = false;

	for (const char *p = pattern; *p; p++) {
		if (*p == '*') {
			if (previous_star)
				continue;
			previous_star = true;
		} else if (*p == '\\') {
			*out++ = *p++;
			if (!*p)
				break;
			previous_star = false;
		} else {
			previous_star = false;
		}
		*out++ = *p;
	}
	*out = '\0';
}

bool star_glob_match(const char *pattern, const char *name)
{
	const char *star_p = NULL, *star_n = NULL;

	/* Classic backtracking on the last star: linear in practice, bounded by
	 * |pattern| x |name| at worst. */
	while (*name) {
		if (*pattern == '*') {
			star_p = ++pattern;
			star_n = name;
			continue;
		}
		if (*pattern == '\\' && pattern[1]) {
			if (pattern[1] == *name) {
				pattern += 2;
				name++;
				continue;
			}
		} else if (*pattern && *pattern == *name) {
			pattern++;
			name++;
			continue;
		}
		if (!star_p)
			return false;
		pattern = star_p;
		name = ++star_n;
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

bool star_glob_is_glob(const char *pattern)
{
	for (; *pattern; pattern++) {
		if (*pattern == '\\' && pattern[1]) {
			pattern++;
			continue;
		}
		if (*pattern == '*')
			return true;
	}
	return false;
}
