/* SPDX-License-Identifier: GPL-2.0-only */
/* The relay daemon requests of a consumer batch; see consumer-relay.h. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "macros.h"

static int fill_address(char *dst, size_t size, uint16_t *port, const struct wire_uri *uri)
{
	*port = uri->port;
	return copy_string(dst, size, uri->dtype == WIRE_URI_IPV6 ? uri->dst.ipv6 : uri->dst.ipv4);
}

/* RELAY_OPEN to the relay daemon of uris (control and data, in either order). */
static int add_open(const struct daemon *d, const struct session *s, const struct wire_uri *uris,
		    bool snapshot, const char *chunk_name, struct consumer_batch *b)
{
	struct consumer_wire_relay_open m;
	const struct wire_uri *control = &uris[0], *data = &uris[1];
	uint16_t control_port, data_port;

	if (control->stype != WIRE_URI_CONTROL) {
		control = &uris[1];
		data = &uris[0];
	}
	memset(&m, 0, sizeof(m));
	m.snapshot = snapshot;
	m.session_id = s->id;
	m.creation_time = (uint64_t) s->creation_time;
	m.chunk_id = s->chunks.index;
	m.chunk_creation_time = (uint64_t) (s->chunks.begin ? s->chunks.begin : s->creation_time);
	m.live_timer_us = (uint32_t) s->live_timer_us;
	m.ipv6 = control->dtype == WIRE_URI_IPV6;
	m.name_contains_creation_time = s->auto_named;
	memcpy(m.sessiond_uuid, d->instance_uuid, sizeof(m.sessiond_uuid));
	if (fill_address(m.control_address, sizeof(m.control_address), &control_port, control) < 0 ||
	    fill_address(m.data_address, sizeof(m.data_address), &data_port, data) < 0 ||
	    copy_string(m.session_name, sizeof(m.session_name), s->name) < 0 ||
	    copy_string(m.hostname, sizeof(m.hostname), d->hostname) < 0 ||
	    copy_string(m.base_path, sizeof(m.base_path), control->subdir) < 0 ||
	    copy_string(m.chunk_name, sizeof(m.chunk_name), chunk_name) < 0)
		return -ENAMETOOLONG;
	m.control_port = control_port;
	m.data_port = data_port;
	return consumer_batch_add_request(b, CONSUMER_MSG_RELAY_OPEN, &m, sizeof(m)) ? 0 : -ENOMEM;
}

int consumer_relay_add_open(const struct daemon *d, const struct session *s,
			    struct consumer_batch *b)
{
	return add_open(d, s, s->uris, false, "", b);
}

int consumer_relay_add_snapshot_open(const struct daemon *d, const struct session *s,
				     const struct snapshot_output *o, const char *record_name,
				     struct consumer_batch *b)
{
	return add_open(d, s, o->uris, true, record_name, b);
}

int consumer_relay_add_chunk_new(struct consumer_batch *b, const struct session *s)
{
	struct consumer_wire_relay_chunk m = {
		.session_id = s->id,
		.chunk_id = s->chunks.index,
		.timestamp = (uint64_t) s->chunks.begin,
	};

	return consumer_batch_add_request(b, CONSUMER_MSG_RELAY_CHUNK_NEW, &m, sizeof(m)) ? 0
											  : -ENOMEM;
}

int consumer_relay_add_chunk_close(struct consumer_batch *b, const struct session *s)
{
	struct consumer_op *op = consumer_batch_add(b, CONSUMER_OP_RELAY_CHUNK_CLOSE);

	if (!op)
		return -ENOMEM;
	op->relay_msg = CONSUMER_MSG_RELAY_CHUNK_CLOSE;
	op->in.relay_chunk = (struct consumer_wire_relay_chunk) {
		.session_id = s->id,
		.chunk_id = s->chunks.relay_closing_id,
		.timestamp = (uint64_t) time(NULL),
		.close_command = (uint32_t) s->chunks.relay_close_command,
	};
	return 0;
}

static int add_close(struct consumer_batch *b, uint64_t session_id, uint32_t command)
{
	struct consumer_op *op = consumer_batch_add(b, CONSUMER_OP_RELAY_CHUNK_CLOSE);

	if (!op)
		return -ENOMEM;
	op->relay_msg = CONSUMER_MSG_RELAY_CLOSE;
	op->in.relay_chunk = (struct consumer_wire_relay_chunk) {
		.session_id = session_id,
		.timestamp = (uint64_t) time(NULL),
		.close_command = command,
	};
	return 0;
}

int consumer_relay_add_close(struct consumer_batch *b, uint64_t session_id, bool archive)
{
	return add_close(b, session_id, archive ? CONSUMER_CHUNK_ARCHIVE : CONSUMER_CHUNK_KEEP);
}

int consumer_relay_add_record_close(struct consumer_batch *b, uint64_t session_id)
{
	return add_close(b, session_id, CONSUMER_CHUNK_KEEP);
}

void consumer_relay_take_archive(struct daemon *d, const struct consumer_batch *b)
{
	struct session *s = session_find_by_id(d->sessions, b->subject_id);

	if (!s)
		s = session_find_destroying(d->sessions, b->subject_id);
	for (unsigned i = 0; s && i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];

		if (op->type != CONSUMER_OP_RELAY_CHUNK_CLOSE || op->result < 0 || !op->relay_path ||
		    !op->relay_path[0] || op->in.relay_chunk.close_command != CONSUMER_CHUNK_ARCHIVE)
			continue;
		(void) copy_string(s->chunks.last_archive, sizeof(s->chunks.last_archive),
				   op->relay_path);
		s->chunks.last_archive_on_relay = true;
		if (op->relay_msg == CONSUMER_MSG_RELAY_CLOSE) {
			/* LTTng's last rotation at destroy: the destroy reply says where. */
			s->chunks.archived_at_destroy = true;
			s->chunks.state = LTTNG_ROTATION_STATE_COMPLETED;
		}
		return;
	}
}

void consumer_relay_take_config(struct daemon *d, const struct consumer_batch *b)
{
	struct session *s = session_find_by_id(d->sessions, b->subject_id);

	for (unsigned i = 0; s && i < b->count; i++) {
		const struct consumer_op *op = &b->ops[i];

		if (op->type != CONSUMER_OP_REQUEST || op->in.request.msg_type != CONSUMER_MSG_RELAY_OPEN ||
		    op->result < 0)
			continue;
		s->relay_configured = true;
		s->relay_allows_clear = op->value & 1;
	}
}

int consumer_relay_add_sync(struct consumer_batch *b, uint64_t session_id)
{
	struct consumer_wire_key key = { .key = session_id };

	return consumer_batch_add_request(b, CONSUMER_MSG_RELAY_SYNC, &key, sizeof(key)) ? 0 : -ENOMEM;
}


