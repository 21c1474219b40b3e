/* Per-thread caches for the vulnerability report of a long-running server.
 *
 * A registry polls the report of the same manifest again and again. Two
 * inputs of a report cost far more to rebuild than to check:
 *   - the stored IndexReport's parse (a sixth of a 1,000-package report,
 *     tests/bench/bench-matcher.sh): kept with the digest and the stored
 *     text; a hit needs byte-identical text, so a re-indexed manifest is
 *     parsed afresh and nothing needs invalidating;
 *   - the "advisory_database" freshness object (one entry per updater: a
 *     thousand updaters made it most of a small report's time): kept with
 *     the store's updater generation (store_updater_generation) and the time
 *     its first updater turns stale; a hit needs the same generation and
 *     stale_after, before that time.
 * Per thread, so the shared JSON is never touched by two threads; callers
 * must not modify what they get, except through report_cache_freshness.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_REPORT_CACHE_H
#define CLARO_CORE_REPORT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* IndexReport texts larger than this are parsed but not kept. */
#define REPORT_CACHE_MAX_INDEX_BYTES (8u * 1024 * 1024)

/* text (len bytes) parsed, a new reference, or NULL with *je set. */
json_t *report_cache_index(const char *digest, const char *text, size_t len, json_error_t *je);

/* The kept freshness object for (generation, stale_after) while now is
 * before its valid_until, its "checked_at" set to checked_at (a new
 * reference); NULL when there is none. */
json_t *report_cache_freshness(const char *generation, int64_t stale_after, int64_t now, json_t *checked_at);
/* Keep obj (a reference is taken) for report_cache_freshness. */
void report_cache_freshness_keep(const char *generation, int64_t stale_after, int64_t valid_until,
				 json_t *obj);

#endif /* CLARO_CORE_REPORT_CACHE_H */
