/* dists: Debian suites from a mirror's dists/ index and Release files (see
 * dists.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "dists.h"

int dists_suite_from_link(const char *href, size_t len, char out[DISTS_NAME_MAX])
{
	size_t start;

	if (len < 2 || href[len - 1] != '/')
		return 0;
	len--;
	start = len;
	while (start > 0 && href[start - 1] != '/')
		start--;
	if (len - start == 0 || len - start >= DISTS_NAME_MAX)
		return 0;
	for (size_t i = start; i < len; i++)
		if (href[i] < 'a' || href[i] > 'z')
			return 0;
	memcpy(out, href + start, len - start);
	out[len - start] = '\0';
	return strcmp(out, "experimental") != 0;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '+';
}

int dists_parse_release(const char *data, size_t len, char codename[DISTS_NAME_MAX], int *major)
{
	size_t i = 0;
	int have_codename = 0, have_version = 0;

	while (i < len) {
		size_t eol = i, colon, vs, ve;

		while (eol < len && data[eol] != '\n')
			eol++;
		if (eol == i || (eol == i + 1 && data[i] == '\r'))
			break; /* a blank line ends the first paragraph */
		/* "Key: value"; continuation lines (leading blank) belong to the key before. */
		for (colon = i; colon < eol && data[colon] != ':'; colon++)
			;
		if (data[i] != ' ' && data[i] != '\t' && colon < eol) {
			vs = colon + 1;
			while (vs < eol && (data[vs] == ' ' || data[vs] == '\t'))
				vs++;
			ve = eol;
			while (ve > vs &&
			       (data[ve - 1] == '\r' || data[ve - 1] == ' ' || data[ve - 1] == '\t'))
				ve--;
			if (colon - i == 8 && memcmp(data + i, "Codename", 8) == 0) {
				size_t n = ve - vs;
				size_t k;

				for (k = vs; k < ve && is_name_char(data[k]); k++)
					;
				if (n > 0 && n < DISTS_NAME_MAX && k == ve && data[vs] >= 'a' &&
				    data[vs] <= 'z') {
					memcpy(codename, data + vs, n);
					codename[n] = '\0';
					have_codename = 1;
				}
			} else if (colon - i == 7 && memcmp(data + i, "Version", 7) == 0) {
				long v = 0;
				size_t k = vs;

				while (k < ve && data[k] >= '0' && data[k] <= '9' && v < 100000)
					v = v * 10 + (data[k++] - '0');
				if (k > vs && v < 100000 && (k == ve || data[k] == '.')) {
					*major = (int)v;
					have_version = 1;
				}
			}
		}
		i = eol + 1;
	}
	return have_codename && have_version;
}

void dists_release_init(struct dists_release *r, const char *codename, int major)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->codename, sizeof(r->codename), "%s", codename);
	r->major = major;
	snprintf(r->version_id, sizeof(r->version_id), "%d", major);
	snprintf(r->version, sizeof(r->version), "%d (%s)", major, r->codename);
	snprintf(r->pretty_name, sizeof(r->pretty_name), "Debian GNU/Linux %d (%s)", major, r->codename);
}

void dists_release_record(const struct dists_release *r, struct claro_distribution *out)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->did = "debian";
	out->name = "Debian GNU/Linux";
	out->version_id = r->version_id;
	out->version = r->version;
	out->version_code_name = r->codename;
	out->pretty_name = r->pretty_name;
}
