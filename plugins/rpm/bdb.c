/* Berkeley DB hash "Packages" reader; see bdb.h for the format and limits.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "bdb.h"

#define HASH_MAGIC      0x00061561u
#define PAGE_HEADER     26u /* SIZEOF_PAGE: lsn, pgno, prev, next, entries, hf_offset, level, type */
#define META_SIZE       64u /* the part of the metadata page read here */
#define P_HASH_UNSORTED 2
#define P_OVERFLOW      7
#define P_HASHMETA      8
#define P_HASH          13
#define H_KEYDATA       1
#define H_DUPLICATE     2
#define H_OFFPAGE       3
#define H_OFFDUP        4
#define HOFFPAGE_SIZE   12u
#define CHUNK_PAGES     64u /* pages read at once while scanning */

struct bdb {
	const struct rpmdb_reader *r;
	struct rpmdb_error *err;
	int swap; /* fields are big-endian */
	uint32_t pagesize;
	uint32_t last_pgno;
	uint64_t overflow_budget; /* overflow bytes still allowed (at most the file size) */
	unsigned char *page;      /* one overflow page */
	unsigned char *blob;      /* the value being assembled */
	size_t blob_cap;
};

static uint32_t u32(const struct bdb *db, const unsigned char *p)
{
	return db->swap ? rpmdb_be32(p) : rpmdb_le32(p);
}

static uint16_t u16(const struct bdb *db, const unsigned char *p)
{
	return db->swap ? rpmdb_be16(p) : rpmdb_le16(p);
}

int bdb_is_hash(const unsigned char *head, size_t len)
{
	return len >= 16 && (rpmdb_le32(head + 12) == HASH_MAGIC || rpmdb_be32(head + 12) == HASH_MAGIC);
}

static enum claro_status read_meta(struct bdb *db)
{
	unsigned char m[META_SIZE];
	enum claro_status st;
	uint32_t version;

	if ((st = rpmdb_read_exact(db->r, m, sizeof(m), 0, "the metadata page", db->err)) != CLARO_OK)
		return st;
	if (rpmdb_le32(m + 12) == HASH_MAGIC) {
		db->swap = 0;
	} else if (rpmdb_be32(m + 12) == HASH_MAGIC) {
		db->swap = 1;
	} else {
		rpmdb_errorf(db->err,
			     "the file does not start with a Berkeley DB hash metadata page (magic %08x)",
			     rpmdb_le32(m + 12));
		return CLARO_ERR_INVALID;
	}
	version = u32(db, m + 16);
	db->pagesize = u32(db, m + 20);
	db->last_pgno = u32(db, m + 32);
	if (m[25] != P_HASHMETA) {
		rpmdb_errorf(db->err, "page 0 has type %u, not the hash metadata type %u", m[25], P_HASHMETA);
		return CLARO_ERR_INVALID;
	}
	if (m[24] != 0) {
		rpmdb_errorf(db->err, "the database is encrypted (algorithm %u)", m[24]);
		return CLARO_ERR_UNSUPPORTED;
	}
	if (m[26] & 0x01) {
		rpmdb_errorf(db->err, "the database has page checksums, which rpm never writes");
		return CLARO_ERR_UNSUPPORTED;
	}
	if (db->pagesize < 512 || db->pagesize > 65536 || (db->pagesize & (db->pagesize - 1)) != 0) {
		rpmdb_errorf(db->err, "nonsense page size %u (hash version %u)", db->pagesize, version);
		return CLARO_ERR_INVALID;
	}
	if (((uint64_t)db->last_pgno + 1) * db->pagesize > db->r->size) {
		rpmdb_errorf(
		    db->err, "the metadata names %llu pages of %u bytes but the file holds only %llu bytes",
		    (unsigned long long)db->last_pgno + 1, db->pagesize, (unsigned long long)db->r->size);
		return CLARO_ERR_INVALID;
	}
	return CLARO_OK;
}

static enum claro_status blob_reserve(struct bdb *db, size_t need)
{
	size_t cap = db->blob_cap ? db->blob_cap : 16384;
	unsigned char *p;

	if (need <= db->blob_cap)
		return CLARO_OK;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (!(p = realloc(db->blob, cap)))
		return CLARO_ERR_NOMEM;
	db->blob = p;
	db->blob_cap = cap;
	return CLARO_OK;
}

/* Assemble the value an H_OFFPAGE item points to into db->blob. */
static enum claro_status read_overflow(struct bdb *db, uint32_t pgno, uint32_t tlen, uint32_t from)
{
	uint32_t done = 0;
	enum claro_status st;

	if (tlen > RPMDB_MAX_BLOB || tlen > db->r->size) {
		rpmdb_errorf(
		    db->err,
		    "page %u: an off-page item claims %u bytes, more than the file or a header can hold",
		    from, tlen);
		return CLARO_ERR_INVALID;
	}
	while (done < tlen) {
		uint32_t len;

		if (pgno == 0 || pgno > db->last_pgno) {
			rpmdb_errorf(
			    db->err,
			    "page %u: the overflow chain of a %u-byte item %s after %u bytes (next page %u)",
			    from, tlen, pgno == 0 ? "ends" : "leaves the file", done, pgno);
			return CLARO_ERR_INVALID;
		}
		if ((st = rpmdb_read_exact(db->r, db->page, db->pagesize, (uint64_t)pgno * db->pagesize,
					   "an overflow page", db->err)) != CLARO_OK)
			return st;
		if (db->page[25] != P_OVERFLOW) {
			rpmdb_errorf(db->err,
				     "page %u: the overflow chain from page %u reaches page %u of type %u",
				     from, from, pgno, db->page[25]);
			return CLARO_ERR_INVALID;
		}
		len = u16(db, db->page + 22); /* OV_LEN: the bytes this page holds */
		if (len > db->pagesize - PAGE_HEADER || len > tlen - done) {
			rpmdb_errorf(db->err, "page %u: overflow page %u holds %u bytes, more than %s", from,
				     pgno, len, len > tlen - done ? "the item has left" : "fit on a page");
			return CLARO_ERR_INVALID;
		}
		if (len > db->overflow_budget) {
			rpmdb_errorf(db->err,
				     "page %u: overflow pages are shared between items or form a cycle",
				     from);
			return CLARO_ERR_INVALID;
		}
		db->overflow_budget -= len;
		if ((st = blob_reserve(db, (size_t)done + len)) != CLARO_OK)
			return st;
		memcpy(db->blob + done, db->page + PAGE_HEADER, len);
		done += len;
		pgno = u32(db, db->page + 16);
		if (len == 0 && done < tlen) {
			rpmdb_errorf(db->err,
				     "page %u: an empty overflow page in the chain of a %u-byte item", from,
				     tlen);
			return CLARO_ERR_INVALID;
		}
	}
	return CLARO_OK;
}

/* Visit the key/data pairs of one hash page. */
static enum claro_status scan_hash_page(struct bdb *db, const unsigned char *pg, uint32_t pgno,
					rpmdb_blob_fn fn, void *arg)
{
	uint32_t n = u16(db, pg + 20), ps = db->pagesize;
	enum claro_status st;

	if (n % 2 != 0) {
		rpmdb_errorf(db->err, "hash page %u has an odd number of items (%u)", pgno, n);
		return CLARO_ERR_INVALID;
	}
	if (PAGE_HEADER + 2u * n > ps) {
		rpmdb_errorf(db->err, "hash page %u claims %u items, more than fit on the page", pgno, n);
		return CLARO_ERR_INVALID;
	}
	for (uint32_t i = 0; i < n; i += 2) {
		uint32_t off[2], len[2];
		const unsigned char *key, *data;

		for (uint32_t j = 0; j < 2; j++) {
			uint32_t end = i + j == 0 ? ps : u16(db, pg + PAGE_HEADER + 2u * (i + j - 1));
			off[j] = u16(db, pg + PAGE_HEADER + 2u * (i + j));
			if (off[j] < PAGE_HEADER + 2u * n || off[j] >= end || end > ps) {
				rpmdb_errorf(
				    db->err,
				    "hash page %u: item %u has offset %u outside the page's item area", pgno,
				    i + j, off[j]);
				return CLARO_ERR_INVALID;
			}
			len[j] = end - off[j];
		}
		key = pg + off[0];
		data = pg + off[1];
		/* rpm's key 0 holds the next instance number, not a header. */
		if (key[0] == H_KEYDATA && len[0] == 5 && u32(db, key + 1) == 0)
			continue;
		switch (data[0]) {
		case H_KEYDATA: st = fn(arg, data + 1, len[1] - 1); break;
		case H_OFFPAGE:
			if (len[1] < HOFFPAGE_SIZE) {
				rpmdb_errorf(db->err,
					     "hash page %u: item %u is a truncated off-page reference", pgno,
					     i + 1);
				return CLARO_ERR_INVALID;
			}
			st = read_overflow(db, u32(db, data + 4), u32(db, data + 8), pgno);
			if (st == CLARO_OK)
				st = fn(arg, db->blob, u32(db, data + 8));
			break;
		case H_DUPLICATE:
		case H_OFFDUP:
			rpmdb_errorf(db->err,
				     "hash page %u: item %u is a duplicate set, which rpm never writes", pgno,
				     i + 1);
			return CLARO_ERR_UNSUPPORTED;
		default:
			rpmdb_errorf(db->err, "hash page %u: item %u has unknown type %u", pgno, i + 1,
				     data[0]);
			return CLARO_ERR_INVALID;
		}
		if (st != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

enum claro_status bdb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
				    struct rpmdb_error *err)
{
	struct bdb db;
	unsigned char *chunk = NULL;
	enum claro_status st;

	memset(&db, 0, sizeof(db));
	db.r = r;
	db.err = err;
	db.overflow_budget = r->size;
	if ((st = read_meta(&db)) != CLARO_OK)
		return st;
	if (!(db.page = malloc(db.pagesize)) || !(chunk = malloc((size_t)db.pagesize * CHUNK_PAGES))) {
		free(db.page);
		return CLARO_ERR_NOMEM;
	}
	for (uint64_t first = 1; first <= db.last_pgno && st == CLARO_OK; first += CHUNK_PAGES) {
		uint64_t count = db.last_pgno + 1 - first;
		if (count > CHUNK_PAGES)
			count = CHUNK_PAGES;
		st = rpmdb_read_exact(r, chunk, (size_t)(count * db.pagesize), first * db.pagesize, "a page",
				      err);
		for (uint64_t i = 0; i < count && st == CLARO_OK; i++) {
			const unsigned char *pg = chunk + i * db.pagesize;
			if (pg[25] == P_HASH || pg[25] == P_HASH_UNSORTED)
				st = scan_hash_page(&db, pg, (uint32_t)(first + i), fn, arg);
		}
	}
	free(chunk);
	free(db.page);
	free(db.blob);
	return st;
}
