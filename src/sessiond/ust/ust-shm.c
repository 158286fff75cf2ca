/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --shm-path directories: once a registry's buffers are destroyed (the consumer daemon
 * unlinked their files and its metadata copy), its directory and those above it up to
 * the session's shm root go, as far as they are empty, as LTTng's session daemon
 * removes them (T:ust-registry.c ust_registry_session_destroy, T:ust-app.c
 * delete_ust_app_session: per-PID directories when the application goes, the whole
 * tree when the session does). Off the loop, as the session's user.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/daemon.h"
#include "core/fs-as.h"
#include "log.h"
#include "macros.h"
#include "ust/ust-trace-internal.h"

struct shm_cleanup {
	struct fs_job fs;
	char *dir, *root;
};

/* rmdir from dir up to root included, stopping at the first that is not empty (or
 * not there): what a crashed consumer left stays for lttng-crash. */
static int remove_empty_dirs(struct fs_job *fs)
{
	struct shm_cleanup *c = container_of(fs, struct shm_cleanup, fs);
	size_t root_len = strlen(c->root);

	for (;;) {
		char *slash;

		if (rmdir(c->dir) < 0)
			return errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST ? 0 : -errno;
		if (strlen(c->dir) <= root_len)
			return 0;
		slash = strrchr(c->dir, '/');
		if (!slash || (size_t) (slash - c->dir) < root_len)
			return 0;
		*slash = '\0';
	}
}

static void cleanup_done(struct daemon *d, struct fs_job *fs)
{
	struct shm_cleanup *c = container_of(fs, struct shm_cleanup, fs);

	if (fs->result < 0 && fs->result != FS_JOB_NOT_RUN)
		log_warn("Cannot remove the shm directory %s: %s", c->dir, strerror(-fs->result));
	free(c->dir);
	free(c->root);
	free(c);
}

void registry_shm_cleanup_now(const struct ust_registry *reg)
{
	struct shm_cleanup c = { .fs = { .uid = reg->shm_uid, .gid = reg->shm_gid } };

	if (!reg->shm_dir || reg->consumer_lost)
		return;
	c.dir = strdup(reg->shm_dir);
	c.root = (char *) reg->shm_root;
	c.fs.work = remove_empty_dirs;
	if (c.dir)
		(void) fs_job_run_now(&c.fs);
	free(c.dir);
}

void registry_shm_cleanup(struct daemon *d, const struct ust_registry *reg)
{
	struct shm_cleanup *c;

	if (!reg->shm_dir || reg->consumer_lost)
		return; /* none, or left to lttng-crash */
	if (d->stopping) { /* the workers are gone: the daemon's exit does it now */
		registry_shm_cleanup_now(reg);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->dir = strdup(reg->shm_dir);
	c->root = strdup(reg->shm_root);
	if (!c->dir || !c->root) {
		free(c->dir);
		free(c->root);
		free(c);
		return;
	}
	c->fs.uid = reg->shm_uid;
	c->fs.gid = reg->shm_gid;
	c->fs.work = remove_empty_dirs;
	c->fs.done = cleanup_done;
	fs_job_submit(d, &c->fs);
}
