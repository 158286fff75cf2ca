/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct daemon: the one object that owns the event loop and all daemon state. Only
 * the loop thread touches it. It lives in core/, the bottom of the daemon's layers,
 * so every subsystem may include it: the subsystems' own state is reached through
 * pointers to types this header only declares, and main.c (the composition root)
 * builds them. doc/architecture.md gives the layering rule.
 */
#ifndef SESSIOND_CORE_DAEMON_H
#define SESSIOND_CORE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "list.h"
#include "core/config.h"
#include "core/domain-index.h"
#include "core/worker.h"

struct session_registry;
struct client_server;
struct consumer_supervisor;
struct tracer_domain;
struct ust_apps;
struct kernel_tracer;
struct consumer_death_subscription;

struct daemon {
	const struct sessiond_config *cfg;
	sd_event *loop;
	/* Set once shutdown begins: nothing new is spawned or submitted after it. */
	bool stopping;
	/* Worker threads and the queue their results come back through (core/worker.h). */
	struct worker_service workers;
	struct session_registry *sessions;     /* model/model.h */
	struct client_server *clients;         /* client/client-server.c */
	/* The tracing domains this daemon serves, by enum domain_index; NULL for a domain
	 * it does not implement (its commands answer as the real daemon without it). */
	const struct tracer_domain *domains[DOMAIN_INDEX_COUNT];
	struct ust_apps *apps;                 /* ust/ust-app.c: instrumented applications */
	struct kernel_tracer *kernel;          /* kernel/: tracefs and the kernel traces */
	/* consumer/consumer-supervisor.h: one per consumer daemon, CONSUMER_COUNT. */
	struct consumer_supervisor *consumers;
	struct list_node consumer_death_subscribers; /* struct consumer_death_subscription */
	struct list_node ust_registries; /* struct ust_registry (ust/) */
	uint64_t next_registry_id;
	uint64_t next_consumer_key;      /* channel keys given to the consumer daemons */
	gid_t tracing_gid; /* gid of the tracing group, or 0 when it does not exist */
	char hostname[256];
	uint8_t instance_uuid[16]; /* this daemon's, announced to relay daemons */
	int agent_fd; /* agent TCP listener (agent/agent-listener.c), -1 when none */
	sd_event_source *agent_source;
	int health_fd;
	sd_event_source *health_source;
#define HEALTH_MAX_PENDING 16
	sd_event_source *health_pending[HEALTH_MAX_PENDING]; /* checks awaiting their command */
	size_t health_next_slot;
};

#endif
