/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table (src/sessiond/dispatch.c) driven directly with synthetic requests
 * on a daemon model without an event loop: unknown commands, session lookup,
 * ownership, a create/list/destroy round trip and dispatch_payload_length().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "core/daemon.h"
#include "consumer/consumer-supervisor.h"
#include "client/dispatch.h"
#include "model/model.h"
#include "ust/ust-trace.h"
#include "wire/client-codec.h"

#include "tap.h"

#define UID_ALICE 1000
#define UID_BOB 2000
#define SESSION_ENTRY_SIZE (sizeof(struct wire_session) + sizeof(struct wire_session_extended))

static struct sessiond_config cfg;
static struct daemon daemon_model;

struct result {
	int ret_code;
	struct buffer cmd_header;
	struct buffer data;
};

struct request_spec {
	uint32_t cmd;
	const char *session;
	int domain;
	int buffer_type;
	uid_t uid;
	const void *payload;
	size_t payload_len;
	struct wire_request *header; /* optional, prepared by the caller */
};

/* Runs one request; the result owns the reply buffers (result_fini). */
static struct result run(const struct request_spec *spec)
{
	static struct wire_request blank;
	struct wire_request *h = spec->header ? spec->header : &blank;
	struct client_reply reply;
	struct client_request req;
	struct result res;

	if (!spec->header)
		memset(&blank, 0, sizeof(blank));
	h->cmd_type = spec->cmd;
	h->domain.type = spec->domain;
	h->domain.buf_type = spec->buffer_type;
	memset(h->session.name, 0, sizeof(h->session.name));
	if (spec->session)
		snprintf(h->session.name, sizeof(h->session.name), "%s", spec->session);

	memset(&req, 0, sizeof(req));
	req.header = h;
	memcpy(req.session_name, h->session.name, sizeof(req.session_name));
	req.session_name[sizeof(req.session_name) - 1] = '\0';
	req.domain_type = spec->domain;
	req.buffer_type = spec->buffer_type;
	req.payload = spec->payload;
	req.payload_len = spec->payload_len;
	req.creds.pid = 4242;
	req.creds.uid = spec->uid;
	req.creds.gid = spec->uid;

	memset(&reply, 0, sizeof(reply));
	reply.ret_code = -12345;
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	dispatch_request(&daemon_model, &req, &reply);
	res.ret_code = reply.ret_code;
	res.cmd_header = reply.cmd_header;
	res.data = reply.data;
	return res;
}

static void result_fini(struct result *r)
{
	buffer_fini(&r->cmd_header);
	buffer_fini(&r->data);
}

static int run_code(const struct request_spec *spec)
{
	struct result r = run(spec);
	int code = r.ret_code;

	result_fini(&r);
	return code;
}

/* CREATE_SESSION_EXT payload: [home + NUL] + descriptor. */
static void build_create(struct buffer *payload, struct wire_request *h, const char *home,
			 const struct decoded_descriptor *desc)
{
	size_t home_len = home ? strlen(home) + 1 : 0;

	buffer_init(payload);
	memset(h, 0, sizeof(*h));
	if (home)
		buffer_append(payload, home, home_len);
	if (codec_encode_descriptor(payload, desc) < 0)
		bail_out("cannot encode a descriptor");
	h->u.create_session.home_dir_size = (uint16_t) home_len;
	h->u.create_session.session_descriptor_size = payload->size - home_len;
}

static int create_session(const char *name, uid_t uid, int output, const char *home,
			  struct result *ret)
{
	static struct wire_request h;
	struct decoded_descriptor desc;
	struct buffer payload;
	struct result r;

	memset(&desc, 0, sizeof(desc));
	desc.type = WIRE_DESCRIPTOR_REGULAR;
	desc.output_type = output;
	if (name) {
		desc.has_name = true;
		snprintf(desc.name, sizeof(desc.name), "%s", name);
	}
	build_create(&payload, &h, home, &desc);
	r = run(&(struct request_spec){ .cmd = WIRE_CMD_CREATE_SESSION_EXT, .uid = uid,
					.payload = payload.data, .payload_len = payload.size,
					.header = &h });
	buffer_fini(&payload);
	if (ret) {
		*ret = r;
	} else {
		result_fini(&r);
	}
	return r.ret_code;
}

/* Session names in a LIST_SESSIONS reply, as one comma-separated string. */
static void listed_names(const struct result *r, char *out, size_t size)
{
	size_t count = r->data.size / SESSION_ENTRY_SIZE;

	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		struct wire_session w;

		memcpy(&w, r->data.data + i * sizeof(w), sizeof(w));
		w.name[sizeof(w.name) - 1] = '\0';
		if (i)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, w.name, size - strlen(out) - 1);
	}
}

/* Whether a comma-separated name list holds a name starting with prefix. */
static bool has_name(const char *names, const char *prefix)
{
	size_t len = strlen(prefix);

	for (const char *p = names; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, prefix, len) == 0)
			return true;
	return false;
}

/* The listed entry of a session (the reply stays owned by r). */
static const struct wire_session *find_listed(const struct result *r, const char *name)
{
	size_t count = r->data.size / SESSION_ENTRY_SIZE;

	for (size_t i = 0; i < count; i++) {
		const struct wire_session *w =
			(const struct wire_session *) (r->data.data + i * sizeof(*w));

		if (strncmp(w->name, name, sizeof(w->name)) == 0)
			return w;
	}
	return NULL;
}

static struct result list_sessions(uid_t uid)
{
	return run(&(struct request_spec){ .cmd = WIRE_CMD_LIST_SESSIONS, .uid = uid });
}

static void test_unknown_commands(void)
{
	static const uint32_t unknown[] = { 1, 7, 8, 15, 19, 20, 22, 23, 29, 30, 37, 38, 39,
					    43, 44, 52, WIRE_CMD_COUNT, 54, 1000, 0x7FFFFFFF,
					    0xFFFFFFFF };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		struct result r = run(&(struct request_spec){ .cmd = unknown[i], .session = "s",
							      .domain = LTTNG_DOMAIN_UST });

		is_int(r.ret_code, 12, "command %u -> LTTNG_ERR_UND (12)", unknown[i]);
		ok(r.cmd_header.size == 0 && r.data.size == 0, "command %u: empty reply",
		   unknown[i]);
		result_fini(&r);
	}
}

static void test_session_not_found(void)
{
	static const uint32_t needs_session[] = {
		WIRE_CMD_START_TRACE,	  WIRE_CMD_STOP_TRACE,	     WIRE_CMD_DESTROY_SESSION,
		WIRE_CMD_LIST_DOMAINS,	  WIRE_CMD_LIST_CHANNELS,    WIRE_CMD_ENABLE_CHANNEL,
		WIRE_CMD_DISABLE_CHANNEL, WIRE_CMD_DATA_PENDING,     WIRE_CMD_ROTATE_SESSION,
		WIRE_CMD_CLEAR_SESSION,	  WIRE_CMD_SNAPSHOT_RECORD,  WIRE_CMD_TRACKER_GET_POLICY,
	};

	for (size_t i = 0; i < sizeof(needs_session) / sizeof(needs_session[0]); i++)
		is_int(run_code(&(struct request_spec){ .cmd = needs_session[i],
							.session = "does-not-exist",
							.domain = LTTNG_DOMAIN_UST }),
		       23, "command %u on a missing session -> LTTNG_ERR_SESS_NOT_FOUND (23)",
		       needs_session[i]);
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_START_TRACE, .session = "" }), 23,
	       "empty session name -> 23");
}

static void test_create_list_destroy(void)
{
	struct decoded_descriptor desc;
	struct result r;
	char names[1024];

	r = list_sessions(0);
	is_int(r.ret_code, LTTNG_OK, "LIST_SESSIONS on an empty daemon");
	is_uint(r.data.size, 0, "no session listed");
	result_fini(&r);

	is_int(create_session("alpha", UID_ALICE, WIRE_OUTPUT_NONE, NULL, &r), LTTNG_OK,
	       "create 'alpha' for alice");
	is_int(codec_decode_descriptor(r.data.data, r.data.size, &desc), 0,
	       "create reply is a descriptor");
	is_str(desc.name, "alpha", "reply names the session");
	is_int(desc.type, WIRE_DESCRIPTOR_REGULAR, "reply keeps the type");
	is_uint(r.cmd_header.size, 0, "create reply has no command header");
	result_fini(&r);

	is_int(create_session("alpha", UID_BOB, WIRE_OUTPUT_NONE, NULL, NULL), LTTNG_ERR_EXIST_SESS,
	       "same name again -> LTTNG_ERR_EXIST_SESS");
	is_int(create_session("a/b", UID_ALICE, WIRE_OUTPUT_NONE, NULL, NULL),
	       LTTNG_ERR_SESSION_INVALID_CHAR, "'/' in a name -> SESSION_INVALID_CHAR");
	is_int(create_session("beta", UID_ALICE, WIRE_OUTPUT_LOCAL, "/home/alice", NULL), LTTNG_OK,
	       "create 'beta' with default local output");
	is_int(create_session("gamma", UID_BOB, WIRE_OUTPUT_NONE, NULL, NULL), LTTNG_OK,
	       "create 'gamma' for bob");
	is_int(create_session("delta", UID_ALICE, WIRE_OUTPUT_LOCAL, "relative/home", NULL),
	       LTTNG_ERR_INVALID, "relative home directory -> INVALID");
	is_int(create_session("delta", UID_ALICE, WIRE_OUTPUT_LOCAL, NULL, NULL), LTTNG_ERR_INVALID,
	       "local output without home -> INVALID");
	is_int(create_session(NULL, UID_ALICE, WIRE_OUTPUT_NONE, NULL, &r), LTTNG_OK,
	       "create without a name");
	if (codec_decode_descriptor(r.data.data, r.data.size, &desc) == 0) {
		ok(desc.has_name && strncmp(desc.name, "auto-", 5) == 0,
		   "daemon picks an auto- name (%s)", desc.name);
	} else {
		fail("daemon picks an auto- name");
	}
	result_fini(&r);

	r = list_sessions(UID_ALICE);
	is_int(r.ret_code, LTTNG_OK, "LIST_SESSIONS as alice");
	is_uint(r.data.size, 3 * SESSION_ENTRY_SIZE, "alice sees 3 sessions + extended info");
	listed_names(&r, names, sizeof(names));
	ok(has_name(names, "alpha") && has_name(names, "beta") && has_name(names, "auto-") &&
		   !has_name(names, "gamma"),
	   "alice sees alpha, beta and the auto- session, not gamma (%s)", names);
	{
		const struct wire_session *beta = find_listed(&r, "beta");

		if (beta) {
			ok(strncmp(beta->path, "/home/alice/lttng-traces/beta-", 30) == 0,
			   "beta's path is <home>/lttng-traces/beta-<date> (%.60s)", beta->path);
			is_uint(beta->enabled, 0, "beta is not active");
		} else {
			fail("beta's path");
			fail("beta is not active");
		}
	}
	if (r.data.size == 3 * SESSION_ENTRY_SIZE) {
		struct wire_session_extended ext;

		memcpy(&ext, r.data.data + 3 * sizeof(struct wire_session), sizeof(ext));
		is_uint(ext.creation_time_is_set, 1, "extended info after the sessions");
		ok(ext.creation_time > 1600000000u, "creation time is a plausible time");
	} else {
		fail("extended info after the sessions");
		fail("creation time is a plausible time");
	}
	result_fini(&r);

	r = list_sessions(UID_BOB);
	listed_names(&r, names, sizeof(names));
	is_str(names, "gamma", "bob sees only his session");
	result_fini(&r);
	r = list_sessions(3000);
	is_uint(r.data.size, 0, "a third user sees nothing");
	result_fini(&r);
	r = list_sessions(0);
	is_uint(r.data.size, 4 * SESSION_ENTRY_SIZE, "root sees all 4 sessions");
	result_fini(&r);

	/* Ownership. */
	r = run(&(struct request_spec){ .cmd = WIRE_CMD_DESTROY_SESSION, .session = "alpha",
					.uid = UID_BOB });
	is_int(r.ret_code, LTTNG_ERR_EPERM, "bob destroying alice's session -> EPERM (32)");
	ok(r.cmd_header.size == 0 && r.data.size == 0, "EPERM reply carries nothing");
	result_fini(&r);
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_LIST_DOMAINS, .session = "alpha",
						.uid = UID_BOB }),
	       LTTNG_ERR_EPERM, "bob listing alice's domains -> EPERM");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_ENABLE_CHANNEL, .session = "alpha",
						.domain = LTTNG_DOMAIN_UST, .uid = UID_BOB }),
	       LTTNG_ERR_EPERM, "bob enabling a channel in alice's session -> EPERM");
	ok(session_find(daemon_model.sessions, "alpha") != NULL, "alpha survived bob");

	r = run(&(struct request_spec){ .cmd = WIRE_CMD_ROTATION_GET_INFO, .session = "alpha",
					.uid = UID_ALICE });
	is_int(r.ret_code, LTTNG_OK, "rotation info of a session that never rotated: OK");
	is_uint(r.cmd_header.size, 0, "rotation info: no command header");
	is_uint(r.data.size, 4362, "rotation info: lttng_rotation_get_info_return, 4362 bytes");
	if (r.data.size == 4362) {
		int32_t status;
		size_t nonzero = 0;

		memcpy(&status, r.data.data, 4);
		is_int(status, LTTNG_ROTATION_STATE_NO_ROTATION, "rotation info: no rotation");
		for (size_t i = 4; i < r.data.size; i++)
			nonzero += ((const uint8_t *) r.data.data)[i] != 0;
		is_uint(nonzero, 0, "rotation info: no location");
	} else {
		fail("rotation info: no rotation");
		fail("rotation info: no location");
	}
	result_fini(&r);

	r = run(&(struct request_spec){ .cmd = WIRE_CMD_DESTROY_SESSION, .session = "alpha",
					.uid = UID_ALICE });
	is_int(r.ret_code, LTTNG_OK, "alice destroys alpha");
	is_uint(r.cmd_header.size, 4, "destroy reply: 4-byte command header");
	if (r.cmd_header.size == 4) {
		int32_t state;

		memcpy(&state, r.cmd_header.data, 4);
		is_int(state, LTTNG_ROTATION_STATE_NO_ROTATION, "rotation state: no rotation");
	} else {
		fail("rotation state: no rotation");
	}
	result_fini(&r);
	ok(session_find(daemon_model.sessions, "alpha") == NULL, "alpha is gone from the model");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_DESTROY_SESSION,
						.session = "alpha", .uid = UID_ALICE }),
	       23, "destroying alpha again -> 23");

	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_DESTROY_SESSION,
						.session = "gamma", .uid = 0 }),
	       LTTNG_OK, "root destroys bob's session");
	r = list_sessions(0);
	listed_names(&r, names, sizeof(names));
	ok(has_name(names, "beta") && has_name(names, "auto-") && !has_name(names, "alpha") &&
		   !has_name(names, "gamma"),
	   "remaining sessions: beta and auto- (%s)", names);
	result_fini(&r);
}

static void put_channel(struct buffer *b, const char *name, uint64_t subbuf, uint64_t nsub)
{
	struct wire_channel w;

	memset(&w, 0, sizeof(w));
	w.name_len = (uint32_t) strlen(name) + 1;
	w.enabled = 1;
	w.overwrite = -1;
	w.subbuf_size = subbuf;
	w.num_subbuf = nsub;
	w.output = LTTNG_EVENT_MMAP;
	buffer_init(b);
	buffer_append(b, &w, sizeof(w));
	buffer_append(b, name, w.name_len);
}

static void test_channel_flow(void)
{
	static struct wire_request h;
	struct buffer payload;
	struct result r;

	is_int(create_session("chan-test", 0, WIRE_OUTPUT_NONE, NULL, NULL), LTTNG_OK,
	       "create chan-test as root");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_START_TRACE, .session = "chan-test" }),
	       LTTNG_ERR_NO_CHANNEL, "start without a channel -> NO_CHANNEL");

	put_channel(&payload, "chan", 1u << 20, 4);
	memset(&h, 0, sizeof(h));
	h.u.channel.length = (uint32_t) payload.size;
	h.cmd_type = WIRE_CMD_ENABLE_CHANNEL;
	is_int(dispatch_payload_length(&h), (long long) payload.size,
	       "ENABLE_CHANNEL announces the channel payload");
	r = run(&(struct request_spec){ .cmd = WIRE_CMD_ENABLE_CHANNEL, .session = "chan-test",
					.domain = LTTNG_DOMAIN_UST,
					.buffer_type = LTTNG_BUFFER_PER_UID, .payload = payload.data,
					.payload_len = payload.size, .header = &h });
	is_int(r.ret_code, LTTNG_OK, "enable UST channel 'chan'");
	result_fini(&r);
	r = run(&(struct request_spec){ .cmd = WIRE_CMD_ENABLE_CHANNEL, .session = "chan-test",
					.domain = LTTNG_DOMAIN_UST,
					.buffer_type = LTTNG_BUFFER_PER_UID, .payload = payload.data,
					.payload_len = payload.size, .header = &h });
	is_int(r.ret_code, LTTNG_ERR_UST_CHAN_EXIST, "same channel again -> UST_CHAN_EXIST");
	result_fini(&r);
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_ENABLE_CHANNEL,
						.session = "chan-test",
						.domain = LTTNG_DOMAIN_UST,
						.payload = payload.data,
						.payload_len = payload.size - 1 }),
	       LTTNG_ERR_INVALID, "truncated channel payload -> INVALID");
	buffer_fini(&payload);

	r = run(&(struct request_spec){ .cmd = WIRE_CMD_LIST_CHANNELS, .session = "chan-test",
					.domain = LTTNG_DOMAIN_UST });
	is_int(r.ret_code, LTTNG_OK, "LIST_CHANNELS");
	if (r.cmd_header.size == 4) {
		uint32_t count;

		memcpy(&count, r.cmd_header.data, 4);
		is_uint(count, 1, "one channel counted in the command header");
	} else {
		fail("one channel counted in the command header");
	}
	is_uint(r.data.size, sizeof(struct wire_channel) + 5, "one channel listed");
	if (r.data.size >= sizeof(struct wire_channel) + 5)
		is_str((const char *) r.data.data + sizeof(struct wire_channel), "chan",
		       "listed channel name");
	else
		fail("listed channel name");
	result_fini(&r);

	r = run(&(struct request_spec){ .cmd = WIRE_CMD_LIST_DOMAINS, .session = "chan-test" });
	is_int(r.ret_code, LTTNG_OK, "LIST_DOMAINS");
	is_uint(r.data.size, sizeof(struct wire_domain), "one domain");
	if (r.data.size == sizeof(struct wire_domain)) {
		struct wire_domain w;

		memcpy(&w, r.data.data, sizeof(w));
		is_int(w.type, LTTNG_DOMAIN_UST, "the UST domain");
		is_int(w.buf_type, LTTNG_BUFFER_PER_UID, "per-uid buffers");
	} else {
		fail("the UST domain");
		fail("per-uid buffers");
	}
	result_fini(&r);

	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_ENABLE_CHANNEL,
						.session = "chan-test",
						.domain = LTTNG_DOMAIN_KERNEL }),
	       LTTNG_ERR_KERN_NA, "kernel domain on a root daemon without kernel tracer");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_START_TRACE, .session = "chan-test" }),
	       LTTNG_OK, "start");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_START_TRACE, .session = "chan-test" }),
	       LTTNG_ERR_TRACE_ALREADY_STARTED, "start again");
	r = list_sessions(0);
	{
		const struct wire_session *w = find_listed(&r, "chan-test");

		is_int(w ? (int) w->enabled : -1, 1, "LIST_SESSIONS shows chan-test enabled");
	}
	result_fini(&r);
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_STOP_TRACE, .session = "chan-test" }),
	       LTTNG_OK, "stop");
	is_int(run_code(&(struct request_spec){ .cmd = WIRE_CMD_DESTROY_SESSION,
						.session = "chan-test" }),
	       LTTNG_OK, "destroy chan-test (frees its channel; ASan checks)");
}

static void test_payload_length(void)
{
	static struct wire_request h;

#define LEN(cmd) (h.cmd_type = (cmd), dispatch_payload_length(&h))
	memset(&h, 0, sizeof(h));
	for (uint32_t cmd = 0; cmd < WIRE_CMD_COUNT + 4; cmd++)
		is_int(LEN(cmd), 0, "zeroed header, command %u: no payload", cmd);
	is_int(LEN(0xFFFFFFFF), 0, "command 0xFFFFFFFF: no payload");

	memset(&h, 0, sizeof(h));
	h.u.context.length = 1234;
	is_int(LEN(WIRE_CMD_ADD_CONTEXT), 1234, "ADD_CONTEXT: context.length");
	memset(&h, 0, sizeof(h));
	h.u.enable.length = 77;
	is_int(LEN(WIRE_CMD_ENABLE_EVENT), 77, "ENABLE_EVENT: enable.length");
	memset(&h, 0, sizeof(h));
	h.u.disable.length = 78;
	is_int(LEN(WIRE_CMD_DISABLE_EVENT), 78, "DISABLE_EVENT: disable.length");
	is_int(LEN(WIRE_CMD_DISABLE_CHANNEL), 0, "DISABLE_CHANNEL has no payload");
	memset(&h, 0, sizeof(h));
	h.u.channel.length = 88;
	is_int(LEN(WIRE_CMD_ENABLE_CHANNEL), 88, "ENABLE_CHANNEL: channel.length");
	memset(&h, 0, sizeof(h));
	h.u.uri.size = 2;
	is_int(LEN(WIRE_CMD_SET_CONSUMER_URI), 2 * 8210, "SET_CONSUMER_URI: size uris");
	h.u.uri.size = UINT32_MAX;
	is_int(LEN(WIRE_CMD_SET_CONSUMER_URI), (long long) UINT32_MAX * 8210,
	       "SET_CONSUMER_URI: 0xFFFFFFFF uris computed without overflow");
	memset(&h, 0, sizeof(h));
	h.u.create_session.home_dir_size = 10;
	h.u.create_session.session_descriptor_size = 20;
	is_int(LEN(WIRE_CMD_CREATE_SESSION_EXT), 30, "CREATE_SESSION_EXT: home + descriptor");
	h.u.create_session.home_dir_size = UINT16_MAX;
	h.u.create_session.session_descriptor_size = 1ull << 40;
	is_int(LEN(WIRE_CMD_CREATE_SESSION_EXT), (1ll << 40) + UINT16_MAX,
	       "CREATE_SESSION_EXT: 2^40 descriptor still a length");
	h.u.create_session.session_descriptor_size = (1ull << 40) + 1;
	is_int(LEN(WIRE_CMD_CREATE_SESSION_EXT), -1, "CREATE_SESSION_EXT: over 2^40 -> -1");
	h.u.create_session.session_descriptor_size = UINT64_MAX;
	is_int(LEN(WIRE_CMD_CREATE_SESSION_EXT), -1, "CREATE_SESSION_EXT: 2^64-1 -> -1");

	static const uint32_t tracker_cmds[] = { WIRE_CMD_TRACKER_ADD_INCLUDE_VALUE,
						 WIRE_CMD_TRACKER_REMOVE_INCLUDE_VALUE };
	for (size_t i = 0; i < 2; i++) {
		memset(&h, 0, sizeof(h));
		h.u.tracker_value.name_len = 9;
		h.u.tracker_value.value_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME;
		is_int(LEN(tracker_cmds[i]), 9, "tracker %u: user name length", tracker_cmds[i]);
		h.u.tracker_value.value_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME;
		is_int(LEN(tracker_cmds[i]), 9, "tracker %u: group name length", tracker_cmds[i]);
		h.u.tracker_value.value_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_PID;
		is_int(LEN(tracker_cmds[i]), 0, "tracker %u: pid values carry no name",
		       tracker_cmds[i]);
		h.u.tracker_value.value_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_UID;
		is_int(LEN(tracker_cmds[i]), 0, "tracker %u: uid values carry no name",
		       tracker_cmds[i]);
	}
	memset(&h, 0, sizeof(h));
	h.u.trigger.length = 99;
	is_int(LEN(WIRE_CMD_REGISTER_TRIGGER), 99, "REGISTER_TRIGGER: trigger.length");
	is_int(LEN(WIRE_CMD_UNREGISTER_TRIGGER), 99, "UNREGISTER_TRIGGER: trigger.length");
	memset(&h, 0, sizeof(h));
	h.u.error_query.length = 55;
	is_int(LEN(WIRE_CMD_EXECUTE_ERROR_QUERY), 55, "EXECUTE_ERROR_QUERY: error_query.length");

	/* Every command with the whole union set to 0xFF. */
	memset(&h, 0, sizeof(h));
	memset(&h.u, 0xFF, sizeof(h.u));
	for (uint32_t cmd = 0; cmd < WIRE_CMD_COUNT + 4; cmd++) {
		long long expected;

		switch (cmd) {
		case WIRE_CMD_ADD_CONTEXT:
		case WIRE_CMD_ENABLE_EVENT:
		case WIRE_CMD_DISABLE_EVENT:
		case WIRE_CMD_ENABLE_CHANNEL:
		case WIRE_CMD_REGISTER_TRIGGER:
		case WIRE_CMD_UNREGISTER_TRIGGER:
		case WIRE_CMD_EXECUTE_ERROR_QUERY:
			expected = UINT32_MAX;
			break;
		case WIRE_CMD_SET_CONSUMER_URI:
			expected = (long long) UINT32_MAX * 8210;
			break;
		case WIRE_CMD_CREATE_SESSION_EXT:
			expected = -1;
			break;
		default:
			expected = 0; /* includes trackers: value_type -1 is not a name */
			break;
		}
		is_int(LEN(cmd), expected, "all-0xFF union, command %u", cmd);
	}
#undef LEN
}

int main(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.is_root = true;
	snprintf(cfg.group_name, sizeof(cfg.group_name), "tracing");
	daemon_model.cfg = &cfg;
	daemon_model.health_fd = -1;
	snprintf(daemon_model.hostname, sizeof(daemon_model.hostname), "testhost");
	daemon_model.sessions = session_registry_new();
	list_init(&daemon_model.ust_registries);
	consumer_supervisors_init(&daemon_model); /* none configured: none spawned */
	daemon_model.domains[DOMAIN_INDEX_UST] = &ust_tracer_domain;

	test_unknown_commands();
	test_session_not_found();
	test_create_list_destroy();
	test_channel_flow();
	test_payload_length();

	daemon_model.sessions = session_registry_free(daemon_model.sessions);
	consumer_supervisors_free(&daemon_model);
	done_testing();
	return exit_status();
}
