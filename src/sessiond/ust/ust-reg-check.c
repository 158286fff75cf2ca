/* SPDX-License-Identifier: GPL-2.0-only */
/* See ust-reg-check.h. */
#include <endian.h>
#include <stdio.h>

#include "ust/ust-reg-check.h"

/*
 * lttng-ust reports each type's ring-buffer alignment in bits: 8 on architectures
 * with efficient unaligned access, the type's natural alignment elsewhere. So an
 * alignment is a power of two from 8 bits up to the type's own size.
 */
static bool alignment_possible(uint32_t bits, uint32_t type_bits)
{
	return bits >= 8 && bits <= type_bits && (bits & (bits - 1)) == 0;
}

bool ust_reg_info_valid(const struct ust_reg_info *r, char *why, size_t why_size)
{
	const struct {
		const char *what;
		uint32_t value, type_bits;
	} aligns[] = {
		{ "uint8_t alignment", r->align_u8, 8 },
		{ "uint16_t alignment", r->align_u16, 16 },
		{ "uint32_t alignment", r->align_u32, 32 },
		{ "uint64_t alignment", r->align_u64, 64 },
		{ "long alignment", r->align_long, r->bits_per_long },
	};

	if (r->type != LTTNG_UST_CTL_SOCKET_CMD && r->type != LTTNG_UST_CTL_SOCKET_NOTIFY) {
		snprintf(why, why_size, "socket type %d", (int) r->type);
		return false;
	}
	if (r->bits_per_long != 32 && r->bits_per_long != 64) {
		snprintf(why, why_size, "a long of %u bits", r->bits_per_long);
		return false;
	}
	if (r->byte_order != LITTLE_ENDIAN && r->byte_order != BIG_ENDIAN) {
		snprintf(why, why_size, "byte order %d", r->byte_order);
		return false;
	}
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		if (!alignment_possible(aligns[i].value, aligns[i].type_bits)) {
			snprintf(why, why_size, "a %s of %u bits", aligns[i].what, aligns[i].value);
			return false;
		}
	}
	return true;
}
