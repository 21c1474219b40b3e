/* RPM header blob parser; see rpmhdr.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "rpmhdr.h"

#define TAGS_MAX  0xffffu     /* rpm's HEADER_TAGS_MAX */
#define DATA_MAX  0x0fffffffu /* rpm's HEADER_DATA_MAX */
#define ENTRY     16u
#define REGION_SZ 16u

enum rpm_type {
	T_NULL = 0,
	T_CHAR = 1,
	T_INT8 = 2,
	T_INT16 = 3,
	T_INT32 = 4,
	T_INT64 = 5,
	T_STRING = 6,
	T_BIN = 7,
	T_STRING_ARRAY = 8,
	T_I18NSTRING = 9
};

struct entry {
	uint32_t tag, type, count;
	int32_t offset;
};

struct frame {
	const unsigned char *index, *data;
	uint32_t il, dl;
	struct rpmdb_error *err;
};

static const char *tag_name(uint32_t tag)
{
	switch (tag) {
	case RPMTAG_SIGPGP: return "SIGPGP";
	case RPMTAG_NAME: return "NAME";
	case RPMTAG_VERSION: return "VERSION";
	case RPMTAG_RELEASE: return "RELEASE";
	case RPMTAG_EPOCH: return "EPOCH";
	case RPMTAG_ARCH: return "ARCH";
	case RPMTAG_OLDFILENAMES: return "OLDFILENAMES";
	case RPMTAG_SOURCERPM: return "SOURCERPM";
	case RPMTAG_DIRINDEXES: return "DIRINDEXES";
	case RPMTAG_BASENAMES: return "BASENAMES";
	case RPMTAG_DIRNAMES: return "DIRNAMES";
	case RPMTAG_PAYLOADDIGEST: return "PAYLOADDIGEST";
	case RPMTAG_PAYLOADDIGESTALGO: return "PAYLOADDIGESTALGO";
	case RPMTAG_MODULARITYLABEL: return "MODULARITYLABEL";
	default: return "tag";
	}
}

static void load_entry(const struct frame *f, uint32_t i, struct entry *e)
{
	const unsigned char *p = f->index + (size_t)i * ENTRY;

	e->tag = rpmdb_be32(p);
	e->type = rpmdb_be32(p + 4);
	e->offset = (int32_t)rpmdb_be32(p + 8);
	e->count = rpmdb_be32(p + 12);
}

static enum claro_status bad(const struct frame *f, const struct entry *e, const char *why)
{
	rpmdb_errorf(f->err, "%s (%u) entry, type %u, offset %d, count %u: %s", tag_name(e->tag), e->tag,
		     e->type, e->offset, e->count, why);
	return CLARO_ERR_INVALID;
}

/* count NUL-terminated strings from the entry's offset, all inside the data. */
static enum claro_status get_strings(const struct frame *f, const struct entry *e, uint32_t count,
				     struct rpmhdr_strings *out)
{
	const char *p = (const char *)f->data + e->offset, *end = (const char *)f->data + f->dl;

	if (count == 0 || count > f->dl - (uint32_t)e->offset)
		return bad(f, e, "the count does not fit the data");
	out->first = p;
	out->count = count;
	for (uint32_t i = 0; i < count; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return bad(f, e, "a string runs past the end of the data");
		p = nul + 1;
	}
	return CLARO_OK;
}

/* The first string of a string-typed entry (STRING, STRING_ARRAY or
 * I18NSTRING: rpm accepts any of them where a string is expected). */
static enum claro_status get_string(const struct frame *f, const struct entry *e, const char **out)
{
	struct rpmhdr_strings s = {NULL, 0};
	enum claro_status st;

	if (e->type != T_STRING && e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
		return bad(f, e, "the type is not a string");
	if ((st = get_strings(f, e, 1, &s)) != CLARO_OK)
		return st;
	*out = s.first;
	return CLARO_OK;
}

static enum claro_status get_string_array(const struct frame *f, const struct entry *e,
					  struct rpmhdr_strings *out)
{
	if (e->type != T_STRING_ARRAY)
		return bad(f, e, "the type is not a string array");
	return get_strings(f, e, e->count, out);
}

/* An INT32 array of count values: aligned (checked for every entry) and
 * inside the data. */
static enum claro_status get_int32s(const struct frame *f, const struct entry *e, const unsigned char **out)
{
	if (e->type != T_INT32)
		return bad(f, e, "the type is not INT32");
	if (e->count == 0 || e->count > (f->dl - (uint32_t)e->offset) / 4)
		return bad(f, e, "the values run past the end of the data");
	*out = f->data + e->offset;
	return CLARO_OK;
}

static enum claro_status get_int32(const struct frame *f, const struct entry *e, int32_t *out)
{
	const unsigned char *p = NULL;
	enum claro_status st = get_int32s(f, e, &p);

	if (st == CLARO_OK)
		*out = (int32_t)rpmdb_be32(p);
	return st;
}

static enum claro_status get_bin(const struct frame *f, const struct entry *e, const unsigned char **p,
				 size_t *n)
{
	if (e->type != T_BIN)
		return bad(f, e, "the type is not BIN");
	if (e->count == 0 || e->count > f->dl - (uint32_t)e->offset)
		return bad(f, e, "the bytes run past the end of the data");
	*p = f->data + e->offset;
	*n = e->count;
	return CLARO_OK;
}

/* An immutable (or signature, or image) region opened by the first entry:
 * the BIN entry points at a 16-byte trailer whose negative offset gives the
 * region's index size. Checked as rpm's hdrblobVerifyRegion does. */
static enum claro_status check_region(const struct frame *f)
{
	struct entry e, t;
	const unsigned char *p;

	load_entry(f, 0, &e);
	if (e.tag != RPMTAG_HEADERIMAGE && e.tag != RPMTAG_HEADERSIGNATURES &&
	    e.tag != RPMTAG_HEADERIMMUTABLE)
		return CLARO_OK; /* no region: an old-style (Berkeley DB era) header */
	if (e.type != T_BIN || e.count != REGION_SZ)
		return bad(f, &e, "a region tag that is not a 16-byte BIN");
	if (e.offset < 0 || (uint32_t)e.offset > f->dl || f->dl - (uint32_t)e.offset < REGION_SZ)
		return bad(f, &e, "the region trailer lies outside the data");
	p = f->data + e.offset;
	t.tag = rpmdb_be32(p);
	t.type = rpmdb_be32(p + 4);
	t.offset = (int32_t)rpmdb_be32(p + 8);
	t.count = rpmdb_be32(p + 12);
	if (e.tag == RPMTAG_HEADERSIGNATURES && t.tag == RPMTAG_HEADERIMAGE)
		t.tag = RPMTAG_HEADERSIGNATURES; /* rpm's own fixup for old signature headers */
	if (t.tag != e.tag || t.type != T_BIN || t.count != REGION_SZ)
		return bad(f, &e, "the region trailer does not match the region tag");
	if (t.offset > 0 || t.offset == INT32_MIN || (uint32_t)(-t.offset) % ENTRY != 0 ||
	    (uint32_t)(-t.offset) / ENTRY > f->il)
		return bad(f, &e, "the region trailer gives a nonsense region size");
	return CLARO_OK;
}

static enum claro_status take(const struct frame *f, const struct entry *e, struct rpmhdr *h)
{
	switch (e->tag) {
	case RPMTAG_NAME: return get_string(f, e, &h->name);
	case RPMTAG_VERSION: return get_string(f, e, &h->version);
	case RPMTAG_RELEASE: return get_string(f, e, &h->release);
	case RPMTAG_ARCH: return get_string(f, e, &h->arch);
	case RPMTAG_SOURCERPM: return get_string(f, e, &h->sourcerpm);
	case RPMTAG_MODULARITYLABEL: return get_string(f, e, &h->modularitylabel);
	case RPMTAG_PAYLOADDIGEST: return get_string(f, e, &h->payloaddigest);
	case RPMTAG_EPOCH: h->has_epoch = 1; return get_int32(f, e, &h->epoch);
	case RPMTAG_PAYLOADDIGESTALGO: h->has_digest_algo = 1; return get_int32(f, e, &h->digest_algo);
	case RPMTAG_SIGPGP: return get_bin(f, e, &h->sigpgp, &h->sigpgp_len);
	case RPMTAG_BASENAMES: return get_string_array(f, e, &h->basenames);
	case RPMTAG_DIRNAMES: return get_string_array(f, e, &h->dirnames);
	case RPMTAG_OLDFILENAMES: return get_string_array(f, e, &h->oldfilenames);
	default: return CLARO_OK;
	}
}

enum claro_status rpmhdr_parse(const unsigned char *blob, size_t len, struct rpmhdr *h,
			       struct rpmdb_error *err)
{
	struct frame f;
	struct entry dirindexes = {0, 0, 0, 0};
	int have_dirindexes = 0;
	enum claro_status st;

	memset(h, 0, sizeof(*h));
	if (len < 8) {
		rpmdb_errorf(err, "the header is %zu bytes, too short to hold its size fields", len);
		return CLARO_ERR_INVALID;
	}
	f.il = rpmdb_be32(blob);
	f.dl = rpmdb_be32(blob + 4);
	f.err = err;
	if (f.il == 0 || f.il > TAGS_MAX || f.dl > DATA_MAX) {
		rpmdb_errorf(err, "the header claims %u entries and %u data bytes, outside rpm's limits",
			     f.il, f.dl);
		return CLARO_ERR_INVALID;
	}
	if ((uint64_t)8 + (uint64_t)f.il * ENTRY + f.dl != len) {
		rpmdb_errorf(
		    err, "the header claims %u entries and %u data bytes (%llu bytes) but the blob holds %zu",
		    f.il, f.dl, (unsigned long long)8 + (unsigned long long)f.il * ENTRY + f.dl, len);
		return CLARO_ERR_INVALID;
	}
	f.index = blob + 8;
	f.data = f.index + (size_t)f.il * ENTRY;
	if ((st = check_region(&f)) != CLARO_OK)
		return st;
	for (uint32_t i = 0; i < f.il; i++) {
		struct entry e;
		load_entry(&f, i, &e);
		if (e.type > T_I18NSTRING)
			return bad(&f, &e, "unknown type");
		if (e.offset < 0 || (uint32_t)e.offset > f.dl)
			return bad(&f, &e, "the offset lies outside the data");
		if ((e.type == T_INT16 && e.offset % 2) || (e.type == T_INT32 && e.offset % 4) ||
		    (e.type == T_INT64 && e.offset % 8))
			return bad(&f, &e, "the offset is not aligned for the type");
		if (e.tag == RPMTAG_DIRINDEXES) {
			dirindexes = e;
			have_dirindexes = 1;
			h->dirindexes = NULL;
			if ((st = get_int32s(&f, &e, &h->dirindexes)) != CLARO_OK)
				return st;
		} else if ((st = take(&f, &e, h)) != CLARO_OK) {
			return st;
		}
	}
	/* The file list must be consistent whether or not anyone reads it
	 * (claircore refuses such a header too). */
	if (h->basenames.first || have_dirindexes) {
		uint32_t nidx = have_dirindexes ? dirindexes.count : 0;
		if (h->basenames.count != nidx) {
			rpmdb_errorf(err, "the file list has %u BASENAMES but %u DIRINDEXES",
				     h->basenames.count, nidx);
			return CLARO_ERR_INVALID;
		}
		for (uint32_t i = 0; i < nidx; i++) {
			int32_t d = (int32_t)rpmdb_be32(h->dirindexes + 4 * (size_t)i);
			if (d < 0 || (uint32_t)d >= h->dirnames.count) {
				rpmdb_errorf(err, "file %u of the file list names directory %d of %u", i, d,
					     h->dirnames.count);
				return CLARO_ERR_INVALID;
			}
		}
	}
	return CLARO_OK;
}

uint32_t rpmhdr_file_count(const struct rpmhdr *h)
{
	return h->basenames.first ? h->basenames.count : h->oldfilenames.count;
}

enum claro_status rpmhdr_files(const struct rpmhdr *h, rpmhdr_file_fn fn, void *arg)
{
	enum claro_status st = CLARO_OK;
	const char *p;

	if (!h->basenames.first) {
		p = h->oldfilenames.first;
		for (uint32_t i = 0; i < h->oldfilenames.count && st == CLARO_OK; i++) {
			size_t n = strlen(p);
			st = fn(arg, "", 0, p, n);
			p += n + 1;
		}
		return st;
	}
	{
		const char **dirs = malloc((size_t)h->dirnames.count * sizeof(*dirs));
		size_t *dirlen = malloc((size_t)h->dirnames.count * sizeof(*dirlen));

		if (!dirs || !dirlen) {
			free(dirs);
			free(dirlen);
			return CLARO_ERR_NOMEM;
		}
		p = h->dirnames.first;
		for (uint32_t i = 0; i < h->dirnames.count; i++) {
			dirs[i] = p;
			dirlen[i] = strlen(p);
			p += dirlen[i] + 1;
		}
		p = h->basenames.first;
		for (uint32_t i = 0; i < h->basenames.count && st == CLARO_OK; i++) {
			size_t n = strlen(p);
			uint32_t d =
			    rpmdb_be32(h->dirindexes + 4 * (size_t)i); /* validated by rpmhdr_parse */
			st = fn(arg, dirs[d], dirlen[d], p, n);
			p += n + 1;
		}
		free(dirs);
		free(dirlen);
	}
	return st;
}
