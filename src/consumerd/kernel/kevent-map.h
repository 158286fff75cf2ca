/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What LTTng 2.13.9 calls an ftrace event and its fields (doc/protocol/kernel-trace.md,
 * "Event mapping"; sources M:include/instrumentation/events/<file>.h): the record name
 * (LTTng adds the subsystem prefix where ftrace has none) and, for the events whose
 * LTTng fields differ from ftrace's, the LTTng field list with where each value comes
 * from. Events without a field list keep their ftrace fields (common_* dropped).
 */
#ifndef CONSUMERD_KERNEL_KEVENT_MAP_H
#define CONSUMERD_KERNEL_KEVENT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kmap_src {
	KMAP_COPY,	 /* the ftrace field `src`, its type from the format (or bits/sign) */
	KMAP_PRIO,	 /* the ftrace field minus 100 (LTTng's prio) */
	KMAP_COMM16,	 /* char[16] text from a char array or __data_loc string */
	KMAP_STRING,	 /* CTF string from a char array or __data_loc string */
	KMAP_RWBS,	 /* char[] letters -> LTTng's RWBS_FLAG_* bits (u32) */
	KMAP_COMMON_PID, /* the record's common_pid (TID) */
	KMAP_TGID,	 /* tgid of the TID in field `src` (task table) */
	KMAP_NS_INUM,	 /* pid namespace inode of our own (ftrace gives none) */
	KMAP_VTIDS,	 /* sequence of one TID: field `src` (u8 length) */
	KMAP_GFP_ACCOUNT, /* whether `src` (gfp flags) has __GFP_ACCOUNT */
};

struct kmap_field {
	const char *name; /* LTTng field name */
	const char *src;  /* ftrace field (when the kind reads one) */
	enum kmap_src kind;
	uint8_t bits;	  /* 0: as the ftrace format says */
	int8_t is_signed; /* -1: as the ftrace format says */
	uint8_t base;	  /* 0: 10 (16 for pointers) */
};

struct kmap_event {
	const char *ftrace_name;
	const char *lttng_name;	/* NULL: the ftrace name */
	const struct kmap_field *fields; /* NULL: the ftrace fields */
	size_t nfields;
	const char *const *drop; /* ftrace fields LTTng does not have (NULL-terminated) */
};

/* The entry of an ftrace event, or NULL (then: same name, ftrace fields). */
const struct kmap_event *kmap_find(const char *system, const char *name);
/* The LTTng record name of an ftrace event into buf: the table's, else a prefix rule
 * (softirq_ -> irq_softirq_, hrtimer_ -> timer_hrtimer_, ...), else the name.
 * 0 or -ENAMETOOLONG. */
int kmap_lttng_name(const char *system, const char *name, char *buf, size_t size);
/* LTTng's RWBS_FLAG_* bits for ftrace's rwbs letters (M:block.h). */
uint32_t kmap_rwbs_bits(const char *letters, size_t len);

#endif
