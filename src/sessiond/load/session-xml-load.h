/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading session configuration documents (the *.lttng files): schema validation, and
 * turning a document into sessions. A document is loaded the way `lttng load` loads
 * it: each step is the client request liblttng-ctl would send, run through the
 * daemon's own command handlers, so a loaded session is exactly what a client would
 * have built.
 */
#ifndef SESSIOND_SESSION_XML_LOAD_H
#define SESSIOND_SESSION_XML_LOAD_H

#include <stdbool.h>
#include <sys/types.h>

#include <libxml/tree.h>

#include "core/daemon.h"
#include "wire/client-wire.h"

/* A loaded XSD, reused for every file of a load. */
struct session_xml_schema;

/* Loads the schema at xsd_path (a session.xsd file, or a directory holding one, as
 * LTTNG_SESSION_CONFIG_XSD_PATH names it). Reasons for a failure are logged; NULL. */
struct session_xml_schema *session_xml_schema_open(const char *xsd_path);
void session_xml_schema_close(struct session_xml_schema *schema);

/*
 * Reads and validates one configuration file. Every parser or validation message is
 * logged as an error naming the file. Returns LTTNG_OK with *ret_doc set (free with
 * xmlFreeDoc), LTTNG_ERR_LOAD_IO_FAIL when the file is not well-formed XML, or
 * LTTNG_ERR_LOAD_INVALID_CONFIG when the schema rejects it.
 */
int session_xml_read_file(struct session_xml_schema *schema, const char *path,
			  xmlDocPtr *ret_doc);

struct session_load_options {
	uid_t uid; /* credentials of the requests: the loaded sessions' owner */
	gid_t gid;
	pid_t pid;
	const char *home_dir; /* sent with session creation, as liblttng-ctl sends $LTTNG_HOME */
	bool overwrite;       /* destroy a session of the same name first */
	const char *origin;   /* the document's file name, for messages */
};

/*
 * Creates the sessions of a validated document, in document order. The first session
 * that cannot be loaded stops the document: it is destroyed again (as LTTng does),
 * the reason is logged naming the session and the file, and its LTTng error code is
 * returned. Returns LTTNG_OK when every session loaded.
 */
int session_xml_load_document(struct daemon *d, xmlDocPtr doc,
			      const struct session_load_options *opts);

/* A short description of an LTTng error code for messages ("Invalid parameter"). */
const char *session_xml_strerror(int code);

#endif
