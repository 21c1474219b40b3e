/* python: the package scanner for installed Python distributions (Clair's
 * "python" scanner, version 5, kind package; reference §4.1, §4.2). The
 * module also carries the python coalescer (coalescer.h) and the python
 * matcher (matcher.h).
 *
 * The whole layer is walked for metadata entries (layout.h: .dist-info,
 * .egg-info files and directories, .egg/EGG-INFO), skipping trees the
 * distribution's package manager owns, dist-info directories whose INSTALLER
 * is rpm, dpkg or apk, and files the RPM database owns (the rpm plugin's
 * path set, plugins/rpm/rpm_pathset.h, compiled in). Each
 * entry's METADATA or PKG-INFO header (pkginfo.h) gives one binary package:
 *
 *   name             Name, PEP 503 normalised (Clair only lowercases)
 *   version          Version in PEP 440's normalised spelling; a version that
 *                    is not PEP 440 is reported as written, with a warning
 *                    and no normalized version (Clair drops the package)
 *   normalized       the "pep440" version scheme's 10 integers
 *   package_db       "python:" + the directory holding the entry (the
 *                    site-packages directory; for an egg, the .egg directory)
 *   filepath         the METADATA / PKG-INFO file read
 *   repository_hint  https://pypi.org/simple
 *
 * and every layer with packages gets the default repository "pypi".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "coalescer.h"
#include "layout.h"
#include "matcher.h"
#include "pkginfo.h"
#include "pyversion.h"
#include "rpm_pathset.h"

#define METADATA_MAX  ((size_t)16 << 20) /* real METADATA files are a few hundred KiB at most */
#define INSTALLER_MAX ((size_t)4096)
#define PYPI_SIMPLE   "https://pypi.org/simple"

struct candidate {
	char *path; /* the metadata entry */
	enum pylayout_entry kind;
	int is_dir;
};

struct scan {
	struct claro_ctx *ctx;
	struct claro_layer *layer;
	struct claro_scan_result *out;
	enum pylayout_distro distro;
	struct candidate *items;
	size_t count, capacity;
	int failed; /* out of memory during the walk */
	const struct claro_version_scheme_ops *pep440;
	struct rpm_pathset *rpm; /* NULL: no RPM database in the layer */
	size_t reported, no_normalized;
};

static enum claro_status out_of_memory(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

/* The NULL-terminated parts joined into one host-allocated string. */
static char *concat(const struct claro_host *h, const char *const *parts)
{
	size_t n = 1, off = 0;
	char *s;

	for (size_t i = 0; parts[i] != NULL; i++)
		n += strlen(parts[i]);
	if ((s = h->alloc(n)) == NULL)
		return NULL;
	for (size_t i = 0; parts[i] != NULL; i++) {
		size_t m = strlen(parts[i]);

		memcpy(s + off, parts[i], m);
		off += m;
	}
	s[off] = '\0';
	return s;
}

/* --- which kind of system the layer is (claircore checks these paths) --- */

static int is_regular(struct claro_ctx *ctx, struct claro_layer *layer, const char *path)
{
	struct claro_file_info info = {sizeof(info), NULL, 0, 0, 0, 0, NULL};

	return ctx->host->fs_stat(ctx, layer, path, &info) == CLARO_OK && info.type == CLARO_FILE_REGULAR;
}

static enum pylayout_distro detect_distro(struct claro_ctx *ctx, struct claro_layer *layer)
{
	/* claircore's three var/lib/rpm paths, and the same files where RPM 4.16+
	 * keeps them (Fedora 36+, openSUSE) in case var/lib/rpm is no link. */
	static const char *const rpmdbs[] = {
	    "var/lib/rpm/Packages",
	    "var/lib/rpm/rpmdb.sqlite",
	    "var/lib/rpm/Packages.db",
	    "usr/lib/sysimage/rpm/Packages",
	    "usr/lib/sysimage/rpm/rpmdb.sqlite",
	    "usr/lib/sysimage/rpm/Packages.db",
	};

	for (size_t i = 0; i < sizeof(rpmdbs) / sizeof(rpmdbs[0]); i++)
		if (is_regular(ctx, layer, rpmdbs[i]))
			return PYLAYOUT_RPM;
	if (is_regular(ctx, layer, "var/lib/dpkg/status"))
		return PYLAYOUT_DPKG;
	return PYLAYOUT_NO_DISTRO;
}

/* --- finding the metadata entries --- */

static int collect(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct scan *s = arg;
	enum pylayout_entry kind;
	struct candidate *c;

	(void)ctx;
	/* Symlinks are not followed, as in claircore: a linked entry is
	 * reported where its target is. */
	if (info->type != CLARO_FILE_REGULAR && info->type != CLARO_FILE_DIRECTORY)
		return 0;
	if ((kind = pylayout_entry(info->path)) == PYLAYOUT_NONE ||
	    pylayout_distro_owned(info->path, s->distro))
		return 0;
	if (s->count == s->capacity) {
		size_t cap = s->capacity ? s->capacity * 2 : 16;
		struct candidate *grown = s->ctx->host->realloc(s->items, cap * sizeof(*grown));

		if (grown == NULL) {
			s->failed = 1;
			return 1;
		}
		s->items = grown;
		s->capacity = cap;
	}
	c = &s->items[s->count];
	if ((c->path = s->ctx->host->strdup(info->path)) == NULL) {
		s->failed = 1;
		return 1;
	}
	c->kind = kind;
	c->is_dir = info->type == CLARO_FILE_DIRECTORY;
	s->count++;
	return 0;
}

/* The file holding the entry's metadata (host-allocated), or NULL with
 * *st = CLARO_OK when there is none. */
static char *metadata_file(struct scan *s, const struct candidate *c, enum claro_status *st)
{
	static const char *const names[] = {"/METADATA", "/PKG-INFO"};
	const struct claro_host *h = s->ctx->host;

	*st = CLARO_OK;
	if (!c->is_dir) {
		char *p = h->strdup(c->path);

		if (p == NULL)
			*st = out_of_memory(s->ctx);
		return p;
	}
	for (size_t i = 0; i < 2; i++) {
		const char *parts[] = {c->path, names[i], NULL};
		char *p = concat(h, parts);

		if (p == NULL) {
			*st = out_of_memory(s->ctx);
			return NULL;
		}
		if (is_regular(s->ctx, s->layer, p))
			return p;
		h->free(p);
	}
	h->log(s->ctx, CLARO_LOG_WARNING, "%s has neither a METADATA nor a PKG-INFO file; skipped", c->path);
	return NULL;
}

/* claircore skips wheels installed by the system package manager. */
static int distro_installed(struct scan *s, const struct candidate *c)
{
	static const char *const installers[] = {"rpm", "dpkg", "apk"};
	const char *parts[] = {c->path, "/INSTALLER", NULL};
	struct pkginfo_value v;
	unsigned char *data = NULL;
	size_t len = 0;
	char *path;
	const char *owner = NULL;

	if (c->kind != PYLAYOUT_DIST_INFO || !c->is_dir)
		return 0;
	if ((path = concat(s->ctx->host, parts)) == NULL)
		return -1;
	if (s->ctx->host->fs_read_all(s->ctx, s->layer, path, INSTALLER_MAX, &data, &len) == CLARO_OK) {
		v.ptr = (const char *)data;
		v.len = len;
		v = pkginfo_trim(v);
		for (size_t i = 0; i < sizeof(installers) / sizeof(installers[0]); i++)
			if (v.len == strlen(installers[i]) && memcmp(v.ptr, installers[i], v.len) == 0)
				owner = installers[i];
		if (owner != NULL)
			s->ctx->host->log(s->ctx, CLARO_LOG_DEBUG, "%s: installed by %s; skipped", c->path,
					  owner);
		s->ctx->host->free(data);
	}
	s->ctx->host->free(path);
	return owner != NULL;
}

/* --- one package --- */

static void warn_missing(struct scan *s, const char *file, const char *field, const struct pkginfo *info,
			 const char *consequence)
{
	if (info->bad_line)
		s->ctx->host->log(s->ctx, CLARO_LOG_WARNING,
				  "%s has no %s field before line %zu, where the header section ends "
				  "early (%s); %s",
				  file, field, info->bad_line, info->bad_what, consequence);
	else
		s->ctx->host->log(s->ctx, CLARO_LOG_WARNING, "%s has no %s field; %s", file, field,
				  consequence);
}

static enum claro_status report(struct scan *s, const struct candidate *c, const char *file,
				const unsigned char *data, size_t len)
{
	const struct claro_host *h = s->ctx->host;
	struct pkginfo info;
	struct pkginfo_value name, version;
	struct claro_package pkg;
	size_t dir_len = pylayout_parent_len(c->path), need;
	char *strings, *p, *canon;
	long clen = -1;
	enum claro_status st;

	pkginfo_parse((const char *)data, len, &info);
	name = pkginfo_trim(info.name);
	version = pkginfo_trim(info.version);
	if (name.ptr == NULL || name.len == 0) {
		warn_missing(s, file, "Name", &info, "no package can be reported for it");
		return CLARO_OK;
	}
	if (!pkginfo_is_text(name.ptr, name.len)) {
		h->log(s->ctx, CLARO_LOG_WARNING,
		       "%s: the Name field is not UTF-8 text (or holds control characters); skipped", file);
		return CLARO_OK;
	}
	if (version.ptr != NULL && !pkginfo_is_text(version.ptr, version.len)) {
		h->log(s->ctx, CLARO_LOG_WARNING,
		       "%s: the Version field is not UTF-8 text (or holds control characters); skipped",
		       file);
		return CLARO_OK;
	}
	/* One allocation: name, raw version, canonical version, package_db. */
	need = (name.len + 1) + (version.len + 1) + PYVERSION_CANONICAL_MAX(version.len) +
	       (strlen("python:") + dir_len + 2);
	if ((strings = h->alloc(need)) == NULL)
		return out_of_memory(s->ctx);
	memset(&pkg, 0, sizeof(pkg));
	pkg.struct_size = sizeof(pkg);
	pkg.kind = CLARO_PACKAGE_BINARY;
	pkg.filepath = file;
	pkg.repository_hint = PYPI_SIMPLE;

	p = strings;
	pyname_normalize(name.ptr, name.len, p);
	pkg.name = p;
	p += name.len + 1;

	if (version.len)
		memcpy(p, version.ptr, version.len);
	p[version.len] = '\0';
	pkg.version = p;
	p += version.len + 1;

	canon = p;
	if (version.ptr != NULL)
		clen = pyversion_canonical(version.ptr, version.len, canon,
					   PYVERSION_CANONICAL_MAX(version.len));
	p += PYVERSION_CANONICAL_MAX(version.len);

	memcpy(p, "python:", 7);
	if (dir_len)
		memcpy(p + 7, c->path, dir_len);
	else
		p[7 + dir_len++] = '.'; /* an entry at the layer root, "." as in claircore */
	p[7 + dir_len] = '\0';
	pkg.package_db = p;

	if (version.ptr == NULL) {
		warn_missing(s, file, "Version", &info, "reported without a version");
	} else if (clen < 0) {
		h->log(s->ctx, CLARO_LOG_WARNING,
		       "%s: version \"%s\" of %s is not a PEP 440 version; reported as written, without a "
		       "normalized version (no vulnerability range can be compared with it)",
		       file, pkg.version, pkg.name);
	} else {
		pkg.version = canon;
		if (s->pep440 != NULL && s->pep440->normalize != NULL) {
			struct claro_normalized_version nv;

			memset(&nv, 0, sizeof(nv));
			if (s->pep440->normalize(canon, &nv) == CLARO_OK)
				pkg.normalized_version = nv;
			else
				h->log(s->ctx, CLARO_LOG_WARNING,
				       "%s: the pep440 version scheme cannot normalize version \"%s\" of %s; "
				       "reported without a normalized version",
				       file, canon, pkg.name);
		}
		if (pkg.normalized_version.kind == NULL)
			s->no_normalized++;
	}
	st = h->add_package(s->ctx, s->out, &pkg);
	if (st == CLARO_OK)
		s->reported++;
	h->free(strings);
	return st;
}

static enum claro_status read_metadata(struct scan *s, const char *file, unsigned char **data, size_t *len)
{
	const struct claro_host *h = s->ctx->host;
	enum claro_status st = h->fs_read_all(s->ctx, s->layer, file, METADATA_MAX, data, len);

	switch (st) {
	case CLARO_OK: return CLARO_OK;
	case CLARO_ERR_NOMEM: return out_of_memory(s->ctx);
	case CLARO_ERR_TOO_LARGE:
		h->log(s->ctx, CLARO_LOG_WARNING,
		       "%s is larger than %zu MiB, which no real metadata file is; skipped", file,
		       METADATA_MAX >> 20);
		return CLARO_ERR_NOT_FOUND;
	case CLARO_ERR_NOT_FOUND:
		h->log(s->ctx, CLARO_LOG_WARNING, "%s cannot be opened in the layer; skipped", file);
		return CLARO_ERR_NOT_FOUND;
	default:
		h->error(s->ctx, st, "could not read Python metadata %s", file);
		h->error_detail(s->ctx, "The layer's file system could not deliver the file.");
		h->error_hint(s->ctx, "Check that the layer is intact (fetch it again).");
		return st;
	}
}

static enum claro_status scan_entry(struct scan *s, const struct candidate *c)
{
	const struct claro_host *h = s->ctx->host;
	unsigned char *data = NULL;
	size_t len = 0;
	enum claro_status st;
	char *file;
	int owned;

	if ((owned = distro_installed(s, c)) < 0)
		return out_of_memory(s->ctx);
	if (owned)
		return CLARO_OK;
	if ((file = metadata_file(s, c, &st)) == NULL)
		return st;
	if (rpm_pathset_has(s->rpm, file)) {
		h->log(s->ctx, CLARO_LOG_DEBUG, "%s belongs to an RPM package; skipped", file);
		h->free(file);
		return CLARO_OK;
	}
	st = read_metadata(s, file, &data, &len);
	if (st == CLARO_OK) {
		st = report(s, c, file, data, len);
		h->free(data);
	} else if (st == CLARO_ERR_NOT_FOUND) {
		st = CLARO_OK; /* warned */
	}
	h->free(file);
	return st;
}

static enum claro_status python_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	struct scan s;
	enum claro_status st;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.layer = layer;
	s.out = out;
	s.distro = detect_distro(ctx, layer);
	st = h->fs_walk(ctx, layer, "", collect, &s);
	if (st == CLARO_OK && s.failed)
		st = out_of_memory(ctx);
	if (st == CLARO_OK && s.count > 0) {
		s.pep440 = h->version_scheme(ctx, "pep440");
		st = rpm_pathset_load(ctx, layer, &s.rpm);
	}
	for (size_t i = 0; st == CLARO_OK && i < s.count; i++)
		st = scan_entry(&s, &s.items[i]);
	if (st == CLARO_OK && s.no_normalized > 0 && (s.pep440 == NULL || s.pep440->normalize == NULL))
		h->log(ctx, CLARO_LOG_WARNING,
		       "no \"pep440\" version scheme is loaded: %zu Python package%s reported without a "
		       "normalized version (load the plugin that provides it, see [plugins] load)",
		       s.no_normalized, s.no_normalized == 1 ? " is" : "s are");
	rpm_pathset_free(ctx, s.rpm);
	for (size_t i = 0; i < s.count; i++)
		h->free(s.items[i].path);
	h->free(s.items);
	return st;
}

static const struct claro_repository pypi = {
    sizeof(struct claro_repository), "pypi", NULL, PYPI_SIMPLE, NULL,
};

static const struct claro_package_scanner_ops python_ops = {
    sizeof(struct claro_package_scanner_ops),
    python_scan,
    &pypi,
};

static const struct claro_component python_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "python", "5", &python_ops,
};

CLARO_PLUGIN_DEFINE(python, "1.0.0", "Apache-2.0",
		    "Python distributions from .dist-info, .egg-info and .egg metadata; their coalescer and "
		    "matcher",
		    NULL, NULL, NULL, &python_scanner, &python_coalescer, &python_matcher)
