/* SPDX-License-Identifier: GPL-2.0-only */
/* Trace output directories: created on demand, owned by the session's user. */
#ifndef CONSUMERD_OUTPUT_DIR_H
#define CONSUMERD_OUTPUT_DIR_H

#include <stdbool.h>
#include <sys/types.h>

/* Creates the absolute path's missing directories (mode 0770, given to uid/gid when
 * we run as root, as LTTng's trace directories are) and opens the last one.
 * Returns 0 with *dir_fd set, or -errno. */
int output_dir_make(const char *path, uid_t uid, gid_t gid, int *dir_fd);

/* File-system identity of the session's user for the files and directories we make
 * for it, as LTTng does its trace I/O as that user: its permissions apply (a link it
 * planted cannot make us write where it may not) and what we create is its own. A
 * no-op unless we run as root for another user. The consumer is single-threaded. */
struct fs_identity {
	bool switched;
};
void fs_identity_enter(uid_t uid, gid_t gid, struct fs_identity *saved);
void fs_identity_leave(struct fs_identity *saved);

/* Whether the open file fd has lost its last name (deleted while we write it). */
bool output_file_unlinked(int fd);

#endif
