/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macros.h"
#include "uri.h"

#define DEFAULT_CONTROL_PORT 5342
#define DEFAULT_DATA_PORT 5343

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	char buf[8];
	char *end;
	long v;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtol(buf, &end, 10);
	if (*end || v <= 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t) v;
	return 0;
}

/* host[:p1[:p2]][/subdir] after the scheme; IPv6 hosts in brackets. */
static int parse_network(const char *rest, bool ipv6, bool two_ports, struct wire_uri *uris)
{
	const char *host = rest, *host_end, *p;
	uint16_t ports[2] = { DEFAULT_CONTROL_PORT, DEFAULT_DATA_PORT };
	const char *slash;
	size_t host_len;

	if (*host == '[') {
		host++;
		host_end = strchr(host, ']');
		if (!host_end)
			return -EINVAL;
		p = host_end + 1;
		ipv6 = true;
	} else {
		host_end = host + strcspn(host, ":/");
		p = host_end;
	}
	host_len = (size_t) (host_end - host);
	if (host_len == 0 || host_len >= sizeof(uris[0].dst.ipv6))
		return -EINVAL;
	for (int i = 0; i < 2 && *p == ':'; i++) {
		size_t len = strcspn(p + 1, ":/");

		if ((i == 1 && !two_ports) || parse_port(p + 1, len, &ports[i]) < 0)
			return -EINVAL;
		p += 1 + len;
	}
	if (*p && *p != '/')
		return -EINVAL;
	slash = *p == '/' ? p + 1 : "";
	for (int i = 0; i < 2; i++) {
		memset(&uris[i], 0, sizeof(uris[i]));
		uris[i].dtype = ipv6 ? WIRE_URI_IPV6 : WIRE_URI_IPV4;
		uris[i].stype = i == 0 ? WIRE_URI_CONTROL : WIRE_URI_DATA;
		uris[i].proto = 1;
		uris[i].port = ports[i];
		memcpy(uris[i].dst.ipv6, host, host_len);
		if (copy_string(uris[i].subdir, sizeof(uris[i].subdir), slash) < 0)
			return -EINVAL;
	}
	return 2;
}

int uri_parse_output(const char *ctrl_url, const char *data_url, struct wire_uri *ret_uris)
{
	const char *path = NULL;

	if (strncmp(ctrl_url, "file://", 7) == 0)
		path = ctrl_url + 7;
	else if (ctrl_url[0] == '/')
		path = ctrl_url;
	if (path) {
		if (path[0] != '/' || (data_url && data_url[0]))
			return -EINVAL;
		memset(&ret_uris[0], 0, sizeof(ret_uris[0]));
		ret_uris[0].dtype = WIRE_URI_PATH;
		if (copy_string(ret_uris[0].dst.path, sizeof(ret_uris[0].dst.path), path) < 0)
			return -EINVAL;
		return 1;
	}
	if (strncmp(ctrl_url, "net://", 6) == 0)
		return parse_network(ctrl_url + 6, false, true, ret_uris);
	if (strncmp(ctrl_url, "net6://", 7) == 0)
		return parse_network(ctrl_url + 7, true, true, ret_uris);
	return -EINVAL;
}
