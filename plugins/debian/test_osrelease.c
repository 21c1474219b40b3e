/* Unit test of the shared os-release parser (plugins/common/osrelease.c).
 *
 * 1. Clair's own parse expectations: each claircore txtar case in
 *    $CLARO_TESTDATA/pkgdb/osrelease/claircore/txtar holds an "os-release"
 *    section and the "Parsed" JSON object claircore's parser produced; the
 *    parser must give exactly those keys and values.
 * 2. The quoting rules of reference §4.3, the error reports (line and
 *    reason) and the lookup semantics, on inputs written here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "osrelease.h"
#include "../../tests/tap.h"

/* a + "/" + b, malloc'd; NULL when out of memory. */
static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s != NULL) {
		memcpy(s, a, la);
		s[la] = '/';
		memcpy(s + la + 1, b, lb + 1);
	}
	return s;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(fp);
	return buf;
}

/* The body of txtar section name: [*start, *end). 0 if absent. */
static int txtar_section(const char *txt, const char *name, const char **start, const char **end)
{
	char marker[64];
	const char *p, *next;

	if (strlen(name) > sizeof(marker) - 8)
		return 0;
	snprintf(marker, sizeof(marker), "-- %s --\n", name);
	if ((p = strstr(txt, marker)) == NULL)
		return 0;
	*start = p + strlen(marker);
	next = strstr(*start, "\n-- ");
	*end = next != NULL ? next + 1 : *start + strlen(*start);
	return 1;
}

static void check_txtar(const char *dir, const char *name)
{
	size_t len = 0;
	char *path = join(dir, name), *txt;
	const char *os_start, *os_end, *js_start, *js_end;
	struct osrelease rel;
	struct osrelease_error perr;
	json_t *want;
	json_error_t jerr;
	const char *key;
	json_t *value;
	int mismatches = 0;
	size_t distinct = 0;

	txt = path != NULL ? read_all(path, &len) : NULL;
	free(path);
	if (txt == NULL || !txtar_section(txt, "os-release", &os_start, &os_end) ||
	    !txtar_section(txt, "Parsed", &js_start, &js_end)) {
		ok(0, "%s: has os-release and Parsed sections", name);
		free(txt);
		return;
	}
	want = json_loadb(js_start, (size_t)(js_end - js_start), 0, &jerr);
	if (!ok(want != NULL && json_is_object(want), "%s: Parsed is a JSON object", name)) {
		json_decref(want);
		free(txt);
		return;
	}
	if (!ok(osrelease_parse(os_start, (size_t)(os_end - os_start), &rel, &perr) == CLARO_OK, "%s: parses",
		name)) {
		diag("line %zu: %s", perr.line, perr.reason ? perr.reason : "?");
		json_decref(want);
		free(txt);
		return;
	}
	json_object_foreach(want, key, value)
	{
		const char *got = osrelease_get(&rel, key);

		if (got == NULL || !json_is_string(value) || strcmp(got, json_string_value(value)) != 0) {
			diag("%s: %s = \"%s\", Clair has \"%s\"", name, key, got ? got : "(absent)",
			     json_is_string(value) ? json_string_value(value) : "(not a string)");
			mismatches++;
		}
	}
	for (size_t i = 0; i < rel.count; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (strcmp(rel.entries[i].key, rel.entries[j].key) == 0)
				break;
		if (j == i)
			distinct++;
	}
	ok(mismatches == 0 && distinct == json_object_size(want),
	   "%s: the %zu keys and values equal claircore's (%zu keys parsed)", name, json_object_size(want),
	   distinct);
	osrelease_free(&rel);
	json_decref(want);
	free(txt);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void clair_cases(void)
{
	char *dir = join(testdata_dir(), "pkgdb/osrelease/claircore/txtar");
	DIR *d;
	struct dirent *de;
	char *names[256];
	size_t n = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		ok(0, "Clair's txtar cases are readable at %s", dir ? dir : "(out of memory)");
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 6 && strcmp(de->d_name + l - 6, ".txtar") == 0 &&
		    (names[n] = malloc(l + 1)) != NULL) {
			memcpy(names[n], de->d_name, l + 1);
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	ok(n >= 10, "found %zu of Clair's txtar cases", n);
	for (size_t i = 0; i < n; i++) {
		check_txtar(dir, names[i]);
		free(names[i]);
	}
	free(dir);
}

static void value_is(const char *input, const char *key, const char *want, const char *what)
{
	struct osrelease rel;
	struct osrelease_error perr;

	if (osrelease_parse(input, strlen(input), &rel, &perr) != CLARO_OK) {
		ok(0, "%s (parse failed at line %zu: %s)", what, perr.line, perr.reason);
		return;
	}
	is_str(osrelease_get(&rel, key), want, "%s", what);
	osrelease_free(&rel);
}

static void fails_at(const char *input, size_t len, size_t line, const char *reason_part, const char *what)
{
	struct osrelease rel;
	struct osrelease_error perr;
	enum claro_status st = osrelease_parse(input, len, &rel, &perr);

	ok(st == CLARO_ERR_INVALID && perr.line == line && perr.reason != NULL &&
	       strstr(perr.reason, reason_part) != NULL && rel.count == 0,
	   "%s: invalid at line %zu (%s)", what, perr.line, perr.reason ? perr.reason : "no reason");
	osrelease_free(&rel); /* safe on the emptied result */
}

static void rules(void)
{
	struct osrelease rel;
	struct osrelease_error perr;

	value_is("ID=debian\n", "ID", "debian", "bare value");
	value_is("NAME=\"Debian GNU/Linux\"\n", "NAME", "Debian GNU/Linux", "double quotes removed");
	value_is("NAME='Debian GNU/Linux'\n", "NAME", "Debian GNU/Linux", "single quotes removed");
	value_is("X='it'\\''s'\n", "X", "it's", "'\\'' inside single quotes is a quote");
	value_is("X='a \\\" $b'\n", "X", "a \\\" $b", "nothing is special inside single quotes");
	value_is("X=\"a \\\"q\\\" \\$v \\`c\\` \\\\ \\n\"\n", "X", "a \"q\" $v `c` \\ \\n",
		 "double quotes: \\\" \\$ \\` \\\\ unescaped, other backslashes kept");
	value_is("X=\"\\\\$\"\n", "X", "\\$", "escapes are read left to right, without overlap");
	value_is("X=\"\\\\\\\"\"\n", "X", "\\\\",
		 "every trailing quote goes before unescaping, an escaped one too (claircore's TrimFunc)");
	value_is("  KEY =  value  \r\n", "KEY", "value", "blanks around key and value and a CR are trimmed");
	value_is("# ID=comment\n\n   \nID=real\n", "ID", "real", "comments and blank lines are skipped");
	value_is("ID=first\nID=second\n", "ID", "second", "the last assignment wins");
	value_is("EMPTY=\n", "EMPTY", "", "an empty value");
	value_is("E=\"\"\n", "E", "", "an empty quoted value");
	value_is("X=a=b\n", "X", "a=b", "only the first '=' separates");
	value_is("ID=no-newline-at-end", "ID", "no-newline-at-end", "last line without a newline");
	value_is("id=lower\n", "ID", NULL, "keys are case-sensitive");

	ok(osrelease_parse("", 0, &rel, &perr) == CLARO_OK && rel.count == 0,
	   "empty input is valid and empty");
	osrelease_free(&rel);
	ok(osrelease_parse(NULL, 0, &rel, &perr) == CLARO_OK && rel.count == 0,
	   "NULL with length 0 is empty");
	osrelease_free(&rel);

	fails_at("ID=x\ninvalid\n", 12, 2, "'='", "a line without '='");
	fails_at("ID=x\n\n=value\n", 13, 3, "empty key", "an empty key");
	fails_at("ID=x\0y\n", 7, 0, "NUL", "a NUL byte");
}

int main(void)
{
	plan_no_plan();
	clair_cases();
	rules();
	return done_testing();
}
