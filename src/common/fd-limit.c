/* SPDX-License-Identifier: GPL-2.0-only */
/* See fd-limit.h. */
#include <dirent.h>
#include <errno.h>
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

long fd_count_open(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!dir)
		return errno == EMFILE || errno == ENFILE ? -EMFILE : -errno;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1; /* the directory's own descriptor */
}
