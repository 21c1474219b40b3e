/* The advisory store's read side (see store_advisory.h): operations, the
 * rows of a snapshot, the matcher's candidate query, enrichment lookups and
 * the per-updater summary.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store_advisory.h"
#include "store_artifacts.h" /* store_norm_version_decode */
#include "store_impl.h"
#include "strutil.h"

#define S(v)      ((v) ? (v) : "")
#define PAGE_ROWS 2000

/* ---- Operations -------------------------------------------------------------- */

#define OP_COLS "id, ref, updater, fingerprint, date, kind"

static const struct store_sql sql_op_latest =
    STORE_SQL("SELECT " OP_COLS " FROM update_operation WHERE updater = $1 AND kind = $2 ORDER BY id DESC "
	      "LIMIT 1");
static const struct store_sql sql_ops_latest =
    STORE_SQL("SELECT l.id, l.ref, l.updater, l.fingerprint, l.date, l.kind, "
	      "(SELECT count(*) FROM uo_vuln u WHERE u.uo = l.id) + "
	      "(SELECT count(*) FROM uo_enrich e WHERE e.uo = l.id) "
	      "FROM latest_update_operations l ORDER BY l.updater, l.kind");
static const struct store_sql sql_ops_latest_uncounted =
    STORE_SQL("SELECT l.id, l.ref, l.updater, l.fingerprint, l.date, l.kind FROM latest_update_operations l "
	      "ORDER BY l.updater, l.kind");
static const struct store_sql sql_ops_of =
    STORE_SQL("SELECT " OP_COLS " FROM update_operation WHERE updater = $1 ORDER BY id DESC");
static const struct store_sql sql_ops_all =
    STORE_SQL("SELECT " OP_COLS " FROM update_operation ORDER BY id DESC");
static const struct store_sql sql_op_fingerprint =
    STORE_SQL("SELECT 1 FROM update_operation WHERE updater = $1 AND kind = $2 AND fingerprint = $3 LIMIT 1");

void store_update_op_free(struct store_update_op *op)
{
	if (!op)
		return;
	free(op->updater);
	free(op->fingerprint);
	op->updater = op->fingerprint = NULL;
}

void store_update_ops_free(struct store_update_ops *ops)
{
	if (!ops)
		return;
	for (size_t i = 0; i < ops->n; i++)
		store_update_op_free(&ops->v[i]);
	free(ops->v);
	ops->v = NULL;
	ops->n = 0;
}

/* An operation from the OP_COLS columns of the current row. */
static enum claro_status op_from_row(struct store_rows *rows, struct store_update_op *op, struct error *err)
{
	memset(op, 0, sizeof(*op));
	op->id = store_rows_int(rows, 0);
	str_copy(op->ref, sizeof(op->ref), S(store_rows_text(rows, 1)));
	op->updater = str_dup(S(store_rows_text(rows, 2)));
	op->fingerprint = str_dup(S(store_rows_text(rows, 3)));
	op->date = store_rows_int(rows, 4);
	op->kind = strcmp(S(store_rows_text(rows, 5)), "enrichment") == 0 ? STORE_KIND_ENRICHMENT
									  : STORE_KIND_VULNERABILITY;
	if (!op->updater || !op->fingerprint) {
		store_update_op_free(op);
		return store_error_nomem(err, "read update operations");
	}
	return CLARO_OK;
}

enum claro_status store_latest_update_op(struct store *s, const char *updater, enum store_update_kind kind,
					 struct store_update_op *op, int *found, struct error *err)
{
	struct store_param p[] = {SP_TEXT(updater), SP_TEXT(store_update_kind_name(kind))};
	struct store_rows *rows = NULL;
	enum claro_status rc =
	    store_query(s, "find the latest update operation", &sql_op_latest, p, 2, &rows, err);

	*found = 0;
	memset(op, 0, sizeof(*op));
	if (rc == CLARO_OK)
		rc = store_rows_next(rows, found, err);
	if (rc == CLARO_OK && *found)
		rc = op_from_row(rows, op, err);
	store_rows_free(rows);
	return rc;
}

static enum claro_status ops_add(struct store_update_ops *out, struct store_rows *rows, int with_count,
				 struct error *err)
{
	struct store_update_op *grown = realloc(out->v, (out->n + 1) * sizeof(*grown));
	enum claro_status rc;

	if (!grown)
		return store_error_nomem(err, "read update operations");
	out->v = grown;
	rc = op_from_row(rows, &out->v[out->n], err);
	if (rc != CLARO_OK)
		return rc;
	if (with_count) {
		int64_t n = store_rows_int(rows, 6);
		out->v[out->n].records = n > 0 ? (size_t)n : 0;
	}
	out->n++;
	return CLARO_OK;
}

static enum claro_status ops_query(struct store *s, const struct store_sql *sql, const struct store_param *p,
				   size_t n, int with_count, struct store_update_ops *out, struct error *err)
{
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc = store_query(s, "read update operations", sql, p, n, &rows, err);

	out->v = NULL;
	out->n = 0;
	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row)
		rc = ops_add(out, rows, with_count, err);
	store_rows_free(rows);
	if (rc != CLARO_OK)
		store_update_ops_free(out);
	return rc;
}

enum claro_status store_latest_update_ops(struct store *s, int with_counts, struct store_update_ops *out,
					  struct error *err)
{
	return with_counts ? ops_query(s, &sql_ops_latest, NULL, 0, 1, out, err)
			   : ops_query(s, &sql_ops_latest_uncounted, NULL, 0, 0, out, err);
}

enum claro_status store_update_ops_list(struct store *s, const char *updater, struct store_update_ops *out,
					struct error *err)
{
	struct store_param p[] = {SP_TEXT(updater)};

	return updater ? ops_query(s, &sql_ops_of, p, 1, 0, out, err)
		       : ops_query(s, &sql_ops_all, NULL, 0, 0, out, err);
}

enum claro_status store_update_op_with_fingerprint(struct store *s, const char *updater,
						   enum store_update_kind kind, const char *fingerprint,
						   int *found, struct error *err)
{
	struct store_param p[] = {SP_TEXT(updater), SP_TEXT(store_update_kind_name(kind)),
				  SP_TEXT(S(fingerprint))};
	int64_t one = 0;

	*found = 0;
	return store_query_int(s, "look up an update operation by fingerprint", &sql_op_fingerprint, p, 3,
			       &one, found, err);
}

/* ---- Vulnerability rows -------------------------------------------------------- */

#define VULN_SELECT                                                                                        \
	"v.id, v.updater, v.name, v.description, v.issued, v.links, v.severity, v.normalized_severity, "   \
	"v.package_name, v.package_version, v.package_module, v.package_arch, v.package_kind, v.dist_id, " \
	"v.dist_name, v.dist_version, v.dist_version_code_name, v.dist_version_id, v.dist_arch, "          \
	"v.dist_cpe, "                                                                                     \
	"v.dist_pretty_name, v.repo_name, v.repo_key, v.repo_uri, v.fixed_in_version, v.arch_operation, "  \
	"v.version_kind, v.range_lower, v.range_upper"

/* A record pointing into the current row (valid until the next row). */
struct vuln_view {
	struct claro_vulnerability v;
	struct claro_package pkg;
	struct claro_distribution dist;
	struct claro_repository repo;
	const char *version_kind; /* the row's, for the batch's version filter */
	char id[24];
};

static int any_set(const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (values[i] && *values[i])
			return 1;
	return 0;
}

static void decode_bound(struct store_rows *rows, int col, const char *kind,
			 struct claro_normalized_version *out)
{
	size_t len = 0;
	const void *blob;

	memset(out, 0, sizeof(*out));
	out->kind = "";
	if (store_rows_isnull(rows, col))
		return;
	blob = store_rows_blob(rows, col, &len);
	if (!blob || len != STORE_NORM_VERSION_BYTES)
		return;
	store_norm_version_decode(blob, out->v);
	out->kind = kind;
}

/* The decimal row id (snprintf was a tenth of a report's row decoding). */
static void format_id(int64_t id, char out[24])
{
	char tmp[24];
	uint64_t u = id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id;
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (id < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	out[k] = '\0';
}

static void vuln_from_row(struct store_rows *rows, struct vuln_view *w)
{
	const char *t[29];
	const char *kind;
	enum claro_severity sev = CLARO_SEVERITY_UNKNOWN;
	enum claro_arch_op op = CLARO_ARCH_OP_NONE;

	/* Text only where the column is text: reading an integer (0 id, 4
	 * issued) or a blob (27, 28) as text makes the driver format or copy it. */
	for (int i = 0; i < 29; i++)
		t[i] = i == 0 || i == 4 || i >= 27 ? "" : S(store_rows_text(rows, i));
	memset(w, 0, sizeof(*w));
	format_id(store_rows_int(rows, 0), w->id);
	w->pkg.struct_size = sizeof(w->pkg);
	w->pkg.name = t[8];
	w->pkg.version = t[9];
	w->pkg.module = t[10];
	w->pkg.arch = t[11];
	w->pkg.kind = t[12];
	w->pkg.normalized_version.kind = "";
	w->dist.struct_size = sizeof(w->dist);
	w->dist.did = t[13];
	w->dist.name = t[14];
	w->dist.version = t[15];
	w->dist.version_code_name = t[16];
	w->dist.version_id = t[17];
	w->dist.arch = t[18];
	w->dist.cpe = t[19];
	w->dist.pretty_name = t[20];
	w->repo.struct_size = sizeof(w->repo);
	w->repo.name = t[21];
	w->repo.key = t[22];
	w->repo.uri = t[23];
	w->repo.cpe = "";
	w->v.struct_size = sizeof(w->v);
	w->v.id = w->id;
	w->v.updater = t[1];
	w->v.name = t[2];
	w->v.description = t[3];
	w->v.issued = store_rows_isnull(rows, 4) ? INT64_MIN : store_rows_int(rows, 4);
	w->v.links = t[5];
	w->v.severity = t[6];
	store_severity_parse(t[7], &sev);
	w->v.normalized_severity = sev;
	w->v.package = &w->pkg;
	w->v.distribution = any_set(&t[13], 8) ? &w->dist : NULL;
	w->v.repository = any_set(&t[21], 3) ? &w->repo : NULL;
	w->v.fixed_in_version = t[24];
	store_arch_op_parse(t[25], &op);
	w->v.arch_op = op;
	kind = t[26];
	w->version_kind = kind;
	/* Blobs last: on PostgreSQL each blob read replaces the previous one. */
	decode_bound(rows, 27, kind, &w->v.range_lower);
	decode_bound(rows, 28, kind, &w->v.range_upper);
}

/* Run sql and hand every row to fn; *last_id: the last row id seen. */
static enum claro_status each_vuln(struct store *s, const char *what, const struct store_sql *sql,
				   const struct store_param *p, size_t n, store_vuln_fn fn, void *arg,
				   size_t *count, int64_t *last_id, int *stopped, struct error *err)
{
	struct store_rows *rows = NULL;
	struct vuln_view view;
	int has_row = 0;
	enum claro_status rc = store_query(s, what, sql, p, n, &rows, err);

	*count = 0;
	while (rc == CLARO_OK && !*stopped && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK &&
	       has_row) {
		vuln_from_row(rows, &view);
		if (last_id)
			*last_id = store_rows_int(rows, 0);
		(*count)++;
		if (fn(arg, &view.v) != 0)
			*stopped = 1;
	}
	store_rows_free(rows);
	return rc;
}

static const struct store_sql sql_op_vulns_page =
    STORE_SQL("SELECT " VULN_SELECT " FROM uo_vuln u JOIN vuln v ON v.id = u.vuln WHERE u.uo = $1 "
	      "AND u.vuln > $2 ORDER BY u.vuln LIMIT $3");

enum claro_status store_update_op_vulnerabilities(struct store *s, int64_t op_id, store_vuln_fn fn, void *arg,
						  struct error *err)
{
	int64_t after = -1;
	size_t got = PAGE_ROWS;
	int stopped = 0;
	enum claro_status rc = CLARO_OK;

	while (rc == CLARO_OK && !stopped && got == PAGE_ROWS) {
		struct store_param p[] = {SP_INT(op_id), SP_INT(after), SP_INT(PAGE_ROWS)};
		rc = each_vuln(s, "read the vulnerabilities of an update operation", &sql_op_vulns_page, p, 3,
			       fn, arg, &got, &after, &stopped, err);
	}
	return rc;
}

static const struct store_sql sql_vuln_by_id =
    STORE_SQL("SELECT " VULN_SELECT " FROM vuln v WHERE v.id = $1");

enum claro_status store_vulnerability_get(struct store *s, int64_t id, store_vuln_fn fn, void *arg,
					  struct error *err)
{
	struct store_param p[] = {SP_INT(id)};
	size_t got = 0;
	int stopped = 0;
	enum claro_status rc =
	    each_vuln(s, "read a vulnerability", &sql_vuln_by_id, p, 1, fn, arg, &got, NULL, &stopped, err);

	if (rc == CLARO_OK && got == 0) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not read a vulnerability");
		error_detail(err, "No vulnerability has the id %" PRId64 ".", id);
		return CLARO_ERR_NOT_FOUND;
	}
	return rc;
}

/* ---- Matching ---------------------------------------------------------------- */

/* One condition for every constraint set: each constraint's equality
 * applies when its bit is in $5, so no SQL is ever assembled. The rows are
 * found by package name (vuln_lookup_idx) and only then checked for
 * membership in a latest snapshot (an operation with no newer one of its
 * updater and kind: latest_update_operations, checked per row through
 * update_operation_updater_idx). Joining the view first made SQLite walk
 * every row of every snapshot for each package, and evaluating the view
 * costs ~2 ms per query at 1,400 operations (tests/bench/bench-matcher.sh). */
/* The row belongs to a latest snapshot (see above). */
#define MATCH_LATEST                                                                      \
	"AND EXISTS (SELECT 1 FROM uo_vuln u JOIN update_operation o ON o.id = u.uo "     \
	"WHERE u.vuln = v.id AND o.kind = 'vulnerability' AND NOT EXISTS (SELECT 1 FROM " \
	"update_operation n WHERE n.updater = o.updater AND n.kind = o.kind AND n.id > o.id)) "

/* One equality per constraint bit of parameter C, each against its own
 * parameter; the single and the batch query number them differently. */
#define MATCH_CONSTRAINTS(C, MOD, DID, DNAME, DVER, DCODE, DVID, DARCH, DCPE, DPRETTY, RNAME, RKEY) \
	"AND (($" #C " & 4) = 0 OR v.package_module = $" #MOD ") "                                  \
	"AND (($" #C " & 8) = 0 OR v.dist_id = $" #DID ") "                                         \
	"AND (($" #C " & 16) = 0 OR v.dist_name = $" #DNAME ") "                                    \
	"AND (($" #C " & 32) = 0 OR v.dist_version = $" #DVER ") "                                  \
	"AND (($" #C " & 64) = 0 OR v.dist_version_code_name = $" #DCODE ") "                       \
	"AND (($" #C " & 128) = 0 OR v.dist_version_id = $" #DVID ") "                              \
	"AND (($" #C " & 256) = 0 OR v.dist_arch = $" #DARCH ") "                                   \
	"AND (($" #C " & 512) = 0 OR v.dist_cpe = $" #DCPE ") "                                     \
	"AND (($" #C " & 1024) = 0 OR v.dist_pretty_name = $" #DPRETTY ") "                         \
	"AND (($" #C " & 2048) = 0 OR v.repo_name = $" #RNAME ") "                                  \
	"AND (($" #C " & 4096) = 0 OR v.repo_key = $" #RKEY ") "                                    \
	"AND (($" #C " & 8192) = 0 OR v.fixed_in_version <> '') "

#define MATCH_WHERE                                                                                          \
	"WHERE v.package_name IN ($1, $3) " MATCH_LATEST                                                     \
	"AND ((v.package_name = $1 AND v.package_kind = $2) OR ($3 <> '' AND v.package_name = $3 AND "       \
	"v.package_kind = $4)) " MATCH_CONSTRAINTS(                                                          \
	    5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,                                                           \
	    16) "AND ($17 = 0 OR (v.version_kind = $18 AND (v.range_lower IS NULL OR v.range_lower <= $19) " \
		"AND (v.range_upper IS NULL OR v.range_upper > $19))) "

static const struct store_sql sql_match =
    STORE_SQL("SELECT " VULN_SELECT " FROM vuln v " MATCH_WHERE "ORDER BY v.id");
/* The same with the leading columns of vuln_lookup_idx after the package
 * name as plain equalities (redundant with MATCH_WHERE), which the planners
 * can seek on: with many releases of one distribution in the store, the
 * condition above alone visits every release's rows of the package. Chosen
 * by constant, never assembled. */
static const struct store_sql sql_match_did_name =
    STORE_SQL("SELECT " VULN_SELECT " FROM vuln v " MATCH_WHERE
	      "AND v.dist_id = $7 AND v.dist_name = $8 ORDER BY v.id");
static const struct store_sql sql_match_did_name_pretty =
    STORE_SQL("SELECT " VULN_SELECT " FROM vuln v " MATCH_WHERE
	      "AND v.dist_id = $7 AND v.dist_name = $8 AND v.dist_pretty_name = $14 ORDER BY v.id");

/* The bits of the SQL above must be the SDK's. */
_Static_assert(CLARO_MATCH_PACKAGE_MODULE == 4 && CLARO_MATCH_DIST_DID == 8 && CLARO_MATCH_DIST_NAME == 16 &&
		   CLARO_MATCH_DIST_VERSION == 32 && CLARO_MATCH_DIST_VERSION_CODE_NAME == 64 &&
		   CLARO_MATCH_DIST_VERSION_ID == 128 && CLARO_MATCH_DIST_ARCH == 256 &&
		   CLARO_MATCH_DIST_CPE == 512 && CLARO_MATCH_DIST_PRETTY_NAME == 1024 &&
		   CLARO_MATCH_REPOSITORY_NAME == 2048 && CLARO_MATCH_REPOSITORY_KEY == 4096 &&
		   CLARO_MATCH_HAS_FIXED_IN_VERSION == 8192,
	       "match constraint bits changed: update sql_match");

/* The constraint bits and the eleven values MATCH_CONSTRAINTS compares
 * (module, distribution, repository; '' where the record has none), in
 * order, into out[0..12). */
#define CONSTRAINT_PARAMS 12
static void constraint_params(struct store_param out[CONSTRAINT_PARAMS], uint32_t constraints,
			      const struct claro_index_record *rec)
{
	static const struct claro_distribution no_dist = {0};
	static const struct claro_repository no_repo = {0};
	const struct claro_distribution *d = rec->distribution ? rec->distribution : &no_dist;
	const struct claro_repository *r = rec->repository ? rec->repository : &no_repo;
	const char *values[] = {rec->package->module, d->did,        d->name, d->version,
				d->version_code_name, d->version_id, d->arch, d->cpe,
				d->pretty_name,       r->name,       r->key};

	out[0] = SP_INT(constraints & 0x3ffcu);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		out[1 + i] = SP_TEXT(S(values[i]));
}

/* Which of a query's three texts (see sql_match_did_name): 0 plain, 1 with
 * dist_id and dist_name, 2 with dist_pretty_name too. */
static int lead_variant(uint32_t constraints)
{
	const uint32_t did_name = CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME;
	const uint32_t lead = constraints & (did_name | CLARO_MATCH_DIST_PRETTY_NAME);

	return lead == (did_name | CLARO_MATCH_DIST_PRETTY_NAME) ? 2 : lead == did_name ? 1 : 0;
}

enum claro_status store_vulnerabilities_match(struct store *s, const struct store_match_query *q,
					      store_vuln_fn fn, void *arg, struct error *err)
{
	static const struct store_sql *const variants[] = {&sql_match, &sql_match_did_name,
							   &sql_match_did_name_pretty};
	const struct claro_package *pkg = q && q->record ? q->record->package : NULL;
	const struct claro_package *src = pkg ? pkg->source : NULL;
	unsigned char norm[STORE_NORM_VERSION_BYTES];
	int version_filter;
	size_t got = 0;
	int stopped = 0;

	if (!pkg || !pkg->name || !*pkg->name) {
		error_set(err, CLARO_ERR_INVALID, "could not look up vulnerabilities");
		error_detail(err, "The index record has no package name.");
		error_hint(err, "Every record the matcher queries needs a package with a name.");
		return CLARO_ERR_INVALID;
	}
	version_filter = q->version_filter && pkg->normalized_version.kind && *pkg->normalized_version.kind;
	store_norm_version_encode(&pkg->normalized_version, norm);
	{
		/* $1..$4 names and kinds, $5..$16 the constraints, $17..$19 the range */
		struct store_param p[4 + CONSTRAINT_PARAMS + 3] = {
		    SP_TEXT(pkg->name),
		    SP_TEXT(S(pkg->kind)),
		    SP_TEXT(src && src->name ? src->name : ""),
		    SP_TEXT(src ? S(src->kind) : ""),
		};

		constraint_params(&p[4], q->constraints, q->record);
		p[4 + CONSTRAINT_PARAMS] = SP_INT(version_filter);
		p[5 + CONSTRAINT_PARAMS] = SP_TEXT(version_filter ? pkg->normalized_version.kind : "");
		p[6 + CONSTRAINT_PARAMS] = SP_BLOB(norm, sizeof(norm));
		return each_vuln(s, "look up vulnerabilities", variants[lead_variant(q->constraints)], p,
				 sizeof(p) / sizeof(p[0]), fn, arg, &got, NULL, &stopped, err);
	}
}

/* ---- Matching many records at once ---------------------------------------------- */

/* $1: a JSON array of the package and source names; $2..$13: as $5..$16 of
 * MATCH_WHERE. Names, kinds and the version filter are checked per record
 * in C (batch_dispatch). */
/* The row is in its updater's latest snapshot: a row is only ever linked
 * by operations of the updater it names (the writer stamps it, and the
 * content hash covers it), so two seeks per row decide it, however many
 * older operations also link the row (MATCH_LATEST walks every link). */
#define MATCH_LATEST_OF_UPDATER                                                                       \
	"AND EXISTS (SELECT 1 FROM uo_vuln u WHERE u.uo = (SELECT max(o.id) FROM update_operation o " \
	"WHERE o.updater = v.updater AND o.kind = 'vulnerability') AND u.vuln = v.id) "
#define MATCH_BATCH_TAIL MATCH_LATEST_OF_UPDATER MATCH_CONSTRAINTS(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
#define MATCH_BATCH_SQLITE                                                    \
	"SELECT " VULN_SELECT " FROM vuln v WHERE v.package_name IN (SELECT " \
	"value FROM json_each($1)) " MATCH_BATCH_TAIL
#define MATCH_BATCH_PG                                                                 \
	"SELECT " VULN_SELECT " FROM vuln v WHERE v.package_name = ANY (ARRAY(SELECT " \
	"json_array_elements_text($1::json))) " MATCH_BATCH_TAIL
#define MATCH_BATCH_DID_NAME "AND v.dist_id = $4 AND v.dist_name = $5 "
#define MATCH_BATCH_PRETTY   "AND v.dist_pretty_name = $11 "

/* No ORDER BY: sorting made SQLite copy every row into a sorter before
 * returning the first; the rows stream in index order instead. */
static const struct store_sql sql_match_batch = STORE_SQL2(MATCH_BATCH_SQLITE, MATCH_BATCH_PG);
static const struct store_sql sql_match_batch_did_name =
    STORE_SQL2(MATCH_BATCH_SQLITE MATCH_BATCH_DID_NAME, MATCH_BATCH_PG MATCH_BATCH_DID_NAME);
static const struct store_sql sql_match_batch_did_name_pretty =
    STORE_SQL2(MATCH_BATCH_SQLITE MATCH_BATCH_DID_NAME MATCH_BATCH_PRETTY,
	       MATCH_BATCH_PG MATCH_BATCH_DID_NAME MATCH_BATCH_PRETTY);

/* A name a record is looked up by: its package's, or its source's. */
struct batch_key {
	const char *name;
	const char *kind;
	size_t record;
};

static int batch_key_cmp(const void *a, const void *b)
{
	const struct batch_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->record < y->record ? -1 : x->record > y->record;
}

/* The keys of every record, sorted by name then record; *names: the
 * distinct names as a JSON array text. */
static enum claro_status batch_keys(const struct store_match_batch *b, struct batch_key **out, size_t *n_out,
				    char **names, struct error *err)
{
	struct batch_key *k = calloc(b->n ? 2 * b->n : 1, sizeof(*k));
	json_t *arr = json_array();
	size_t n = 0;

	*out = NULL;
	*names = NULL;
	if (!k || !arr)
		goto nomem;
	for (size_t i = 0; i < b->n; i++) {
		const struct claro_package *pkg = b->records[i]->package;
		const struct claro_package *src = pkg->source;

		k[n++] = (struct batch_key){pkg->name, S(pkg->kind), i};
		/* the single query's OR returns a row once per record */
		if (src && src->name && *src->name &&
		    !(strcmp(src->name, pkg->name) == 0 && strcmp(S(src->kind), S(pkg->kind)) == 0))
			k[n++] = (struct batch_key){src->name, S(src->kind), i};
	}
	qsort(k, n, sizeof(*k), batch_key_cmp);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || strcmp(k[i].name, k[i - 1].name) != 0) &&
		    json_array_append_new(arr, json_string(k[i].name)))
			goto nomem;
	if (!(*names = json_dumps(arr, JSON_COMPACT)))
		goto nomem;
	json_decref(arr);
	*out = k;
	*n_out = n;
	return CLARO_OK;
nomem:
	free(k);
	json_decref(arr);
	return store_error_nomem(err, "look up vulnerabilities");
}

static int norm_cmp(const int32_t *a, const int32_t *b)
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* MATCH_WHERE's version filter, for one record and the current row. */
static int batch_version_ok(const struct store_match_batch *b, const struct claro_package *pkg,
			    const struct vuln_view *w)
{
	const char *kind = pkg->normalized_version.kind;

	if (!b->version_filter || !kind || !*kind)
		return 1;
	if (strcmp(w->version_kind, kind) != 0)
		return 0;
	if (*w->v.range_lower.kind && norm_cmp(w->v.range_lower.v, pkg->normalized_version.v) > 0)
		return 0;
	return !*w->v.range_upper.kind || norm_cmp(pkg->normalized_version.v, w->v.range_upper.v) < 0;
}

/* fn for every record the current row is a candidate of; 1 when fn stopped. */
static int batch_dispatch(const struct store_match_batch *b, const struct batch_key *k, size_t n,
			  const struct vuln_view *w, store_batch_vuln_fn fn, void *arg)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first key with the row's name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k[mid].name, w->pkg.name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && strcmp(k[lo].name, w->pkg.name) == 0; lo++) {
		const struct claro_package *pkg = b->records[k[lo].record]->package;

		if (strcmp(k[lo].kind, w->pkg.kind) != 0 || !batch_version_ok(b, pkg, w))
			continue;
		if (fn(arg, k[lo].record, &w->v) != 0)
			return 1;
	}
	return 0;
}

enum claro_status store_vulnerabilities_match_batch(struct store *s, const struct store_match_batch *b,
						    store_batch_vuln_fn fn, void *arg, struct error *err)
{
	static const struct store_sql *const variants[] = {&sql_match_batch, &sql_match_batch_did_name,
							   &sql_match_batch_did_name_pretty};
	struct batch_key *keys = NULL;
	struct store_rows *rows = NULL;
	struct vuln_view view;
	size_t nkeys = 0;
	char *names = NULL;
	int has_row = 0;
	enum claro_status rc;

	if (b->n == 0)
		return CLARO_OK;
	for (size_t i = 0; i < b->n; i++) {
		const struct claro_package *pkg = b->records[i]->package;

		if (!pkg || !pkg->name || !*pkg->name) {
			error_set(err, CLARO_ERR_INVALID, "could not look up vulnerabilities");
			error_detail(err, "The index record has no package name.");
			error_hint(err, "Every record the matcher queries needs a package with a name.");
			return CLARO_ERR_INVALID;
		}
	}
	if ((rc = batch_keys(b, &keys, &nkeys, &names, err)) != CLARO_OK)
		return rc;
	{
		/* $1 the names, $2..$13 the constraints of the group (its first record's) */
		struct store_param p[1 + CONSTRAINT_PARAMS] = {SP_TEXT(names)};

		constraint_params(&p[1], b->constraints, b->records[0]);
		rc = store_query(s, "look up vulnerabilities", variants[lead_variant(b->constraints)], p,
				 sizeof(p) / sizeof(p[0]), &rows, err);
	}
	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row) {
		vuln_from_row(rows, &view);
		if (batch_dispatch(b, keys, nkeys, &view, fn, arg))
			break;
	}
	store_rows_free(rows);
	free(keys);
	free(names);
	return rc;
}

/* ---- Enrichments ---------------------------------------------------------------- */

static const struct store_sql sql_enrichments_get =
    STORE_SQL2("SELECT e.data FROM enrichment_tag t JOIN enrichment e ON e.id = t.enrichment_id "
	       "JOIN uo_enrich u ON u.enrich = e.id JOIN latest_update_operations l ON l.id = u.uo "
	       "WHERE t.tag = $1 AND e.updater = $2 AND l.kind = 'enrichment' ORDER BY e.id",
	       "SELECT e.data::text FROM enrichment_tag t JOIN enrichment e ON e.id = t.enrichment_id "
	       "JOIN uo_enrich u ON u.enrich = e.id JOIN latest_update_operations l ON l.id = u.uo "
	       "WHERE t.tag = $1 AND e.updater = $2 AND l.kind = 'enrichment' ORDER BY e.id");

enum claro_status store_enrichments_get(struct store *s, const char *updater, const char *tag,
					store_json_fn fn, void *arg, struct error *err)
{
	struct store_param p[] = {SP_TEXT(tag), SP_TEXT(updater)};
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc = store_query(s, "look up enrichments", &sql_enrichments_get, p, 2, &rows, err);

	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row)
		if (fn(arg, S(store_rows_text(rows, 0))) != 0)
			break;
	store_rows_free(rows);
	return rc;
}

static enum claro_status source_get(void *impl, const char *updater, const char *tag, enrichment_fn fn,
				    void *arg, struct error *err)
{
	return store_enrichments_get(impl, updater, tag, fn, arg, err);
}

struct enrichment_source store_enrichment_source(struct store *s)
{
	struct enrichment_source src = {source_get, s};
	return src;
}

static const struct store_sql sql_op_enrich_page = STORE_SQL2(
    "SELECT e.id, e.data, (SELECT json_group_array(tag) FROM (SELECT tag FROM enrichment_tag "
    "WHERE enrichment_id = e.id ORDER BY tag)) FROM uo_enrich u JOIN enrichment e ON e.id = u.enrich "
    "WHERE u.uo = $1 AND u.enrich > $2 ORDER BY u.enrich LIMIT $3",
    "SELECT e.id, e.data::text, (SELECT json_agg(tag ORDER BY tag) FROM enrichment_tag "
    "WHERE enrichment_id = e.id)::text FROM uo_enrich u JOIN enrichment e ON e.id = u.enrich "
    "WHERE u.uo = $1 AND u.enrich > $2 ORDER BY u.enrich LIMIT $3");

/* fn(tags, json) for the current row; *stop set when fn asks. */
static enum claro_status enrichment_row(struct store_rows *rows, store_enrichment_fn fn, void *arg, int *stop,
					struct error *err)
{
	const char *tags_text = store_rows_text(rows, 2);
	const char *tags[65];
	json_t *arr = tags_text ? json_loads(tags_text, 0, NULL) : NULL;
	size_t n = 0, i;
	json_t *t;

	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 64) {
		json_decref(arr);
		error_set(err, CLARO_ERR_STORE, "could not read an enrichment");
		error_detail(err, "Enrichment %" PRId64 " has no usable tags.", store_rows_int(rows, 0));
		error_hint(err, "The database was changed outside claro; re-run the updater.");
		return CLARO_ERR_STORE;
	}
	json_array_foreach(arr, i, t) tags[n++] = S(json_string_value(t));
	tags[n] = NULL;
	if (fn(arg, tags, S(store_rows_text(rows, 1))) != 0)
		*stop = 1;
	json_decref(arr);
	return CLARO_OK;
}

enum claro_status store_update_op_enrichments(struct store *s, int64_t op_id, store_enrichment_fn fn,
					      void *arg, struct error *err)
{
	int64_t after = -1;
	size_t got = PAGE_ROWS;
	int stop = 0;
	enum claro_status rc = CLARO_OK;

	while (rc == CLARO_OK && !stop && got == PAGE_ROWS) {
		struct store_param p[] = {SP_INT(op_id), SP_INT(after), SP_INT(PAGE_ROWS)};
		struct store_rows *rows = NULL;
		int has_row = 0;

		got = 0;
		rc = store_query(s, "read the enrichments of an update operation", &sql_op_enrich_page, p, 3,
				 &rows, err);
		while (rc == CLARO_OK && !stop && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK &&
		       has_row) {
			after = store_rows_int(rows, 0);
			got++;
			rc = enrichment_row(rows, fn, arg, &stop, err);
		}
		store_rows_free(rows);
	}
	return rc;
}

/* ---- Summaries ------------------------------------------------------------------ */

static const struct store_sql sql_status_all = STORE_SQL(
    "SELECT updater_name, last_attempt, last_success, last_run_succeeded, last_attempt_fingerprint, "
    "last_error FROM updater_status ORDER BY updater_name");

/* New operations raise max(id), deleted ones lower the count; status rows
 * change together with last_attempt; the sums catch a second
 * write within the same second that flips the outcome or the message. */
static const struct store_sql sql_generation =
    STORE_SQL("SELECT CAST(coalesce((SELECT max(id) FROM update_operation), 0) AS TEXT) || ':' || "
	      "CAST((SELECT count(*) FROM update_operation) AS TEXT) || ':' || "
	      "CAST(count(*) AS TEXT) || ':' || CAST(coalesce(max(last_attempt), 0) AS TEXT) || ':' || "
	      "CAST(coalesce(max(last_success), 0) AS TEXT) || ':' || "
	      "CAST(coalesce(sum(CASE WHEN last_run_succeeded THEN 1 ELSE 0 END), 0) AS TEXT) || ':' || "
	      "CAST(coalesce(sum(length(last_error)), 0) AS TEXT) FROM updater_status");

enum claro_status store_updater_generation(struct store *s, char **out, struct error *err)
{
	*out = NULL;
	return store_query_text(s, "read the updaters' generation", &sql_generation, NULL, 0, out, NULL, err);
}

void store_updater_summaries_free(struct store_updater_summaries *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].updater);
		store_updater_status_free(&list->v[i].status);
		store_update_op_free(&list->v[i].op);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

/* A new zeroed entry for name. */
static struct store_updater_summary *summary_add(struct store_updater_summaries *list, const char *name)
{
	struct store_updater_summary *grown = realloc(list->v, (list->n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	list->v = grown;
	memset(&grown[list->n], 0, sizeof(grown[list->n]));
	if (!(grown[list->n].updater = str_dup(name)))
		return NULL;
	return &grown[list->n++];
}

static int by_updater(const void *a, const void *b)
{
	return strcmp(((const struct store_updater_summary *)a)->updater,
		      ((const struct store_updater_summary *)b)->updater);
}

/* The entry for name: among the first n_sorted (sorted) entries, the last
 * one (an updater's two kinds arrive together), or a new one. Linear
 * search made a thousand-updater store cost a million comparisons. */
static struct store_updater_summary *summary_for(struct store_updater_summaries *list, size_t n_sorted,
						 const char *name)
{
	struct store_updater_summary key = {.updater = (char *)name}, *hit;

	if (list->n > n_sorted && strcmp(list->v[list->n - 1].updater, name) == 0)
		return &list->v[list->n - 1];
	hit = n_sorted ? bsearch(&key, list->v, n_sorted, sizeof(*list->v), by_updater) : NULL;
	return hit ? hit : summary_add(list, name);
}

enum claro_status store_updater_summaries(struct store *s, int with_counts,
					  struct store_updater_summaries *out, struct error *err)
{
	struct store_update_ops ops = {NULL, 0};
	struct store_rows *rows = NULL;
	int has_row = 0;
	size_t n_status;
	enum claro_status rc;

	out->v = NULL;
	out->n = 0;
	rc = store_query(s, "read updater status", &sql_status_all, NULL, 0, &rows, err);
	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row) {
		struct store_updater_summary *e = summary_add(out, S(store_rows_text(rows, 0)));
		const char *fp = store_rows_text(rows, 4), *msg = store_rows_text(rows, 5);

		if (!e) {
			rc = store_error_nomem(err, "read updater status");
			break;
		}
		e->has_status = 1;
		e->status.last_attempt = store_rows_int(rows, 1);
		e->status.last_success = store_rows_isnull(rows, 2) ? 0 : store_rows_int(rows, 2);
		e->status.last_run_succeeded = store_rows_int(rows, 3) != 0;
		e->status.last_attempt_fingerprint = fp ? str_dup(fp) : NULL;
		e->status.last_error = msg ? str_dup(msg) : NULL;
		if ((fp && !e->status.last_attempt_fingerprint) || (msg && !e->status.last_error))
			rc = store_error_nomem(err, "read updater status");
	}
	store_rows_free(rows);
	/* updater_name is the table's key: the names are distinct */
	n_status = out->n;
	if (n_status > 1)
		qsort(out->v, n_status, sizeof(*out->v), by_updater);
	if (rc == CLARO_OK)
		rc = store_latest_update_ops(s, with_counts, &ops, err);
	for (size_t i = 0; rc == CLARO_OK && i < ops.n; i++) {
		struct store_updater_summary *e = summary_for(out, n_status, ops.v[i].updater);

		if (!e) {
			rc = store_error_nomem(err, "read updater status");
			break;
		}
		if (e->has_op && e->op.id > ops.v[i].id)
			continue; /* keep the newer of its two kinds */
		store_update_op_free(&e->op);
		e->op = ops.v[i];
		e->has_op = 1;
		memset(&ops.v[i], 0, sizeof(ops.v[i])); /* moved */
	}
	store_update_ops_free(&ops);
	if (rc != CLARO_OK) {
		store_updater_summaries_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_updater);
	return CLARO_OK;
}

static const struct store_sql sql_count_vulns = STORE_SQL("SELECT count(*) FROM vuln");
static const struct store_sql sql_count_enrich = STORE_SQL("SELECT count(*) FROM enrichment");
static const struct store_sql sql_count_ops = STORE_SQL("SELECT count(*) FROM update_operation");

enum claro_status store_advisory_counts(struct store *s, int64_t *vulns, int64_t *enrichments, int64_t *ops,
					struct error *err)
{
	int64_t a = 0, b = 0, c = 0;
	enum claro_status rc =
	    store_query_int(s, "count vulnerabilities", &sql_count_vulns, NULL, 0, &a, NULL, err);

	if (rc == CLARO_OK)
		rc = store_query_int(s, "count enrichments", &sql_count_enrich, NULL, 0, &b, NULL, err);
	if (rc == CLARO_OK)
		rc = store_query_int(s, "count update operations", &sql_count_ops, NULL, 0, &c, NULL, err);
	if (vulns)
		*vulns = a;
	if (enrichments)
		*enrichments = b;
	if (ops)
		*ops = c;
	return rc;
}
