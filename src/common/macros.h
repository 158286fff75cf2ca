/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by every module: cleanup attributes, sizes, ownership moves. */
#ifndef COMMON_MACROS_H
#define COMMON_MACROS_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PACKED __attribute__((packed))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **) p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

/* A local that owns heap memory or an fd is released when it leaves scope. */
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Hand ownership on: returns the value and leaves the source empty. */
#define move_ptr(p) ({ __typeof__(p) moved__ = (p); (p) = NULL; moved__; })
#define move_fd(fd) ({ int moved__ = (fd); (fd) = -1; moved__; })

/* Copies a string into a fixed buffer; returns -ENAMETOOLONG instead of truncating. */
int copy_string(char *dst, size_t dst_size, const char *src);

#endif
