/* SPDX-License-Identifier: GPL-2.0-only */
/* Process-wide logging to stderr ("Error: ..." lines as LTTng prints them), with the levels of lttng-sessiond's -q/-v/-vv/-vvv. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_QUIET = -1, /* --quiet: nothing at all */
	LOG_LEVEL_ERROR = 0,  /* default: errors and warnings */
	LOG_LEVEL_WARN = 0,
	LOG_LEVEL_INFO = 1,   /* -v */
	LOG_LEVEL_DEBUG = 2,  /* -vv */
	LOG_LEVEL_TRACE = 3,  /* -vvv */
};

void log_set_level(int level);
/* LTTNG_ABORT_ON_ERROR=1: abort() after the first error is logged. */
void log_set_abort_on_error(int enabled);

__attribute__((format(printf, 2, 3))) void log_message(int level, const char *fmt, ...);
/* Logs "<message>: <strerror(-err)>" at error level and returns err, so callers can
 * "return log_error_errno(r, ...)" in one statement. err is a negative errno. */
__attribute__((format(printf, 2, 3))) int log_error_errno(int err, const char *fmt, ...);

#define log_error(...) log_message(LOG_LEVEL_ERROR, "Error: " __VA_ARGS__)
#define log_warn(...) log_message(LOG_LEVEL_WARN, "Warning: " __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, "DEBUG: " __VA_ARGS__)
#define log_trace(...) log_message(LOG_LEVEL_TRACE, "TRACE: " __VA_ARGS__)

#endif
