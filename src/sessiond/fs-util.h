/* SPDX-License-Identifier: GPL-2.0-only */
/* Directory helpers for trace output and configuration files. */
#ifndef SESSIOND_FS_UTIL_H
#define SESSIOND_FS_UTIL_H

#include <sys/types.h>

/* mkdir -p with mode; every directory it creates is chowned to uid:gid.
 * Returns 0 or -errno. */
int mkdir_owned(const char *path, mode_t mode, uid_t uid, gid_t gid);

#endif
