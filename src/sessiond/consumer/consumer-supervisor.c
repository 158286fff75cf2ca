/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Supervising lttng-consumerd, one per bitness (doc/protocol/consumer.md): started
 * on first need without the loop ever waiting (consumer-spawn.c drives the
 * handshake), whoever needs it waits on a start waiter; its exit is watched with an
 * sd-event child source and published to the death subscribers; the next command
 * that needs it starts a new one.
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
#include "consumer/consumer-spawn.h"
#include "core/daemon.h"
#include "core/operation.h"
#include "model/model.h"
#include "log.h"
#include "macros.h"
#include "unix-io.h"

int consumer_supervisors_init(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;

	d->consumers = calloc(CONSUMER_COUNT, sizeof(*d->consumers));
	if (!d->consumers)
		return -ENOMEM;

	d->consumers[CONSUMER_64] = (struct consumer_supervisor){
		.daemon = d, .id = CONSUMER_64, .bits_per_long = 64, .cmd_fd = -1, .err_fd = -1,
		.bin_path = cfg->consumerd64_path, .libdir = cfg->consumerd64_libdir,
		.cmd_sock = cfg->ustconsumerd64_cmd_sock, .err_sock = cfg->ustconsumerd64_err_sock,
	};
	d->consumers[CONSUMER_32] = (struct consumer_supervisor){
		.daemon = d, .id = CONSUMER_32, .bits_per_long = 32, .cmd_fd = -1, .err_fd = -1,
		.bin_path = cfg->consumerd32_path, .libdir = cfg->consumerd32_libdir,
		.cmd_sock = cfg->ustconsumerd32_cmd_sock, .err_sock = cfg->ustconsumerd32_err_sock,
	};
	/* As LTTng on a 64-bit kernel: the 64-bit binary, in kernel mode. Only a
	 * daemon that serves the kernel domain ever starts it. */
	d->consumers[CONSUMER_KERNEL] = (struct consumer_supervisor){
		.daemon = d, .id = CONSUMER_KERNEL, .kernel = true, .bits_per_long = 64,
		.cmd_fd = -1, .err_fd = -1,
		.bin_path = cfg->consumerd64_path, .libdir = cfg->consumerd64_libdir,
		.cmd_sock = cfg->kconsumerd_cmd_sock, .err_sock = cfg->kconsumerd_err_sock,
	};
	for (int i = 0; i < CONSUMER_COUNT; i++)
		list_init(&d->consumers[i].start_waiters);
	return 0;
}

void consumer_supervisors_free(struct daemon *d)
{
	free(d->consumers);
	d->consumers = NULL;
}

/* Index in d->consumers of the user-space consumer for that bitness, -1 when none. */
static int consumer_index(const struct daemon *d, unsigned bits_per_long)
{
	for (int i = 0; i < CONSUMER_COUNT; i++)
		if (!d->consumers[i].kernel && d->consumers[i].bits_per_long == bits_per_long)
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
	cs->state = CONSUMER_STOPPED;
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

static void notify_death(struct daemon *d, const struct consumer_supervisor *cs)
{
	struct consumer_death_subscription *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &d->consumer_death_subscribers, link)
		sub->died(d, sub, cs);
}

/* "64-bit", "32-bit" or "kernel", for messages. */
static const char *consumer_label(const struct consumer_supervisor *cs)
{
	return cs->kernel ? "kernel" : cs->bits_per_long == 32 ? "32-bit" : "64-bit";
}

static void start_finished(struct consumer_supervisor *cs, int status);

static int child_exit_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct consumer_supervisor *cs = userdata;
	struct daemon *d;
	struct session *session;
	unsigned active = 0;

	if (!cs)
		return 0; /* a consumer whose start failed, killed: now reaped */
	d = cs->daemon;
	if (cs->state == CONSUMER_STARTING) {
		log_error("%s consumer daemon %s (pid %d) exited while starting (%s %d)",
			  consumer_label(cs), cs->bin_path, (int) si->si_pid,
			  si->si_code == CLD_EXITED ? "status" : "signal", si->si_status);
		consumer_spawn_cancel(cs);
		supervisor_forget(cs);
		start_finished(cs, -ECHILD);
		return 0;
	}
	list_for_each_entry(session, &d->sessions->sessions, link)
		active += session->active;
	log_error("%s consumer daemon (pid %d) exited (%s %d); %u active session(s) "
		  "affected, a new one starts on the next command that needs it",
		  consumer_label(cs), (int) si->si_pid,
		  si->si_code == CLD_EXITED ? "status" : "signal", si->si_status, active);
	supervisor_forget(cs);
	notify_death(d, cs);
	return 0;
}

static int failure_code(const struct consumer_supervisor *cs)
{
	if (cs->kernel)
		return LTTNG_ERR_KERN_CONSUMER_FAIL;
	return cs->bits_per_long == 32 ? LTTNG_ERR_UST_CONSUMER32_FAIL
				       : LTTNG_ERR_UST_CONSUMER64_FAIL;
}

/* The start ended: running, or gone again. Every waiter is told, in order. */
static void start_finished(struct consumer_supervisor *cs, int status)
{
	struct list_node waiters;

	cs->state = status == 0 ? CONSUMER_RUNNING : CONSUMER_STOPPED;
	/* A waiter may start it again (or wait anew): take the list first. */
	list_init(&waiters);
	while (!list_is_empty(&cs->start_waiters)) {
		struct list_node *n = cs->start_waiters.next;

		list_remove(n);
		list_append(&waiters, n);
	}
	while (!list_is_empty(&waiters)) {
		struct consumer_start_waiter *w =
			container_of(waiters.next, struct consumer_start_waiter, link);

		list_remove(&w->link);
		w->link.next = w->link.prev = NULL;
		w->ready(cs->daemon, w, status == 0 ? LTTNG_OK : failure_code(cs));
	}
}

void consumer_spawn_finished(struct consumer_supervisor *cs, int result)
{
	struct daemon *d = cs->daemon;
	int r = result;

	if (r == 0) {
		cs->queue = worker_queue_start(&d->workers.completions, 1);
		if (!cs->queue)
			r = -ENOMEM;
	}
	if (r < 0) {
		/* Killed; its child source (ours no more) reaps it. */
		log_error_errno(r, "%s consumer daemon %s did not start", consumer_label(cs),
				cs->bin_path);
		kill(cs->pid, SIGKILL);
		(void) sd_event_source_set_userdata(cs->child_watch, NULL);
		(void) sd_event_source_set_floating(cs->child_watch, 1);
		cs->child_watch = sd_event_source_unref(cs->child_watch);
		supervisor_forget(cs);
		start_finished(cs, r);
		return;
	}
	log_info("%s consumer daemon started (pid %d)", consumer_label(cs), (int) cs->pid);
	start_finished(cs, 0);
}

enum consumer_start_result consumer_start(struct consumer_supervisor *cs,
					  struct consumer_start_waiter *w)
{
	int r;

	/* As in LTTng, no configured consumer binary means none is started. */
	if (cs->state == CONSUMER_RUNNING || !cs->bin_path[0])
		return CONSUMER_START_READY;
	if (cs->stopping)
		return CONSUMER_START_FAILED;
	if (cs->state == CONSUMER_STOPPED) {
		r = consumer_spawn_begin(cs);
		if (r == 0)
			r = sd_event_add_child(cs->daemon->loop, &cs->child_watch, cs->pid, WEXITED,
					       child_exit_cb, cs);
		if (r < 0) {
			if (cs->pid > 0) {
				kill(cs->pid, SIGKILL);
				(void) waitpid(cs->pid, NULL, 0); /* killed: at once */
			}
			consumer_spawn_cancel(cs);
			supervisor_forget(cs);
			return CONSUMER_START_FAILED;
		}
		cs->state = CONSUMER_STARTING;
	}
	list_append(&cs->start_waiters, &w->link);
	return CONSUMER_START_PENDING;
}

void consumer_start_cancel(struct consumer_start_waiter *w)
{
	if (w->link.next)
		list_remove(&w->link);
	w->link.next = w->link.prev = NULL;
}

/* Starting consumer daemons for an operation, in index order (the 64-bit one
 * first, as LTTng): the operation is held until they run, and fails with the error
 * of the first that cannot. */
struct start_chain {
	struct consumer_start_waiter waiter;
	struct operation *op;
	int next; /* index in d->consumers of the next one to start */
	unsigned wanted; /* bit i: d->consumers[i] */
};

static void start_chain_next(struct daemon *d, struct start_chain *c);

static void start_chain_ready(struct daemon *d, struct consumer_start_waiter *w, int status)
{
	struct start_chain *c = container_of(w, struct start_chain, waiter);

	if (status != LTTNG_OK) {
		operation_step_done(d, c->op, status);
		free(c);
		return;
	}
	start_chain_next(d, c);
}

static void start_chain_next(struct daemon *d, struct start_chain *c)
{
	while (c->next < CONSUMER_COUNT) {
		struct consumer_supervisor *cs = &d->consumers[c->next++];

		if (!(c->wanted & (1u << cs->id)))
			continue;
		switch (consumer_start(cs, &c->waiter)) {
		case CONSUMER_START_READY:
			continue;
		case CONSUMER_START_PENDING:
			return;
		case CONSUMER_START_FAILED:
			operation_fail(c->op, failure_code(cs));
			c->next = CONSUMER_COUNT;
			break;
		}
	}
	operation_release(d, c->op);
	free(c);
}

static enum lttng_error_code ensure_running(struct daemon *d, struct operation *op,
					    unsigned wanted)
{
	struct start_chain *c;

	for (int i = 0; i < CONSUMER_COUNT; i++)
		if ((wanted & (1u << i)) && d->consumers[i].state != CONSUMER_RUNNING &&
		    d->consumers[i].bin_path[0])
			goto start;
	return LTTNG_OK; /* the common case: nothing to wait for */
start:
	c = calloc(1, sizeof(*c));
	if (!c)
		return LTTNG_ERR_NOMEM;
	c->waiter.ready = start_chain_ready;
	c->op = op;
	c->wanted = wanted;
	operation_hold(op);
	start_chain_next(d, c);
	return LTTNG_OK;
}

enum lttng_error_code consumer_ensure_running(struct daemon *d, struct operation *op)
{
	return ensure_running(d, op, (1u << CONSUMER_64) | (1u << CONSUMER_32));
}

enum lttng_error_code consumer_kernel_ensure_running(struct daemon *d, struct operation *op)
{
	return ensure_running(d, op, 1u << CONSUMER_KERNEL);
}

/* Stops feeding it: queued work still goes out, then closing our command connection
 * tells it to exit (it writes what its buffers still hold first). */
static void supervisor_release(struct consumer_supervisor *cs)
{
	cs->stopping = true;
	if (cs->state == CONSUMER_STARTING) {
		/* Shutdown during its start: it will not be needed. */
		consumer_spawn_cancel(cs);
		if (cs->pid > 0)
			kill(cs->pid, SIGKILL);
		start_finished(cs, -ECANCELED);
	}
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

	if (!d->consumers)
		return; /* the daemon's start failed before they were made */
	/* All are told first, then given one common second to exit. */
	for (int i = 0; i < CONSUMER_COUNT; i++)
		supervisor_release(&d->consumers[i]);
	deadline = monotonic_ms() + 1000;
	do {
		waiting = false;
		for (int i = 0; i < CONSUMER_COUNT; i++) {
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
	for (int i = 0; i < CONSUMER_COUNT; i++) {
		struct consumer_supervisor *cs = &d->consumers[i];

		if (cs->pid <= 0)
			continue;
		kill(cs->pid, SIGKILL);
		waitpid(cs->pid, NULL, 0);
		supervisor_forget(cs);
	}
}
