/* Image inputs (see image.h): IMAGE strings to Clair Manifests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "image.h"
#include "log.h"
#include "oci_client.h"
#include "oci_doc.h"
#include "strutil.h"

#define FILESYSTEM_MEDIA_TYPE "application/vnd.claircore.filesystem"
#define ARCHIVE_KEEP_TOTAL    (64u * 1024 * 1024) /* bytes of small members kept in memory */
#define MAX_LINK_HOPS         8

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* ---- helpers: file URIs, hashing, temporary directories ---------------------- */

/* file:// URL of an absolute path, bytes outside RFC 3986's unreserved set
 * and "/" percent-encoded. */
static char *file_uri(const char *abs_path)
{
	struct buf b = BUF_INIT(0);

	if (buf_puts(&b, "file://") != CLARO_OK)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
		enum claro_status st;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			st = buf_append(&b, p, 1);
		else
			st = buf_printf(&b, "%%%02X", *p);
		if (st != CLARO_OK) {
			buf_free(&b);
			return NULL;
		}
	}
	return buf_steal(&b);
}

static char *digest_hex(EVP_MD_CTX *md)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *out;

	if (EVP_DigestFinal_ex(md, raw, &n) != 1 || n != 32 || !(out = malloc(7 + 64 + 1)))
		return NULL;
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++) {
		out[7 + 2 * i] = "0123456789abcdef"[raw[i] >> 4];
		out[8 + 2 * i] = "0123456789abcdef"[raw[i] & 15];
	}
	out[7 + 64] = '\0';
	return out;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		log_warn("could not remove %s: %s", path, strerror(errno));
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static enum claro_status make_tmpdir(char **out, struct error *err)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = str_printf("%s/claro-image-XXXXXX", base && *base ? base : "/tmp"), *abs;

	*out = NULL;
	if (!tmpl)
		return nomem(err);
	if (!mkdtemp(tmpl)) {
		error_set(err, CLARO_ERR_IO, "could not create a temporary directory");
		error_detail(err, "mkdtemp(%s): %s.", tmpl, strerror(errno));
		error_hint(err, "Set TMPDIR to a writable directory with room for the image's layers.");
		free(tmpl);
		return CLARO_ERR_IO;
	}
	abs = realpath(tmpl, NULL);
	if (!abs) {
		remove_tree(tmpl);
		free(tmpl);
		return nomem(err);
	}
	free(tmpl);
	*out = abs;
	return CLARO_OK;
}

static enum claro_status read_small_file(const char *path, const char *what, struct buf *b, struct error *err)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!fp) {
		enum claro_status st = errno == ENOENT ? CLARO_ERR_NOT_FOUND : CLARO_ERR_IO;
		error_set(err, st, "could not open %s", what);
		error_detail(err, "%s: %s.", path, strerror(errno));
		error_hint(err, "Check the path and that the image is complete.");
		return st;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(b, chunk, n) != CLARO_OK) {
			fclose(fp);
			error_set(err, CLARO_ERR_TOO_LARGE, "%s is too large", what);
			error_detail(err, "%s is larger than %u bytes.", path, OCI_MAX_DOCUMENT);
			error_hint(err, "Check that the path names an image.");
			return CLARO_ERR_TOO_LARGE;
		}
	}
	if (ferror(fp)) {
		fclose(fp);
		error_set(err, CLARO_ERR_IO, "could not read %s", what);
		error_detail(err, "%s: %s.", path, strerror(errno));
		error_hint(err, "Check the file system.");
		return CLARO_ERR_IO;
	}
	fclose(fp);
	return CLARO_OK;
}

static json_t *clair_layer(const char *hash, const char *uri, const char *media_type)
{
	return json_pack("{s:s, s:s, s:{}, s:s}", "hash", hash, "uri", uri, "headers", "media_type",
			 media_type);
}

/* ---- oci:DIR[:TAG|@DIGEST] -------------------------------------------------- */

struct layout {
	char *dir; /* absolute */
};

/* Read the blob named by digest and check that it is what it says. */
static enum claro_status layout_blob(const struct layout *lay, const char *digest, json_t **doc,
				     struct error *err)
{
	char *path = str_printf("%s/blobs/sha256/%s", lay->dir, digest + 7), *actual = NULL;
	struct buf b = BUF_INIT(OCI_MAX_DOCUMENT);
	enum claro_status st;

	*doc = NULL;
	if (!path)
		return nomem(err);
	st = read_small_file(path, "an OCI layout blob", &b, err);
	if (st == CLARO_OK && !(actual = oci_sha256_digest(b.data ? b.data : "", b.len)))
		st = nomem(err);
	if (st == CLARO_OK && strcmp(actual, digest) != 0) {
		st = oci_doc_invalid(err, "OCI layout blob", "The blob's content does not match its digest.");
		error_detail(err, "%s has sha256 %s.", path, actual);
	}
	if (st == CLARO_OK && !(*doc = json_loadb(b.data ? b.data : "", b.len, 0, NULL))) {
		st = oci_doc_invalid(err, "OCI layout blob", "A manifest or index blob is not JSON.");
		error_detail(err, "%s is not JSON.", path);
	}
	free(actual);
	free(path);
	buf_free(&b);
	return st;
}

static enum claro_status layout_layers(const struct layout *lay, json_t *manifest, const char *digest,
				       json_t **out, struct error *err)
{
	json_t *layers, *desc, *list = json_array();
	size_t i;
	enum claro_status st = list ? oci_manifest_layers(manifest, &layers, err) : nomem(err);

	json_array_foreach(layers, i, desc)
	{
		const char *hash = json_string_value(json_object_get(desc, "digest"));
		const char *mt = json_string_value(json_object_get(desc, "mediaType"));
		char *path, *uri;
		struct stat sb;

		if (st != CLARO_OK)
			break;
		path = str_printf("%s/blobs/sha256/%s", lay->dir, hash + 7);
		uri = path ? file_uri(path) : NULL;
		if (!uri) {
			st = nomem(err);
		} else if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			st = error_set(err, CLARO_ERR_NOT_FOUND, "layer %s is missing from the OCI layout",
				       hash);
			error_detail(err, "%s does not exist or is not a file.", path);
			error_hint(err,
				   "Copy the image into the layout again (skopeo copy ... oci:DIR:TAG).");
		} else if (json_array_append_new(list, clair_layer(hash, uri, mt ? mt : OCI_MT_LAYER)) != 0) {
			st = nomem(err);
		}
		free(path);
		free(uri);
	}
	if (st == CLARO_OK && !(*out = json_pack("{s:s, s:O}", "hash", digest, "layers", list)))
		st = nomem(err);
	json_decref(list);
	return st;
}

static void list_tags(json_t *index, struct buf *b)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(index, "manifests"), i, d)
	{
		const char *name = json_string_value(
		    json_object_get(json_object_get(d, "annotations"), "org.opencontainers.image.ref.name"));
		if (name)
			buf_printf(b, "%s%s", b->len ? ", " : "", name);
	}
}

/* The first descriptor to follow, from index.json. */
static enum claro_status layout_select(json_t *index, const char *tag, const char *digest,
				       const struct oci_platform *plat, json_t **desc, struct error *err)
{
	json_t *manifests = json_object_get(index, "manifests"), *d;
	struct buf tags = BUF_INIT(4096);
	size_t i;

	*desc = NULL;
	if (!json_is_array(manifests) || json_array_size(manifests) == 0)
		return oci_doc_invalid(err, "OCI layout", "index.json lists no manifests.");
	json_array_foreach(manifests, i, d)
	{
		const char *name = json_string_value(
		    json_object_get(json_object_get(d, "annotations"), "org.opencontainers.image.ref.name"));
		const char *dg = json_string_value(json_object_get(d, "digest"));

		if ((tag && name && strcmp(name, tag) == 0) || (digest && dg && strcmp(dg, digest) == 0)) {
			*desc = d;
			break;
		}
	}
	if (*desc || digest) /* a digest not at the top may be nested: read it directly */
		return CLARO_OK;
	if (!tag && json_array_size(manifests) == 1) {
		*desc = json_array_get(manifests, 0);
		return CLARO_OK;
	}
	if (!tag)
		return oci_index_pick(index, plat, desc, err);
	list_tags(index, &tags);
	error_set(err, CLARO_ERR_NOT_FOUND, "no image tagged \"%s\" in the OCI layout", tag);
	error_detail(err, "The layout's tags are: %s.", tags.len ? tags.data : "(none)");
	error_hint(err, "Name one of them (oci:DIR:TAG) or give a digest (oci:DIR@sha256:...).");
	buf_free(&tags);
	return CLARO_ERR_NOT_FOUND;
}

static enum claro_status layout_resolve(const struct layout *lay, const char *tag, const char *digest,
					const struct oci_platform *plat, json_t **out, struct error *err)
{
	char *index_path = str_printf("%s/index.json", lay->dir), *next = NULL;
	struct buf b = BUF_INIT(OCI_MAX_DOCUMENT);
	json_t *index = NULL, *desc = NULL;
	const char *media_type;
	enum claro_status st =
	    index_path ? read_small_file(index_path, "the OCI layout's index.json", &b, err) : nomem(err);

	if (st == CLARO_OK && !(index = json_loadb(b.data ? b.data : "", b.len, 0, NULL)))
		st = oci_doc_invalid(err, "OCI layout", "index.json is not JSON.");
	if (st == CLARO_OK)
		st = layout_select(index, tag, digest, plat, &desc, err);
	if (st == CLARO_OK &&
	    !(next = str_dup(desc ? json_string_value(json_object_get(desc, "digest")) : digest)))
		st = desc ? oci_doc_invalid(err, "OCI layout", "An index entry has no digest.") : nomem(err);
	media_type = desc ? json_string_value(json_object_get(desc, "mediaType")) : NULL;
	for (int depth = 0; st == CLARO_OK; depth++) {
		json_t *doc = NULL;
		char *mt_copy;

		if (!oci_digest_valid(next)) {
			st = oci_doc_invalid(err, "OCI layout", "An index entry has no valid sha256 digest.");
			break;
		}
		if ((st = layout_blob(lay, next, &doc, err)) != CLARO_OK)
			break;
		switch (oci_doc_kind(doc, media_type)) {
		case OCI_DOC_MANIFEST:
			st = layout_layers(lay, doc, next, out, err);
			json_decref(doc);
			goto done;
		case OCI_DOC_INDEX:
			if (depth >= OCI_MAX_NESTING) {
				st = oci_doc_invalid(err, "image index", "Indexes are nested too deep.");
				break;
			}
			if ((st = oci_index_pick(doc, plat, &desc, err)) != CLARO_OK)
				break;
			mt_copy = str_dup(json_string_value(json_object_get(desc, "digest")));
			free(next);
			next = mt_copy;
			media_type = NULL; /* the child's own document says */
			if (!next)
				st = nomem(err);
			break;
		default:
			st = oci_doc_invalid(err, "OCI layout",
					     "A blob named by the index is neither an image "
					     "manifest nor an index.");
		}
		json_decref(doc);
	}
done:
	free(next);
	json_decref(index);
	buf_free(&b);
	free(index_path);
	return st;
}

static int is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static enum claro_status resolve_oci(const char *rest, const struct image_options *opts, json_t **out,
				     struct error *err)
{
	char *dir = NULL, *tag = NULL, *digest = NULL;
	const char *at = strrchr(rest, '@'), *colon = strrchr(rest, ':');
	struct layout lay = {NULL};
	struct oci_platform plat;
	enum claro_status st;

	if (is_dir(rest)) {
		dir = str_dup(rest);
	} else if (at && oci_digest_valid(at + 1)) {
		dir = str_ndup(rest, (size_t)(at - rest));
		digest = str_dup(at + 1);
	} else if (colon && !strchr(colon, '/')) {
		dir = str_ndup(rest, (size_t)(colon - rest));
		tag = str_dup(colon + 1);
	} else {
		dir = str_dup(rest);
	}
	if (!dir)
		return nomem(err);
	lay.dir = realpath(dir, NULL);
	if (!lay.dir || !is_dir(lay.dir)) {
		st = error_set(err, CLARO_ERR_NOT_FOUND, "OCI layout \"%s\" not found", dir);
		error_detail(err, "%s is not a directory.", dir);
		error_hint(
		    err, "Write oci:DIR, oci:DIR:TAG or oci:DIR@sha256:DIGEST with DIR an OCI image layout.");
	} else if ((st = oci_platform_parse(opts->platform, &plat, err)) == CLARO_OK) {
		st = layout_resolve(&lay, tag, digest, &plat, out, err);
		oci_platform_free(&plat);
	}
	free(lay.dir);
	free(dir);
	free(tag);
	free(digest);
	return st;
}

/* ---- docker-archive:PATH[:@N|:REPO:TAG] ------------------------------------- */

struct member {
	char *name; /* normalised: no "./" */
	char *link; /* normalised target of a symlink or hard link, or NULL */
	char *data; /* content of a small member, or NULL */
	size_t len;
	int regular;
};

struct archive_scan {
	struct member *m;
	size_t n, cap;
	size_t kept; /* bytes in data */
};

static void scan_free(struct archive_scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->m[i].name);
		free(s->m[i].link);
		free(s->m[i].data);
	}
	free(s->m);
	memset(s, 0, sizeof(*s));
}

/* Collapse ".", "..", "//" and a leading "./" or "/"; NULL if ".." climbs out. */
static char *normalise(const char *path)
{
	char *out = calloc(1, strlen(path) + 1);
	size_t len = 0;

	if (!out)
		return NULL;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty or "." component */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;
			if (len == 0) {
				free(out);
				return NULL;
			}
			slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
		} else {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return out;
}

static struct member *scan_find(struct archive_scan *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->m[i].name, name) == 0)
			return &s->m[i];
	return NULL;
}

/* Follow links to the regular member holding the bytes. */
static struct member *scan_resolve(struct archive_scan *s, const char *name)
{
	struct member *m = scan_find(s, name);

	for (int hops = 0; m && m->link && hops < MAX_LINK_HOPS; hops++)
		m = scan_find(s, m->link);
	return m && m->regular ? m : NULL;
}

static enum claro_status archive_error(struct archive *a, const char *path, struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not read docker archive \"%s\"", path);
	error_detail(err, "%s.",
		     archive_error_string(a) ? archive_error_string(a) : "The archive is damaged");
	error_hint(
	    err,
	    "Check that the file is complete `docker save` or `skopeo copy ... docker-archive:` output.");
	return CLARO_ERR_INVALID;
}

static enum claro_status archive_open(const char *path, struct archive **out, struct error *err)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (!a)
		return nomem(err);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		enum claro_status st = errno == ENOENT ? CLARO_ERR_NOT_FOUND : CLARO_ERR_INVALID;
		error_set(err, st, "could not open docker archive \"%s\"", path);
		error_detail(err, "%s.", archive_error_string(a) ? archive_error_string(a) : strerror(errno));
		error_hint(err, "Check the path; docker save -o FILE IMAGE writes one.");
		archive_read_free(a);
		return st;
	}
	*out = a;
	return CLARO_OK;
}

static int keep_member(const char *name, int64_t size)
{
	if (strcmp(name, "manifest.json") == 0 || strcmp(name, "index.json") == 0)
		return 1;
	return size >= 0 && size <= (int64_t)OCI_MAX_DOCUMENT &&
	       (str_has_suffix(name, ".json") || str_has_prefix(name, "blobs/"));
}

static enum claro_status scan_add(struct archive_scan *s, struct archive *a, struct archive_entry *e,
				  struct error *err)
{
	struct member *m;
	const char *hard = archive_entry_hardlink(e), *sym = archive_entry_symlink(e);
	int64_t size = archive_entry_size(e);

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct member *grown = realloc(s->m, cap * sizeof(*grown));
		if (!grown)
			return nomem(err);
		s->m = grown;
		s->cap = cap;
	}
	m = &s->m[s->n];
	memset(m, 0, sizeof(*m));
	if (!(m->name = normalise(archive_entry_pathname(e) ? archive_entry_pathname(e) : "")))
		return CLARO_OK; /* a name that climbs out is no member we use */
	s->n++;
	m->regular = archive_entry_filetype(e) == AE_IFREG && !hard;
	if (hard) {
		m->link = normalise(hard);
	} else if (sym) {
		char *joined =
		    strrchr(m->name, '/')
			? str_printf("%.*s/%s", (int)(strrchr(m->name, '/') - m->name), m->name, sym)
			: str_dup(sym);
		m->link = joined && *sym != '/' ? normalise(joined) : NULL;
		free(joined);
	}
	if (m->regular && keep_member(m->name, size) && s->kept + (size_t)size <= ARCHIVE_KEEP_TOTAL) {
		struct buf b = BUF_INIT(OCI_MAX_DOCUMENT);
		char chunk[16384];
		la_ssize_t n;

		while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			if (buf_append(&b, chunk, (size_t)n) != CLARO_OK)
				break;
		if (n < 0) {
			buf_free(&b);
			return CLARO_ERR_INVALID; /* caller reports the archive error */
		}
		m->len = b.len;
		m->data = b.len ? buf_steal(&b) : str_dup("");
		buf_free(&b);
		s->kept += m->len;
		if (!m->data)
			return nomem(err);
	}
	return CLARO_OK;
}

static enum claro_status archive_scan(const char *path, struct archive_scan *s, struct error *err)
{
	struct archive *a;
	struct archive_entry *e;
	enum claro_status st = archive_open(path, &a, err);
	int r;

	if (st != CLARO_OK)
		return st;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if ((st = scan_add(s, a, e, err)) != CLARO_OK)
			break;
	}
	if (st == CLARO_ERR_INVALID || (st == CLARO_OK && r != ARCHIVE_EOF))
		st = archive_error(a, path, err);
	archive_read_free(a);
	return st;
}

/* The manifest.json entry selected by sel (NULL, "@N" or "REPO:TAG"). */
static enum claro_status archive_pick(json_t *entries, const char *sel, const char *path, json_t **entry,
				      struct error *err)
{
	json_t *e, *tags, *t;
	size_t i, j;
	int64_t n;

	*entry = NULL;
	if (!sel) {
		if (json_array_size(entries) == 1) {
			*entry = json_array_get(entries, 0);
			return CLARO_OK;
		}
		error_set(err, CLARO_ERR_INVALID, "docker archive \"%s\" holds %zu images", path,
			  json_array_size(entries));
		error_detail(err, "claroctl indexes one image at a time.");
		error_hint(err,
			   "Pick one: docker-archive:PATH:@N (N from 0) or docker-archive:PATH:REPO:TAG.");
		return CLARO_ERR_INVALID;
	}
	if (sel[0] == '@' && parse_int64(sel + 1, &n) == CLARO_OK && n >= 0 &&
	    (size_t)n < json_array_size(entries)) {
		*entry = json_array_get(entries, (size_t)n);
		return CLARO_OK;
	}
	json_array_foreach(entries, i, e)
	{
		tags = json_object_get(e, "RepoTags");
		json_array_foreach(tags, j, t)
		{
			if (json_string_value(t) && strcmp(json_string_value(t), sel) == 0) {
				*entry = e;
				return CLARO_OK;
			}
		}
	}
	error_set(err, CLARO_ERR_NOT_FOUND, "no image \"%s\" in docker archive \"%s\"", sel, path);
	error_detail(err, "The archive holds %zu images and none has that tag or index.",
		     json_array_size(entries));
	error_hint(err,
		   "docker-archive:PATH:@N picks the Nth image (from 0); tar xOf PATH manifest.json lists "
		   "the tags.");
	return CLARO_ERR_NOT_FOUND;
}

/* Docker 25 archives hold the image's OCI manifest as a blob; its digest is
 * the image's. Any blob that is a manifest of this config and these layers. */
static char *archive_manifest_digest(struct archive_scan *s, const char *config_digest, size_t n_layers)
{
	for (size_t i = 0; i < s->n; i++) {
		struct member *m = &s->m[i];
		json_t *doc, *layers;
		char *digest = NULL;

		if (!m->data || !str_has_prefix(m->name, "blobs/sha256/") || m->len == 0 || m->data[0] != '{')
			continue;
		doc = json_loadb(m->data, m->len, 0, NULL);
		layers = json_object_get(doc, "layers");
		if (oci_doc_kind(doc, NULL) == OCI_DOC_MANIFEST && json_array_size(layers) == n_layers &&
		    json_string_value(json_object_get(json_object_get(doc, "config"), "digest")) &&
		    strcmp(json_string_value(json_object_get(json_object_get(doc, "config"), "digest")),
			   config_digest) == 0)
			digest = oci_sha256_digest(m->data, m->len);
		json_decref(doc);
		if (digest)
			return digest;
	}
	return NULL;
}

struct extracted {
	const char *member; /* resolved member name (borrowed from the scan) */
	char *path;         /* file in the temporary directory */
	char *digest;
	const char *media_type;
};

static const char *sniff_media_type(const unsigned char *head, size_t n)
{
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return OCI_MT_LAYER_GZIP;
	if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
		return OCI_MT_LAYER_ZSTD;
	return OCI_MT_LAYER;
}

/* Copy the current member's data to x->path, hashing it on the way. */
static enum claro_status extract_one(struct archive *a, struct extracted *x, struct error *err)
{
	int fd = open(x->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char head[4];
	size_t head_len = 0;
	char chunk[65536];
	la_ssize_t n;
	enum claro_status st = CLARO_OK;

	if (fd < 0 || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		st = error_set(err, CLARO_ERR_IO, "could not extract layer %s", x->member);
		error_detail(err, "%s: %s.", x->path, fd < 0 ? strerror(errno) : "sha256 is unavailable");
		error_hint(err, "Check TMPDIR.");
		goto out;
	}
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if (head_len < sizeof(head)) {
			size_t take =
			    (size_t)n < sizeof(head) - head_len ? (size_t)n : sizeof(head) - head_len;
			memcpy(head + head_len, chunk, take);
			head_len += take;
		}
		EVP_DigestUpdate(md, chunk, (size_t)n);
		for (la_ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, chunk + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				st = error_set(err, CLARO_ERR_IO, "could not extract layer %s", x->member);
				error_detail(err, "Writing %s failed: %s.", x->path, strerror(errno));
				error_hint(err, "Check the free space in TMPDIR.");
				goto out;
			}
			off += w;
		}
	}
	if (n < 0) {
		st = CLARO_ERR_INVALID; /* caller reports the archive error */
		goto out;
	}
	x->media_type = sniff_media_type(head, head_len);
	if (!(x->digest = digest_hex(md)))
		st = nomem(err);
out:
	if (fd >= 0 && close(fd) != 0 && st == CLARO_OK) {
		st = error_set(err, CLARO_ERR_IO, "could not extract layer %s", x->member);
		error_detail(err, "Closing %s failed: %s.", x->path, strerror(errno));
		error_hint(err, "Check the free space in TMPDIR.");
	}
	EVP_MD_CTX_free(md);
	return st;
}

static enum claro_status archive_extract(const char *path, struct extracted *xs, size_t n, struct error *err)
{
	struct archive *a;
	struct archive_entry *e;
	enum claro_status st = archive_open(path, &a, err);
	int r;

	if (st != CLARO_OK)
		return st;
	while (st == CLARO_OK && ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		char *name = normalise(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
		for (size_t i = 0; name && i < n; i++)
			if (!xs[i].digest && strcmp(xs[i].member, name) == 0) {
				st = extract_one(a, &xs[i], err); /* the data can be read once */
				break;
			}
		/* a layer listed twice: the bytes were read once */
		for (size_t i = 0; name && i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (!xs[i].digest && xs[j].digest &&
				    strcmp(xs[i].member, xs[j].member) == 0) {
					xs[i].digest = str_dup(xs[j].digest);
					xs[i].media_type = xs[j].media_type;
					free(xs[i].path);
					xs[i].path = str_dup(xs[j].path);
				}
		free(name);
	}
	if (st == CLARO_ERR_INVALID || (st == CLARO_OK && r != ARCHIVE_EOF))
		st = archive_error(a, path, err);
	archive_read_free(a);
	return st;
}

static enum claro_status archive_build(const char *path, struct archive_scan *s, json_t *entry,
				       const char *tmpdir, json_t **out, struct error *err)
{
	json_t *layer_names = json_object_get(entry, "Layers"), *list = NULL;
	const char *config_name = json_string_value(json_object_get(entry, "Config"));
	struct member *config = config_name ? scan_resolve(s, config_name) : NULL;
	size_t n = json_array_size(layer_names);
	struct extracted *xs = NULL;
	char *config_digest = NULL, *hash = NULL;
	enum claro_status st = CLARO_OK;

	if (!json_is_array(layer_names) || n == 0 || !config || !config->data)
		return oci_doc_invalid(
		    err, "docker archive",
		    "manifest.json names no layers, or a config file the archive does not hold.");
	if (!(xs = calloc(n, sizeof(*xs))) ||
	    !(config_digest = oci_sha256_digest(config->data, config->len))) {
		st = nomem(err);
		goto out;
	}
	for (size_t i = 0; i < n && st == CLARO_OK; i++) {
		const char *name = json_string_value(json_array_get(layer_names, i));
		struct member *m = name ? scan_resolve(s, name) : NULL;

		if (!m) {
			st = error_set(err, CLARO_ERR_INVALID,
				       "layer %s is missing from docker archive \"%s\"",
				       name ? name : "(not a string)", path);
			error_detail(err, "manifest.json lists a layer file the archive does not hold.");
			error_hint(err, "Save the image again; the archive is incomplete.");
		} else {
			xs[i].member = m->name;
			if (!(xs[i].path = str_printf("%s/layer-%zu", tmpdir, i)))
				st = nomem(err);
		}
	}
	if (st == CLARO_OK)
		st = archive_extract(path, xs, n, err);
	if (st == CLARO_OK && !(list = json_array()))
		st = nomem(err);
	for (size_t i = 0; i < n && st == CLARO_OK; i++) {
		char *uri;

		if (!xs[i].digest) {
			st = error_set(err, CLARO_ERR_INVALID, "could not find layer %s in docker archive",
				       xs[i].member);
			error_detail(err, "The second pass over %s did not meet the member.", path);
			error_hint(err, "Check that the file does not change while claroctl reads it.");
			break;
		}
		/* Docker 25 names blobs by digest: hold it to that. */
		if (str_has_prefix(xs[i].member, "blobs/sha256/") &&
		    strcmp(xs[i].member + 13, xs[i].digest + 7) != 0) {
			st = oci_doc_invalid(err, "docker archive", "A layer blob does not match its name.");
			error_detail(err, "%s has sha256 %s.", xs[i].member, xs[i].digest);
			break;
		}
		if (!(uri = file_uri(xs[i].path)) ||
		    json_array_append_new(list, clair_layer(xs[i].digest, uri, xs[i].media_type)) != 0)
			st = nomem(err);
		free(uri);
	}
	if (st == CLARO_OK) {
		hash = archive_manifest_digest(s, config_digest, n);
		*out = json_pack("{s:s, s:O}", "hash", hash ? hash : config_digest, "layers", list);
		if (!*out)
			st = nomem(err);
	}
out:
	for (size_t i = 0; xs && i < n; i++) {
		free(xs[i].path);
		free(xs[i].digest);
	}
	free(xs);
	free(config_digest);
	free(hash);
	json_decref(list);
	return st;
}

static enum claro_status resolve_archive(const char *rest, struct image *img, json_t **out, struct error *err)
{
	struct archive_scan s = {NULL, 0, 0, 0};
	char *path = NULL;
	const char *sel = NULL;
	struct member *mf;
	json_t *entries = NULL, *entry;
	struct stat sb;
	enum claro_status st;

	/* PATH may itself contain ":"; the longest existing prefix wins. */
	if (stat(rest, &sb) == 0) {
		path = str_dup(rest);
	} else {
		for (const char *c = strchr(rest, ':'); c && !path; c = strchr(c + 1, ':')) {
			char *prefix = str_ndup(rest, (size_t)(c - rest));
			if (prefix && stat(prefix, &sb) == 0 && S_ISREG(sb.st_mode)) {
				path = prefix;
				sel = c + 1;
			} else {
				free(prefix);
			}
		}
		if (!path)
			path = str_dup(rest);
	}
	if (!path)
		return nomem(err);
	if ((st = archive_scan(path, &s, err)) != CLARO_OK)
		goto out;
	mf = scan_find(&s, "manifest.json");
	if (!mf || !mf->data) {
		st = oci_doc_invalid(err, "docker archive", "The archive has no manifest.json.");
		error_detail(err,
			     "%s has no manifest.json: it is no `docker save` output, or one from a Docker "
			     "older than 1.10.",
			     path);
		goto out;
	}
	entries = json_loadb(mf->data, mf->len, 0, NULL);
	if (!json_is_array(entries) || json_array_size(entries) == 0) {
		st = oci_doc_invalid(err, "docker archive", "manifest.json is not a non-empty JSON array.");
		goto out;
	}
	if ((st = archive_pick(entries, sel, path, &entry, err)) != CLARO_OK)
		goto out;
	if ((st = make_tmpdir(&img->tmpdir, err)) != CLARO_OK)
		goto out;
	st = archive_build(path, &s, entry, img->tmpdir, out, err);
out:
	json_decref(entries);
	scan_free(&s);
	free(path);
	return st;
}

/* ---- dir:PATH --------------------------------------------------------------- */

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static char type_char(mode_t m)
{
	return S_ISDIR(m)   ? 'd'
	       : S_ISREG(m) ? 'f'
	       : S_ISLNK(m) ? 'l'
	       : S_ISCHR(m) ? 'c'
	       : S_ISBLK(m) ? 'b'
			    : 'o';
}

/* sha256 over the path and a sorted listing of the tree (see image.h). */
static enum claro_status dir_digest(const char *root, char **out, struct error *err)
{
	char *const roots[] = {(char *)root, NULL};
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, by_name);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t root_len = strlen(root);
	FTSENT *e;
	enum claro_status st = CLARO_OK;

	*out = NULL;
	if (!fts || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		st = nomem(err);
		goto out;
	}
	EVP_DigestUpdate(md, root, root_len + 1);
	while ((e = fts_read(fts)) != NULL) {
		char target[PATH_MAX];
		ssize_t tn = 0;
		char *line;

		if (e->fts_info == FTS_DP)
			continue;
		if (e->fts_info == FTS_ERR || e->fts_info == FTS_DNR || e->fts_info == FTS_NS) {
			st = error_set(err, CLARO_ERR_IO, "could not read directory tree \"%s\"", root);
			error_detail(err, "%s: %s.", e->fts_path, strerror(e->fts_errno));
			error_hint(err,
				   "Check the permissions of the tree (run as a user who can read it all).");
			break;
		}
		if (e->fts_info == FTS_SL || e->fts_info == FTS_SLNONE)
			tn = readlink(e->fts_accpath, target, sizeof(target) - 1);
		target[tn > 0 ? tn : 0] = '\0';
		line =
		    str_printf("%s\t%c\t%o\t%lld\t%lld\t%s\n", e->fts_path + root_len,
			       type_char(e->fts_statp->st_mode), (unsigned)(e->fts_statp->st_mode & 07777),
			       (long long)e->fts_statp->st_size, (long long)e->fts_statp->st_mtime, target);
		if (!line) {
			st = nomem(err);
			break;
		}
		EVP_DigestUpdate(md, line, strlen(line));
		free(line);
	}
	if (st == CLARO_OK && !(*out = digest_hex(md)))
		st = nomem(err);
out:
	if (fts)
		fts_close(fts);
	EVP_MD_CTX_free(md);
	return st;
}

static enum claro_status resolve_dir(const char *rest, json_t **out, struct error *err)
{
	char *root = realpath(rest, NULL), *layer_hash = NULL, *uri = NULL, *seed = NULL, *hash = NULL;
	json_t *layer = NULL;
	enum claro_status st;

	if (!root || !is_dir(root)) {
		error_set(err, CLARO_ERR_NOT_FOUND, "directory \"%s\" not found", rest);
		error_detail(err, "dir: takes an unpacked root file system, and %s is not a directory.",
			     rest);
		error_hint(err, "Give dir:PATH with PATH a directory (e.g. an unpacked image's rootfs).");
		free(root);
		return CLARO_ERR_NOT_FOUND;
	}
	if ((st = dir_digest(root, &layer_hash, err)) != CLARO_OK)
		goto out;
	seed = str_printf("claro-dir-manifest-v1\n%s", layer_hash);
	if (!seed || !(hash = oci_sha256_digest(seed, strlen(seed))) || !(uri = file_uri(root)) ||
	    !(layer = clair_layer(layer_hash, uri, FILESYSTEM_MEDIA_TYPE)) ||
	    !(*out = json_pack("{s:s, s:[o]}", "hash", hash, "layers", layer)))
		st = nomem(err);
	layer = NULL; /* json_pack's "o" took it, or it failed and freed it */
out:
	json_decref(layer);
	free(root);
	free(layer_hash);
	free(uri);
	free(seed);
	free(hash);
	return st;
}

/* ---- dispatch --------------------------------------------------------------- */

static enum claro_status resolve_registry(const char *ref_string, const struct image_options *opts,
					  json_t **out, struct error *err)
{
	struct oci_ref ref;
	struct oci_client_options co = {opts->platform, opts->username, opts->password, opts->insecure};
	enum claro_status st = oci_ref_parse(ref_string, &ref, err);

	if (st != CLARO_OK)
		return st;
	st = oci_client_manifest(&ref, &co, out, err);
	oci_ref_free(&ref);
	return st;
}

enum claro_status image_resolve(const char *spec, const struct image_options *opts, struct image *img,
				struct error *err)
{
	static const struct image_options none = {NULL, NULL, NULL, 0};
	enum claro_status st;

	memset(img, 0, sizeof(*img));
	if (!opts)
		opts = &none;
	if (str_has_prefix(spec, "docker-archive:"))
		st = resolve_archive(spec + 15, img, &img->manifest, err);
	else if (str_has_prefix(spec, "oci:"))
		st = resolve_oci(spec + 4, opts, &img->manifest, err);
	else if (str_has_prefix(spec, "dir:"))
		st = resolve_dir(spec + 4, &img->manifest, err);
	else if (str_has_prefix(spec, "docker://"))
		st = resolve_registry(spec + 9, opts, &img->manifest, err);
	else
		st = resolve_registry(spec, opts, &img->manifest, err);
	if (st != CLARO_OK)
		image_free(img);
	return st;
}

void image_free(struct image *img)
{
	json_decref(img->manifest);
	if (img->tmpdir)
		remove_tree(img->tmpdir);
	free(img->tmpdir);
	memset(img, 0, sizeof(*img));
}
