/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: filter_expr_parse and filter_expr_eval (src/common/filter-*.c), the
 * LTTng filter expressions a client sends with a kernel event rule and that the
 * kernel consumer evaluates on every record.
 *
 * Input: the expression's bytes. What parses is evaluated on an event whose
 * references load, by slot, an integer, a float, a string, nothing (a refused
 * load) or, when indexed, the index itself. Checked: every reference has a name and
 * one scope, indexed references are flagged as such, and evaluation is
 * deterministic (twice the same answer).
 */
#include <string.h>

#include "filter-expr.h"
#include "fuzz.h"

static bool load(void *env, unsigned slot, bool indexed, int64_t index, struct filter_value *out)
{
	const struct filter_expr *e = env;
	const struct filter_ref *ref = filter_expr_ref(e, slot);

	FUZZ_CHECK(ref != NULL);
	FUZZ_CHECK(indexed == ref->indexed);
	switch (slot % 5) {
	case 0:
		out->type = FILTER_VALUE_INT;
		out->i = indexed ? index : (int64_t) slot - 2;
		return true;
	case 1:
		out->type = FILTER_VALUE_DOUBLE;
		out->d = 0.5 * slot;
		return true;
	case 2:
		out->type = FILTER_VALUE_STRING;
		out->s = ref->name;
		out->len = strlen(ref->name);
		return true;
	case 3:
		out->type = FILTER_VALUE_STRING;
		out->s = "a*b\\";
		out->len = 4;
		return true;
	default:
		return false;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_expr *e;
	size_t err_at;

	if (filter_expr_parse((const char *) data, size, &e, &err_at) < 0) {
		FUZZ_CHECK(err_at <= size);
		return 0;
	}
	for (unsigned i = 0; i < filter_expr_ref_count(e); i++) {
		const struct filter_ref *ref = filter_expr_ref(e, i);

		FUZZ_CHECK(ref->name && ref->name[0]);
		FUZZ_CHECK(ref->scope <= FILTER_REF_OTHER);
	}
	FUZZ_CHECK(filter_expr_ref(e, filter_expr_ref_count(e)) == NULL);
	FUZZ_CHECK(filter_expr_eval(e, load, e) == filter_expr_eval(e, load, e));
	filter_expr_free(e);
	return 0;
}
