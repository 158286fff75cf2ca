/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: the session daemon's reading of a consumer daemon's answers. The
 * session daemon waits for READY (consumer-supervisor.c, on the error socket), then
 * sends HELLO and each request of a batch (ust-consumer.c op_run), reading one answer
 * after each with consumer_recv() (src/common/consumer-io.c) of the expected type and
 * size; the answers are decoded with consumer_decode_hello() and
 * consumer_decode_status() (src/common/wire/consumer-codec.c).
 *
 * Input: byte 0 gives the number of requests (1 + byte % 16), the next bytes their
 * types (each byte % 12 picks READY, HELLO, ADD_CHANNEL, ADD_METADATA, PUSH_METADATA,
 * FLUSH_CHANNEL, DESTROY_CHANNEL, DATA_PENDING, CHANNEL_STATS, SNAPSHOT, ROTATE or
 * SESSION_CONSUMED; READY
 * stands for the error socket's message), the rest is what the consumer daemon sent.
 * An error (a bad header, an answer of the wrong type or size, a reply the decoder
 * refuses, the end of the input) ends the connection, as the session daemon ends a
 * consumer whose replies are out of step; so does a successful ADD_CHANNEL, after
 * which liblttng-ust-ctl's own framing follows (not ours to decode).
 *
 * A decoded reply must be what the session daemon may use unchecked: a status that
 * is 0 or an errno, a stream count it can allocate for (1..CONSUMER_MAX_STREAMS), a
 * DATA_PENDING answer of 0 or 1, counters only from CHANNEL_STATS, a HELLO from a
 * 32- or 64-bit consumer with a pid.
 */
#include <errno.h>
#include <string.h>

#include "consumer-io.h"
#include "fuzz.h"
#include "wire/consumer-codec.h"

#define MAX_INPUT_SIZE (64u * 1024)
#define RECV_TIMEOUT_MS 1000
#define MAX_REQUESTS 16

static const uint16_t request_types[] = {
	CONSUMER_MSG_READY,	      CONSUMER_MSG_HELLO,	    CONSUMER_MSG_ADD_CHANNEL,
	CONSUMER_MSG_ADD_METADATA,    CONSUMER_MSG_PUSH_METADATA,   CONSUMER_MSG_FLUSH_CHANNEL,
	CONSUMER_MSG_DESTROY_CHANNEL, CONSUMER_MSG_DATA_PENDING,    CONSUMER_MSG_CHANNEL_STATS,
	CONSUMER_MSG_SNAPSHOT,	      CONSUMER_MSG_ROTATE,	    CONSUMER_MSG_SESSION_CONSUMED,
};

static void check_reply(uint16_t type, const struct consumer_wire_status *raw,
			const struct consumer_reply *rep)
{
	FUZZ_CHECK(rep->status == raw->status && rep->value == raw->value);
	FUZZ_CHECK(rep->discarded_events == raw->discarded_events);
	FUZZ_CHECK(rep->lost_packets == raw->lost_packets);
	FUZZ_CHECK(rep->consumed_bytes == raw->consumed_bytes);
	if (type != CONSUMER_MSG_SESSION_CONSUMED || rep->status != 0)
		FUZZ_CHECK(rep->consumed_bytes == 0);
	FUZZ_CHECK(rep->status <= 0 && rep->status >= -4095);
	if (type == CONSUMER_MSG_ADD_CHANNEL && rep->status == 0)
		FUZZ_CHECK(rep->value >= 1 && rep->value <= CONSUMER_MAX_STREAMS);
	else if (type == CONSUMER_MSG_DATA_PENDING)
		FUZZ_CHECK(rep->value <= 1);
	else
		FUZZ_CHECK(rep->value == 0);
	if (type != CONSUMER_MSG_CHANNEL_STATS || rep->status != 0)
		FUZZ_CHECK(rep->discarded_events == 0 && rep->lost_packets == 0);
}

/* One answer; false when the connection ends. */
static bool read_answer(int fd, uint16_t type)
{
	struct consumer_wire_status raw;
	struct consumer_wire_hello hello;
	struct consumer_reply rep;
	int r;

	switch (type) {
	case CONSUMER_MSG_READY:
		r = consumer_recv(fd, CONSUMER_MSG_READY, NULL, 0, RECV_TIMEOUT_MS);
		FUZZ_CHECK(r == 0 || r == -EPROTO || r == -ECONNRESET);
		return r == 0;
	case CONSUMER_MSG_HELLO:
		memset(&raw, 0, sizeof(raw));
		r = consumer_recv(fd, CONSUMER_MSG_HELLO, &raw, sizeof(hello), RECV_TIMEOUT_MS);
		FUZZ_CHECK(r == 0 || r == -EPROTO || r == -ECONNRESET);
		if (r < 0)
			return false;
		r = consumer_decode_hello(&raw, sizeof(hello), &hello);
		FUZZ_CHECK(r == 0 || r == -EPROTO);
		if (r < 0)
			return false;
		FUZZ_CHECK(memcmp(&raw, &hello, sizeof(hello)) == 0);
		FUZZ_CHECK((hello.bits_per_long == 32 || hello.bits_per_long == 64) && hello.pid);
		/* In place, as a caller reusing its receive buffer does. */
		FUZZ_CHECK(consumer_decode_hello(&raw, sizeof(hello), (void *) &raw) == 0);
		FUZZ_CHECK(memcmp(&raw, &hello, sizeof(hello)) == 0);
		return true;
	default:
		r = consumer_recv(fd, CONSUMER_MSG_STATUS, &raw, sizeof(raw), RECV_TIMEOUT_MS);
		FUZZ_CHECK(r == 0 || r == -EPROTO || r == -ECONNRESET);
		if (r < 0)
			return false;
		r = consumer_decode_status(type, &raw, sizeof(raw), &rep);
		FUZZ_CHECK(r == 0 || r == -EPROTO);
		if (r < 0)
			return false;
		check_reply(type, &raw, &rep);
		{
			union {
				struct consumer_wire_status raw;
				struct consumer_reply rep;
			} in_place;

			memcpy(&in_place.raw, &raw, sizeof(raw));
			FUZZ_CHECK(consumer_decode_status(type, &in_place, sizeof(raw),
							  &in_place.rep) == 0);
			FUZZ_CHECK(memcmp(&in_place.rep, &rep, sizeof(rep)) == 0);
		}
		/* After a created channel come liblttng-ust-ctl's objects. */
		return !(type == CONSUMER_MSG_ADD_CHANNEL && rep.status == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t types[MAX_REQUESTS];
	struct consumer_reply rep;
	unsigned count;
	int fd;

	if (size < 1 || size > MAX_INPUT_SIZE)
		return 0;
	count = 1 + data[0] % MAX_REQUESTS;
	if (size < 1 + count)
		return 0;
	for (unsigned i = 0; i < count; i++)
		types[i] = request_types[data[1 + i] % ARRAY_SIZE(request_types)];
	/* Not requests answered by a STATUS: refused whatever the payload. */
	FUZZ_CHECK(consumer_decode_status(CONSUMER_MSG_HELLO, data, size, &rep) == -EINVAL);
	FUZZ_CHECK(consumer_decode_status(CONSUMER_MSG_STATUS, data, size, &rep) == -EINVAL);
	fd = fuzz_peer_sent(data + 1 + count, size - 1 - count);
	if (fd < 0)
		return 0;
	for (unsigned i = 0; i < count && read_answer(fd, types[i]); i++)
		;
	close(fd);
	return 0;
}
