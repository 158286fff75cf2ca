/* SPDX-License-Identifier: GPL-2.0-only */
/* Our statedump events' LTTng fields; see kstatedump-events.h. */
#include <stddef.h>
#include <string.h>

#include "kstatedump-events.h"

#define I32 { .kind = KFIELD_INT, .bits = 32, .is_signed = true, .base = 10 }
#define U32 { .kind = KFIELD_INT, .bits = 32, .base = 10 }
#define U32_OCT { .kind = KFIELD_INT, .bits = 32, .base = 8 }
#define U32_HEX { .kind = KFIELD_INT, .bits = 32, .base = 16 }
#define ULONG_HEX { .kind = KFIELD_INT, .bits = 64, .base = 16 }
#define COMM { .kind = KFIELD_ARRAY, .bits = 8, .is_signed = true, .base = 10, .text = true, .length = 16 }
#define STRING { .kind = KFIELD_STRING }
#define U8 { .kind = KFIELD_INT, .bits = 8, .base = 10 }
#define U16 { .kind = KFIELD_INT, .bits = 16, .base = 10 }

/* M:lttng-statedump.h lttng_statedump_process_state */
static const struct ksd_field process_state[] = {
	{ "tid", I32 }, { "pid", I32 }, { "ppid", I32 }, { "name", COMM },
	{ "type", I32 }, { "mode", I32 }, { "submode", I32 }, { "status", I32 },
	{ "cpu", U32 }, { "file_table_address", ULONG_HEX },
};
/* M:lttng-statedump.h lttng_statedump_file_descriptor */
static const struct ksd_field file_descriptor[] = {
	{ "file_table_address", ULONG_HEX }, { "fd", I32 }, { "flags", U32_OCT },
	{ "fmode", U32_HEX }, { "filename", STRING },
};
/* M:lttng-statedump.h lttng_statedump_interrupt */
static const struct ksd_field interrupt[] = {
	{ "irq", U32 }, { "name", STRING }, { "action", STRING }, { "tid", I32 },
};

/* M:lttng-statedump.h lttng_statedump_block_device (dev_t: the kernel's u32,
 * major << 20 | minor) */
static const struct ksd_field block_device[] = {
	{ "dev", U32 }, { "diskname", STRING },
};

/* M:lttng-statedump.h lttng_statedump_process_pid_ns */
static const struct ksd_field pid_ns[] = {
	{ "tid", I32 }, { "vtid", I32 }, { "vpid", I32 }, { "vppid", I32 },
	{ "ns_level", I32 }, { "ns_inum", U32 },
};
/* M:lttng-statedump.h lttng_statedump_process_{cgroup,ipc,mnt,net,uts,time}_ns */
static const struct ksd_field plain_ns[] = {
	{ "tid", I32 }, { "ns_inum", U32 },
};
/* M:lttng-statedump.h lttng_statedump_process_user_ns (uid_t, gid_t: u32) */
static const struct ksd_field user_ns[] = {
	{ "tid", I32 }, { "vuid", U32 }, { "vgid", U32 }, { "ns_level", I32 }, { "ns_inum", U32 },
};
/* M:lttng-statedump.h lttng_statedump_network_interface (LTTng declares the address
 * in network byte order; ours is the same value in the trace's byte order) */
static const struct ksd_field network_interface[] = {
	{ "name", STRING }, { "address_ipv4", U32_HEX },
};
/* M:lttng-statedump.h lttng_statedump_cpu_topology (x86) */
static const struct ksd_field cpu_topology[] = {
	{ "architecture", STRING }, { "cpu_id", U16 }, { "vendor", STRING }, { "family", U8 },
	{ "model", U8 }, { "model_name", STRING }, { "physical_id", U16 }, { "core_id", U16 },
	{ "cores", U16 },
};

#define NS_EVENT(name, code, fields) { name, code, fields, sizeof(fields) / sizeof((fields)[0]) }

static const struct ksd_event events[] = {
	{ "lttng_statedump_start", KSD_START, NULL, 0 },
	{ "lttng_statedump_end", KSD_END, NULL, 0 },
	{ "lttng_statedump_process_state", KSD_PROCESS_STATE, process_state,
	  sizeof(process_state) / sizeof(process_state[0]) },
	{ "lttng_statedump_file_descriptor", KSD_FILE_DESCRIPTOR, file_descriptor,
	  sizeof(file_descriptor) / sizeof(file_descriptor[0]) },
	{ "lttng_statedump_interrupt", KSD_INTERRUPT, interrupt,
	  sizeof(interrupt) / sizeof(interrupt[0]) },
	{ "lttng_statedump_block_device", KSD_BLOCK_DEVICE, block_device,
	  sizeof(block_device) / sizeof(block_device[0]) },
	NS_EVENT("lttng_statedump_process_pid_ns", KSD_PROCESS_PID_NS, pid_ns),
	NS_EVENT("lttng_statedump_process_cgroup_ns", KSD_PROCESS_CGROUP_NS, plain_ns),
	NS_EVENT("lttng_statedump_process_ipc_ns", KSD_PROCESS_IPC_NS, plain_ns),
	NS_EVENT("lttng_statedump_process_mnt_ns", KSD_PROCESS_MNT_NS, plain_ns),
	NS_EVENT("lttng_statedump_process_net_ns", KSD_PROCESS_NET_NS, plain_ns),
	NS_EVENT("lttng_statedump_process_user_ns", KSD_PROCESS_USER_NS, user_ns),
	NS_EVENT("lttng_statedump_process_uts_ns", KSD_PROCESS_UTS_NS, plain_ns),
	NS_EVENT("lttng_statedump_process_time_ns", KSD_PROCESS_TIME_NS, plain_ns),
	NS_EVENT("lttng_statedump_network_interface", KSD_NETWORK_INTERFACE, network_interface),
	NS_EVENT("lttng_statedump_cpu_topology", KSD_CPU_TOPOLOGY, cpu_topology),
};

const struct ksd_event *ksd_find(const char *name)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i].name, name))
			return &events[i];
	return NULL;
}

const struct ksd_event *ksd_by_code(uint32_t code)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].code == code)
			return &events[i];
	return NULL;
}
