/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Direction (input, output or both) of each argument of the system calls LTTng
 * 2.13.9 knows on x86-64: entry events carry the input arguments, exit events
 * the output ones. Used by the syscall converter (ksyscall.c).
 */
#ifndef CONSUMERD_KERNEL_SYSCALL_ARGS_H
#define CONSUMERD_KERNEL_SYSCALL_ARGS_H

enum ksc_dir { KSC_IN = 1, KSC_OUT = 2, KSC_INOUT = 3 };

struct ksc_arg {
	const char *name;
	enum ksc_dir dir;
};

struct ksc_syscall {
	const char *name;
	unsigned nargs;
	struct ksc_arg args[6];
};

/* LTTng 2.13.9's x86-64 table; NULL when LTTng does not know the syscall. */
const struct ksc_syscall *ksc_lookup(const char *name);

#endif
