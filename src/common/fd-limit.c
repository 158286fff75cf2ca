/* SPDX-License-Identifier: GPL-2.0-only */
/* See fd-limit.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "fd-limit.h"

unsigned long fd_limit_raise(bool is_root, unsigned long root_minimum)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
		return 0;
	if (is_root && lim.rlim_max != RLIM_INFINITY && lim.rlim_max < root_minimum)
		lim.rlim_max = root_minimum; /* root may raise its hard limit */
	if (lim.rlim_cur != lim.rlim_max) {
		struct rlimit want = { .rlim_cur = lim.rlim_max, .rlim_max = lim.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			lim = want;
	}
	return fd_limit_soft();
}

unsigned long fd_limit_soft(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
		return 0;
	return lim.rlim_cur == RLIM_INFINITY ? (unsigned long) -1 : (unsigned long) lim.rlim_cur;
}

static long count_entries(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!dir)
		return errno == EMFILE || errno == ENFILE ? -EMFILE : -errno;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

long fd_count_open(void)
{
	long n = count_entries("/proc/self/fd");

	return n < 0 ? n : n - 1; /* the directory's own descriptor */
}

long fd_count_of(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long) pid);
	return count_entries(path);
}
