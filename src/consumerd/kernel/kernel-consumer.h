/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel side of the consumer daemon (lttng-consumerd -k): the kernel traces and
 * channels the session daemon adds, by key, and what each request does to them
 * (doc/protocol/consumer.md, doc/protocol/kernel-trace.md). Everything runs on the
 * consumer's loop; requests were checked by consumer_decode_request().
 */
#ifndef CONSUMERD_KERNEL_KERNEL_CONSUMER_H
#define CONSUMERD_KERNEL_KERNEL_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "wire/consumer-wire.h"

struct kernel_consumer;

struct relay_set;
struct kernel_consumer *kernel_consumer_new(sd_event *loop, struct relay_set *relays);
/* Drains and finishes every channel, closes every file. */
void kernel_consumer_free(struct kernel_consumer *kc);

int kernel_add_trace(struct kernel_consumer *kc, const struct consumer_wire_kernel_trace *m);
int kernel_add_channel(struct kernel_consumer *kc, const struct consumer_wire_kernel_channel *m);
int kernel_add_events(struct kernel_consumer *kc, const struct consumer_wire_kernel_events *head,
		      const struct consumer_wire_kernel_event *entries);
int kernel_add_context(struct kernel_consumer *kc, const struct consumer_wire_kernel_context *m);
/* KERNEL_SET_FILTER: 0, -ENOENT (no such channel or event), -EINVAL (not a filter
 * expression), -E2BIG, -ENOSPC, -ENOMEM. */
int kernel_set_filter(struct kernel_consumer *kc, const struct consumer_wire_kernel_filter *head,
		      const char *text, const struct consumer_wire_kernel_event *entries);
int kernel_track_ids(struct kernel_consumer *kc, const struct consumer_wire_kernel_ids *head,
		     const void *ids);
int kernel_statedump(struct kernel_consumer *kc, uint64_t trace_key);
int kernel_regenerate_metadata(struct kernel_consumer *kc, uint64_t trace_key);
/* FLUSH_CHANNEL of a channel key (a trace key: every channel of the trace). */
int kernel_flush(struct kernel_consumer *kc, uint64_t key);
/* DESTROY_CHANNEL: a channel key drains it, closes its raw buffers and files; a
 * trace key closes the metadata (and any channel left). */
int kernel_destroy(struct kernel_consumer *kc, uint64_t key);
/* Packet bytes the session's channels wrote to their files (SESSION_CONSUMED). */
uint64_t kernel_session_consumed(struct kernel_consumer *kc, uint64_t session_id);
/* CLEAR of a trace key: every channel's unread records and packets dropped. */
int kernel_clear(struct kernel_consumer *kc, uint64_t key);
/* ROTATE of a trace key: its metadata and every channel's files (ktrace_rotate). */
int kernel_rotate(struct kernel_consumer *kc, const struct consumer_wire_rotate *m);
bool kernel_data_pending(struct kernel_consumer *kc, uint64_t session_id);
int kernel_stats(struct kernel_consumer *kc, uint64_t key, uint64_t *discarded, uint64_t *lost);
/* SNAPSHOT of a channel key (its kept packets) or a trace key (its metadata). */
int kernel_snapshot(struct kernel_consumer *kc, const struct consumer_wire_snapshot *m);

#endif
