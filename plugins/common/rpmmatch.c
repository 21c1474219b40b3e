/* The RPM-family matchers' vulnerable() rule; see rpmmatch.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* regcomp */

#include <regex.h>
#include <string.h>

#include "rpmmatch.h"

/* Clair's "infinite" version for an advisory without one. */
#define RPM_INFINITY "65535:65535-65535"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* A pattern made only of these is a list of literal alternatives, which is
 * what Red Hat's advisories carry ("amd64|x86_64"): searched directly. */
static int literal_alternatives(const char *pat)
{
	for (const char *p = pat; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '|'))
			return 0;
	}
	return 1;
}

/* Go's regexp.MatchString(pattern, s): an unanchored search. */
static int pattern_search(const char *pattern, const char *s)
{
	regex_t re;
	int found;

	if (literal_alternatives(pattern)) {
		const char *alt = pattern;

		for (;;) {
			size_t n = strcspn(alt, "|");

			if (n == 0)
				return 1; /* an empty alternative matches everything, as in Go */
			for (const char *p = s; strlen(p) >= n; p++)
				if (strncmp(p, alt, n) == 0)
					return 1;
			if (!alt[n])
				return 0;
			alt += n + 1;
		}
	}
	/* Anything else through POSIX extended expressions; one that does not
	 * compile matches nothing, as a Go pattern that does not compile. */
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	found = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

int rpmmatch_arch(enum claro_arch_op op, const char *package_arch, const char *vuln_arch)
{
	const char *a = or_empty(package_arch), *b = or_empty(vuln_arch);

	if (!*b)
		return 1;
	if (!*a)
		return 0;
	switch (op) {
	case CLARO_ARCH_OP_EQUALS: return strcmp(a, b) == 0;
	case CLARO_ARCH_OP_NOT_EQUALS: return strcmp(a, b) != 0;
	case CLARO_ARCH_OP_PATTERN: return pattern_search(b, a);
	case CLARO_ARCH_OP_NONE: break;
	}
	return 0;
}

enum rpmmatch_verdict rpmmatch_rule(const struct claro_version_scheme_ops *scheme,
				    const struct claro_index_record *record,
				    const struct claro_vulnerability *vuln)
{
	const char *installed = record->package ? or_empty(record->package->version) : "";
	const char *bound = RPM_INFINITY;
	int less_only = 0, cmp = 0;

	if (vuln->fixed_in_version && *vuln->fixed_in_version) {
		bound = vuln->fixed_in_version;
		less_only = 1;
	} else if (vuln->package && vuln->package->version && *vuln->package->version) {
		bound = vuln->package->version;
	}
	if (!*installed || scheme->compare(installed, installed, &cmp) != CLARO_OK)
		return RPMMATCH_BAD_INSTALLED;
	if (scheme->compare(installed, bound, &cmp) != CLARO_OK)
		return RPMMATCH_BAD_ADVISORY;
	if (less_only ? cmp >= 0 : cmp > 0)
		return RPMMATCH_NOT_VULNERABLE;
	return rpmmatch_arch(vuln->arch_op, record->package ? record->package->arch : NULL,
			     vuln->package ? vuln->package->arch : NULL)
		   ? RPMMATCH_VULNERABLE
		   : RPMMATCH_NOT_VULNERABLE;
}

enum claro_status rpmmatch_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *record,
				      const struct claro_vulnerability *vuln, int *vulnerable)
{
	const struct claro_host *h = ctx->host;
	const struct claro_version_scheme_ops *rpm = h->version_scheme(ctx, "rpm");
	enum rpmmatch_verdict v;

	*vulnerable = 0;
	if (!rpm) {
		h->error(ctx, CLARO_ERR_CONFIG, "no version scheme \"rpm\" is loaded");
		h->error_detail(ctx, "The RPM-family matchers compare versions with the \"rpm\" scheme.");
		h->error_hint(ctx, "Load the versions plugin (versions.so) next to this one.");
		return CLARO_ERR_CONFIG;
	}
	v = rpmmatch_rule(rpm, record, vuln);
	if (v == RPMMATCH_BAD_INSTALLED || v == RPMMATCH_BAD_ADVISORY) {
		h->log(ctx, CLARO_LOG_DEBUG,
		       "%s %s, advisory %s: %s version is not an RPM version; taken as not "
		       "vulnerable",
		       record->package ? or_empty(record->package->name) : "?",
		       record->package ? or_empty(record->package->version) : "?", or_empty(vuln->name),
		       v == RPMMATCH_BAD_INSTALLED ? "the installed" : "the advisory's");
		return CLARO_OK;
	}
	*vulnerable = v == RPMMATCH_VULNERABLE;
	return CLARO_OK;
}
