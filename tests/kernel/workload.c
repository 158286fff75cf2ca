// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-test-workload: a deterministic workload for the kernel-domain tests.
 *
 * Before it starts it opens FILE (for the reads) and /dev/null (for the writes),
 * creates T threads (blocked until the start), prints on stdout, flushed:
 *
 *   pid=P  ns_pid=P'  file=FILE  file_fd=FD  devnull_fd=FD  exec=PATH
 *   n_open=N  n_read=M  read_bytes=K  n_write=W  write_bytes=B  n_sleep=S
 *   n_fork=F  n_thread=T  thread_opens=X
 *   thread=TID            (one line per thread)
 *   ready=1
 *
 * then waits for one byte on stdin (--go-file PATH: on PATH, e.g. a FIFO), so a
 * test arms tracing first. Then, in this order, in the main thread:
 *   - releases the threads: each does X openat(FILE) + close of its own;
 *   - N x openat(AT_FDCWD, FILE, O_RDONLY) then close() of that fd;
 *   - M x lseek(file_fd, 0) + read(file_fd, K bytes) (every read returns K when
 *     FILE has at least K bytes);
 *   - W x write(devnull_fd, B bytes) (--become N:UID:GID: before write N, counted
 *     from 0, the process takes real, effective and saved ids GID and UID with
 *     setresgid(2) and setresuid(2));
 *   - S x nanosleep(1 ms) (the nanosleep system call, not clock_nanosleep);
 *   - F x fork(); the child execs EXEC (argv: EXEC, no other argument) or
 *     _exit(127); the parent waits for it (wait4);
 *   - joins the threads;
 * and prints "child=PID" per child, "done=1" (one buffered write at the end, on
 * stdout; no 1-byte writes there).
 *
 * Pids and tids are printed as the kernel's trace records them (the initial PID
 * namespace's), read from DIR/self and DIR/thread-self (--proc DIR, default
 * /proc): in a private PID namespace, give a proc mounted from the initial one
 * (the kernel suite bind-mounts the host's /proc before mounting its own).
 * ns_pid is getpid(). A child stores its pid into shared memory before its exec,
 * so the parent makes no extra system call for it. Every system call above is made with
 * syscall(2) so that glibc cannot substitute another one. Exit status 0 when every
 * call succeeded (a failed call is reported on stderr, status 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *file_path = "/etc/passwd";
static long become_after = -1, become_uid = -1, become_gid = -1;
static long n_open = 10, n_read = 10, read_bytes = 64, n_write = 10, write_bytes = 1;
static long n_sleep = 3, n_fork = 1, n_thread = 0, thread_opens = -1;
static const char *exec_path = "/bin/true";
static const char *go_file;
static const char *proc_dir = "/proc";
static int failed;

static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go;

struct thread_info {
	pthread_t thread;
	pid_t tid;
	int ready;
};
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;

static void fail(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	failed = 1;
}

/* The number after the last '/' of the link DIR/NAME (self: "PID",
 * thread-self: "PID/task/TID"); -1 on error. */
static long proc_link_id(const char *name)
{
	char path[4096], target[256], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", proc_dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	slash = strrchr(target, '/');
	return strtol(slash ? slash + 1 : target, NULL, 10);
}

static void do_opens(long count)
{
	for (long i = 0; i < count; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, file_path, O_RDONLY);

		if (fd < 0) {
			fail("openat");
			continue;
		}
		if (syscall(SYS_close, fd) != 0)
			fail("close");
	}
}

static void *thread_main(void *arg)
{
	struct thread_info *ti = arg;

	pthread_mutex_lock(&ready_lock);
	ti->tid = (pid_t)proc_link_id("thread-self");
	ti->ready = 1;
	pthread_cond_broadcast(&ready_cond);
	pthread_mutex_unlock(&ready_lock);

	pthread_mutex_lock(&go_lock);
	while (!go)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);

	do_opens(thread_opens);
	return NULL;
}

static long parse_count(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "workload: %s: not a count: %s\n", opt, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lttng-test-workload [--file PATH] [--open N] [--read M] [--read-bytes K]\n"
		"       [--write W] [--write-bytes B] [--sleep S] [--fork F] [--exec PATH]\n"
		"       [--threads T] [--thread-opens X] [--go-file PATH] [--proc DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'p' },
		{ "open", required_argument, NULL, 'n' },
		{ "read", required_argument, NULL, 'm' },
		{ "read-bytes", required_argument, NULL, 'k' },
		{ "write", required_argument, NULL, 'w' },
		{ "write-bytes", required_argument, NULL, 'b' },
		{ "sleep", required_argument, NULL, 's' },
		{ "fork", required_argument, NULL, 'f' },
		{ "exec", required_argument, NULL, 'e' },
		{ "threads", required_argument, NULL, 't' },
		{ "thread-opens", required_argument, NULL, 'x' },
		{ "go-file", required_argument, NULL, 'g' },
		{ "proc", required_argument, NULL, 'P' },
		{ "become", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct thread_info *threads;
	pid_t *children;
	volatile pid_t *child_ids;
	long self;
	char *wbuf, *rbuf, byte;
	int c, go_fd = 0, file_fd, devnull_fd;

	while ((c = getopt_long(argc, argv, "p:n:m:k:w:b:s:f:e:t:x:g:P:B:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': file_path = optarg; break;
		case 'n': n_open = parse_count("--open", optarg); break;
		case 'm': n_read = parse_count("--read", optarg); break;
		case 'k': read_bytes = parse_count("--read-bytes", optarg); break;
		case 'w': n_write = parse_count("--write", optarg); break;
		case 'b': write_bytes = parse_count("--write-bytes", optarg); break;
		case 's': n_sleep = parse_count("--sleep", optarg); break;
		case 'f': n_fork = parse_count("--fork", optarg); break;
		case 'e': exec_path = optarg; break;
		case 't': n_thread = parse_count("--threads", optarg); break;
		case 'x': thread_opens = parse_count("--thread-opens", optarg); break;
		case 'g': go_file = optarg; break;
		case 'P': proc_dir = optarg; break;
		case 'B':
			if (sscanf(optarg, "%ld:%ld:%ld", &become_after, &become_uid, &become_gid) != 3 ||
			    become_after < 0 || become_uid < 0 || become_gid < 0) {
				fprintf(stderr, "--become N:UID:GID\n");
				return 2;
			}
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (thread_opens < 0)
		thread_opens = n_open;
	if (read_bytes < 1 || write_bytes < 1) {
		fprintf(stderr, "workload: --read-bytes and --write-bytes must be >= 1\n");
		return 2;
	}

	rbuf = malloc((size_t)read_bytes);
	wbuf = calloc(1, (size_t)write_bytes);
	threads = calloc((size_t)n_thread + 1, sizeof(*threads));
	children = calloc((size_t)n_fork + 1, sizeof(*children));
	child_ids = mmap(NULL, ((size_t)n_fork + 1) * sizeof(pid_t), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!rbuf || !wbuf || !threads || !children || child_ids == MAP_FAILED) {
		perror("workload: malloc");
		return 1;
	}
	file_fd = open(file_path, O_RDONLY | O_CLOEXEC);
	if (file_fd < 0) {
		fprintf(stderr, "workload: %s: %s\n", file_path, strerror(errno));
		return 1;
	}
	devnull_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull_fd < 0) {
		perror("workload: /dev/null");
		return 1;
	}
	if (go_file) {
		go_fd = open(go_file, O_RDONLY | O_CLOEXEC);
		if (go_fd < 0) {
			fprintf(stderr, "workload: %s: %s\n", go_file, strerror(errno));
			return 1;
		}
	}
	for (long i = 0; i < n_thread; i++) {
		errno = pthread_create(&threads[i].thread, NULL, thread_main, &threads[i]);
		if (errno) {
			perror("workload: pthread_create");
			return 1;
		}
	}
	pthread_mutex_lock(&ready_lock);
	for (long i = 0; i < n_thread; i++)
		while (!threads[i].ready)
			pthread_cond_wait(&ready_cond, &ready_lock);
	pthread_mutex_unlock(&ready_lock);

	self = proc_link_id("self");
	if (self <= 0) {
		fprintf(stderr, "workload: cannot read %s/self\n", proc_dir);
		return 1;
	}
	for (long i = 0; i < n_thread; i++)
		if (threads[i].tid <= 0) {
			fprintf(stderr, "workload: cannot read %s/thread-self\n", proc_dir);
			return 1;
		}
	printf("pid=%ld\nns_pid=%ld\nfile=%s\nfile_fd=%d\ndevnull_fd=%d\nexec=%s\n", self,
	       (long)getpid(), file_path, file_fd, devnull_fd, exec_path);
	printf("n_open=%ld\nn_read=%ld\nread_bytes=%ld\nn_write=%ld\nwrite_bytes=%ld\n", n_open,
	       n_read, read_bytes, n_write, write_bytes);
	printf("n_sleep=%ld\nn_fork=%ld\nn_thread=%ld\nthread_opens=%ld\n", n_sleep, n_fork,
	       n_thread, thread_opens);
	for (long i = 0; i < n_thread; i++)
		printf("thread=%ld\n", (long)threads[i].tid);
	printf("ready=1\n");
	fflush(stdout);

	if (read(go_fd, &byte, 1) < 0) {
		perror("workload: waiting for the go byte");
		return 1;
	}

	pthread_mutex_lock(&go_lock);
	go = 1;
	pthread_cond_broadcast(&go_cond);
	pthread_mutex_unlock(&go_lock);

	do_opens(n_open);
	for (long i = 0; i < n_read; i++) {
		long r;

		if (syscall(SYS_lseek, file_fd, 0L, SEEK_SET) != 0)
			fail("lseek");
		r = syscall(SYS_read, file_fd, rbuf, (size_t)read_bytes);
		if (r != read_bytes) {
			if (r >= 0)
				errno = EIO;
			fail("read (is the file shorter than --read-bytes?)");
		}
	}
	for (long i = 0; i < n_write; i++) {
		if (i == become_after && become_uid >= 0 &&
		    (syscall(SYS_setresgid, become_gid, become_gid, become_gid) != 0 ||
		     syscall(SYS_setresuid, become_uid, become_uid, become_uid) != 0))
			fail("setresgid/setresuid (--become)");
		if (syscall(SYS_write, devnull_fd, wbuf, (size_t)write_bytes) != write_bytes)
			fail("write");
	}
	for (long i = 0; i < n_sleep; i++) {
		struct timespec ts = { 0, 1000000 };

		if (syscall(SYS_nanosleep, &ts, NULL) != 0)
			fail("nanosleep");
	}
	for (long i = 0; i < n_fork; i++) {
		int status;
		pid_t child = fork();

		if (child < 0) {
			fail("fork");
			continue;
		}
		if (child == 0) {
			char *const args[] = { (char *)exec_path, NULL };

			child_ids[i] = (pid_t)proc_link_id("self");
			execv(exec_path, args);
			_exit(127);
		}
		children[i] = child;
		if (syscall(SYS_wait4, child, &status, 0, NULL) != child)
			fail("wait4");
		else if (!WIFEXITED(status) || WEXITSTATUS(status) == 127)
			fprintf(stderr, "workload: child %ld: status 0x%x\n", (long)child, status);
	}
	for (long i = 0; i < n_thread; i++)
		pthread_join(threads[i].thread, NULL);

	for (long i = 0; i < n_fork; i++)
		printf("child=%ld\n", (long)child_ids[i]);
	printf("done=1\n");
	fflush(stdout);
	return failed;
}
