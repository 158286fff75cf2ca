/* SPDX-License-Identifier: GPL-2.0-only */
/* Unix-domain socket helpers: listening sockets, credentials and fd passing. */
#ifndef COMMON_UNIX_IO_H
#define COMMON_UNIX_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct peer_creds {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* Creates a non-blocking SOCK_STREAM listening socket at path (unlinking any stale
 * one), with the given mode (0: leave it to the umask). Returns the fd or -errno. */
int unix_listen(const char *path, mode_t mode, int backlog);
/* Connects to path; returns the fd or -errno. */
int unix_connect(const char *path);
/* One recvmsg into buf; fills *ret_creds when an SCM_CREDENTIALS message came with
 * the bytes (sets *ret_has_creds). Closes any fds that arrive unasked. Returns the
 * byte count, 0 on EOF, or -errno (-EAGAIN when nothing is ready). */
ssize_t unix_recv_with_creds(int fd, void *buf, size_t len, struct peer_creds *ret_creds,
			     bool *ret_has_creds);
/* Receives up to max_fds descriptors carried by one message (the 1-byte carrier is
 * discarded). Returns the number received or -errno. */
int unix_recv_fds(int fd, int *fds, int max_fds);
/* Sends all of buf, looping on short writes; the socket may be non-blocking, in which
 * case it waits with poll() up to timeout_ms. Returns 0 or -errno. */
int unix_send_all(int fd, const void *buf, size_t len, int timeout_ms);

#endif
