/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Spawning and supervising lttng-consumerd (doc/protocol/consumer.md). The spawn is
 * synchronous and bounded (SPAWN_TIMEOUT_MS): the consumer announces itself on our
 * error socket, then we connect to its command socket and exchange HELLO. Its exit
 * is watched with an sd-event child source; the next command that needs it spawns a
 * new one.
 */
#include <errno.h>
#include <lttng/lttng.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "consumer-io.h"
#include "consumer/consumer-supervisor.h"
#include "core/worker.h"
#include "core/daemon.h"
#include "model/model.h"
#include "log.h"
#include "macros.h"
#include "unix-io.h"

/* The whole spawn, handshake included, is bounded by this. */
#define SPAWN_TIMEOUT_MS 5000

/* Milliseconds left before deadline, at least 1 so a last attempt can be made. */
static int remaining_ms(long long deadline)
{
	long long left = deadline - monotonic_ms();

	return left > 0 ? (int) left : 1;
}

int consumer_supervisors_init(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;

	d->consumers = calloc(CONSUMER_BITNESS_COUNT, sizeof(*d->consumers));
	if (!d->consumers)
		return -ENOMEM;

	d->consumers[CONSUMER_64] = (struct consumer_supervisor){
		.daemon = d, .bits_per_long = 64, .cmd_fd = -1, .err_fd = -1,
		.bin_path = cfg->consumerd64_path, .libdir = cfg->consumerd64_libdir,
		.cmd_sock = cfg->ustconsumerd64_cmd_sock, .err_sock = cfg->ustconsumerd64_err_sock,
	};
	d->consumers[CONSUMER_32] = (struct consumer_supervisor){
		.daemon = d, .bits_per_long = 32, .cmd_fd = -1, .err_fd = -1,
		.bin_path = cfg->consumerd32_path, .libdir = cfg->consumerd32_libdir,
		.cmd_sock = cfg->ustconsumerd32_cmd_sock, .err_sock = cfg->ustconsumerd32_err_sock,
	};
	return 0;
}

void consumer_supervisors_free(struct daemon *d)
{
	free(d->consumers);
	d->consumers = NULL;
}

/* Index in d->consumers of the consumer for that bitness, -1 when none. */
static int consumer_index(const struct daemon *d, unsigned bits_per_long)
{
	for (int i = 0; i < CONSUMER_BITNESS_COUNT; i++)
		if (d->consumers[i].bits_per_long == bits_per_long)
			return i;
	return -1;
}

struct consumer_supervisor *consumer_for_bits(struct daemon *d, unsigned bits_per_long)
{
	int i = consumer_index(d, bits_per_long);

	return i < 0 ? NULL : &d->consumers[i];
}

bool consumer_configured(const struct daemon *d, unsigned bits_per_long)
{
	int i = consumer_index(d, bits_per_long);

	return i >= 0 && d->consumers[i].bin_path && d->consumers[i].bin_path[0];
}

/* The process is gone (reaped): drop what referred to it. A consumer that was
 * killed could not remove its command socket; it goes too, so that the next one
 * (or the run directory's clean-up) does not meet it. */
static void supervisor_forget(struct consumer_supervisor *cs)
{
	if (cs->pid > 0)
		(void) unlink(cs->cmd_sock);
	cs->child_watch = sd_event_source_disable_unref(cs->child_watch);
	if (cs->queue) {
		/* Unblock the worker, let it finish (queued batches fail), then close. */
		if (cs->cmd_fd >= 0)
			shutdown(cs->cmd_fd, SHUT_RDWR);
		worker_queue_stop(cs->queue);
		cs->queue = NULL;
	}
	if (cs->cmd_fd >= 0)
		close(cs->cmd_fd);
	if (cs->err_fd >= 0)
		close(cs->err_fd);
	cs->cmd_fd = cs->err_fd = -1;
	cs->pid = 0;
}

void consumer_death_subscribe(struct daemon *d, struct consumer_death_subscription *sub)
{
	list_append(&d->consumer_death_subscribers, &sub->link);
}

void consumer_death_unsubscribe(struct consumer_death_subscription *sub)
{
	if (sub->link.next)
		list_remove(&sub->link);
	sub->link.next = sub->link.prev = NULL;
}

static void notify_death(struct daemon *d, unsigned bits_per_long)
{
	struct consumer_death_subscription *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &d->consumer_death_subscribers, link)
		sub->died(d, sub, bits_per_long);
}

static int child_exit_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct daemon *d = cs->daemon;
	struct session *session;
	unsigned active = 0;

	list_for_each_entry(session, &d->sessions->sessions, link)
		active += session->active;
	log_error("%u-bit consumer daemon (pid %d) exited (%s %d); %u active session(s) "
		  "affected, a new one starts on the next command that needs it",
		  cs->bits_per_long, (int) si->si_pid,
		  si->si_code == CLD_EXITED ? "status" : "signal", si->si_status, active);
	supervisor_forget(cs);
	notify_death(d, cs->bits_per_long);
	return 0;
}

/* The consumer's argv and environment, prepared before fork(): the child of a
 * multithreaded process may only call async-signal-safe functions. */
struct consumer_exec {
	char *argv[12];
	char **envp;
	char *ld_library_path; /* owned "LD_LIBRARY_PATH=..." entry, or NULL */
};

extern char **environ;

static int consumer_exec_prepare(const struct consumer_supervisor *cs,
				 const struct sessiond_config *cfg, struct consumer_exec *x)
{
	size_t n = 0, count = 0;
	const char *old = getenv("LD_LIBRARY_PATH");

	memset(x, 0, sizeof(*x));
	x->argv[n++] = (char *) "lttng-consumerd";
	x->argv[n++] = (char *) (cfg->verbose_consumer ? "--verbose"
						: cfg->verbosity < 0 ? "--quiet" : "");
	x->argv[n++] = (char *) "-u";
	x->argv[n++] = (char *) "--consumerd-cmd-sock";
	x->argv[n++] = (char *) cs->cmd_sock;
	x->argv[n++] = (char *) "--consumerd-err-sock";
	x->argv[n++] = (char *) cs->err_sock;
	x->argv[n++] = (char *) "--group";
	x->argv[n++] = (char *) cfg->group_name;
	x->argv[n] = NULL;
	for (char **e = environ; *e; e++)
		count++;
	x->envp = calloc(count + 2, sizeof(char *));
	if (!x->envp)
		return -ENOMEM;
	if (cs->libdir[0] &&
	    asprintf(&x->ld_library_path, "LD_LIBRARY_PATH=%s%s%s", cs->libdir,
		     old && *old ? ":" : "", old && *old ? old : "") < 0) {
		x->ld_library_path = NULL;
		free(x->envp);
		return -ENOMEM;
	}
	n = 0;
	for (char **e = environ; *e; e++)
		if (!x->ld_library_path || strncmp(*e, "LD_LIBRARY_PATH=", 16) != 0)
			x->envp[n++] = *e;
	if (x->ld_library_path)
		x->envp[n++] = x->ld_library_path;
	x->envp[n] = NULL;
	return 0;
}

static void consumer_exec_fini(struct consumer_exec *x)
{
	free(x->envp);
	free(x->ld_library_path);
}

/* Child side: exec the consumer with LTTng's command line. Never returns. */
static void exec_consumer(const char *path, const struct consumer_exec *x)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, x->argv, x->envp);
	_exit(127);
}

/* Waits for the consumer's READY on the error socket, or its early death. */
static int wait_for_ready(int listen_fd, pid_t pid, long long deadline, int *ret_err_fd)
{
	while (monotonic_ms() < deadline) {
		struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid)
			return -ECHILD;
		if (poll(&pfd, 1, 50) > 0) {
			int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
			int r;

			if (fd < 0)
				return -errno;
			r = consumer_recv(fd, CONSUMER_MSG_READY, NULL, 0, remaining_ms(deadline));
			if (r < 0) {
				close(fd);
				return r;
			}
			*ret_err_fd = fd;
			return 0;
		}
	}
	return -ETIMEDOUT;
}

static int handshake(struct consumer_supervisor *cs, long long deadline)
{
	struct consumer_wire_hello hello = { .pid = (uint32_t) getpid(),
					     .bits_per_long = (uint32_t) (sizeof(long) * 8) };
	struct consumer_wire_hello reply;
	int r;

	cs->cmd_fd = unix_connect(cs->cmd_sock);
	if (cs->cmd_fd < 0)
		return cs->cmd_fd;
	r = consumer_send(cs->cmd_fd, CONSUMER_MSG_HELLO, &hello, sizeof(hello),
			  remaining_ms(deadline));
	if (r == 0)
		r = consumer_recv(cs->cmd_fd, CONSUMER_MSG_HELLO, &reply, sizeof(reply),
				  remaining_ms(deadline));
	if (r == 0 && reply.pid != (uint32_t) cs->pid)
		r = -EPROTO;
	if (r == 0 && reply.bits_per_long != cs->bits_per_long) {
		log_error("%s is a %u-bit consumer daemon, %u-bit applications need a %u-bit one",
			  cs->bin_path, reply.bits_per_long, cs->bits_per_long, cs->bits_per_long);
		r = -EPROTO;
	}
	return r;
}

static int spawn_consumer(struct consumer_supervisor *cs)
{
	struct daemon *d = cs->daemon;
	const struct sessiond_config *cfg = d->cfg;
	_cleanup_close_ int listen_fd = -1;
	struct consumer_exec x;
	long long deadline;
	pid_t pid;
	int r;

	if (access(cs->bin_path, X_OK) < 0)
		return log_error_errno(-errno, "Cannot run the %u-bit consumer daemon %s",
				       cs->bits_per_long, cs->bin_path);
	listen_fd = unix_listen(cs->err_sock, 0660, 4);
	if (listen_fd < 0)
		return log_error_errno(listen_fd, "Cannot listen on %s", cs->err_sock);
	r = consumer_exec_prepare(cs, cfg, &x);
	if (r < 0) {
		(void) unlink(cs->err_sock);
		return log_error_errno(r, "Cannot prepare the consumer daemon's command line");
	}
	pid = fork();
	if (pid == 0)
		exec_consumer(cs->bin_path, &x);
	consumer_exec_fini(&x);
	if (pid < 0) {
		r = -errno;
		(void) unlink(cs->err_sock);
		return log_error_errno(r, "Cannot fork the consumer daemon");
	}
	cs->pid = pid;
	deadline = monotonic_ms() + SPAWN_TIMEOUT_MS;
	r = wait_for_ready(listen_fd, pid, deadline, &cs->err_fd);
	if (r == 0)
		r = handshake(cs, deadline);
	if (r == 0)
		r = sd_event_add_child(d->loop, &cs->child_watch, pid, WEXITED, child_exit_cb, cs);
	if (r == 0) {
		cs->queue = worker_queue_start(&d->workers.completions, 1);
		if (!cs->queue)
			r = -ENOMEM;
	}
	(void) unlink(cs->err_sock);
	if (r < 0) {
		if (r != -ECHILD) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		supervisor_forget(cs);
		return log_error_errno(r, "%u-bit consumer daemon %s did not start",
				       cs->bits_per_long, cs->bin_path);
	}
	log_info("%u-bit consumer daemon started (pid %d)", cs->bits_per_long, (int) pid);
	return 0;
}

int consumer_ensure_running_for(struct consumer_supervisor *cs)
{
	int failure = cs->bits_per_long == 32 ? LTTNG_ERR_UST_CONSUMER32_FAIL
					      : LTTNG_ERR_UST_CONSUMER64_FAIL;

	/* As in LTTng, no configured consumer binary means none is started. */
	if (cs->pid > 0 || !cs->bin_path[0])
		return LTTNG_OK;
	if (cs->stopping)
		return failure;
	return spawn_consumer(cs) < 0 ? failure : LTTNG_OK;
}

int consumer_ensure_running(struct daemon *d)
{
	/* The 64-bit one first, as LTTng. */
	for (int i = 0; i < CONSUMER_BITNESS_COUNT; i++) {
		int r = consumer_ensure_running_for(&d->consumers[i]);

		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}

/* Stops feeding it: queued work still goes out, then closing our command connection
 * tells it to exit (it writes what its buffers still hold first). */
static void supervisor_release(struct consumer_supervisor *cs)
{
	cs->stopping = true;
	if (cs->pid <= 0)
		return;
	cs->child_watch = sd_event_source_disable_unref(cs->child_watch);
	if (cs->queue) {
		/* What is queued (metadata, flushes) still goes out: the traces must end
		 * readable. Each request is bounded by its own timeout. */
		worker_queue_finish(cs->queue);
		cs->queue = NULL;
	}
	if (cs->cmd_fd >= 0)
		close(cs->cmd_fd);
	cs->cmd_fd = -1;
}

void consumer_supervisors_stop(struct daemon *d)
{
	long long deadline;
	bool waiting;

	/* Both are told first, then given one common second to exit. */
	for (int i = 0; i < CONSUMER_BITNESS_COUNT; i++)
		supervisor_release(&d->consumers[i]);
	deadline = monotonic_ms() + 1000;
	do {
		waiting = false;
		for (int i = 0; i < CONSUMER_BITNESS_COUNT; i++) {
			struct consumer_supervisor *cs = &d->consumers[i];

			if (cs->pid <= 0)
				continue;
			if (waitpid(cs->pid, NULL, WNOHANG) == cs->pid)
				supervisor_forget(cs);
			else
				waiting = true;
		}
		if (waiting)
			usleep(10000);
	} while (waiting && monotonic_ms() < deadline);
	for (int i = 0; i < CONSUMER_BITNESS_COUNT; i++) {
		struct consumer_supervisor *cs = &d->consumers[i];

		if (cs->pid <= 0)
			continue;
		kill(cs->pid, SIGKILL);
		waitpid(cs->pid, NULL, 0);
		supervisor_forget(cs);
	}
}
