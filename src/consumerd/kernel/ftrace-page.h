/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The raw ftrace ring-buffer page read from per_cpu/cpuN/trace_pipe_raw
 * (doc/protocol/kernel-trace.md, "Raw pages"): a 16-byte header (u64 timestamp, u64
 * commit = data length | flags) then records of a 32-bit header (type_len:5,
 * time_delta:27) and their payload. Our own parser rather than libtraceevent's
 * kbuffer: kbuffer trusts the lengths a page gives, this one bounds every record by
 * the page's data length and the page by FTRACE_PAGE_SIZE, so a malformed page
 * yields fewer records, never a read outside it (fuzzed: tests/fuzz/fuzz-kernel-page.c).
 */
#ifndef CONSUMERD_KERNEL_FTRACE_PAGE_H
#define CONSUMERD_KERNEL_FTRACE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FTRACE_PAGE_SIZE 4096u
#define FTRACE_PAGE_HEADER 16u
#define FTRACE_PAGE_DATA_MAX (FTRACE_PAGE_SIZE - FTRACE_PAGE_HEADER)

struct ftrace_page_info {
	uint64_t timestamp;	/* of the page */
	uint32_t data_len;	/* bytes of records (bounded to what was read) */
	bool missed_events;	/* RB_MISSED_EVENTS: records were lost before this page */
	bool missed_stored;	/* RB_MISSED_STORED: missed_count is valid */
	uint64_t missed_count;
	bool truncated;		/* the page claimed more data than was read, or a record
				 * ran past the data: the rest was ignored */
};

/* One record: its absolute timestamp and payload (len bytes, a multiple of 4; the
 * tail may be padding). Returns 0 to go on, anything else stops the walk. */
typedef int (*ftrace_record_fn)(void *userdata, uint64_t ts, const uint8_t *data, uint32_t len);

/*
 * Walks the page of len bytes (a whole page, or a partial one as a non-blocking read
 * returns it; at most FTRACE_PAGE_SIZE are looked at). Returns the number of records
 * delivered, or -EINVAL when len cannot hold a page header, or what the callback
 * returned when it stopped the walk (a negative value).
 */
int ftrace_page_parse(const uint8_t *page, size_t len, struct ftrace_page_info *info,
		      ftrace_record_fn fn, void *userdata);

#endif
