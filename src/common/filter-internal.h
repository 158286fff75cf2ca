/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parsed form of a filter expression, shared by its parser (filter-parse.c)
 * and its evaluator (filter-eval.c) only.
 */
#ifndef COMMON_FILTER_INTERNAL_H
#define COMMON_FILTER_INTERNAL_H

#include "filter-expr.h"

enum filter_node_kind {
	FILTER_NODE_INT,
	FILTER_NODE_FLOAT,
	FILTER_NODE_STRING,
	FILTER_NODE_REF,
	FILTER_NODE_UNARY,
	FILTER_NODE_BINARY,
};

struct filter_node {
	enum filter_node_kind kind;
	enum filter_op op;		/* UNARY, BINARY */
	uint64_t ival;			/* INT */
	double fval;			/* FLOAT */
	char *text;			/* STRING: as written, escapes kept */
	size_t text_len;
	int slot;			/* REF: its reference */
	struct filter_node *left, *right; /* UNARY: left; REF: its index, if any */
	unsigned depth;			/* of the subtree */
};

struct filter_expr {
	struct filter_node *root;
	struct filter_ref *refs;
	unsigned nrefs, cap_refs;
	bool arithmetic;
};

void filter_node_free(struct filter_node *n);

#endif
