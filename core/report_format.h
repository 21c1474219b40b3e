/* Rendering a VulnerabilityReport (reference §1.7) for people and tools:
 * a text table, the Clair JSON itself, SARIF 2.1.0, CycloneDX 1.5 and JUnit
 * XML, plus the severity summary `claroctl report --fail-on` gates on.
 *
 * A report is first flattened into a view: one finding per (package,
 * vulnerability) pair, filtered (--ignore-unfixed) and sorted (package name,
 * version, severity highest first, vulnerability name), so every format lists
 * the same findings in the same order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_REPORT_FORMAT_H
#define CLARO_CORE_REPORT_FORMAT_H

#include <stdio.h>

#include <jansson.h>

#include <claro/records.h>

#include "error.h"

enum report_format {
	REPORT_FORMAT_TEXT,
	REPORT_FORMAT_JSON,
	REPORT_FORMAT_SARIF,
	REPORT_FORMAT_CYCLONEDX,
	REPORT_FORMAT_JUNIT
};

/* "text", "json", "sarif", "cyclonedx", "junit". */
enum claro_status report_format_parse(const char *name, enum report_format *out, struct error *err);

/* Clair's normalized_severity strings: "Unknown" … "Critical". */
const char *severity_name(enum claro_severity sev);
/* Case-insensitive; CLARO_ERR_INVALID (with detail and hint) otherwise. */
enum claro_status severity_parse(const char *name, enum claro_severity *out, struct error *err);

struct report_options {
	const char *image;  /* what the user named: titles, SARIF/JUnit locations */
	int ignore_unfixed; /* drop findings without a fixed version */
	int color;          /* ANSI colours in the text table */
};

/* One (package, vulnerability) pair. Pointers borrow from the report. */
struct report_finding {
	const char *package_id;
	json_t *package;
	const char *vulnerability_id;
	json_t *vulnerability;
	enum claro_severity severity;
	const char *fixed_in; /* the fixed version for display, "" when unfixed */
	const char *layer;    /* introduced_in of the package's first environment, or "" */
	const char *package_db;
	char *fixed_owned; /* storage behind fixed_in when decoded from a query string */
};

struct report_view {
	json_t *report; /* borrowed */
	struct report_finding *findings;
	size_t n_findings;
	size_t n_packages;            /* packages in the report */
	size_t n_vulnerable_packages; /* packages with at least one finding */
	size_t by_severity[CLARO_SEVERITY_CRITICAL + 1];
	enum claro_severity max_severity; /* CLARO_SEVERITY_UNKNOWN when there are no findings */
};

/* Flatten report (a parsed VulnerabilityReport) into view. A report whose
 * maps are missing or of the wrong type is CLARO_ERR_INVALID. */
enum claro_status report_view_build(json_t *report, const struct report_options *opts,
				    struct report_view *view, struct error *err);
void report_view_free(struct report_view *view);

/* Number of findings at or above sev. */
size_t report_view_count_at_least(const struct report_view *view, enum claro_severity sev);

/* Write view in format to fp. A write error is CLARO_ERR_IO. */
enum claro_status report_write(FILE *fp, const struct report_view *view, enum report_format format,
			       const struct report_options *opts, struct error *err);

#endif /* CLARO_CORE_REPORT_FORMAT_H */
