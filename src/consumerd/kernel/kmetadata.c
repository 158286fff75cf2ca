/* SPDX-License-Identifier: GPL-2.0-only */
/* TSDL of kernel traces; see kmetadata.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kmetadata.h"
#include "tsdl-preamble.h"
#include "tsdl-stream.h"
#include "tsdl-text.h"

/* kpacket.c writes kernel packets little-endian, every integer at its natural
 * alignment; a long has 64 bits (the kernel domain is 64-bit only). */
static const struct tsdl_abi kernel_abi = {
	.uint8_align = 8, .uint16_align = 16, .uint32_align = 32, .uint64_align = 64,
	.long_bits = 64, .long_align = 64, .big_endian = false,
};

static int env_block(const struct kmetadata_env *env, struct buffer *out)
{
	int r = tsdl_puts(out, "env {\n");

	if (r == 0)
		r = tsdl_string_attr(out, "hostname", env->hostname);
	if (r == 0)
		r = tsdl_puts(out, "\tdomain = \"kernel\";\n");
	if (r == 0)
		r = tsdl_string_attr(out, "sysname", env->sysname);
	if (r == 0)
		r = tsdl_string_attr(out, "kernel_release", env->kernel_release);
	if (r == 0)
		r = tsdl_string_attr(out, "kernel_version", env->kernel_version);
	if (r == 0)
		r = tsdl_puts(out, "\ttracer_name = \"lttng-modules\";\n"
				   "\ttracer_major = 2;\n"
				   "\ttracer_minor = 13;\n"
				   "\ttracer_patchlevel = 9;\n"
				   "\ttrace_buffering_scheme = \"global\";\n");
	if (r == 0)
		r = tsdl_string_attr(out, "trace_name", env->trace_name);
	if (r == 0)
		r = tsdl_string_attr(out, "trace_creation_datetime", env->creation_time);
	if (r == 0)
		r = tsdl_string_attr(out, KMETADATA_SOURCE_KEY, KMETADATA_SOURCE_VALUE);
	return r ? r : tsdl_puts(out, "};\n\n");
}

int kmetadata_preamble(const struct kmetadata_env *env, struct buffer *out)
{
	/* The boot id: a uuid, or empty when it could not be read. */
	bool has_clock_uuid = env->clock_uuid && env->clock_uuid[0];
	int r = tsdl_preamble_trace(out, &kernel_abi, env->uuid);

	if (r == 0)
		r = env_block(env, out);
	if (r == 0) {
		struct tsdl_clock clock = {
			.uuid = has_clock_uuid ? env->clock_uuid : NULL,
			.offset = env->clock_offset_ns,
		};

		r = tsdl_preamble_clock(out, &clock);
	}
	return r ? r : tsdl_preamble_headers(out, &kernel_abi, NULL);
}

/* tsdl_context_fn of a kernel channel: arg is its const struct kcontext_set. */
static int context_members(struct buffer *out, void *arg)
{
	const struct kcontext_set *ctx = arg;

	return kcontext_tsdl(ctx, out);
}

int kmetadata_stream(uint32_t stream_id, bool large_header, const struct kcontext_set *ctx,
		     struct buffer *out)
{
	bool has_context = ctx && ctx->count;

	return tsdl_stream(out, stream_id, large_header, has_context ? context_members : NULL,
			   (void *) ctx);
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
