/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure decoders and encoders for the variable parts of client commands. Decoders take
 * untrusted bytes, check every length and count, and return -EINVAL (malformed) or
 * -ENOMEM; they never log and never abort. Decoded objects are ordinary heap objects.
 */
#ifndef COMMON_WIRE_CLIENT_CODEC_H
#define COMMON_WIRE_CLIENT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../buffer.h"
#include "client-wire.h"

/* Upper bounds on what a client may send (doc/protocol/client.md, "Limits"). */
#define CODEC_MAX_FILTER_LEN 65536u   /* expression and bytecode, as liblttng-ctl */
#define CODEC_MAX_EXCLUSIONS 4096u
#define CODEC_MAX_DESCRIPTOR_LEN 65536u

struct channel_attr {
	uint64_t subbuf_size;
	uint64_t num_subbuf;
	int overwrite; /* -1 = session default, 0 discard, 1 overwrite */
	uint32_t switch_timer_us;
	uint32_t read_timer_us;
	int output; /* LTTNG_EVENT_SPLICE / LTTNG_EVENT_MMAP */
	uint64_t tracefile_size;
	uint64_t tracefile_count;
	uint32_t live_timer_us;
	uint64_t monitor_timer_us;
	int64_t blocking_timeout_us;
};

struct decoded_channel {
	char name[WIRE_SYMBOL_NAME_LEN];
	bool enabled;
	struct channel_attr attr;
};

/* A user-space probe location (lttng_userspace_probe_location, 2.13 wire form). */
struct decoded_uprobe {
	int type;   /* enum lttng_userspace_probe_location_type: FUNCTION or TRACEPOINT */
	int lookup; /* enum lttng_userspace_probe_location_lookup_method_type */
	char function[WIRE_SYMBOL_NAME_LEN]; /* FUNCTION: the symbol */
	char provider[WIRE_SYMBOL_NAME_LEN]; /* TRACEPOINT (SDT): provider and probe */
	char probe[WIRE_SYMBOL_NAME_LEN];
	char binary_path[4096];              /* absolute */
	int binary_fd; /* the client's fd on the binary, when one came; -1 */
	/* Filled by the session daemon: the probe's offsets in the binary (one for a
	 * function, every call site of an SDT probe). */
#define DECODED_UPROBE_MAX_OFFSETS 32
	uint32_t offset_count;
	uint64_t offsets[DECODED_UPROBE_MAX_OFFSETS];
};

struct decoded_event {
	char name[WIRE_SYMBOL_NAME_LEN];
	int type;          /* enum lttng_event_type */
	int loglevel_type; /* enum lttng_loglevel_type */
	int loglevel;
	bool enabled;
	int pid;
	uint32_t flags;    /* enum lttng_event_flag (listings: syscall bitness) */
	uint32_t exclusion_count;
	char (*exclusions)[WIRE_SYMBOL_NAME_LEN]; /* owned */
	char *filter_expression;                  /* owned, may be NULL */
	uint8_t *bytecode;                        /* owned: wire_bytecode header + code */
	uint32_t bytecode_len;
	struct decoded_uprobe *uprobe; /* owned, USERSPACE_PROBE events only; its fd
					* is set (and then owned) by the receiver */
};

struct decoded_context {
	int type; /* enum lttng_event_context_type */
	uint32_t perf_type;
	uint64_t perf_config;
	char perf_name[WIRE_SYMBOL_NAME_LEN];
	char *app_provider; /* owned */
	char *app_name;     /* owned */
};

struct decoded_descriptor {
	int type;        /* enum wire_descriptor_type */
	int output_type; /* enum wire_descriptor_output */
	bool has_name;
	char name[WIRE_NAME_MAX];
	uint64_t live_timer_us;
	uint32_t uri_count;
	struct wire_uri uris[2];
};

int codec_decode_channel(const void *buf, size_t len, struct decoded_channel *ret_channel);
int codec_encode_channel(struct buffer *out, const char *name, bool enabled,
			 const struct channel_attr *attr, uint64_t discarded, uint64_t lost);

int codec_decode_event(const void *buf, size_t len, struct decoded_event *ret_event);
void decoded_event_fini(struct decoded_event *event);
/* Listing form: filter expression but no bytecode (doc/protocol/client.md, LIST_EVENTS). */
/* Appends a user-space probe's location in its wire form (ENABLE_EVENT's and the
 * listings'; codec_decode_event reads it). 0 or -ENOMEM. */
int codec_encode_uprobe(struct buffer *out, const struct decoded_uprobe *u);
int codec_encode_event(struct buffer *out, const struct decoded_event *event);
/* Same, with an explicit "enabled" byte (listed tracepoints carry -1). */
int codec_encode_event_enabled(struct buffer *out, const struct decoded_event *event,
			       int8_t enabled);

int codec_decode_context(const void *buf, size_t len, struct decoded_context *ret_context);
void decoded_context_fini(struct decoded_context *context);

/* payload = [home dir (home_len bytes)] + descriptor (desc_len bytes). */
int codec_decode_descriptor(const void *buf, size_t len, struct decoded_descriptor *ret_desc);
int codec_encode_descriptor(struct buffer *out, const struct decoded_descriptor *desc);

/* Returns the length of the NUL-terminated string in buf[0..size), or -EINVAL when
 * there is no NUL inside the buffer. */
int codec_bounded_strlen(const char *buf, size_t size);

#endif
