/* SPDX-License-Identifier: GPL-2.0-only */
/* Threads selected by kernel trackers, from /proc (kernel-procs.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel-procs.h"
#include "procfs.h"

bool kproc_selection_is_all(const struct kproc_selection *sel)
{
	for (int i = 0; i < KPROC_COUNT; i++)
		if (!sel->trackers[i].all)
			return false;
	return true;
}

void kproc_selection_fini(struct kproc_selection *sel)
{
	for (int i = 0; i < KPROC_COUNT; i++) {
		free(sel->trackers[i].values);
		sel->trackers[i].values = NULL;
		sel->trackers[i].count = 0;
	}
}

static bool tracker_passes(const struct kproc_tracker *t, int64_t value)
{
	if (t->all)
		return true;
	for (size_t i = 0; i < t->count; i++)
		if (t->values[i] == value)
			return true;
	return false;
}

/* The real uid and gid of a process (Uid:/Gid: lines of its status) and its pid
 * in its own namespace (the last of NSpid). */
static int read_ids(const char *pid_dir, int64_t *uid, int64_t *gid, int64_t *vpid)
{
	char path[300], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid_dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && found < 3) {
		long long v;

		if (sscanf(line, "Uid: %lld", &v) == 1) {
			*uid = v;
			found++;
		} else if (sscanf(line, "Gid: %lld", &v) == 1) {
			*gid = v;
			found++;
		} else {
			long ns_pid;

			if (procfs_status_nspid(line, &ns_pid)) {
				*vpid = ns_pid;
				found++;
			}
		}
	}
	fclose(f);
	return found == 3 ? 0 : -EIO;
}

static int add_tid(pid_t **tids, size_t *count, size_t *capacity, pid_t tid)
{
	if (*count == *capacity) {
		size_t cap = *capacity ? *capacity * 2 : 64;
		pid_t *grown = realloc(*tids, cap * sizeof(**tids));

		if (!grown)
			return -ENOMEM;
		*tids = grown;
		*capacity = cap;
	}
	(*tids)[(*count)++] = tid;
	return 0;
}

/* Appends every thread of a process. */
static int add_threads(const char *pid_dir, pid_t **tids, size_t *count, size_t *capacity)
{
	char path[300];
	struct dirent *de;
	DIR *tasks;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%s/task", pid_dir);
	tasks = opendir(path);
	if (!tasks)
		return 0; /* it exited meanwhile */
	while (r == 0 && (de = readdir(tasks))) {
		long tid = strtol(de->d_name, NULL, 10);

		if (tid > 0)
			r = add_tid(tids, count, capacity, (pid_t) tid);
	}
	closedir(tasks);
	return r;
}

int kproc_select_threads(const struct kproc_selection *sel, pid_t **ret_tids, size_t *ret_count)
{
	size_t count = 0, capacity = 0;
	pid_t *tids = NULL;
	struct dirent *de;
	DIR *proc = opendir("/proc");
	int r = 0;

	if (!proc)
		return -errno;
	while (r == 0 && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int64_t uid = -1, gid = -1, vpid = -1;

		if (pid <= 0 || *end)
			continue;
		/* /proc's names are the pids ftrace records (those of the initial
		 * namespace when /proc is the host's): the pid tracker's; the vpid is
		 * the process's pid in its own namespace. Virtual uids and gids are
		 * taken as the ids (no user namespaces are looked into). */
		if (!tracker_passes(&sel->trackers[KPROC_PID], pid))
			continue;
		if (read_ids(de->d_name, &uid, &gid, &vpid) < 0)
			continue; /* exited meanwhile */
		if (!tracker_passes(&sel->trackers[KPROC_VPID], vpid) ||
		    !tracker_passes(&sel->trackers[KPROC_UID], uid) ||
		    !tracker_passes(&sel->trackers[KPROC_VUID], uid) ||
		    !tracker_passes(&sel->trackers[KPROC_GID], gid) ||
		    !tracker_passes(&sel->trackers[KPROC_VGID], gid))
			continue;
		r = add_threads(de->d_name, &tids, &count, &capacity);
	}
	closedir(proc);
	if (r < 0) {
		free(tids);
		return r;
	}
	*ret_tids = tids;
	*ret_count = count;
	return 0;
}
