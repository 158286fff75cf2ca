/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: kernel_elf_function_offset and kernel_elf_sdt_offsets
 * (src/sessiond/kernel/kernel-elf.c), which read whatever file a client names as a
 * userspace probe's binary. The input is that file, in a memfd.
 *
 * What the callers rely on: only the documented results; an offset inside the
 * file; on success 1..max offsets, on -E2BIG a count above max; the fd's
 * position untouched; the same answer twice.
 *
 * Seeds (corpus/kernel_elf/): tests/unit's elf-fixture and elf-fixture32 with
 * their debug sections stripped (strip -g), elf-fixture stripped of everything
 * but .dynsym (strip -s), prefixes of elf-fixture (the ELF header only, and half
 * of the file), and tiny-fixture{,32}.so, small enough for mutations to matter:
 *   gcc [-m32 -idirafter /usr/include/x86_64-linux-gnu] -O1 -nostdlib -shared -fPIC \
 *     -Wl,-z,noseparate-code -Wl,-z,max-page-size=0x10 -Wl,--build-id=none \
 *     -o tiny-fixture.so tests/unit/elf-fixture.c && strip -g tiny-fixture.so
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "kernel/kernel-elf.h"

#define MAX_OFFSETS 4

static int input_fd = -1;

static void check_function(int fd, const char *name, size_t size)
{
	uint64_t offset = UINT64_MAX, again = UINT64_MAX;
	int r = kernel_elf_function_offset(fd, name, &offset);

	FUZZ_CHECK(r == 0 || r == -ENOENT || r == -ENOEXEC || r == -EFBIG);
	if (r == 0)
		FUZZ_CHECK(offset < size);
	FUZZ_CHECK(kernel_elf_function_offset(fd, name, &again) == r);
	if (r == 0)
		FUZZ_CHECK(again == offset);
}

static void check_sdt(int fd, const char *provider, const char *name, size_t size)
{
	uint64_t offsets[MAX_OFFSETS];
	size_t count = 12345;
	int r = kernel_elf_sdt_offsets(fd, provider, name, offsets, MAX_OFFSETS, &count);

	FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EPERM || r == -E2BIG || r == -ENOEXEC ||
		   r == -EFBIG);
	if (r == 0)
		FUZZ_CHECK(count >= 1 && count <= MAX_OFFSETS);
	else if (r == -E2BIG)
		FUZZ_CHECK(count > MAX_OFFSETS);
	else
		FUZZ_CHECK(count == 0);
	if (r == 0 || r == -E2BIG)
		for (size_t i = 0; i < count && i < MAX_OFFSETS; i++)
			FUZZ_CHECK(offsets[i] < size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (input_fd < 0) {
		input_fd = memfd_create("fuzz-kernel-elf", MFD_CLOEXEC);
		FUZZ_CHECK(input_fd >= 0);
	}
	FUZZ_CHECK(ftruncate(input_fd, 0) == 0);
	FUZZ_CHECK(pwrite(input_fd, data, size, 0) == (ssize_t) size);
	FUZZ_CHECK(lseek(input_fd, 3, SEEK_SET) == 3);

	check_function(input_fd, "elf_fixture_target", size);
	check_function(input_fd, "main", size);
	check_sdt(input_fd, "elf_fixture", "plain", size);
	check_sdt(input_fd, "elf_fixture", "guarded", size);
	FUZZ_CHECK(lseek(input_fd, 0, SEEK_CUR) == 3);
	return 0;
}
