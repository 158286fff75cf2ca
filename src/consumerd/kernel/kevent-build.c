/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a channel's event classes (kevent.h): from the ftrace format, LTTng's field
 * list (kevent-map.c), the syscall argument directions (syscall-args.h) or our
 * statedump events (kstatedump-events.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "kevent.h"
#include "kstatedump-events.h"
#include "syscall-args.h"

/* ------------------------------------------------------------------------- */
/* Building event classes.                                                    */

static void src_from_format(struct ksrc *s, const struct tep_format_field *f)
{
	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	s->present = true;
	s->offset = f->offset;
	s->size = f->size;
	s->is_signed = (f->flags & TEP_FIELD_IS_SIGNED) != 0;
	s->dynamic = (f->flags & TEP_FIELD_IS_DYNAMIC) != 0;
	s->relative = (f->flags & TEP_FIELD_IS_RELATIVE) != 0;
	s->elem_size = f->elementsize;
}

static bool is_char_type(const char *type)
{
	return strstr(type, "char") != NULL;
}

/* The CTF type ftrace's field has (the generic rule: sizes and signedness from the
 * format). false for a field we cannot express. */
static bool type_from_format(const struct tep_format_field *f, struct kfield_type *t)
{
	memset(t, 0, sizeof(*t));
	t->base = 10;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		if (is_char_type(f->type)) {
			t->kind = KFIELD_STRING;
		} else {
			/* A dynamic array of other elements: bytes, with their count. */
			t->kind = KFIELD_SEQUENCE;
			t->bits = 8;
			t->len_bits = 32;
			t->base = 16;
		}
		return true;
	}
	if (f->flags & TEP_FIELD_IS_ARRAY) {
		uint32_t elem = f->elementsize;

		if (f->size <= 0 || f->size > 4096)
			return false;
		if (is_char_type(f->type) || elem == 0 || (elem != 1 && elem != 2 && elem != 4 && elem != 8) ||
		    (uint32_t) f->size % elem) {
			t->kind = KFIELD_ARRAY;
			t->bits = 8;
			t->is_signed = true;
			t->text = is_char_type(f->type);
			t->length = (uint32_t) f->size;
			if (!t->text)
				t->base = 16;
			return true;
		}
		t->kind = KFIELD_ARRAY;
		t->bits = (uint8_t) (elem * 8);
		t->is_signed = (f->flags & TEP_FIELD_IS_SIGNED) != 0;
		t->length = (uint32_t) f->size / elem;
		return true;
	}
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return false;
	t->kind = KFIELD_INT;
	t->bits = (uint8_t) (f->size * 8);
	t->is_signed = (f->flags & TEP_FIELD_IS_SIGNED) != 0;
	if ((f->flags & TEP_FIELD_IS_POINTER) || strchr(f->type, '*'))
		t->base = 16;
	return true;
}

static int add_field(struct kevent *ev, const char *name, const struct kfield_type *t,
		     enum kmap_src kind, const struct tep_format_field *src)
{
	struct kevent_field *out;

	if (ev->nfields >= KEVENT_MAX_FIELDS)
		return -EINVAL;
	out = &ev->fields[ev->nfields];
	memset(out, 0, sizeof(*out));
	if (snprintf(out->name, sizeof(out->name), "%s", name) >= (int) sizeof(out->name))
		return -ENAMETOOLONG;
	out->type = *t;
	out->kind = kind;
	out->sc_arg = -1;
	src_from_format(&out->src, src);
	ev->nfields++;
	if (kfield_align(t) > ev->align)
		ev->align = kfield_align(t);
	return 0;
}

static bool dropped(const struct kmap_event *m, const char *name)
{
	if (!m || !m->drop)
		return false;
	for (const char *const *d = m->drop; *d; d++)
		if (!strcmp(*d, name))
			return true;
	return false;
}

/* Every non-common field of the format, as ftrace has it. */
static int build_generic(struct kevent *ev, struct tep_event *fmt, const struct kmap_event *m)
{
	for (struct tep_format_field *f = fmt->format.fields; f; f = f->next) {
		struct kfield_type t;
		int r;

		if (!strncmp(f->name, "common_", 7) || dropped(m, f->name))
			continue;
		if (!type_from_format(f, &t))
			continue;
		r = add_field(ev, f->name, &t, KMAP_COPY, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct kfield_type comm16_type = {
	.kind = KFIELD_ARRAY, .bits = 8, .is_signed = true, .base = 10, .text = true, .length = 16,
};

/* LTTng's field list (kevent-map.c) with values from the format's fields. */
static int build_mapped(struct kevent *ev, struct tep_event *fmt, const struct kmap_event *m)
{
	for (size_t i = 0; i < m->nfields; i++) {
		const struct kmap_field *mf = &m->fields[i];
		struct tep_format_field *f = mf->src ? tep_find_field(fmt, mf->src) : NULL;
		struct kfield_type t = { .kind = KFIELD_INT, .base = mf->base ? mf->base : 10 };
		int r;

		switch (mf->kind) {
		case KMAP_COMM16:
			t = comm16_type;
			break;
		case KMAP_STRING:
			t.kind = KFIELD_STRING;
			break;
		case KMAP_VTIDS:
			t.kind = KFIELD_SEQUENCE;
			t.len_bits = 8;
			t.bits = 32;
			t.is_signed = true;
			break;
		default:
			if (mf->bits)
				t.bits = mf->bits;
			else if (f && (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8))
				t.bits = (uint8_t) (f->size * 8);
			else
				t.bits = 64;
			t.is_signed = mf->is_signed >= 0 ? mf->is_signed
							 : (f && (f->flags & TEP_FIELD_IS_SIGNED));
			break;
		}
		r = add_field(ev, mf->name, &t, mf->kind, f);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The CTF integer LTTng declares for a syscall argument of C type `ctype` (LTTng's
 * generated headers: ctf_integer(<declared type>, ...)); ftrace stores every
 * argument as 8 bytes. */
static void syscall_arg_type(const char *ctype, struct kfield_type *t)
{
	static const struct {
		const char *type;
		uint8_t bits;
		bool is_signed;
	} types[] = {
		{ "int", 32, true }, { "pid_t", 32, true }, { "key_t", 32, true },
		{ "clockid_t", 32, true }, { "timer_t", 32, true }, { "mqd_t", 32, true },
		{ "key_serial_t", 32, true }, { "rwf_t", 32, true }, { "__s32", 32, true },
		{ "unsigned int", 32, false }, { "unsigned", 32, false }, { "u32", 32, false },
		{ "uid_t", 32, false }, { "gid_t", 32, false }, { "qid_t", 32, false },
		{ "old_uid_t", 16, false }, { "old_gid_t", 16, false }, { "__u32", 32, false },
		{ "umode_t", 16, false }, { "unsigned short", 16, false },
		{ "long", 64, true }, { "off_t", 64, true }, { "loff_t", 64, true },
		{ "ssize_t", 64, true }, { "time_t", 64, true },
		{ "unsigned long", 64, false }, { "size_t", 64, false }, { "u64", 64, false },
		{ "aio_context_t", 64, false }, { "__u64", 64, false },
	};

	memset(t, 0, sizeof(*t));
	t->kind = KFIELD_INT;
	t->bits = 64;
	t->base = 10;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(ctype, types[i].type)) {
			t->bits = types[i].bits;
			t->is_signed = types[i].is_signed;
			return;
		}
	/* Pointers and anything else: LTTng's ctf_integer(<pointer>) is an unsigned
	 * long in base 10. */
}

/* LTTng's generator turns `char *` arguments named like a path or a name into user
 * strings (M:include/instrumentation/syscalls/lttng-syscalls-generate-headers.sh,
 * the ctf_user_string rule). */
static bool is_user_string(const char *ctype, const char *name)
{
	static const char *const parts[] = { "name", "file", "path", "root", "put_old", "type" };

	if (!strstr(ctype, "char *"))
		return false;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(name, parts[i]))
			return true;
	return false;
}

/* Argument i of syscall sc as LTTng records it: its field name and direction
 * (syscall-args.h: args[i] is ftrace's i-th argument). A syscall LTTng does not know
 * keeps ftrace's names, every argument at entry; an argument past those LTTng
 * records (clone's tls) is recorded by neither event. */
static int arg_of(const struct ksc_syscall *sc, unsigned i, const struct tep_format_field *f,
		  const char **ret_name)
{
	*ret_name = f->name;
	if (!sc)
		return KSC_IN;
	if (i >= sc->nargs || i >= KSC_MAX_ARGS || !sc->args[i].name)
		return 0;
	*ret_name = sc->args[i].name;
	return sc->args[i].dir;
}

/* The arguments of a sys_enter_X format, in order (after __syscall_nr). */
static unsigned syscall_args(struct tep_event *enter, struct tep_format_field **out)
{
	unsigned n = 0;

	for (struct tep_format_field *f = enter->format.fields; f && n < KSC_MAX_ARGS; f = f->next)
		if (strncmp(f->name, "common_", 7) && strcmp(f->name, "__syscall_nr"))
			out[n++] = f;
	return n;
}

static int add_syscall_arg(struct kevent *ev, const char *name, struct tep_format_field *f,
			   int index)
{
	struct kfield_type t;
	int r;

	if (is_user_string(f->type, name)) {
		t = (struct kfield_type){ .kind = KFIELD_STRING };
		r = add_field(ev, name, &t, KMAP_COPY, NULL);
		if (r == 0)
			ev->fields[ev->nfields - 1].user_string = true;
		return r;
	}
	syscall_arg_type(f->type, &t);
	r = add_field(ev, name, &t, KMAP_COPY, index < 0 ? f : NULL);
	if (r == 0 && index >= 0)
		ev->fields[ev->nfields - 1].sc_arg = index;
	return r;
}

static int build_syscall(struct kevent *ev, struct tep_event *fmt, const char *sc_name,
			 bool entry, kevent_format_fn load, void *userdata)
{
	const struct ksc_syscall *sc = ksc_lookup(sc_name);
	struct tep_format_field *args[KSC_MAX_ARGS];
	struct tep_event *enter = fmt;
	char enter_name[160];
	unsigned n;
	int r;

	if (!entry) {
		struct tep_format_field *ret = tep_find_field(fmt, "ret");
		struct kfield_type t = { .kind = KFIELD_INT, .bits = 64, .is_signed = true, .base = 10 };

		r = add_field(ev, "ret", &t, KMAP_COPY, ret);
		if (r < 0 || !sc)
			return r;
		snprintf(enter_name, sizeof(enter_name), "sys_enter_%s", sc_name);
		enter = load ? load(userdata, "syscalls", enter_name) : NULL;
		if (!enter)
			return 0; /* output arguments unknown: ret only */
	}
	n = syscall_args(enter, args);
	for (unsigned i = 0; i < n; i++) {
		const char *name;
		int dir = arg_of(sc, i, args[i], &name);

		if (entry) {
			src_from_format(&ev->sc_args[i], args[i]);
			if (!(dir & KSC_IN))
				continue;
			r = add_syscall_arg(ev, name, args[i], -1);
		} else {
			if (!(dir & KSC_OUT))
				continue;
			r = add_syscall_arg(ev, name, args[i], (int) i);
		}
		if (r < 0)
			return r;
	}
	if (entry)
		ev->sc_nargs = n;
	return 0;
}

static int build_statedump(struct kevent *ev, const char *name)
{
	const struct ksd_event *sd = ksd_find(name);

	if (!sd)
		return -ENOENT;
	ev->kind = KEVENT_STATEDUMP;
	ev->statedump_code = sd->code;
	ev->ftrace_id = -1;
	for (unsigned i = 0; i < sd->nfields; i++) {
		int r = add_field(ev, sd->fields[i].name, &sd->fields[i].type, KMAP_COPY, NULL);

		if (r < 0)
			return r;
	}
	return snprintf(ev->name, sizeof(ev->name), "%s", name) < (int) sizeof(ev->name)
		       ? 0 : -ENAMETOOLONG;
}

static int field_index(const struct kevent *ev, const char *name)
{
	for (unsigned i = 0; i < ev->nfields; i++)
		if (!strcmp(ev->fields[i].name, name))
			return (int) i;
	return -1;
}

/* Finds the comm/tid field pairs the task table learns names from. */
static void find_task_fields(struct kevent *ev)
{
	static const char *const prefixes[] = { "", "prev_", "next_", "parent_", "child_" };

	ev->exec_filename = -1;
	if (!strcmp(ev->ftrace_name, "sched_process_exec"))
		ev->exec_filename = field_index(ev, "filename");
	ev->fork_child_tid = !strcmp(ev->ftrace_name, "sched_process_fork")
				     ? field_index(ev, "child_tid")
				     : -1;
	ev->free_tid = -1;
	if (!strcmp(ev->ftrace_name, "sched_process_free")) {
		ev->free_tid = field_index(ev, "tid");
		if (ev->free_tid >= 0 && !ev->fields[ev->free_tid].src.present)
			ev->free_tid = -1;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && ev->ncomm_pairs < 2; i++) {
		char comm[32], tid[32];
		int c, t;

		snprintf(comm, sizeof(comm), "%scomm", prefixes[i]);
		snprintf(tid, sizeof(tid), "%stid", prefixes[i]);
		c = field_index(ev, comm);
		t = field_index(ev, tid);
		if (c < 0 || t < 0 || ev->fields[c].type.kind != KFIELD_ARRAY ||
		    !ev->fields[t].src.present)
			continue;
		snprintf(comm, sizeof(comm), "%sprio", prefixes[i]);
		ev->comm_pairs[ev->ncomm_pairs].comm = (uint8_t) c;
		ev->comm_pairs[ev->ncomm_pairs].tid = (uint8_t) t;
		c = field_index(ev, comm);
		ev->comm_pairs[ev->ncomm_pairs].prio =
			(int16_t) (c >= 0 && ev->fields[c].kind == KMAP_PRIO ? c : -1);
		ev->ncomm_pairs++;
	}
}

static int build_event(struct kevent *ev, const char *system, const char *name,
		       struct tep_event *fmt, kevent_format_fn load, void *userdata);

int kevent_build(struct kevent *ev, uint32_t id, const char *system, const char *name,
		 struct tep_event *fmt, kevent_format_fn load, void *userdata)
{
	int r;

	memset(ev, 0, sizeof(*ev));
	ev->id = id;
	ev->align = 1;
	r = build_event(ev, system, name, fmt, load, userdata);
	if (r == 0)
		find_task_fields(ev);
	return r;
}

static int build_event(struct kevent *ev, const char *system, const char *name,
		       struct tep_event *fmt, kevent_format_fn load, void *userdata)
{
	const struct kmap_event *m;
	int r;

	snprintf(ev->system, sizeof(ev->system), "%s", system);
	snprintf(ev->ftrace_name, sizeof(ev->ftrace_name), "%s", name);
	if (!strcmp(system, "lttng"))
		return build_statedump(ev, name);
	if (!fmt)
		return -EINVAL;
	ev->ftrace_id = fmt->id;
	if (!strcmp(system, "syscalls") && !strncmp(name, "sys_enter_", 10)) {
		ev->kind = KEVENT_SYSCALL_ENTRY;
		if (snprintf(ev->name, sizeof(ev->name), "syscall_entry_%s", name + 10) >=
		    (int) sizeof(ev->name))
			return -ENAMETOOLONG;
		return build_syscall(ev, fmt, name + 10, true, load, userdata);
	}
	if (!strcmp(system, "syscalls") && !strncmp(name, "sys_exit_", 9)) {
		ev->kind = KEVENT_SYSCALL_EXIT;
		if (snprintf(ev->name, sizeof(ev->name), "syscall_exit_%s", name + 9) >=
		    (int) sizeof(ev->name))
			return -ENAMETOOLONG;
		return build_syscall(ev, fmt, name + 9, false, load, userdata);
	}
	r = kmap_lttng_name(system, name, ev->name, sizeof(ev->name));
	if (r < 0)
		return r;
	m = kmap_find(system, name);
	return m && m->fields ? build_mapped(ev, fmt, m) : build_generic(ev, fmt, m);
}

