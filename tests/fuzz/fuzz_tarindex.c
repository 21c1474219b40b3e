/* Fuzz target: the tar index (core/tarindex.c). The input is a tar; inputs
 * starting with gzip or zstd magic (the compressed seeds in the test data)
 * are decompressed first, up to 32 MiB, so the seeds reach the parser as the
 * fetcher would hand them over. Any input must end in CLARO_OK or a
 * CLARO_ERR_* with a message; an index must be sorted, unique, with regular
 * files' data inside the file and every entry's parent present. The layer
 * filesystem over it (core/layerfs_tar.c + core/layerfs.c) is then walked
 * and every regular file read through symlink resolution.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "../../core/layerfs_tar.h"
#include "../../core/tarindex.h"

#define MAX_OUT (32u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *gunzip(const uint8_t *data, size_t size, size_t *len)
{
	unsigned char *out = malloc(MAX_OUT);
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (!out || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = MAX_OUT;
	inflate(&z, Z_FINISH);
	*len = MAX_OUT - z.avail_out;
	inflateEnd(&z);
	return out;
}

static unsigned char *unzstd(const uint8_t *data, size_t size, size_t *len)
{
	unsigned char *out = malloc(MAX_OUT);
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer in = {data, size, 0};
	ZSTD_outBuffer o = {out, MAX_OUT, 0};

	if (!out || !ds) {
		free(out);
		ZSTD_freeDStream(ds);
		return NULL;
	}
	ZSTD_initDStream(ds);
	while (in.pos < in.size && o.pos < o.size) {
		size_t rc = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(rc) || rc == 0)
			break;
	}
	*len = o.pos;
	ZSTD_freeDStream(ds);
	return out;
}

static void check(const struct tarindex *ix, uint64_t file_size)
{
	size_t n = tarindex_count(ix);

	if (n == 0 || tarindex_name(ix, tarindex_at(ix, 0))[0] != '\0' ||
	    tarindex_at(ix, 0)->type != CLARO_FILE_DIRECTORY)
		abort(); /* the root must come first */
	for (size_t i = 1; i < n; i++) {
		const struct tarindex_entry *e = tarindex_at(ix, i);
		const char *name = tarindex_name(ix, e), *slash = strrchr(name, '/');
		const char *prev = tarindex_name(ix, tarindex_at(ix, i - 1));

		if (strcmp(prev, name) >= 0 || tarindex_find(ix, name) != e)
			abort(); /* sorted, unique, findable */
		if (name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
		    strstr(name, "/../") || strstr(name, "//"))
			abort(); /* normalised */
		if (e->type == CLARO_FILE_REGULAR &&
		    (e->offset > file_size || e->size > file_size - e->offset))
			abort(); /* data inside the file */
		if (slash) {
			char *parent = strndup(name, (size_t)(slash - name));
			const struct tarindex_entry *p = parent ? tarindex_find(ix, parent) : NULL;
			free(parent);
			if (!p)
				abort(); /* implied directories exist */
		}
		if (e->type == CLARO_FILE_SYMLINK && !tarindex_link(ix, e))
			abort();
	}
}

static int read_each(const struct claro_file_info *info, void *arg)
{
	struct claro_layer *layer = arg;
	struct error err = ERROR_INIT;
	struct claro_file *file = NULL;
	unsigned char buf[64];
	size_t got = 0;

	/* Through layer_open: symlinks are followed, so this exercises resolve(). */
	if (layer_open(layer, info->path, &file, &err) == CLARO_OK) {
		if (layer_pread(file, buf, sizeof(buf), 0, &got, &err) == CLARO_OK && got > file->size)
			abort();
		layer_close(file);
	}
	error_clear(&err);
	return 0;
}

static void walk(int fd)
{
	struct error err = ERROR_INIT;
	struct claro_layer *layer = NULL;

	if (layer_open_tar(fd, NULL, &layer, &err) != CLARO_OK)
		abort(); /* it indexed a moment ago */
	layer_walk(layer, "", read_each, layer, &err);
	error_clear(&err);
	layer_free(layer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = ERROR_INIT;
	struct tarindex *ix = NULL;
	unsigned char *plain = NULL;
	size_t len = size;
	int fd;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		plain = gunzip(data, size, &len);
	else if (size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd)
		plain = unzstd(data, size, &len);
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0) {
		free(plain);
		return 0;
	}
	if (len > 0 && write(fd, plain ? plain : data, len) != (ssize_t)len) {
		close(fd);
		free(plain);
		return 0;
	}
	if (tarindex_build(fd, &ix, &err) == CLARO_OK) {
		check(ix, len);
		walk(fd);
	} else if (!err.message || err.status == CLARO_OK)
		abort(); /* a failure must say why */
	tarindex_free(ix);
	error_clear(&err);
	close(fd);
	free(plain);
	return 0;
}
