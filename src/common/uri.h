/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing of the output URLs clients give (snapshot outputs): file://PATH, an absolute
 * path, net[6]://HOST[:CTRL[:DATA]][/SUBDIR] and tcp[6]://HOST:PORT[/SUBDIR]. */
#ifndef COMMON_URI_H
#define COMMON_URI_H

#include "wire/client-wire.h"

/* Fills ret_uris (2 entries) and returns how many were produced (1 for a path, 2 for
 * net:// control+data), or -EINVAL. data_url may be NULL or empty. */
int uri_parse_output(const char *ctrl_url, const char *data_url, struct wire_uri *ret_uris);

#endif
