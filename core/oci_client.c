/* Container registry client (see oci_client.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "log.h"
#include "oci_client.h"
#include "oci_doc.h"
#include "strutil.h"

#define CONNECT_TIMEOUT 10L  /* seconds */
#define REQUEST_TIMEOUT 120L /* seconds per request */
#define MAX_REDIRECTS   10L
#define MAX_TOKEN_BODY  (1024u * 1024)
#define MAX_AUTH_FILE   (1024u * 1024)
#define PROBE_MAX_BODY  65536u /* a server that ignores Range sends the whole blob: stop here */

/* ---- references ------------------------------------------------------------- */

void oci_ref_free(struct oci_ref *ref)
{
	free(ref->registry);
	free(ref->endpoint);
	free(ref->repository);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

static enum claro_status bad_ref(struct error *err, const char *s, const char *why)
{
	error_set(err, CLARO_ERR_INVALID, "invalid image reference \"%s\"", s);
	error_detail(err, "%s", why);
	error_hint(err, "Write HOST[:PORT]/REPOSITORY[:TAG|@sha256:DIGEST], for example "
			"quay.io/projectquay/clair:4.8.0 or 127.0.0.1:5000/test/alpine:3.10.");
	return CLARO_ERR_INVALID;
}

/* Docker's rule: the first component names a registry when it has a dot or
 * a colon, or is "localhost", and more components follow. */
static int is_registry_part(const char *s, size_t n)
{
	return (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0));
}

static int repo_valid(const char *s)
{
	if (!*s || *s == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//"))
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("._-/", *s)))
			return 0;
	return 1;
}

static int tag_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("_.-", *s)))
			return 0;
	return 1;
}

enum claro_status oci_ref_parse(const char *s, struct oci_ref *ref, struct error *err)
{
	const char *rest = s, *slash = strchr(s, '/'), *at, *colon, *lastslash;
	char *repo = NULL;

	memset(ref, 0, sizeof(*ref));
	if (!*s)
		return bad_ref(err, s, "The reference is empty.");
	if (slash && is_registry_part(s, (size_t)(slash - s))) {
		ref->registry = str_ndup(s, (size_t)(slash - s));
		rest = slash + 1;
	} else {
		ref->registry = str_dup("docker.io");
	}
	if (!ref->registry)
		goto nomem;
	at = strchr(rest, '@');
	if (at) {
		ref->digest = str_dup(at + 1);
		if (!ref->digest)
			goto nomem;
		if (!oci_digest_valid(ref->digest)) {
			oci_ref_free(ref);
			return bad_ref(err, s,
				       "The digest after \"@\" is not sha256: and 64 lower-case hex digits.");
		}
	}
	lastslash = strrchr(rest, '/');
	colon = strchr(lastslash ? lastslash : rest, ':');
	if (colon && (!at || colon < at)) {
		ref->tag = str_ndup(colon + 1, (size_t)((at ? at : colon + strlen(colon)) - colon - 1));
		repo = str_ndup(rest, (size_t)(colon - rest));
	} else {
		repo = str_ndup(rest, (size_t)((at ? at : rest + strlen(rest)) - rest));
		if (!at)
			ref->tag = str_dup("latest");
	}
	if (!repo || (!ref->tag && !at))
		goto nomem;
	if (ref->tag && !tag_valid(ref->tag)) {
		free(repo);
		oci_ref_free(ref);
		return bad_ref(err, s, "A tag is 1 to 128 letters, digits, \"_\", \".\" and \"-\".");
	}
	if (!repo_valid(repo)) {
		free(repo);
		oci_ref_free(ref);
		return bad_ref(
		    err, s,
		    "A repository name is lower-case letters, digits, \".\", \"_\", \"-\" and \"/\".");
	}
	if (strcmp(ref->registry, "docker.io") == 0 || strcmp(ref->registry, "index.docker.io") == 0) {
		if (!strchr(repo, '/')) {
			char *full = str_printf("library/%s", repo);
			free(repo);
			repo = full;
		}
		ref->endpoint = str_dup("registry-1.docker.io");
	} else {
		ref->endpoint = str_dup(ref->registry);
	}
	ref->repository = repo;
	if (!ref->repository || !ref->endpoint)
		goto nomem;
	return CLARO_OK;
nomem:
	oci_ref_free(ref);
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* ---- HTTP ------------------------------------------------------------------- */

struct client {
	const struct oci_ref *ref;
	char *base; /* "https://host[:port]" */
	char *auth; /* "Authorization: ..." header line, or NULL */
	char *user; /* credentials, or NULL */
	char *pass;
	int tried_auth;
};

struct response {
	long status;
	struct buf body;
	char *www_authenticate;
	char *content_type;
	char *effective_url;
	size_t max_body;
	int truncated;
};

static void response_free(struct response *r)
{
	buf_free(&r->body);
	free(r->www_authenticate);
	free(r->content_type);
	free(r->effective_url);
	memset(r, 0, sizeof(*r));
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct response *r = userp;
	size_t n = size * nmemb;

	if (r->body.len + n > r->max_body) {
		r->truncated = 1;
		return 0;
	}
	return buf_append(&r->body, data, n) == CLARO_OK ? n : 0;
}

/* Keep the last value of the headers we need (a redirect restarts them). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct response *r = userp;
	size_t n = size * nmemb, name_len;
	char **slot = NULL;
	const char *colon = memchr(data, ':', n), *v, *end = data + n;

	if (!colon)
		return n;
	name_len = (size_t)(colon - data);
	if (name_len == 16 && strncasecmp(data, "WWW-Authenticate", 16) == 0)
		slot = &r->www_authenticate;
	else if (name_len == 12 && strncasecmp(data, "Content-Type", 12) == 0)
		slot = &r->content_type;
	if (!slot)
		return n;
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	free(*slot);
	*slot = str_ndup(v, (size_t)(end - v));
	return *slot ? n : 0;
}

enum req_flags { REQ_PLAIN = 0, REQ_PROBE = 1, REQ_NO_AUTH = 2 };

/* GET url. A completed exchange is CLARO_OK whatever its status; only
 * transport failures are errors. */
static enum claro_status http_get(struct client *c, const char *url, const char *accept, int flags,
				  size_t max_body, struct response *r, struct error *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL, *tmp;
	char *accept_line = accept ? str_printf("Accept: %s", accept) : NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *eff = NULL;
	CURLcode rc;
	enum claro_status st = CLARO_OK;

	memset(r, 0, sizeof(*r));
	r->max_body = max_body;
	if (!h || (accept && !accept_line)) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (accept_line && (tmp = curl_slist_append(hdrs, accept_line)))
		hdrs = tmp;
	if (c->auth && !(flags & REQ_NO_AUTH) && (tmp = curl_slist_append(hdrs, c->auth)))
		hdrs = tmp;
	if ((flags & REQ_PROBE) && (tmp = curl_slist_append(hdrs, "Range: bytes=0-0")))
		hdrs = tmp;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "claro/" PACKAGE_VERSION);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, REQUEST_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	if ((flags & REQ_NO_AUTH) && c->user) { /* the token service takes Basic credentials */
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->pass ? c->pass : "");
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	r->effective_url = str_dup(eff ? eff : url);
	if (rc == CURLE_WRITE_ERROR && r->truncated && (flags & REQ_PROBE))
		rc = CURLE_OK; /* the probe has what it needs */
	if (rc != CURLE_OK) {
		if (r->truncated) {
			st = error_set(err, CLARO_ERR_TOO_LARGE, "response from %s too large", url);
			error_detail(err, "The body is longer than %zu bytes.", max_body);
			error_hint(err, "Check that the reference names an image manifest.");
		} else {
			st = error_set(err, CLARO_ERR_NETWORK, "could not fetch %s", url);
			error_detail(err, "%s.", *errbuf ? errbuf : curl_easy_strerror(rc));
			error_hint(err, "Check the registry address and that it is reachable; a registry "
					"without TLS needs --insecure unless it is on localhost.");
		}
	} else if (!r->effective_url) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
out:
	curl_slist_free_all(hdrs);
	free(accept_line);
	if (h)
		curl_easy_cleanup(h);
	if (st != CLARO_OK)
		response_free(r);
	return st;
}

/* ---- authentication --------------------------------------------------------- */

/* Value of key in a challenge's comma-separated key="value" list. */
static char *challenge_param(const char *params, const char *key)
{
	size_t klen = strlen(key);
	const char *p = params;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncasecmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1, *end;
			if (*v == '"') {
				v++;
				end = strchr(v, '"');
			} else {
				end = strchr(v, ',');
			}
			return str_ndup(v, end ? (size_t)(end - v) : strlen(v));
		}
		/* skip this pair, quoted commas included */
		while (*p && *p != ',') {
			if (*p == '"') {
				const char *q = strchr(p + 1, '"');
				p = q ? q : p + strlen(p) - 1;
			}
			p++;
		}
	}
	return NULL;
}

static char *basic_header(const char *user, const char *pass)
{
	char *plain = str_printf("%s:%s", user, pass ? pass : ""), *line = NULL;
	size_t n;
	unsigned char *b64;

	if (!plain)
		return NULL;
	n = strlen(plain);
	b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (b64) {
		EVP_EncodeBlock(b64, (const unsigned char *)plain, (int)n);
		line = str_printf("Authorization: Basic %s", (char *)b64);
	}
	free(b64);
	explicit_bzero(plain, n);
	free(plain);
	return line;
}

static enum claro_status auth_failed(struct client *c, long status, struct error *err)
{
	error_set(err, CLARO_ERR_DENIED, "registry %s refused access to %s", c->ref->registry,
		  c->ref->repository);
	error_detail(err, "The registry answered HTTP %ld%s.", status,
		     c->user ? " to the credentials given" : " and no credentials were found");
	error_hint(err, "Give --username and --password, or log in (docker login, skopeo login) so that "
			"$REGISTRY_AUTH_FILE or ~/.docker/config.json holds credentials for it.");
	return CLARO_ERR_DENIED;
}

/* Answer a Bearer challenge: ask the token service named by realm. */
static enum claro_status fetch_token(struct client *c, const char *params, struct error *err)
{
	char *realm = challenge_param(params, "realm"), *service = challenge_param(params, "service");
	char *scope = challenge_param(params, "scope"), *url = NULL, *esc_service = NULL, *esc_scope = NULL;
	struct response r;
	json_t *doc = NULL;
	const char *token;
	enum claro_status st;

	if (!scope)
		scope = str_printf("repository:%s:pull", c->ref->repository);
	if (!realm || (!str_has_prefix(realm, "https://") && !str_has_prefix(realm, "http://"))) {
		st = error_set(err, CLARO_ERR_NETWORK,
			       "registry %s sent an unusable authentication challenge", c->ref->registry);
		error_detail(err, "The Bearer challenge has no http(s) realm.");
		error_hint(err, "Check that the address names a container registry.");
		goto out;
	}
	esc_service = service ? curl_easy_escape(NULL, service, 0) : NULL;
	esc_scope = scope ? curl_easy_escape(NULL, scope, 0) : NULL;
	url = str_printf("%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?",
			 esc_service ? esc_service : "", esc_scope ? esc_scope : "");
	if (!url || !scope) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((st = http_get(c, url, "application/json", REQ_NO_AUTH, MAX_TOKEN_BODY, &r, err)) != CLARO_OK)
		goto out;
	if (r.status == 401 || r.status == 403) {
		st = auth_failed(c, r.status, err);
	} else if (r.status != 200 || !(doc = json_loadb(r.body.data, r.body.len, 0, NULL)) ||
		   !((token = json_string_value(json_object_get(doc, "token"))) ||
		     (token = json_string_value(json_object_get(doc, "access_token"))))) {
		st = error_set(err, CLARO_ERR_NETWORK, "could not get a token from %s", realm);
		error_detail(err, "The token service answered HTTP %ld without a token.", r.status);
		error_hint(err, "Check the registry's authentication service.");
	} else {
		free(c->auth);
		c->auth = str_printf("Authorization: Bearer %s", token);
		st = c->auth ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	json_decref(doc);
	response_free(&r);
out:
	free(realm);
	free(service);
	free(scope);
	free(url);
	curl_free(esc_service);
	curl_free(esc_scope);
	return st;
}

/* After a 401: set c->auth from the challenge. */
static enum claro_status answer_challenge(struct client *c, const struct response *r, struct error *err)
{
	const char *ch = r->www_authenticate;

	if (c->tried_auth || !ch)
		return auth_failed(c, r->status, err);
	c->tried_auth = 1;
	if (strncasecmp(ch, "Bearer ", 7) == 0)
		return fetch_token(c, ch + 7, err);
	if (strncasecmp(ch, "Basic", 5) == 0 && c->user) {
		free(c->auth);
		c->auth = basic_header(c->user, c->pass);
		return c->auth ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	return auth_failed(c, r->status, err);
}

/* GET with one round of authentication on 401. */
static enum claro_status get_authed(struct client *c, const char *url, const char *accept, int flags,
				    size_t max_body, struct response *r, struct error *err)
{
	enum claro_status st = http_get(c, url, accept, flags, max_body, r, err);

	if (st != CLARO_OK || r->status != 401)
		return st;
	st = answer_challenge(c, r, err);
	response_free(r);
	if (st != CLARO_OK)
		return st;
	st = http_get(c, url, accept, flags, max_body, r, err);
	if (st == CLARO_OK && (r->status == 401 || r->status == 403)) {
		st = auth_failed(c, r->status, err);
		response_free(r);
	}
	return st;
}

/* ---- credentials from an auth file ----------------------------------------- */

static int auth_key_matches(const char *key, const char *registry)
{
	size_t n;

	if (str_has_prefix(key, "https://"))
		key += 8;
	else if (str_has_prefix(key, "http://"))
		key += 7;
	n = strcspn(key, "/");
	if (strlen(registry) == n && strncmp(key, registry, n) == 0)
		return 1;
	/* Docker Hub's credentials are stored under index.docker.io. */
	return strcmp(registry, "docker.io") == 0 && n == 15 && strncmp(key, "index.docker.io", 15) == 0;
}

static void set_credentials(struct client *c, const char *user, const char *pass)
{
	c->user = str_dup(user);
	c->pass = str_dup(pass ? pass : "");
}

/* "auth": base64 of "user:password". */
static void credentials_from_auth(struct client *c, const char *b64)
{
	size_t n = strlen(b64);
	unsigned char *plain = malloc(n + 1);
	int len;
	char *colon;

	if (!plain)
		return;
	len = EVP_DecodeBlock(plain, (const unsigned char *)b64, (int)n);
	if (len > 0) {
		while (n > 0 && b64[n - 1] == '=' && len > 0) { /* DecodeBlock counts padding */
			n--;
			len--;
		}
		plain[len] = '\0';
		colon = strchr((char *)plain, ':');
		if (colon) {
			*colon = '\0';
			set_credentials(c, (char *)plain, colon + 1);
		}
	}
	explicit_bzero(plain, n + 1);
	free(plain);
}

static char *auth_file_path(void)
{
	const char *env = getenv("REGISTRY_AUTH_FILE"), *home = getenv("HOME");

	if (env && *env)
		return str_dup(env);
	env = getenv("DOCKER_CONFIG");
	if (env && *env)
		return str_printf("%s/config.json", env);
	return home && *home ? str_printf("%s/.docker/config.json", home) : NULL;
}

static void credentials_from_file(struct client *c)
{
	char *path = auth_file_path();
	json_t *doc, *auths, *entry;
	const char *key;

	if (!path)
		return;
	doc = json_load_file(path, 0, NULL);
	auths = json_object_get(doc, "auths");
	json_object_foreach(auths, key, entry)
	{
		const char *auth = json_string_value(json_object_get(entry, "auth"));
		const char *user = json_string_value(json_object_get(entry, "username"));

		if (!auth_key_matches(key, c->ref->registry))
			continue;
		if (auth && *auth)
			credentials_from_auth(c, auth);
		else if (user)
			set_credentials(c, user, json_string_value(json_object_get(entry, "password")));
		if (c->user) {
			log_debug("registry credentials for %s from %s", c->ref->registry, path);
			break;
		}
	}
	json_decref(doc);
	free(path);
}

/* ---- manifests -------------------------------------------------------------- */

static int is_loopback(const char *hostport)
{
	static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (strncmp(hostport, names[i], n) == 0 && (hostport[n] == '\0' || hostport[n] == ':'))
			return 1;
	}
	return 0;
}

static enum claro_status http_status_error(struct client *c, const char *what, const struct response *r,
					   struct error *err)
{
	enum claro_status st = r->status == 404 ? CLARO_ERR_NOT_FOUND : CLARO_ERR_NETWORK;

	error_set(err, st, "could not get %s of %s/%s", what, c->ref->registry, c->ref->repository);
	error_detail(err, "The registry answered HTTP %ld for %s.", r->status, r->effective_url);
	error_hint(err, r->status == 404
			    ? "Check the repository, tag or digest (skopeo list-tags lists the tags)."
			    : "Check the registry's state and logs.");
	return st;
}

/* GET a manifest or index by tag or digest; *doc and *digest on success. */
static enum claro_status get_document(struct client *c, const char *reference, json_t **doc, char **digest,
				      char **media_type, struct error *err)
{
	char *url = str_printf("%s/v2/%s/manifests/%s", c->base, c->ref->repository, reference);
	struct response r;
	enum claro_status st;

	*doc = NULL;
	*digest = NULL;
	*media_type = NULL;
	if (!url)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	st = get_authed(c, url, OCI_ACCEPT_MANIFESTS, REQ_PLAIN, OCI_MAX_DOCUMENT, &r, err);
	free(url);
	if (st != CLARO_OK)
		return st;
	if (r.status != 200) {
		st = http_status_error(c, "the manifest", &r, err);
	} else if (!(*doc = json_loadb(r.body.data, r.body.len, 0, NULL))) {
		st = oci_doc_invalid(err, "manifest", "The registry's answer is not JSON.");
	} else if (!(*digest = oci_sha256_digest(r.body.data, r.body.len))) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	} else if (oci_digest_valid(reference) && strcmp(reference, *digest) != 0) {
		st = error_set(err, CLARO_ERR_INVALID, "manifest digest mismatch for %s", reference);
		error_detail(err, "The registry sent a document whose sha256 is %s.", *digest);
		error_hint(err, "The registry's storage may be corrupt; check it.");
	} else if (r.content_type &&
		   !(*media_type = str_ndup(r.content_type, strcspn(r.content_type, "; ")))) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	if (st != CLARO_OK) {
		json_decref(*doc);
		*doc = NULL;
		free(*digest);
		*digest = NULL;
	}
	response_free(&r);
	return st;
}

/* Follow the blob's redirects with a one-byte probe (as clairctl does) and
 * record where it ends and the headers that got it there. */
static enum claro_status clair_layer(struct client *c, json_t *desc, json_t **out, struct error *err)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	const char *media_type = json_string_value(json_object_get(desc, "mediaType"));
	char *url = str_printf("%s/v2/%s/blobs/%s", c->base, c->ref->repository, digest), *prefix = NULL;
	json_t *layer = NULL, *headers = json_object();
	struct response r;
	enum claro_status st;

	*out = NULL;
	if (!url || !headers) {
		free(url);
		json_decref(headers);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	st = get_authed(c, url, NULL, REQ_PROBE, PROBE_MAX_BODY, &r, err);
	free(url);
	if (st != CLARO_OK) {
		json_decref(headers);
		return st;
	}
	if (r.status != 200 && r.status != 206) {
		st = http_status_error(c, "a layer", &r, err);
		error_prefix(err, "layer %s", digest);
		goto out;
	}
	/* libcurl sends our Authorization only to the registry itself; record
	 * it only when the chain ends there. */
	prefix = str_printf("%s/", c->base);
	if (c->auth && prefix && str_has_prefix(r.effective_url, prefix)) {
		const char *value = c->auth + strlen("Authorization: ");
		json_object_set_new(headers, "Authorization", json_pack("[s]", value));
	}
	layer = json_pack("{s:s, s:s, s:O, s:s}", "hash", digest, "uri", r.effective_url, "headers", headers,
			  "media_type", media_type ? media_type : "");
	if (!prefix || !layer)
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
out:
	free(prefix);
	json_decref(headers);
	response_free(&r);
	if (st == CLARO_OK)
		*out = layer;
	else
		json_decref(layer);
	return st;
}

static enum claro_status clair_manifest(struct client *c, json_t *manifest, const char *digest, json_t **out,
					struct error *err)
{
	json_t *layers, *desc, *list = json_array(), *layer;
	size_t i;
	enum claro_status st;

	*out = NULL;
	if (!list)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if ((st = oci_manifest_layers(manifest, &layers, err)) != CLARO_OK)
		goto fail;
	json_array_foreach(layers, i, desc)
	{
		if ((st = clair_layer(c, desc, &layer, err)) != CLARO_OK)
			goto fail;
		if (json_array_append_new(list, layer) != 0) {
			st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	*out = json_pack("{s:s, s:o}", "hash", digest, "layers", list);
	return *out ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");
fail:
	json_decref(list);
	return st;
}

static enum claro_status resolve(struct client *c, struct oci_platform *plat, json_t **out, struct error *err)
{
	char *reference = str_dup(c->ref->digest ? c->ref->digest : c->ref->tag);
	enum claro_status st = reference ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");

	for (int depth = 0; st == CLARO_OK; depth++) {
		json_t *doc, *desc;
		char *digest, *media_type;

		if ((st = get_document(c, reference, &doc, &digest, &media_type, err)) != CLARO_OK)
			break;
		switch (oci_doc_kind(doc, media_type)) {
		case OCI_DOC_MANIFEST:
			st = clair_manifest(c, doc, digest, out, err);
			json_decref(doc);
			free(digest);
			free(media_type);
			free(reference);
			return st;
		case OCI_DOC_INDEX:
			if (depth >= OCI_MAX_NESTING) {
				st = oci_doc_invalid(err, "image index", "Indexes are nested too deep.");
				break;
			}
			if ((st = oci_index_pick(doc, plat, &desc, err)) == CLARO_OK) {
				free(reference);
				reference = str_dup(json_string_value(json_object_get(desc, "digest")));
				if (!reference)
					st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
			}
			break;
		case OCI_DOC_SCHEMA1:
			st =
			    error_set(err, CLARO_ERR_UNSUPPORTED, "image manifest schema 1 is not supported");
			error_detail(err,
				     "The registry sent a Docker schema 1 manifest, deprecated since 2017.");
			error_hint(err,
				   "Push the image again with a current tool (skopeo copy converts it).");
			break;
		default:
			st = oci_doc_invalid(err, "manifest",
					     "The registry's answer is neither an image manifest "
					     "nor an index.");
		}
		json_decref(doc);
		free(digest);
		free(media_type);
	}
	free(reference);
	return st;
}

enum claro_status oci_client_manifest(const struct oci_ref *ref, const struct oci_client_options *opts,
				      json_t **out, struct error *err)
{
	struct client c;
	struct oci_platform plat;
	int plain = opts->insecure || is_loopback(ref->endpoint);
	enum claro_status st;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.ref = ref;
	if ((st = oci_platform_parse(opts->platform, &plat, err)) != CLARO_OK)
		return st;
	c.base = str_printf("%s://%s", plain ? "http" : "https", ref->endpoint);
	if (opts->username)
		set_credentials(&c, opts->username, opts->password);
	else
		credentials_from_file(&c);
	if (!c.base || (opts->username && !c.user))
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	else
		st = resolve(&c, &plat, out, err);
	oci_platform_free(&plat);
	free(c.base);
	free(c.auth);
	free(c.user);
	if (c.pass) {
		explicit_bzero(c.pass, strlen(c.pass));
		free(c.pass);
	}
	return st;
}
