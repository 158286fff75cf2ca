/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event classes of one kernel channel and the conversion of one raw record into
 * an event of a packet: which class a record belongs to (its ftrace type id, or for
 * ftrace:raw_data records carrying our statedump, the marker id), then its event
 * header, context and payload appended to the packet. Pure (no I/O): the channel
 * (kchannel.c), the unit tests and the page fuzz target share it.
 */
#ifndef CONSUMERD_KERNEL_KTABLE_H
#define CONSUMERD_KERNEL_KTABLE_H

#include <stdint.h>

#include "kcontext.h"
#include "kevent.h"
#include "kpacket.h"

#define KTABLE_STATEDUMP_CODES 32u
_Static_assert(KSD_CODE_END <= KTABLE_STATEDUMP_CODES, "every statedump code has a slot");
#define KTABLE_FTRACE_IDS 65536u

struct ktable {
	struct kevent **events;	/* by LTTng id */
	unsigned nevents, cap;
	uint16_t *by_ftrace_id;	/* ftrace id -> LTTng id + 1 (0: not declared) */
	struct kevent *statedump[KTABLE_STATEDUMP_CODES]; /* by ksd code */
	int raw_data_id;	/* ftrace:raw_data's ID, -1 unknown */
	int raw_id_off, raw_buf_off;
};

int ktable_init(struct ktable *t);
void ktable_fini(struct ktable *t);
/* Takes ev (its id must be t->nevents). 0 or -ENOMEM/-ENOSPC/-EINVAL (ev not taken). */
int ktable_add(struct ktable *t, struct kevent *ev);
struct kevent *ktable_find(const struct ktable *t, const char *system, const char *name);

/* The class of a record, and the bytes its payload converts from (the record, or
 * what our statedump marker carried). NULL: not declared (or a marker that is not
 * ours). *malformed: a marker whose length runs past the record. */
struct kevent *ktable_classify(const struct ktable *t, const uint8_t *rec, uint32_t len,
			       const uint8_t **payload, uint32_t *plen, bool *malformed);

/*
 * Appends the event of a record (class ev) at ts to the open packet p. Returns 0;
 * -ENOSPC when it does not fit but the packet has events (close it and retry in a new
 * one); -E2BIG when it does not fit an empty packet, -EINVAL when malformed (dropped).
 * The packet is unchanged on error.
 */
int ktable_append(struct kpacket *p, const struct kevent *ev, const struct kcontext_set *ctx,
		  struct kconv *cv, uint64_t ts, const uint8_t *rec, uint32_t len,
		  const uint8_t *payload, uint32_t plen);

#endif
