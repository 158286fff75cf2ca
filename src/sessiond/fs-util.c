/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "macros.h"

static int mkdir_one(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* mkdir honours the umask; the trace layout wants the exact mode. */
	if (chmod(path, mode) < 0 || chown(path, uid, gid) < 0)
		return -errno;
	return 0;
}

int mkdir_owned(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	char buf[PATH_MAX];
	int r;

	if (copy_string(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_one(buf, mode, uid, gid);
		*p = '/';
		if (r < 0)
			return r;
	}
	return mkdir_one(buf, mode, uid, gid);
}
