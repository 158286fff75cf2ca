/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rotations of local sessions (LTTng's trace chunks): the current chunk's files are
 * finished by the domains, then the chunk is archived as
 * <output>/archives/<begin>-<end>-<index> off the loop, as the session's user; an
 * active session goes on in a new chunk <output>/<begin>-<index>. Facts and
 * sources: doc/protocol/rotation.md.
 */
#ifndef SESSIOND_CLIENT_ROTATION_H
#define SESSIOND_CLIENT_ROTATION_H

#include <lttng/lttng.h>

#include "core/operation.h"
#include "model/model.h"

struct daemon;

/* LTTNG_OK when s may be rotated now, else LTTng's refusal. */
enum lttng_error_code rotation_check(struct daemon *d, const struct session *s);
/* Starts a rotation (checked): the session's rotation state is ONGOING until it
 * ends, COMPLETED (with the archive's path) or ERROR. waiter (NULL: none) is
 * held until it ends, whatever its outcome (the state says it). */
enum lttng_error_code rotation_start(struct daemon *d, struct session *s, struct operation *waiter);
/* A start of a session whose chunk a rotation closed: opens a new chunk (its
 * directory is s's trace directory from now on); the caller makes the directory. */
void rotation_open_chunk(struct session *s);
/* Destroy of a rotated session: once waiter's domains are done (their files
 * closed), the last chunk is archived; waiter is held until then and s (out of the
 * registry, owned by the destroy) records the outcome. Returns the operation to
 * give the domains' destroy instead of waiter, which the caller releases once the
 * destroy is launched, or waiter itself (not to release) when there is nothing to
 * archive. */
struct operation *rotation_on_destroy(struct daemon *d, struct session *s, struct operation *waiter);
/* The periodic schedule (enable-rotation --timer): armed when s is active and has
 * one, it runs until the schedule goes or the session is destroyed; each tick
 * rotates unless a rotation is refused (logged). Called when the schedule changes
 * and at each start. */
void rotation_schedule_update(struct daemon *d, struct session *s);
/* lttng clear: the session's buffers are emptied and its current chunk's files
 * deleted; an active session goes on in a new chunk. waiter is held until done. */
enum lttng_error_code clear_start(struct daemon *d, struct session *s, struct operation *waiter);
/* Formats a chunk time as LTTng names chunks (%Y%m%dT%H%M%S%z, local time). */
void rotation_format_time(time_t t, char *buf, size_t size);

#endif
