/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging implementation: one line per message on stderr, prefixed by the program name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int current_level = LOG_LEVEL_ERROR;
static int abort_on_error;

void log_set_level(int level)
{
	current_level = level;
}

void log_set_abort_on_error(int enabled)
{
	abort_on_error = enabled;
}

__attribute__((format(printf, 3, 0))) static void log_vmessage(int level, const char *suffix,
							  const char *fmt, va_list ap)
{
	char line[2048];
	int len;

	if (level > current_level || current_level == LOG_LEVEL_QUIET)
		return;
	len = vsnprintf(line, sizeof(line), fmt, ap);
	if (len < 0)
		return;
	/* Same shape as LTTng's own messages: "Error: ...", "Warning: ...". */
	fprintf(stderr, "%s%s\n", line, suffix ? suffix : "");
	if (abort_on_error && strncmp(line, "Error:", 6) == 0)
		abort();
}

void log_message(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmessage(level, NULL, fmt, ap);
	va_end(ap);
}

int log_error_errno(int err, const char *fmt, ...)
{
	char suffix[160];
	char prefixed[1024];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(err < 0 ? -err : err));
	snprintf(prefixed, sizeof(prefixed), "Error: %s", fmt);
	va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	log_vmessage(LOG_LEVEL_ERROR, suffix, prefixed, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	return err;
}
