/* SPDX-License-Identifier: GPL-2.0-only */
/* Task table of the kernel conversion; see ktask.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kproc-feed.h"
#include "ktask.h"
#include "procfs.h"

#define SLOTS 4096u /* power of two; a collision replaces the older task */
#define TGID_SLOTS 65536u /* power of two: saved_tgids entries kept */
#define SAVED_TGIDS_MAX (4u << 20) /* bytes of saved_tgids read at most */
#define SAVED_TGIDS_PERIOD_NS 100000000ull /* read again at most every 100 ms */

struct ktask_cache {
	char proc_root[256];
	char saved_tgids[512]; /* "" when not used */
	uint64_t saved_read_ns; /* when saved_tgids was last read, 0: never */
	int32_t *map_tid, *map_tgid; /* open addressing, TGID_SLOTS each */
	const struct kproc_feed *feed; /* NULL: none */
	uint64_t now;		       /* the time of the record being converted */
	struct ktask merged;	       /* what ktask_get returned last, from the feed */
	struct ktask slots[SLOTS];
};

struct ktask_cache *ktask_cache_new(const char *proc_root)
{
	struct ktask_cache *c = calloc(1, sizeof(*c));

	if (c)
		snprintf(c->proc_root, sizeof(c->proc_root), "%s", proc_root);
	return c;
}

void ktask_cache_free(struct ktask_cache *c)
{
	if (!c)
		return;
	free(c->map_tid);
	free(c->map_tgid);
	free(c);
}

int ktask_use_saved_tgids(struct ktask_cache *c, const char *path)
{
	c->map_tid = calloc(TGID_SLOTS, sizeof(*c->map_tid));
	c->map_tgid = calloc(TGID_SLOTS, sizeof(*c->map_tgid));
	if (!c->map_tid || !c->map_tgid)
		return -ENOMEM;
	snprintf(c->saved_tgids, sizeof(c->saved_tgids), "%s", path);
	return 0;
}

static void map_put(struct ktask_cache *c, int32_t tid, int32_t tgid)
{
	uint32_t i = ((uint32_t) tid * 2654435761u) & (TGID_SLOTS - 1);

	for (uint32_t n = 0; n < 16; n++, i = (i + 1) & (TGID_SLOTS - 1)) {
		if (c->map_tid[i] == 0 || c->map_tid[i] == tid) {
			c->map_tid[i] = tid;
			c->map_tgid[i] = tgid;
			return;
		}
	}
	/* A crowded neighbourhood: the first slot is reused. */
	i = ((uint32_t) tid * 2654435761u) & (TGID_SLOTS - 1);
	c->map_tid[i] = tid;
	c->map_tgid[i] = tgid;
}

static int32_t map_get(const struct ktask_cache *c, int32_t tid)
{
	uint32_t i = ((uint32_t) tid * 2654435761u) & (TGID_SLOTS - 1);

	for (uint32_t n = 0; n < 16; n++, i = (i + 1) & (TGID_SLOTS - 1)) {
		if (c->map_tid[i] == tid)
			return c->map_tgid[i];
		if (c->map_tid[i] == 0)
			return 0;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* tracefs' saved_tgids ("<pid> <tgid>" lines, kept by the kernel for the tasks it
 * recorded while an instance has options/record-tgid): the tgid a TID had when its
 * records were written, also after it exited. Read at most every 100 ms, on a miss. */
static void saved_tgids_refresh(struct ktask_cache *c)
{
	uint64_t now = now_ns();
	char *buf, *line, *save = NULL;
	size_t got = 0;
	int fd;

	if (c->saved_read_ns && now - c->saved_read_ns < SAVED_TGIDS_PERIOD_NS)
		return;
	c->saved_read_ns = now;
	fd = open(c->saved_tgids, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	buf = malloc(SAVED_TGIDS_MAX + 1);
	while (buf && got < SAVED_TGIDS_MAX) {
		ssize_t n = read(fd, buf + got, SAVED_TGIDS_MAX - got);

		if (n <= 0)
			break;
		got += (size_t) n;
	}
	close(fd);
	if (!buf)
		return;
	buf[got] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int tid, tgid;

		if (sscanf(line, "%d %d", &tid, &tgid) == 2 && tid > 0 && tgid > 0)
			map_put(c, tid, tgid);
	}
	free(buf);
}

/* The tgid ftrace saw for tid, 0 when unknown. */
static int32_t saved_tgid(struct ktask_cache *c, int32_t tid)
{
	int32_t tgid;

	if (!c->saved_tgids[0] || tid <= 0)
		return 0;
	tgid = map_get(c, tid);
	if (tgid)
		return tgid;
	saved_tgids_refresh(c);
	return map_get(c, tid);
}

static struct ktask *slot(struct ktask_cache *c, int32_t tid)
{
	return &c->slots[((uint32_t) tid * 2654435761u) & (SLOTS - 1)];
}

/* Reads <proc_root>/<id>/<name> into buf (NUL-terminated): false when the task or
 * the file is not there, or it is empty. One read: these files fit. */
static bool read_task_file(const char *root, int32_t id, const char *name, char *buf,
			   size_t size)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, id, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The innermost pid of a task's NSpid line in /proc/<id>/status, and how many
 * namespaces it spans; 0 when the task is gone. */
static int32_t innermost_nspid(const char *root, int32_t id, int *levels)
{
	char buf[4096];
	long v = 0;

	*levels = 0;
	if (id <= 0)
		return 0;
	if (!read_task_file(root, id, "status", buf, sizeof(buf)))
		return 0;
	*levels = procfs_status_nspid(buf, &v);
	return *levels ? (int32_t) v : 0;
}

/* The virtual ids: the task's, its process's, its parent's in the task's pid
 * namespace (0 when the parent is outside it, as LTTng gives). */
static void load_virtual_ids(const char *root, struct ktask *t)
{
	int levels, plevels;
	int32_t v = innermost_nspid(root, t->tid, &levels);

	t->vtid = v ? v : t->tid;
	t->vpid = t->tgid == t->tid ? t->vtid : innermost_nspid(root, t->tgid, &plevels);
	if (!t->vpid)
		t->vpid = t->tgid;
	t->vppid = t->ppid;
	if (levels > 1) {
		v = innermost_nspid(root, t->ppid, &plevels);
		t->vppid = plevels == levels ? v : 0;
	}
}

/* An id as the task's user namespace sees it, through its uid_map or gid_map
 * ("inside outside count" lines, outside as this process sees it); 65534 (the
 * overflow id) when the namespace does not map it, the id itself when the map
 * cannot be read. */
static int32_t in_own_namespace(const char *root, int32_t tid, const char *map,
				int32_t id)
{
	char buf[1024], *line, *save = NULL;

	if (id < 0)
		return id;
	if (!read_task_file(root, tid, map, buf, sizeof(buf)))
		return id;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long inside, outside, count;

		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
		    (unsigned long) id >= outside && (unsigned long) id - outside < count)
			return (int32_t) (inside + ((unsigned long) id - outside));
	}
	return 65534;
}

/* Reads "Name:", "Tgid:", "PPid:" of /proc/<tid>/status and prio/nice of stat;
 * false when the task is not in /proc (t is then a stub). */
static bool load(const char *root, struct ktask *t, int32_t tid)
{
	char buf[4096];

	memset(t, 0, sizeof(*t));
	t->tid = t->tgid = t->vtid = t->vpid = tid;
	t->uid = t->gid = t->vuid = t->vgid = -1;
	t->valid = true;
	if (tid <= 0)
		return false;
	/* /proc/<tid> answers for threads too (they are just not listed). */
	if (!read_task_file(root, tid, "status", buf, sizeof(buf)))
		return false;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, "Name:\t", 6)) {
			size_t len = strcspn(line + 6, "\n");

			memcpy(t->comm, line + 6, len < KTASK_COMM_LEN - 1 ? len : KTASK_COMM_LEN - 1);
		} else if (!strncmp(line, "Tgid:\t", 6)) {
			t->tgid = atoi(line + 6);
		} else if (!strncmp(line, "PPid:\t", 6)) {
			t->ppid = atoi(line + 6);
		} else if (!strncmp(line, "Uid:\t", 5)) {
			t->uid = t->vuid = atoi(line + 5); /* the real one comes first */
		} else if (!strncmp(line, "Gid:\t", 5)) {
			t->gid = t->vgid = atoi(line + 5);
		}
	}
	t->vuid = in_own_namespace(root, tid, "uid_map", t->uid);
	t->vgid = in_own_namespace(root, tid, "gid_map", t->gid);
	if (read_task_file(root, tid, "stat", buf, sizeof(buf))) {
		char *p;
		long prio = 0, nice = 0;

		/* Fields after the ")" closing comm: state is field 3, prio 18, nice 19. */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %ld %ld",
				&prio, &nice) == 2) {
			t->prio = (int32_t) prio; /* stat shows prio - 100 already */
			t->nice = (int32_t) nice;
		}
	}
	return true;
}

static void load_all(struct ktask_cache *c, struct ktask *t, int32_t tid)
{
	/* A task still in /proc is what /proc says (its TID reused between its
	 * record and now would take a wrap of the pid space within a read period);
	 * for one that is gone, what ftrace saw (saved_tgids) is all there is. */
	if (load(c->proc_root, t, tid)) {
		if (c->saved_tgids[0])
			map_put(c, tid, t->tgid);
	} else {
		int32_t tgid = saved_tgid(c, tid);

		if (tgid)
			t->tgid = tgid;
	}
	load_virtual_ids(c->proc_root, t);
}

/* The table's own entry of tid (what /proc, saved_tgids and the records said). */
static struct ktask *cached(struct ktask_cache *c, int32_t tid)
{
	struct ktask *t = slot(c, tid);

	if (!t->valid || t->tid != tid)
		load_all(c, t, tid);
	return t;
}

const struct ktask *ktask_get(struct ktask_cache *c, int32_t tid)
{
	const struct ktask *t = cached(c, tid);
	const struct ktask *then = c->feed ? kproc_feed_at(c->feed, tid, c->now) : NULL;

	if (!then)
		return t;
	/* The process events knew the task at the record's time: ids, credentials and
	 * name from them; priority and nice from the table (the records update them). */
	c->merged = *then;
	c->merged.prio = t->prio;
	c->merged.nice = t->nice;
	if (!then->comm[0])
		memcpy(c->merged.comm, t->comm, sizeof(c->merged.comm));
	return &c->merged;
}

void ktask_use_feed(struct ktask_cache *c, const struct kproc_feed *feed)
{
	c->feed = feed;
}

void ktask_set_time(struct ktask_cache *c, uint64_t ts)
{
	c->now = ts;
}

bool ktask_read(const char *proc_root, int32_t tid, struct ktask *t)
{
	bool alive = load(proc_root, t, tid);

	load_virtual_ids(proc_root, t);
	return alive;
}

void ktask_learn(struct ktask_cache *c, int32_t tid)
{
	/* Alive now: /proc is right, and beats what saved_tgids may still say of an
	 * earlier task that had this TID (TIDs are reused, after 32768 on this kind of
	 * machine); later lookups of the TID find it in the map. */
	load_all(c, slot(c, tid), tid);
}

void ktask_set_comm(struct ktask_cache *c, int32_t tid, const char *comm, unsigned len)
{
	struct ktask *t = cached(c, tid);

	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, comm, len < KTASK_COMM_LEN - 1 ? len : KTASK_COMM_LEN - 1);
	t->comm[strnlen(t->comm, KTASK_COMM_LEN)] = '\0';
}

void ktask_set_prio(struct ktask_cache *c, int32_t tid, int32_t lttng_prio)
{
	cached(c, tid)->prio = lttng_prio;
}

void ktask_fork(struct ktask_cache *c, int32_t parent, int32_t child)
{
	struct ktask p = *ktask_get(c, parent);
	struct ktask *t = slot(c, child);
	char path[320];

	/* The child as /proc shows it (a thread of the parent's process or a new one);
	 * gone already: a new process named as its parent. */
	snprintf(path, sizeof(path), "%s/%d", c->proc_root, child);
	if (access(path, F_OK) == 0 && load(c->proc_root, t, child)) {
		if (c->saved_tgids[0])
			map_put(c, child, t->tgid);
	} else {
		int32_t tgid = saved_tgid(c, child);

		*t = p;
		t->tid = t->tgid = child;
		t->ppid = p.tgid;
		t->valid = true;
		if (tgid) {
			t->tgid = tgid;
			t->ppid = tgid == p.tgid ? p.ppid : p.tgid;
		}
	}
	load_virtual_ids(c->proc_root, t);
}

void ktask_exit(struct ktask_cache *c, int32_t tid)
{
	struct ktask *t = slot(c, tid);

	if (t->valid && t->tid == tid)
		t->valid = false;
}
