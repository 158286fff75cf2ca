/* SPDX-License-Identifier: GPL-2.0-only */
/* Output URLs as liblttng-ctl reads them (lttng(1), "URL format"); see uri.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "macros.h"
#include "uri.h"

#define DEFAULT_CONTROL_PORT 5342
#define DEFAULT_DATA_PORT 5343
#define URI_PROTO_TCP 1 /* LTTNG_TCP */


struct url_scheme {
	const char *prefix;
	int dtype;
	bool two_uris; /* net://: control and data from one URL */
};

static const struct url_scheme url_schemes[] = {
	{ "file://", WIRE_URI_PATH, false }, { "net://", WIRE_URI_IPV4, true },
	{ "net4://", WIRE_URI_IPV4, true },  { "net6://", WIRE_URI_IPV6, true },
	{ "tcp://", WIRE_URI_IPV4, false },  { "tcp4://", WIRE_URI_IPV4, false },
	{ "tcp6://", WIRE_URI_IPV6, false },
};

/* An IP literal is kept as written; a name takes its first address. */
static int resolve_host(const char *host, int dtype, char *dst, size_t size)
{
	int af = dtype == WIRE_URI_IPV6 ? AF_INET6 : AF_INET;
	unsigned char literal[sizeof(struct in6_addr)];
	struct addrinfo hints = { .ai_family = af };
	struct addrinfo *res = NULL;

	memset(dst, 0, size);
	if (inet_pton(af, host, literal) == 1)
		return copy_string(dst, size, host) < 0 ? -1 : 0;
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res) {
		const void *addr = af == AF_INET6
					   ? (const void *) &((struct sockaddr_in6 *) res->ai_addr)->sin6_addr
					   : (const void *) &((struct sockaddr_in *) res->ai_addr)->sin_addr;
		const char *printed = inet_ntop(af, addr, dst, (socklen_t) size);

		freeaddrinfo(res);
		return printed ? 0 : -1;
	}
	/* Hosts without a "localhost" entry still get the loopback (RFC 6761). */
	if (strcmp(host, "localhost") == 0)
		return copy_string(dst, size, af == AF_INET6 ? "::1" : "127.0.0.1") < 0 ? -1 : 0;
	return -1;
}

/* One URL: 1 URI, or 2 for net:// (control then data). Ports stay 0 when not given. */
static int parse_url(const char *url, struct wire_uri out[2])
{
	const struct url_scheme *scheme = NULL;
	const char *p, *host_begin, *host_end, *subdir = NULL;
	unsigned ports[2] = { 0, 0 };
	char host[256];
	size_t host_len;

	for (size_t i = 0; i < ARRAY_SIZE(url_schemes); i++) {
		if (strncasecmp(url, url_schemes[i].prefix, strlen(url_schemes[i].prefix)) == 0) {
			scheme = &url_schemes[i];
			break;
		}
	}
	if (!scheme)
		return -1;
	memset(out, 0, 2 * sizeof(*out));
	p = url + strlen(scheme->prefix);
	out[0].dtype = scheme->dtype;
	if (scheme->dtype == WIRE_URI_PATH) {
		if (*p != '/' || copy_string(out[0].dst.path, sizeof(out[0].dst.path), p) < 0)
			return -1;
		return 1;
	}
	out[0].proto = URI_PROTO_TCP;
	if (*p == '[') { /* [IPv6 address], then a separator or the end */
		host_begin = p + 1;
		host_end = strchr(host_begin, ']');
		if (!host_end)
			return -1;
		p = host_end + 1;
		if (*p != '\0' && *p != ':' && *p != '/')
			return -1;
	} else {
		host_begin = p;
		p += strcspn(p, ":/");
		host_end = p;
	}
	host_len = (size_t) (host_end - host_begin);
	if (host_len == 0 || host_len >= sizeof(host))
		return -1;
	memcpy(host, host_begin, host_len);
	host[host_len] = '\0';
	/* ":ctrl[:data]" for net://, ":port" otherwise. */
	for (int n = 1; *p == ':' && n <= (scheme->two_uris ? 2 : 1); n++) {
		const char *port_begin = ++p;

		p += strcspn(p, ":/");
		if (p != port_begin) {
			long port = strtol(port_begin, NULL, 10);

			if (port <= 0 || port > 0xffff)
				return -1;
			ports[n - 1] = (unsigned) port;
		}
	}
	if (*p == '/')
		subdir = p + 1;
	else if (*p != '\0')
		return -1;
	out[0].port = (uint16_t) ports[0];
	if (subdir && copy_string(out[0].subdir, sizeof(out[0].subdir), subdir) < 0)
		return -1;
	if (resolve_host(host, scheme->dtype,
			 scheme->dtype == WIRE_URI_IPV6 ? out[0].dst.ipv6 : out[0].dst.ipv4,
			 scheme->dtype == WIRE_URI_IPV6 ? sizeof(out[0].dst.ipv6)
							: sizeof(out[0].dst.ipv4)) < 0)
		return -1;
	if (!scheme->two_uris)
		return 1;
	out[1].dtype = out[0].dtype;
	out[1].proto = out[0].proto;
	out[1].dst = out[0].dst;
	out[1].port = (uint16_t) ports[1];
	return 2;
}

static void set_stream(struct wire_uri *uri, int stype)
{
	uri->stype = stype;
	if (uri->dtype != WIRE_URI_PATH && uri->port == 0)
		uri->port = stype == WIRE_URI_CONTROL ? DEFAULT_CONTROL_PORT : DEFAULT_DATA_PORT;
}

static bool same_host(const struct wire_uri *control, const struct wire_uri *data)
{
	if (control->dtype == WIRE_URI_IPV4)
		return strncmp(control->dst.ipv4, data->dst.ipv4, sizeof(control->dst.ipv4)) == 0;
	if (control->dtype == WIRE_URI_IPV6)
		return strncmp(control->dst.ipv6, data->dst.ipv6, sizeof(control->dst.ipv6)) == 0;
	return false;
}

int uri_parse_output(const char *ctrl_url, const char *data_url, struct wire_uri uris[2])
{
	struct wire_uri control[2], data[2];
	char file_url[WIRE_PATH_MAX + 16];
	int control_count = 0, data_count = 0;
	bool equal = true;

	if (!ctrl_url && !data_url)
		return 0;
	if (ctrl_url && *ctrl_url && data_url && *data_url)
		equal = strcmp(ctrl_url, data_url) == 0;
	/* A bare absolute path is a file:// URL. */
	if (ctrl_url && ctrl_url[0] == '/') {
		if (snprintf(file_url, sizeof(file_url), "file://%s", ctrl_url) >= (int) sizeof(file_url))
			return -1;
		ctrl_url = file_url;
	}
	if (ctrl_url && *ctrl_url) {
		control_count = parse_url(ctrl_url, control);
		if (control_count < 1)
			return -1;
		set_stream(&control[0], WIRE_URI_CONTROL);
		if (control[0].dtype == WIRE_URI_PATH && data_url && *data_url)
			return -1;
		if (control_count == 2) {
			/* net:// already names the data stream. */
			if (!equal)
				return -1;
			set_stream(&control[1], WIRE_URI_DATA);
			data_url = NULL;
		}
	}
	if (data_url && *data_url) {
		if (parse_url(data_url, data) != 1)
			return -1;
		set_stream(&data[0], WIRE_URI_DATA);
		if (control_count && !same_host(&control[0], &data[0]))
			return -1;
		data_count = 1;
	}
	if (control_count + data_count == 0)
		return -1;
	memcpy(uris, control, (size_t) control_count * sizeof(*uris));
	if (data_count)
		uris[control_count] = data[0];
	return control_count + data_count;
}

/* --- Errors --------------------------------------------------------------------------- */
