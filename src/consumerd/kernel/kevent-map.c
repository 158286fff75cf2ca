/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LTTng 2.13.9 names and fields of ftrace events; see kevent-map.h. Each entry
 * cites the lttng-modules header its LTTng side comes from (M:include/
 * instrumentation/events/<file>.h); the ftrace side is the 6.18 format files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kevent-map.h"

#define F(n, s, k) { .name = (n), .src = (s), .kind = (k), .is_signed = -1 }
#define FT(n, s, k, b, sg) { .name = (n), .src = (s), .kind = (k), .bits = (b), .is_signed = (sg) }
#define FHEX(n, s, b) { .name = (n), .src = (s), .kind = KMAP_COPY, .bits = (b), .is_signed = 0, .base = 16 }
#define EV(ft, lt, list) { (ft), (lt), (list), sizeof(list) / sizeof((list)[0]), NULL }

/* M:sched.h */
static const struct kmap_field sched_switch[] = {
	F("prev_comm", "prev_comm", KMAP_COMM16),
	FT("prev_tid", "prev_pid", KMAP_COPY, 32, 1),
	FT("prev_prio", "prev_prio", KMAP_PRIO, 32, 1),
	FT("prev_state", "prev_state", KMAP_COPY, 64, 1),
	F("next_comm", "next_comm", KMAP_COMM16),
	FT("next_tid", "next_pid", KMAP_COPY, 32, 1),
	FT("next_prio", "next_prio", KMAP_PRIO, 32, 1),
};
static const struct kmap_field sched_wakeup[] = {
	F("comm", "comm", KMAP_COMM16),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("prio", "prio", KMAP_PRIO, 32, 1),
	FT("target_cpu", "target_cpu", KMAP_COPY, 32, 1),
};
static const struct kmap_field sched_comm_tid_prio[] = {
	F("comm", "comm", KMAP_COMM16),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("prio", "prio", KMAP_PRIO, 32, 1),
};
static const struct kmap_field sched_migrate_task[] = {
	F("comm", "comm", KMAP_COMM16),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("prio", "prio", KMAP_PRIO, 32, 1),
	FT("orig_cpu", "orig_cpu", KMAP_COPY, 32, 1),
	FT("dest_cpu", "dest_cpu", KMAP_COPY, 32, 1),
};
static const struct kmap_field sched_process_fork[] = {
	F("parent_comm", "parent_comm", KMAP_COMM16),
	FT("parent_tid", "parent_pid", KMAP_COPY, 32, 1),
	FT("parent_pid", "parent_pid", KMAP_TGID, 32, 1),
	FT("parent_ns_inum", NULL, KMAP_NS_INUM, 32, 0),
	F("child_comm", "child_comm", KMAP_COMM16),
	FT("child_tid", "child_pid", KMAP_COPY, 32, 1),
	FT("vtids", "child_pid", KMAP_VTIDS, 32, 1),
	FT("child_pid", "child_pid", KMAP_TGID, 32, 1),
	FT("child_ns_inum", NULL, KMAP_NS_INUM, 32, 0),
};
static const struct kmap_field sched_process_exec[] = {
	F("filename", "filename", KMAP_STRING),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("old_tid", "old_pid", KMAP_COPY, 32, 1),
};
static const struct kmap_field sched_stat_runtime[] = {
	F("comm", "comm", KMAP_COMM16),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("runtime", "runtime", KMAP_COPY, 64, 0),
	FT("vruntime", "vruntime", KMAP_COPY, 64, 0),
};
static const struct kmap_field sched_pi_setprio[] = {
	F("comm", "comm", KMAP_COMM16),
	FT("tid", "pid", KMAP_COPY, 32, 1),
	FT("oldprio", "oldprio", KMAP_PRIO, 32, 1),
	FT("newprio", "newprio", KMAP_PRIO, 32, 1),
};
/* M:irq.h */
static const struct kmap_field irq_handler_entry[] = {
	FT("irq", "irq", KMAP_COPY, 32, 1),
	F("name", "name", KMAP_STRING),
};
static const struct kmap_field irq_softirq[] = {
	FT("vec", "vec", KMAP_COPY, 32, 0),
};
/* M:block.h */
static const struct kmap_field block_rq_issue[] = {
	FT("dev", "dev", KMAP_COPY, 32, 0),
	FT("sector", "sector", KMAP_COPY, 64, 0),
	FT("nr_sector", "nr_sector", KMAP_COPY, 32, 0),
	FT("bytes", "bytes", KMAP_COPY, 32, 0),
	FT("tid", NULL, KMAP_COMMON_PID, 32, 1),
	FT("rwbs", "rwbs", KMAP_RWBS, 32, 0),
	F("comm", "comm", KMAP_COMM16),
};
static const struct kmap_field block_rq_complete[] = {
	FT("dev", "dev", KMAP_COPY, 32, 0),
	FT("sector", "sector", KMAP_COPY, 64, 0),
	FT("nr_sector", "nr_sector", KMAP_COPY, 32, 0),
	FT("error", "error", KMAP_COPY, 32, 1),
	FT("rwbs", "rwbs", KMAP_RWBS, 32, 0),
};
/* M:kmem.h */
static const struct kmap_field kmem_kmalloc[] = {
	FHEX("call_site", "call_site", 64),
	FHEX("ptr", "ptr", 64),
	FT("bytes_req", "bytes_req", KMAP_COPY, 64, 0),
	FT("bytes_alloc", "bytes_alloc", KMAP_COPY, 64, 0),
	FT("gfp_flags", "gfp_flags", KMAP_COPY, 32, 0),
	FT("node", "node", KMAP_COPY, 32, 1),
	FT("accounted", "gfp_flags", KMAP_GFP_ACCOUNT, 8, 0),
};

static const struct kmap_field kmem_cache_alloc[] = {
	FHEX("call_site", "call_site", 64),
	FHEX("ptr", "ptr", 64),
	FT("bytes_req", "bytes_req", KMAP_COPY, 64, 0),
	FT("bytes_alloc", "bytes_alloc", KMAP_COPY, 64, 0),
	FT("gfp_flags", "gfp_flags", KMAP_COPY, 32, 0),
	FT("node", "node", KMAP_COPY, 32, 1),
	FT("accounted", "accounted", KMAP_COPY, 8, 0),
};
static const struct kmap_field kmem_free[] = {
	FHEX("call_site", "call_site", 64),
	FHEX("ptr", "ptr", 64),
};
static const struct kmap_field kmem_cache_free[] = {
	FHEX("call_site", "call_site", 64),
	FHEX("ptr", "ptr", 64),
	F("name", "name", KMAP_STRING),
};
/* ftrace has no page address: LTTng's `page` is 0 here (pfn identifies the page). */
static const struct kmap_field kmem_mm_page_alloc[] = {
	FHEX("page", NULL, 64),
	FT("pfn", "pfn", KMAP_COPY, 64, 0),
	FT("order", "order", KMAP_COPY, 32, 0),
	FT("gfp_flags", "gfp_flags", KMAP_COPY, 32, 0),
	FT("migratetype", "migratetype", KMAP_COPY, 32, 1),
};
static const struct kmap_field kmem_mm_page_free[] = {
	FHEX("page", NULL, 64),
	FT("pfn", "pfn", KMAP_COPY, 64, 0),
	FT("order", "order", KMAP_COPY, 32, 0),
};

static const char *const drop_was_armed[] = { "was_armed", NULL };
static const char *const drop_bucket_expiry[] = { "bucket_expiry", NULL };

static const struct kmap_event table[] = {
	EV("sched_switch", NULL, sched_switch),
	EV("sched_wakeup", NULL, sched_wakeup),
	EV("sched_waking", NULL, sched_wakeup),
	EV("sched_wakeup_new", NULL, sched_wakeup),
	EV("sched_process_fork", NULL, sched_process_fork),
	EV("sched_process_exec", NULL, sched_process_exec),
	EV("sched_process_exit", NULL, sched_comm_tid_prio),
	EV("sched_process_free", NULL, sched_comm_tid_prio),
	EV("sched_process_wait", NULL, sched_comm_tid_prio),
	EV("sched_wait_task", NULL, sched_comm_tid_prio),
	EV("sched_migrate_task", NULL, sched_migrate_task),
	EV("sched_stat_runtime", NULL, sched_stat_runtime),
	EV("sched_pi_setprio", NULL, sched_pi_setprio),
	EV("irq_handler_entry", NULL, irq_handler_entry),
	EV("softirq_entry", "irq_softirq_entry", irq_softirq),
	EV("softirq_exit", "irq_softirq_exit", irq_softirq),
	EV("softirq_raise", "irq_softirq_raise", irq_softirq),
	EV("block_rq_issue", NULL, block_rq_issue),
	EV("block_rq_insert", NULL, block_rq_issue),
	EV("block_rq_complete", NULL, block_rq_complete),
	EV("kmalloc", "kmem_kmalloc", kmem_kmalloc),
	EV("kmem_cache_alloc", NULL, kmem_cache_alloc),
	EV("kfree", "kmem_kfree", kmem_free),
	EV("kmem_cache_free", NULL, kmem_cache_free),
	EV("mm_page_alloc", "kmem_mm_page_alloc", kmem_mm_page_alloc),
	EV("mm_page_free", "kmem_mm_page_free", kmem_mm_page_free),
	{ "hrtimer_start", "timer_hrtimer_start", NULL, 0, drop_was_armed },
	{ "timer_start", NULL, NULL, 0, drop_bucket_expiry },
};

/* LTTng's subsystem prefixes for ftrace names that lack them (M:irq.h, timer.h,
 * kmem.h, power.h: the *_MAP macros). */
static const struct {
	const char *ftrace_prefix, *lttng_prefix;
} prefixes[] = {
	{ "softirq_", "irq_softirq_" },
	{ "hrtimer_", "timer_hrtimer_" },
	{ "itimer_", "timer_itimer_" },
	{ "kmalloc", "kmem_kmalloc" },
	{ "kfree", "kmem_kfree" },
	{ "mm_page_", "kmem_mm_page_" },
	{ "cpu_frequency", "power_cpu_frequency" },
	{ "cpu_idle", "power_cpu_idle" },
};

const struct kmap_event *kmap_find(const char *system, const char *name)
{
	(void) system;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].ftrace_name, name))
			return &table[i];
	return NULL;
}

int kmap_lttng_name(const char *system, const char *name, char *buf, size_t size)
{
	const struct kmap_event *e = kmap_find(system, name);
	int n = -1;

	if (e && e->lttng_name) {
		n = snprintf(buf, size, "%s", e->lttng_name);
	} else {
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && n < 0; i++) {
			size_t len = strlen(prefixes[i].ftrace_prefix);

			if (!strncmp(name, prefixes[i].ftrace_prefix, len))
				n = snprintf(buf, size, "%s%s", prefixes[i].lttng_prefix, name + len);
		}
		if (n < 0)
			n = snprintf(buf, size, "%s", name);
	}
	return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* M:block.h RWBS_FLAG_* */
#define RWBS_WRITE (1u << 0)
#define RWBS_DISCARD (1u << 1)
#define RWBS_READ (1u << 2)
#define RWBS_RAHEAD (1u << 3)
#define RWBS_SYNC (1u << 5)
#define RWBS_META (1u << 6)
#define RWBS_SECURE (1u << 7)
#define RWBS_FLUSH (1u << 8)
#define RWBS_FUA (1u << 9)
#define RWBS_PREFLUSH (1u << 10)

static bool is_op_letter(char c)
{
	return c == 'W' || c == 'D' || c == 'F' || c == 'R' || c == 'N';
}

/* ftrace's blk_fill_rwbs writes: ['F' preflush] op (W, D[E], F, R or N) then
 * [F fua][A rahead][S sync][M meta]. */
uint32_t kmap_rwbs_bits(const char *s, size_t len)
{
	uint32_t bits = 0;
	size_t i = 0;

	while (len && s[len - 1] == '\0')
		len--;
	if (len >= 2 && s[0] == 'F' && is_op_letter(s[1])) {
		bits |= RWBS_PREFLUSH;
		i = 1;
	}
	if (i < len) {
		switch (s[i++]) {
		case 'W': bits |= RWBS_WRITE; break;
		case 'D':
			bits |= RWBS_DISCARD;
			if (i < len && s[i] == 'E') {
				bits |= RWBS_SECURE;
				i++;
			}
			break;
		case 'F': bits |= RWBS_FLUSH; break;
		case 'R': bits |= RWBS_READ; break;
		default: break;
		}
	}
	for (; i < len; i++) {
		switch (s[i]) {
		case 'F': bits |= RWBS_FUA; break;
		case 'A': bits |= RWBS_RAHEAD; break;
		case 'S': bits |= RWBS_SYNC; break;
		case 'M': bits |= RWBS_META; break;
		default: break;
		}
	}
	return bits;
}
