/* SPDX-License-Identifier: GPL-2.0-only */
/* Blocking send/receive of consumer protocol messages with a timeout. */
#ifndef COMMON_CONSUMER_IO_H
#define COMMON_CONSUMER_IO_H

#include <stddef.h>
#include <stdint.h>

#include "wire/consumer-wire.h"

/* Sends header + payload. Returns 0 or -errno. */
int consumer_send(int fd, uint16_t type, const void *payload, uint32_t len, int timeout_ms);
/* Sends header + two payload parts (their lengths summed). Returns 0 or -errno. */
int consumer_send_parts(int fd, uint16_t type, const void *a, uint32_t a_len, const void *b,
		       uint32_t b_len, int timeout_ms);
/* Receives one message whose type must be expected_type, payload into buf (exactly
 * buf_len bytes expected). Returns 0, -EPROTO, -ETIMEDOUT or -errno. */
int consumer_recv(int fd, uint16_t expected_type, void *buf, uint32_t buf_len, int timeout_ms);

/* Receives one message of any valid type: header into *h, payload (at most buf_len
 * bytes, else -EPROTO) into buf. Returns 0, -EPROTO, -ETIMEDOUT or -errno. */
int consumer_recv_any(int fd, struct consumer_wire_header *h, void *buf, uint32_t buf_len,
		      int timeout_ms);

#endif
