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
