/* SPDX-License-Identifier: GPL-2.0-only */
/* The health socket: answers "which subsystems are unhealthy" (a u64 bitmask). */
#ifndef SESSIOND_HEALTH_H
#define SESSIOND_HEALTH_H

#include "core/daemon.h"

int health_start(struct daemon *d);
void health_stop(struct daemon *d);

#endif
