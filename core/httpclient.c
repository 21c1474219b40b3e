/* Outbound HTTP over libcurl (see httpclient.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
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
static char *policy_proxy, *policy_ca_file;

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
	policy_proxy = policy_ca_file = NULL;
	memset(&policy, 0, sizeof(policy));
	pthread_rwlock_unlock(&policy_lock);
	curl_global_cleanup();
}

enum claro_status httpclient_configure(const struct httpclient_options *opts, struct error *err)
{
	char *proxy = NULL, *ca_file = NULL;

	if ((opts->proxy && !(proxy = strdup(opts->proxy))) ||
	    (opts->ca_file && !(ca_file = strdup(opts->ca_file)))) {
		free(proxy);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	pthread_rwlock_wrlock(&policy_lock);
	free(policy_proxy);
	free(policy_ca_file);
	policy = *opts;
	policy.proxy = policy_proxy = proxy;
	policy.ca_file = policy_ca_file = ca_file;
	pthread_rwlock_unlock(&policy_lock);
	return CLARO_OK;
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
	enum claro_status st = buf_append(&t->body, data, size * n);

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

enum claro_status httpclient_fetch(const struct claro_http_request *req, struct claro_http_response **out,
				   struct error *err)
{
	struct transfer t;
	struct curl_slist *headers = NULL;
	uint64_t max_body;
	long timeout, status = 0;
	enum claro_status st;
	CURLcode rc;
	CURL *h;

	*out = NULL;
	if ((st = check_request(req, err)) != CLARO_OK)
		return st;
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
