// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-test-uprobe-fixture: the target of the user-space probe tests.
 *
 *   lttng-test-uprobe-fixture [CALLS [PROC_DIR]]
 *
 * prints "pid=P" (its pid as PROC_DIR/self says, default /proc: the kernel
 * suite gives the host's proc, so that P is the pid traces record), then CALLS
 * (default 3) times: calls the noinline function lttng_test_fix_fn() and hits
 * the SDT probe lttng_test_fix:tick (no semaphore). The SDT probe
 * lttng_test_fix:semtick is guarded by a semaphore (uprobe-fixture-sem.c); it
 * is hit only when its semaphore is set, which nothing here does. Prints
 * "calls=CALLS" at the end.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

void lttng_test_fix_semtick(int i);
int lttng_test_fix_fn(int x);

__attribute__((noinline)) int lttng_test_fix_fn(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	const char *proc = argc > 2 ? argv[2] : "/proc";
	char path[PATH_MAX], pid[32] = "";
	ssize_t n;
	int sum = 0;

	snprintf(path, sizeof(path), "%s/self", proc);
	n = readlink(path, pid, sizeof(pid) - 1);
	if (n > 0)
		pid[n] = '\0';
	else
		snprintf(pid, sizeof(pid), "%ld", (long) getpid());
	printf("pid=%s\n", pid);
	fflush(stdout);
	for (long i = 0; i < calls; i++) {
		sum += lttng_test_fix_fn((int) i);
		DTRACE_PROBE1(lttng_test_fix, tick, (int) i);
		lttng_test_fix_semtick((int) i);
	}
	printf("calls=%ld\nsum=%d\n", calls, sum);
	return 0;
}
