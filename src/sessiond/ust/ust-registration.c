/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registration intake: every connection to the application socket starts with
 * a 136-byte registration message (doc/protocol/apps.md, "Registration"). The loop
 * watches each new connection and reads its message only once all of it has
 * arrived, so the read never waits; a connection that stays silent costs a
 * descriptor and a list entry until it is closed, by its age (the application socket
 * timeout) or by a newer connection when too many wait. A message lttng-ust could
 * not have sent, or an application the daemon has no descriptors left for, is
 * refused with a warning naming it; the application then runs untraced, as
 * lttng-ust allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <lttng/ust-ctl.h>
#include <lttng/ust-error.h>

#include "core/daemon.h"
#include "core/listen-backoff.h"
#include "fd-limit.h"
#include "list.h"
#include "log.h"
#include "macros.h"
#include "model/model.h"
#include "unix-io.h"
#include "ust/ust-app.h"

/* lttng-ust 2.13's struct lttng_ust_ctl_reg_msg: 14 32-bit fields, a 16-byte name,
 * 64 bytes of padding (v2.13.5:src/common/ustcomm.h). */
#define REG_MSG_SIZE 136
/* Descriptors kept free for clients, consumers, files and the kernel domain (an
 * eighth of the limit, 16 to 64): an application is refused rather than take the
 * last of them. */
#define FD_RESERVE_MIN 16
#define FD_RESERVE_MAX 64
/* Each application costs this daemon two sockets (command and notify). */
#define FDS_PER_APP 2
#define TIMER_PERIOD_US (1000ULL * 1000)
/* With LTTNG_APP_SOCKET_TIMEOUT infinite, silent connections still go after this. */
#define SILENT_LIMIT_S 60
#define WARNING_INTERVAL_S 10

struct waiting_registration {
	struct list_node link;
	struct ust_apps *apps;
	int sock;
	sd_event_source *io;
	time_t since;
};

static int silent_limit_s(const struct daemon *d)
{
	int t = d->cfg->app_socket_timeout_s;

	return t > 0 ? t : SILENT_LIMIT_S;
}

static void waiting_free(struct ust_registration_intake *in, struct waiting_registration *w,
			 bool close_sock)
{
	list_remove(&w->link);
	in->waiting_count--;
	w->io = sd_event_source_disable_unref(w->io);
	if (close_sock)
		close(w->sock);
	free(w);
}

static void arm_timer(struct ust_registration_intake *in)
{
	if (in->timer)
		(void) sd_event_source_set_enabled(in->timer, SD_EVENT_ON);
}

/* Warns about refused connections at most every WARNING_INTERVAL_S. */
static void warn_evictions(struct ust_registration_intake *in)
{
	time_t now = time(NULL);

	if (!in->evicted || now - in->last_warning < WARNING_INTERVAL_S)
		return;
	log_warn("%llu connections to the application socket sent no registration message "
		 "and were closed (at most %u may wait at once)",
		 (unsigned long long) in->evicted, UST_MAX_WAITING_REGISTRATIONS);
	in->evicted = 0;
	in->last_warning = now;
}

/* Once per application (by pid, among the last 64 refused): why it is not traced. */
static void warn_refused(struct ust_registration_intake *in, const struct ust_reg_info *r,
			 const char *why)
{
	for (unsigned i = 0; i < ARRAY_SIZE(in->recently_refused); i++)
		if (in->recently_refused[i] == (pid_t) r->pid)
			return;
	in->recently_refused[in->recently_refused_next] = (pid_t) r->pid;
	in->recently_refused_next = (in->recently_refused_next + 1) % ARRAY_SIZE(in->recently_refused);
	log_warn("Application %s (pid %u, uid %u) refused: %s; it runs untraced", r->name,
		 r->pid, r->uid, why);
}

/*
 * What one more application costs while its sessions are set up, in the sessions
 * recording now (doc/architecture.md, "Descriptors"): in the consumer daemon, per
 * channel with per-PID buffers three per stream (the stream's wake-up pipe end, data
 * file and index file) and a metadata file; in this daemon, besides its two
 * sockets, each channel's objects (its pipe, a shared-memory file and a pipe per
 * stream) twice at most (the registry's and the set-up job's copies).
 */
struct app_fd_cost {
	unsigned long consumer, sessiond;
};

static struct app_fd_cost fd_cost_of_app(struct daemon *d)
{
	unsigned long cpus = (unsigned long) get_nprocs_conf();
	struct app_fd_cost cost = { .sessiond = FDS_PER_APP };
	const struct session *s;

	list_for_each_entry(s, &d->sessions->sessions, link) {
		const struct domain *ust = &s->domains[DOMAIN_INDEX_UST];
		unsigned long channels;

		if (!s->active || !ust->exists)
			continue;
		channels = list_count(&ust->channels);
		cost.sessiond += 2 * channels * (1 + 2 * cpus);
		if (ust->buffer_type == LTTNG_BUFFER_PER_PID)
			cost.consumer += 1 + 3 * cpus * channels;
	}
	return cost;
}

/* Applications whose sessions are still being set up: what they will open is not
 * counted in /proc yet. */
static unsigned long unsettled_apps(const struct ust_apps *apps)
{
	const struct ust_app *app;
	unsigned long n = 0;

	list_for_each_entry(app, &apps->apps, link)
		n += !app->settled;
	return n;
}

/* Whether both daemons can take one more application (the consumer inherits our
 * limit: the same soft limit applies to it). */
static bool have_descriptors_for_app(struct daemon *d, unsigned bits_per_long, char *why,
				     size_t why_size)
{
	unsigned long limit = fd_limit_soft();
	unsigned long reserve = MIN(MAX(limit / 8, (unsigned long) FD_RESERVE_MIN),
				    (unsigned long) FD_RESERVE_MAX);
	long open_now = fd_count_open();
	struct app_fd_cost cost = fd_cost_of_app(d);
	unsigned long coming = unsettled_apps(d->apps) + 1;
	const struct consumer_supervisor *cs;
	unsigned long consumer_need, sessiond_need = cost.sessiond * coming;
	long consumer_open;

	if (open_now < 0 || (unsigned long) open_now + sessiond_need + reserve > limit) {
		if (open_now < 0)
			snprintf(why, why_size, "the session daemon has no file descriptor left");
		else
			snprintf(why, why_size,
				 "the session daemon has %ld of its %lu file descriptors open, "
				 "applications being set up need up to %lu more and it keeps %lu for "
				 "its own work (raise its limit: ulimit -n)", open_now, limit,
				 sessiond_need, reserve);
		return false;
	}
	consumer_need = cost.consumer * coming;
	cs = consumer_need ? consumer_for_bits(d, bits_per_long) : NULL;
	if (!cs || cs->pid <= 0)
		return true; /* nothing to open there now (or the start will say) */
	consumer_open = fd_count_of(cs->pid);
	if (consumer_open < 0 || (unsigned long) consumer_open + consumer_need + reserve <= limit)
		return true;
	snprintf(why, why_size,
		 "the consumer daemon has %ld of its %lu file descriptors open, the per-PID "
		 "buffers of applications being set up need up to %lu more and it keeps %lu for "
		 "its own work (raise the limit: ulimit -n)", consumer_open, limit, consumer_need,
		 reserve);
	return false;
}

static void set_app_socket_timeout(int fd, int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s > 0 ? timeout_s : 0 };

	(void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Whether a notify socket of pid is to be closed (and forgets it: one per refusal). */
static bool notify_expected_to_drop(struct ust_registration_intake *in, pid_t pid)
{
	for (unsigned i = 0; i < ARRAY_SIZE(in->notify_to_drop); i++) {
		if (in->notify_to_drop[i] == pid) {
			in->notify_to_drop[i] = -1;
			return true;
		}
	}
	return false;
}

/* A refused command socket: the application's attempt ends with it, its notify
 * socket too (already there as an orphan, or still to come). lttng-ust tries again
 * later with two new sockets. */
static void refuse_command_socket(struct ust_registration_intake *in, const struct ust_reg_info *r,
				  const char *why, int sock)
{
	struct ust_apps *apps = container_of(in, struct ust_apps, intake);

	warn_refused(in, r, why);
	close(sock);
	ust_apps_drop_orphans_of(apps, (pid_t) r->pid);
	in->notify_to_drop[in->notify_to_drop_next] = (pid_t) r->pid;
	in->notify_to_drop_next = (in->notify_to_drop_next + 1) % ARRAY_SIZE(in->notify_to_drop);
}

/* The whole message is there: read it (no wait), check it, hand the socket on. */
static void registration_read(struct daemon *d, struct ust_apps *apps, int sock)
{
	struct ust_registration_intake *in = &apps->intake;
	struct ust_reg_info r = { 0 };
	char why[256];
	int flags, ret;

	ret = lttng_ust_ctl_recv_reg_msg(sock, &r.type, &r.major, &r.minor, &r.pid, &r.ppid,
					 &r.uid, &r.gid, &r.bits_per_long, &r.align_u8,
					 &r.align_u16, &r.align_u32, &r.align_u64, &r.align_long,
					 &r.byte_order, r.name);
	r.name[LTTNG_UST_ABI_PROCNAME_LEN] = '\0';
	if (ret < 0) {
		if (ret == -LTTNG_UST_ERR_UNSUP_MAJOR)
			log_warn("Application pid %u uses an incompatible lttng-ust ABI %u.%u",
				 r.pid, r.major, r.minor);
		else
			log_debug("Application registration failed: %d", ret);
		close(sock);
		return;
	}
	if (!ust_reg_info_valid(&r, why, sizeof(why))) {
		char what[320];

		snprintf(what, sizeof(what), "its registration message says %s, which no "
			 "lttng-ust sends", why);
		warn_refused(in, &r, what);
		close(sock);
		return;
	}
	if (r.type == LTTNG_UST_CTL_SOCKET_CMD) {
		if (apps->app_count >= UST_MAX_APPS)
			snprintf(why, sizeof(why), "%u applications are registered already",
				 UST_MAX_APPS);
		if (apps->app_count >= UST_MAX_APPS ||
		    !have_descriptors_for_app(d, r.bits_per_long, why, sizeof(why))) {
			refuse_command_socket(in, &r, why, sock);
			return;
		}
	} else if (notify_expected_to_drop(in, (pid_t) r.pid) &&
		   !ust_app_has_registering(apps, (pid_t) r.pid)) {
		close(sock); /* its command socket was refused */
		return;
	}
	/* From now on the application's ust-ctl calls run on workers, blocking with
	 * the application socket timeout. */
	flags = fcntl(sock, F_GETFL);
	if (flags >= 0)
		(void) fcntl(sock, F_SETFL, flags & ~O_NONBLOCK);
	set_app_socket_timeout(sock, d->cfg->app_socket_timeout_s);
	if (r.type == LTTNG_UST_CTL_SOCKET_CMD)
		ust_app_add_command_socket(d, &r, sock);
	else if (ust_app_add_notify_socket(d, &r, sock))
		arm_timer(in);
}

static int bytes_waiting(int fd)
{
	int avail = 0;

	return ioctl(fd, FIONREAD, &avail) < 0 ? 0 : avail;
}

static int waiting_cb(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct waiting_registration *w = userdata;
	struct ust_apps *apps = w->apps;
	int avail = bytes_waiting(fd);

	if (avail < REG_MSG_SIZE && !(revents & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
		return 0; /* part of it: the rest comes */
	waiting_free(&apps->intake, w, false);
	if (avail < REG_MSG_SIZE) { /* gone before saying all */
		close(fd);
		return 0;
	}
	registration_read(apps->daemon, apps, fd);
	return 0;
}

/* At the bound: the oldest connection leaves the list. One whose message has come
 * (its event not handled yet: many connections came in one go) is read; a silent
 * one is closed. */
static void make_room(struct ust_apps *apps)
{
	struct ust_registration_intake *in = &apps->intake;
	struct waiting_registration *w =
		container_of(in->waiting.next, struct waiting_registration, link);
	int sock = w->sock;

	waiting_free(in, w, false);
	if (bytes_waiting(sock) >= REG_MSG_SIZE) {
		registration_read(apps->daemon, apps, sock);
		return;
	}
	close(sock);
	in->evicted++;
}

static int timer_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct ust_apps *apps = userdata;
	struct ust_registration_intake *in = &apps->intake;
	int limit = silent_limit_s(apps->daemon);
	time_t now = time(NULL);
	struct waiting_registration *w, *tmp;
	bool orphans;

	list_for_each_entry_safe(w, tmp, &in->waiting, link) {
		if (now - w->since < limit)
			break; /* oldest first */
		log_debug("A connection to the application socket sent nothing for %d s; closed",
			  limit);
		waiting_free(in, w, true);
	}
	orphans = ust_apps_expire_orphans(apps, limit);
	warn_evictions(in);
	(void) sd_event_source_set_time_relative(src, TIMER_PERIOD_US);
	(void) sd_event_source_set_enabled(src, in->waiting_count || orphans || in->evicted
							? SD_EVENT_ON : SD_EVENT_OFF);
	return 0;
}

static int accept_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ust_apps *apps = userdata;
	struct ust_registration_intake *in = &apps->intake;

	for (;;) {
		int sock = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct waiting_registration *w;

		if (sock < 0) {
			(void) listen_backoff(s, errno);
			return 0;
		}
		/* Applications send their message as soon as they connect. */
		if (bytes_waiting(sock) >= REG_MSG_SIZE) {
			registration_read(apps->daemon, apps, sock);
			continue;
		}
		if (in->waiting_count >= UST_MAX_WAITING_REGISTRATIONS)
			make_room(apps);
		w = calloc(1, sizeof(*w));
		if (!w || sd_event_add_io(apps->daemon->loop, &w->io, sock, EPOLLIN | EPOLLRDHUP,
					  waiting_cb, w) < 0) {
			free(w);
			close(sock);
			continue;
		}
		w->apps = apps;
		w->sock = sock;
		w->since = time(NULL);
		list_append(&in->waiting, &w->link);
		in->waiting_count++;
		arm_timer(in);
	}
}

int ust_registration_start(struct daemon *d, struct ust_apps *apps)
{
	struct ust_registration_intake *in = &apps->intake;
	int r;

	list_init(&in->waiting);
	for (unsigned i = 0; i < ARRAY_SIZE(in->recently_refused); i++)
		in->recently_refused[i] = -1;
	for (unsigned i = 0; i < ARRAY_SIZE(in->notify_to_drop); i++)
		in->notify_to_drop[i] = -1;
	r = sd_event_add_time_relative(d->loop, &in->timer, CLOCK_MONOTONIC, TIMER_PERIOD_US,
				       100 * 1000, timer_cb, apps);
	if (r < 0)
		return log_error_errno(r, "Cannot start the registration timer");
	(void) sd_event_source_set_enabled(in->timer, SD_EVENT_OFF);
	in->listen_fd = unix_listen(d->cfg->apps_sock_path, 0666, 128);
	if (in->listen_fd < 0)
		return log_error_errno(in->listen_fd, "Cannot listen on %s", d->cfg->apps_sock_path);
	r = sd_event_add_io(d->loop, &in->listen_source, in->listen_fd, EPOLLIN, accept_cb, apps);
	if (r < 0)
		return log_error_errno(r, "Cannot watch the application socket");
	return 0;
}

void ust_registration_stop(struct daemon *d, struct ust_apps *apps)
{
	struct ust_registration_intake *in = &apps->intake;

	in->listen_source = sd_event_source_disable_unref(in->listen_source);
	if (in->listen_fd > 0) {
		close(in->listen_fd);
		(void) unlink(d->cfg->apps_sock_path);
	}
	in->listen_fd = -1;
	in->timer = sd_event_source_disable_unref(in->timer);
	while (in->waiting_count)
		waiting_free(in, container_of(in->waiting.next, struct waiting_registration, link),
			     true);
}
