/* SPDX-License-Identifier: GPL-2.0-only */
/* Task table of the kernel conversion; see ktask.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktask.h"

#define SLOTS 4096u /* power of two; a collision replaces the older task */

struct ktask_cache {
	char proc_root[256];
	struct ktask slots[SLOTS];
	struct ktask stub;
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
	free(c);
}

static struct ktask *slot(struct ktask_cache *c, int32_t tid)
{
	return &c->slots[((uint32_t) tid * 2654435761u) & (SLOTS - 1)];
}

/* Reads "Name:", "Tgid:", "PPid:" of /proc/<tid>/status and prio/nice of stat. */
static void load(struct ktask_cache *c, struct ktask *t, int32_t tid)
{
	char path[320], buf[4096];
	ssize_t n;
	int fd;

	memset(t, 0, sizeof(*t));
	t->tid = t->tgid = tid;
	t->valid = true;
	if (tid <= 0)
		return;
	snprintf(path, sizeof(path), "%s/%d/status", c->proc_root, tid);
	/* /proc/<tid> answers for threads too (they are just not listed). */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, "Name:\t", 6)) {
			size_t len = strcspn(line + 6, "\n");

			memcpy(t->comm, line + 6, len < KTASK_COMM_LEN - 1 ? len : KTASK_COMM_LEN - 1);
		} else if (!strncmp(line, "Tgid:\t", 6)) {
			t->tgid = atoi(line + 6);
		} else if (!strncmp(line, "PPid:\t", 6)) {
			t->ppid = atoi(line + 6);
		}
	}
	snprintf(path, sizeof(path), "%s/%d/stat", c->proc_root, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		char *p;
		long prio = 0, nice = 0;

		buf[n] = '\0';
		/* Fields after the ")" closing comm: state is field 3, prio 18, nice 19. */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %ld %ld",
				&prio, &nice) == 2) {
			t->prio = (int32_t) prio; /* stat shows prio - 100 already */
			t->nice = (int32_t) nice;
		}
	}
}

const struct ktask *ktask_get(struct ktask_cache *c, int32_t tid)
{
	struct ktask *t = slot(c, tid);

	if (!t->valid || t->tid != tid)
		load(c, t, tid);
	return t;
}

void ktask_set_comm(struct ktask_cache *c, int32_t tid, const char *comm, unsigned len)
{
	struct ktask *t = (struct ktask *) ktask_get(c, tid);

	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, comm, len < KTASK_COMM_LEN - 1 ? len : KTASK_COMM_LEN - 1);
	t->comm[strnlen(t->comm, KTASK_COMM_LEN)] = '\0';
}

void ktask_set_prio(struct ktask_cache *c, int32_t tid, int32_t lttng_prio)
{
	((struct ktask *) ktask_get(c, tid))->prio = lttng_prio;
}

void ktask_fork(struct ktask_cache *c, int32_t parent, int32_t child)
{
	struct ktask p = *ktask_get(c, parent);
	struct ktask *t = slot(c, child);
	char path[320];

	/* The child as /proc shows it (a thread of the parent's process or a new one);
	 * gone already: a new process named as its parent. */
	snprintf(path, sizeof(path), "%s/%d", c->proc_root, child);
	if (access(path, F_OK) == 0) {
		load(c, t, child);
		return;
	}
	*t = p;
	t->tid = t->tgid = child;
	t->ppid = p.tgid;
	t->valid = true;
}

void ktask_exit(struct ktask_cache *c, int32_t tid)
{
	struct ktask *t = slot(c, tid);

	if (t->valid && t->tid == tid)
		t->valid = false;
}
