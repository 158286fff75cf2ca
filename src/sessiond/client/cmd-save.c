/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SAVE_SESSION: writes <dir>/<session>.lttng for one session, or for every session
 * the caller may access (doc/protocol/client.md, save). <dir> is the request's
 * configuration URL (liblttng-ctl turns the user's URL into a plain path), else
 * <caller's passwd home>/.lttng/sessions. Directories (0770) and the file (0660) are
 * created with the caller's credentials, as LTTng's run-as worker does, so a root
 * daemon never writes where its client could not.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/commands.h"
#include "client/client-op.h"
#include "core/fs-as.h"
#include "log.h"
#include "model/session-xml-save.h"

#define CONFIG_FILE_EXTENSION ".lttng"

/* One file to write: everything the file system part needs, computed on the loop. */
struct save_file {
	char name[SESSION_NAME_MAX]; /* the session's, for messages */
	char dir[PATH_MAX];          /* "" until the worker found the caller's home */
	struct buffer document;
	int document_result; /* LTTNG_OK, or why the document could not be produced */
};

/* A save: its files are written off the loop, with the caller's identity, in order;
 * the first failure other than EPERM ends it (as LTTng's loop over sessions). */
struct save_job {
	struct fs_job fs;
	struct client_op *cop;
	bool overwrite;
	bool named;          /* one session named by the request, not all of them */
	bool default_dir;    /* no URL: <caller's passwd home>/.lttng/sessions */
	char home_dir[PATH_MAX]; /* that directory, found before the identity switch */
	int dir_result;
	unsigned count;
	struct save_file *files;
};

/* mkdir -p with mode 0770 on what it creates, leaving existing directories alone. */
static int make_directories(const char *dir)
{
	return fs_mkdir_parents(dir, 0770);
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

/* One file, with the caller's credentials. Error codes and their order are the real
 * daemon's. */
static int save_file_write(const struct save_file *f, bool overwrite)
{
	/* O_NONBLOCK: a FIFO planted at the path must not hang the worker; it is then
	 * refused as not a regular file. O_TRUNC waits until that check. */
	int flags = O_CREAT | O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW |
		    (overwrite ? 0 : O_EXCL);
	char path[PATH_MAX];
	struct stat st;
	bool existed;
	int fd, r;

	if (snprintf(path, sizeof(path), "%s/%s%s", f->dir, f->name, CONFIG_FILE_EXTENSION) >=
	    (int) sizeof(path))
		return LTTNG_ERR_SET_URL;
	r = make_directories(f->dir);
	if (r < 0) {
		log_debug("Cannot create %s: %s", f->dir, strerror(-r));
		return LTTNG_ERR_SET_URL;
	}
	existed = lstat(path, &st) == 0;
	fd = open(path, flags, 0660);
	if (fd < 0) {
		log_debug("Cannot create %s: %s", path, strerror(errno));
		return errno == EEXIST ? LTTNG_ERR_SAVE_FILE_EXIST
		       : errno == EACCES ? LTTNG_ERR_EPERM
					 : LTTNG_ERR_SAVE_IO_FAIL;
	}
	/* A new file gets exactly 0660 whatever the umask (threads share it: no
	 * umask change here). */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (!existed && fchmod(fd, 0660) < 0) ||
	    ftruncate(fd, 0) < 0 || fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return LTTNG_ERR_SAVE_IO_FAIL;
	}
	r = f->document_result;
	if (r == LTTNG_OK && write_all(fd, f->document.data, f->document.size) < 0)
		r = LTTNG_ERR_SAVE_IO_FAIL;
	if (close(fd) < 0 && r == LTTNG_OK)
		r = LTTNG_ERR_SAVE_IO_FAIL;
	if (r != LTTNG_OK)
		unlink(path); /* no partial configuration is left behind */
	else
		log_info("Session \"%s\" saved to %s", f->name, path);
	return r;
}

/* <passwd home of uid>/.lttng/sessions (NSS: on the worker, as the daemon). */
static int default_directory(uid_t uid, char *buf, size_t size)
{
	char nss[16384];
	struct passwd pw, *res = NULL;

	if (getpwuid_r(uid, &pw, nss, sizeof(nss), &res) != 0 || !res || !res->pw_dir)
		return LTTNG_ERR_SET_URL;
	if (snprintf(buf, size, "%s/.lttng/sessions", res->pw_dir) >= (int) size)
		return LTTNG_ERR_SET_URL;
	return LTTNG_OK;
}

/* Before taking the caller's identity: where its files go by default (NSS may
 * need the daemon's rights). */
static int save_job_before(struct fs_job *fs)
{
	struct save_job *job = container_of(fs, struct save_job, fs);

	job->dir_result = LTTNG_OK;
	if (job->default_dir)
		job->dir_result = default_directory(fs->uid, job->home_dir, sizeof(job->home_dir));
	return 0;
}

static int save_job_work(struct fs_job *fs)
{
	struct save_job *job = container_of(fs, struct save_job, fs);

	if (job->dir_result != LTTNG_OK)
		return job->dir_result;
	for (unsigned i = 0; i < job->count; i++) {
		struct save_file *f = &job->files[i];
		int r;

		if (job->default_dir)
			memcpy(f->dir, job->home_dir, sizeof(f->dir));
		r = save_file_write(f, job->overwrite);
		/* Saving all: a file the caller may not write is skipped. */
		if (r != LTTNG_OK && (job->named || r != LTTNG_ERR_EPERM))
			return r;
	}
	return LTTNG_OK;
}

static void save_job_free(struct save_job *job)
{
	for (unsigned i = 0; i < job->count; i++)
		buffer_fini(&job->files[i].document);
	free(job->files);
	free(job);
}

static void save_job_done(struct daemon *d, struct fs_job *fs)
{
	struct save_job *job = container_of(fs, struct save_job, fs);
	/* Not run: the caller's identity could not be taken. */
	int r = fs->result == FS_JOB_NOT_RUN ? LTTNG_ERR_EPERM : fs->result;

	operation_step_done(d, &job->cop->op, r);
	save_job_free(job);
}

/* Adds a session's file to the job; the document is produced now, on the loop. */
static int save_job_add(struct save_job *job, const struct session *s, const char *url)
{
	struct save_file *f = &job->files[job->count];

	memset(f, 0, sizeof(*f));
	(void) copy_string(f->name, sizeof(f->name), s->name);
	if (url[0]) {
		/* The CLI sends a plain path; a raw file:// URL is taken for its path. */
		if (strncmp(url, "file://", 7) == 0)
			url += 7;
		if (copy_string(f->dir, sizeof(f->dir), url) < 0)
			return LTTNG_ERR_SET_URL;
	}
	buffer_init(&f->document);
	f->document_result = session_xml_serialize(s, &f->document);
	job->count++;
	return LTTNG_OK;
}

enum lttng_error_code cmd_save_session(struct command_ctx *ctx)
{
	const struct wire_save_attr *attr = &ctx->req->header->u.save_session.attr;
	const struct peer_creds *creds = &ctx->req->creds;
	char name[sizeof(attr->session_name)];
	char url[sizeof(attr->configuration_url)];
	struct save_job *job;
	struct session *s;
	size_t total;
	int r = LTTNG_OK;

	if (codec_bounded_strlen(attr->session_name, sizeof(attr->session_name)) < 0 ||
	    codec_bounded_strlen(attr->configuration_url, sizeof(attr->configuration_url)) < 0)
		return LTTNG_ERR_INVALID;
	memcpy(name, attr->session_name, sizeof(name));
	memcpy(url, attr->configuration_url, sizeof(url));
	if (name[0]) {
		s = session_find(ctx->daemon->sessions, name);
		if (!s)
			return LTTNG_ERR_SESS_NOT_FOUND;
		if (creds->uid != 0 && creds->uid != s->uid)
			return LTTNG_ERR_EPERM;
	}
	total = name[0] ? 1 : list_count(&ctx->daemon->sessions->sessions);
	job = calloc(1, sizeof(*job));
	if (!job || !(job->files = calloc(total ? total : 1, sizeof(*job->files)))) {
		free(job);
		return LTTNG_ERR_NOMEM;
	}
	job->overwrite = attr->overwrite;
	job->named = name[0] != '\0';
	job->default_dir = !url[0];
	if (name[0]) {
		r = save_job_add(job, s, url);
	} else {
		/* Every session; the ones the caller may not access are skipped. */
		list_for_each_entry(s, &ctx->daemon->sessions->sessions, link)
			if ((creds->uid == 0 || creds->uid == s->uid) &&
			    (r = save_job_add(job, s, url)) != LTTNG_OK)
				break;
	}
	if (r != LTTNG_OK || job->count == 0) {
		save_job_free(job);
		return r;
	}
	job->fs.uid = creds->uid;
	job->fs.gid = creds->gid;
	job->fs.before = save_job_before;
	job->fs.work = save_job_work;
	job->fs.done = save_job_done;
	job->cop = client_op_begin(ctx, NULL);
	if (!job->cop) {
		save_job_free(job);
		return LTTNG_ERR_NOMEM;
	}
	operation_hold(&job->cop->op);
	fs_job_submit(ctx->daemon, &job->fs);
	return LTTNG_OK;
}
