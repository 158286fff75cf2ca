/*
 * kwork: the workload of the kernel-domain benchmark (bench/run-kernel-bench.sh).
 * A fixed number of one cheap system call, so that the number of events a
 * tracer of that system call must record is known in advance (one
 * syscall_entry and one syscall_exit per call). Built at bench time:
 *   cc -O2 -o kwork bench/kwork.c -lpthread
 *
 * Usage:
 *   kwork SYSCALL CALLS THREADS RATE PIN
 *       SYSCALL: getsid (getsid(0): no other process here calls it, so
 *                a trace holds the workload's calls only) | getppid (every
 *                bash start-up calls it too) | close (close(-1), fails
 *                with EBADF) | read (1 byte of /dev/zero)
 *       CALLS:   total number of calls, split evenly between the threads
 *       THREADS: worker threads
 *       RATE:    total target in calls per second (0: as fast as they can);
 *                each thread checks its schedule every 64 calls and sleeps
 *                until it is due (a thread behind catches up in a burst)
 *       PIN:     1: thread i pinned to the i-th usable CPU (modulo); 0: not
 *   Prints "calls N", "wall_us US" (from before the first thread starts to
 *   after the last one ended), "cpu_us US" (the workload's user + system
 *   time) and "preempted N" (its involuntary context switches). Exits 1
 *   with a message on stderr when anything fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum call { C_GETSID, C_GETPPID, C_CLOSE, C_READ };

struct worker {
	pthread_t thread;
	enum call call;
	uint64_t calls;
	double rate; /* calls per second for this thread, 0 = flat out */
	int cpu;     /* -1: not pinned */
	int fd;      /* /dev/zero for C_READ */
	int64_t start_ns;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "kwork: %s: %s\n", what, strerror(err));
	exit(1);
}

/* The call itself, through syscall(2) so that no libc cache or wrapper
 * can skip the kernel. */
static inline void one_call(enum call c, int fd)
{
	char byte;

	switch (c) {
	case C_GETSID:
		(void) syscall(SYS_getsid, 0);
		break;
	case C_GETPPID:
		(void) syscall(SYS_getppid);
		break;
	case C_CLOSE:
		(void) syscall(SYS_close, -1);
		break;
	case C_READ:
		if (syscall(SYS_read, fd, &byte, 1) != 1)
			die("read /dev/zero", errno);
		break;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t done = 0;

	if (w->cpu >= 0) {
		cpu_set_t set;
		int r;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		r = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (r)
			die("pthread_setaffinity_np", r);
	}
	while (done < w->calls) {
		uint64_t batch = w->calls - done < 64 ? w->calls - done : 64;

		for (uint64_t i = 0; i < batch; i++)
			one_call(w->call, w->fd);
		done += batch;
		if (w->rate > 0) {
			/* When the next call is due. */
			int64_t due = w->start_ns + (int64_t) ((double) done * 1e9 / w->rate);

			if (due > mono_ns()) {
				struct timespec ts = { due / 1000000000, due % 1000000000 };

				while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
					;
			}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t calls;
	unsigned threads;
	double rate;
	int pin, cpus[CPU_SETSIZE], ncpu = 0, fd = -1;
	enum call call;
	struct worker *w;
	struct rusage ru;
	cpu_set_t set;
	int64_t t0, t1;

	if (argc != 6) {
		fprintf(stderr, "usage: kwork getsid|getppid|close|read CALLS THREADS RATE PIN\n");
		return 2;
	}
	if (strcmp(argv[1], "getsid") == 0)
		call = C_GETSID;
	else if (strcmp(argv[1], "getppid") == 0)
		call = C_GETPPID;
	else if (strcmp(argv[1], "close") == 0)
		call = C_CLOSE;
	else if (strcmp(argv[1], "read") == 0)
		call = C_READ;
	else {
		fprintf(stderr, "kwork: unknown system call '%s'\n", argv[1]);
		return 2;
	}
	calls = strtoull(argv[2], NULL, 10);
	threads = (unsigned) strtoul(argv[3], NULL, 10);
	rate = strtod(argv[4], NULL);
	pin = atoi(argv[5]);
	if (threads < 1 || threads > 1024 || rate < 0) {
		fprintf(stderr, "kwork: bad arguments\n");
		return 2;
	}
	if (call == C_READ && (fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) < 0)
		die("open /dev/zero", errno);
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		die("sched_getaffinity", errno);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			cpus[ncpu++] = c;
	w = calloc(threads, sizeof(*w));
	if (!w)
		die("calloc", ENOMEM);
	t0 = mono_ns();
	for (unsigned i = 0; i < threads; i++) {
		int r;

		w[i].call = call;
		w[i].calls = calls / threads + (i < calls % threads);
		w[i].rate = rate / threads;
		w[i].cpu = pin ? cpus[i % ncpu] : -1;
		w[i].fd = fd;
		w[i].start_ns = t0;
		r = pthread_create(&w[i].thread, NULL, work, &w[i]);
		if (r)
			die("pthread_create", r);
	}
	for (unsigned i = 0; i < threads; i++)
		pthread_join(w[i].thread, NULL);
	t1 = mono_ns();
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		die("getrusage", errno);
	printf("calls %" PRIu64 "\n", calls);
	printf("wall_us %" PRId64 "\n", (t1 - t0) / 1000);
	printf("cpu_us %" PRId64 "\n",
	       (int64_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
		       ru.ru_stime.tv_usec);
	printf("preempted %ld\n", ru.ru_nivcsw);
	return 0;
}
