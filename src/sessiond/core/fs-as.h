/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File-system work done as a client's user, off the loop: trace, snapshot and
 * session-file directories and files are made with the user's identity (fsuid,
 * fsgid and supplementary groups of one worker thread, so no fork), so a root daemon
 * never creates them where its client could not. The caller embeds the job in its
 * own state and finds it again with container_of() in done().
 */
#ifndef SESSIOND_CORE_FS_AS_H
#define SESSIOND_CORE_FS_AS_H

#include <limits.h>
#include <sys/types.h>

#include "core/worker.h"

struct daemon;
struct fs_job;

/* Worker side, with the identity taken; returns the caller's own result code. */
typedef int (*fs_work_fn)(struct fs_job *job);
/* Loop side, once the work is done. */
typedef void (*fs_done_fn)(struct daemon *d, struct fs_job *job);

struct fs_job {
	struct worker_job base;
	uid_t uid;
	gid_t gid;
	fs_work_fn before; /* optional: on the worker, as the daemon; < 0 = not run */
	fs_work_fn work;
	fs_done_fn done;
	/* What work() returned; FS_JOB_NOT_RUN when the identity could not be taken
	 * or the daemon is shutting down. */
	int result;
};

#define FS_JOB_NOT_RUN (-100000)

/* Queues the job on the worker service; done() runs on the loop. */
void fs_job_submit(struct daemon *d, struct fs_job *job);
/* Runs the work now, on this thread (session files loaded at start-up, before the
 * loop serves anyone); done() is not called. Returns job->result. */
int fs_job_run_now(struct fs_job *job);

/* mkdir -p: the missing directories get exactly mode (whatever the umask), those
 * that exist are left alone. 0 or -errno. */
int fs_mkdir_parents(const char *path, mode_t mode);
/* fs_mkdir_parents() of each path in turn, 0770; the first failure is logged
 * ("Cannot create <what> <path>") and returned. */
int fs_mkdir_all(char (*paths)[PATH_MAX], unsigned count, const char *what);

#endif
