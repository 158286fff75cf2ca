/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel domain, recorded through ftrace instances (doc/protocol/kernel-trace.md):
 * what main.c installs and the entries of its table. Only main.c and kernel/ use
 * this header.
 */
#ifndef SESSIOND_KERNEL_KERNEL_DOMAIN_H
#define SESSIOND_KERNEL_KERNEL_DOMAIN_H

#include "domain/domain.h"

extern const struct tracer_domain kernel_tracer_domain;

/* Start-up of root's daemon (nothing for a per-user daemon or with --no-kernel):
 * finds or mounts tracefs and removes the instances of daemons that are gone.
 * Returns < 0 only when the daemon cannot go on (out of memory); a kernel without
 * tracefs leaves the domain unavailable. */
int kernel_domain_start(struct daemon *d);
/* Shutdown: queued tracefs work runs to its end, then every instance stops
 * recording. */
void kernel_domain_stop(struct daemon *d);
/* Shutdown, once the kernel consumer is gone: every instance is removed. */
void kernel_domain_remove_instances(struct daemon *d);
void kernel_domain_free(struct daemon *d);

/* kernel-events.c */
enum lttng_error_code kernel_enable_event(const struct event_request *req, struct decoded_event *ev);
enum lttng_error_code kernel_disable_event(const struct event_request *req,
					   const struct decoded_event *ev);
enum lttng_error_code kernel_add_context(const struct event_request *req, struct decoded_context *ctx);

/* kernel-listing.c */
enum lttng_error_code kernel_list_events(struct daemon *d, struct event_listing *out,
					 struct operation *op);
enum lttng_error_code kernel_list_syscalls(struct daemon *d, struct event_listing *out,
					   struct operation *op);

/* kernel-trace.c */
enum lttng_error_code kernel_trace_start(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code kernel_trace_stop(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code kernel_trace_destroy(struct daemon *d, struct session *s,
					   struct operation *op);
void kernel_trace_channel_changed(struct daemon *d, struct session *s, const char *channel_name);
void kernel_trace_event_changed(struct daemon *d, struct session *s, const char *channel_name,
				const struct event_rule *rule);
void kernel_trace_trackers_changed(struct daemon *d, struct session *s);
enum lttng_error_code kernel_trace_refresh_stats(struct daemon *d, struct session *s,
						 struct operation *op);
enum lttng_error_code kernel_trace_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
					  struct operation *op);
enum lttng_error_code kernel_trace_clear_buffers(struct daemon *d, struct session *s,
						 struct operation *op);
enum lttng_error_code kernel_trace_consumed_size(struct daemon *d, struct session *s,
						 struct consumed_query *q);
enum lttng_error_code kernel_trace_snapshot(struct daemon *d, struct session *s,
					    const struct snapshot_dest *dest, uint64_t max_size,
					    struct operation *op);
enum lttng_error_code kernel_trace_regenerate_metadata(struct daemon *d, struct session *s);
enum lttng_error_code kernel_trace_regenerate_statedump(struct daemon *d, struct session *s);
bool kernel_trace_has_data(struct daemon *d, const struct session *s);
void kernel_traces_free(struct daemon *d);
/* Shutdown (the loop is over: this blocks): tracing off in every instance, or every
 * instance removed. */
void kernel_traces_shutdown(struct daemon *d, bool remove);

#endif
