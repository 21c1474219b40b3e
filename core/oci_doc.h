/* OCI and Docker image documents: manifests, indexes (manifest lists) and
 * their descriptors, as they come from a registry or an OCI layout. What
 * kind a document is, which entry of an index fits a platform, and which
 * layers a manifest lists. Shared by the registry client (oci_client.c) and
 * the local image sources (image.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_OCI_DOC_H
#define CLARO_CORE_OCI_DOC_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"

#define OCI_MT_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_INDEX       "application/vnd.oci.image.index.v1+json"
#define DOCKER_MT_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MT_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MT_SCHEMA1  "application/vnd.docker.distribution.manifest.v1+json"
#define DOCKER_MT_SCHEMA1S "application/vnd.docker.distribution.manifest.v1+prettyjws"

#define OCI_MT_LAYER      "application/vnd.oci.image.layer.v1.tar"
#define OCI_MT_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MT_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

/* The Accept header for a manifest request: every kind above but schema 1. */
#define OCI_ACCEPT_MANIFESTS OCI_MT_MANIFEST ", " OCI_MT_INDEX ", " DOCKER_MT_MANIFEST ", " DOCKER_MT_LIST

#define OCI_MAX_DOCUMENT (4u * 1024 * 1024) /* bytes of one manifest or index */
#define OCI_MAX_NESTING  8                  /* indexes inside indexes */

enum oci_doc_kind {
	OCI_DOC_UNKNOWN = 0,
	OCI_DOC_MANIFEST, /* an image manifest: config + layers */
	OCI_DOC_INDEX,    /* an index or manifest list: more descriptors */
	OCI_DOC_SCHEMA1   /* Docker's old signed manifest, not supported */
};

struct oci_platform {
	char *os;
	char *arch;
	char *variant; /* NULL: any */
};

/* "os/arch[/variant]"; NULL or "" means this host's platform. */
enum claro_status oci_platform_parse(const char *s, struct oci_platform *p, struct error *err);
void oci_platform_free(struct oci_platform *p);

/* The kind of doc. media_type is the one the server or the parent
 * descriptor named (may be NULL); the document's own mediaType and shape
 * decide when that is absent or generic. */
enum oci_doc_kind oci_doc_kind(json_t *doc, const char *media_type);

/* The descriptor of index that fits p (borrowed from index). An index whose
 * entries carry no platform at all and has exactly one entry yields that one. */
enum claro_status oci_index_pick(json_t *index, const struct oci_platform *p, json_t **desc,
				 struct error *err);

/* The "layers" array of manifest (borrowed) after checking that it is
 * non-empty and that every entry has a valid digest. */
enum claro_status oci_manifest_layers(json_t *manifest, json_t **layers, struct error *err);

/* 1 when s is "sha256:" + 64 lower-case hex digits. */
int oci_digest_valid(const char *s);

/* "sha256:<hex>" of data; NULL when out of memory. */
char *oci_sha256_digest(const void *data, size_t len);

/* A three-part error for a document that is not what it should be. */
enum claro_status oci_doc_invalid(struct error *err, const char *what, const char *detail);

#endif /* CLARO_CORE_OCI_DOC_H */
