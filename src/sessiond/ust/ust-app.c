/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application registration and management (doc/protocol/apps.md).
 *
 * Every application connects twice to the registration socket: a command socket and a
 * notify socket, each starting with a registration message. The loop accepts them and
 * hands each new socket to the registration queue, whose workers read the message
 * with lttng_ust_ctl_recv_reg_msg(). Back on the loop, a command socket creates the
 * application and its own command queue; once its notify socket is known, the
 * application's queue asks for the tracer version and sends REGISTER_DONE, which lets
 * the application's constructor go on. A hang-up of the command socket ends the
 * application.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng.h>
#include <lttng/ust-ctl.h>
#include <lttng/ust-error.h>

#include "buffer.h"
#include "core/daemon.h"
#include "domain/domain.h"
#include "core/listen-backoff.h"
#include "log.h"
#include "macros.h"
#include "unix-io.h"
#include "ust/ust-app.h"
#include "ust/ust-trace.h"
#include "wire/client-codec.h"

/* ------------------------------------------------------------------------- */
/* Wait shm: applications sleep on its first word until a daemon is ready.    */

static int wait_shm_open(const struct sessiond_config *cfg, struct ust_apps *apps)
{
	long page = sysconf(_SC_PAGESIZE);
	mode_t mode = cfg->is_root ? 0664 : 0660;
	mode_t old_umask = umask(0);
	int fd = shm_open(cfg->wait_shm_path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
	void *map;

	umask(old_umask);
	if (fd < 0 && errno == EACCES) /* fs.protected_regular: the file exists */
		fd = shm_open(cfg->wait_shm_path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return log_error_errno(-errno, "Cannot open wait shm %s", cfg->wait_shm_path);
	if (ftruncate(fd, page) < 0 ||
	    (cfg->is_root ? fchown(fd, 0, 0) : fchown(fd, getuid(), getgid())) < 0 ||
	    fchmod(fd, mode) < 0) {
		int r = -errno;

		close(fd);
		return log_error_errno(r, "Cannot set up wait shm %s", cfg->wait_shm_path);
	}
	map = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return log_error_errno(-errno, "Cannot map wait shm %s", cfg->wait_shm_path);
	apps->wait_shm = map;
	apps->wait_shm_size = (size_t) page;
	return 0;
}

/* Wakes every application waiting for a session daemon (shared futex). */
static void wait_shm_wake(struct ust_apps *apps)
{
	int32_t *word = apps->wait_shm;

	__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
	if (syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) < 0)
		log_debug("futex wake on the wait shm failed: %d", errno);
}

static void wait_shm_close(struct ust_apps *apps)
{
	if (!apps->wait_shm)
		return;
	__atomic_store_n((int32_t *) apps->wait_shm, 0, __ATOMIC_SEQ_CST);
	munmap(apps->wait_shm, apps->wait_shm_size);
	apps->wait_shm = NULL;
}

/* ------------------------------------------------------------------------- */
/* Application objects.                                                       */

struct ust_app *ust_app_find(struct ust_apps *apps, uint64_t id)
{
	struct ust_app *app;

	if (!apps)
		return NULL;
	list_for_each_entry(app, &apps->apps, link)
		if (app->id == id)
			return app;
	return NULL;
}

static void ust_app_free(struct ust_app *app)
{
	sd_event_source_disable_unref(app->cmd_watch);
	sd_event_source_disable_unref(app->notify_watch);
	/* Unblock a worker stuck in a call on these sockets, then join it. */
	if (app->cmd_sock >= 0)
		shutdown(app->cmd_sock, SHUT_RDWR);
	if (app->notify_sock >= 0)
		shutdown(app->notify_sock, SHUT_RDWR);
	worker_queue_stop(app->queue);
	worker_queue_stop(app->notify_queue);
	if (app->cmd_sock >= 0)
		close(app->cmd_sock);
	if (app->notify_sock >= 0)
		close(app->notify_sock);
	ust_trace_app_forget(app->owner->daemon, app);
	list_remove(&app->link);
	app->owner->app_count--;
	free(app);
}

void ust_app_unregister(struct daemon *d, struct ust_app *app, const char *why)
{
	log_info("Application %s (pid %d) unregistered: %s", app->name, (int) app->pid, why);
	ust_trace_app_gone(app->owner->daemon, app);
	ust_app_free(app);
}

static int app_cmd_hangup_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ust_app *app = userdata;

	ust_app_unregister(NULL, app, "command socket closed");
	return 0;
}

/* ------------------------------------------------------------------------- */
/* Per-application jobs.                                                      */

struct app_job {
	struct worker_job base;
	uint64_t app_id;
	int sock;
	int result;
};

struct version_job {
	struct app_job base;
	struct lttng_ust_abi_tracer_version version;
};

static void version_job_run(struct worker_job *job)
{
	struct version_job *j = (struct version_job *) job;

	j->base.result = lttng_ust_ctl_tracer_version(j->base.sock, &j->version);
}

static void register_done_run(struct worker_job *job)
{
	struct app_job *j = (struct app_job *) job;

	j->result = lttng_ust_ctl_register_done(j->sock);
}

static void register_done_done(struct daemon *d, struct worker_job *job)
{
	struct app_job *j = (struct app_job *) job;
	struct ust_app *app = ust_app_find(d->apps, j->app_id);

	if (app && j->result < 0)
		ust_app_unregister(d, app, "registration failed");
	free(j);
}

/* The active sessions are set up in the application: let its constructor go on. */
static void app_sessions_ready(struct daemon *d, uint64_t app_id)
{
	struct ust_app *app = ust_app_find(d->apps, app_id);
	struct app_job *job;

	if (!app)
		return;
	app->settled = true;
	job = calloc(1, sizeof(*job));
	if (!job) {
		ust_app_unregister(d, app, "out of memory");
		return;
	}
	job->base.run = register_done_run;
	job->base.done = register_done_done;
	job->app_id = app->id;
	job->sock = app->cmd_sock;
	worker_queue_submit(app->queue, &job->base);
}

static void version_job_done(struct daemon *d, struct worker_job *job)
{
	struct version_job *j = (struct version_job *) job;
	struct ust_app *app = ust_app_find(d->apps, j->base.app_id);

	if (app) {
		if (j->base.result < 0) {
			ust_app_unregister(d, app, "registration failed");
		} else {
			app->version = j->version;
			app->has_version = true;
			app->state = UST_APP_READY;
			log_info("Application %s (pid %d, uid %d, lttng-ust %u.%u.%u) registered",
				 app->name, (int) app->pid, (int) app->uid, j->version.major,
				 j->version.minor, j->version.patchlevel);
			ust_trace_app_ready(d, app, app_sessions_ready);
		}
	}
	free(j);
}

/* Notify messages are received on the application's notify worker, never on the
 * loop (an application that sends half a message must not stall the daemon); the
 * loop answers them from the registries (ust-trace.c) and the same worker sends the
 * reply, so one application's messages stay in order. */
struct notify_job {
	struct app_job base;
	bool reply; /* the second half: send msg's reply */
	struct ust_notify_msg msg;
};

static int notify_receive(int fd, struct ust_notify_msg *m)
{
	int r = lttng_ust_ctl_recv_notify(fd, &m->cmd);

	if (r < 0)
		return r;
	switch (m->cmd) {
	case LTTNG_UST_CTL_NOTIFY_CMD_EVENT:
		return lttng_ust_ctl_recv_register_event(fd, &m->session_objd, &m->channel_objd, m->name,
							 &m->loglevel, &m->signature, &m->field_count,
							 &m->fields, &m->model_emf_uri);
	case LTTNG_UST_CTL_NOTIFY_CMD_CHANNEL:
		return lttng_ust_ctl_recv_register_channel(fd, &m->session_objd, &m->channel_objd,
							   &m->field_count, &m->fields);
	case LTTNG_UST_CTL_NOTIFY_CMD_ENUM:
		return lttng_ust_ctl_recv_register_enum(fd, &m->session_objd, m->name, &m->entries,
							&m->entry_count);
	default:
		return -EINVAL;
	}
}

static int notify_send_reply(int fd, const struct ust_notify_msg *m)
{
	switch (m->cmd) {
	case LTTNG_UST_CTL_NOTIFY_CMD_EVENT:
		return lttng_ust_ctl_reply_register_event(fd, (int) m->id, m->ret_code);
	case LTTNG_UST_CTL_NOTIFY_CMD_CHANNEL:
		return lttng_ust_ctl_reply_register_channel(fd, m->id, m->header_type, m->ret_code);
	case LTTNG_UST_CTL_NOTIFY_CMD_ENUM:
		return lttng_ust_ctl_reply_register_enum(fd, m->enum_id, m->ret_code);
	default:
		return -EINVAL;
	}
}

static void notify_job_run(struct worker_job *job)
{
	struct notify_job *j = (struct notify_job *) job;

	if (j->reply)
		j->base.result = notify_send_reply(j->base.sock, &j->msg);
	else
		j->base.result = notify_receive(j->base.sock, &j->msg);
}

static void notify_job_done(struct daemon *d, struct worker_job *job)
{
	struct notify_job *j = (struct notify_job *) job;
	struct ust_app *app = ust_app_find(d->apps, j->base.app_id);

	if (app && app->notify_watch && j->base.result >= 0 && !j->reply) {
		/* Answer, then listen again once the reply is sent. */
		ust_trace_handle_notify(d, app, &j->msg);
		j->reply = true;
		j->base.result = -ECANCELED;
		worker_queue_submit(app->notify_queue, &j->base.base);
		return;
	}
	if (app && app->notify_watch) {
		if (j->base.result < 0) {
			/* Unusable: closing it makes the app fail its registrations at once
			 * instead of waiting for its timeout on each. */
			app->notify_watch = sd_event_source_disable_unref(app->notify_watch);
			shutdown(app->notify_sock, SHUT_RDWR);
		} else
			(void) sd_event_source_set_enabled(app->notify_watch, SD_EVENT_ON);
	}
	ust_notify_msg_fini(&j->msg);
	free(j);
}

static int app_notify_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ust_app *app = userdata;
	struct notify_job *job;

	if (revents & (EPOLLHUP | EPOLLERR)) {
		app->notify_watch = sd_event_source_disable_unref(app->notify_watch);
		return 0;
	}
	job = calloc(1, sizeof(*job));
	if (!job)
		return 0;
	/* Quiet until the worker has consumed this message. */
	(void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
	job->base.base.run = notify_job_run;
	job->base.base.done = notify_job_done;
	job->base.app_id = app->id;
	job->base.sock = fd;
	worker_queue_submit(app->notify_queue, &job->base.base);
	return 0;
}

/* Both sockets known: watch them and finish the registration on the app's queue. */
static void ust_app_complete_registration(struct daemon *d, struct ust_app *app, int notify_sock)
{
	struct version_job *job = calloc(1, sizeof(*job));

	app->notify_sock = notify_sock;
	app->notify_queue = worker_queue_start_shared(&d->workers, WORKER_POOL_APP_NOTIFY);
	if (!job || !app->notify_queue ||
	    sd_event_add_io(d->loop, &app->notify_watch, notify_sock, EPOLLIN, app_notify_cb, app) < 0) {
		free(job);
		ust_app_unregister(d, app, "out of memory");
		return;
	}
	job->base.base.run = version_job_run;
	job->base.base.done = version_job_done;
	job->base.app_id = app->id;
	job->base.sock = app->cmd_sock;
	worker_queue_submit(app->queue, &job->base.base);
}

/* ------------------------------------------------------------------------- */
/* Registered sockets (the intake, ust-registration.c, read their messages).  */

struct orphan_notify {
	struct list_node link;
	pid_t pid;
	int sock;
	time_t since;
};

static struct ust_app *find_registering_app(struct ust_apps *apps, pid_t pid)
{
	struct ust_app *app;

	list_for_each_entry(app, &apps->apps, link)
		if (app->pid == pid && app->state == UST_APP_REGISTERING && app->notify_sock < 0)
			return app;
	return NULL;
}

void ust_app_add_command_socket(struct daemon *d, const struct ust_reg_info *r, int sock)
{
	struct ust_apps *apps = d->apps;
	struct ust_app *app = calloc(1, sizeof(*app));
	struct orphan_notify *o, *tmp;

	if (!app) {
		close(sock);
		return;
	}
	app->owner = apps;
	app->id = ++apps->next_app_id;
	app->state = UST_APP_REGISTERING;
	app->pid = (pid_t) r->pid;
	app->ppid = (pid_t) r->ppid;
	app->uid = (uid_t) r->uid;
	app->gid = (gid_t) r->gid;
	app->abi_major = r->major;
	app->abi_minor = r->minor;
	app->bits_per_long = r->bits_per_long;
	app->alignment_uint8 = r->align_u8;
	app->alignment_uint16 = r->align_u16;
	app->alignment_uint32 = r->align_u32;
	app->alignment_uint64 = r->align_u64;
	app->alignment_long = r->align_long;
	app->byte_order = r->byte_order;
	memcpy(app->name, r->name, sizeof(app->name));
	app->cmd_sock = sock;
	app->notify_sock = -1;
	list_init(&app->sessions);
	app->registration_time = time(NULL);
	list_append(&apps->apps, &app->link);
	apps->app_count++;
	app->queue = worker_queue_start_shared(&apps->daemon->workers, WORKER_POOL_APP_COMMANDS);
	/* Events 0 = only hang-ups and errors are reported. */
	if (!app->queue ||
	    sd_event_add_io(d->loop, &app->cmd_watch, app->cmd_sock, 0, app_cmd_hangup_cb, app) < 0) {
		ust_app_unregister(d, app, "cannot start its worker");
		return;
	}
	list_for_each_entry_safe(o, tmp, &apps->orphan_notify, link) {
		if (o->pid == app->pid) {
			int notify_sock = o->sock;

			list_remove(&o->link);
			apps->orphan_count--;
			free(o);
			ust_app_complete_registration(d, app, notify_sock);
			return;
		}
	}
}

bool ust_apps_expire_orphans(struct ust_apps *apps, int timeout_s)
{
	time_t now = time(NULL);
	struct orphan_notify *o, *tmp;

	list_for_each_entry_safe(o, tmp, &apps->orphan_notify, link) {
		if (now - o->since < timeout_s && apps->orphan_count <= UST_MAX_ORPHAN_NOTIFY)
			continue;
		log_debug("Application pid %d: notify socket without a command socket, closed",
			  (int) o->pid);
		close(o->sock);
		list_remove(&o->link);
		apps->orphan_count--;
		free(o);
	}
	return apps->orphan_count > 0;
}

void ust_apps_drop_orphans_of(struct ust_apps *apps, pid_t pid)
{
	struct orphan_notify *o, *tmp;

	list_for_each_entry_safe(o, tmp, &apps->orphan_notify, link) {
		if (o->pid != pid)
			continue;
		close(o->sock);
		list_remove(&o->link);
		apps->orphan_count--;
		free(o);
	}
}

bool ust_app_has_registering(struct ust_apps *apps, pid_t pid)
{
	return find_registering_app(apps, pid) != NULL;
}

bool ust_app_add_notify_socket(struct daemon *d, const struct ust_reg_info *r, int sock)
{
	struct ust_apps *apps = d->apps;
	struct ust_app *app = find_registering_app(apps, (pid_t) r->pid);
	struct orphan_notify *o;

	if (app) {
		ust_app_complete_registration(d, app, sock);
		return false;
	}
	/* Its command socket may come next; if it never does, the intake's timer
	 * closes this one (ust_apps_expire_orphans). */
	o = calloc(1, sizeof(*o));
	if (!o) {
		close(sock);
		return false;
	}
	o->pid = (pid_t) r->pid;
	o->sock = sock;
	o->since = time(NULL);
	list_append(&apps->orphan_notify, &o->link);
	apps->orphan_count++;
	return true;
}

/* ------------------------------------------------------------------------- */
/* Tracepoint listings (LIST_TRACEPOINTS, LIST_TRACEPOINT_FIELDS).            */

/* One listing across the applications: each one's job adds its entries. */
struct tracepoint_listing {
	struct operation *waiter; /* held until every application answered */
	struct event_listing *out;
	int outstanding;
};

struct list_job {
	struct app_job base;
	struct tracepoint_listing *listing; /* the loop's: run() does not touch it */
	bool with_fields;
	pid_t pid;
	size_t count;
	struct lttng_ust_abi_tracepoint_iter *tracepoints;
	struct lttng_ust_abi_field_iter *fields;
};

/* Grows an array of iterators; false when out of memory or over the limit. */
static bool grow_array(void **array, size_t *capacity, size_t count, size_t element)
{
	void *bigger;
	size_t new_capacity;

	if (count < *capacity)
		return true;
	/* No application gets to make the daemon hold more than 64K entries. */
	if (*capacity >= (1u << 16))
		return false;
	new_capacity = *capacity ? *capacity * 2 : 64;
	bigger = realloc(*array, new_capacity * element);
	if (!bigger)
		return false;
	*array = bigger;
	*capacity = new_capacity;
	return true;
}

static void list_job_run(struct worker_job *job)
{
	struct list_job *j = (struct list_job *) job;
	int sock = j->base.sock;
	size_t capacity = 0;
	int handle, r;

	handle = j->with_fields ? lttng_ust_ctl_tracepoint_field_list(sock)
					 : lttng_ust_ctl_tracepoint_list(sock);
	if (handle < 0) {
		j->base.result = handle;
		return;
	}
	for (;;) {
		if (j->with_fields) {
			if (!grow_array((void **) &j->fields, &capacity, j->count, sizeof(*j->fields)))
				break;
			r = lttng_ust_ctl_tracepoint_field_list_get(sock, handle, &j->fields[j->count]);
		} else {
			if (!grow_array((void **) &j->tracepoints, &capacity, j->count,
					sizeof(*j->tracepoints)))
				break;
			r = lttng_ust_ctl_tracepoint_list_get(sock, handle, &j->tracepoints[j->count]);
		}
		if (r < 0)
			break;
		j->count++;
	}
	(void) lttng_ust_ctl_release_handle(sock, handle);
}

/* Copies a fixed-size name an application sent, always terminated. */
static void copy_name(char *dst, size_t size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void list_job_done(struct daemon *d, struct worker_job *job)
{
	struct list_job *j = (struct list_job *) job;
	struct tracepoint_listing *l = j->listing;

	for (size_t i = 0; i < j->count; i++) {
		struct listed_event *e = event_listing_add(l->out);

		if (!e) {
			/* The listing stays bounded whatever the applications answer. */
			log_warn("Tracepoint listing truncated at %zu entries", l->out->count);
			break;
		}
		memset(e, 0, sizeof(*e));
		e->pid = j->pid;
		if (l->out->with_fields) {
			const struct lttng_ust_abi_field_iter *it = &j->fields[i];

			copy_name(e->name, sizeof(e->name), it->event_name, sizeof(it->event_name));
			copy_name(e->field_name, sizeof(e->field_name), it->field_name,
				  sizeof(it->field_name));
			e->loglevel = it->loglevel;
			e->has_field = true;
			e->field_type = it->type;
			e->field_nowrite = it->nowrite;
		} else {
			copy_name(e->name, sizeof(e->name), j->tracepoints[i].name,
				  sizeof(j->tracepoints[i].name));
			e->loglevel = j->tracepoints[i].loglevel;
		}
	}
	free(j->tracepoints);
	free(j->fields);
	free(j);
	if (--l->outstanding == 0) {
		operation_release(d, l->waiter);
		free(l);
	}
}

enum lttng_error_code ust_apps_list_tracepoints(struct daemon *d, struct event_listing *out,
			      struct operation *waiter)
{
	struct tracepoint_listing *l = calloc(1, sizeof(*l));
	struct ust_app *app;
	int submitted = 0;

	if (!l)
		return LTTNG_ERR_NOMEM;
	l->waiter = waiter;
	l->out = out;
	/* Held until every job is submitted, so an early completion cannot finish. */
	l->outstanding = 1;
	if (d->apps) {
		list_for_each_entry(app, &d->apps->apps, link) {
			struct list_job *j;

			if (app->state != UST_APP_READY)
				continue;
			j = calloc(1, sizeof(*j));
			if (!j)
				continue;
			j->base.base.run = list_job_run;
			j->base.base.done = list_job_done;
			j->base.app_id = app->id;
			j->base.sock = app->cmd_sock;
			j->listing = l;
			j->with_fields = out->with_fields;
			j->pid = app->pid;
			l->outstanding++;
			submitted++;
			worker_queue_submit(app->queue, &j->base.base);
		}
	}
	if (submitted == 0) {
		free(l); /* nothing to wait for */
		return LTTNG_OK;
	}
	/* Completions always come back through the loop, never from this call. */
	l->outstanding--;
	operation_hold(waiter);
	return LTTNG_OK;
}

/* ------------------------------------------------------------------------- */
/* Start and stop.                                                            */

int ust_apps_start(struct daemon *d)
{
	const struct sessiond_config *cfg = d->cfg;
	struct ust_apps *apps = calloc(1, sizeof(*apps));
	int r;

	if (!apps)
		return -ENOMEM;
	d->apps = apps;
	apps->daemon = d;
	list_init(&apps->apps);
	list_init(&apps->orphan_notify);
	apps->consumer_death.died = ust_trace_consumer_died;
	consumer_death_subscribe(d, &apps->consumer_death);
	r = ust_registration_start(d, apps);
	if (r < 0)
		return r;
	/* Only once the socket listens may waiting applications be woken. */
	r = wait_shm_open(cfg, apps);
	if (r < 0)
		return r;
	wait_shm_wake(apps);
	return 0;
}

void ust_apps_stop(struct daemon *d)
{
	struct ust_apps *apps = d->apps;
	struct orphan_notify *o, *otmp;

	if (!apps)
		return;
	consumer_death_unsubscribe(&apps->consumer_death);
	wait_shm_close(apps);
	ust_registration_stop(d, apps);
	while (!list_is_empty(&apps->apps))
		ust_app_free(container_of(apps->apps.next, struct ust_app, link));
	list_for_each_entry_safe(o, otmp, &apps->orphan_notify, link) {
		close(o->sock);
		free(o);
	}
	/* Jobs that complete from now on (applied when the daemon's worker service
	 * ends) find d->apps NULL: they only free themselves. */
	d->apps = NULL;
	free(apps);
}
