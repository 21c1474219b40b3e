/* release: Alpine release detection from os-release and issue files (see
 * release.h for claircore's rules).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "release.h"

#define ISSUE_MARKER      "Alpine Linux "
#define ISSUE_EDGE_SUFFIX " (edge)"

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *dup_s(const char *s)
{
	return dup_n(s, strlen(s));
}

void alpine_release_clear(struct alpine_release *rel)
{
	free(rel->did);
	free(rel->name);
	free(rel->version);
	free(rel->pretty_name);
	memset(rel, 0, sizeof(*rel));
}

/* Fill *rel from borrowed strings; all-or-nothing. */
static enum claro_status set_release(struct alpine_release *rel, const char *name, const char *version,
				     size_t version_len, const char *pretty_name)
{
	rel->did = dup_s(ALPINE_DID);
	rel->name = dup_s(name);
	rel->version = dup_n(version, version_len);
	rel->pretty_name = dup_s(pretty_name);
	if (!rel->did || !rel->name || !rel->version || !rel->pretty_name) {
		alpine_release_clear(rel);
		return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}

static const char *get_or_empty(const struct osrelease *osr, const char *key)
{
	const char *v = osrelease_get(osr, key);
	return v ? v : "";
}

enum claro_status alpine_release_from_os_release(const char *data, size_t len, struct alpine_release *rel,
						 struct osrelease_error *perr)
{
	struct osrelease osr;
	const char *id, *version_id, *pretty, *dot;
	enum claro_status status;

	memset(rel, 0, sizeof(*rel));
	if ((status = osrelease_parse(data, len, &osr, perr)) != CLARO_OK)
		return status;
	id = osrelease_get(&osr, "ID");
	version_id = get_or_empty(&osr, "VERSION_ID");
	pretty = get_or_empty(&osr, "PRETTY_NAME");
	dot = strrchr(version_id, '.');
	if (id && strcmp(id, ALPINE_DID) == 0 && dot) {
		if (strcmp(pretty, ALPINE_EDGE_PRETTY_NAME) == 0)
			status = set_release(rel, get_or_empty(&osr, "NAME"), ALPINE_EDGE,
					     strlen(ALPINE_EDGE), pretty);
		else
			status = set_release(rel, get_or_empty(&osr, "NAME"), version_id,
					     (size_t)(dot - version_id), pretty);
	}
	osrelease_free(&osr);
	return status;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_word(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static size_t span(const char *p, size_t n, int (*pred)(char))
{
	size_t i = 0;

	while (i < n && pred(p[i]))
		i++;
	return i;
}

/* Does "<digits>.<word chars> (edge)" start at p? */
static int edge_at(const char *p, size_t n)
{
	size_t i = span(p, n, is_digit), w;

	if (i == 0 || i >= n || p[i] != '.')
		return 0;
	i++;
	if ((w = span(p + i, n - i, is_word)) == 0)
		return 0;
	i += w;
	return n - i >= sizeof(ISSUE_EDGE_SUFFIX) - 1 &&
	       memcmp(p + i, ISSUE_EDGE_SUFFIX, sizeof(ISSUE_EDGE_SUFFIX) - 1) == 0;
}

/* Length of "<digits>.<digits>" at p, or 0. */
static size_t version_at(const char *p, size_t n)
{
	size_t i = span(p, n, is_digit), d;

	if (i == 0 || i >= n || p[i] != '.')
		return 0;
	i++;
	if ((d = span(p + i, n - i, is_digit)) == 0)
		return 0;
	return i + d;
}

/* The next occurrence of ISSUE_MARKER at or after *pos, or NULL. */
static const char *next_marker(const char *data, size_t len, size_t *pos)
{
	const size_t m = sizeof(ISSUE_MARKER) - 1;

	for (; *pos + m <= len; (*pos)++) {
		if (memcmp(data + *pos, ISSUE_MARKER, m) == 0) {
			const char *after = data + *pos + m;
			(*pos)++;
			return after;
		}
	}
	return NULL;
}

enum claro_status alpine_release_from_issue(const char *data, size_t len, struct alpine_release *rel)
{
	const char *p;
	size_t pos = 0, vlen;
	char *pretty;
	enum claro_status status;

	memset(rel, 0, sizeof(*rel));
	/* claircore tries the edge pattern over the whole file first. */
	while ((p = next_marker(data, len, &pos)) != NULL) {
		if (edge_at(p, len - (size_t)(p - data)))
			return set_release(rel, ALPINE_NAME, ALPINE_EDGE, strlen(ALPINE_EDGE),
					   ALPINE_EDGE_PRETTY_NAME);
	}
	pos = 0;
	while ((p = next_marker(data, len, &pos)) != NULL) {
		if ((vlen = version_at(p, len - (size_t)(p - data))) == 0)
			continue;
		/* "Alpine Linux v" + version */
		if (!(pretty = malloc(sizeof(ALPINE_NAME " v") + vlen)))
			return CLARO_ERR_NOMEM;
		memcpy(pretty, ALPINE_NAME " v", sizeof(ALPINE_NAME " v") - 1);
		memcpy(pretty + sizeof(ALPINE_NAME " v") - 1, p, vlen);
		pretty[sizeof(ALPINE_NAME " v") - 1 + vlen] = '\0';
		status = set_release(rel, ALPINE_NAME, p, vlen, pretty);
		free(pretty);
		return status;
	}
	return CLARO_OK;
}
