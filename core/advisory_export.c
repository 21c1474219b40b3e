/* Export and import of advisory snapshots in Clair's export-updaters NDJSON
 * (see advisory_export.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "advisory_export.h"
#include "httpclient.h"
#include "store_advisory.h"
#include "strutil.h"
#include "vulnjson.h"

#define MAX_REF        64
#define IMPORT_LOCK_MS (10L * 60 * 1000)
#define MAX_DOWNLOAD   (64ull * 1024 * 1024 * 1024)

/* ==== export ==== */

struct export_run {
	struct out_stream *out;
	const struct store_update_op *op;
	char date[32];
	struct advisory_export_stats *stats;
	struct error *err;
	enum claro_status st;
};

static int set_str(json_t *o, const char *key, const char *value)
{
	return json_object_set_new(o, key, json_string(value ? value : ""));
}

/* The record's header fields, in Clair's order. */
static json_t *record_head(const struct export_run *x)
{
	json_t *o = json_object();

	if (!o || set_str(o, "Updater", x->op->updater) || set_str(o, "Fingerprint", x->op->fingerprint) ||
	    set_str(o, "Date", x->date) || set_str(o, "Ref", x->op->ref)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int write_line(struct export_run *x, const char *text)
{
	if (x->st == CLARO_OK)
		x->st = out_stream_write(x->out, text, strlen(text), x->err);
	if (x->st == CLARO_OK)
		x->st = out_stream_write(x->out, "\n", 1, x->err);
	return x->st != CLARO_OK;
}

static int export_vuln(void *arg, const struct claro_vulnerability *v)
{
	struct export_run *x = arg;
	struct claro_vulnerability copy = *v;
	json_t *rec = record_head(x), *vj;
	char *text = NULL;

	copy.id = NULL; /* Clair's exporter writes parser output: no database ids */
	copy.updater = x->op->updater;
	vj = vulnjson_encode(&copy);
	if (rec && vj && json_object_set_new(rec, "Vuln", vj) == 0) {
		vj = NULL;
		if (set_str(rec, "Kind", "vulnerability") == 0)
			text = json_dumps(rec, JSON_COMPACT);
	}
	json_decref(vj);
	json_decref(rec);
	if (!text) {
		x->st = error_set(x->err, CLARO_ERR_NOMEM, "out of memory exporting");
		return 1;
	}
	write_line(x, text);
	free(text);
	x->stats->vulnerabilities++;
	return x->st != CLARO_OK;
}

/* A JSON string literal of s (caller frees). */
static char *quoted(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return text;
}

static int export_enrichment(void *arg, const char *const *tags, const char *json)
{
	struct export_run *x = arg;
	struct buf line = BUF_INIT(0);
	char *q[4] = {quoted(x->op->updater), quoted(x->op->fingerprint), quoted(x->date),
		      quoted(x->op->ref)};
	enum claro_status st = q[0] && q[1] && q[2] && q[3] ? CLARO_OK : CLARO_ERR_NOMEM;

	/* The enrichment goes out as stored, not re-encoded by jansson (which
	 * would rewrite numbers): built by hand around it. */
	if (st == CLARO_OK)
		st = buf_printf(&line,
				"{\"Updater\":%s,\"Fingerprint\":%s,\"Date\":%s,\"Ref\":%s,"
				"\"Enrichment\":{\"Tags\":[",
				q[0], q[1], q[2], q[3]);
	for (size_t i = 0; st == CLARO_OK && tags[i]; i++) {
		char *t = quoted(tags[i]);
		st = t ? buf_printf(&line, "%s%s", i ? "," : "", t) : CLARO_ERR_NOMEM;
		free(t);
	}
	if (st == CLARO_OK)
		st = buf_puts(&line, "],\"Enrichment\":");
	if (st == CLARO_OK) {
		size_t start = line.len;
		st = buf_puts(&line, json);
		/* Raw newlines in valid JSON are only white space: NDJSON keeps
		 * each record on one line. */
		for (size_t i = start; st == CLARO_OK && i < line.len; i++)
			if (line.data[i] == '\n' || line.data[i] == '\r')
				line.data[i] = ' ';
	}
	if (st == CLARO_OK)
		st = buf_puts(&line, "},\"Kind\":\"enrichment\"}");
	for (int i = 0; i < 4; i++)
		free(q[i]);
	if (st != CLARO_OK) {
		buf_free(&line);
		x->st = error_set(x->err, CLARO_ERR_NOMEM, "out of memory exporting");
		return 1;
	}
	write_line(x, line.data);
	buf_free(&line);
	x->stats->enrichments++;
	return x->st != CLARO_OK;
}

static int wanted(const char *const *patterns, const char *name)
{
	if (!patterns)
		return 1;
	for (size_t i = 0; patterns[i]; i++)
		if (fnmatch(patterns[i], name, 0) == 0)
			return 1;
	return 0;
}

enum claro_status advisory_export(struct store *s, const char *path, const char *const *updaters,
				  struct advisory_export_stats *stats, struct error *err)
{
	struct advisory_export_stats local;
	struct store_update_ops ops = {NULL, 0};
	struct out_stream *out = NULL;
	enum claro_status st;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	st = store_latest_update_ops(s, 0, &ops, err);
	if (st == CLARO_OK)
		st = out_stream_open(path, &out, err);
	for (size_t i = 0; st == CLARO_OK && i < ops.n; i++) {
		struct export_run x;

		if (!wanted(updaters, ops.v[i].updater))
			continue;
		memset(&x, 0, sizeof(x));
		x.out = out;
		x.op = &ops.v[i];
		x.stats = stats;
		x.err = err;
		vulnjson_format_time(ops.v[i].date, x.date);
		if (ops.v[i].kind == STORE_KIND_ENRICHMENT)
			st = store_update_op_enrichments(s, ops.v[i].id, export_enrichment, &x, err);
		else
			st = store_update_op_vulnerabilities(s, ops.v[i].id, export_vuln, &x, err);
		if (st == CLARO_OK)
			st = x.st;
		stats->ops++;
	}
	if (out) {
		struct error ignored = ERROR_INIT;
		enum claro_status closed =
		    out_stream_close(out, st == CLARO_OK, st == CLARO_OK ? err : &ignored);

		error_clear(&ignored);
		if (st == CLARO_OK)
			st = closed;
	}
	store_update_ops_free(&ops);
	return st;
}

/* ==== import ==== */

struct group {
	int active;
	int skip;
	char ref[MAX_REF + 1];
	char *updater;
	char *fingerprint;
	enum store_update_kind kind;
	int64_t date;
	struct store_update_writer *w;
	int locked;
	char *op_text; /* skipped: advisory_record_op_text of its first record */
	size_t op_len;
};

struct import_run {
	struct store *s;
	const char *name;
	size_t line;
	struct group g;
	struct advisory_import_stats *stats;
};

static enum claro_status bad_record(struct import_run *r, struct error *err, const char *fmt, ...)
    CLARO_PRINTF(3, 4);
static enum claro_status bad_record(struct import_run *r, struct error *err, const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	detail = str_vprintf(fmt, ap);
	va_end(ap);
	error_set(err, CLARO_ERR_INVALID, "invalid record at line %zu of %s", r->line, r->name);
	error_detail(err, "%s", detail ? detail : "The record is malformed.");
	error_hint(err, "Import files written by claroctl updaters export or clairctl export-updaters.");
	free(detail);
	return CLARO_ERR_INVALID;
}

static void group_release(struct import_run *r)
{
	struct error ignored = ERROR_INIT;

	store_update_abort(r->g.w);
	if (r->g.locked)
		store_unlock(r->s, r->g.updater, &ignored);
	error_clear(&ignored);
	free(r->g.updater);
	free(r->g.fingerprint);
	free(r->g.op_text);
	memset(&r->g, 0, sizeof(r->g));
}

/* Commit the open group and close it. updater_status is left alone: it
 * records runs of the updater, and this was none (the operation's date says
 * how fresh the data is; `updaters status` shows such updaters "imported"). */
static enum claro_status group_finish(struct import_run *r, struct error *err)
{
	struct store_update_result res;
	enum claro_status st = CLARO_OK;

	if (!r->g.active)
		return CLARO_OK;
	if (r->g.w) {
		st = store_update_commit(r->g.w, &res, err);
		r->g.w = NULL;
		if (st == CLARO_OK) {
			r->stats->ops++;
			r->stats->new_rows += res.new_rows;
		}
	}
	group_release(r);
	return st;
}

static enum claro_status group_start(struct import_run *r, const char *ref, const char *updater,
				     const char *fingerprint, enum store_update_kind kind, int64_t date,
				     struct error *err)
{
	struct store_update_params p;
	int found = 0;
	enum claro_status st;

	memset(&r->g, 0, sizeof(r->g));
	r->g.active = 1;
	str_copy(r->g.ref, sizeof(r->g.ref), ref);
	r->g.updater = str_dup(updater);
	r->g.fingerprint = str_dup(fingerprint);
	r->g.kind = kind;
	r->g.date = date;
	if (!r->g.updater || !r->g.fingerprint)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (*fingerprint) {
		st = store_update_op_with_fingerprint(r->s, updater, kind, fingerprint, &found, err);
		if (st != CLARO_OK)
			return st;
		if (found) {
			r->g.skip = 1;
			r->stats->skipped_ops++;
			return CLARO_OK;
		}
	}
	st = store_lock(r->s, updater, IMPORT_LOCK_MS, err);
	if (st != CLARO_OK)
		return st;
	r->g.locked = 1;
	memset(&p, 0, sizeof(p));
	p.updater = updater;
	p.kind = kind;
	p.fingerprint = fingerprint;
	p.date = date;
	return store_update_begin(r->s, &p, &r->g.w, err);
}

/* Whether line is one more record of the operation being skipped: its
 * Updater, Fingerprint, Ref and Kind written as in the operation's first
 * record. Such a record is counted but not decoded, which would cost a second
 * import of an unchanged export nearly as much as the first; any other line
 * (a new operation, a mismatch, something malformed) is parsed in full. */
static int continues_skipped_group(const struct import_run *r, const char *line, size_t len)
{
	size_t n;
	char *text;
	int same;

	if (!r->g.active || !r->g.skip || !r->g.op_text)
		return 0;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len == 0 || line[len - 1] != '}') /* cut short: the full parse says so */
		return 0;
	text = advisory_record_op_text(line, len, &n);
	same = text && n == r->g.op_len && memcmp(text, r->g.op_text, n) == 0;
	free(text);
	return same;
}

static enum claro_status import_record(struct import_run *r, const char *line, size_t len, struct error *err)
{
	struct advisory_record rec;
	enum claro_status st;

	if (continues_skipped_group(r, line, len)) {
		r->stats->records++;
		return CLARO_OK;
	}
	st = advisory_record_parse(line, len, &rec, err);
	if (st != CLARO_OK) {
		error_prefix(err, "line %zu of %s", r->line, r->name);
		return st;
	}
	if (!r->g.active || strcmp(r->g.ref, rec.ref) != 0) {
		if ((st = group_finish(r, err)) == CLARO_OK)
			st = group_start(r, rec.ref, rec.updater, rec.fingerprint, rec.kind, rec.date, err);
		if (st == CLARO_OK && r->g.skip)
			r->g.op_text =
			    advisory_record_op_text(line, len, &r->g.op_len); /* NULL: no shortcut */
	} else if (strcmp(r->g.updater, rec.updater) != 0 || r->g.kind != rec.kind ||
		   strcmp(r->g.fingerprint, rec.fingerprint) != 0) {
		st = bad_record(r, err,
				"The record shares Ref %s with the records before it but not their updater, "
				"kind or fingerprint.",
				rec.ref);
	}
	if (st == CLARO_OK) {
		r->stats->records++;
		if (!r->g.skip)
			st = rec.kind == STORE_KIND_VULNERABILITY
				 ? store_update_add_vulnerability(r->g.w, &rec.vuln.v, err)
				 : store_update_add_enrichment(r->g.w, rec.tags, rec.raw, err);
	}
	advisory_record_free(&rec);
	return st;
}

static int blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

static enum claro_status open_source(const char *source, FILE **fp, int *owned, struct error *err)
{
	*owned = 0;
	if (strcmp(source, "-") == 0) {
		*fp = stdin;
		return CLARO_OK;
	}
	if (str_has_prefix(source, "http://") || str_has_prefix(source, "https://")) {
		enum claro_status st;

		if (!(*fp = tmpfile())) {
			error_set(err, CLARO_ERR_IO, "could not download %s", source);
			error_detail(err, "No temporary file: %s.", strerror(errno));
			error_hint(err, "Check $TMPDIR.");
			return CLARO_ERR_IO;
		}
		*owned = 1;
		st = httpclient_download(source, *fp, MAX_DOWNLOAD, err);
		if (st == CLARO_OK && (fflush(*fp) != 0 || fseek(*fp, 0, SEEK_SET) != 0))
			st = error_set(err, CLARO_ERR_IO, "could not read back the download of %s", source);
		if (st != CLARO_OK) {
			fclose(*fp);
			*fp = NULL;
		}
		return st;
	}
	if (!(*fp = fopen(source, "rb"))) {
		error_set(err, CLARO_ERR_IO, "could not open %s", source);
		error_detail(err, "%s.", strerror(errno));
		error_hint(err, "Give an export file, - for standard input, or an http(s) URL.");
		return CLARO_ERR_IO;
	}
	*owned = 1;
	return CLARO_OK;
}

enum claro_status advisory_import(struct store *s, const char *source, const struct in_limits *limits,
				  struct advisory_import_stats *stats, struct error *err)
{
	struct advisory_import_stats local;
	struct import_run r;
	struct in_stream *in = NULL;
	FILE *fp = NULL;
	int owned = 0;
	char *line;
	size_t len;
	enum claro_status st;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.name = strcmp(source, "-") == 0 ? "standard input" : source;
	r.stats = stats;
	st = open_source(source, &fp, &owned, err);
	if (st == CLARO_OK)
		st = in_stream_open(fp, r.name, limits, &in, err);
	while (st == CLARO_OK) {
		st = in_stream_line(in, &line, &len, err);
		if (st != CLARO_OK || !line)
			break;
		r.line = in_stream_line_number(in);
		if (!blank(line, len))
			st = import_record(&r, line, len, err);
	}
	if (st == CLARO_OK)
		st = group_finish(&r, err);
	else
		group_release(&r); /* the operation being read is rolled back */
	in_stream_free(in);
	if (owned && fp)
		fclose(fp);
	return st;
}
