/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <time.h>

#include "core/listen-backoff.h"
#include "log.h"

static int resume_cb(sd_event_source *timer, uint64_t usec, void *userdata)
{
	sd_event_source *listen_source = userdata;

	(void) sd_event_source_set_enabled(listen_source, SD_EVENT_ON);
	sd_event_source_unref(listen_source);
	return 0;
}

int listen_backoff(sd_event_source *listen_source, int error)
{
	sd_event *loop = sd_event_source_get_event(listen_source);

	if (error != EMFILE && error != ENFILE && error != ENOBUFS && error != ENOMEM)
		return 0;
	log_warn("Out of descriptors or memory accepting connections; pausing for %llu ms",
		 LISTEN_BACKOFF_US / 1000);
	(void) sd_event_source_set_enabled(listen_source, SD_EVENT_OFF);
	/* The timer holds a reference on the listening source until it fires; it is
	 * floating, so it is freed with the loop if the daemon stops first. */
	if (sd_event_add_time_relative(loop, NULL, CLOCK_MONOTONIC, LISTEN_BACKOFF_US, 0, resume_cb,
				       sd_event_source_ref(listen_source)) < 0) {
		sd_event_source_unref(listen_source);
		(void) sd_event_source_set_enabled(listen_source, SD_EVENT_ON);
		return 0;
	}
	return 1;
}
