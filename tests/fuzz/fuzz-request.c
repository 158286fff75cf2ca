/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: one whole client request through dispatch_request(), on a fresh daemon
 * model built for every input and freed after it (ASan's leak check covers the model).
 *
 * Input: the first 13156 bytes are the struct wire_request header (zero-padded when the
 * input is shorter), the rest is the payload. As the client server does, the payload
 * handed to the dispatcher is exactly as long as the header announces (truncated or
 * zero-padded), and headers the server refuses before dispatch are skipped.
 *
 * Unused header bytes choose the caller and the daemon's situation, so that ownership
 * and kernel checks are reachable: domain.padding[0] selects the client uid (0, 1000,
 * 2000), domain.padding[1] bit 0 makes the daemon non-root, bit 1 sets --no-kernel.
 *
 * Before the request runs, the model holds sessions made through the same dispatcher:
 * "s" (uid 1000, no output, UST channel "channel0" with one event and one context),
 * "snap" (snapshot mode) and "live" (live, network output), so that commands on an
 * existing session get past the lookup. FUZZ_REQUEST_VERBOSE=1 in the environment
 * prints each command and its result code; FUZZ_REQUEST_SKIP_KNOWN_BUGS=1 skips the
 * inputs of bugs already reported (see below).
 *
 * Handlers may touch the file system (SAVE_SESSION writes files, forking to the
 * caller's uid): saves are redirected to a scratch directory (redirect_save). Run
 * long campaigns as an unprivileged user all the same, e.g.
 *   setpriv --reuid=nobody --regid=nogroup --clear-groups build-fuzz/tests/fuzz/fuzz-request
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include <lttng/lttng.h>

#include "client/client-server.h"
#include "core/daemon.h"
#include "consumer/consumer-supervisor.h"
#include "client/dispatch.h"
#include "fuzz.h"
#include "log.h"
#include "model/model.h"
#include "ust/ust-trace.h"
#include "wire/client-codec.h"

#define OWNER_UID 1000

static struct wire_request setup_header;

/*
 * SAVE_SESSION writes <configuration_url>/<session>.lttng (or into the caller's home):
 * with fuzzed paths and a root process that could be any file of the machine. Every
 * save is redirected into a private scratch directory, emptied after each input.
 */
static char save_dir[64];

static void save_dir_remove(void)
{
	DIR *dir = opendir(save_dir);
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			(void) unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
}

static void save_dir_cleanup_at_exit(void)
{
	save_dir_remove();
	(void) rmdir(save_dir);
}

static void redirect_save(struct wire_request *h)
{
	if (!save_dir[0]) {
		strcpy(save_dir, "/tmp/fuzz-request-save.XXXXXX");
		FUZZ_CHECK(mkdtemp(save_dir) != NULL);
		atexit(save_dir_cleanup_at_exit);
	}
	memset(h->u.save_session.attr.configuration_url, 0,
	       sizeof(h->u.save_session.attr.configuration_url));
	strcpy(h->u.save_session.attr.configuration_url, save_dir);
}

static bool env_is_set(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

static int run_one(struct daemon *d, const struct wire_request *h, const void *payload,
		   size_t payload_len, uid_t uid)
{
	struct client_reply reply = { .ret_code = LTTNG_ERR_UNK };
	struct client_request req = {
		.header = h,
		.domain_type = h->domain.type,
		.buffer_type = h->domain.buf_type,
		.payload = payload,
		.payload_len = payload_len,
		.creds = { .pid = 4242, .uid = uid, .gid = uid },
		/* No loop runs here: nothing may wait (name look-ups resolve inline). */
		.detached = true,
	};

	memcpy(req.session_name, h->session.name, sizeof(req.session_name));
	req.session_name[sizeof(req.session_name) - 1] = '\0';
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	dispatch_request(d, &req, &reply);
	/* Replies are well formed: a known code, nothing but the code on errors. */
	FUZZ_CHECK(reply.ret_code >= LTTNG_OK && reply.ret_code < LTTNG_ERR_NR);
	if (reply.ret_code != LTTNG_OK)
		FUZZ_CHECK(reply.cmd_header.size == 0 && reply.data.size == 0);
	FUZZ_CHECK(reply.cmd_header.size <= UINT32_MAX && reply.data.size <= UINT32_MAX);
	buffer_fini(&reply.cmd_header);
	buffer_fini(&reply.data);
	return reply.ret_code;
}

static void setup_create(struct daemon *d, const char *name, int type, int output, int uris)
{
	struct decoded_descriptor desc;
	struct buffer payload;

	memset(&desc, 0, sizeof(desc));
	desc.type = type;
	desc.output_type = output;
	desc.has_name = true;
	strcpy(desc.name, name);
	desc.live_timer_us = type == WIRE_DESCRIPTOR_LIVE ? 1000000 : 0;
	for (int i = 0; i < uris; i++) {
		desc.uris[i].dtype = WIRE_URI_IPV4;
		desc.uris[i].stype = i;
		desc.uris[i].proto = 1;
		desc.uris[i].port = (uint16_t) (5342 + i);
		strcpy(desc.uris[i].dst.ipv4, "127.0.0.1");
	}
	desc.uri_count = (uint32_t) uris;
	buffer_init(&payload);
	FUZZ_CHECK(codec_encode_descriptor(&payload, &desc) == 0);
	memset(&setup_header, 0, sizeof(setup_header));
	setup_header.cmd_type = WIRE_CMD_CREATE_SESSION_EXT;
	setup_header.u.create_session.session_descriptor_size = payload.size;
	FUZZ_CHECK(run_one(d, &setup_header, payload.data, payload.size, OWNER_UID) == LTTNG_OK);
	buffer_fini(&payload);
}

static void setup_session_content(struct daemon *d)
{
	struct wire_channel ch = {
		.name_len = sizeof("channel0"),
		.enabled = 1,
		.overwrite = -1,
		.subbuf_size = 1u << 19,
		.num_subbuf = 4,
		.output = LTTNG_EVENT_MMAP,
	};
	struct wire_event ev = {
		.event_type = LTTNG_EVENT_TRACEPOINT,
		.loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL,
		.loglevel = -1,
		.name_len = sizeof("tp:*"),
	};
	uint32_t context_type = LTTNG_EVENT_CONTEXT_VPID;
	struct buffer p;

	memset(&setup_header, 0, sizeof(setup_header));
	strcpy(setup_header.session.name, "s");
	setup_header.domain.type = LTTNG_DOMAIN_UST;
	setup_header.domain.buf_type = LTTNG_BUFFER_PER_UID;

	buffer_init(&p);
	buffer_append(&p, &ch, sizeof(ch));
	buffer_append(&p, "channel0", sizeof("channel0"));
	setup_header.cmd_type = WIRE_CMD_ENABLE_CHANNEL;
	setup_header.u.channel.length = (uint32_t) p.size;
	FUZZ_CHECK(run_one(d, &setup_header, p.data, p.size, OWNER_UID) == LTTNG_OK);
	buffer_fini(&p);

	memset(&setup_header.u, 0, sizeof(setup_header.u));
	buffer_init(&p);
	buffer_append(&p, &ev, sizeof(ev));
	buffer_append(&p, "tp:*", sizeof("tp:*"));
	setup_header.cmd_type = WIRE_CMD_ENABLE_EVENT;
	strcpy(setup_header.u.enable.channel_name, "channel0");
	setup_header.u.enable.length = (uint32_t) p.size;
	FUZZ_CHECK(run_one(d, &setup_header, p.data, p.size, OWNER_UID) == LTTNG_OK);
	buffer_fini(&p);

	memset(&setup_header.u, 0, sizeof(setup_header.u));
	setup_header.cmd_type = WIRE_CMD_ADD_CONTEXT;
	strcpy(setup_header.u.context.channel_name, "channel0");
	setup_header.u.context.length = sizeof(context_type);
	FUZZ_CHECK(run_one(d, &setup_header, &context_type, sizeof(context_type), OWNER_UID) ==
		   LTTNG_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uid_t uids[] = { 0, OWNER_UID, 2000 };
	static struct wire_request header;
	struct sessiond_config cfg;
	struct daemon d;
	uint8_t *payload = NULL;
	size_t available, payload_len;
	long long announced;
	uid_t uid;
	int ret;

	log_set_level(LOG_LEVEL_QUIET);
	memset(&header, 0, sizeof(header));
	memcpy(&header, data, size < sizeof(header) ? size : sizeof(header));
	available = size > sizeof(header) ? size - sizeof(header) : 0;

	/* What the client server refuses before dispatching. */
	announced = dispatch_payload_length(&header);
	if (announced < 0 || (unsigned long long) announced > CLIENT_MAX_PAYLOAD ||
	    header.fd_count > CLIENT_MAX_FDS)
		return 0;
	payload_len = (size_t) announced;
	if (payload_len) {
		/* Exactly payload_len bytes, so ASan sees any read past the payload. */
		payload = calloc(1, payload_len);
		if (!payload)
			return 0;
		memcpy(payload, data + sizeof(header),
		       available < payload_len ? available : payload_len);
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.is_root = !(header.domain.padding[1] & 1);
	cfg.no_kernel = (header.domain.padding[1] & 2) != 0;
	strcpy(cfg.group_name, "tracing");
	strcpy(cfg.home_dir, "/nonexistent-fuzz-home");
	memset(&d, 0, sizeof(d));
	d.cfg = &cfg;
	d.health_fd = -1;
	strcpy(d.hostname, "fuzzhost");
	d.sessions = session_registry_new();
	list_init(&d.ust_registries);
	consumer_supervisors_init(&d); /* none configured: none spawned */
	d.domains[DOMAIN_INDEX_UST] = &ust_tracer_domain;
	/* Workers without a loop: what a command queues (a save's files, a snapshot's
	 * directories) runs, and is applied when the service ends, below. */
	FUZZ_CHECK(worker_service_init(&d.workers, &d, NULL) == 0);
	setup_create(&d, "s", WIRE_DESCRIPTOR_REGULAR, WIRE_OUTPUT_NONE, 0);
	setup_session_content(&d);
	setup_create(&d, "snap", WIRE_DESCRIPTOR_SNAPSHOT, WIRE_OUTPUT_NONE, 0);
	setup_create(&d, "live", WIRE_DESCRIPTOR_LIVE, WIRE_OUTPUT_NETWORK, 2);

	uid = uids[header.domain.padding[0] % 3];
	if (header.cmd_type == WIRE_CMD_SAVE_SESSION)
		redirect_save(&header);
	ret = run_one(&d, &header, payload, payload_len, uid);
	worker_service_fini(&d.workers);
	if (header.cmd_type == WIRE_CMD_SAVE_SESSION)
		save_dir_remove();
	if (env_is_set("FUZZ_REQUEST_VERBOSE"))
		fprintf(stderr, "command %u, session \"%.32s\", uid %u -> %d\n", header.cmd_type,
			header.session.name, (unsigned) uid, ret);

	d.sessions = session_registry_free(d.sessions);
	consumer_supervisors_free(&d);
	free(payload);
	return 0;
}
