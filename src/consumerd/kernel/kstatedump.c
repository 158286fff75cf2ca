/* SPDX-License-Identifier: GPL-2.0-only */
/* The statedump from /proc; see kstatedump.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "ctf-buf.h"
#include "procfs.h"
#include "kchannel.h"
#include "kstatedump-events.h"
#include "kstatedump.h"
#include "log.h"

/* Process status values of lttng_statedump_process_state (M:lttng-statedump-impl.c). */
#define LTTNG_UNNAMED 0
#define LTTNG_WAIT_FORK 1
#define LTTNG_RUN 2
#define LTTNG_WAIT 5
#define LTTNG_ZOMBIE 4
#define LTTNG_DEAD 7
#define LTTNG_MODE_UNKNOWN 5
#define PF_KTHREAD 0x00200000u

struct sd_target {
	struct kchannel *ch;
	int marker_fd;
};

struct sd_run {
	struct sd_target *targets;
	unsigned count;
	const char *proc;
	int err;
	uint64_t lost; /* records ftrace refused (its buffer full) */
};

/* One record to every channel that declared it: u32 id, u32 length, payload. */
static void emit(struct sd_run *run, uint32_t code, const struct ctf_buf *payload)
{
	uint8_t msg[KSD_MARKER_MAX_WRITE];
	uint32_t id = KSD_MARKER_BASE + code, len = (uint32_t) payload->len;

	if (8 + payload->len > sizeof(msg))
		return; /* cannot be carried (bounded by the encoders' buffers) */
	memcpy(msg, &id, 4);
	memcpy(msg + 4, &len, 4);
	if (payload->len)
		memcpy(msg + 8, payload->data, payload->len);
	for (unsigned i = 0; i < run->count; i++) {
		if (!kchannel_has_statedump(run->targets[i].ch, code) || run->targets[i].marker_fd < 0)
			continue;
		if (write(run->targets[i].marker_fd, msg, 8 + payload->len) >= 0)
			continue;
		if (errno == EBADF) {
			/* ftrace could not reserve the record: the instance's buffer is full
			 * (we do not read while dumping). Read what it holds, try once more. */
			kchannel_read(run->targets[i].ch);
			if (write(run->targets[i].marker_fd, msg, 8 + payload->len) >= 0)
				continue;
			if (errno == EBADF) {
				run->lost++;
				continue;
			}
		}
		if (!run->err)
			run->err = -errno;
	}
}

static void put_string(struct ctf_buf *b, const char *s)
{
	size_t n = strnlen(s, 1024);

	(void) ctf_buf_put(b, s, n);
	(void) ctf_buf_put(b, "", 1);
}

static void put_comm(struct ctf_buf *b, const char *s)
{
	char tmp[16] = { 0 };

	memcpy(tmp, s, strnlen(s, sizeof(tmp) - 1));
	(void) ctf_buf_put(b, tmp, sizeof(tmp));
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

struct task_stat {
	char comm[16];
	char state;
	int ppid;
	unsigned long flags;
	int cpu;
};

static int read_task_stat(const char *path, struct task_stat *st)
{
	char buf[2048];
	const char *open_paren, *close_paren;
	size_t n;

	memset(st, 0, sizeof(*st));
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	n = (size_t) (close_paren - open_paren - 1);
	memcpy(st->comm, open_paren + 1, n < 15 ? n : 15);
	/* After ")": state ppid pgrp session tty_nr tpgid flags ... processor (39th). */
	if (sscanf(close_paren + 2, "%c %d %*d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d "
				    "%*d %*d %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u %*u %*u "
				    "%*u %*u %*u %*u %*u %*u %*u %*d %d",
		   &st->state, &st->ppid, &st->flags, &st->cpu) < 3)
		return -1;
	return 0;
}

static int status_of(char state)
{
	switch (state) {
	case 'Z': return LTTNG_ZOMBIE;
	case 'X': return LTTNG_DEAD;
	case 'R': return LTTNG_RUN;
	case 'S': case 'D': return LTTNG_WAIT;
	default: return LTTNG_UNNAMED;
	}
}

/* LTTng gives the address of the process's files_struct; we give an identifier of
 * the same use (equal for the threads of a process, and in its file_descriptor
 * records): the tgid. */
static uint64_t file_table_id(int tgid)
{
	return (uint64_t) tgid;
}

static void dump_thread_namespaces(struct sd_run *run, int tgid, int tid, int ppid);

static void dump_thread(struct sd_run *run, int tgid, int tid, int ppid_of_process)
{
	char path[300];
	struct task_stat st;
	uint8_t data[256];
	struct ctf_buf b = { data, sizeof(data), 0 };

	snprintf(path, sizeof(path), "%s/%d/task/%d/stat", run->proc, tgid, tid);
	if (read_task_stat(path, &st) < 0)
		return;
	(void) ctf_buf_put_uint(&b, (uint32_t) tid, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) tgid, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) ppid_of_process, 4);
	put_comm(&b, st.comm);
	(void) ctf_buf_put_uint(&b, (st.flags & PF_KTHREAD) ? 1 : 0, 4);
	(void) ctf_buf_put_uint(&b, LTTNG_MODE_UNKNOWN, 4);
	(void) ctf_buf_put_uint(&b, 0, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) status_of(st.state), 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) st.cpu, 4);
	(void) ctf_buf_put_uint(&b, (st.flags & PF_KTHREAD) ? 0 : file_table_id(tgid), 8);
	emit(run, KSD_PROCESS_STATE, &b);
	dump_thread_namespaces(run, tgid, tid, ppid_of_process);
	/* Every channel's task table learns the thread now, while /proc shows it: its
	 * records may be read after it is gone (contexts, filters, the pid tracker). */
	for (unsigned i = 0; i < run->count; i++)
		ktask_learn(run->targets[i].ch->conv.tasks, tid);
}

/* The inode number of a task's namespace of that kind ("kind:[N]"), 0 if none. */
static uint32_t ns_inum(const char *task_dir, const char *kind)
{
	char path[400], link[64];
	unsigned long long ino = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/ns/%s", task_dir, kind);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	if (!strchr(link, '[') || sscanf(strchr(link, '['), "[%llu]", &ino) != 1)
		return 0;
	return (uint32_t) ino;
}

/* The innermost pid in a status file's NSpid line, and the pid namespace level
 * (the line's length - 1); -1 when unreadable. */
static long status_nspid(const char *status_path, int *level)
{
	char buf[4096];
	long pid = 0;
	int levels;

	*level = 0;
	if (read_small(status_path, buf, sizeof(buf)) <= 0)
		return -1;
	levels = procfs_status_nspid(buf, &pid);
	if (!levels)
		return -1;
	*level = levels - 1;
	return pid;
}

/* linux/proc_ns.h PROC_USER_INIT_INO: the initial user namespace. */
#define INITIAL_USER_NAMESPACE 0xEFFFFFFDu

/* The namespace events of one thread (lttng-statedump-impl.c dumps them per task). */
static void dump_thread_namespaces(struct sd_run *run, int tgid, int tid, int ppid)
{
	static const struct {
		const char *kind;
		uint32_t code;
	} plain[] = {
		{ "cgroup", KSD_PROCESS_CGROUP_NS }, { "ipc", KSD_PROCESS_IPC_NS },
		{ "mnt", KSD_PROCESS_MNT_NS },	     { "net", KSD_PROCESS_NET_NS },
		{ "uts", KSD_PROCESS_UTS_NS },	     { "time", KSD_PROCESS_TIME_NS },
	};
	char dir[300], path[400], buf[4096];
	uint8_t data[64];
	struct ctf_buf b = { data, sizeof(data), 0 };
	int level, plevel, parent_level;
	long vtid, vpid, vppid;
	uint32_t user_ns;

	snprintf(dir, sizeof(dir), "%s/%d/task/%d", run->proc, tgid, tid);
	snprintf(path, sizeof(path), "%s/status", dir);
	vtid = status_nspid(path, &level);
	if (vtid < 0)
		return; /* gone meanwhile */
	snprintf(path, sizeof(path), "%s/%d/status", run->proc, tgid);
	vpid = status_nspid(path, &plevel);
	snprintf(path, sizeof(path), "%s/%d/status", run->proc, ppid);
	vppid = status_nspid(path, &parent_level);
	/* The parent's pid as the task's namespace sees it: 0 when it is outside. */
	if (vppid < 0 || parent_level != level)
		vppid = 0;
	(void) ctf_buf_put_uint(&b, (uint32_t) tid, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) vtid, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) (vpid < 0 ? vtid : vpid), 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) vppid, 4);
	(void) ctf_buf_put_uint(&b, (uint32_t) level, 4);
	(void) ctf_buf_put_uint(&b, ns_inum(dir, "pid"), 4);
	emit(run, KSD_PROCESS_PID_NS, &b);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		b.len = 0;
		(void) ctf_buf_put_uint(&b, (uint32_t) tid, 4);
		(void) ctf_buf_put_uint(&b, ns_inum(dir, plain[i].kind), 4);
		emit(run, plain[i].code, &b);
	}
	/* The ids as the task's user namespace maps them are not in /proc for a
	 * reader in another namespace: the task's own ids (exact in the initial
	 * one), level 0 there and 1 elsewhere (nested levels are not told). */
	user_ns = ns_inum(dir, "user");
	snprintf(path, sizeof(path), "%s/status", dir);
	b.len = 0;
	(void) ctf_buf_put_uint(&b, (uint32_t) tid, 4);
	{
		unsigned uid = 0, gid = 0;
		const char *u, *g;

		if (read_small(path, buf, sizeof(buf)) > 0) {
			u = strstr(buf, "\nUid:");
			g = strstr(buf, "\nGid:");
			if (u)
				(void) sscanf(u + 5, "%u", &uid);
			if (g)
				(void) sscanf(g + 5, "%u", &gid);
		}
		(void) ctf_buf_put_uint(&b, uid, 4);
		(void) ctf_buf_put_uint(&b, gid, 4);
	}
	(void) ctf_buf_put_uint(&b, user_ns && user_ns != INITIAL_USER_NAMESPACE ? 1 : 0, 4);
	(void) ctf_buf_put_uint(&b, user_ns, 4);
	emit(run, KSD_PROCESS_USER_NS, &b);
}

/* fmode from the open flags' access mode (FMODE_READ 0x1, FMODE_WRITE 0x2). */
static uint32_t fmode_of(unsigned flags)
{
	switch (flags & 3) {
	case 0: return 0x1;
	case 1: return 0x2;
	default: return 0x3;
	}
}

static void dump_fds(struct sd_run *run, int tgid)
{
	char path[300], target[1024], info[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%d/fd", run->proc, tgid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		uint8_t data[1200];
		struct ctf_buf b = { data, sizeof(data), 0 };
		unsigned flags = 0;
		const char *p;
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char) de->d_name[0]))
			continue;
		fd = atoi(de->d_name);
		snprintf(path, sizeof(path), "%s/%d/fd/%d", run->proc, tgid, fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", run->proc, tgid, fd);
		if (read_small(path, info, sizeof(info)) > 0 && (p = strstr(info, "flags:")))
			flags = (unsigned) strtoul(p + 6, NULL, 8);
		(void) ctf_buf_put_uint(&b, file_table_id(tgid), 8);
		(void) ctf_buf_put_uint(&b, (uint32_t) fd, 4);
		(void) ctf_buf_put_uint(&b, flags, 4);
		(void) ctf_buf_put_uint(&b, fmode_of(flags), 4);
		put_string(&b, target);
		emit(run, KSD_FILE_DESCRIPTOR, &b);
	}
	closedir(d);
}

static void dump_process(struct sd_run *run, int tgid)
{
	char path[300];
	struct task_stat st;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%d/stat", run->proc, tgid);
	if (read_task_stat(path, &st) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%d/task", run->proc, tgid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (isdigit((unsigned char) de->d_name[0]))
			dump_thread(run, tgid, atoi(de->d_name), st.ppid);
	closedir(d);
	if (!(st.flags & PF_KTHREAD))
		dump_fds(run, tgid);
}

/* /proc/interrupts: "IRQ: counts... chip ... action[, action...]". Only the numbered
 * lines; the chip is the first word after the per-CPU counts. */
static void dump_interrupts(struct sd_run *run, unsigned ncpus)
{
	char path[300], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/interrupts", run->proc);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *chip, *action, *save = NULL;
		uint8_t data[1200];
		struct ctf_buf b = { data, sizeof(data), 0 };
		unsigned long irq;

		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char) *p))
			continue;
		irq = strtoul(p, &p, 10);
		if (*p != ':')
			continue;
		p++;
		for (unsigned i = 0; i < ncpus; i++)
			(void) strtoul(p, &p, 10);
		line[strcspn(line, "\n")] = '\0';
		chip = strtok_r(p, " ", &save);
		action = strrchr(p + strlen(chip ? chip : "") + 1, ' ');
		action = action ? action + 1 : (char *) "";
		(void) ctf_buf_put_uint(&b, (uint32_t) irq, 4);
		put_string(&b, chip ? chip : "");
		put_string(&b, action);
		(void) ctf_buf_put_uint(&b, 0, 4);
		emit(run, KSD_INTERRUPT, &b);
	}
	fclose(f);
}

/* Every block device and partition: /sys/class/block/<name>/dev is "major:minor". */
static void dump_block_devices(struct sd_run *run)
{
	struct dirent *de;
	DIR *d = opendir("/sys/class/block");

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[512], buf[64];
		unsigned major, minor;
		uint8_t data[400];
		struct ctf_buf b = { data, sizeof(data), 0 };

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/dev", de->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0 || sscanf(buf, "%u:%u", &major, &minor) != 2)
			continue;
		(void) ctf_buf_put_uint(&b, (major << 20) | (minor & 0xfffff), 4);
		put_string(&b, de->d_name);
		emit(run, KSD_BLOCK_DEVICE, &b);
	}
	closedir(d);
}

/* Each interface's IPv4 addresses, or one event with 0 for an interface without
 * one (M:lttng-statedump-impl.c lttng_enumerate_network_ip_interface). */
static void dump_network_interfaces(struct sd_run *run)
{
	struct ifaddrs *list, *a, *b2;

	if (getifaddrs(&list) < 0)
		return;
	for (a = list; a; a = a->ifa_next) {
		uint8_t data[IF_NAMESIZE + 16];
		struct ctf_buf b = { data, sizeof(data), 0 };
		bool has_ipv4 = false;
		uint32_t addr = 0;

		if (!a->ifa_addr)
			continue;
		if (a->ifa_addr->sa_family == AF_INET) {
			addr = ntohl(((const struct sockaddr_in *) (const void *) a->ifa_addr)->sin_addr.s_addr);
		} else if (a->ifa_addr->sa_family == AF_PACKET) {
			for (b2 = list; b2 && !has_ipv4; b2 = b2->ifa_next)
				has_ipv4 = b2->ifa_addr && b2->ifa_addr->sa_family == AF_INET &&
					   !strcmp(b2->ifa_name, a->ifa_name);
			if (has_ipv4)
				continue; /* told with its addresses */
		} else {
			continue;
		}
		put_string(&b, a->ifa_name);
		(void) ctf_buf_align(&b, 4);
		(void) ctf_buf_put_uint(&b, addr, 4);
		emit(run, KSD_NETWORK_INTERFACE, &b);
	}
	freeifaddrs(list);
}

/* One event per CPU of /proc/cpuinfo (M:lttng-statedump-impl.c, x86). */
static void dump_cpu_topology(struct sd_run *run)
{
	char path[300], line[512], vendor[64] = "unknown", model_name[256] = "unknown";
	unsigned cpu = 0, family = 0, model = 0, physical = 0, core = 0, cores = 0;
	bool in_cpu = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpuinfo", run->proc);
	f = fopen(path, "re");
	if (!f)
		return;
	for (;;) {
		bool end = !fgets(line, sizeof(line), f);
		char *colon = end ? NULL : strchr(line, ':');
		char *value = colon ? colon + 1 + (colon[1] == ' ') : NULL;

		if ((end || line[0] == '\n') && in_cpu) {
			uint8_t data[400];
			struct ctf_buf b = { data, sizeof(data), 0 };

			put_string(&b, "x86");
			(void) ctf_buf_align(&b, 2);
			(void) ctf_buf_put_uint(&b, cpu, 2);
			put_string(&b, vendor);
			(void) ctf_buf_put_uint(&b, family, 1);
			(void) ctf_buf_put_uint(&b, model, 1);
			put_string(&b, model_name);
			(void) ctf_buf_align(&b, 2);
			(void) ctf_buf_put_uint(&b, physical, 2);
			(void) ctf_buf_put_uint(&b, core, 2);
			(void) ctf_buf_put_uint(&b, cores, 2);
			emit(run, KSD_CPU_TOPOLOGY, &b);
			in_cpu = false;
		}
		if (end)
			break;
		if (!value)
			continue;
		value[strcspn(value, "\n")] = '\0';
		if (!strncmp(line, "processor", 9)) {
			cpu = (unsigned) strtoul(value, NULL, 10);
			in_cpu = true;
		} else if (!strncmp(line, "vendor_id", 9)) {
			snprintf(vendor, sizeof(vendor), "%s", value);
		} else if (!strncmp(line, "cpu family", 10)) {
			family = (unsigned) strtoul(value, NULL, 10);
		} else if (!strncmp(line, "model name", 10)) {
			snprintf(model_name, sizeof(model_name), "%s", value);
		} else if (!strncmp(line, "model\t", 6)) {
			model = (unsigned) strtoul(value, NULL, 10);
		} else if (!strncmp(line, "physical id", 11)) {
			physical = (unsigned) strtoul(value, NULL, 10);
		} else if (!strncmp(line, "core id", 7)) {
			core = (unsigned) strtoul(value, NULL, 10);
		} else if (!strncmp(line, "cpu cores", 9)) {
			cores = (unsigned) strtoul(value, NULL, 10);
		}
	}
	fclose(f);
}

int kstatedump_run(struct list_node *channels, const char *proc_root)
{
	struct sd_run run = { .proc = proc_root };
	struct kchannel *ch;
	struct dirent *de;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = 0, ncpus = online > 0 ? (unsigned) online : 1;
	struct ctf_buf empty = { NULL, 0, 0 };
	DIR *d;

	list_for_each_entry(ch, channels, link)
		n++;
	run.targets = calloc(n ? n : 1, sizeof(*run.targets));
	if (!run.targets)
		return -ENOMEM;
	list_for_each_entry(ch, channels, link) {
		char path[CONSUMER_PATH_MAX + 32];
		struct sd_target *t = &run.targets[run.count++];

		t->ch = ch;
		snprintf(path, sizeof(path), "%s/trace_marker_raw", ch->instance);
		t->marker_fd = ch->destroyed ? -1 : open(path, O_WRONLY | O_CLOEXEC);
	}
	emit(&run, KSD_START, &empty);
	d = opendir(proc_root);
	if (d) {
		while ((de = readdir(d)))
			if (isdigit((unsigned char) de->d_name[0]))
				dump_process(&run, atoi(de->d_name));
		closedir(d);
	}
	dump_interrupts(&run, ncpus);
	dump_block_devices(&run);
	dump_network_interfaces(&run);
	dump_cpu_topology(&run);
	emit(&run, KSD_END, &empty);
	for (unsigned i = 0; i < run.count; i++)
		if (run.targets[i].marker_fd >= 0)
			close(run.targets[i].marker_fd);
	if (run.lost)
		log_warn("Kernel statedump: %llu records lost (ftrace buffers full)",
			 (unsigned long long) run.lost);
	free(run.targets);
	return run.err;
}
