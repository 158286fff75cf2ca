/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Before a domain command on a session that streams to lttng-relayd, the real daemon
 * connects to the relay daemon and fails the command with RELAYD_CONNECT_FAIL when
 * nobody listens (T:src/bin/lttng-sessiond/cmd.c cmd_setup_relayd). This makes the
 * same connection attempt, bounded by LTTNG_NETWORK_SOCKET_TIMEOUT (ms, default
 * 3 s), as loop events: a non-blocking connect watched for writability, and a
 * timer. (The real 2.13.9 blocks every client meanwhile.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <lttng/lttng.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "macros.h"
#include "relayd/relayd-probe.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 3000

/* One connection attempt in flight. */
struct probe {
	struct daemon *daemon;
	struct operation *op;
	char session_name[SESSION_NAME_MAX];
	int fd;
	sd_event_source *io, *timer;
};

static uint64_t connect_timeout_us(void)
{
	const char *v = getenv("LTTNG_NETWORK_SOCKET_TIMEOUT");
	long ms = v ? strtol(v, NULL, 10) : 0;

	return (uint64_t) (ms > 0 ? ms : DEFAULT_CONNECT_TIMEOUT_MS) * 1000ULL;
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

/* The attempt ended: the operation learns what it means for the command. */
static void probe_end(struct probe *p, bool answered)
{
	if (!answered) {
		log_error("Unable to reach lttng-relayd of session \"%s\"", p->session_name);
		operation_fail(p->op, LTTNG_ERR_RELAYD_CONNECT_FAIL);
	} else {
		struct session *s = session_find(p->daemon->sessions, p->session_name);

		if (s)
			s->relay_reached = true; /* its later commands go on at once */
	}
	sd_event_source_disable_unref(p->io);
	sd_event_source_disable_unref(p->timer);
	if (p->fd >= 0)
		close(p->fd);
	operation_release(p->daemon, p->op);
	free(p);
}

static int connected_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	int err = 0;
	socklen_t err_len = sizeof(err);

	probe_end(userdata, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) == 0 && err == 0);
	return 0;
}

static int timeout_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	probe_end(userdata, false);
	return 0;
}

enum lttng_error_code relayd_probe(struct daemon *d, const struct session *session, struct operation *op)
{
	struct sockaddr_storage ss;
	struct probe *p;
	socklen_t len;
	int r;

	p = calloc(1, sizeof(*p));
	if (!p)
		return LTTNG_ERR_NOMEM;
	p->daemon = d;
	p->op = op;
	p->fd = -1;
	(void) copy_string(p->session_name, sizeof(p->session_name), session->name);
	operation_hold(op);
	if (session->uri_count < 1 || fill_address(&session->uris[0], &ss, &len) < 0) {
		probe_end(p, false);
		return LTTNG_OK;
	}
	p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0) {
		probe_end(p, false);
		return LTTNG_OK;
	}
	if (connect(p->fd, (struct sockaddr *) &ss, len) == 0) {
		probe_end(p, true);
		return LTTNG_OK;
	}
	if (errno != EINPROGRESS) {
		probe_end(p, false);
		return LTTNG_OK;
	}
	r = sd_event_add_io(d->loop, &p->io, p->fd, EPOLLOUT, connected_cb, p);
	if (r >= 0)
		r = sd_event_add_time_relative(d->loop, &p->timer, CLOCK_MONOTONIC,
					       connect_timeout_us(), 0, timeout_cb, p);
	if (r < 0)
		probe_end(p, false);
	return LTTNG_OK;
}
