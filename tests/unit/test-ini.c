/* SPDX-License-Identifier: GPL-2.0-only */
/* The lttng.conf INI reader (src/common/ini.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"

#include "tap.h"

#define MAX_ENTRIES 16

struct collected {
	int count;
	char entries[MAX_ENTRIES][3][256]; /* section, key, value */
	const char *stop_key;              /* return stop_value when this key is seen */
	int stop_value;
};

static int collect_cb(void *user, const char *section, const char *key, const char *value)
{
	struct collected *c = user;

	if (c->count < MAX_ENTRIES) {
		snprintf(c->entries[c->count][0], 256, "%s", section);
		snprintf(c->entries[c->count][1], 256, "%s", key);
		snprintf(c->entries[c->count][2], 256, "%s", value);
	}
	c->count++;
	if (c->stop_key && strcmp(key, c->stop_key) == 0)
		return c->stop_value;
	return 0;
}

/* Parses text (len bytes, may hold NULs) and collects entries. */
static int parse_bytes(const char *text, size_t len, struct collected *c)
{
	FILE *f;
	int r;

	f = fmemopen((void *) text, len, "r");
	if (!f)
		bail_out("fmemopen failed");
	r = ini_parse_stream(f, collect_cb, c);
	fclose(f);
	return r;
}

static int parse(const char *text, struct collected *c)
{
	memset(c, 0, sizeof(*c));
	return parse_bytes(text, strlen(text), c);
}

static void check_entry(const struct collected *c, int i, const char *section, const char *key,
			const char *value, const char *what)
{
	if (i >= c->count) {
		fail("%s: entry %d exists (only %d)", what, i, c->count);
		return;
	}
	is_str(c->entries[i][0], section, "%s: section", what);
	is_str(c->entries[i][1], key, "%s: key", what);
	is_str(c->entries[i][2], value, "%s: value", what);
}

int main(void)
{
	struct collected c;
	int r;

	r = parse("", &c);
	is_int(r, 0, "empty stream parses");
	is_int(c.count, 0, "empty stream has no entries");

	r = parse("[sessiond]\nverbose = 2\n[other]\nkey=value\n", &c);
	is_int(r, 0, "two sections parse");
	is_int(c.count, 2, "two entries");
	check_entry(&c, 0, "sessiond", "verbose", "2", "first section");
	check_entry(&c, 1, "other", "key", "value", "second section");

	r = parse("top = level\n[ spaced ]\n  k  =  v with spaces  \n", &c);
	is_int(r, 0, "entry before any section");
	check_entry(&c, 0, "", "top", "level", "no section yet");
	check_entry(&c, 1, "spaced", "k", "v with spaces", "trimmed section, key and value");

	r = parse("; comment\n# another\n   ; indented comment\n\n \t \nk=v\n", &c);
	is_int(r, 0, "comments and blank lines");
	is_int(c.count, 1, "comments produce no entries");
	check_entry(&c, 0, "", "k", "v", "entry after comments");

	r = parse("a = 1 ; inline\nb = 2 # inline too\nc = x;y\nd = x#y\n", &c);
	is_int(r, 0, "inline comments");
	check_entry(&c, 0, "", "a", "1", "';' after space starts a comment");
	check_entry(&c, 1, "", "b", "2", "'#' after space starts a comment");
	check_entry(&c, 2, "", "c", "x;y", "';' inside a word is kept");
	check_entry(&c, 3, "", "d", "x#y", "'#' inside a word is kept");

	r = parse("key: value\nurl = http://host:80/x\nother: a=b\n", &c);
	is_int(r, 0, "colon separator");
	check_entry(&c, 0, "", "key", "value", "key: value");
	check_entry(&c, 1, "", "url", "http://host:80/x", "first separator wins (=)");
	check_entry(&c, 2, "", "other", "a=b", "first separator wins (:)");

	r = parse("\xEF\xBB\xBF[sessiond]\nk=v\n", &c);
	is_int(r, 0, "UTF-8 BOM before a section");
	check_entry(&c, 0, "sessiond", "k", "v", "BOM skipped");

	r = parse("\xEF\xBB\xBFk=v\n", &c);
	is_int(r, 0, "UTF-8 BOM before a key");
	check_entry(&c, 0, "", "k", "v", "BOM not part of the key");

	r = parse("k=v\r\nk2 = v2\r\n", &c);
	is_int(r, 0, "CRLF line ends");
	check_entry(&c, 0, "", "k", "v", "CR trimmed");
	check_entry(&c, 1, "", "k2", "v2", "CR trimmed (2)");

	r = parse("empty =\nlast = x", &c);
	is_int(r, 0, "empty value, last line without newline");
	check_entry(&c, 0, "", "empty", "", "empty value");
	check_entry(&c, 1, "", "last", "x", "last line without newline");

	/* Malformed lines: the first one's number is returned, parsing goes on. */
	r = parse("[s]\na=1\nnovalue\nb=2\nalso bad\n", &c);
	is_int(r, 3, "line without separator: first bad line number");
	is_int(c.count, 2, "entries around the bad lines still delivered");
	check_entry(&c, 1, "s", "b", "2", "entry after a bad line");

	r = parse("[unclosed\nk=v\n", &c);
	is_int(r, 1, "unclosed section header");
	check_entry(&c, 0, "", "k", "v", "unclosed header does not change the section");

	{
		char text[512];

		snprintf(text, sizeof(text), "[%0128d]\nk=v\n", 0);
		r = parse(text, &c);
		is_int(r, 1, "128-character section name is malformed");
		snprintf(text, sizeof(text), "[%0127d]\nk=v\n", 0);
		r = parse(text, &c);
		is_int(r, 0, "127-character section name is fine");
		is_uint(strlen(c.entries[0][0]), 127, "long section name kept");
	}

	r = parse("=value\n", &c);
	is_int(r, 0, "empty key is passed on");
	check_entry(&c, 0, "", "", "value", "empty key");

	/* Embedded NUL: the line is cut at the NUL. */
	memset(&c, 0, sizeof(c));
	r = parse_bytes("k=v\0junk\nk2=v2\n", 15, &c);
	is_int(r, 0, "embedded NUL");
	check_entry(&c, 0, "", "k", "v", "value cut at NUL");
	check_entry(&c, 1, "", "k2", "v2", "next line fine");

	/* The callback stops the parse. */
	memset(&c, 0, sizeof(c));
	c.stop_key = "stop";
	c.stop_value = 42;
	r = parse_bytes("a=1\nstop=now\nb=2\n", strlen("a=1\nstop=now\nb=2\n"), &c);
	is_int(r, 42, "callback's non-zero value is returned");
	is_int(c.count, 2, "no entry after the stop");

	/* A line longer than the reader's buffer must not crash; its tail is a new line. */
	{
		size_t len = 3000;
		char *text = malloc(len + 16);

		if (!text)
			bail_out("oom");
		memcpy(text, "k=", 2);
		memset(text + 2, 'x', len - 2);
		strcpy(text + len, "\nz=1\n");
		r = parse(text, &c);
		ok(c.count >= 2, "overlong line parsed in pieces (%d entries)", c.count);
		ok(c.count >= 1 && strcmp(c.entries[c.count - 1][1], "z") == 0,
		   "entry after an overlong line still seen");
		free(text);
	}

	done_testing();
	return exit_status();
}
