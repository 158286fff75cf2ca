/* SPDX-License-Identifier: GPL-2.0-only */
/* Session life cycle commands: create, destroy, list, start, stop, data pending,
 * shm path, regenerate, clear (doc/protocol/client.md, per-command sections). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client-op.h"
#include "client/commands.h"
#include "client/rotation.h"
#include "domain/domain.h"
#include "core/fs-as.h"
#include "log.h"
#include "macros.h"

#define DEFAULT_TRACE_DIR_NAME "lttng-traces"

/* "YYYYmmdd-HHMMSS" in local time, optionally preceded by a dash. */
static void format_datetime(time_t t, bool leading_dash, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, leading_dash ? "-%Y%m%d-%H%M%S" : "%Y%m%d-%H%M%S", &tm);
}

/* Picks "auto-<datetime>", then "auto1-<datetime>", ... (doc/protocol/client.md). */
static int generate_session_name(struct session_registry *reg, time_t now, char *buf,
				 size_t size)
{
	char datetime[16];

	format_datetime(now, false, datetime, sizeof(datetime));
	for (int i = 0; i < 100000; i++) {
		if (i == 0)
			snprintf(buf, size, "auto-%s", datetime);
		else
			snprintf(buf, size, "auto%d-%s", i, datetime);
		if (!session_find(reg, buf))
			return 0;
	}
	return -1;
}

static bool session_name_is_valid(const char *name)
{
	return strchr(name, '/') == NULL;
}

static void session_set_network_path(struct session *s)
{
	char control[PATH_MAX + 64];
	unsigned data_port = s->uri_count > 1 ? s->uris[1].port : 5343;

	uri_to_display(&s->uris[0], control, sizeof(control));
	snprintf(s->output_path, sizeof(s->output_path), "%.4000s [data: %u]", control, data_port);
}

/* Local outputs are absolute and may not walk up the directory tree; network
 * subdirectories neither (LTTng's own rules, T:cmd.c add_uri_to_consumer). */
static bool uris_are_acceptable(const struct wire_uri *uris, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		const struct wire_uri *u = &uris[i];

		if (u->dtype == WIRE_URI_PATH &&
		    (u->dst.path[0] != '/' || strstr(u->dst.path, "../")))
			return false;
		if (u->dtype != WIRE_URI_PATH && strstr(u->subdir, "../"))
			return false;
	}
	return true;
}

static int session_set_output(struct session *s, struct decoded_descriptor *desc,
			      const char *home)
{
	char datetime[24] = "";

	if (desc->output_type == WIRE_OUTPUT_NONE)
		return LTTNG_OK;
	if (desc->output_type == WIRE_OUTPUT_LOCAL && desc->uri_count == 0) {
		/* Default: <home>/lttng-traces/<name>[-<creation datetime>]. */
		if (!home)
			return LTTNG_ERR_INVALID;
		if (!s->auto_named)
			format_datetime(s->creation_time, true, datetime,
					sizeof(datetime));
		memset(&desc->uris[0], 0, sizeof(desc->uris[0]));
		desc->uris[0].dtype = WIRE_URI_PATH;
		if (snprintf(desc->uris[0].dst.path, sizeof(desc->uris[0].dst.path), "%s/%s/%s%s", home,
			     DEFAULT_TRACE_DIR_NAME, s->name, datetime) >= WIRE_PATH_MAX)
			return LTTNG_ERR_SET_URL;
		desc->uri_count = 1;
	} else if (desc->output_type == WIRE_OUTPUT_NETWORK && desc->uri_count == 0) {
		/* Default network output: net://127.0.0.1 (control 5342, data 5343). */
		for (int i = 0; i < 2; i++) {
			memset(&desc->uris[i], 0, sizeof(desc->uris[i]));
			desc->uris[i].dtype = WIRE_URI_IPV4;
			desc->uris[i].stype = i == 0 ? WIRE_URI_CONTROL : WIRE_URI_DATA;
			desc->uris[i].proto = 1; /* TCP */
			desc->uris[i].port = i == 0 ? 5342 : 5343;
			strcpy(desc->uris[i].dst.ipv4, "127.0.0.1");
		}
		desc->uri_count = 2;
	}
	if (!uris_are_acceptable(desc->uris, desc->uri_count))
		return LTTNG_ERR_INVALID;
	memcpy(s->uris, desc->uris, sizeof(s->uris));
	s->uri_count = desc->uri_count;
	if (desc->output_type == WIRE_OUTPUT_LOCAL) {
		if (desc->uris[0].dtype != WIRE_URI_PATH)
			return LTTNG_ERR_INVALID;
		s->output = SESSION_OUTPUT_LOCAL;
		(void) copy_string(s->output_path, sizeof(s->output_path), desc->uris[0].dst.path);
	} else {
		s->output = SESSION_OUTPUT_NETWORK;
		session_set_network_path(s);
	}
	if (desc->type == WIRE_DESCRIPTOR_SNAPSHOT) {
		struct snapshot_output *o = calloc(1, sizeof(*o));

		if (!o)
			return LTTNG_ERR_NOMEM;
		o->id = s->next_snapshot_output_id++;
		snprintf(o->name, sizeof(o->name), "snapshot-%u", o->id);
		snapshot_output_set_uris(o, s->uris, s->uri_count);
		list_append(&s->snapshot_outputs, &o->link);
		/* A snapshot session records nothing continuously. */
		s->output = SESSION_OUTPUT_NONE;
		s->output_path[0] = '\0';
	}
	return LTTNG_OK;
}

enum lttng_error_code cmd_create_session(struct command_ctx *ctx)
{
	const struct client_request *req = ctx->req;
	size_t home_len = req->header->u.create_session.home_dir_size;
	struct decoded_descriptor desc;
	char home[PATH_MAX] = "";
	struct session *s;
	char name[SESSION_NAME_MAX];
	int r;

	if (home_len >= PATH_MAX || home_len > req->payload_len)
		return LTTNG_ERR_INVALID;
	if (home_len) {
		if (codec_bounded_strlen((const char *) req->payload, home_len) != (int) home_len - 1)
			return LTTNG_ERR_INVALID;
		memcpy(home, req->payload, home_len);
		if (home[0] != '/')
			return LTTNG_ERR_INVALID;
	}
	if (!req->payload ||
	    codec_decode_descriptor(req->payload + home_len, req->payload_len - home_len, &desc) < 0)
		return LTTNG_ERR_INVALID;

	if (desc.has_name) {
		if (session_find(ctx->daemon->sessions, desc.name))
			return LTTNG_ERR_EXIST_SESS;
		if (!session_name_is_valid(desc.name))
			return LTTNG_ERR_SESSION_INVALID_CHAR;
		(void) copy_string(name, sizeof(name), desc.name);
	} else if (generate_session_name(ctx->daemon->sessions, time(NULL), name, sizeof(name)) < 0) {
		return LTTNG_ERR_SESSION_FAIL;
	}
	s = session_add(ctx->daemon->sessions, name, req->creds.uid, req->creds.gid);
	if (!s)
		return LTTNG_ERR_NOMEM;
	s->auto_named = !desc.has_name;
	s->snapshot_mode = desc.type == WIRE_DESCRIPTOR_SNAPSHOT;
	s->live_timer_us = desc.type == WIRE_DESCRIPTOR_LIVE ? desc.live_timer_us : 0;
	r = session_set_output(s, &desc, home_len ? home : NULL);
	if (r != LTTNG_OK) {
		session_free(s);
		return r;
	}
	/* The reply is the descriptor with the name and output filled in. */
	if (!desc.has_name) {
		(void) copy_string(desc.name, sizeof(desc.name), s->name);
		desc.has_name = true;
	}
	if (codec_encode_descriptor(&ctx->reply->data, &desc) < 0) {
		session_free(s);
		return LTTNG_ERR_NOMEM;
	}
	log_info("Session \"%s\" created by uid %u", s->name, (unsigned) s->uid);
	return LTTNG_OK;
}

/* The destroy reply carries the rotation state as its command header and, after
 * the last chunk of a rotated session was archived, its location as data. */
static int reply_destroyed(struct daemon *d, struct client_op *cop, struct client_reply *reply)
{
	const struct session *s = cop->destroyed;
	bool archived = s && s->chunks.archived_at_destroy && s->chunks.last_archive[0] &&
			s->chunks.state == LTTNG_ROTATION_STATE_COMPLETED;
	int32_t rotation_state = archived ? LTTNG_ROTATION_STATE_COMPLETED
				 : s && s->chunks.archived_at_destroy ? s->chunks.state
								      : LTTNG_ROTATION_STATE_NO_ROTATION;
	struct wire_archive_location loc = { .type = LTTNG_TRACE_ARCHIVE_LOCATION_TYPE_LOCAL };

	if (buffer_append(&reply->cmd_header, &rotation_state, sizeof(rotation_state)) < 0)
		return LTTNG_ERR_NOMEM;
	if (!archived)
		return LTTNG_OK;
	if (s->chunks.last_archive_on_relay) {
		char host[256];

		uri_host_string(session_control_uri(s), host, sizeof(host));
		loc.type = LTTNG_TRACE_ARCHIVE_LOCATION_TYPE_RELAY;
		loc.types.relay.hostname_len = (uint32_t) strlen(host) + 1;
		loc.types.relay.protocol = LTTNG_TRACE_ARCHIVE_LOCATION_RELAY_PROTOCOL_TYPE_TCP;
		loc.types.relay.control_port = session_control_uri(s)->port;
		loc.types.relay.data_port = session_data_uri(s)->port;
		loc.types.relay.relative_path_len = (uint32_t) strlen(s->chunks.last_archive) + 1;
		if (buffer_append(&reply->data, &loc, sizeof(loc)) < 0 ||
		    buffer_append(&reply->data, host, loc.types.relay.hostname_len) < 0 ||
		    buffer_append(&reply->data, s->chunks.last_archive,
				  loc.types.relay.relative_path_len) < 0)
			return LTTNG_ERR_NOMEM;
		return LTTNG_OK;
	}
	loc.types.local.absolute_path_len = (uint32_t) strlen(s->chunks.last_archive) + 1;
	if (buffer_append(&reply->data, &loc, sizeof(loc)) < 0 ||
	    buffer_append(&reply->data, s->chunks.last_archive, loc.types.local.absolute_path_len) < 0)
		return LTTNG_ERR_NOMEM;
	return LTTNG_OK;
}

enum lttng_error_code cmd_destroy_session(struct command_ctx *ctx)
{
	struct client_op *cop = client_op_begin(ctx, reply_destroyed);
	struct session *s = ctx->session;
	struct operation *op;

	if (!cop)
		return LTTNG_ERR_NOMEM;
	log_info("Destroying session \"%s\"", s->name);
	/* Out of the session list at once; its trace is ended, then the reply sent and
	 * the session freed. */
	list_remove(&s->link);
	list_append(&ctx->daemon->sessions->destroying, &s->link);
	cop->destroyed = move_ptr(ctx->session);
	/* A rotated session's last chunk is archived once its files are closed. */
	op = rotation_on_destroy(ctx->daemon, s, &cop->op);
	(void) domains_destroy(ctx->daemon, s, op);
	if (op != &cop->op)
		operation_release(ctx->daemon, op);
	return LTTNG_OK; /* a destroy succeeds whatever its domains found */
}

static bool caller_may_see(const struct client_request *req, const struct session *s)
{
	return req->creds.uid == 0 || req->creds.uid == s->uid;
}

enum lttng_error_code cmd_list_sessions(struct command_ctx *ctx)
{
	struct buffer *data = &ctx->reply->data;
	struct session *s;

	if (buffer_reserve(data, list_count(&ctx->daemon->sessions->sessions) *
					 (sizeof(struct wire_session) +
					  sizeof(struct wire_session_extended))) < 0)
		return LTTNG_ERR_NOMEM;

	list_for_each_entry(s, &ctx->daemon->sessions->sessions, link) {
		struct wire_session *w;

		if (!caller_may_see(ctx->req, s))
			continue;
		w = buffer_append_zeroed(data, sizeof(*w));
		if (!w)
			return LTTNG_ERR_NOMEM;
		memcpy(w->name, s->name, sizeof(w->name));
		w->name[sizeof(w->name) - 1] = '\0';
		memcpy(w->path, s->output_path, sizeof(w->path));
		w->enabled = s->active;
		w->snapshot_mode = s->snapshot_mode;
		w->live_timer_interval_us = (uint32_t) s->live_timer_us;
	}
	list_for_each_entry(s, &ctx->daemon->sessions->sessions, link) {
		struct wire_session_extended ext = {
			.creation_time = (uint64_t) s->creation_time,
			.creation_time_is_set = 1,
		};

		if (!caller_may_see(ctx->req, s))
			continue;
		if (buffer_append(data, &ext, sizeof(ext)) < 0)
			return LTTNG_ERR_NOMEM;
	}
	return LTTNG_OK;
}

enum lttng_error_code cmd_list_domains(struct command_ctx *ctx)
{
	struct session *s = ctx->session;

	for (size_t i = 0; i < DOMAIN_INDEX_COUNT; i++) {
		struct wire_domain *w;

		if (!s->domains[i].exists)
			continue;
		w = buffer_append_zeroed(&ctx->reply->data, sizeof(*w));
		if (!w)
			return LTTNG_ERR_NOMEM;
		w->type = s->domains[i].type;
		w->buf_type = s->domains[i].buffer_type;
	}
	return LTTNG_OK;
}

static size_t session_channel_count(const struct session *s)
{
	size_t count = 0;

	for (size_t i = 0; i < DOMAIN_INDEX_COUNT; i++)
		count += list_count(&s->domains[i].channels);
	return count;
}

/* The first start creates the session's output directory and one directory per
 * recording domain, owned by the session's user, as the first trace chunk does in
 * LTTng. They are made off the loop (core/fs-as.h); the start goes on after. */
struct output_dirs_job {
	struct fs_job fs;
	struct client_op *cop;
	bool new_chunk; /* a rotation closed the last one: the domains reopen their files */
	unsigned count;
	char paths[DOMAIN_INDEX_COUNT + 2][PATH_MAX];
};

static int make_output_dirs(struct fs_job *fs)
{
	struct output_dirs_job *job = container_of(fs, struct output_dirs_job, fs);

	return fs_mkdir_all(job->paths, job->count, "output directory");
}

static struct output_dirs_job *output_dirs_job_new(struct daemon *d, const struct session *s)
{
	struct output_dirs_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->fs.uid = s->uid;
	job->fs.gid = s->gid;
	job->fs.work = make_output_dirs;
	(void) copy_string(job->paths[job->count++], PATH_MAX, s->output_path);
	if (s->chunks.dir[0])
		(void) copy_string(job->paths[job->count++], PATH_MAX, s->chunks.dir);
	for (size_t i = 0; i < DOMAIN_INDEX_COUNT; i++) {
		const struct tracer_domain *impl = d->domains[i];

		if (!s->domains[i].exists || !impl || !impl->output_subdir)
			continue;
		if ((size_t) snprintf(job->paths[job->count], PATH_MAX, "%s/%s", session_trace_dir(s),
				      impl->output_subdir) >= PATH_MAX) {
			free(job);
			return NULL;
		}
		job->count++;
	}
	return job;
}

/* The directories are made (or not): the session becomes active and its domains
 * start. Until then it is "starting": nothing records, and other starts and stops
 * are refused as if the start had happened (has_been_started) or not (active). */
static int start_after_output_dirs(struct daemon *d, struct output_dirs_job *job)
{
	struct session *s = session_find_by_id(d->sessions, job->cop->session_id);

	if (!s)
		return LTTNG_ERR_SESS_NOT_FOUND; /* destroyed before it could start */
	s->start_pending = false;
	if (job->fs.result < 0) {
		log_error("Session \"%s\" cannot start: its output directory cannot be made",
			  s->name);
		if (job->new_chunk)
			s->chunks.closed = true; /* the next start tries again */
		else
			s->has_been_started = false;
		return LTTNG_ERR_CREATE_DIR_FAIL;
	}
	s->active = true;
	rotation_schedule_update(d, s);
	if (job->new_chunk) {
		int r = domains_rotate(d, s, session_trace_dir(s), &job->cop->op);

		if (r != LTTNG_OK)
			return r;
	}
	return domains_start(d, s, &job->cop->op);
}

static void output_dirs_done(struct daemon *d, struct fs_job *fs)
{
	struct output_dirs_job *job = container_of(fs, struct output_dirs_job, fs);
	struct client_op *cop = job->cop;

	operation_step_done(d, &cop->op, start_after_output_dirs(d, job));
	free(job);
}

/* Ends what a failed start launched, nobody waiting. */
struct start_undo {
	struct operation op;
};

static void start_undo_done(struct daemon *d, struct operation *op)
{
	free(container_of(op, struct start_undo, op));
}

/* A start that failed leaves the session as it was (inactive), as LTTng restores it
 * (T:cmd.c cmd_start_trace), and stops what its domains did start. */
static void start_failed(struct daemon *d, struct client_op *cop)
{
	struct session *s = session_find_by_id(d->sessions, cop->session_id);
	struct start_undo *u;

	if (!s || !s->active)
		return;
	s->active = false;
	u = calloc(1, sizeof(*u));
	if (!u)
		return;
	operation_init(&u->op, start_undo_done);
	(void) domains_stop(d, s, &u->op);
	operation_release(d, &u->op);
}

enum lttng_error_code cmd_start_trace(struct command_ctx *ctx)
{
	struct session *s = ctx->session;
	struct output_dirs_job *job;
	struct client_op *cop;
	int r;

	if (s->active || s->start_pending)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	/* A rotation or clear moves the session's files: the start waits its end. */
	if (s->chunks.state == LTTNG_ROTATION_STATE_ONGOING || s->chunks.clearing)
		return LTTNG_ERR_ROTATION_PENDING;
	if (session_channel_count(s) == 0)
		return LTTNG_ERR_NO_CHANNEL;
	r = domains_can_start(ctx->daemon, s);
	if (r != LTTNG_OK)
		return r;
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	cop->failed = start_failed;
	s->chunks.rotated_after_stop = false;
	s->chunks.cleared_after_stop = false;
	if (s->output != SESSION_OUTPUT_LOCAL || (s->has_been_started && !s->chunks.closed)) {
		bool reopen = session_streams_to_relay(s) && s->chunks.closed;

		if (!s->has_been_started || reopen) {
			/* The first chunk begins, or (a relay daemon's session rotated while
			 * stopped) the next one: the relay daemon makes it. */
			s->chunks.begin = time(NULL);
			s->chunks.closed = false;
		}
		s->active = true;
		s->has_been_started = true;
		rotation_schedule_update(ctx->daemon, s);
		if (reopen) {
			r = domains_rotate(ctx->daemon, s, "", &cop->op);
			if (r != LTTNG_OK)
				return r;
		}
		return domains_start(ctx->daemon, s, &cop->op);
	}
	if (s->chunks.closed)
		rotation_open_chunk(s); /* rotated since its stop: a new trace chunk */
	else
		s->chunks.begin = time(NULL); /* the first chunk begins */
	job = output_dirs_job_new(ctx->daemon, s);
	if (!job)
		return LTTNG_ERR_NOMEM;
	job->new_chunk = s->has_been_started;
	s->has_been_started = true;
	s->start_pending = true;
	job->cop = cop;
	if (ctx->req->detached) {
		/* Loading session files at start-up: nobody is being served yet. */
		(void) fs_job_run_now(&job->fs);
		r = start_after_output_dirs(ctx->daemon, job);
		free(job);
		return r;
	}
	job->fs.done = output_dirs_done;
	operation_hold(&cop->op);
	fs_job_submit(ctx->daemon, &job->fs);
	return LTTNG_OK;
}

enum lttng_error_code cmd_stop_trace(struct command_ctx *ctx)
{
	struct client_op *cop;

	/* A start still making its directories has not started anything yet. */
	if (!ctx->session->active)
		return LTTNG_ERR_TRACE_ALREADY_STOPPED;
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	ctx->session->active = false;
	return domains_stop(ctx->daemon, ctx->session, &cop->op);
}

enum lttng_error_code cmd_data_pending(struct command_ctx *ctx)
{
	uint8_t pending = 0;

	/* Asking while the session records is an error, not a crash (the real 2.13.9
	 * aborts here; doc/protocol/client.md, DATA_PENDING). */
	if (ctx->session->active)
		return LTTNG_ERR_SESSION_STARTED;
	return buffer_append(&ctx->reply->data, &pending, 1) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

enum lttng_error_code cmd_set_shm_path(struct command_ctx *ctx)
{
	const char *path = ctx->req->header->u.set_shm_path.shm_path;
	int len = codec_bounded_strlen(path, WIRE_PATH_MAX);

	if (len < 0)
		return LTTNG_ERR_INVALID;
	if (ctx->session->has_been_started)
		return LTTNG_ERR_SESSION_STARTED;
	memcpy(ctx->session->shm_path, path, (size_t) len + 1);
	return LTTNG_OK;
}

enum lttng_error_code cmd_regenerate_metadata(struct command_ctx *ctx)
{
	struct session *s = ctx->session;

	if (!s->active)
		return LTTNG_ERR_SESSION_NOT_STARTED;
	if (s->live_timer_us)
		return LTTNG_ERR_LIVE_SESSION;
	if (s->domains[DOMAIN_INDEX_UST].exists &&
	    s->domains[DOMAIN_INDEX_UST].buffer_type == LTTNG_BUFFER_PER_PID)
		return LTTNG_ERR_PER_PID_SESSION;
	return domains_regenerate_metadata(ctx->daemon, s);
}

enum lttng_error_code cmd_regenerate_statedump(struct command_ctx *ctx)
{
	if (!ctx->session->active)
		return LTTNG_ERR_SESSION_NOT_STARTED;
	return domains_regenerate_statedump(ctx->daemon, ctx->session);
}

enum lttng_error_code cmd_set_consumer_uri(struct command_ctx *ctx)
{
	const struct client_request *req = ctx->req;
	struct session *s = ctx->session;
	uint32_t count = req->header->u.uri.size;

	if (count == 0 || count > 2 || req->payload_len != count * sizeof(struct wire_uri))
		return LTTNG_ERR_INVALID;
	if (s->active)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	struct wire_uri uris[2];

	memset(uris, 0, sizeof(uris));
	memcpy(uris, req->payload, req->payload_len);
	for (uint32_t i = 0; i < count; i++) {
		uris[i].subdir[WIRE_PATH_MAX - 1] = '\0';
		uris[i].dst.path[WIRE_PATH_MAX - 1] = '\0';
	}
	if (!uris_are_acceptable(uris, count))
		return LTTNG_ERR_INVALID;
	memcpy(s->uris, uris, sizeof(uris));
	s->uri_count = count;
	if (s->uris[0].dtype == WIRE_URI_PATH) {
		s->output = SESSION_OUTPUT_LOCAL;
		(void) copy_string(s->output_path, sizeof(s->output_path), s->uris[0].dst.path);
	} else {
		s->output = SESSION_OUTPUT_NETWORK;
		session_set_network_path(s);
	}
	return LTTNG_OK;
}

enum lttng_error_code cmd_clear_session(struct command_ctx *ctx)
{
	struct client_op *cop;

	/* A relay daemon run with --disallow-clear (it said so when connected). */
	if (session_streams_to_relay(ctx->session) && ctx->session->relay_configured &&
	    !ctx->session->relay_allows_clear)
		return LTTNG_ERR_CLEAR_RELAY_DISALLOWED;
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	/* Deferred like LTTng's: the reply comes once the clear is done. */
	return clear_start(ctx->daemon, ctx->session, &cop->op);
}
