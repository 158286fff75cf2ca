/* SPDX-License-Identifier: GPL-2.0-only */
/* File-system work as a client's user, on worker threads (core/fs-as.h). */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/daemon.h"
#include "core/fs-as.h"
#include "log.h"
#include "macros.h"

#define MAX_GROUPS 256

/* The calling thread's file-system identity before a switch. */
struct fs_identity {
	bool switched;
	int ngroups;
	gid_t groups[MAX_GROUPS];
};

/* The user's supplementary groups, as a login would have them (NSS, on a worker). */
static int user_groups(uid_t uid, gid_t gid, gid_t *groups, int *ngroups)
{
	char buf[16384];
	struct passwd pw, *res = NULL;

	*ngroups = MAX_GROUPS;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res ||
	    getgrouplist(res->pw_name, gid, groups, ngroups) < 0) {
		groups[0] = gid;
		*ngroups = 1;
	}
	return 0;
}

/*
 * Takes uid/gid as this thread's file-system identity. setfsuid/setfsgid and the
 * raw setgroups system call act on the calling thread alone (glibc's setgroups()
 * would change every thread), and leaving fsuid 0 drops the thread's file-system
 * capabilities, which returning to it gives back.
 */
static int identity_enter(uid_t uid, gid_t gid, struct fs_identity *saved)
{
	gid_t groups[MAX_GROUPS];
	int n;

	saved->switched = false;
	if (geteuid() != 0 || uid == 0)
		return 0;
	saved->ngroups = getgroups(MAX_GROUPS, saved->groups);
	if (saved->ngroups < 0)
		return -errno;
	user_groups(uid, gid, groups, &n);
	if (syscall(SYS_setgroups, (size_t) n, groups) < 0)
		return -errno;
	(void) setfsgid(gid);
	(void) setfsuid(uid);
	saved->switched = true;
	/* setfs*id() report the previous value; asking again tells the current one. */
	if ((uid_t) setfsuid((uid_t) -1) != uid || (gid_t) setfsgid((gid_t) -1) != gid)
		return -EPERM;
	return 0;
}

static void identity_leave(struct fs_identity *saved)
{
	if (!saved->switched)
		return;
	(void) setfsuid(0);
	(void) setfsgid(0);
	(void) syscall(SYS_setgroups, (size_t) saved->ngroups, saved->groups);
	saved->switched = false;
}

int fs_job_run_now(struct fs_job *job)
{
	struct fs_identity saved;

	if (identity_enter(job->uid, job->gid, &saved) < 0)
		job->result = FS_JOB_NOT_RUN;
	else
		job->result = job->work(job);
	identity_leave(&saved);
	return job->result;
}

static void fs_job_run(struct worker_job *w)
{
	(void) fs_job_run_now(container_of(w, struct fs_job, base));
}

static void fs_job_done(struct daemon *d, struct worker_job *w)
{
	struct fs_job *job = container_of(w, struct fs_job, base);

	job->done(d, job);
}

void fs_job_submit(struct daemon *d, struct fs_job *job)
{
	job->result = FS_JOB_NOT_RUN; /* what a job skipped at shutdown reports */
	job->base.run = fs_job_run;
	job->base.done = fs_job_done;
	worker_submit_blocking(d, &job->base);
}

static int mkdir_one(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* mkdir honours the umask; the trace layout wants the exact mode. */
	return chmod(path, mode) < 0 ? -errno : 0;
}

int fs_mkdir_parents(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	int r;

	if (copy_string(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_one(buf, mode);
		*p = '/';
		if (r < 0)
			return r;
	}
	return mkdir_one(buf, mode);
}

int fs_mkdir_all(char (*paths)[PATH_MAX], unsigned count, const char *what)
{
	for (unsigned i = 0; i < count; i++) {
		int r = fs_mkdir_parents(paths[i], 0770);

		if (r < 0)
			return log_error_errno(r, "Cannot create %s %s", what, paths[i]);
	}
	return 0;
}
