/* SPDX-License-Identifier: GPL-2.0-only */
/* Rotations of local sessions; see rotation.h. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "client/rotation.h"
#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "core/fs-as.h"
#include "domain/domain.h"
#include "log.h"
#include "macros.h"

#define ARCHIVES_DIR "archives"

struct rotation {
	struct operation domains; /* held by the domains while they finish the files */
	struct fs_job fs;
	uint64_t session_id;
	struct session *destroyed; /* a destroy's session (out of the registry), or NULL */
	struct operation *waiter;  /* held until the archive is made (destroy), or NULL */
	bool from_root;		   /* the chunk archived is the output root itself */
	char output[PATH_MAX];
	char old_dir[PATH_MAX];
	char archive[PATH_MAX];
	char new_dir[PATH_MAX]; /* "" when the session does not go on recording */
	struct session_chunks before; /* the session's chunks as they were (a failed mkdir) */
	bool relay;		      /* streamed: the relay daemon archives the chunk */
	unsigned subdir_count;
	const char *subdirs[DOMAIN_INDEX_COUNT]; /* each domain's directory in a chunk */
};

void rotation_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y%m%dT%H%M%S%z", &tm) == 0)
		snprintf(buf, size, "%lld", (long long) t);
}

enum lttng_error_code rotation_check(struct daemon *d, const struct session *s)
{
	enum lttng_error_code r;

	if (!s->has_been_started)
		return LTTNG_ERR_START_SESSION_ONCE;
	if (s->live_timer_us || s->snapshot_mode ||
	    (s->output != SESSION_OUTPUT_LOCAL && !session_streams_to_relay(s)))
		return LTTNG_ERR_ROTATION_NOT_AVAILABLE;
	r = domains_can_rotate(d, s);
	if (r != LTTNG_OK)
		return r;
	if (s->chunks.state == LTTNG_ROTATION_STATE_ONGOING || s->chunks.clearing ||
	    s->start_pending)
		return LTTNG_ERR_ROTATION_PENDING;
	if (s->chunks.rotated_after_stop)
		return LTTNG_ERR_ROTATION_MULTIPLE_AFTER_STOP;
	return LTTNG_OK;
}

/* ------------------------------------------------------------------------- */
/* The worker's part, as the session's user.                                  */

/* The directory each of the session's recording domains has in a chunk ("ust",
 * "kernel"); their count. */
static unsigned chunk_subdirs(const struct daemon *d, const struct session *s,
			      const char *out[DOMAIN_INDEX_COUNT])
{
	unsigned n = 0;

	for (int i = 0; i < DOMAIN_INDEX_COUNT; i++)
		if (s->domains[i].exists && d->domains[i] && d->domains[i]->output_subdir)
			out[n++] = d->domains[i]->output_subdir;
	return n;
}


/* <dir>/<domain> for each domain (a chunk holds them even before any data). */
static int make_chunk_dirs(const char *dir, const char *const *subdirs, unsigned count)
{
	char path[PATH_MAX];
	int e = fs_mkdir_parents(dir, 0770);

	for (unsigned i = 0; i < count && e == 0; i++) {
		if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]) >= sizeof(path))
			return -ENAMETOOLONG;
		e = fs_mkdir_parents(path, 0770);
	}
	if (e < 0)
		log_error_errno(e, "Cannot create the trace chunk %s", dir);
	return e;
}

static int make_new_chunk(struct fs_job *fs)
{
	struct rotation *r = container_of(fs, struct rotation, fs);

	return make_chunk_dirs(r->new_dir, r->subdirs, r->subdir_count);
}

/* Moves the finished chunk under archives/ (a rename: readers never see it half
 * there). The first chunk is the output root: its domain directories move into a
 * new archive directory. */
static int archive_chunk(struct fs_job *fs)
{
	struct rotation *r = container_of(fs, struct rotation, fs);
	char archives[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	int e;

	if ((size_t) snprintf(archives, sizeof(archives), "%s/" ARCHIVES_DIR, r->output) >=
	    sizeof(archives))
		return -ENAMETOOLONG;
	e = fs_mkdir_parents(archives, 0770);
	if (e < 0)
		goto fail;
	if (!r->from_root) {
		e = rename(r->old_dir, r->archive) == 0 ? 0 : -errno;
		goto done;
	}
	e = fs_mkdir_parents(r->archive, 0770);
	for (unsigned i = 0; i < r->subdir_count && e == 0; i++) {
		if ((size_t) snprintf(from, sizeof(from), "%s/%s", r->old_dir, r->subdirs[i]) >=
			    sizeof(from) ||
		    (size_t) snprintf(to, sizeof(to), "%s/%s", r->archive, r->subdirs[i]) >= sizeof(to))
			return -ENAMETOOLONG;
		e = rename(from, to) == 0 ? 0 : -errno;
		if (e == -ENOENT)
			e = fs_mkdir_parents(to, 0770); /* nothing was recorded in that domain */
	}
done:
	if (e == 0)
		return 0;
fail:
	log_error_errno(e, "Rotation: cannot archive the trace chunk %s as %s", r->old_dir,
			r->archive);
	return e;
}

/* ------------------------------------------------------------------------- */
/* The loop's part.                                                           */

static struct session *session_of(struct daemon *d, const struct rotation *r)
{
	return r->destroyed ? r->destroyed : session_find_by_id(d->sessions, r->session_id);
}

static void finish(struct daemon *d, struct rotation *r, int code)
{
	struct session *s = session_of(d, r);

	if (s) {
		s->chunks.state = code == LTTNG_OK ? LTTNG_ROTATION_STATE_COMPLETED
						   : LTTNG_ROTATION_STATE_ERROR;
		/* A relay daemon's archive: its path came with the domains' answers. */
		if (code == LTTNG_OK && !r->relay) {
			(void) copy_string(s->chunks.last_archive, sizeof(s->chunks.last_archive),
					   r->archive);
			s->chunks.last_archive_on_relay = false;
		}
		if (code == LTTNG_OK)
			log_info("Session \"%s\": trace chunk archived as %s", s->name,
				 s->chunks.last_archive);
	}
	if (r->waiter)
		operation_release(d, r->waiter);
	free(r);
}

static void archived(struct daemon *d, struct fs_job *fs)
{
	struct rotation *r = container_of(fs, struct rotation, fs);

	finish(d, r, fs->result == 0 ? LTTNG_OK : LTTNG_ERR_ROTATE_RENAME_FAIL_CONSUMER);
}

/* The domains finished the chunk's files: archive it. */
static void domains_done(struct daemon *d, struct operation *op)
{
	struct rotation *r = container_of(op, struct rotation, domains);

	if (op->code != LTTNG_OK && !r->destroyed) {
		finish(d, r, op->code);
		return;
	}
	if (!session_of(d, r)) {
		/* Destroyed meanwhile: its destroy closes the chunk's files later, so
		 * the chunk stays where it is rather than be archived half-written. */
		finish(d, r, LTTNG_ERR_ROTATION_FAIL_CONSUMER);
		return;
	}
	if (r->relay) {
		finish(d, r, LTTNG_OK); /* the relay daemon archived it */
		return;
	}
	r->fs.work = archive_chunk;
	r->fs.done = archived;
	fs_job_submit(d, &r->fs);
}

static void new_chunk_made(struct daemon *d, struct fs_job *fs)
{
	struct rotation *r = container_of(fs, struct rotation, fs);
	struct session *s = session_of(d, r);
	int code = fs->result == 0 ? LTTNG_OK : LTTNG_ERR_CREATE_DIR_FAIL;

	if (s && code != LTTNG_OK) {
		/* Nothing moved yet: the session goes on in the chunk it had. */
		memcpy(s->chunks.dir, r->before.dir, sizeof(s->chunks.dir));
		s->chunks.index = r->before.index;
		s->chunks.begin = r->before.begin;
		s->chunks.rotated = r->before.rotated;
	}
	if (s && code == LTTNG_OK)
		code = domains_rotate(d, s, r->new_dir, &r->domains);
	if (code != LTTNG_OK)
		operation_fail(&r->domains, code);
	operation_release(d, &r->domains);
}

static struct rotation *rotation_new(struct daemon *d, struct session *s, time_t end)
{
	struct rotation *r = calloc(1, sizeof(*r));
	char begin_s[64], end_s[64];

	if (!r)
		return NULL;
	r->session_id = s->id;
	r->fs.uid = s->uid;
	r->fs.gid = s->gid;
	r->from_root = !s->chunks.dir[0];
	rotation_format_time(s->chunks.begin, begin_s, sizeof(begin_s));
	rotation_format_time(end, end_s, sizeof(end_s));
	if (copy_string(r->output, sizeof(r->output), s->output_path) < 0 ||
	    copy_string(r->old_dir, sizeof(r->old_dir), session_trace_dir(s)) < 0 ||
	    (size_t) snprintf(r->archive, sizeof(r->archive), "%s/" ARCHIVES_DIR "/%s-%s-%llu",
			      s->output_path, begin_s, end_s,
			      (unsigned long long) s->chunks.index) >= sizeof(r->archive)) {
		free(r);
		return NULL;
	}
	r->subdir_count = chunk_subdirs(d, s, r->subdirs);
	operation_init(&r->domains, domains_done);
	return r;
}

void rotation_open_chunk(struct session *s)
{
	char begin_s[64];
	time_t now = time(NULL);

	s->chunks.begin = now;
	s->chunks.closed = false;
	if (!s->chunks.rotated) {
		/* Never rotated (only cleared): the chunk is the output root, as LTTng's. */
		s->chunks.dir[0] = '\0';
		return;
	}
	rotation_format_time(now, begin_s, sizeof(begin_s));
	if ((size_t) snprintf(s->chunks.dir, sizeof(s->chunks.dir), "%s/%s-%llu", s->output_path,
			      begin_s, (unsigned long long) s->chunks.index) >= sizeof(s->chunks.dir))
		s->chunks.dir[0] = '\0'; /* cannot happen: the output path was bounded */
	s->chunks.begin = now;
	s->chunks.closed = false;
}

enum lttng_error_code rotation_start(struct daemon *d, struct session *s, struct operation *waiter)
{
	time_t now = time(NULL);
	struct rotation *r = rotation_new(d, s, now);
	int code;

	if (!r)
		return LTTNG_ERR_NOMEM;
	r->waiter = waiter;
	if (waiter)
		operation_hold(waiter);
	r->before = s->chunks;
	r->relay = session_streams_to_relay(s);
	s->chunks.relay_close_command = CONSUMER_CHUNK_ARCHIVE;
	s->chunks.relay_closing_id = s->chunks.index;
	s->chunks.state = LTTNG_ROTATION_STATE_ONGOING;
	s->chunks.last_id = s->chunks.index;
	s->chunks.rotated = true;
	s->chunks.index++;
	s->chunks.cleared_after_stop = false;
	if (!s->active) {
		/* Nothing records: no new chunk until the next start. */
		s->chunks.rotated_after_stop = true;
		s->chunks.closed = true;
		code = domains_rotate(d, s, NULL, &r->domains);
		if (code != LTTNG_OK)
			operation_fail(&r->domains, code);
		operation_release(d, &r->domains);
		return LTTNG_OK;
	}
	if (r->relay) {
		/* The relay daemon makes the new chunk (RELAY_CHUNK_NEW): "" names it. */
		s->chunks.begin = now;
		s->chunks.closed = false;
		code = domains_rotate(d, s, "", &r->domains);
		if (code != LTTNG_OK)
			operation_fail(&r->domains, code);
		operation_release(d, &r->domains);
		return LTTNG_OK;
	}
	rotation_open_chunk(s);
	(void) copy_string(r->new_dir, sizeof(r->new_dir), s->chunks.dir);
	r->fs.work = make_new_chunk;
	r->fs.done = new_chunk_made;
	fs_job_submit(d, &r->fs);
	return LTTNG_OK;
}

static void size_schedule_update(struct daemon *d, struct session *s);

/* ------------------------------------------------------------------------- */
/* The periodic schedule.                                                     */

struct schedule_tick {
	struct daemon *d;
	uint64_t session_id;
};

static int schedule_tick_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct schedule_tick *t = userdata;
	struct session *s = session_find_by_id(t->d->sessions, t->session_id);
	enum lttng_error_code r;

	if (!s) {
		/* Being destroyed: its end frees the source; no tick until then. */
		(void) sd_event_source_set_enabled(src, SD_EVENT_OFF);
		return 0;
	}
	r = rotation_check(t->d, s);
	if (r == LTTNG_OK)
		r = rotation_start(t->d, s, NULL);
	if (r != LTTNG_OK)
		log_info("Session \"%s\": scheduled rotation not done (LTTng error %d)", s->name,
			 (int) r);
	(void) sd_event_source_set_time_relative(src, s->rotate_periodic_us);
	return 0;
}

void rotation_schedule_update(struct daemon *d, struct session *s)
{
	struct schedule_tick *t;
	sd_event_source *src = NULL;

	size_schedule_update(d, s);
	/* As LTTng's: armed by the first start with a schedule (or by the schedule of
	 * an active session), it runs until the schedule is removed or the session
	 * destroyed; ticks of a stopped session are refused but the first one. */
	if (!s->rotate_periodic_set) {
		s->chunks.timer = sd_event_source_disable_unref(s->chunks.timer);
		return;
	}
	if (s->chunks.timer || !s->active)
		return;
	t = calloc(1, sizeof(*t));
	if (!t)
		return;
	t->d = d;
	t->session_id = s->id;
	if (sd_event_add_time_relative(d->loop, &src, CLOCK_MONOTONIC, s->rotate_periodic_us, 0,
				       schedule_tick_cb, t) < 0) {
		log_error("Session \"%s\": cannot arm its rotation timer", s->name);
		free(t);
		return;
	}
	(void) sd_event_source_set_destroy_callback(src, free);
	(void) sd_event_source_set_enabled(src, SD_EVENT_ON);
	s->chunks.timer = src;
}

/* The size schedule (enable-rotation --size): every second while it is set (LTTng's
 * monitor period), the session's consumers say what they wrote; at the threshold
 * the session rotates and the next threshold is that much further, as LTTng
 * subscribes again at consumed + size (T:rotation-thread.c). */
#define SIZE_CHECK_PERIOD_US 1000000u

struct size_check {
	struct consumed_query q;
	struct daemon *d;
	uint64_t session_id;
	bool busy;	 /* a query is under way */
	bool timer_gone; /* its event source was released: free once idle */
};

static void size_check_release(void *userdata)
{
	struct size_check *c = userdata;

	c->timer_gone = true;
	if (!c->busy)
		free(c);
}

static void size_answered(struct daemon *d, struct operation *op)
{
	struct size_check *c = container_of(op, struct size_check, q.op);
	struct session *s = c->timer_gone ? NULL : session_find_by_id(d->sessions, c->session_id);

	c->busy = false;
	if (c->timer_gone) {
		free(c);
		return;
	}
	if (!s || !s->rotate_size_set || c->q.total < s->chunks.size_threshold)
		return;
	if (rotation_check(d, s) == LTTNG_OK && rotation_start(d, s, NULL) != LTTNG_OK)
		log_error("Session \"%s\": the size-based rotation failed to start", s->name);
	s->chunks.size_threshold = c->q.total + s->rotate_size_bytes;
}

static int size_tick_cb(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct size_check *c = userdata;
	struct session *s = session_find_by_id(c->d->sessions, c->session_id);

	if (s && !c->busy) {
		c->busy = true;
		c->q.total = 0;
		operation_init(&c->q.op, size_answered);
		(void) domains_consumed_size(c->d, s, &c->q);
		operation_release(c->d, &c->q.op);
	}
	(void) sd_event_source_set_time_relative(src, SIZE_CHECK_PERIOD_US);
	return 0;
}

static void size_schedule_update(struct daemon *d, struct session *s)
{
	struct size_check *c;
	sd_event_source *src = NULL;

	if (!s->rotate_size_set) {
		s->chunks.size_timer = sd_event_source_disable_unref(s->chunks.size_timer);
		s->chunks.size_threshold = 0;
		return;
	}
	if (s->chunks.size_timer || !s->active)
		return;
	if (!s->chunks.size_threshold)
		s->chunks.size_threshold = s->rotate_size_bytes;
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->d = d;
	c->session_id = s->id;
	if (sd_event_add_time_relative(d->loop, &src, CLOCK_MONOTONIC, SIZE_CHECK_PERIOD_US, 0,
				       size_tick_cb, c) < 0) {
		log_error("Session \"%s\": cannot arm its size checks", s->name);
		free(c);
		return;
	}
	(void) sd_event_source_set_destroy_callback(src, size_check_release);
	(void) sd_event_source_set_enabled(src, SD_EVENT_ON);
	s->chunks.size_timer = src;
}

struct operation *rotation_on_destroy(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct rotation *r;

	/* A rotation or clear under way keeps the chunk it works on (see domains_done). */
	if (!s->chunks.rotated || s->chunks.closed || s->output != SESSION_OUTPUT_LOCAL ||
	    s->chunks.state == LTTNG_ROTATION_STATE_ONGOING || s->chunks.clearing)
		return waiter;
	r = rotation_new(d, s, time(NULL));
	if (!r)
		return waiter; /* the chunk stays where it is */
	r->destroyed = s;
	r->waiter = waiter;
	s->chunks.archived_at_destroy = true;
	operation_hold(waiter);
	s->chunks.state = LTTNG_ROTATION_STATE_ONGOING;
	s->chunks.last_id = s->chunks.index;
	return &r->domains;
}

/* ------------------------------------------------------------------------- */
/* Clear (LTTng's cmd_clear_session, T:clear.c): the buffers are emptied, then  */
/* the current chunk's files are closed and deleted; an active session goes on */
/* in a new chunk (the output root while the session never rotated).          */

/* A streaming session's clear is a rotation whose previous chunk the relay daemon
 * deletes (LTTng's, T:clear.c): CLEAR_BUFFERS, then CLEAR_RELAY. */
enum clear_phase {
	CLEAR_BUFFERS,
	CLEAR_CLOSE,
	CLEAR_DELETE,
	CLEAR_REOPEN,
	CLEAR_RELAY,
	CLEAR_DONE
};

struct clear_job {
	struct operation steps; /* the domains' part of the current phase */
	struct fs_job fs;
	uint64_t session_id;
	struct operation *waiter; /* held: the client's reply */
	enum clear_phase phase;
	bool files;  /* the session writes a local trace: its chunk goes */
	bool relay;  /* the session streams: its chunk goes on the relay daemon */
	bool reopen; /* the session records: a new chunk starts */
	bool from_root;
	int code;
	/* The session's chunks before the clear, back if its buffers could not be
	 * emptied (then no chunk changes, here or on the relay daemon). */
	struct session_chunks chunks_before;
	char old_dir[PATH_MAX];
	char new_dir[PATH_MAX];
	unsigned subdir_count;
	const char *subdirs[DOMAIN_INDEX_COUNT];
};

static void clear_next(struct daemon *d, struct operation *op);
static void clear_after_delete(struct daemon *d, struct fs_job *fs);
static void clear_finish(struct daemon *d, struct clear_job *j);

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int r = flag == FTW_DP ? rmdir(path) : unlink(path);

	return r == 0 || errno == ENOENT ? 0 : -errno;
}

/* rm -rf, never following a link; a tree that is not there is no error. */
static int remove_tree(const char *path)
{
	int r = nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);

	return r == 0 || errno == ENOENT ? 0 : (r < 0 ? -errno : r);
}

static int delete_chunk(struct fs_job *fs)
{
	struct clear_job *j = container_of(fs, struct clear_job, fs);
	char path[PATH_MAX];
	int e = 0;

	if (!j->from_root)
		e = remove_tree(j->old_dir);
	for (unsigned i = 0; i < j->subdir_count && e == 0 && j->from_root; i++) {
		if ((size_t) snprintf(path, sizeof(path), "%s/%s", j->old_dir, j->subdirs[i]) >=
		    sizeof(path))
			return -ENAMETOOLONG;
		e = remove_tree(path);
	}
	if (e < 0)
		log_error_errno(e, "Clear: cannot delete the trace chunk in %s", j->old_dir);
	return e;
}

static int make_clear_chunk(struct fs_job *fs)
{
	struct clear_job *j = container_of(fs, struct clear_job, fs);

	return make_chunk_dirs(j->new_dir, j->subdirs, j->subdir_count);
}

/* Runs the next phase with the domains, holding j->steps. */
static void clear_phase_domains(struct daemon *d, struct clear_job *j, struct session *s)
{
	int r = LTTNG_OK;

	operation_init(&j->steps, clear_next);
	switch (j->phase) {
	case CLEAR_BUFFERS:
		r = domains_clear_buffers(d, s, &j->steps);
		break;
	case CLEAR_CLOSE:
		r = domains_rotate(d, s, NULL, &j->steps);
		break;
	case CLEAR_REOPEN:
		r = domains_rotate(d, s, j->new_dir, &j->steps);
		break;
	case CLEAR_RELAY:
		r = domains_rotate(d, s, j->reopen ? "" : NULL, &j->steps);
		break;
	default:
		break;
	}
	if (r != LTTNG_OK)
		operation_fail(&j->steps, r);
	operation_release(d, &j->steps);
}

static void clear_fs_done(struct daemon *d, struct fs_job *fs)
{
	struct clear_job *j = container_of(fs, struct clear_job, fs);
	struct session *s = session_find_by_id(d->sessions, j->session_id);

	if (fs->result < 0 && j->code == LTTNG_OK)
		j->code = LTTNG_ERR_CLEAR_FAIL_CONSUMER;
	/* The files are closed: whatever failed, a recording session gets new ones
	 * (the consumers make their directories themselves if need be). */
	if (!s || !j->reopen) {
		clear_finish(d, j);
		return;
	}
	j->phase = CLEAR_REOPEN;
	clear_phase_domains(d, j, s);
}

static void clear_finish(struct daemon *d, struct clear_job *j)
{
	struct session *s = session_find_by_id(d->sessions, j->session_id);

	if (s)
		s->chunks.clearing = false;
	if (j->code != LTTNG_OK)
		operation_fail(j->waiter, j->code);
	operation_release(d, j->waiter);
	free(j);
}

static void clear_next(struct daemon *d, struct operation *op)
{
	struct clear_job *j = container_of(op, struct clear_job, steps);
	struct session *s = session_find_by_id(d->sessions, j->session_id);

	if (op->code != LTTNG_OK && j->code == LTTNG_OK)
		j->code = op->code == LTTNG_ERR_ROTATION_FAIL_CONSUMER ? LTTNG_ERR_CLEAR_FAIL_CONSUMER
									: op->code;
	if (s && j->phase == CLEAR_BUFFERS && (j->relay || j->files) && j->code != LTTNG_OK)
		s->chunks = j->chunks_before; /* clearing ends in clear_finish */
	if (!s || j->phase == CLEAR_DONE || (j->phase == CLEAR_BUFFERS && !j->files && !j->relay) ||
	    j->phase == CLEAR_REOPEN || j->phase == CLEAR_RELAY ||
	    (j->phase == CLEAR_BUFFERS && j->code != LTTNG_OK)) {
		clear_finish(d, j);
		return;
	}
	if (j->phase == CLEAR_BUFFERS && j->relay) {
		j->phase = CLEAR_RELAY;
		clear_phase_domains(d, j, s);
		return;
	}
	switch (j->phase) {
	case CLEAR_BUFFERS:
		j->phase = CLEAR_CLOSE;
		clear_phase_domains(d, j, s);
		return;
	case CLEAR_CLOSE:
		if (j->code != LTTNG_OK) {
			/* Not every file may be closed: delete nothing; a recording
			 * session still gets its new files. */
			if (!j->reopen) {
				clear_finish(d, j);
				return;
			}
			j->phase = CLEAR_REOPEN;
			clear_phase_domains(d, j, s);
			return;
		}
		/* Closed everywhere: the chunk's files go, off the loop. */
		j->phase = CLEAR_DELETE;
		j->fs.work = delete_chunk;
		j->fs.done = clear_after_delete;
		fs_job_submit(d, &j->fs);
		return;
	default:
		clear_finish(d, j);
		return;
	}
}

static void clear_after_delete(struct daemon *d, struct fs_job *fs)
{
	struct clear_job *j = container_of(fs, struct clear_job, fs);

	if (fs->result < 0 || !j->reopen) {
		clear_fs_done(d, fs);
		return;
	}
	/* The new chunk's directories, then the domains open their files there. */
	j->fs.work = make_clear_chunk;
	j->fs.done = clear_fs_done;
	fs_job_submit(d, &j->fs);
}

enum lttng_error_code clear_start(struct daemon *d, struct session *s, struct operation *waiter)
{
	struct clear_job *j;

	if (s->chunks.state == LTTNG_ROTATION_STATE_ONGOING || s->chunks.clearing ||
	    s->start_pending)
		return LTTNG_ERR_ROTATION_PENDING;
	if (!s->has_been_started ||
	    (!s->active && (s->chunks.cleared_after_stop || s->chunks.rotated_after_stop)))
		return LTTNG_OK; /* nothing recorded since: nothing to clear (LTTng's) */
	j = calloc(1, sizeof(*j));
	if (!j)
		return LTTNG_ERR_NOMEM;
	j->session_id = s->id;
	j->waiter = waiter;
	j->code = LTTNG_OK;
	j->fs.uid = s->uid;
	j->fs.gid = s->gid;
	j->files = s->output == SESSION_OUTPUT_LOCAL && !s->snapshot_mode;
	j->relay = session_streams_to_relay(s);
	j->chunks_before = s->chunks;
	if (j->relay) {
		/* The relay daemon deletes the chunk and, recording, makes the next. */
		s->chunks.relay_close_command = CONSUMER_CHUNK_DELETE;
		s->chunks.relay_closing_id = s->chunks.index;
		s->chunks.index++;
		if (s->active) {
			j->reopen = true;
			s->chunks.begin = time(NULL);
		} else {
			s->chunks.closed = true;
			s->chunks.rotated_after_stop = true;
		}
	}
	if (j->files) {
		j->from_root = !s->chunks.dir[0];
		if (copy_string(j->old_dir, sizeof(j->old_dir), session_trace_dir(s)) < 0) {
			free(j);
			return LTTNG_ERR_NOMEM;
		}
		j->subdir_count = chunk_subdirs(d, s, j->subdirs);
		s->chunks.index++;
		if (s->active) {
			j->reopen = true;
			rotation_open_chunk(s);
			(void) copy_string(j->new_dir, sizeof(j->new_dir), session_trace_dir(s));
		} else {
			s->chunks.closed = true;
			s->chunks.rotated_after_stop = true;
		}
	}
	if (!s->active)
		s->chunks.cleared_after_stop = true;
	s->chunks.clearing = true;
	operation_hold(waiter);
	j->phase = CLEAR_BUFFERS;
	clear_phase_domains(d, j, s);
	return LTTNG_OK;
}
