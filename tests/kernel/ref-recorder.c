// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-test-ref-recorder: the reference recorder of the kernel-domain tests.
 *
 * Records the given ftrace events in an ftrace instance of its own,
 * "lttng-test-ref-<pid>" (never the top-level instance), beside a session of the
 * daemon under test: ftrace writes one record per enabled instance for each hit,
 * so this instance sees what the daemon's instance sees (see
 * /work/shared/notes/kernel-tracefs-facts.md §6.2).
 *
 *   lttng-test-ref-recorder [options] SYSTEM:EVENT|SYSTEM:*|SYSTEM...
 *     --output FILE       the dump (default: stdout)
 *     --ready-file FILE   created once recording (after tracing_on)
 *     --pid PID           record only PID's threads (set_event_pid; repeatable)
 *     --event-fork        options/event-fork = 1 (children followed)
 *     --buffer-kb KB      per-CPU buffer size (default 8192)
 *     --no-stdin          do not stop at stdin EOF (signals only)
 *     --proc DIR          a proc of the initial PID namespace (default /proc):
 *                         ftrace filters on global pids, so --pid and the
 *                         recorder's own pid are read there (DIR/self)
 *   lttng-test-ref-recorder --cleanup-stale
 *     removes the instances lttng-test-ref-<pid>[-N] whose recorder is gone.
 *
 * Setup: tracing_on 0, trace_clock mono, overwrite 0 (discard mode: losses show
 * as "dropped events"), buffer size, events, pid filter, never the recorder
 * itself (set_event_notrace_pid), tracing_on 1. Records
 * until SIGINT/SIGTERM/SIGHUP or EOF on stdin, reading every CPU's
 * trace_pipe_raw every 50 ms (non-blocking); then tracing_on 0, drains every CPU
 * (partial pages too), closes the files, removes the instance, and prints one
 * line per record, ordered by timestamp:
 *
 *   CPU TS SYSTEM:NAME common_pid=TID field=value ...
 *
 * TS in ns of the mono clock (CLOCK_MONOTONIC, as LTTng's); fields in the order
 * of the format file, integers in decimal (signed as declared), char arrays and
 * __data_loc/__rel_loc strings as "..." (\\, \" and \xNN escapes), other arrays
 * as [a,b,...]. Then "# dropped cpu=N count=D" per CPU (the per_cpu stats) and
 * "# missed cpu=N pages=P events=E" when a page said events were lost.
 * The instance is removed on every exit path but SIGKILL (--cleanup-stale).
 * Exit status: 0, 1 on error, 2 on usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <tracefs/tracefs.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#define PREFIX "lttng-test-ref-"

struct page {
	int cpu;
	size_t len;
	unsigned char *data;
};

struct rec {
	unsigned long long ts;
	int cpu;
	size_t seq;
	int size;
	void *data;
};

static struct tracefs_instance *inst;
static int *cpu_fds;
static int ncpus;
static struct page *pages;
static size_t npages, cap_pages;
static size_t page_size;
static size_t max_pages_per_drain;
static volatile sig_atomic_t stop_requested;
static const char *proc_dir = "/proc";

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void close_cpus(void)
{
	if (!cpu_fds)
		return;
	for (int c = 0; c < ncpus; c++)
		if (cpu_fds[c] >= 0) {
			close(cpu_fds[c]);
			cpu_fds[c] = -1;
		}
}

/* Closes the trace_pipe_raw files (rmdir fails with EBUSY while one is open),
 * then removes the instance; retries a few times on EBUSY. */
static int remove_instance(void)
{
	int rc = 0;

	if (!inst)
		return 0;
	close_cpus();
	tracefs_trace_off(inst);
	for (int i = 0; i < 50; i++) {
		rc = tracefs_instance_destroy(inst);
		if (rc == 0 || errno != EBUSY)
			break;
		usleep(20000);
	}
	if (rc)
		fprintf(stderr, "ref-recorder: cannot remove instance %s: %s\n",
			tracefs_instance_get_name(inst), strerror(errno));
	tracefs_instance_free(inst);
	inst = NULL;
	return rc;
}

static void atexit_cleanup(void)
{
	remove_instance();
}

static int write_file(const char *file, const char *val)
{
	if (tracefs_instance_file_write(inst, file, val) < 0) {
		fprintf(stderr, "ref-recorder: writing \"%s\" to %s: %s\n", val, file,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads every CPU until EAGAIN (or an empty read): whole pages while recording,
 * the partial page being written too. */
static int drain(void)
{
	for (int c = 0; c < ncpus; c++) {
		/* Bounded: a full buffer and then some. */
		for (size_t pass = 0; pass < max_pages_per_drain; pass++) {
			ssize_t n;

			if (npages == cap_pages) {
				cap_pages = cap_pages ? 2 * cap_pages : 1024;
				pages = realloc(pages, cap_pages * sizeof(*pages));
				if (!pages) {
					perror("ref-recorder: realloc");
					return -1;
				}
			}
			pages[npages].data = malloc(page_size);
			if (!pages[npages].data) {
				perror("ref-recorder: malloc");
				return -1;
			}
			n = read(cpu_fds[c], pages[npages].data, page_size);
			if (n <= 0) {
				free(pages[npages].data);
				if (n < 0 && errno != EAGAIN && errno != EINTR) {
					fprintf(stderr, "ref-recorder: reading cpu %d: %s\n", c,
						strerror(errno));
					return -1;
				}
				break;
			}
			pages[npages].cpu = c;
			pages[npages].len = (size_t)n;
			npages++;
		}
	}
	return 0;
}

static void print_string(FILE *out, const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void print_number(FILE *out, struct tep_handle *tep, const void *p, int size, bool is_signed)
{
	unsigned long long v = tep_read_number(tep, p, size);

	if (is_signed) {
		long long sv;

		switch (size) {
		case 1: sv = (signed char)v; break;
		case 2: sv = (short)v; break;
		case 4: sv = (int)v; break;
		default: sv = (long long)v; break;
		}
		fprintf(out, "%lld", sv);
	} else {
		fprintf(out, "%llu", v);
	}
}

static void print_field(FILE *out, struct tep_handle *tep, struct tep_format_field *f,
			const unsigned char *data, int size)
{
	bool is_signed = f->flags & TEP_FIELD_IS_SIGNED;

	if (f->offset + f->size > size) {
		fputs("?", out);
		return;
	}
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned int v = (unsigned int)tep_read_number(tep, data + f->offset, 4);
		unsigned int off = v & 0xffff, len = v >> 16;

		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += (unsigned int)(f->offset + f->size);
		if (off + len > (unsigned int)size) {
			fputs("?", out);
			return;
		}
		if ((f->flags & TEP_FIELD_IS_STRING) || strstr(f->type, "char")) {
			print_string(out, (const char *)data + off, len);
		} else {
			fputc('[', out);
			for (unsigned int i = 0; i < len; i++)
				fprintf(out, "%s%u", i ? "," : "", data[off + i]);
			fputc(']', out);
		}
		return;
	}
	if (f->flags & TEP_FIELD_IS_ARRAY) {
		if (f->flags & TEP_FIELD_IS_STRING) {
			print_string(out, (const char *)data + f->offset, (size_t)f->size);
		} else {
			int es = f->elementsize ? (int)f->elementsize : 1;

			fputc('[', out);
			for (int i = 0; i * es < f->size; i++) {
				if (i)
					fputc(',', out);
				print_number(out, tep, data + f->offset + i * es, es, is_signed);
			}
			fputc(']', out);
		}
		return;
	}
	if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		print_number(out, tep, data + f->offset, f->size, is_signed);
	else
		fputs("?", out);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int dump(FILE *out, char **systems)
{
	struct tep_handle *tep = tracefs_local_events_system(NULL, (const char *const *)systems);
	struct kbuffer *kbuf = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	long long *missed_events = calloc((size_t)ncpus, sizeof(long long));
	long *missed_pages = calloc((size_t)ncpus, sizeof(long));
	struct rec *recs = NULL;
	size_t nrecs = 0, cap = 0;
	int rc = 0;

	if (!tep || !kbuf || !missed_events || !missed_pages) {
		fprintf(stderr, "ref-recorder: cannot load the event formats\n");
		return -1;
	}
	for (size_t i = 0; i < npages; i++) {
		unsigned long long ts;
		void *d;
		int missed;

		if (kbuffer_load_subbuffer(kbuf, pages[i].data) < 0) {
			fprintf(stderr, "ref-recorder: bad page on cpu %d\n", pages[i].cpu);
			rc = -1;
			continue;
		}
		missed = kbuffer_missed_events(kbuf);
		if (missed) {
			missed_pages[pages[i].cpu]++;
			if (missed > 0)
				missed_events[pages[i].cpu] += missed;
		}
		for (d = kbuffer_read_event(kbuf, &ts); d; d = kbuffer_next_event(kbuf, &ts)) {
			if (nrecs == cap) {
				cap = cap ? 2 * cap : 65536;
				recs = realloc(recs, cap * sizeof(*recs));
				if (!recs) {
					perror("ref-recorder: realloc");
					return -1;
				}
			}
			recs[nrecs] = (struct rec){ ts, pages[i].cpu, nrecs, kbuffer_event_size(kbuf), d };
			nrecs++;
		}
		/* pages[i].data stays loaded: records point into it. */
	}
	qsort(recs, nrecs, sizeof(*recs), cmp_rec);
	for (size_t i = 0; i < nrecs; i++) {
		struct tep_record r = { .ts = recs[i].ts, .size = recs[i].size, .data = recs[i].data,
					.cpu = recs[i].cpu };
		struct tep_event *ev = tep_find_event_by_record(tep, &r);

		if (!ev) {
			fprintf(out, "%d %llu unknown:type%d\n", r.cpu, r.ts,
				(int)tep_read_number(tep, r.data, 2));
			continue;
		}
		fprintf(out, "%d %llu %s:%s common_pid=", r.cpu, r.ts, ev->system, ev->name);
		{
			struct tep_format_field *cp = tep_find_common_field(ev, "common_pid");

			if (cp)
				print_field(out, tep, cp, r.data, r.size);
			else
				fputc('?', out);
		}
		for (struct tep_format_field *f = ev->format.fields; f; f = f->next) {
			fprintf(out, " %s=", f->name);
			print_field(out, tep, f, r.data, r.size);
		}
		fputc('\n', out);
	}
	for (int c = 0; c < ncpus; c++) {
		char file[64], *stats, *p;
		unsigned long long dropped = 0;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", c);
		stats = tracefs_instance_file_read(inst, file, NULL);
		p = stats ? strstr(stats, "dropped events:") : NULL;
		if (p)
			dropped = strtoull(p + strlen("dropped events:"), NULL, 10);
		else
			rc = -1;
		fprintf(out, "# dropped cpu=%d count=%llu\n", c, dropped);
		free(stats);
		if (missed_pages[c])
			fprintf(out, "# missed cpu=%d pages=%ld events=%lld\n", c, missed_pages[c],
				missed_events[c]);
	}
	fprintf(out, "# records %zu\n", nrecs);
	kbuffer_free(kbuf);
	tep_free(tep);
	free(recs);
	free(missed_events);
	free(missed_pages);
	return rc;
}

/* Appends every thread of PID to *list. */
static int add_threads(char **list, const char *pid)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/%s/task", proc_dir, pid);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "ref-recorder: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		size_t old;

		if (e->d_name[0] == '.')
			continue;
		old = *list ? strlen(*list) : 0;
		*list = realloc(*list, old + strlen(e->d_name) + 2);
		if (!*list)
			return -1;
		sprintf(*list + old, "%s%s", old ? " " : "", e->d_name);
	}
	closedir(d);
	return 0;
}

/* Instance names PREFIX<pid>[-N] whose recorder process is gone (or is not a
 * recorder any more) are removed. */
static int cleanup_stale(void)
{
	char **names = tracefs_instances("^" PREFIX);
	int rc = 0;

	for (char **n = names; n && *n; n++) {
		char path[64], comm[64] = "";
		long pid = strtol(*n + strlen(PREFIX), NULL, 10);
		FILE *f;
		struct tracefs_instance *old;

		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		f = pid > 0 ? fopen(path, "r") : NULL;
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		if (pid > 0 && pid != getpid() && strncmp(comm, "lttng-test-ref", 14) == 0)
			continue;
		old = tracefs_instance_alloc(NULL, *n);
		if (!old || tracefs_instance_destroy(old) < 0) {
			fprintf(stderr, "ref-recorder: cannot remove stale instance %s: %s\n", *n,
				strerror(errno));
			rc = 1;
		} else {
			printf("removed %s\n", *n);
		}
		tracefs_instance_free(old);
	}
	tracefs_list_free(names);
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lttng-test-ref-recorder [--output FILE] [--ready-file FILE] [--pid PID]...\n"
		"         [--event-fork] [--buffer-kb KB] [--no-stdin] SYSTEM:EVENT...\n"
		"       lttng-test-ref-recorder --cleanup-stale\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "event-fork", no_argument, NULL, 'f' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "no-stdin", no_argument, NULL, 'n' },
		{ "cleanup-stale", no_argument, NULL, 'c' },
		{ "proc", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *ready_file = NULL;
	char *pid_list = NULL, **systems, self[4096];
	const char *pids[64];
	int npids = 0;
	ssize_t self_len;
	bool event_fork = false, watch_stdin = true;
	long buffer_kb = 8192;
	int c, nsys = 0, rc = 1;
	FILE *out = stdout;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "o:r:p:fb:nchP:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'r': ready_file = optarg; break;
		case 'p':
			if (npids < 64)
				pids[npids++] = optarg;
			break;
		case 'P': proc_dir = optarg; break;
		case 'f': event_fork = true; break;
		case 'b': buffer_kb = strtol(optarg, NULL, 10); break;
		case 'n': watch_stdin = false; break;
		case 'c': return cleanup_stale();
		default: usage();
		}
	}
	if (optind == argc || buffer_kb <= 0)
		usage();
	for (int i = 0; i < npids; i++)
		if (add_threads(&pid_list, pids[i]) < 0)
			return 1;
	/* Our global pid, as ftrace sees it. */
	{
		char link[4096];

		snprintf(link, sizeof(link), "%s/self", proc_dir);
		self_len = readlink(link, self, sizeof(self) - 1);
	}
	if (self_len <= 0) {
		fprintf(stderr, "ref-recorder: cannot read %s/self\n", proc_dir);
		return 1;
	}
	self[self_len] = 0;
	if (!tracefs_tracing_dir()) {
		fprintf(stderr, "ref-recorder: no tracefs mount\n");
		return 1;
	}
	page_size = (size_t)getpagesize();
	max_pages_per_drain = (size_t)buffer_kb * 1024 / 4080 * 2 + 16;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Our own instance: a fresh one, never somebody else's. */
	for (int i = 0; i < 100 && !inst; i++) {
		char name[64];

		if (i == 0)
			snprintf(name, sizeof(name), PREFIX "%ld", (long)getpid());
		else
			snprintf(name, sizeof(name), PREFIX "%ld-%d", (long)getpid(), i);
		inst = tracefs_instance_create(name);
		if (!inst) {
			fprintf(stderr, "ref-recorder: cannot create instance %s: %s\n", name,
				strerror(errno));
			return 1;
		}
		if (!tracefs_instance_is_new(inst)) {
			tracefs_instance_free(inst);
			inst = NULL;
		}
	}
	if (!inst) {
		fprintf(stderr, "ref-recorder: no free instance name\n");
		return 1;
	}
	atexit(atexit_cleanup);

	if (output) {
		out = fopen(output, "w");
		if (!out) {
			fprintf(stderr, "ref-recorder: %s: %s\n", output, strerror(errno));
			goto end;
		}
	}
	if (tracefs_trace_off(inst) < 0 || write_file("trace_clock", "mono") < 0 ||
	    write_file("options/overwrite", "0") < 0 || write_file("buffer_percent", "0") < 0)
		goto end;
	if (tracefs_instance_set_buffer_size(inst, (size_t)buffer_kb, -1) < 0) {
		fprintf(stderr, "ref-recorder: buffer_size_kb %ld: %s\n", buffer_kb, strerror(errno));
		goto end;
	}
	/* The trace_clock switch and the resize reset the buffers; start empty all
	 * the same. */
	write_file("trace", "");

	systems = calloc((size_t)(argc - optind + 1), sizeof(*systems));
	if (!systems)
		goto end;
	for (int i = optind; i < argc; i++) {
		char *spec = strdup(argv[i]), *colon, file[512];
		bool seen = false;

		if (!spec)
			goto end;
		colon = strchr(spec, ':');
		if (colon)
			*colon = 0;
		if (!colon || strcmp(colon + 1, "*") == 0)
			snprintf(file, sizeof(file), "events/%s/enable", spec);
		else
			snprintf(file, sizeof(file), "events/%s/%s/enable", spec, colon + 1);
		if (write_file(file, "1") < 0)
			goto end;
		for (int s = 0; s < nsys; s++)
			seen |= strcmp(systems[s], spec) == 0;
		if (!seen)
			systems[nsys++] = spec;
		else
			free(spec);
	}
	if (pid_list && write_file("set_event_pid", pid_list) < 0)
		goto end;
	/* Never ourselves: each read of trace_pipe_raw would record new events to
	 * read (set_event_notrace_pid, Linux >= 5.8). */
	if (write_file("set_event_notrace_pid", self) < 0)
		goto end;
	if (event_fork && write_file("options/event-fork", "1") < 0)
		goto end;

	ncpus = 0;
	for (;;) {
		char file[64];

		snprintf(file, sizeof(file), "per_cpu/cpu%d", ncpus);
		if (!tracefs_dir_exists(inst, file))
			break;
		ncpus++;
	}
	cpu_fds = calloc((size_t)ncpus + 1, sizeof(int));
	if (!ncpus || !cpu_fds) {
		fprintf(stderr, "ref-recorder: no per_cpu directories in the instance\n");
		goto end;
	}
	for (int i = 0; i < ncpus; i++)
		cpu_fds[i] = -1;
	for (int i = 0; i < ncpus; i++) {
		char file[64];

		snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", i);
		cpu_fds[i] = tracefs_instance_file_open(inst, file, O_RDONLY | O_NONBLOCK);
		if (cpu_fds[i] < 0) {
			fprintf(stderr, "ref-recorder: %s: %s\n", file, strerror(errno));
			goto end;
		}
	}
	if (tracefs_trace_on(inst) < 0) {
		fprintf(stderr, "ref-recorder: tracing_on: %s\n", strerror(errno));
		goto end;
	}
	if (ready_file) {
		FILE *r = fopen(ready_file, "w");

		if (!r) {
			fprintf(stderr, "ref-recorder: %s: %s\n", ready_file, strerror(errno));
			goto end;
		}
		fprintf(r, "%s\n", tracefs_instance_get_name(inst));
		fclose(r);
	}

	while (!stop_requested) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		int n = poll(&pfd, watch_stdin ? 1 : 0, 50);

		if (n > 0) {
			char buf[256];
			ssize_t r = read(0, buf, sizeof(buf));

			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				break;
		}
		if (drain() < 0)
			goto end;
	}
	tracefs_trace_off(inst);
	if (drain() < 0)
		goto end;
	close_cpus();
	rc = dump(out, systems) < 0 ? 1 : 0;
	if (fflush(out) != 0)
		rc = 1;
end:
	if (remove_instance() < 0)
		rc = 1;
	if (out != stdout)
		fclose(out);
	return rc;
}
