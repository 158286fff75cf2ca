/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "macros.h"
#include "unix-io.h"

static int fill_addr(struct sockaddr_un *addr, const char *path)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	return copy_string(addr->sun_path, sizeof(addr->sun_path), path);
}

int unix_listen(const char *path, mode_t mode, int backlog)
{
	struct sockaddr_un addr;
	_cleanup_close_ int fd = -1;
	int r = fill_addr(&addr, path);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	(void) unlink(path);
	if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
		return -errno;
	if (mode && chmod(path, mode) < 0)
		return -errno;
	if (listen(fd, backlog) < 0)
		return -errno;
	return move_fd(fd);
}

int unix_connect(const char *path)
{
	struct sockaddr_un addr;
	_cleanup_close_ int fd = -1;
	int r = fill_addr(&addr, path);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
		return -errno;
	return move_fd(fd);
}

static void close_passed_fds(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *fds = (int *) CMSG_DATA(c);

			for (size_t i = 0; i < n; i++)
				close(fds[i]);
		}
	}
}

ssize_t unix_recv_with_creds(int fd, void *buf, size_t len, struct peer_creds *ret_creds,
			     bool *ret_has_creds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 8)];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	*ret_has_creds = false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			ret_creds->pid = uc.pid;
			ret_creds->uid = uc.uid;
			ret_creds->gid = uc.gid;
			*ret_has_creds = true;
		}
	}
	close_passed_fds(&msg);
	return n;
}

int unix_recv_fds(int fd, int *fds, int max_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 253)];
	} control;
	char carrier;
	struct iovec iov = { .iov_base = &carrier, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	int count = 0;
	ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *passed = (int *) CMSG_DATA(c);

		for (size_t i = 0; i < n_fds; i++) {
			if (count < max_fds)
				fds[count++] = passed[i];
			else
				close(passed[i]);
		}
	}
	return count;
}

int unix_send_all(int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			if (poll(&pfd, 1, timeout_ms) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		p += n;
		len -= (size_t) n;
	}
	return 0;
}
