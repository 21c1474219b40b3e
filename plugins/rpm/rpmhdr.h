/* RPM header blobs, as every rpm database stores them (a header without the
 * lead and magic of a package file; rpm's hdrblob):
 *
 *   il, dl            two big-endian uint32: index entries, data bytes
 *   il entries        16 bytes each: tag, type, offset into data, count
 *   dl bytes of data
 *
 * rpmhdr_parse checks the whole frame (sizes within rpm's limits, the blob
 * exactly 8 + 16 il + dl bytes, every entry's type known and its offset
 * inside the data, an immutable region's trailer where the first entry
 * opens one) and then extracts the tags the rpm scanner and the RPM-owned
 * path set need, each checked against its type and the data bounds: strings
 * must end inside the data, integers must be aligned and fit. Strings come
 * back as pointers into the blob; nothing is copied or allocated. A tag that
 * occurs twice takes its last value (rpm lets entries appended after the
 * region replace those in it).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_RPMHDR_H
#define CLARO_PLUGINS_RPM_RPMHDR_H

#include <stddef.h>
#include <stdint.h>

#include "rpmdb_io.h"

/* Tags read here (rpm's rpmtag.h). */
#define RPMTAG_HEADERIMAGE       61
#define RPMTAG_HEADERSIGNATURES  62
#define RPMTAG_HEADERIMMUTABLE   63
#define RPMTAG_SIGPGP            259
#define RPMTAG_NAME              1000
#define RPMTAG_VERSION           1001
#define RPMTAG_RELEASE           1002
#define RPMTAG_EPOCH             1003
#define RPMTAG_ARCH              1022
#define RPMTAG_OLDFILENAMES      1027
#define RPMTAG_SOURCERPM         1044
#define RPMTAG_DIRINDEXES        1116
#define RPMTAG_BASENAMES         1117
#define RPMTAG_DIRNAMES          1118
#define RPMTAG_PAYLOADDIGEST     5092
#define RPMTAG_PAYLOADDIGESTALGO 5093
#define RPMTAG_MODULARITYLABEL   5096

/* A run of count NUL-terminated strings inside the blob. */
struct rpmhdr_strings {
	const char *first; /* NULL when the tag is absent */
	uint32_t count;
};

/* What one header says. Strings are NULL when their tag is absent. */
struct rpmhdr {
	const char *name;
	const char *version;
	const char *release;
	const char *arch;
	const char *sourcerpm;
	const char *modularitylabel;
	const char *payloaddigest; /* the first PAYLOADDIGEST string */
	int has_epoch;
	int32_t epoch;
	int has_digest_algo;
	int32_t digest_algo;
	const unsigned char *sigpgp; /* SIGPGP: an OpenPGP signature packet */
	size_t sigpgp_len;
	/* The file list: BASENAMES[i] in DIRNAMES[DIRINDEXES[i]] (validated:
	 * as many indexes as base names, each naming a directory), or the
	 * legacy OLDFILENAMES when there are no BASENAMES. */
	struct rpmhdr_strings basenames;
	struct rpmhdr_strings dirnames;
	const unsigned char *dirindexes; /* count = basenames.count, big-endian int32 */
	struct rpmhdr_strings oldfilenames;
};

/* Parse blob[0..len) into *h (pointing into blob). CLARO_ERR_INVALID with
 * err set when the header is malformed. */
enum claro_status rpmhdr_parse(const unsigned char *blob, size_t len, struct rpmhdr *h,
			       struct rpmdb_error *err);

/* Number of files in the header's file list. */
uint32_t rpmhdr_file_count(const struct rpmhdr *h);

/* Call fn for each file as (directory, base name), lengths excluding the
 * NUL: with BASENAMES the directory is its DIRNAMES entry (normally ending
 * in "/"), with OLDFILENAMES the directory is "" and the base the whole
 * name. CLARO_ERR_NOMEM, or what fn returned. */
typedef enum claro_status (*rpmhdr_file_fn)(void *arg, const char *dir, size_t dirlen, const char *base,
					    size_t baselen);
enum claro_status rpmhdr_files(const struct rpmhdr *h, rpmhdr_file_fn fn, void *arg);

#endif /* CLARO_PLUGINS_RPM_RPMHDR_H */
