/* Fuzz target: Python distribution metadata (plugins/python): the
 * METADATA / PKG-INFO header reader (pkginfo.c), the PEP 440 and PEP 503
 * spelling (pyversion.c) of what it finds, and the path rules (layout.c)
 * with the input taken as a path.
 *
 * Beyond "no crash, no overread", it checks properties that any input must
 * keep: header values lie inside the input; a header section cut short
 * names its line and reason; a canonical version is a fixed point (its own
 * canonical form) and fits the documented bound; a normalised name is never
 * longer than the name and holds no uppercase ASCII letter, "_", "." or "--".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/python/layout.h"
#include "../../plugins/python/pkginfo.h"
#include "../../plugins/python/pyversion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_VERSION 4096 /* longer inputs are still parsed as headers */

static void inside(const struct pkginfo_value *v, const char *data, size_t size)
{
	if (v->ptr != NULL &&
	    (v->ptr < data || v->ptr > data + size || v->len > (size_t)(data + size - v->ptr)))
		abort();
}

static void check_version(const char *s, size_t n)
{
	char *out = malloc(PYVERSION_CANONICAL_MAX(n)), *again;
	long len;

	if (out == NULL)
		return;
	len = pyversion_canonical(s, n, out, PYVERSION_CANONICAL_MAX(n));
	if (len >= 0) {
		if ((size_t)len >= PYVERSION_CANONICAL_MAX(n) || strlen(out) != (size_t)len)
			abort();
		again = malloc(PYVERSION_CANONICAL_MAX((size_t)len));
		if (again != NULL) {
			if (pyversion_canonical(out, (size_t)len, again,
						PYVERSION_CANONICAL_MAX((size_t)len)) != len ||
			    memcmp(out, again, (size_t)len) != 0)
				abort(); /* the canonical form must be its own canonical form */
			free(again);
		}
	}
	free(out);
}

static void check_name(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t len;

	if (out == NULL)
		return;
	len = pyname_normalize(s, n, out);
	if (len > n || out[len] != '\0')
		abort();
	for (size_t i = 0; i < len; i++)
		if ((out[i] >= 'A' && out[i] <= 'Z') || out[i] == '_' || out[i] == '.' ||
		    (i > 0 && out[i] == '-' && out[i - 1] == '-'))
			abort();
	free(out);
}

static void check_path(const char *data, size_t size)
{
	char *path = malloc(size + 1);

	if (path == NULL)
		return;
	if (size > 0) /* data may be NULL for empty input */
		memcpy(path, data, size);
	path[size] = '\0';
	(void)pylayout_entry(path);
	(void)pylayout_distro_owned(path, PYLAYOUT_RPM);
	(void)pylayout_distro_owned(path, PYLAYOUT_DPKG);
	if (pylayout_distro_owned(path, PYLAYOUT_NO_DISTRO) || pylayout_parent_len(path) > strlen(path))
		abort();
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct pkginfo info;
	struct pkginfo_value name, version;

	pkginfo_parse(text, size, &info);
	inside(&info.name, text, size);
	inside(&info.version, text, size);
	inside(&info.metadata_version, text, size);
	if ((info.bad_line == 0) != (info.bad_what == NULL))
		abort();
	name = pkginfo_trim(info.name);
	version = pkginfo_trim(info.version);
	inside(&name, text, size);
	inside(&version, text, size);
	if (name.ptr != NULL) {
		(void)pkginfo_is_text(name.ptr, name.len);
		check_name(name.ptr, name.len);
	}
	if (version.ptr != NULL)
		check_version(version.ptr, version.len);
	check_version(text, size < MAX_VERSION ? size : MAX_VERSION);
	check_path(text, size < MAX_VERSION ? size : MAX_VERSION);
	(void)pkginfo_is_text(text, size);
	return 0;
}
