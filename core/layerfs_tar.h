/* The tar backend of the layer filesystem: a spooled, decompressed layer tar
 * read in place through its index (tarindex.h). layerfs.h describes the
 * behaviour every backend shares.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_CORE_LAYERFS_TAR_H
#define CLARO_CORE_LAYERFS_TAR_H

#include "layerfs.h"

/* A layer over the tar in fd (a decompressed tar; the fd is dup'ed, the
 * caller keeps its own). The tar is indexed once, here; a malformed or
 * truncated tar is CLARO_ERR_INVALID. digest may be NULL. */
enum claro_status layer_open_tar(int fd, const char *digest, struct claro_layer **out, struct error *err);

#endif /* CLARO_CORE_LAYERFS_TAR_H */
