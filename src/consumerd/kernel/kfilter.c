/* SPDX-License-Identifier: GPL-2.0-only */
/* Filters of kernel channels' events; see kfilter.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kcontext.h"
#include "kfilter.h"

enum kref_kind { KREF_FIELD, KREF_CONTEXT };

struct kref {
	enum kref_kind kind;
	int32_t id; /* field index, or context type */
};

struct kfilter_binding {
	const struct filter_expr *expr;
	bool never; /* names something the event lacks */
	struct kref refs[];
};

/* What a load needs: the record and the binding. */
struct kfilter_env {
	const struct kfilter_binding *b;
	const struct kevent *ev;
	struct kconv *cv;
	const uint8_t *rec;
	uint32_t len;
	const char *hostname;
	char text[16];
};

void kfilters_init(struct kfilters *f)
{
	memset(f, 0, sizeof(*f));
}

void kfilters_clear(struct kfilters *f)
{
	for (unsigned i = 0; i < f->nsets; i++) {
		for (unsigned j = 0; j < f->sets[i].count; j++)
			free(f->sets[i].bindings[j]);
		free(f->sets[i].bindings);
	}
	free(f->sets);
	f->sets = NULL;
	f->nsets = 0;
	for (unsigned i = 0; i < f->nexprs; i++) {
		filter_expr_free(f->exprs[i]);
		free(f->texts[i]);
	}
	free(f->exprs);
	free(f->texts);
	f->exprs = NULL;
	f->texts = NULL;
	f->nexprs = 0;
}

void kfilters_fini(struct kfilters *f)
{
	kfilters_clear(f);
}

/* The parsed expression of text, parsed now if new. */
static int expression(struct kfilters *f, const char *text, size_t len,
		      const struct filter_expr **ret)
{
	struct filter_expr *e, **exprs;
	char **texts;
	int r;

	for (unsigned i = 0; i < f->nexprs; i++) {
		if (strlen(f->texts[i]) == len && memcmp(f->texts[i], text, len) == 0) {
			*ret = f->exprs[i];
			return 0;
		}
	}
	if (f->nexprs >= KFILTER_MAX_EXPRESSIONS)
		return -ENOSPC;
	r = filter_expr_parse(text, len, &e, NULL);
	if (r < 0)
		return r;
	exprs = realloc(f->exprs, (f->nexprs + 1) * sizeof(*exprs));
	if (exprs)
		f->exprs = exprs;
	texts = realloc(f->texts, (f->nexprs + 1) * sizeof(*texts));
	if (texts)
		f->texts = texts;
	if (!exprs || !texts || !(f->texts[f->nexprs] = strndup(text, len))) {
		filter_expr_free(e);
		return -ENOMEM;
	}
	f->exprs[f->nexprs++] = e;
	*ret = e;
	return 0;
}

/* Binds each reference of e to a field of ev or a context; never when one names
 * nothing this event or this consumer has. */
static struct kfilter_binding *bind(const struct filter_expr *e, const struct kevent *ev)
{
	unsigned n = filter_expr_ref_count(e);
	struct kfilter_binding *b = calloc(1, sizeof(*b) + n * sizeof(b->refs[0]));

	if (!b)
		return NULL;
	b->expr = e;
	for (unsigned i = 0; i < n && !b->never; i++) {
		const struct filter_ref *ref = filter_expr_ref(e, i);
		bool found = false;

		if (ref->nested || ref->multi_index) {
			b->never = true;
			break;
		}
		if (ref->scope == FILTER_REF_CONTEXT) {
			found = !ref->indexed && kcontext_by_name(ref->name, &b->refs[i].id);
			b->refs[i].kind = KREF_CONTEXT;
		} else if (ref->scope == FILTER_REF_FIELD) {
			for (unsigned k = 0; k < ev->nfields && !found; k++) {
				if (strcmp(ev->fields[k].name, ref->name) == 0) {
					b->refs[i].kind = KREF_FIELD;
					b->refs[i].id = (int32_t) k;
					found = true;
				}
			}
		}
		b->never = !found;
	}
	return b;
}

int kfilters_add(struct kfilters *f, const char *text, size_t len, const struct kevent *ev)
{
	const struct filter_expr *e;
	struct kfilter_binding *b, **grown;
	struct kfilter_set *set;
	int r = expression(f, text, len, &e);

	if (r < 0)
		return r;
	if (ev->id >= f->nsets) {
		struct kfilter_set *sets = realloc(f->sets, (ev->id + 1) * sizeof(*sets));

		if (!sets)
			return -ENOMEM;
		memset(sets + f->nsets, 0, (ev->id + 1 - f->nsets) * sizeof(*sets));
		f->sets = sets;
		f->nsets = ev->id + 1;
	}
	set = &f->sets[ev->id];
	for (unsigned i = 0; i < set->count; i++)
		if (set->bindings[i]->expr == e)
			return 0; /* already there */
	b = bind(e, ev);
	if (!b)
		return -ENOMEM;
	grown = realloc(set->bindings, (set->count + 1) * sizeof(*grown));
	if (!grown) {
		free(b);
		return -ENOMEM;
	}
	set->bindings = grown;
	set->bindings[set->count++] = b;
	return 0;
}

static bool load(void *data, unsigned slot, bool indexed, int64_t index, struct filter_value *out)
{
	struct kfilter_env *env = data;
	const struct kref *ref = &env->b->refs[slot];

	if (ref->kind == KREF_FIELD)
		return kevent_field_load(env->ev, (unsigned) ref->id, env->cv, env->rec, env->len,
					 indexed, index, out);
	return kcontext_load(ref->id, env->hostname, env->cv,
			     env->ev->kind == KEVENT_STATEDUMP ? NULL : env->rec, env->len,
			     env->text, out);
}

bool kfilters_pass(struct kfilters *f, const struct kevent *ev, struct kconv *cv,
		   const uint8_t *rec, uint32_t len)
{
	const struct kfilter_set *set = ev->id < f->nsets ? &f->sets[ev->id] : NULL;
	struct kfilter_env env = { .ev = ev, .cv = cv, .rec = rec, .len = len };

	if (!set || set->count == 0)
		return true;
	if (!f->hostname[0]) {
		struct kcontext_set hn = { 0 };

		kcontext_fill_hostname(&hn);
		memcpy(f->hostname, hn.hostname, sizeof(f->hostname));
	}
	env.hostname = f->hostname;
	for (unsigned i = 0; i < set->count; i++) {
		env.b = set->bindings[i];
		if (!env.b->never && filter_expr_eval(env.b->expr, load, &env))
			return true;
	}
	f->rejected++;
	return false;
}
