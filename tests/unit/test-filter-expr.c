/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng filter expressions (src/common/filter-expr.h): what parses and what does
 * not, the references an expression names, and the value of expressions on a
 * made-up event whose fields mirror those of lttng-tools' filtering tests
 * (tests/regression/tools/filtering/test_valid_filter: intfield = 1, longfield = 42,
 * stringfield = "test", arrfield1 = {1, 2, 3}, seqfield4 = {1, 2, 3, 4}, str =
 * "hypothecary"), and $ctx.procname = "filter-app", $ctx.vtid = 7.
 */
#include <errno.h>
#include <string.h>

#include "filter-expr.h"
#include "tap.h"

struct event {
	const struct filter_expr *e;
};

static bool load(void *env, unsigned slot, bool indexed, int64_t index, struct filter_value *out)
{
	static const int64_t arr[] = { 1, 2, 3 }, seq[] = { 1, 2, 3, 4 };
	const struct filter_ref *ref = filter_expr_ref(((struct event *) env)->e, slot);
	const char *n = ref->name;

	if (ref->nested || ref->multi_index)
		return false;
	if (ref->scope == FILTER_REF_CONTEXT) {
		if (indexed)
			return false;
		if (strcmp(n, "procname") == 0) {
			out->type = FILTER_VALUE_STRING;
			out->s = "filter-app";
			out->len = strlen(out->s);
			return true;
		}
		if (strcmp(n, "vtid") == 0) {
			out->type = FILTER_VALUE_INT;
			out->i = 7;
			return true;
		}
		return false;
	}
	if (ref->scope != FILTER_REF_FIELD)
		return false;
	if (strcmp(n, "arrfield1") == 0 || strcmp(n, "seqfield4") == 0) {
		const int64_t *v = n[0] == 'a' ? arr : seq;
		int64_t count = n[0] == 'a' ? 3 : 4;

		if (!indexed || index < 0 || index >= count)
			return false;
		out->type = FILTER_VALUE_INT;
		out->i = v[index];
		return true;
	}
	if (indexed)
		return false;
	out->type = FILTER_VALUE_INT;
	if (strcmp(n, "intfield") == 0) {
		out->i = 1;
	} else if (strcmp(n, "longfield") == 0) {
		out->i = 42;
	} else if (strcmp(n, "stringfield") == 0 || strcmp(n, "str") == 0) {
		out->type = FILTER_VALUE_STRING;
		out->s = n[1] == 't' && n[2] == 'r' && !n[3] ? "hypothecary" : "test";
		out->len = strlen(out->s);
	} else if (strcmp(n, "stringfield2") == 0) {
		out->type = FILTER_VALUE_STRING;
		out->s = "\\*"; /* the two characters \ and * */
		out->len = 2;
	} else {
		return false;
	}
	return true;
}

/* 1: true, 0: false, -1: does not parse. */
static int value_of(const char *text)
{
	struct filter_expr *e;
	struct event ev;
	bool r;

	if (filter_expr_parse(text, strlen(text), &e, NULL) < 0)
		return -1;
	ev.e = e;
	r = filter_expr_eval(e, load, &ev);
	filter_expr_free(e);
	return r;
}

static const char *const true_statements[] = {
	"intfield", "intfield > 1 || 1", "intfield >= 1", "intfield < 2", "intfield <= 2",
	"intfield == 1", "intfield != 99", "!!intfield", "-intfield == -1", "--intfield",
	"+intfield", "++intfield", "intfield >= 1 && longfield > 41", "intfield < 1 || longfield > 41",
	"(stringfield == \"test\" || intfield != 10) && intfield < 33", "intfield < 42.4242424242",
	"\"test\" == \"test\"", "stringfield == \"test\"", "stringfield == \"t*\"",
	"stringfield == \"*\"", "1&1", "0|1", "0^1", "seqfield4[1]==2", "arrfield1[1]==2",
	"1 | (1 | (1 | 1))", "1 >= (1 >= (1 >= 1))", "(0x101 & 0x100) == 0x100",
	"(0x101 | 0x10100) == 0x10101", "(0xF00F0F ^ 0xFF0F00) == 0x0F000F", "(1 << 1) == 2",
	"(4 >> 1) == 2", "(1 << 8) == 256", "(262144 >> 16) == 4", "(~0 & 0xffff) == 0xffff",
	"(~0 & 0xffffffff) == 0xffffffff", "(~0 & 0xffffffffffffffff) == 0xffffffffffffffff",
	"-1==~0", "~0>>4==0x0fffffffffffffff", "(1<<63) < 0", "(1<<2!=4)==0", "1&3==1",
	"(3|1==3)==1", "(2^1==3)==1", "(1 << 32) == 4294967296", "(1 << 63) == 9223372036854775808",
	"(arrfield1[2] & 1) == 1", "(arrfield1[2] | 0x111000) == 0x111003",
	"(arrfield1[0] | arrfield1[1] | arrfield1[2]) == 0x3", "(seqfield4[2] & 1) == 1",
	"(seqfield4[2] | 0x111000) == 0x111003", "intfield < 0xDEADBEEF", "intfield < 0x2",
	"intfield < 02", "stringfield2 == \"\\\\\\*\"", "1.0 || intfield || 1.0", "1 < longfield",
	"$ctx.vtid != 0", "0 != $ctx.vtid", "$ctx.procname == \"filter-app\"",
	"\"filter-app\" == $ctx.procname", "$ctx.procname == \"filter*\"",
	"\"filter*\" == $ctx.procname", "$ctx.procname != \"x*\"", "$ctx.procname == \"*\"",
	"intfield == 1 /* a comment */", "1ul == 1", "010 == 8", "1e2 == 100", ".5 < 1",
	"'test' == stringfield", "L\"test\" == stringfield", "stringfield < \"tesu\"",
	"stringfield > \"tes\"", "str == \"hypo*\"", "str == \"*cary\"", "str == \"*the*\"",
	"str == \"**\"", "str != \"*zulu*\"", "str == \"*po*siz*\" || str == \"*po***cary\"",
	"str != \"de\\*al\"",
};

static const char *const false_statements[] = {
	"intfield > 1", "!intfield", "1<<-1", "1<<10000", "1 >> 64", "$ctx.procname == \"*x\"",
	"!a.f.d", "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", "$ctx.vtid.blah == 0",
	"asdf.asdfsd.sadf < 4", "0 == $ctx.vtid.blah", "arrfield1 != \"dontmatch\"",
	"stringfield == 1", "1 == stringfield", "stringfield", "!stringfield", "-stringfield",
	"~1.0 == 0", "1.0 & 1", "intfield + 1 == 2", "intfield * 1", "arrfield1[3] == 0",
	"arrfield1[-1] == 0", "arrfield1[0][0] == 1", "intfield[0] == 1", "$ctx.nosuch == 0",
	"$app.myprovider:ctx == 1", "stringfield < \"t*\"", "\"*\" == \"*\"", "1.0",
	"str == \"*po*\\**siz*\"", "str == \"de\\*al\"", "str == \"8*\"", "str == \"*8\"",
	"stringfield[\"a\"] == 1", "0 && (1 << 64)",
};

static const char *const unparsable[] = {
	"", "intfield ==", "(intfield", "intfield)", "\"unterminated", "08 == 8", "0x == 0",
	"1 === 1", "intfield = 1", "$ctx", "$ctx.", "a.", "a[1", "@", "1 2", "1.2.3 == 1",
	"a ? b : c", "a[]",
};

static void test_refs(void)
{
	struct filter_expr *e;
	const char *text = "$ctx.procname == \"x\" && a.b[1] == 2 && seq[3] > $app.p:c && $foo.x";
	const struct filter_ref *r;

	is_int(filter_expr_parse(text, strlen(text), &e, NULL), 0, "references: parses");
	is_uint(filter_expr_ref_count(e), 5, "references: five slots");
	r = filter_expr_ref(e, 0);
	ok(r->scope == FILTER_REF_CONTEXT && strcmp(r->name, "procname") == 0 && !r->nested &&
		   !r->indexed,
	   "references: $ctx.procname");
	r = filter_expr_ref(e, 1);
	ok(r->scope == FILTER_REF_FIELD && strcmp(r->name, "a") == 0 && r->nested,
	   "references: a.b[1] is nested");
	r = filter_expr_ref(e, 2);
	ok(r->scope == FILTER_REF_FIELD && strcmp(r->name, "seq") == 0 && r->indexed &&
		   !r->multi_index && !r->nested,
	   "references: seq[3] is indexed once");
	r = filter_expr_ref(e, 3);
	ok(r->scope == FILTER_REF_APP && strcmp(r->name, "p:c") == 0, "references: $app.p:c");
	r = filter_expr_ref(e, 4);
	ok(r->scope == FILTER_REF_OTHER && strcmp(r->name, "$foo") == 0 && r->nested,
	   "references: $foo.x");
	ok(filter_expr_ref(e, 5) == NULL, "references: no sixth");
	ok(!filter_expr_has_arithmetic(e), "references: no arithmetic");
	filter_expr_free(e);
	/* References inside an index grow the reference table while the outer one is
	 * parsed (the fuzz target's regress-nested-index-refs). */
	text = "s0[s1[s2[s3[s4[s5[s6[s7[s8[1]]]]]]]]] == $ctx.x.y[z[w]]";
	is_int(filter_expr_parse(text, strlen(text), &e, NULL), 0, "nested indexes parse");
	is_uint(filter_expr_ref_count(e), 12, "nested indexes: twelve references");
	ok(filter_expr_ref(e, 0)->indexed && strcmp(filter_expr_ref(e, 0)->name, "s0") == 0 &&
		   filter_expr_ref(e, 9)->scope == FILTER_REF_CONTEXT &&
		   filter_expr_ref(e, 9)->nested && filter_expr_ref(e, 9)->multi_index,
	   "nested indexes: the outer references keep their flags");
	filter_expr_free(e);
	is_int(filter_expr_parse("a + 1", 5, &e, NULL), 0, "arithmetic parses");
	ok(filter_expr_has_arithmetic(e), "arithmetic: reported");
	filter_expr_free(e);
	is_int(filter_expr_parse("a - -1", 6, &e, NULL), 0, "binary minus parses");
	ok(filter_expr_has_arithmetic(e), "binary minus: reported (unary is not)");
	filter_expr_free(e);
}

static void test_bounds(void)
{
	static char text[FILTER_EXPR_MAX_LEN + 16];
	struct filter_expr *e;
	size_t n = 0, err_at;

	/* A long chain of || within the depth bound, one beyond it. */
	for (unsigned i = 0; i < FILTER_EXPR_MAX_DEPTH - 1; i++)
		n += (size_t) sprintf(text + n, "%sa==%u", i ? "||" : "", i);
	is_int(filter_expr_parse(text, n, &e, NULL), 0, "a chain of %u || parses",
	       FILTER_EXPR_MAX_DEPTH - 2);
	filter_expr_free(e);
	n += (size_t) sprintf(text + n, "||a==1||a==2");
	is_int(filter_expr_parse(text, n, &e, NULL), -E2BIG, "a deeper chain: E2BIG");
	/* Nesting. */
	n = 0;
	for (unsigned i = 0; i < 5000; i++)
		text[n++] = '(';
	text[n++] = '1';
	is_int(filter_expr_parse(text, n, &e, NULL), -E2BIG, "5000 parentheses: E2BIG");
	n = 0;
	for (unsigned i = 0; i < 5000; i++)
		text[n++] = '!';
	text[n++] = '1';
	is_int(filter_expr_parse(text, n, &e, NULL), -E2BIG, "5000 unary operators: E2BIG");
	memset(text, ' ', FILTER_EXPR_MAX_LEN);
	text[0] = '1';
	is_int(filter_expr_parse(text, FILTER_EXPR_MAX_LEN, &e, NULL), -E2BIG,
	       "a text of FILTER_EXPR_MAX_LEN bytes: E2BIG");
	is_int(filter_expr_parse("1\0 == 1", 7, &e, NULL), -EINVAL, "an inner NUL: EINVAL");
	is_int(filter_expr_parse("1 == 1\0", 7, &e, NULL), 0, "a trailing NUL is not part of it");
	filter_expr_free(e);
	is_int(filter_expr_parse("a == @", 6, &e, &err_at), -EINVAL, "a bad character: EINVAL");
	is_uint(err_at, 5, "the error is where it stopped");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(true_statements) / sizeof(true_statements[0]); i++)
		is_int(value_of(true_statements[i]), 1, "true: %s", true_statements[i]);
	for (size_t i = 0; i < sizeof(false_statements) / sizeof(false_statements[0]); i++)
		is_int(value_of(false_statements[i]), 0, "false: %s", false_statements[i]);
	for (size_t i = 0; i < sizeof(unparsable) / sizeof(unparsable[0]); i++)
		is_int(value_of(unparsable[i]), -1, "does not parse: %s", unparsable[i]);
	test_refs();
	test_bounds();
	done_testing();
	return exit_status();
}
