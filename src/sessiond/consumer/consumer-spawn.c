/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting lttng-consumerd (doc/protocol/consumer.md): posix_spawn() with the
 * command line LTTng gives its consumer, then, each step driven by a loop event,
 * its READY on our error socket, our connection to its command socket and the
 * HELLO exchange (whose bitness must be the one expected). A timer bounds it all.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "consumer-io.h"
#include "consumer/consumer-spawn.h"
#include "core/daemon.h"
#include "log.h"
#include "macros.h"
#include "unix-io.h"
#include "wire/consumer-codec.h"

/* A connect that finds the consumer's backlog full is tried again after this. */
#define CONNECT_RETRY_US 20000ULL

struct consumer_spawn {
	int listen_fd;                 /* our error socket, until the consumer connects */
	sd_event_source *listen_source;
	sd_event_source *err_source;   /* READY, on cs->err_fd */
	sd_event_source *cmd_source;   /* the HELLO reply, on cs->cmd_fd */
	sd_event_source *deadline;
	sd_event_source *retry;        /* connecting again */
	uint8_t rx[sizeof(struct consumer_wire_header) + sizeof(struct consumer_wire_hello)];
	size_t rx_have;
};

/* The consumer's argv and environment. */
struct consumer_exec {
	char *argv[12];
	char **envp;
	char *ld_library_path; /* owned "LD_LIBRARY_PATH=..." entry, or NULL */
};

extern char **environ;

static int consumer_exec_prepare(const struct consumer_supervisor *cs,
				 const struct sessiond_config *cfg, struct consumer_exec *x)
{
	size_t n = 0, count = 0;
	const char *old = getenv("LD_LIBRARY_PATH");

	memset(x, 0, sizeof(*x));
	x->argv[n++] = (char *) "lttng-consumerd";
	x->argv[n++] = (char *) (cfg->verbose_consumer ? "--verbose"
						: cfg->verbosity < 0 ? "--quiet" : "");
	x->argv[n++] = (char *) (cs->kernel ? "-k" : "-u");
	x->argv[n++] = (char *) "--consumerd-cmd-sock";
	x->argv[n++] = (char *) cs->cmd_sock;
	x->argv[n++] = (char *) "--consumerd-err-sock";
	x->argv[n++] = (char *) cs->err_sock;
	x->argv[n++] = (char *) "--group";
	x->argv[n++] = (char *) cfg->group_name;
	x->argv[n] = NULL;
	for (char **e = environ; *e; e++)
		count++;
	x->envp = calloc(count + 2, sizeof(char *));
	if (!x->envp)
		return -ENOMEM;
	if (cs->libdir[0] &&
	    asprintf(&x->ld_library_path, "LD_LIBRARY_PATH=%s%s%s", cs->libdir,
		     old && *old ? ":" : "", old && *old ? old : "") < 0) {
		x->ld_library_path = NULL;
		free(x->envp);
		return -ENOMEM;
	}
	n = 0;
	for (char **e = environ; *e; e++)
		if (!x->ld_library_path || strncmp(*e, "LD_LIBRARY_PATH=", 16) != 0)
			x->envp[n++] = *e;
	if (x->ld_library_path)
		x->envp[n++] = x->ld_library_path;
	x->envp[n] = NULL;
	return 0;
}

static void consumer_exec_fini(struct consumer_exec *x)
{
	free(x->envp);
	free(x->ld_library_path);
}

/* posix_spawn (vfork-like: the loop only waits for the exec itself), with the
 * signals the daemon blocks for sd-event unblocked in the consumer. */
static int spawn_process(const struct consumer_supervisor *cs, const struct consumer_exec *x,
			 pid_t *ret_pid)
{
	posix_spawnattr_t attr;
	sigset_t none;
	int r;

	sigemptyset(&none);
	r = posix_spawnattr_init(&attr);
	if (r != 0)
		return -r;
	r = posix_spawnattr_setsigmask(&attr, &none);
	if (r == 0)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (r == 0)
		r = posix_spawn(ret_pid, cs->bin_path, NULL, &attr, x->argv, x->envp);
	posix_spawnattr_destroy(&attr);
	return -r;
}

static void fail(struct consumer_supervisor *cs, int r)
{
	consumer_spawn_cancel(cs);
	consumer_spawn_finished(cs, r);
}

/* Reads what is there of a message of `want` bytes. 1 when complete, 0 when more
 * is to come, -errno on a closed or broken socket. */
static int read_some(int fd, struct consumer_spawn *sp, size_t want)
{
	while (sp->rx_have < want) {
		ssize_t n = recv(fd, sp->rx + sp->rx_have, want - sp->rx_have, MSG_DONTWAIT);

		if (n == 0)
			return -ECONNRESET;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		sp->rx_have += (size_t) n;
	}
	return 1;
}

static int hello_reply_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct consumer_spawn *sp = cs->spawn;
	const struct consumer_wire_header *h = (const void *) sp->rx;
	struct consumer_wire_hello reply;
	int r = read_some(fd, sp, sizeof(sp->rx));

	if (r == 0)
		return 0;
	if (r > 0 && (consumer_header_check(h) < 0 || h->type != CONSUMER_MSG_HELLO ||
		      consumer_decode_hello(sp->rx + sizeof(*h), h->payload_bytes, &reply) < 0))
		r = -EPROTO;
	if (r > 0 && reply.pid != (uint32_t) cs->pid)
		r = -EPROTO;
	if (r > 0 && reply.bits_per_long != cs->bits_per_long) {
		log_error("%s is a %u-bit consumer daemon, %u-bit applications need a %u-bit one",
			  cs->bin_path, reply.bits_per_long, cs->bits_per_long, cs->bits_per_long);
		r = -EPROTO;
	}
	if (r < 0) {
		fail(cs, r);
		return 0;
	}
	/* The consumer's worker talks on it with blocking, bounded calls. */
	(void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	consumer_spawn_cancel(cs);
	consumer_spawn_finished(cs, 0);
	return 0;
}

/* Connects to the consumer's command socket and sends our HELLO. */
static int connect_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct consumer_spawn *sp = cs->spawn;
	struct consumer_wire_hello hello = { .pid = (uint32_t) getpid(),
					     .bits_per_long = (uint32_t) (sizeof(long) * 8) };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, r;

	sp->retry = sd_event_source_disable_unref(sp->retry);
	if (strlen(cs->cmd_sock) >= sizeof(addr.sun_path)) {
		fail(cs, -ENAMETOOLONG);
		return 0;
	}
	strcpy(addr.sun_path, cs->cmd_sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		fail(cs, -errno);
		return 0;
	}
	if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
		r = -errno;
		close(fd);
		if (r == -EAGAIN) {
			/* Its backlog is full: try again shortly, within the deadline. */
			r = sd_event_add_time_relative(cs->daemon->loop, &sp->retry, CLOCK_MONOTONIC,
						       CONNECT_RETRY_US, 0, connect_cb, cs);
			if (r >= 0)
				return 0;
		}
		fail(cs, r);
		return 0;
	}
	cs->cmd_fd = fd;
	/* 24 bytes on a fresh socket: the send completes at once. */
	r = consumer_send(fd, CONSUMER_MSG_HELLO, &hello, sizeof(hello), 0);
	if (r == 0) {
		sp->rx_have = 0;
		r = sd_event_add_io(cs->daemon->loop, &sp->cmd_source, fd, EPOLLIN, hello_reply_cb,
				    cs);
	}
	if (r < 0)
		fail(cs, r);
	return 0;
}

static int ready_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct consumer_spawn *sp = cs->spawn;
	const struct consumer_wire_header *h = (const void *) sp->rx;
	int r = read_some(fd, sp, sizeof(*h));

	if (r == 0)
		return 0;
	if (r > 0 && (consumer_header_check(h) < 0 || h->type != CONSUMER_MSG_READY ||
		      h->payload_bytes != 0))
		r = -EPROTO;
	if (r < 0) {
		fail(cs, r);
		return 0;
	}
	sp->err_source = sd_event_source_disable_unref(sp->err_source);
	(void) connect_cb(NULL, 0, cs);
	return 0;
}

static int accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct consumer_spawn *sp = cs->spawn;
	int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int r;

	if (conn < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : (fail(cs, -errno), 0);
	/* The first connection is the consumer's: nobody else is told the path. */
	sp->listen_source = sd_event_source_disable_unref(sp->listen_source);
	close(sp->listen_fd);
	sp->listen_fd = -1;
	(void) unlink(cs->err_sock);
	cs->err_fd = conn;
	sp->rx_have = 0;
	r = sd_event_add_io(cs->daemon->loop, &sp->err_source, conn, EPOLLIN, ready_cb, cs);
	if (r < 0)
		fail(cs, r);
	return 0;
}

static int deadline_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	fail(userdata, -ETIMEDOUT);
	return 0;
}

int consumer_spawn_begin(struct consumer_supervisor *cs)
{
	struct daemon *d = cs->daemon;
	struct consumer_spawn *sp;
	struct consumer_exec x;
	pid_t pid;
	int r;

	if (access(cs->bin_path, X_OK) < 0)
		return log_error_errno(-errno, "Cannot run the %u-bit consumer daemon %s",
				       cs->bits_per_long, cs->bin_path);
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return log_error_errno(-ENOMEM, "Cannot start the consumer daemon");
	cs->spawn = sp;
	sp->listen_fd = unix_listen(cs->err_sock, 0660, 4);
	if (sp->listen_fd < 0) {
		r = sp->listen_fd;
		consumer_spawn_cancel(cs);
		return log_error_errno(r, "Cannot listen on %s", cs->err_sock);
	}
	(void) fcntl(sp->listen_fd, F_SETFL, fcntl(sp->listen_fd, F_GETFL) | O_NONBLOCK);
	r = sd_event_add_io(d->loop, &sp->listen_source, sp->listen_fd, EPOLLIN, accept_cb, cs);
	if (r >= 0)
		r = sd_event_add_time_relative(d->loop, &sp->deadline, CLOCK_MONOTONIC,
					       CONSUMER_SPAWN_TIMEOUT_MS * 1000ULL, 0, deadline_cb,
					       cs);
	if (r >= 0)
		r = consumer_exec_prepare(cs, d->cfg, &x);
	if (r >= 0) {
		r = spawn_process(cs, &x, &pid);
		consumer_exec_fini(&x);
	}
	if (r < 0) {
		consumer_spawn_cancel(cs);
		return log_error_errno(r, "Cannot start the %u-bit consumer daemon %s",
				       cs->bits_per_long, cs->bin_path);
	}
	cs->pid = pid;
	return 0;
}

void consumer_spawn_cancel(struct consumer_supervisor *cs)
{
	struct consumer_spawn *sp = cs->spawn;

	if (!sp)
		return;
	cs->spawn = NULL;
	sd_event_source_disable_unref(sp->listen_source);
	sd_event_source_disable_unref(sp->err_source);
	sd_event_source_disable_unref(sp->cmd_source);
	sd_event_source_disable_unref(sp->deadline);
	sd_event_source_disable_unref(sp->retry);
	if (sp->listen_fd >= 0) {
		close(sp->listen_fd);
		(void) unlink(cs->err_sock);
	}
	free(sp);
}
