/* SPDX-License-Identifier: GPL-2.0-only */
/* A session's connection to lttng-relayd; see relay-conn.h and doc/protocol/relayd.md. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buffer.h"
#include "log.h"
#include "macros.h"
#include "relay-conn.h"
#include "wire/relayd-codec.h"

/* Unsent data-socket bytes above which writers leave packets in their buffers, and
 * below which they are told to go on. */
#define DATA_HIGH_MARK (16u << 20)
#define DATA_LOW_MARK (4u << 20)
#define DATA_HARD_LIMIT (64u << 20)
/* A connection that has something to send or to hear and makes no progress for this
 * long has failed (well within the session daemon's 30 s wait for our answers). The
 * handshake has the connect timeout (LTTNG_NETWORK_SOCKET_TIMEOUT, default 3 s). */
#define STALL_TIMEOUT_US (10ULL * 1000 * 1000)
#define DEFAULT_CONNECT_TIMEOUT_MS 3000
/* The session daemon waits 30 s for each of our answers: a connect or a sync that
 * has not ended after this long answers with a time-out instead of never. */
#define ANSWER_DEADLINE_US (20ULL * 1000 * 1000)
#define TICK_US (1000ULL * 1000)
/* Pause between two data-pending rounds of a sync while the relay daemon still
 * writes. */
#define SYNC_RETRY_US (20ULL * 1000)

enum conn_state { CONN_CONNECTING, CONN_OPEN, CONN_FAILED, CONN_ENDED };

/* One message queued on a socket. */
struct frame {
	struct list_node link;
	struct relay_stream *patch; /* whose relay handle goes at patch_at before sending */
	size_t patch_at;
	struct expect *expect;      /* the reply it asks for, until it is sent */
	size_t len, sent;
	uint8_t bytes[];
};

struct relay_socket {
	struct relay_conn *conn;
	int fd;
	bool connected;
	sd_event_source *io;
	struct list_node frames;
	size_t queued; /* bytes not sent yet */
};

/* What the next reply on the control socket answers, in sending order. */
enum expect_kind {
	EXPECT_VERSION,
	EXPECT_CONFIGURATION,
	EXPECT_SESSION,
	EXPECT_CHUNK,        /* CREATE_TRACE_CHUNK: the connection is open after it */
	EXPECT_OK,           /* a generic reply that must say LTTNG_OK */
	EXPECT_STREAM,       /* ADD_STREAM: the stream's handle */
	EXPECT_PENDING,      /* DATA_PENDING: 0 or 1 */
	EXPECT_END_PENDING,  /* END_DATA_PENDING: data still in flight or not */
	EXPECT_CLOSE_CHUNK,  /* RELAY_CLOSE's, at the end */
	EXPECT_NEW_CHUNK,    /* a rotation's CREATE_TRACE_CHUNK: a waiter */
	EXPECT_ROTATED_CHUNK, /* a rotation's CLOSE_TRACE_CHUNK: a waiter, the path */
	EXPECT_NOTHING,      /* SEND_METADATA: no reply */
};

struct expect {
	struct list_node link;
	enum expect_kind kind;
	struct relay_stream *stream; /* EXPECT_STREAM (a reference) */
	struct relay_waiter *waiter; /* EXPECT_NEW_CHUNK, EXPECT_ROTATED_CHUNK */
};

struct relay_stream {
	struct list_node link; /* in conn->streams while not closed */
	struct relay_conn *conn;
	unsigned refs;         /* the writer, frames and expectations naming it */
	uint64_t handle;
	bool has_handle;
	bool dead;             /* refused by the relay daemon, or its connection failed */
	bool closed;           /* the writer is done with it */
	bool is_metadata;
	bool with_index;       /* each packet's index entry is sent (not for snapshots) */
	uint64_t next_seq;     /* net_seq_num of its next packet */
	uint64_t metadata_version;
};

struct relay_conn {
	struct list_node link; /* in set->conns while open */
	struct relay_set *set;
	unsigned refs;         /* the set's (until it ends), one per stream, and callers'
				* while they run */
	enum conn_state state;
	int error;
	bool in_set;           /* listed in set->conns (a closing one no longer is) */
	bool holds_set_ref;    /* the set's reference, dropped when it ends */
	bool closing;
	uint64_t session_id;
	uint64_t relay_session_id;
	uint64_t chunk_id;
	bool chunk_open;       /* chunk_id is open on the relay daemon */
	uint64_t prev_chunk_id; /* a rotation's previous chunk, open until it closes it */
	bool prev_chunk_open;
	uint32_t minor;
	uint32_t live_timer_us;
	bool clear_allowed;
	char session_name[CONSUMER_NAME_MAX];
	struct relay_socket control, data;
	struct buffer rx;
	struct list_node expects;  /* struct expect */
	struct list_node streams;  /* struct relay_stream, not closed */
	struct list_node open_waiters, sync_waiters, close_waiters;
	struct list_node chunk_waiters; /* rotation steps whose command failed with us */
	struct list_node chunk_done;    /* rotation steps answered, to complete */
	bool query_in_flight, query_found_pending, round_done;
	uint64_t next_round_us;
	bool data_was_full;
	/* What replies read in one go ask for, done once the reading is over. */
	bool opened_now, handles_came;
	char closed_path[CONSUMER_PATH_MAX]; /* RELAY_CLOSE's chunk, where it went */
	uint64_t last_progress_us, connect_deadline_us;
	sd_event_source *tick;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static uint64_t connect_timeout_us(void)
{
	const char *v = getenv("LTTNG_NETWORK_SOCKET_TIMEOUT");
	long ms = v ? strtol(v, NULL, 10) : 0;

	uint64_t us = (uint64_t) (ms > 0 ? ms : DEFAULT_CONNECT_TIMEOUT_MS) * 1000ULL;

	return MIN(us, ANSWER_DEADLINE_US);
}

/* ------------------------------------------------------------------------- */
/* Lifetimes.                                                                 */

static void stream_put(struct relay_stream *s)
{
	struct relay_conn *c;

	if (--s->refs)
		return;
	c = s->conn;
	free(s);
	if (!--c->refs)
		free(c);
}

static void expect_drop(struct expect *e)
{
	list_remove(&e->link);
	if (e->stream)
		stream_put(e->stream);
	free(e);
}

static void socket_drop_frames(struct relay_socket *sk)
{
	struct frame *f, *tmp;

	list_for_each_entry_safe(f, tmp, &sk->frames, link) {
		list_remove(&f->link);
		if (f->patch)
			stream_put(f->patch);
		free(f);
	}
	sk->queued = 0;
}

static void socket_close(struct relay_socket *sk)
{
	sk->io = sd_event_source_disable_unref(sk->io);
	if (sk->fd >= 0)
		close(sk->fd);
	sk->fd = -1;
	socket_drop_frames(sk);
}

static void complete_all(struct list_node *waiters, int status)
{
	while (!list_is_empty(waiters)) {
		struct relay_waiter *w = container_of(waiters->next, struct relay_waiter, link);

		list_remove(&w->link);
		w->done(w, status);
	}
}

static int notify_cb(sd_event_source *src, void *userdata)
{
	struct relay_set *set = userdata;

	while (set->notify_count) {
		uint64_t id = set->notify_ids[--set->notify_count];
		struct relay_listener *l, *tmp;

		list_for_each_entry_safe(l, tmp, &set->listeners, link)
			l->writable(l, id);
	}
	return 0;
}

/* Tells the listeners soon (a deferred event): a writer may be the caller. */
static void notify_writable(struct relay_conn *c)
{
	struct relay_set *set = c->set;

	for (size_t i = 0; i < set->notify_count; i++)
		if (set->notify_ids[i] == c->session_id)
			return;
	if (set->notify_count == set->notify_capacity) {
		size_t cap = set->notify_capacity ? set->notify_capacity * 2 : 8;
		uint64_t *ids = realloc(set->notify_ids, cap * sizeof(*ids));

		if (!ids)
			return; /* the read timers come back anyway */
		set->notify_ids = ids;
		set->notify_capacity = cap;
	}
	set->notify_ids[set->notify_count++] = c->session_id;
	if (!set->notify_source &&
	    sd_event_add_defer(set->loop, &set->notify_source, notify_cb, set) < 0)
		return;
	(void) sd_event_source_set_enabled(set->notify_source, SD_EVENT_ONESHOT);
}

/* The connection leaves the set (a later RELAY_OPEN makes a new one) and lets its
 * sockets go; its memory goes with its last stream. */
static void conn_end(struct relay_conn *c, enum conn_state state)
{
	struct expect *e, *etmp;

	c->state = state;
	socket_close(&c->control);
	socket_close(&c->data);
	c->tick = sd_event_source_disable_unref(c->tick);
	buffer_fini(&c->rx);
	list_for_each_entry_safe(e, etmp, &c->expects, link) {
		list_remove(&e->link);
		if (e->stream)
			stream_put(e->stream);
		if (e->waiter) /* completed by the caller (conn_fail) */
			list_append(&c->chunk_waiters, &e->waiter->link);
		free(e);
	}
	if (c->in_set) {
		list_remove(&c->link);
		c->in_set = false;
	}
	if (c->holds_set_ref) {
		c->holds_set_ref = false;
		c->refs--;
	}
}

static void conn_fail(struct relay_conn *c, int err, const char *what)
{
	struct relay_stream *s;

	if (c->state == CONN_FAILED || c->state == CONN_ENDED)
		return;
	log_error("Session \"%s\": lttng-relayd connection failed (%s): %s; this session's "
		  "streaming stops", c->session_name, what, strerror(-err));
	c->error = err;
	list_for_each_entry(s, &c->streams, link)
		s->dead = true;
	c->refs++; /* the waiters' callbacks may drop the last stream */
	conn_end(c, CONN_FAILED);
	complete_all(&c->open_waiters, err);
	complete_all(&c->sync_waiters, err);
	complete_all(&c->chunk_waiters, err);
	while (!list_is_empty(&c->chunk_done)) { /* answered before the failure */
		struct relay_waiter *w = container_of(c->chunk_done.next, struct relay_waiter, link);

		list_remove(&w->link);
		w->done(w, w->covered ? 0 : -EREMOTEIO);
	}
	/* Closing a connection that failed has nothing more to lose. */
	complete_all(&c->close_waiters, 0);
	notify_writable(c); /* writers learn that their streams are dead */
	if (!--c->refs)
		free(c);
}

/* ------------------------------------------------------------------------- */
/* Sending.                                                                   */

static void update_io_events(struct relay_socket *sk)
{
	uint32_t events = EPOLLIN;

	if (!sk->io)
		return;
	if (!sk->connected) {
		events |= EPOLLOUT;
	} else if (!list_is_empty(&sk->frames)) {
		const struct frame *f = container_of(sk->frames.next, struct frame, link);

		/* A frame waiting for its stream's handle waits for a reply, not for
		 * room (the reply's arrival sends it). */
		if (f->sent || !f->patch || f->patch->has_handle || f->patch->dead)
			events |= EPOLLOUT;
	}
	(void) sd_event_source_set_io_events(sk->io, events);
}

/* Sends what the socket takes. 0, or -errno when the connection is broken. */
static int socket_flush(struct relay_socket *sk)
{
	struct relay_conn *c = sk->conn;

	while (sk->connected && !list_is_empty(&sk->frames)) {
		struct frame *f = container_of(sk->frames.next, struct frame, link);
		ssize_t n;

		if (f->sent == 0 && f->patch) {
			uint64_t be;

			if (f->patch->dead) { /* its stream was refused: drop what names it */
				list_remove(&f->link);
				sk->queued -= f->len;
				if (f->expect) /* never sent: no reply will come */
					expect_drop(f->expect);
				stream_put(f->patch);
				free(f);
				continue;
			}
			if (!f->patch->has_handle)
				break; /* sent once ADD_STREAM is answered */
			be = htobe64(f->patch->handle);
			memcpy(f->bytes + f->patch_at, &be, sizeof(be));
		}
		n = send(sk->fd, f->bytes + f->sent, f->len - f->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			return -errno;
		}
		c->last_progress_us = now_us();
		f->sent += (size_t) n;
		sk->queued -= (size_t) n;
		if (f->sent < f->len)
			continue;
		list_remove(&f->link);
		if (f->patch)
			stream_put(f->patch);
		free(f);
	}
	update_io_events(sk);
	return 0;
}

static void sync_step(struct relay_conn *c);
static void close_step(struct relay_conn *c);

/* After anything that may let queued work go on. */
static void conn_progress(struct relay_conn *c)
{
	int r;

	if (c->state == CONN_FAILED || c->state == CONN_ENDED)
		return;
	r = socket_flush(&c->control);
	if (r == 0)
		r = socket_flush(&c->data);
	if (r < 0) {
		conn_fail(c, r, "send");
		return;
	}
	if (c->data_was_full && c->data.queued < DATA_LOW_MARK) {
		c->data_was_full = false;
		notify_writable(c);
		if (c->state != CONN_OPEN)
			return;
	}
	sync_step(c);
	if (c->state == CONN_OPEN || c->state == CONN_CONNECTING)
		close_step(c);
}

/* Queues a message: header (when cmd is not 0), then the parts. */
static struct frame *frame_new(size_t len)
{
	struct frame *f = calloc(1, sizeof(*f) + len);

	if (f)
		f->len = len;
	return f;
}

static void frame_queue(struct relay_socket *sk, struct frame *f, struct relay_stream *patch,
			size_t patch_at)
{
	if (patch) {
		f->patch = patch;
		f->patch_at = patch_at;
		patch->refs++;
	}
	list_append(&sk->frames, &f->link);
	sk->queued += f->len;
}

static struct expect *expect_push(struct relay_conn *c, enum expect_kind kind,
				  struct relay_stream *s)
{
	struct expect *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->kind = kind;
	e->stream = s;
	if (s)
		s->refs++;
	list_append(&c->expects, &e->link);
	return e;
}

/*
 * A control command: the 24-byte header, `body` (body_len bytes) and `tail`. When
 * patch is given, the stream's handle is written at patch_at (an offset in body)
 * before it goes. Then the reply it expects.
 */
static int control_send(struct relay_conn *c, enum relayd_command cmd, const void *body,
			size_t body_len, const void *tail, size_t tail_len,
			struct relay_stream *patch, size_t patch_at, enum expect_kind expect,
			struct relay_stream *expect_stream)
{
	struct relayd_wire_header h = {
		.data_size = htobe64((uint64_t) (body_len + tail_len)),
		.cmd = htobe32((uint32_t) cmd),
	};
	struct frame *f = frame_new(sizeof(h) + body_len + tail_len);

	if (!f)
		return -ENOMEM;
	memcpy(f->bytes, &h, sizeof(h));
	if (body_len)
		memcpy(f->bytes + sizeof(h), body, body_len);
	if (tail_len)
		memcpy(f->bytes + sizeof(h) + body_len, tail, tail_len);
	if (expect != EXPECT_NOTHING && !(f->expect = expect_push(c, expect, expect_stream))) {
		free(f);
		return -ENOMEM;
	}
	frame_queue(&c->control, f, patch, sizeof(h) + patch_at);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Replies.                                                                   */

/* The reply format of each expectation (every kind but EXPECT_NOTHING). */
static enum relayd_reply_kind reply_kind(enum expect_kind kind)
{
	switch (kind) {
	case EXPECT_VERSION:
		return RELAYD_REPLY_VERSION;
	case EXPECT_CONFIGURATION:
		return RELAYD_REPLY_CONFIGURATION;
	case EXPECT_SESSION:
		return RELAYD_REPLY_SESSION;
	case EXPECT_STREAM:
		return RELAYD_REPLY_STREAM;
	case EXPECT_CLOSE_CHUNK:
	case EXPECT_ROTATED_CHUNK:
		return RELAYD_REPLY_CLOSE_CHUNK;
	default:
		return RELAYD_REPLY_GENERIC;
	}
}

/* Applies one decoded reply. 0, or -errno with *what set when the connection fails. */
static int reply_apply(struct relay_conn *c, struct expect *e, const struct relayd_reply *rep,
		       const char **what)
{
	switch (e->kind) {
	case EXPECT_VERSION:
		*what = "version";
		/* 2.12 at least: GET_CONFIGURATION, sent right after, is 2.12's. */
		if (rep->major != RELAYD_PROTO_MAJOR || rep->minor < 12)
			return -EPROTONOSUPPORT;
		c->minor = MIN(rep->minor, RELAYD_PROTO_MINOR);
		return 0;
	case EXPECT_CONFIGURATION:
		*what = "configuration";
		c->clear_allowed = rep->flags & RELAYD_CONFIG_CLEAR_ALLOWED;
		return rep->ret_code == RELAYD_RET_OK ? 0 : -EPROTO;
	case EXPECT_SESSION:
		*what = "session creation";
		if (rep->ret_code != RELAYD_RET_OK)
			return -EREMOTEIO;
		c->relay_session_id = rep->session_id;
		return 0;
	case EXPECT_CHUNK:
		*what = "trace chunk creation";
		if (rep->ret_code != RELAYD_RET_OK)
			return -EREMOTEIO;
		c->state = CONN_OPEN;
		c->opened_now = true;
		return 0;
	case EXPECT_STREAM:
		if (rep->ret_code != RELAYD_RET_OK) {
			log_error("Session \"%s\": lttng-relayd refused a stream (code %u)",
				  c->session_name, rep->ret_code);
			e->stream->dead = true;
		} else {
			e->stream->handle = rep->handle;
			e->stream->has_handle = true;
			if (e->stream->closed && !e->stream->dead) {
				/* closed before its handle came: say so now */
				struct relayd_wire_stream_seq m = {
					.last_net_seq_num = htobe64(e->stream->next_seq - 1),
				};
				if (control_send(c, RELAYD_CMD_CLOSE_STREAM, &m, sizeof(m), NULL, 0,
						 e->stream, 0, EXPECT_OK, NULL) < 0)
					return *what = "memory", -ENOMEM;
			}
		}
		c->handles_came = true;
		return 0;
	case EXPECT_PENDING:
		*what = "data pending";
		if (rep->ret_code > 1)
			return -EREMOTEIO;
		c->query_found_pending |= rep->ret_code == 1;
		return 0;
	case EXPECT_END_PENDING:
		c->query_found_pending |= rep->ret_code != 0;
		c->query_in_flight = false;
		c->round_done = true;
		return 0;
	case EXPECT_CLOSE_CHUNK:
		*what = "trace chunk close";
		if (rep->ret_code != RELAYD_RET_OK)
			return -EREMOTEIO;
		if (rep->path)
			memcpy(c->closed_path, rep->path, rep->path_len);
		return 0;
	case EXPECT_NEW_CHUNK:
	case EXPECT_ROTATED_CHUNK: {
		/* The rotation step's answer; the connection goes on either way. */
		struct relay_waiter *w = e->waiter;

		e->waiter = NULL;
		w->path[0] = '\0';
		w->covered = rep->ret_code == RELAYD_RET_OK; /* failed otherwise */
		if (w->covered && rep->path)
			memcpy(w->path, rep->path, rep->path_len);
		list_append(&c->chunk_done, &w->link);
		return 0;
	}
	case EXPECT_OK:
		*what = "command";
		return rep->ret_code == RELAYD_RET_OK ? 0 : -EREMOTEIO;
	case EXPECT_NOTHING:
		break;
	}
	return 0;
}

static int control_read(struct relay_conn *c, const char **what)
{
	uint8_t chunk[8192];
	ssize_t n = recv(c->control.fd, chunk, sizeof(chunk), MSG_DONTWAIT);

	*what = "receive";
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	c->last_progress_us = now_us();
	if (buffer_append(&c->rx, chunk, (size_t) n) < 0)
		return -ENOMEM;
	for (;;) {
		struct relayd_reply rep;
		struct expect *e;
		size_t need;
		int r;

		if (list_is_empty(&c->expects)) {
			if (c->rx.size) {
				*what = "unexpected bytes";
				return -EPROTO;
			}
			return 0;
		}
		e = container_of(c->expects.next, struct expect, link);
		r = relayd_decode_reply(reply_kind(e->kind), c->rx.data, c->rx.size, &rep, &need);
		if (r == -EAGAIN)
			return 0;
		if (r < 0) {
			*what = "reply";
			return -EPROTO;
		}
		list_remove(&e->link);
		r = reply_apply(c, e, &rep, what);
		if (e->stream)
			stream_put(e->stream);
		free(e);
		memmove(c->rx.data, c->rx.data + need, c->rx.size - need);
		c->rx.size -= need;
		if (r < 0)
			return r;
		if (c->state != CONN_OPEN && c->state != CONN_CONNECTING)
			return 0;
	}
}

/* ------------------------------------------------------------------------- */
/* Socket events.                                                             */

static int socket_cb(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct relay_socket *sk = userdata;
	struct relay_conn *c = sk->conn;
	const char *what = "connect";
	int r = 0;

	c->refs++;
	if (!sk->connected && (revents & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err)
			r = -err;
		else
			sk->connected = true;
	}
	if (r == 0 && sk->connected && (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if (sk == &c->control) {
			r = control_read(c, &what);
		} else {
			char byte;
			ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT);

			what = "data socket";
			r = n == 0 ? -ECONNRESET : n > 0 ? -EPROTO
				: errno == EAGAIN || errno == EINTR ? 0 : -errno;
		}
	}
	if (r < 0) {
		conn_fail(c, r, what);
	} else {
		if (c->opened_now) {
			struct relay_waiter *w;

			c->opened_now = false;
			list_for_each_entry(w, &c->open_waiters, link)
				w->value = relay_conn_open_value(c);
			complete_all(&c->open_waiters, 0);
		}
		while (!list_is_empty(&c->chunk_done)) {
			struct relay_waiter *w =
				container_of(c->chunk_done.next, struct relay_waiter, link);

			list_remove(&w->link);
			w->done(w, w->covered ? 0 : -EREMOTEIO);
		}
		if (c->handles_came) {
			c->handles_came = false;
			notify_writable(c);
		}
		conn_progress(c);
	}
	if (!--c->refs)
		free(c);
	return 0;
}

static int tick_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct relay_conn *c = userdata;
	uint64_t now = now_us();
	bool busy = c->control.queued || c->data.queued || !list_is_empty(&c->expects);

	if (c->state == CONN_CONNECTING && now >= c->connect_deadline_us) {
		conn_fail(c, -ETIMEDOUT, "connect");
		return 0;
	}
	if (busy && now - c->last_progress_us > STALL_TIMEOUT_US) {
		conn_fail(c, -ETIMEDOUT, "no progress");
		return 0;
	}
	c->refs++;
	{
		struct relay_waiter *w, *tmp;

		list_for_each_entry_safe(w, tmp, &c->sync_waiters, link) {
			if (now < w->deadline_us)
				continue;
			log_error("Session \"%s\": lttng-relayd still has data in flight after "
				  "%llu s; giving up waiting for it", c->session_name,
				  (unsigned long long) (ANSWER_DEADLINE_US / 1000000));
			list_remove(&w->link);
			w->done(w, -ETIMEDOUT);
		}
	}
	conn_progress(c); /* a sync waiting for its next round */
	if (c->tick) {
		uint64_t next = !list_is_empty(&c->sync_waiters) ? SYNC_RETRY_US : TICK_US;

		(void) sd_event_source_set_time_relative(c->tick, next);
		(void) sd_event_source_set_enabled(c->tick, SD_EVENT_ONESHOT);
	}
	if (!--c->refs)
		free(c);
	return 0;
}

static int socket_open(struct relay_conn *c, struct relay_socket *sk, const char *address,
		       uint16_t port, bool ipv6)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1;

	sk->conn = c;
	list_init(&sk->frames);
	if (ipv6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, address, &in6->sin6_addr) != 1)
			return -EINVAL;
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *) &ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		if (inet_pton(AF_INET, address, &in->sin_addr) != 1)
			return -EINVAL;
		len = sizeof(*in);
	}
	sk->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sk->fd < 0)
		return -errno;
	(void) setsockopt(sk->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(sk->fd, (struct sockaddr *) &ss, len) == 0)
		sk->connected = true;
	else if (errno != EINPROGRESS)
		return -errno;
	return sd_event_add_io(c->set->loop, &sk->io, sk->fd, EPOLLIN | EPOLLOUT, socket_cb, sk);
}

/* ------------------------------------------------------------------------- */
/* The set, open, sync, close.                                                */

void relay_set_init(struct relay_set *set, sd_event *loop)
{
	set->loop = loop;
	list_init(&set->conns);
	list_init(&set->listeners);
}

void relay_set_fini(struct relay_set *set)
{
	while (!list_is_empty(&set->conns)) {
		struct relay_conn *c = container_of(set->conns.next, struct relay_conn, link);

		conn_fail(c, -ESHUTDOWN, "consumer daemon exiting");
	}
	set->notify_source = sd_event_source_disable_unref(set->notify_source);
	free(set->notify_ids);
	set->notify_ids = NULL;
	set->notify_count = set->notify_capacity = 0;
}

void relay_set_listen(struct relay_set *set, struct relay_listener *l)
{
	list_append(&set->listeners, &l->link);
}

void relay_set_unlisten(struct relay_set *set, struct relay_listener *l)
{
	list_remove(&l->link);
}

struct relay_conn *relay_set_find(struct relay_set *set, uint64_t session_id)
{
	struct relay_conn *c;

	list_for_each_entry(c, &set->conns, link)
		if (c->session_id == session_id)
			return c;
	return NULL;
}

int relay_conn_error(const struct relay_conn *c)
{
	return c->error;
}

uint32_t relay_conn_open_value(const struct relay_conn *c)
{
	return c->clear_allowed ? RELAY_OPEN_CLEAR_ALLOWED : 0;
}

uint32_t relay_conn_live_timer_us(const struct relay_conn *c)
{
	return c->live_timer_us;
}

/* The handshake, queued at once: sent as soon as the sockets connect. */
static int queue_handshake(struct relay_conn *c, const struct consumer_wire_relay_open *m)
{
	struct relayd_wire_version v = { htobe32(RELAYD_PROTO_MAJOR), htobe32(RELAYD_PROTO_MINOR) };
	struct relayd_wire_get_configuration q = { 0 };
	size_t name_len = strlen(m->session_name) + 1, host_len = strlen(m->hostname) + 1;
	size_t base_len = strlen(m->base_path) + 1;
	struct relayd_wire_create_session s = {
		.session_name_len = htobe32((uint32_t) name_len),
		.hostname_len = htobe32((uint32_t) host_len),
		.base_path_len = htobe32((uint32_t) base_len),
		.live_timer = htobe32(m->live_timer_us),
		.snapshot = m->snapshot,
		.session_name_contains_creation_time = m->name_contains_creation_time,
		.session_id = htobe64(m->session_id),
		.creation_time = htobe64(m->creation_time),
	};
	size_t chunk_name_len = m->chunk_name[0] ? strlen(m->chunk_name) + 1 : 0;
	struct relayd_wire_create_trace_chunk chunk = {
		.chunk_id = htobe64(m->chunk_id),
		.creation_timestamp = htobe64(m->chunk_creation_time),
		.override_name_length = htobe32((uint32_t) chunk_name_len),
	};
	struct buffer names;
	int r;

	memcpy(s.sessiond_uuid, m->sessiond_uuid, sizeof(s.sessiond_uuid));
	buffer_init(&names);
	r = control_send(c, RELAYD_CMD_VERSION, &v, sizeof(v), NULL, 0, NULL, 0, EXPECT_VERSION,
			 NULL);
	if (r == 0)
		r = control_send(c, RELAYD_CMD_GET_CONFIGURATION, &q, sizeof(q), NULL, 0, NULL, 0,
				 EXPECT_CONFIGURATION, NULL);
	if (r == 0)
		r = buffer_append(&names, m->session_name, name_len);
	if (r == 0)
		r = buffer_append(&names, m->hostname, host_len);
	if (r == 0)
		r = buffer_append(&names, m->base_path, base_len);
	if (r == 0)
		r = control_send(c, RELAYD_CMD_CREATE_SESSION, &s, sizeof(s), names.data, names.size,
				 NULL, 0, EXPECT_SESSION, NULL);
	if (r == 0)
		r = control_send(c, RELAYD_CMD_CREATE_TRACE_CHUNK, &chunk, sizeof(chunk),
				 m->chunk_name, chunk_name_len, NULL, 0, EXPECT_CHUNK, NULL);
	c->chunk_open = r == 0;
	buffer_fini(&names);
	return r;
}

int relay_set_open(struct relay_set *set, const struct consumer_wire_relay_open *m,
		   struct relay_waiter *w)
{
	struct relay_conn *c = relay_set_find(set, m->session_id);
	int r;

	if (strlen(m->session_name) + 1 > RELAYD_SESSION_NAME_MAX ||
	    strlen(m->hostname) + 1 > RELAYD_HOST_NAME_MAX) {
		log_error("Session \"%s\": its name or host name is longer than lttng-relayd "
			  "takes (%u, %u bytes)", m->session_name, RELAYD_SESSION_NAME_MAX - 1,
			  RELAYD_HOST_NAME_MAX - 1);
		return -ENAMETOOLONG;
	}
	if (c) { /* open or opening (a failed or closing one has left the set) */
		if (c->state == CONN_OPEN)
			return 1;
		list_append(&c->open_waiters, &w->link);
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->set = set;
	c->refs = 1;
	c->session_id = m->session_id;
	c->chunk_id = m->chunk_id;
	c->live_timer_us = m->live_timer_us;
	c->control.fd = c->data.fd = -1;
	list_init(&c->control.frames);
	list_init(&c->data.frames);
	list_init(&c->expects);
	list_init(&c->streams);
	list_init(&c->open_waiters);
	list_init(&c->sync_waiters);
	list_init(&c->close_waiters);
	list_init(&c->chunk_waiters);
	list_init(&c->chunk_done);
	buffer_init(&c->rx);
	(void) copy_string(c->session_name, sizeof(c->session_name), m->session_name);
	c->last_progress_us = now_us();
	c->connect_deadline_us = c->last_progress_us + connect_timeout_us();
	list_append(&set->conns, &c->link);
	c->in_set = true;
	c->holds_set_ref = true;
	r = socket_open(c, &c->control, m->control_address, m->control_port, m->ipv6);
	if (r == 0)
		r = socket_open(c, &c->data, m->data_address, m->data_port, m->ipv6);
	if (r == 0)
		r = queue_handshake(c, m);
	if (r == 0)
		r = sd_event_add_time_relative(set->loop, &c->tick, CLOCK_MONOTONIC, TICK_US / 10, 1,
					       tick_cb, c);
	if (r < 0) {
		log_error_errno(r, "Session \"%s\": cannot connect to lttng-relayd", c->session_name);
		conn_end(c, CONN_FAILED);
		free(c);
		return r;
	}
	list_append(&c->open_waiters, &w->link);
	conn_progress(c);
	return 0;
}

/* Starts a data-pending round once all is sent, or completes the syncs the last
 * round covered when the relay daemon had everything. */
static void sync_step(struct relay_conn *c)
{
	struct relay_waiter *w, *tmp;
	struct relay_stream *s;
	struct relayd_wire_id id = { htobe64(c->relay_session_id) };
	int r = 0;

	if (list_is_empty(&c->sync_waiters) || c->state != CONN_OPEN || c->query_in_flight)
		return;
	if (c->round_done) {
		c->round_done = false;
		if (c->query_found_pending) {
			c->next_round_us = now_us() + SYNC_RETRY_US;
			/* The tick comes back for the next round, not a second later. */
			if (c->tick) {
				(void) sd_event_source_set_time_relative(c->tick, SYNC_RETRY_US);
				(void) sd_event_source_set_enabled(c->tick, SD_EVENT_ONESHOT);
			}
		} else {
			list_for_each_entry_safe(w, tmp, &c->sync_waiters, link) {
				if (!w->covered)
					continue;
				list_remove(&w->link);
				w->done(w, 0);
			}
			if (c->state != CONN_OPEN || list_is_empty(&c->sync_waiters))
				return;
		}
	}
	if (now_us() < c->next_round_us || c->control.queued || c->data.queued)
		return;
	list_for_each_entry(s, &c->streams, link)
		if (!s->has_handle && !s->dead)
			return;
	list_for_each_entry(w, &c->sync_waiters, link)
		w->covered = true;
	c->query_in_flight = true;
	c->query_found_pending = false;
	r = control_send(c, RELAYD_CMD_BEGIN_DATA_PENDING, &id, sizeof(id), NULL, 0, NULL, 0,
			 EXPECT_OK, NULL);
	list_for_each_entry(s, &c->streams, link) {
		if (r < 0)
			break;
		if (s->dead)
			continue;
		if (s->is_metadata) {
			struct relayd_wire_id q = { 0 };

			r = control_send(c, RELAYD_CMD_QUIESCENT_CONTROL, &q, sizeof(q), NULL, 0, s, 0,
					 EXPECT_OK, NULL);
		} else {
			struct relayd_wire_stream_seq q = {
				.last_net_seq_num = htobe64(s->next_seq - 1),
			};

			r = control_send(c, RELAYD_CMD_DATA_PENDING, &q, sizeof(q), NULL, 0, s, 0,
					 EXPECT_PENDING, NULL);
		}
	}
	if (r == 0)
		r = control_send(c, RELAYD_CMD_END_DATA_PENDING, &id, sizeof(id), NULL, 0, NULL, 0,
				 EXPECT_END_PENDING, NULL);
	if (r < 0)
		conn_fail(c, r, "data pending");
	else if (socket_flush(&c->control) < 0)
		conn_fail(c, -EPIPE, "send");
}

int relay_set_sync(struct relay_set *set, uint64_t session_id, struct relay_waiter *w)
{
	struct relay_conn *c = relay_set_find(set, session_id);

	if (!c)
		return 1;
	w->covered = false;
	w->deadline_us = now_us() + ANSWER_DEADLINE_US;
	list_append(&c->sync_waiters, &w->link);
	if (c->state == CONN_OPEN) {
		c->refs++;
		conn_progress(c);
		if (!--c->refs)
			free(c);
	}
	return 0;
}

/* A closing connection ends once its last command is answered. */
static void close_step(struct relay_conn *c)
{
	if (!c->closing || c->control.queued || c->data.queued || !list_is_empty(&c->expects))
		return;
	c->refs++;
	conn_end(c, CONN_ENDED);
	{
		struct relay_waiter *w;

		list_for_each_entry(w, &c->close_waiters, link)
			(void) copy_string(w->path, sizeof(w->path), c->closed_path);
	}
	complete_all(&c->close_waiters, 0);
	if (!--c->refs)
		free(c);
}

static void stream_queue_close(struct relay_stream *s);

int relay_set_close(struct relay_set *set, const struct consumer_wire_relay_chunk *cm,
		    struct relay_waiter *w)
{
	struct relay_conn *c = relay_set_find(set, cm->session_id);
	struct relayd_wire_close_trace_chunk m;
	struct relay_stream *s, *tmp;
	int r = 0;

	if (!c)
		return 1;
	if (c->state != CONN_OPEN) { /* never opened: nothing to close there */
		conn_fail(c, -ECANCELED, "closed before it opened");
		return 1;
	}
	c->refs++;
	list_for_each_entry_safe(s, tmp, &c->streams, link) {
		stream_queue_close(s);
		if (c->state != CONN_OPEN)
			break;
	}
	if (c->state != CONN_OPEN) { /* failed on the way: nothing left to close */
		if (!--c->refs)
			free(c);
		return 1;
	}
	m = (struct relayd_wire_close_trace_chunk) {
		.chunk_id = htobe64(c->chunk_id),
		.close_timestamp = htobe64(cm->timestamp),
		.close_command_is_set = 1,
		.close_command = htobe32(cm->close_command),
	};
	/* A chunk a rotation closed (rotated after the stop) has nothing to close. */
	if (c->chunk_open)
		r = control_send(c, RELAYD_CMD_CLOSE_TRACE_CHUNK, &m, sizeof(m), NULL, 0, NULL, 0,
				 EXPECT_CLOSE_CHUNK, NULL);
	c->chunk_open = false;
	if (r < 0) {
		conn_fail(c, r, "close");
		if (!--c->refs)
			free(c);
		return 1;
	}
	c->closing = true;
	/* A new RELAY_OPEN of the session makes a new connection; this one keeps the
	 * set's reference until it ends. */
	list_remove(&c->link);
	c->in_set = false;
	list_append(&c->close_waiters, &w->link);
	conn_progress(c);
	if (!--c->refs)
		free(c);
	return 0;
}

/* A rotation step on the session's connection: CREATE_TRACE_CHUNK or
 * CLOSE_TRACE_CHUNK, its waiter completed by the reply. */
static int chunk_step(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
		      struct relay_waiter *w, bool create)
{
	struct relay_conn *c = relay_set_find(set, m->session_id);
	struct relayd_wire_create_trace_chunk cm = {
		.chunk_id = htobe64(m->chunk_id),
		.creation_timestamp = htobe64(m->timestamp),
	};
	struct relayd_wire_close_trace_chunk xm = {
		.chunk_id = htobe64(m->chunk_id),
		.close_timestamp = htobe64(m->timestamp),
		.close_command_is_set = 1,
		.close_command = htobe32(m->close_command),
	};
	struct expect *e;
	int r;

	if (!c)
		return 1; /* never opened here (no data of this consumer): nothing to do */
	if (c->state != CONN_OPEN)
		return c->error ? c->error : -ENOTCONN;
	if (!create && !(c->chunk_open && m->chunk_id == c->chunk_id) &&
	    !(c->prev_chunk_open && m->chunk_id == c->prev_chunk_id))
		return 1; /* closed already (a rotation after the stop) */
	r = create ? control_send(c, RELAYD_CMD_CREATE_TRACE_CHUNK, &cm, sizeof(cm), NULL, 0, NULL,
				  0, EXPECT_NEW_CHUNK, NULL)
		   : control_send(c, RELAYD_CMD_CLOSE_TRACE_CHUNK, &xm, sizeof(xm), NULL, 0, NULL,
				  0, EXPECT_ROTATED_CHUNK, NULL);
	if (r < 0) {
		conn_fail(c, r, "rotation");
		return r;
	}
	e = container_of(c->expects.prev, struct expect, link);
	e->waiter = w;
	if (create) {
		c->prev_chunk_id = c->chunk_id;
		c->prev_chunk_open = c->chunk_open;
		c->chunk_id = m->chunk_id; /* streams added from now on */
		c->chunk_open = true;
	} else if (c->chunk_open && m->chunk_id == c->chunk_id) {
		c->chunk_open = false;
	} else {
		c->prev_chunk_open = false;
	}
	c->refs++;
	conn_progress(c);
	if (!--c->refs)
		free(c);
	return 0;
}

int relay_set_chunk_new(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
			struct relay_waiter *w)
{
	return chunk_step(set, m, w, true);
}

int relay_set_chunk_close(struct relay_set *set, const struct consumer_wire_relay_chunk *m,
			  struct relay_waiter *w)
{
	return chunk_step(set, m, w, false);
}

/* ------------------------------------------------------------------------- */
/* Streams.                                                                   */

struct relay_stream *relay_stream_add(struct relay_conn *c, const char *name, const char *path,
				      uint64_t tracefile_size, uint64_t tracefile_count,
				      bool with_index, int *err)
{
	size_t name_len = strlen(name) + 1, path_len = strlen(path) + 1;
	struct relayd_wire_add_stream m = {
		.channel_name_len = htobe32((uint32_t) name_len),
		.pathname_len = htobe32((uint32_t) path_len),
		.tracefile_size = htobe64(tracefile_size),
		.tracefile_count = htobe64(tracefile_count),
		.trace_chunk_id = htobe64(c->chunk_id),
	};
	struct relay_stream *s;
	struct buffer names;
	int r;

	if (c->state == CONN_FAILED || c->state == CONN_ENDED || c->closing) {
		*err = c->error ? c->error : -ENOTCONN;
		return NULL;
	}
	if (name_len > RELAYD_STREAM_NAME_MAX || path_len > RELAYD_STREAM_PATH_MAX) {
		log_error("Session \"%s\": stream path %s/%s is longer than lttng-relayd takes "
			  "(%u bytes)", c->session_name, path, name, RELAYD_STREAM_PATH_MAX - 1);
		*err = -ENAMETOOLONG;
		return NULL;
	}
	if (tracefile_size && !tracefile_count) {
		/* lttng-relayd 2.13.9 divides by the count at its first rollover. */
		log_error("Session \"%s\": a tracefile size without a tracefile count cannot be "
			  "streamed to lttng-relayd 2.13 (it would crash); give --tracefile-count",
			  c->session_name);
		*err = -EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->conn = c;
	s->refs = 1;
	s->is_metadata = strcmp(name, "metadata") == 0;
	s->with_index = with_index;
	c->refs++;
	list_append(&c->streams, &s->link);
	buffer_init(&names);
	r = buffer_append(&names, name, name_len);
	if (r == 0)
		r = buffer_append(&names, path, path_len);
	if (r == 0)
		r = control_send(c, RELAYD_CMD_ADD_STREAM, &m, sizeof(m), names.data, names.size, NULL,
				 0, EXPECT_STREAM, s);
	buffer_fini(&names);
	if (r < 0) {
		s->dead = true;
		relay_stream_close(s);
		*err = r;
		return NULL;
	}
	c->refs++;
	conn_progress(c);
	if (!--c->refs) { /* cannot happen: s holds one */
		free(c);
	}
	return s;
}

void relay_conn_streams_sent(struct relay_conn *c)
{
	if (c->state != CONN_OPEN && c->state != CONN_CONNECTING)
		return;
	if (control_send(c, RELAYD_CMD_STREAMS_SENT, NULL, 0, NULL, 0, NULL, 0, EXPECT_OK, NULL) < 0)
		conn_fail(c, -ENOMEM, "streams sent");
	else
		conn_progress(c);
}

struct relay_conn *relay_stream_conn(const struct relay_stream *s)
{
	return s->conn;
}

bool relay_stream_writable(const struct relay_stream *s)
{
	const struct relay_conn *c = s->conn;

	if (s->dead || c->state == CONN_FAILED || c->state == CONN_ENDED)
		return true; /* the write fails at once and the writer learns it */
	return c->state == CONN_OPEN && s->has_handle && c->data.queued < DATA_HIGH_MARK;
}

static int stream_usable(const struct relay_stream *s)
{
	const struct relay_conn *c = s->conn;

	if (c->state == CONN_FAILED || c->state == CONN_ENDED)
		return c->error ? c->error : -ENOTCONN;
	return s->dead ? -EREMOTEIO : 0;
}

int relay_stream_send_packet(struct relay_stream *s, const void *packet, size_t content_len,
			     size_t packet_len, const struct packet_info *info)
{
	struct relay_conn *c = s->conn;
	struct relayd_wire_data_header h;
	struct relayd_wire_index ix;
	struct frame *f;
	int r = stream_usable(s);

	if (r < 0)
		return r;
	/* The high mark gates the reading of a next packet (relay_stream_writable); a
	 * reader that produces several at once may pass it, up to this bound. */
	if (c->data.queued > DATA_HARD_LIMIT)
		return -ENOBUFS;
	/* The relay daemon adds the two sizes in 32 bits. */
	if (content_len > packet_len || packet_len > UINT32_MAX)
		return -EINVAL;
	f = frame_new(sizeof(h) + content_len);
	if (!f)
		return -ENOMEM;
	h = (struct relayd_wire_data_header) {
		.net_seq_num = htobe64(s->next_seq),
		.data_size = htobe32((uint32_t) content_len),
		.padding_size = htobe32((uint32_t) (packet_len - content_len)),
	};
	memcpy(f->bytes, &h, sizeof(h));
	memcpy(f->bytes + sizeof(h), packet, content_len);
	frame_queue(&c->data, f, s, offsetof(struct relayd_wire_data_header, stream_id));
	ix = (struct relayd_wire_index) {
		.net_seq_num = htobe64(s->next_seq),
		.packet_size = htobe64(info->packet_size_bits),
		.content_size = htobe64(info->content_size_bits),
		.timestamp_begin = htobe64(info->timestamp_begin),
		.timestamp_end = htobe64(info->timestamp_end),
		.events_discarded = htobe64(info->events_discarded),
		.stream_id = htobe64(info->stream_id),
		.stream_instance_id = htobe64(info->stream_instance_id),
		.packet_seq_num = htobe64(info->packet_seq_num),
	};
	s->next_seq++;
	r = !s->with_index ? 0
			   : control_send(c, RELAYD_CMD_SEND_INDEX, &ix, sizeof(ix), NULL, 0, s,
					  offsetof(struct relayd_wire_index, relay_stream_id),
					  EXPECT_OK, NULL);
	if (r < 0) {
		conn_fail(c, r, "index");
		return r;
	}
	if (c->data.queued >= DATA_HIGH_MARK)
		c->data_was_full = true;
	c->refs++;
	conn_progress(c);
	r = stream_usable(s);
	if (!--c->refs)
		free(c);
	return r;
}

int relay_stream_send_metadata(struct relay_stream *s, const void *packet, size_t content_len,
			       size_t packet_len)
{
	struct relay_conn *c = s->conn;
	struct relayd_wire_metadata_payload p;
	int r = stream_usable(s);

	if (r < 0)
		return r;
	if (content_len > packet_len || packet_len - content_len > UINT32_MAX)
		return -EINVAL;
	p = (struct relayd_wire_metadata_payload) {
		.padding_size = htobe32((uint32_t) (packet_len - content_len)),
	};
	r = control_send(c, RELAYD_CMD_SEND_METADATA, &p, sizeof(p), packet, content_len, s,
			 offsetof(struct relayd_wire_metadata_payload, stream_id), EXPECT_NOTHING,
			 NULL);
	if (r < 0) {
		conn_fail(c, r, "metadata");
		return r;
	}
	c->refs++;
	conn_progress(c);
	r = stream_usable(s);
	if (!--c->refs)
		free(c);
	return r;
}

int relay_streams_rotate(struct relay_conn *c, struct relay_stream *const *streams,
			 const uint64_t *next_packet_seq, unsigned count)
{
	struct relayd_wire_rotate_streams head = {
		.stream_count = htobe32(count),
		.new_chunk_is_set = 1,
		.new_chunk_id = htobe64(c->chunk_id),
	};
	struct buffer body;
	int r = 0;

	if (c->state != CONN_OPEN)
		return c->error ? c->error : -ENOTCONN;
	for (unsigned i = 0; i < count; i++)
		if (!streams[i]->has_handle || streams[i]->dead)
			return -EAGAIN;
	buffer_init(&body);
	r = buffer_append(&body, &head, sizeof(head));
	for (unsigned i = 0; i < count && r == 0; i++) {
		struct relayd_wire_rotation_position p = {
			.stream_id = htobe64(streams[i]->handle),
			.rotate_at_seq_num = htobe64(next_packet_seq[i]),
		};

		r = buffer_append(&body, &p, sizeof(p));
	}
	/* Sent with no stream to patch: every handle is known (checked above). */
	if (r == 0)
		r = control_send(c, RELAYD_CMD_ROTATE_STREAMS, body.data, body.size, NULL, 0, NULL, 0,
				 EXPECT_OK, NULL);
	buffer_fini(&body);
	if (r < 0) {
		conn_fail(c, r, "stream rotation");
		return r;
	}
	c->refs++;
	conn_progress(c);
	r = c->error;
	if (!--c->refs)
		free(c);
	return r;
}

int relay_stream_send_beacon(struct relay_stream *s, uint64_t ts, uint64_t ctf_stream_id)
{
	struct relay_conn *c = s->conn;
	struct relayd_wire_index ix;
	int r = stream_usable(s);

	if (r < 0)
		return r;
	if (!s->has_handle || c->state != CONN_OPEN)
		return 0; /* a viewer cannot see the stream yet: nothing to say */
	ix = (struct relayd_wire_index) {
		.net_seq_num = htobe64(s->next_seq - 1),
		.timestamp_end = htobe64(ts),
		.stream_id = htobe64(ctf_stream_id),
	};
	r = control_send(c, RELAYD_CMD_SEND_INDEX, &ix, sizeof(ix), NULL, 0, s,
			 offsetof(struct relayd_wire_index, relay_stream_id), EXPECT_OK, NULL);
	if (r < 0)
		conn_fail(c, r, "beacon");
	else
		conn_progress(c);
	return r < 0 ? r : stream_usable(s);
}

int relay_stream_reset_metadata(struct relay_stream *s)
{
	struct relay_conn *c = s->conn;
	struct relayd_wire_reset_metadata m;
	int r = stream_usable(s);

	if (r < 0)
		return r;
	m = (struct relayd_wire_reset_metadata) { .version = htobe64(++s->metadata_version) };
	r = control_send(c, RELAYD_CMD_RESET_METADATA, &m, sizeof(m), NULL, 0, s, 0, EXPECT_OK,
			 NULL);
	if (r < 0)
		conn_fail(c, r, "metadata reset");
	else
		conn_progress(c);
	return r < 0 ? r : stream_usable(s);
}

/* CLOSE_STREAM after its last packet (or once its handle comes); it leaves the list
 * of the connection's open streams. */
static void stream_queue_close(struct relay_stream *s)
{
	struct relay_conn *c = s->conn;

	if (s->closed)
		return;
	s->closed = true;
	list_remove(&s->link);
	if (s->has_handle && !s->dead && (c->state == CONN_OPEN)) {
		struct relayd_wire_stream_seq m = {
			.last_net_seq_num = htobe64(s->next_seq - 1),
		};

		if (control_send(c, RELAYD_CMD_CLOSE_STREAM, &m, sizeof(m), NULL, 0, s, 0, EXPECT_OK,
				 NULL) < 0)
			conn_fail(c, -ENOMEM, "close stream");
	}
}

void relay_stream_close(struct relay_stream *s)
{
	struct relay_conn *c;

	if (!s)
		return;
	c = s->conn;
	c->refs++;
	if (!s->closed)
		stream_queue_close(s);
	stream_put(s);
	conn_progress(c);
	if (!--c->refs)
		free(c);
}
