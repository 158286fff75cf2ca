/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lttng-sessiond entry point: configuration, single-instance checks, daemonizing
 * with a readiness handshake, then the daemon's one event loop until SIGTERM/SIGINT.
 * Exit status (lttng-sessiond(8)): 0 success, 1 error, 3 fatal error while running.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load/autoload.h"
#include "client/client-server.h"
#include "core/config.h"
#include "core/daemon.h"
#include "consumer/consumer-supervisor.h"
#include "model/model.h"
#include "core/health.h"
#include "fd-limit.h"
#include "log.h"
#include "core/rundir.h"
#include "agent/agent-listener.h"
#include "kernel/kernel-domain.h"
#include "ust/ust-app.h"
#include "ust/ust-trace.h"

enum { EXIT_FATAL = 3 };

static volatile sig_atomic_t child_is_ready;

static void on_sigusr1(int signo)
{
	child_is_ready = 1;
}

/* Parent side of -d/-b: wait until the daemon says it is ready, or dies. */
static int wait_for_daemon_child(pid_t child)
{
	for (;;) {
		int status;
		pid_t r;

		if (child_is_ready)
			return EXIT_SUCCESS;
		r = waitpid(child, &status, WNOHANG);
		if (r == child)
			return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status)
									: EXIT_FAILURE;
		usleep(10000);
	}
}

/* Closes every inherited descriptor above stderr except keep_fd. */
static void close_inherited_fds(int keep_fd)
{
	if (keep_fd < 3) {
		(void) close_range(3, ~0u, 0);
		return;
	}
	if (keep_fd > 3)
		(void) close_range(3, (unsigned) keep_fd - 1, 0);
	(void) close_range((unsigned) keep_fd + 1, ~0u, 0);
}

/* Forks; returns in the child only. With close_console the child detaches from the
 * terminal and points stdio at /dev/null. */
static int daemonize(bool close_console, int keep_fd, pid_t *ret_parent)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	pid_t child;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	child = fork();
	if (child < 0)
		return log_error_errno(-errno, "Cannot fork");
	if (child > 0)
		exit(wait_for_daemon_child(child));
	*ret_parent = getppid();
	signal(SIGUSR1, SIG_DFL);
	close_inherited_fds(keep_fd);
	if (setsid() < 0)
		return log_error_errno(-errno, "setsid");
	if (chdir("/") < 0)
		return log_error_errno(-errno, "chdir");
	if (close_console) {
		int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null_fd < 0)
			return log_error_errno(-errno, "Cannot open /dev/null");
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		dup2(null_fd, STDERR_FILENO);
		if (null_fd > STDERR_FILENO)
			close(null_fd);
	}
	return 0;
}

static int on_quit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;

	log_info("Signal %u received; shutting down", si->ssi_signo);
	return sd_event_exit(d->loop, 0);
}

/* lttng-sessiond(8), LIMITATIONS: every application costs descriptors. Root's
 * daemon gets 65535 at least, as the real one; every daemon takes its whole hard
 * limit (the real per-user one stays at the soft limit, usually 1024). */
static void raise_fd_limit(const struct sessiond_config *cfg)
{
	unsigned long soft = fd_limit_raise(cfg->is_root, 65535);

	if (cfg->is_root && soft < 65535)
		log_warn("Cannot raise the open file limit to 65535 (it is %lu)", soft);
	else
		log_debug("Open file limit: %lu", soft);
}

static gid_t lookup_tracing_gid(const char *group_name)
{
	struct group *gr = getgrnam(group_name);

	return gr ? gr->gr_gid : 0;
}

static int daemon_start(struct daemon *d)
{
	sigset_t quit_signals;
	int r;

	raise_fd_limit(d->cfg);
	/* What daemon_stop() looks at, valid before anything can fail. */
	d->health_fd = -1;
	d->agent_fd = -1;
	list_init(&d->ust_registries);
	list_init(&d->consumer_death_subscribers);
	d->sessions = session_registry_new();
	if (!d->sessions || consumer_supervisors_init(d) < 0)
		return log_error_errno(-ENOMEM, "Cannot allocate the daemon's state");
	d->tracing_gid = lookup_tracing_gid(d->cfg->group_name);
	/* The tracing domains this daemon implements (domain/domain.h). LTTng's kernel
	 * modules are not used: root's daemon records the kernel through tracefs. */
	d->domains[DOMAIN_INDEX_UST] = &ust_tracer_domain;
	if (gethostname(d->hostname, sizeof(d->hostname) - 1) < 0)
		strcpy(d->hostname, "localhost");
	/* A random (version 4) UUID: never nil, which relay daemons refuse. */
	if (getrandom(d->instance_uuid, sizeof(d->instance_uuid), 0) != sizeof(d->instance_uuid))
		d->instance_uuid[0] = 1;
	d->instance_uuid[6] = (uint8_t) ((d->instance_uuid[6] & 0x0f) | 0x40);
	d->instance_uuid[8] = (uint8_t) ((d->instance_uuid[8] & 0x3f) | 0x80);
	r = sd_event_new(&d->loop);
	if (r < 0)
		return log_error_errno(r, "Cannot create the event loop");
	sigemptyset(&quit_signals);
	sigaddset(&quit_signals, SIGTERM);
	sigaddset(&quit_signals, SIGINT);
	/* sd-event watches the consumer daemon through SIGCHLD/pidfd. */
	sigaddset(&quit_signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &quit_signals, NULL);
	if ((r = sd_event_add_signal(d->loop, NULL, SIGTERM, on_quit_signal, d)) < 0 ||
	    (r = sd_event_add_signal(d->loop, NULL, SIGINT, on_quit_signal, d)) < 0)
		return log_error_errno(r, "Cannot watch quit signals");
	/* Only now: its threads inherit the blocked signals, which only the loop takes. */
	r = worker_service_init(&d->workers, d, d->loop);
	if (r < 0)
		return log_error_errno(r, "Cannot start the worker service");
	r = kernel_domain_start(d);
	if (r < 0)
		return log_error_errno(r, "Cannot set up the kernel domain");
	if (d->kernel)
		d->domains[DOMAIN_INDEX_KERNEL] = &kernel_tracer_domain;
	r = rundir_create_consumer_dirs(d->cfg, d->tracing_gid);
	if (r < 0)
		return r;
	r = health_start(d);
	if (r < 0)
		return r;
	r = client_server_start(d);
	if (r < 0)
		return r;
	r = ust_apps_start(d);
	if (r < 0)
		return r;
	r = agent_listener_start(d);
	if (r < 0)
		return r;
	rundir_publish(d->cfg, d->tracing_gid);
	return rundir_write_pid_file(d->cfg);
}

static void daemon_stop(struct daemon *d)
{
	agent_listener_stop(d);
	ust_trace_shutdown(d);
	kernel_domain_stop(d);
	consumer_supervisors_stop(d);
	/* The kernel consumer closed the raw buffers: our instances can go. */
	kernel_domain_remove_instances(d);
	/* From here on no job is queued: what is submitted completes at once. */
	d->stopping = true;
	ust_apps_stop(d);
	worker_service_fini(&d->workers);
	ust_trace_fini(d);
	client_server_stop(d);
	health_stop(d);
	consumer_supervisors_free(d);
	kernel_domain_free(d);
	d->sessions = session_registry_free(d->sessions);
	d->loop = sd_event_unref(d->loop);
}

int main(int argc, char **argv)
{
	struct sessiond_config cfg;
	struct daemon d = { .cfg = &cfg };
	pid_t original_parent = getppid();
	pid_t daemon_parent = 0;
	int lock_fd, r, exit_code = EXIT_SUCCESS;

	signal(SIGPIPE, SIG_IGN);
	switch (config_load(&cfg, argc, argv)) {
	case CONFIG_EXIT_SUCCESS:
		return EXIT_SUCCESS;
	case CONFIG_EXIT_FAILURE:
		return EXIT_FAILURE;
	case CONFIG_RUN:
		break;
	}
	log_set_level(cfg.verbosity);
	if (rundir_create(&cfg) < 0)
		return EXIT_FAILURE;
	if (rundir_daemon_is_alive(&cfg)) {
		log_error("A session daemon is already running.");
		return EXIT_FAILURE;
	}
	lock_fd = rundir_lock(&cfg);
	if (lock_fd < 0) {
		log_error("A session daemon is already running.");
		return EXIT_FAILURE;
	}
	if ((cfg.daemonize || cfg.background) &&
	    daemonize(cfg.daemonize, lock_fd, &daemon_parent) < 0) {
		rundir_cleanup(&cfg, lock_fd);
		return EXIT_FAILURE;
	}
	if (daemon_start(&d) < 0) {
		daemon_stop(&d);
		rundir_cleanup(&cfg, lock_fd);
		return EXIT_FAILURE;
	}
	/* Loading may wait for a consumer daemon's start, running the loop: clients
	 * wait in the backlog until it is done, as they would for a daemon not ready. */
	client_server_pause(&d, true);
	r = autoload_sessions(&d);
	client_server_pause(&d, false);
	if (r < 0) {
		daemon_stop(&d);
		rundir_cleanup(&cfg, lock_fd);
		return EXIT_FAILURE;
	}
	/* Ready: every socket is up and saved sessions are loaded. With -d/-b the
	 * launcher waits for SIGUSR1 and is also the parent -S means (as in LTTng). */
	if (daemon_parent > 0)
		kill(daemon_parent, SIGUSR1);
	else if (cfg.sig_parent)
		kill(original_parent, SIGUSR1);
	/* A quit signal taken while loading ended the loop already. */
	r = sd_event_get_state(d.loop) == SD_EVENT_FINISHED ? 0 : sd_event_loop(d.loop);
	if (r < 0) {
		log_error_errno(r, "Event loop failed");
		exit_code = EXIT_FATAL;
	}
	daemon_stop(&d);
	rundir_cleanup(&cfg, lock_fd);
	return exit_code;
}
