/* rpmmatch: the vulnerable() rule the RPM-family matchers share (reference
 * §6.3, claircore:internal/rpm/matcher.go, claircore ArchOp.Cmp), compiled
 * into each plugin that has such a matcher (rhel, aws, oracle, suse,
 * photon). Versions are compared with the host's "rpm" version scheme
 * (plugins/versions: rpm 4.18's rpmverCmp).
 *
 * The RPM rule, given the installed version P and the advisory V:
 *   - V has a fixed_in_version F: vulnerable when P < F;
 *   - else V's package has a version F: vulnerable when P <= F;
 *   - else vulnerable (Clair compares with "65535:65535-65535");
 * and in every case the architecture test below must pass.
 *
 * The architecture test (Clair's ArchOp.Cmp(package arch, advisory arch)):
 * an advisory without an arch passes; otherwise a package without an arch
 * fails; "equals" and "not equals" compare the strings; "pattern match" is
 * an unanchored regular-expression search of the advisory's arch in the
 * package's (Red Hat's "aarch64|ppc64le|amd64|x86_64" lists); no operation
 * with an arch set fails.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPMMATCH_H
#define CLARO_PLUGINS_RPMMATCH_H

#include <claro/plugin.h>

/* Clair's ArchOp.Cmp: 1 when the package's arch passes, else 0. NULL is "". */
int rpmmatch_arch(enum claro_arch_op op, const char *package_arch, const char *vuln_arch);

/* The outcome of one decision. */
enum rpmmatch_verdict {
	RPMMATCH_NOT_VULNERABLE = 0,
	RPMMATCH_VULNERABLE = 1,
	RPMMATCH_BAD_INSTALLED = -1, /* the installed version is not a version */
	RPMMATCH_BAD_ADVISORY = -2   /* the advisory's version is not a version */
};

/* The RPM rule above with scheme (the host's "rpm"). */
enum rpmmatch_verdict rpmmatch_rule(const struct claro_version_scheme_ops *scheme,
				    const struct claro_index_record *record,
				    const struct claro_vulnerability *vuln);

/* vulnerable() of the aws, oracle, suse and photon matchers: the RPM rule,
 * with the version scheme looked up through ctx. A version that does not
 * parse (only "" for rpm) is logged at debug level and taken as not
 * vulnerable; a missing "rpm" scheme is an error (load the versions
 * plugin). */
enum claro_status rpmmatch_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *record,
				      const struct claro_vulnerability *vuln, int *vulnerable);

#endif /* CLARO_PLUGINS_RPMMATCH_H */
