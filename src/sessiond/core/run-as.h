/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File-system work done with a client's identity. A root daemon must not create a
 * user's trace directories as root (the user chose the path): the work runs in a
 * child process that has switched to the user's uid, gid and groups.
 */
#ifndef SESSIOND_RUN_AS_H
#define SESSIOND_RUN_AS_H

#include <sys/types.h>

/* Runs fn(arg) as uid:gid. fn returns a status from 0 to 255, which run_as returns;
 * a negative errno means the child could not run fn. Runs in-process when the
 * daemon already has that uid or cannot change identity (not root). */
int run_as(uid_t uid, gid_t gid, int (*fn)(void *arg), void *arg);

/* mkdir -p path with the given mode for every directory it creates, as uid:gid. */
int mkdir_as(uid_t uid, gid_t gid, const char *path, mode_t mode);

#endif
