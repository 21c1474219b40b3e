/* Image inputs: an IMAGE string as claroctl takes it, resolved to a Clair
 * Manifest (reference §1.7) that the indexer can fetch.
 *
 *   docker-archive:PATH[:@N|:REPO:TAG]  `docker save` output: the legacy
 *       layout (ID/layer.tar, uncompressed) and Docker 25's OCI-like one
 *       (blobs/sha256/...), the archive itself plain or compressed, layers
 *       plain, gzip or zstd. Several images in one archive: pick one with
 *       :@N (0-based, as skopeo) or :REPO:TAG.
 *   oci:DIR[:TAG|@DIGEST]  an OCI image layout; nested indexes are followed
 *       with the platform.
 *   dir:PATH  an unpacked root filesystem: one layer.
 *   HOST[:PORT]/REPO[:TAG|@DIGEST] (or docker://...)  a registry image.
 *
 * The manifest hash:
 *   - registry, OCI layout, Docker 25 archive: the image manifest's digest;
 *   - legacy docker-archive (which holds no manifest): the image ID, i.e. the
 *     sha256 of the image's config JSON, which is what `docker images` shows;
 *   - dir: sha256 of "claro-dir-manifest-v1\n" + the layer digest, where the
 *     layer digest is the sha256 of the absolute path and a sorted listing
 *     of every entry (relative path, type, mode, size, mtime, link target):
 *     a changed tree is a new manifest, an unchanged one is recognised.
 *
 * Layer URIs of local sources are file:// URLs: OCI layout blobs in place;
 * docker-archive layers extracted into a private temporary directory that
 * image_free() removes; dir: the directory itself, with media type
 * application/vnd.claircore.filesystem.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_IMAGE_H
#define CLARO_CORE_IMAGE_H

#include <jansson.h>

#include "error.h"

struct image_options {
	const char *platform; /* "os/arch[/variant]"; NULL: this host's */
	const char *username; /* registry credentials; NULL: the auth file's */
	const char *password;
	int insecure; /* plain HTTP to any registry */
};

struct image {
	json_t *manifest; /* the Clair Manifest {hash, layers[{hash, uri, headers, media_type}]} */
	char *tmpdir;     /* extracted layers (docker-archive), removed by image_free */
};

/* --help text shared by the commands that take an IMAGE. */
#define IMAGE_OPTIONS_USAGE                                                               \
	"  --platform OS/ARCH[/VARIANT]  the image to take from a multi-platform index\n" \
	"                     (default: this host's, e.g. linux/amd64)\n"                 \
	"  --username USER    registry user (default: the entry for the registry in\n"    \
	"                     $REGISTRY_AUTH_FILE, else ~/.docker/config.json)\n"         \
	"  --password PASS    registry password (default: $CLARO_REGISTRY_PASSWORD)\n"    \
	"  --insecure         plain HTTP to the registry (always so for localhost)\n"

#define IMAGE_FORMS_USAGE                                                                  \
	"IMAGE is one of:\n"                                                               \
	"  HOST[:PORT]/REPO[:TAG|@DIGEST]   a registry image (no HOST: Docker Hub)\n"      \
	"  docker-archive:PATH[:@N|:REPO:TAG]  docker save output (plain or compressed)\n" \
	"  oci:DIR[:TAG|@DIGEST]            an OCI image layout\n"                         \
	"  dir:PATH                         an unpacked root file system\n"

/* Resolve spec. On failure img is left empty (image_free is still safe). */
enum claro_status image_resolve(const char *spec, const struct image_options *opts, struct image *img,
				struct error *err);
void image_free(struct image *img);

#endif /* CLARO_CORE_IMAGE_H */
