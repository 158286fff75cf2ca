/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel consumer's process events (src/consumerd/kernel/kproc-feed.c): the
 * parser of the proc connector's netlink messages, and the history of each task it
 * keeps, read at a record's time. The live socket is exercised by the kernel
 * suite's case q. */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kproc-feed.h"

#include "tap.h"

/* ---- building messages as the kernel sends them -------------------------------- */

struct msgbuf {
	uint8_t b[4096];
	size_t len;
};

/* Appends one netlink message holding a connector message whose data is a
 * proc_event of kind what with its union filled from u (u_len bytes). */
static void add_event(struct msgbuf *m, uint32_t idx, uint32_t what, uint64_t ts, const void *u,
		      size_t u_len)
{
	struct nlmsghdr nh = { 0 };
	struct cn_msg cn = { 0 };
	uint8_t ev[sizeof(struct proc_event)] = { 0 };
	size_t data = offsetof(struct proc_event, event_data);

	memcpy(ev + offsetof(struct proc_event, what), &what, sizeof(what));
	memcpy(ev + offsetof(struct proc_event, timestamp_ns), &ts, sizeof(ts));
	memcpy(ev + data, u, u_len);
	cn.id.idx = idx;
	cn.id.val = CN_VAL_PROC;
	cn.len = (uint16_t) (data + u_len);
	nh.nlmsg_len = (uint32_t) (sizeof(nh) + sizeof(cn) + cn.len);
	nh.nlmsg_type = NLMSG_DONE;
	memcpy(m->b + m->len, &nh, sizeof(nh));
	memcpy(m->b + m->len + sizeof(nh), &cn, sizeof(cn));
	memcpy(m->b + m->len + sizeof(nh) + sizeof(cn), ev, cn.len);
	m->len += NLMSG_ALIGN(nh.nlmsg_len);
}

static void add_fork(struct msgbuf *m, uint64_t ts, int32_t ppid, int32_t ptgid, int32_t pid,
		     int32_t tgid)
{
	struct fork_proc_event f = { ppid, ptgid, pid, tgid };

	add_event(m, CN_IDX_PROC, PROC_EVENT_FORK, ts, &f, sizeof(f));
}

static void add_id(struct msgbuf *m, uint32_t what, uint64_t ts, int32_t pid, int32_t tgid,
		   uint32_t id)
{
	struct id_proc_event e = { .process_pid = pid, .process_tgid = tgid };

	e.r.ruid = id;
	e.e.euid = id + 1;
	add_event(m, CN_IDX_PROC, what, ts, &e, sizeof(e));
}

static void add_comm(struct msgbuf *m, uint64_t ts, int32_t pid, const char *comm)
{
	struct comm_proc_event c = { .process_pid = pid, .process_tgid = pid };

	snprintf(c.comm, sizeof(c.comm), "%s", comm);
	add_event(m, CN_IDX_PROC, PROC_EVENT_COMM, ts, &c, sizeof(c));
}

struct seen {
	struct kproc_event ev[16];
	int n;
};

static void collect(void *userdata, const struct kproc_event *ev)
{
	struct seen *s = userdata;

	if (s->n < 16)
		s->ev[s->n++] = *ev;
}

static void test_parse(void)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };
	struct exec_proc_event ex = { 300, 300 };
	uint32_t ack = 0;

	add_event(&m, CN_IDX_PROC, PROC_EVENT_NONE, 1, &ack, sizeof(ack)); /* listen ack */
	add_fork(&m, 10, 100, 100, 200, 200);
	add_event(&m, CN_IDX_PROC, PROC_EVENT_EXEC, 11, &ex, sizeof(ex));
	add_id(&m, PROC_EVENT_UID, 12, 200, 200, 994);
	add_id(&m, PROC_EVENT_GID, 13, 200, 200, 993);
	add_comm(&m, 14, 200, "a-very-long-name-cut");
	add_fork(&m, 15, 100, 100, 0, 0);			/* no task: dropped */
	add_event(&m, CN_IDX_PROC + 1, PROC_EVENT_FORK, 16, &ex, 8); /* another connector */
	is_int(kproc_parse(m.b, m.len, collect, &s), 5, "5 events of interest in 8 messages");
	is_int(s.n, 5, "all given to the callback");
	ok(s.ev[0].kind == KPROC_FORK && s.ev[0].ts == 10 && s.ev[0].pid == 200 &&
		   s.ev[0].tgid == 200 && s.ev[0].parent_pid == 100 && s.ev[0].parent_tgid == 100,
	   "fork: time, child, parent");
	ok(s.ev[1].kind == KPROC_EXEC && s.ev[1].pid == 300 && s.ev[1].tgid == 300, "exec: the task");
	ok(s.ev[2].kind == KPROC_UID && s.ev[2].id == 994, "uid: the real one (not the effective)");
	ok(s.ev[3].kind == KPROC_GID && s.ev[3].id == 993 && s.ev[3].ts == 13, "gid: the real one");
	ok(s.ev[4].kind == KPROC_COMM && strlen(s.ev[4].comm) == KTASK_COMM_LEN - 1 &&
		   !strncmp(s.ev[4].comm, "a-very-long-nam", KTASK_COMM_LEN - 1),
	   "comm: terminated within 16 bytes (\"%s\")", s.ev[4].comm);

	/* Broken framing: the events before it are still given. */
	{
		struct msgbuf b = { .len = 0 };
		struct nlmsghdr nh;
		struct cn_msg cn;

		add_fork(&b, 20, 1, 1, 2, 2);
		add_fork(&b, 21, 1, 1, 3, 3);
		s.n = 0;
		is_int(kproc_parse(b.b, b.len - 1, collect, &s), -EBADMSG,
		       "a message cut short: -EBADMSG");
		is_int(s.n, 1, "the one before it was given");

		memcpy(&nh, b.b, sizeof(nh));
		nh.nlmsg_len = 8;
		memcpy(b.b, &nh, sizeof(nh));
		s.n = 0;
		is_int(kproc_parse(b.b, b.len, collect, &s), -EBADMSG, "nlmsg_len below its header");
		is_int(s.n, 0, "nothing given");

		b.len = 0;
		add_fork(&b, 22, 1, 1, 2, 2);
		memcpy(&cn, b.b + sizeof(nh), sizeof(cn));
		cn.len = 60000;
		memcpy(b.b + sizeof(nh), &cn, sizeof(cn));
		s.n = 0;
		is_int(kproc_parse(b.b, b.len, collect, &s), -EBADMSG,
		       "a connector length past its netlink message");

		b.len = 0;
		add_event(&b, CN_IDX_PROC, PROC_EVENT_FORK, 23, &ex, sizeof(ex)); /* 8 of 16 bytes */
		s.n = 0;
		is_int(kproc_parse(b.b, b.len, collect, &s), 0, "a fork event too short: skipped");
		is_int(kproc_parse(b.b, 3, collect, &s), -EBADMSG, "3 bytes: -EBADMSG");
		is_int(kproc_parse(b.b, 0, collect, &s), 0, "nothing: no event");
	}
}

/* ---- history --------------------------------------------------------------------- */

static char proc_root[64];

static void fake_task(int32_t tid, const char *name, int32_t tgid, int32_t ppid, int32_t uid,
		      int32_t gid)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", proc_root, tid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/status", proc_root, tid);
	f = fopen(path, "w");
	if (!f)
		bail_out("cannot write %s", path);
	fprintf(f, "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		   "PPid:\t%d\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nNSpid:\t%d\n",
		name, tgid, tid, ppid, uid, uid, uid, uid, gid, gid, gid, gid, tid);
	fclose(f);
}

static void feed(struct kproc_feed *f, const struct msgbuf *m)
{
	struct seen s = { .n = 0 };

	if (kproc_parse(m->b, m->len, collect, &s) < 0)
		bail_out("test messages do not parse");
	for (int i = 0; i < s.n; i++)
		kproc_feed_apply(f, &s.ev[i]);
}

static void test_history(void)
{
	struct kproc_feed *f;
	struct msgbuf m = { .len = 0 };
	const struct ktask *t;

	snprintf(proc_root, sizeof(proc_root), "/tmp/kproc-test-XXXXXX");
	if (!mkdtemp(proc_root))
		bail_out("mkdtemp");
	fake_task(100, "parent", 100, 1, 1000, 1001);
	fake_task(300, "alive", 300, 100, 0, 0);
	f = kproc_feed_new_detached(proc_root);
	if (!f)
		bail_out("no feed");

	is_ptr_null(kproc_feed_at(f, 200, 50), "nothing known before any event");
	/* 200: forked by 100 at 10 and gone before the events were read. */
	add_fork(&m, 10, 100, 100, 200, 200);
	add_id(&m, PROC_EVENT_UID, 20, 200, 200, 994);
	add_id(&m, PROC_EVENT_GID, 21, 200, 200, 993);
	add_comm(&m, 30, 200, "renamed");
	/* 201: a thread of 200, born at 40. */
	add_fork(&m, 40, 200, 200, 201, 200);
	feed(f, &m);

	is_ptr_null(kproc_feed_at(f, 200, 9), "before its fork: unknown");
	t = kproc_feed_at(f, 200, 10);
	ok(t && t->tid == 200 && t->tgid == 200 && t->ppid == 100 && t->vpid == 200 &&
		   t->vtid == 200 && t->vppid == 100,
	   "at its fork: ids of a new process (ppid = the forking process)");
	ok(t && !strcmp(t->comm, "parent") && t->uid == 1000 && t->gid == 1001 &&
		   t->vuid == 1000 && t->vgid == 1001,
	   "at its fork: its parent's name and credentials (from the parent's /proc)");
	t = kproc_feed_at(f, 200, 20);
	ok(t && t->uid == 994 && t->vuid == 994 && t->gid == 1001, "at 20: the new uid, same gid");
	t = kproc_feed_at(f, 200, 25);
	ok(t && t->uid == 994 && t->gid == 993 && t->vgid == 993, "at 25: both changed");
	t = kproc_feed_at(f, 200, 29);
	ok(t && !strcmp(t->comm, "parent"), "at 29: still its parent's name");
	t = kproc_feed_at(f, 200, 1000);
	ok(t && !strcmp(t->comm, "renamed") && t->uid == 994, "later: renamed, same uid");
	t = kproc_feed_at(f, 201, 40);
	ok(t && t->tid == 201 && t->tgid == 200 && t->ppid == 100 && t->uid == 994 &&
		   !strcmp(t->comm, "renamed"),
	   "a thread: its process's tgid and parent, its creator's credentials and name");

	/* 300 exists in /proc: an exec reads the new name there. */
	m.len = 0;
	{
		struct exec_proc_event ex = { 300, 300 };

		add_event(&m, CN_IDX_PROC, PROC_EVENT_EXEC, 60, &ex, sizeof(ex));
	}
	feed(f, &m);
	t = kproc_feed_at(f, 300, 60);
	ok(t && !strcmp(t->comm, "alive") && t->ppid == 100 && t->uid == 0,
	   "exec of a task the feed had not seen: /proc gives it");

	/* Only the newest states of a task are kept. */
	m.len = 0;
	for (int i = 0; i < 6; i++)
		add_id(&m, PROC_EVENT_UID, (uint64_t) (100 + i), 200, 200, (uint32_t) (2000 + i));
	feed(f, &m);
	t = kproc_feed_at(f, 200, 105);
	ok(t && t->uid == 2005, "the newest state");
	t = kproc_feed_at(f, 200, 102);
	ok(t && t->uid == 2002, "the fourth newest state");
	is_ptr_null(kproc_feed_at(f, 200, 101), "older ones are pushed out: unknown");
	is_ptr_null(kproc_feed_at(f, -1, 101), "no negative tid");
	is_ptr_null(kproc_feed_at(NULL, 200, 101), "no feed");
	is_uint(kproc_feed_overflows(f), 0, "no overflow counted");

	kproc_feed_free(f);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc_root);
		if (system(cmd) != 0)
			diag("could not remove %s", proc_root);
	}
}

int main(void)
{
	test_parse();
	test_history();
	done_testing();
	return exit_status();
}
