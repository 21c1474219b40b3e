/* What the rpm database readers share: a bounded random-access source (a
 * layer file through the host, a file descriptor in tests, or memory in the
 * fuzz targets), the callback that receives each header blob, and the error
 * text a reader leaves for the caller's three-part error.
 *
 * This code (and bdb.c, ndb.c, sqlitedb.c, rpmhdr.c) has no host
 * dependency: it is compiled into the rpm plugin, into plugins that use the
 * RPM-owned path set (rpm_pathset.h), and into the tests and fuzz targets.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_RPMDB_IO_H
#define CLARO_PLUGINS_RPM_RPMDB_IO_H

#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>

/* The largest header blob accepted: rpm's own limit for the data area plus
 * a full index (HEADER_DATA_MAX, HEADER_TAGS_MAX). */
#define RPMDB_MAX_BLOB (0x0fffffffu + 8u + 16u * 0xffffu)

/* Why a reader failed: one sentence, no trailing period, written by the
 * reader (never copied from the input except as escaped numbers). */
struct rpmdb_error {
	char msg[320];
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void rpmdb_errorf(struct rpmdb_error *err, const char *fmt, ...);

/* A random-access byte source of known size. pread is pread(2)-like: *got <
 * n only at end of file; an error status is an I/O failure (the source has
 * already described it where it can). */
struct rpmdb_reader {
	enum claro_status (*pread)(void *arg, void *buf, size_t n, uint64_t offset, size_t *got);
	void *arg;
	uint64_t size;
};

/* Read exactly n bytes at offset; past the end of the source is
 * CLARO_ERR_INVALID ("<what> at offset N lies past the end of the file"). */
enum claro_status rpmdb_read_exact(const struct rpmdb_reader *r, void *buf, size_t n, uint64_t offset,
				   const char *what, struct rpmdb_error *err);

/* A reader over memory (the fuzz targets, sqlite's in-memory copy). */
struct rpmdb_memory {
	const unsigned char *data;
	size_t len;
};
void rpmdb_reader_memory(struct rpmdb_reader *r, struct rpmdb_memory *m, const void *data, size_t len);

/* Receives one header blob, borrowed until it returns. Anything but CLARO_OK
 * stops the reader, which returns that status unchanged. */
typedef enum claro_status (*rpmdb_blob_fn)(void *arg, const unsigned char *blob, size_t len);

static inline uint32_t rpmdb_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint32_t rpmdb_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

static inline uint16_t rpmdb_be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t rpmdb_le16(const unsigned char *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

#endif /* CLARO_PLUGINS_RPM_RPMDB_IO_H */
