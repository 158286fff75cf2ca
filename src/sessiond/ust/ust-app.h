/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instrumented applications (liblttng-ust): the registration socket and wait shm,
 * the registry of applications, and per-application command queues. See
 * doc/protocol/apps.md for the protocol facts.
 */
#ifndef SESSIOND_UST_APP_H
#define SESSIOND_UST_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <systemd/sd-event.h>

#include <lttng/ust-abi.h>

#include "list.h"
#include "ust/ust-reg-check.h"
#include "consumer/consumer-supervisor.h"
#include "core/worker.h"

struct daemon;
struct event_listing;
struct operation;

enum ust_app_state {
	UST_APP_REGISTERING, /* command socket known, waiting for the notify socket */
	UST_APP_READY,       /* REGISTER_DONE sent */
	UST_APP_DEAD,
};

struct ust_apps;

/* Connections to the registration socket whose message has not come yet. */
struct ust_registration_intake {
	int listen_fd;
	sd_event_source *listen_source;
	sd_event_source *timer;       /* expires silent connections and orphans */
	struct list_node waiting;     /* struct waiting_registration, oldest first */
	unsigned waiting_count;
	uint64_t evicted, refused;    /* counts, for rate-limited warnings */
	time_t last_warning;
	pid_t recently_refused[64];   /* applications told once why they are refused */
	unsigned recently_refused_next;
	/* Applications whose command socket was just refused: their notify socket of
	 * the same attempt is closed when it comes, never paired with a later one. */
	pid_t notify_to_drop[64];
	unsigned notify_to_drop_next;
};

struct ust_app {
	struct list_node link;
	struct ust_apps *owner;
	uint64_t id;
	enum ust_app_state state;
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	gid_t gid;
	uint32_t abi_major, abi_minor;
	uint32_t bits_per_long;
	uint32_t alignment_uint8, alignment_uint16, alignment_uint32, alignment_uint64;
	uint32_t alignment_long;
	int byte_order;
	char name[17];
	struct lttng_ust_abi_tracer_version version;
	bool has_version;
	/* Its sessions are set up (its buffers made): the descriptors it costs are
	 * those it keeps (doc/architecture.md, "Descriptors"). */
	bool settled;
	int cmd_sock;
	int notify_sock;
	sd_event_source *cmd_watch;    /* hang-up of the command socket */
	sd_event_source *notify_watch; /* notify messages */
	struct worker_queue *queue;       /* serializes this app's ust-ctl calls */
	struct worker_queue *notify_queue; /* reads and answers its notify messages */
	time_t registration_time;
	struct list_node sessions; /* struct ust_app_session (ust-trace.h) */
};

/* Bounds on what applications (any local user may connect) can make us hold. */
#define UST_MAX_APPS 8192
/* Connections whose registration message has not come yet: past this many, a new
 * one closes the one that has waited longest (an idle flood cannot lock out a
 * well-behaved application, whose message comes right after it connects). */
#define UST_MAX_WAITING_REGISTRATIONS 256
#define UST_MAX_ORPHAN_NOTIFY 1024

struct ust_apps {
	struct daemon *daemon;
	/* The traces whose buffers a dead consumer held end (ust-trace.c). */
	struct consumer_death_subscription consumer_death;
	unsigned app_count;
	struct ust_registration_intake intake;
	struct list_node apps;           /* struct ust_app, registration order */
	struct list_node orphan_notify;  /* notify sockets whose command socket is not known yet */
	unsigned orphan_count;
	uint64_t next_app_id;
	void *wait_shm;                  /* first int32 is the futex word apps wait on */
	size_t wait_shm_size;
};

int ust_apps_start(struct daemon *d);
/* The registration intake (ust-registration.c): listens, reads each connection's
 * registration message once it has fully arrived, checks it and hands the socket on. */
int ust_registration_start(struct daemon *d, struct ust_apps *apps);
void ust_registration_stop(struct daemon *d, struct ust_apps *apps);
/* A checked command socket: a new application (the socket is its from now on). */
void ust_app_add_command_socket(struct daemon *d, const struct ust_reg_info *r, int sock);
/* A checked notify socket: its application's, or kept as an orphan until the
 * command socket comes (true then: the intake's timer must expire it). */
bool ust_app_add_notify_socket(struct daemon *d, const struct ust_reg_info *r, int sock);
/* Closes orphan notify sockets older than timeout_s (and the oldest past the
 * bound); true while some remain. */
bool ust_apps_expire_orphans(struct ust_apps *apps, int timeout_s);
/* Closes the orphan notify sockets of pid (its command socket was refused: they
 * belong to an attempt that will never complete). */
void ust_apps_drop_orphans_of(struct ust_apps *apps, pid_t pid);
/* Whether pid has a command socket waiting for its notify socket. */
bool ust_app_has_registering(struct ust_apps *apps, pid_t pid);
void ust_apps_stop(struct daemon *d);
struct ust_app *ust_app_find(struct ust_apps *apps, uint64_t id);
/* Forgets an application (its sockets are closed, its sessions ended there). */
void ust_app_unregister(struct daemon *d, struct ust_app *app, const char *why);

/* Asks every ready application for its tracepoints (fields when out->with_fields)
 * into out, holding waiter until all have replied. LTTNG_OK or LTTNG_ERR_NOMEM. */
enum lttng_error_code ust_apps_list_tracepoints(struct daemon *d, struct event_listing *out,
			      struct operation *waiter);

#endif
