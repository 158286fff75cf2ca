/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel event names as LTTng gives them, for events ftrace records: the session
 * daemon lists and matches event rules with them, the consumer names the events of
 * the trace with them. Facts: doc/protocol/kernel-trace.md ("Event names").
 */
#ifndef COMMON_KERNEL_NAMES_H
#define COMMON_KERNEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* The ftrace system of the syscall events (sys_enter_NAME, sys_exit_NAME). */
#define KERNEL_SYSCALL_SYSTEM "syscalls"
/* Our own system for the events the consumer synthesizes (the statedump). */
#define KERNEL_SYNTHETIC_SYSTEM "lttng"

/*
 * Writes the LTTng name of ftrace event system:name into out: the name itself, or
 * with the prefix LTTng adds to some families (softirq_entry -> irq_softirq_entry,
 * hrtimer_start -> timer_hrtimer_start, kmalloc -> kmem_kmalloc, ...). Syscall
 * events are named syscall_entry_X / syscall_exit_X. Returns false when out is
 * too small.
 */
bool kernel_lttng_event_name(const char *system, const char *name, char *out, size_t size);

/* The syscall name of a syscall event's ftrace name (sys_enter_openat -> openat),
 * with *is_entry set; NULL when it is not one. */
const char *kernel_syscall_of_event(const char *ftrace_name, bool *is_entry);

/* The contexts of kernel records (the kernel consumer produces them, a filter
 * names them $ctx.NAME): *type is their enum lttng_event_context_type, or
 * KERNEL_CONTEXT_CPU_ID for cpu_id (LTTng's kernel tracer has it for filters
 * only). false for a name the consumer cannot produce. */
#define KERNEL_CONTEXT_CPU_ID (-1)
bool kernel_context_by_name(const char *name, int *type);

/* The statedump events the kernel consumer synthesizes under LTTng's names (system
 * KERNEL_SYNTHETIC_SYSTEM on the wire), in the order a statedump emits them. */
extern const char *const kernel_statedump_events[];
extern const size_t kernel_statedump_event_count;

#endif
