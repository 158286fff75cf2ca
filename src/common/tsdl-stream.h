/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSDL stream block of a channel, kernel and user space alike: its id, its event
 * header (compact or large, declared by tsdl-preamble.h), the packet context and,
 * when the channel has context fields, the event.context struct.
 */
#ifndef COMMON_TSDL_STREAM_H
#define COMMON_TSDL_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"

/* Appends the member lines of the event.context struct (two tabs deep). */
typedef int (*tsdl_context_fn)(struct buffer *out, void *arg);

/* "stream { ... };"; context NULL: no event.context. 0, -ENOMEM or what context
 * returns (the text written until then stays). */
int tsdl_stream(struct buffer *out, uint32_t id, bool large_header, tsdl_context_fn context,
		void *arg);

#endif
