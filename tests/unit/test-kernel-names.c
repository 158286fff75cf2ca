/* SPDX-License-Identifier: GPL-2.0-only */
/* LTTng's kernel event names and star globs (src/common/kernel-names.c), and LTTng
 * filters turned into ftrace filters (src/sessiond/kernel/kernel-filter.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "star-glob.h"

#include "kernel-names.h"
#include "kernel/kernel-filter.h"

#include "tap.h"

static const char *lname(const char *system, const char *name)
{
	static char out[256];

	if (!kernel_lttng_event_name(system, name, out, sizeof(out)))
		return "(too long)";
	return out;
}

static void test_names(void)
{
	char tiny[8];
	bool entry = false;

	is_str(lname("sched", "sched_switch"), "sched_switch", "sched events keep their name");
	is_str(lname("irq", "softirq_entry"), "irq_softirq_entry", "softirq_* -> irq_softirq_*");
	is_str(lname("timer", "hrtimer_start"), "timer_hrtimer_start", "hrtimer_* -> timer_hrtimer_*");
	is_str(lname("kmem", "kmalloc"), "kmem_kmalloc", "kmalloc -> kmem_kmalloc");
	is_str(lname("kmem", "mm_page_alloc"), "kmem_mm_page_alloc", "mm_page_alloc -> kmem_...");
	is_str(lname("kmem", "kmem_cache_alloc"), "kmem_cache_alloc", "kmem_cache_* unchanged");
	is_str(lname("power", "cpu_idle"), "power_cpu_idle", "cpu_idle -> power_cpu_idle");
	is_str(lname("net", "netif_rx"), "net_if_rx", "netif_rx -> net_if_rx");
	is_str(lname("syscalls", "sys_enter_openat"), "syscall_entry_openat", "syscall entry name");
	is_str(lname("syscalls", "sys_exit_openat"), "syscall_exit_openat", "syscall exit name");
	is_str(lname("other", "kmalloc"), "kmalloc", "a rename applies to its system only");
	ok(!kernel_lttng_event_name("irq", "softirq_entry", tiny, sizeof(tiny)),
	   "a name longer than the buffer is refused");
	is_str(kernel_syscall_of_event("sys_exit_read", &entry), "read", "syscall of sys_exit_read");
	ok(!entry, "sys_exit_read is an exit");
	ok(kernel_syscall_of_event("sched_switch", &entry) == NULL, "not a syscall event");
}

static void test_globs(void)
{
	ok(star_glob_match("*", "anything"), "* matches anything");
	ok(star_glob_match("sched_*", "sched_switch"), "prefix glob");
	ok(!star_glob_match("sched_*", "irq_handler_entry"), "prefix glob mismatch");
	ok(star_glob_match("*_entry", "irq_handler_entry"), "suffix glob");
	ok(star_glob_match("s*_s*h", "sched_switch"), "two stars");
	ok(!star_glob_match("sched_switch", "sched_switch2"), "exact names are exact");
	ok(star_glob_match("a\\*b", "a*b"), "an escaped star is literal");
	ok(!star_glob_match("a\\*b", "axb"), "an escaped star matches only a star");
	ok(!star_glob_match("sched?", "sched1"), "? is literal, as in LTTng");
	ok(star_glob_is_glob("open*"), "open* is a glob");
	ok(!star_glob_is_glob("open\\*"), "open\\* is not");
}

static void filter_is(const char *expr, const char *const *fields, size_t n, int want_r,
		      const char *want)
{
	char out[512];
	int r = kernel_filter_to_ftrace(expr, fields, n, out, sizeof(out));

	is_int(r, want_r, "filter '%s': result", expr);
	if (want)
		is_str(out, want, "filter '%s': ftrace form", expr);
}

static void test_filters(void)
{
	static const char *const sw[] = { "common_pid", "prev_comm", "prev_pid", "prev_prio",
					  "prev_state", "next_comm", "next_pid", "next_prio" };
	static const char *const op[] = { "common_pid", "__syscall_nr", "dfd", "filename", "flags",
					  "mode" };
	const size_t nsw = sizeof(sw) / sizeof(sw[0]), nop = sizeof(op) / sizeof(op[0]);

	filter_is("next_tid == 42", sw, nsw, 0, "next_pid == 42");
	filter_is("prev_prio < 20 && next_tid != 0", sw, nsw, 0, "prev_prio < 120 && next_pid != 0");
	filter_is("next_comm == \"bash\"", sw, nsw, 0, "next_comm == \"bash\"");
	filter_is("next_comm == \"ba*\"", sw, nsw, 0, "next_comm ~ \"ba*\"");
	filter_is("!(dfd == -100) || flags & 1", op, nop, -EINVAL, NULL);
	filter_is("(dfd == -100) || mode > 0x10", op, nop, 0, "( dfd == -100 ) || mode > 0x10");
	filter_is("$ctx.tid == 7 && $ctx.procname == \"x\"", op, nop, 0,
		  "common_pid == 7 && comm == \"x\"");
	filter_is("nosuchfield == 1", op, nop, -ENOENT, NULL);
	filter_is("$ctx.vpid == 1", op, nop, -EINVAL, NULL);
	filter_is("dfd + 1 == 2", op, nop, -EINVAL, NULL);
	filter_is("dfd << 1 == 2", op, nop, -EINVAL, NULL);
	filter_is("dfd >> 1 == 2", op, nop, -EINVAL, NULL);
	filter_is("dfd == 1.5", op, nop, -EINVAL, NULL);
	filter_is("prev_pid == 3", sw, nsw, -EINVAL, NULL); /* LTTng's pid is the process */
	filter_is("3 == prev_prio", sw, nsw, -EINVAL, NULL);
	filter_is("dfd == \"unterminated", op, nop, -EINVAL, NULL);
}

int main(void)
{
	test_names();
	test_globs();
	test_filters();
	done_testing();
	return exit_status();
}
