/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86-64 system call table (src/consumerd/kernel/syscall-args.[ch]): facts read by
 * hand in lttng-modules v2.13.9's include/instrumentation/syscalls/headers/ (which
 * arguments syscall_entry_X and syscall_exit_X carry, under which names), the table's
 * shape, and, when tracefs is readable, this kernel's ftrace syscall formats: every
 * syscall both know has as many arguments in both.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "kernel/syscall-args.h"
#include "tap.h"

struct expect {
	const char *name;
	enum ksc_dir dir;
};

/* One test point per syscall: the whole argument list, in order. */
static void check_args(const char *sc, unsigned nargs, const struct expect *exp)
{
	const struct ksc_syscall *s = ksc_lookup(sc);
	char got[256] = "", want[256] = "";

	if (!ok(s != NULL, "%s is known", sc))
		return;
	for (unsigned i = 0; i < s->nargs && i < 6; i++) {
		size_t len = strlen(got);

		snprintf(got + len, sizeof(got) - len, "%s%s:%d", i ? " " : "",
			 s->args[i].name ? s->args[i].name : "(null)", (int)s->args[i].dir);
	}
	for (unsigned i = 0; i < nargs; i++) {
		size_t len = strlen(want);

		snprintf(want + len, sizeof(want) - len, "%s%s:%d", i ? " " : "", exp[i].name,
			 (int)exp[i].dir);
	}
	is_str(got, want, "%s: arguments, names and directions", sc);
}

#define CHECK(sc, ...)                                                                      \
	do {                                                                                \
		static const struct expect e_[] = { __VA_ARGS__ };                          \
		check_args(sc, sizeof(e_) / sizeof(e_[0]), e_);                            \
	} while (0)

static void facts(void)
{
	/* x86-64-syscalls_pointers.h (openat only overridden with bitwise enums, off). */
	CHECK("openat", { "dfd", KSC_IN }, { "filename", KSC_IN }, { "flags", KSC_IN },
	      { "mode", KSC_IN });
	CHECK("open", { "filename", KSC_IN }, { "flags", KSC_IN }, { "mode", KSC_IN });
	CHECK("read", { "fd", KSC_IN }, { "buf", KSC_OUT }, { "count", KSC_IN });
	CHECK("write", { "fd", KSC_IN }, { "buf", KSC_IN }, { "count", KSC_IN });
	CHECK("wait4", { "upid", KSC_IN }, { "stat_addr", KSC_OUT }, { "options", KSC_IN },
	      { "ru", KSC_OUT });
	CHECK("newfstat", { "fd", KSC_IN }, { "statbuf", KSC_OUT });
	CHECK("newuname", { "name", KSC_OUT });
	CHECK("rt_sigaction", { "sig", KSC_IN }, { "act", KSC_IN }, { "oact", KSC_OUT },
	      { "sigsetsize", KSC_IN });
	CHECK("fcntl", { "fd", KSC_IN }, { "cmd", KSC_IN }, { "arg", KSC_INOUT });
	CHECK("close", { "fd", KSC_IN });
	/* x86-64-syscalls_pointers_override.h */
	CHECK("pipe", { "fildes", KSC_OUT });
	CHECK("accept4", { "fd", KSC_IN }, { "upeer_sockaddr", KSC_IN },
	      { "upeer_addrlen", KSC_INOUT }, { "flags", KSC_IN });
	CHECK("connect", { "fd", KSC_IN }, { "uservaddr", KSC_IN }, { "addrlen", KSC_IN });
	/* syscalls_pointers_override.h / syscalls_integers_override.h */
	CHECK("pipe2", { "fildes", KSC_OUT }, { "flags", KSC_IN });
	CHECK("clone", { "flags", KSC_IN }, { "newsp", KSC_IN }, { "parent_tid", KSC_IN },
	      { "child_tid", KSC_IN });
	CHECK("mmap", { "addr", KSC_IN }, { "len", KSC_IN }, { "prot", KSC_IN },
	      { "flags", KSC_IN }, { "fd", KSC_IN }, { "offset", KSC_IN });
	CHECK("getcpu", { "cpup", KSC_OUT }, { "nodep", KSC_OUT }, { "tcache", KSC_INOUT });
	CHECK("select", { "n", KSC_IN }, { "readfds", KSC_INOUT }, { "writefds", KSC_INOUT },
	      { "exceptfds", KSC_INOUT }, { "tvp", KSC_INOUT });
	CHECK("poll", { "fds", KSC_INOUT }, { "nfds", KSC_INOUT },
	      { "timeout_msecs", KSC_IN });
	CHECK("epoll_ctl", { "epfd", KSC_IN }, { "op_enum", KSC_IN }, { "fd", KSC_IN },
	      { "event", KSC_IN });
	CHECK("epoll_wait", { "epfd", KSC_IN }, { "fds", KSC_OUT }, { "maxevents", KSC_IN },
	      { "timeout", KSC_IN });
	CHECK("socketpair", { "family", KSC_IN }, { "type", KSC_IN }, { "protocol", KSC_IN },
	      { "socket", KSC_OUT });
	CHECK("execve", { "filename", KSC_IN }, { "argv", KSC_IN }, { "envp", KSC_IN });

	const struct ksc_syscall *s = ksc_lookup("getpid");
	ok(s && s->nargs == 0 && s->args[0].name == NULL, "getpid: no argument");

	/* Unknown to 2.13.9 (its x86-64 table comes from Linux 3.10), or not a name. */
	static const char *const unknown[] = { "statx",	  "clone3", "openat2", "getrandom",
					       "memfd_create", "rseq",	 "io_uring_setup",
					       "syscall_entry_openat", "OPENAT", "openat ",
					       "",	  "zzz",    "a" };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		is_ptr_null(ksc_lookup(unknown[i]), "'%s' is unknown", unknown[i]);
	is_ptr_null(ksc_lookup(NULL), "NULL name: NULL");
}

static void shape(void)
{
	unsigned n = ksc_count(), bad = 0;

	is_uint(n, 289, "289 syscalls in LTTng 2.13.9's x86-64 table");
	is_ptr_null(ksc_at(n), "ksc_at(count) is NULL");
	is_ptr_null(ksc_at(~0u), "ksc_at(UINT_MAX) is NULL");
	for (unsigned i = 0; i < n; i++) {
		const struct ksc_syscall *s = ksc_at(i);

		if (!s || !s->name || s->nargs > 6) {
			diag("row %u: malformed", i);
			bad++;
			continue;
		}
		if (i && strcmp(ksc_at(i - 1)->name, s->name) >= 0) {
			diag("row %u: %s not after %s", i, s->name, ksc_at(i - 1)->name);
			bad++;
		}
		if (ksc_lookup(s->name) != s) {
			diag("row %u: lookup(%s) does not find it", i, s->name);
			bad++;
		}
		for (unsigned a = 0; a < 6; a++) {
			const struct ksc_arg *g = &s->args[a];
			bool used = a < s->nargs;

			if (used ? !g->name || g->dir < KSC_IN || g->dir > KSC_INOUT
				 : g->name != NULL || g->dir != 0) {
				diag("%s: argument %u malformed", s->name, a);
				bad++;
			}
			for (unsigned b = 0; used && b < a; b++)
				if (!strcmp(s->args[b].name, g->name)) {
					diag("%s: argument name %s twice", s->name, g->name);
					bad++;
				}
		}
	}
	is_uint(bad, 0, "every row sorted, found by lookup, arguments named and directed");
}

/* Arguments in an ftrace sys_enter_X format: the fields after __syscall_nr. */
static int ftrace_nargs(const char *dir, const char *event, char names[6][64])
{
	char path[512], line[512];
	int n = 0, after_nr = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/format", dir, event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *field = strstr(line, "field:"), *semi, *name;

		if (!field || !(semi = strchr(field, ';')))
			continue;
		*semi = '\0';
		name = strrchr(field, ' ');
		name = name ? name + 1 : field + 6;
		name[strcspn(name, "[")] = '\0';
		if (!strcmp(name, "__syscall_nr")) {
			after_nr = 1;
			continue;
		}
		if (!after_nr)
			continue;
		if (n < 6)
			snprintf(names[n], 64, "%s", name);
		n++;
	}
	fclose(f);
	return n;
}

static void against_ftrace(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing/events/syscalls",
					     "/sys/kernel/debug/tracing/events/syscalls" };
	const char *root = NULL;
	DIR *d = NULL;
	struct dirent *e;
	unsigned ftrace_total = 0, compared = 0, bad = 0, unknown = 0;
	char unknown_list[4096] = "";

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && !d; i++)
		if ((d = opendir(roots[i])))
			root = roots[i];
	if (!d) {
		skip(3, "tracefs events/syscalls not readable (mount -t tracefs nodev "
			"/sys/kernel/tracing, as root)");
		return;
	}
	while ((e = readdir(d))) {
		char names[6][64];
		const char *sc;
		const struct ksc_syscall *s;
		int n;

		if (strncmp(e->d_name, "sys_enter_", 10))
			continue;
		sc = e->d_name + 10;
		ftrace_total++;
		n = ftrace_nargs(root, e->d_name, names);
		if (n < 0) {
			diag("%s/%s/format: unreadable", root, e->d_name);
			bad++;
			continue;
		}
		s = ksc_lookup(sc);
		if (!s) {
			size_t len = strlen(unknown_list);

			snprintf(unknown_list + len, sizeof(unknown_list) - len, " %s", sc);
			unknown++;
			continue;
		}
		compared++;
		/* LTTng's clone event leaves out tls, the last x86-64 argument. */
		if (!strcmp(sc, "clone") ? (n != 5 || s->nargs != 4) : (unsigned)n != s->nargs) {
			diag("%s: ftrace %d arguments, LTTng %u", sc, n, s->nargs);
			bad++;
			continue;
		}
		for (unsigned i = 0; i < s->nargs; i++)
			if (strcmp(names[i], s->args[i].name))
				diag("%s: argument %u is %s in ftrace, %s in LTTng", sc, i, names[i],
				     s->args[i].name);
	}
	closedir(d);
	diag("%s: %u syscalls, %u known to LTTng 2.13.9, %u unknown:%s", root, ftrace_total,
	     compared, unknown, unknown_list);
	ok(ftrace_total > 0, "ftrace lists syscalls (%u)", ftrace_total);
	ok(compared > 200, "most of them are in LTTng's table (%u)", compared);
	is_uint(bad, 0, "same argument count in ftrace and LTTng (clone: LTTng has no tls)");
}

int main(void)
{
	facts();
	shape();
	against_ftrace();
	done_testing();
	return exit_status();
}
