/* vex: one Red Hat CSAF VEX document (JSON) into vulnerability records, as
 * claircore's rhel/vex parser makes them (reference §5.2):
 *
 * Per document: the tracking id is the name of every record; a document
 * with tracking status "deleted", or one that yields no record, is a
 * delete of that name (the delta store drops what it carried under it).
 *
 * Per vulnerability of the document, every product id of a product status
 * is resolved through the "default_component_of" relationships (nested
 * ones too) into a package product (its purl) and a repository product (its
 * CPE). Products without a relationship, a purl or a CPE are skipped, and
 * so are purls that are neither rpm nor oci, rpm purls outside the
 * "redhat" namespace, packages named kernel*, and products with no impact
 * threat whose CVSS base score is 0. Then:
 *
 *   fixed           one record per package (purl without its arch, and
 *                   CPE): kind binary, fixed_in_version [epoch:]version-
 *                   release (epoch 0 by default; oci: the tag qualifier),
 *                   module from the rpmmod qualifier ("name:stream"), the
 *                   arches of all its products joined with '|' ("amd64|
 *                   x86_64" for x86_64) with arch_op "pattern match";
 *                   source-arch (src, nosrc) products are skipped;
 *   known_affected  one record per product, kind source, no fixed version
 *                   (unpatched), no arch;
 *   known_not_affected  resolved and counted, not emitted (the SDK has no
 *                   "not affected" record yet: Clair's Invert).
 *
 * Every record: description the last "description" note; issued the
 * vulnerability's release_date; links its references' URLs, the document's
 * self link, (fixed) the product's remediation URL, then "#" and the
 * path-escaped product id (as claircore's acceptance tests read them back);
 * severity the CVSS vector of the product's score (v4, else v3, else v2;
 * "Unknown" without a score); normalized severity from the product's
 * "impact" threat (low, moderate, important, critical; anything else
 * Unknown). Repository: rpm products {name = cpe = the CPE as a 2.3
 * formatted string, key "rhel-cpe-repository"}; oci products {the same with
 * key "rhcc-container-repository"} and a range of rhctag normalised
 * versions (fixed: [major.minor.0, major.minor.MAX), the lowest per image
 * widened down to 0; known_affected: everything).
 *
 * Pure library code (jansson, libc, plugins/common/cpe.c, the osv plugin's
 * CVSS parser), so it can be fuzzed without a host.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_VEX_H
#define CLARO_PLUGINS_RHEL_VEX_H

#include <stddef.h>
#include <stdint.h>

#include <claro/records.h>
#include <claro/status.h>

/* A three-part error of the VEX code (the updater hands it to the host).
 * from_sink: the sink failed and has set the host's error itself. */
struct vex_error {
	enum claro_status status;
	int from_sink;
	char what[384];
	char detail[768];
	char hint[384];
};

/* Set all three parts; detail is a printf format. Returns status. */
enum claro_status vex_error_set(struct vex_error *e, enum claro_status status, const char *what,
				const char *hint, const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Where records and deletes go. Either may fail; the conversion stops. */
struct vex_sink {
	enum claro_status (*emit)(void *arg, const struct claro_vulnerability *v);
	enum claro_status (*deleted)(void *arg, const char *name);
	void *arg;
};

/* Counts over every document converted with the same stats. */
struct vex_stats {
	size_t documents;
	size_t deleted_documents;             /* tracking status "deleted" */
	size_t empty_documents;               /* no record: deleted as well */
	size_t records;                       /* emitted */
	size_t fixed, affected, not_affected; /* products resolved, per status */
	size_t unrelated;                     /* no relationship to a repository */
	size_t incomplete;                    /* product, purl or CPE missing */
	size_t bad_purl;                      /* a purl that does not parse */
	size_t bad_cpe;                       /* a CPE that does not unbind */
	size_t other_type;                    /* not rpm or oci, or an rpm outside "redhat" */
	size_t kernel;                        /* kernel* packages */
	size_t zero_score;                    /* no impact threat and a 0 base score */
	size_t source_arch;                   /* fixed src/nosrc products */
	size_t bad_module;                    /* an rpmmod qualifier that is no name:stream */
	size_t bad_score;                     /* a score without a valid CVSS vector */
	size_t bad_tag;                       /* an oci product without a readable tag */
};

/* Convert one document (data[0..len), need not be NUL-terminated). source
 * names it in errors (its path or URL). A document that is not JSON, or
 * whose fields have the wrong types (as Go's decoder into claircore's CSAF
 * types would refuse), or whose relationships loop, is CLARO_ERR_INVALID
 * with a three-part error naming source; the sink's failures are passed on
 * (err->from_sink). */
enum claro_status vex_convert(const char *data, size_t len, const char *source, const struct vex_sink *sink,
			      struct vex_stats *stats, struct vex_error *err);

/* Go's url.PathEscape of s (malloc'd), or NULL when out of memory. */
char *vex_path_escape(const char *s);

#endif /* CLARO_PLUGINS_RHEL_VEX_H */
