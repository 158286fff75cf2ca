/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: the consumer daemon's reading of the session daemon's requests, as
 * src/consumerd/main.c does it (sessiond_cb, serve_command): the input is what a
 * session daemon sent on the command connection. It is received message by message
 * with consumer_recv_any() (src/common/consumer-io.c) into a buffer of the consumer's
 * size, and each message is decoded by consumer_decode_request()
 * (src/common/wire/consumer-codec.c). As in the consumer: nothing but HELLO before
 * HELLO, a framing error (-EPROTO) ends the connection, a refused request (-EINVAL)
 * is answered and the next one is read.
 *
 * A decoded request must be safe to hand to src/consumerd/channels.c: terminated
 * absolute (or empty, where allowed) paths, a channel name that is one file name,
 * ring buffer sizes that are powers of two with a product that fits, a metadata text
 * exactly inside the payload. The payload is decoded from an exact-size copy, so a
 * read past it is caught by ASan.
 */
#include <errno.h>
#include <string.h>

#include "consumer-io.h"
#include "fuzz.h"
#include "wire/consumer-codec.h"

#define MAX_INPUT_SIZE (64u * 1024)
#define RECV_TIMEOUT_MS 1000

static uint8_t message[CONSUMER_MAX_PAYLOAD];

static void check_path(const char *field, size_t size, int may_be_empty)
{
	FUZZ_CHECK(memchr(field, '\0', size) != NULL);
	FUZZ_CHECK(field[0] == '/' || (may_be_empty && field[0] == '\0'));
}

/* A directory that may be on the session's relay daemon: absolute (or empty when
 * allowed), else relative with no empty, "." or ".." component. */
static void check_output(const char *field, size_t size, int may_be_empty)
{
	const char *p;

	FUZZ_CHECK(memchr(field, '\0', size) != NULL);
	if (field[0] == '/' || (may_be_empty && field[0] == '\0'))
		return;
	FUZZ_CHECK(field[0] != '\0');
	for (p = field;;) {
		size_t n = strcspn(p, "/");

		FUZZ_CHECK(n > 0 && !(n == 1 && p[0] == '.') &&
			   !(n == 2 && p[0] == '.' && p[1] == '.'));
		if (!p[n])
			break;
		p += n + 1;
	}
}

static void check_add_channel(const struct consumer_wire_add_channel *m)
{
	size_t name_len;

	FUZZ_CHECK(memchr(m->name, '\0', sizeof(m->name)) != NULL);
	name_len = strlen(m->name);
	FUZZ_CHECK(name_len > 0 && m->name[0] != '.' && !memchr(m->name, '/', name_len));
	check_output(m->directory, sizeof(m->directory), 1);
	check_path(m->shm_directory, sizeof(m->shm_directory), 1);
	FUZZ_CHECK(m->subbuf_size && !(m->subbuf_size & (m->subbuf_size - 1)));
	FUZZ_CHECK(m->num_subbuf && !(m->num_subbuf & (m->num_subbuf - 1)));
	FUZZ_CHECK(m->subbuf_size <= UINT64_MAX / m->num_subbuf);
	FUZZ_CHECK(m->overwrite <= 1 && (!m->overwrite || m->num_subbuf >= 2));
	FUZZ_CHECK(!m->tracefile_size || m->tracefile_size >= m->subbuf_size);
}

static void check_identifier(const char *name, size_t size)
{
	FUZZ_CHECK(memchr(name, '\0', size) != NULL);
	FUZZ_CHECK(name[0] && !(name[0] >= '0' && name[0] <= '9'));
	for (size_t i = 0; name[i]; i++)
		FUZZ_CHECK(name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
			   (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9'));
}

static void check_kernel(const struct consumer_wire_header *h, const uint8_t *payload,
			 const struct consumer_request *req)
{
	switch (req->type) {
	case CONSUMER_MSG_KERNEL_ADD_TRACE: {
		const struct consumer_wire_kernel_trace *t = req->u.kernel_trace;

		FUZZ_CHECK((const void *) t == payload && h->payload_bytes == sizeof(*t));
		FUZZ_CHECK(memchr(t->trace_name, '\0', sizeof(t->trace_name)) != NULL);
		FUZZ_CHECK(memchr(t->creation_time, '\0', sizeof(t->creation_time)) != NULL);
		FUZZ_CHECK(memchr(t->hostname, '\0', sizeof(t->hostname)) != NULL);
		check_output(t->directory, sizeof(t->directory), 1);
		break;
	}
	case CONSUMER_MSG_KERNEL_ADD_CHANNEL: {
		const struct consumer_wire_kernel_channel *c = req->u.kernel_channel;
		size_t name_len;

		FUZZ_CHECK((const void *) c == payload && h->payload_bytes == sizeof(*c));
		FUZZ_CHECK(memchr(c->name, '\0', sizeof(c->name)) != NULL);
		name_len = strlen(c->name);
		FUZZ_CHECK(name_len > 0 && c->name[0] != '.' && !memchr(c->name, '/', name_len));
		check_path(c->instance, sizeof(c->instance), 0);
		FUZZ_CHECK(c->subbuf_size >= 4096 && !(c->subbuf_size & (c->subbuf_size - 1)));
		FUZZ_CHECK(c->num_subbuf && !(c->num_subbuf & (c->num_subbuf - 1)));
		FUZZ_CHECK(c->subbuf_size <= UINT64_MAX / c->num_subbuf);
		FUZZ_CHECK(c->overwrite <= 1 && (!c->overwrite || c->num_subbuf >= 2));
		FUZZ_CHECK(!c->tracefile_size || c->tracefile_size >= c->subbuf_size);
		FUZZ_CHECK(c->cpu_count >= 1 && c->cpu_count <= CONSUMER_MAX_STREAMS);
		break;
	}
	case CONSUMER_MSG_KERNEL_ADD_EVENTS: {
		const struct consumer_wire_kernel_events *head = req->u.kernel_events.head;

		FUZZ_CHECK((const void *) head == payload);
		FUZZ_CHECK(head->count >= 1 && head->count <= CONSUMER_KERNEL_EVENTS_MAX);
		FUZZ_CHECK(h->payload_bytes ==
			   sizeof(*head) + head->count * sizeof(struct consumer_wire_kernel_event));
		FUZZ_CHECK((const uint8_t *) req->u.kernel_events.entries == payload + sizeof(*head));
		for (uint32_t i = 0; i < head->count; i++) {
			check_identifier(req->u.kernel_events.entries[i].system,
					 sizeof(req->u.kernel_events.entries[i].system));
			check_identifier(req->u.kernel_events.entries[i].name,
					 sizeof(req->u.kernel_events.entries[i].name));
		}
		break;
	}
	case CONSUMER_MSG_KERNEL_ADD_CONTEXT:
		FUZZ_CHECK((const void *) req->u.kernel_context == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.kernel_context));
		FUZZ_CHECK(req->u.kernel_context->ctx >= 0);
		break;
	case CONSUMER_MSG_KERNEL_TRACK_IDS: {
		const struct consumer_wire_kernel_ids *head = req->u.kernel_ids.head;

		FUZZ_CHECK((const void *) head == payload);
		FUZZ_CHECK(head->count <= CONSUMER_KERNEL_IDS_MAX);
		FUZZ_CHECK(head->tracker < CONSUMER_KERNEL_TRACKER_COUNT && head->reserved == 0);
		FUZZ_CHECK(h->payload_bytes == sizeof(*head) + head->count * sizeof(int32_t));
		FUZZ_CHECK((const uint8_t *) req->u.kernel_ids.ids == payload + sizeof(*head));
		FUZZ_CHECK(head->all <= 1 && (!head->all || !head->count));
		break;
	}
	case CONSUMER_MSG_KERNEL_SET_FILTER: {
		const struct consumer_wire_kernel_filter *head = req->u.kernel_filter.head;
		struct consumer_wire_kernel_event e;

		FUZZ_CHECK((const void *) head == payload);
		FUZZ_CHECK(head->count <= CONSUMER_KERNEL_FILTER_EVENTS_MAX);
		FUZZ_CHECK(head->text_len <= CONSUMER_KERNEL_FILTER_TEXT_MAX);
		FUZZ_CHECK((head->text_len == 0) == (head->count == 0));
		FUZZ_CHECK(head->count || (head->flags & CONSUMER_KERNEL_FILTER_REPLACE));
		FUZZ_CHECK(h->payload_bytes == sizeof(*head) + head->text_len +
						       head->count * sizeof(e));
		FUZZ_CHECK((const uint8_t *) req->u.kernel_filter.text == payload + sizeof(*head));
		FUZZ_CHECK(!memchr(req->u.kernel_filter.text, '\0', head->text_len));
		for (uint32_t i = 0; i < head->count; i++) {
			memcpy(&e, &req->u.kernel_filter.entries[i], sizeof(e));
			check_identifier(e.system, sizeof(e.system));
			check_identifier(e.name, sizeof(e.name));
		}
		break;
	}
	default: { /* KERNEL_STATEDUMP, KERNEL_REGENERATE_METADATA */
		struct consumer_wire_key key;

		FUZZ_CHECK(h->payload_bytes == sizeof(key));
		memcpy(&key, payload, sizeof(key));
		FUZZ_CHECK(req->u.key == key.key);
	}
	}
}

static void check_request(const struct consumer_wire_header *h, const uint8_t *payload,
			  const struct consumer_request *req)
{
	FUZZ_CHECK(req->type == h->type);
	switch (req->type) {
	case CONSUMER_MSG_HELLO:
		FUZZ_CHECK((const void *) req->u.hello == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.hello));
		FUZZ_CHECK(req->u.hello->bits_per_long == 32 || req->u.hello->bits_per_long == 64);
		break;
	case CONSUMER_MSG_ADD_CHANNEL:
		FUZZ_CHECK((const void *) req->u.add_channel == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.add_channel));
		check_add_channel(req->u.add_channel);
		break;
	case CONSUMER_MSG_ADD_METADATA:
		FUZZ_CHECK((const void *) req->u.add_metadata == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.add_metadata));
		check_output(req->u.add_metadata->directory, sizeof(req->u.add_metadata->directory),
			     1);
		check_path(req->u.add_metadata->shm_directory,
			   sizeof(req->u.add_metadata->shm_directory), 1);
		FUZZ_CHECK(req->u.add_metadata->directory[0] || req->u.add_metadata->shm_directory[0]);
		break;
	case CONSUMER_MSG_PUSH_METADATA: {
		const struct consumer_wire_push_metadata *head = req->u.push.head;
		unsigned sum = 0;

		FUZZ_CHECK((const void *) head == payload);
		FUZZ_CHECK(req->u.push.text == (const char *) payload + sizeof(*head));
		FUZZ_CHECK(head->length == h->payload_bytes - sizeof(*head));
		FUZZ_CHECK(head->length <= CONSUMER_METADATA_CHUNK);
		FUZZ_CHECK(head->reset <= 1 && (!head->reset || head->offset == 0));
		FUZZ_CHECK(head->offset <= UINT64_MAX - head->length);
		/* What the metadata file would append: every byte readable. */
		for (uint32_t i = 0; i < head->length; i++)
			sum += (unsigned char) req->u.push.text[i];
		(void) sum;
		break;
	}
	case CONSUMER_MSG_SNAPSHOT:
		FUZZ_CHECK((const void *) req->u.snapshot == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.snapshot));
		check_output(req->u.snapshot->directory, sizeof(req->u.snapshot->directory), 0);
		FUZZ_CHECK(req->u.snapshot->session_active <= 1);
		break;
	case CONSUMER_MSG_ROTATE:
		FUZZ_CHECK((const void *) req->u.rotate == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.rotate));
		check_output(req->u.rotate->directory, sizeof(req->u.rotate->directory), 1);
		FUZZ_CHECK(req->u.rotate->undeclared <= 1 && !req->u.rotate->reserved);
		break;
	case CONSUMER_MSG_RELAY_OPEN: {
		const struct consumer_wire_relay_open *m = req->u.relay_open;

		FUZZ_CHECK((const void *) m == payload && h->payload_bytes == sizeof(*m));
		FUZZ_CHECK(m->ipv6 <= 1 && m->snapshot <= 1 && m->name_contains_creation_time <= 1);
		FUZZ_CHECK(m->control_port && m->data_port);
		FUZZ_CHECK(memchr(m->control_address, '\0', sizeof(m->control_address)) != NULL);
		FUZZ_CHECK(memchr(m->data_address, '\0', sizeof(m->data_address)) != NULL);
		FUZZ_CHECK(memchr(m->session_name, '\0', sizeof(m->session_name)) && m->session_name[0]);
		FUZZ_CHECK(memchr(m->hostname, '\0', sizeof(m->hostname)) != NULL);
		FUZZ_CHECK(memchr(m->base_path, '\0', sizeof(m->base_path)) != NULL);
		FUZZ_CHECK(memchr(m->chunk_name, '\0', sizeof(m->chunk_name)) != NULL);
		FUZZ_CHECK(!strchr(m->chunk_name, '/') && strcmp(m->chunk_name, ".") &&
			   strcmp(m->chunk_name, ".."));
		break;
	}
	case CONSUMER_MSG_RELAY_CLOSE:
	case CONSUMER_MSG_RELAY_CHUNK_NEW:
	case CONSUMER_MSG_RELAY_CHUNK_CLOSE:
		FUZZ_CHECK((const void *) req->u.relay_chunk == payload);
		FUZZ_CHECK(h->payload_bytes == sizeof(*req->u.relay_chunk));
		FUZZ_CHECK(req->u.relay_chunk->close_command <= CONSUMER_CHUNK_DELETE &&
			   !req->u.relay_chunk->reserved);
		break;
	case CONSUMER_MSG_FLUSH_CHANNEL:
	case CONSUMER_MSG_DESTROY_CHANNEL:
	case CONSUMER_MSG_DATA_PENDING:
	case CONSUMER_MSG_CHANNEL_STATS:
	case CONSUMER_MSG_RELAY_SYNC:
	case CONSUMER_MSG_CLEAR:
	case CONSUMER_MSG_SESSION_CONSUMED: {
		struct consumer_wire_key key;

		FUZZ_CHECK(h->payload_bytes == sizeof(key));
		memcpy(&key, payload, sizeof(key));
		FUZZ_CHECK(req->u.key == key.key);
		break;
	}
	default:
		FUZZ_CHECK(consumer_msg_is_request(req->type));
		FUZZ_CHECK(consumer_msg_is_kernel_only(req->type));
		check_kernel(h, payload, req);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool greeted = false;
	int fd;

	if (size > MAX_INPUT_SIZE)
		return 0;
	fd = fuzz_peer_sent(data, size);
	if (fd < 0)
		return 0;
	for (;;) {
		struct consumer_wire_header h;
		struct consumer_request req;
		uint8_t *payload;
		int r = consumer_recv_any(fd, &h, message, sizeof(message), RECV_TIMEOUT_MS);

		/* The peer closed (here: the input ended) or sent a bad header. */
		FUZZ_CHECK(r == 0 || r == -ECONNRESET || r == -EPROTO);
		if (r < 0)
			break;
		FUZZ_CHECK(consumer_header_check(&h) == 0);
		FUZZ_CHECK(h.payload_bytes <= consumer_msg_max_payload(h.type));
		if (h.type != CONSUMER_MSG_HELLO && !greeted)
			break;
		payload = malloc(h.payload_bytes ? h.payload_bytes : 1);
		if (!payload)
			break;
		memcpy(payload, message, h.payload_bytes);
		r = consumer_decode_request(&h, payload, h.payload_bytes, &req);
		FUZZ_CHECK(r == 0 || r == -EPROTO || r == -EINVAL || r == -EOPNOTSUPP);
		if (r == 0)
			check_request(&h, payload, &req);
		if (r == -EINVAL)
			FUZZ_CHECK(req.type == h.type && h.type != CONSUMER_MSG_HELLO);
		free(payload);
		if (r == -EPROTO)
			break;
		if (r == 0 && req.type == CONSUMER_MSG_HELLO)
			greeted = true;
	}
	close(fd);
	return 0;
}
