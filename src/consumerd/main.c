/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lttng-consumerd: the consumer daemon, spawned and supervised by lttng-sessiond.
 * One sd-event loop. It listens on its command socket, announces itself on the
 * session daemon's error socket (READY), then serves the session daemon's command
 * connection (HELLO). It exits when the session daemon closes that connection, on
 * SIGTERM/SIGINT, or when its parent goes away.
 *
 * Commands are served one at a time, in order (doc/protocol/consumer.md); the
 * channels they create are drained on the same loop (channels.c). With -k the
 * consumer serves the kernel domain instead (kernel/kernel-consumer.c: ftrace
 * instances read through tracefs) and answers user-space requests -EOPNOTSUPP; with
 * -u (the default) it answers the kernel requests so.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <lttng/ust-ctl.h>
#include <lttng/ust-sigbus.h>

#include "channels.h"
#include "consumer-io.h"
#ifdef CONSUMERD_KERNEL
#include "kernel-consumer.h"
#endif
#include "fd-limit.h"
#include "log.h"
#include "macros.h"
#include "relay-conn.h"
#include "unix-io.h"
#include "wire/consumer-codec.h"

#define IO_TIMEOUT_MS 5000

DEFINE_LTTNG_UST_SIGBUS_STATE();

struct consumerd {
	sd_event *loop;
	const char *cmd_sock_path;
	const char *err_sock_path;
	int listen_fd;
	int sessiond_fd;
	sd_event_source *listen_source;
	sd_event_source *sessiond_source;
	struct channel_set channels;
	struct relay_set relays; /* sessions streamed to lttng-relayd */
	/* A request answered once its relay daemon has answered (RELAY_*): the session
	 * daemon sends nothing else meanwhile, and its socket is not read. */
	struct relay_waiter deferred;
	bool deferring;
	uint16_t deferred_type; /* the request it answers */
#ifdef CONSUMERD_KERNEL
	struct kernel_consumer *kernel; /* -k: the kernel domain; NULL in user-space mode */
#endif
	void *message; /* one received message at a time */
	bool greeted;
};

static int reply_status(int fd, int status, uint32_t value)
{
	struct consumer_wire_status st = { .status = status, .value = value };

	return consumer_send(fd, CONSUMER_MSG_STATUS, &st, sizeof(st), IO_TIMEOUT_MS);
}

static int reply_consumed(int fd, uint64_t bytes)
{
	struct consumer_wire_status st = { .status = 0, .consumed_bytes = bytes };

	return consumer_send(fd, CONSUMER_MSG_STATUS, &st, sizeof(st), IO_TIMEOUT_MS);
}

static int reply_stats(int fd, int status, uint64_t discarded, uint64_t lost)
{
	struct consumer_wire_status st = { .status = status };

	if (status == 0) {
		st.discarded_events = discarded;
		st.lost_packets = lost;
	}
	return consumer_send(fd, CONSUMER_MSG_STATUS, &st, sizeof(st), IO_TIMEOUT_MS);
}

#ifdef CONSUMERD_KERNEL
/* A decoded request in kernel mode (-k). */
static int serve_kernel(struct consumerd *c, int fd, const struct consumer_request *req)
{
	struct kernel_consumer *k = c->kernel;

	switch (req->type) {
	case CONSUMER_MSG_KERNEL_ADD_TRACE:
		return reply_status(fd, kernel_add_trace(k, req->u.kernel_trace), 0);
	case CONSUMER_MSG_KERNEL_ADD_CHANNEL:
		return reply_status(fd, kernel_add_channel(k, req->u.kernel_channel), 0);
	case CONSUMER_MSG_KERNEL_ADD_EVENTS:
		return reply_status(fd, kernel_add_events(k, req->u.kernel_events.head,
							  req->u.kernel_events.entries), 0);
	case CONSUMER_MSG_KERNEL_ADD_CONTEXT:
		return reply_status(fd, kernel_add_context(k, req->u.kernel_context), 0);
	case CONSUMER_MSG_KERNEL_TRACK_IDS:
		return reply_status(fd, kernel_track_ids(k, req->u.kernel_ids.head,
							 req->u.kernel_ids.ids), 0);
	case CONSUMER_MSG_KERNEL_SET_FILTER:
		return reply_status(fd, kernel_set_filter(k, req->u.kernel_filter.head,
							  req->u.kernel_filter.text,
							  req->u.kernel_filter.entries), 0);
	case CONSUMER_MSG_KERNEL_STATEDUMP:
		return reply_status(fd, kernel_statedump(k, req->u.key), 0);
	case CONSUMER_MSG_KERNEL_REGENERATE_METADATA:
		return reply_status(fd, kernel_regenerate_metadata(k, req->u.key), 0);
	case CONSUMER_MSG_FLUSH_CHANNEL:
		return reply_status(fd, kernel_flush(k, req->u.key), 0);
	case CONSUMER_MSG_DESTROY_CHANNEL:
		return reply_status(fd, kernel_destroy(k, req->u.key), 0);
	case CONSUMER_MSG_DATA_PENDING:
		return reply_status(fd, 0, kernel_data_pending(k, req->u.key));
	case CONSUMER_MSG_SNAPSHOT:
		return reply_status(fd, kernel_snapshot(k, req->u.snapshot), 0);
	case CONSUMER_MSG_ROTATE:
		return reply_status(fd, kernel_rotate(k, req->u.rotate), 0);
	case CONSUMER_MSG_SESSION_CONSUMED:
		return reply_consumed(fd, kernel_session_consumed(k, req->u.key));
	case CONSUMER_MSG_CLEAR:
		return reply_status(fd, kernel_clear(k, req->u.key), 0);
	case CONSUMER_MSG_CHANNEL_STATS: {
		uint64_t discarded = 0, lost = 0;
		int r = kernel_stats(k, req->u.key, &discarded, &lost);

		return reply_stats(fd, r, discarded, lost);
	}
	default: /* ADD_CHANNEL, ADD_METADATA, PUSH_METADATA: user space */
		return reply_status(fd, -EOPNOTSUPP, 0);
	}
}
#endif

/* A deferred request's answer: the session daemon's socket is read again. */
static void deferred_done(struct relay_waiter *w, int status)
{
	struct consumerd *c = container_of(w, struct consumerd, deferred);

	c->deferring = false;
	if (c->sessiond_fd < 0)
		return;
	if (reply_status(c->sessiond_fd, status, status == 0 ? w->value : 0) < 0 ||
	    (status == 0 && (c->deferred_type == CONSUMER_MSG_RELAY_CHUNK_CLOSE ||
			     c->deferred_type == CONSUMER_MSG_RELAY_CLOSE) &&
	     consumer_send(c->sessiond_fd, CONSUMER_MSG_RELAY_PATH, w->path,
			   (uint32_t) strlen(w->path) + 1, IO_TIMEOUT_MS) < 0)) {
		log_error("Session daemon connection: cannot answer");
		(void) sd_event_exit(c->loop, 1);
		return;
	}
	(void) sd_event_source_set_enabled(c->sessiond_source, SD_EVENT_ON);
}

/* RELAY_OPEN, RELAY_SYNC, RELAY_CLOSE: answered now, or once the relay daemon has. */
static int serve_relay(struct consumerd *c, int fd, const struct consumer_request *req)
{
	int r;

	/* Paused first: the answer may come before these return (a connection that
	 * fails at once), and it resumes the reading. */
	c->deferred.done = deferred_done;
	c->deferred.path[0] = '\0';
	c->deferred.value = 0;
	c->deferred_type = req->type;
	c->deferring = true;
	(void) sd_event_source_set_enabled(c->sessiond_source, SD_EVENT_OFF);
	if (req->type == CONSUMER_MSG_RELAY_OPEN)
		r = relay_set_open(&c->relays, req->u.relay_open, &c->deferred);
	else if (req->type == CONSUMER_MSG_RELAY_SYNC)
		r = relay_set_sync(&c->relays, req->u.key, &c->deferred);
	else if (req->type == CONSUMER_MSG_RELAY_CHUNK_NEW)
		r = relay_set_chunk_new(&c->relays, req->u.relay_chunk, &c->deferred);
	else if (req->type == CONSUMER_MSG_RELAY_CHUNK_CLOSE)
		r = relay_set_chunk_close(&c->relays, req->u.relay_chunk, &c->deferred);
	else
		r = relay_set_close(&c->relays, req->u.relay_chunk, &c->deferred);
	if (r == 0)
		return 0;
	c->deferring = false;
	(void) sd_event_source_set_enabled(c->sessiond_source, SD_EVENT_ON);
	if (r < 0)
		return reply_status(fd, r, 0);
	/* Done at once (an open connection: what it allows), or nothing of the session
	 * here (a chunk close then has no path). */
	r = reply_status(fd, 0,
			 req->type == CONSUMER_MSG_RELAY_OPEN &&
					 relay_set_find(&c->relays, req->u.relay_open->session_id)
				 ? relay_conn_open_value(relay_set_find(&c->relays,
									 req->u.relay_open->session_id))
				 : 0);
	if (r == 0 && (req->type == CONSUMER_MSG_RELAY_CHUNK_CLOSE ||
		       req->type == CONSUMER_MSG_RELAY_CLOSE))
		r = consumer_send(fd, CONSUMER_MSG_RELAY_PATH, "", 1, IO_TIMEOUT_MS);
	return r;
}

/* Serves one command; returns < 0 when the connection is unusable. */
static int serve_command(struct consumerd *c, int fd, const struct consumer_wire_header *h)
{
	struct consumer_request req;
	int r;

	if (h->type != CONSUMER_MSG_HELLO && !c->greeted)
		return -EPROTO;
	r = consumer_decode_request(h, c->message, h->payload_bytes, &req);
	if (r == -EINVAL) /* well framed, invalid fields: refused, the connection goes on */
		return reply_status(fd, -EINVAL, 0);
	if (r == -EOPNOTSUPP && h->type != CONSUMER_MSG_HELLO)
		return reply_status(fd, -EOPNOTSUPP, 0);
	if (r < 0)
		return r;
	if (req.type == CONSUMER_MSG_RELAY_OPEN || req.type == CONSUMER_MSG_RELAY_SYNC ||
	    req.type == CONSUMER_MSG_RELAY_CLOSE || req.type == CONSUMER_MSG_RELAY_CHUNK_NEW ||
	    req.type == CONSUMER_MSG_RELAY_CHUNK_CLOSE)
		return serve_relay(c, fd, &req);
#ifdef CONSUMERD_KERNEL
	if (c->kernel && req.type != CONSUMER_MSG_HELLO)
		return serve_kernel(c, fd, &req);
#endif
	if (consumer_msg_is_kernel_only(req.type))
		return reply_status(fd, -EOPNOTSUPP, 0);
	switch (req.type) {
	case CONSUMER_MSG_HELLO: {
		struct consumer_wire_hello reply = {
			.pid = (uint32_t) getpid(),
			.bits_per_long = (uint32_t) (sizeof(long) * 8),
		};
		c->greeted = true;
		return consumer_send(fd, CONSUMER_MSG_HELLO, &reply, sizeof(reply), IO_TIMEOUT_MS);
	}
	case CONSUMER_MSG_ADD_CHANNEL:
		return channel_add_data(&c->channels, req.u.add_channel, fd) == -EPIPE ? -EPIPE : 0;
	case CONSUMER_MSG_ADD_METADATA:
		return reply_status(fd, channel_add_metadata(&c->channels, req.u.add_metadata), 0);
	case CONSUMER_MSG_PUSH_METADATA:
		return reply_status(fd, channel_push_metadata(&c->channels, req.u.push.head,
							      req.u.push.text), 0);
	case CONSUMER_MSG_SNAPSHOT:
		return reply_status(fd, channel_snapshot(&c->channels, req.u.snapshot), 0);
	case CONSUMER_MSG_ROTATE:
		return reply_status(fd, channel_rotate(&c->channels, req.u.rotate), 0);
	case CONSUMER_MSG_SESSION_CONSUMED:
		return reply_consumed(fd, channel_session_consumed(&c->channels, req.u.key));
	case CONSUMER_MSG_CLEAR:
		return reply_status(fd, channel_clear(&c->channels, req.u.key), 0);
	case CONSUMER_MSG_FLUSH_CHANNEL:
		return reply_status(fd, channel_flush(&c->channels, req.u.key), 0);
	case CONSUMER_MSG_DESTROY_CHANNEL:
		return reply_status(fd, channel_destroy(&c->channels, req.u.key), 0);
	case CONSUMER_MSG_DATA_PENDING:
		return reply_status(fd, 0, channel_session_data_pending(&c->channels, req.u.key));
	case CONSUMER_MSG_CHANNEL_STATS: {
		uint64_t discarded = 0, lost = 0;
		int st = channel_stats(&c->channels, req.u.key, &discarded, &lost);

		return reply_stats(fd, st, discarded, lost);
	}
	default:
		return -EPROTO;
	}
}

static int sessiond_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct consumerd *c = userdata;
	struct consumer_wire_header h;
	int r = consumer_recv_any(fd, &h, c->message, CONSUMER_MAX_PAYLOAD, IO_TIMEOUT_MS);

	if (r == 0)
		r = serve_command(c, fd, &h);
	if (r < 0) {
		/* The session daemon went away or spoke nonsense: our job is over. */
		if (r != -ECONNRESET)
			log_error_errno(r, "Session daemon connection");
		return sd_event_exit(c->loop, r == -ECONNRESET ? 0 : 1);
	}
	return 0;
}

static int accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct consumerd *c = userdata;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		return 0;
	if (c->sessiond_fd >= 0) {
		/* One session daemon per consumer. */
		close(cfd);
		return 0;
	}
	c->sessiond_fd = cfd;
	return sd_event_add_io(c->loop, &c->sessiond_source, cfd, EPOLLIN, sessiond_cb, c);
}

static int announce_ready(struct consumerd *c)
{
	int fd = unix_connect(c->err_sock_path);
	int r;

	if (fd < 0)
		return log_error_errno(fd, "Cannot reach the session daemon at %s", c->err_sock_path);
	r = consumer_send(fd, CONSUMER_MSG_READY, NULL, 0, IO_TIMEOUT_MS);
	/* The error socket stays open for our life; the session daemon learns of our
	 * death from its child watch, not from this socket. */
	if (r < 0) {
		close(fd);
		return log_error_errno(r, "Cannot announce readiness");
	}
	return fd;
}

static void sigbus_handler(int sig, siginfo_t *info, void *context)
{
	/* A truncated shared-memory file: the library recovers from the access. */
	lttng_ust_ctl_sigbus_handle(info->si_addr);
}

static int install_sigbus_handler(void)
{
	struct sigaction sa = { .sa_sigaction = sigbus_handler, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL);
}

static const struct option options[] = {
	{ "consumerd-cmd-sock", required_argument, NULL, 'c' },
	{ "consumerd-err-sock", required_argument, NULL, 'e' },
	{ "ust", no_argument, NULL, 'u' },
	{ "kernel", no_argument, NULL, 'k' },
	{ "group", required_argument, NULL, 'g' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct consumerd c = { .listen_fd = -1, .sessiond_fd = -1 };
	int verbosity = 0, opt, err_fd, r;
	bool kernel_mode = false;
	sigset_t quit;

	while ((opt = getopt_long(argc, argv, "c:e:ukg:vq", options, NULL)) != -1) {
		switch (opt) {
		case 'c': c.cmd_sock_path = optarg; break;
		case 'e': c.err_sock_path = optarg; break;
		case 'v': verbosity = verbosity < 0 ? verbosity : verbosity + 1; break;
		case 'q': verbosity = -1; break;
		case 'u': kernel_mode = false; break;
		case 'k': kernel_mode = true; break;
		case 'g': break;
		default: return EXIT_FAILURE;
		}
	}
	log_set_level(verbosity);
	if (!c.cmd_sock_path || !c.err_sock_path) {
		log_error("lttng-consumerd needs --consumerd-cmd-sock and --consumerd-err-sock");
		return EXIT_FAILURE;
	}
	/* Every stream costs descriptors: take the whole hard limit (the session
	 * daemon that spawned us has raised it already; this covers a manual start). */
	(void) fd_limit_raise(false, 0);
	/* Never outlive the session daemon that spawned us. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&quit);
	sigaddset(&quit, SIGTERM);
	sigaddset(&quit, SIGINT);
	sigprocmask(SIG_BLOCK, &quit, NULL);
	if (sd_event_new(&c.loop) < 0 ||
	    sd_event_add_signal(c.loop, NULL, SIGTERM, NULL, NULL) < 0 ||
	    sd_event_add_signal(c.loop, NULL, SIGINT, NULL, NULL) < 0)
		return EXIT_FAILURE;
	c.message = malloc(CONSUMER_MAX_PAYLOAD);
	if (!c.message || install_sigbus_handler() < 0)
		return EXIT_FAILURE;
	/* Modes are given explicitly (directories 0770, files 0660), as LTTng's. */
	umask(0);
	relay_set_init(&c.relays, c.loop);
	channel_set_init(&c.channels, c.loop, &c.relays);
	if (kernel_mode) {
#ifdef CONSUMERD_KERNEL
		c.kernel = kernel_consumer_new(c.loop, &c.relays);
		if (!c.kernel)
			return EXIT_FAILURE;
#else
		/* The kernel is recorded by a consumer of the kernel's word size. */
		log_error("-k: this build of the consumer daemon has no kernel domain "
			  "(the 64-bit one has)");
		return EXIT_FAILURE;
#endif
	}
	c.listen_fd = unix_listen(c.cmd_sock_path, 0660, 8);
	if (c.listen_fd < 0) {
		log_error_errno(c.listen_fd, "Cannot listen on %s", c.cmd_sock_path);
		return EXIT_FAILURE;
	}
	if (sd_event_add_io(c.loop, &c.listen_source, c.listen_fd, EPOLLIN, accept_cb, &c) < 0)
		return EXIT_FAILURE;
	err_fd = announce_ready(&c);
	if (err_fd < 0)
		return EXIT_FAILURE;
	r = sd_event_loop(c.loop);
	/* Whatever is still in the buffers is written before we go. */
	channel_set_fini(&c.channels);
#ifdef CONSUMERD_KERNEL
	kernel_consumer_free(c.kernel);
#endif
	relay_set_fini(&c.relays);
	free(c.message);
	sd_event_source_disable_unref(c.sessiond_source);
	sd_event_source_disable_unref(c.listen_source);
	if (c.sessiond_fd >= 0)
		close(c.sessiond_fd);
	close(c.listen_fd);
	(void) unlink(c.cmd_sock_path);
	close(err_fd);
	sd_event_unref(c.loop);
	return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
