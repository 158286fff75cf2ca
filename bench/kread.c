/*
 * kread: the floor reader of the kernel-domain benchmark
 * (bench/run-kernel-bench.sh): the least a recorder of an ftrace instance
 * has to do, i.e. move each CPU's trace_pipe_raw pages into a file, with no
 * conversion. Built at bench time:
 *   cc -O2 -o kread bench/kread.c
 *
 * Usage:
 *   kread record INSTANCE_DIR OUT_DIR TIMER_MS splice|read
 *       Opens INSTANCE_DIR/per_cpu/cpuN/trace_pipe_raw of every CPU
 *       (non-blocking) and OUT_DIR/cpuN, prints "ready" on stdout once
 *       every file is open, then loops: poll() on the CPUs' files (they wake
 *       when the instance's buffer_percent is reached) and on a signalfd,
 *       with a TIMER_MS read timer (as LTTng's read timer, 200 ms by
 *       default). A CPU whose file woke and gave nothing is left out of the
 *       poll until the next timer tick (poll() keeps saying "readable" while
 *       a partial page is there, which splice does not take). Every tick
 *       reads every CPU.
 *         splice: splice() of whole pages through a pipe into the file,
 *                 zero copy (what trace-cmd does); partial pages only at
 *                 the end.
 *         read:   read() of one page at a time into a buffer, then
 *                 write() (a partial page comes out as a whole 4 KiB page),
 *                 until read() finds nothing (what our consumer does).
 *         read-whole: the same, but a CPU's reading stops at the first
 *                 partial page until its next wake-up or tick (a reader
 *                 that caught up with the writer otherwise reads the page
 *                 being written over and over, a few records at a time).
 *       On SIGTERM or SIGINT: reads what is left (whole pages, then the
 *       partial ones with read()), closes everything, prints
 *       "bytes N" (written), "cpu_us US" (its own user + system time),
 *       "wakeups N" (poll returns) and exits 0.
 *   kread count FILE...
 *       Parses ftrace ring-buffer pages (4 KiB: u64 timestamp, u64 commit,
 *       4080 data bytes; record headers as in events/header_event) and
 *       prints "records N" (data records), "pages N", "bytes N" (file
 *       sizes), "missed_pages N" (pages flagged RB_MISSED_EVENTS),
 *       "bad_pages N" (pages whose records do not parse).
 *
 * Exits 1 with a message on stderr when anything fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define MAX_CPUS 1024
#define PIPE_BYTES (1 << 20) /* splice in up to 256 pages at a time */

struct cpu {
	int raw;      /* trace_pipe_raw */
	int out;      /* the file */
	int pipe[2];  /* splice mode */
	bool armed;   /* in the poll set */
};

static struct cpu cpus[MAX_CPUS];
static unsigned ncpu;
static bool use_splice;
static bool whole_only; /* read mode: stop at a partial page until the next wake-up */
static uint64_t bytes_out;
static uint8_t page[PAGE];

static void die(const char *what)
{
	fprintf(stderr, "kread: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += n;
		len -= (size_t) n;
		bytes_out += (uint64_t) n;
	}
}

/* Whole pages of CPU c into its file until none is left; returns the bytes
 * moved. */
static uint64_t drain_splice(struct cpu *c)
{
	uint64_t moved = 0;

	for (;;) {
		ssize_t n = splice(c->raw, NULL, c->pipe[1], NULL, PIPE_BYTES,
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			die("splice from trace_pipe_raw");
		}
		if (n == 0)
			break;
		while (n > 0) {
			ssize_t m = splice(c->pipe[0], NULL, c->out, NULL, (size_t) n, SPLICE_F_MOVE);

			if (m < 0) {
				if (errno == EINTR)
					continue;
				die("splice to the file");
			}
			n -= m;
			moved += (uint64_t) m;
			bytes_out += (uint64_t) m;
		}
	}
	return moved;
}

/* Pages (partial ones too) of CPU c with read() until none is left. */
static uint64_t drain_read(struct cpu *c)
{
	uint64_t moved = 0;

	for (;;) {
		ssize_t n = read(c->raw, page, PAGE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			die("read trace_pipe_raw");
		}
		if (n == 0)
			break;
		write_all(c->out, page, (size_t) n);
		moved += (uint64_t) n;
		if (whole_only && n == PAGE) {
			uint64_t commit;

			memcpy(&commit, page + 8, sizeof(commit));
			/* Less than a full page of data: the page being written; what
			 * follows comes a record at a time, so wait for more. */
			if ((commit & 0xfffff) < PAGE - 16 - 64)
				break;
		}
	}
	return moved;
}

static uint64_t drain(struct cpu *c)
{
	return use_splice ? drain_splice(c) : drain_read(c);
}

static int record(const char *instance, const char *out_dir, int timer_ms)
{
	struct pollfd pfd[MAX_CPUS + 1];
	unsigned idx[MAX_CPUS + 1];
	char path[PATH_MAX];
	struct rusage ru;
	uint64_t wakeups = 0;
	sigset_t mask;
	int sfd;
	int64_t next_tick;
	bool stop = false;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		die("sigprocmask");
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die("signalfd");
	for (ncpu = 0; ncpu < MAX_CPUS; ncpu++) {
		struct cpu *c = &cpus[ncpu];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace_pipe_raw", instance, ncpu);
		c->raw = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (c->raw < 0) {
			if (errno == ENOENT)
				break;
			die(path);
		}
		snprintf(path, sizeof(path), "%s/cpu%u", out_dir, ncpu);
		c->out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c->out < 0)
			die(path);
		c->pipe[0] = c->pipe[1] = -1;
		if (use_splice) {
			if (pipe2(c->pipe, O_CLOEXEC) < 0)
				die("pipe2");
			/* Best effort: the default 64 KiB pipe works too, in smaller steps. */
			(void) fcntl(c->pipe[1], F_SETPIPE_SZ, PIPE_BYTES);
		}
		c->armed = true;
	}
	if (ncpu == 0) {
		errno = ENOENT;
		die("no per_cpu/cpu0/trace_pipe_raw in the instance");
	}
	printf("ready\n");
	fflush(stdout);

	next_tick = mono_ms() + timer_ms;
	while (!stop) {
		unsigned n = 0;
		int64_t now = mono_ms();
		int r;

		for (unsigned i = 0; i < ncpu; i++) {
			if (!cpus[i].armed)
				continue;
			pfd[n].fd = cpus[i].raw;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		pfd[n].fd = sfd;
		pfd[n].events = POLLIN;
		r = poll(pfd, n + 1, next_tick > now ? (int) (next_tick - now) : 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		wakeups++;
		if (pfd[n].revents)
			stop = true;
		for (unsigned k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			/* Readable but nothing whole to take: quiet until the tick. */
			if (drain(&cpus[idx[k]]) == 0)
				cpus[idx[k]].armed = false;
		}
		if (mono_ms() >= next_tick) {
			for (unsigned i = 0; i < ncpu; i++) {
				(void) drain(&cpus[i]);
				cpus[i].armed = true;
			}
			next_tick += timer_ms;
			if (next_tick <= mono_ms())
				next_tick = mono_ms() + timer_ms;
		}
	}
	/* The end: whole pages, then what is left of each CPU's last page. */
	whole_only = false;
	for (unsigned i = 0; i < ncpu; i++) {
		(void) drain(&cpus[i]);
		(void) drain_read(&cpus[i]);
		close(cpus[i].raw);
		if (cpus[i].pipe[0] >= 0) {
			close(cpus[i].pipe[0]);
			close(cpus[i].pipe[1]);
		}
		if (close(cpus[i].out) < 0)
			die("close");
	}
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		die("getrusage");
	printf("bytes %" PRIu64 "\n", bytes_out);
	printf("cpu_us %" PRId64 "\n",
	       (int64_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
		       ru.ru_stime.tv_usec);
	printf("wakeups %" PRIu64 "\n", wakeups);
	return 0;
}

/* ------------------------------------------------------------------------- */
/* count                                                                      */

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Records of one page; -1 when the page does not parse. */
static long page_records(const uint8_t *p, bool *missed)
{
	uint64_t commit;
	uint32_t len, off = 0;
	const uint8_t *data = p + 16;
	long records = 0;

	memcpy(&commit, p + 8, sizeof(commit));
	*missed = (commit >> 31) & 1;
	len = (uint32_t) (commit & 0xfffff);
	if (len > PAGE - 16)
		return -1;
	while (off + 4 <= len) {
		uint32_t h = u32_at(data + off), type_len = h & 31, delta = h >> 5, size;

		if (type_len == 29) { /* padding */
			if (delta == 0)
				break; /* the rest of the page is empty */
			if (off + 8 > len)
				return -1;
			size = 4 + u32_at(data + off + 4);
		} else if (type_len == 30 || type_len == 31) { /* time extend, absolute */
			size = 8;
		} else if (type_len == 0) { /* long record: length in array[0] */
			if (off + 8 > len)
				return -1;
			size = 4 + u32_at(data + off + 4);
			records++;
		} else {
			size = 4 + 4 * type_len;
			records++;
		}
		if (size < 4 || off + size > len)
			return -1;
		off += size;
	}
	return records;
}

static int count(int argc, char **argv)
{
	uint64_t records = 0, pages = 0, bytes = 0, missed_pages = 0, bad_pages = 0;

	for (int i = 0; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f)
			die(argv[i]);
		while ((n = fread(page, 1, PAGE, f)) > 0) {
			bool missed;
			long r;

			bytes += n;
			if (n < 16) {
				bad_pages++;
				continue;
			}
			if (n < PAGE)
				memset(page + n, 0, PAGE - n);
			pages++;
			r = page_records(page, &missed);
			if (r < 0)
				bad_pages++;
			else
				records += (uint64_t) r;
			missed_pages += missed;
		}
		if (ferror(f))
			die(argv[i]);
		fclose(f);
	}
	printf("records %" PRIu64 "\npages %" PRIu64 "\nbytes %" PRIu64 "\nmissed_pages %" PRIu64
	       "\nbad_pages %" PRIu64 "\n",
	       records, pages, bytes, missed_pages, bad_pages);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "record") == 0) {
		int timer_ms = atoi(argv[4]);

		if (strcmp(argv[5], "splice") == 0)
			use_splice = true;
		else if (strcmp(argv[5], "read-whole") == 0)
			whole_only = true;
		else if (strcmp(argv[5], "read") != 0)
			goto usage;
		if (timer_ms < 1)
			goto usage;
		return record(argv[2], argv[3], timer_ms);
	}
	if (argc >= 2 && strcmp(argv[1], "count") == 0)
		return count(argc - 2, argv + 2);
usage:
	fprintf(stderr, "usage: kread record INSTANCE_DIR OUT_DIR TIMER_MS splice|read|read-whole\n"
			"       kread count FILE...\n");
	return 2;
}
