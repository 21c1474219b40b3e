/* Red Hat's container build labels, root/buildinfo/labels.json or
 * usr/share/buildinfo/labels.json (reference §4.2 "rhcc";
 * claircore:rhel/rhcc/detector.go, testdata/labels.schema.json):
 *
 *   {"name": "ubi9/ubi", "architecture": "x86_64",
 *    "org.opencontainers.image.created": "2025-04-14T02:14:26Z",
 *    "cpe": "cpe:/a:redhat:...", ...}
 *
 * Read as Go's encoding/json reads them into claircore's struct: keys match
 * exactly, else case-insensitively; the four values are strings or null;
 * "created" is an RFC 3339 time. Values wrapped in a second layer of quotes
 * ("\"x86_64\"", a build tooling bug) are unwrapped as Go's strconv.Unquote
 * does. Outside data: fuzzed by tests/fuzz/fuzz_rhel_buildinfo.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_LABELS_H
#define CLARO_PLUGINS_RHEL_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>

struct rhcc_labels {
	char *name;         /* "" when absent */
	char *architecture; /* "" when absent */
	char *cpe;          /* "" when absent */
	int has_created;    /* created is set and not Go's zero time */
	int64_t created;    /* seconds since the epoch */
};

/* CLARO_OK; CLARO_ERR_INVALID with reason when the bytes are not a JSON
 * object, a value has the wrong type or the time does not parse;
 * CLARO_ERR_NOMEM. Release with rhcc_labels_free on success. */
enum claro_status rhcc_labels_parse(const char *data, size_t len, struct rhcc_labels *out, char *reason,
				    size_t size);
void rhcc_labels_free(struct rhcc_labels *l);

/* RFC 3339 ("2006-01-02T15:04:05Z", fractions and offsets too) to seconds
 * since the epoch; -1 when it does not parse, 0 otherwise. *zero is set when
 * it is Go's zero time (0001-01-01T00:00:00Z). */
int rhcc_parse_time(const char *s, int64_t *out, int *zero);

#endif /* CLARO_PLUGINS_RHEL_LABELS_H */
