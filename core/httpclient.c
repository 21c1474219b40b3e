/* Outbound HTTP over libcurl (see httpclient.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "httpclient.h"
#include "strutil.h"

#define REQUEST_V10 (offsetof(struct claro_http_request, timeout_seconds) + sizeof(uint32_t))

/* The process-wide policy. Fetches hold the read lock for their whole run so
 * httpclient_configure never frees strings a fetch is using. */
static pthread_rwlock_t policy_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct httpclient_options policy;
static char *policy_proxy, *policy_ca_file, *policy_mirror_dir;

/* httpclient_cancel() */
static atomic_int cancelled;

/* ---- per-host rate limit: token buckets ---- */
#define RATE_HOSTS    64
#define RATE_MIN      0.1 /* requests per second a host is never throttled below */
#define RATE_HOST_MAX 256

struct bucket {
	char host[RATE_HOST_MAX];
	double tokens;
	double rate;   /* current; lowered by 429 answers */
	double last;   /* monotonic seconds of the last refill */
	uint64_t used; /* for evicting the least recently used host */
};

static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bucket buckets[RATE_HOSTS];
static size_t n_buckets;
static uint64_t rate_clock;

/* A response and the memory its public fields point into. */
struct response_box {
	struct claro_http_response pub; /* first: freeing goes from pub to the box */
	char *etag;
	char *last_modified;
	char *content_type;
	char *effective_url;
	char *body;
};

/* State of one transfer. */
struct transfer {
	struct buf body;
	int too_big;
	int denied;
	int cancelled;
	FILE *sink;    /* httpclient_download: the body goes here, not to body */
	uint64_t sunk; /* bytes written to sink */
	uint64_t sink_max;
	int sink_failed;
	char *etag;
	char *last_modified;
	char errbuf[CURL_ERROR_SIZE];
};

enum claro_status httpclient_init(struct error *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK) {
		error_set(err, CLARO_ERR_INTERNAL, "could not initialise the HTTP client");
		error_detail(err, "curl_global_init failed: %s.", curl_easy_strerror(rc));
		error_hint(err, "Check that libcurl and its TLS library are installed correctly.");
		return CLARO_ERR_INTERNAL;
	}
	return CLARO_OK;
}

void httpclient_cleanup(void)
{
	pthread_rwlock_wrlock(&policy_lock);
	free(policy_proxy);
	free(policy_ca_file);
	free(policy_mirror_dir);
	policy_proxy = policy_ca_file = policy_mirror_dir = NULL;
	memset(&policy, 0, sizeof(policy));
	pthread_rwlock_unlock(&policy_lock);
	curl_global_cleanup();
}

enum claro_status httpclient_configure(const struct httpclient_options *opts, struct error *err)
{
	char *proxy = NULL, *ca_file = NULL, *mirror = NULL;
	int has_mirror = opts->mirror_dir && *opts->mirror_dir;

	if ((opts->proxy && !(proxy = strdup(opts->proxy))) ||
	    (opts->ca_file && !(ca_file = strdup(opts->ca_file))) ||
	    (has_mirror && !(mirror = strdup(opts->mirror_dir)))) {
		free(proxy);
		free(ca_file);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	pthread_rwlock_wrlock(&policy_lock);
	free(policy_proxy);
	free(policy_ca_file);
	free(policy_mirror_dir);
	policy = *opts;
	policy.proxy = policy_proxy = proxy;
	policy.ca_file = policy_ca_file = ca_file;
	policy.mirror_dir = policy_mirror_dir = mirror;
	if (policy.rate_limit < 0)
		policy.rate_limit = 0;
	pthread_rwlock_unlock(&policy_lock);
	pthread_mutex_lock(&rate_lock);
	n_buckets = 0; /* a new limit starts every host afresh */
	pthread_mutex_unlock(&rate_lock);
	return CLARO_OK;
}

void httpclient_cancel(int on)
{
	atomic_store(&cancelled, on ? 1 : 0);
}

static enum claro_status cancelled_error(const char *url, struct error *err)
{
	error_set(err, CLARO_ERR_CANCELLED, "could not fetch %s", url);
	error_detail(err, "The fetch was cancelled because claro is shutting down.");
	return CLARO_ERR_CANCELLED;
}

/* ---- rate limit ---- */

static double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bucket of host (rate_lock held), created or recycled. */
static struct bucket *bucket_of(const char *host, double limit, double now)
{
	struct bucket *b = NULL;

	for (size_t i = 0; i < n_buckets && !b; i++)
		if (strcmp(buckets[i].host, host) == 0)
			b = &buckets[i];
	if (!b) {
		if (n_buckets < RATE_HOSTS) {
			b = &buckets[n_buckets++];
		} else {
			b = &buckets[0];
			for (size_t i = 1; i < RATE_HOSTS; i++)
				if (buckets[i].used < b->used)
					b = &buckets[i];
		}
		str_copy(b->host, sizeof(b->host), host);
		b->rate = limit;
		b->tokens = limit < 1 ? 1 : limit;
		b->last = now;
	}
	b->used = ++rate_clock;
	return b;
}

/* Take a token for host; the seconds to wait before using it. */
static double rate_reserve(const char *host, double limit)
{
	double now = monotonic_seconds(), wait = 0, cap;
	struct bucket *b;

	pthread_mutex_lock(&rate_lock);
	b = bucket_of(host, limit, now);
	cap = b->rate < 1 ? 1 : b->rate;
	b->tokens += (now - b->last) * b->rate;
	if (b->tokens > cap)
		b->tokens = cap;
	b->last = now;
	b->tokens -= 1;
	if (b->tokens < 0)
		wait = -b->tokens / b->rate;
	pthread_mutex_unlock(&rate_lock);
	return wait;
}

/* 429: halve the host's rate; success: raise it by a tenth of the limit. */
static void rate_feedback(const char *host, double limit, long status)
{
	struct bucket *b;

	pthread_mutex_lock(&rate_lock);
	b = bucket_of(host, limit, monotonic_seconds());
	if (status == 429)
		b->rate = b->rate / 2 < RATE_MIN ? RATE_MIN : b->rate / 2;
	else if (status > 0 && status < 400)
		b->rate = b->rate + limit / 10 > limit ? limit : b->rate + limit / 10;
	pthread_mutex_unlock(&rate_lock);
}

/* Sleep for seconds in slices, so a cancel ends it early. 0 when cancelled. */
static int rate_sleep(double seconds)
{
	while (seconds > 0) {
		double slice = seconds > 0.1 ? 0.1 : seconds;
		struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};

		if (atomic_load(&cancelled))
			return 0;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		seconds -= slice;
	}
	return !atomic_load(&cancelled);
}

/* The lower-cased host of url into out; 0 when it has none. */
static int url_host(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int ok = 0;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && strlen(host) < n) {
		for (size_t i = 0; host[i]; i++)
			out[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
		out[strlen(host)] = '\0';
		ok = 1;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

struct claro_http_response *httpclient_response_make(long status, char *etag, char *last_modified,
						     char *content_type, char *effective_url, char *body,
						     size_t body_len)
{
	struct response_box *box = body ? calloc(1, sizeof(*box)) : NULL;

	if (!box) {
		free(etag);
		free(last_modified);
		free(content_type);
		free(effective_url);
		free(body);
		return NULL;
	}
	box->etag = etag;
	box->last_modified = last_modified;
	box->content_type = content_type;
	box->effective_url = effective_url;
	box->body = body;
	box->pub.struct_size = sizeof(box->pub);
	box->pub.status = status;
	box->pub.etag = etag;
	box->pub.last_modified = last_modified;
	box->pub.content_type = content_type;
	box->pub.effective_url = effective_url;
	box->pub.body = (const unsigned char *)body;
	box->pub.body_len = body_len;
	return &box->pub;
}

void httpclient_response_free(struct claro_http_response *resp)
{
	struct response_box *box = (struct response_box *)resp;

	if (!box)
		return;
	free(box->etag);
	free(box->last_modified);
	free(box->content_type);
	free(box->effective_url);
	free(box->body);
	free(box);
}

/* ---- callbacks ---- */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	enum claro_status st;

	if (t->sink) {
		if (t->sunk + size * n > t->sink_max) {
			t->too_big = 1;
			return 0;
		}
		if (fwrite(data, 1, size * n, t->sink) != size * n) {
			t->sink_failed = 1;
			return 0;
		}
		t->sunk += size * n;
		return size * n;
	}
	st = buf_append(&t->body, data, size * n);
	if (st == CLARO_ERR_TOO_LARGE)
		t->too_big = 1;
	return st == CLARO_OK ? size * n : 0; /* 0 aborts the transfer */
}

/* The value of header line "Name: value\r\n" if its name is name, trimmed. */
static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nlen = strlen(name), start, end;

	if (len <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
		return NULL;
	start = nlen + 1;
	end = len;
	while (start < end && (line[start] == ' ' || line[start] == '\t'))
		start++;
	while (end > start && (line[end - 1] == '\r' || line[end - 1] == '\n' || line[end - 1] == ' '))
		end--;
	return str_ndup(line + start, end - start);
}

static void replace(char **slot, char *value)
{
	if (value) {
		free(*slot);
		*slot = value;
	}
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or 100): forget earlier headers. */
		free(t->etag);
		free(t->last_modified);
		t->etag = t->last_modified = NULL;
		return len;
	}
	replace(&t->etag, header_value(data, len, "ETag"));
	replace(&t->last_modified, header_value(data, len, "Last-Modified"));
	return len;
}

static int allowed_in_airgap(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
		return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 20) == 0xac1 /* 172.16/12 */ ||
		       (a >> 16) == 0xc0a8 /* 192.168/16 */ || (a >> 16) == 0xa9fe /* 169.254/16 */;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			struct sockaddr_in v4 = {0};
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, &a->s6_addr[12], 4);
			return allowed_in_airgap((const struct sockaddr *)&v4);
		}
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) || (a->s6_addr[0] & 0xfe) == 0xfc;
	}
	return sa->sa_family == AF_UNIX;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (atomic_load(&cancelled)) {
		t->cancelled = 1;
		return 1;
	}
	return 0;
}

static curl_socket_t on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct transfer *t = arg;

	(void)purpose;
	if (!allowed_in_airgap(&address->addr)) {
		t->denied = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}

/* ---- the request ---- */

static int has_line_break(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

static enum claro_status check_request(const struct claro_http_request *req, struct error *err)
{
	const char *method;

	if (!req || req->struct_size < REQUEST_V10) {
		error_set(err, CLARO_ERR_INVALID, "invalid HTTP request");
		error_detail(err, "The request's struct_size is %u; plugin ABI 1.0 needs at least %zu.",
			     req ? req->struct_size : 0, REQUEST_V10);
		error_hint(err, "Set struct_size = sizeof(struct claro_http_request).");
		return CLARO_ERR_INVALID;
	}
	if (!req->url || !*req->url) {
		error_set(err, CLARO_ERR_INVALID, "invalid HTTP request");
		error_detail(err, "The request has no URL.");
		return CLARO_ERR_INVALID;
	}
	method = req->method ? req->method : "GET";
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not fetch %s", req->url);
		error_detail(err,
			     "The method \"%s\" is not supported; the host fetches with GET and HEAD only.",
			     method);
		return CLARO_ERR_UNSUPPORTED;
	}
	if (has_line_break(req->url) || has_line_break(req->if_none_match) ||
	    has_line_break(req->if_modified_since))
		goto bad_header;
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		if (has_line_break(req->headers[i]) || !strchr(req->headers[i], ':'))
			goto bad_header;
	return CLARO_OK;
bad_header:
	error_set(err, CLARO_ERR_INVALID, "invalid HTTP request");
	error_detail(err, "A header is not a single \"Name: value\" line, or the URL contains a line break.");
	return CLARO_ERR_INVALID;
}

static enum claro_status add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *next = curl_slist_append(*list, line);

	if (!next)
		return CLARO_ERR_NOMEM;
	*list = next;
	return CLARO_OK;
}

static enum claro_status build_headers(const struct claro_http_request *req, struct curl_slist **out)
{
	struct curl_slist *list = NULL;
	enum claro_status st = CLARO_OK;
	char *line;

	for (size_t i = 0; st == CLARO_OK && req->headers && req->headers[i]; i++)
		st = add_header(&list, req->headers[i]);
	if (st == CLARO_OK && req->if_none_match) {
		line = str_printf("If-None-Match: %s", req->if_none_match);
		st = line ? add_header(&list, line) : CLARO_ERR_NOMEM;
		free(line);
	}
	if (st == CLARO_OK && req->if_modified_since) {
		line = str_printf("If-Modified-Since: %s", req->if_modified_since);
		st = line ? add_header(&list, line) : CLARO_ERR_NOMEM;
		free(line);
	}
	if (st != CLARO_OK) {
		curl_slist_free_all(list);
		return st;
	}
	*out = list;
	return CLARO_OK;
}

static enum claro_status set_options(CURL *h, const struct claro_http_request *req, struct transfer *t,
				     struct curl_slist *headers, uint64_t max_body, long timeout)
{
	long redirects = policy.max_redirects ? policy.max_redirects : HTTPCLIENT_DEFAULT_MAX_REDIRECTS;
	CURLcode rc = CURLE_OK;

#define SET(opt, val)                                       \
	do {                                                \
		if (rc == CURLE_OK)                         \
			rc = curl_easy_setopt(h, opt, val); \
	} while (0)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "claro/" PACKAGE_VERSION);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, t);
	SET(CURLOPT_ERRORBUFFER, t->errbuf);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, t);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_body);
	SET(CURLOPT_CONNECTTIMEOUT,
	    policy.connect_timeout > 0 ? policy.connect_timeout : (long)HTTPCLIENT_DEFAULT_CONNECT_TIMEOUT);
	SET(CURLOPT_TIMEOUT, timeout);
	SET(CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, redirects > 0 ? redirects : 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (req->method && strcmp(req->method, "HEAD") == 0)
		SET(CURLOPT_NOBODY, 1L);
	if (policy.proxy)
		SET(CURLOPT_PROXY, policy.proxy);
	if (policy.ca_file)
		SET(CURLOPT_CAINFO, policy.ca_file);
	if (policy.airgap) {
		SET(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
		SET(CURLOPT_OPENSOCKETDATA, t);
	}
#undef SET
	return rc == CURLE_OK ? CLARO_OK : CLARO_ERR_INTERNAL;
}

/* Turns a failed transfer into a three-part error. */
static enum claro_status transfer_error(CURLcode rc, const struct transfer *t, const char *url,
					uint64_t max_body, long timeout, struct error *err)
{
	const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);

	if (t->cancelled)
		return cancelled_error(url, err);
	if (t->sink_failed) {
		error_set(err, CLARO_ERR_IO, "could not save %s", url);
		error_detail(err, "Writing the download to a temporary file failed.");
		error_hint(err, "Check the space in $TMPDIR.");
		return CLARO_ERR_IO;
	}
	if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		error_set(err, CLARO_ERR_TOO_LARGE, "could not fetch %s", url);
		error_detail(err, "The response body is larger than the limit of %llu bytes.",
			     (unsigned long long)max_body);
		error_hint(err, "Raise the size limit if the resource really is that large.");
		return CLARO_ERR_TOO_LARGE;
	}
	if (t->denied) {
		error_set(err, CLARO_ERR_DENIED, "could not fetch %s", url);
		error_detail(
		    err,
		    "Airgap mode is on and the server's address is not loopback, private or link-local.");
		error_hint(err, "Serve the resource from a mirror on the local network, or turn airgap off.");
		return CLARO_ERR_DENIED;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		error_set(err, CLARO_ERR_TIMEOUT, "could not fetch %s", url);
		error_detail(err, "No complete response arrived within %ld seconds: %s.", timeout, why);
		error_hint(err, "Check the network path to the server, or raise the timeout.");
		return CLARO_ERR_TIMEOUT;
	}
	if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not fetch %s", url);
		error_detail(err, "Only http and https URLs are fetched (also when redirected): %s.", why);
		error_hint(err, "Use an http or https URL.");
		return CLARO_ERR_UNSUPPORTED;
	}
	if (rc == CURLE_OUT_OF_MEMORY)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	error_set(err, CLARO_ERR_NETWORK, "could not fetch %s", url);
	error_detail(err, "%s.", why);
	error_hint(err, "Check the URL, the network and the proxy settings.");
	return CLARO_ERR_NETWORK;
}

static enum claro_status make_response(CURL *h, struct transfer *t, long status,
				       struct claro_http_response **out, struct error *err)
{
	struct response_box *box = calloc(1, sizeof(*box));
	char *ctype = NULL, *eurl = NULL;
	size_t body_len = t->body.len;

	if (!box)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eurl);
	box->content_type = ctype ? strdup(ctype) : NULL;
	box->effective_url = eurl ? strdup(eurl) : NULL;
	box->body = buf_steal(&t->body);
	if ((ctype && !box->content_type) || (eurl && !box->effective_url) || !box->body) {
		httpclient_response_free(&box->pub);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	box->etag = t->etag;
	box->last_modified = t->last_modified;
	t->etag = t->last_modified = NULL;
	box->pub.struct_size = sizeof(box->pub);
	box->pub.status = status;
	box->pub.etag = box->etag;
	box->pub.last_modified = box->last_modified;
	box->pub.content_type = box->content_type;
	box->pub.effective_url = box->effective_url;
	box->pub.body = (const unsigned char *)box->body;
	box->pub.body_len = body_len;
	*out = &box->pub;
	return CLARO_OK;
}

static enum claro_status fetch_into(const struct claro_http_request *req, FILE *sink,
				    struct claro_http_response **out, struct error *err);

enum claro_status httpclient_fetch(const struct claro_http_request *req, struct claro_http_response **out,
				   struct error *err)
{
	return fetch_into(req, NULL, out, err);
}

enum claro_status httpclient_download(const char *url, FILE *sink, uint64_t max, struct error *err)
{
	struct claro_http_request req;
	struct claro_http_response *resp = NULL;
	enum claro_status st;
	char *path = NULL;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	req.max_body = max;
	req.timeout_seconds = 24 * 3600; /* a whole export may be large */
	pthread_rwlock_rdlock(&policy_lock);
	st = policy.mirror_dir ? httpclient_mirror_path(policy.mirror_dir, url, &path, err) : CLARO_OK;
	pthread_rwlock_unlock(&policy_lock);
	if (st != CLARO_OK)
		return st;
	if (path) {
		FILE *in = fopen(path, "rb");
		char chunk[65536];
		size_t n;
		uint64_t total = 0;

		if (!in) {
			error_set(err, CLARO_ERR_NETWORK, "could not fetch %s", url);
			error_detail(err, "The mirror directory has no readable file %s (%s).", path,
				     strerror(errno));
			free(path);
			return CLARO_ERR_NETWORK;
		}
		while (st == CLARO_OK && (n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
			total += n;
			if (total > max)
				st = error_set(err, CLARO_ERR_TOO_LARGE,
					       "could not fetch %s: larger than %llu bytes", url,
					       (unsigned long long)max);
			else if (fwrite(chunk, 1, n, sink) != n)
				st = error_set(err, CLARO_ERR_IO, "could not save %s", url);
		}
		if (st == CLARO_OK && ferror(in))
			st = error_set(err, CLARO_ERR_IO, "could not read %s", path);
		fclose(in);
		free(path);
		return st;
	}
	st = fetch_into(&req, sink, &resp, err);
	httpclient_response_free(resp);
	return st;
}

static enum claro_status fetch_into(const struct claro_http_request *req, FILE *sink,
				    struct claro_http_response **out, struct error *err)
{
	struct transfer t;
	struct curl_slist *headers = NULL;
	uint64_t max_body;
	long timeout, status = 0;
	double limit;
	char host[RATE_HOST_MAX] = "";
	enum claro_status st;
	CURLcode rc;
	CURL *h;

	*out = NULL;
	if ((st = check_request(req, err)) != CLARO_OK)
		return st;
	if (atomic_load(&cancelled))
		return cancelled_error(req->url, err);
	pthread_rwlock_rdlock(&policy_lock);
	if (policy.mirror_dir && !sink) {
		max_body = req->max_body     ? req->max_body
			   : policy.max_body ? policy.max_body
					     : HTTPCLIENT_DEFAULT_MAX_BODY;
		st = httpclient_mirror_fetch(policy.mirror_dir, req, max_body, out, err);
		pthread_rwlock_unlock(&policy_lock);
		return st;
	}
	limit = policy.rate_limit;
	pthread_rwlock_unlock(&policy_lock);
	if (limit > 0 && url_host(req->url, host, sizeof(host)) && !rate_sleep(rate_reserve(host, limit)))
		return cancelled_error(req->url, err);
	if (build_headers(req, &headers) != CLARO_OK)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	h = curl_easy_init();
	if (!h) {
		curl_slist_free_all(headers);
		return error_set(err, CLARO_ERR_NOMEM, "could not create an HTTP transfer");
	}
	memset(&t, 0, sizeof(t));
	pthread_rwlock_rdlock(&policy_lock);
	max_body = req->max_body     ? req->max_body
		   : policy.max_body ? policy.max_body
				     : HTTPCLIENT_DEFAULT_MAX_BODY;
	timeout = req->timeout_seconds ? (long)req->timeout_seconds
		  : policy.timeout > 0 ? policy.timeout
				       : (long)HTTPCLIENT_DEFAULT_TIMEOUT;
	t.body.max = max_body > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max_body;
	t.sink = sink;
	t.sink_max = max_body;
	st = set_options(h, req, &t, headers, max_body, timeout);
	if (st != CLARO_OK) {
		error_set(err, CLARO_ERR_INTERNAL, "could not set up the HTTP transfer");
		error_detail(err, "libcurl refused an option; it may be too old for this build.");
	} else {
		rc = curl_easy_perform(h);
		if (rc != CURLE_OK) {
			st = transfer_error(rc, &t, req->url, max_body, timeout, err);
		} else {
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
			if (limit > 0 && host[0])
				rate_feedback(host, limit, status);
			if (status >= 400) {
				error_set(err, CLARO_ERR_NETWORK, "could not fetch %s", req->url);
				error_detail(err, "The server answered with HTTP status %ld.", status);
				error_hint(err,
					   "Check the URL; the resource may have moved or need credentials.");
				st = CLARO_ERR_NETWORK;
			} else {
				st = make_response(h, &t, status, out, err);
			}
		}
	}
	pthread_rwlock_unlock(&policy_lock);
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
	buf_free(&t.body);
	free(t.etag);
	free(t.last_modified);
	return st;
}
