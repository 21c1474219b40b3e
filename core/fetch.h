/* The layer fetcher: downloads a layer blob, verifies its digest, and spools
 * the decompressed tar to an unlinked temporary file.
 *
 *   - http(s) with the caller's headers (typically Authorization); redirects
 *     are followed; only a final 200 is accepted. file:// URIs only when the
 *     fetcher was created with allow_file (local CLI mode, never the HTTP API).
 *   - The digest ("sha256:<64 hex>" or "sha512:<128 hex>") is computed over
 *     the compressed bytes while they stream and checked at the end.
 *   - Compression is sniffed from the first bytes (gzip 1f8b, zstd 28b52ffd,
 *     else a plain tar) and cross-checked with the response's Content-Type:
 *     a missing or generic type (text/plain, * /octet-stream) is inferred, an
 *     explicit type that disagrees is an error (Clair's rule, spec §3.4).
 *   - The decompressed tar goes to open(TMPDIR or /var/tmp, O_TMPFILE), or
 *     mkstemp + unlink where O_TMPFILE is unsupported: nothing is left behind
 *     if the process dies, and the bytes are never held in memory.
 *   - One process-wide live cache keyed by digest (singleflight + refcount):
 *     concurrent gets of one digest share one download and one file; the
 *     file goes away when the last holder releases it. A failed download is
 *     not cached: every waiter gets the error, the next get tries again.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_FETCH_H
#define CLARO_CORE_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>

#include "error.h"

#define FETCH_DEFAULT_MAX_COMPRESSED   (8ull << 30)  /* bytes on the wire */
#define FETCH_DEFAULT_MAX_UNCOMPRESSED (32ull << 30) /* bytes spooled (decompression bombs) */
#define FETCH_DEFAULT_CONNECT_TIMEOUT  10            /* seconds */
#define FETCH_DEFAULT_STALL_TIMEOUT    60            /* seconds without a byte */
#define FETCH_DEFAULT_MAX_REDIRECTS    10

struct fetcher_options {
	const char *tmpdir;        /* NULL = $TMPDIR, else /var/tmp */
	uint64_t max_compressed;   /* 0 = FETCH_DEFAULT_MAX_COMPRESSED */
	uint64_t max_uncompressed; /* 0 = FETCH_DEFAULT_MAX_UNCOMPRESSED */
	long connect_timeout;      /* seconds; 0 = default */
	long stall_timeout;        /* seconds below 1 byte/s before giving up; 0 = default */
	long timeout;              /* seconds for a whole download; 0 = none */
	long max_redirects;        /* 0 = default; < 0 = do not follow */
	const char *proxy;         /* NULL = libcurl's environment */
	const char *ca_file;       /* NULL = the system's CA bundle */
	int allow_file;            /* accept file:// URIs (local mode only) */
};

struct fetcher;
struct fetched_layer;

/* opts may be NULL (all defaults). curl_global_init must have run
 * (httpclient_init does it). */
enum claro_status fetcher_new(const struct fetcher_options *opts, struct fetcher **out, struct error *err);
/* Every fetched layer must have been released. */
void fetcher_free(struct fetcher *f);

/* The layer with this digest, downloading it from uri unless a live copy
 * exists or is being downloaded. headers: NULL-terminated "Name: value"
 * lines, or NULL. On success *out holds one reference. */
enum claro_status fetcher_get(struct fetcher *f, const char *digest, const char *uri,
			      const char *const *headers, struct fetched_layer **out, struct error *err);
/* n layers with at most max_parallel downloads at once (0 = number of CPUs).
 * headers may be NULL, as may any headers[i]. All or nothing: on failure no
 * out[i] is held and err is the first failing layer's error (in order). */
enum claro_status fetcher_get_all(struct fetcher *f, size_t n, const char *const *digests,
				  const char *const *uris, const char *const *const *headers,
				  struct fetched_layer **out, size_t max_parallel, struct error *err);

/* The decompressed tar: shared, read it with pread (never move its offset). */
int fetched_layer_fd(const struct fetched_layer *l);
uint64_t fetched_layer_size(const struct fetched_layer *l);
const char *fetched_layer_digest(const struct fetched_layer *l);
/* "gzip", "zstd" or "none" */
const char *fetched_layer_compression(const struct fetched_layer *l);
void fetched_layer_release(struct fetched_layer *l);

/* Downloads started since fetcher_new (for metrics and tests). */
uint64_t fetcher_downloads(struct fetcher *f);

/* 1 if s is "sha256:<64 lower-case hex>" or "sha512:<128 lower-case hex>". */
int fetch_digest_valid(const char *s);

#endif /* CLARO_CORE_FETCH_H */
