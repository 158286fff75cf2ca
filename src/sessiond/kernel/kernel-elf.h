/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a userspace probe goes in its ELF file, for `enable-event -k
 * --userspace-probe` recorded through ftrace uprobes: uprobes take an (inode, file
 * offset) pair, and, as in LTTng 2.13, the session daemon computes the offset
 * itself (doc/protocol/kernel-uprobes.md). The file is whatever the client named:
 * every count, size and index read from it is checked before use. Little-endian
 * ELF32 and ELF64 executables and shared objects of this machine (x86-64: also
 * i386 and x32) are read; reading blocks: workers only.
 */
#ifndef SESSIOND_KERNEL_KERNEL_ELF_H
#define SESSIOND_KERNEL_KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The file offset of function symbol `name` in the ELF file open on fd (read with
 * pread only; the fd's position is untouched). 0, -ENOENT (no such function
 * symbol), -ENOEXEC (not an ELF file we can read: wrong class/arch, truncated),
 * or another -errno. */
int kernel_elf_function_offset(int fd, const char *name, uint64_t *ret_offset);

/* Every file offset of SDT probe provider:name; -ENOENT when none, -EPERM when
 * one is guarded by a semaphore (LTTng refuses those), -ENOEXEC, -errno. At most
 * max offsets are returned (*ret_count; -E2BIG when there are more). On -E2BIG,
 * the first max offsets are in ret_offsets and *ret_count is how many there are
 * in all; ret_offsets may be NULL when max is 0. */
int kernel_elf_sdt_offsets(int fd, const char *provider, const char *name,
			   uint64_t *ret_offsets, size_t max, size_t *ret_count);

#endif
