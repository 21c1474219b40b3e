/* A layer spool: the compressed bytes of one layer go in, in order, in any
 * chunk sizes; they are hashed (sha256 or sha512, from the expected digest),
 * their compression is sniffed from the first bytes (gzip, zstd or none),
 * and the decompressed tar is written to an unlinked temporary file
 * (O_TMPFILE under the spool directory, else mkstemp + unlink). Nothing is
 * held in memory beyond fixed buffers. spool_finish checks that the
 * compressed stream ended cleanly, that an explicit Content-Type agrees with
 * the sniffed compression, and the digest.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_CORE_FETCH_SPOOL_H
#define CLARO_CORE_FETCH_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>

#include "error.h"

struct spool_limits {
	const char *dir;           /* NULL = $TMPDIR, else /var/tmp */
	uint64_t max_uncompressed; /* 0 = no limit */
};

struct spool;

/* digest: the expected "sha256:..." / "sha512:..." (already validated). */
enum claro_status spool_open(const struct spool_limits *lim, const char *digest, struct spool **out,
			     struct error *err);
enum claro_status spool_write(struct spool *sp, const void *data, size_t n, struct error *err);
/* The response's Content-Type (NULL or "" when there was none); checked by
 * spool_finish against what the bytes turned out to be. */
enum claro_status spool_set_content_type(struct spool *sp, const char *ctype, struct error *err);
enum claro_status spool_finish(struct spool *sp, struct error *err);
/* After a successful finish: the file (the caller owns the fd; the spool
 * forgets it), its size, and "gzip", "zstd" or "none". */
int spool_take_fd(struct spool *sp);
uint64_t spool_size(const struct spool *sp);
const char *spool_compression(const struct spool *sp);
void spool_free(struct spool *sp);

/* 1 if the Content-Type (parameters allowed) names compression comp
 * ("gzip", "zstd", "none") or is missing/generic; 0 if it names another. */
int spool_content_type_agrees(const char *ctype, const char *comp);

#endif /* CLARO_CORE_FETCH_SPOOL_H */
