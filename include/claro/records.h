/* claro plugin SDK: the records plugins hand to the host and get back from it.
 *
 * Field names follow Clair v4's wire format (reference §1.7, §2). Every record
 * starts with struct_size; the host reads only the fields that fit inside it,
 * so new fields are appended at the end (minor bump).
 *
 * Strings are NUL-terminated UTF-8. A NULL string means "empty". Records passed
 * to the host are borrowed for the duration of the call: the host copies what
 * it keeps. Records the host passes to a plugin are borrowed until the callback
 * returns.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_RECORDS_H
#define CLARO_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define CLARO_NORM_VERSION_LEN 10

/* A fixed-width comparable form of a version (Clair's NormalizedVersion).
 * kind is "" (none), a scheme name such as "semver" or "pep440", or
 * "unmatchable" (the matcher skips the package). Since: ABI 1.0 */
struct claro_normalized_version {
	const char *kind;
	int32_t v[CLARO_NORM_VERSION_LEN];
};

/* Package kinds on the wire. Since: ABI 1.0 */
#define CLARO_PACKAGE_BINARY "binary"
#define CLARO_PACKAGE_SOURCE "source"

/* One installed package (Clair's Package). Since: ABI 1.0 */
struct claro_package {
	uint32_t struct_size; /* sizeof(struct claro_package) at build time */
	const char *name;
	const char *version; /* as the package manager reports it (RPM: EVR, epoch 0 omitted) */
	const char *kind;    /* CLARO_PACKAGE_BINARY or CLARO_PACKAGE_SOURCE */
	const char *arch;
	const char *module;          /* RPM modularity "name:stream" */
	const char *cpe;             /* CPE 2.3 formatted string */
	const char *package_db;      /* internal: "<kind>:<path>" or a path, e.g. var/lib/dpkg/status */
	const char *filepath;        /* internal: the file the package came from */
	const char *repository_hint; /* internal: free-form hint (md5, key id, registry URL) */
	const struct claro_package *source; /* the source package, or NULL */
	struct claro_normalized_version normalized_version;
};

/* A distribution (os-release shaped; Clair's Distribution). Since: ABI 1.0 */
struct claro_distribution {
	uint32_t struct_size;
	const char *did; /* os-release ID */
	const char *name;
	const char *version;
	const char *version_code_name;
	const char *version_id;
	const char *arch;
	const char *cpe;
	const char *pretty_name;
};

/* A repository (Clair's Repository). Since: ABI 1.0 */
struct claro_repository {
	uint32_t struct_size;
	const char *name;
	const char *key;
	const char *uri;
	const char *cpe;
};

/* File kinds reported by file scanners. Since: ABI 1.0 */
#define CLARO_FILE_WHITEOUT "whiteout"

/* A file of interest found in a layer (Clair's File). Since: ABI 1.0 */
struct claro_file_record {
	uint32_t struct_size;
	const char *path;
	const char *kind; /* CLARO_FILE_WHITEOUT */
};

/* Where a package lives in an image (Clair's Environment). Since: ABI 1.0 */
struct claro_environment {
	uint32_t struct_size;
	const char *package_db;
	const char *introduced_in;                          /* digest of the layer that introduced it */
	const struct claro_distribution *distribution;      /* or NULL */
	const struct claro_repository *const *repositories; /* NULL-terminated, or NULL */
};

/* Architecture operations on a vulnerability. Values are ABI. Since: ABI 1.0 */
enum claro_arch_op {
	CLARO_ARCH_OP_NONE = 0,
	CLARO_ARCH_OP_EQUALS = 1,
	CLARO_ARCH_OP_NOT_EQUALS = 2,
	CLARO_ARCH_OP_PATTERN = 3
};

/* Normalised severities. Values are ABI and ordered. Since: ABI 1.0 */
enum claro_severity {
	CLARO_SEVERITY_UNKNOWN = 0,
	CLARO_SEVERITY_NEGLIGIBLE = 1,
	CLARO_SEVERITY_LOW = 2,
	CLARO_SEVERITY_MEDIUM = 3,
	CLARO_SEVERITY_HIGH = 4,
	CLARO_SEVERITY_CRITICAL = 5
};

/* An advisory's statement about one package (Clair's Vulnerability).
 * Since: ABI 1.0 */
struct claro_vulnerability {
	uint32_t struct_size;
	const char *id;      /* set by the host on records it hands out; ignored on emit */
	const char *updater; /* set by the host on emit */
	const char *name;    /* advisory or CVE id as the vendor presents it */
	const char *description;
	int64_t issued;       /* seconds since the epoch; INT64_MIN when unknown */
	const char *links;    /* URLs separated by spaces */
	const char *severity; /* vendor text */
	enum claro_severity normalized_severity;
	const struct claro_package *package;           /* name, version, module, arch, kind */
	const struct claro_distribution *distribution; /* or NULL */
	const struct claro_repository *repository;     /* or NULL */
	const char *fixed_in_version;
	enum claro_arch_op arch_op;
	/* Half-open [lower, upper) interval of normalised versions; both kinds
	 * empty when there is no range. */
	struct claro_normalized_version range_lower;
	struct claro_normalized_version range_upper;
};

/* The unit of matching: one package in one distribution and repository
 * (Clair's IndexRecord). Since: ABI 1.0 */
struct claro_index_record {
	uint32_t struct_size;
	const struct claro_package *package;
	const struct claro_distribution *distribution; /* or NULL */
	const struct claro_repository *repository;     /* or NULL */
};

#endif /* CLARO_RECORDS_H */
