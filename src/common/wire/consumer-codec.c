/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoders of the sessiond <-> consumerd protocol; see consumer-codec.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "consumer-codec.h"

#define MAX_ERRNO 4095

bool consumer_msg_is_request(uint16_t type)
{
	switch (type) {
	case CONSUMER_MSG_HELLO:
	case CONSUMER_MSG_ADD_CHANNEL:
	case CONSUMER_MSG_ADD_METADATA:
	case CONSUMER_MSG_PUSH_METADATA:
	case CONSUMER_MSG_FLUSH_CHANNEL:
	case CONSUMER_MSG_DESTROY_CHANNEL:
	case CONSUMER_MSG_DATA_PENDING:
	case CONSUMER_MSG_CHANNEL_STATS:
	case CONSUMER_MSG_SNAPSHOT:
	case CONSUMER_MSG_ROTATE:
	case CONSUMER_MSG_SESSION_CONSUMED:
	case CONSUMER_MSG_CLEAR:
	case CONSUMER_MSG_RELAY_OPEN:
	case CONSUMER_MSG_RELAY_SYNC:
	case CONSUMER_MSG_RELAY_CLOSE:
	case CONSUMER_MSG_RELAY_CHUNK_NEW:
	case CONSUMER_MSG_RELAY_CHUNK_CLOSE:
		return true;
	default:
		return consumer_msg_is_kernel_only(type);
	}
}

bool consumer_msg_is_kernel_only(uint16_t type)
{
	switch (type) {
	case CONSUMER_MSG_KERNEL_ADD_TRACE:
	case CONSUMER_MSG_KERNEL_ADD_CHANNEL:
	case CONSUMER_MSG_KERNEL_ADD_EVENTS:
	case CONSUMER_MSG_KERNEL_ADD_CONTEXT:
	case CONSUMER_MSG_KERNEL_STATEDUMP:
	case CONSUMER_MSG_KERNEL_REGENERATE_METADATA:
	case CONSUMER_MSG_KERNEL_TRACK_IDS:
	case CONSUMER_MSG_KERNEL_SET_FILTER:
		return true;
	default:
		return false;
	}
}

bool consumer_identifier_ok(const char *name, size_t size)
{
	size_t i;

	if (!memchr(name, '\0', size) || !name[0] || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* A NUL-terminated path field: absolute, or empty when allowed. */
static bool path_field_ok(const char *field, size_t size, bool may_be_empty)
{
	if (!memchr(field, '\0', size))
		return false;
	return field[0] == '/' || (may_be_empty && field[0] == '\0');
}

/* A directory field that may name a place on the session's relay daemon: absolute
 * (local), empty when allowed, or relative without "." or ".." components and
 * without empty ones (a relay output: doc/protocol/consumer.md, RELAY_OPEN). */
static bool output_field_ok(const char *field, size_t size, bool may_be_empty)
{
	const char *p;

	if (path_field_ok(field, size, may_be_empty))
		return true;
	if (!memchr(field, '\0', size) || !field[0])
		return false;
	for (p = field; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return false;
	}
	return true;
}

static bool address_ok(const char *field, size_t size, bool ipv6)
{
	unsigned char tmp[16];

	return memchr(field, '\0', size) && inet_pton(ipv6 ? AF_INET6 : AF_INET, field, tmp) == 1;
}

static int check_relay_open(const struct consumer_wire_relay_open *m)
{
	if (m->ipv6 > 1 || m->snapshot > 1 || m->name_contains_creation_time > 1 || m->reserved ||
	    !m->control_port || !m->data_port ||
	    !address_ok(m->control_address, sizeof(m->control_address), m->ipv6) ||
	    !address_ok(m->data_address, sizeof(m->data_address), m->ipv6) ||
	    !memchr(m->session_name, '\0', sizeof(m->session_name)) || !m->session_name[0] ||
	    !memchr(m->hostname, '\0', sizeof(m->hostname)) ||
	    !memchr(m->base_path, '\0', sizeof(m->base_path)) ||
	    !memchr(m->chunk_name, '\0', sizeof(m->chunk_name)) || strchr(m->chunk_name, '/') ||
	    !strcmp(m->chunk_name, ".") || !strcmp(m->chunk_name, ".."))
		return -EINVAL;
	return 0;
}

/* A channel name becomes file names (<name>_<cpu>, in the trace and shm directories):
 * terminated, not empty, no '/', not hidden (the session daemon's own rule). */
static bool channel_name_ok(const char *name, size_t size)
{
	return memchr(name, '\0', size) && name[0] != '\0' && name[0] != '.' && !strchr(name, '/');
}

/* The domain buffers are for: this consumer serves user space only so far. */
static int check_domain(uint32_t domain)
{
	if (domain == CONSUMER_DOMAIN_UST)
		return 0;
	return domain == CONSUMER_DOMAIN_KERNEL ? -EOPNOTSUPP : -EINVAL;
}

static int check_add_channel(const struct consumer_wire_add_channel *m)
{
	int r = check_domain(m->domain);

	if (r < 0)
		return r;
	if (!channel_name_ok(m->name, sizeof(m->name)) ||
	    !output_field_ok(m->directory, sizeof(m->directory), true) ||
	    !path_field_ok(m->shm_directory, sizeof(m->shm_directory), true))
		return -EINVAL;
	/* Ring buffer geometry as the session daemon validated it: powers of two whose
	 * product fits, an overwrite flag, at least two sub-buffers to overwrite. */
	if (!is_power_of_two(m->subbuf_size) || !is_power_of_two(m->num_subbuf) ||
	    m->subbuf_size > UINT64_MAX / m->num_subbuf || m->overwrite > 1 ||
	    (m->overwrite && m->num_subbuf < 2))
		return -EINVAL;
	if (m->tracefile_size && m->tracefile_size < m->subbuf_size)
		return -EINVAL;
	return 0;
}

/* A terminated text field (metadata env values: any bytes, escaped when written). */
static bool text_field_ok(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

static int check_kernel_trace(const struct consumer_wire_kernel_trace *m)
{
	if (!text_field_ok(m->trace_name, sizeof(m->trace_name)) ||
	    !text_field_ok(m->creation_time, sizeof(m->creation_time)) ||
	    !text_field_ok(m->hostname, sizeof(m->hostname)) ||
	    !output_field_ok(m->directory, sizeof(m->directory), true))
		return -EINVAL;
	return 0;
}

/* Kernel packets are padded to whole pages: a sub-buffer holds at least one. */
#define KERNEL_MIN_SUBBUF 4096u

static int check_kernel_channel(const struct consumer_wire_kernel_channel *m)
{
	if (!channel_name_ok(m->name, sizeof(m->name)) ||
	    !path_field_ok(m->instance, sizeof(m->instance), false))
		return -EINVAL;
	if (!is_power_of_two(m->subbuf_size) || !is_power_of_two(m->num_subbuf) ||
	    m->subbuf_size < KERNEL_MIN_SUBBUF || m->subbuf_size > UINT64_MAX / m->num_subbuf ||
	    m->overwrite > 1 || (m->overwrite && m->num_subbuf < 2))
		return -EINVAL;
	if (m->tracefile_size && m->tracefile_size < m->subbuf_size)
		return -EINVAL;
	if (m->cpu_count == 0 || m->cpu_count > CONSUMER_MAX_STREAMS)
		return -EINVAL;
	return 0;
}

/* The payload is exactly the head and its count entries (-EPROTO otherwise); a count
 * of 0 or a name that is not an identifier is refused (-EINVAL). */
static int check_kernel_events(const void *payload, size_t payload_len,
			       struct consumer_request *ret)
{
	const struct consumer_wire_kernel_events *head = payload;
	const struct consumer_wire_kernel_event *e;
	uint32_t i;

	if (payload_len < sizeof(*head))
		return -EPROTO;
	if (head->count > CONSUMER_KERNEL_EVENTS_MAX ||
	    payload_len != sizeof(*head) + (size_t) head->count * sizeof(*e))
		return -EPROTO;
	ret->u.kernel_events.head = head;
	ret->u.kernel_events.entries = (const void *) ((const char *) payload + sizeof(*head));
	if (head->count == 0)
		return -EINVAL;
	for (i = 0, e = ret->u.kernel_events.entries; i < head->count; i++, e++)
		if (!consumer_identifier_ok(e->system, sizeof(e->system)) ||
		    !consumer_identifier_ok(e->name, sizeof(e->name)))
			return -EINVAL;
	return 0;
}

/* The payload is exactly the head, its text and its entries (-EPROTO otherwise);
 * unknown flags, a text with a NUL, an empty text with events or names that are not
 * identifiers are refused (-EINVAL). */
static int check_kernel_filter(const void *payload, size_t payload_len,
			       struct consumer_request *ret)
{
	const struct consumer_wire_kernel_filter *head = payload;
	const struct consumer_wire_kernel_event *e;
	uint32_t i;

	if (payload_len < sizeof(*head))
		return -EPROTO;
	if (head->count > CONSUMER_KERNEL_FILTER_EVENTS_MAX ||
	    head->text_len > CONSUMER_KERNEL_FILTER_TEXT_MAX ||
	    payload_len != sizeof(*head) + (size_t) head->text_len +
				   (size_t) head->count * sizeof(*e))
		return -EPROTO;
	ret->u.kernel_filter.head = head;
	ret->u.kernel_filter.text = (const char *) payload + sizeof(*head);
	ret->u.kernel_filter.entries =
		(const void *) ((const char *) payload + sizeof(*head) + head->text_len);
	if ((head->flags & ~CONSUMER_KERNEL_FILTER_REPLACE) || head->reserved ||
	    (head->text_len == 0) != (head->count == 0) ||
	    (head->count == 0 && !(head->flags & CONSUMER_KERNEL_FILTER_REPLACE)) ||
	    memchr(ret->u.kernel_filter.text, '\0', head->text_len))
		return -EINVAL;
	for (i = 0, e = ret->u.kernel_filter.entries; i < head->count; i++, e++)
		if (!consumer_identifier_ok(e->system, sizeof(e->system)) ||
		    !consumer_identifier_ok(e->name, sizeof(e->name)))
			return -EINVAL;
	return 0;
}

static int check_push(const struct consumer_wire_push_metadata *m)
{
	if (m->reset > 1 || (m->reset && m->offset != 0) || m->offset > UINT64_MAX - m->length)
		return -EINVAL;
	return 0;
}

int consumer_decode_request(const struct consumer_wire_header *h, const void *payload,
			    size_t payload_len, struct consumer_request *ret)
{
	const struct consumer_wire_key *key = payload;

	memset(ret, 0, sizeof(*ret));
	if (consumer_header_check(h) < 0 || !consumer_msg_is_request(h->type) ||
	    payload_len != h->payload_bytes)
		return -EPROTO;
	ret->type = h->type;
	switch (h->type) {
	case CONSUMER_MSG_HELLO:
		if (payload_len != sizeof(*ret->u.hello))
			return -EPROTO;
		ret->u.hello = payload;
		/* The sender's word size: the session daemon is a 32- or 64-bit program. */
		if (ret->u.hello->bits_per_long != 32 && ret->u.hello->bits_per_long != 64)
			return -EPROTO;
		return 0;
	case CONSUMER_MSG_ADD_CHANNEL:
		if (payload_len != sizeof(*ret->u.add_channel))
			return -EPROTO;
		ret->u.add_channel = payload;
		return check_add_channel(ret->u.add_channel);
	case CONSUMER_MSG_ADD_METADATA:
		if (payload_len != sizeof(*ret->u.add_metadata))
			return -EPROTO;
		ret->u.add_metadata = payload;
		if (check_domain(ret->u.add_metadata->domain) < 0)
			return check_domain(ret->u.add_metadata->domain);
		return output_field_ok(ret->u.add_metadata->directory,
				       sizeof(ret->u.add_metadata->directory), true) &&
				       path_field_ok(ret->u.add_metadata->shm_directory,
						     sizeof(ret->u.add_metadata->shm_directory), true) &&
				       (ret->u.add_metadata->directory[0] ||
					ret->u.add_metadata->shm_directory[0])
			       ? 0
			       : -EINVAL;
	case CONSUMER_MSG_PUSH_METADATA:
		if (payload_len < sizeof(*ret->u.push.head))
			return -EPROTO;
		ret->u.push.head = payload;
		/* The text is exactly what follows the head (at most a chunk, as the header
		 * check bounded the payload). */
		if (ret->u.push.head->length != payload_len - sizeof(*ret->u.push.head))
			return -EPROTO;
		ret->u.push.text = (const char *) payload + sizeof(*ret->u.push.head);
		return check_push(ret->u.push.head);
	case CONSUMER_MSG_SNAPSHOT:
		if (payload_len != sizeof(*ret->u.snapshot))
			return -EPROTO;
		ret->u.snapshot = payload;
		if (!output_field_ok(ret->u.snapshot->directory, sizeof(ret->u.snapshot->directory),
				     false) ||
		    ret->u.snapshot->session_active > 1)
			return -EINVAL;
		return 0;
	case CONSUMER_MSG_ROTATE:
		if (payload_len != sizeof(*ret->u.rotate))
			return -EPROTO;
		ret->u.rotate = payload;
		return output_field_ok(ret->u.rotate->directory, sizeof(ret->u.rotate->directory),
				       true) && ret->u.rotate->undeclared <= 1 && !ret->u.rotate->reserved
			       ? 0
			       : -EINVAL;
	case CONSUMER_MSG_RELAY_CHUNK_NEW:
	case CONSUMER_MSG_RELAY_CHUNK_CLOSE:
	case CONSUMER_MSG_RELAY_CLOSE:
		if (payload_len != sizeof(*ret->u.relay_chunk))
			return -EPROTO;
		ret->u.relay_chunk = payload;
		return ret->u.relay_chunk->close_command > CONSUMER_CHUNK_DELETE ||
				       ret->u.relay_chunk->reserved
			       ? -EINVAL
			       : 0;
	case CONSUMER_MSG_RELAY_OPEN:
		if (payload_len != sizeof(*ret->u.relay_open))
			return -EPROTO;
		ret->u.relay_open = payload;
		return check_relay_open(ret->u.relay_open);
	case CONSUMER_MSG_KERNEL_ADD_TRACE:
		if (payload_len != sizeof(*ret->u.kernel_trace))
			return -EPROTO;
		ret->u.kernel_trace = payload;
		return check_kernel_trace(ret->u.kernel_trace);
	case CONSUMER_MSG_KERNEL_ADD_CHANNEL:
		if (payload_len != sizeof(*ret->u.kernel_channel))
			return -EPROTO;
		ret->u.kernel_channel = payload;
		return check_kernel_channel(ret->u.kernel_channel);
	case CONSUMER_MSG_KERNEL_ADD_EVENTS:
		return check_kernel_events(payload, payload_len, ret);
	case CONSUMER_MSG_KERNEL_SET_FILTER:
		return check_kernel_filter(payload, payload_len, ret);
	case CONSUMER_MSG_KERNEL_TRACK_IDS: {
		const struct consumer_wire_kernel_ids *head = payload;

		if (payload_len < sizeof(*head))
			return -EPROTO;
		/* The ids are exactly what follows the head. */
		if (head->count > CONSUMER_KERNEL_IDS_MAX ||
		    payload_len != sizeof(*head) + (size_t) head->count * sizeof(int32_t))
			return -EPROTO;
		ret->u.kernel_ids.head = head;
		ret->u.kernel_ids.ids = (const uint8_t *) payload + sizeof(*head);
		if (head->tracker >= CONSUMER_KERNEL_TRACKER_COUNT || head->all > 1 ||
		    (head->all && head->count) || head->reserved)
			return -EINVAL;
		return 0;
	}
	case CONSUMER_MSG_KERNEL_ADD_CONTEXT:
		if (payload_len != sizeof(*ret->u.kernel_context))
			return -EPROTO;
		ret->u.kernel_context = payload;
		/* enum lttng_event_context_type values are not negative. */
		return ret->u.kernel_context->ctx < 0 ? -EINVAL : 0;
	default: /* FLUSH_CHANNEL, DESTROY_CHANNEL, DATA_PENDING, CHANNEL_STATS, RELAY_SYNC,
		  * SESSION_CONSUMED, CLEAR, KERNEL_STATEDUMP, KERNEL_REGENERATE_METADATA */
		if (payload_len != sizeof(*key))
			return -EPROTO;
		ret->u.key = key->key;
		return 0;
	}
}

int consumer_decode_status(uint16_t request_type, const void *payload, size_t payload_len,
			   struct consumer_reply *ret)
{
	struct consumer_wire_status st;
	bool counters_allowed;

	/* The payload is read before ret is written: they may be the same buffer. */
	if (payload_len == sizeof(st))
		memcpy(&st, payload, sizeof(st));
	memset(ret, 0, sizeof(*ret));
	if (!consumer_msg_is_request(request_type) || request_type == CONSUMER_MSG_HELLO)
		return -EINVAL; /* not a request answered by a STATUS */
	if (payload_len != sizeof(st))
		return -EPROTO;
	if (st.status > 0 || st.status < -MAX_ERRNO)
		return -EPROTO;
	switch (request_type) {
	case CONSUMER_MSG_ADD_CHANNEL:
		/* The stream count the session daemon allocates for and then reads. */
		if (st.status == 0 ? st.value == 0 || st.value > CONSUMER_MAX_STREAMS : st.value != 0)
			return -EPROTO;
		break;
	case CONSUMER_MSG_DATA_PENDING:
	case CONSUMER_MSG_RELAY_OPEN: /* bit 0: the relay daemon allows clears */
		if (st.value > 1)
			return -EPROTO;
		break;
	default:
		if (st.value != 0)
			return -EPROTO;
		break;
	}
	counters_allowed = request_type == CONSUMER_MSG_CHANNEL_STATS && st.status == 0;
	if (!counters_allowed && (st.discarded_events || st.lost_packets))
		return -EPROTO;
	if (st.consumed_bytes && !(request_type == CONSUMER_MSG_SESSION_CONSUMED && st.status == 0))
		return -EPROTO;
	ret->status = st.status;
	ret->value = st.value;
	ret->discarded_events = st.discarded_events;
	ret->lost_packets = st.lost_packets;
	ret->consumed_bytes = st.consumed_bytes;
	return 0;
}

int consumer_decode_hello(const void *payload, size_t payload_len,
			  struct consumer_wire_hello *ret)
{
	struct consumer_wire_hello hello;

	if (payload_len != sizeof(hello)) {
		memset(ret, 0, sizeof(*ret));
		return -EPROTO;
	}
	memcpy(&hello, payload, sizeof(hello));
	memset(ret, 0, sizeof(*ret));
	if ((hello.bits_per_long != 32 && hello.bits_per_long != 64) || hello.pid == 0)
		return -EPROTO;
	*ret = hello;
	return 0;
}
