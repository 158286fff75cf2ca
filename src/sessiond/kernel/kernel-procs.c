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

/* Marks value as matched in the tracker's `seen` flags. */
static void mark_seen(const struct kproc_tracker *t, bool *seen, int64_t value)
{
	for (size_t i = 0; !t->all && i < t->count; i++)
		if (t->values[i] == value)
			seen[i] = true;
}

static bool all_seen(const struct kproc_tracker *t, const bool *seen)
{
	for (size_t i = 0; !t->all && i < t->count; i++)
		if (!seen[i])
			return false;
	return true;
}

int kproc_select_threads(const struct kproc_selection *sel, pid_t **ret_tids, size_t *ret_count,
			 bool *complete)
{
	const struct kproc_tracker *pids = &sel->trackers[KPROC_PID],
				   *vpids = &sel->trackers[KPROC_VPID];
	bool *pid_seen = calloc(pids->count + 1, sizeof(bool)),
	     *vpid_seen = calloc(vpids->count + 1, sizeof(bool));
	size_t count = 0, capacity = 0;
	pid_t *tids = NULL;
	struct dirent *de;
	DIR *proc = NULL;
	int r = 0;

	if (!pid_seen || !vpid_seen)
		r = -ENOMEM;
	else if (!(proc = opendir("/proc")))
		r = -errno;
	while (r == 0 && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int64_t uid = -1, gid = -1, vpid = -1;

		if (pid <= 0 || *end)
			continue;
		/* /proc's names are the pids ftrace records (those of the initial
		 * namespace when /proc is the host's): the pid tracker's; the vpid is
		 * the process's pid in its own namespace. */
		if (!tracker_passes(pids, pid))
			continue;
		if (read_ids(de->d_name, &uid, &gid, &vpid) < 0)
			continue; /* exited meanwhile */
		if (!tracker_passes(vpids, vpid))
			continue;
		mark_seen(pids, pid_seen, pid);
		mark_seen(vpids, vpid_seen, vpid);
		r = add_threads(de->d_name, &tids, &count, &capacity);
	}
	if (proc)
		closedir(proc);
	*complete = r == 0 && all_seen(pids, pid_seen) && all_seen(vpids, vpid_seen);
	free(pid_seen);
	free(vpid_seen);
	if (r < 0) {
		free(tids);
		return r;
	}
	*ret_tids = tids;
	*ret_count = count;
	return 0;
}
