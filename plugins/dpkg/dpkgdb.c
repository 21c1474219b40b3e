/* dpkg status / status.d parsing; see dpkgdb.h for the rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dpkgdb.h"

#include <stdlib.h>
#include <string.h>

#include "rfc822.h"

static char *dup_span(const char *start, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, start, n);
		s[n] = '\0';
	}
	return s;
}

static char *dup_str(const char *s)
{
	return dup_span(s, strlen(s));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when the whitespace-separated words of status include word. */
static int has_word(const char *status, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = status;

	while (*p) {
		const char *start;

		while (*p && is_space(*p))
			p++;
		start = p;
		while (*p && !is_space(*p))
			p++;
		if ((size_t)(p - start) == wlen && memcmp(start, word, wlen) == 0)
			return 1;
	}
	return 0;
}

static int status_installed(const struct rfc822_paragraph *para)
{
	const char *status = rfc822_get(para, "Status");

	return status != NULL && has_word(status, "ok") && has_word(status, "installed");
}

static int is_vcpkg(const struct rfc822_paragraph *para)
{
	return rfc822_get(para, "Port-Version") != NULL || rfc822_get(para, "Default-Features") != NULL ||
	       rfc822_get(para, "Feature") != NULL;
}

static void pkg_free(struct dpkg_pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->src_name);
	free(p->src_version);
	memset(p, 0, sizeof(*p));
}

/* Split "name" or "name (version)" into owned strings; a missing or empty
 * part falls back to the binary's. */
static enum claro_status split_source(const char *source, const struct dpkg_pkg *bin, char **name,
				      char **version)
{
	const char *p = source, *nstart, *nend, *vstart = NULL, *vend = NULL;

	*name = *version = NULL;
	while (*p && is_space(*p))
		p++;
	nstart = p;
	while (*p && !is_space(*p) && *p != '(')
		p++;
	nend = p;
	while (*p && is_space(*p))
		p++;
	if (*p == '(') {
		const char *close = strchr(p + 1, ')');

		vstart = p + 1;
		vend = close != NULL ? close : vstart + strlen(vstart);
		while (vstart < vend && is_space(*vstart))
			vstart++;
		while (vend > vstart && is_space(vend[-1]))
			vend--;
	}
	*name = nend > nstart ? dup_span(nstart, (size_t)(nend - nstart)) : dup_str(bin->name);
	*version = vstart != NULL && vend > vstart ? dup_span(vstart, (size_t)(vend - vstart))
						   : dup_str(bin->version);
	if (*name == NULL || *version == NULL) {
		free(*name);
		free(*version);
		*name = *version = NULL;
		return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}

static enum claro_status make_pkg(const struct rfc822_paragraph *para, struct dpkg_pkg *p)
{
	const char *arch = rfc822_get(para, "Architecture");
	const char *source = rfc822_get(para, "Source");

	memset(p, 0, sizeof(*p));
	p->name = dup_str(rfc822_get(para, "Package"));
	p->version = dup_str(rfc822_get(para, "Version"));
	p->arch = dup_str(arch != NULL ? arch : "");
	if (p->name == NULL || p->version == NULL || p->arch == NULL ||
	    split_source(source != NULL ? source : "", p, &p->src_name, &p->src_version) != CLARO_OK) {
		pkg_free(p);
		return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}

static enum claro_status list_append(struct dpkg_list *list, struct dpkg_pkg *p)
{
	if (list->count == list->capacity) {
		size_t cap = list->capacity ? list->capacity * 2 : 64;
		struct dpkg_pkg *grown;

		if (cap > ((size_t)-1) / sizeof(*grown))
			return CLARO_ERR_NOMEM;
		grown = realloc(list->items, cap * sizeof(*grown));
		if (grown == NULL)
			return CLARO_ERR_NOMEM;
		list->items = grown;
		list->capacity = cap;
	}
	list->items[list->count++] = *p;
	return CLARO_OK;
}

/* Drop what this parse appended (entries from index start on). */
static void list_truncate(struct dpkg_list *list, size_t start)
{
	while (list->count > start)
		pkg_free(&list->items[--list->count]);
}

/* Handle one well-formed paragraph. Returns CLARO_OK, CLARO_ERR_INVALID,
 * CLARO_ERR_NOMEM, or CLARO_ERR_UNSUPPORTED for "this is vcpkg". */
static enum claro_status take_paragraph(const struct rfc822_paragraph *para, enum dpkgdb_mode mode,
					struct dpkg_list *out, struct dpkgdb_report *rep)
{
	struct dpkg_pkg p;
	const char *missing = NULL;
	enum claro_status st;

	/* dpkg rejects a database with a nameless entry whatever its status;
	 * Version it only requires of packages that are (partly) installed. */
	if (rfc822_get(para, "Package") == NULL || *rfc822_get(para, "Package") == '\0')
		missing = "Package";
	else if (mode == DPKGDB_STATUS && !status_installed(para))
		return CLARO_OK;
	else if (rfc822_get(para, "Version") == NULL || *rfc822_get(para, "Version") == '\0')
		missing = "Version";
	if (missing != NULL) {
		if (is_vcpkg(para))
			return CLARO_ERR_UNSUPPORTED;
		if (mode == DPKGDB_DISTROLESS) {
			rep->incomplete++;
			return CLARO_OK;
		}
		rep->invalid_line = para->first_line;
		rep->invalid_field = missing;
		return CLARO_ERR_INVALID;
	}
	if ((st = make_pkg(para, &p)) != CLARO_OK)
		return st;
	if ((st = list_append(out, &p)) != CLARO_OK)
		pkg_free(&p);
	return st;
}

enum claro_status dpkgdb_parse(const char *data, size_t len, enum dpkgdb_mode mode, struct dpkg_list *out,
			       struct dpkgdb_report *rep)
{
	struct rfc822_reader rd;
	size_t start = out->count;

	memset(rep, 0, sizeof(*rep));
	rfc822_reader_init(&rd, data, len);
	for (;;) {
		struct rfc822_paragraph para;
		struct rfc822_error perr = {0, NULL};
		enum claro_status st = rfc822_next(&rd, &para, &perr);

		if (st == CLARO_ERR_NOT_FOUND)
			return CLARO_OK;
		if (st == CLARO_ERR_INVALID) {
			if (rep->malformed++ == 0) {
				rep->first_bad_line = perr.line;
				rep->first_bad_reason = perr.reason;
			}
			continue;
		}
		if (st != CLARO_OK) {
			list_truncate(out, start);
			return st;
		}
		rep->paragraphs++;
		st = take_paragraph(&para, mode, out, rep);
		rfc822_paragraph_free(&para);
		if (st == CLARO_ERR_UNSUPPORTED) {
			list_truncate(out, start);
			rep->not_dpkg = 1;
			return CLARO_OK;
		}
		if (st != CLARO_OK) {
			list_truncate(out, start);
			return st;
		}
	}
}

static int pkg_cmp(const void *a, const void *b)
{
	const struct dpkg_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->version, y->version);
}

void dpkg_list_sort(struct dpkg_list *list)
{
	if (list->count > 1)
		qsort(list->items, list->count, sizeof(list->items[0]), pkg_cmp);
}

void dpkg_list_free(struct dpkg_list *list)
{
	list_truncate(list, 0);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
