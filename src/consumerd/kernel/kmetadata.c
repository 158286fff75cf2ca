/* SPDX-License-Identifier: GPL-2.0-only */
/* TSDL of kernel traces; see kmetadata.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kfield.h"
#include "kmetadata.h"

static int env_string(struct buffer *out, const char *key, const char *value)
{
	int r = tsdl_printf(out, "\t%s = \"", key);

	if (r == 0)
		r = tsdl_escaped(out, value ? value : "");
	return r ? r : tsdl_printf(out, "\";\n");
}

int kmetadata_preamble(const struct kmetadata_env *env, struct buffer *out)
{
	const uint8_t *u = env->uuid;
	int r;

	r = tsdl_printf(out,
		"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
		"typealias integer { size = 16; align = 16; signed = false; } := uint16_t;\n"
		"typealias integer { size = 32; align = 32; signed = false; } := uint32_t;\n"
		"typealias integer { size = 64; align = 64; signed = false; } := uint64_t;\n"
		"typealias integer { size = 64; align = 64; signed = false; } := unsigned long;\n"
		"typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n"
		"typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n"
		"\n"
		"trace {\n"
		"\tmajor = 1;\n"
		"\tminor = 8;\n"
		"\tuuid = \"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\";\n"
		"\tbyte_order = le;\n"
		"\tpacket.header := struct {\n"
		"\t\tuint32_t magic;\n"
		"\t\tuint8_t  uuid[16];\n"
		"\t\tuint32_t stream_id;\n"
		"\t\tuint64_t stream_instance_id;\n"
		"\t};\n"
		"};\n\n"
		"env {\n",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		u[13], u[14], u[15]);
	if (r == 0)
		r = env_string(out, "hostname", env->hostname);
	if (r == 0)
		r = tsdl_printf(out, "\tdomain = \"kernel\";\n");
	if (r == 0)
		r = env_string(out, "sysname", env->sysname);
	if (r == 0)
		r = env_string(out, "kernel_release", env->kernel_release);
	if (r == 0)
		r = env_string(out, "kernel_version", env->kernel_version);
	if (r == 0)
		r = tsdl_printf(out, "\ttracer_name = \"lttng-modules\";\n"
				     "\ttracer_major = 2;\n"
				     "\ttracer_minor = 13;\n"
				     "\ttracer_patchlevel = 9;\n"
				     "\ttrace_buffering_scheme = \"global\";\n");
	if (r == 0)
		r = env_string(out, "trace_name", env->trace_name);
	if (r == 0)
		r = env_string(out, "trace_creation_datetime", env->creation_time);
	if (r == 0)
		r = env_string(out, KMETADATA_SOURCE_KEY, KMETADATA_SOURCE_VALUE);
	if (r == 0)
		r = tsdl_printf(out, "};\n\nclock {\n\tname = \"monotonic\";\n");
	if (r == 0 && env->clock_uuid && env->clock_uuid[0])
		r = tsdl_printf(out, "\tuuid = \"%s\";\n", env->clock_uuid);
	if (r == 0)
		r = tsdl_printf(out,
			"\tdescription = \"Monotonic Clock\";\n"
			"\tfreq = 1000000000; /* Frequency, in Hz */\n"
			"\t/* clock value offset from Epoch is: offset * (1/freq) */\n"
			"\toffset = %lld;\n"
			"};\n\n"
			"typealias integer {\n"
			"\tsize = 27; align = 1; signed = false;\n"
			"\tmap = clock.monotonic.value;\n"
			"} := uint27_clock_monotonic_t;\n\n"
			"typealias integer {\n"
			"\tsize = 32; align = 32; signed = false;\n"
			"\tmap = clock.monotonic.value;\n"
			"} := uint32_clock_monotonic_t;\n\n"
			"typealias integer {\n"
			"\tsize = 64; align = 64; signed = false;\n"
			"\tmap = clock.monotonic.value;\n"
			"} := uint64_clock_monotonic_t;\n\n"
			"struct packet_context {\n"
			"\tuint64_clock_monotonic_t timestamp_begin;\n"
			"\tuint64_clock_monotonic_t timestamp_end;\n"
			"\tuint64_t content_size;\n"
			"\tuint64_t packet_size;\n"
			"\tuint64_t packet_seq_num;\n"
			"\tunsigned long events_discarded;\n"
			"\tuint32_t cpu_id;\n"
			"};\n\n"
			"struct event_header_compact {\n"
			"\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n"
			"\tvariant <id> {\n"
			"\t\tstruct {\n"
			"\t\t\tuint27_clock_monotonic_t timestamp;\n"
			"\t\t} compact;\n"
			"\t\tstruct {\n"
			"\t\t\tuint32_t id;\n"
			"\t\t\tuint64_clock_monotonic_t timestamp;\n"
			"\t\t} extended;\n"
			"\t} v;\n"
			"} align(32);\n\n"
			"struct event_header_large {\n"
			"\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;\n"
			"\tvariant <id> {\n"
			"\t\tstruct {\n"
			"\t\t\tuint32_clock_monotonic_t timestamp;\n"
			"\t\t} compact;\n"
			"\t\tstruct {\n"
			"\t\t\tuint32_t id;\n"
			"\t\t\tuint64_clock_monotonic_t timestamp;\n"
			"\t\t} extended;\n"
			"\t} v;\n"
			"} align(16);\n\n",
			(long long) env->clock_offset_ns);
	return r;
}

int kmetadata_stream(uint32_t stream_id, bool large_header, const struct kcontext_set *ctx,
		     struct buffer *out)
{
	int r = tsdl_printf(out, "stream {\n\tid = %u;\n\tevent.header := %s;\n"
				 "\tpacket.context := struct packet_context;\n",
			    stream_id, large_header ? "struct event_header_large"
						    : "struct event_header_compact");

	if (r == 0 && ctx && ctx->count) {
		r = tsdl_printf(out, "\tevent.context := struct {\n");
		if (r == 0)
			r = kcontext_tsdl(ctx, out);
		if (r == 0)
			r = tsdl_printf(out, "\t};\n");
	}
	return r ? r : tsdl_printf(out, "};\n\n");
}

void kmetadata_host_read(struct kmetadata_host *h)
{
	struct utsname u;
	int fd;

	memset(h, 0, sizeof(*h));
	if (uname(&u) == 0) {
		snprintf(h->sysname, sizeof(h->sysname), "%s", u.sysname);
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->version, sizeof(h->version), "%s", u.version);
		snprintf(h->nodename, sizeof(h->nodename), "%s", u.nodename);
	}
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, h->boot_id, sizeof(h->boot_id) - 1);

		close(fd);
		if (n > 0)
			h->boot_id[strcspn(h->boot_id, "\n")] = '\0';
		else
			h->boot_id[0] = '\0';
	}
}

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

int64_t kmetadata_clock_offset(void)
{
	/* As LTTng measures it: realtime between two monotonic reads, their mean. */
	uint64_t m0 = now_ns(CLOCK_MONOTONIC);
	uint64_t rt = now_ns(CLOCK_REALTIME);
	uint64_t m1 = now_ns(CLOCK_MONOTONIC);

	return (int64_t) rt - (int64_t) ((m0 + m1) / 2);
}
