/* Metadata entries and distro-owned trees; see layout.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "layout.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive: does [s, s+n) end with suffix (lowercase)? */
static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	if (n < m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (lower((unsigned char)s[n - m + i]) != suffix[i])
			return 0;
	return 1;
}

static int equals_ci(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && ends_with_ci(s, n, word);
}

unsigned long pylayout_parent_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (unsigned long)(slash - path) : 0;
}

enum pylayout_entry pylayout_entry(const char *path)
{
	size_t plen = pylayout_parent_len(path);
	const char *base = plen ? path + plen + 1 : path;
	size_t blen = strlen(base);

	if (strncmp(base, ".wh.", 4) == 0)
		return PYLAYOUT_NONE;
	if (ends_with_ci(base, blen, ".dist-info"))
		return PYLAYOUT_DIST_INFO;
	if (ends_with_ci(base, blen, ".egg-info"))
		return PYLAYOUT_EGG_INFO;
	if (plen > 0 && equals_ci(base, blen, "egg-info") && ends_with_ci(path, plen, ".egg"))
		return PYLAYOUT_EGG;
	return PYLAYOUT_NONE;
}

/* fnmatch of "lib*": the component starts with "lib". */
static int component_is(const char *c, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(c, want, n) == 0;
}

/* "python2" / "python3", then for RPM a "." and anything. */
static int python_dir(const char *c, size_t n, enum pylayout_distro distro)
{
	if (n < 7 || memcmp(c, "python", 6) != 0 || (c[6] != '2' && c[6] != '3'))
		return 0;
	if (distro == PYLAYOUT_RPM)
		return n >= 8 && c[7] == '.';
	return n == 7;
}

int pylayout_distro_owned(const char *path, enum pylayout_distro distro)
{
	const char *c[3], *p = path;
	size_t len[3];

	if (distro == PYLAYOUT_NO_DISTRO)
		return 0;
	for (int i = 0; i < 3; i++) {
		const char *slash = strchr(p, '/');

		if (slash == NULL)
			return 0; /* fewer than four components: not strictly below */
		c[i] = p;
		len[i] = (size_t)(slash - p);
		p = slash + 1;
	}
	return *p != '\0' && component_is(c[0], len[0], "usr") && len[1] >= 3 &&
	       memcmp(c[1], "lib", 3) == 0 && python_dir(c[2], len[2], distro);
}
