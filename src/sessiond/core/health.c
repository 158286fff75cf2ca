/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Health checks (doc/protocol/daemon.md): the client sends a u32 command (0 = check),
 * the daemon answers a u64 whose bit i is set when subsystem i is unhealthy. This
 * daemon runs everything on one loop, so a check that gets answered at all proves the
 * loop is alive; every bit is therefore clear.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/health.h"
#include "log.h"
#include "unix-io.h"

/* Answers one check if the command is there; returns false while it is still to come. */
static bool health_answer(int fd)
{
	uint32_t cmd;
	uint64_t unhealthy = 0;
	ssize_t n = recv(fd, &cmd, sizeof(cmd), MSG_DONTWAIT | MSG_PEEK);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n == (ssize_t) sizeof(cmd) && recv(fd, &cmd, sizeof(cmd), MSG_DONTWAIT) == n &&
	    cmd == 0)
		(void) send(fd, &unhealthy, sizeof(unhealthy), MSG_DONTWAIT | MSG_NOSIGNAL);
	return true;
}

static int health_conn_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;

	if (!health_answer(fd) && !(revents & (EPOLLHUP | EPOLLERR)))
		return 0;
	for (size_t i = 0; i < HEALTH_MAX_PENDING; i++) {
		if (d->health_pending[i] == s) {
			d->health_pending[i] = NULL;
			break;
		}
	}
	sd_event_source_disable_unref(s);
	close(fd);
	return 0;
}

/* Never blocks: a check whose command has not arrived waits on its own source, and
 * only HEALTH_MAX_PENDING may wait at once (the oldest is dropped). */
static int health_accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t slot = d->health_next_slot++ % HEALTH_MAX_PENDING;

	if (cfd < 0)
		return 0;
	if (health_answer(cfd)) {
		close(cfd);
		return 0;
	}
	if (d->health_pending[slot]) {
		close(sd_event_source_get_io_fd(d->health_pending[slot]));
		d->health_pending[slot] = sd_event_source_disable_unref(d->health_pending[slot]);
	}
	if (sd_event_add_io(d->loop, &d->health_pending[slot], cfd, EPOLLIN, health_conn_cb, d) < 0)
		close(cfd);
	return 0;
}

int health_start(struct daemon *d)
{
	int r;

	/* Root: 0660 root:tracing. A per-user daemon leaves the mode to its umask, as
	 * LTTng does. */
	d->health_fd = unix_listen(d->cfg->health_sock_path, d->cfg->is_root ? 0660 : 0, 16);
	if (d->health_fd < 0)
		return log_error_errno(d->health_fd, "Cannot listen on %s", d->cfg->health_sock_path);
	if (d->cfg->is_root && chown(d->cfg->health_sock_path, 0, d->tracing_gid) < 0)
		log_warn("Cannot give %s to the tracing group", d->cfg->health_sock_path);
	r = sd_event_add_io(d->loop, &d->health_source, d->health_fd, EPOLLIN, health_accept_cb, d);
	return r < 0 ? log_error_errno(r, "Cannot watch the health socket") : 0;
}

void health_stop(struct daemon *d)
{
	d->health_source = sd_event_source_disable_unref(d->health_source);
	for (size_t i = 0; i < HEALTH_MAX_PENDING; i++) {
		if (!d->health_pending[i])
			continue;
		close(sd_event_source_get_io_fd(d->health_pending[i]));
		d->health_pending[i] = sd_event_source_disable_unref(d->health_pending[i]);
	}
	if (d->health_fd >= 0) {
		close(d->health_fd);
		d->health_fd = -1;
		(void) unlink(d->cfg->health_sock_path);
	}
}
