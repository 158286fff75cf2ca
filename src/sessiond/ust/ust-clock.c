/* SPDX-License-Identifier: GPL-2.0-only */
/* The trace clock, from liblttng-ust-common; see ust-clock.h. */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "macros.h"
#include "ust/ust-clock.h"

/*
 * liblttng-ust-common.so.1's clock accessors (lttng-ust 2.13's include/lttng/ust-clock.h,
 * which Debian's lttng-ust-dev does not install): each stores the current callback
 * (a plugin's, else the monotonic clock's) and returns 0. Declared here from that ABI.
 */
typedef uint64_t (*ust_clock_read64_fn)(void);
typedef uint64_t (*ust_clock_freq_fn)(void);
typedef int (*ust_clock_uuid_fn)(char *uuid);
typedef const char *(*ust_clock_text_fn)(void);
int lttng_ust_trace_clock_get_read64_cb(ust_clock_read64_fn *cb);
int lttng_ust_trace_clock_get_freq_cb(ust_clock_freq_fn *cb);
int lttng_ust_trace_clock_get_uuid_cb(ust_clock_uuid_fn *cb);
int lttng_ust_trace_clock_get_name_cb(ust_clock_text_fn *cb);
int lttng_ust_trace_clock_get_description_cb(ust_clock_text_fn *cb);

static bool identifier_ok(const char *s)
{
	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

int ust_clock_get(struct ust_clock *c)
{
	ust_clock_freq_fn freq = NULL;
	ust_clock_uuid_fn uuid = NULL;
	ust_clock_text_fn name = NULL, description = NULL;
	const char *n, *dsc;
	char uuid_buf[64] = "";

	memset(c, 0, sizeof(*c));
	if (lttng_ust_trace_clock_get_read64_cb(&c->read64) || !c->read64 ||
	    lttng_ust_trace_clock_get_freq_cb(&freq) || !freq ||
	    lttng_ust_trace_clock_get_uuid_cb(&uuid) ||
	    lttng_ust_trace_clock_get_name_cb(&name) || !name ||
	    lttng_ust_trace_clock_get_description_cb(&description) || !description)
		return -ENOENT;
	n = name();
	dsc = description();
	c->freq = freq();
	if (!identifier_ok(n) || !dsc || !c->freq || copy_string(c->name, sizeof(c->name), n) < 0 ||
	    copy_string(c->description, sizeof(c->description), dsc) < 0) {
		log_error("The lttng-ust clock plugin's clock cannot be described (name \"%s\", "
			  "frequency %llu): the monotonic clock is used",
			  n ? n : "", (unsigned long long) c->freq);
		memset(c, 0, sizeof(*c));
		return -EINVAL;
	}
	/* Its uuid callback writes a 36-character uuid and its NUL. */
	if (uuid && uuid(uuid_buf) == 0 && memchr(uuid_buf, '\0', sizeof(uuid_buf)) &&
	    strlen(uuid_buf) == 36) {
		memcpy(c->uuid, uuid_buf, 37);
		c->has_uuid = true;
	}
	return 0;
}
