/* The tar index (see tarindex.h): one bounds-checked pass over the headers of
 * a spooled tar, then sorted, compact records for lookups by path.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strutil.h"
#include "tarindex.h"

#define BLOCK 512u

/* Field positions in a ustar header block. */
#define H_NAME               0
#define H_NAME_LEN           100
#define H_MODE               100
#define H_MTIME              136
#define H_SIZE               124
#define H_CHKSUM             148
#define H_TYPE               156
#define H_LINK               157
#define H_LINK_LEN           100
#define H_MAGIC              257
#define H_PREFIX             345
#define H_PREFIX_LEN         155
#define H_GNU_ISEXTENDED     482 /* old GNU sparse: more sparse blocks follow */
#define H_GNU_EXT_ISEXTENDED 504 /* same flag inside such a block */

struct tarindex {
	struct tarindex_entry *v;
	size_t n, cap;
	char *arena; /* every name and link target, NUL-terminated */
	size_t alen, acap;
	size_t whiteouts;
};

/* Extended-header values waiting for the entry they describe. */
struct pending {
	char *long_name, *long_link; /* GNU 'L' / 'K' */
	char *pax_path, *pax_link;
	int have_size, have_mtime, sparse;
	uint64_t size;
	int64_t mtime;
};

struct builder {
	struct tarindex *ix;
	int fd;
	uint64_t file_size;
	uint32_t *slots; /* open-addressing hash: entry index + 1, 0 = empty */
	size_t nslots;
	struct pending pend;
	struct buf path; /* scratch for normalised names */
	struct buf link;
};

/* ---- errors ---- */

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static enum claro_status malformed(struct error *err, uint64_t offset, const char *why)
{
	error_set(err, CLARO_ERR_INVALID, "malformed tar archive");
	error_detail(err, "At byte %" PRIu64 ": %s.", offset, why);
	error_hint(err, "Check that the layer is an uncorrupted tar (optionally gzip or zstd compressed).");
	return CLARO_ERR_INVALID;
}

static enum claro_status truncated(struct error *err, uint64_t offset, uint64_t need, uint64_t have)
{
	error_set(err, CLARO_ERR_INVALID, "truncated tar archive");
	error_detail(err,
		     "The entry at byte %" PRIu64 " needs %" PRIu64 " bytes but the file has %" PRIu64 ".",
		     offset, need, have);
	error_hint(err, "The layer was probably cut short in transfer; fetch it again.");
	return CLARO_ERR_INVALID;
}

/* ---- reading ---- */

/* pread until n bytes or end of file; *got says how many. */
static enum claro_status read_at(struct builder *b, void *dst, size_t n, uint64_t off, size_t *got,
				 struct error *err)
{
	size_t total = 0;

	while (total < n) {
		ssize_t r = pread(b->fd, (char *)dst + total, n - total, (off_t)(off + total));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, CLARO_ERR_IO, "could not read the layer's tar file");
			error_detail(err, "%s.", strerror(errno));
			return CLARO_ERR_IO;
		}
		if (r == 0)
			break;
		total += (size_t)r;
	}
	*got = total;
	return CLARO_OK;
}

/* ---- numbers ---- */

/* A numeric header field: octal (leading blanks, ended by NUL or blank) or
 * base-256 (high bit of the first byte set; 0xff first byte = negative). */
static int parse_number(const unsigned char *p, size_t len, int64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		int negative = p[0] == 0xff;
		/* Two's complement: for negatives, accumulate the inverted bits. */
		unsigned char first = (unsigned char)(negative ? (unsigned char)~p[0] : (p[0] & 0x7f));

		v = first;
		for (i = 1; i < len; i++) {
			unsigned char c = negative ? (unsigned char)~p[i] : p[i];
			if (v > (UINT64_MAX >> 8))
				return -1;
			v = (v << 8) | c;
		}
		if (v > (uint64_t)INT64_MAX)
			return -1;
		*out = negative ? -(int64_t)v - 1 : (int64_t)v;
		return 0;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\0'))
		i++;
	if (i == len) {
		*out = 0;
		return 0;
	}
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > ((uint64_t)INT64_MAX >> 3))
			return -1;
		v = (v << 3) | (uint64_t)(p[i] - '0');
	}
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	*out = (int64_t)v;
	return 0;
}

static int checksum_ok(const unsigned char *h)
{
	int64_t want;
	uint64_t usum = 0;
	int64_t ssum = 0;

	if (parse_number(h + H_CHKSUM, 8, &want) != 0)
		return 0;
	for (size_t i = 0; i < BLOCK; i++) {
		unsigned char c = i >= H_CHKSUM && i < H_CHKSUM + 8 ? ' ' : h[i];
		usum += c;
		ssum += (signed char)c;
	}
	/* Some old tars summed signed chars; accept either, as GNU tar does. */
	return (int64_t)usum == want || ssum == want;
}

static int all_zero(const unsigned char *h)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

/* ---- the index ---- */

static enum claro_status arena_add(struct tarindex *ix, const char *s, size_t len, uint32_t *off)
{
	if (ix->alen + len + 1 > ix->acap) {
		size_t cap = ix->acap ? ix->acap : 4096;
		char *a;

		while (cap < ix->alen + len + 1)
			cap *= 2;
		if (cap >= UINT32_MAX)
			return CLARO_ERR_TOO_LARGE;
		a = realloc(ix->arena, cap);
		if (!a)
			return CLARO_ERR_NOMEM;
		ix->arena = a;
		ix->acap = cap;
	}
	memcpy(ix->arena + ix->alen, s, len);
	ix->arena[ix->alen + len] = '\0';
	*off = (uint32_t)ix->alen;
	ix->alen += len + 1;
	return CLARO_OK;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot for name (of length len): either holding it or empty. */
static size_t hash_slot(const struct builder *b, const char *name, size_t len)
{
	size_t mask = b->nslots - 1, i = (size_t)hash_bytes(name, len) & mask;

	for (;;) {
		uint32_t e = b->slots[i];
		const char *s;

		if (e == 0)
			return i;
		s = b->ix->arena + b->ix->v[e - 1].name;
		if (strncmp(s, name, len) == 0 && s[len] == '\0')
			return i;
		i = (i + 1) & mask;
	}
}

static enum claro_status hash_grow(struct builder *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 1024;
	uint32_t *old = b->slots;
	size_t oldn = b->nslots;

	b->slots = calloc(n, sizeof(*b->slots));
	if (!b->slots) {
		b->slots = old;
		return CLARO_ERR_NOMEM;
	}
	b->nslots = n;
	for (size_t i = 0; i < oldn; i++) {
		if (old[i]) {
			const char *s = b->ix->arena + b->ix->v[old[i] - 1].name;
			b->slots[hash_slot(b, s, strlen(s))] = old[i];
		}
	}
	free(old);
	return CLARO_OK;
}

/* Index of the entry named name, or -1. */
static ptrdiff_t lookup(const struct builder *b, const char *name, size_t len)
{
	uint32_t e = b->slots[hash_slot(b, name, len)];

	return e ? (ptrdiff_t)e - 1 : -1;
}

/* Append e (its name already in the arena) and hash it. */
static enum claro_status add_entry(struct builder *b, const struct tarindex_entry *e)
{
	struct tarindex *ix = b->ix;
	const char *name;

	if (ix->n >= UINT32_MAX - 1)
		return CLARO_ERR_TOO_LARGE;
	if ((ix->n + 1) * 2 > b->nslots && hash_grow(b) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 256;
		struct tarindex_entry *v = realloc(ix->v, cap * sizeof(*v));
		if (!v)
			return CLARO_ERR_NOMEM;
		ix->v = v;
		ix->cap = cap;
	}
	ix->v[ix->n] = *e;
	name = ix->arena + e->name;
	b->slots[hash_slot(b, name, strlen(name))] = (uint32_t)(ix->n + 1);
	ix->n++;
	return CLARO_OK;
}

/* Lexical normalisation into out: no leading "/", no "." or empty components,
 * ".." removes the previous component and stops at the root. */
static enum claro_status normalize(const char *raw, struct buf *out)
{
	const char *p = raw;

	buf_reset(out);
	if (buf_append(out, "", 0) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = memrchr(out->data, '/', out->len);
			out->len = slash ? (size_t)(slash - out->data) : 0;
			out->data[out->len] = '\0';
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			if ((out->len && buf_append(out, "/", 1) != CLARO_OK) ||
			    buf_append(out, p, len) != CLARO_OK)
				return CLARO_ERR_NOMEM;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return CLARO_OK;
}

/* ---- extended headers ---- */

static void pending_clear(struct pending *p)
{
	free(p->long_name);
	free(p->long_link);
	free(p->pax_path);
	free(p->pax_link);
	memset(p, 0, sizeof(*p));
}

/* The payload of an extended header, NUL-terminated. */
static enum claro_status read_payload(struct builder *b, uint64_t off, uint64_t size, uint64_t hdr_off,
				      char **out, struct error *err)
{
	size_t got;
	char *data;
	enum claro_status st;

	*out = NULL;
	if (size > TARINDEX_MAX_EXT_HEADER) {
		error_set(err, CLARO_ERR_TOO_LARGE, "tar extended header too large");
		error_detail(err,
			     "The extended header at byte %" PRIu64 " is %" PRIu64
			     " bytes; at most %u are accepted.",
			     hdr_off, size, TARINDEX_MAX_EXT_HEADER);
		return CLARO_ERR_TOO_LARGE;
	}
	data = malloc((size_t)size + 1);
	if (!data)
		return nomem(err);
	st = read_at(b, data, (size_t)size, off, &got, err);
	if (st == CLARO_OK && got != size)
		st = truncated(err, hdr_off, BLOCK + size, b->file_size - hdr_off);
	if (st != CLARO_OK) {
		free(data);
		return st;
	}
	data[size] = '\0';
	*out = data;
	return CLARO_OK;
}

static int parse_decimal(const char *s, size_t len, int allow_sign_fraction, int64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	int neg = 0;

	if (allow_sign_fraction && i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i == len || s[i] < '0' || s[i] > '9')
		return -1;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > ((uint64_t)INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (allow_sign_fraction && i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (i != len)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static enum claro_status set_string(char **slot, const char *v, size_t len)
{
	char *s = str_ndup(v, len);

	if (!s)
		return CLARO_ERR_NOMEM;
	free(*slot);
	*slot = s;
	return CLARO_OK;
}

/* Records "<len> <key>=<value>\n" (POSIX pax). */
static enum claro_status parse_pax(struct builder *b, const char *data, size_t size, uint64_t hdr_off,
				   struct error *err)
{
	size_t pos = 0;

	while (pos < size) {
		const char *rec = data + pos, *sp, *eq, *key, *val;
		size_t avail = size - pos, reclen = 0, i, keylen, vallen;
		int64_t num;

		if (rec[0] == '\0')
			break; /* NUL padding after the last record */
		/* At most 7 digits: a payload is at most TARINDEX_MAX_EXT_HEADER (1 MiB). */
		for (i = 0; i < avail && rec[i] >= '0' && rec[i] <= '9' && i < 8; i++)
			reclen = reclen * 10 + (size_t)(rec[i] - '0');
		if (i == 0 || i >= avail || rec[i] != ' ' || reclen <= i + 1 || reclen > avail ||
		    rec[reclen - 1] != '\n')
			return malformed(err, hdr_off, "a pax extended header record is malformed");
		sp = rec + i;
		eq = memchr(sp + 1, '=', reclen - i - 1);
		if (!eq)
			return malformed(err, hdr_off, "a pax extended header record has no \"=\"");
		key = sp + 1;
		keylen = (size_t)(eq - key);
		val = eq + 1;
		vallen = (size_t)(rec + reclen - 1 - val);
		if (keylen == 4 && memcmp(key, "path", 4) == 0) {
			if (set_string(&b->pend.pax_path, val, vallen) != CLARO_OK)
				return nomem(err);
		} else if (keylen == 8 && memcmp(key, "linkpath", 8) == 0) {
			if (set_string(&b->pend.pax_link, val, vallen) != CLARO_OK)
				return nomem(err);
		} else if (keylen == 4 && memcmp(key, "size", 4) == 0) {
			if (parse_decimal(val, vallen, 0, &num) != 0)
				return malformed(err, hdr_off, "a pax \"size\" record is not a number");
			b->pend.size = (uint64_t)num;
			b->pend.have_size = 1;
		} else if (keylen == 5 && memcmp(key, "mtime", 5) == 0) {
			if (parse_decimal(val, vallen, 1, &num) == 0) {
				b->pend.mtime = num;
				b->pend.have_mtime = 1;
			}
		} else if (keylen > 11 && memcmp(key, "GNU.sparse.", 11) == 0) {
			b->pend.sparse = 1;
		}
		pos += reclen;
	}
	return CLARO_OK;
}

/* ---- entries ---- */

static enum claro_file_type map_type(char t)
{
	switch (t) {
	case '0':
	case '\0':
	case '7': return CLARO_FILE_REGULAR;
	case '5':
	case 'D': return CLARO_FILE_DIRECTORY;
	case '2': return CLARO_FILE_SYMLINK;
	default: return CLARO_FILE_OTHER;
	}
}

/* Types that never carry data, whatever the size field says (as Go's archive/tar). */
static int header_only(char t)
{
	return t == '1' || t == '2' || t == '3' || t == '4' || t == '5' || t == '6';
}

static int is_whiteout(const char *path)
{
	const char *base = strrchr(path, '/');

	return strncmp(base ? base + 1 : path, ".wh.", 4) == 0;
}

/* Name from the header: ustar prefix + "/" + name, or just name. */
static enum claro_status header_name(const unsigned char *h, struct buf *out)
{
	size_t nlen = strnlen((const char *)h + H_NAME, H_NAME_LEN);

	buf_reset(out);
	if (memcmp(h + H_MAGIC, "ustar\0", 6) == 0 && h[H_PREFIX] != '\0') {
		size_t plen = strnlen((const char *)h + H_PREFIX, H_PREFIX_LEN);
		if (buf_append(out, h + H_PREFIX, plen) != CLARO_OK || buf_append(out, "/", 1) != CLARO_OK)
			return CLARO_ERR_NOMEM;
	}
	return buf_append(out, h + H_NAME, nlen);
}

static enum claro_status add_from_header(struct builder *b, const unsigned char *h, uint64_t data_off,
					 uint64_t size, struct error *err)
{
	struct tarindex *ix = b->ix;
	struct tarindex_entry e = {0};
	char type = (char)h[H_TYPE];
	const char *raw;
	int64_t num;
	ptrdiff_t at;
	enum claro_status st;

	/* The path. */
	if (b->pend.long_name) {
		raw = b->pend.long_name;
	} else if (b->pend.pax_path) {
		raw = b->pend.pax_path;
	} else {
		if (header_name(h, &b->link) != CLARO_OK)
			return nomem(err);
		raw = b->link.data ? b->link.data : "";
	}
	if (normalize(raw, &b->path) != CLARO_OK)
		return nomem(err);

	e.type = (uint8_t)map_type(type);
	if (b->pend.sparse || type == 'S')
		e.type = CLARO_FILE_OTHER; /* sparse data is not laid out contiguously */
	e.mode = parse_number(h + H_MODE, 8, &num) == 0 ? (uint32_t)(num & 07777) : 0;
	e.mtime = b->pend.have_mtime ? b->pend.mtime : parse_number(h + H_MTIME, 12, &num) == 0 ? num : 0;
	e.link = TARINDEX_NONE;
	if (e.type == CLARO_FILE_REGULAR) {
		e.offset = data_off;
		e.size = size;
	}

	if (type == '1' || type == '2') {
		const char *lraw = b->pend.long_link ? b->pend.long_link : b->pend.pax_link;
		struct buf lname = BUF_INIT(0);

		if (!lraw) {
			if (buf_append(&lname, h + H_LINK, strnlen((const char *)h + H_LINK, H_LINK_LEN)) !=
			    CLARO_OK)
				return nomem(err);
			lraw = lname.data ? lname.data : "";
		}
		if (type == '2') {
			st = arena_add(ix, lraw, strlen(lraw), &e.link);
		} else {
			/* A hardlink is its target as it was at this point in the tar. */
			st = normalize(lraw, &b->link);
			if (st == CLARO_OK) {
				at = lookup(b, b->link.data, b->link.len);
				if (at >= 0 && strcmp(b->link.data, b->path.data) != 0) {
					e = ix->v[at];
				} else {
					e.type = CLARO_FILE_OTHER;
					e.flags |= TARINDEX_DANGLING;
				}
				e.flags |= TARINDEX_HARDLINK;
				e.flags &= (uint8_t) ~(TARINDEX_IMPLIED | TARINDEX_WHITEOUT);
			}
		}
		buf_free(&lname);
		if (st != CLARO_OK)
			return st == CLARO_ERR_NOMEM ? nomem(err)
						     : malformed(err, data_off - BLOCK, "names exceed 4 GiB");
	}

	if (b->path.len == 0) {
		/* The root: only its attributes matter. */
		if (e.type == CLARO_FILE_DIRECTORY) {
			ix->v[0].mode = e.mode;
			ix->v[0].mtime = e.mtime;
			ix->v[0].flags &= (uint8_t)~TARINDEX_IMPLIED;
		}
		return CLARO_OK;
	}
	if (is_whiteout(b->path.data))
		e.flags |= TARINDEX_WHITEOUT;

	at = lookup(b, b->path.data, b->path.len);
	if (at >= 0) {
		/* A later entry replaces an earlier one, as extraction does. */
		e.name = ix->v[at].name;
		if (ix->v[at].flags & TARINDEX_WHITEOUT)
			ix->whiteouts--;
		ix->v[at] = e;
	} else {
		st = arena_add(ix, b->path.data, b->path.len, &e.name);
		if (st == CLARO_OK)
			st = add_entry(b, &e);
		if (st != CLARO_OK)
			return st == CLARO_ERR_NOMEM ? nomem(err)
						     : malformed(err, data_off - BLOCK, "too many entries");
	}
	if (e.flags & TARINDEX_WHITEOUT)
		ix->whiteouts++;
	return CLARO_OK;
}

/* Old GNU sparse headers may be followed by extension blocks. */
static enum claro_status skip_sparse_ext(struct builder *b, const unsigned char *h, uint64_t *data_off,
					 struct error *err)
{
	unsigned char ext[BLOCK];
	int more = h[H_GNU_ISEXTENDED] != 0;
	size_t got;

	while (more) {
		enum claro_status st = read_at(b, ext, BLOCK, *data_off, &got, err);
		if (st != CLARO_OK)
			return st;
		if (got != BLOCK)
			return truncated(err, *data_off, BLOCK, b->file_size - *data_off);
		more = ext[H_GNU_EXT_ISEXTENDED] != 0;
		*data_off += BLOCK;
	}
	return CLARO_OK;
}

/* Directories implied by deeper paths. */
static enum claro_status add_implied_dirs(struct builder *b, struct error *err)
{
	struct tarindex *ix = b->ix;
	size_t n0 = ix->n;

	for (size_t i = 1; i < n0; i++) {
		const char *name = ix->arena + ix->v[i].name;

		buf_reset(&b->path);
		if (buf_puts(&b->path, name) != CLARO_OK)
			return nomem(err);
		for (size_t k = 0; k < b->path.len; k++) {
			struct tarindex_entry d = {0};

			if (b->path.data[k] != '/' || lookup(b, b->path.data, k) >= 0)
				continue;
			d.type = CLARO_FILE_DIRECTORY;
			d.mode = 0755;
			d.link = TARINDEX_NONE;
			d.flags = TARINDEX_IMPLIED;
			if (arena_add(ix, b->path.data, k, &d.name) != CLARO_OK ||
			    add_entry(b, &d) != CLARO_OK)
				return nomem(err);
		}
	}
	return CLARO_OK;
}

static int compare_names(const void *a, const void *b, void *arena)
{
	return strcmp((const char *)arena + *(const uint32_t *)a, (const char *)arena + *(const uint32_t *)b);
}

/* The position of the entry whose name starts at arena offset name: entries
 * take their names in the order they are added (a replaced entry keeps its
 * own), so before the sort the name offsets increase with the position. */
static size_t position_of(const struct tarindex *ix, uint32_t name)
{
	size_t lo = 0, hi = ix->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->v[mid].name <= name)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Sort the entries by path. Not qsort_r over the records themselves: glibc
 * sorts records over 32 bytes indirectly, through a temporary array of two
 * pointers per record (16 bytes an entry on top of the index, the largest
 * part of the indexer's peak memory on a layer of many small files). Here
 * the 4-byte name offsets are sorted (msort's scratch: another 4), turned
 * into positions in place, and the records moved along the cycles of that
 * permutation: 8 bytes an entry. Paths are unique (the hash merged
 * duplicates), so the order is total. */
static enum claro_status sort_entries(struct tarindex *ix, struct error *err)
{
	uint32_t *order;

	if (ix->n < 2)
		return CLARO_OK;
	order = malloc(ix->n * sizeof(*order));
	if (!order)
		return nomem(err);
	for (size_t i = 0; i < ix->n; i++)
		order[i] = ix->v[i].name;
	qsort_r(order, ix->n, sizeof(*order), compare_names, ix->arena);
	for (size_t k = 0; k < ix->n; k++) {
		size_t at = position_of(ix, order[k]);

		if (ix->v[at].name != order[k]) { /* the invariant above broke: never misplace */
			free(order);
			return error_set(err, CLARO_ERR_INTERNAL, "tar index: entry names out of order");
		}
		order[k] = (uint32_t)at;
	}
	/* Position k takes the record order[k]; a settled position has
	 * order[k] == k. */
	for (size_t k = 0; k < ix->n; k++) {
		struct tarindex_entry held;
		size_t j = k;

		if (order[k] == k)
			continue;
		held = ix->v[k];
		for (;;) {
			size_t from = order[j];

			order[j] = (uint32_t)j;
			if (from == k) {
				ix->v[j] = held;
				break;
			}
			ix->v[j] = ix->v[from];
			j = from;
		}
	}
	free(order);
	return CLARO_OK;
}

/* One header (and its extended headers); *next is where the next one starts,
 * *end is set at the end of the archive. */
static enum claro_status step(struct builder *b, uint64_t off, uint64_t *next, int *end, struct error *err)
{
	unsigned char h[BLOCK];
	uint64_t data_off = off + BLOCK, size, stored;
	int64_t num;
	size_t got;
	char type;
	char *payload;
	enum claro_status st;

	memset(h, 0, sizeof(h));
	if ((st = read_at(b, h, BLOCK, off, &got, err)) != CLARO_OK)
		return st;
	if (all_zero(h)) {
		/* End of file or the end-of-archive marker (a short zero tail too). */
		*end = 1;
		return CLARO_OK;
	}
	if (got < BLOCK)
		return truncated(err, off, BLOCK, got);
	if (!checksum_ok(h))
		return malformed(err, off, "the header checksum does not match");
	if (parse_number(h + H_SIZE, 12, &num) != 0 || num < 0)
		return malformed(err, off, "the size field is not a valid number");
	type = (char)h[H_TYPE];
	size = (uint64_t)num;
	if (type == 'S' && (st = skip_sparse_ext(b, h, &data_off, err)) != CLARO_OK)
		return st;
	if (b->pend.have_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
		size = b->pend.size;
	stored = header_only(type) ? 0 : size;
	if (data_off > b->file_size || stored > b->file_size - data_off)
		return truncated(err, off, data_off - off + stored, b->file_size - off);
	*next = data_off + stored;
	if (stored % BLOCK)
		*next += BLOCK - stored % BLOCK;
	if (*next > b->file_size)
		*next = b->file_size; /* the last block's padding is missing: tolerate */

	switch (type) {
	case 'x':
	case 'L':
	case 'K':
		if ((st = read_payload(b, data_off, size, off, &payload, err)) != CLARO_OK)
			return st;
		if (type == 'x') {
			st = parse_pax(b, payload, (size_t)size, off, err);
			free(payload);
			return st;
		}
		free(type == 'L' ? b->pend.long_name : b->pend.long_link);
		*(type == 'L' ? &b->pend.long_name : &b->pend.long_link) = payload;
		return CLARO_OK;
	case 'g': /* pax global header: nothing in it changes the index */
	case 'V': /* GNU volume label */
	case 'N': /* old GNU long names (never produced since 1.12) */
		pending_clear(&b->pend);
		return CLARO_OK;
	default:
		st = add_from_header(b, h, data_off, size, err);
		pending_clear(&b->pend);
		return st;
	}
}

static void builder_free(struct builder *b)
{
	pending_clear(&b->pend);
	free(b->slots);
	buf_free(&b->path);
	buf_free(&b->link);
}

enum claro_status tarindex_build(int fd, struct tarindex **out, struct error *err)
{
	struct builder b = {0};
	struct tarindex_entry root = {0};
	struct stat sb;
	uint64_t off = 0, next = 0;
	int end = 0;
	enum claro_status st;

	*out = NULL;
	if (fstat(fd, &sb) != 0) {
		error_set(err, CLARO_ERR_IO, "could not read the layer's tar file");
		error_detail(err, "%s.", strerror(errno));
		return CLARO_ERR_IO;
	}
	b.fd = fd;
	b.file_size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	b.path = (struct buf)BUF_INIT(0);
	b.link = (struct buf)BUF_INIT(0);
	b.ix = calloc(1, sizeof(*b.ix));
	if (!b.ix)
		return nomem(err);
	root.type = CLARO_FILE_DIRECTORY;
	root.mode = 0755;
	root.link = TARINDEX_NONE;
	root.flags = TARINDEX_IMPLIED;
	if (arena_add(b.ix, "", 0, &root.name) != CLARO_OK || add_entry(&b, &root) != CLARO_OK) {
		st = nomem(err);
		goto fail;
	}
	while (!end) {
		st = step(&b, off, &next, &end, err);
		if (st != CLARO_OK)
			goto fail;
		off = next;
	}
	if ((st = add_implied_dirs(&b, err)) != CLARO_OK)
		goto fail;
	/* No more lookups by name: the hash goes before the sort takes room. */
	free(b.slots);
	b.slots = NULL;
	b.nslots = 0;
	if ((st = sort_entries(b.ix, err)) != CLARO_OK)
		goto fail;
	builder_free(&b);
	*out = b.ix;
	return CLARO_OK;
fail:
	builder_free(&b);
	tarindex_free(b.ix);
	return st;
}

void tarindex_free(struct tarindex *ix)
{
	if (!ix)
		return;
	free(ix->v);
	free(ix->arena);
	free(ix);
}

size_t tarindex_count(const struct tarindex *ix)
{
	return ix->n;
}

const struct tarindex_entry *tarindex_at(const struct tarindex *ix, size_t i)
{
	return i < ix->n ? &ix->v[i] : NULL;
}

const char *tarindex_name(const struct tarindex *ix, const struct tarindex_entry *e)
{
	return ix->arena + e->name;
}

const char *tarindex_link(const struct tarindex *ix, const struct tarindex_entry *e)
{
	return e->link == TARINDEX_NONE ? NULL : ix->arena + e->link;
}

size_t tarindex_whiteouts(const struct tarindex *ix)
{
	return ix->whiteouts;
}

/* Bytewise comparison of a NUL-terminated name with key[0..keylen). */
static int compare_key(const char *name, const char *key, size_t keylen)
{
	for (size_t i = 0; i < keylen; i++) {
		unsigned char a = (unsigned char)name[i], c = (unsigned char)key[i];
		if (a != c)
			return a < c ? -1 : 1;
	}
	return name[keylen] != '\0';
}

size_t tarindex_lower_bound(const struct tarindex *ix, const char *key, size_t keylen)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_key(ix->arena + ix->v[mid].name, key, keylen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct tarindex_entry *tarindex_find(const struct tarindex *ix, const char *path)
{
	size_t len = strlen(path), i = tarindex_lower_bound(ix, path, len);

	if (i < ix->n && compare_key(ix->arena + ix->v[i].name, path, len) == 0)
		return &ix->v[i];
	return NULL;
}
