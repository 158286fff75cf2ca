/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ELF file test-kernel-elf reads (src/sessiond/kernel/kernel-elf.c): a function
 * elf_fixture_target, the SDT probe elf_fixture:plain at two places, without
 * semaphore, and elf_fixture:guarded, guarded by a semaphore. <sys/sdt.h> decides
 * once per translation unit whether probes have semaphores, so this file is
 * compiled twice: with ELF_FIXTURE_GUARDED it is the guarded probe's unit.
 *
 * `elf-fixture --where` prints the file offset of elf_fixture_target as the loader
 * mapped it (from /proc/self/maps), the test's check of the offset rule itself.
 */
#ifdef ELF_FIXTURE_GUARDED
#define _SDT_HAS_SEMAPHORES 1
#endif
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/sdt.h>

int elf_fixture_target(int x);
int elf_fixture_other(int x);
int elf_fixture_guarded(int x);

#ifdef ELF_FIXTURE_GUARDED

/* As sys/sdt.h documents: <provider>_<name>_semaphore, in section .probes; a
 * tracer that enables the probe increments it. */
unsigned short elf_fixture_guarded_semaphore __attribute__((section(".probes")));

__attribute__((noinline)) int elf_fixture_guarded(int x)
{
	if (elf_fixture_guarded_semaphore)
		STAP_PROBE1(elf_fixture, guarded, x);
	return x - 1;
}

#else

__attribute__((noinline)) int elf_fixture_target(int x)
{
	STAP_PROBE1(elf_fixture, plain, x);
	return x * 3 + 1;
}

__attribute__((noinline)) int elf_fixture_other(int x)
{
	STAP_PROBE1(elf_fixture, plain, x);
	return x + 7;
}

/* The file offset of the mapping that holds addr: its address less the mapping's
 * start, plus the mapping's offset in the file. */
static int print_where(uintptr_t addr)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	char line[512];
	int r = 1;

	if (!maps)
		return 1;
	while (fgets(line, sizeof(line), maps)) {
		uintmax_t start, end, offset;

		if (sscanf(line, "%jx-%jx %*s %jx", &start, &end, &offset) == 3 &&
		    addr >= start && addr < end) {
			printf("%ju\n", (uintmax_t) (addr - start + offset));
			r = 0;
			break;
		}
	}
	fclose(maps);
	return r;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--where") == 0)
		return print_where((uintptr_t) &elf_fixture_target);
	return (elf_fixture_target(argc) + elf_fixture_other(argc) + elf_fixture_guarded(argc)) & 1;
}

#endif
