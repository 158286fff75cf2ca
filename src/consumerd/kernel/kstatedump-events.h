/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The statedump events we synthesize (system "lttng"), with LTTng 2.13.9's fields
 * (M:include/instrumentation/events/lttng-statedump.h). The consumer writes each one
 * into the channel's ftrace instance through trace_marker_raw as
 *   u32 id = KSD_MARKER_BASE + code, u32 length, length bytes of CTF payload
 * (encoded from offset 0, which is aligned for the payload struct), so it gets the
 * kernel's clock and CPU order; the converter finds it back in ftrace:raw_data.
 */
#ifndef CONSUMERD_KERNEL_KSTATEDUMP_EVENTS_H
#define CONSUMERD_KERNEL_KSTATEDUMP_EVENTS_H

#include <stdint.h>

#include "kfield.h"

#define KSD_MARKER_BASE 0x4c540000u /* "LT" in the high half: ours */
#define KSD_MARKER_MAX_WRITE 4000u  /* a trace_marker_raw write fits a sub-buffer */

enum ksd_code {
	KSD_START = 1,
	KSD_END,
	KSD_PROCESS_STATE,
	KSD_FILE_DESCRIPTOR,
	KSD_INTERRUPT,
	KSD_BLOCK_DEVICE,
	KSD_PROCESS_PID_NS,
	KSD_PROCESS_CGROUP_NS,
	KSD_PROCESS_IPC_NS,
	KSD_PROCESS_MNT_NS,
	KSD_PROCESS_NET_NS,
	KSD_PROCESS_USER_NS,
	KSD_PROCESS_UTS_NS,
	KSD_PROCESS_TIME_NS,
	KSD_NETWORK_INTERFACE,
	KSD_CPU_TOPOLOGY,
	KSD_CODE_END, /* one past the last code */
};

struct ksd_field {
	const char *name;
	struct kfield_type type;
};

struct ksd_event {
	const char *name;
	uint32_t code;
	const struct ksd_field *fields;
	unsigned nfields;
};

const struct ksd_event *ksd_find(const char *name);
const struct ksd_event *ksd_by_code(uint32_t code);

#endif
