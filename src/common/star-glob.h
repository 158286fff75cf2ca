/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng's star globs (event rule names and exclusions): '*' matches any run of
 * characters, a backslash makes the next character literal; nothing else is
 * special.
 */
#ifndef COMMON_STAR_GLOB_H
#define COMMON_STAR_GLOB_H

#include <stdbool.h>

/* Collapses runs of unescaped '*', as LTTng does before storing a pattern. */
void star_glob_normalize(char *pattern);
bool star_glob_match(const char *pattern, const char *name);
/* Whether a pattern holds an unescaped '*'. */
bool star_glob_is_glob(const char *pattern);

#endif
