/* SPDX-License-Identifier: GPL-2.0-only */
/* liblttng-ust-ctl keeps its SIGBUS recovery state in the program that links it
 * (<lttng/ust-sigbus.h>); it lives in the daemon library so that every program
 * linking the library (the daemon, tests, fuzzers) provides it. */
#include <lttng/ust-ctl.h>
#include <lttng/ust-sigbus.h>

DEFINE_LTTNG_UST_SIGBUS_STATE();
