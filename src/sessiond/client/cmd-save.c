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
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/commands.h"
#include "core/run-as.h"
#include "log.h"
#include "model/session-xml-save.h"

#define CONFIG_FILE_EXTENSION ".lttng"

/* One file to write: everything the file system part needs, computed beforehand. */
struct save_job {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	const struct buffer *document;
	int document_result; /* LTTNG_OK, or why the document could not be produced */
	bool overwrite;
};

/* mkdir -p, leaving existing directories alone. */
static int make_directories(const char *dir)
{
	char buf[PATH_MAX];

	if (copy_string(buf, sizeof(buf), dir) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, 0770) < 0 && errno != EEXIST)
			return -errno;
		*p = saved;
		if (!saved)
			return 0;
	}
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

/* The file system part of a save, with the current credentials and a zero umask.
 * Error codes and their order are the real daemon's. */
static int save_job_run(const struct save_job *job)
{
	/* O_NONBLOCK: a FIFO planted at the path must not hang the daemon; it is then
	 * refused as not a regular file. O_TRUNC waits until that check. */
	int flags = O_CREAT | O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW |
		    (job->overwrite ? 0 : O_EXCL);
	struct stat st;
	int fd, r;

	r = make_directories(job->dir);
	if (r < 0) {
		log_debug("Cannot create %s: %s", job->dir, strerror(-r));
		return LTTNG_ERR_SET_URL;
	}
	fd = open(job->path, flags, 0660);
	if (fd < 0) {
		log_debug("Cannot create %s: %s", job->path, strerror(errno));
		return errno == EEXIST ? LTTNG_ERR_SAVE_FILE_EXIST
		       : errno == EACCES ? LTTNG_ERR_EPERM
					 : LTTNG_ERR_SAVE_IO_FAIL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || ftruncate(fd, 0) < 0 ||
	    fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return LTTNG_ERR_SAVE_IO_FAIL;
	}
	r = job->document_result;
	if (r == LTTNG_OK && write_all(fd, job->document->data, job->document->size) < 0)
		r = LTTNG_ERR_SAVE_IO_FAIL;
	if (close(fd) < 0 && r == LTTNG_OK)
		r = LTTNG_ERR_SAVE_IO_FAIL;
	if (r != LTTNG_OK)
		unlink(job->path); /* no partial configuration is left behind */
	return r;
}

/* run_as() entry: the save with a zero umask, returning an LTTng code (< 256). */
static int save_job_run_as(void *arg)
{
	mode_t old = umask(0);
	int r = save_job_run(arg);

	umask(old);
	return r;
}

/* Runs the job with the caller's identity (see run-as.h). */
static int run_as_caller(const struct save_job *job, uid_t uid, gid_t gid)
{
	int r = run_as(uid, gid, save_job_run_as, (void *) job);

	if (r == -EPERM)
		return LTTNG_ERR_EPERM;
	return r < 0 ? LTTNG_ERR_SAVE_IO_FAIL : r;
}

/* <passwd home of uid>/.lttng/sessions */
static int default_directory(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (!pw || !pw->pw_dir)
		return LTTNG_ERR_SET_URL;
	if (snprintf(buf, size, "%s/.lttng/sessions", pw->pw_dir) >= (int) size)
		return LTTNG_ERR_SET_URL;
	return LTTNG_OK;
}

static int save_one(const struct session *s, const char *url, bool overwrite,
		    const struct peer_creds *creds)
{
	struct save_job job = { .overwrite = overwrite };
	struct buffer document;
	int r;

	if (creds->uid != 0 && creds->uid != s->uid)
		return LTTNG_ERR_EPERM;
	if (url[0]) {
		/* The CLI sends a plain path; a raw file:// URL is taken for its path. */
		if (strncmp(url, "file://", 7) == 0)
			url += 7;
		if (copy_string(job.dir, sizeof(job.dir), url) < 0)
			return LTTNG_ERR_SET_URL;
	} else {
		r = default_directory(creds->uid, job.dir, sizeof(job.dir));
		if (r != LTTNG_OK)
			return r;
	}
	if (snprintf(job.path, sizeof(job.path), "%s/%s%s", job.dir, s->name,
		     CONFIG_FILE_EXTENSION) >= (int) sizeof(job.path))
		return LTTNG_ERR_SET_URL;

	buffer_init(&document);
	job.document = &document;
	job.document_result = session_xml_serialize(s, &document);
	r = run_as_caller(&job, creds->uid, creds->gid);
	buffer_fini(&document);
	if (r == LTTNG_OK)
		log_info("Session \"%s\" saved to %s", s->name, job.path);
	return r;
}

int cmd_save_session(struct command_ctx *ctx)
{
	const struct wire_save_attr *attr = &ctx->req->header->u.save_session.attr;
	const struct peer_creds *creds = &ctx->req->creds;
	char name[sizeof(attr->session_name)];
	char url[sizeof(attr->configuration_url)];
	struct session *s;

	if (codec_bounded_strlen(attr->session_name, sizeof(attr->session_name)) < 0 ||
	    codec_bounded_strlen(attr->configuration_url, sizeof(attr->configuration_url)) < 0)
		return LTTNG_ERR_INVALID;
	memcpy(name, attr->session_name, sizeof(name));
	memcpy(url, attr->configuration_url, sizeof(url));

	if (name[0]) {
		s = session_find(ctx->daemon->sessions, name);
		if (!s)
			return LTTNG_ERR_SESS_NOT_FOUND;
		return save_one(s, url, attr->overwrite, creds);
	}
	/* Every session; the ones the caller may not access are skipped. */
	list_for_each_entry(s, &ctx->daemon->sessions->sessions, link) {
		int r = save_one(s, url, attr->overwrite, creds);

		if (r != LTTNG_OK && r != LTTNG_ERR_EPERM)
			return r;
	}
	return LTTNG_OK;
}
