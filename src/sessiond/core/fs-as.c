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

/* NGROUPS_MAX of Linux: no process has more supplementary groups. */
#define MAX_GROUPS 65536

/* setgroups(2) of the calling thread only (glibc's wrapper changes every thread);
 * the 32-bit gid call where the plain one takes 16-bit gids. */
#ifdef SYS_setgroups32
#define SYS_SETGROUPS SYS_setgroups32
#else
#define SYS_SETGROUPS SYS_setgroups
#endif

/* The calling thread's file-system identity before a switch. */
struct fs_identity {
	bool switched;
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t *groups; /* owned */
};

/* The user's supplementary groups, as a login would have them (NSS, on a worker,
 * still as the daemon). Returns an array to free, of *ngroups entries, or NULL. */
static gid_t *user_groups(uid_t uid, gid_t gid, int *ngroups)
{
	char buf[16384];
	struct passwd pw, *res = NULL;
	int n = 64;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
		for (;;) {
			gid_t *groups = malloc((size_t) n * sizeof(*groups));
			int want = n;

			if (!groups)
				return NULL;
			if (getgrouplist(res->pw_name, gid, groups, &want) >= 0) {
				*ngroups = want;
				return groups;
			}
			free(groups);
			if (want <= n || want > MAX_GROUPS)
				break;
			n = want;
		}
	}
	/* Unknown to NSS: its own group only. */
	{
		gid_t *groups = malloc(sizeof(*groups));

		if (groups) {
			groups[0] = gid;
			*ngroups = 1;
		}
		return groups;
	}
}

/*
 * Takes uid/gid as this thread's file-system identity. setfsuid/setfsgid and the
 * raw setgroups system call act on the calling thread alone (glibc's setgroups()
 * would change every thread), and leaving fsuid 0 drops the thread's file-system
 * capabilities, which returning to it gives back.
 */
static int identity_enter(uid_t uid, gid_t gid, struct fs_identity *saved)
{
	gid_t *groups;
	int n, r = 0;

	saved->switched = false;
	saved->groups = NULL;
	if (geteuid() != 0 || uid == 0)
		return 0;
	saved->ngroups = getgroups(0, NULL);
	if (saved->ngroups < 0)
		return -errno;
	saved->groups = malloc(((size_t) saved->ngroups + 1) * sizeof(gid_t));
	if (!saved->groups)
		return -ENOMEM;
	saved->ngroups = getgroups(saved->ngroups, saved->groups);
	if (saved->ngroups < 0)
		return -errno;
	groups = user_groups(uid, gid, &n);
	if (!groups)
		return -ENOMEM;
	if (syscall(SYS_SETGROUPS, (size_t) n, groups) < 0)
		r = -errno;
	free(groups);
	if (r < 0)
		return r;
	/* setfs*id() answer the previous value: what leaving gives back. */
	saved->fsgid = (gid_t) setfsgid(gid);
	saved->fsuid = (uid_t) setfsuid(uid);
	saved->switched = true;
	/* setfs*id() report the previous value; asking again tells the current one. */
	if ((uid_t) setfsuid((uid_t) -1) != uid || (gid_t) setfsgid((gid_t) -1) != gid)
		return -EPERM;
	return 0;
}

static void identity_leave(struct fs_identity *saved)
{
	if (saved->switched) {
		(void) setfsuid(saved->fsuid);
		(void) setfsgid(saved->fsgid);
		(void) syscall(SYS_SETGROUPS, (size_t) saved->ngroups, saved->groups);
		saved->switched = false;
	}
	free(saved->groups);
	saved->groups = NULL;
}

int fs_job_run_now(struct fs_job *job)
{
	struct fs_identity saved;

	/* What needs the daemon's own rights (NSS look-ups), before the switch. */
	if (job->before && job->before(job) < 0) {
		job->result = FS_JOB_NOT_RUN;
		return job->result;
	}
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
	struct stat st;

	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* mkdir honours the umask; the trace layout wants the exact mode. A set-group-ID
	 * bit inherited from the parent stays. */
	if (stat(path, &st) < 0)
		st.st_mode = 0;
	return chmod(path, mode | (st.st_mode & S_ISGID)) < 0 ? -errno : 0;
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
