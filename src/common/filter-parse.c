/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing LTTng filter expressions (filter-expr.h): a tokenizer with the lexer's
 * token classes and a recursive-descent parser with the grammar's precedence
 * levels (doc/protocol/filter.md). Unlike C, the bitwise operators bind tighter
 * than the relational ones.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter-internal.h"

enum tok {
	T_END,
	T_INT,
	T_FLOAT,
	T_STRING,
	T_IDENT,	/* name */
	T_GLOBAL,	/* $name */
	T_OP,		/* an operator: `op` */
	T_LPAREN,
	T_RPAREN,
	T_LBRACKET,
	T_RBRACKET,
	T_DOT,
	T_ARROW,
	T_BAD,
};

struct parser {
	const char *text, *end, *p;
	/* The current token. */
	enum tok tok;
	enum filter_op op;
	bool unary_capable; /* + - ! ~ */
	const char *start;
	size_t len;
	uint64_t ival;
	double fval;
	unsigned depth;
	int error; /* first error: -EINVAL, -E2BIG, -ENOMEM */
	struct filter_expr *expr;
};

static const struct {
	const char *text;
	enum filter_op op;
} operators[] = {
	/* longest first */
	{ "<<", FILTER_OP_LSHIFT }, { ">>", FILTER_OP_RSHIFT }, { "<=", FILTER_OP_LE },
	{ ">=", FILTER_OP_GE },	    { "==", FILTER_OP_EQ },	{ "!=", FILTER_OP_NE },
	{ "&&", FILTER_OP_AND },    { "||", FILTER_OP_OR },	{ "<", FILTER_OP_LT },
	{ ">", FILTER_OP_GT },	    { "&", FILTER_OP_BIT_AND }, { "|", FILTER_OP_BIT_OR },
	{ "^", FILTER_OP_BIT_XOR }, { "*", FILTER_OP_MUL },	{ "/", FILTER_OP_DIV },
	{ "%", FILTER_OP_MOD },	    { "+", FILTER_OP_ADD },	{ "-", FILTER_OP_SUB },
	{ "!", FILTER_OP_NOT },	    { "~", FILTER_OP_BIT_NOT },
};

static bool is_name_start(char c)
{
	return isalpha((unsigned char) c) || c == '_' || c == ':';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || isdigit((unsigned char) c);
}

static void skip_space_and_comments(struct parser *ps)
{
	for (;;) {
		while (ps->p < ps->end && isspace((unsigned char) *ps->p))
			ps->p++;
		if (ps->end - ps->p >= 2 && ps->p[0] == '/' && ps->p[1] == '*') {
			const char *q = ps->p + 2;

			while (ps->end - q >= 2 && !(q[0] == '*' && q[1] == '/'))
				q++;
			ps->p = ps->end - q >= 2 ? q + 2 : ps->end;
			continue;
		}
		if (ps->end - ps->p >= 2 && ps->p[0] == '/' && ps->p[1] == '/') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			continue;
		}
		return;
	}
}

/* A number: the lexer's decimal, octal and hexadecimal integers (with u/l suffixes)
 * and C floats. */
static enum tok lex_number(struct parser *ps)
{
	const char *s = ps->p, *e = s;
	bool hex = ps->end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	bool is_float = false;
	char buf[128];
	size_t n;
	char *stop;

	if (hex)
		e += 2;
	while (e < ps->end) {
		char c = *e;

		if (isxdigit((unsigned char) c) && (hex || isdigit((unsigned char) c))) {
			e++;
		} else if (c == '.') {
			is_float = true;
			e++;
		} else if ((!hex && (c == 'e' || c == 'E')) || (hex && (c == 'p' || c == 'P'))) {
			is_float = true;
			e++;
			if (e < ps->end && (*e == '+' || *e == '-'))
				e++;
		} else {
			break;
		}
	}
	n = (size_t) (e - s);
	if (n >= sizeof(buf))
		return T_BAD;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (is_float) {
		errno = 0;
		ps->fval = strtod(buf, &stop);
		if (*stop || errno)
			return T_BAD;
		if (e < ps->end && strchr("fFlL", *e))
			e++;
		ps->p = e;
		return T_FLOAT;
	}
	if (!hex && buf[0] == '0') {
		for (size_t i = 1; i < n; i++)
			if (buf[i] > '7')
				return T_BAD;
	}
	if (hex && n == 2)
		return T_BAD;
	errno = 0;
	ps->ival = strtoull(buf, &stop, hex ? 16 : buf[0] == '0' ? 8 : 10);
	if (*stop || errno)
		return T_BAD;
	/* Integer suffixes: u, l, ll, in either order. */
	while (e < ps->end && strchr("uUlL", *e))
		e++;
	if (e < ps->end && is_name_char(*e))
		return T_BAD;
	ps->p = e;
	return T_INT;
}

/* A string or character literal: its text is kept as written (escapes included),
 * as LTTng's parser keeps it. */
static enum tok lex_string(struct parser *ps)
{
	char quote = *ps->p;
	const char *q = ps->p + 1;

	while (q < ps->end && *q != quote) {
		if (*q == '\\' && q + 1 < ps->end)
			q++;
		q++;
	}
	if (q >= ps->end)
		return T_BAD;
	ps->start = ps->p + 1;
	ps->len = (size_t) (q - ps->start);
	ps->p = q + 1;
	return T_STRING;
}

static void next(struct parser *ps)
{
	skip_space_and_comments(ps);
	ps->start = ps->p;
	ps->len = 0;
	if (ps->p >= ps->end) {
		ps->tok = T_END;
		return;
	}
	if (*ps->p == 'L' && ps->end - ps->p >= 2 && (ps->p[1] == '"' || ps->p[1] == '\''))
		ps->p++; /* a wide literal: the same text */
	if (*ps->p == '"' || *ps->p == '\'') {
		ps->tok = lex_string(ps);
		return;
	}
	if (isdigit((unsigned char) *ps->p) ||
	    (*ps->p == '.' && ps->end - ps->p >= 2 && isdigit((unsigned char) ps->p[1]))) {
		ps->tok = lex_number(ps);
		ps->len = (size_t) (ps->p - ps->start);
		return;
	}
	if (is_name_start(*ps->p) || (*ps->p == '$' && ps->end - ps->p >= 2 &&
				       is_name_start(ps->p[1]))) {
		bool global = *ps->p == '$';
		const char *q = ps->p + 1;

		while (q < ps->end && is_name_char(*q))
			q++;
		ps->tok = global ? T_GLOBAL : T_IDENT;
		ps->len = (size_t) (q - ps->p);
		ps->p = q;
		return;
	}
	ps->len = 1;
	switch (*ps->p) {
	case '(':
		ps->tok = T_LPAREN;
		break;
	case ')':
		ps->tok = T_RPAREN;
		break;
	case '[':
		ps->tok = T_LBRACKET;
		break;
	case ']':
		ps->tok = T_RBRACKET;
		break;
	case '.':
		ps->tok = T_DOT;
		break;
	default:
		if (ps->end - ps->p >= 2 && ps->p[0] == '-' && ps->p[1] == '>') {
			ps->tok = T_ARROW;
			ps->len = 2;
			break;
		}
		ps->tok = T_BAD;
		for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
			size_t n = strlen(operators[i].text);

			if ((size_t) (ps->end - ps->p) >= n && memcmp(ps->p, operators[i].text, n) == 0) {
				ps->tok = T_OP;
				ps->op = operators[i].op;
				ps->len = n;
				break;
			}
		}
		break;
	}
	ps->p += ps->len;
}

static struct filter_node *fail(struct parser *ps, int error)
{
	if (!ps->error)
		ps->error = error;
	return NULL;
}

static struct filter_node *new_node(struct parser *ps, enum filter_node_kind kind)
{
	struct filter_node *n = calloc(1, sizeof(*n));

	if (!n)
		return fail(ps, -ENOMEM);
	n->kind = kind;
	n->slot = -1;
	return n;
}

/* Sets n's depth from its children's; NULL (n freed) when the tree grows deeper than
 * FILTER_EXPR_MAX_DEPTH: evaluation and freeing recurse that deep. */
static struct filter_node *finish(struct parser *ps, struct filter_node *n)
{
	unsigned l = n->left ? n->left->depth : 0, r = n->right ? n->right->depth : 0;

	n->depth = 1 + (l > r ? l : r);
	if (n->depth > FILTER_EXPR_MAX_DEPTH) {
		filter_node_free(n);
		return fail(ps, -E2BIG);
	}
	return n;
}

static struct filter_node *parse_binary(struct parser *ps, int level);
static struct filter_node *parse_unary(struct parser *ps);

/* A reference: parts NAME or $NAME joined by . or ->, each with [index] brackets.
 * What binding needs is kept: the scope, the name ($ctx.NAME: the second part),
 * whether members follow it, and its one index. */
static struct filter_node *parse_reference(struct parser *ps)
{
	struct filter_expr *x = ps->expr;
	struct filter_ref *ref;
	struct filter_node *n = new_node(ps, FILTER_NODE_REF);
	unsigned parts = 0, name_part, brackets = 0, brackets_elsewhere = 0;

	if (!n)
		return NULL;
	if (x->nrefs == x->cap_refs) {
		unsigned cap = x->cap_refs ? x->cap_refs * 2 : 8;
		struct filter_ref *grown = realloc(x->refs, cap * sizeof(*grown));

		if (!grown) {
			free(n);
			return fail(ps, -ENOMEM);
		}
		x->refs = grown;
		x->cap_refs = cap;
	}
	ref = &x->refs[x->nrefs];
	memset(ref, 0, sizeof(*ref));
	n->slot = (int) x->nrefs++;
	ref->scope = FILTER_REF_FIELD;
	if (ps->tok == T_GLOBAL) {
		if (ps->len == 4 && memcmp(ps->start, "$ctx", 4) == 0)
			ref->scope = FILTER_REF_CONTEXT;
		else if (ps->len == 4 && memcmp(ps->start, "$app", 4) == 0)
			ref->scope = FILTER_REF_APP;
		else
			ref->scope = FILTER_REF_OTHER;
	}
	/* $ctx.NAME and $app.NAME are named by their second part. */
	name_part = ref->scope == FILTER_REF_CONTEXT || ref->scope == FILTER_REF_APP ? 1 : 0;
	for (;;) {
		if (ps->tok != T_IDENT && ps->tok != T_GLOBAL) {
			filter_node_free(n);
			return fail(ps, -EINVAL);
		}
		if (parts == name_part) {
			ref->name = strndup(ps->start, ps->len);
			if (!ref->name) {
				filter_node_free(n);
				return fail(ps, -ENOMEM);
			}
		} else if (parts > name_part) {
			ref->nested = true;
		}
		parts++;
		next(ps);
		while (ps->tok == T_LBRACKET) {
			struct filter_node *index;

			next(ps);
			index = parse_unary(ps);
			/* The index may hold references: refs may have moved. */
			ref = &x->refs[n->slot];
			if (!index) {
				filter_node_free(n);
				return NULL;
			}
			if (ps->tok != T_RBRACKET) {
				filter_node_free(index);
				filter_node_free(n);
				return fail(ps, -EINVAL);
			}
			next(ps);
			if (parts - 1 == name_part && !n->left)
				n->left = index;
			else
				filter_node_free(index);
			if (parts - 1 == name_part)
				brackets++;
			else
				brackets_elsewhere++;
		}
		if (ps->tok != T_DOT && ps->tok != T_ARROW)
			break;
		next(ps);
	}
	if (!ref->name) { /* $ctx or $app with no name after it */
		filter_node_free(n);
		return fail(ps, -EINVAL);
	}
	ref->indexed = brackets > 0;
	ref->multi_index = brackets > 1 || brackets_elsewhere > 0 || (brackets && ref->nested);
	return finish(ps, n);
}

static struct filter_node *parse_primary(struct parser *ps)
{
	struct filter_node *n;

	switch (ps->tok) {
	case T_INT:
		n = new_node(ps, FILTER_NODE_INT);
		if (n)
			n->ival = ps->ival;
		next(ps);
		return n;
	case T_FLOAT:
		n = new_node(ps, FILTER_NODE_FLOAT);
		if (n)
			n->fval = ps->fval;
		next(ps);
		return n;
	case T_STRING:
		n = new_node(ps, FILTER_NODE_STRING);
		if (n && !(n->text = strndup(ps->start, ps->len))) {
			free(n);
			return fail(ps, -ENOMEM);
		}
		if (n)
			n->text_len = ps->len;
		next(ps);
		return n;
	case T_IDENT:
	case T_GLOBAL:
		return parse_reference(ps);
	case T_LPAREN:
		next(ps);
		n = parse_binary(ps, 0);
		if (!n)
			return NULL;
		if (ps->tok != T_RPAREN) {
			filter_node_free(n);
			return fail(ps, -EINVAL);
		}
		next(ps);
		return n;
	default:
		return fail(ps, -EINVAL);
	}
}

static struct filter_node *parse_unary(struct parser *ps)
{
	struct filter_node *n, *child;
	enum filter_op op;

	if (++ps->depth > FILTER_EXPR_MAX_NESTING)
		return fail(ps, -E2BIG);
	if (ps->tok != T_OP || (ps->op != FILTER_OP_ADD && ps->op != FILTER_OP_SUB &&
				ps->op != FILTER_OP_NOT && ps->op != FILTER_OP_BIT_NOT)) {
		n = parse_primary(ps);
		ps->depth--;
		return n;
	}
	op = ps->op == FILTER_OP_ADD ? FILTER_OP_PLUS
	     : ps->op == FILTER_OP_SUB ? FILTER_OP_NEG
				       : ps->op;
	next(ps);
	child = parse_unary(ps);
	if (!child)
		return NULL;
	n = new_node(ps, FILTER_NODE_UNARY);
	if (!n) {
		filter_node_free(child);
		return NULL;
	}
	n->op = op;
	n->left = child;
	ps->depth--;
	return finish(ps, n);
}

/* The binary levels, lowest precedence first (filter-parser.y). */
static const struct {
	enum filter_op ops[4];
	unsigned count;
} levels[] = {
	{ { FILTER_OP_OR }, 1 },
	{ { FILTER_OP_AND }, 1 },
	{ { FILTER_OP_EQ, FILTER_OP_NE }, 2 },
	{ { FILTER_OP_LT, FILTER_OP_GT, FILTER_OP_LE, FILTER_OP_GE }, 4 },
	{ { FILTER_OP_BIT_OR }, 1 },
	{ { FILTER_OP_BIT_XOR }, 1 },
	{ { FILTER_OP_BIT_AND }, 1 },
	{ { FILTER_OP_LSHIFT, FILTER_OP_RSHIFT }, 2 },
	{ { FILTER_OP_ADD, FILTER_OP_SUB }, 2 },
	{ { FILTER_OP_MUL, FILTER_OP_DIV, FILTER_OP_MOD }, 3 },
};
#define LEVEL_COUNT ((int) (sizeof(levels) / sizeof(levels[0])))

static bool op_at_level(enum filter_op op, int level)
{
	for (unsigned i = 0; i < levels[level].count; i++)
		if (levels[level].ops[i] == op)
			return true;
	return false;
}

static struct filter_node *parse_binary(struct parser *ps, int level)
{
	struct filter_node *left;

	if (level == LEVEL_COUNT)
		return parse_unary(ps);
	left = parse_binary(ps, level + 1);
	while (left && ps->tok == T_OP && op_at_level(ps->op, level)) {
		enum filter_op op = ps->op;
		struct filter_node *right, *n;

		if (op >= FILTER_OP_MUL && op <= FILTER_OP_SUB)
			ps->expr->arithmetic = true;
		next(ps);
		right = parse_binary(ps, level + 1);
		if (!right) {
			filter_node_free(left);
			return NULL;
		}
		n = new_node(ps, FILTER_NODE_BINARY);
		if (!n) {
			filter_node_free(left);
			filter_node_free(right);
			return NULL;
		}
		n->op = op;
		n->left = left;
		n->right = right;
		left = finish(ps, n);
	}
	return left;
}

void filter_node_free(struct filter_node *n)
{
	if (!n)
		return;
	filter_node_free(n->left);
	filter_node_free(n->right);
	free(n->text);
	free(n);
}

void filter_expr_free(struct filter_expr *e)
{
	if (!e)
		return;
	filter_node_free(e->root);
	for (unsigned i = 0; i < e->nrefs; i++)
		free(e->refs[i].name);
	free(e->refs);
	free(e);
}

int filter_expr_parse(const char *text, size_t len, struct filter_expr **ret, size_t *err_at)
{
	struct parser ps = { .text = text, .end = text + len, .p = text };

	*ret = NULL;
	if (err_at)
		*err_at = 0;
	/* A trailing NUL (the wire's) is not part of the expression. */
	while (len && text[len - 1] == '\0')
		len--;
	ps.end = text + len;
	if (len >= FILTER_EXPR_MAX_LEN)
		return -E2BIG;
	if (memchr(text, '\0', len))
		return -EINVAL;
	ps.expr = calloc(1, sizeof(*ps.expr));
	if (!ps.expr)
		return -ENOMEM;
	next(&ps);
	ps.expr->root = parse_binary(&ps, 0);
	if (ps.expr->root && ps.tok != T_END)
		fail(&ps, -EINVAL);
	if (ps.error || !ps.expr->root) {
		if (err_at)
			*err_at = (size_t) (ps.start - text);
		filter_expr_free(ps.expr);
		return ps.error ? ps.error : -EINVAL;
	}
	*ret = ps.expr;
	return 0;
}

bool filter_expr_has_arithmetic(const struct filter_expr *e)
{
	return e->arithmetic;
}

unsigned filter_expr_ref_count(const struct filter_expr *e)
{
	return e->nrefs;
}

const struct filter_ref *filter_expr_ref(const struct filter_expr *e, unsigned slot)
{
	return slot < e->nrefs ? &e->refs[slot] : NULL;
}
