/* The rhel matcher (reference §6.3; claircore:rhel/matcher.go):
 *
 *   filter      the record has a repository keyed "rhel-cpe-repository" (a
 *               Red Hat product from the repository scanner); no
 *               repository, no match at all;
 *   query       PackageModule and RepositoryKey, plus HasFixedInVersion when
 *               [plugin.rhel] ignore_unpatched is set;
 *   vulnerable  the advisory's repository must be keyed
 *               "rhel-cpe-repository" and its name, unbound as a CPE, must be
 *               a CPE superset of the record's repository CPE or a string
 *               prefix of it (cpematch.h); then the RPM rule with the arch
 *               test (plugins/common/rpmmatch.h).
 *
 * An advisory whose repository name is not a CPE is not vulnerable (logged
 * at debug level), as in Clair; so is a record whose repository has no
 * readable CPE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "cpematch.h"
#include "rhel.h"
#include "rpmmatch.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int rhel_match_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	(void)ctx;
	return record && record->repository &&
	       strcmp(or_empty(record->repository->key), RHEL_CPE_REPOSITORY_KEY) == 0;
}

static uint32_t rhel_match_query(struct claro_ctx *ctx)
{
	const struct rhel_plugin *pd = ctx->plugin_data;
	uint32_t q = CLARO_MATCH_PACKAGE_MODULE | CLARO_MATCH_REPOSITORY_KEY;

	if (pd && pd->ignore_unpatched)
		q |= CLARO_MATCH_HAS_FIXED_IN_VERSION;
	return q;
}

/* Whether the advisory's repository CPE covers the record's: 1, 0, or -1
 * when out of memory. */
static int repository_covers(struct claro_ctx *ctx, const struct claro_index_record *record,
			     const struct claro_vulnerability *vuln)
{
	struct cpe vc, rc;
	const char *why = NULL;
	enum claro_status st;
	int r;

	memset(&vc, 0, sizeof(vc));
	memset(&rc, 0, sizeof(rc));
	if ((st = cpe_unbind(or_empty(vuln->repository->name), &vc, &why)) != CLARO_OK) {
		if (st == CLARO_ERR_NOMEM)
			return -1;
		ctx->host->log(ctx, CLARO_LOG_DEBUG,
			       "advisory %s: repository name \"%.120s\" is not a CPE (%s)",
			       or_empty(vuln->name), or_empty(vuln->repository->name), why ? why : "?");
		return 0;
	}
	if ((st = cpe_unbind(or_empty(record->repository->cpe), &rc, &why)) != CLARO_OK) {
		cpe_free(&vc);
		if (st == CLARO_ERR_NOMEM)
			return -1;
		ctx->host->log(ctx, CLARO_LOG_DEBUG, "repository %s: its CPE \"%.120s\" does not unbind (%s)",
			       or_empty(record->repository->name), or_empty(record->repository->cpe),
			       why ? why : "?");
		return 0;
	}
	r = cpematch_is_superset(&vc, &rc);
	if (!r)
		r = cpematch_is_prefix(&rc, &vc);
	cpe_free(&vc);
	cpe_free(&rc);
	return r;
}

static enum claro_status rhel_match_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *record,
					       const struct claro_vulnerability *vuln, int *vulnerable)
{
	int covers;

	*vulnerable = 0;
	if (!vuln->repository || !record->repository ||
	    strcmp(or_empty(vuln->repository->key), RHEL_CPE_REPOSITORY_KEY) != 0)
		return CLARO_OK;
	if ((covers = repository_covers(ctx, record, vuln)) < 0)
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if (!covers)
		return CLARO_OK;
	return rpmmatch_vulnerable(ctx, record, vuln, vulnerable);
}

static const struct claro_matcher_ops rhel_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, rhel_match_filter, rhel_match_query, rhel_match_vulnerable,
};

const struct claro_component rhel_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "rhel", "1", &rhel_matcher_ops,
};
