/* Red Hat's repository-to-CPE mapping (reference §3.8; Clair's
 * repository-to-cpe.json): which product CPEs a dnf repository id belongs
 * to. It comes from a local file (repo2cpe_mapping_file), from a URL
 * (repo2cpe_mapping_url, default Red Hat's) or both: the file seeds it and
 * the URL refreshes it, as in Clair (claircore:rhel/repositoryscanner.go):
 *
 *   - neither key set: the default URL;
 *   - a file only: the file and nothing else (no network);
 *   - a URL (with or without a file): fetched through host->http_fetch the
 *     first time a scan needs it, then at most once a day with
 *     If-Modified-Since; a failed fetch is retried after five minutes
 *     (claro; Clair waits a day).
 *
 * A fetch that fails (no network, airgap, HTTP error, bad JSON) is a
 * warning: the previous copy (or the file's) stays in use, and without any
 * copy lookups find nothing. Never an error for the scan.
 *
 * The JSON: {"data": {"<repoid>": {"cpes": ["cpe:/o:redhat:...", ...],
 * ...}, ...}}. Outside data: fuzzed by tests/fuzz/fuzz_rhel_buildinfo.c.
 * Thread-safe: scanners run on many workers at once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_REPO2CPE_H
#define CLARO_PLUGINS_RHEL_REPO2CPE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <claro/plugin.h>

#define REPO2CPE_DEFAULT_URL "https://security.access.redhat.com/data/metrics/repository-to-cpe.json"
#define REPO2CPE_MAX_BYTES   ((size_t)256 << 20)

struct repo2cpe;

struct repo2cpe_config {
	const char *file;        /* or NULL */
	const char *url;         /* or NULL (the default when file is NULL too) */
	int64_t timeout_seconds; /* per fetch; 0 = the host's default */
	int64_t refresh_seconds; /* between successful fetches */
	int64_t retry_seconds;   /* after a failed fetch */
};

/* Parse a mapping file's bytes: *data is its "data" object (a new
 * reference). CLARO_ERR_INVALID with reason filled in otherwise. */
enum claro_status repo2cpe_parse(const char *bytes, size_t len, json_t **data, char *reason, size_t size);

/* Set up from configuration (in the plugin's init): the file is read and
 * parsed now; a missing or malformed file is a three-part CLARO_ERR_CONFIG
 * error. Nothing is fetched yet. */
enum claro_status repo2cpe_new(struct claro_ctx *ctx, const struct repo2cpe_config *cfg,
			       struct repo2cpe **out);
void repo2cpe_free(struct repo2cpe *m);

/* The mapping to look repoids up in (a new reference: json_decref it), after
 * fetching when a fetch is due; NULL when there is no mapping at all (a
 * warning saying why has been logged). */
json_t *repo2cpe_acquire(struct repo2cpe *m, struct claro_ctx *ctx);

/* The "cpes" array of repoid in a mapping (borrowed), or NULL when the
 * mapping does not know the repoid (or the entry has no array). */
json_t *repo2cpe_cpes(json_t *mapping, const char *repoid);

#endif /* CLARO_PLUGINS_RHEL_REPO2CPE_H */
