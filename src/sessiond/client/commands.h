/* SPDX-License-Identifier: GPL-2.0-only */
/* Handlers of client commands, one family per file (cmd-*.c). Each returns an
 * enum lttng_error_code and may fill the reply's command header and data. */
#ifndef SESSIOND_COMMANDS_H
#define SESSIOND_COMMANDS_H

#include <lttng/lttng.h>

#include "client/dispatch.h"

struct client_op;

/* What the dispatcher resolved before calling a handler. */
struct command_ctx {
	struct daemon *daemon;
	const struct client_request *req;
	struct session *session; /* NULL for commands that need none */
	struct domain *domain;   /* the request's domain in the session, when relevant */
	struct client_reply *reply;
	struct client_op *op;    /* the handler's operation, when its reply waits (client-op.h) */
};

typedef enum lttng_error_code (*command_handler)(struct command_ctx *ctx);

/* cmd-session.c */
enum lttng_error_code cmd_create_session(struct command_ctx *ctx);
enum lttng_error_code cmd_destroy_session(struct command_ctx *ctx);
enum lttng_error_code cmd_list_sessions(struct command_ctx *ctx);
enum lttng_error_code cmd_list_domains(struct command_ctx *ctx);
enum lttng_error_code cmd_start_trace(struct command_ctx *ctx);
enum lttng_error_code cmd_stop_trace(struct command_ctx *ctx);
enum lttng_error_code cmd_data_pending(struct command_ctx *ctx);
enum lttng_error_code cmd_set_shm_path(struct command_ctx *ctx);
enum lttng_error_code cmd_regenerate_metadata(struct command_ctx *ctx);
enum lttng_error_code cmd_regenerate_statedump(struct command_ctx *ctx);
enum lttng_error_code cmd_set_consumer_uri(struct command_ctx *ctx);
enum lttng_error_code cmd_clear_session(struct command_ctx *ctx);
/* cmd-rotation.c */
enum lttng_error_code cmd_rotate_session(struct command_ctx *ctx);
enum lttng_error_code cmd_rotation_get_info(struct command_ctx *ctx);
enum lttng_error_code cmd_rotation_set_schedule(struct command_ctx *ctx);
enum lttng_error_code cmd_list_rotation_schedules(struct command_ctx *ctx);
/* cmd-channel.c */
enum lttng_error_code cmd_enable_channel(struct command_ctx *ctx);
enum lttng_error_code cmd_disable_channel(struct command_ctx *ctx);
enum lttng_error_code cmd_list_channels(struct command_ctx *ctx);
/* cmd-event.c */
enum lttng_error_code cmd_enable_event(struct command_ctx *ctx);
enum lttng_error_code cmd_disable_event(struct command_ctx *ctx);
enum lttng_error_code cmd_list_events(struct command_ctx *ctx);
enum lttng_error_code cmd_add_context(struct command_ctx *ctx);
enum lttng_error_code cmd_list_tracepoints(struct command_ctx *ctx);
enum lttng_error_code cmd_list_tracepoint_fields(struct command_ctx *ctx);
enum lttng_error_code cmd_list_syscalls(struct command_ctx *ctx);
/* cmd-tracker.c */
enum lttng_error_code cmd_tracker_add_value(struct command_ctx *ctx);
enum lttng_error_code cmd_tracker_remove_value(struct command_ctx *ctx);
enum lttng_error_code cmd_tracker_get_policy(struct command_ctx *ctx);
enum lttng_error_code cmd_tracker_set_policy(struct command_ctx *ctx);
enum lttng_error_code cmd_tracker_get_inclusion_set(struct command_ctx *ctx);
/* cmd-snapshot.c */
enum lttng_error_code cmd_snapshot_add_output(struct command_ctx *ctx);
enum lttng_error_code cmd_snapshot_del_output(struct command_ctx *ctx);
enum lttng_error_code cmd_snapshot_list_outputs(struct command_ctx *ctx);
enum lttng_error_code cmd_snapshot_record(struct command_ctx *ctx);
/* cmd-save.c */
enum lttng_error_code cmd_save_session(struct command_ctx *ctx);
/* cmd-trigger.c */
enum lttng_error_code cmd_list_triggers(struct command_ctx *ctx);

/* Shared helpers. */
int reply_count_header(struct command_ctx *ctx, uint32_t count);
/* Encodes a domain's channels with their counters (LIST_CHANNELS). */
int reply_channel_list(struct client_reply *reply, const struct domain *dom);
#endif
