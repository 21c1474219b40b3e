/* A small TAP producer for claro's unit tests (Test Anything Protocol 13).
 *
 *   plan(3);   or   plan_no_plan(); ... done_testing();
 *   ok(x == 1, "x is one");
 *   is_int(got, want, "count");  is_str(got, want, "name");
 *   skip_all("no PostgreSQL server binaries");
 *   return exit_status();
 *
 * Header-only: each test program includes it once.
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_TESTS_TAP_H
#define CLARO_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_run_, tap_failed_, tap_planned_ = -1;

static inline void plan(int n)
{
	tap_planned_ = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void plan_no_plan(void)
{
	tap_planned_ = -1;
}

static inline void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	fflush(stdout);
	exit(0);
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline int tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_run_++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run_);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond) {
		tap_failed_++;
		printf("#   Failed at %s line %d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                           \
	do {                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		if (!ok(g_ == w_, __VA_ARGS__))                          \
			diag("  got: %lld\n#   expected: %lld", g_, w_); \
	} while (0)

#define is_str(got, want, ...)                                                                           \
	do {                                                                                             \
		const char *g_ = (got), *w_ = (want);                                                    \
		int eq_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                                   \
		if (!ok(eq_, __VA_ARGS__))                                                               \
			diag("  got: '%s'\n#   expected: '%s'", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define like(got, needle, ...)                                                             \
	do {                                                                               \
		const char *g_ = (got), *n_ = (needle);                                    \
		if (!ok(g_ && strstr(g_, n_) != NULL, __VA_ARGS__))                        \
			diag("  '%s'\n#   does not contain '%s'", g_ ? g_ : "(null)", n_); \
	} while (0)

static inline int done_testing(void)
{
	if (tap_planned_ < 0)
		printf("1..%d\n", tap_run_);
	fflush(stdout);
	return tap_failed_ || (tap_planned_ >= 0 && tap_planned_ != tap_run_) ? 1 : 0;
}

static inline int exit_status(void)
{
	return done_testing();
}

/* The test data root: $CLARO_TESTDATA, else ../shared/testdata relative to
 * the source tree (srcdir is passed by the harness as $srcdir). */
static inline const char *testdata_dir(void)
{
	static char path[4096];
	const char *env = getenv("CLARO_TESTDATA");
	const char *src = getenv("srcdir");

	if (env && *env)
		return env;
	snprintf(path, sizeof(path), "%s/../shared/testdata", src && *src ? src : ".");
	return path;
}

#endif /* CLARO_TESTS_TAP_H */
