/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Health checks (doc/protocol/health.md): the client sends a u32 command (0 = check),
 * the daemon answers a u64 whose bit i is set when subsystem i is unhealthy. This
 * daemon runs everything on one loop, so a check that gets answered at all proves the
 * loop is alive; every bit is therefore clear.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health.h"
#include "log.h"
#include "unix-io.h"

static int health_accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	uint32_t cmd;
	uint64_t unhealthy = 0;
	struct timeval tv = { .tv_sec = 1 };

	if (cfd < 0)
		return 0;
	(void) setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv(cfd, &cmd, sizeof(cmd), MSG_WAITALL) == (ssize_t) sizeof(cmd) && cmd == 0)
		(void) unix_send_all(cfd, &unhealthy, sizeof(unhealthy), 1000);
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
	if (d->health_fd >= 0) {
		close(d->health_fd);
		d->health_fd = -1;
		(void) unlink(d->cfg->health_sock_path);
	}
}
