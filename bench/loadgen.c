/*
 * loadgen: the instrumented program of the data-path benchmark
 * (bench/run-trace-bench.sh). Its tracepoint provider "loadgen"
 * (loadgen-tp.h) is compiled in. Built at bench time:
 *   cc -O2 -I bench -o loadgen bench/loadgen.c -llttng-ust -ldl -lpthread
 *
 * Usage:
 *   loadgen app
 *       One application start: prints "<TAG>_startup_us <us>", the time from
 *       the exec (LOADGEN_T0_NS, CLOCK_MONOTONIC, set by `launch` just before
 *       execve) to main(), that is after the lttng-ust constructor registered
 *       with the session daemon and received its active sessions. Fires
 *       loadgen:started once, then exits. TAG is LOADGEN_TAG ("app").
 *   loadgen launch COUNT serial|parallel TAG
 *       Starts COUNT `loadgen app` (this executable), one after the other or
 *       all at once, and waits for them. Prints each child's line and
 *       "<TAG>_wall_us <us>" from before the first fork to the last exit.
 *   loadgen load THREADS RATE DURATION_MS
 *       THREADS producer threads (thread i pinned to the i-th usable CPU)
 *       fire loadgen:event for DURATION_MS; RATE is the total target in
 *       events per second (0: as fast as they can). A thread that falls
 *       behind its share catches up in bursts. Prints "emitted <n>" and
 *       "load_elapsed_us <us>".
 *
 * Exits 1 with a message on stderr when anything fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACEPOINT_CREATE_PROBES
#define TRACEPOINT_DEFINE
#include "loadgen-tp.h"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One line, one write: lines of concurrent children do not interleave. */
static void put_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put_line(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= sizeof(buf) || write(STDOUT_FILENO, buf, (size_t) n) != n)
		die("write");
}

static int app_main(void)
{
	int64_t now = mono_ns();
	const char *t0 = getenv("LOADGEN_T0_NS");
	const char *tag = getenv("LOADGEN_TAG");
	int64_t startup = t0 ? now - strtoll(t0, NULL, 10) : -1;

	tracepoint(loadgen, started, (int32_t) getpid(), startup);
	if (t0)
		put_line("%s_startup_us %.1f\n", tag ? tag : "app", startup / 1000.0);
	return 0;
}

static char self_path[4096];

static pid_t spawn_app(const char *tag)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char t0[32];
		char *argv[] = { "loadgen", "app", NULL };

		snprintf(t0, sizeof(t0), "%" PRId64, mono_ns());
		if (setenv("LOADGEN_T0_NS", t0, 1) < 0 || setenv("LOADGEN_TAG", tag, 1) < 0)
			_exit(127);
		execv(self_path, argv);
		_exit(127);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "loadgen: app %d failed (status 0x%x)\n", (int) pid, status);
		exit(1);
	}
}

static int launch_main(int count, int parallel, const char *tag)
{
	pid_t *pids = calloc((size_t) count, sizeof(*pids));
	int64_t t0;

	ssize_t len = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	if (!pids)
		die("calloc");
	/* Exec our own file by its name, so the apps' procname is "loadgen". */
	if (len <= 0 || (size_t) len >= sizeof(self_path) - 1)
		die("readlink /proc/self/exe");
	self_path[len] = '\0';
	fflush(stdout);
	t0 = mono_ns();
	for (int i = 0; i < count; i++) {
		pids[i] = spawn_app(tag);
		if (!parallel)
			reap(pids[i]);
	}
	if (parallel)
		for (int i = 0; i < count; i++)
			reap(pids[i]);
	put_line("%s_wall_us %.1f\n", tag, (mono_ns() - t0) / 1000.0);
	free(pids);
	return 0;
}

struct producer {
	pthread_t thread;
	uint32_t index;
	int cpu;
	double rate; /* events per second, 0: unbounded */
	int64_t start, end;
	uint64_t emitted;
};

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	uint64_t n = 0, data = 0x9e3779b97f4a7c15ULL * (p->index + 1);

	if (p->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(p->cpu, &set);
		(void) pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	for (;;) {
		int64_t now = mono_ns();
		uint64_t todo = 4096;

		if (now >= p->end)
			break;
		if (p->rate > 0) {
			uint64_t due = (uint64_t) ((double) (now - p->start) * p->rate / 1e9);

			if (n >= due) {
				/* Ahead: sleep until the next event is due (at most 1 ms). */
				int64_t wait = (int64_t) ((double) (n + 1 - due) * 1e9 / p->rate);
				struct timespec ts = { 0, wait > 1000000 ? 1000000 : wait };

				nanosleep(&ts, NULL);
				continue;
			}
			todo = due - n;
			if (todo > 4096)
				todo = 4096;
		}
		for (uint64_t i = 0; i < todo; i++) {
			data = data * 6364136223846793005ULL + 1442695040888963407ULL;
			tracepoint(loadgen, event, n + i, p->index, (uint32_t) (data >> 40), data);
		}
		n += todo;
	}
	p->emitted = n;
	return NULL;
}

static int load_main(int threads, double rate, int duration_ms)
{
	struct producer *p = calloc((size_t) threads, sizeof(*p));
	int cpus[CPU_SETSIZE], ncpu = 0;
	uint64_t total = 0;
	cpu_set_t set;
	int64_t start, end;

	if (!p)
		die("calloc");
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				cpus[ncpu++] = c;
	/* Precise sleeps for the rate control. */
	(void) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	start = mono_ns();
	end = start + (int64_t) duration_ms * 1000000;
	for (int i = 0; i < threads; i++) {
		p[i].index = (uint32_t) i;
		p[i].cpu = ncpu ? cpus[i % ncpu] : -1;
		p[i].rate = rate / threads;
		p[i].start = start;
		p[i].end = end;
		errno = pthread_create(&p[i].thread, NULL, producer_main, &p[i]);
		if (errno)
			die("pthread_create");
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(p[i].thread, NULL);
		total += p[i].emitted;
	}
	put_line("emitted %" PRIu64 "\n", total);
	put_line("load_elapsed_us %.0f\n", (mono_ns() - start) / 1000.0);
	free(p);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen app\n"
			"       loadgen launch COUNT serial|parallel TAG\n"
			"       loadgen load THREADS RATE DURATION_MS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "app") == 0)
		return app_main();
	if (argc == 5 && strcmp(argv[1], "launch") == 0) {
		int count = atoi(argv[2]);

		if (count < 1 || (strcmp(argv[3], "serial") && strcmp(argv[3], "parallel")))
			usage();
		return launch_main(count, strcmp(argv[3], "parallel") == 0, argv[4]);
	}
	if (argc == 5 && strcmp(argv[1], "load") == 0) {
		int threads = atoi(argv[2]), ms = atoi(argv[4]);
		double rate = strtod(argv[3], NULL);

		if (threads < 1 || ms < 1 || rate < 0)
			usage();
		return load_main(threads, rate, ms);
	}
	usage();
	return 2;
}
