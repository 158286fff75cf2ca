/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Before a domain command on a session that streams to lttng-relayd, the real daemon
 * connects to the relay daemon and fails the command with RELAYD_CONNECT_FAIL when
 * nobody listens (T:src/bin/lttng-sessiond/cmd.c cmd_setup_relayd). This does the
 * same connection attempt, bounded by LTTNG_NETWORK_SOCKET_TIMEOUT (ms, default 3 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <lttng/lttng.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "relayd/relayd-probe.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 3000

static int connect_timeout_ms(void)
{
	const char *v = getenv("LTTNG_NETWORK_SOCKET_TIMEOUT");
	long ms = v ? strtol(v, NULL, 10) : 0;

	return ms > 0 ? (int) ms : DEFAULT_CONNECT_TIMEOUT_MS;
}

static int fill_address(const struct wire_uri *uri, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (uri->dtype == WIRE_URI_IPV4) {
		struct sockaddr_in *in = (struct sockaddr_in *) ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(uri->port);
		*len = sizeof(*in);
		return inet_pton(AF_INET, uri->dst.ipv4, &in->sin_addr) == 1 ? 0 : -EINVAL;
	}
	if (uri->dtype == WIRE_URI_IPV6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(uri->port);
		*len = sizeof(*in6);
		return inet_pton(AF_INET6, uri->dst.ipv6, &in6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static bool control_port_answers(const struct wire_uri *uri)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct pollfd pfd;
	int fd, err = 0;
	socklen_t err_len = sizeof(err);
	bool ok = false;

	if (fill_address(uri, &ss, &len) < 0)
		return false;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *) &ss, len) == 0) {
		ok = true;
	} else if (errno == EINPROGRESS) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&pfd, 1, connect_timeout_ms()) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) == 0 && err == 0)
			ok = true;
	}
	close(fd);
	return ok;
}

int relayd_probe(const struct session *session)
{
	if (session->uri_count < 1 || !control_port_answers(&session->uris[0])) {
		log_error("Unable to reach lttng-relayd of session \"%s\"", session->name);
		return LTTNG_ERR_RELAYD_CONNECT_FAIL;
	}
	log_error("Session \"%s\": streaming to lttng-relayd is not supported by this daemon yet",
		  session->name);
	return LTTNG_ERR_RELAYD_VERSION_FAIL;
}
