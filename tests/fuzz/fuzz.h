/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared declarations of the fuzz targets. Each fuzz-*.c defines the libFuzzer entry
 * point; the same file is linked either with libFuzzer (fuzz-<target>) or with
 * replay.c (replay-<target>, a plain main() that feeds a corpus to it).
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the code under test does not hold: report it and crash, so that
 * libFuzzer keeps the input and the replay test fails. */
#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,       \
				__LINE__, #cond);                                         \
			abort();                                                           \
		}                                                                          \
	} while (0)

/*
 * A connection whose peer sent exactly these bytes and then closed its end: returns
 * the receiving end of a socketpair (close it), or -1 when the bytes do not fit in
 * the socket's buffer (the caller skips the input). Reads never wait: at the end of
 * the bytes, recv() reports the closed peer.
 */
static inline int fuzz_peer_sent(const uint8_t *data, size_t size)
{
	int sv[2], buffer = 1 << 20;
	size_t sent = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	(void) setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
	while (sent < size) {
		ssize_t n = send(sv[1], data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n <= 0)
			break;
		sent += (size_t) n;
	}
	close(sv[1]);
	if (sent < size) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

#endif
