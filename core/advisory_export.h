/* Advisory snapshots as files (reference §8.9): what `claroctl updaters
 * export` writes and `claroctl updaters import` reads, in Clair's
 * export-updaters format (claircore's libvuln/jsonblob), so files move
 * between claro and Clair.
 *
 * Newline-delimited JSON, one record per line:
 *   {"Updater", "Fingerprint", "Date" (RFC 3339), "Ref" (uuid),
 *    "Vuln": <Clair Vulnerability> | "Enrichment": {"Tags": [...],
 *    "Enrichment": <JSON>}, "Kind": "vulnerability" | "enrichment"}
 * Records of one update operation are consecutive and share the Ref.
 * Export writes the latest operation of every updater (its full
 * snapshot, also for delta updaters); a .gz or .zst suffix compresses.
 *
 * Import reads a file, "-" (standard input) or an http(s) URL (downloaded
 * through the host HTTP client, so airgap and the mirror apply),
 * decompressing gzip or zstd by their magic bytes. Each operation becomes
 * one operation of the store in its own transaction, under the updater's
 * lock, dated as in the file, with a new ref; an operation whose updater
 * already has one with the same non-empty fingerprint is skipped (Clair's
 * OfflineImport). A malformed record stops the import with its line
 * number; the operation it belongs to is rolled back, earlier ones stay.
 * Hostile input is bounded: 16 MiB per line, a decompression ratio of
 * 1000 past 64 MiB, JSON nesting as jansson allows (2048), duplicate keys
 * refused. Note: a plain file cut exactly at a line boundary cannot be told
 * from a complete one (the format has no trailer); compressed files carry
 * their own end marker, which is checked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_ADVISORY_EXPORT_H
#define CLARO_CORE_ADVISORY_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "advisory_stream.h"
#include "store.h"
#include "store_advisory.h"
#include "vulnjson.h"

struct advisory_export_stats {
	size_t ops;
	size_t vulnerabilities;
	size_t enrichments;
};

/* updaters: NULL-terminated names (fnmatch patterns) to export, or NULL. */
enum claro_status advisory_export(struct store *s, const char *path, const char *const *updaters,
				  struct advisory_export_stats *stats, struct error *err);

struct advisory_import_stats {
	size_t ops;         /* operations stored */
	size_t skipped_ops; /* already present (same fingerprint) */
	size_t records;     /* records read */
	size_t new_rows;    /* rows that were not stored before */
};

/* One record of an export, checked (the import's parser, and its fuzz
 * target's). Strings point into obj; free with advisory_record_free. */
struct advisory_record {
	json_t *obj;
	const char *updater, *fingerprint, *ref;
	enum store_update_kind kind;
	int64_t date;
	struct vulnjson_view vuln; /* kind vulnerability */
	const char *tags[64 + 1];  /* kind enrichment, NULL-terminated */
	char *raw;                 /* kind enrichment: its JSON as written */
};
enum claro_status advisory_record_parse(const char *line, size_t len, struct advisory_record *rec,
					struct error *err);
void advisory_record_free(struct advisory_record *rec);
/* The JSON text of the members naming a record's operation ("Updater",
 * "Fingerprint", "Ref", "Kind"), as written, joined by NULs, without decoding
 * the record: two records whose texts are equal belong to one operation.
 * NULL (and *n 0) when one is missing, the line is not a JSON object to the
 * extent looked at, or out of memory; free() it. A quick look, not a check:
 * the import uses it to pass over the records of an operation it skips. */
char *advisory_record_op_text(const char *line, size_t len, size_t *n);

/* limits: NULL for the defaults. */
enum claro_status advisory_import(struct store *s, const char *source, const struct in_limits *limits,
				  struct advisory_import_stats *stats, struct error *err);

#endif /* CLARO_CORE_ADVISORY_EXPORT_H */
