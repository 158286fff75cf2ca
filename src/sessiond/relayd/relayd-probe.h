/* SPDX-License-Identifier: GPL-2.0-only */
/* Reachability check of a session's lttng-relayd (network outputs). */
#ifndef SESSIOND_RELAYD_PROBE_H
#define SESSIOND_RELAYD_PROBE_H

#include "model/model.h"

/* LTTNG_OK when the relay daemon's control port accepts a connection, else
 * LTTNG_ERR_RELAYD_CONNECT_FAIL. Streaming itself is not implemented yet, so a
 * reachable relay daemon gets LTTNG_ERR_RELAYD_VERSION_FAIL with a log message. */
int relayd_probe(const struct session *session);

#endif
