/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User and group names resolved off the loop: NSS may ask a directory server and
 * take seconds, so a look-up runs on the worker service's look-up queue and its
 * result comes back to the loop. The caller embeds the request in its own state and
 * finds it again with container_of() in done().
 */
#ifndef SESSIOND_CORE_NAME_LOOKUP_H
#define SESSIOND_CORE_NAME_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/worker.h"

struct daemon;
struct name_lookup;

enum name_kind {
	NAME_USER,
	NAME_GROUP,
};

typedef void (*name_lookup_done_fn)(struct daemon *d, struct name_lookup *l);

struct name_lookup {
	struct worker_job job;
	enum name_kind kind;
	char name[256];
	name_lookup_done_fn done; /* on the loop */
	/* Results, written by the worker. */
	bool found;
	int64_t id; /* uid or gid */
};

/* Queues the look-up; done() runs on the loop once it is answered (found false when
 * the name is unknown, or the daemon is shutting down). */
void name_lookup_submit(struct daemon *d, struct name_lookup *l);
/* Resolves now, on the calling thread (session files loaded at start-up, before the
 * loop serves anyone); done() is not called. */
void name_lookup_now(struct name_lookup *l);

#endif
