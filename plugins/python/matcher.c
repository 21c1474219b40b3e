/* The python matcher; see matcher.h for its rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "matcher.h"
#include "rangequery.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int python_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	const struct claro_package *pkg = record ? record->package : NULL;

	(void)ctx;
	return pkg != NULL && pkg->normalized_version.kind != NULL &&
	       strcmp(pkg->normalized_version.kind, "pep440") == 0;
}

static uint32_t python_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_REPOSITORY_NAME;
}

/* What one vulnerable() call works with, for the debug lines. */
struct decision {
	struct claro_ctx *ctx;
	const struct claro_version_scheme_ops *pep440;
	const char *name;      /* the package */
	const char *installed; /* its version */
	const char *advisory;  /* the vulnerability's name */
};

#define NOT_VULNERABLE "; taken as not vulnerable"

/* The installed version against one bound: 0 with *cmp set, or -1 (logged)
 * when the bound is no PEP 440 version. */
static int compare_bound(const struct decision *d, const char *key, const struct rangequery_value *bound,
			 int *cmp)
{
	const struct claro_host *h = d->ctx->host;

	if (strlen(bound->ptr) != bound->len) {
		h->log(d->ctx, CLARO_LOG_DEBUG, "%s %s, advisory %s: %s holds a NUL byte" NOT_VULNERABLE,
		       d->name, d->installed, d->advisory, key);
		return -1;
	}
	if (d->pep440->compare(d->installed, bound->ptr, cmp) != CLARO_OK) {
		h->log(d->ctx, CLARO_LOG_DEBUG,
		       "%s %s, advisory %s: %s \"%.80s\"%s is no PEP 440 version" NOT_VULNERABLE, d->name,
		       d->installed, d->advisory, key, bound->ptr, bound->len > 80 ? "..." : "");
		return -1;
	}
	return 0;
}

static enum claro_status no_scheme(struct claro_ctx *ctx)
{
	const struct claro_host *h = ctx->host;

	h->error(ctx, CLARO_ERR_NOT_FOUND,
		 "cannot compare Python versions: no \"pep440\" version scheme is loaded");
	h->error_detail(ctx, "The python matcher needs the pep440 scheme to place an installed version in an "
			     "advisory's range; without it no Python package could be found vulnerable.");
	h->error_hint(ctx, "Load the versions plugin (see [plugins] load), which provides it.");
	return CLARO_ERR_NOT_FOUND;
}

/* Decide with the parsed range; *vulnerable is 0 on entry. */
static void decide(const struct decision *d, const struct rangequery *r, int *vulnerable)
{
	int cmp;

	if (r->introduced.ptr != NULL && r->introduced.len > 0) {
		if (compare_bound(d, "introduced", &r->introduced, &cmp) != 0 || cmp < 0)
			return;
	}
	if (r->fixed.ptr != NULL && r->fixed.len > 0) {
		if (compare_bound(d, "fixed", &r->fixed, &cmp) == 0)
			*vulnerable = cmp < 0;
		return;
	}
	if (r->last_affected.ptr != NULL && r->last_affected.len > 0) {
		if (compare_bound(d, "lastAffected", &r->last_affected, &cmp) == 0)
			*vulnerable = cmp <= 0;
		return;
	}
	*vulnerable = 1; /* a range without an end: every version from introduced on */
}

static enum claro_status python_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *record,
					   const struct claro_vulnerability *vuln, int *vulnerable)
{
	const struct claro_host *h = ctx->host;
	struct decision d;
	struct rangequery range;
	const char *fixed_in, *why = NULL;
	size_t n;
	char *buf;
	int cmp;

	*vulnerable = 0;
	if (record == NULL || record->package == NULL || vuln == NULL) {
		h->error(ctx, CLARO_ERR_INTERNAL,
			 "the python matcher was called without a record or advisory");
		h->error_detail(ctx,
				"vulnerable() needs an index record with a package and a vulnerability.");
		h->error_hint(ctx, "This is a bug in the host; report it.");
		return CLARO_ERR_INTERNAL;
	}
	fixed_in = or_empty(vuln->fixed_in_version);
	if (*fixed_in == '\0') {
		*vulnerable = 1; /* no fix and no range: every version */
		return CLARO_OK;
	}
	d.ctx = ctx;
	d.name = or_empty(record->package->name);
	d.installed = or_empty(record->package->version);
	d.advisory = or_empty(vuln->name);
	if ((d.pep440 = h->version_scheme(ctx, "pep440")) == NULL || d.pep440->compare == NULL)
		return no_scheme(ctx);
	/* Clair parses the installed version first: a version it cannot read
	 * is in no range. */
	if (d.pep440->compare(d.installed, d.installed, &cmp) != CLARO_OK) {
		h->log(ctx, CLARO_LOG_DEBUG,
		       "%s %s, advisory %s: the installed version is no PEP 440 version" NOT_VULNERABLE,
		       d.name, d.installed, d.advisory);
		return CLARO_OK;
	}
	n = strlen(fixed_in);
	if ((buf = h->alloc(RANGEQUERY_BUF_SIZE(n))) == NULL)
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if (rangequery_parse(fixed_in, n, buf, RANGEQUERY_BUF_SIZE(n), &range, &why) != 0)
		h->log(ctx, CLARO_LOG_DEBUG,
		       "%s %s, advisory %s: fixed_in_version \"%.120s\"%s is no query string "
		       "(%s)" NOT_VULNERABLE,
		       d.name, d.installed, d.advisory, fixed_in, n > 120 ? "..." : "", why);
	else
		decide(&d, &range, vulnerable);
	h->free(buf);
	return CLARO_OK;
}

static const struct claro_matcher_ops python_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, python_filter, python_query, python_vulnerable,
};

const struct claro_component python_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER,  0, "python",
    PYTHON_MATCHER_VERSION,         &python_matcher_ops,
};
