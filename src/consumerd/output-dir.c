/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macros.h"
#include "output-dir.h"

/* Walks the path one component at a time with openat(), so no component is looked
 * up twice and a directory we create is the one we hand back. */
int output_dir_make(const char *path, uid_t uid, gid_t gid, int *dir_fd)
{
	char copy[PATH_MAX];
	char *save = NULL, *part;
	int fd, r;

	r = copy_string(copy, sizeof(copy), path);
	if (r < 0)
		return r;
	if (copy[0] != '/')
		return -EINVAL;
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		int next;

		if (mkdirat(fd, part, 0770) == 0) {
			if (geteuid() == 0 && fchownat(fd, part, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
				r = -errno;
				close(fd);
				return r;
			}
		} else if (errno != EEXIST) {
			r = -errno;
			close(fd);
			return r;
		}
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = -errno;
		close(fd);
		if (next < 0)
			return r;
		fd = next;
	}
	*dir_fd = fd;
	return 0;
}

void fs_identity_enter(uid_t uid, gid_t gid, struct fs_identity *saved)
{
	saved->switched = false;
	if (geteuid() != 0 || uid == 0 || uid == (uid_t) -1)
		return;
	(void) setfsgid(gid);
	(void) setfsuid(uid);
	saved->switched = true;
}

void fs_identity_leave(struct fs_identity *saved)
{
	if (!saved->switched)
		return;
	(void) setfsuid(0);
	(void) setfsgid(0);
	saved->switched = false;
}

bool output_file_unlinked(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && st.st_nlink == 0;
}
