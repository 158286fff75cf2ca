/* SPDX-License-Identifier: GPL-2.0-only */
/* Reachability check of a session's lttng-relayd (network outputs). */
#ifndef SESSIOND_RELAYD_PROBE_H
#define SESSIOND_RELAYD_PROBE_H

#include "core/daemon.h"
#include "core/operation.h"
#include "model/model.h"

/*
 * Connects to the relay daemon's control port without waiting on the loop: op is
 * held until the connection is made, refused, or LTTNG_NETWORK_SOCKET_TIMEOUT
 * (ms, default 3 s) passes, and fails with LTTNG_ERR_RELAYD_CONNECT_FAIL when
 * nobody answers (the consumer daemons make their own connections when the session
 * starts). Returns LTTNG_OK, or an error when nothing could be tried.
 */
enum lttng_error_code relayd_probe(struct daemon *d, const struct session *session, struct operation *op);

#endif
