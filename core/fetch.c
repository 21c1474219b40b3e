/* The layer fetcher (see fetch.h): the live cache and the transports (curl
 * for http(s), plain reads for file://). The bytes themselves go through a
 * spool (fetch_spool.c): digest, sniffing, decompression, temp file.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch.h"
#include "fetch_spool.h"
#include "strutil.h"

struct fetched_layer {
	struct fetcher *f;
	char *digest;
	int fd;
	uint64_t size;
	const char *compression;
	int refs;         /* under f->lock */
	int done;         /* download finished (either way) */
	int cached;       /* still in f->live */
	struct error err; /* why the download failed */
	struct fetched_layer *next;
};

struct fetcher {
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct fetched_layer *live;
	uint64_t downloads;
	struct fetcher_options opts; /* strings owned */
};

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

int fetch_digest_valid(const char *s)
{
	size_t want, i;

	if (!s)
		return 0;
	if (strncmp(s, "sha256:", 7) == 0)
		want = 64;
	else if (strncmp(s, "sha512:", 7) == 0)
		want = 128;
	else
		return 0;
	for (i = 0; s[7 + i]; i++)
		if (!((s[7 + i] >= '0' && s[7 + i] <= '9') || (s[7 + i] >= 'a' && s[7 + i] <= 'f')))
			return 0;
	return i == want;
}

/* ---- the fetcher ---- */

enum claro_status fetcher_new(const struct fetcher_options *opts, struct fetcher **out, struct error *err)
{
	struct fetcher *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return nomem(err);
	if (opts)
		f->opts = *opts;
	f->opts.tmpdir = NULL;
	f->opts.proxy = NULL;
	f->opts.ca_file = NULL;
	if (opts && ((opts->tmpdir && !(f->opts.tmpdir = strdup(opts->tmpdir))) ||
		     (opts->proxy && !(f->opts.proxy = strdup(opts->proxy))) ||
		     (opts->ca_file && !(f->opts.ca_file = strdup(opts->ca_file))))) {
		fetcher_free(f);
		return nomem(err);
	}
	if (!f->opts.max_compressed)
		f->opts.max_compressed = FETCH_DEFAULT_MAX_COMPRESSED;
	if (!f->opts.max_uncompressed)
		f->opts.max_uncompressed = FETCH_DEFAULT_MAX_UNCOMPRESSED;
	if (!f->opts.connect_timeout)
		f->opts.connect_timeout = FETCH_DEFAULT_CONNECT_TIMEOUT;
	if (!f->opts.stall_timeout)
		f->opts.stall_timeout = FETCH_DEFAULT_STALL_TIMEOUT;
	if (!f->opts.max_redirects)
		f->opts.max_redirects = FETCH_DEFAULT_MAX_REDIRECTS;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->done, NULL);
	*out = f;
	return CLARO_OK;
}

void fetcher_free(struct fetcher *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->done);
	free((char *)f->opts.tmpdir);
	free((char *)f->opts.proxy);
	free((char *)f->opts.ca_file);
	free(f);
}

uint64_t fetcher_downloads(struct fetcher *f)
{
	uint64_t n;

	pthread_mutex_lock(&f->lock);
	n = f->downloads;
	pthread_mutex_unlock(&f->lock);
	return n;
}

int fetched_layer_fd(const struct fetched_layer *l)
{
	return l->fd;
}

uint64_t fetched_layer_size(const struct fetched_layer *l)
{
	return l->size;
}

const char *fetched_layer_digest(const struct fetched_layer *l)
{
	return l->digest;
}

const char *fetched_layer_compression(const struct fetched_layer *l)
{
	return l->compression;
}

static void unlink_live(struct fetcher *f, struct fetched_layer *l)
{
	struct fetched_layer **p;

	for (p = &f->live; *p; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			break;
		}
	}
	l->cached = 0;
}

static void layer_destroy(struct fetched_layer *l)
{
	if (l->fd >= 0)
		close(l->fd);
	error_clear(&l->err);
	free(l->digest);
	free(l);
}

/* Drop one reference; f->lock held. */
static void release_locked(struct fetched_layer *l)
{
	if (--l->refs > 0)
		return;
	if (l->cached)
		unlink_live(l->f, l);
	layer_destroy(l);
}

void fetched_layer_release(struct fetched_layer *l)
{
	struct fetcher *f;

	if (!l)
		return;
	f = l->f;
	pthread_mutex_lock(&f->lock);
	release_locked(l);
	pthread_mutex_unlock(&f->lock);
}

static void copy_error(struct error *dst, const struct error *src)
{
	error_set(dst, src->status, "%s", src->message ? src->message : status_text(src->status));
	if (src->detail)
		error_detail(dst, "%s", src->detail);
	if (src->hint)
		error_hint(dst, "%s", src->hint);
}

/* ---- transports ---- */

/* The URI without query or fragment, for messages (they may carry tokens). */
static char *redact_uri(const char *uri)
{
	return str_ndup(uri, strcspn(uri, "?#"));
}

static enum claro_status fetch_file(struct fetcher *f, struct spool *sp, const char *digest, const char *uri,
				    struct error *err)
{
	const char *path = uri + strlen("file://");
	unsigned char buf[128 * 1024];
	enum claro_status st = CLARO_OK;
	int fd;

	if (!f->opts.allow_file) {
		error_set(err, CLARO_ERR_DENIED, "could not fetch layer %s", digest);
		error_detail(err, "file:// URIs are only accepted in local mode.");
		error_hint(err, "Serve the layer over http(s), or use claroctl --local.");
		return CLARO_ERR_DENIED;
	}
	if (strncmp(path, "localhost/", 10) == 0)
		path += 9;
	if (path[0] != '/') {
		error_set(err, CLARO_ERR_INVALID, "could not fetch layer %s", digest);
		error_detail(err, "The URI \"%s\" does not name an absolute path.", uri);
		return CLARO_ERR_INVALID;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		st = e == ENOENT ? CLARO_ERR_NOT_FOUND : CLARO_ERR_IO;
		error_set(err, st, "could not fetch layer %s", digest);
		error_detail(err, "Could not open \"%s\": %s.", path, strerror(e));
		return st;
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			st = error_set(err, CLARO_ERR_IO, "could not fetch layer %s", digest);
			error_detail(err, "Could not read \"%s\": %s.", path, strerror(e));
			break;
		}
		if (r == 0)
			break;
		if ((st = spool_write(sp, buf, (size_t)r, err)) != CLARO_OK)
			break;
	}
	close(fd);
	return st;
}

struct http_transfer {
	CURL *h;
	struct spool *sp;
	struct error *err;
	long status; /* the final response's, once the body starts */
	int failed;  /* the spool refused bytes (err is set) */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_transfer *t = arg;

	if (t->status == 0)
		curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &t->status);
	if (t->status != 200)
		return 0; /* an error page: stop, the status says it all */
	if (spool_write(t->sp, data, size * n, t->err) != CLARO_OK) {
		t->failed = 1;
		return 0;
	}
	return size * n;
}

static int has_line_break(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

static enum claro_status build_headers(const char *const *headers, struct curl_slist **out, struct error *err)
{
	struct curl_slist *list = NULL;

	*out = NULL;
	for (size_t i = 0; headers && headers[i]; i++) {
		struct curl_slist *l;

		if (has_line_break(headers[i]) || !strchr(headers[i], ':')) {
			curl_slist_free_all(list);
			error_set(err, CLARO_ERR_INVALID, "invalid layer request header");
			error_detail(err, "Headers must be single \"Name: value\" lines.");
			return CLARO_ERR_INVALID;
		}
		l = curl_slist_append(list, headers[i]);
		if (!l) {
			curl_slist_free_all(list);
			return nomem(err);
		}
		list = l;
	}
	/* The digest is over the bytes as stored: never ask for a content coding. */
	{
		struct curl_slist *l = curl_slist_append(list, "Accept-Encoding: identity");
		if (!l) {
			curl_slist_free_all(list);
			return nomem(err);
		}
		list = l;
	}
	*out = list;
	return CLARO_OK;
}

#define SET(opt, val)                                          \
	do {                                                   \
		if (curl_easy_setopt(h, opt, val) != CURLE_OK) \
			return CLARO_ERR_INTERNAL;             \
	} while (0)

static enum claro_status set_options(const struct fetcher *f, CURL *h, const char *uri,
				     struct curl_slist *headers, struct http_transfer *t, char *errbuf)
{
	SET(CURLOPT_URL, uri);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "claro/" PACKAGE_VERSION);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_CONNECTTIMEOUT, f->opts.connect_timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, f->opts.stall_timeout);
	if (f->opts.timeout > 0)
		SET(CURLOPT_TIMEOUT, f->opts.timeout);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->opts.max_compressed);
	SET(CURLOPT_FOLLOWLOCATION, f->opts.max_redirects > 0 ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, f->opts.max_redirects > 0 ? f->opts.max_redirects : 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (f->opts.proxy)
		SET(CURLOPT_PROXY, f->opts.proxy);
	if (f->opts.ca_file)
		SET(CURLOPT_CAINFO, f->opts.ca_file);
	return CLARO_OK;
}

#undef SET

static enum claro_status transfer_error(CURLcode rc, const char *errbuf, const struct fetcher *f,
					const char *digest, const char *shown_uri, struct error *err)
{
	enum claro_status st = CLARO_ERR_NETWORK;
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_PARTIAL_FILE:
		error_set(err, st, "could not fetch layer %s", digest);
		error_detail(err, "The body from %s was truncated: %s.", shown_uri, why);
		error_hint(
		    err, "Try again; if it persists, the registry or a proxy is cutting the transfer short.");
		return st;
	case CURLE_OPERATION_TIMEDOUT: st = CLARO_ERR_TIMEOUT; break;
	case CURLE_FILESIZE_EXCEEDED:
		error_set(err, CLARO_ERR_TOO_LARGE, "could not fetch layer %s", digest);
		error_detail(err, "The layer is larger than the limit of %llu bytes.",
			     (unsigned long long)f->opts.max_compressed);
		error_hint(err, "Raise the layer size limit if the layer is genuine.");
		return CLARO_ERR_TOO_LARGE;
	case CURLE_UNSUPPORTED_PROTOCOL: st = CLARO_ERR_UNSUPPORTED; break;
	default: break;
	}
	error_set(err, st, "could not fetch layer %s", digest);
	error_detail(err, "Fetching %s failed: %s.", shown_uri, why);
	error_hint(err, "Check that the layer URI is reachable from this host.");
	return st;
}

static enum claro_status fetch_http(struct fetcher *f, struct spool *sp, const char *digest, const char *uri,
				    const char *const *headers, struct error *err)
{
	struct http_transfer t = {0};
	struct curl_slist *list = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *shown = redact_uri(uri);
	const char *ctype = NULL;
	enum claro_status st;
	CURLcode rc;

	if (!shown)
		return nomem(err);
	t.sp = sp;
	t.err = err;
	t.h = curl_easy_init();
	if (!t.h) {
		free(shown);
		return nomem(err);
	}
	st = build_headers(headers, &list, err);
	if (st == CLARO_OK && set_options(f, t.h, uri, list, &t, errbuf) != CLARO_OK)
		st = error_set(err, CLARO_ERR_INTERNAL, "could not set up the layer download");
	if (st != CLARO_OK)
		goto out;
	rc = curl_easy_perform(t.h);
	if (t.failed) {
		st = err->status;
		goto out;
	}
	curl_easy_getinfo(t.h, CURLINFO_RESPONSE_CODE, &t.status);
	if (t.status != 200 && (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)) {
		st = error_set(err, t.status == 404 ? CLARO_ERR_NOT_FOUND : CLARO_ERR_NETWORK,
			       "could not fetch layer %s", digest);
		error_detail(err, "The server answered HTTP %ld for %s; only 200 is accepted.", t.status,
			     shown);
		error_hint(err, t.status == 401 || t.status == 403
				    ? "Check the credentials in the layer's headers."
				    : "Check that the layer URI is current; registry URLs often expire.");
		goto out;
	}
	if (rc != CURLE_OK) {
		st = transfer_error(rc, errbuf, f, digest, shown, err);
		goto out;
	}
	curl_easy_getinfo(t.h, CURLINFO_CONTENT_TYPE, &ctype);
	st = spool_set_content_type(sp, ctype, err);
out:
	curl_slist_free_all(list);
	curl_easy_cleanup(t.h);
	free(shown);
	return st;
}

/* One download into l (no lock held). */
static enum claro_status download(struct fetcher *f, struct fetched_layer *l, const char *uri,
				  const char *const *headers, struct error *err)
{
	struct spool_limits lim = {f->opts.tmpdir, f->opts.max_uncompressed};
	struct spool *sp = NULL;
	enum claro_status st;

	if (!uri || !*uri) {
		error_set(err, CLARO_ERR_INVALID, "could not fetch layer %s", l->digest);
		error_detail(err, "The layer has no URI.");
		return CLARO_ERR_INVALID;
	}
	st = spool_open(&lim, l->digest, &sp, err);
	if (st != CLARO_OK)
		return st;
	if (strncmp(uri, "file://", 7) == 0) {
		st = fetch_file(f, sp, l->digest, uri, err);
	} else if (strncasecmp(uri, "http://", 7) == 0 || strncasecmp(uri, "https://", 8) == 0) {
		st = fetch_http(f, sp, l->digest, uri, headers, err);
	} else {
		st = error_set(err, CLARO_ERR_UNSUPPORTED, "could not fetch layer %s", l->digest);
		error_detail(err, "Only http and https URIs are supported%s.",
			     f->opts.allow_file ? " (and file)" : "");
	}
	if (st == CLARO_OK)
		st = spool_finish(sp, err);
	if (st == CLARO_OK) {
		l->fd = spool_take_fd(sp);
		l->size = spool_size(sp);
		l->compression = spool_compression(sp);
	}
	spool_free(sp);
	return st;
}

enum claro_status fetcher_get(struct fetcher *f, const char *digest, const char *uri,
			      const char *const *headers, struct fetched_layer **out, struct error *err)
{
	struct fetched_layer *l;
	enum claro_status st;

	*out = NULL;
	if (!fetch_digest_valid(digest)) {
		error_set(err, CLARO_ERR_INVALID, "invalid layer digest \"%s\"", digest ? digest : "");
		error_detail(err,
			     "A digest is \"sha256:\" and 64 or \"sha512:\" and 128 lower-case hex digits.");
		return CLARO_ERR_INVALID;
	}
	pthread_mutex_lock(&f->lock);
	for (l = f->live; l; l = l->next)
		if (strcmp(l->digest, digest) == 0)
			break;
	if (l) {
		/* Someone has it or is getting it: wait and share. */
		l->refs++;
		while (!l->done)
			pthread_cond_wait(&f->done, &f->lock);
		if (l->err.status != CLARO_OK) {
			st = l->err.status;
			copy_error(err, &l->err);
			release_locked(l);
			pthread_mutex_unlock(&f->lock);
			return st;
		}
		pthread_mutex_unlock(&f->lock);
		*out = l;
		return CLARO_OK;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->digest = strdup(digest))) {
		pthread_mutex_unlock(&f->lock);
		free(l);
		return nomem(err);
	}
	l->f = f;
	l->fd = -1;
	l->refs = 1;
	l->cached = 1;
	l->next = f->live;
	f->live = l;
	f->downloads++;
	pthread_mutex_unlock(&f->lock);

	st = download(f, l, uri, headers, &l->err);

	pthread_mutex_lock(&f->lock);
	l->done = 1;
	if (st != CLARO_OK) {
		unlink_live(f, l); /* not cached: the next get tries again */
		copy_error(err, &l->err);
		pthread_cond_broadcast(&f->done);
		release_locked(l);
		pthread_mutex_unlock(&f->lock);
		return st;
	}
	pthread_cond_broadcast(&f->done);
	pthread_mutex_unlock(&f->lock);
	*out = l;
	return CLARO_OK;
}

/* ---- many layers ---- */

struct get_all {
	struct fetcher *f;
	size_t n;
	const char *const *digests, *const *uris;
	const char *const *const *headers;
	struct fetched_layer **out;
	struct error *errs;
	pthread_mutex_t lock;
	size_t next;
};

static void *get_all_worker(void *arg)
{
	struct get_all *g = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&g->lock);
		i = g->next++;
		pthread_mutex_unlock(&g->lock);
		if (i >= g->n)
			return NULL;
		fetcher_get(g->f, g->digests[i], g->uris[i], g->headers ? g->headers[i] : NULL, &g->out[i],
			    &g->errs[i]);
	}
}

enum claro_status fetcher_get_all(struct fetcher *f, size_t n, const char *const *digests,
				  const char *const *uris, const char *const *const *headers,
				  struct fetched_layer **out, size_t max_parallel, struct error *err)
{
	struct get_all g = {0};
	pthread_t *threads;
	size_t nthreads, started = 0;
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (n == 0)
		return CLARO_OK;
	if (max_parallel == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		max_parallel = cpus > 0 ? (size_t)cpus : 1;
	}
	nthreads = n < max_parallel ? n : max_parallel;
	g.errs = calloc(n, sizeof(*g.errs));
	threads = calloc(nthreads, sizeof(*threads));
	if (!g.errs || !threads) {
		free(g.errs);
		free(threads);
		return nomem(err);
	}
	g.f = f;
	g.n = n;
	g.digests = digests;
	g.uris = uris;
	g.headers = headers;
	g.out = out;
	pthread_mutex_init(&g.lock, NULL);
	for (size_t i = 1; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, get_all_worker, &g) != 0)
			break;
		started++;
	}
	get_all_worker(&g); /* this thread works too */
	for (size_t i = 1; i <= started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&g.lock);
	for (size_t i = 0; i < n; i++) {
		if (g.errs[i].status != CLARO_OK && st == CLARO_OK) {
			st = g.errs[i].status;
			error_move(err, &g.errs[i]);
		}
		error_clear(&g.errs[i]);
	}
	if (st != CLARO_OK) {
		for (size_t i = 0; i < n; i++) {
			fetched_layer_release(out[i]);
			out[i] = NULL;
		}
	}
	free(g.errs);
	free(threads);
	return st;
}
