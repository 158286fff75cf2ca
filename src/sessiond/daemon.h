/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct daemon: the one object that owns the event loop and all daemon state. Only
 * the loop thread touches it.
 */
#ifndef SESSIOND_DAEMON_H
#define SESSIOND_DAEMON_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "consumer-supervisor.h"
#include "model.h"

struct client_server;
struct ust_apps;

struct daemon {
	const struct sessiond_config *cfg;
	sd_event *loop;
	struct session_registry sessions;
	struct client_server *clients;
	struct ust_apps *apps; /* instrumented applications */
	struct consumer_supervisor consumers[CONSUMER_BITNESS_COUNT];
	struct list_node ust_registries; /* struct ust_registry (ust-trace.c) */
	uint64_t next_registry_id;
	uint64_t next_consumer_key;      /* channel keys given to the consumer daemons */
	gid_t tracing_gid; /* gid of the tracing group, or 0 when it does not exist */
	bool kernel_available;
	char hostname[256];
	int agent_fd; /* agent TCP listener (agent-listener.c), -1 when none */
	sd_event_source *agent_source;
	int health_fd;
	sd_event_source *health_source;
#define HEALTH_MAX_PENDING 16
	sd_event_source *health_pending[HEALTH_MAX_PENDING]; /* checks awaiting their command */
	size_t health_next_slot;
};

#endif
