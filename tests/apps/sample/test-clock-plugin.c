/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An lttng-ust clock plugin for tests (LTTNG_UST_CLOCK_PLUGIN=<this .so>): a clock of
 * its own name, uuid and description that ticks in microseconds (the monotonic clock
 * divided by 1000), so that a trace recorded with it shows the plugin's clock in its
 * metadata and timestamps in its unit. lttng-ust calls lttng_ust_clock_plugin_init()
 * when it loads the library (in the applications and in the session daemon alike).
 * The setters are liblttng-ust-common's (lttng-ust 2.13 include/lttng/ust-clock.h,
 * not installed by Debian: declared here from that ABI).
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

typedef uint64_t (*clock_read64_fn)(void);
typedef uint64_t (*clock_freq_fn)(void);
typedef int (*clock_uuid_fn)(char *uuid);
typedef const char *(*clock_text_fn)(void);
int lttng_ust_trace_clock_set_read64_cb(clock_read64_fn cb);
int lttng_ust_trace_clock_set_freq_cb(clock_freq_fn cb);
int lttng_ust_trace_clock_set_uuid_cb(clock_uuid_fn cb);
int lttng_ust_trace_clock_set_name_cb(clock_text_fn cb);
int lttng_ust_trace_clock_set_description_cb(clock_text_fn cb);
int lttng_ust_enable_trace_clock_override(void);
void lttng_ust_clock_plugin_init(void);

#define TEST_CLOCK_UUID "5d1c6a3e-2b7f-4e8a-9c01-7f3b2a6d4e90"

static uint64_t test_clock_read64(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec) / 1000u;
}

static uint64_t test_clock_freq(void)
{
	return 1000000; /* microseconds */
}

static int test_clock_uuid(char *uuid)
{
	memcpy(uuid, TEST_CLOCK_UUID, sizeof(TEST_CLOCK_UUID)); /* 36 + NUL */
	return 0;
}

static const char *test_clock_name(void)
{
	return "lttng_test_clock";
}

static const char *test_clock_description(void)
{
	return "Test clock: the monotonic clock in microseconds";
}

void lttng_ust_clock_plugin_init(void)
{
	if (lttng_ust_trace_clock_set_read64_cb(test_clock_read64) ||
	    lttng_ust_trace_clock_set_freq_cb(test_clock_freq) ||
	    lttng_ust_trace_clock_set_uuid_cb(test_clock_uuid) ||
	    lttng_ust_trace_clock_set_name_cb(test_clock_name) ||
	    lttng_ust_trace_clock_set_description_cb(test_clock_description))
		return;
	(void) lttng_ust_enable_trace_clock_override();
}
