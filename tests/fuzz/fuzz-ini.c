/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: ini_parse_stream over an in-memory stream (fmemopen). */
#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "ini.h"

struct ini_stats {
	unsigned entries;
};

static void check_trimmed(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return;
	FUZZ_CHECK(!isspace((unsigned char) s[0]));
	FUZZ_CHECK(!isspace((unsigned char) s[len - 1]));
}

static int entry_cb(void *user, const char *section, const char *key, const char *value)
{
	struct ini_stats *stats = user;

	FUZZ_CHECK(section && key && value);
	FUZZ_CHECK(strlen(section) < 128);
	FUZZ_CHECK(strlen(key) < 1024 && strlen(value) < 1024);
	check_trimmed(section);
	check_trimmed(key);
	check_trimmed(value);
	stats->entries++;
	/* A callback may stop the parse; its value must come back unchanged. */
	return strcmp(key, "stop") == 0 ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_stats stats = { 0 };
	FILE *f;
	int r;

	if (size == 0)
		return 0;
	f = fmemopen((void *) data, size, "r");
	if (!f)
		return 0;
	r = ini_parse_stream(f, entry_cb, &stats);
	fclose(f);
	FUZZ_CHECK(r >= 0);
	return 0;
}
