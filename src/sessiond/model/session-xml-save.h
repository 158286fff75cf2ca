/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session configuration documents (the *.lttng files of `lttng save` / `lttng load`,
 * schema /usr/share/xml/lttng/session.xsd): the writer, and the names both the
 * writer and the loader (session-xml-load.c) use.
 */
#ifndef SESSIOND_SESSION_XML_SAVE_H
#define SESSIOND_SESSION_XML_SAVE_H

#include <stddef.h>

#include "buffer.h"
#include "model/model.h"

/*
 * Appends the configuration document of one session to out, element for element and
 * byte for byte as lttng-sessiond 2.13 writes it (libxml2 text writer, tab
 * indentation). Lists come in the model's order (creation order; the real daemon
 * walks hash tables, whose order is arbitrary). Returns LTTNG_OK, or an LTTng error
 * code (LTTNG_ERR_INVALID for state the format cannot express, LTTNG_ERR_SAVE_IO_FAIL
 * for a writer failure, ...); on error out holds a partial document.
 */
int session_xml_serialize(const struct session *session, struct buffer *out);

/* Formats a URI as LTTng prints URLs: "file://<path>/<subdir>",
 * "tcp4://<ip>:<port>/<subdir>", "tcp6://[<ip>]:<port>/<subdir>". */
void session_xml_format_uri(const struct wire_uri *uri, char *buf, size_t size);

/* Name of a context type in a configuration file for a domain, or NULL when that
 * domain's tracer has no such context (perf and application contexts have their own
 * elements and no name). */
const char *session_xml_context_name(int context_type, int domain_type);
/* The context type a configuration file names, or -1. */
int session_xml_context_type(const char *name);

/* Event type names ("TRACEPOINT", "SYSCALL", ...); NULL / -1 when unknown. */
const char *session_xml_event_type_name(int event_type);
int session_xml_event_type(const char *name, int *ret_type);

/* Element names of a process attribute tracker and of its values, e.g.
 * "vpid_process_attr_tracker" and "vpid"; NULL for an unknown attribute. */
struct session_xml_tracker_names {
	const char *tracker;
	const char *value;
};
const struct session_xml_tracker_names *session_xml_tracker_names(int process_attr);

#endif
