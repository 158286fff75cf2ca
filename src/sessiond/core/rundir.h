/* SPDX-License-Identifier: GPL-2.0-only */
/* The run directory: its creation and permissions, the single-instance lock, the pid
 * file, and their removal at exit (lttng-sessiond(8), FILES). */
#ifndef SESSIOND_RUNDIR_H
#define SESSIOND_RUNDIR_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/config.h"

/* Creates the run directory. Returns 0 or -errno (logged). */
int rundir_create(const struct sessiond_config *cfg);
/* Creates the consumer socket directories (after the lock is held). */
int rundir_create_consumer_dirs(const struct sessiond_config *cfg, gid_t tracing_gid);
/* True when a daemon already answers on a socket this daemon would serve, following
 * liblttng-ctl's own liveness check (including the tracing-group global socket for
 * non-root users). */
bool rundir_daemon_is_alive(const struct sessiond_config *cfg);
/* Takes the lock file; returns the held fd or -errno. */
int rundir_lock(const struct sessiond_config *cfg);
int rundir_write_pid_file(const struct sessiond_config *cfg);
/* Root daemon: the run directory readable by all, owned by root:tracing. */
void rundir_publish(const struct sessiond_config *cfg, gid_t tracing_gid);
/* Removes what rundir_* created, except the directory itself. */
void rundir_cleanup(const struct sessiond_config *cfg, int lock_fd);

#endif
