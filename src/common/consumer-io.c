/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "clock.h"
#include "consumer-io.h"
#include "unix-io.h"

/* timeout_ms bounds the whole receive, not each wait. */
static int recv_exact(int fd, void *buf, size_t len, int timeout_ms)
{
	long long deadline = monotonic_ms() + timeout_ms;
	char *p = buf;

	while (len > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - monotonic_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int) left) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, p, len, MSG_DONTWAIT);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

int consumer_send(int fd, uint16_t type, const void *payload, uint32_t len, int timeout_ms)
{
	struct consumer_wire_header h = {
		.magic = CONSUMER_WIRE_MAGIC,
		.version = CONSUMER_WIRE_VERSION,
		.type = type,
		.payload_bytes = len,
	};
	int r = unix_send_all(fd, &h, sizeof(h), timeout_ms);

	return r < 0 || len == 0 ? r : unix_send_all(fd, payload, len, timeout_ms);
}

int consumer_send_parts(int fd, uint16_t type, const void *a, uint32_t a_len, const void *b,
		       uint32_t b_len, int timeout_ms)
{
	struct consumer_wire_header h = {
		.magic = CONSUMER_WIRE_MAGIC,
		.version = CONSUMER_WIRE_VERSION,
		.type = type,
		.payload_bytes = a_len + b_len,
	};
	int r = unix_send_all(fd, &h, sizeof(h), timeout_ms);

	if (r == 0 && a_len)
		r = unix_send_all(fd, a, a_len, timeout_ms);
	if (r == 0 && b_len)
		r = unix_send_all(fd, b, b_len, timeout_ms);
	return r;
}

int consumer_recv(int fd, uint16_t expected_type, void *buf, uint32_t buf_len, int timeout_ms)
{
	struct consumer_wire_header h;
	int r = recv_exact(fd, &h, sizeof(h), timeout_ms);

	if (r < 0)
		return r;
	if (consumer_header_check(&h) < 0 || h.type != expected_type || h.payload_bytes != buf_len)
		return -EPROTO;
	return buf_len ? recv_exact(fd, buf, buf_len, timeout_ms) : 0;
}

int consumer_recv_any(int fd, struct consumer_wire_header *h, void *buf, uint32_t buf_len,
		      int timeout_ms)
{
	int r = recv_exact(fd, h, sizeof(*h), timeout_ms);

	if (r < 0)
		return r;
	if (consumer_header_check(h) < 0 || h->payload_bytes > buf_len)
		return -EPROTO;
	return h->payload_bytes ? recv_exact(fd, buf, h->payload_bytes, timeout_ms) : 0;
}
