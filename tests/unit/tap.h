/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP (Test Anything Protocol) producer for the unit tests.
 *
 *   plan(n);                         "1..n" up front (or done_testing() at the end)
 *   ok(cond, "fmt", ...);            plain assertion
 *   is_int(got, expected, "...");    signed compare, prints both sides on failure
 *   is_uint / is_hex / is_str / is_mem / is_ptr_null / isnt_ptr_null
 *   skip(n, "reason", ...);          n test points not run: "ok N # SKIP reason"
 *   diag("fmt", ...);                "# ..." comment line
 *   return exit_status();            0 when every test passed and the plan was met
 *
 * Everything is static inline so a test binary is just one .c file plus this header.
 */
#ifndef TESTS_UNIT_TAP_H
#define TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_state {
	unsigned planned; /* 0: no plan announced yet */
	unsigned run;
	unsigned failed;
};

static struct tap_state tap_state_;

__attribute__((format(printf, 1, 0))) static inline void tap_vdiag(const char *fmt, va_list ap)
{
	char line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* Every output line of a diagnostic must start with '#'. */
	for (char *p = line, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		printf("# %s\n", p);
		if (!nl)
			break;
	}
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

static inline void plan(unsigned count)
{
	tap_state_.planned = count;
	printf("1..%u\n", count);
	fflush(stdout);
}

/* Reports one test point; returns its truth so callers can add diagnostics. */
__attribute__((format(printf, 4, 0))) static inline bool tap_vreport(bool pass, const char *file,
								      int line, const char *fmt,
								      va_list ap)
{
	char desc[1024];

	vsnprintf(desc, sizeof(desc), fmt, ap);
	for (char *p = desc; *p; p++)
		if (*p == '\n' || *p == '#')
			*p = ' '; /* keep the description on one line, no directive */
	tap_state_.run++;
	if (!pass)
		tap_state_.failed++;
	printf("%sok %u - %s\n", pass ? "" : "not ", tap_state_.run, desc);
	if (!pass)
		printf("#   Failed test at %s line %d\n", file, line);
	fflush(stdout);
	return pass;
}

__attribute__((format(printf, 4, 5))) static inline bool tap_ok(bool pass, const char *file,
								int line, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 7, 8))) static inline bool
tap_is_int(long long got, long long expected, const char *got_expr, const char *expected_expr,
	   const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vreport(got == expected, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("  %s\n       got: %lld\n  expected: %lld (%s)", got_expr, got, expected,
		     expected_expr);
	return r;
}

__attribute__((format(printf, 8, 9))) static inline bool
tap_is_uint(unsigned long long got, unsigned long long expected, bool hex, const char *got_expr,
	    const char *expected_expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vreport(got == expected, file, line, fmt, ap);
	va_end(ap);
	if (!r && hex)
		diag("  %s\n       got: 0x%llx\n  expected: 0x%llx (%s)", got_expr, got, expected,
		     expected_expr);
	else if (!r)
		diag("  %s\n       got: %llu\n  expected: %llu (%s)", got_expr, got, expected,
		     expected_expr);
	return r;
}

__attribute__((format(printf, 6, 7))) static inline bool
tap_is_str(const char *got, const char *expected, const char *got_expr, const char *file,
	   int line, const char *fmt, ...)
{
	bool pass = (!got && !expected) || (got && expected && strcmp(got, expected) == 0);
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("  %s\n       got: %s%s%s\n  expected: %s%s%s", got_expr, got ? "\"" : "",
		     got ? got : "(null)", got ? "\"" : "", expected ? "\"" : "",
		     expected ? expected : "(null)", expected ? "\"" : "");
	return pass;
}

static inline void tap_hexdump(const char *label, const void *data, size_t len)
{
	const unsigned char *p = data;
	char line[3 * 32 + 1];
	size_t shown = len < 64 ? len : 64;

	for (size_t off = 0; off < shown; off += 32) {
		size_t n = shown - off < 32 ? shown - off : 32;

		for (size_t i = 0; i < n; i++)
			snprintf(line + 3 * i, 4, "%02x ", p[off + i]);
		diag("  %s+%zu: %s", label, off, line);
	}
	if (shown < len)
		diag("  %s: ... (%zu bytes in all)", label, len);
}

__attribute__((format(printf, 7, 8))) static inline bool
tap_is_mem(const void *got, size_t got_len, const void *expected, size_t expected_len,
	   const char *file, int line, const char *fmt, ...)
{
	bool pass = got_len == expected_len &&
		    (got_len == 0 || (got && expected && memcmp(got, expected, got_len) == 0));
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag("  lengths: got %zu, expected %zu", got_len, expected_len);
		if (got && got_len && expected && expected_len) {
			size_t common = got_len < expected_len ? got_len : expected_len;
			size_t first = 0;

			while (first < common &&
			       ((const unsigned char *) got)[first] ==
				       ((const unsigned char *) expected)[first])
				first++;
			diag("  first difference at byte %zu", first);
		}
		if (got)
			tap_hexdump("got", got, got_len);
		if (expected)
			tap_hexdump("expected", expected, expected_len);
	}
	return pass;
}

/* Reports count test points as skipped (TAP's "ok N # SKIP reason"): for checks that
 * cannot run here (e.g. they need root), so that they are neither passed nor lost. */
__attribute__((format(printf, 2, 3))) static inline void skip(unsigned count, const char *fmt,
							       ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	for (char *p = reason; *p; p++)
		if (*p == '\n')
			*p = ' ';
	for (unsigned i = 0; i < count; i++) {
		tap_state_.run++;
		printf("ok %u # SKIP %s\n", tap_state_.run, reason);
	}
	fflush(stdout);
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define pass(...) tap_ok(true, __FILE__, __LINE__, __VA_ARGS__)
#define fail(...) tap_ok(false, __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, expected, ...)                                                          \
	tap_is_int((long long) (got), (long long) (expected), #got, #expected, __FILE__,     \
		   __LINE__, __VA_ARGS__)
#define is_uint(got, expected, ...)                                                         \
	tap_is_uint((unsigned long long) (got), (unsigned long long) (expected), false, #got, \
		    #expected, __FILE__, __LINE__, __VA_ARGS__)
#define is_hex(got, expected, ...)                                                          \
	tap_is_uint((unsigned long long) (got), (unsigned long long) (expected), true, #got,  \
		    #expected, __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, expected, ...)                                                          \
	tap_is_str((got), (expected), #got, __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, got_len, expected, expected_len, ...)                                   \
	tap_is_mem((got), (got_len), (expected), (expected_len), __FILE__, __LINE__,         \
		   __VA_ARGS__)
#define is_ptr_null(p, ...) tap_ok((p) == NULL, __FILE__, __LINE__, __VA_ARGS__)
#define isnt_ptr_null(p, ...) tap_ok((p) != NULL, __FILE__, __LINE__, __VA_ARGS__)

/* Ends a test without an up-front plan. */
static inline void done_testing(void)
{
	if (!tap_state_.planned) {
		tap_state_.planned = tap_state_.run;
		printf("1..%u\n", tap_state_.run);
		fflush(stdout);
	}
}

/* Aborts the whole test file (e.g. a fixture could not be built). */
__attribute__((noreturn, format(printf, 1, 2))) static inline void bail_out(const char *fmt,
									     ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", reason);
	fflush(stdout);
	exit(255);
}

/* 0 when the plan was met and nothing failed; otherwise 1 (failures or plan mismatch). */
static inline int exit_status(void)
{
	if (!tap_state_.planned)
		done_testing();
	if (tap_state_.run != tap_state_.planned) {
		diag("Looks like you planned %u tests but ran %u.", tap_state_.planned,
		     tap_state_.run);
		return 1;
	}
	if (tap_state_.failed) {
		diag("Looks like you failed %u test%s of %u.", tap_state_.failed,
		     tap_state_.failed == 1 ? "" : "s", tap_state_.run);
		return 1;
	}
	return 0;
}

#endif
