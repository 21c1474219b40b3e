/* enrich: finding and checking CVE ids (cveid.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cveid.h"

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is(char c, char lc)
{
	return c == lc || c == lc - 'a' + 'A';
}

/* The length of a match starting at s[i], or 0. */
static size_t match_at(const char *s, size_t n, size_t i)
{
	size_t j = i, k;

	if (j + 13 > n || !is(s[j], 'c') || !is(s[j + 1], 'v') || !is(s[j + 2], 'e'))
		return 0;
	j += 3;
	if (s[j] != '-' && s[j] != '_')
		return 0;
	for (k = 1; k <= 4; k++)
		if (!digit(s[j + k]))
			return 0;
	j += 5;
	if (s[j] != '-' && s[j] != '_')
		return 0;
	j++;
	for (k = 0; j + k < n && digit(s[j + k]); k++)
		;
	return k >= 4 ? j + k - i : 0;
}

int cve_find(const char *s, size_t n, size_t *pos, size_t *start, size_t *len)
{
	for (size_t i = *pos; s && i < n; i++) {
		size_t l = match_at(s, n, i);
		if (l) {
			*start = i;
			*len = l;
			*pos = i + l;
			return 1;
		}
	}
	*pos = n;
	return 0;
}

int cve_valid(const char *s, size_t n)
{
	size_t k;

	if (n < 13 || n > CVE_MAX_LEN || s[0] != 'C' || s[1] != 'V' || s[2] != 'E' || s[3] != '-' ||
	    s[8] != '-')
		return 0;
	for (k = 4; k < 8; k++)
		if (!digit(s[k]))
			return 0;
	for (k = 9; k < n; k++)
		if (!digit(s[k]))
			return 0;
	return 1;
}
