/* SPDX-License-Identifier: GPL-2.0-only */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/agent-listener.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"

static int agent_accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (conn >= 0) {
		log_debug("Agent connection closed: agent registration comes with the agent "
			  "domains (issue 12)");
		close(conn);
	}
	return 0;
}

static int bind_first_free_port(int begin, int end, int *ret_port)
{
	for (int port = begin; port <= end; port++) {
		struct sockaddr_in addr = {
			.sin_family = AF_INET,
			.sin_port = htons((uint16_t) port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};
		int one = 1;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (fd < 0)
			return -errno;
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0) {
			if (listen(fd, SOMAXCONN) < 0) {
				int r = -errno;

				close(fd);
				return r;
			}
			*ret_port = port;
			return fd;
		}
		if (errno != EADDRINUSE) {
			int r = -errno;

			close(fd);
			return r;
		}
		log_debug("Agent port %d is already in use", port);
		close(fd);
	}
	return -EADDRINUSE;
}

static int write_port_file(const char *path, int port)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	char text[16];
	int len = snprintf(text, sizeof(text), "%d\n", port);

	if (fd < 0)
		return -errno;
	return write(fd, text, (size_t) len) == len ? 0 : -EIO;
}

int agent_listener_start(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;
	int port = 0;
	int fd = bind_first_free_port(cfg->agent_port_begin, cfg->agent_port_end, &port);

	d->agent_fd = -1;
	if (fd == -EADDRINUSE) {
		if (cfg->agent_port_begin == cfg->agent_port_end)
			log_warn("Another process is already using the agent port %d. Agent support "
				 "will be deactivated.", cfg->agent_port_begin);
		else
			log_warn("All ports in the range [%d, %d] are already in use. Agent support "
				 "will be deactivated.", cfg->agent_port_begin, cfg->agent_port_end);
		return 0;
	}
	if (fd < 0) {
		log_warn("Cannot listen for agents: %s. Agent support will be deactivated.",
			 strerror(-fd));
		return 0;
	}
	d->agent_fd = fd;
	if (sd_event_add_io(d->loop, &d->agent_source, fd, EPOLLIN, agent_accept_cb, d) < 0)
		return -ENOMEM;
	if (write_port_file(cfg->agent_port_file_path, port) < 0)
		log_warn("Cannot write the agent port file %s", cfg->agent_port_file_path);
	log_debug("Listening for agents on TCP port %d", port);
	return 0;
}

void agent_listener_stop(struct daemon *d)
{
	if (d->agent_fd < 0)
		return;
	d->agent_source = sd_event_source_disable_unref(d->agent_source);
	close(d->agent_fd);
	d->agent_fd = -1;
	(void) unlink(d->cfg->agent_port_file_path);
}
