/* SPDX-License-Identifier: GPL-2.0-only */
/* When accept() fails for lack of descriptors, the listening socket stays readable;
 * watching it would spin the loop. This pauses the watch for a moment instead. */
#ifndef SESSIOND_LISTEN_BACKOFF_H
#define SESSIOND_LISTEN_BACKOFF_H

#include <systemd/sd-event.h>

#define LISTEN_BACKOFF_US (100ULL * 1000ULL)

/* Call after accept() failed with errno; pauses listen_source on EMFILE/ENFILE/
 * ENOBUFS/ENOMEM. Returns 1 when paused, 0 otherwise. */
int listen_backoff(sd_event_source *listen_source, int error);

#endif
