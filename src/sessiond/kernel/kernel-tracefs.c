/* SPDX-License-Identifier: GPL-2.0-only */
/* ftrace instances through tracefs files (kernel-tracefs.h). Blocking: start-up
 * and worker threads only. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel/kernel-tracefs.h"
#include "log.h"
#include "procfs.h"
#include "macros.h"

#define TRACEFS_MAGIC_NUMBER 0x74726163 /* linux/magic.h TRACEFS_MAGIC */
#define DEFAULT_TRACEFS_DIR "/sys/kernel/tracing"

static bool is_tracefs(const char *dir)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && (unsigned long) st.f_type == TRACEFS_MAGIC_NUMBER;
}

int ktracefs_setup(char *dir, size_t size)
{
	if ((size_t) snprintf(dir, size, "%s", DEFAULT_TRACEFS_DIR) >= size)
		return -ENAMETOOLONG;
	if (is_tracefs(dir))
		return 0;
	if (mount("nodev", dir, "tracefs", 0, NULL) < 0) {
		int r = -errno;

		log_warn("Cannot mount tracefs on %s: %s; the kernel domain is not available",
			 dir, strerror(errno));
		return r;
	}
	if (!is_tracefs(dir))
		return -ENODEV;
	log_info("Mounted tracefs on %s", dir);
	return 0;
}

static int path_of(char *out, size_t size, const char *dir, const char *instance,
		   const char *file)
{
	int n = instance ? snprintf(out, size, "%s/instances/%s/%s", dir, instance, file)
			 : snprintf(out, size, "%s/%s", dir, file);

	return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* Writes a whole string to a tracefs file (O_TRUNC, or appending). */
static int write_file(const char *path, const char *text, bool append)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		r = -errno;
	else if ((size_t) n != len)
		r = -EIO;
	close(fd);
	return r;
}

static int write_instance_file(const char *dir, const char *instance, const char *file,
			       const char *text)
{
	char path[4096];
	int r = path_of(path, sizeof(path), dir, instance, file);

	return r < 0 ? r : write_file(path, text, false);
}

/* The inode number of a process's pid namespace ("pid:[N]"), 0 when unknown. */
static unsigned long long pid_namespace_of(const char *pid_dir)
{
	char path[300], link[64];
	unsigned long long ino = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/pid", pid_dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "pid:[%llu]", &ino) != 1)
		return 0;
	return ino;
}

void ktracefs_instance_name(char *out, size_t size, uint64_t session_id, unsigned channel_index)
{
	snprintf(out, size, KTRACEFS_INSTANCE_PREFIX "%llu-%d-%" PRIu64 "-%u",
		 pid_namespace_of("self"), (int) getpid(), session_id, channel_index);
}

/* The daemon of one of our instance names; false when it is not one. */
static bool instance_owner(const char *name, unsigned long long *ns, long *pid)
{
	int end = 0;

	if (strncmp(name, KTRACEFS_INSTANCE_PREFIX, strlen(KTRACEFS_INSTANCE_PREFIX)) != 0)
		return false;
	return sscanf(name + strlen(KTRACEFS_INSTANCE_PREFIX), "%llu-%ld-%*u-%*u%n", ns, pid,
		      &end) == 2 &&
	       end > 0 && *pid > 0;
}

/* A live session daemon, as /proc shows it: its pid namespace and its pid there. */
struct live_daemon {
	unsigned long long ns;
	long pid;
};

/* The innermost pid of a process (the last of its status NSpid line), -1 when
 * it is gone. */
static long innermost_pid(const char *pid_dir)
{
	char path[300], buf[4096];
	long pid = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/status", pid_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return procfs_status_nspid(buf, &pid) ? pid : -1;
}

static size_t list_live_daemons(struct live_daemon *out, size_t max)
{
	struct dirent *de;
	size_t n = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return 0;
	while (n < max && (de = readdir(proc))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "lttng-sessiond", 14) != 0)
			continue;
		out[n].ns = pid_namespace_of(de->d_name);
		out[n].pid = innermost_pid(de->d_name);
		if (out[n].ns && out[n].pid > 0)
			n++;
	}
	closedir(proc);
	return n;
}

/* linux/proc_ns.h PROC_PID_INIT_INO: the initial pid namespace. */
#define INITIAL_PID_NAMESPACE 0xEFFFFFFCULL

/* Whether an owner (pid namespace, pid) can be judged from here and is gone. */
static bool owner_is_gone(unsigned long long own_ns, const struct live_daemon *live,
			  size_t live_count, unsigned long long ns, long pid)
{
	if (ns != own_ns && own_ns != INITIAL_PID_NAMESPACE)
		return false; /* only a namespace whose every process we see */
	for (size_t i = 0; i < live_count; i++)
		if (live[i].ns == ns && live[i].pid == pid)
			return false;
	return true;
}

struct stale_context {
	unsigned long long own_ns;
	const struct live_daemon *live;
	size_t live_count;
};

static void remove_uprobe(const char *dir, const char *group, const char *event);

static void remove_stale_uprobe(const char *dir, const char *group, const char *event, void *arg)
{
	const struct stale_context *ctx = arg;
	unsigned long long ns;
	long pid;

	if (strncmp(group, KTRACEFS_UPROBE_PREFIX, strlen(KTRACEFS_UPROBE_PREFIX)) != 0 ||
	    sscanf(group + strlen(KTRACEFS_UPROBE_PREFIX), "%llu_%ld_", &ns, &pid) != 2)
		return;
	if (owner_is_gone(ctx->own_ns, ctx->live, ctx->live_count, ns, pid))
		remove_uprobe(dir, group, event);
}

static void for_each_uprobe(const char *dir, void (*fn)(const char *dir, const char *group,
							const char *event, void *arg),
			    void *arg);

int ktracefs_remove_stale(const char *dir)
{
	unsigned long long own_ns = pid_namespace_of("self");
	struct live_daemon live[256];
	size_t live_count = list_live_daemons(live, sizeof(live) / sizeof(live[0]));
	char path[4096];
	struct dirent *de;
	int removed = 0;
	DIR *instances;

	if (path_of(path, sizeof(path), dir, NULL, "instances") < 0)
		return 0;
	instances = opendir(path);
	if (!instances)
		return 0;
	while ((de = readdir(instances))) {
		unsigned long long ns;
		long pid;

		if (!instance_owner(de->d_name, &ns, &pid) ||
		    !owner_is_gone(own_ns, live, live_count, ns, pid))
			continue;
		if (ktracefs_instance_remove(dir, de->d_name) == 0) {
			log_info("Removed ftrace instance %s left by a session daemon that is gone",
				 de->d_name);
			removed++;
		}
	}
	closedir(instances);
	{
		struct stale_context ctx = { own_ns, live, live_count };

		for_each_uprobe(dir, remove_stale_uprobe, &ctx);
	}
	return removed;
}

int ktracefs_read_catalog(const char *dir, struct ktracefs_event **ret_events, size_t *ret_count)
{
	struct ktracefs_event *events = NULL;
	size_t count = 0, capacity = 0;
	char path[4096], line[256];
	FILE *f;
	int r = path_of(path, sizeof(path), dir, NULL, "available_events");

	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		size_t len = strcspn(line, "\n");

		line[len] = '\0';
		if (!colon || (size_t) (colon - line) >= sizeof(events->system) ||
		    strlen(colon + 1) >= sizeof(events->name) || colon[1] == '\0')
			continue; /* not an event line, or a name we would truncate */
		*colon = '\0';
		if (strcmp(line, "ftrace") == 0)
			continue; /* ftrace's own records (markers, function entries) */
		if (count == capacity) {
			size_t cap = capacity ? capacity * 2 : 1024;
			struct ktracefs_event *grown = realloc(events, cap * sizeof(*events));

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			events = grown;
			capacity = cap;
		}
		/* Both lengths were checked above. */
		memcpy(events[count].system, line, (size_t) (colon - line) + 1);
		memcpy(events[count].name, colon + 1, strlen(colon + 1) + 1);
		count++;
	}
	fclose(f);
	if (r < 0) {
		free(events);
		return r;
	}
	*ret_events = events;
	*ret_count = count;
	return 0;
}

int ktracefs_instance_create(const char *dir, const char *instance, uint64_t buffer_bytes_per_cpu,
			     bool overwrite, unsigned wake_percent)
{
	char path[4096], kb[32], percent[16];
	int r = path_of(path, sizeof(path), dir, NULL, "instances/");

	if (r < 0 || strlen(path) + strlen(instance) + 1 > sizeof(path))
		return -ENAMETOOLONG;
	strcat(path, instance);
	if (mkdir(path, 0700) < 0)
		return -errno;
	snprintf(kb, sizeof(kb), "%" PRIu64, (buffer_bytes_per_cpu + 1023) / 1024);
	/* A new instance records: stop it before anything is enabled. */
	r = write_instance_file(dir, instance, "tracing_on", "0");
	if (r == 0)
		r = write_instance_file(dir, instance, "trace_clock", "mono");
	if (r == 0)
		r = write_instance_file(dir, instance, "options/overwrite", overwrite ? "1" : "0");
	if (r == 0)
		r = write_instance_file(dir, instance, "buffer_size_kb", kb);
	/* Readers also read on a timer; waking them for every record would feed
	 * back their own system calls into the buffer they drain. */
	snprintf(percent, sizeof(percent), "%u", wake_percent);
	if (r == 0)
		r = write_instance_file(dir, instance, "buffer_percent", percent);
	if (r < 0) {
		log_error_errno(r, "Cannot set up ftrace instance %s", instance);
		(void) rmdir(path);
	}
	return r;
}

int ktracefs_instance_remove(const char *dir, const char *instance)
{
	char path[4096];
	int r;

	(void) write_instance_file(dir, instance, "tracing_on", "0");
	r = path_of(path, sizeof(path), dir, NULL, "instances/");
	if (r < 0 || strlen(path) + strlen(instance) + 1 > sizeof(path))
		return -ENAMETOOLONG;
	strcat(path, instance);
	if (rmdir(path) < 0 && errno != ENOENT)
		return log_error_errno(-errno, "Cannot remove ftrace instance %s", instance);
	return 0;
}

/* The last error ftrace explains in the instance's error_log, into the daemon log. */
static void log_ftrace_error(const char *dir, const char *instance, const char *what)
{
	char path[4096], buf[1024];
	ssize_t n;
	int fd;

	if (path_of(path, sizeof(path), dir, instance, "error_log") < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	log_error("ftrace refused %s: %s", what, buf);
	(void) write_instance_file(dir, instance, "error_log", "");
}

int ktracefs_event_set(const char *dir, const char *instance, const struct ktracefs_event *ev,
		       bool enable, const char *filter)
{
	char file[512];
	int r;

	if (enable) {
		snprintf(file, sizeof(file), "events/%s/%s/filter", ev->system, ev->name);
		r = write_instance_file(dir, instance, file, filter && filter[0] ? filter : "0");
		if (r < 0) {
			log_ftrace_error(dir, instance, filter && filter[0] ? filter : "a filter");
			return r;
		}
	}
	snprintf(file, sizeof(file), "events/%s/%s/enable", ev->system, ev->name);
	return write_instance_file(dir, instance, file, enable ? "1" : "0");
}

int ktracefs_event_fields(const char *dir, const struct ktracefs_event *ev,
			  char (*names)[KTRACEFS_FIELD_NAME_MAX], int max)
{
	char path[4096], line[512];
	int count = 0;
	FILE *f;

	if ((size_t) snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, ev->system,
			      ev->name) >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* "\tfield:TYPE NAME[N];\toffset:...": the name is the last word before ';'. */
	while (count < max && fgets(line, sizeof(line), f)) {
		char *field = strstr(line, "field:");
		char *semi = field ? strchr(field, ';') : NULL;
		char *start, *bracket;

		if (!semi)
			continue;
		*semi = '\0';
		start = strrchr(field, ' ');
		start = start ? start + 1 : field + 6;
		bracket = strchr(start, '[');
		if (bracket)
			*bracket = '\0';
		if (!start[0] || strlen(start) >= KTRACEFS_FIELD_NAME_MAX)
			continue;
		strcpy(names[count++], start);
	}
	fclose(f);
	return count;
}

void ktracefs_uprobe_group(char *out, size_t size, uint64_t session_id, unsigned channel_index,
			   unsigned site)
{
	snprintf(out, size, KTRACEFS_UPROBE_PREFIX "%llu_%d_%" PRIu64 "_%u_%u",
		 pid_namespace_of("self"), (int) getpid(), session_id, channel_index, site);
}

int ktracefs_uprobe_define(const char *dir, const struct ktracefs_event *ev, int fd,
			   uint64_t offset)
{
	char path[4096], line[512];
	int r = path_of(path, sizeof(path), dir, NULL, "uprobe_events");

	if (r < 0)
		return r;
	/* ftrace resolves the path once, in the writer's context, to the file the
	 * client opened for us (/proc/self: whatever pid namespace /proc shows). */
	snprintf(line, sizeof(line), "p:%s/%s /proc/self/fd/%d:0x%" PRIx64 "\n", ev->system,
		 ev->name, fd, offset);
	r = write_file(path, line, true);
	if (r == -EBUSY)
		r = -EEXIST;
	return r;
}

/* Calls fn(group, event) for each uprobe_events line ("p:GROUP/EVENT ..."). */
static void for_each_uprobe(const char *dir, void (*fn)(const char *dir, const char *group,
							const char *event, void *arg),
			    void *arg)
{
	char path[4096], line[1024];
	char (*names)[2][128] = NULL;
	size_t count = 0, cap = 0;
	FILE *f;

	if (path_of(path, sizeof(path), dir, NULL, "uprobe_events") < 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	/* Collected first: removing lines while reading the file would skip some. */
	while (fgets(line, sizeof(line), f)) {
		char group[128], event[128];

		if (sscanf(line, "%*c:%127[^/]/%127s", group, event) != 2)
			continue;
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char (*grown)[2][128] = realloc(names, ncap * sizeof(*names));

			if (!grown)
				break;
			names = grown;
			cap = ncap;
		}
		memcpy(names[count][0], group, sizeof(group));
		memcpy(names[count][1], event, sizeof(event));
		count++;
	}
	fclose(f);
	for (size_t i = 0; i < count; i++)
		fn(dir, names[i][0], names[i][1], arg);
	free(names);
}

static void remove_uprobe(const char *dir, const char *group, const char *event)
{
	char path[4096], line[300];

	if (path_of(path, sizeof(path), dir, NULL, "uprobe_events") < 0)
		return;
	snprintf(line, sizeof(line), "-:%s/%s\n", group, event);
	if (write_file(path, line, true) < 0)
		log_warn("Cannot remove uprobe %s/%s: %s", group, event, strerror(errno));
}

static void remove_if_prefixed(const char *dir, const char *group, const char *event, void *arg)
{
	const char *prefix = arg;

	if (strncmp(group, prefix, strlen(prefix)) == 0)
		remove_uprobe(dir, group, event);
}

void ktracefs_uprobes_remove(const char *dir, const char *group_prefix)
{
	for_each_uprobe(dir, remove_if_prefixed, (void *) group_prefix);
}

int ktracefs_tracing_set(const char *dir, const char *instance, bool on)
{
	return write_instance_file(dir, instance, "tracing_on", on ? "1" : "0");
}

int ktracefs_pids_set(const char *dir, const char *instance, const pid_t *tids, size_t count,
		      bool all)
{
	char path[4096], number[24];
	int r = path_of(path, sizeof(path), dir, instance, "set_event_pid");

	if (r < 0)
		return r;
	/* Truncating the file empties the list: every thread is recorded again. */
	r = write_file(path, "", false);
	if (r < 0 || all)
		return r;
	r = write_instance_file(dir, instance, "options/event-fork", "1");
	for (size_t i = 0; r == 0 && i < count; i++) {
		snprintf(number, sizeof(number), "%d ", (int) tids[i]);
		r = write_file(path, number, true);
		if (r == -ESRCH || r == -EINVAL)
			r = 0; /* a thread that ended meanwhile */
	}
	return r;
}
