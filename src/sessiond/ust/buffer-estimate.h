/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Before a session starts: how much shared memory its user-space ring buffers will
 * take (sub-buffer size x count x possible CPUs x buffer owners, plus metadata), and
 * whether the shm mount has it. A start that could not record is refused with a clear
 * reason instead of producing an empty trace (LTTng 2.13.9 only finds out later).
 */
#ifndef SESSIOND_BUFFER_ESTIMATE_H
#define SESSIOND_BUFFER_ESTIMATE_H

#include <stdint.h>

#include "core/daemon.h"
#include "model/model.h"

/* Bytes of shared memory the session's user-space buffers need right now. */
uint64_t buffer_estimate_session(const struct daemon *d, const struct session *s);
/* Bytes available on the file system holding path, or UINT64_MAX when unknown. */
uint64_t buffer_estimate_available(const char *path);
/* LTTNG_OK, or LTTNG_ERR_NOMEM (logged with the numbers) when the buffers cannot fit. */
enum lttng_error_code buffer_estimate_check(const struct daemon *d, const struct session *s);

#endif
