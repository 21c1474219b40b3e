/* claro plugin SDK: scanners (package, distribution, repository, file).
 *
 * A scanner reads one layer's filesystem through the host's layer services
 * (struct claro_host: fs_*) and adds what it found to the result with
 * host->add_package() and friends. It never sees the tar, the network or the
 * database. Results are cached per (layer digest, scanner name, version,
 * kind): change what a scanner reports and you must bump the component's
 * version (Clair's rule), which re-runs exactly that scanner.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_SCANNER_H
#define CLARO_KINDS_SCANNER_H

#include <claro/status.h>
#include <claro/records.h>

struct claro_ctx;
struct claro_layer;       /* one layer's filesystem; host-owned, opaque */
struct claro_scan_result; /* where a scan puts its findings; host-owned, opaque */

/* Scan one layer. Return CLARO_OK with nothing added when the layer holds
 * nothing of interest; an error fails the index with the error's message.
 * Since: ABI 1.0 */
typedef enum claro_status (*claro_scan_fn)(struct claro_ctx *ctx, struct claro_layer *layer,
					   struct claro_scan_result *out);

/* CLARO_KIND_PACKAGE_SCANNER. Since: ABI 1.0 */
struct claro_package_scanner_ops {
	uint32_t struct_size;
	claro_scan_fn scan;
	/* Optional: attached to every package found in a layer (Clair's
	 * DefaultRepoScanner), e.g. {name "pypi", uri "https://pypi.org/simple"}. */
	const struct claro_repository *default_repository;
};

/* CLARO_KIND_DISTRIBUTION_SCANNER. At most one distribution per layer is used
 * by the coalescers. Since: ABI 1.0 */
struct claro_distribution_scanner_ops {
	uint32_t struct_size;
	claro_scan_fn scan;
};

/* CLARO_KIND_REPOSITORY_SCANNER. Since: ABI 1.0 */
struct claro_repository_scanner_ops {
	uint32_t struct_size;
	claro_scan_fn scan;
};

/* CLARO_KIND_FILE_SCANNER. Since: ABI 1.0 */
struct claro_file_scanner_ops {
	uint32_t struct_size;
	claro_scan_fn scan;
};

/* File types in struct claro_file_info. Values are ABI. Since: ABI 1.0 */
enum claro_file_type {
	CLARO_FILE_REGULAR = 1,
	CLARO_FILE_DIRECTORY = 2,
	CLARO_FILE_SYMLINK = 3,
	CLARO_FILE_OTHER = 4
};

/* What fs_stat and fs_walk report about a path. Strings are borrowed until
 * the call (or callback) returns. Since: ABI 1.0 */
struct claro_file_info {
	uint32_t struct_size;
	const char *path; /* relative to the layer root, no leading "/" */
	enum claro_file_type type;
	uint64_t size;
	uint32_t mode;           /* permission bits */
	int64_t mtime;           /* seconds since the epoch */
	const char *link_target; /* symlinks only, else NULL */
};

/* fs_walk/fs_glob callback: return 0 to continue, non-zero to stop early
 * (the walk then returns CLARO_OK). Since: ABI 1.0 */
typedef int (*claro_walk_fn)(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg);

struct claro_file; /* an open file in a layer; host-owned, opaque */

#endif /* CLARO_KINDS_SCANNER_H */
