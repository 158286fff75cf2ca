/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "sample" tracepoint provider, built into lttng-sample-app itself:
 * TRACEPOINT_CREATE_PROBES generates the probes and the event descriptions,
 * TRACEPOINT_DEFINE the tracepoint definitions and their registration.
 */
#define TRACEPOINT_CREATE_PROBES
#define TRACEPOINT_DEFINE
#include "sample-tp.h"
