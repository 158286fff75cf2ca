/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng's filter language (the expression `lttng enable-event --filter` sends with
 * its bytecode): parsed into a tree (filter-parse.c) and evaluated on one event
 * (filter-eval.c) with the bytecode interpreter's rules, for the kernel domain,
 * where the consumer evaluates what ftrace's own filters cannot
 * (doc/protocol/filter.md has the grammar, the types and where each rule is
 * checked in LTTng's sources).
 *
 * Names in an expression (an event field, `$ctx.NAME`, `$app.NAME`, with `.`/`->`
 * members and `[index]` brackets) are "references": numbered slots the caller binds
 * to its own values, once per event class, and loads when evaluating.
 */
#ifndef COMMON_FILTER_EXPR_H
#define COMMON_FILTER_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest expression accepted (LTTng's LTTNG_FILTER_MAX_LEN, a NUL included). */
#define FILTER_EXPR_MAX_LEN 65536u
/* Deepest tree accepted (a chain of 999 `||` is one; bounds the recursion of the
 * evaluator), and deepest nesting of parentheses and unary operators (bounds the
 * parser's). */
#define FILTER_EXPR_MAX_DEPTH 1000u
#define FILTER_EXPR_MAX_NESTING 100u

enum filter_op {
	/* unary */
	FILTER_OP_NEG,
	FILTER_OP_PLUS,
	FILTER_OP_NOT,
	FILTER_OP_BIT_NOT,
	/* binary, lowest precedence last */
	FILTER_OP_MUL,
	FILTER_OP_DIV,
	FILTER_OP_MOD,
	FILTER_OP_ADD,
	FILTER_OP_SUB,
	FILTER_OP_LSHIFT,
	FILTER_OP_RSHIFT,
	FILTER_OP_BIT_AND,
	FILTER_OP_BIT_XOR,
	FILTER_OP_BIT_OR,
	FILTER_OP_LT,
	FILTER_OP_GT,
	FILTER_OP_LE,
	FILTER_OP_GE,
	FILTER_OP_EQ,
	FILTER_OP_NE,
	FILTER_OP_AND,
	FILTER_OP_OR,
};

enum filter_ref_scope {
	FILTER_REF_FIELD,   /* a field of the event's payload */
	FILTER_REF_CONTEXT, /* $ctx.NAME */
	FILTER_REF_APP,	    /* $app.NAME (user space's application contexts) */
	FILTER_REF_OTHER,   /* another $NAME: nothing binds it */
};

/* A name in the expression, as the caller binds it. */
struct filter_ref {
	enum filter_ref_scope scope;
	char *name;	   /* the field or context name ("$ctx." removed) */
	bool nested;	   /* more members follow (a.b, a->b, $ctx.x.y) */
	bool indexed;	   /* followed by one [index] */
	bool multi_index;  /* followed by more than one [index] */
};

struct filter_expr;

/*
 * Parses text (len bytes, no NUL needed). 0, -EINVAL (not an expression of the
 * language: *err_at is the byte offset where it stopped), -E2BIG (longer than
 * FILTER_EXPR_MAX_LEN, deeper than FILTER_EXPR_MAX_DEPTH or nested
 * deeper than FILTER_EXPR_MAX_NESTING), -ENOMEM.
 */
int filter_expr_parse(const char *text, size_t len, struct filter_expr **ret, size_t *err_at);
void filter_expr_free(struct filter_expr *e);

/* Whether it uses * / % or binary + - (LTTng's CLI refuses them: "unsupported"). */
bool filter_expr_has_arithmetic(const struct filter_expr *e);
unsigned filter_expr_ref_count(const struct filter_expr *e);
const struct filter_ref *filter_expr_ref(const struct filter_expr *e, unsigned slot);

/* A value during evaluation. Strings are not NUL-terminated. */
enum filter_value_type { FILTER_VALUE_INT, FILTER_VALUE_DOUBLE, FILTER_VALUE_STRING };
struct filter_value {
	enum filter_value_type type;
	int64_t i;
	double d;
	const char *s;
	size_t len;
	bool literal; /* a string literal: backslash escapes, maybe a star glob */
};

/*
 * Loads reference `slot` for the event being evaluated; `index` is the bracket's
 * value when the reference is indexed. false: no value (an index out of bounds, a
 * missing value): the expression is then false, as in LTTng's interpreter.
 */
typedef bool (*filter_load_fn)(void *env, unsigned slot, bool indexed, int64_t index,
			       struct filter_value *out);

/* Whether the event passes: the expression's integer value is not 0. An error (a
 * type mismatch, a shift out of range, arithmetic, a load refused) is false. */
bool filter_expr_eval(const struct filter_expr *e, filter_load_fn load, void *env);

#endif
