/* Unit test of the python plugin's pure parts: the METADATA / PKG-INFO
 * header reader (pkginfo.c), PEP 440 / PEP 503 spelling (pyversion.c) and
 * the path rules (layout.c). The expectations are the documented rules of
 * Python's email parser (compat32), PEP 440 and claircore's scanner; the
 * comparisons with the real tools (importlib.metadata, packaging) are in
 * test-python.sh, which also drives the two filter modes:
 *
 *   test_pkginfo canonical   each stdin line -> its PEP 440 form, or "!invalid"
 *   test_pkginfo name        each stdin line -> its PEP 503 form
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "pkginfo.h"
#include "pyversion.h"
#include "../../tests/tap.h"

static char value_buf[4][256];

/* A value as a string ("<absent>" when absent); slot: which buffer. */
static const char *val(struct pkginfo_value v, int slot)
{
	char *b = value_buf[slot];

	if (v.ptr == NULL)
		return "<absent>";
	snprintf(b, sizeof(value_buf[slot]), "%.*s", (int)v.len, v.ptr);
	return b;
}

static void parse(const char *text, struct pkginfo *info)
{
	pkginfo_parse(text, strlen(text), info);
}

static void test_headers(void)
{
	struct pkginfo i;

	parse("Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n\nName: body\n", &i);
	is_str(val(i.name, 0), "requests", "Name");
	is_str(val(i.version, 1), "2.31.0", "Version");
	is_str(val(i.metadata_version, 2), "2.1", "Metadata-Version");
	is_int(i.bad_line, 0, "a well-formed file has no bad line");

	parse("name: a\nVERSION: 1\n", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && strcmp(val(i.version, 1), "1") == 0,
	   "keys compare case-insensitively");

	parse("Name: first\nVersion: 1\nVersion: 2\nName: second\n", &i);
	ok(strcmp(val(i.name, 0), "first") == 0 && strcmp(val(i.version, 1), "1") == 0,
	   "the first of repeated keys counts");

	parse("Name: a\r\nVersion: 1.0\r\n\r\n", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && strcmp(val(i.version, 1), "1.0") == 0, "CRLF line ends");

	parse("Name: a\rVersion: 1.0\r", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && strcmp(val(i.version, 1), "1.0") == 0, "CR line ends");

	parse("\xef\xbb\xbfName: bom\nVersion: 1\n", &i);
	is_str(val(i.name, 0), "bom", "a UTF-8 byte order mark is skipped");

	parse("Name:\t  spaced  \nVersion:1\n", &i);
	is_str(val(i.name, 0), "spaced  ", "leading blanks of a value are dropped, trailing ones kept");
	is_str(val(pkginfo_trim(i.name), 0), "spaced", "pkginfo_trim drops both");
	is_str(val(i.version, 1), "1", "no blank after the colon");

	parse("Name: long\n  name\nVersion: 1\n", &i);
	is_str(val(i.name, 0), "long\n  name", "a continuation line joins the value, line break kept");

	parse("  orphan\nName: a\nVersion: 1\n", &i);
	is_str(val(i.name, 0), "a", "a continuation without a header is ignored");

	parse("From someone\nName: a\nFrom x\n  not a continuation of Name\nVersion: 1\n", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && strcmp(val(i.version, 1), "1") == 0,
	   "\"From \" lines are ignored and end the header before them");

	parse(": nothing\nName: a\nVersion: 1\n", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && i.bad_line == 0, "a line with an empty key is dropped");

	parse("Name: a\nthis is no header\nVersion: 1\n", &i);
	ok(strcmp(val(i.name, 0), "a") == 0 && i.version.ptr == NULL, "a malformed line ends the headers");
	is_int(i.bad_line, 2, "and is reported by number");
	ok(i.bad_what != NULL, "with a reason");

	parse("Name : a\nVersion: 1\n", &i);
	ok(i.name.ptr == NULL && i.bad_line == 1 && strstr(i.bad_what, "blank") != NULL,
	   "a blank inside a key is malformed");

	parse("", &i);
	ok(i.name.ptr == NULL && i.version.ptr == NULL && i.bad_line == 0, "empty input: nothing, no error");

	pkginfo_parse("Name: a\0b\nVersion: 1\n", 20, &i);
	ok(i.name.len == 3 && !pkginfo_is_text(i.name.ptr, i.name.len), "a NUL in a value is not text");

	ok(pkginfo_is_text("caf\xc3\xa9", 5), "UTF-8 is text");
	ok(!pkginfo_is_text("caf\xe9", 4), "Latin-1 is not");
	ok(!pkginfo_is_text("\xc0\xaf", 2), "an overlong encoding is not");
	ok(!pkginfo_is_text("\xed\xa0\x80", 3), "a UTF-16 surrogate is not");
	ok(!pkginfo_is_text("a\x01", 2), "a control character is not");
}

static const char *canon(const char *v)
{
	static char out[256];

	return pyversion_canonical(v, strlen(v), out, sizeof(out)) < 0 ? "!invalid" : out;
}

static void test_versions(void)
{
	/* PEP 440, "Normalization" section, one example per rule. */
	is_str(canon("1.0"), "1.0", "a final release");
	is_str(canon("1.1RC1"), "1.1rc1", "case");
	is_str(canon("00"), "0", "integers lose leading zeros");
	is_str(canon("1.0-a1"), "1.0a1", "pre-release separator");
	is_str(canon("1.0alpha1"), "1.0a1", "alpha -> a");
	is_str(canon("1.0b"), "1.0b0", "implicit pre-release number");
	is_str(canon("1.0c1"), "1.0rc1", "c -> rc");
	is_str(canon("1.0.post"), "1.0.post0", "implicit post-release number");
	is_str(canon("1.0-1"), "1.0.post1", "implicit post-release");
	is_str(canon("1.0rev2"), "1.0.post2", "rev -> post");
	is_str(canon("1.0-dev"), "1.0.dev0", "implicit development release number");
	is_str(canon("1.0+ubuntu-1"), "1.0+ubuntu.1", "local version separators");
	is_str(canon("v1.0"), "1.0", "preceding v");
	is_str(canon("  1.0\n"), "1.0", "surrounding whitespace");
	is_str(canon("0!1.0"), "1.0", "epoch 0 is not written");
	is_str(canon("2!1.0"), "2!1.0", "epoch");
	is_str(canon("1.0a1.post2.dev3+Local.007"), "1.0a1.post2.dev3+local.7", "every part");
	is_str(canon("xxx"), "!invalid", "claircore's bad version is invalid");
	is_str(canon(""), "!invalid", "empty is invalid");
	is_str(canon("1.0."), "!invalid", "a trailing dot is invalid");
	is_str(canon("1.0+"), "!invalid", "an empty local label is invalid");
	is_str(canon("1.0 1"), "!invalid", "inner blanks are invalid");
	{
		char small[4];
		ok(pyversion_canonical("1.0.0", 5, small, sizeof(small)) == -1, "a short buffer is an error");
	}
}

static const char *name(const char *n)
{
	static char out[256];

	pyname_normalize(n, strlen(n), out);
	return out;
}

static void test_names(void)
{
	is_str(name("Foo_Bar.baz"), "foo-bar-baz", "PEP 503");
	is_str(name("a-_.-b"), "a-b", "a run of separators is one dash");
	is_str(name("zope.interface"), "zope-interface", "dots");
	is_str(name("-x-"), "-x-", "leading and trailing separators stay (as PEP 503's regex does)");
}

static void test_layout(void)
{
	is_int(pylayout_entry("usr/lib/python3.11/site-packages/pip-23.0.dist-info"), PYLAYOUT_DIST_INFO,
	       "dist-info");
	is_int(pylayout_entry("x/Foo-1.0.DIST-INFO"), PYLAYOUT_DIST_INFO, "dist-info in any case");
	is_int(pylayout_entry("x/foo-1.0-py3.8.egg-info"), PYLAYOUT_EGG_INFO, "egg-info");
	is_int(pylayout_entry("x/foo-1.0-py3.8.egg/EGG-INFO"), PYLAYOUT_EGG, "egg/EGG-INFO");
	is_int(pylayout_entry("x/foo.EGG/egg-info"), PYLAYOUT_EGG, "egg/EGG-INFO in any case");
	is_int(pylayout_entry("x/foo/EGG-INFO"), PYLAYOUT_NONE, "EGG-INFO outside an .egg");
	is_int(pylayout_entry("EGG-INFO"), PYLAYOUT_NONE, "EGG-INFO at the root");
	is_int(pylayout_entry("x/.wh.foo-1.0.dist-info"), PYLAYOUT_NONE, "a whiteout is no entry");
	is_int(pylayout_entry("x/foo.dist-info/METADATA"), PYLAYOUT_NONE, "the file inside is not the entry");
	is_int(pylayout_parent_len("a/b/c.dist-info"), 3, "parent of a nested entry");
	is_int(pylayout_parent_len("c.dist-info"), 0, "parent of a root entry");

	ok(pylayout_distro_owned("usr/lib64/python3.9/site-packages/a.dist-info", PYLAYOUT_RPM),
	   "rpm: usr/lib64/python3.9 is owned");
	ok(pylayout_distro_owned("usr/lib/python2.7/x", PYLAYOUT_RPM), "rpm: usr/lib/python2.7 is owned");
	ok(!pylayout_distro_owned("usr/lib/python3/dist-packages/a.dist-info", PYLAYOUT_RPM),
	   "rpm: usr/lib/python3 is not");
	ok(!pylayout_distro_owned("usr/local/lib/python3.9/site-packages/a.dist-info", PYLAYOUT_RPM),
	   "rpm: usr/local is not");
	ok(!pylayout_distro_owned("usr/lib/python3.9", PYLAYOUT_RPM), "rpm: only what is below the tree");
	ok(pylayout_distro_owned("usr/lib/python3/dist-packages/a.dist-info", PYLAYOUT_DPKG),
	   "dpkg: usr/lib/python3 is owned");
	ok(!pylayout_distro_owned("usr/lib/python3.11/a.dist-info", PYLAYOUT_DPKG),
	   "dpkg: usr/lib/python3.11 is not");
	ok(!pylayout_distro_owned("opt/venv/lib/python3.11/site-packages/a.dist-info", PYLAYOUT_DPKG),
	   "dpkg: a virtualenv is not");
	ok(!pylayout_distro_owned("usr/lib/python3/a", PYLAYOUT_NO_DISTRO), "no distro: nothing is owned");
}

/* Filter stdin line by line through fn. */
static int filter(int canonical)
{
	char line[8192];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strlen(line);
		char out[PYVERSION_CANONICAL_MAX(sizeof(line))];

		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (canonical) {
			if (pyversion_canonical(line, n, out, sizeof(out)) < 0)
				puts("!invalid");
			else
				puts(out);
		} else {
			pyname_normalize(line, n, out);
			puts(out);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "canonical") == 0)
		return filter(1);
	if (argc == 2 && strcmp(argv[1], "name") == 0)
		return filter(0);
	plan_no_plan();
	test_headers();
	test_versions();
	test_names();
	test_layout();
	return done_testing();
}
