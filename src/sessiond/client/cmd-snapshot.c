/* SPDX-License-Identifier: GPL-2.0-only */
/* Snapshot output commands (doc/protocol/client.md, snapshot). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/commands.h"
#include "client/client-op.h"
#include "domain/domain.h"
#include "core/fs-as.h"
#include "core/worker.h"
#include "log.h"
#include "macros.h"
#include "uri.h"

/* Makes every string of a client's snapshot output NUL-terminated. */
static void terminate_output_strings(struct wire_snapshot_output *w)
{
	w->name[sizeof(w->name) - 1] = '\0';
	w->ctrl_url[sizeof(w->ctrl_url) - 1] = '\0';
	w->data_url[sizeof(w->data_url) - 1] = '\0';
}

/* Snapshot commands are for sessions that do not record continuously to an output
 * (snapshot sessions and --no-output sessions). */
static bool session_takes_snapshots(const struct session *s)
{
	return s->output == SESSION_OUTPUT_NONE;
}

/* Builds an output from a client's URLs, already parsed (n URIs, or <= 0 when they
 * were invalid); the name defaults to "snapshot-<id>". */
static int snapshot_output_from_wire(const struct wire_snapshot_output *w, uint32_t id,
				     const struct wire_uri uris[2], int n,
				     struct snapshot_output *ret)
{
	if (n <= 0)
		return LTTNG_ERR_INVALID;
	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	/* -1 means "unset", stored as 0 = unlimited. */
	ret->max_size = w->max_size == UINT64_MAX ? 0 : w->max_size;
	if (w->name[0])
		memcpy(ret->name, w->name, sizeof(ret->name));
	else
		snprintf(ret->name, sizeof(ret->name), "snapshot-%u", id);
	snapshot_output_set_uris(ret, uris, (uint32_t) n);
	return LTTNG_OK;
}

/*
 * A client's output URLs parsed off the loop: a host name goes through the system
 * resolver, which may wait on DNS. The command goes on in done(), on the loop.
 */
struct output_parse {
	struct worker_job job;
	struct client_op *cop;
	struct wire_snapshot_output w;
	int count; /* URIs parsed, <= 0 when invalid */
	struct wire_uri uris[2];
	int (*then)(struct daemon *d, struct output_parse *p, struct session *s);
};

static void output_parse_run(struct worker_job *job)
{
	struct output_parse *p = container_of(job, struct output_parse, job);

	p->count = uri_parse_output(p->w.ctrl_url, p->w.data_url, p->uris);
}

static void output_parse_done(struct daemon *d, struct worker_job *job)
{
	struct output_parse *p = container_of(job, struct output_parse, job);
	struct client_op *cop = p->cop;
	struct session *s = session_find_by_id(d->sessions, cop->session_id);

	operation_step_done(d, &cop->op, s ? p->then(d, p, s) : LTTNG_ERR_SESS_NOT_FOUND);
	free(p);
}

/* Parses w's URLs, then runs then(): on a worker (the reply waits), or at once for a
 * request nobody waits for (session files loaded at start-up). */
static int parse_output_then(struct command_ctx *ctx, const struct wire_snapshot_output *w,
			     int (*then)(struct daemon *d, struct output_parse *p,
					 struct session *s))
{
	struct output_parse *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return LTTNG_ERR_NOMEM;
	p->w = *w;
	p->then = then;
	p->cop = client_op_begin(ctx, NULL);
	if (!p->cop) {
		free(p);
		return LTTNG_ERR_NOMEM;
	}
	if (ctx->req->detached) {
		output_parse_run(&p->job);
		r = then(ctx->daemon, p, ctx->session);
		free(p);
		return r;
	}
	p->job.run = output_parse_run;
	p->job.done = output_parse_done;
	operation_hold(&p->cop->op);
	worker_submit_blocking(ctx->daemon, &p->job);
	return LTTNG_OK;
}

/* The checks of add-output, in the real daemon's order; they run again once the
 * URLs are parsed, as other commands may have changed the session meanwhile. */
static int check_add_output(const struct session *s)
{
	if (!session_takes_snapshots(s))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	/* LTTng 2.13 keeps a single snapshot output per session. */
	if (!list_is_empty(&s->snapshot_outputs))
		return LTTNG_ERR_SNAPSHOT_OUTPUT_EXIST;
	return LTTNG_OK;
}

static int add_parsed_output(struct daemon *d, struct output_parse *p, struct session *s)
{
	struct snapshot_output *o;
	int r = check_add_output(s);

	if (r != LTTNG_OK)
		return r;
	o = malloc(sizeof(*o));
	if (!o)
		return LTTNG_ERR_NOMEM;
	r = snapshot_output_from_wire(&p->w, s->next_snapshot_output_id, p->uris, p->count, o);
	if (r != LTTNG_OK) {
		free(o);
		return r;
	}
	s->next_snapshot_output_id++;
	list_append(&s->snapshot_outputs, &o->link);
	/* The reply: the new output's id. */
	return buffer_append_u32(&p->cop->reply_data, o->id) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

enum lttng_error_code cmd_snapshot_add_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	int r;

	terminate_output_strings(&w);
	r = check_add_output(ctx->session);
	if (r != LTTNG_OK)
		return r;
	return parse_output_then(ctx, &w, add_parsed_output);
}

enum lttng_error_code cmd_snapshot_del_output(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_output.output;
	struct snapshot_output *o;

	terminate_output_strings(&w);
	if (!session_takes_snapshots(ctx->session))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	list_for_each_entry(o, &ctx->session->snapshot_outputs, link) {
		if ((w.id && o->id == w.id) || (!w.id && strcmp(o->name, w.name) == 0)) {
			list_remove(&o->link);
			free(o);
			return LTTNG_OK;
		}
	}
	return LTTNG_ERR_INVALID;
}

enum lttng_error_code cmd_snapshot_list_outputs(struct command_ctx *ctx)
{
	struct snapshot_output *o;

	if (!session_takes_snapshots(ctx->session))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	list_for_each_entry(o, &ctx->session->snapshot_outputs, link) {
		struct wire_snapshot_output *w = buffer_append_zeroed(&ctx->reply->data, sizeof(*w));

		if (!w)
			return LTTNG_ERR_NOMEM;
		w->id = o->id;
		w->max_size = o->max_size;
		memcpy(w->name, o->name, sizeof(w->name));
		memcpy(w->ctrl_url, o->ctrl_url, sizeof(w->ctrl_url));
		memcpy(w->data_url, o->data_url, sizeof(w->data_url));
	}
	return LTTNG_OK;
}

/* One snapshot of the session to an output: the record directory
 * <path>/<name>-<datetime>-<n> is made (off the loop, as the session's user), then
 * each recorded domain writes its sub-directory. To a relay daemon, the record is
 * the trace chunk <name>-<datetime>-<n> of a snapshot session there, below the
 * output's path, and nothing is made here. */
struct record_job {
	struct fs_job fs;
	/* The domains' part: held by each domain while it records; its end gives the
	 * record number back on failure, then ends the client's step. */
	struct operation domains;
	struct client_op *cop;
	uint64_t max_size;
	uint32_t number; /* the record's n, reserved in the session's count */
	char dir[PATH_MAX];
	struct snapshot_output output; /* a copy: a one-time output is the command's */
	char record_name[SESSION_NAME_MAX + 32];
};

static int make_record_dir(struct fs_job *fs)
{
	struct record_job *job = container_of(fs, struct record_job, fs);

	return fs_mkdir_all(&job->dir, 1, "snapshot directory");
}

/* Gives the reserved record number back when nothing was recorded (a later record
 * takes it, as when the failure happened at once). */
static void unreserve(struct session *s, uint32_t number)
{
	if (s && s->snapshot_count == number + 1)
		s->snapshot_count = number;
}

static void record_domains_done(struct daemon *d, struct operation *op)
{
	struct record_job *job = container_of(op, struct record_job, domains);

	if (op->code != LTTNG_OK)
		unreserve(session_find_by_id(d->sessions, job->cop->session_id), job->number);
	operation_step_done(d, &job->cop->op, op->code);
	free(job);
}

static enum lttng_error_code record_domains(struct daemon *d, struct session *s,
					    struct record_job *job)
{
	struct snapshot_dest dest = {
		.directory = snapshot_output_is_relay(&job->output) ? NULL : job->dir,
		.output = &job->output,
		.record_name = job->record_name,
	};

	return domains_snapshot(d, s, &dest, job->max_size, &job->domains);
}

static void record_dir_made(struct daemon *d, struct fs_job *fs)
{
	struct record_job *job = container_of(fs, struct record_job, fs);
	struct session *s = session_find_by_id(d->sessions, job->cop->session_id);

	operation_init(&job->domains, record_domains_done);
	if (job->fs.result < 0)
		operation_fail(&job->domains, LTTNG_ERR_CREATE_DIR_FAIL);
	else if (!s)
		operation_fail(&job->domains, LTTNG_ERR_SESS_NOT_FOUND); /* destroyed meanwhile */
	else
		operation_fail(&job->domains, record_domains(d, s, job));
	operation_release(d, &job->domains);
}

static int record_to_output(struct daemon *d, struct client_op *cop, struct session *s,
			    const struct snapshot_output *o)
{
	struct record_job *job;
	char datetime[16];
	time_t now = time(NULL);
	struct tm tm;

	bool relay = snapshot_output_is_relay(o);

	if (!relay && (o->uri_count != 1 || o->uris[0].dtype != WIRE_URI_PATH))
		return LTTNG_ERR_INVALID;
	job = calloc(1, sizeof(*job));
	if (!job)
		return LTTNG_ERR_NOMEM;
	localtime_r(&now, &tm);
	strftime(datetime, sizeof(datetime), "%Y%m%d-%H%M%S", &tm);
	job->output = *o;
	if ((size_t) snprintf(job->record_name, sizeof(job->record_name), "%s-%s-%u", o->name,
			      datetime, s->snapshot_count) >= sizeof(job->record_name) ||
	    (!relay && (size_t) snprintf(job->dir, sizeof(job->dir), "%s/%s", o->uris[0].dst.path,
					 job->record_name) >= sizeof(job->dir))) {
		free(job);
		return LTTNG_ERR_INVALID;
	}
	job->cop = cop;
	job->number = s->snapshot_count++;
	job->max_size = o->max_size;
	if (relay) {
		operation_hold(&job->cop->op);
		operation_init(&job->domains, record_domains_done);
		operation_fail(&job->domains, record_domains(d, s, job));
		operation_release(d, &job->domains);
		return LTTNG_OK;
	}
	job->fs.uid = s->uid;
	job->fs.gid = s->gid;
	job->fs.work = make_record_dir;
	job->fs.done = record_dir_made;
	operation_hold(&job->cop->op);
	fs_job_submit(d, &job->fs);
	return LTTNG_OK;
}

/* A one-time output given with the command, its URLs parsed. */
static int record_to_parsed_output(struct daemon *d, struct output_parse *p, struct session *s)
{
	struct snapshot_output output;
	int r = snapshot_output_from_wire(&p->w, 0, p->uris, p->count, &output);

	return r != LTTNG_OK ? r : record_to_output(d, p->cop, s, &output);
}

enum lttng_error_code cmd_snapshot_record(struct command_ctx *ctx)
{
	struct wire_snapshot_output w = ctx->req->header->u.snapshot_record.output;
	struct session *s = ctx->session;
	struct snapshot_output output;
	struct client_op *cop;

	terminate_output_strings(&w);
	if (!session_takes_snapshots(s))
		return LTTNG_ERR_NOT_SNAPSHOT_SESSION;
	if (!s->has_been_started)
		return LTTNG_ERR_START_SESSION_ONCE;
	if (w.ctrl_url[0])
		return parse_output_then(ctx, &w, record_to_parsed_output);
	/* LTTng 2.13 keeps at most one output per session (add-output). */
	if (list_is_empty(&s->snapshot_outputs))
		return LTTNG_ERR_SNAPSHOT_FAIL;
	output = *container_of(s->snapshot_outputs.next, struct snapshot_output, link);
	if (w.max_size != UINT64_MAX)
		output.max_size = w.max_size;
	if (w.name[0])
		memcpy(output.name, w.name, sizeof(output.name));
	cop = client_op_begin(ctx, NULL);
	if (!cop)
		return LTTNG_ERR_NOMEM;
	return record_to_output(ctx->daemon, cop, s, &output);
}
