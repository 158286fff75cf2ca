/* SPDX-License-Identifier: GPL-2.0-only */
/* Bounded string helpers. */
#include <string.h>

#include "macros.h"

int copy_string(char *dst, size_t dst_size, const char *src)
{
	size_t len = strlen(src);

	if (len >= dst_size)
		return -ENAMETOOLONG;
	memcpy(dst, src, len + 1);
	return 0;
}
