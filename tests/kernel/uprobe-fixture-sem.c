// SPDX-License-Identifier: GPL-2.0-only
/* The semaphore-guarded SDT probe of lttng-test-uprobe-fixture (its own
 * translation unit: <sys/sdt.h> guards every probe of a unit that defines
 * _SDT_HAS_SEMAPHORES). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short lttng_test_fix_semtick_semaphore
	__attribute__((unused)) __attribute__((section(".probes")));

void lttng_test_fix_semtick(int i);

__attribute__((noinline)) void lttng_test_fix_semtick(int i)
{
	if (lttng_test_fix_semtick_semaphore)
		DTRACE_PROBE1(lttng_test_fix, semtick, i);
}
