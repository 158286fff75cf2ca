/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session configuration loading. The document is walked the way LTTng 2.13's loader
 * (session-config.c, which runs inside liblttng-ctl) walks it, and every step becomes
 * the request liblttng-ctl would send, handed to dispatch_request() with the loading
 * process's credentials: creation, shm path, channels, events (all enabled, then all
 * disabled, then the enabled ones enabled again), contexts, trackers, rotation
 * schedules, start. Tolerances and failures follow that loader too (e.g. a saved
 * session without output has an empty <path>, which it refuses).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <lttng/lttng.h>

#include "client/commands.h"
#include "log.h"
#include "macros.h"
#include "load/session-xml-load.h"
#include "model/session-xml-save.h"
#include "uri.h"

#define MAX_XML_MESSAGES_PER_FILE 10

const char *session_xml_strerror(int code)
{
	switch (code) {
	case LTTNG_OK:
		return "Success";
	case LTTNG_ERR_NOMEM:
		return "Not enough memory";
	case LTTNG_ERR_INVALID:
		return "Invalid parameter";
	case LTTNG_ERR_LOAD_INVALID_CONFIG:
		return "Invalid session configuration";
	case LTTNG_ERR_LOAD_IO_FAIL:
		return "IO error while reading a session configuration";
	case LTTNG_ERR_LOAD_SESSION_NOENT:
		return "Session file not found";
	case LTTNG_ERR_EPERM:
		return "Permission denied";
	case LTTNG_ERR_EXIST_SESS:
		return "Session name already exists";
	case LTTNG_ERR_SESS_NOT_FOUND:
		return "Session name not found";
	case LTTNG_ERR_SESSION_INVALID_CHAR:
		return "Invalid characters found in session name";
	case LTTNG_ERR_UNKNOWN_DOMAIN:
		return "Tracing domain not known";
	case LTTNG_ERR_KERN_NA:
		return "Kernel tracer not available";
	case LTTNG_ERR_NEED_ROOT_SESSIOND:
		return "A root session daemon is needed";
	case LTTNG_ERR_UST_CHAN_EXIST:
		return "UST channel already exists";
	case LTTNG_ERR_INVALID_CHANNEL_NAME:
		return "Invalid channel name";
	case LTTNG_ERR_BUFFER_TYPE_MISMATCH:
		return "Buffer type mismatched";
	case LTTNG_ERR_UST_CONTEXT_EXIST:
		return "UST context already exists";
	case LTTNG_ERR_UST_CONTEXT_INVAL:
		return "Invalid UST context";
	case LTTNG_ERR_NO_CHANNEL:
		return "No channel found in the session";
	case LTTNG_ERR_NOT_SNAPSHOT_SESSION:
		return "Session is not in snapshot mode";
	case LTTNG_ERR_SNAPSHOT_OUTPUT_EXIST:
		return "Snapshot output already exists";
	case LTTNG_ERR_PROCESS_ATTR_EXISTS:
		return "Process attribute is already tracked";
	case LTTNG_ERR_PROCESS_ATTR_MISSING:
		return "Process attribute was not tracked";
	case LTTNG_ERR_ROTATION_NOT_AVAILABLE:
		return "Rotation not available for this session";
	case LTTNG_ERR_CREATE_DIR_FAIL:
		return "Cannot create the output directory";
	case LTTNG_ERR_UNK:
		return "Unknown error";
	default:
		return "LTTng error";
	}
}

/* --- Schema and parsing ------------------------------------------------------------- */

struct session_xml_schema {
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr valid;
};

/* Where libxml2's messages for one file go: the error log, naming the file. */
struct xml_messages {
	const char *origin;
	unsigned count;
};

#if LIBXML_VERSION >= 21200
static void log_xml_message(void *context, const xmlError *err)
#else
static void log_xml_message(void *context, xmlErrorPtr err)
#endif
{
	struct xml_messages *m = context;
	char text[512];
	size_t len;

	if (++m->count > MAX_XML_MESSAGES_PER_FILE) {
		if (m->count == MAX_XML_MESSAGES_PER_FILE + 1)
			log_error("%s: further XML errors not shown", m->origin);
		return;
	}
	snprintf(text, sizeof(text), "%s", err->message ? err->message : "unknown XML error");
	len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	if (err->level == XML_ERR_WARNING)
		log_warn("%s:%d: %s", m->origin, err->line, text);
	else
		log_error("%s:%d: %s", m->origin, err->line, text);
}

struct session_xml_schema *session_xml_schema_open(const char *xsd_path)
{
	struct xml_messages messages = { .origin = xsd_path };
	struct session_xml_schema *s;
	xmlSchemaParserCtxtPtr parser;
	char path[PATH_MAX];
	struct stat st;

	/* LTTNG_SESSION_CONFIG_XSD_PATH names the directory holding session.xsd. */
	if (stat(xsd_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t len = strlen(xsd_path);

		if (snprintf(path, sizeof(path), "%s%ssession.xsd", xsd_path,
			     len && xsd_path[len - 1] == '/' ? "" : "/") >= (int) sizeof(path)) {
			log_error("Session configuration schema path too long: %s", xsd_path);
			return NULL;
		}
	} else if (copy_string(path, sizeof(path), xsd_path) < 0) {
		log_error("Session configuration schema path too long: %s", xsd_path);
		return NULL;
	}
	messages.origin = path;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	xmlSetStructuredErrorFunc(&messages, log_xml_message);
	parser = xmlSchemaNewParserCtxt(path);
	if (parser) {
		xmlSchemaSetParserStructuredErrors(parser, log_xml_message, &messages);
		s->schema = xmlSchemaParse(parser);
		xmlSchemaFreeParserCtxt(parser);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (s->schema)
		s->valid = xmlSchemaNewValidCtxt(s->schema);
	if (!s->valid) {
		log_error("Cannot load the session configuration schema %s", path);
		session_xml_schema_close(s);
		return NULL;
	}
	return s;
}

void session_xml_schema_close(struct session_xml_schema *schema)
{
	if (!schema)
		return;
	if (schema->valid)
		xmlSchemaFreeValidCtxt(schema->valid);
	if (schema->schema)
		xmlSchemaFree(schema->schema);
	free(schema);
}

int session_xml_read_file(struct session_xml_schema *schema, const char *path,
			  xmlDocPtr *ret_doc)
{
	struct xml_messages messages = { .origin = path };
	xmlDocPtr doc;
	int r;

	xmlSetStructuredErrorFunc(&messages, log_xml_message);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc) {
		if (!messages.count)
			log_error("%s: cannot be read as XML", path);
		return LTTNG_ERR_LOAD_IO_FAIL;
	}
	xmlSchemaSetValidStructuredErrors(schema->valid, log_xml_message, &messages);
	r = xmlSchemaValidateDoc(schema->valid, doc);
	xmlSchemaSetValidStructuredErrors(schema->valid, NULL, NULL);
	if (r != 0) {
		log_error("%s: session configuration file validation failed", path);
		xmlFreeDoc(doc);
		return LTTNG_ERR_LOAD_INVALID_CONFIG;
	}
	*ret_doc = doc;
	return LTTNG_OK;
}

/* --- Document helpers ------------------------------------------------------------------ */

static bool node_is(xmlNodePtr node, const char *name)
{
	return strcmp((const char *) node->name, name) == 0;
}

static xmlNodePtr first_child_named(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? xmlFirstElementChild(parent) : NULL; n; n = xmlNextElementSibling(n))
		if (node_is(n, name))
			return n;
	return NULL;
}

/* The node's text, to release with xmlFree(); NULL only when out of memory. */
static char *node_text(xmlNodePtr node)
{
	return (char *) xmlNodeGetContent(node);
}

static int node_uint(xmlNodePtr node, uint64_t *ret)
{
	char *text = node_text(node), *end;
	int r = LTTNG_OK;

	if (!text)
		return LTTNG_ERR_NOMEM;
	*ret = strtoull(text, &end, 10);
	if (*end)
		r = LTTNG_ERR_LOAD_INVALID_CONFIG;
	xmlFree(text);
	return r;
}

static int node_int(xmlNodePtr node, int64_t *ret)
{
	char *text = node_text(node), *end;
	int r = LTTNG_OK;

	if (!text)
		return LTTNG_ERR_NOMEM;
	*ret = strtoll(text, &end, 10);
	if (*end)
		r = LTTNG_ERR_LOAD_INVALID_CONFIG;
	xmlFree(text);
	return r;
}

/* "true"/"1" and "false"/"0", nothing else (no surrounding blanks either). */
static int node_bool(xmlNodePtr node, bool *ret)
{
	char *text = node_text(node);
	int r = LTTNG_OK;

	if (!text)
		return LTTNG_ERR_NOMEM;
	if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0) {
		*ret = true;
	} else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0) {
		*ret = false;
	} else {
		log_warn("Invalid boolean value encountered (%s).", text);
		r = LTTNG_ERR_LOAD_INVALID_CONFIG;
	}
	xmlFree(text);
	return r;
}

/* Copies the node's text into a fixed buffer; a text that does not fit is invalid. */
static int node_copy(xmlNodePtr node, char *dst, size_t size)
{
	char *text = node_text(node);
	int r;

	if (!text)
		return LTTNG_ERR_NOMEM;
	r = copy_string(dst, size, text) < 0 ? LTTNG_ERR_LOAD_INVALID_CONFIG : LTTNG_OK;
	xmlFree(text);
	return r;
}

/* Maps the node's text through a name table; -1 when not found. */
struct name_value {
	const char *name;
	int value;
};

static int node_enum(xmlNodePtr node, const struct name_value *table, size_t count, int *ret)
{
	char *text = node_text(node);
	int r = LTTNG_ERR_LOAD_INVALID_CONFIG;

	if (!text)
		return LTTNG_ERR_NOMEM;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i].name, text) == 0) {
			*ret = table[i].value;
			r = LTTNG_OK;
			break;
		}
	}
	xmlFree(text);
	return r;
}

static const struct name_value domain_names[] = {
	{ "KERNEL", LTTNG_DOMAIN_KERNEL }, { "UST", LTTNG_DOMAIN_UST },
	{ "JUL", LTTNG_DOMAIN_JUL },       { "LOG4J", LTTNG_DOMAIN_LOG4J },
	{ "PYTHON", LTTNG_DOMAIN_PYTHON },
};
static const struct name_value buffer_names[] = {
	{ "GLOBAL", LTTNG_BUFFER_GLOBAL },
	{ "PER_UID", LTTNG_BUFFER_PER_UID },
	{ "PER_PID", LTTNG_BUFFER_PER_PID },
};
static const struct name_value overwrite_names[] = { { "OVERWRITE", 1 }, { "DISCARD", 0 } };
static const struct name_value output_names[] = {
	{ "MMAP", LTTNG_EVENT_MMAP },
	{ "SPLICE", LTTNG_EVENT_SPLICE },
};
static const struct name_value loglevel_type_names[] = {
	{ "ALL", LTTNG_EVENT_LOGLEVEL_ALL },
	{ "RANGE", LTTNG_EVENT_LOGLEVEL_RANGE },
	{ "SINGLE", LTTNG_EVENT_LOGLEVEL_SINGLE },
};

static bool domain_is_agent(int type)
{
	return type == LTTNG_DOMAIN_JUL || type == LTTNG_DOMAIN_LOG4J ||
	       type == LTTNG_DOMAIN_PYTHON;
}

/* --- Requests ---------------------------------------------------------------------------- */

struct loader {
	struct daemon *d;
	const struct session_load_options *opts;
	struct wire_request *req; /* scratch header of the request being built */
	struct buffer payload;
	char session[WIRE_NAME_MAX]; /* the session being loaded */
};

static void request_begin(struct loader *l, uint32_t cmd, int domain_type, int buffer_type)
{
	memset(l->req, 0, sizeof(*l->req));
	l->req->cmd_type = cmd;
	memcpy(l->req->session.name, l->session, sizeof(l->req->session.name));
	l->req->domain.type = domain_type;
	l->req->domain.buf_type = buffer_type;
	l->payload.size = 0;
}

static int request_run_with_fd(struct loader *l, int fd)
{
	struct client_request req = {
		.header = l->req,
		.domain_type = l->req->domain.type,
		.buffer_type = l->req->domain.buf_type,
		.payload = l->payload.data,
		.payload_len = l->payload.size,
		.creds = { .pid = l->opts->pid, .uid = l->opts->uid, .gid = l->opts->gid },
		.detached = true,
	};
	struct client_reply reply = { .ret_code = LTTNG_ERR_UNK };

	memcpy(req.session_name, l->req->session.name, sizeof(req.session_name));
	req.session_name[sizeof(req.session_name) - 1] = '\0';
	if (fd >= 0) {
		req.fds[0] = fd;
		req.fd_count = 1;
	}
	buffer_init(&reply.cmd_header);
	buffer_init(&reply.data);
	dispatch_request(l->d, &req, &reply);
	buffer_fini(&reply.cmd_header);
	buffer_fini(&reply.data);
	return reply.ret_code;
}

static int request_run(struct loader *l)
{
	return request_run_with_fd(l, -1);
}

static int payload_put(struct loader *l, const void *data, size_t len)
{
	return buffer_append(&l->payload, data, len) < 0 ? LTTNG_ERR_NOMEM : LTTNG_OK;
}

static int payload_put_u32(struct loader *l, uint32_t value)
{
	return payload_put(l, &value, sizeof(value));
}

static void set_channel_name(char *dst, const char *name)
{
	snprintf(dst, WIRE_SYMBOL_NAME_LEN, "%s", name);
}

static void descriptor_init(struct loader *l, struct decoded_descriptor *desc, int type,
			    uint64_t live_timer_us)
{
	memset(desc, 0, sizeof(*desc));
	desc->type = type;
	desc->output_type = WIRE_OUTPUT_NONE;
	desc->has_name = true;
	memcpy(desc->name, l->session, sizeof(desc->name));
	desc->live_timer_us = live_timer_us;
}

static int request_create(struct loader *l, const struct decoded_descriptor *desc)
{
	const char *home = l->opts->home_dir;
	size_t home_len = home && *home ? strlen(home) + 1 : 0;

	request_begin(l, WIRE_CMD_CREATE_SESSION_EXT, LTTNG_DOMAIN_NONE, 0);
	if (home_len > WIRE_PATH_MAX)
		return LTTNG_ERR_INVALID;
	if (payload_put(l, home, home_len) != LTTNG_OK ||
	    codec_encode_descriptor(&l->payload, desc) < 0)
		return LTTNG_ERR_NOMEM;
	l->req->u.create_session.home_dir_size = (uint16_t) home_len;
	l->req->u.create_session.session_descriptor_size = l->payload.size - home_len;
	return request_run(l);
}

/* lttng_create_session(name, url): no URL, a local path, or a net:// URL. */
static int create_with_url(struct loader *l, const char *url)
{
	struct decoded_descriptor desc;
	struct wire_uri uris[2];
	int count = url ? uri_parse_output(url, NULL, uris) : 0;

	descriptor_init(l, &desc, WIRE_DESCRIPTOR_REGULAR, 0);
	if (count < 0 || (count == 1 && uris[0].dtype != WIRE_URI_PATH))
		return LTTNG_ERR_INVALID;
	if (count == 1)
		desc.output_type = WIRE_OUTPUT_LOCAL;
	else if (count == 2)
		desc.output_type = WIRE_OUTPUT_NETWORK;
	desc.uri_count = (uint32_t) count;
	memcpy(desc.uris, uris, (size_t) count * sizeof(uris[0]));
	return request_create(l, &desc);
}

/* lttng_set_consumer_url(): both URLs, or one of them for both. */
static int set_consumer_url(struct loader *l, const char *control, const char *data)
{
	struct wire_uri uris[2];
	int count;

	if (!control || !data)
		control = data = control ? control : data;
	count = uri_parse_output(control, data, uris);
	if (count <= 0)
		return LTTNG_ERR_INVALID;
	request_begin(l, WIRE_CMD_SET_CONSUMER_URI, LTTNG_DOMAIN_NONE, 0);
	l->req->u.uri.size = (uint32_t) count;
	if (payload_put(l, uris, (size_t) count * sizeof(uris[0])) != LTTNG_OK)
		return LTTNG_ERR_NOMEM;
	return request_run(l);
}

/* --- Outputs ----------------------------------------------------------------------------- */

struct consumer_output {
	char *path; /* xmlFree() all three */
	char *control_uri;
	char *data_uri;
};

static void consumer_output_fini(struct consumer_output *out)
{
	xmlFree(out->path);
	xmlFree(out->control_uri);
	xmlFree(out->data_uri);
	memset(out, 0, sizeof(*out));
}

static int read_consumer_output(xmlNodePtr node, struct consumer_output *out)
{
	int r = LTTNG_OK;

	for (xmlNodePtr n = xmlFirstElementChild(node); n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n)) {
		xmlNodePtr dest;
		bool enabled;

		if (node_is(n, "enabled")) {
			r = node_bool(n, &enabled);
			continue;
		}
		/* <destination>: a <path> or a <net_output>. */
		dest = xmlFirstElementChild(n);
		if (!dest) {
			r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		} else if (node_is(dest, "path")) {
			xmlFree(out->path);
			if (!(out->path = node_text(dest)))
				r = LTTNG_ERR_NOMEM;
		} else {
			for (xmlNodePtr u = xmlFirstElementChild(dest); u; u = xmlNextElementSibling(u)) {
				char **target = node_is(u, "control_uri") ? &out->control_uri
									  : &out->data_uri;

				xmlFree(*target);
				*target = node_text(u);
			}
			if (!out->control_uri && !out->data_uri)
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		}
	}
	if (r != LTTNG_OK)
		consumer_output_fini(out);
	return r;
}

static int add_snapshot_output(struct loader *l, const char *name, uint64_t max_size,
			       const char *ctrl_url, const char *data_url)
{
	struct wire_snapshot_output *w = &l->req->u.snapshot_output.output;

	request_begin(l, WIRE_CMD_SNAPSHOT_ADD_OUTPUT, LTTNG_DOMAIN_NONE, 0);
	if (!name || copy_string(w->name, sizeof(w->name), name) < 0 ||
	    (ctrl_url && copy_string(w->ctrl_url, sizeof(w->ctrl_url), ctrl_url) < 0) ||
	    (data_url && copy_string(w->data_url, sizeof(w->data_url), data_url) < 0))
		return LTTNG_ERR_INVALID;
	w->max_size = max_size;
	return request_run(l);
}

static int load_snapshot_output(struct loader *l, xmlNodePtr node)
{
	struct consumer_output out = { 0 };
	uint64_t max_size = UINT64_MAX;
	char *name = NULL;
	int r = LTTNG_OK;

	for (xmlNodePtr n = xmlFirstElementChild(node); n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n)) {
		if (node_is(n, "name")) {
			xmlFree(name);
			if (!(name = node_text(n)))
				r = LTTNG_ERR_NOMEM;
		} else if (node_is(n, "max_size")) {
			r = node_uint(n, &max_size);
		} else {
			r = read_consumer_output(n, &out);
		}
	}
	if (r == LTTNG_OK)
		r = add_snapshot_output(l, name, max_size, out.path ? out.path : out.control_uri,
					out.path ? NULL : out.data_uri);
	xmlFree(name);
	consumer_output_fini(&out);
	return r;
}

/* --- Session attributes ---------------------------------------------------------------- */

struct session_spec {
	char *name; /* xmlFree() */
	char *shm_path;
	xmlNodePtr domains;
	xmlNodePtr output;
	int started;         /* -1: not given */
	int snapshot_mode;   /* -1: not given */
	uint64_t live_timer; /* UINT64_MAX: not given */
	uint64_t rotate_periodic_us;
	uint64_t rotate_size_bytes;
};

static int read_rotation_schedules(xmlNodePtr node, struct session_spec *spec)
{
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		const char *value_name;
		uint64_t *target;
		xmlNodePtr value;
		int r;

		if (node_is(n, "periodic")) {
			value_name = "time_us";
			target = &spec->rotate_periodic_us;
		} else if (node_is(n, "size_threshold")) {
			value_name = "bytes";
			target = &spec->rotate_size_bytes;
		} else {
			continue;
		}
		value = xmlFirstElementChild(n);
		if (!value || !node_is(value, value_name))
			return LTTNG_ERR_LOAD_INVALID_CONFIG;
		r = node_uint(value, target);
		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}

/* Any element that is not a known one is read as an <attributes> block, as LTTng does. */
static int read_attributes(xmlNodePtr node, struct session_spec *spec)
{
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		int r = LTTNG_OK;

		if (node_is(n, "snapshot_mode")) {
			bool v;

			r = node_bool(n, &v);
			spec->snapshot_mode = v;
		} else if (node_is(n, "live_timer_interval")) {
			r = node_uint(n, &spec->live_timer);
		} else if (node_is(n, "rotation_schedules")) {
			r = read_rotation_schedules(n, spec);
		}
		if (r != LTTNG_OK)
			return r == LTTNG_ERR_NOMEM ? r : LTTNG_ERR_LOAD_INVALID_CONFIG;
	}
	return LTTNG_OK;
}

/* The first of each element counts; the order of elements does not matter. */
static int read_session_spec(xmlNodePtr node, struct session_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->started = -1;
	spec->snapshot_mode = -1;
	spec->live_timer = UINT64_MAX;
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		int r = LTTNG_OK;

		if (!spec->name && node_is(n, "name")) {
			if (!(spec->name = node_text(n)))
				r = LTTNG_ERR_NOMEM;
		} else if (!spec->domains && node_is(n, "domains")) {
			spec->domains = n;
		} else if (spec->started == -1 && node_is(n, "started")) {
			bool v;

			r = node_bool(n, &v);
			spec->started = v;
		} else if (!spec->output && node_is(n, "output")) {
			spec->output = n;
		} else if (!spec->shm_path && node_is(n, "shared_memory_path")) {
			if (!(spec->shm_path = node_text(n)))
				r = LTTNG_ERR_NOMEM;
		} else {
			r = read_attributes(n, spec);
		}
		if (r != LTTNG_OK)
			return r;
	}
	return spec->name ? LTTNG_OK : LTTNG_ERR_LOAD_INVALID_CONFIG;
}

static void session_spec_fini(struct session_spec *spec)
{
	xmlFree(spec->name);
	xmlFree(spec->shm_path);
}

/* --- Session creation ------------------------------------------------------------------ */

static int create_snapshot_session(struct loader *l, const struct session_spec *spec)
{
	struct decoded_descriptor desc;
	xmlNodePtr list;
	int r;

	descriptor_init(l, &desc, WIRE_DESCRIPTOR_SNAPSHOT, 0);
	r = request_create(l, &desc);
	if (r != LTTNG_OK || !spec->output)
		return r;
	list = xmlFirstElementChild(spec->output);
	for (xmlNodePtr o = list ? xmlFirstElementChild(list) : NULL; o && r == LTTNG_OK;
	     o = xmlNextElementSibling(o))
		r = load_snapshot_output(l, o);
	return r;
}

static int create_regular_session(struct loader *l, const struct session_spec *spec)
{
	/* A live timer of 0 means "not live". */
	uint64_t live = spec->live_timer && spec->live_timer != UINT64_MAX ? spec->live_timer
									     : UINT64_MAX;
	struct consumer_output out = { 0 };
	int r = LTTNG_OK;

	if (spec->output) {
		xmlNodePtr consumer = xmlFirstElementChild(spec->output);

		if (!consumer || !node_is(consumer, "consumer_output")) {
			log_warn("Invalid output type, expected consumer_output node");
			return LTTNG_ERR_LOAD_INVALID_CONFIG;
		}
		r = read_consumer_output(consumer, &out);
		if (r != LTTNG_OK)
			return r;
	}
	if (live != UINT64_MAX && !out.control_uri && !out.data_uri) {
		r = LTTNG_ERR_LOAD_INVALID_CONFIG; /* live needs a relay daemon */
	} else if (out.control_uri || out.data_uri) {
		struct decoded_descriptor desc;

		/* Created without output, then pointed at the relay daemon. */
		descriptor_init(l, &desc, live != UINT64_MAX ? WIRE_DESCRIPTOR_LIVE : WIRE_DESCRIPTOR_REGULAR,
				live != UINT64_MAX ? (unsigned int) live : 0);
		r = request_create(l, &desc);
		if (r == LTTNG_OK)
			r = set_consumer_url(l, out.control_uri, out.data_uri);
	} else {
		r = create_with_url(l, out.path);
	}
	consumer_output_fini(&out);
	return r;
}

/* --- Channels, events, contexts -------------------------------------------------------- */

struct event_spec {
	char name[WIRE_SYMBOL_NAME_LEN];
	bool enabled;
	int type;
	int loglevel_type;
	int loglevel;
	char *filter; /* free() */
	uint32_t exclusion_count;
	char (*exclusions)[WIRE_SYMBOL_NAME_LEN]; /* free() */
	struct decoded_uprobe *uprobe; /* free(); a user-space probe's location */
};

static void event_spec_fini(struct event_spec *ev)
{
	free(ev->filter);
	free(ev->exclusions);
	free(ev->uprobe);
}

/* userspace_probe_function_attributes / userspace_probe_tracepoint_attributes (T:
 * save.c save_kernel_userspace_probe_event writes them; ours too). */
static int read_uprobe(xmlNodePtr kind, struct event_spec *ev)
{
	bool function = node_is(kind, "userspace_probe_function_attributes");
	struct decoded_uprobe *u = calloc(1, sizeof(*u));
	int r = LTTNG_OK;

	if (!u)
		return LTTNG_ERR_NOMEM;
	u->binary_fd = -1;
	u->type = function ? LTTNG_USERSPACE_PROBE_LOCATION_TYPE_FUNCTION
			   : LTTNG_USERSPACE_PROBE_LOCATION_TYPE_TRACEPOINT;
	u->lookup = function ? LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_DEFAULT
			     : LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_TRACEPOINT_SDT;
	for (xmlNodePtr n = xmlFirstElementChild(kind); n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n)) {
		if (node_is(n, "lookup_method")) {
			char method[16];

			r = node_copy(n, method, sizeof(method));
			if (r != LTTNG_OK)
				break;
			if (function && strcmp(method, "ELF") == 0)
				u->lookup = LTTNG_USERSPACE_PROBE_LOCATION_LOOKUP_METHOD_TYPE_FUNCTION_ELF;
			else if (function ? strcmp(method, "DEFAULT") != 0 : strcmp(method, "SDT") != 0)
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		} else if (node_is(n, "binary_path")) {
			r = node_copy(n, u->binary_path, sizeof(u->binary_path));
		} else if (function && node_is(n, "function_name")) {
			r = node_copy(n, u->function, sizeof(u->function));
		} else if (!function && node_is(n, "provider_name")) {
			r = node_copy(n, u->provider, sizeof(u->provider));
		} else if (!function && node_is(n, "probe_name")) {
			r = node_copy(n, u->probe, sizeof(u->probe));
		}
	}
	if (r == LTTNG_OK && (u->binary_path[0] != '/' ||
			      (function ? !u->function[0] : !u->provider[0] || !u->probe[0])))
		r = LTTNG_ERR_LOAD_INVALID_CONFIG;
	if (r != LTTNG_OK) {
		free(u);
		return r;
	}
	free(ev->uprobe);
	ev->uprobe = u;
	return LTTNG_OK;
}

static int read_exclusions(xmlNodePtr node, struct event_spec *ev)
{
	unsigned long count = xmlChildElementCount(node);
	uint32_t i = 0;

	if (ev->exclusions)
		return LTTNG_ERR_LOAD_INVALID_CONFIG; /* given twice */
	if (!count)
		return LTTNG_OK;
	if (count > CODEC_MAX_EXCLUSIONS)
		return LTTNG_ERR_INVALID;
	ev->exclusions = calloc(count, sizeof(*ev->exclusions));
	if (!ev->exclusions)
		return LTTNG_ERR_NOMEM;
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		int r = node_copy(n, ev->exclusions[i], sizeof(ev->exclusions[i]));

		if (r != LTTNG_OK)
			return r == LTTNG_ERR_NOMEM ? r : LTTNG_ERR_INVALID;
		i++;
	}
	ev->exclusion_count = i;
	return LTTNG_OK;
}

static int read_event(xmlNodePtr node, int domain_type, struct event_spec *ev)
{
	static const char *const attribute_kinds[] = {
		"probe_attributes", "function_attributes", "userspace_probe_function_attributes",
		"userspace_probe_tracepoint_attributes",
	};

	memset(ev, 0, sizeof(*ev));
	ev->type = LTTNG_EVENT_TRACEPOINT;
	ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
	switch (domain_type) {
	case LTTNG_DOMAIN_JUL:
		ev->loglevel = LTTNG_LOGLEVEL_JUL_ALL;
		break;
	case LTTNG_DOMAIN_LOG4J:
		ev->loglevel = LTTNG_LOGLEVEL_LOG4J_ALL;
		break;
	case LTTNG_DOMAIN_PYTHON:
		ev->loglevel = LTTNG_LOGLEVEL_PYTHON_DEBUG;
		break;
	default:
		ev->loglevel = LTTNG_LOGLEVEL_DEBUG;
		break;
	}
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		int r = LTTNG_OK;

		if (node_is(n, "name")) {
			r = node_copy(n, ev->name, sizeof(ev->name));
		} else if (node_is(n, "enabled")) {
			r = node_bool(n, &ev->enabled);
		} else if (node_is(n, "type")) {
			char *text = node_text(n);

			if (!text)
				return LTTNG_ERR_NOMEM;
			if (session_xml_event_type(text, &ev->type) < 0)
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
			xmlFree(text);
		} else if (node_is(n, "loglevel_type")) {
			r = node_enum(n, loglevel_type_names, ARRAY_SIZE(loglevel_type_names),
				      &ev->loglevel_type);
		} else if (node_is(n, "loglevel")) {
			int64_t v;

			r = node_int(n, &v);
			if (r == LTTNG_OK && (v > INT_MAX || v < INT_MIN))
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
			ev->loglevel = (int) v;
		} else if (node_is(n, "filter")) {
			char *text = node_text(n);

			free(ev->filter);
			ev->filter = text ? strdup(text) : NULL;
			xmlFree(text);
			if (!ev->filter)
				return LTTNG_ERR_NOMEM;
		} else if (node_is(n, "exclusions")) {
			r = read_exclusions(n, ev);
		} else if (node_is(n, "attributes")) {
			/* A user-space probe's location is read; kprobe and function
			 * locations (refused by our kernel domain) only checked. */
			xmlNodePtr kind = xmlFirstElementChild(n);
			bool known = false;

			for (size_t i = 0; kind && i < ARRAY_SIZE(attribute_kinds); i++)
				known = known || node_is(kind, attribute_kinds[i]);
			if (!known)
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
			else if (node_is(kind, "userspace_probe_function_attributes") ||
				 node_is(kind, "userspace_probe_tracepoint_attributes"))
				r = read_uprobe(kind, ev);
		}
		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}

static int put_event(struct loader *l, const char *name, int type, int loglevel_type,
		     int loglevel, bool enabled, const struct event_spec *ev)
{
	size_t filter_len = ev && ev->filter ? strlen(ev->filter) + 1 : 0;
	struct wire_event we = {
		.event_type = (int8_t) type,
		.loglevel_type = (int8_t) loglevel_type,
		.loglevel = loglevel,
		.enabled = enabled,
		.name_len = (uint32_t) strlen(name) + 1,
		.exclusion_count = ev ? ev->exclusion_count : 0,
		.filter_expression_len = (uint32_t) filter_len,
		/*
		 * liblttng-ctl compiles the filter into bytecode; this daemon has no filter
		 * compiler, so the expression travels with an empty program (a bytecode
		 * header of length 0) that marks it as not compiled.
		 */
		.bytecode_len = filter_len ? (uint32_t) sizeof(struct wire_bytecode) : 0,
	};
	struct wire_bytecode empty_program = { 0 };
	struct buffer location;
	int r;

	/* The location's length goes in the header: encoded first. */
	buffer_init(&location);
	if (ev && ev->uprobe && codec_encode_uprobe(&location, ev->uprobe) < 0) {
		buffer_fini(&location);
		return LTTNG_ERR_NOMEM;
	}
	we.userspace_probe_location_len = (uint32_t) location.size;
	r = payload_put(l, &we, sizeof(we));

	if (r == LTTNG_OK)
		r = payload_put(l, name, we.name_len);
	for (uint32_t i = 0; r == LTTNG_OK && i < we.exclusion_count; i++) {
		uint32_t len = (uint32_t) strlen(ev->exclusions[i]) + 1;

		r = payload_put_u32(l, len);
		if (r == LTTNG_OK)
			r = payload_put(l, ev->exclusions[i], len);
	}
	if (r == LTTNG_OK && filter_len)
		r = payload_put(l, ev->filter, filter_len);
	if (r == LTTNG_OK && filter_len)
		r = payload_put(l, &empty_program, sizeof(empty_program));
	if (r == LTTNG_OK && location.size)
		r = payload_put(l, location.data, location.size);
	buffer_fini(&location);
	return r;
}

/* lttng_enable_event_with_exclusions(): an empty name means every event ("*"). */
static int enable_event(struct loader *l, const struct event_spec *ev, int domain_type,
			int buffer_type, const char *channel)
{
	int r;

	if (ev->filter && !ev->filter[0])
		return LTTNG_ERR_INVALID;
	request_begin(l, WIRE_CMD_ENABLE_EVENT, domain_type, buffer_type);
	set_channel_name(l->req->u.enable.channel_name, channel);
	r = put_event(l, ev->name[0] ? ev->name : "*", ev->type, ev->loglevel_type,
		      ev->loglevel, ev->enabled, ev);
	if (r != LTTNG_OK)
		return r;
	l->req->u.enable.length = (uint32_t) l->payload.size;
	if (ev->uprobe) {
		/* The binary goes with the rule, as liblttng-ctl sends it (the
		 * daemon reads its symbols or SDT notes through this fd). */
		int fd = open(ev->uprobe->binary_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			log_warn("User-space probe %s: cannot open %s: %s", ev->name,
				 ev->uprobe->binary_path, strerror(errno));
			return LTTNG_ERR_PROBE_LOCATION_INVAL;
		}
		r = request_run_with_fd(l, fd);
		close(fd);
		return r;
	}
	return request_run(l);
}

/* lttng_disable_event_ext() with an empty name: every rule of the channel. */
static int disable_all_events(struct loader *l, int domain_type, int buffer_type,
			      const char *channel)
{
	int r;

	request_begin(l, WIRE_CMD_DISABLE_EVENT, domain_type, buffer_type);
	set_channel_name(l->req->u.disable.channel_name, channel);
	r = put_event(l, "", LTTNG_EVENT_ALL, LTTNG_EVENT_LOGLEVEL_ALL, -1, false, NULL);
	if (r != LTTNG_OK)
		return r;
	l->req->u.disable.length = (uint32_t) l->payload.size;
	return request_run(l);
}

enum event_phase { PHASE_CREATE, PHASE_ENABLE };

static int load_event(struct loader *l, xmlNodePtr node, int domain_type, int buffer_type,
		      const char *channel, enum event_phase phase)
{
	struct event_spec ev;
	int r = read_event(node, domain_type, &ev);

	if (r == LTTNG_OK && (phase == PHASE_CREATE || ev.enabled)) {
		r = enable_event(l, &ev, domain_type, buffer_type, channel);
		if (r != LTTNG_OK) {
			log_warn("Enabling event (name:%s) on load failed: %s", ev.name,
				 session_xml_strerror(r));
			r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		}
	}
	event_spec_fini(&ev);
	return r;
}

/* Every rule is created enabled, then all are disabled and the enabled ones enabled
 * again: the only way the client API can leave some of them disabled. */
static int load_events(struct loader *l, xmlNodePtr events, int domain_type, int buffer_type,
		       const char *channel)
{
	int r = LTTNG_OK;

	for (xmlNodePtr n = events ? xmlFirstElementChild(events) : NULL; n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n))
		r = load_event(l, n, domain_type, buffer_type, channel, PHASE_CREATE);
	if (r == LTTNG_OK)
		r = disable_all_events(l, domain_type, buffer_type, channel);
	for (xmlNodePtr n = events ? xmlFirstElementChild(events) : NULL; n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n))
		r = load_event(l, n, domain_type, buffer_type, channel, PHASE_ENABLE);
	return r;
}

static int read_perf_context(xmlNodePtr node, struct decoded_context *c)
{
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		uint64_t v;
		int r = LTTNG_OK;

		if (node_is(n, "type")) {
			r = node_uint(n, &v);
			if (r == LTTNG_OK && v > UINT32_MAX)
				r = LTTNG_ERR_LOAD_INVALID_CONFIG;
			c->perf_type = (uint32_t) v;
		} else if (node_is(n, "config")) {
			r = node_uint(n, &c->perf_config);
		} else if (node_is(n, "name")) {
			r = node_copy(n, c->perf_name, sizeof(c->perf_name));
		}
		if (r != LTTNG_OK)
			return r == LTTNG_ERR_NOMEM ? r : LTTNG_ERR_LOAD_INVALID_CONFIG;
	}
	return LTTNG_OK;
}

static int read_app_context(xmlNodePtr node, struct decoded_context *c)
{
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		char **target = node_is(n, "provider_name") ? &c->app_provider : &c->app_name;
		char *text = node_text(n);

		if (!text)
			return LTTNG_ERR_NOMEM;
		free(*target);
		*target = strdup(text);
		xmlFree(text);
		if (!*target)
			return LTTNG_ERR_NOMEM;
	}
	return LTTNG_OK;
}

static int put_context(struct loader *l, const struct decoded_context *c)
{
	int r = payload_put_u32(l, (uint32_t) c->type);

	if (r != LTTNG_OK)
		return r;
	if (c->type == LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER ||
	    c->type == LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER) {
		uint32_t name_len = (uint32_t) strlen(c->perf_name) + 1;

		if ((r = payload_put_u32(l, c->perf_type)) != LTTNG_OK ||
		    (r = payload_put(l, &c->perf_config, sizeof(c->perf_config))) != LTTNG_OK ||
		    (r = payload_put_u32(l, name_len)) != LTTNG_OK)
			return r;
		return payload_put(l, c->perf_name, name_len);
	}
	if (c->type == LTTNG_EVENT_CONTEXT_APP_CONTEXT) {
		uint32_t provider_len, name_len;

		if (!c->app_provider || !c->app_name)
			return LTTNG_ERR_INVALID;
		provider_len = (uint32_t) strlen(c->app_provider) + 1;
		name_len = (uint32_t) strlen(c->app_name) + 1;
		if ((r = payload_put_u32(l, provider_len)) != LTTNG_OK ||
		    (r = payload_put_u32(l, name_len)) != LTTNG_OK ||
		    (r = payload_put(l, c->app_provider, provider_len)) != LTTNG_OK)
			return r;
		return payload_put(l, c->app_name, name_len);
	}
	return LTTNG_OK;
}

static int load_context(struct loader *l, xmlNodePtr node, int domain_type, int buffer_type,
			const char *channel)
{
	xmlNodePtr kind = xmlFirstElementChild(node);
	struct decoded_context c = { 0 };
	int r;

	if (!kind)
		return LTTNG_ERR_LOAD_INVALID_CONFIG;
	if (node_is(kind, "type")) {
		char *text = node_text(kind);

		if (!text)
			return LTTNG_ERR_NOMEM;
		c.type = session_xml_context_type(text);
		xmlFree(text);
		r = c.type < 0 ? LTTNG_ERR_LOAD_INVALID_CONFIG : LTTNG_OK;
	} else if (node_is(kind, "perf")) {
		c.type = domain_type == LTTNG_DOMAIN_KERNEL ? LTTNG_EVENT_CONTEXT_PERF_CPU_COUNTER
							     : LTTNG_EVENT_CONTEXT_PERF_THREAD_COUNTER;
		r = read_perf_context(kind, &c);
	} else if (node_is(kind, "app")) {
		c.type = LTTNG_EVENT_CONTEXT_APP_CONTEXT;
		r = read_app_context(kind, &c);
	} else {
		r = LTTNG_ERR_LOAD_INVALID_CONFIG;
	}
	if (r == LTTNG_OK) {
		request_begin(l, WIRE_CMD_ADD_CONTEXT, domain_type, buffer_type);
		set_channel_name(l->req->u.context.channel_name, channel);
		r = put_context(l, &c);
		l->req->u.context.length = (uint32_t) l->payload.size;
		if (r == LTTNG_OK)
			r = request_run(l);
	}
	decoded_context_fini(&c);
	return r;
}

static int read_channel_element(xmlNodePtr n, char *name, bool *enabled,
				struct channel_attr *attr, xmlNodePtr *events,
				xmlNodePtr *contexts)
{
	uint64_t v = 0;
	int64_t sv;
	int r;

	if (node_is(n, "name"))
		return node_copy(n, name, WIRE_SYMBOL_NAME_LEN);
	if (node_is(n, "enabled"))
		return node_bool(n, enabled);
	if (node_is(n, "overwrite_mode"))
		return node_enum(n, overwrite_names, ARRAY_SIZE(overwrite_names), &attr->overwrite);
	if (node_is(n, "output_type"))
		return node_enum(n, output_names, ARRAY_SIZE(output_names), &attr->output);
	if (node_is(n, "subbuffer_size"))
		return node_uint(n, &attr->subbuf_size);
	if (node_is(n, "subbuffer_count"))
		return node_uint(n, &attr->num_subbuf);
	if (node_is(n, "tracefile_size"))
		return node_uint(n, &attr->tracefile_size);
	if (node_is(n, "tracefile_count"))
		return node_uint(n, &attr->tracefile_count);
	if (node_is(n, "monitor_timer_interval"))
		return node_uint(n, &attr->monitor_timer_us);
	if (node_is(n, "blocking_timeout")) {
		r = node_int(n, &sv);
		if (r == LTTNG_OK && sv < -1)
			r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		attr->blocking_timeout_us = sv;
		return r;
	}
	if (node_is(n, "switch_timer_interval") || node_is(n, "read_timer_interval") ||
	    node_is(n, "live_timer_interval")) {
		r = node_uint(n, &v);
		if (r == LTTNG_OK && v > UINT_MAX) {
			log_warn("%s out of range.", (const char *) n->name);
			r = LTTNG_ERR_LOAD_INVALID_CONFIG;
		}
		if (node_is(n, "switch_timer_interval"))
			attr->switch_timer_us = (uint32_t) v;
		else if (node_is(n, "read_timer_interval"))
			attr->read_timer_us = (uint32_t) v;
		else
			attr->live_timer_us = (uint32_t) v;
		return r;
	}
	if (node_is(n, "events"))
		*events = n;
	else /* LTTng takes anything else for the contexts */
		*contexts = n;
	return LTTNG_OK;
}

static int load_channel(struct loader *l, xmlNodePtr node, int domain_type, int buffer_type)
{
	/* Agent channels are UST channels underneath; their events stay in the agent
	 * domain. */
	int channel_domain = domain_is_agent(domain_type) ? LTTNG_DOMAIN_UST : domain_type;
	xmlNodePtr events = NULL, contexts = NULL;
	char name[WIRE_SYMBOL_NAME_LEN] = "";
	struct channel_attr attr;
	bool enabled = true;
	int r = LTTNG_OK;

	channel_default_attr(channel_domain, buffer_type, &attr);
	for (xmlNodePtr n = xmlFirstElementChild(node); n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n))
		r = read_channel_element(n, name, &enabled, &attr, &events, &contexts);
	if (r != LTTNG_OK)
		return r == LTTNG_ERR_NOMEM ? r : LTTNG_ERR_LOAD_INVALID_CONFIG;
	request_begin(l, WIRE_CMD_ENABLE_CHANNEL, channel_domain, buffer_type);
	if (codec_encode_channel(&l->payload, name, enabled, &attr, 0, 0) < 0)
		return LTTNG_ERR_NOMEM;
	l->req->u.channel.length = (uint32_t) l->payload.size;
	r = request_run(l);
	if (r == LTTNG_OK)
		r = load_events(l, events, domain_type, buffer_type, name);
	for (xmlNodePtr n = contexts ? xmlFirstElementChild(contexts) : NULL; n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n))
		r = load_context(l, n, domain_type, buffer_type, name);
	return r;
}

/* --- Trackers ---------------------------------------------------------------------------- */

static int tracker_request(struct loader *l, uint32_t cmd, int domain_type, int buffer_type,
			   int process_attr, int policy)
{
	request_begin(l, cmd, domain_type, buffer_type);
	l->req->u.tracker_policy.process_attr = process_attr;
	l->req->u.tracker_policy.tracking_policy = policy;
	return request_run(l);
}

/* The status codes a tracker handle reports back; anything else is "unknown". */
static int tracker_add_value(struct loader *l, int domain_type, int buffer_type,
			     int process_attr, int value_type, int64_t integral, const char *name)
{
	int r;

	request_begin(l, WIRE_CMD_TRACKER_ADD_INCLUDE_VALUE, domain_type, buffer_type);
	l->req->u.tracker_value.process_attr = process_attr;
	l->req->u.tracker_value.value_type = value_type;
	l->req->u.tracker_value.integral._signed = integral;
	if (name) {
		l->req->u.tracker_value.name_len = (uint32_t) strlen(name) + 1;
		r = payload_put(l, name, strlen(name) + 1);
		if (r != LTTNG_OK)
			return r;
	}
	r = request_run(l);
	if (r == LTTNG_OK || r == LTTNG_ERR_INVALID || r == LTTNG_ERR_PROCESS_ATTR_EXISTS ||
	    r == LTTNG_ERR_PROCESS_ATTR_MISSING)
		return r;
	return LTTNG_ERR_UNK;
}

/* The numeric value of an id as the client API types it (pid_t, uid_t, gid_t). */
static int id_value(int process_attr, int64_t id, int *ret_type, int64_t *ret_value)
{
	switch (process_attr) {
	case LTTNG_PROCESS_ATTR_PROCESS_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID:
		*ret_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_PID;
		*ret_value = (pid_t) id;
		return LTTNG_OK;
	case LTTNG_PROCESS_ATTR_USER_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_USER_ID:
		*ret_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_UID;
		*ret_value = (uid_t) id;
		return LTTNG_OK;
	case LTTNG_PROCESS_ATTR_GROUP_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_GROUP_ID:
		*ret_type = LTTNG_PROCESS_ATTR_VALUE_TYPE_GID;
		*ret_value = (gid_t) id;
		return LTTNG_OK;
	default:
		return LTTNG_ERR_INVALID;
	}
}

static int name_value_type(int process_attr)
{
	switch (process_attr) {
	case LTTNG_PROCESS_ATTR_USER_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_USER_ID:
		return LTTNG_PROCESS_ATTR_VALUE_TYPE_USER_NAME;
	case LTTNG_PROCESS_ATTR_GROUP_ID:
	case LTTNG_PROCESS_ATTR_VIRTUAL_GROUP_ID:
		return LTTNG_PROCESS_ATTR_VALUE_TYPE_GROUP_NAME;
	default:
		return -1;
	}
}

/*
 * One tracker: an empty value list means "exclude all", values an inclusion set.
 * values_name/value_name/id_name describe the layout (current or legacy format).
 */
static int load_tracker(struct loader *l, xmlNodePtr tracker, int domain_type, int buffer_type,
			int process_attr, const char *values_name, const char *id_name)
{
	xmlNodePtr values;
	int r;

	/* Getting a tracker handle checks that the domain has this tracker. */
	if (tracker_request(l, WIRE_CMD_TRACKER_GET_POLICY, domain_type, buffer_type,
			    process_attr, 0) != LTTNG_OK)
		return LTTNG_ERR_INVALID;
	values = first_child_named(tracker, values_name);
	if (!values)
		return LTTNG_ERR_INVALID;
	if (tracker_request(l, WIRE_CMD_TRACKER_SET_POLICY, domain_type, buffer_type, process_attr,
			    xmlChildElementCount(values) ? LTTNG_TRACKING_POLICY_INCLUDE_SET
							 : LTTNG_TRACKING_POLICY_EXCLUDE_ALL) != LTTNG_OK)
		return LTTNG_ERR_UNK;
	for (xmlNodePtr v = xmlFirstElementChild(values); v; v = xmlNextElementSibling(v)) {
		for (xmlNodePtr n = xmlFirstElementChild(v); n; n = xmlNextElementSibling(n)) {
			if (node_is(n, id_name)) {
				int64_t id, value;
				int type;

				if (node_int(n, &id) != LTTNG_OK)
					return LTTNG_ERR_LOAD_INVALID_CONFIG;
				r = id_value(process_attr, id, &type, &value);
				if (r == LTTNG_OK)
					r = tracker_add_value(l, domain_type, buffer_type, process_attr,
							      type, value, NULL);
			} else if (node_is(n, "name") && name_value_type(process_attr) >= 0) {
				char *text = node_text(n);

				if (!text)
					return LTTNG_ERR_LOAD_INVALID_CONFIG;
				r = tracker_add_value(l, domain_type, buffer_type, process_attr,
						      name_value_type(process_attr), 0, text);
				xmlFree(text);
			} else {
				continue;
			}
			if (r != LTTNG_OK)
				return r;
		}
	}
	return LTTNG_OK;
}

static int load_trackers(struct loader *l, xmlNodePtr trackers, int domain_type, int buffer_type)
{
	for (xmlNodePtr n = xmlFirstElementChild(trackers); n; n = xmlNextElementSibling(n)) {
		int r = LTTNG_OK;

		if (node_is(n, "pid_tracker")) {
			/* Before 2.12: <pid_tracker><targets><pid_target><pid>N</pid>... */
			r = load_tracker(l, n, domain_type, buffer_type,
					 domain_type == LTTNG_DOMAIN_UST
						 ? LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID
						 : LTTNG_PROCESS_ATTR_PROCESS_ID,
					 "targets", "pid");
		} else {
			for (int attr = 0; attr < TRACKER_COUNT; attr++) {
				if (!node_is(n, session_xml_tracker_names(attr)->tracker))
					continue;
				r = load_tracker(l, n, domain_type, buffer_type, attr,
						 "process_attr_values", "id");
				break;
			}
		}
		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}

/* --- Domains and sessions ------------------------------------------------------------- */

static int read_domain_header(xmlNodePtr node, int *type, int *buffer_type)
{
	*type = LTTNG_DOMAIN_NONE;
	*buffer_type = LTTNG_BUFFER_PER_PID;
	for (xmlNodePtr n = xmlFirstElementChild(node); n; n = xmlNextElementSibling(n)) {
		int r = LTTNG_OK;

		if (node_is(n, "type"))
			r = node_enum(n, domain_names, ARRAY_SIZE(domain_names), type);
		else if (node_is(n, "buffer_type"))
			r = node_enum(n, buffer_names, ARRAY_SIZE(buffer_names), buffer_type);
		if (r != LTTNG_OK)
			return r;
	}
	return LTTNG_OK;
}

/* Every domain once, each of a known type; checked before anything is created. */
static int check_domains(xmlNodePtr domains)
{
	bool seen[LTTNG_DOMAIN_PYTHON + 1] = { false };

	for (xmlNodePtr n = domains ? xmlFirstElementChild(domains) : NULL; n;
	     n = xmlNextElementSibling(n)) {
		int type, buffer_type;
		int r = read_domain_header(n, &type, &buffer_type);

		if (r != LTTNG_OK)
			return r;
		if (type <= LTTNG_DOMAIN_NONE || type > LTTNG_DOMAIN_PYTHON || seen[type]) {
			log_warn("Invalid domain type");
			return LTTNG_ERR_LOAD_INVALID_CONFIG;
		}
		seen[type] = true;
	}
	return LTTNG_OK;
}

static int load_domain(struct loader *l, xmlNodePtr node)
{
	xmlNodePtr channels = first_child_named(node, "channels");
	xmlNodePtr trackers = NULL;
	int type, buffer_type;
	int r = read_domain_header(node, &type, &buffer_type);

	/* Without <channels>, LTTng skips the trackers too. */
	if (r != LTTNG_OK || !channels)
		return r;
	for (xmlNodePtr n = xmlFirstElementChild(channels); n && r == LTTNG_OK;
	     n = xmlNextElementSibling(n))
		r = load_channel(l, n, type, buffer_type);
	if (r != LTTNG_OK)
		return r;
	for (xmlNodePtr n = xmlFirstElementChild(node); n && !trackers; n = xmlNextElementSibling(n))
		if (node_is(n, "process_attr_trackers") || node_is(n, "trackers"))
			trackers = n;
	return trackers ? load_trackers(l, trackers, type, buffer_type) : LTTNG_OK;
}

static int add_rotation(struct loader *l, int type, uint64_t value)
{
	int r;

	request_begin(l, WIRE_CMD_ROTATION_SET_SCHEDULE, LTTNG_DOMAIN_NONE, 0);
	l->req->u.rotation_set_schedule.type = (uint8_t) type;
	l->req->u.rotation_set_schedule.set = 1;
	l->req->u.rotation_set_schedule.value = value;
	r = request_run(l);
	if (r == LTTNG_OK)
		return r;
	if (r == LTTNG_ERR_ROTATION_SCHEDULE_SET || r == LTTNG_ERR_INVALID)
		return LTTNG_ERR_LOAD_INVALID_CONFIG;
	return LTTNG_ERR_UNK;
}

static int simple_request(struct loader *l, uint32_t cmd)
{
	request_begin(l, cmd, LTTNG_DOMAIN_NONE, 0);
	return request_run(l);
}

/* Everything after the creation; on failure the caller destroys the session. */
static int configure_session(struct loader *l, const struct session_spec *spec, bool *destroy)
{
	int r = LTTNG_OK;

	*destroy = false;
	if (spec->shm_path) {
		request_begin(l, WIRE_CMD_SET_SESSION_SHM_PATH, LTTNG_DOMAIN_NONE, 0);
		if (copy_string(l->req->u.set_shm_path.shm_path,
				sizeof(l->req->u.set_shm_path.shm_path), spec->shm_path) < 0)
			return LTTNG_ERR_INVALID;
		r = request_run(l);
		if (r != LTTNG_OK)
			return r;
	}
	/* From here on, LTTng destroys the half-loaded session on failure (except for
	 * the rotation schedules, whose failure leaves it in place). */
	*destroy = true;
	for (xmlNodePtr n = spec->domains ? xmlFirstElementChild(spec->domains) : NULL;
	     n && r == LTTNG_OK; n = xmlNextElementSibling(n))
		r = load_domain(l, n);
	if (r != LTTNG_OK)
		return r;
	*destroy = false;
	if (spec->rotate_periodic_us)
		r = add_rotation(l, LTTNG_ROTATION_SCHEDULE_TYPE_PERIODIC, spec->rotate_periodic_us);
	if (r == LTTNG_OK && spec->rotate_size_bytes)
		r = add_rotation(l, LTTNG_ROTATION_SCHEDULE_TYPE_SIZE_THRESHOLD,
				 spec->rotate_size_bytes);
	if (r != LTTNG_OK)
		return r;
	*destroy = true;
	/* As in LTTng, a document that does not say otherwise starts the session
	 * (its "started" flag defaults to -1, which counts as true). */
	if (spec->started != 0)
		r = simple_request(l, WIRE_CMD_START_TRACE);
	return r;
}

static int load_session(struct loader *l, xmlNodePtr node)
{
	const char *origin = l->opts->origin ? l->opts->origin : "session configuration";
	struct session_spec spec;
	bool destroy = false;
	int r = read_session_spec(node, &spec);

	if (r == LTTNG_OK)
		r = check_domains(spec.domains);
	if (r == LTTNG_OK && copy_string(l->session, sizeof(l->session), spec.name) < 0)
		r = LTTNG_ERR_INVALID;
	if (r != LTTNG_OK) {
		log_error("Failed to load a session from %s: %s", origin, session_xml_strerror(r));
		session_spec_fini(&spec);
		return r;
	}
	if (l->opts->overwrite) {
		r = simple_request(l, WIRE_CMD_DESTROY_SESSION);
		if (r != LTTNG_OK && r != LTTNG_ERR_SESS_NOT_FOUND) {
			log_error("Failed to destroy existing session \"%s\" to load it from %s: %s",
				  l->session, origin, session_xml_strerror(r));
			session_spec_fini(&spec);
			return r;
		}
	}
	if (spec.snapshot_mode > 0)
		r = create_snapshot_session(l, &spec);
	else
		r = create_regular_session(l, &spec);
	if (r == LTTNG_OK)
		r = configure_session(l, &spec, &destroy);
	if (r != LTTNG_OK) {
		log_error("Failed to load session %s from %s: %s", l->session, origin,
			  session_xml_strerror(r));
		if (destroy)
			(void) simple_request(l, WIRE_CMD_DESTROY_SESSION);
	} else {
		log_info("Session \"%s\" loaded from %s", l->session, origin);
	}
	session_spec_fini(&spec);
	return r;
}

int session_xml_load_document(struct daemon *d, xmlDocPtr doc,
			      const struct session_load_options *opts)
{
	struct loader l = { .d = d, .opts = opts };
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int r = LTTNG_OK;

	if (!root)
		return LTTNG_ERR_LOAD_INVALID_CONFIG;
	l.req = calloc(1, sizeof(*l.req));
	if (!l.req)
		return LTTNG_ERR_NOMEM;
	buffer_init(&l.payload);
	for (xmlNodePtr s = xmlFirstElementChild(root); s && r == LTTNG_OK; s = xmlNextElementSibling(s))
		r = load_session(&l, s);
	buffer_fini(&l.payload);
	free(l.req);
	return r;
}
