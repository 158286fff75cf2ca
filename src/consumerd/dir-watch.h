/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Noticing that trace files are deleted while the consumer writes them (`rm -rf` of a
 * session's output): one inotify instance on the consumer's loop, one watch per
 * directory, shared (and counted) by the channels writing there. A deletion in the
 * directory is reported at once; the directory itself only once the files in it are
 * closed, which is why the users look at their open files when told. Without it, the
 * consumer would go on filling files nobody can reach, and the session would end
 * "successfully".
 */
#ifndef CONSUMERD_DIR_WATCH_H
#define CONSUMERD_DIR_WATCH_H

#include <systemd/sd-event.h>

struct dir_watch;

/* Called on the loop when an entry `name` of the directory of watch `wd` is deleted,
 * or with name "" when the directory itself is; then the watch is gone with it (the
 * ids of its users must be forgotten, not released). wd -1: events were lost, every
 * user should look again. Watch ids are not reused soon (the kernel allocates them
 * cyclically), so a stale id in a user is harmless. */
typedef void (*dir_watch_gone_fn)(void *userdata, int wd, const char *name);

/* NULL when inotify is not available (directories are then not watched). */
struct dir_watch *dir_watch_new(sd_event *loop, dir_watch_gone_fn gone, void *userdata);
void dir_watch_free(struct dir_watch *w);
/* Watches the directory at path for one more user: the watch id, or a negative
 * errno (w NULL, inotify limits, path gone). */
int dir_watch_add(struct dir_watch *w, const char *path);
/* One user less; the last one removes the watch. */
void dir_watch_release(struct dir_watch *w, int wd);

#endif
