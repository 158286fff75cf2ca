/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trace clock of user-space traces: lttng-ust's monotonic clock, or the one an
 * lttng-ust clock plugin installs (LTTNG_UST_CLOCK_PLUGIN, loaded into this daemon by
 * liblttng-ust-common's constructor as into every application). As LTTng's session
 * daemon (T:src/bin/lttng-sessiond/ust-clock.h), the metadata's clock block takes its
 * name, uuid, description and frequency from liblttng-ust-common's getters, and the
 * offset is measured with its read callback.
 */
#ifndef SESSIOND_UST_CLOCK_H
#define SESSIOND_UST_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define UST_CLOCK_TEXT_MAX 256

struct ust_clock {
	char name[UST_CLOCK_TEXT_MAX];
	char description[UST_CLOCK_TEXT_MAX];
	char uuid[37];
	bool has_uuid;
	uint64_t freq;
	uint64_t (*read64)(void);
};

/* The clock as liblttng-ust-common has it now. A plugin's name that is not a TSDL
 * identifier, or a frequency of 0, is refused (-EINVAL) and logged: the caller keeps
 * the monotonic clock. 0 or -errno. */
int ust_clock_get(struct ust_clock *c);

#endif
