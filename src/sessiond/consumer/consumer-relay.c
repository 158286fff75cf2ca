/* SPDX-License-Identifier: GPL-2.0-only */
/* The relay daemon requests of a consumer batch; see consumer-relay.h. */
#include <errno.h>
#include <string.h>

#include "consumer/consumer-relay.h"
#include "core/daemon.h"
#include "macros.h"

bool session_streams_to_relay(const struct session *s)
{
	return s->output == SESSION_OUTPUT_NETWORK && !s->snapshot_mode && s->uri_count == 2;
}

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

int consumer_relay_add_sync(struct consumer_batch *b, uint64_t session_id)
{
	struct consumer_wire_key key = { .key = session_id };

	return consumer_batch_add_request(b, CONSUMER_MSG_RELAY_SYNC, &key, sizeof(key)) ? 0 : -ENOMEM;
}

int consumer_relay_add_close(struct consumer_batch *b, uint64_t session_id)
{
	struct consumer_wire_key key = { .key = session_id };

	return consumer_batch_add_request(b, CONSUMER_MSG_RELAY_CLOSE, &key, sizeof(key)) ? 0
											  : -ENOMEM;
}
