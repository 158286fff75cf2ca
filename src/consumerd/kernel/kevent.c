/* SPDX-License-Identifier: GPL-2.0-only */
/* The record -> CTF conversion of a kernel channel's event classes; see kevent.h
 * (the classes are built by kevent-build.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "kevent.h"
#include "tsdl-text.h"

/* ------------------------------------------------------------------------- */
/* Bounded record reads.                                                      */

uint64_t krec_uint(const uint8_t *rec, uint32_t len, int offset, int size, bool is_signed)
{
	uint64_t v = 0;

	if (offset < 0 || size <= 0 || size > 8 || (uint32_t) offset > len ||
	    (uint32_t) size > len - (uint32_t) offset)
		return 0;
	for (int i = size - 1; i >= 0; i--)
		v = (v << 8) | rec[offset + i];
	if (is_signed && size < 8 && (v & (1ull << (size * 8 - 1))))
		v |= ~0ull << (size * 8);
	return v;
}

void krec_text(const uint8_t *rec, uint32_t len, const struct ksrc *src, const char **ret,
	       uint32_t *ret_len)
{
	uint32_t off, n;

	*ret = "";
	*ret_len = 0;
	if (!src->present)
		return;
	if (src->dynamic) {
		uint32_t loc = (uint32_t) krec_uint(rec, len, src->offset, 4, false);

		off = loc & 0xffff;
		n = loc >> 16;
		if (src->relative)
			off += (uint32_t) src->offset + 4;
	} else {
		off = (uint32_t) src->offset;
		n = (uint32_t) src->size;
	}
	if (off > len || n > len - off)
		return;
	*ret = (const char *) rec + off;
	*ret_len = (uint32_t) strnlen(*ret, n);
}

/* ------------------------------------------------------------------------- */
/* Syscall entries waiting for their exit.                                    */

#define PENDING_SLOTS 1024u

struct ksc_pending {
	struct {
		int32_t tid;
		bool used;
		uint64_t args[KSC_MAX_ARGS];
	} slot[PENDING_SLOTS];
};

static uint64_t *pending_args(struct ksc_pending *p, int32_t tid, bool create)
{
	unsigned i = ((uint32_t) tid * 2654435761u) & (PENDING_SLOTS - 1);

	if (p->slot[i].used && p->slot[i].tid == tid)
		return p->slot[i].args;
	if (!create)
		return NULL;
	/* One pending entry per slot: a collision forgets the older thread's (its exit
	 * then reports 0 for its output arguments). */
	p->slot[i].used = true;
	p->slot[i].tid = tid;
	memset(p->slot[i].args, 0, sizeof(p->slot[i].args));
	return p->slot[i].args;
}

static uint32_t own_pid_ns_inum(const char *proc_root)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/self/ns/pid", proc_root);
	return stat(path, &st) == 0 ? (uint32_t) st.st_ino : 0;
}

int kconv_init(struct kconv *cv, const char *proc_root)
{
	memset(cv, 0, sizeof(*cv));
	cv->tasks = ktask_cache_new(proc_root);
	cv->pending = calloc(1, sizeof(*cv->pending));
	if (!cv->tasks || !cv->pending) {
		kconv_fini(cv);
		return -ENOMEM;
	}
	cv->pid_ns_inum = own_pid_ns_inum(proc_root);
	return 0;
}

void kconv_fini(struct kconv *cv)
{
	ktask_cache_free(cv->tasks);
	free(cv->pending);
	cv->tasks = NULL;
	cv->pending = NULL;
}

int kevent_tsdl(const struct kevent *ev, uint32_t stream_id, struct buffer *out)
{
	int r = tsdl_printf(out, "event {\n\tname = \"%s\";\n\tid = %u;\n\tstream_id = %u;\n"
				 "\tfields := struct {\n",
			    ev->name, ev->id, stream_id);

	for (unsigned i = 0; i < ev->nfields && r == 0; i++)
		r = kfield_tsdl(out, ev->fields[i].name, &ev->fields[i].type, 2);
	return r ? r : tsdl_printf(out, "\t};\n};\n\n");
}

/* ------------------------------------------------------------------------- */
/* Encoding.                                                                  */

static int put_text_array(struct ctf_buf *out, const char *s, uint32_t n, uint32_t length)
{
	uint8_t tmp[4096] = { 0 };

	if (length > sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n < length ? n : length);
	if (length == 16 && n >= 16)
		tmp[15] = '\0'; /* a comm is terminated within its 16 bytes */
	return ctf_buf_put(out, tmp, length);
}

static int put_string(struct ctf_buf *out, const char *s, uint32_t n)
{
	int r = ctf_buf_put(out, s, n);

	return r ? r : ctf_buf_put(out, "", 1);
}

static int encode_array(const struct kevent_field *f, const uint8_t *rec, uint32_t len,
			struct ctf_buf *out)
{
	unsigned elem = f->type.bits / 8;

	if (f->type.text || !f->src.present || f->src.dynamic) {
		const char *s;
		uint32_t n;

		krec_text(rec, len, &f->src, &s, &n);
		return put_text_array(out, s, n, f->type.length * elem);
	}
	for (uint32_t i = 0; i < f->type.length; i++) {
		uint64_t v = krec_uint(rec, len, f->src.offset + (int) (i * elem), (int) elem, false);
		int r = ctf_buf_put_uint(out, v, elem);

		if (r)
			return r;
	}
	return 0;
}

static int encode_sequence(const struct kevent_field *f, const uint8_t *rec, uint32_t len,
			   int32_t tid, struct ctf_buf *out)
{
	const char *s;
	uint32_t n;
	int r;

	if (f->kind == KMAP_VTIDS) {
		/* The TID seen from each pid namespace: outside namespaces, just one. */
		uint64_t v = krec_uint(rec, len, f->src.offset, f->src.size, true);

		(void) tid;
		r = ctf_buf_put_uint(out, 1, f->type.len_bits / 8);
		return r ? r : ctf_buf_put_uint(out, v, 4);
	}
	/* Dynamic byte arrays: the bytes the __data_loc points at. */
	if (f->src.present) {
		uint32_t loc = (uint32_t) krec_uint(rec, len, f->src.offset, 4, false);
		uint32_t off = (loc & 0xffff) + (f->src.relative ? (uint32_t) f->src.offset + 4 : 0);

		n = loc >> 16;
		if (off > len || n > len - off)
			n = 0;
		s = (const char *) rec + off;
	} else {
		n = 0;
		s = "";
	}
	r = ctf_buf_put_uint(out, n, f->type.len_bits / 8);
	return r ? r : ctf_buf_put(out, s, n);
}

static uint64_t int_value(const struct kevent_field *f, struct kconv *cv, const uint8_t *rec,
			  uint32_t len, int32_t tid)
{
	const struct ksrc *s = &f->src;
	uint64_t v = s->present ? krec_uint(rec, len, s->offset, s->size, s->is_signed) : 0;

	switch (f->kind) {
	case KMAP_PRIO:
		return v - 100;
	case KMAP_COMMON_PID:
		return (uint64_t) (int64_t) tid;
	case KMAP_TGID:
		return s->present ? (uint64_t) (int64_t) ktask_get(cv->tasks, (int32_t) v)->tgid : 0;
	case KMAP_NS_INUM:
		return cv->pid_ns_inum;
	case KMAP_GFP_ACCOUNT:
		/* __GFP_ACCOUNT is bit 22 on this kernel (kmem/kmalloc format, print fmt). */
		return (v >> 22) & 1;
	case KMAP_RWBS: {
		const char *letters;
		uint32_t n;

		krec_text(rec, len, s, &letters, &n);
		return kmap_rwbs_bits(letters, n);
	}
	default:
		return v;
	}
}

static int32_t record_tid(const uint8_t *rec, uint32_t len)
{
	/* common_pid: offset 4, 4 bytes, in every format (events/header_event ABI). */
	return (int32_t) krec_uint(rec, len, 4, 4, true);
}

uint64_t kevent_field_int(const struct kevent *ev, unsigned field, struct kconv *cv,
			  const uint8_t *rec, uint32_t len)
{
	const struct kevent_field *f = &ev->fields[field];
	int32_t tid = record_tid(rec, len);

	if (f->sc_arg >= 0) {
		const uint64_t *entry_args = ev->kind == KEVENT_SYSCALL_EXIT
						     ? pending_args(cv->pending, tid, false)
						     : NULL;

		return entry_args ? entry_args[f->sc_arg] : 0;
	}
	return int_value(f, cv, rec, len, tid);
}

static int encode_field(const struct kevent_field *f, struct kconv *cv, const uint8_t *rec,
			uint32_t len, int32_t tid, const uint64_t *entry_args, struct ctf_buf *out)
{
	const char *s;
	uint32_t n;

	switch (f->type.kind) {
	case KFIELD_STRING:
		if (f->user_string)
			return put_string(out, "", 0);
		krec_text(rec, len, &f->src, &s, &n);
		return put_string(out, s, n);
	case KFIELD_ARRAY:
		return encode_array(f, rec, len, out);
	case KFIELD_SEQUENCE:
		return encode_sequence(f, rec, len, tid, out);
	case KFIELD_INT:
		if (f->sc_arg >= 0)
			return ctf_buf_put_uint(out, entry_args ? entry_args[f->sc_arg] : 0,
						f->type.bits / 8);
		return ctf_buf_put_uint(out, int_value(f, cv, rec, len, tid), f->type.bits / 8);
	}
	return -EINVAL;
}


int kevent_encode(const struct kevent *ev, struct kconv *cv, const uint8_t *rec, uint32_t len,
		  struct ctf_buf *out)
{
	const size_t start = out->len;
	const uint64_t *entry_args = NULL;
	int32_t tid = 0;
	int r;

	r = ctf_buf_align(out, ev->align);
	if (r)
		return r;
	if (ev->kind == KEVENT_STATEDUMP) {
		/* Our own bytes, encoded for a payload start aligned as ev->align. */
		r = ctf_buf_put(out, rec, len);
		if (r)
			out->len = start;
		return r;
	}
	if (len < 8)
		return -EINVAL;
	tid = record_tid(rec, len);
	if (ev->kind == KEVENT_SYSCALL_EXIT)
		entry_args = pending_args(cv->pending, tid, false);
	for (unsigned i = 0; i < ev->nfields; i++) {
		r = encode_field(&ev->fields[i], cv, rec, len, tid, entry_args, out);
		if (r) {
			out->len = start;
			return r;
		}
	}
	return 0;
}

void kevent_observe(const struct kevent *ev, struct kconv *cv, const uint8_t *rec, uint32_t len)
{
	int32_t tid;

	if (ev->kind == KEVENT_STATEDUMP || len < 8)
		return;
	tid = record_tid(rec, len);
	for (unsigned i = 0; i < ev->ncomm_pairs; i++) {
		const struct kevent_field *c = &ev->fields[ev->comm_pairs[i].comm];
		const struct kevent_field *t = &ev->fields[ev->comm_pairs[i].tid];
		const char *comm;
		uint32_t n;

		int32_t who = (int32_t) krec_uint(rec, len, t->src.offset, t->src.size, true);
		int prio = ev->comm_pairs[i].prio;

		krec_text(rec, len, &c->src, &comm, &n);
		if (n)
			ktask_set_comm(cv->tasks, who, comm, n);
		if (prio >= 0) {
			const struct ksrc *p = &ev->fields[prio].src;

			/* The kernel's prio, as LTTng's prio context shows it (- 100). */
			ktask_set_prio(cv->tasks, who,
				       (int32_t) ((uint32_t) krec_uint(rec, len, p->offset, p->size,
								       true) - 100u));
		}
	}
	if (ev->exec_filename >= 0) {
		const char *path, *base;
		uint32_t n;

		/* exec names the task after the file's base name (TASK_COMM_LEN). */
		krec_text(rec, len, &ev->fields[ev->exec_filename].src, &path, &n);
		base = memrchr(path, '/', n);
		base = base ? base + 1 : path;
		ktask_set_comm(cv->tasks, tid, base, (unsigned) (n - (uint32_t) (base - path)));
		return;
	}
	if (ev->kind == KEVENT_SYSCALL_ENTRY) {
		uint64_t *args = pending_args(cv->pending, tid, true);

		for (unsigned i = 0; i < ev->sc_nargs; i++)
			args[i] = krec_uint(rec, len, ev->sc_args[i].offset, ev->sc_args[i].size, false);
		return;
	}
	if (ev->fork_child_tid >= 0) {
		const struct ksrc *c = &ev->fields[ev->fork_child_tid].src;

		ktask_fork(cv->tasks, tid, (int32_t) krec_uint(rec, len, c->offset, c->size, true));
	} else if (ev->free_tid >= 0) {
		/* Gone: looked up again if the TID is reused. */
		const struct ksrc *f = &ev->fields[ev->free_tid].src;

		ktask_exit(cv->tasks, (int32_t) krec_uint(rec, len, f->offset, f->size, true));
	}
}
