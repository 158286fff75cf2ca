/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Client connections. Each connection carries one request: a 13156-byte header that
 * must come with SCM_CREDENTIALS, an optional payload whose length the header
 * announces, then optional fds. The reader never allocates more than what actually
 * arrived, refuses claims over CLIENT_MAX_PAYLOAD, and drops connections that stall.
 * Liveness probes (connect then close) are closed silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client-server.h"
#include "client/dispatch.h"
#include "list.h"
#include "core/listen-backoff.h"
#include "log.h"
#include "macros.h"
#include "unix-io.h"

enum conn_state {
	CONN_READ_HEADER,
	CONN_READ_PAYLOAD,
	CONN_READ_FDS,
	CONN_WAIT_HANDLER, /* the handler answers later (client_server_complete) */
	CONN_WRITE_REPLY,
};

struct connection {
	struct list_node link;
	struct client_server *server;
	uint64_t id;
	int fd;
	sd_event_source *io;
	uint64_t deadline_us; /* CLOCK_MONOTONIC; the sweep closes it after that */
	enum conn_state state;
	struct wire_request header;
	size_t header_received;
	struct peer_creds creds;
	bool has_creds;
	struct buffer payload;
	size_t payload_expected;
	int fds[CLIENT_MAX_FDS];
	int fd_count;
	int fd_expected;
	struct wire_reply reply_header;
	struct buffer reply_cmd_header; /* owned, taken from the handler's reply */
	struct buffer reply_data;       /* owned, taken from the handler's reply */
	size_t reply_sent;
	int reply_fds[CLIENT_REPLY_MAX_FDS]; /* owned, sent after the data */
	int reply_fd_count;
};

struct client_server {
	struct daemon *daemon;
	int listen_fd;
	sd_event_source *accept_source;
	struct list_node connections;
	size_t connection_count;
	uint64_t next_connection_id;
	sd_event_source *sweep; /* periodic check for stalled connections */
};

static void connection_free(struct connection *c)
{
	if (!c)
		return;
	list_remove(&c->link);
	c->server->connection_count--;
	sd_event_source_disable_unref(c->io);
	for (int i = 0; i < c->fd_count; i++)
		close(c->fds[i]);
	buffer_fini(&c->payload);
	buffer_fini(&c->reply_cmd_header);
	buffer_fini(&c->reply_data);
	for (int i = 0; i < c->reply_fd_count; i++)
		close(c->reply_fds[i]);
	c->reply_fd_count = 0;
	close(c->fd);
	free(c);
}

static int connection_write_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata);

/* The reply's descriptors, after its bytes: one carrier byte with SCM_RIGHTS, as
 * liblttng-ctl receives them (doc/protocol/client.md). True once sent (or none). */
static bool connection_send_fds(struct connection *c, int *ret_error)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CLIENT_REPLY_MAX_FDS)];
	} control;
	char carrier = '!';
	struct iovec iov = { .iov_base = &carrier, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (c->reply_fd_count == 0)
		return true;
	memset(&control, 0, sizeof(control));
	msg.msg_control = control.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t) c->reply_fd_count);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t) c->reply_fd_count);
	memcpy(CMSG_DATA(cm), c->reply_fds, sizeof(int) * (size_t) c->reply_fd_count);
	do
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*ret_error = errno;
		return false;
	}
	for (int i = 0; i < c->reply_fd_count; i++)
		close(c->reply_fds[i]);
	c->reply_fd_count = 0;
	return true;
}

/* Sends what is left of the reply (header, command header, data) without copying it
 * into one buffer. Returns true when everything was sent. */
static bool connection_send_pending(struct connection *c, int *ret_error)
{
	for (;;) {
		struct iovec iov[3];
		struct msghdr msg = { .msg_iov = iov };
		size_t skip = c->reply_sent;
		const struct { const void *p; size_t n; } parts[3] = {
			{ &c->reply_header, sizeof(c->reply_header) },
			{ c->reply_cmd_header.data, c->reply_cmd_header.size },
			{ c->reply_data.data, c->reply_data.size },
		};
		ssize_t n;

		for (size_t i = 0; i < 3; i++) {
			if (skip >= parts[i].n) {
				skip -= parts[i].n;
				continue;
			}
			iov[msg.msg_iovlen].iov_base = (char *) parts[i].p + skip;
			iov[msg.msg_iovlen].iov_len = parts[i].n - skip;
			msg.msg_iovlen++;
			skip = 0;
		}
		if (msg.msg_iovlen == 0)
			return connection_send_fds(c, ret_error);
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			*ret_error = errno == EINTR ? 0 : errno;
			if (errno == EINTR)
				continue;
			return false;
		}
		c->reply_sent += (size_t) n;
	}
}

int client_reply_add_fd(struct client_reply *reply, int fd)
{
	int copy;

	if (reply->fd_count == CLIENT_REPLY_MAX_FDS)
		return -E2BIG;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0)
		return -errno;
	reply->fds[reply->fd_count++] = copy;
	return 0;
}

/* Takes the reply's buffers and starts sending. */
static void connection_start_reply(struct connection *c, struct client_reply *reply)
{
	struct wire_reply *header = &c->reply_header;
	int error = 0;

	memset(header, 0, sizeof(*header));
	header->cmd_type = c->header.cmd_type;
	header->ret_code = (uint32_t) reply->ret_code;
	header->pid = (uint32_t) c->header.domain.attr.pid;
	if (reply->ret_code < LTTNG_OK || reply->ret_code >= LTTNG_ERR_NR)
		header->ret_code = LTTNG_ERR_UNK;
	if (header->ret_code == LTTNG_OK) {
		header->cmd_header_size = (uint32_t) reply->cmd_header.size;
		header->data_size = (uint32_t) reply->data.size;
		header->fd_count = (uint32_t) reply->fd_count;
		c->reply_cmd_header = reply->cmd_header;
		c->reply_data = reply->data;
		buffer_init(&reply->cmd_header);
		buffer_init(&reply->data);
		memcpy(c->reply_fds, reply->fds, sizeof(int) * (size_t) reply->fd_count);
		c->reply_fd_count = reply->fd_count;
		reply->fd_count = 0;
	}
	for (int i = 0; i < reply->fd_count; i++) /* an error reply carries none */
		close(reply->fds[i]);
	reply->fd_count = 0;
	c->state = CONN_WRITE_REPLY;
	c->reply_sent = 0;
	if (connection_send_pending(c, &error)) {
		/* One request per connection: the client reads the reply and closes. */
		connection_free(c);
		return;
	}
	if (error != EAGAIN) {
		connection_free(c);
		return;
	}
	/* The client reads slowly: finish from the loop when the socket drains. */
	sd_event_source_disable_unref(c->io);
	c->io = NULL;
	if (sd_event_add_io(c->server->daemon->loop, &c->io, c->fd, EPOLLOUT,
			    connection_write_cb, c) < 0)
		connection_free(c);
}

static void connection_reply_error(struct connection *c, int code)
{
	struct client_reply reply = { .ret_code = code };

	connection_start_reply(c, &reply);
}

static void connection_dispatch(struct connection *c)
{
	struct client_reply reply = { .ret_code = LTTNG_ERR_UNK };
	struct client_request req = {
		.header = &c->header,
		.domain_type = c->header.domain.type,
		.buffer_type = c->header.domain.buf_type,
		.payload = c->payload.data,
		.payload_len = c->payload.size,
		.fd_count = c->fd_count,
		.creds = c->creds,
		.connection_id = c->id,
	};

	memcpy(req.session_name, c->header.session.name, sizeof(req.session_name));
	req.session_name[sizeof(req.session_name) - 1] = '\0';
	memcpy(req.fds, c->fds, sizeof(int) * (size_t) c->fd_count);
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	dispatch_request(c->server->daemon, &req, &reply);
	/* The handlers never keep request fds; they are ours to close, once the
	 * request is answered (a deferred one may be dispatched again: they stay
	 * until the connection goes). */
	if (!reply.deferred) {
		for (int i = 0; i < c->fd_count; i++)
			close(c->fds[i]);
		c->fd_count = 0;
	}
	if (reply.deferred) {
		uint64_t now;

		c->state = CONN_WAIT_HANDLER;
		(void) sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
		(void) sd_event_now(c->server->daemon->loop, CLOCK_MONOTONIC, &now);
		c->deadline_us = now + CLIENT_DEFERRED_TIMEOUT_US;
		return;
	}
	connection_start_reply(c, &reply);
	buffer_fini(&reply.cmd_header);
	buffer_fini(&reply.data);
}

/* Decides what follows a complete header. Returns true when the connection still
 * expects bytes; false when it was answered (and may already be freed). */
static bool connection_header_done(struct connection *c)
{
	long long payload = dispatch_payload_length(&c->header);

	if (payload < 0) {
		connection_reply_error(c, LTTNG_ERR_INVALID);
		return false;
	}
	if ((unsigned long long) payload > CLIENT_MAX_PAYLOAD) {
		log_debug("Client pid %d announced a %lld-byte payload; refusing", c->creds.pid,
			  payload);
		connection_reply_error(c, LTTNG_ERR_INVALID);
		return false;
	}
	if (c->header.fd_count > CLIENT_MAX_FDS) {
		connection_reply_error(c, LTTNG_ERR_INVALID);
		return false;
	}
	c->payload_expected = (size_t) payload;
	c->fd_expected = (int) c->header.fd_count;
	if (c->payload_expected) {
		c->state = CONN_READ_PAYLOAD;
		return true;
	}
	if (c->fd_expected) {
		c->state = CONN_READ_FDS;
		return true;
	}
	connection_dispatch(c);
	return false;
}

/* Reads what is available. Returns false when reading must stop: the connection was
 * answered or closed, and c may no longer exist. */
static bool connection_read_some(struct connection *c)
{
	if (c->state == CONN_READ_HEADER) {
		bool has_creds = false;
		struct peer_creds creds;
		ssize_t n = unix_recv_with_creds(c->fd, (char *) &c->header + c->header_received,
						 sizeof(c->header) - c->header_received, &creds,
						 &has_creds);

		if (n == -EAGAIN || n == -EINTR)
			return true;
		if (n <= 0) {
			/* Liveness probe or client gone before a full header. */
			connection_free(c);
			return false;
		}
		if (c->header_received == 0) {
			if (!has_creds) {
				log_debug("Client request without credentials; closing");
				connection_free(c);
				return false;
			}
			c->creds = creds;
			c->has_creds = true;
		}
		c->header_received += (size_t) n;
		if (c->header_received == sizeof(c->header))
			return connection_header_done(c);
		return true;
	}
	if (c->state == CONN_READ_PAYLOAD) {
		uint8_t chunk[65536];
		size_t want = MIN(sizeof(chunk), c->payload_expected - c->payload.size);
		bool has_creds;
		struct peer_creds creds;
		ssize_t n = unix_recv_with_creds(c->fd, chunk, want, &creds, &has_creds);

		if (n == -EAGAIN || n == -EINTR)
			return true;
		if (n <= 0 || buffer_append(&c->payload, chunk, (size_t) n) < 0) {
			connection_free(c);
			return false;
		}
		if (c->payload.size == c->payload_expected) {
			if (!c->fd_expected) {
				connection_dispatch(c);
				return false;
			}
			c->state = CONN_READ_FDS;
		}
		return true;
	}
	if (c->state == CONN_READ_FDS) {
		int n = unix_recv_fds(c->fd, c->fds + c->fd_count, CLIENT_MAX_FDS - c->fd_count);

		if (n == -EAGAIN || n == -EINTR)
			return true;
		if (n <= 0) {
			connection_free(c);
			return false;
		}
		c->fd_count += n;
		if (c->fd_count >= c->fd_expected) {
			connection_dispatch(c);
			return false;
		}
		return true;
	}
	return true;
}

static int connection_read_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct connection *c = userdata;

	/* Keep reading while the connection stays in a reading state: a header and its
	 * payload often arrive together. */
	for (int i = 0; i < 64 && c->state < CONN_WAIT_HANDLER; i++) {
		enum conn_state before = c->state;
		size_t progress = c->header_received + c->payload.size + (size_t) c->fd_count;

		if (!connection_read_some(c))
			return 0;
		if (c->state == before &&
		    progress == c->header_received + c->payload.size + (size_t) c->fd_count)
			break;
	}
	return 0;
}

static int connection_write_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct connection *c = userdata;
	int error = 0;

	if (connection_send_pending(c, &error) || error != EAGAIN)
		connection_free(c);
	return 0;
}

/* Closes connections whose request or reply has taken too long. One periodic timer
 * serves every connection, so accepting one costs no timer syscall. */
static int sweep_cb(sd_event_source *s, uint64_t now_us, void *userdata)
{
	struct client_server *server = userdata;
	struct connection *c, *tmp;

	list_for_each_entry_safe(c, tmp, &server->connections, link) {
		if (c->deadline_us > now_us)
			continue;
		log_debug("Client pid %d stalled; closing its connection", c->creds.pid);
		connection_free(c);
	}
	(void) sd_event_source_set_time(s, now_us + CLIENT_SWEEP_PERIOD_US);
	return 0;
}

static int accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client_server *server = userdata;

	for (;;) {
		int one = 1;
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct connection *c;

		if (cfd < 0) {
			(void) listen_backoff(s, errno);
			return 0;
		}
		if (server->connection_count >= CLIENT_MAX_CONNECTIONS) {
			log_warn("Too many client connections; refusing one");
			close(cfd);
			continue;
		}
		if (setsockopt(cfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
		    !(c = calloc(1, sizeof(*c)))) {
			close(cfd);
			continue;
		}
		c->server = server;
		c->id = ++server->next_connection_id;
		c->fd = cfd;
		buffer_init(&c->payload);
		buffer_init(&c->reply_cmd_header);
		buffer_init(&c->reply_data);
		list_append(&server->connections, &c->link);
		server->connection_count++;
		(void) sd_event_now(server->daemon->loop, CLOCK_MONOTONIC, &c->deadline_us);
		c->deadline_us += CLIENT_REQUEST_TIMEOUT_US;
		if (sd_event_add_io(server->daemon->loop, &c->io, cfd, EPOLLIN, connection_read_cb,
				    c) < 0) {
			connection_free(c);
			continue;
		}
		/* The request usually arrived with the connection: serve it now. */
		connection_read_cb(c->io, cfd, EPOLLIN, c);
	}
}

/* The connection of a deferred request, NULL when it has gone. */
static struct connection *waiting_connection(struct daemon *d, uint64_t connection_id)
{
	struct connection *c;

	if (!d->clients)
		return NULL;
	list_for_each_entry(c, &d->clients->connections, link)
		if (c->id == connection_id && c->state == CONN_WAIT_HANDLER)
			return c;
	return NULL;
}

void client_server_pause(struct daemon *d, bool paused)
{
	if (d->clients && d->clients->accept_source)
		(void) sd_event_source_set_enabled(d->clients->accept_source,
						   paused ? SD_EVENT_OFF : SD_EVENT_ON);
}

void client_server_redispatch(struct daemon *d, uint64_t connection_id)
{
	struct connection *c = waiting_connection(d, connection_id);

	if (!c)
		return;
	/* Not waiting any more while it runs again: nothing completes it twice. */
	c->state = CONN_READ_FDS;
	connection_dispatch(c);
}

void client_server_fail(struct daemon *d, uint64_t connection_id, int code)
{
	struct connection *c = waiting_connection(d, connection_id);

	if (c)
		connection_reply_error(c, code);
}

void client_server_complete(struct daemon *d, uint64_t connection_id, struct client_reply *reply)
{
	struct connection *c = waiting_connection(d, connection_id);

	if (!c)
		return;
	if (reply->ret_code != LTTNG_OK) {
		reply->cmd_header.size = 0;
		reply->data.size = 0;
	}
	connection_start_reply(c, reply);
}

int client_server_start(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;
	struct client_server *server = calloc(1, sizeof(*server));
	int r;

	if (!server)
		return -ENOMEM;
	server->daemon = d;
	list_init(&server->connections);
	d->clients = server;
	server->listen_fd = unix_listen(cfg->client_sock_path, 0660, 64);
	if (server->listen_fd < 0)
		return log_error_errno(server->listen_fd, "Cannot listen on %s",
				       cfg->client_sock_path);
	/* Members of the tracing group may use a root daemon (lttng-sessiond(8)). */
	if (cfg->is_root && chown(cfg->client_sock_path, 0, d->tracing_gid) < 0)
		log_warn("Cannot give %s to the tracing group: %s", cfg->client_sock_path,
			 strerror(errno));
	r = sd_event_add_io(d->loop, &server->accept_source, server->listen_fd, EPOLLIN,
			    accept_cb, server);
	if (r < 0)
		return log_error_errno(r, "Cannot watch the client socket");
	r = sd_event_add_time_relative(d->loop, &server->sweep, CLOCK_MONOTONIC,
				       CLIENT_SWEEP_PERIOD_US, CLIENT_SWEEP_PERIOD_US / 4, sweep_cb,
				       server);
	if (r < 0)
		return log_error_errno(r, "Cannot arm the client sweep timer");
	(void) sd_event_source_set_enabled(server->sweep, SD_EVENT_ON);
	return 0;
}

void client_server_stop(struct daemon *d)
{
	struct client_server *server = d->clients;
	struct connection *c, *tmp;

	if (!server)
		return;
	list_for_each_entry_safe(c, tmp, &server->connections, link)
		connection_free(c);
	sd_event_source_disable_unref(server->accept_source);
	sd_event_source_disable_unref(server->sweep);
	if (server->listen_fd >= 0) {
		close(server->listen_fd);
		(void) unlink(d->cfg->client_sock_path);
	}
	free(server);
	d->clients = NULL;
}
