/* OpenPGP signature issuer extraction; see pgpsig.h for the rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "pgpsig.h"

#define TAG_SIGNATURE 2

/* A cursor over one packet body. */
struct cur {
	const unsigned char *p;
	size_t n;
};

static int take(struct cur *c, size_t k, const unsigned char **out)
{
	if (c->n < k)
		return -1;
	*out = c->p;
	c->p += k;
	c->n -= k;
	return 0;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int known_hash(unsigned h)
{
	return h == 1 || h == 2 || h == 3 || h == 8 || h == 9 || h == 10 || h == 11;
}

/* An MPI: a 2-byte bit count, then that many bits rounded up to bytes. */
static int skip_mpi(struct cur *c)
{
	const unsigned char *b;

	if (take(c, 2, &b) != 0)
		return -1;
	return take(c, ((size_t)(b[0] << 8 | b[1]) + 7) / 8, &b);
}

static int skip_mpis(struct cur *c, unsigned algo)
{
	int n = (algo == 1 || algo == 3) ? 1 : 2; /* RSA: s; DSA, ECDSA: r, s */

	for (int i = 0; i < n; i++)
		if (skip_mpi(c) != 0)
			return -1;
	return 0;
}

/* Version 3 signature: 0 and *key set when it names a key, 1 when it
 * parsed but does not count (not type 0), -1 when it is bad. */
static int parse_v3(struct cur *c, uint64_t *key)
{
	const unsigned char *b;
	unsigned type, algo;

	if (take(c, 1, &b) != 0 || b[0] < 2 || b[0] > 3)
		return -1;
	if (take(c, 1, &b) != 0 || b[0] != 5) /* hashed material: type + creation time */
		return -1;
	if (take(c, 5, &b) != 0)
		return -1;
	type = b[0];
	if (take(c, 8, &b) != 0)
		return -1;
	*key = be64(b);
	if (take(c, 2, &b) != 0)
		return -1;
	algo = b[0];
	if ((algo != 1 && algo != 3 && algo != 17) || !known_hash(b[1]))
		return -1;
	if (take(c, 2, &b) != 0 || skip_mpis(c, algo) != 0) /* hash tag, then the MPIs */
		return -1;
	return type == 0 ? 0 : 1;
}

/* One area of v4 subpackets. */
static int parse_subpackets(const unsigned char *p, size_t n, int hashed, int *have_key, uint64_t *key,
			    int *have_time)
{
	while (n > 0) {
		size_t len;
		unsigned type, critical;

		if (p[0] < 192) {
			len = p[0];
			p++, n--;
		} else if (p[0] < 255) {
			if (n < 2)
				return -1;
			len = ((size_t)(p[0] - 192) << 8) + p[1] + 192;
			p += 2, n -= 2;
		} else {
			if (n < 5)
				return -1;
			len = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
			p += 5, n -= 5;
		}
		if (len > n || len == 0)
			return -1;
		type = p[0] & 0x7f;
		critical = p[0] & 0x80;
		switch (type) {
		case 2: /* creation time */
			if (!hashed || len - 1 != 4)
				return -1;
			*have_time = 1;
			break;
		case 3: /* signature expiration */
		case 9: /* key expiration */
			if (hashed && len - 1 != 4)
				return -1;
			break;
		case 16: /* issuer */
			if (len - 1 != 8)
				return -1;
			*key = be64(p + 1);
			*have_key = 1;
			break;
		case 25: /* primary user id */
			if (hashed && len - 1 != 1)
				return -1;
			break;
		case 27: /* key flags */
		case 29: /* reason for revocation */
			if (hashed && len - 1 == 0)
				return -1;
			break;
		case 11: /* preferred symmetric algorithms */
		case 21: /* preferred hashes */
		case 22: /* preferred compression */
		case 30: /* features */
		case 32: /* embedded signature */ break;
		default:
			if (critical)
				return -1;
		}
		p += len;
		n -= len;
	}
	return *have_time ? 0 : -1;
}

/* Version 4 signature: as parse_v3. */
static int parse_v4(struct cur *c, uint64_t *key)
{
	const unsigned char *b, *area;
	unsigned type, algo;
	size_t len;
	int have_key = 0, have_time = 0;

	if (take(c, 1, &b) != 0 || b[0] != 4)
		return -1;
	if (take(c, 5, &b) != 0)
		return -1;
	type = b[0];
	algo = b[1];
	if ((algo != 1 && algo != 3 && algo != 17 && algo != 19) || !known_hash(b[2]))
		return -1;
	len = (size_t)b[3] << 8 | b[4];
	if (take(c, len, &area) != 0 || parse_subpackets(area, len, 1, &have_key, key, &have_time) != 0)
		return -1;
	if (take(c, 2, &b) != 0)
		return -1;
	len = (size_t)b[0] << 8 | b[1];
	if (take(c, len, &area) != 0 || parse_subpackets(area, len, 0, &have_key, key, &have_time) != 0)
		return -1;
	if (take(c, 2, &b) != 0 || skip_mpis(c, algo) != 0)
		return -1;
	return type == 0 && have_key ? 0 : 1;
}

int pgpsig_issuer(const unsigned char *p, size_t n, uint64_t *keyid)
{
	int found = 0;

	while (n > 0) {
		unsigned tag;
		size_t len, hdr;
		struct cur body;

		if (!(p[0] & 0x80))
			break;
		if (!(p[0] & 0x40)) { /* old format: 1, 2, 4 length bytes or "to the end" */
			unsigned lt = p[0] & 3;
			tag = (p[0] & 0x3f) >> 2;
			if (lt == 3) {
				hdr = 1;
				len = n - 1;
			} else {
				hdr = 1 + ((size_t)1 << lt);
				if (n < hdr)
					break;
				len = 0;
				for (size_t i = 1; i < hdr; i++)
					len = len << 8 | p[i];
			}
		} else { /* new format */
			tag = p[0] & 0x3f;
			if (n < 2)
				break;
			if (p[1] < 192) {
				hdr = 2;
				len = p[1];
			} else if (p[1] < 224) {
				if (n < 3)
					break;
				hdr = 3;
				len = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
			} else if (p[1] == 255) {
				if (n < 6)
					break;
				hdr = 6;
				len = (size_t)p[2] << 24 | (size_t)p[3] << 16 | (size_t)p[4] << 8 | p[5];
			} else {
				break; /* partial body lengths: not a signature the way rpm stores one */
			}
		}
		body.p = p + hdr;
		body.n = len <= n - hdr ? len : n - hdr;
		if (tag == TAG_SIGNATURE) {
			uint64_t key = 0;
			int r;
			if (body.n == 0)
				break;
			r = body.p[0] < 4 ? parse_v3(&body, &key) : parse_v4(&body, &key);
			if (r < 0)
				break;
			if (r == 0) {
				*keyid = key;
				found = 1;
			}
		}
		if (len >= n - hdr)
			break;
		p += hdr + len;
		n -= hdr + len;
	}
	return found;
}
