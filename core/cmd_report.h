/* claroctl report (cmd_report.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_CMD_REPORT_H
#define CLARO_CORE_CMD_REPORT_H

#include "config.h"
#include "error.h"

/* What claroctl's global options decided: in-process or a daemon. */
struct report_source {
	int local;        /* --local: this process's plugins and store */
	const char *host; /* the daemon otherwise */
	/* The effective configuration for --local (config file, --db, ...). */
	enum claro_status (*local_config)(void *arg, struct config *cfg, struct error *err);
	void *arg;
	const char *image_name; /* set by report_main */
};

#define REPORT_USAGE                                                                             \
	"claroctl [--local | --host URL] report [OPTIONS] IMAGE\n"                               \
	"\n"                                                                                     \
	"Index IMAGE, match it against the advisory database and print its vulnerability\n"      \
	"report.\n"                                                                              \
	"\n"                                                                                     \
	"  -f, --format FORMAT  text (default: a table grouped by package), json (Clair's\n"     \
	"                       VulnerabilityReport), sarif (2.1.0), cyclonedx (1.5), junit\n"   \
	"  -o, --output FILE    write the report to FILE instead of standard output\n"           \
	"  --fail-on SEVERITY   exit 2 when a vulnerability at or above SEVERITY is found\n"     \
	"                       (critical, high, medium, low, negligible, unknown)\n"            \
	"  --ignore-unfixed     leave out vulnerabilities without a fixed version\n"             \
	"  --allow-stale        with --fail-on, accept an advisory database that is stale\n"     \
	"  --color WHEN         auto (default: on a terminal, unless NO_COLOR), always, never\n" \
	"\n"                                                                                     \
	"Exit status: 0 report printed (and nothing at or above --fail-on); 2 something at\n"    \
	"or above --fail-on; 1 an error, an empty advisory database, or with --fail-on a\n"      \
	"stale one (unless --allow-stale); 64 a usage error.\n"                                  \
	"A stale database is always a warning on standard error.\n"

/* Run `report` with its arguments (argv[0] is "report"). */
int report_main(int argc, char **argv, const char *progname, const struct report_source *src);

#endif /* CLARO_CORE_CMD_REPORT_H */
