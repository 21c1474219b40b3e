/* apkdb: a parser for apk-tools' installed database, lib/apk/db/installed.
 *
 * The file is a list of entries separated by blank lines; each line of an
 * entry is a one-letter key, a colon and a value ("P:busybox"). The parser
 * reads the five keys a package scanner needs -- P (name), V (version),
 * A (architecture), o (origin, the source package) and c (the aports commit)
 * -- and skips every other key (files, checksums, dependencies, ...).
 *
 * It allocates nothing: each entry is handed to a callback as slices of the
 * caller's buffer, trimmed of surrounding blanks, so the parser can run over
 * untrusted bytes of any size (it is a fuzz target).
 *
 * Rules, following apk-tools' own reader where Clair is silent:
 *   - a line is terminated by LF; a CR before the LF is dropped; an empty line
 *     ends the current entry;
 *   - lines shorter than 2 bytes are ignored (Clair);
 *   - any other line must have ':' as its second byte, else the database is
 *     invalid (apk-tools: "FDB format error");
 *   - when a key repeats within an entry the last value wins;
 *   - an entry with fields but without P or V is invalid (apk-tools refuses
 *     to load such a database);
 *   - a NUL byte anywhere makes the database invalid (it is a text file).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_APKDB_H
#define CLARO_PLUGINS_APKDB_H

#include <stddef.h>

#include <claro/status.h>

/* A value inside the parsed buffer: not NUL-terminated; len 0 when absent. */
struct apkdb_field {
	const char *ptr;
	size_t len;
};

/* One installed package. */
struct apkdb_entry {
	struct apkdb_field name;    /* P: */
	struct apkdb_field version; /* V: */
	struct apkdb_field arch;    /* A: */
	struct apkdb_field origin;  /* o: */
	struct apkdb_field commit;  /* c: */
	size_t line;                /* 1-based line of the entry's first field */
};

/* Where and why parsing failed. reason is a static string, lower case, no
 * period; line is 1-based. */
struct apkdb_error {
	size_t line;
	const char *reason;
};

/* Called for each complete entry in file order; entry is borrowed for the
 * call. Returning anything but CLARO_OK stops the parse, and apkdb_parse()
 * returns that status. */
typedef enum claro_status (*apkdb_entry_fn)(const struct apkdb_entry *entry, void *arg);

/* Parse len bytes of data. CLARO_OK after the last entry, CLARO_ERR_INVALID
 * (with *err filled in, if err is not NULL) on malformed input, or the
 * callback's status. Entries before a malformed line have already been
 * delivered. */
enum claro_status apkdb_parse(const char *data, size_t len, apkdb_entry_fn fn, void *arg,
			      struct apkdb_error *err);

#endif /* CLARO_PLUGINS_APKDB_H */
