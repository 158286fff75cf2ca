/* SPDX-License-Identifier: GPL-2.0-only */
/* User and group names resolved on workers (core/name-lookup.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/daemon.h"
#include "core/name-lookup.h"
#include "macros.h"

/* NSS records larger than this are not looked at. */
#define LOOKUP_BUFFER_MAX (1u << 20)

/* getpwnam_r/getgrnam_r: the reentrant forms, as several workers may ask at once. */
static void resolve(struct name_lookup *l)
{
	size_t size = 4096;

	l->found = false;
	for (;;) {
		char *buf = malloc(size);
		int r;

		if (!buf)
			return;
		if (l->kind == NAME_USER) {
			struct passwd pw, *res = NULL;

			r = getpwnam_r(l->name, &pw, buf, size, &res);
			if (r == 0 && res) {
				l->found = true;
				l->id = (int64_t) res->pw_uid;
			}
		} else {
			struct group gr, *res = NULL;

			r = getgrnam_r(l->name, &gr, buf, size, &res);
			if (r == 0 && res) {
				l->found = true;
				l->id = (int64_t) res->gr_gid;
			}
		}
		free(buf);
		if (r != ERANGE || size >= LOOKUP_BUFFER_MAX)
			return;
		size *= 2;
	}
}

static void lookup_run(struct worker_job *job)
{
	resolve(container_of(job, struct name_lookup, job));
}

static void lookup_done(struct daemon *d, struct worker_job *job)
{
	struct name_lookup *l = container_of(job, struct name_lookup, job);

	l->done(d, l);
}

void name_lookup_submit(struct daemon *d, struct name_lookup *l)
{
	l->found = false;
	l->job.run = lookup_run;
	l->job.done = lookup_done;
	worker_submit_blocking(d, &l->job);
}

void name_lookup_now(struct name_lookup *l)
{
	resolve(l);
}
