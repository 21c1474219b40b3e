/* The layer spool (see fetch_spool.h): hash, sniff, decompress, write.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#include "fetch_spool.h"
#include "strutil.h"

#define OUT_SIZE  (128u * 1024u)
#define SNIFF_LEN 4

enum compression { COMP_UNKNOWN, COMP_NONE, COMP_GZIP, COMP_ZSTD };

struct spool {
	char *digest; /* expected */
	EVP_MD_CTX *md;
	int fd;
	uint64_t max_out;
	uint64_t in_bytes, out_bytes;
	enum compression comp;
	unsigned char sniff[SNIFF_LEN];
	size_t sniff_len;
	z_stream z;
	int z_init, z_ended; /* ended: the last gzip member is complete */
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream result: 0 = frame complete */
	char *ctype;
	unsigned char *out; /* OUT_SIZE */
};

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* ---- the file ---- */

static int open_tmp(const char *dir)
{
	char *tmpl;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
#endif
	/* No O_TMPFILE here: a named file, unlinked at once. */
	tmpl = str_printf("%s/claro-layer-XXXXXX", dir);
	if (!tmpl) {
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	return fd;
}

enum claro_status spool_open(const struct spool_limits *lim, const char *digest, struct spool **out,
			     struct error *err)
{
	const char *dir = lim && lim->dir ? lim->dir : getenv("TMPDIR");
	const EVP_MD *md = strncmp(digest, "sha512:", 7) == 0 ? EVP_sha512() : EVP_sha256();
	struct spool *sp;

	*out = NULL;
	if (!dir || !*dir)
		dir = "/var/tmp";
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return nomem(err);
	sp->fd = -1;
	sp->max_out = lim ? lim->max_uncompressed : 0;
	sp->digest = strdup(digest);
	sp->md = EVP_MD_CTX_new();
	sp->out = malloc(OUT_SIZE);
	if (!sp->digest || !sp->md || !sp->out || EVP_DigestInit_ex(sp->md, md, NULL) != 1) {
		spool_free(sp);
		return nomem(err);
	}
	sp->fd = open_tmp(dir);
	if (sp->fd < 0) {
		int e = errno;
		spool_free(sp);
		error_set(err, CLARO_ERR_IO, "could not create a temporary file for layer %s", digest);
		error_detail(err, "In \"%s\": %s.", dir, strerror(e));
		error_hint(
		    err, "Set TMPDIR to a writable directory with room for the largest uncompressed layer.");
		return CLARO_ERR_IO;
	}
	*out = sp;
	return CLARO_OK;
}

static enum claro_status write_out(struct spool *sp, const unsigned char *data, size_t n, struct error *err)
{
	if (sp->max_out && n > sp->max_out - sp->out_bytes) {
		error_set(err, CLARO_ERR_TOO_LARGE, "layer %s is too large uncompressed", sp->digest);
		error_detail(err, "It decompresses to more than %llu bytes.",
			     (unsigned long long)sp->max_out);
		error_hint(err, "Raise the uncompressed layer size limit if the layer is genuine.");
		return CLARO_ERR_TOO_LARGE;
	}
	while (n > 0) {
		ssize_t w = write(sp->fd, data, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, CLARO_ERR_IO, "could not spool layer %s", sp->digest);
			error_detail(err, "Writing the temporary file failed: %s.", strerror(errno));
			error_hint(err, "Make room in TMPDIR (about the size of the uncompressed layer).");
			return CLARO_ERR_IO;
		}
		data += w;
		n -= (size_t)w;
		sp->out_bytes += (uint64_t)w;
	}
	return CLARO_OK;
}

/* ---- decompression ---- */

static enum claro_status corrupt(struct spool *sp, const char *kind, const char *why, struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not decompress layer %s", sp->digest);
	error_detail(err, "The %s stream is corrupt: %s.", kind, why);
	error_hint(err, "The blob is damaged or not what its media type says; fetch it again.");
	return CLARO_ERR_INVALID;
}

static enum claro_status feed_gzip(struct spool *sp, const unsigned char *data, size_t n, struct error *err)
{
	enum claro_status st;

	sp->z.next_in = (unsigned char *)data;
	sp->z.avail_in = (uInt)n;
	while (sp->z.avail_in > 0) {
		int rc;

		if (sp->z_ended) {
			/* Another gzip member follows (pigz, concatenated streams). */
			if (inflateReset(&sp->z) != Z_OK)
				return corrupt(sp, "gzip", "the stream could not be reset", err);
			sp->z_ended = 0;
		}
		sp->z.next_out = sp->out;
		sp->z.avail_out = OUT_SIZE;
		rc = inflate(&sp->z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			return corrupt(sp, "gzip", sp->z.msg ? sp->z.msg : "inflate failed", err);
		if ((st = write_out(sp, sp->out, OUT_SIZE - sp->z.avail_out, err)) != CLARO_OK)
			return st;
		if (rc == Z_STREAM_END)
			sp->z_ended = 1;
		else if (rc == Z_BUF_ERROR && sp->z.avail_out == OUT_SIZE)
			return corrupt(sp, "gzip", "no progress", err);
	}
	return CLARO_OK;
}

static enum claro_status feed_zstd(struct spool *sp, const unsigned char *data, size_t n, struct error *err)
{
	ZSTD_inBuffer in = {data, n, 0};
	enum claro_status st;

	for (;;) {
		ZSTD_outBuffer out = {sp->out, OUT_SIZE, 0};
		size_t rc = ZSTD_decompressStream(sp->zs, &out, &in);

		if (ZSTD_isError(rc))
			return corrupt(sp, "zstd", ZSTD_getErrorName(rc), err);
		sp->zs_last = rc;
		if ((st = write_out(sp, sp->out, out.pos, err)) != CLARO_OK)
			return st;
		/* Done when the input is used up and the output was not full
		 * (a full buffer may mean more is pending). */
		if (in.pos == in.size && out.pos < out.size)
			return CLARO_OK;
	}
}

static enum claro_status start(struct spool *sp, struct error *err)
{
	static const unsigned char gz[] = {0x1f, 0x8b}, zst[] = {0x28, 0xb5, 0x2f, 0xfd};

	if (sp->sniff_len >= 2 && memcmp(sp->sniff, gz, 2) == 0) {
		sp->comp = COMP_GZIP;
		if (inflateInit2(&sp->z, 16 + MAX_WBITS) != Z_OK)
			return nomem(err);
		sp->z_init = 1;
	} else if (sp->sniff_len >= 4 && memcmp(sp->sniff, zst, 4) == 0) {
		sp->comp = COMP_ZSTD;
		sp->zs = ZSTD_createDStream();
		if (!sp->zs || ZSTD_isError(ZSTD_initDStream(sp->zs)))
			return nomem(err);
		sp->zs_last = 1;
	} else {
		/* A plain tar (or junk: the tar index will say so). */
		sp->comp = COMP_NONE;
	}
	return CLARO_OK;
}

static enum claro_status feed(struct spool *sp, const unsigned char *data, size_t n, struct error *err)
{
	switch (sp->comp) {
	case COMP_GZIP: return feed_gzip(sp, data, n, err);
	case COMP_ZSTD: return feed_zstd(sp, data, n, err);
	default: return write_out(sp, data, n, err);
	}
}

enum claro_status spool_write(struct spool *sp, const void *data, size_t n, struct error *err)
{
	const unsigned char *p = data;
	enum claro_status st;

	if (n == 0)
		return CLARO_OK;
	if (EVP_DigestUpdate(sp->md, p, n) != 1)
		return error_set(err, CLARO_ERR_INTERNAL, "could not hash layer %s", sp->digest);
	sp->in_bytes += n;
	if (sp->comp != COMP_UNKNOWN)
		return feed(sp, p, n, err);
	/* Gather the magic bytes first; they may arrive in pieces. */
	while (n > 0 && sp->sniff_len < SNIFF_LEN) {
		sp->sniff[sp->sniff_len++] = *p++;
		n--;
	}
	if (sp->sniff_len < SNIFF_LEN)
		return CLARO_OK;
	if ((st = start(sp, err)) != CLARO_OK || (st = feed(sp, sp->sniff, sp->sniff_len, err)) != CLARO_OK)
		return st;
	return n ? feed(sp, p, n, err) : CLARO_OK;
}

enum claro_status spool_set_content_type(struct spool *sp, const char *ctype, struct error *err)
{
	free(sp->ctype);
	sp->ctype = NULL;
	if (ctype && !(sp->ctype = strdup(ctype)))
		return nomem(err);
	return CLARO_OK;
}

/* ---- Content-Type ---- */

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int spool_content_type_agrees(const char *ctype, const char *comp)
{
	char t[256];
	size_t len = 0;
	const char *named;

	if (!ctype)
		return 1;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	/* Lower-cased, parameters (";charset=...") and blanks dropped. */
	for (; ctype[len] && ctype[len] != ';' && len < sizeof(t) - 1; len++)
		t[len] = (char)tolower((unsigned char)ctype[len]);
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	t[len] = '\0';
	if (len == 0 || strcmp(t, "text/plain") == 0 || ends_with(t, len, "/octet-stream"))
		return 1;
	if (strcmp(t, "application/x-gzip") == 0 || strcmp(t, "application/gzip") == 0 ||
	    ends_with(t, len, "+gzip") || ends_with(t, len, ".tar.gzip") || ends_with(t, len, ".tar.gz"))
		named = "gzip";
	else if (strcmp(t, "application/zstd") == 0 || ends_with(t, len, "+zstd") ||
		 ends_with(t, len, ".tar.zstd"))
		named = "zstd";
	else if (strcmp(t, "application/x-tar") == 0 || ends_with(t, len, ".tar"))
		named = "none";
	else
		return 1; /* a type we do not know says nothing; the digest guards the bytes */
	return strcmp(named, comp) == 0;
}

/* ---- the end ---- */

static const char *comp_name(enum compression c)
{
	return c == COMP_GZIP ? "gzip" : c == COMP_ZSTD ? "zstd" : "none";
}

static enum claro_status check_digest(struct spool *sp, struct error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;
	const char *colon = strchr(sp->digest, ':');

	if (EVP_DigestFinal_ex(sp->md, md, &mdlen) != 1)
		return error_set(err, CLARO_ERR_INTERNAL, "could not hash layer %s", sp->digest);
	for (unsigned int i = 0; i < mdlen; i++) {
		static const char digits[] = "0123456789abcdef";
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * mdlen] = '\0';
	if (strcmp(colon + 1, hex) == 0)
		return CLARO_OK;
	error_set(err, CLARO_ERR_INVALID, "layer %s failed verification", sp->digest);
	error_detail(err, "Expected %s but the %llu bytes received hash to %.*s:%s.", sp->digest,
		     (unsigned long long)sp->in_bytes, (int)(colon - sp->digest), sp->digest, hex);
	error_hint(err, "The server sent different content than the manifest names; check the layer URI.");
	return CLARO_ERR_INVALID;
}

enum claro_status spool_finish(struct spool *sp, struct error *err)
{
	enum claro_status st;

	if (sp->comp == COMP_UNKNOWN) {
		/* Fewer bytes than a magic number: whatever it is, it is not compressed. */
		if ((st = start(sp, err)) != CLARO_OK ||
		    (st = feed(sp, sp->sniff, sp->sniff_len, err)) != CLARO_OK)
			return st;
	}
	if ((st = check_digest(sp, err)) != CLARO_OK)
		return st;
	if (!spool_content_type_agrees(sp->ctype, comp_name(sp->comp))) {
		error_set(err, CLARO_ERR_INVALID, "could not fetch layer %s", sp->digest);
		error_detail(err,
			     "The response's Content-Type \"%s\" disagrees with the content, which is %s.",
			     sp->ctype, sp->comp == COMP_NONE ? "an uncompressed tar" : comp_name(sp->comp));
		error_hint(err, "The server mislabels the blob; fix its Content-Type or serve it as "
				"application/octet-stream.");
		return CLARO_ERR_INVALID;
	}
	if ((sp->comp == COMP_GZIP && !sp->z_ended) || (sp->comp == COMP_ZSTD && sp->zs_last != 0))
		return corrupt(sp, comp_name(sp->comp), "it ends before the end of the compressed data", err);
	return CLARO_OK;
}

int spool_take_fd(struct spool *sp)
{
	int fd = sp->fd;

	sp->fd = -1;
	return fd;
}

uint64_t spool_size(const struct spool *sp)
{
	return sp->out_bytes;
}

const char *spool_compression(const struct spool *sp)
{
	return comp_name(sp->comp);
}

void spool_free(struct spool *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->z_init)
		inflateEnd(&sp->z);
	ZSTD_freeDStream(sp->zs);
	EVP_MD_CTX_free(sp->md);
	free(sp->ctype);
	free(sp->out);
	free(sp->digest);
	free(sp);
}
