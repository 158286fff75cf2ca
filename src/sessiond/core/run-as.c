/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macros.h"
#include "core/run-as.h"

#define MAX_GROUPS 256

int run_as(uid_t uid, gid_t gid, int (*fn)(void *arg), void *arg)
{
	gid_t groups[MAX_GROUPS];
	int ngroups = MAX_GROUPS;
	struct passwd *pw;
	int status;
	pid_t pid;

	if (geteuid() != 0 || geteuid() == uid)
		return fn(arg);
	/* Everything that may take a lock (NSS, malloc) is done before fork. */
	pw = getpwuid(uid);
	if (!pw || getgrouplist(pw->pw_name, gid, groups, &ngroups) < 0)
		ngroups = 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r;

		/* The status 255 is reserved for "could not become the user". */
		if (setgroups((size_t) ngroups, groups) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(255);
		r = fn(arg);
		_exit(r >= 0 && r < 255 ? r : 254);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return WEXITSTATUS(status) == 255 ? -EPERM : WEXITSTATUS(status);
}

struct mkdir_request {
	const char *path;
	mode_t mode;
};

static int mkdir_one(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* mkdir honours the umask; the trace layout wants the exact mode. */
	return chmod(path, mode) < 0 ? -errno : 0;
}

/* Returns 0 or a positive errno (a run_as status). */
static int mkdir_parents(void *arg)
{
	const struct mkdir_request *req = arg;
	char buf[PATH_MAX];
	int r;

	if (copy_string(buf, sizeof(buf), req->path) < 0)
		return ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_one(buf, req->mode);
		*p = '/';
		if (r < 0)
			return -r;
	}
	return -mkdir_one(buf, req->mode);
}

int mkdir_as(uid_t uid, gid_t gid, const char *path, mode_t mode)
{
	struct mkdir_request req = { .path = path, .mode = mode };
	int r = run_as(uid, gid, mkdir_parents, &req);

	return r > 0 ? -r : r;
}
