/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tracer-domain interface: what every client command needs from a tracing
 * domain (user space, the kernel, the agents). The client layer reaches a domain
 * only through this table; each domain implements it in its own folder (ust/ for
 * now) and main.c puts it in d->domains[]. A domain the daemon does not implement
 * is NULL there, and its commands answer what the real daemon answers without it.
 *
 * Asynchronous entries take an operation (core/operation.h): they hold it for every
 * step they launch and release it when the step ends, recording failures with
 * operation_fail(). They return an LTTng error code for what fails at once.
 */
#ifndef SESSIOND_DOMAIN_DOMAIN_H
#define SESSIOND_DOMAIN_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <lttng/lttng.h>

#include "core/daemon.h"
#include "core/operation.h"
#include "model/model.h"

/* One entry of a tracepoint listing (LIST_TRACEPOINTS, LIST_TRACEPOINT_FIELDS). */
struct listed_event {
	char name[WIRE_SYMBOL_NAME_LEN];
	int type;       /* enum lttng_event_type: 0 is TRACEPOINT */
	uint32_t flags; /* enum lttng_event_flag: syscall bitness */
	int loglevel;
	pid_t pid;
	bool has_field;
	char field_name[WIRE_SYMBOL_NAME_LEN];
	int field_type;  /* enum lttng_event_field_type */
	int field_nowrite;
};

/* What a listing collects; the client layer encodes it. Bounded by max_count. */
struct event_listing {
	bool with_fields;
	size_t count, capacity, max_count;
	struct listed_event *entries;
};

/* Appends an entry; NULL when out of memory or over the listing's bound. */
struct listed_event *event_listing_add(struct event_listing *l);
void event_listing_fini(struct event_listing *l);

struct consumer_batch;
struct event_request;

/* What a session's consumers wrote so far (a size-based rotation schedule): each
 * domain adds its consumers' byte counts to total and holds op while they answer. */
struct consumed_query {
	struct operation op;
	uint64_t total;
};

struct tracer_domain {
	int type;         /* enum lttng_domain_type */
	const char *name; /* for messages */
	/* Where its files go in a trace or snapshot directory ("ust", "kernel"). */
	const char *output_subdir;

	/* LTTNG_OK when the tracer can be used on this system now (NULL: always). */
	enum lttng_error_code (*available)(struct daemon *d);
	/* Channels: the LTTng error codes of this domain for a channel that exists
	 * already / is not there. */
	int channel_exists_error;
	int channel_not_found_error;
	/* Validates (and completes: overwrite mode, output type, timers) a new
	 * channel's attributes and its buffer type, as the tracer's rules are. */
	enum lttng_error_code (*validate_channel)(const struct session *s, struct channel_attr *attr,
				int buffer_type);
	enum lttng_error_code (*enable_event)(const struct event_request *req, struct decoded_event *ev);
	enum lttng_error_code (*disable_event)(const struct event_request *req, const struct decoded_event *ev);
	enum lttng_error_code (*add_context)(const struct event_request *req, struct decoded_context *ctx);
	/* A domain command reached a session of this domain: make what it needs run
	 * (LTTng starts the consumer daemons here). It holds op while that is under
	 * way; the command then runs once op ends without error. */
	enum lttng_error_code (*prepare)(struct daemon *d, struct session *s, struct operation *op);
	/* LTTNG_OK, or why the session cannot start recording again. */
	enum lttng_error_code (*can_start)(struct daemon *d, const struct session *s);
	enum lttng_error_code (*start)(struct daemon *d, struct session *s, struct operation *op);
	enum lttng_error_code (*stop)(struct daemon *d, struct session *s, struct operation *op);
	/* The session is already out of the registry; the operation's owner frees it
	 * once the operation ends. */
	enum lttng_error_code (*destroy)(struct daemon *d, struct session *s, struct operation *op);
	/* Changes to a session that records: apply them to what is already set up. */
	void (*channel_changed)(struct daemon *d, struct session *s, const char *channel_name);
	void (*event_changed)(struct daemon *d, struct session *s, const char *channel_name,
			      const struct event_rule *rule);
	void (*trackers_changed)(struct daemon *d, struct session *s);
	/* Brings the session's channel counters up to date (into the model). */
	enum lttng_error_code (*refresh_stats)(struct daemon *d, struct session *s, struct operation *op);
	/* Records a snapshot into <directory>/<output_subdir>/, or to the relay daemon
	 * of dest->output; max_size 0: everything. */
	enum lttng_error_code (*snapshot)(struct daemon *d, struct session *s,
					  const struct snapshot_dest *dest, uint64_t max_size,
					  struct operation *op);
	/* A rotation: every file of the session's trace in this domain is finished and
	 * closed (all recorded until now written) and, with a chunk directory, started
	 * anew under <chunk_dir>/<output_subdir>/ (NULL: closed until the next one).
	 * NULL entry: the domain cannot rotate. */
	enum lttng_error_code (*rotate)(struct daemon *d, struct session *s, const char *chunk_dir,
			struct operation *op);
	/* A clear: what the session's buffers hold and its consumers did not write
	 * yet is discarded (its files are the rotation's business). */
	enum lttng_error_code (*clear_buffers)(struct daemon *d, struct session *s,
					       struct operation *op);
	/* Adds to q->total the packet bytes its consumers wrote for the session. */
	enum lttng_error_code (*consumed_size)(struct daemon *d, struct session *s,
					       struct consumed_query *q);
	enum lttng_error_code (*regenerate_metadata)(struct daemon *d, struct session *s);
	enum lttng_error_code (*regenerate_statedump)(struct daemon *d, struct session *s);
	/* Collects what can be traced (tracepoints, with their fields when asked). */
	enum lttng_error_code (*list_events)(struct daemon *d, struct event_listing *out, struct operation *op);
	/* Collects the system calls that can be traced (NULL: none). */
	enum lttng_error_code (*list_syscalls)(struct daemon *d, struct event_listing *out,
					       struct operation *op);
	/* Whether the session holds recorded data in this domain (clear, rotate). */
	bool (*has_data)(struct daemon *d, const struct session *s);
};

/* Event rules and contexts, as the client sent them (decoded): the domain applies
 * its tracer's rules and changes the session's domain, in LTTng's order of checks.
 * channel_name "" means the default channel. */
struct event_request {
	struct daemon *daemon;
	struct session *session;
	struct domain *domain;
	const char *channel_name;
	/* The client's reply, for a rule that needs work off the loop first (a
	 * user-space probe's binary is read): held while it runs, failed with the
	 * rule's error. NULL when the request carries no such rule. */
	struct operation *op;
};

/* The implementation serving an LTTng domain type, NULL when none does. */
const struct tracer_domain *domain_impl(const struct daemon *d, int lttng_domain_type);

/*
 * Fan-outs over the session's domains that exist and are implemented, in domain
 * order. They stop at the first domain that fails at once and return its code
 * (the operation keeps what the others launched).
 */
enum lttng_error_code domains_can_start(struct daemon *d, const struct session *s);
enum lttng_error_code domains_start(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code domains_stop(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code domains_destroy(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code domains_refresh_stats(struct daemon *d, struct session *s, struct operation *op);
enum lttng_error_code domains_snapshot(struct daemon *d, struct session *s,
				       const struct snapshot_dest *dest, uint64_t max_size,
				       struct operation *op);
/* LTTNG_OK when every domain of the session that writes files can rotate. */
enum lttng_error_code domains_can_rotate(struct daemon *d, const struct session *s);
enum lttng_error_code domains_rotate(struct daemon *d, struct session *s, const char *chunk_dir,
		   struct operation *op);
enum lttng_error_code domains_clear_buffers(struct daemon *d, struct session *s,
					    struct operation *op);
/* The done() of a batch of SESSION_CONSUMED requests whose waiter is a
 * consumed_query's operation: adds what each consumer answered to its total. */
void consumed_query_batch_done(struct daemon *d, struct consumer_batch *b);
enum lttng_error_code domains_consumed_size(struct daemon *d, struct session *s,
					    struct consumed_query *q);
enum lttng_error_code domains_regenerate_metadata(struct daemon *d, struct session *s);
enum lttng_error_code domains_regenerate_statedump(struct daemon *d, struct session *s);
bool domains_have_data(struct daemon *d, const struct session *s);
void domains_trackers_changed(struct daemon *d, struct session *s, int lttng_domain_type);
void domains_channel_changed(struct daemon *d, struct session *s, int lttng_domain_type,
			     const char *channel_name);
void domains_event_changed(struct daemon *d, struct session *s, int lttng_domain_type,
			   const char *channel_name, const struct event_rule *rule);

/* The channel "channel0" that event commands make when none is named. */
#define DOMAIN_DEFAULT_CHANNEL_NAME "channel0"

/* Creates a channel in a session's domain under its tracer's rules (buffer type
 * fixed by the first channel; "metadata" configures the metadata channel and is not
 * kept: *ret_channel NULL). */
enum lttng_error_code domain_channel_create(const struct tracer_domain *impl, struct session *s,
			  struct domain *dom, const char *name, struct channel_attr *attr,
			  int buffer_type, struct channel **ret_channel);
/* The same with LTTng's default attributes; a non-empty name marks the domain as
 * having a named channel. */
enum lttng_error_code domain_channel_create_default(const struct tracer_domain *impl, struct session *s,
				  struct domain *dom, const char *name,
				  struct channel **ret_channel);
/* Finds a channel; an empty name means the default one. */
struct channel *domain_channel_lookup(struct domain *dom, const char *name);

#endif
