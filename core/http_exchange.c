/* What a handler sees of one request and how it answers (see httpd.h):
 * the request as copied off evhttp, the reply being built, Clair's error
 * body and content negotiation. Runs on a worker (or, for ROUTE_INLINE, on
 * the loop thread); touches no evhttp object.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "httpd_impl.h"
#include "strutil.h"

/* ---- Clair's error codes ------------------------------------------------ */

const char *http_error_code(int status)
{
	switch (status) {
	case 400: return "bad-request";
	case 404: return "not-found";
	case 405: return "method-not-allowed";
	case 429: return "too-many-requests";
	default: return "internal-error";
	}
}

/* ---- the reply ----------------------------------------------------------- */

static void remove_reply_headers(struct http_exchange *x, const char *name)
{
	size_t kept = 0;

	for (size_t i = 0; i < x->n_reply_headers; i++) {
		if (strcasecmp(x->reply_headers[i].name, name) == 0) {
			free(x->reply_headers[i].name);
			free(x->reply_headers[i].value);
		} else {
			x->reply_headers[kept++] = x->reply_headers[i];
		}
	}
	x->n_reply_headers = kept;
}

static int header_text_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return 0; /* no header injection through values we were handed */
	return 1;
}

static enum claro_status append_reply_header(struct http_exchange *x, const char *name, const char *value)
{
	struct reply_header *h;

	if (!header_text_ok(name) || !header_text_ok(value) || !*name)
		return CLARO_ERR_INVALID;
	if (x->n_reply_headers == x->cap_reply_headers) {
		size_t cap = x->cap_reply_headers ? x->cap_reply_headers * 2 : 8;
		struct reply_header *grown = realloc(x->reply_headers, cap * sizeof(*grown));

		if (!grown)
			return CLARO_ERR_NOMEM;
		x->reply_headers = grown;
		x->cap_reply_headers = cap;
	}
	h = &x->reply_headers[x->n_reply_headers];
	h->name = str_dup(name);
	h->value = str_dup(value);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		return CLARO_ERR_NOMEM;
	}
	x->n_reply_headers++;
	return CLARO_OK;
}

enum claro_status http_set_header(struct http_exchange *x, const char *name, const char *value)
{
	if (!header_text_ok(value))
		return CLARO_ERR_INVALID;
	remove_reply_headers(x, name);
	return append_reply_header(x, name, value);
}

enum claro_status http_add_header(struct http_exchange *x, const char *name, const char *value)
{
	return append_reply_header(x, name, value);
}

/* A fresh, empty reply body; NULL on allocation failure. */
static struct evbuffer *reset_body(struct http_exchange *x)
{
	if (x->reply_body) {
		evbuffer_drain(x->reply_body, evbuffer_get_length(x->reply_body));
		return x->reply_body;
	}
	x->reply_body = evbuffer_new();
	return x->reply_body;
}

/* The last resort when even building an error fails: a bare 500. */
static void reply_bare_500(struct http_exchange *x)
{
	if (x->reply_body)
		evbuffer_drain(x->reply_body, evbuffer_get_length(x->reply_body));
	remove_reply_headers(x, "Content-Type");
	x->status = 500;
}

static enum claro_status set_content_type(struct http_exchange *x, const char *content_type)
{
	if (!content_type) {
		remove_reply_headers(x, "Content-Type");
		return CLARO_OK;
	}
	return http_set_header(x, "Content-Type", content_type);
}

enum claro_status http_reply_bytes(struct http_exchange *x, int status, const char *content_type,
				   const void *data, size_t len)
{
	struct evbuffer *body = reset_body(x);

	if (!body || set_content_type(x, content_type) != CLARO_OK || evbuffer_add(body, data, len) != 0) {
		reply_bare_500(x);
		return CLARO_ERR_NOMEM;
	}
	x->status = status;
	return CLARO_OK;
}

enum claro_status http_reply_static(struct http_exchange *x, int status, const char *content_type,
				    const void *data, size_t len)
{
	struct evbuffer *body = reset_body(x);

	if (!body || set_content_type(x, content_type) != CLARO_OK ||
	    (len && evbuffer_add_reference(body, data, len, NULL, NULL) != 0)) {
		reply_bare_500(x);
		return CLARO_ERR_NOMEM;
	}
	x->status = status;
	return CLARO_OK;
}

static void free_taken(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)data);
}

enum claro_status http_reply_take(struct http_exchange *x, int status, const char *content_type, void *data,
				  size_t len)
{
	struct evbuffer *body = reset_body(x);

	if (!body || set_content_type(x, content_type) != CLARO_OK ||
	    evbuffer_add_reference(body, data, len, free_taken, NULL) != 0) {
		free(data);
		reply_bare_500(x);
		return CLARO_ERR_NOMEM;
	}
	x->status = status;
	return CLARO_OK;
}

/* jansson writes a token at a time; evbuffer_add per token was a fifth of
 * a large report's serialisation, so tokens gather in a buffer first. */
struct dump_buffer {
	struct evbuffer *out;
	size_t used;
	char data[16384];
};

static int dump_flush(struct dump_buffer *b)
{
	int rc = b->used ? evbuffer_add(b->out, b->data, b->used) : 0;

	b->used = 0;
	return rc == 0 ? 0 : -1;
}

static int dump_to_evbuffer(const char *data, size_t size, void *arg)
{
	struct dump_buffer *b = arg;

	if (size > sizeof(b->data) - b->used && dump_flush(b) != 0)
		return -1;
	if (size > sizeof(b->data))
		return evbuffer_add(b->out, data, size) == 0 ? 0 : -1;
	memcpy(b->data + b->used, data, size);
	b->used += size;
	return 0;
}

enum claro_status http_reply_json(struct http_exchange *x, int status, const char *content_type,
				  const json_t *value)
{
	struct evbuffer *body = reset_body(x);
	struct dump_buffer *buf = body ? malloc(sizeof(*buf)) : NULL;
	int failed =
	    !buf || set_content_type(x, content_type ? content_type : "application/json") != CLARO_OK;

	if (buf) {
		buf->out = body;
		buf->used = 0;
	}
	failed = failed ||
		 json_dump_callback(value, dump_to_evbuffer, buf, JSON_COMPACT | JSON_ENCODE_ANY) != 0 ||
		 dump_flush(buf) != 0;
	free(buf);
	if (failed) {
		reply_bare_500(x);
		return CLARO_ERR_NOMEM;
	}
	x->status = status;
	return CLARO_OK;
}

void http_reply_empty(struct http_exchange *x, int status)
{
	reset_body(x);
	remove_reply_headers(x, "Content-Type");
	x->status = status;
}

/* {"code":"...","message":"..."} with Clair's headers. */
void exchange_reply_error(struct http_exchange *x, int status, const char *message)
{
	json_t *body = json_object();
	int failed = !body || json_object_set_new(body, "code", json_string(http_error_code(status))) != 0;

	/* json_string() refuses invalid UTF-8 (a message may quote a raw
	 * request path); Clair's schema requires a message, so say so instead. */
	if (!failed && message) {
		json_t *msg = json_string(message);

		if (!msg)
			msg = json_string("(the message quoted invalid UTF-8)");
		failed = json_object_set_new(body, "message", msg) != 0;
	}
	remove_reply_headers(x, "Link");
	if (failed || http_reply_json(x, status, "application/json", body) != CLARO_OK ||
	    http_set_header(x, "X-Content-Type-Options", "nosniff") != CLARO_OK)
		reply_bare_500(x);
	json_decref(body);
}

void http_reply_error(struct http_exchange *x, int status, const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	message = str_vprintf(fmt, ap);
	va_end(ap);
	exchange_reply_error(x, status, message);
	free(message);
}

/* ---- the request, for handlers ------------------------------------------- */

const char *http_method_name(const struct http_exchange *x)
{
	return x->method_name;
}

unsigned http_method(const struct http_exchange *x)
{
	return x->method;
}

const char *http_path(const struct http_exchange *x)
{
	return x->path;
}

const char *http_param(const struct http_exchange *x, const char *name)
{
	for (size_t i = 0; i < x->n_params; i++)
		if (strcmp(x->param_names[i], name) == 0)
			return x->param_values[i];
	return NULL;
}

const char *http_header(const struct http_exchange *x, const char *name)
{
	for (size_t i = 0; i < x->n_headers; i++)
		if (strcasecmp(x->headers[2 * i], name) == 0)
			return x->headers[2 * i + 1];
	return NULL;
}

const char *http_query(struct http_exchange *x, const char *name)
{
	if (!x->query)
		return NULL;
	if (x->query_state == 0)
		x->query_state = evhttp_parse_query_str(x->query, &x->query_kv) == 0 ? 1 : -1;
	if (x->query_state < 0)
		return NULL;
	return evhttp_find_header(&x->query_kv, name);
}

const void *http_body(struct http_exchange *x, size_t *len)
{
	size_t n = x->body ? evbuffer_get_length(x->body) : 0;

	*len = n;
	if (n == 0)
		return NULL;
	return evbuffer_pullup(x->body, -1);
}

void *http_thread_data(const struct http_exchange *x)
{
	return x->thread_data;
}

const char *http_listener_name(const struct http_exchange *x)
{
	return x->listener->name;
}

int http_shutting_down(const struct http_exchange *x)
{
	return atomic_load(&x->listener->httpd->shutting_down);
}

/* ---- exchange lifecycle -------------------------------------------------- */

void exchange_free(struct http_exchange *x)
{
	free(x->path);
	free(x->query);
	if (x->query_state == 1)
		evhttp_clear_headers(&x->query_kv);
	free(x->headers);
	for (size_t i = 0; i < x->n_params; i++) {
		free(x->param_names[i]);
		free(x->param_values[i]);
	}
	if (x->body)
		evbuffer_free(x->body);
	if (x->reply_body)
		evbuffer_free(x->reply_body);
	for (size_t i = 0; i < x->n_reply_headers; i++) {
		free(x->reply_headers[i].name);
		free(x->reply_headers[i].value);
	}
	free(x->reply_headers);
	free(x);
}

/* All request headers in one allocation: the pointer array, then the text. */
static enum claro_status copy_headers(struct http_exchange *x, struct evkeyvalq *in)
{
	struct evkeyval *kv;
	size_t n = 0, text = 0;
	char *p;

	/* keyvalq_struct.h defines the list but not TAILQ_FOREACH */
	for (kv = in->tqh_first; kv; kv = kv->next.tqe_next) {
		n++;
		text += strlen(kv->key) + strlen(kv->value) + 2;
	}
	if (n == 0)
		return CLARO_OK;
	x->headers = malloc(2 * n * sizeof(char *) + text);
	if (!x->headers)
		return CLARO_ERR_NOMEM;
	p = (char *)(x->headers + 2 * n);
	n = 0;
	for (kv = in->tqh_first; kv; kv = kv->next.tqe_next) {
		size_t klen = strlen(kv->key) + 1, vlen = strlen(kv->value) + 1;

		x->headers[2 * n] = memcpy(p, kv->key, klen);
		p += klen;
		x->headers[2 * n + 1] = memcpy(p, kv->value, vlen);
		p += vlen;
		n++;
	}
	x->n_headers = n;
	return CLARO_OK;
}

static enum claro_status copy_params(struct http_exchange *x, const struct route_match *m)
{
	for (size_t i = 0; i < m->n_params; i++) {
		char *raw = str_ndup(m->params[i].value, m->params[i].value_len);
		char *name = str_ndup(m->params[i].name, m->params[i].name_len);
		char *value = raw ? evhttp_uridecode(raw, 0, NULL) : NULL;

		free(raw);
		if (!name || !value) {
			free(name);
			free(value);
			return CLARO_ERR_NOMEM;
		}
		x->param_names[x->n_params] = name;
		x->param_values[x->n_params] = value;
		x->n_params++;
	}
	return CLARO_OK;
}

/* Everything the handler may look at, off the evhttp request. The body is
 * moved (evbuffer chains change owner), not copied. */
enum claro_status exchange_copy_request(struct http_exchange *x, const struct route_match *m,
					const char *path, const char *query)
{
	struct evbuffer *input = evhttp_request_get_input_buffer(x->req);

	x->path = str_dup(path);
	if (!x->path || (query && !(x->query = str_dup(query))))
		return CLARO_ERR_NOMEM;
	if (copy_headers(x, evhttp_request_get_input_headers(x->req)) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	if (copy_params(x, m) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	if (evbuffer_get_length(input) > 0) {
		x->body = evbuffer_new();
		if (!x->body || evbuffer_add_buffer(x->body, input) != 0)
			return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}

/* ---- content negotiation ------------------------------------------------- */

struct media_range {
	const char *type; /* points into the header */
	size_t len;
	double q;
};

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* RFC 9110 qvalue: "0" ["." 0*3DIGIT] or "1" ["." 0*3"0"]; -1 if malformed. */
static double parse_qvalue(const char *p, const char *end)
{
	double q, scale = 0.1;
	int digits = 0;

	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p == end || (*p != '0' && *p != '1'))
		return -1;
	q = *p++ - '0';
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9' && digits < 3; p++, digits++, scale /= 10)
			q += (*p - '0') * scale;
	}
	return (p != end || q > 1) ? -1 : q;
}

/* q from the parameters "; a=b; q=0.5" of one range; 1 when absent, -1 when malformed. */
static double range_q(const char *p, const char *end)
{
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *param = skip_blanks(p, end);
		const char *param_end = semi ? semi : end;

		if ((size_t)(param_end - param) >= 2 && (param[0] == 'q' || param[0] == 'Q') &&
		    param[1] == '=')
			return parse_qvalue(param + 2, param_end);
		p = semi ? semi + 1 : end;
	}
	return 1;
}

static int range_matches(const struct media_range *r, const char *type)
{
	const char *slash = memchr(r->type, '/', r->len);
	size_t major;

	if (r->len == 3 && memcmp(r->type, "*/*", 3) == 0)
		return 1;
	if (!slash)
		return 0;
	major = (size_t)(slash - r->type);
	if (r->len == major + 2 && slash[1] == '*')
		return strncasecmp(r->type, type, major + 1) == 0;
	return strlen(type) == r->len && strncasecmp(r->type, type, r->len) == 0;
}

/* Split accept into ranges (allocated; *n set). NULL with *n 0 when empty. */
static struct media_range *parse_accept(const char *accept, size_t *n)
{
	size_t cap = 1;
	struct media_range *ranges;
	const char *p = accept, *end = accept + strlen(accept);

	*n = 0;
	for (const char *c = accept; *c; c++)
		cap += *c == ',';
	ranges = calloc(cap, sizeof(*ranges));
	if (!ranges)
		return NULL;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		const char *semi = memchr(p, ';', (size_t)(item_end - p));
		const char *type = skip_blanks(p, item_end);
		const char *type_end = semi ? semi : item_end;

		while (type_end > type && (type_end[-1] == ' ' || type_end[-1] == '\t'))
			type_end--;
		if (type_end > type) {
			double q = semi ? range_q(semi + 1, item_end) : 1;

			if (q > 0)
				ranges[(*n)++] = (struct media_range){type, (size_t)(type_end - type), q};
		}
		p = comma ? comma + 1 : end;
	}
	return ranges;
}

const char *http_accept_pick(const char *accept, const char *const *allowed)
{
	struct media_range *ranges;
	const char *chosen = NULL;
	size_t n;

	if (!accept || !*skip_blanks(accept, accept + strlen(accept)))
		return allowed[0];
	ranges = parse_accept(accept, &n);
	if (!ranges)
		return NULL;
	/* Insertion sort by q, stable: headers hold a handful of ranges. */
	for (size_t i = 1; i < n; i++) {
		struct media_range r = ranges[i];
		size_t j = i;

		for (; j > 0 && ranges[j - 1].q < r.q; j--)
			ranges[j] = ranges[j - 1];
		ranges[j] = r;
	}
	for (size_t i = 0; i < n && !chosen; i++)
		for (size_t k = 0; allowed[k] && !chosen; k++)
			if (range_matches(&ranges[i], allowed[k]))
				chosen = allowed[k];
	free(ranges);
	return chosen;
}

const char *http_negotiate(const struct http_exchange *x, const char *const *allowed)
{
	return http_accept_pick(http_header(x, "Accept"), allowed);
}
