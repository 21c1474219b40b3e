/* Whiteouts against package databases; see dbwhiteout.h for the rules.
 * Paths are compared as (pointer, length) slices of the caller's strings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "dbwhiteout.h"

#define WH_PREFIX     ".wh."
#define WH_PREFIX_LEN (sizeof(WH_PREFIX) - 1)
#define WH_OPAQUE     ".wh..wh..opq"

struct slice {
	const char *p;
	size_t n;
};

/* Directory-shaped databases whose kind says which file inside holds the
 * packages (the rpm scanner's "bdb:", "sqlite:" and "ndb:" databases). */
static const struct {
	const char *kind;
	const char *file;
} db_files[] = {
    {"bdb", "Packages"},
    {"sqlite", "rpmdb.sqlite"},
    {"ndb", "Packages.db"},
};

/* Layer paths are relative, but tolerate "/", "./" and trailing slashes. */
static struct slice trim_path(const char *s, size_t n)
{
	struct slice out;

	for (;;) {
		if (n >= 1 && s[0] == '/') {
			s++;
			n--;
		} else if (n >= 2 && s[0] == '.' && s[1] == '/') {
			s += 2;
			n -= 2;
		} else {
			break;
		}
	}
	if (n == 1 && s[0] == '.')
		n = 0;
	while (n > 0 && s[n - 1] == '/')
		n--;
	out.p = s;
	out.n = n;
	return out;
}

static int slice_eq(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.n == n && memcmp(a.p, s, n) == 0;
}

static int is_kind_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* "bdb:var/lib/rpm" -> kind "bdb", path "var/lib/rpm"; a string without a
 * kind prefix (no ':' before the first '/') is all path. */
static void split_db(const char *db, struct slice *kind, struct slice *path)
{
	size_t i = 0;

	while (db[i] && is_kind_char(db[i]))
		i++;
	if (i > 0 && db[i] == ':') {
		kind->p = db;
		kind->n = i;
		db += i + 1;
	} else {
		kind->p = db;
		kind->n = 0;
	}
	*path = trim_path(db, strlen(db));
}

/* path equals dir, or lies below it; an empty dir is the layer root, which
 * holds everything. */
static int at_or_under(struct slice path, struct slice dir)
{
	if (dir.n == 0)
		return 1;
	if (path.n < dir.n || memcmp(path.p, dir.p, dir.n) != 0)
		return 0;
	return path.n == dir.n || path.p[dir.n] == '/';
}

/* path equals dir + "/" + name (or name at the root), or lies below it. */
static int at_or_under_child(struct slice path, struct slice dir, struct slice name)
{
	struct slice rest = path;

	if (dir.n > 0) {
		if (path.n <= dir.n || memcmp(path.p, dir.p, dir.n) != 0 || path.p[dir.n] != '/')
			return 0;
		rest.p = path.p + dir.n + 1;
		rest.n = path.n - dir.n - 1;
	}
	if (rest.n < name.n || memcmp(rest.p, name.p, name.n) != 0)
		return 0;
	return rest.n == name.n || rest.p[name.n] == '/';
}

/* The whiteout deletes the file the directory-shaped database keeps its
 * packages in. */
static int covers_db_file(struct slice kind, struct slice db, struct slice dir, struct slice name)
{
	if (kind.n == 0 || dir.n != db.n || memcmp(dir.p, db.p, db.n) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(db_files) / sizeof(db_files[0]); i++)
		if (slice_eq(kind, db_files[i].kind))
			return slice_eq(name, db_files[i].file);
	return 0;
}

static const char *last_slash(struct slice s)
{
	for (size_t i = s.n; i > 0; i--)
		if (s.p[i - 1] == '/')
			return s.p + i - 1;
	return NULL;
}

int dbwhiteout_covers(const char *whiteout_path, const char *package_db)
{
	struct slice wh, dir, base, name, kind, db;
	const char *slash;

	if (!whiteout_path || !package_db)
		return 0;
	split_db(package_db, &kind, &db);
	if (db.n == 0)
		return 0;
	wh = trim_path(whiteout_path, strlen(whiteout_path));
	slash = last_slash(wh);
	dir.p = wh.p;
	dir.n = slash ? (size_t)(slash - wh.p) : 0;
	base.p = slash ? slash + 1 : wh.p;
	base.n = wh.n - (size_t)(base.p - wh.p);
	if (base.n <= WH_PREFIX_LEN || memcmp(base.p, WH_PREFIX, WH_PREFIX_LEN) != 0)
		return 0;
	if (slice_eq(base, WH_OPAQUE))
		return at_or_under(db, dir);
	name.p = base.p + WH_PREFIX_LEN;
	name.n = base.n - WH_PREFIX_LEN;
	if (name.n >= WH_PREFIX_LEN && memcmp(name.p, WH_PREFIX, WH_PREFIX_LEN) == 0)
		return 0; /* another AUFS marker (.wh..wh.plnk, .wh..wh.aufs) */
	return at_or_under_child(db, dir, name) || covers_db_file(kind, db, dir, name);
}
