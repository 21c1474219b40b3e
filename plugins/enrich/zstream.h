/* enrich: a feed held in memory, read as a stream of decompressed bytes.
 *
 * A body starting with the gzip magic (1f 8b) is inflated with zlib, one or
 * more members (what gzip -c a b > c writes); anything else is read as it is
 * (a mirror may keep feeds uncompressed). The output is bounded twice, so a
 * decompression bomb stops early: past max_out bytes in all, and past
 * ZSTREAM_MAX_RATIO output bytes per input byte once ZSTREAM_RATIO_AFTER
 * bytes came out (the real feeds compress about 4:1 (EPSS CSV) to 15:1 (NVD
 * JSON); zeros compress about 1000:1). Memory: zlib's 32 KiB window.
 *
 * Pure library code (zlib and libc only), so the parsers built on it are
 * fuzzed without a host.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_ZSTREAM_H
#define CLARO_ENRICH_ZSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "enrerr.h"

#define ZSTREAM_MAX_RATIO   200
#define ZSTREAM_RATIO_AFTER (8u << 20)

struct zstream;

/* Open a stream over data[0..len) (borrowed until close). label names the
 * feed in messages (a URL). CLARO_ERR_NOMEM only. */
enum claro_status zstream_open(const unsigned char *data, size_t len, uint64_t max_out, const char *label,
			       struct zstream **out, struct enrich_error *err);

/* Up to n bytes into buf; *got == 0 only at the end of the stream. Errors:
 * CLARO_ERR_INVALID (corrupt or truncated gzip, data after it),
 * CLARO_ERR_TOO_LARGE (a bound above), CLARO_ERR_NOMEM. */
enum claro_status zstream_read(struct zstream *z, char *buf, size_t n, size_t *got, struct enrich_error *err);

int zstream_is_gzip(const struct zstream *z);
uint64_t zstream_offset(const struct zstream *z); /* bytes produced so far */

void zstream_close(struct zstream *z);

#endif /* CLARO_ENRICH_ZSTREAM_H */
