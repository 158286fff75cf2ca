/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hermetic name resolver for the fuzz targets that parse URLs (src/common/uri.c):
 * this getaddrinfo()/freeaddrinfo() pair replaces the C library's in the binaries
 * that link it, so that fuzzed host names never reach /etc/hosts, NSS or DNS (slow,
 * non-deterministic, and a network query per input).
 *
 * Numeric addresses of the requested family are returned as themselves. A name made
 * of host-name characters resolves to an address derived from its hash (10.x.y.z, or
 * 2001:db8::x:y for AF_INET6), except names ending in ".invalid" (RFC 6761) and
 * "localhost", which do not resolve, so that uri.c's fallback for "localhost" runs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct fake_addrinfo {
	struct addrinfo ai;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);

	return len >= slen && strcasecmp(s + len - slen, suffix) == 0;
}

static bool host_name_chars(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char) *s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 16777619u;
	return h;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC;
	struct fake_addrinfo *f;
	unsigned char addr[sizeof(struct in6_addr)];
	bool numeric;
	uint32_t h;

	(void) service;
	*res = NULL;
	if (!node)
		return EAI_NONAME;
	if (family == AF_UNSPEC)
		family = strchr(node, ':') ? AF_INET6 : AF_INET;
	if (family != AF_INET && family != AF_INET6)
		return EAI_FAMILY;
	numeric = inet_pton(family, node, addr) == 1;
	if (!numeric && (!host_name_chars(node) || ends_with(node, ".invalid") ||
			 strcasecmp(node, "localhost") == 0))
		return EAI_NONAME;
	f = calloc(1, sizeof(*f));
	if (!f)
		return EAI_MEMORY;
	h = fnv1a(node);
	f->ai.ai_family = family;
	f->ai.ai_socktype = hints ? hints->ai_socktype : 0;
	f->ai.ai_protocol = hints ? hints->ai_protocol : 0;
	f->ai.ai_addr = (struct sockaddr *) &f->sa;
	if (family == AF_INET) {
		f->sa.v4.sin_family = AF_INET;
		if (numeric)
			memcpy(&f->sa.v4.sin_addr, addr, sizeof(f->sa.v4.sin_addr));
		else
			f->sa.v4.sin_addr.s_addr = htonl(0x0a000000u | (h & 0xffffffu));
		f->ai.ai_addrlen = sizeof(f->sa.v4);
	} else {
		f->sa.v6.sin6_family = AF_INET6;
		if (numeric) {
			memcpy(&f->sa.v6.sin6_addr, addr, sizeof(f->sa.v6.sin6_addr));
		} else {
			static const unsigned char prefix[4] = { 0x20, 0x01, 0x0d, 0xb8 };

			memcpy(f->sa.v6.sin6_addr.s6_addr, prefix, sizeof(prefix));
			memcpy(f->sa.v6.sin6_addr.s6_addr + 12, &h, sizeof(h));
		}
		f->ai.ai_addrlen = sizeof(f->sa.v6);
	}
	*res = &f->ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai); /* the first member of a struct fake_addrinfo */
		ai = next;
	}
}
