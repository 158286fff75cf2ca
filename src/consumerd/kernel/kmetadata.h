/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSDL text of a kernel trace, as LTTng 2.13.9's kernel tracer writes it
 * (M:src/lttng-events.c _lttng_session_metadata_statedump and what follows;
 * doc/protocol/kernel-trace.md, "Metadata"): typealiases, trace block, env, clock,
 * clock-mapped integers, packet context, event headers; then per channel a stream
 * block, per event an event block (kevent_tsdl). Pure: the caller supplies every
 * value (tests compare the text).
 */
#ifndef CONSUMERD_KERNEL_KMETADATA_H
#define CONSUMERD_KERNEL_KMETADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "kcontext.h"

struct kmetadata_env {
	uint8_t uuid[16];
	const char *hostname, *sysname, *kernel_release, *kernel_version;
	const char *trace_name, *creation_time;
	const char *clock_uuid;	/* boot_id; NULL: none */
	int64_t clock_offset_ns; /* realtime - monotonic */
};

/* Our own env key saying where the events come from (not in LTTng's traces). */
#define KMETADATA_SOURCE_KEY "tracer_source"
#define KMETADATA_SOURCE_VALUE "tracefs"

int kmetadata_preamble(const struct kmetadata_env *env, struct buffer *out);
int kmetadata_stream(uint32_t stream_id, bool large_header, const struct kcontext_set *ctx,
		     struct buffer *out);
/* Fills the values this machine gives: uname, boot_id, clock offset. Strings point
 * into *storage. */
struct kmetadata_host {
	char sysname[65], release[65], version[65], nodename[65];
	char boot_id[40];
};
void kmetadata_host_read(struct kmetadata_host *h);
int64_t kmetadata_clock_offset(void);

#endif
