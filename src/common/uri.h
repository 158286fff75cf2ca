/* SPDX-License-Identifier: GPL-2.0-only */
/* Output URLs given by clients (session outputs, snapshot outputs). */
#ifndef COMMON_URI_H
#define COMMON_URI_H

#include "wire/client-wire.h"

/*
 * Parses an output URL pair as liblttng-ctl does: a control URL that is a local path
 * ("/dir" or "file:///dir", one URI), "net[4|6]://host[:ctrl_port[:data_port]][/subdir]"
 * (a control and a data URI) or "tcp[4|6]://host[:port][/subdir]" (one URI), and an
 * optional data URL ("tcp..." only). Host names resolve through the system resolver,
 * "localhost" falling back to the loopback address. Default ports: 5342 control, 5343
 * data. Returns the number of URIs written to uris (0 when both URLs are NULL), or -1
 * when the URLs are invalid.
 */
int uri_parse_output(const char *ctrl_url, const char *data_url, struct wire_uri uris[2]);

#endif
