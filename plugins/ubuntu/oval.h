/* oval: OVAL definitions with dpkginfo tests (Ubuntu's CVE OVAL) into
 * vulnerabilities on binary packages, as claircore's ovalutil.DpkgDefsToVulns
 * builds them (reference §5.2):
 *
 *   for each definition, every criterion (any depth, negate ignored) whose
 *   test is a dpkginfo_test with a dpkginfo_object: the object's name, or
 *   every value of the constant_variable its var_ref names, is a binary
 *   package; the test's dpkginfo_state (optional; one without an evr is not a
 *   vulnerability) gives fixed_in_version (the evr verbatim -- "0" is
 *   Ubuntu's "not fixed yet") and arch / arch_op. Name = definition title;
 *   description; severity = the advisory's; links = reference ref_urls,
 *   advisory refs, bugs and cve hrefs; issued = advisory issued date.
 *   Tests, objects, states or variables that are missing or of another kind
 *   make the criterion count as unresolved, never an error (claircore logs
 *   and moves on).
 *
 * Memory stays bounded however large the document: libxml2's streaming
 * reader (xmlReaderForIO) reads it twice from the decompressing feedstream.
 * Pass 1 keeps only the compact tables of tests, objects, states and
 * variables (interned strings); pass 2 streams the definitions one at a
 * time. Since pass 1 reads the whole document, malformed XML (truncated,
 * bad nesting, a DTD, too deep, bad compression, too large) is reported
 * before the first vulnerability.
 *
 * A document without any definition is refused too: no real feed is empty,
 * and an empty result must never pass for a clean one.
 *
 * Hostile input: a DOCTYPE is refused (no entity expansion at all), no
 * network access, libxml2's default limits (depth 256, 10 MB text nodes),
 * the decompressed size is capped by max_bytes, per-definition texts by
 * OVAL_MAX_TEXT.
 *
 * Pure library code (libxml2, libarchive, libc): fuzzed by
 * tests/fuzz/fuzz_ubuntu_oval.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_UBUNTU_OVAL_H
#define CLARO_PLUGINS_UBUNTU_OVAL_H

#include <stddef.h>
#include <stdint.h>

#include <claro/records.h>
#include <claro/status.h>

#define OVAL_MAX_TEXT ((size_t)4 << 20) /* one title, description, link list */

/* Strings are never NULL ("" when absent) and live until the callback returns. */
struct oval_vuln {
	const char *name; /* the definition's title */
	const char *description;
	const char *severity;
	const char *links; /* space-separated */
	int64_t issued;    /* seconds since the epoch; INT64_MIN when unknown */
	const char *package;
	const char *fixed_version;
	const char *arch;
	enum claro_arch_op arch_op;
};

typedef enum claro_status (*oval_vuln_fn)(void *arg, const struct oval_vuln *v);

struct oval_stats {
	const char *compression; /* "none", "bzip2", ... */
	uint64_t bytes;          /* decompressed size */
	size_t definitions;
	size_t criteria;   /* criterions seen */
	size_t unresolved; /* criterions without a usable dpkginfo test */
	size_t vulnerabilities;
	size_t table_bytes; /* memory held by the pass-1 tables */
};

struct oval_error {
	char detail[384];
};

/* Parse data[0..len) (plain or compressed). CLARO_OK, CLARO_ERR_INVALID
 * (err says where and why), CLARO_ERR_TOO_LARGE (past max_bytes
 * decompressed, or a table past 4 GiB), CLARO_ERR_NOMEM, or what fn
 * returned. fn NULL only checks. stats may be NULL. */
enum claro_status oval_parse_dpkg(const unsigned char *data, size_t len, uint64_t max_bytes, oval_vuln_fn fn,
				  void *arg, struct oval_stats *stats, struct oval_error *err);

/* Ubuntu's severities one-to-one (reference §5.3): Negligible, Low, Medium,
 * High, Critical; anything else (Untriaged) -> Unknown. */
enum claro_severity oval_ubuntu_severity(const char *severity);

#endif /* CLARO_PLUGINS_UBUNTU_OVAL_H */
