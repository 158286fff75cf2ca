/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "macros.h"
#include "core/rundir.h"
#include "unix-io.h"

int rundir_create(const struct sessiond_config *cfg)
{
	if (mkdir(cfg->rundir, 0700) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "Cannot create run directory %s", cfg->rundir);
	return 0;
}

/* Consumer socket directories: 0750, group = tracing group for a root daemon; the
 * kernel consumer's for root's daemon only, as in LTTng. */
int rundir_create_consumer_dirs(const struct sessiond_config *cfg, gid_t tracing_gid)
{
	const char *dirs[] = { cfg->ustconsumerd64_dir, cfg->ustconsumerd32_dir,
			       cfg->kconsumerd_dir };

	for (size_t i = 0; i < ARRAY_SIZE(dirs) - (cfg->is_root ? 0 : 1); i++) {
		if (mkdir(dirs[i], 0750) < 0 && errno != EEXIST)
			return log_error_errno(-errno, "Cannot create %s", dirs[i]);
		if (cfg->is_root && chown(dirs[i], 0, tracing_gid) < 0)
			return log_error_errno(-errno, "Cannot set the group of %s", dirs[i]);
	}
	return 0;
}

static bool socket_answers(const char *path)
{
	int fd;

	if (access(path, F_OK) < 0)
		return false;
	fd = unix_connect(path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool is_member_of_group(const char *group_name)
{
	struct group *gr = getgrnam(group_name);
	gid_t groups[256];
	int n;

	if (!gr)
		return false;
	if (getegid() == gr->gr_gid)
		return true;
	n = getgroups(ARRAY_SIZE(groups), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

bool rundir_daemon_is_alive(const struct sessiond_config *cfg)
{
	if (!cfg->is_root && is_member_of_group(cfg->group_name) &&
	    socket_answers("/var/run/lttng/client-lttng-sessiond"))
		return true;
	return socket_answers(cfg->client_sock_path);
}

int rundir_lock(const struct sessiond_config *cfg)
{
	int fd = open(cfg->lock_file_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0660);

	if (fd < 0)
		return -errno;
	/* flock(), not fcntl(): the lock belongs to the open file and so survives the
	 * fork of --daemonize/--background. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int rundir_write_pid_file(const struct sessiond_config *cfg)
{
	FILE *f = fopen(cfg->pid_file_path, "we");

	if (!f)
		return log_error_errno(-errno, "Cannot write pid file %s", cfg->pid_file_path);
	fprintf(f, "%d\n", (int) getpid());
	if (fclose(f) != 0)
		return log_error_errno(-errno, "Cannot write pid file %s", cfg->pid_file_path);
	return 0;
}

void rundir_publish(const struct sessiond_config *cfg, gid_t tracing_gid)
{
	if (!cfg->is_root)
		return;
	if (chown(cfg->rundir, 0, tracing_gid) < 0 || chmod(cfg->rundir, 0755) < 0)
		log_warn("Cannot set the permissions of %s: %s", cfg->rundir, strerror(errno));
}

void rundir_cleanup(const struct sessiond_config *cfg, int lock_fd)
{
	(void) unlink(cfg->pid_file_path);
	(void) unlink(cfg->health_sock_path);
	(void) rmdir(cfg->ustconsumerd64_dir);
	(void) rmdir(cfg->ustconsumerd32_dir);
	(void) rmdir(cfg->kconsumerd_dir);
	if (lock_fd >= 0) {
		(void) unlink(cfg->lock_file_path);
		close(lock_fd);
	}
}
