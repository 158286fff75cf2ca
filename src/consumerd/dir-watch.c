/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "dir-watch.h"
#include "log.h"

struct watched_dir {
	int wd;
	unsigned users;
};

struct dir_watch {
	int fd;
	sd_event_source *source;
	dir_watch_gone_fn gone;
	void *userdata;
	struct watched_dir *dirs;
	unsigned count, capacity;
};

static struct watched_dir *find(struct dir_watch *w, int wd)
{
	for (unsigned i = 0; i < w->count; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

static void forget(struct dir_watch *w, struct watched_dir *dir)
{
	*dir = w->dirs[--w->count];
}

static int on_events(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct dir_watch *w = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *) p;
			struct watched_dir *dir = find(w, ev->wd);

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				/* Events were lost: let every user look again. */
				w->gone(w->userdata, -1, "");
				continue;
			}
			if (!dir)
				continue;
			if (ev->mask & IN_DELETE)
				w->gone(w->userdata, ev->wd, ev->len ? ev->name : "");
			if (ev->mask & IN_DELETE_SELF)
				w->gone(w->userdata, ev->wd, "");
			/* IN_IGNORED follows: the kernel dropped the watch. */
			if (ev->mask & (IN_DELETE_SELF | IN_IGNORED))
				forget(w, dir);
		}
	}
	return 0;
}

struct dir_watch *dir_watch_new(sd_event *loop, dir_watch_gone_fn gone, void *userdata)
{
	struct dir_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->gone = gone;
	w->userdata = userdata;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0 || sd_event_add_io(loop, &w->source, w->fd, EPOLLIN, on_events, w) < 0) {
		log_warn("Trace directories are not watched (inotify: %s): a deleted one goes "
			 "unnoticed", w->fd < 0 ? "unavailable" : "cannot watch");
		if (w->fd >= 0)
			close(w->fd);
		free(w);
		return NULL;
	}
	return w;
}

void dir_watch_free(struct dir_watch *w)
{
	if (!w)
		return;
	w->source = sd_event_source_disable_unref(w->source);
	close(w->fd);
	free(w->dirs);
	free(w);
}

int dir_watch_add(struct dir_watch *w, const char *path)
{
	struct watched_dir *dir;
	int wd;

	if (!w)
		return -ENOTSUP;
	wd = inotify_add_watch(w->fd, path, IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR);
	if (wd < 0)
		return -errno;
	dir = find(w, wd);
	if (!dir) {
		if (w->count == w->capacity) {
			unsigned cap = w->capacity ? w->capacity * 2 : 8;
			struct watched_dir *dirs = realloc(w->dirs, cap * sizeof(*dirs));

			if (!dirs) {
				(void) inotify_rm_watch(w->fd, wd);
				return -ENOMEM;
			}
			w->dirs = dirs;
			w->capacity = cap;
		}
		dir = &w->dirs[w->count++];
		dir->wd = wd;
		dir->users = 0;
	}
	dir->users++;
	return wd;
}

void dir_watch_release(struct dir_watch *w, int wd)
{
	struct watched_dir *dir = w && wd >= 0 ? find(w, wd) : NULL;

	if (!dir || --dir->users > 0)
		return;
	(void) inotify_rm_watch(w->fd, wd);
	forget(w, dir);
}
