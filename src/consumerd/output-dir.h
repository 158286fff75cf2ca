/* SPDX-License-Identifier: GPL-2.0-only */
/* Trace output directories: created on demand, owned by the session's user. */
#ifndef CONSUMERD_OUTPUT_DIR_H
#define CONSUMERD_OUTPUT_DIR_H

#include <sys/types.h>

/* Creates the absolute path's missing directories (mode 0770, given to uid/gid when
 * we run as root, as LTTng's trace directories are) and opens the last one.
 * Returns 0 with *dir_fd set, or -errno. */
int output_dir_make(const char *path, uid_t uid, gid_t gid, int *dir_fd);

#endif
