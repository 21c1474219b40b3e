/* claircore's view of an RPM header; see rpminfo.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgpsig.h"
#include "rpminfo.h"

/* A growable string. */
struct sb {
	char *s;
	size_t len, cap;
	int failed;
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->failed = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static char *sb_done(struct sb *b)
{
	sb_put(b, "", 0); /* an empty result still gets a buffer */
	if (b->failed) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

static char *evr(const char *epoch, size_t elen, const char *version, size_t vlen, const char *release,
		 size_t rlen)
{
	struct sb b = {NULL, 0, 0, 0};

	if (!(elen == 1 && epoch[0] == '0')) {
		sb_put(&b, epoch, elen);
		sb_put(&b, ":", 1);
	}
	sb_put(&b, version, vlen);
	sb_put(&b, "-", 1);
	sb_put(&b, release, rlen);
	return sb_done(&b);
}

char *rpminfo_evr(const struct rpmhdr *h)
{
	char epoch[16];
	const char *v = h->version ? h->version : "", *r = h->release ? h->release : "";
	int n = snprintf(epoch, sizeof(epoch), "%" PRId32, h->has_epoch ? h->epoch : 0);

	return evr(epoch, (size_t)n, v, strlen(v), r, strlen(r));
}

static int has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* claircore:internal/rpmver's architectures. */
static int known_arch(const char *a, size_t n)
{
	static const char *const arches[] = {".aarch64", ".i386",  ".i686", ".noarch", ".ppc64le",
					     ".riscv",   ".s390x", ".src",  ".x86_64"};
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strlen(arches[i]) == n && memcmp(arches[i], a, n) == 0)
			return 1;
	return 0;
}

int rpminfo_source(const char *sourcerpm, char **name, char **out_evr)
{
	const char *s = sourcerpm ? sourcerpm : "", *ev, *colon, *ra, *dot;
	size_t n = strlen(s), dashes = 0, i, second = 0, last = 0, elen, vlen, rlen;
	const char *epoch = "0";

	*name = *out_evr = NULL;
	if (has_suffix(s, n, ".rpm"))
		n -= 4;
	if (has_suffix(s, n, ".src"))
		n -= 4;
	if (has_suffix(s, n, ".nosrc"))
		n -= 6;
	for (i = 0; i < n; i++) {
		if (s[i] == '-') {
			dashes++;
			second = last;
			last = i;
		}
	}
	if (dashes < 2)
		return 0; /* no "name-version-release": claircore skips the source */
	/* s[0..second) is the name, s[second+1..last) "[epoch:]version", the
	 * rest the release (with an architecture suffix dropped). */
	ev = s + second + 1;
	elen = last - second - 1;
	ra = s + last + 1;
	rlen = n - last - 1;
	colon = memchr(ev, ':', elen);
	if (colon) {
		if (colon > ev) {
			epoch = ev;
			elen = (size_t)(colon - ev);
		} else {
			elen = 1;
		}
		vlen = (size_t)(ev + (last - second - 1) - colon - 1);
		ev = colon + 1;
	} else {
		vlen = elen;
		elen = 1;
	}
	for (dot = NULL, i = rlen; i > 0; i--) {
		if (ra[i - 1] == '.') {
			dot = ra + i - 1;
			break;
		}
	}
	if (dot && known_arch(dot, (size_t)(ra + rlen - dot)))
		rlen = (size_t)(dot - ra);
	*name = malloc(second + 1);
	*out_evr = evr(epoch, elen, ev, vlen, ra, rlen);
	if (!*name || !*out_evr) {
		free(*name);
		free(*out_evr);
		*name = *out_evr = NULL;
		return -1;
	}
	memcpy(*name, s, second);
	(*name)[second] = '\0';
	return 1;
}

int rpminfo_module(const char *label, char **out)
{
	const char *first, *second;

	*out = NULL;
	if (!label || !(first = strchr(label, ':')) || !(second = strchr(first + 1, ':')))
		return 0;
	if (!(*out = malloc((size_t)(second - label) + 1)))
		return -1;
	memcpy(*out, label, (size_t)(second - label));
	(*out)[second - label] = '\0';
	return 0;
}

/* Go's url.QueryEscape. */
static void put_query_escaped(struct sb *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~') {
			sb_put(b, s, 1);
		} else if (c == ' ') {
			sb_put(b, "+", 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			sb_put(b, e, 3);
		}
	}
}

char *rpminfo_hint(const struct rpmhdr *h)
{
	struct sb b = {NULL, 0, 0, 0};
	uint64_t key;

	if (h->payloaddigest && *h->payloaddigest && h->has_digest_algo && h->digest_algo == 8) {
		sb_str(&b, "hash=");
		put_query_escaped(&b, "sha256:");
		put_query_escaped(&b, h->payloaddigest);
	}
	if (h->sigpgp_len && pgpsig_issuer(h->sigpgp, h->sigpgp_len, &key)) {
		char k[17];
		snprintf(k, sizeof(k), "%016" PRIx64, key);
		if (b.len)
			sb_put(&b, "&", 1);
		sb_str(&b, "key=");
		sb_str(&b, k);
	}
	return sb_done(&b);
}
