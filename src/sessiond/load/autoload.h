/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading of saved session configurations at start-up (lttng-sessiond(8),
 * "Automatic loading of tracing session configurations"). */
#ifndef SESSIOND_AUTOLOAD_H
#define SESSIOND_AUTOLOAD_H

#include "core/daemon.h"

/* Loads --load PATH, or the two default sessions/auto directories. Problems with a
 * file are reported and do not stop the other files. Returns -1 only when the path
 * given with --load cannot be read (the daemon then exits 1, as LTTng's does). */
int autoload_sessions(struct daemon *d);

#endif
