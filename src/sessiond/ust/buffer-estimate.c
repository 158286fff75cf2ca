/* SPDX-License-Identifier: GPL-2.0-only */
#include <lttng/lttng.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ust/buffer-estimate.h"
#include "log.h"
#include "consumer/consumer-supervisor.h"
#include "ust/ust-app.h"

#define METADATA_BUFFER_BYTES (2 * 4096) /* 2 sub-buffers of a page per owner */

/* Possible CPUs ("0-1,4"), which is what lttng-ust allocates streams for. */
static unsigned possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	unsigned count = 0, a, b;
	int c;

	if (!f) {
		long n = sysconf(_SC_NPROCESSORS_CONF);

		return n > 0 ? (unsigned) n : 1;
	}
	while (fscanf(f, "%u", &a) == 1) {
		b = a;
		c = fgetc(f);
		if (c == '-') {
			if (fscanf(f, "%u", &b) != 1)
				break;
			c = fgetc(f);
		}
		count += b >= a ? b - a + 1 : 1;
		if (c != ',')
			break;
	}
	fclose(f);
	return count ? count : 1;
}

/* Buffer owners: per-UID, each distinct (user, bitness) of a registered application;
 * per-PID, each application. Only applications a consumer daemon of their bitness
 * will record count. At least one, so a session started before its applications
 * is still checked. */
static unsigned buffer_owners(const struct daemon *d, int buffer_type)
{
	struct {
		uid_t uid;
		unsigned bits;
	} owners[64];
	unsigned n_owners = 0, n_apps = 0;
	const struct ust_app *app;

	if (d->apps) {
		list_for_each_entry(app, &d->apps->apps, link) {
			bool seen = false;

			if (app->state != UST_APP_READY || !consumer_configured(d, app->bits_per_long))
				continue;
			n_apps++;
			for (unsigned i = 0; i < n_owners; i++)
				seen = seen || (owners[i].uid == app->uid &&
						owners[i].bits == app->bits_per_long);
			if (!seen && n_owners < ARRAY_SIZE(owners)) {
				owners[n_owners].uid = app->uid;
				owners[n_owners].bits = app->bits_per_long;
				n_owners++;
			}
		}
	}
	if (buffer_type == LTTNG_BUFFER_PER_PID)
		return n_apps ? n_apps : 1;
	return n_owners ? n_owners : 1;
}

uint64_t buffer_estimate_session(const struct daemon *d, const struct session *s)
{
	const struct channel *ch;
	uint64_t per_owner = METADATA_BUFFER_BYTES;
	unsigned cpus = possible_cpus();

	if (!s->domains[DOMAIN_INDEX_UST].exists)
		return 0;
	list_for_each_entry(ch, &s->domains[DOMAIN_INDEX_UST].channels, link) {
		uint64_t bytes = ch->attr.subbuf_size * ch->attr.num_subbuf;

		/* Saturate instead of wrapping on absurd attributes. */
		if (ch->attr.num_subbuf && bytes / ch->attr.num_subbuf != ch->attr.subbuf_size)
			return UINT64_MAX;
		if (bytes > (UINT64_MAX - per_owner) / cpus)
			return UINT64_MAX;
		per_owner += bytes * cpus;
	}
	return per_owner * buffer_owners(d, s->domains[DOMAIN_INDEX_UST].buffer_type);
}

uint64_t buffer_estimate_available(const char *path)
{
	char dir[PATH_MAX];
	struct statvfs st;

	/* The shm path of a session is created at start: measure its closest existing
	 * ancestor, which is the file system it will be on. */
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int) sizeof(dir))
		return UINT64_MAX;
	while (statvfs(dir, &st) < 0) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			return statvfs("/", &st) < 0 ? UINT64_MAX
						     : (uint64_t) st.f_bavail * st.f_frsize;
		*slash = '\0';
	}
	return (uint64_t) st.f_bavail * st.f_frsize;
}

enum lttng_error_code buffer_estimate_check(const struct daemon *d, const struct session *s)
{
	const char *shm = s->shm_path[0] ? s->shm_path : "/dev/shm";
	uint64_t needed = buffer_estimate_session(d, s);
	uint64_t available = buffer_estimate_available(shm);

	if (needed == 0 || available == UINT64_MAX || needed <= available)
		return LTTNG_OK;
	log_error("Session \"%s\" needs about %llu KiB of ring buffers but %s has %llu KiB free; "
		  "not starting it (reduce the sub-buffers or use a larger --shm-path)",
		  s->name, (unsigned long long) (needed / 1024), shm,
		  (unsigned long long) (available / 1024));
	return LTTNG_ERR_NOMEM;
}
