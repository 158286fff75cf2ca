/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: uri_parse_output (src/common/uri.c), the output URLs of session
 * creation, lttng_set_consumer_url(), snapshot outputs and loaded session files.
 *
 * Input: "<control URL>" (no data URL: NULL) or "<control URL>\0<data URL>[\0...]";
 * an empty control URL is "" (a data URL alone). Host names go through
 * fake-resolver.c, never through DNS.
 *
 * What parses must be what the callers rely on: 1 or 2 URIs (never more than the
 * array holds), every string field terminated, a local path absolute and alone, a
 * network URI with a TCP protocol, a non-zero port and an address of its family,
 * control before data, and every byte of the result written (two parses into
 * differently pre-filled arrays give the same bytes).
 */
#include <arpa/inet.h>
#include <string.h>

#include "fuzz.h"
#include "uri.h"

#define MAX_URL_LEN 8192

static void check_uri(const struct wire_uri *u)
{
	unsigned char addr[sizeof(struct in6_addr)];

	FUZZ_CHECK(memchr(u->subdir, '\0', sizeof(u->subdir)) != NULL);
	FUZZ_CHECK(u->stype == WIRE_URI_CONTROL || u->stype == WIRE_URI_DATA);
	FUZZ_CHECK(u->dtype == WIRE_URI_PATH || u->dtype == WIRE_URI_IPV4 ||
		   u->dtype == WIRE_URI_IPV6);
	switch (u->dtype) {
	case WIRE_URI_PATH:
		FUZZ_CHECK(memchr(u->dst.path, '\0', sizeof(u->dst.path)) != NULL);
		FUZZ_CHECK(u->dst.path[0] == '/');
		FUZZ_CHECK(u->port == 0);
		break;
	case WIRE_URI_IPV4:
		FUZZ_CHECK(memchr(u->dst.ipv4, '\0', sizeof(u->dst.ipv4)) != NULL);
		FUZZ_CHECK(inet_pton(AF_INET, u->dst.ipv4, addr) == 1);
		FUZZ_CHECK(u->proto == 1 && u->port != 0);
		break;
	case WIRE_URI_IPV6:
		FUZZ_CHECK(memchr(u->dst.ipv6, '\0', sizeof(u->dst.ipv6)) != NULL);
		FUZZ_CHECK(inet_pton(AF_INET6, u->dst.ipv6, addr) == 1);
		FUZZ_CHECK(u->proto == 1 && u->port != 0);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_uri first[2], second[2];
	char *copy, *ctrl, *data_url = NULL;
	size_t ctrl_len;
	int n, again;

	if (size > MAX_URL_LEN)
		return 0;
	/* A NUL-terminated copy: the URLs are C strings. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	ctrl = copy;
	ctrl_len = strlen(ctrl);
	if (ctrl_len < size)
		data_url = ctrl + ctrl_len + 1;

	memset(first, 0xa5, sizeof(first));
	memset(second, 0x5a, sizeof(second));
	n = uri_parse_output(ctrl, data_url, first);
	again = uri_parse_output(ctrl, data_url, second);
	FUZZ_CHECK(n == again);
	FUZZ_CHECK(n == -1 || n == 1 || n == 2);
	if (n > 0)
		FUZZ_CHECK(memcmp(first, second, (size_t) n * sizeof(first[0])) == 0);
	if (n == 1) {
		check_uri(&first[0]);
		/* A lone URI is the control one, unless only a data URL was given. */
		FUZZ_CHECK(first[0].stype == (*ctrl ? WIRE_URI_CONTROL : WIRE_URI_DATA));
	} else if (n == 2) {
		check_uri(&first[0]);
		check_uri(&first[1]);
		FUZZ_CHECK(first[0].stype == WIRE_URI_CONTROL && first[1].stype == WIRE_URI_DATA);
		FUZZ_CHECK(first[0].dtype == first[1].dtype && first[0].dtype != WIRE_URI_PATH);
	}
	/* Only the control URL, as session creation gives it. */
	n = uri_parse_output(ctrl, NULL, first);
	FUZZ_CHECK(n == -1 || n == 1 || n == 2);
	for (int i = 0; i < n; i++)
		check_uri(&first[i]);
	/* Neither: nothing. */
	FUZZ_CHECK(uri_parse_output(NULL, NULL, first) == 0);
	free(copy);
	return 0;
}
