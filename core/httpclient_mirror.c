/* The air-gapped mirror behind httpclient_fetch (see httpclient.h): every
 * URL is read from <mirror>/<host>/<path>, so an updater written for the
 * network runs unchanged without one, validators and 304 answers included.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "httpclient.h"
#include "strutil.h"

static enum claro_status invalid_url(const char *url, const char *why, struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not fetch %s", url);
	error_detail(err, "%s", why);
	error_hint(err, "Check the URL; with [updaters] mirror_dir set, it names a file under the mirror.");
	return CLARO_ERR_INVALID;
}

/* Append path's segments to b, refusing "." and "..". */
static enum claro_status add_segments(struct buf *b, const char *path, const char *url, struct error *err)
{
	const char *p = path;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return invalid_url(
			    url,
			    "The URL path has a \".\" or \"..\" segment, which could leave the "
			    "mirror directory.",
			    err);
		if (memchr(p, '\\', n))
			return invalid_url(url, "The URL path contains a backslash.", err);
		if (buf_puts(b, "/") != CLARO_OK || buf_append(b, p, n) != CLARO_OK)
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		p += n;
	}
	return CLARO_OK;
}

/* <dir>/<host>/<path>[?query] for url. */
enum claro_status httpclient_mirror_path(const char *dir, const char *url, char **out, struct error *err)
{
	CURLU *u = curl_url();
	char *host = NULL, *path = NULL, *query = NULL;
	struct buf b = BUF_INIT(0);
	enum claro_status st = CLARO_OK;
	size_t len;

	*out = NULL;
	if (!u)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
		st = invalid_url(url, "It is not a URL with a host.", err);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK) {
		st = invalid_url(url, "Its path does not decode (a %00 or a bad escape).", err);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL;
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	if (strchr(host, '/') || strcmp(host, "..") == 0 || strcmp(host, ".") == 0) {
		st = invalid_url(url, "Its host cannot name a directory.", err);
		goto out;
	}
	if (buf_puts(&b, dir) != CLARO_OK || buf_puts(&b, "/") != CLARO_OK ||
	    buf_puts(&b, host) != CLARO_OK) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = add_segments(&b, path ? path : "/", url, err);
	len = path ? strlen(path) : 0;
	if (st == CLARO_OK && (len == 0 || path[len - 1] == '/') && buf_puts(&b, "/index.html") != CLARO_OK)
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (st == CLARO_OK && query && *query &&
	    (strchr(query, '/') || buf_puts(&b, "?") != CLARO_OK || buf_puts(&b, query) != CLARO_OK))
		st = strchr(query, '/') ? invalid_url(url, "Its query contains a \"/\".", err)
					: error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (st == CLARO_OK)
		*out = buf_steal(&b);
out:
	buf_free(&b);
	curl_free(host);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return st;
}

static const char *content_type_of(const char *path)
{
	static const struct {
		const char *suffix, *type;
	} types[] = {
	    {".json", "application/json"},   {".xml", "application/xml"},  {".gz", "application/gzip"},
	    {".bz2", "application/x-bzip2"}, {".zst", "application/zstd"}, {".zip", "application/zip"},
	    {".html", "text/html"},          {".txt", "text/plain"},       {".csv", "text/csv"},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (str_has_suffix(path, types[i].suffix))
			return types[i].type;
	return "application/octet-stream";
}

static char *http_date(time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return NULL;
	return str_printf("%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
			  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An HTTP-date (RFC 9110 IMF-fixdate) as Unix seconds; -1 if malformed. */
static int64_t parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int d, y, h, mi, sec, n = 0;
	struct tm tm;
	const char *m;

	if (!s || sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT%n", &d, mon, &y, &h, &mi, &sec, &n) != 6 ||
	    s[n] != '\0')
		return -1;
	mon[3] = '\0';
	m = strstr(months, mon);
	if (!m || (m - months) % 3 != 0 || d < 1 || d > 31 || y < 1970 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

static enum claro_status missing(const char *dir, const char *url, const char *file, int e, struct error *err)
{
	error_set(err, CLARO_ERR_NETWORK, "could not fetch %s", url);
	error_detail(err, "The mirror directory has no readable file %s (%s); upstream this would be a 404.",
		     file, strerror(e));
	error_hint(err,
		   "Copy the upstream file there (the mirror keeps the upstream layout, host/path under %s), "
		   "or unset [updaters] mirror_dir to fetch from the network.",
		   dir);
	return CLARO_ERR_NETWORK;
}

static enum claro_status read_file(int fd, size_t size, const char *file, char **out, struct error *err)
{
	char *data = malloc(size + 1);
	size_t got = 0;

	if (!data)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory reading %s", file);
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			free(data);
			error_set(err, CLARO_ERR_IO, "could not read %s", file);
			error_detail(err, "%s.", n < 0 ? strerror(e) : "The file shrank while it was read");
			return CLARO_ERR_IO;
		}
		got += (size_t)n;
	}
	data[size] = '\0';
	*out = data;
	return CLARO_OK;
}

enum claro_status httpclient_mirror_fetch(const char *dir, const struct claro_http_request *req,
					  uint64_t max_body, struct claro_http_response **out,
					  struct error *err)
{
	int head = req->method && strcmp(req->method, "HEAD") == 0;
	char *file = NULL, *etag = NULL, *modified = NULL, *ctype = NULL, *eurl = NULL, *body = NULL;
	int64_t since;
	struct stat st;
	int fd = -1;
	long status = 200;
	enum claro_status rc = httpclient_mirror_path(dir, req->url, &file, err);

	*out = NULL;
	if (rc != CLARO_OK)
		return rc;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = fd < 0 ? errno : EISDIR;
		rc = missing(dir, req->url, file, e, err);
		goto out;
	}
	if ((uint64_t)st.st_size > max_body) {
		error_set(err, CLARO_ERR_TOO_LARGE, "could not fetch %s", req->url);
		error_detail(err, "The mirror's file %s has %lld bytes, more than the limit of %llu.", file,
			     (long long)st.st_size, (unsigned long long)max_body);
		error_hint(err, "Raise the size limit if the file really is that large.");
		rc = CLARO_ERR_TOO_LARGE;
		goto out;
	}
	etag = str_printf("\"%llx-%llx.%lx\"", (unsigned long long)st.st_size,
			  (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
	modified = http_date(st.st_mtim.tv_sec);
	ctype = str_dup(content_type_of(file));
	eurl = str_dup(req->url);
	if (!etag || !modified || !ctype || !eurl) {
		rc = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	since = parse_http_date(req->if_modified_since);
	if ((req->if_none_match && strcmp(req->if_none_match, etag) == 0) ||
	    (!req->if_none_match && since >= 0 && (int64_t)st.st_mtim.tv_sec <= since))
		status = 304;
	if (status == 304 || head)
		body = str_dup("");
	else
		rc = read_file(fd, (size_t)st.st_size, file, &body, err);
	if (rc == CLARO_OK && !body)
		rc = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (rc == CLARO_OK) {
		size_t len = status == 304 || head ? 0 : (size_t)st.st_size;

		*out = httpclient_response_make(status, etag, modified, ctype, eurl, body, len);
		etag = modified = ctype = eurl = body = NULL; /* owned by the response now */
		if (!*out)
			rc = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
out:
	if (fd >= 0)
		close(fd);
	free(file);
	free(etag);
	free(modified);
	free(ctype);
	free(eurl);
	free(body);
	return rc;
}
