/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Evaluating a parsed filter expression on one event (filter-expr.h) with the rules
 * of LTTng's bytecode interpreter (doc/protocol/filter.md): integers are 64-bit and
 * compare signed, shifts and bitwise operators work on their unsigned bits and
 * refuse a shift count outside 0..63, an integer meets a float as a float, strings
 * compare with strings only, a string literal's backslash makes the next character
 * literal and its unescaped '*' makes it a glob for == and !=. Anything else is an
 * error, and an error makes the whole expression false.
 */
#include <stdint.h>
#include <string.h>

#include "filter-internal.h"

struct eval {
	filter_load_fn load;
	void *env;
};

/* One character of a string, the literal's escapes undone; false at its end. */
static bool next_char(const struct filter_value *v, size_t *pos, unsigned char *c, bool *escaped)
{
	if (*pos >= v->len)
		return false;
	*escaped = false;
	if (v->literal && v->s[*pos] == '\\' && *pos + 1 < v->len) {
		(*pos)++;
		*escaped = true;
	}
	*c = (unsigned char) v->s[(*pos)++];
	return true;
}

static bool is_glob(const struct filter_value *v)
{
	size_t pos = 0;
	unsigned char c;
	bool escaped;

	if (!v->literal)
		return false;
	while (next_char(v, &pos, &c, &escaped))
		if (c == '*' && !escaped)
			return true;
	return false;
}

static int compare_strings(const struct filter_value *a, const struct filter_value *b)
{
	size_t pa = 0, pb = 0;

	for (;;) {
		unsigned char ca, cb;
		bool ea, eb;
		bool more_a = next_char(a, &pa, &ca, &ea), more_b = next_char(b, &pb, &cb, &eb);

		if (!more_a || !more_b)
			return more_a - more_b;
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
}

/* Whether subject matches the glob pattern: '*' any run, escaped characters
 * literal. Iterative, backtracking to the last star only. */
static bool glob_match(const struct filter_value *pattern, const struct filter_value *subject)
{
	size_t pp = 0, sp = 0, star_pp = SIZE_MAX, star_sp = 0;

	for (;;) {
		size_t pnext = pp, snext = sp;
		unsigned char pc = 0, sc = 0;
		bool pe = false, se;
		bool more_p = next_char(pattern, &pnext, &pc, &pe);
		bool more_s = next_char(subject, &snext, &sc, &se);

		if (more_p && pc == '*' && !pe) {
			pp = star_pp = pnext; /* the star takes nothing yet */
			star_sp = sp;
			continue;
		}
		if (!more_s)
			return !more_p;
		if (more_p && pc == sc) {
			pp = pnext;
			sp = snext;
			continue;
		}
		if (star_pp == SIZE_MAX)
			return false;
		/* The last star takes one more character of the subject. */
		next_char(subject, &star_sp, &sc, &se);
		pp = star_pp;
		sp = star_sp;
	}
}

static bool truth(const struct filter_value *v, bool *out)
{
	switch (v->type) {
	case FILTER_VALUE_INT:
		*out = v->i != 0;
		return true;
	case FILTER_VALUE_DOUBLE:
		*out = v->d != 0.0;
		return true;
	default:
		return false;
	}
}

static void set_int(struct filter_value *v, int64_t i)
{
	memset(v, 0, sizeof(*v));
	v->type = FILTER_VALUE_INT;
	v->i = i;
}

static bool eval_node(const struct eval *ev, const struct filter_node *n, struct filter_value *out);

static bool eval_compare(enum filter_op op, const struct filter_value *a,
			 const struct filter_value *b, struct filter_value *out)
{
	int c;

	if (a->type == FILTER_VALUE_STRING || b->type == FILTER_VALUE_STRING) {
		bool ga, gb;

		if (a->type != b->type)
			return false;
		ga = is_glob(a);
		gb = is_glob(b);
		if (ga || gb) {
			bool match;

			if ((ga && gb) || (op != FILTER_OP_EQ && op != FILTER_OP_NE))
				return false;
			match = ga ? glob_match(a, b) : glob_match(b, a);
			set_int(out, op == FILTER_OP_EQ ? match : !match);
			return true;
		}
		c = compare_strings(a, b);
	} else if (a->type == FILTER_VALUE_DOUBLE || b->type == FILTER_VALUE_DOUBLE) {
		double x = a->type == FILTER_VALUE_DOUBLE ? a->d : (double) a->i;
		double y = b->type == FILTER_VALUE_DOUBLE ? b->d : (double) b->i;

		c = x < y ? -1 : x > y ? 1 : 0;
		if (x != x || y != y) { /* NaN: only != holds */
			set_int(out, op == FILTER_OP_NE);
			return true;
		}
	} else {
		c = a->i < b->i ? -1 : a->i > b->i ? 1 : 0;
	}
	switch (op) {
	case FILTER_OP_LT:
		set_int(out, c < 0);
		break;
	case FILTER_OP_GT:
		set_int(out, c > 0);
		break;
	case FILTER_OP_LE:
		set_int(out, c <= 0);
		break;
	case FILTER_OP_GE:
		set_int(out, c >= 0);
		break;
	case FILTER_OP_EQ:
		set_int(out, c == 0);
		break;
	default: /* FILTER_OP_NE */
		set_int(out, c != 0);
		break;
	}
	return true;
}

static bool eval_bits(enum filter_op op, const struct filter_value *a, const struct filter_value *b,
		      struct filter_value *out)
{
	uint64_t x = (uint64_t) a->i, y = (uint64_t) b->i;

	if (a->type != FILTER_VALUE_INT || b->type != FILTER_VALUE_INT)
		return false;
	switch (op) {
	case FILTER_OP_LSHIFT:
	case FILTER_OP_RSHIFT:
		if (y >= 64)
			return false; /* LTTng: a shift count outside 0..63 is an error */
		set_int(out, (int64_t) (op == FILTER_OP_LSHIFT ? x << y : x >> y));
		return true;
	case FILTER_OP_BIT_AND:
		set_int(out, (int64_t) (x & y));
		return true;
	case FILTER_OP_BIT_OR:
		set_int(out, (int64_t) (x | y));
		return true;
	case FILTER_OP_BIT_XOR:
		set_int(out, (int64_t) (x ^ y));
		return true;
	default:
		return false;
	}
}

static bool eval_unary(const struct eval *ev, const struct filter_node *n, struct filter_value *out)
{
	struct filter_value v;

	if (!eval_node(ev, n->left, &v))
		return false;
	switch (n->op) {
	case FILTER_OP_PLUS:
		if (v.type == FILTER_VALUE_STRING)
			return false;
		*out = v;
		return true;
	case FILTER_OP_NEG:
		if (v.type == FILTER_VALUE_INT)
			set_int(out, (int64_t) (0 - (uint64_t) v.i));
		else if (v.type == FILTER_VALUE_DOUBLE)
			*out = v, out->d = -v.d;
		else
			return false;
		return true;
	case FILTER_OP_NOT: {
		bool t;

		if (!truth(&v, &t))
			return false;
		set_int(out, !t);
		return true;
	}
	case FILTER_OP_BIT_NOT:
		if (v.type != FILTER_VALUE_INT)
			return false;
		set_int(out, (int64_t) ~(uint64_t) v.i);
		return true;
	default:
		return false;
	}
}

static bool eval_binary(const struct eval *ev, const struct filter_node *n,
			struct filter_value *out)
{
	struct filter_value a, b;
	bool t;

	if (!eval_node(ev, n->left, &a))
		return false;
	if (n->op == FILTER_OP_AND || n->op == FILTER_OP_OR) {
		/* Short-circuit: the right side is not evaluated when the left decides. */
		if (!truth(&a, &t))
			return false;
		if (t == (n->op == FILTER_OP_OR)) {
			set_int(out, t);
			return true;
		}
		if (!eval_node(ev, n->right, &b) || !truth(&b, &t))
			return false;
		set_int(out, t);
		return true;
	}
	if (!eval_node(ev, n->right, &b))
		return false;
	switch (n->op) {
	case FILTER_OP_LT:
	case FILTER_OP_GT:
	case FILTER_OP_LE:
	case FILTER_OP_GE:
	case FILTER_OP_EQ:
	case FILTER_OP_NE:
		return eval_compare(n->op, &a, &b, out);
	case FILTER_OP_LSHIFT:
	case FILTER_OP_RSHIFT:
	case FILTER_OP_BIT_AND:
	case FILTER_OP_BIT_OR:
	case FILTER_OP_BIT_XOR:
		return eval_bits(n->op, &a, &b, out);
	default:
		return false; /* * / % + -: LTTng's interpreter has none */
	}
}

static bool eval_node(const struct eval *ev, const struct filter_node *n, struct filter_value *out)
{
	switch (n->kind) {
	case FILTER_NODE_INT:
		set_int(out, (int64_t) n->ival);
		return true;
	case FILTER_NODE_FLOAT:
		memset(out, 0, sizeof(*out));
		out->type = FILTER_VALUE_DOUBLE;
		out->d = n->fval;
		return true;
	case FILTER_NODE_STRING:
		memset(out, 0, sizeof(*out));
		out->type = FILTER_VALUE_STRING;
		out->s = n->text;
		out->len = n->text_len;
		out->literal = true;
		return true;
	case FILTER_NODE_REF: {
		struct filter_value index = { .type = FILTER_VALUE_INT };

		if (n->left && (!eval_node(ev, n->left, &index) || index.type != FILTER_VALUE_INT))
			return false;
		memset(out, 0, sizeof(*out));
		return ev->load(ev->env, (unsigned) n->slot, n->left != NULL, index.i, out);
	}
	case FILTER_NODE_UNARY:
		return eval_unary(ev, n, out);
	case FILTER_NODE_BINARY:
		return eval_binary(ev, n, out);
	}
	return false;
}

bool filter_expr_eval(const struct filter_expr *e, filter_load_fn load, void *env)
{
	const struct eval ev = { load, env };
	struct filter_value v;

	return eval_node(&ev, e->root, &v) && v.type == FILTER_VALUE_INT && v.i != 0;
}
