/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng filter expressions as ftrace event filters (kernel-filter.h). A small
 * tokenizer rewrites the expression token by token: comparisons, && || ! and
 * parentheses, integer and string literals keep their form (a string with a '*'
 * compares with ftrace's glob operator ~); LTTng's field names become the event's
 * ftrace fields; $ctx.tid, $ctx.procname and $ctx.cpu_id become ftrace's
 * common_pid, comm and CPU. Anything else (arithmetic, bit shifts, floats, other
 * contexts, $app) does not map: the event is then enabled without an ftrace filter
 * and the kernel consumer evaluates the rule's expression (kernel_filter_check
 * accepts what the consumer can evaluate).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-expr.h"
#include "kernel-names.h"
#include "kernel/kernel-filter.h"
#include "log.h"

enum token_kind { TOK_END, TOK_IDENT, TOK_INT, TOK_STRING, TOK_OP, TOK_BAD };

struct token {
	enum token_kind kind;
	const char *start;
	size_t len;
};

static const char *const operators[] = { "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(",
					 ")" };

static struct token next_token(const char **p, bool operand_expected)
{
	const char *s = *p;
	struct token t = { TOK_BAD, s, 1 };

	while (isspace((unsigned char) *s))
		s++;
	t.start = s;
	if (!*s) {
		t.kind = TOK_END;
		t.len = 0;
	} else if (isalpha((unsigned char) *s) || *s == '_' || *s == '$') {
		const char *e = s + 1;

		while (isalnum((unsigned char) *e) || *e == '_' || *e == '.')
			e++;
		t.kind = TOK_IDENT;
		t.len = (size_t) (e - s);
	} else if (isdigit((unsigned char) *s) ||
		   (*s == '-' && operand_expected && isdigit((unsigned char) s[1]))) {
		const char *e = s + (*s == '-');

		if (e[0] == '0' && (e[1] == 'x' || e[1] == 'X'))
			e += 2;
		while (isxdigit((unsigned char) *e))
			e++;
		t.kind = *e == '.' ? TOK_BAD : TOK_INT; /* floats do not map */
		t.len = (size_t) (e - s);
	} else if (*s == '"' || *s == '\'') {
		const char *e = s + 1;

		while (*e && *e != *s) {
			if (*e == '\\' && e[1])
				e++;
			e++;
		}
		if (*e == *s) {
			t.kind = TOK_STRING;
			t.len = (size_t) (e + 1 - s);
		}
	} else if (strncmp(s, "<<", 2) == 0 || strncmp(s, ">>", 2) == 0) {
		t.len = 2; /* bit shifts: ftrace has none */
	} else {
		for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
			size_t n = strlen(operators[i]);

			if (strncmp(s, operators[i], n) == 0) {
				t.kind = TOK_OP;
				t.len = n;
				break;
			}
		}
	}
	*p = t.start + t.len;
	return t;
}

static bool token_is(const struct token *t, const char *text)
{
	return t->len == strlen(text) && strncmp(t->start, text, t->len) == 0;
}

/* The ftrace name of an identifier, and the offset LTTng applies to its values
 * (priorities: LTTng gives prio - 100). NULL when it does not map or the event
 * lacks it (*missing set). */
static const char *map_identifier(const struct token *t, const char *const *fields, size_t count,
				  char *buf, size_t size, long *offset, bool *missing)
{
	static const struct {
		const char *lttng, *ftrace;
	} contexts[] = {
		{ "$ctx.tid", "common_pid" },
		{ "$ctx.procname", "comm" },
		{ "$ctx.cpu_id", "CPU" },
	};
	size_t n = t->len;

	*offset = 0;
	*missing = false;
	if (n >= size)
		return NULL;
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++)
		if (token_is(t, contexts[i].lttng))
			return contexts[i].ftrace;
	if (t->start[0] == '$' || memchr(t->start, '.', n))
		return NULL; /* other contexts, $app, nested fields */
	memcpy(buf, t->start, n);
	buf[n] = '\0';
	/* LTTng's "tid" fields are ftrace's "pid" fields (ftrace's pid is the thread). */
	if (n >= 3 && strcmp(buf + n - 3, "tid") == 0) {
		buf[n - 3] = 'p';
		for (size_t i = 0; i < count; i++)
			if (strcmp(fields[i], buf) == 0)
				return buf;
		buf[n - 3] = 't';
	}
	for (size_t i = 0; i < count; i++) {
		if (strcmp(fields[i], buf) != 0)
			continue;
		/* LTTng's pid fields are process ids, which ftrace does not give. */
		if (n >= 3 && strcmp(buf + n - 3, "pid") == 0)
			return NULL;
		if (n >= 4 && strcmp(buf + n - 4, "prio") == 0)
			*offset = 100;
		return buf;
	}
	*missing = true;
	return NULL;
}

static int append(char *out, size_t size, size_t *used, const char *text, size_t len)
{
	if (*used + len + 1 > size)
		return -ENOSPC;
	memcpy(out + *used, text, len);
	*used += len;
	out[*used] = '\0';
	return 0;
}

static bool is_comparison(const struct token *t)
{
	return t->kind == TOK_OP && (token_is(t, "==") || token_is(t, "!=") || token_is(t, "<") ||
				     token_is(t, "<=") || token_is(t, ">") || token_is(t, ">="));
}

int kernel_filter_to_ftrace(const char *expression, const char *const *field_names, size_t count,
			    char *out, size_t size)
{
	const char *p = expression;
	size_t used = 0;
	long pending_offset = 0; /* to add to the next integer literal */
	struct token prev = { TOK_END, NULL, 0 };
	bool any_missing = false;
	int r = 0;

	if (size)
		out[0] = '\0';
	for (;;) {
		/* A '-' is a sign where an operand may start (there is no subtraction). */
		bool operand_expected = prev.kind == TOK_END || prev.kind == TOK_OP;
		struct token t = next_token(&p, operand_expected);
		char buf[256], number[32];
		const char *text = t.start;
		size_t len = t.len;

		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_BAD)
			return -EINVAL;
		if (t.kind == TOK_IDENT) {
			bool missing;
			long offset;
			const char *name = map_identifier(&t, field_names, count, buf, sizeof(buf),
							  &offset, &missing);

			if (!name) {
				if (!missing)
					return -EINVAL;
				any_missing = true;
				name = "common_pid"; /* keeps checking the rest of the form */
			}
			text = name;
			len = strlen(name);
			/* A priority compares with a literal on its right only. */
			if (offset && is_comparison(&prev))
				return -EINVAL;
			pending_offset = offset;
		} else if (t.kind == TOK_INT) {
			if (pending_offset) {
				char *end;
				long long v = strtoll(t.start, &end, 0);

				if (!is_comparison(&prev) || end != t.start + t.len)
					return -EINVAL;
				snprintf(number, sizeof(number), "%lld", v + pending_offset);
				text = number;
				len = strlen(number);
				pending_offset = 0;
			}
		} else if (t.kind == TOK_STRING) {
			/* ftrace wants double quotes; a star makes it a glob (~). */
			bool glob = memchr(t.start, '*', t.len) != NULL;

			if (glob && used >= 3 && prev.kind == TOK_OP && token_is(&prev, "==")) {
				used -= 3; /* "== " */
				out[used] = '\0';
				r = append(out, size, &used, "~ ", 2);
			} else if (glob) {
				return -EINVAL;
			}
			if (r == 0)
				r = append(out, size, &used, "\"", 1);
			if (r == 0)
				r = append(out, size, &used, t.start + 1, t.len - 2);
			if (r == 0)
				r = append(out, size, &used, "\" ", 2);
			if (r < 0)
				return r;
			prev = t;
			continue;
		} else if (pending_offset && !is_comparison(&t)) {
			return -EINVAL; /* a priority used other than in a comparison */
		}
		r = append(out, size, &used, text, len);
		if (r == 0)
			r = append(out, size, &used, " ", 1);
		if (r < 0)
			return r;
		prev = t;
	}
	if (pending_offset)
		return -EINVAL;
	if (used && out[used - 1] == ' ')
		out[--used] = '\0';
	return any_missing ? -ENOENT : 0;
}

/* Why the consumer could not evaluate a reference, or NULL when it can. */
static const char *unusable_reference(const struct filter_ref *ref)
{
	int type;

	if (ref->scope == FILTER_REF_APP)
		return "application contexts ($app) belong to user space";
	if (ref->scope == FILTER_REF_OTHER)
		return "only $ctx names a context";
	if (ref->nested || ref->multi_index)
		return "kernel event fields have no members and one index at most";
	if (ref->scope == FILTER_REF_CONTEXT &&
	    (ref->indexed || !kernel_context_by_name(ref->name, &type)))
		return "the kernel consumer produces the contexts pid, tid, vpid, vtid, ppid, "
		       "vppid, procname, prio, nice, hostname, cpu_id, interruptible, "
		       "preemptible, need_reschedule and migratable";
	return NULL;
}

enum lttng_error_code kernel_filter_check(const struct decoded_event *ev)
{
	const char *text = ev->filter_expression;
	struct filter_expr *e;
	size_t err_at;
	int r;

	if (!text)
		return LTTNG_OK;
	r = filter_expr_parse(text, strlen(text), &e, &err_at);
	if (r == -ENOMEM)
		return LTTNG_ERR_NOMEM;
	if (r < 0) {
		log_error("Kernel filter \"%s\": %s", text,
			  r == -E2BIG ? "too long or nested too deep" : "not a filter expression");
		return LTTNG_ERR_FILTER_INVAL;
	}
	if (filter_expr_has_arithmetic(e)) {
		log_error("Kernel filter \"%s\": * / %% + - are not supported (as in LTTng)", text);
		filter_expr_free(e);
		return LTTNG_ERR_FILTER_INVAL;
	}
	for (unsigned i = 0; i < filter_expr_ref_count(e); i++) {
		const struct filter_ref *ref = filter_expr_ref(e, i);
		const char *why = unusable_reference(ref);

		if (why) {
			log_error("Kernel filter \"%s\": cannot evaluate %s%s: %s", text,
				  ref->scope == FILTER_REF_CONTEXT ? "$ctx."
				  : ref->scope == FILTER_REF_APP   ? "$app."
								   : "",
				  ref->name, why);
			filter_expr_free(e);
			return LTTNG_ERR_FILTER_INVAL;
		}
	}
	filter_expr_free(e);
	return LTTNG_OK;
}
