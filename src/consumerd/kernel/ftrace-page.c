/* SPDX-License-Identifier: GPL-2.0-only */
/* Raw ftrace page parser; see ftrace-page.h. */
#include <errno.h>
#include <string.h>

#include "ftrace-page.h"

/* Record header type_len values (kernel/trace/ring_buffer.c, events/header_event). */
#define TYPE_LEN_DATA_MAX 28
#define TYPE_PADDING 29
#define TYPE_TIME_EXTEND 30
#define TYPE_TIME_STAMP 31
#define TS_SHIFT 27
/* commit word: data length in the low bits, flags above (events/header_page). */
#define COMMIT_LEN_MASK ((1u << 27) - 1)
#define RB_MISSED_EVENTS (1ul << 31)
#define RB_MISSED_STORED (1ul << 30)

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void read_header(const uint8_t *page, size_t len, struct ftrace_page_info *info)
{
	uint64_t commit = get_u64(page + 8);
	uint32_t claimed = (uint32_t) (commit & COMMIT_LEN_MASK);
	size_t avail = len - FTRACE_PAGE_HEADER;

	memset(info, 0, sizeof(*info));
	info->timestamp = get_u64(page);
	info->missed_events = (commit & RB_MISSED_EVENTS) != 0;
	info->missed_stored = (commit & RB_MISSED_STORED) != 0;
	info->data_len = claimed;
	if (claimed > avail) {
		info->data_len = (uint32_t) avail;
		info->truncated = true;
	}
	/* The count of missed events sits right after the data. */
	if (info->missed_stored) {
		if ((size_t) claimed + 8 <= avail)
			info->missed_count = get_u64(page + FTRACE_PAGE_HEADER + claimed);
		else
			info->missed_stored = false;
	}
}

int ftrace_page_parse(const uint8_t *page, size_t len, struct ftrace_page_info *info,
		      ftrace_record_fn fn, void *userdata)
{
	const uint8_t *data;
	uint64_t ts;
	uint32_t off = 0, end;
	int count = 0;

	if (len < FTRACE_PAGE_HEADER)
		return -EINVAL;
	if (len > FTRACE_PAGE_SIZE)
		len = FTRACE_PAGE_SIZE;
	read_header(page, len, info);
	data = page + FTRACE_PAGE_HEADER;
	end = info->data_len;
	ts = info->timestamp;
	while (off + 4 <= end) {
		uint32_t head = get_u32(data + off);
		uint32_t type_len = head & 0x1f, delta = head >> 5;
		uint32_t rec_len, payload_off;

		off += 4;
		if (type_len == TYPE_PADDING) {
			if (delta == 0)
				break; /* the rest of the page is empty */
			if (off + 4 > end)
				break;
			rec_len = get_u32(data + off);
			/* array[0] counts the padding from its own start. */
			if (rec_len < 4 || rec_len > end - off) {
				info->truncated = true;
				break;
			}
			ts += delta;
			off += rec_len;
			continue;
		}
		if (type_len == TYPE_TIME_EXTEND || type_len == TYPE_TIME_STAMP) {
			uint64_t ext;

			if (off + 4 > end) {
				info->truncated = true;
				break;
			}
			ext = ((uint64_t) get_u32(data + off) << TS_SHIFT) + delta;
			off += 4;
			if (type_len == TYPE_TIME_EXTEND)
				ts += ext;
			else /* absolute, in the low 59 bits; keep the page's high bits */
				ts = (ts & ~((1ull << 59) - 1)) | ext;
			continue;
		}
		if (type_len == 0) {
			/* array[0] = payload length + 4 (itself), payload after it. */
			if (off + 4 > end) {
				info->truncated = true;
				break;
			}
			rec_len = get_u32(data + off);
			if (rec_len < 4) {
				info->truncated = true;
				break;
			}
			rec_len -= 4;
			payload_off = off + 4;
		} else {
			rec_len = type_len * 4;
			payload_off = off;
		}
		if (payload_off > end || rec_len > end - payload_off) {
			info->truncated = true;
			break;
		}
		ts += delta;
		if (fn) {
			int r = fn(userdata, ts, data + payload_off, rec_len);

			if (r)
				return r < 0 ? r : count;
		}
		count++;
		off = payload_off + rec_len;
	}
	return count;
}
