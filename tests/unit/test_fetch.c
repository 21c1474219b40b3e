/* The layer fetcher (core/fetch.c, core/fetch_spool.c) against a loopback
 * server serving real layers from the test data.
 *
 * The server is a small raw-socket one (tests/unit/http_fixture.c serves only
 * text bodies with a fixed Content-Type): it serves binary bodies with any
 * Content-Type, lies about Content-Length to cut a body short, redirects,
 * checks a header, delays a response so gets overlap, and counts requests per
 * path server-side. One thread per connection; 127.0.0.1, a random port.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../core/fetch.h"
#include "../../core/fetch_spool.h"
#include "../../core/httpclient.h"
#include "../../core/layerfs_tar.h"
#include "../../core/strutil.h"
#include "../tap.h"

/* ---- the server ---- */

struct route {
	const char *path;
	int status;
	const char *ctype; /* NULL: no Content-Type header */
	const unsigned char *body;
	size_t len;
	size_t declared;         /* Content-Length sent (> len: truncated) */
	const char *location;    /* redirects */
	const char *need_header; /* a request line that must be present, else 401 */
	int delay_ms;
	int hits;
};

struct server {
	int fd;
	int port;
	volatile int stop;
	pthread_t thread;
	pthread_mutex_t lock;
	struct route routes[32];
	size_t n;
};

struct conn {
	struct server *s;
	int fd;
};

static void send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->s;
	char req[8192];
	size_t got = 0;
	char path[1024] = "";
	struct route r = {0};
	int found = 0;

	while (got < sizeof(req) - 1) {
		ssize_t n = recv(c->fd, req + got, sizeof(req) - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[got] = '\0';
	if (sscanf(req, "GET %1023s", path) == 1) {
		pthread_mutex_lock(&s->lock);
		for (size_t i = 0; i < s->n; i++) {
			if (strcmp(s->routes[i].path, path) == 0) {
				s->routes[i].hits++;
				r = s->routes[i];
				found = 1;
				break;
			}
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (!found) {
		const char *nf =
		    "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found";
		send_all(c->fd, nf, strlen(nf));
	} else {
		char head[1024];
		int status = r.status;

		if (r.need_header && !strstr(req, r.need_header))
			status = 401;
		if (r.delay_ms)
			usleep((useconds_t)r.delay_ms * 1000);
		snprintf(head, sizeof(head),
			 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s%s%s%s%s\r\n",
			 status,
			 status == 401 ? (size_t)0
			 : r.declared  ? r.declared
				       : r.len,
			 r.ctype ? "Content-Type: " : "", r.ctype ? r.ctype : "", r.ctype ? "\r\n" : "",
			 r.location ? "Location: " : "", r.location ? r.location : "");
		if (r.location)
			memcpy(head + strlen(head) - 2, "\r\n\r\n", 5);
		send_all(c->fd, head, strlen(head));
		if (status != 401)
			send_all(c->fd, r.body, r.len);
	}
	shutdown(c->fd, SHUT_WR);
	close(c->fd);
	free(c);
	return NULL;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd p = {s->fd, POLLIN, 0};
		struct conn *c;
		pthread_t t;
		int fd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		if (pthread_create(&t, NULL, serve_conn, c) != 0) {
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static int server_start(struct server *s)
{
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof(sin);

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(s->fd, 64) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	s->port = ntohs(sin.sin_port);
	return pthread_create(&s->thread, NULL, serve, s) == 0 ? 0 : -1;
}

static void server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->fd);
	usleep(100 * 1000); /* detached connection threads finish their sends */
	pthread_mutex_destroy(&s->lock);
}

static struct route *route(struct server *s, const char *path, int status, const char *ctype,
			   const unsigned char *body, size_t len)
{
	struct route *r = &s->routes[s->n++];

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->status = status;
	r->ctype = ctype;
	r->body = body;
	r->len = len;
	return r;
}

static int hits(struct server *s, const char *path)
{
	int n = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->routes[i].path, path) == 0)
			n = s->routes[i].hits;
	pthread_mutex_unlock(&s->lock);
	return n;
}

static char *url(const struct server *s, const char *path)
{
	return str_printf("http://127.0.0.1:%d%s", s->port, path);
}

/* ---- data ---- */

static unsigned char *slurp(const char *rel, size_t *len)
{
	char *path = str_printf("%s/%s", testdata_dir(), rel);
	unsigned char *data = NULL;
	FILE *fp = path ? fopen(path, "rb") : NULL;
	long n;

	free(path);
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n)) && fread(data, 1, (size_t)n, fp) == (size_t)n)
		*len = (size_t)n;
	else {
		free(data);
		data = NULL;
	}
	fclose(fp);
	return data;
}

static void digest_of(const unsigned char *data, size_t len, const EVP_MD *md, const char *alg, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, d, &n, md, NULL);
	memcpy(out, alg, strlen(alg));
	out += strlen(alg);
	*out++ = ':';
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* What GNU gzip says the layer decompresses to, in bytes. */
static long long gunzipped_size(const char *rel)
{
	char *cmd = str_printf("gzip -dc '%s/%s' | wc -c", testdata_dir(), rel);
	long long n = -1;
	FILE *p = cmd ? popen(cmd, "r") : NULL;

	free(cmd);
	if (p) {
		if (fscanf(p, "%lld", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static unsigned char *read_fd(int fd, size_t *len)
{
	struct stat sb;
	unsigned char *d;

	if (fstat(fd, &sb) != 0 || !(d = malloc((size_t)sb.st_size + 1)))
		return NULL;
	*len = pread(fd, d, (size_t)sb.st_size, 0) == sb.st_size ? (size_t)sb.st_size : 0;
	return d;
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

/* ---- tests ---- */

#define GZ_LAYER  "images/alpine/alpine-minirootfs-3.16.9-x86_64.tar.gz"
#define ZST_LAYER "images/edge/ggcr/crane/content.tar.zst"
#define ZST_PLAIN "images/edge/ggcr/crane/content.tar"
#define TAR_LAYER "images/edge/claircore/whiteout/whiteout_opaque.layer"

static unsigned char *gz, *zst, *plain, *tarl;
static size_t gz_len, zst_len, plain_len, tarl_len;
static char gz_digest[80], zst_digest[80], tar_digest[80], gz_sha512[140];

static struct fetcher *new_fetcher(const char *tmpdir, uint64_t max_uncompressed, int allow_file)
{
	struct fetcher_options o = {0};
	struct fetcher *f = NULL;
	struct error err = ERROR_INIT;

	o.tmpdir = tmpdir;
	o.max_uncompressed = max_uncompressed;
	o.allow_file = allow_file;
	o.connect_timeout = 5;
	o.timeout = 30;
	if (fetcher_new(&o, &f, &err) != CLARO_OK)
		diag("fetcher_new: %s", err.message);
	error_clear(&err);
	return f;
}

/* fetcher_get with the error kept for the caller to inspect. */
static enum claro_status get(struct fetcher *f, const char *digest, struct server *s, const char *path,
			     const char *const *headers, struct fetched_layer **out, struct error *err)
{
	char *u = url(s, path);
	enum claro_status st = fetcher_get(f, digest, u, headers, out, err);

	free(u);
	return st;
}

static void good_layers(struct server *s, const char *tmpdir)
{
	struct fetcher *f = new_fetcher(tmpdir, 0, 0);
	struct error err = ERROR_INIT;
	struct fetched_layer *l = NULL;
	struct claro_layer *layer = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	long long want = gunzipped_size(GZ_LAYER);

	ok(get(f, gz_digest, s, "/gz", NULL, &l, &err) == CLARO_OK, "gzip layer fetched (%s)",
	   err.message ? err.message : "ok");
	ok(l && (long long)fetched_layer_size(l) == want && want > 0,
	   "gzip layer: %llu bytes spooled, as gzip -dc gives",
	   l ? (unsigned long long)fetched_layer_size(l) : 0ull);
	is_str(l ? fetched_layer_compression(l) : NULL, "gzip", "gzip layer: sniffed as gzip");
	ok(l && layer_open_tar(fetched_layer_fd(l), gz_digest, &layer, &err) == CLARO_OK &&
	       layer_read_all(layer, "etc/alpine-release", 0, &data, &len, &err) == CLARO_OK && len == 7 &&
	       memcmp(data, "3.16.9\n", 7) == 0,
	   "gzip layer: etc/alpine-release reads 3.16.9 through the tar layer fs");
	ok(dir_is_empty(tmpdir), "the spool file has no name in TMPDIR");
	free(data);
	layer_free(layer);
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);

	ok(get(f, gz_sha512, s, "/gz", NULL, &l, &err) == CLARO_OK, "a sha512 digest is verified too");
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);

	ok(get(f, zst_digest, s, "/zst", NULL, &l, &err) == CLARO_OK, "zstd layer fetched (%s)",
	   err.message ? err.message : "ok");
	is_str(l ? fetched_layer_compression(l) : NULL, "zstd", "zstd layer: sniffed as zstd");
	data = l ? read_fd(fetched_layer_fd(l), &len) : NULL;
	ok(data && len == plain_len && memcmp(data, plain, len) == 0,
	   "zstd layer: the spool holds exactly content.tar (zstd -dc gives the same)");
	free(data);
	data = NULL;
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);

	ok(get(f, tar_digest, s, "/tar", NULL, &l, &err) == CLARO_OK, "plain tar layer fetched");
	is_str(l ? fetched_layer_compression(l) : NULL, "none", "plain tar: no compression");
	data = l ? read_fd(fetched_layer_fd(l), &len) : NULL;
	ok(data && len == tarl_len && memcmp(data, tarl, len) == 0, "plain tar: spooled byte for byte");
	free(data);
	data = NULL;
	fetched_layer_release(l);
	l = NULL;

	ok(get(f, gz_digest, s, "/redirect", NULL, &l, &err) == CLARO_OK && hits(s, "/redirect") == 1,
	   "a redirect is followed");
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);

	{
		const char *hdrs[] = {"Authorization: Bearer sesame", NULL};
		ok(get(f, tar_digest, s, "/auth", hdrs, &l, &err) == CLARO_OK,
		   "the layer's headers are sent");
		fetched_layer_release(l);
		l = NULL;
		error_clear(&err);
		ok(get(f, tar_digest, s, "/auth", NULL, &l, &err) == CLARO_ERR_NETWORK && !l,
		   "without them: 401");
		like(err.detail, "HTTP 401", "the status is in the detail");
		error_clear(&err);
	}
	fetcher_free(f);
}

static void bad_layers(struct server *s, const char *tmpdir)
{
	struct fetcher *f = new_fetcher(tmpdir, 0, 0);
	struct fetcher *small = new_fetcher(tmpdir, 4096, 0);
	struct error err = ERROR_INIT;
	struct fetched_layer *l = NULL;
	char wrong[80];

	memcpy(wrong, gz_digest, sizeof(wrong));
	wrong[7] = wrong[7] == '0' ? '1' : '0';
	ok(get(f, wrong, s, "/gz", NULL, &l, &err) == CLARO_ERR_INVALID && !l, "a wrong digest is refused");
	ok(err.message && strstr(err.message, "failed verification") && strstr(err.message, wrong),
	   "  \"layer sha256:... failed verification\" (%s)", err.message);
	ok(err.detail && strstr(err.detail, wrong) && strstr(err.detail, gz_digest),
	   "  the detail has the expected and the actual digest");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/truncated", NULL, &l, &err) == CLARO_ERR_NETWORK && !l,
	   "a truncated body is refused");
	like(err.detail, "truncated", "  the detail says truncated");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/missing", NULL, &l, &err) == CLARO_ERR_NOT_FOUND && !l, "a 404 is refused");
	like(err.detail, "HTTP 404", "  the detail has the status");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/error500", NULL, &l, &err) == CLARO_ERR_NETWORK && !l, "a 500 is refused");
	like(err.detail, "HTTP 500", "  the detail has the status");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/partial-content", NULL, &l, &err) == CLARO_ERR_NETWORK && !l,
	   "a 206 is refused: only 200 counts");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/gz-as-zstd", NULL, &l, &err) == CLARO_ERR_INVALID && !l,
	   "gzip bytes labelled tar+zstd are refused");
	like(err.detail, "Content-Type", "  the detail names the Content-Type");
	error_clear(&err);

	ok(get(f, tar_digest, s, "/tar-as-gzip", NULL, &l, &err) == CLARO_ERR_INVALID && !l,
	   "a plain tar labelled gzip is refused");
	error_clear(&err);

	ok(get(f, gz_digest, s, "/gz-generic", NULL, &l, &err) == CLARO_OK,
	   "application/octet-stream is inferred");
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);
	ok(get(f, gz_digest, s, "/gz-untyped", NULL, &l, &err) == CLARO_OK, "no Content-Type is inferred");
	fetched_layer_release(l);
	l = NULL;
	error_clear(&err);

	{
		/* The digest matches the bytes sent, but the gzip stream stops early. */
		char cut[80];
		digest_of(gz, gz_len / 2, EVP_sha256(), "sha256", cut);
		ok(get(f, cut, s, "/gz-half", NULL, &l, &err) == CLARO_ERR_INVALID && !l,
		   "a gzip stream cut short is refused even when its digest matches");
		like(err.message, "could not decompress", "  as a decompression error");
		error_clear(&err);
	}

	ok(get(small, gz_digest, s, "/gz", NULL, &l, &err) == CLARO_ERR_TOO_LARGE && !l,
	   "the uncompressed size limit holds");
	error_clear(&err);

	ok(get(f, "sha256:abc", s, "/gz", NULL, &l, &err) == CLARO_ERR_INVALID && !l,
	   "a malformed digest is refused");
	error_clear(&err);
	ok(get(f, gz_digest, s, "/gz", (const char *[]){"X-Evil: a\r\nX-Injected: b", NULL}, &l, &err) ==
		   CLARO_ERR_INVALID &&
	       !l,
	   "a header with a line break is refused");
	error_clear(&err);
	ok(fetcher_get(f, gz_digest, "ftp://127.0.0.1/x", NULL, &l, &err) == CLARO_ERR_UNSUPPORTED && !l,
	   "ftp:// is not a layer URI");
	error_clear(&err);
	{
		char *u = str_printf("file://%s/%s", testdata_dir(), GZ_LAYER);
		ok(fetcher_get(f, gz_digest, u, NULL, &l, &err) == CLARO_ERR_DENIED && !l,
		   "file:// is refused unless allowed (the HTTP API never allows it)");
		error_clear(&err);
		fetcher_free(small);
		small = new_fetcher(tmpdir, 0, 1);
		ok(fetcher_get(small, gz_digest, u, NULL, &l, &err) == CLARO_OK && l,
		   "file:// works when allowed (local mode)");
		fetched_layer_release(l);
		l = NULL;
		error_clear(&err);
		free(u);
	}
	ok(dir_is_empty(tmpdir), "failed fetches leave nothing in TMPDIR");
	fetcher_free(small);
	fetcher_free(f);
}

struct racer {
	struct fetcher *f;
	struct server *s;
	struct fetched_layer *l;
	enum claro_status st;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct error err = ERROR_INIT;

	r->st = get(r->f, gz_digest, r->s, "/slow", NULL, &r->l, &err);
	error_clear(&err);
	return NULL;
}

static void sharing(struct server *s, const char *tmpdir)
{
	struct fetcher *f = new_fetcher(tmpdir, 0, 0);
	struct racer r[8];
	pthread_t t[8];
	int all_ok = 1, same = 1;
	struct error err = ERROR_INIT;
	struct fetched_layer *again = NULL;

	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){f, s, NULL, CLARO_ERR_INTERNAL};
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 8; i++) {
		all_ok &= r[i].st == CLARO_OK;
		same &= r[i].l == r[0].l;
	}
	ok(all_ok, "8 concurrent gets of one digest all succeed");
	ok(same, "  and share one layer file");
	is_int(hits(s, "/slow"), 1, "  the server saw one request");
	is_int((long long)fetcher_downloads(f), 1, "  the fetcher started one download");
	ok(get(f, gz_digest, s, "/slow", NULL, &again, &err) == CLARO_OK && again == r[0].l &&
	       hits(s, "/slow") == 1,
	   "a get while the layer is held reuses it");
	fetched_layer_release(again);
	for (int i = 0; i < 8; i++)
		fetched_layer_release(r[i].l);
	ok(get(f, gz_digest, s, "/slow", NULL, &again, &err) == CLARO_OK && hits(s, "/slow") == 2,
	   "once the last holder released it, the next get downloads again");
	fetched_layer_release(again);
	error_clear(&err);

	/* A failure is shared by the waiters and not cached. */
	ok(get(f, tar_digest, s, "/missing", NULL, &again, &err) == CLARO_ERR_NOT_FOUND &&
	       get(f, tar_digest, s, "/missing", NULL, &again, &err) == CLARO_ERR_NOT_FOUND &&
	       hits(s, "/missing") >= 2,
	   "a failed download is retried by the next get");
	error_clear(&err);
	fetcher_free(f);
}

static void many(struct server *s, const char *tmpdir)
{
	struct fetcher *f = new_fetcher(tmpdir, 0, 0);
	struct error err = ERROR_INIT;
	struct fetched_layer *out[4];
	char *u0 = url(s, "/gz"), *u1 = url(s, "/zst"), *u2 = url(s, "/tar"), *u3 = url(s, "/missing");
	const char *digests[4] = {gz_digest, zst_digest, tar_digest, gz_digest};
	const char *uris[4] = {u0, u1, u2, u0};
	int all = 1;

	ok(fetcher_get_all(f, 4, digests, uris, NULL, out, 2, &err) == CLARO_OK,
	   "fetcher_get_all: 4 layers, 2 at a time");
	for (int i = 0; i < 4; i++)
		all &= out[i] != NULL;
	ok(all && out[0] == out[3], "  every layer is there; the repeated one is shared");
	ok(all && strcmp(fetched_layer_compression(out[1]), "zstd") == 0 &&
	       fetched_layer_size(out[2]) == tarl_len,
	   "  each layer is its own");
	for (int i = 0; i < 4; i++)
		fetched_layer_release(out[i]);
	error_clear(&err);

	uris[2] = u3;
	ok(fetcher_get_all(f, 4, digests, uris, NULL, out, 3, &err) == CLARO_ERR_NOT_FOUND,
	   "one missing layer fails all");
	ok(!out[0] && !out[1] && !out[2] && !out[3], "  and nothing is held");
	like(err.message, tar_digest, "  the error names the failing layer");
	error_clear(&err);
	free(u0);
	free(u1);
	free(u2);
	free(u3);
	fetcher_free(f);
}

static void content_types(void)
{
	ok(spool_content_type_agrees("application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip") &&
	       spool_content_type_agrees("application/vnd.oci.image.layer.v1.tar+gzip", "gzip") &&
	       spool_content_type_agrees("application/x-gzip", "gzip") &&
	       spool_content_type_agrees("application/vnd.oci.image.layer.v1.tar+zstd", "zstd") &&
	       spool_content_type_agrees("application/vnd.oci.image.layer.v1.tar", "none") &&
	       spool_content_type_agrees("Application/Octet-Stream; charset=binary", "zstd") &&
	       spool_content_type_agrees("binary/octet-stream", "gzip") &&
	       spool_content_type_agrees("text/plain", "none") && spool_content_type_agrees(NULL, "gzip"),
	   "Content-Type: the layer media types and the generic types agree");
	ok(!spool_content_type_agrees("application/vnd.oci.image.layer.v1.tar", "gzip") &&
	       !spool_content_type_agrees("application/vnd.docker.image.rootfs.diff.tar.gzip", "none") &&
	       !spool_content_type_agrees("application/vnd.oci.image.layer.v1.tar+gzip", "zstd"),
	   "Content-Type: an explicit type that names another compression disagrees");
}

int main(void)
{
	struct server s;
	struct error err = ERROR_INIT;
	char *tmpdir;
	char tmpl[] = "/tmp/claro-fetch-XXXXXX";

	gz = slurp(GZ_LAYER, &gz_len);
	zst = slurp(ZST_LAYER, &zst_len);
	plain = slurp(ZST_PLAIN, &plain_len);
	tarl = slurp(TAR_LAYER, &tarl_len);
	if (!gz || !zst || !plain || !tarl) {
		skip_all("no test data (set CLARO_TESTDATA)");
		return 0;
	}
	digest_of(gz, gz_len, EVP_sha256(), "sha256", gz_digest);
	digest_of(gz, gz_len, EVP_sha512(), "sha512", gz_sha512);
	digest_of(zst, zst_len, EVP_sha256(), "sha256", zst_digest);
	digest_of(tarl, tarl_len, EVP_sha256(), "sha256", tar_digest);
	if (httpclient_init(&err) != CLARO_OK || server_start(&s) != 0 || !(tmpdir = mkdtemp(tmpl))) {
		skip_all("cannot start the loopback server");
		return 0;
	}
	route(&s, "/gz", 200, "application/vnd.docker.image.rootfs.diff.tar.gzip", gz, gz_len);
	route(&s, "/zst", 200, "application/vnd.oci.image.layer.v1.tar+zstd", zst, zst_len);
	route(&s, "/tar", 200, "application/vnd.oci.image.layer.v1.tar", tarl, tarl_len);
	route(&s, "/redirect", 302, "text/plain", (const unsigned char *)"", 0)->location = "/gz";
	route(&s, "/auth", 200, "application/octet-stream", tarl, tarl_len)->need_header =
	    "Authorization: Bearer sesame\r\n";
	route(&s, "/truncated", 200, "application/x-gzip", gz, gz_len / 3)->declared = gz_len;
	route(&s, "/missing", 404, "text/plain", (const unsigned char *)"gone", 4);
	route(&s, "/error500", 500, "text/plain", (const unsigned char *)"oops", 4);
	route(&s, "/partial-content", 206, "application/x-gzip", gz, gz_len);
	route(&s, "/gz-as-zstd", 200, "application/vnd.oci.image.layer.v1.tar+zstd", gz, gz_len);
	route(&s, "/tar-as-gzip", 200, "application/vnd.oci.image.layer.v1.tar+gzip", tarl, tarl_len);
	route(&s, "/gz-generic", 200, "application/octet-stream", gz, gz_len);
	route(&s, "/gz-untyped", 200, NULL, gz, gz_len);
	route(&s, "/gz-half", 200, "application/x-gzip", gz, gz_len / 2);
	route(&s, "/slow", 200, "application/x-gzip", gz, gz_len)->delay_ms = 500;

	setenv("TMPDIR", tmpdir, 1);
	content_types();
	good_layers(&s, tmpdir);
	bad_layers(&s, tmpdir);
	sharing(&s, NULL); /* NULL: the fetcher takes $TMPDIR */
	ok(dir_is_empty(tmpdir), "$TMPDIR is used and left empty");
	many(&s, tmpdir);

	server_stop(&s);
	rmdir(tmpdir);
	httpclient_cleanup();
	free(gz);
	free(zst);
	free(plain);
	free(tarl);
	return done_testing();
}
