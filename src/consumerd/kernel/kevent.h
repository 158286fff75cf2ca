/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One event class of a kernel channel: its LTTng name, id and fields, and how a raw
 * ftrace record of it becomes the event's CTF payload (doc/protocol/kernel-trace.md,
 * "Conversion"). Built from the event's ftrace format (libtraceevent's parse of
 * <instance>/events/<system>/<name>/format: offsets, sizes and signedness are never
 * assumed), LTTng's field list where it differs (kevent-map.c), the syscall argument
 * directions (syscall-args.h), or, for system "lttng", our statedump events
 * (kstatedump-events.c).
 */
#ifndef CONSUMERD_KERNEL_KEVENT_H
#define CONSUMERD_KERNEL_KEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "ctf-buf.h"
#include "filter-expr.h"
#include "kevent-map.h"
#include "kfield.h"
#include "ktask.h"

struct tep_event;

#define KEVENT_NAME_MAX 192
#define KEVENT_FIELD_NAME_MAX 64
#define KEVENT_MAX_FIELDS 64
#define KSC_MAX_ARGS 6

enum kevent_kind {
	KEVENT_PLAIN,
	KEVENT_SYSCALL_ENTRY,
	KEVENT_SYSCALL_EXIT,
	KEVENT_STATEDUMP, /* our own, carried by ftrace:raw_data records */
};

/* Where a field's value comes from in the ftrace record. */
struct ksrc {
	bool present;	 /* the format has the field (else: zero / empty) */
	int offset, size;
	bool is_signed;
	bool dynamic;	 /* __data_loc: u32 (length << 16 | offset) */
	bool relative;	 /* __rel_loc: offset from the end of the u32 */
	uint32_t elem_size;
};

struct kevent_field {
	char name[KEVENT_FIELD_NAME_MAX];
	struct kfield_type type;
	enum kmap_src kind;
	struct ksrc src;
	int sc_arg;	 /* syscall exit: index of the entry argument, else -1 */
	bool user_string; /* a user-space string ftrace does not record: "" */
};

struct kevent {
	char name[KEVENT_NAME_MAX];	/* LTTng record name */
	char system[64], ftrace_name[128];
	uint32_t id;			/* in its channel, in order of addition */
	int ftrace_id;			/* `ID:` of the format; -1 for statedump events */
	enum kevent_kind kind;
	unsigned nfields;
	struct kevent_field fields[KEVENT_MAX_FIELDS];
	size_t align;			/* of the payload struct (its largest field's) */
	/* Syscall entry: where each argument sits in the record (to keep them for the
	 * exit's output arguments). */
	unsigned sc_nargs;
	struct ksrc sc_args[KSC_MAX_ARGS];
	uint32_t statedump_code;	/* KEVENT_STATEDUMP: the marker id */
	/* Names the record gives to tasks (a comm field next to its tid field:
	 * sched_switch's prev_ and next_, sched_wakeup's...), for the task table. */
	unsigned ncomm_pairs;
	struct {
		uint8_t comm, tid; /* field indexes */
		int16_t prio;	   /* its prio field (LTTng's value), -1: none */
	} comm_pairs[2];
	int exec_filename;	/* sched_process_exec: the filename field (comm = its
				 * basename), else -1 */
	/* sched_process_fork's child_tid field, sched_process_free's tid field (the
	 * task table follows them), else -1: found once, not per record. */
	int fork_child_tid, free_tid;
};

/* Per-channel conversion state: tasks, and the syscall entries still waiting for
 * their exit (the output arguments' values), by TID. */
struct ksc_pending;
struct kconv {
	struct ktask_cache *tasks;
	struct ksc_pending *pending;
	uint32_t pid_ns_inum;
	uint32_t cpu;	/* of the records being converted (the idle task's name) */
};

int kconv_init(struct kconv *cv, const char *proc_root);
void kconv_fini(struct kconv *cv);

/* Loads the parsed format of another ftrace event (a syscall exit needs its entry's
 * argument types); NULL when it cannot. */
typedef struct tep_event *(*kevent_format_fn)(void *userdata, const char *system,
					      const char *name);

/*
 * Builds ev (id given) for ftrace event system:name whose parsed format is fmt.
 * System "lttng" names our statedump events (fmt unused, may be NULL). 0, or
 * -ENOENT (unknown statedump event), -EINVAL (a format we cannot convert),
 * -ENAMETOOLONG.
 */
int kevent_build(struct kevent *ev, uint32_t id, const char *system, const char *name,
		 struct tep_event *fmt, kevent_format_fn load, void *userdata);

/* Appends the TSDL "event { ... };" of ev in stream stream_id. */
int kevent_tsdl(const struct kevent *ev, uint32_t stream_id, struct buffer *out);

/*
 * Appends the payload of one record (rec, len bytes: the ftrace record from
 * common_type on; for statedump events the bytes our marker carried) to out,
 * aligned as the payload struct. 0, -ENOSPC (out full; out unchanged) or -EINVAL
 * (a malformed record; out unchanged).
 */
int kevent_encode(const struct kevent *ev, struct kconv *cv, const uint8_t *rec, uint32_t len,
		  struct ctf_buf *out);

/* The value of integer field `field` of a record (what kevent_encode writes). */
uint64_t kevent_field_int(const struct kevent *ev, unsigned field, struct kconv *cv,
			  const uint8_t *rec, uint32_t len);

/* The value of field `field` of a record as a filter sees it (kevent-load.c):
 * integers by their CTF type, text arrays and strings as strings, elements of
 * arrays and sequences by index. false when there is none (out of bounds, an
 * array named without index, a malformed record). */
bool kevent_field_load(const struct kevent *ev, unsigned field, struct kconv *cv,
		       const uint8_t *rec, uint32_t len, bool indexed, int64_t index,
		       struct filter_value *out);

/* What a record tells the task table (names, forks, exits, prios) and the syscall
 * entries kept for their exits: called for every record of a declared event,
 * before kevent_encode. */
void kevent_observe(const struct kevent *ev, struct kconv *cv, const uint8_t *rec, uint32_t len);

/* Bounded reads of the record (0 / "" outside it). */
uint64_t krec_uint(const uint8_t *rec, uint32_t len, int offset, int size, bool is_signed);
/* The text of a char array or __data_loc field: *ret points into rec, length
 * *ret_len (up to the first NUL). */
void krec_text(const uint8_t *rec, uint32_t len, const struct ksrc *src, const char **ret,
	       uint32_t *ret_len);

#endif
