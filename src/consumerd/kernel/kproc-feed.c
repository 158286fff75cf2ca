/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's process events, kept as each task's recent history; see kproc-feed.h. */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kproc-feed.h"
#include "log.h"

#define HISTORY_SLOTS 8192u /* power of two; tasks whose tids collide push each other out */
#define VERSIONS 4u	    /* per task: its newest states */
#define RECV_BYTES 65536
#define SOCKET_BUFFER (8 << 20)
#define DRAIN_MESSAGES_MAX 256 /* per call: the loop serves its other sources between */

/* A task from a time on. */
struct version {
	uint64_t from;
	struct ktask task;
};

struct history {
	int32_t tid; /* 0: free */
	uint8_t count, newest;
	struct version v[VERSIONS];
};

struct kproc_feed {
	int fd; /* -1: detached */
	char proc_root[256];
	uint64_t overflows;
	struct history *slots;
	uint8_t buf[RECV_BYTES];
};

/* ------------------------------------------------------------------------- */
/* Parsing.                                                                   */

static int32_t pid_at(const uint8_t *data, size_t off)
{
	int32_t v;

	memcpy(&v, data + off, sizeof(v));
	return v;
}

/* One proc_event of n bytes (the connector message's data); false when its kind
 * needs more bytes than it has, or is not one we keep. */
static bool parse_event(const uint8_t *p, size_t n, struct kproc_event *ev)
{
	const size_t data = offsetof(struct proc_event, event_data);
	uint32_t what;
	size_t need;

	if (n < data)
		return false;
	memset(ev, 0, sizeof(*ev));
	memcpy(&what, p + offsetof(struct proc_event, what), sizeof(what));
	memcpy(&ev->ts, p + offsetof(struct proc_event, timestamp_ns), sizeof(ev->ts));
	p += data;
	n -= data;
	switch (what) {
	case PROC_EVENT_FORK:
		need = sizeof(struct fork_proc_event);
		ev->kind = KPROC_FORK;
		break;
	case PROC_EVENT_EXEC:
		need = sizeof(struct exec_proc_event);
		ev->kind = KPROC_EXEC;
		break;
	case PROC_EVENT_UID:
	case PROC_EVENT_GID:
		need = sizeof(struct id_proc_event);
		ev->kind = what == PROC_EVENT_UID ? KPROC_UID : KPROC_GID;
		break;
	case PROC_EVENT_COMM:
		need = sizeof(struct comm_proc_event);
		ev->kind = KPROC_COMM;
		break;
	case PROC_EVENT_EXIT:
		need = 2 * sizeof(int32_t); /* the task; the rest differs across kernels */
		ev->kind = KPROC_EXIT;
		break;
	default:
		return false;
	}
	if (n < need)
		return false;
	if (ev->kind == KPROC_FORK) {
		ev->parent_pid = pid_at(p, offsetof(struct fork_proc_event, parent_pid));
		ev->parent_tgid = pid_at(p, offsetof(struct fork_proc_event, parent_tgid));
		ev->pid = pid_at(p, offsetof(struct fork_proc_event, child_pid));
		ev->tgid = pid_at(p, offsetof(struct fork_proc_event, child_tgid));
	} else {
		/* Every other kind starts with the task's pid and tgid. */
		ev->pid = pid_at(p, 0);
		ev->tgid = pid_at(p, sizeof(int32_t));
	}
	if (ev->kind == KPROC_UID || ev->kind == KPROC_GID)
		ev->id = pid_at(p, offsetof(struct id_proc_event, r));
	if (ev->kind == KPROC_COMM) {
		memcpy(ev->comm, p + offsetof(struct comm_proc_event, comm), KTASK_COMM_LEN - 1);
		ev->comm[KTASK_COMM_LEN - 1] = '\0';
	}
	return ev->pid > 0 && ev->tgid > 0;
}

int kproc_parse(const void *buf, size_t len, void (*fn)(void *userdata, const struct kproc_event *ev),
		void *userdata)
{
	const uint8_t *p = buf;
	int given = 0;

	while (len > 0) {
		struct nlmsghdr nh;
		struct cn_msg cn;
		struct kproc_event ev;
		size_t body, step;

		if (len < sizeof(nh))
			return -EBADMSG;
		memcpy(&nh, p, sizeof(nh));
		if (nh.nlmsg_len < sizeof(nh) || nh.nlmsg_len > len)
			return -EBADMSG;
		body = nh.nlmsg_len - sizeof(nh);
		if (nh.nlmsg_type != NLMSG_ERROR && nh.nlmsg_type != NLMSG_NOOP) {
			if (body < sizeof(cn))
				return -EBADMSG;
			memcpy(&cn, p + sizeof(nh), sizeof(cn));
			if (cn.len > body - sizeof(cn))
				return -EBADMSG;
			if (cn.id.idx == CN_IDX_PROC && cn.id.val == CN_VAL_PROC &&
			    parse_event(p + sizeof(nh) + sizeof(cn), cn.len, &ev)) {
				fn(userdata, &ev);
				given++;
			}
		}
		step = NLMSG_ALIGN(nh.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return given;
}

/* ------------------------------------------------------------------------- */
/* History.                                                                   */

static struct history *history_of(const struct kproc_feed *f, int32_t tid)
{
	return &f->slots[((uint32_t) tid * 2654435761u) & (HISTORY_SLOTS - 1)];
}

static const struct ktask *newest(const struct kproc_feed *f, int32_t tid)
{
	const struct history *h = history_of(f, tid);

	return h->tid == tid && h->count ? &h->v[h->newest].task : NULL;
}

/* Records that tid is t from time `from` on. */
static void push(struct kproc_feed *f, uint64_t from, const struct ktask *t)
{
	struct history *h = history_of(f, t->tid);

	if (h->tid != t->tid) {
		memset(h, 0, sizeof(*h));
		h->tid = t->tid;
	} else {
		h->newest = (uint8_t) ((h->newest + 1) % VERSIONS);
	}
	if (h->count < VERSIONS)
		h->count++;
	h->v[h->newest].from = from;
	h->v[h->newest].task = *t;
}

/* The state a change of tid applies to: its newest known one, else /proc now. */
static bool base_of(struct kproc_feed *f, int32_t tid, struct ktask *out)
{
	const struct ktask *t = newest(f, tid);

	if (t) {
		*out = *t;
		return true;
	}
	return ktask_read(f->proc_root, tid, out);
}

/* An id seen from the task's user namespace: through its map when the task is still
 * there (ktask_read does the mapping), else as before the change (identity stays
 * identity; otherwise unknown). */
static int32_t own_namespace_id(struct kproc_feed *f, int32_t tid, bool uid, int32_t id,
				int32_t old_id, int32_t old_own)
{
	struct ktask now;

	if (ktask_read(f->proc_root, tid, &now) && (uid ? now.uid : now.gid) == id)
		return uid ? now.vuid : now.vgid;
	return old_own == old_id ? id : -1;
}

/* Events come in order, so what the feed holds of a task when an event is applied
 * is its state at that event's time; /proc, read later, may show a newer one. So a
 * child takes from its parent what it inherits (credentials, name, priority) and
 * from /proc only what its birth fixed: its ids in its namespaces. */
static void apply_fork(struct kproc_feed *f, const struct kproc_event *ev)
{
	struct ktask parent, now, t;
	bool alive = ktask_read(f->proc_root, ev->pid, &now) && now.tgid == ev->tgid;

	if (!base_of(f, ev->parent_pid, &parent)) {
		if (alive)
			push(f, ev->ts, &now);
		return;
	}
	t = parent;
	t.tid = ev->pid;
	t.tgid = ev->tgid;
	/* A new thread has its process's parent; a new process, its creator's process. */
	if (ev->pid == ev->tgid)
		t.ppid = ev->parent_tgid;
	if (alive) {
		t.vtid = now.vtid;
		t.vpid = now.vpid;
		t.vppid = now.vppid;
		if (now.uid == t.uid)
			t.vuid = now.vuid;
		if (now.gid == t.gid)
			t.vgid = now.vgid;
	} else {
		/* Gone already: in its parent's namespace, where ids are seen as is when
		 * the parent's are. */
		bool plain = parent.vtid == parent.tid;

		t.vtid = plain ? ev->pid : 0;
		if (ev->pid == ev->tgid) {
			t.vpid = plain ? ev->pid : 0;
			t.vppid = plain ? ev->parent_tgid : parent.vpid;
		}
	}
	t.valid = true;
	push(f, ev->ts, &t);
}

/* A new program: its name from /proc (the kernel sends no COMM event for an exec),
 * as it was when the event was read; the exec of a thread makes it its process's
 * leader (tid = tgid). */
static bool apply_exec(struct kproc_feed *f, const struct kproc_event *ev, struct ktask *t)
{
	struct ktask now;

	if (!base_of(f, ev->pid, t))
		return false;
	if (ktask_read(f->proc_root, ev->pid, &now) && now.tgid == ev->tgid)
		memcpy(t->comm, now.comm, sizeof(t->comm));
	else
		t->comm[0] = '\0'; /* gone: the records' name (exec, switch) is better */
	t->tid = ev->pid;
	t->tgid = ev->tgid;
	if (ev->pid == ev->tgid)
		t->vtid = t->vpid;
	return true;
}

void kproc_feed_apply(struct kproc_feed *f, const struct kproc_event *ev)
{
	struct ktask t;

	if (ev->kind == KPROC_FORK) {
		apply_fork(f, ev);
		return;
	}
	/* An exit needs nothing: its last records come before it, and the tid's next
	 * task starts with a FORK event. */
	if (ev->kind == KPROC_EXIT)
		return;
	if (ev->kind == KPROC_EXEC ? !apply_exec(f, ev, &t) : !base_of(f, ev->pid, &t))
		return;
	switch (ev->kind) {
	case KPROC_UID:
		t.vuid = own_namespace_id(f, ev->pid, true, ev->id, t.uid, t.vuid);
		t.uid = ev->id;
		break;
	case KPROC_GID:
		t.vgid = own_namespace_id(f, ev->pid, false, ev->id, t.gid, t.vgid);
		t.gid = ev->id;
		break;
	case KPROC_COMM:
		memcpy(t.comm, ev->comm, sizeof(t.comm));
		break;
	default:
		break;
	}
	push(f, ev->ts, &t);
}

const struct ktask *kproc_feed_at(const struct kproc_feed *f, int32_t tid, uint64_t ts)
{
	const struct history *h;
	const struct version *best = NULL;

	if (!f || tid <= 0)
		return NULL;
	h = history_of(f, tid);
	if (h->tid != tid)
		return NULL;
	for (unsigned i = 0; i < h->count; i++) {
		const struct version *v = &h->v[i];

		if (v->from <= ts && (!best || v->from >= best->from))
			best = v;
	}
	return best ? &best->task : NULL;
}

uint64_t kproc_feed_overflows(const struct kproc_feed *f)
{
	return f->overflows;
}

/* ------------------------------------------------------------------------- */
/* The socket.                                                                */

static int send_op(int fd, enum proc_cn_mcast_op op)
{
	/* nlmsghdr, cn_msg (its data is flexible), then the operation: laid out by
	 * hand, each part at its offset. */
	uint8_t m[sizeof(struct nlmsghdr) + sizeof(struct cn_msg) + sizeof(op)];
	struct nlmsghdr nh = { .nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_DONE };
	struct cn_msg cn;

	memset(&cn, 0, sizeof(cn));
	cn.id.idx = CN_IDX_PROC;
	cn.id.val = CN_VAL_PROC;
	cn.len = sizeof(op);
	memcpy(m, &nh, sizeof(nh));
	memcpy(m + sizeof(nh), &cn, sizeof(cn));
	memcpy(m + sizeof(nh) + sizeof(cn), &op, sizeof(op));
	return send(fd, m, sizeof(m), MSG_NOSIGNAL) == (ssize_t) sizeof(m) ? 0 : -errno;
}

struct kproc_feed *kproc_feed_new_detached(const char *proc_root)
{
	struct kproc_feed *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = -1;
	snprintf(f->proc_root, sizeof(f->proc_root), "%s", proc_root);
	f->slots = calloc(HISTORY_SLOTS, sizeof(*f->slots));
	if (!f->slots) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

struct kproc_feed *kproc_feed_open(const char *proc_root)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct kproc_feed *f = kproc_feed_new_detached(proc_root);
	int size = SOCKET_BUFFER, err;

	if (!f)
		return NULL;
	f->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (f->fd < 0)
		goto fail;
	/* Bursts of forks must not overflow it between two reads (root may exceed
	 * rmem_max; fall back to the ordinary limit). */
	if (setsockopt(f->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void) setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(f->fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
		goto fail;
	err = send_op(f->fd, PROC_CN_MCAST_LISTEN);
	if (err < 0) {
		errno = -err;
		goto fail;
	}
	return f;
fail:
	err = errno;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	kproc_feed_free(f);
	errno = err;
	return NULL;
}

void kproc_feed_free(struct kproc_feed *f)
{
	if (!f)
		return;
	if (f->fd >= 0) {
		/* The kernel counts listeners and makes events while any is left. */
		(void) send_op(f->fd, PROC_CN_MCAST_IGNORE);
		close(f->fd);
	}
	free(f->slots);
	free(f);
}

int kproc_feed_fd(const struct kproc_feed *f)
{
	return f->fd;
}

static void apply_cb(void *userdata, const struct kproc_event *ev)
{
	kproc_feed_apply(userdata, ev);
}

void kproc_feed_drain(struct kproc_feed *f)
{
	if (!f || f->fd < 0)
		return;
	/* Bounded: a fork storm must not hold the loop; the socket stays readable and
	 * the loop comes back. */
	for (unsigned msgs = 0; msgs < DRAIN_MESSAGES_MAX; msgs++) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(f->fd, f->buf, sizeof(f->buf), 0, (struct sockaddr *) &from,
				     &from_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost: those tasks fall back to /proc. */
			if (!f->overflows++)
				log_warn("Process events: the socket overflowed; tasks whose "
					 "events were lost are looked up in /proc (logged once)");
			/* What it knew may be stale now (a lost fork reused a tid). */
			memset(f->slots, 0, HISTORY_SLOTS * sizeof(*f->slots));
			continue;
		}
		if (n <= 0)
			return;
		/* Only the kernel speaks here: a process could send to our port. */
		if (from_len != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
			continue;
		(void) kproc_parse(f->buf, (size_t) n, apply_cb, f);
	}
}
