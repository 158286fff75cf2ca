/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the registration check (src/sessiond/ust/ust-reg-check.c): what
 * lttng-ust sends on x86-64, i386 and naturally aligned architectures passes; each
 * field an application could forge past those values is refused and named.
 */
#include <endian.h>
#include <string.h>

#include "tap.h"
#include "ust/ust-reg-check.h"

/* lttng-ust on x86-64 (efficient unaligned access: every alignment is 8 bits). */
static struct ust_reg_info x86_64_app(void)
{
	struct ust_reg_info r = {
		.type = LTTNG_UST_CTL_SOCKET_CMD,
		.major = 9, .minor = 0, .pid = 100, .ppid = 1, .uid = 1000, .gid = 1000,
		.bits_per_long = 64,
		.align_u8 = 8, .align_u16 = 8, .align_u32 = 8, .align_u64 = 8, .align_long = 8,
		.byte_order = LITTLE_ENDIAN,
	};

	strcpy(r.name, "app");
	return r;
}

static void refused(struct ust_reg_info r, const char *expected_why, const char *what)
{
	char why[160] = "";

	ok(!ust_reg_info_valid(&r, why, sizeof(why)), "refused: %s", what);
	is_str(why, expected_why, "  and named: %s", what);
}

int main(void)
{
	struct ust_reg_info r = x86_64_app();
	char why[160];

	ok(ust_reg_info_valid(&r, why, sizeof(why)), "x86-64 application");
	r.type = LTTNG_UST_CTL_SOCKET_NOTIFY;
	ok(ust_reg_info_valid(&r, why, sizeof(why)), "its notify socket");
	r = x86_64_app();
	r.bits_per_long = 32;
	ok(ust_reg_info_valid(&r, why, sizeof(why)), "i386 application");
	/* Natural alignment (e.g. arm64 builds without efficient unaligned access). */
	r = x86_64_app();
	r.align_u16 = 16;
	r.align_u32 = 32;
	r.align_u64 = 64;
	r.align_long = 64;
	r.byte_order = BIG_ENDIAN;
	ok(ust_reg_info_valid(&r, why, sizeof(why)), "naturally aligned big-endian application");
	r.bits_per_long = 32;
	r.align_long = 32;
	r.align_u64 = 32; /* 32-bit ABIs that align 64-bit integers on 4 bytes */
	ok(ust_reg_info_valid(&r, why, sizeof(why)), "naturally aligned 32-bit application");

	r = x86_64_app();
	r.align_u8 = 0;
	refused(r, "a uint8_t alignment of 0 bits", "alignment 0");
	r = x86_64_app();
	r.align_u32 = 24;
	refused(r, "a uint32_t alignment of 24 bits", "alignment not a power of two");
	r = x86_64_app();
	r.align_u16 = 32;
	refused(r, "a uint16_t alignment of 32 bits", "alignment above the type's size");
	r = x86_64_app();
	r.align_u64 = 128;
	refused(r, "a uint64_t alignment of 128 bits", "alignment above 64 bits");
	r = x86_64_app();
	r.bits_per_long = 32;
	r.align_long = 64;
	refused(r, "a long alignment of 64 bits", "long alignment above a 32-bit long");
	r = x86_64_app();
	r.bits_per_long = 0;
	refused(r, "a long of 0 bits", "bits_per_long 0");
	r = x86_64_app();
	r.bits_per_long = 1000;
	refused(r, "a long of 1000 bits", "bits_per_long 1000");
	r = x86_64_app();
	r.byte_order = 0;
	refused(r, "byte order 0", "unknown byte order");
	r = x86_64_app();
	r.type = (enum lttng_ust_ctl_socket_type) 7;
	refused(r, "socket type 7", "unknown socket type");
	done_testing();
	return exit_status();
}
