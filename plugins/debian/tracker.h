/* tracker: the Debian security tracker's JSON
 * (https://security-tracker.debian.org/tracker/data/json):
 *
 *   {"<source package>": {"<CVE or TEMP id>": {
 *        "description": "...", "scope": "...", "debianbug": 123,
 *        "releases": {"<codename>": {"status": "resolved|open|undetermined",
 *                                     "fixed_version": "1.2-3" | "0",
 *                                     "urgency": "low|medium|high|unimportant|...",
 *                                     "repositories": {...}}}}}}
 *
 * One record per (source package, id, release) for the releases the caller
 * wants, as claircore's debian parser builds them (reference §5.2). Typing
 * follows Go's encoding/json as claircore decodes it: null stands for an
 * absent value, any other wrong type is an error; members claircore does not
 * read are not checked. One leniency: an empty array stands for an empty
 * object (a package, an entry or "releases": [] as real exports have it),
 * where Go would refuse the whole document.
 *
 * The document is split member by member (jsonsplit.h) and each CVE entry
 * decoded on its own, so memory stays bounded by the largest entry, not the
 * document. The whole document is checked before the first record is
 * reported: a bad document reports nothing. Pure library code (jansson,
 * libc): fuzzed by tests/fuzz/fuzz_debian_tracker.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_DEBIAN_TRACKER_H
#define CLARO_PLUGINS_DEBIAN_TRACKER_H

#include <stddef.h>

#include <claro/records.h>
#include <claro/status.h>

/* Fields are never NULL ("" when absent). */
struct tracker_record {
	const char *package; /* source package */
	const char *id;      /* CVE-..., TEMP-... */
	const char *description;
	const char *release; /* code name, e.g. "bookworm" */
	const char *status;
	const char *fixed_version; /* "" unfixed, "0" not affected */
	const char *urgency;
};

/* Does the caller want records of this release? */
typedef int (*tracker_release_fn)(void *arg, const char *release);
/* One record; a non-OK return stops the walk and is returned. */
typedef enum claro_status (*tracker_record_fn)(void *arg, const struct tracker_record *r);

struct tracker_error {
	char detail[320];
};

/* CLARO_OK, CLARO_ERR_INVALID (err says where and why; fn was never called),
 * CLARO_ERR_NOMEM, or what fn returned. want NULL wants every release; fn
 * NULL only checks the document. */
enum claro_status tracker_parse(const char *data, size_t len, tracker_release_fn want, tracker_record_fn fn,
				void *arg, struct tracker_error *err);

/* Clair's urgency mapping (reference §5.3), shifted up one step:
 * unimportant -> Low, low -> Medium, medium -> High, high -> Critical
 * (case-insensitive, exact), anything else -> Unknown. */
enum claro_severity tracker_severity(const char *urgency);

#endif /* CLARO_PLUGINS_DEBIAN_TRACKER_H */
