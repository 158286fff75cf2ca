/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an application says of itself when it registers (lttng-ust's registration
 * message, doc/protocol/apps.md "Registration"), and whether lttng-ust could have
 * said it. Any local user may connect to root's registration socket: a field no
 * lttng-ust sends (an alignment of 0, a long of 1000 bits) would otherwise reach the
 * metadata of a trace other applications share and make it unreadable.
 */
#ifndef SESSIOND_UST_REG_CHECK_H
#define SESSIOND_UST_REG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttng/ust-abi.h>
#include <lttng/ust-ctl.h>

struct ust_reg_info {
	enum lttng_ust_ctl_socket_type type;
	uint32_t major, minor;
	uint32_t pid, ppid, uid, gid; /* pid, uid and gid are the kernel's (SO_PEERCRED) */
	uint32_t bits_per_long;
	uint32_t align_u8, align_u16, align_u32, align_u64, align_long; /* in bits */
	int byte_order; /* LITTLE_ENDIAN or BIG_ENDIAN (<endian.h>) */
	char name[LTTNG_UST_ABI_PROCNAME_LEN + 1];
};

/* True when lttng-ust can send these fields; otherwise false with the first
 * offending field described in why. */
bool ust_reg_info_valid(const struct ust_reg_info *r, char *why, size_t why_size);

#endif
