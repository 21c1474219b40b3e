/* The advisory store's write path (see store_advisory.h): records streamed
 * into a temporary staging table as they come, then, in one transaction per
 * operation, moved into the write-once tables and linked with set-based
 * statements.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sinks.h"
#include "store_advisory.h"
#include "store_artifacts.h" /* store_norm_version_encode */
#include "store_impl.h"
#include "strutil.h"

#define S(v)            ((v) ? (v) : "")
#define HASH_KIND       "sha256"
#define HASH_LEN        32
#define MAX_TAGS        64
#define VULN_STAGE_COLS 31
/* Rows per staging batch (one short transaction of the connection's own, on
 * its temporary tables only): few enough commits not to cost, short enough
 * that no transaction lasts as long as the feed. Memory does not depend on
 * it: rows go to the database as they come. */
#define STAGE_BATCH_ROWS 4096

/* ---- Names ------------------------------------------------------------------ */

const char *store_update_kind_name(enum store_update_kind kind)
{
	return kind == STORE_KIND_ENRICHMENT ? "enrichment" : "vulnerability";
}

enum claro_status store_new_ref(char out[STORE_REF_LEN + 1], struct error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t o = 0;

	if (RAND_bytes(b, sizeof(b)) != 1) {
		error_set(err, CLARO_ERR_INTERNAL, "could not create an update operation reference");
		error_detail(err, "The random number generator (OpenSSL RAND_bytes) failed.");
		return CLARO_ERR_INTERNAL;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
	return CLARO_OK;
}

/* ---- UTF-8 ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static int utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
}

/* A copy of s with every byte that starts no valid sequence turned into '?'. */
static char *utf8_repaired(const char *s)
{
	char *out = str_dup(s);

	if (!out)
		return NULL;
	for (unsigned char *p = (unsigned char *)out; *p;) {
		size_t n = utf8_seq(p);
		if (n == 0) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
	return out;
}

/* ---- Hashing ------------------------------------------------------------------ */

/* Each value goes in length-prefixed, so no two different rows hash alike
 * by shifting bytes between neighbouring fields. */
static void hash_bytes(EVP_MD_CTX *md, const void *data, size_t len)
{
	unsigned char n[8];

	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	EVP_DigestUpdate(md, n, sizeof(n));
	if (len)
		EVP_DigestUpdate(md, data, len);
}

static void hash_str(EVP_MD_CTX *md, const char *s)
{
	hash_bytes(md, s ? s : "", s ? strlen(s) : 0);
}

static enum claro_status hash_fail(struct error *err)
{
	error_set(err, CLARO_ERR_INTERNAL, "could not hash an advisory record");
	error_detail(err, "OpenSSL's SHA-256 digest failed.");
	return CLARO_ERR_INTERNAL;
}

/* ---- The writer ---------------------------------------------------------------- */

struct store_update_writer {
	struct store *s;
	enum store_update_kind kind;
	int delta;
	char *updater;
	char *fingerprint;
	int64_t date;
	int64_t prev_op; /* delta: the latest operation before this one, 0 if none */
	/* No transaction was open at begin: rows are staged in batches of their
	 * own (batch_open, batch_rows) and the operation's transaction is only
	 * opened by commit. Else everything happens inside a savepoint of the
	 * caller's transaction, opened by begin. */
	int outside;
	int staged; /* the staging tables are prepared (outside: on first use) */
	int batch_open;
	size_t batch_rows;
	struct store_copy copy;
	struct store_strings deletes;
	size_t added;
	size_t skipped;
	EVP_MD_CTX *md;
	/* The multiset of the records' hashes: their sum mod 2^256 and count. */
	unsigned char sum[HASH_LEN];
	uint64_t count;
};

#define DIGEST_LEN (HASH_LEN + 8)

/* Add a record's hash to the writer's sum (little-endian, mod 2^256). An
 * order-independent digest of the batch; a collision could only make the
 * store keep the previous snapshot for an identical-looking one, which the
 * feed's author could as well have sent. */
static void digest_add(struct store_update_writer *w, const unsigned char hash[HASH_LEN])
{
	unsigned carry = 0;

	for (int i = 0; i < HASH_LEN; i++) {
		unsigned v = (unsigned)w->sum[i] + hash[i] + carry;
		w->sum[i] = (unsigned char)v;
		carry = v >> 8;
	}
	w->count++;
}

static void digest_of(const struct store_update_writer *w, unsigned char out[DIGEST_LEN])
{
	memcpy(out, w->sum, HASH_LEN);
	for (int i = 0; i < 8; i++)
		out[HASH_LEN + i] = (unsigned char)(w->count >> (56 - 8 * i));
}

#define VULN_COLS                                                                                         \
	"hash_kind, hash, updater, name, description, issued, links, severity, normalized_severity, "     \
	"package_name, package_version, package_module, package_arch, package_kind, dist_id, dist_name, " \
	"dist_version, dist_version_code_name, dist_version_id, dist_arch, dist_cpe, dist_pretty_name, "  \
	"repo_name, repo_key, repo_uri, fixed_in_version, arch_operation, version_kind, range_lower, "    \
	"range_upper, "                                                                                   \
	"not_vulnerable"

static const struct store_sql sql_vuln_stage_create = {
    "CREATE TEMP TABLE IF NOT EXISTS claro_vuln_stage (hash_kind TEXT, hash BLOB, updater TEXT, name TEXT, "
    "description TEXT, issued INTEGER, links TEXT, severity TEXT, normalized_severity TEXT, package_name "
    "TEXT, "
    "package_version TEXT, package_module TEXT, package_arch TEXT, package_kind TEXT, dist_id TEXT, "
    "dist_name TEXT, dist_version TEXT, dist_version_code_name TEXT, dist_version_id TEXT, dist_arch TEXT, "
    "dist_cpe TEXT, dist_pretty_name TEXT, repo_name TEXT, repo_key TEXT, repo_uri TEXT, "
    "fixed_in_version TEXT, arch_operation TEXT, version_kind TEXT, range_lower BLOB, range_upper BLOB, "
    "not_vulnerable INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS claro_vuln_stage (hash_kind TEXT, hash BYTEA, updater TEXT, name TEXT, "
    "description TEXT, issued BIGINT, links TEXT, severity TEXT, normalized_severity TEXT, package_name "
    "TEXT, "
    "package_version TEXT, package_module TEXT, package_arch TEXT, package_kind TEXT, dist_id TEXT, "
    "dist_name TEXT, dist_version TEXT, dist_version_code_name TEXT, dist_version_id TEXT, dist_arch TEXT, "
    "dist_cpe TEXT, dist_pretty_name TEXT, repo_name TEXT, repo_key TEXT, repo_uri TEXT, "
    "fixed_in_version TEXT, arch_operation TEXT, version_kind TEXT, range_lower BYTEA, range_upper BYTEA, "
    "not_vulnerable INTEGER)",
    STORE_SQL_NOCACHE};
/* TRUNCATE returns a temporary table's pages at once (autovacuum never
 * visits temporary tables); SQLite's unqualified DELETE truncates too. */
static const struct store_sql sql_vuln_stage_clear =
    STORE_SQL2("DELETE FROM claro_vuln_stage", "TRUNCATE claro_vuln_stage");
/* After an operation: SQLite gives the stage's pages back at once;
 * PostgreSQL leaves it to the next operation's TRUNCATE (one is enough). */
static const struct store_sql sql_vuln_stage_done = STORE_SQL2("DELETE FROM claro_vuln_stage", "SELECT 1");
static const struct store_sql sql_enrich_stage_done =
    STORE_SQL2("DELETE FROM claro_enrich_stage", "SELECT 1");
/* A staging batch on SQLite: a deferred transaction that only ever writes
 * the connection's temporary database, so it takes no lock on the main one
 * and other connections write on meanwhile (BEGIN IMMEDIATE, what
 * store_begin() issues, would lock the main database). PostgreSQL needs
 * none: each batch's COPY is a transaction of its own. */
static const struct store_sql sql_batch_begin = {"BEGIN", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_batch_commit = {"COMMIT", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_batch_rollback = {"ROLLBACK", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_vuln_stage_insert = STORE_SQL(
    "INSERT INTO claro_vuln_stage (" VULN_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "
    "$30, $31)");
static const char vuln_stage_copy[] = "COPY claro_vuln_stage (" VULN_COLS ") FROM STDIN";
/* PostgreSQL plans the moves below better with statistics on the stage. */
static const struct store_sql sql_vuln_stage_analyze = {"SELECT 1", "ANALYZE claro_vuln_stage",
							STORE_SQL_NOCACHE};
static const struct store_sql sql_vuln_move = STORE_SQL(
    "INSERT INTO vuln (" VULN_COLS ") SELECT hash_kind, hash, updater, name, description, issued, "
    "links, severity, normalized_severity, package_name, package_version, package_module, "
    "package_arch, package_kind, dist_id, dist_name, dist_version, dist_version_code_name, "
    "dist_version_id, dist_arch, dist_cpe, dist_pretty_name, repo_name, repo_key, repo_uri, "
    "fixed_in_version, arch_operation, version_kind, range_lower, range_upper, (not_vulnerable <> 0) "
    "FROM claro_vuln_stage WHERE true ON CONFLICT (hash_kind, hash) DO NOTHING");
/* SQLite: a correlated lookup per staged row, an index-driven plan whatever
 * its planner thinks of a fresh temporary table. */
static const struct store_sql sql_vuln_link =
    STORE_SQL2("INSERT INTO uo_vuln (uo, vuln) SELECT CAST($1 AS BIGINT), (SELECT v.id FROM vuln v WHERE "
	       "v.hash_kind = s.hash_kind AND v.hash = s.hash) FROM claro_vuln_stage s WHERE true "
	       "ON CONFLICT DO NOTHING",
	       /* PostgreSQL hash-joins the analysed stage with vuln */
	       "INSERT INTO uo_vuln (uo, vuln) SELECT CAST($1 AS BIGINT), v.id FROM claro_vuln_stage s "
	       "JOIN vuln v ON v.hash_kind = s.hash_kind AND v.hash = s.hash ON CONFLICT DO NOTHING");

static const struct store_sql sql_name_stage_create = {
    "CREATE TEMP TABLE IF NOT EXISTS claro_name_stage (name TEXT)", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_name_stage_clear =
    STORE_SQL2("DELETE FROM claro_name_stage", "TRUNCATE claro_name_stage");
static const struct store_sql sql_name_stage_insert =
    STORE_SQL("INSERT INTO claro_name_stage (name) VALUES ($1)");
/* Clair's delta rule: carry the previous snapshot's rows except those whose
 * vulnerability name was re-sent or deleted. */
static const struct store_sql sql_delta_carry =
    STORE_SQL("INSERT INTO uo_vuln (uo, vuln) SELECT CAST($1 AS BIGINT), u.vuln FROM uo_vuln u "
	      "JOIN vuln v ON v.id = u.vuln WHERE u.uo = $2 "
	      "AND NOT EXISTS (SELECT 1 FROM claro_vuln_stage s WHERE s.name = v.name) "
	      "AND NOT EXISTS (SELECT 1 FROM claro_name_stage d WHERE d.name = v.name) "
	      "ON CONFLICT DO NOTHING");

static const struct store_sql sql_enrich_stage_create = {
    "CREATE TEMP TABLE IF NOT EXISTS claro_enrich_stage (hash_kind TEXT, hash BLOB, updater TEXT, tags TEXT, "
    "data TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS claro_enrich_stage (hash_kind TEXT, hash BYTEA, updater TEXT, tags "
    "TEXT, "
    "data TEXT)",
    STORE_SQL_NOCACHE};
static const struct store_sql sql_enrich_stage_clear =
    STORE_SQL2("DELETE FROM claro_enrich_stage", "TRUNCATE claro_enrich_stage");
static const struct store_sql sql_enrich_stage_insert = STORE_SQL(
    "INSERT INTO claro_enrich_stage (hash_kind, hash, updater, tags, data) VALUES ($1, $2, $3, $4, $5)");
static const char enrich_stage_copy[] =
    "COPY claro_enrich_stage (hash_kind, hash, updater, tags, data) FROM STDIN";
static const struct store_sql sql_enrich_stage_analyze = {"SELECT 1", "ANALYZE claro_enrich_stage",
							  STORE_SQL_NOCACHE};
static const struct store_sql sql_enrich_move = STORE_SQL2(
    "INSERT INTO enrichment (hash_kind, hash, updater, data) SELECT hash_kind, hash, updater, data "
    "FROM claro_enrich_stage WHERE true ON CONFLICT (hash_kind, hash) DO NOTHING",
    "INSERT INTO enrichment (hash_kind, hash, updater, data) SELECT hash_kind, hash, updater, "
    "data::jsonb FROM claro_enrich_stage WHERE true ON CONFLICT (hash_kind, hash) DO NOTHING");
static const struct store_sql sql_enrich_tags =
    STORE_SQL2("INSERT INTO enrichment_tag (enrichment_id, tag) SELECT (SELECT e.id FROM enrichment e WHERE "
	       "e.hash_kind = s.hash_kind AND e.hash = s.hash), t.value FROM claro_enrich_stage s, "
	       "json_each(s.tags) t WHERE true ON CONFLICT DO NOTHING",
	       "INSERT INTO enrichment_tag (enrichment_id, tag) SELECT (SELECT e.id FROM enrichment e WHERE "
	       "e.hash_kind = s.hash_kind AND e.hash = s.hash), t.value FROM claro_enrich_stage s, "
	       "jsonb_array_elements_text(s.tags::jsonb) AS t(value) WHERE true ON CONFLICT DO NOTHING");
static const struct store_sql sql_enrich_link =
    STORE_SQL("INSERT INTO uo_enrich (uo, enrich, updater, fingerprint, date) SELECT CAST($1 AS BIGINT), "
	      "(SELECT e.id FROM enrichment e WHERE e.hash_kind = s.hash_kind AND e.hash = s.hash), "
	      "CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT) FROM claro_enrich_stage s WHERE true "
	      "ON CONFLICT DO NOTHING");

static const struct store_sql sql_op_insert =
    STORE_SQL("INSERT INTO update_operation (ref, updater, fingerprint, date, kind, digest) "
	      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static const struct store_sql sql_op_previous = STORE_SQL(
    "SELECT id, digest FROM update_operation WHERE updater = $1 AND kind = $2 ORDER BY id DESC LIMIT 1");
static const struct store_sql sql_vuln_links_copy =
    STORE_SQL("INSERT INTO uo_vuln (uo, vuln) SELECT CAST($1 AS BIGINT), vuln FROM uo_vuln WHERE uo = $2");
static const struct store_sql sql_enrich_links_copy =
    STORE_SQL("INSERT INTO uo_enrich (uo, enrich, updater, fingerprint, date) SELECT CAST($1 AS BIGINT), "
	      "enrich, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT) FROM uo_enrich WHERE uo = $2");
static const struct store_sql sql_op_latest_id =
    STORE_SQL("SELECT max(id) FROM update_operation WHERE updater = $1 AND kind = $2");
static const struct store_sql sql_count_vuln_links = STORE_SQL("SELECT count(*) FROM uo_vuln WHERE uo = $1");
static const struct store_sql sql_count_enrich_links =
    STORE_SQL("SELECT count(*) FROM uo_enrich WHERE uo = $1");

static void writer_free(struct store_update_writer *w)
{
	if (!w)
		return;
	free(w->updater);
	free(w->fingerprint);
	store_strings_free(&w->deletes);
	EVP_MD_CTX_free(w->md);
	free(w);
}

static enum claro_status bad_params(struct error *err, const char *detail)
{
	error_set(err, CLARO_ERR_INVALID, "could not store an update operation");
	error_detail(err, "%s", detail);
	error_hint(err, "This is a bug in the caller.");
	return CLARO_ERR_INVALID;
}

/* The staging tables of this connection, created on first use and emptied. */
static enum claro_status prepare_stage(struct store_update_writer *w, struct error *err)
{
	const char *what = "prepare the staging table";
	struct store *s = w->s;
	enum claro_status rc;

	if (w->kind == STORE_KIND_ENRICHMENT) {
		rc = store_query(s, what, &sql_enrich_stage_create, NULL, 0, NULL, err);
		if (rc == CLARO_OK)
			rc = store_query(s, what, &sql_enrich_stage_clear, NULL, 0, NULL, err);
		return rc;
	}
	rc = store_query(s, what, &sql_vuln_stage_create, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		rc = store_query(s, what, &sql_vuln_stage_clear, NULL, 0, NULL, err);
	if (rc == CLARO_OK && w->delta)
		rc = store_query(s, what, &sql_name_stage_create, NULL, 0, NULL, err);
	if (rc == CLARO_OK && w->delta)
		rc = store_query(s, what, &sql_name_stage_clear, NULL, 0, NULL, err);
	return rc;
}

/* The bulk load into this writer's staging table. */
static enum claro_status copy_begin(struct store_update_writer *w, struct error *err)
{
	if (w->kind == STORE_KIND_ENRICHMENT)
		return store_copy_begin(w->s, &w->copy, "stage enrichments", &sql_enrich_stage_insert,
					enrich_stage_copy, err);
	return store_copy_begin(w->s, &w->copy, "stage vulnerabilities", &sql_vuln_stage_insert,
				vuln_stage_copy, err);
}

enum claro_status store_update_begin(struct store *s, const struct store_update_params *p,
				     struct store_update_writer **out, struct error *err)
{
	struct store_update_writer *w;
	enum claro_status rc;

	*out = NULL;
	if (!p || !p->updater || !*p->updater)
		return bad_params(err, "The operation names no updater.");
	if (p->delta && p->kind != STORE_KIND_VULNERABILITY)
		return bad_params(err, "Only vulnerability operations can be deltas.");
	if (!utf8_valid(p->updater) || (p->fingerprint && !utf8_valid(p->fingerprint)))
		return bad_params(err, "The updater name or the fingerprint is not valid UTF-8.");
	w = calloc(1, sizeof(*w));
	if (!w)
		return store_error_nomem(err, "store an update operation");
	w->s = s;
	w->kind = p->kind;
	w->delta = p->delta;
	w->date = p->date; /* 0: the time of the commit */
	w->updater = str_dup(p->updater);
	w->fingerprint = str_dup(S(p->fingerprint));
	w->md = EVP_MD_CTX_new();
	if (!w->updater || !w->fingerprint || !w->md) {
		writer_free(w);
		return store_error_nomem(err, "store an update operation");
	}
	w->outside = store_tx_depth(s) == 0;
	rc = w->outside ? CLARO_OK : store_begin(s, err);
	if (rc != CLARO_OK) {
		writer_free(w);
		return rc;
	}
	/* Outside, the stage is prepared by the first row or the commit: an
	 * updater that finds its feed unchanged costs no statement. */
	if (!w->outside) {
		rc = prepare_stage(w, err);
		if (rc == CLARO_OK)
			rc = copy_begin(w, err);
		if (rc != CLARO_OK) {
			store_finish(s, rc, err);
			writer_free(w);
			return rc;
		}
		w->staged = 1;
	}
	*out = w;
	return CLARO_OK;
}

enum claro_status store_update_set_fingerprint(struct store_update_writer *w, const char *fingerprint,
					       struct error *err)
{
	char *copy;

	if (!w)
		return bad_params(err, "No writer was given.");
	if (fingerprint && !utf8_valid(fingerprint))
		return bad_params(err, "The fingerprint is not valid UTF-8.");
	if (!(copy = str_dup(S(fingerprint))))
		return store_error_nomem(err, "store an update operation");
	free(w->fingerprint);
	w->fingerprint = copy;
	return CLARO_OK;
}

/* Open a staging batch (outside) and its bulk load. */
static enum claro_status batch_begin(struct store_update_writer *w, struct error *err)
{
	int sqlite = w->s->backend == STORE_SQLITE;
	enum claro_status rc = CLARO_OK;

	if (!w->staged && (rc = prepare_stage(w, err)) != CLARO_OK)
		return rc;
	w->staged = 1;
	if (sqlite)
		rc = store_query(w->s, "begin a staging batch", &sql_batch_begin, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		rc = copy_begin(w, err);
	if (rc != CLARO_OK && sqlite) {
		struct error ignored = ERROR_INIT;

		store_query(w->s, "roll back a staging batch", &sql_batch_rollback, NULL, 0, NULL, &ignored);
		error_clear(&ignored);
	}
	w->batch_open = rc == CLARO_OK;
	w->batch_rows = 0;
	return rc;
}

/* Close the open batch: keep its rows (ok) or drop them. */
static enum claro_status batch_end(struct store_update_writer *w, int ok, struct error *err)
{
	int sqlite = w->s->backend == STORE_SQLITE;
	enum claro_status rc = store_copy_end(&w->copy, ok, err);

	w->batch_open = 0;
	if (!sqlite)
		return ok ? rc : CLARO_OK;
	if (ok && rc == CLARO_OK)
		rc = store_query(w->s, "commit a staging batch", &sql_batch_commit, NULL, 0, NULL, err);
	if (!ok || rc != CLARO_OK) {
		struct error ignored = ERROR_INIT;

		store_query(w->s, "roll back a staging batch", &sql_batch_rollback, NULL, 0, NULL, &ignored);
		error_clear(&ignored);
	}
	return ok ? rc : CLARO_OK;
}

/* One row into the stage, in a batch when outside. */
static enum claro_status stage_row(struct store_update_writer *w, const struct store_param *p, size_t n,
				   struct error *err)
{
	enum claro_status rc = CLARO_OK;

	if (w->outside && !w->batch_open)
		rc = batch_begin(w, err);
	if (rc == CLARO_OK)
		rc = store_copy_row(&w->copy, p, n, err);
	if (rc == CLARO_OK && w->outside && ++w->batch_rows >= STAGE_BATCH_ROWS)
		rc = batch_end(w, 1, err);
	return rc;
}

/* Outside, after a failure: the staged rows were committed batch by batch,
 * so empty the stage now rather than at the next operation. */
static void drop_stage(struct store_update_writer *w)
{
	struct error ignored = ERROR_INIT;

	if (!w->staged)
		return;
	if (w->batch_open)
		batch_end(w, 0, &ignored);
	store_query(w->s, "empty the staging table",
		    w->kind == STORE_KIND_ENRICHMENT ? &sql_enrich_stage_clear : &sql_vuln_stage_clear, NULL,
		    0, NULL, &ignored);
	error_clear(&ignored);
}

/* The strings of one staged row, repaired where not valid UTF-8. */
struct row_text {
	const char *v[VULN_STAGE_COLS];
	char *owned[VULN_STAGE_COLS];
	size_t n_owned;
};

static enum claro_status clean(struct row_text *t, int col, const char *value)
{
	value = S(value);
	if (utf8_valid(value)) {
		t->v[col] = value;
		return CLARO_OK;
	}
	if (!(t->owned[t->n_owned] = utf8_repaired(value)))
		return CLARO_ERR_NOMEM;
	t->v[col] = t->owned[t->n_owned++];
	return CLARO_OK;
}

static void row_text_free(struct row_text *t)
{
	for (size_t i = 0; i < t->n_owned; i++)
		free(t->owned[i]);
}

/* Column indexes of the staged vulnerability row. */
enum {
	C_HASH_KIND,
	C_HASH,
	C_UPDATER,
	C_NAME,
	C_DESCRIPTION,
	C_ISSUED,
	C_LINKS,
	C_SEVERITY,
	C_NORM_SEVERITY,
	C_PKG_NAME,
	C_PKG_VERSION,
	C_PKG_MODULE,
	C_PKG_ARCH,
	C_PKG_KIND,
	C_DIST_ID,
	C_DIST_NAME,
	C_DIST_VERSION,
	C_DIST_CODE_NAME,
	C_DIST_VERSION_ID,
	C_DIST_ARCH,
	C_DIST_CPE,
	C_DIST_PRETTY,
	C_REPO_NAME,
	C_REPO_KEY,
	C_REPO_URI,
	C_FIXED,
	C_ARCH_OP,
	C_VERSION_KIND,
	C_RANGE_LOWER,
	C_RANGE_UPPER,
	C_NOT_VULNERABLE
};

static enum claro_status vuln_texts(const struct store_update_writer *w, const struct claro_vulnerability *v,
				    struct row_text *t)
{
	static const struct claro_package no_pkg = {0};
	static const struct claro_distribution no_dist = {0};
	static const struct claro_repository no_repo = {0};
	const struct claro_package *p = v->package ? v->package : &no_pkg;
	const struct claro_distribution *d = v->distribution ? v->distribution : &no_dist;
	const struct claro_repository *r = v->repository ? v->repository : &no_repo;
	const char *kind =
	    v->range_lower.kind && *v->range_lower.kind ? v->range_lower.kind : S(v->range_upper.kind);
	struct {
		int col;
		const char *value;
	} fields[] = {
	    {C_UPDATER, w->updater},
	    {C_NAME, v->name},
	    {C_DESCRIPTION, v->description},
	    {C_LINKS, v->links},
	    {C_SEVERITY, v->severity},
	    {C_NORM_SEVERITY, store_severity_name(v->normalized_severity)},
	    {C_PKG_NAME, p->name},
	    {C_PKG_VERSION, p->version},
	    {C_PKG_MODULE, p->module},
	    {C_PKG_ARCH, p->arch},
	    {C_PKG_KIND, p->kind},
	    {C_DIST_ID, d->did},
	    {C_DIST_NAME, d->name},
	    {C_DIST_VERSION, d->version},
	    {C_DIST_CODE_NAME, d->version_code_name},
	    {C_DIST_VERSION_ID, d->version_id},
	    {C_DIST_ARCH, d->arch},
	    {C_DIST_CPE, d->cpe},
	    {C_DIST_PRETTY, d->pretty_name},
	    {C_REPO_NAME, r->name},
	    {C_REPO_KEY, r->key},
	    {C_REPO_URI, r->uri},
	    {C_FIXED, v->fixed_in_version},
	    {C_ARCH_OP, store_arch_op_name(v->arch_op)},
	    {C_VERSION_KIND, kind},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (clean(t, fields[i].col, fields[i].value) != CLARO_OK)
			return CLARO_ERR_NOMEM;
	return CLARO_OK;
}

enum claro_status store_update_add_vulnerability(struct store_update_writer *w,
						 const struct claro_vulnerability *v, struct error *err)
{
	struct row_text t;
	struct store_param p[VULN_STAGE_COLS];
	unsigned char lower[STORE_NORM_VERSION_BYTES], upper[STORE_NORM_VERSION_BYTES], hash[HASH_LEN];
	char issued[24];
	int has_lower, has_upper, has_range;
	unsigned hash_len = 0;
	enum claro_status rc;

	if (!w || !v)
		return bad_params(err, "No writer or no vulnerability was given.");
	if (w->kind != STORE_KIND_VULNERABILITY)
		return bad_params(err, "A vulnerability was added to an enrichment operation.");
	if (!v->package || !v->package->name || !*v->package->name) {
		w->skipped++; /* Clair skips them too: nothing could ever match */
		return CLARO_OK;
	}
	memset(&t, 0, sizeof(t));
	if (vuln_texts(w, v, &t) != CLARO_OK) {
		row_text_free(&t);
		return store_error_nomem(err, "stage vulnerabilities");
	}
	has_lower = v->range_lower.kind && *v->range_lower.kind;
	has_upper = v->range_upper.kind && *v->range_upper.kind;
	has_range = has_lower || has_upper;
	if (has_lower)
		store_norm_version_encode(&v->range_lower, lower);
	if (has_upper)
		store_norm_version_encode(&v->range_upper, upper);
	issued[0] = '\0';
	if (v->issued != INT64_MIN)
		snprintf(issued, sizeof(issued), "%" PRId64, v->issued);

	/* The hash covers exactly what the row stores. */
	if (EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
		row_text_free(&t);
		return hash_fail(err);
	}
	for (int col = C_UPDATER; col <= C_VERSION_KIND; col++) {
		if (col == C_ISSUED)
			hash_str(w->md, issued);
		else
			hash_str(w->md, t.v[col]);
	}
	hash_bytes(w->md, has_lower ? lower : NULL, has_lower ? sizeof(lower) : 0);
	hash_bytes(w->md, has_upper ? upper : NULL, has_upper ? sizeof(upper) : 0);
	hash_str(w->md, "0"); /* not_vulnerable: the SDK has no "not affected" yet */
	if (EVP_DigestFinal_ex(w->md, hash, &hash_len) != 1 || hash_len != HASH_LEN) {
		row_text_free(&t);
		return hash_fail(err);
	}

	for (int col = 0; col < VULN_STAGE_COLS; col++)
		p[col] = SP_TEXT(t.v[col]);
	p[C_HASH_KIND] = SP_TEXT(HASH_KIND);
	p[C_HASH] = SP_BLOB(hash, HASH_LEN);
	p[C_ISSUED] = v->issued == INT64_MIN ? SP_NULL : SP_INT(v->issued);
	p[C_RANGE_LOWER] = has_lower ? SP_BLOB(lower, sizeof(lower)) : SP_NULL;
	p[C_RANGE_UPPER] = has_upper ? SP_BLOB(upper, sizeof(upper)) : SP_NULL;
	if (!has_range)
		p[C_VERSION_KIND] = SP_TEXT("");
	p[C_NOT_VULNERABLE] = SP_INT(0);
	rc = stage_row(w, p, VULN_STAGE_COLS, err);
	row_text_free(&t);
	if (rc == CLARO_OK) {
		w->added++;
		digest_add(w, hash);
	}
	return rc;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum claro_status store_update_add_enrichment(struct store_update_writer *w, const char *const *tags,
					      const char *json, struct error *err)
{
	unsigned char hash[HASH_LEN];
	unsigned hash_len = 0;
	json_t *arr = NULL, *doc = NULL;
	char *tags_json = NULL;
	size_t n = 0;
	json_error_t jerr;
	enum claro_status rc;

	if (!w || !json)
		return bad_params(err, "No writer or no enrichment JSON was given.");
	if (w->kind != STORE_KIND_ENRICHMENT)
		return bad_params(err, "An enrichment was added to a vulnerability operation.");
	while (tags && tags[n] && n <= MAX_TAGS)
		n++;
	if (n == 0 || n > MAX_TAGS) {
		error_set(err, CLARO_ERR_INVALID, "could not store an enrichment");
		error_detail(err, "An enrichment needs 1 to %d tags.", MAX_TAGS);
		return CLARO_ERR_INVALID;
	}
	/* PostgreSQL would refuse what is not JSON (jsonb); SQLite's CHECK would
	 * too; refuse it here alike, with one message for both. */
	doc = json_loads(json, JSON_DECODE_ANY, &jerr);
	if (!doc || (!json_is_object(doc) && !json_is_array(doc)) || !utf8_valid(json)) {
		json_decref(doc);
		error_set(err, CLARO_ERR_INVALID, "could not store an enrichment");
		error_detail(err, "The enrichment is not one JSON object or array%s%s.", doc ? "" : ": ",
			     doc ? "" : jerr.text);
		return CLARO_ERR_INVALID;
	}
	json_decref(doc);
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		if (!utf8_valid(tags[i]) || !*tags[i]) {
			json_decref(arr);
			error_set(err, CLARO_ERR_INVALID, "could not store an enrichment");
			error_detail(err, "A tag is empty or not valid UTF-8.");
			return CLARO_ERR_INVALID;
		}
		if (json_array_append_new(arr, json_string(tags[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr)
		tags_json = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!tags_json)
		return store_error_nomem(err, "stage enrichments");

	/* Tags hash in sorted order: the store keeps them as a set, so an
	 * exported and re-imported enrichment (tags read back sorted) finds its
	 * row again. */
	{
		const char *sorted[MAX_TAGS];

		memcpy(sorted, tags, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), compare_strings);
		if (EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
			free(tags_json);
			return hash_fail(err);
		}
		hash_str(w->md, w->updater);
		for (size_t i = 0; i < n; i++)
			hash_str(w->md, sorted[i]);
		hash_str(w->md, json);
	}
	if (EVP_DigestFinal_ex(w->md, hash, &hash_len) != 1 || hash_len != HASH_LEN) {
		free(tags_json);
		return hash_fail(err);
	}
	{
		struct store_param p[] = {SP_TEXT(HASH_KIND), SP_BLOB(hash, HASH_LEN), SP_TEXT(w->updater),
					  SP_TEXT(tags_json), SP_TEXT(json)};
		rc = stage_row(w, p, 5, err);
	}
	free(tags_json);
	if (rc == CLARO_OK) {
		w->added++;
		digest_add(w, hash);
	}
	return rc;
}

enum claro_status store_update_add_delete(struct store_update_writer *w, const char *name, struct error *err)
{
	if (!w || !name)
		return bad_params(err, "No writer or no name was given.");
	if (!w->delta)
		return bad_params(err, "A delete was added to an operation that is not a delta.");
	return store_strings_add(&w->deletes, name, err);
}

void store_update_abort(struct store_update_writer *w)
{
	struct error ignored = ERROR_INIT;

	if (!w)
		return;
	if (w->outside) {
		drop_stage(w);
	} else {
		store_copy_end(&w->copy, 0, &ignored);
		store_rollback(w->s, &ignored);
	}
	error_clear(&ignored);
	writer_free(w);
}

static enum claro_status count_int(struct store *s, const struct store_sql *sql, int64_t id, size_t *out,
				   struct error *err)
{
	struct store_param p[] = {SP_INT(id)};
	int64_t n = 0;
	enum claro_status rc = store_query_int(s, "count the linked rows", sql, p, 1, &n, NULL, err);

	*out = rc == CLARO_OK && n > 0 ? (size_t)n : 0;
	return rc;
}

static enum claro_status finish_vulnerabilities(struct store_update_writer *w, int64_t op,
						struct store_update_result *res, struct error *err)
{
	struct store *s = w->s;
	struct store_param link[] = {SP_INT(op)};
	enum claro_status rc;

	rc =
	    store_query(s, "analyze the staged vulnerabilities", &sql_vuln_stage_analyze, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		rc = store_query(s, "store vulnerabilities", &sql_vuln_move, NULL, 0, NULL, err);
	if (rc == CLARO_OK) {
		res->new_rows = (size_t)store_changes(s);
		rc = store_query(s, "link vulnerabilities", &sql_vuln_link, link, 1, NULL, err);
	}
	if (rc == CLARO_OK && w->delta && w->prev_op) {
		struct store_param carry[] = {SP_INT(op), SP_INT(w->prev_op)};

		for (size_t i = 0; i < w->deletes.n && rc == CLARO_OK; i++) {
			char *name = utf8_repaired(w->deletes.v[i]);
			struct store_param p[] = {SP_TEXT(name)};

			rc = name ? store_query(s, "stage deleted names", &sql_name_stage_insert, p, 1, NULL,
						err)
				  : store_error_nomem(err, "stage deleted names");
			free(name);
		}
		if (rc == CLARO_OK)
			rc = store_query(s, "carry the previous snapshot forward", &sql_delta_carry, carry, 2,
					 NULL, err);
		if (rc == CLARO_OK)
			res->carried = (size_t)store_changes(s);
	}
	if (rc == CLARO_OK)
		rc = count_int(s, &sql_count_vuln_links, op, &res->records, err);
	if (rc == CLARO_OK)
		rc = store_query(s, "empty the staging table", &sql_vuln_stage_done, NULL, 0, NULL, err);
	return rc;
}

static enum claro_status finish_enrichments(struct store_update_writer *w, int64_t op,
					    struct store_update_result *res, struct error *err)
{
	struct store *s = w->s;
	struct store_param link[] = {SP_INT(op), SP_TEXT(w->updater), SP_TEXT(w->fingerprint),
				     SP_INT(w->date)};
	enum claro_status rc;

	rc = store_query(s, "analyze the staged enrichments", &sql_enrich_stage_analyze, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		rc = store_query(s, "store enrichments", &sql_enrich_move, NULL, 0, NULL, err);
	if (rc == CLARO_OK) {
		res->new_rows = (size_t)store_changes(s);
		rc = store_query(s, "tag enrichments", &sql_enrich_tags, NULL, 0, NULL, err);
	}
	if (rc == CLARO_OK)
		rc = store_query(s, "link enrichments", &sql_enrich_link, link, 4, NULL, err);
	if (rc == CLARO_OK)
		rc = count_int(s, &sql_count_enrich_links, op, &res->records, err);
	if (rc == CLARO_OK)
		rc = store_query(s, "empty the staging table", &sql_enrich_stage_done, NULL, 0, NULL, err);
	return rc;
}

/* *prev: the updater's latest operation of this kind when its digest equals
 * this batch's (the very same records), else 0. */
static enum claro_status same_as_previous(struct store_update_writer *w,
					  const unsigned char digest[DIGEST_LEN], int64_t *prev,
					  struct error *err)
{
	struct store_param p[] = {SP_TEXT(w->updater), SP_TEXT(store_update_kind_name(w->kind))};
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc;

	*prev = 0;
	if (w->delta)
		return CLARO_OK; /* a delta's batch is not its snapshot */
	rc = store_query(w->s, "find the previous update operation", &sql_op_previous, p, 2, &rows, err);
	if (rc == CLARO_OK)
		rc = store_rows_next(rows, &has_row, err);
	if (rc == CLARO_OK && has_row && !store_rows_isnull(rows, 1)) {
		size_t len = 0;
		const void *blob = store_rows_blob(rows, 1, &len);

		if (blob && len == DIGEST_LEN && memcmp(blob, digest, DIGEST_LEN) == 0)
			*prev = store_rows_int(rows, 0);
	}
	store_rows_free(rows);
	return rc;
}

/* The records are the previous operation's: link what it links. */
static enum claro_status copy_links(struct store_update_writer *w, int64_t op, int64_t prev,
				    struct store_update_result *res, struct error *err)
{
	enum claro_status rc;

	res->new_rows = 0;
	if (w->kind == STORE_KIND_ENRICHMENT) {
		struct store_param p[] = {SP_INT(op), SP_INT(prev), SP_TEXT(w->updater),
					  SP_TEXT(w->fingerprint), SP_INT(w->date)};
		rc = store_query(w->s, "link enrichments", &sql_enrich_links_copy, p, 5, NULL, err);
		if (rc == CLARO_OK) {
			res->records = (size_t)store_changes(w->s);
			rc = store_query(w->s, "empty the staging table", &sql_enrich_stage_done, NULL, 0,
					 NULL, err);
		}
	} else {
		struct store_param p[] = {SP_INT(op), SP_INT(prev)};
		rc = store_query(w->s, "link vulnerabilities", &sql_vuln_links_copy, p, 2, NULL, err);
		if (rc == CLARO_OK) {
			res->records = (size_t)store_changes(w->s);
			rc = store_query(w->s, "empty the staging table", &sql_vuln_stage_done, NULL, 0, NULL,
					 err);
		}
	}
	return rc;
}

enum claro_status store_update_commit(struct store_update_writer *w, struct store_update_result *res,
				      struct error *err)
{
	struct store_update_result local;
	unsigned char digest[DIGEST_LEN];
	struct store *s;
	int64_t op = 0, same = 0;
	int began;
	enum claro_status rc;

	if (!w)
		return bad_params(err, "No writer was given.");
	s = w->s;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->skipped = w->skipped;
	digest_of(w, digest);
	if (w->outside) {
		rc = w->batch_open ? batch_end(w, 1, err) : CLARO_OK;
		if (rc == CLARO_OK && !w->staged && (rc = prepare_stage(w, err)) == CLARO_OK)
			w->staged = 1; /* no row came: the moves below read an empty stage */
		if (rc == CLARO_OK)
			rc = store_begin(s, err); /* SQLite: the write lock, from here to the end */
		began = rc == CLARO_OK;
	} else {
		rc = store_copy_end(&w->copy, 1, err);
		began = 1;
	}
	if (!w->date)
		w->date = (int64_t)time(NULL);
	if (rc == CLARO_OK && w->delta) {
		struct store_param q[] = {SP_TEXT(w->updater), SP_TEXT("vulnerability")};
		int64_t id = 0;
		int found = 0;

		rc = store_query_int(s, "find the previous update operation", &sql_op_latest_id, q, 2, &id,
				     &found, err);
		w->prev_op = found ? id : 0;
	}
	if (rc == CLARO_OK)
		rc = same_as_previous(w, digest, &same, err);
	if (rc == CLARO_OK)
		rc = store_new_ref(res->ref, err);
	if (rc == CLARO_OK) {
		struct store_param p[] = {SP_TEXT(res->ref),
					  SP_TEXT(w->updater),
					  SP_TEXT(w->fingerprint),
					  SP_INT(w->date),
					  SP_TEXT(store_update_kind_name(w->kind)),
					  w->delta ? SP_NULL : SP_BLOB(digest, DIGEST_LEN)};
		rc = store_query_int(s, "record the update operation", &sql_op_insert, p, 6, &op, NULL, err);
	}
	if (rc == CLARO_OK && same)
		rc = copy_links(w, op, same, res, err);
	else if (rc == CLARO_OK)
		rc = w->kind == STORE_KIND_ENRICHMENT ? finish_enrichments(w, op, res, err)
						      : finish_vulnerabilities(w, op, res, err);
	if (began)
		rc = store_finish(s, rc, err);
	if (rc == CLARO_OK) {
		res->op_id = op;
	} else {
		memset(res, 0, sizeof(*res));
		if (w->outside)
			drop_stage(w);
	}
	writer_free(w);
	return rc;
}

static enum claro_status stream_vulnerability(void *arg, const struct claro_vulnerability *v,
					      struct error *err)
{
	return store_update_add_vulnerability(arg, v, err);
}

static enum claro_status stream_enrichment(void *arg, const char *const *tags, const char *json,
					   struct error *err)
{
	return store_update_add_enrichment(arg, tags, json, err);
}

struct update_stream store_update_stream(struct store_update_writer *w)
{
	struct update_stream stream = {NULL, NULL, w};

	if (w->kind == STORE_KIND_ENRICHMENT)
		stream.enrichment = stream_enrichment;
	else
		stream.vulnerability = stream_vulnerability;
	return stream;
}
