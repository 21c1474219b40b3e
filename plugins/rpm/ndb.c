/* rpm ndb "Packages.db" reader; see ndb.h for the format and limits.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "ndb.h"

#define MAGIC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define PKG_MAGIC         MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC        MAGIC('S', 'l', 'o', 't')
#define BLOB_HEAD_MAGIC   MAGIC('B', 'l', 'b', 'S')
#define BLOB_TAIL_MAGIC   MAGIC('B', 'l', 'b', 'E')
#define NDB_PAGE          4096u
#define HEADER_SIZE       32u
#define SLOT_SIZE         16u
#define BLOCK             16u
#define BLOB_HEAD         16u
#define BLOB_TAIL         12u

int ndb_is_packages(const unsigned char *head, size_t len)
{
	return len >= 4 && rpmdb_le32(head) == PKG_MAGIC;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n > 0) {
		size_t k = n < 5552 ? n : 5552; /* the longest run before b can overflow */
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521u;
		b %= 65521u;
	}
	return b << 16 | a;
}

struct ndb_blob {
	unsigned char *buf;
	size_t cap;
};

static enum claro_status read_blob(const struct rpmdb_reader *r, struct ndb_blob *b, uint64_t slotno,
				   const unsigned char *slot, uint64_t slot_end, uint64_t *budget,
				   rpmdb_blob_fn fn, void *arg, struct rpmdb_error *err)
{
	uint32_t pkgidx = rpmdb_le32(slot + 4);
	uint64_t off = (uint64_t)rpmdb_le32(slot + 8) * BLOCK, size = (uint64_t)rpmdb_le32(slot + 12) * BLOCK;
	uint32_t len;
	enum claro_status st;

	if (size < BLOB_HEAD + BLOB_TAIL || size > (uint64_t)RPMDB_MAX_BLOB + BLOB_HEAD + BLOB_TAIL + BLOCK) {
		rpmdb_errorf(err, "slot %llu (package %u) has a nonsense size of %llu bytes",
			     (unsigned long long)slotno, pkgidx, (unsigned long long)size);
		return CLARO_ERR_INVALID;
	}
	if (off < slot_end) {
		rpmdb_errorf(err, "slot %llu (package %u) points into the slot pages (offset %llu)",
			     (unsigned long long)slotno, pkgidx, (unsigned long long)off);
		return CLARO_ERR_INVALID;
	}
	if (off > r->size || size > r->size - off) {
		rpmdb_errorf(err,
			     "slot %llu (package %u): its blob at offset %llu (%llu bytes) lies past the end "
			     "of the %llu-byte file",
			     (unsigned long long)slotno, pkgidx, (unsigned long long)off,
			     (unsigned long long)size, (unsigned long long)r->size);
		return CLARO_ERR_INVALID;
	}
	if (size > *budget) {
		rpmdb_errorf(
		    err, "slot %llu (package %u): its blob overlaps others (they cover more than the file)",
		    (unsigned long long)slotno, pkgidx);
		return CLARO_ERR_INVALID;
	}
	*budget -= size;
	if (size > b->cap) {
		unsigned char *p = realloc(b->buf, (size_t)size);
		if (!p)
			return CLARO_ERR_NOMEM;
		b->buf = p;
		b->cap = (size_t)size;
	}
	if ((st = rpmdb_read_exact(r, b->buf, (size_t)size, off, "a package blob", err)) != CLARO_OK)
		return st;
	if (rpmdb_le32(b->buf) != BLOB_HEAD_MAGIC || rpmdb_le32(b->buf + size - 4) != BLOB_TAIL_MAGIC) {
		rpmdb_errorf(err, "the blob of package %u at offset %llu lacks its %s magic", pkgidx,
			     (unsigned long long)off,
			     rpmdb_le32(b->buf) != BLOB_HEAD_MAGIC ? "\"BlbS\"" : "\"BlbE\"");
		return CLARO_ERR_INVALID;
	}
	if (rpmdb_le32(b->buf + 4) != pkgidx) {
		rpmdb_errorf(err,
			     "the blob at offset %llu belongs to package %u, not to package %u of its slot",
			     (unsigned long long)off, rpmdb_le32(b->buf + 4), pkgidx);
		return CLARO_ERR_INVALID;
	}
	len = rpmdb_le32(b->buf + 12);
	if (len > size - BLOB_HEAD - BLOB_TAIL || rpmdb_le32(b->buf + size - 8) != len) {
		rpmdb_errorf(
		    err,
		    "the blob of package %u at offset %llu has inconsistent lengths (%u, %u, %llu-byte slot)",
		    pkgidx, (unsigned long long)off, len, rpmdb_le32(b->buf + size - 8),
		    (unsigned long long)size);
		return CLARO_ERR_INVALID;
	}
	if (adler32(b->buf, (size_t)size - BLOB_TAIL) != rpmdb_le32(b->buf + size - BLOB_TAIL)) {
		rpmdb_errorf(err, "the blob of package %u at offset %llu fails its adler32 checksum", pkgidx,
			     (unsigned long long)off);
		return CLARO_ERR_INVALID;
	}
	return fn(arg, b->buf + BLOB_HEAD, len);
}

enum claro_status ndb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
				    struct rpmdb_error *err)
{
	unsigned char head[HEADER_SIZE], *slots;
	struct ndb_blob blob = {NULL, 0};
	uint64_t slot_end, budget;
	uint32_t npages;
	enum claro_status st;

	if ((st = rpmdb_read_exact(r, head, sizeof(head), 0, "the database header", err)) != CLARO_OK)
		return st;
	if (rpmdb_le32(head) != PKG_MAGIC) {
		rpmdb_errorf(err, "the file does not start with the package database magic \"RpmP\"");
		return CLARO_ERR_INVALID;
	}
	if (rpmdb_le32(head + 4) != 0) {
		rpmdb_errorf(err, "unknown package database version %u", rpmdb_le32(head + 4));
		return CLARO_ERR_UNSUPPORTED;
	}
	npages = rpmdb_le32(head + 12);
	slot_end = (uint64_t)npages * NDB_PAGE;
	if (npages == 0 || slot_end > r->size) {
		rpmdb_errorf(err, "the header names %u slot pages but the file holds only %llu bytes", npages,
			     (unsigned long long)r->size);
		return CLARO_ERR_INVALID;
	}
	budget = r->size - slot_end;
	if (!(slots = malloc(NDB_PAGE)))
		return CLARO_ERR_NOMEM;
	for (uint64_t page = 0; page < npages && st == CLARO_OK; page++) {
		st = rpmdb_read_exact(r, slots, NDB_PAGE, page * NDB_PAGE, "a slot page", err);
		for (uint32_t i = page == 0 ? HEADER_SIZE / SLOT_SIZE : 0;
		     i < NDB_PAGE / SLOT_SIZE && st == CLARO_OK; i++) {
			const unsigned char *slot = slots + i * SLOT_SIZE;
			uint64_t slotno = page * (NDB_PAGE / SLOT_SIZE) + i;
			if (rpmdb_le32(slot) != SLOT_MAGIC) {
				rpmdb_errorf(err, "slot %llu lacks its \"Slot\" magic",
					     (unsigned long long)slotno);
				st = CLARO_ERR_INVALID;
			} else if (rpmdb_le32(slot + 8) != 0) {
				st = read_blob(r, &blob, slotno, slot, slot_end, &budget, fn, arg, err);
			}
		}
	}
	free(slots);
	free(blob.buf);
	return st;
}
