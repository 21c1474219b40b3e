/* Unit test of the dpkg database parser (plugins/dpkg/dpkgdb.c) and the
 * deb822 reader under it (plugins/common/rfc822.c): the Status filter, the
 * Source field forms, required fields and the vcpkg exception, malformed
 * entries (skipped, with the line and reason reported), continuation lines,
 * sorting. The end-to-end comparison with dpkg-query is test-dpkg.sh.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "dpkgdb.h"
#include "rfc822.h"
#include "../../tests/tap.h"

static enum claro_status parse(const char *text, enum dpkgdb_mode mode, struct dpkg_list *list,
			       struct dpkgdb_report *rep)
{
	memset(list, 0, sizeof(*list));
	return dpkgdb_parse(text, strlen(text), mode, list, rep);
}

/* "name version arch src srcversion;" for every package, in list order. */
static const char *render(const struct dpkg_list *list)
{
	static char buf[4096];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < list->count && off < sizeof(buf); i++) {
		const struct dpkg_pkg *p = &list->items[i];
		int n = snprintf(buf + off, sizeof(buf) - off, "%s %s %s %s %s;", p->name, p->version,
				 p->arch, p->src_name, p->src_version);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

static void status_filter(void)
{
	struct dpkg_list l;
	struct dpkgdb_report r;
	const char *db = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
			 "Package: b\nStatus: hold ok installed\nVersion: 2\nArchitecture: all\n\n"
			 "Package: c\nStatus: deinstall ok config-files\nVersion: 3\n\n"
			 "Package: d\nStatus: install reinstreq installed\nVersion: 4\n\n"
			 "Package: e\nStatus: install ok unpacked\nVersion: 5\n\n"
			 "Package: f\nVersion: 6\n\n"
			 "Package: g\nStatus: install ok half-installed\nVersion: 7\n";

	ok(parse(db, DPKGDB_STATUS, &l, &r) == CLARO_OK && r.paragraphs == 7, "status file parses");
	is_str(render(&l), "a 1 amd64 a 1;b 2 all b 2;", "only 'ok' + 'installed' entries are kept");
	dpkg_list_free(&l);
	ok(parse(db, DPKGDB_DISTROLESS, &l, &r) == CLARO_OK && l.count == 7,
	   "distroless mode keeps every entry (%zu)", l.count);
	dpkg_list_free(&l);
}

static void source_forms(void)
{
	struct dpkg_list l;
	struct dpkgdb_report r;

	parse("Package: libssl3\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u2\nSource: openssl\n\n"
	      "Package: libselinux1\nStatus: install ok installed\nVersion: 3.4-1+b6\nSource: libselinux "
	      "(3.4-1)\n\n"
	      "Package: odd\nStatus: install ok installed\nVersion: 1\nSource: src  (  2  )  \n\n"
	      "Package: unclosed\nStatus: install ok installed\nVersion: 1\nSource: s (9\n\n"
	      "Package: empty-version\nStatus: install ok installed\nVersion: 5\nSource: s ()\n",
	      DPKGDB_STATUS, &l, &r);
	dpkg_list_sort(&l);
	is_str(render(&l),
	       "empty-version 5  s 5;libselinux1 3.4-1+b6  libselinux 3.4-1;libssl3 3.0.11-1~deb12u2  "
	       "openssl 3.0.11-1~deb12u2;odd 1  src 2;unclosed 1  s 9;",
	       "Source: name, name (version), spacing, no architecture, sorted by name");
	dpkg_list_free(&l);
}

static void required_fields(void)
{
	struct dpkg_list l;
	struct dpkgdb_report r;

	ok(parse("Package: a\nStatus: install ok installed\nVersion: 1\n\n"
		 "Status: install ok installed\nVersion: 2\n",
		 DPKGDB_STATUS, &l, &r) == CLARO_ERR_INVALID &&
	       l.count == 0 && r.invalid_line == 5 && strcmp(r.invalid_field, "Package") == 0,
	   "an entry without Package: invalid, line 5, nothing kept");
	dpkg_list_free(&l);
	ok(parse("Package: a\nStatus: install ok installed\n", DPKGDB_STATUS, &l, &r) == CLARO_ERR_INVALID &&
	       strcmp(r.invalid_field, "Version") == 0,
	   "an installed entry without Version is invalid");
	dpkg_list_free(&l);
	ok(parse("Package: a\nStatus: deinstall ok config-files\n", DPKGDB_STATUS, &l, &r) == CLARO_OK &&
	       l.count == 0,
	   "Version is not required of removed packages");
	dpkg_list_free(&l);
	ok(parse("Package: a\nVersion: 1\n\nPackage: b\n\nPackage:\nVersion: 2\n", DPKGDB_DISTROLESS, &l,
		 &r) == CLARO_OK &&
	       l.count == 1 && r.incomplete == 2,
	   "distroless: incomplete entries are skipped and counted");
	dpkg_list_free(&l);
	ok(parse("Package: zlib\nVersion: 1.2\nArchitecture: x64-windows\nStatus: install ok installed\n\n"
		 "Package: curl\nFeature: ssl\nArchitecture: x64-windows\nStatus: install ok installed\n",
		 DPKGDB_STATUS, &l, &r) == CLARO_OK &&
	       r.not_dpkg && l.count == 0,
	   "vcpkg status file: not a dpkg database, nothing kept, no error");
	dpkg_list_free(&l);
}

static void malformed(void)
{
	struct dpkg_list l;
	struct dpkgdb_report r;

	ok(parse("Package: a\nStatus: install ok installed\nVersion: 1\n\n"
		 "Package: b\nthis line has no colon\nStatus: install ok installed\nVersion: 2\n\n"
		 " continuation first\n\n"
		 "Package: c\nStatus: install ok installed\nVersion: 3\n",
		 DPKGDB_STATUS, &l, &r) == CLARO_OK,
	   "malformed entries do not fail the file");
	is_str(render(&l), "a 1  a 1;c 3  c 3;", "the entries around them are read");
	ok(r.malformed == 2 && r.first_bad_line == 6 && strstr(r.first_bad_reason, "colon") != NULL,
	   "two skipped, the first at line 6 (%zu, %s)", r.first_bad_line, r.first_bad_reason);
	dpkg_list_free(&l);
	ok(parse("Package: a\nStat us: x\n", DPKGDB_STATUS, &l, &r) == CLARO_OK && r.malformed == 1 &&
	       strstr(r.first_bad_reason, "blank") != NULL,
	   "a field name with a blank is malformed");
	dpkg_list_free(&l);
	ok(dpkgdb_parse("Package: a\0\nVersion: 1\n", 24, DPKGDB_DISTROLESS, &l, &r) == CLARO_OK &&
	       l.count == 0 && r.malformed == 1 && strstr(r.first_bad_reason, "NUL") != NULL,
	   "a NUL byte makes the entry malformed");
	dpkg_list_free(&l);
}

static void deb822_reader(void)
{
	struct rfc822_reader rd;
	struct rfc822_paragraph p;
	struct rfc822_error e;
	const char *text =
	    "\n\n\nPackage: a\nDescription: short\n long line\n .\n\tindented\nVERSION:   1  \n"
	    "\n   \n\nPackage: b\n";

	rfc822_reader_init(&rd, text, strlen(text));
	ok(rfc822_next(&rd, &p, &e) == CLARO_OK && p.first_line == 4 && p.count == 3,
	   "first paragraph at line 4");
	is_str(rfc822_get(&p, "description"), "short\nlong line\n.\nindented", "continuation lines joined");
	is_str(rfc822_get(&p, "Version"), "1", "names match in any case, values trimmed");
	rfc822_paragraph_free(&p);
	ok(rfc822_next(&rd, &p, &e) == CLARO_OK && p.first_line == 13,
	   "blank-only lines separate paragraphs");
	rfc822_paragraph_free(&p);
	ok(rfc822_next(&rd, &p, &e) == CLARO_ERR_NOT_FOUND, "then the end");
}

int main(void)
{
	plan_no_plan();
	status_filter();
	source_forms();
	required_fields();
	malformed();
	deb822_reader();
	return done_testing();
}
