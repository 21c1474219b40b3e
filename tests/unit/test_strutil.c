/* Tests for core/strutil.c (checked parsers, bounded copies, the growable
 * buffer) and core/error.c (structured errors and their printing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strutil.h"
#include "../tap.h"

static void test_parse_int64(void)
{
	int64_t v;

	is_int(parse_int64("0", &v), CLARO_OK, "int64: 0");
	is_int(v, 0, "int64: 0 value");
	is_int(parse_int64("-42", &v), CLARO_OK, "int64: negative");
	is_int(v, -42, "int64: -42 value");
	is_int(parse_int64("+7", &v), CLARO_OK, "int64: explicit plus");
	is_int(v, 7, "int64: +7 value");
	is_int(parse_int64("9223372036854775807", &v), CLARO_OK, "int64: INT64_MAX");
	ok(v == INT64_MAX, "int64: INT64_MAX value");
	is_int(parse_int64("-9223372036854775808", &v), CLARO_OK, "int64: INT64_MIN");
	ok(v == INT64_MIN, "int64: INT64_MIN value");
	v = 5;
	is_int(parse_int64("9223372036854775808", &v), CLARO_ERR_TOO_LARGE, "int64: INT64_MAX + 1 overflows");
	is_int(parse_int64("-9223372036854775809", &v), CLARO_ERR_TOO_LARGE,
	       "int64: INT64_MIN - 1 overflows");
	is_int(parse_int64("99999999999999999999999", &v), CLARO_ERR_TOO_LARGE, "int64: far past the range");
	is_int(v, 5, "int64: output untouched on failure");
	is_int(parse_int64("", &v), CLARO_ERR_INVALID, "int64: empty");
	is_int(parse_int64(NULL, &v), CLARO_ERR_INVALID, "int64: NULL");
	is_int(parse_int64(" 1", &v), CLARO_ERR_INVALID, "int64: leading blank");
	is_int(parse_int64("1 ", &v), CLARO_ERR_INVALID, "int64: trailing blank");
	is_int(parse_int64("12a", &v), CLARO_ERR_INVALID, "int64: trailing junk");
	is_int(parse_int64("0x10", &v), CLARO_ERR_INVALID, "int64: decimal only");
	is_int(parse_int64("-", &v), CLARO_ERR_INVALID, "int64: sign alone");
}

static void test_parse_uint64(void)
{
	uint64_t v;

	is_int(parse_uint64("18446744073709551615", &v), CLARO_OK, "uint64: UINT64_MAX");
	ok(v == UINT64_MAX, "uint64: UINT64_MAX value");
	is_int(parse_uint64("18446744073709551616", &v), CLARO_ERR_TOO_LARGE,
	       "uint64: UINT64_MAX + 1 overflows");
	is_int(parse_uint64("-1", &v), CLARO_ERR_INVALID,
	       "uint64: negative refused (strtoull would wrap it)");
	is_int(parse_uint64("+1", &v), CLARO_ERR_INVALID, "uint64: sign refused");
	is_int(parse_uint64("", &v), CLARO_ERR_INVALID, "uint64: empty");
}

static void test_parse_bool(void)
{
	static const char *const yes[] = {"true", "TRUE", "yes", "Yes", "on", "ON", "1"};
	static const char *const no[] = {"false", "False", "no", "NO", "off", "Off", "0"};
	static const char *const bad[] = {"", "maybe", " true", "true ", "2", "y", "enabled"};
	int v;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = -1;
		ok(parse_bool(yes[i], &v) == CLARO_OK && v == 1, "bool: \"%s\" is true", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = -1;
		ok(parse_bool(no[i], &v) == CLARO_OK && v == 0, "bool: \"%s\" is false", no[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_bool(bad[i], &v), CLARO_ERR_INVALID, "bool: \"%s\" refused", bad[i]);
	is_int(parse_bool(NULL, &v), CLARO_ERR_INVALID, "bool: NULL refused");
}

static void test_parse_duration(void)
{
	static const struct {
		const char *text;
		int64_t seconds;
	} good[] = {
	    {"0", 0},         {"90", 90},
	    {"90s", 90},      {"15m", 900},
	    {"6h", 21600},    {"2d", 172800},
	    {"1h30m", 5400},  {"1d2h3m4s", 93784},
	    {"90m30s", 5430}, {"9223372036854775807", INT64_MAX},
	};
	static const char *const bad[] = {"", "h", "10x", "1.5h", "-5s", " 5s", "5s ", "5 s", "1h 30m", "s5"};
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		ok(parse_duration(good[i].text, &v) == CLARO_OK && v == good[i].seconds,
		   "duration: \"%s\" = %lld s", good[i].text, (long long)good[i].seconds);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_duration(bad[i], &v), CLARO_ERR_INVALID, "duration: \"%s\" refused", bad[i]);
	is_int(parse_duration("9223372036854775808", &v), CLARO_ERR_TOO_LARGE,
	       "duration: past INT64_MAX seconds");
	is_int(parse_duration("999999999999999999d", &v), CLARO_ERR_TOO_LARGE, "duration: days overflow");
	is_int(parse_duration("99999999999999999999", &v), CLARO_ERR_TOO_LARGE, "duration: digits overflow");
	is_int(parse_duration(NULL, &v), CLARO_ERR_INVALID, "duration: NULL");
}

static void test_parse_size(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
	    {"0", 0},
	    {"1048576", 1048576},
	    {"512k", 512 * 1024},
	    {"512K", 512 * 1024},
	    {"64M", 64u << 20},
	    {"64m", 64u << 20},
	    {"1G", 1u << 30},
	    {"2MB", 2u << 20},
	    {"3kb", 3 * 1024},
	    {"16777215G", 16777215ull << 30},
	};
	static const char *const bad[] = {"", "k", "1T", "1.5M", " 1k", "1k ", "-1", "1 M", "1MiB"};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		ok(parse_size(good[i].text, &v) == CLARO_OK && v == good[i].bytes, "size: \"%s\"",
		   good[i].text);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_size(bad[i], &v), CLARO_ERR_INVALID, "size: \"%s\" refused", bad[i]);
	is_int(parse_size("17179869184G", &v), CLARO_ERR_TOO_LARGE, "size: 2^64 bytes overflows");
	is_int(parse_size("18446744073709551616", &v), CLARO_ERR_TOO_LARGE, "size: digits overflow");
	is_int(parse_size("18446744073709551615", &v), CLARO_OK, "size: UINT64_MAX bytes");
	ok(v == UINT64_MAX, "size: UINT64_MAX value");
}

static void test_strings(void)
{
	char small[6], *s, *big;
	struct buf b = BUF_INIT(0);

	is_int(str_copy(small, sizeof(small), "abc"), CLARO_OK, "str_copy: fits");
	is_str(small, "abc", "str_copy: copied");
	is_int(str_copy(small, sizeof(small), "abcdef"), CLARO_ERR_TOO_LARGE, "str_copy: one too many");
	is_str(small, "abcde", "str_copy: truncated and terminated");
	is_int(str_copy(small, 0, "a"), CLARO_ERR_TOO_LARGE, "str_copy: no room at all");

	s = str_printf("%s-%d-%05.1f", "x", 42, 3.14159);
	is_str(s, "x-42-003.1", "str_printf formats");
	free(s);
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "ab");
	big = str_printf("[%s]", b.data);
	ok(big && strlen(big) == 10002 && big[0] == '[' && big[10001] == ']' && big[5000] == 'b',
	   "str_printf: a 10 kB result is complete");
	free(big);
	buf_free(&b);
	ok(str_dup(NULL) == NULL, "str_dup(NULL) is NULL");
	s = str_ndup("abcdef", 3);
	is_str(s, "abc", "str_ndup takes n bytes");
	free(s);
	ok(str_has_prefix("claro.db", "claro") && !str_has_prefix("cl", "claro"), "str_has_prefix");
	ok(str_has_suffix("claro.db", ".db") && !str_has_suffix("db", "claro.db"), "str_has_suffix");
}

static void test_buf(void)
{
	struct buf b = BUF_INIT(10), grow = BUF_INIT(0);
	char *s;
	int intact = 1;

	is_int(buf_append(&b, "0123456789", 10), CLARO_OK, "buf: exactly max bytes fit");
	is_int(b.len, 10, "buf: len");
	is_int(buf_append(&b, "x", 1), CLARO_ERR_TOO_LARGE, "buf: one byte past max is CLARO_ERR_TOO_LARGE");
	is_int(b.len, 10, "buf: len unchanged after refusal");
	is_str(b.data, "0123456789", "buf: content intact and terminated");
	is_int(buf_printf(&b, "%d", 1), CLARO_ERR_TOO_LARGE, "buf_printf respects max");
	buf_reset(&b);
	is_int(b.len, 0, "buf_reset empties");
	is_str(b.data, "", "buf_reset leaves an empty string");
	is_int(buf_printf(&b, "%s=%d", "k", 7), CLARO_OK, "buf_printf after reset");
	s = buf_steal(&b);
	is_str(s, "k=7", "buf_steal hands the data over");
	ok(b.data == NULL && b.len == 0, "buf_steal resets the buffer");
	free(s);
	s = buf_steal(&b);
	ok(s && *s == '\0', "buf_steal of an empty buffer is \"\", not NULL");
	free(s);

	for (int i = 0; i < 20000; i++)
		if (buf_printf(&grow, "%04d", i % 10000) != CLARO_OK)
			intact = 0;
	ok(intact && grow.len == 80000, "buf grows to 80000 bytes");
	ok(memcmp(grow.data + 4 * 12345, "2345", 4) == 0 && grow.data[grow.len] == '\0',
	   "buf content correct after many reallocations");
	buf_free(&grow);
	ok(grow.data == NULL && grow.len == 0, "buf_free clears");
	buf_free(&b);
}

static char *print_error(const struct error *e, const char *prog)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (!fp)
		return NULL;
	error_print(e, fp, prog);
	fclose(fp);
	return out;
}

static void test_error(void)
{
	struct error e = ERROR_INIT, moved = ERROR_INIT;
	char *out;

	is_int(error_set(&e, CLARO_ERR_STORE, "could not open store \"%s\"", "x.db"), CLARO_ERR_STORE,
	       "error_set returns the status");
	is_int(e.status, CLARO_ERR_STORE, "error_set sets the status");
	is_str(e.message, "could not open store \"x.db\"", "error_set formats the message");
	ok(e.detail == NULL && e.hint == NULL, "no detail or hint yet");
	error_detail(&e, "The file is locked by process %d.", 42);
	error_hint(&e, "Stop the other %s.", "clarod");
	is_str(e.detail, "The file is locked by process 42.", "error_detail");
	is_str(e.hint, "Stop the other clarod.", "error_hint");

	out = print_error(&e, "clarod");
	is_str(out,
	       "clarod: could not open store \"x.db\"\n  detail: The file is locked by process 42.\n"
	       "  hint: Stop the other clarod.\n",
	       "error_print: three parts");
	free(out);

	error_prefix(&e, "indexer %d", 2);
	is_str(e.message, "indexer 2: could not open store \"x.db\"", "error_prefix");
	is_str(e.detail, "The file is locked by process 42.", "error_prefix keeps the detail");

	error_move(&moved, &e);
	is_int(moved.status, CLARO_ERR_STORE, "error_move: status moved");
	is_str(moved.message, "indexer 2: could not open store \"x.db\"", "error_move: message moved");
	ok(e.status == CLARO_OK && !e.message && !e.detail && !e.hint, "error_move: source cleared");

	error_set(&moved, CLARO_ERR_INVALID, "bad input");
	ok(moved.detail == NULL && moved.hint == NULL, "error_set replaces: old detail and hint dropped");
	out = print_error(&moved, NULL);
	is_str(out, "bad input\n", "error_print: no program, no detail, no hint");
	free(out);

	error_clear(&moved);
	moved.status = CLARO_ERR_TIMEOUT;
	out = print_error(&moved, "claroctl");
	is_str(out, "claroctl: timed out\n", "error_print without a message uses the status text");
	free(out);
	error_prefix(&moved, "fetch");
	is_str(moved.message, "fetch: timed out", "error_prefix without a message uses the status text");
	error_clear(&moved);

	is_int(error_set(NULL, CLARO_ERR_IO, "ignored"), CLARO_ERR_IO,
	       "error_set(NULL) still returns the status");
	is_str(status_name(CLARO_ERR_CONFIG), "CLARO_ERR_CONFIG", "status_name");
	is_str(status_text(CLARO_ERR_NOMEM), "out of memory", "status_text");
	is_str(status_name((enum claro_status)999), "CLARO_ERR_UNKNOWN", "status_name out of range");
	is_str(status_text((enum claro_status)999), "unknown error", "status_text out of range");
	for (int st = CLARO_OK; st <= CLARO_STATUS_MAX; st++)
		ok(status_name((enum claro_status)st) != NULL && status_text((enum claro_status)st) != NULL,
		   "status %d has a name and a text", st);
	error_clear(&e);
}

int main(void)
{
	plan_no_plan();
	test_parse_int64();
	test_parse_uint64();
	test_parse_bool();
	test_parse_duration();
	test_parse_size();
	test_strings();
	test_buf();
	test_error();
	return done_testing();
}
