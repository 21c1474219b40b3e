/* A client for container registries (the Docker registry v2 API, i.e. the
 * OCI distribution spec): image references with Docker's defaults, manifest
 * and index fetches, platform selection, anonymous, Basic and Bearer-token
 * authentication. Its product is a Clair Manifest (reference §1.7, §8.9):
 * the image manifest's digest and, per layer, the blob's digest, the URL a
 * fetch ends at after redirects, and the headers that fetch needs.
 *
 * Not to be confused with core/registry.h, the plugin registry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_OCI_CLIENT_H
#define CLARO_CORE_OCI_CLIENT_H

#include <jansson.h>

#include "error.h"

/* A parsed image reference, normalised as Docker does: no registry means
 * docker.io, and a one-part repository there gets "library/". */
struct oci_ref {
	char *registry;   /* as named: "docker.io", "127.0.0.1:5000", "quay.io" */
	char *endpoint;   /* host[:port] to talk to: docker.io -> registry-1.docker.io */
	char *repository; /* "library/alpine" */
	char *tag;        /* "latest" when neither tag nor digest was given; NULL with a digest only */
	char *digest;     /* "sha256:..." or NULL */
};

struct oci_client_options {
	const char *platform; /* "os/arch[/variant]"; NULL: this host's */
	const char *username; /* NULL: from the auth file, if any */
	const char *password;
	int insecure; /* plain HTTP for any registry, not only loopback ones */
};

/* HOST[:PORT]/REPO[:TAG|@DIGEST] or REPO[:TAG|@DIGEST] (Docker Hub). */
enum claro_status oci_ref_parse(const char *s, struct oci_ref *ref, struct error *err);
void oci_ref_free(struct oci_ref *ref);

/* Resolve ref to a Clair Manifest JSON object {hash, layers[{hash, uri,
 * headers, media_type}]} (*out, caller json_decref()s). Credentials come from
 * opts, else from $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json ("auths"). Call curl_global_init() first. */
enum claro_status oci_client_manifest(const struct oci_ref *ref, const struct oci_client_options *opts,
				      json_t **out, struct error *err);

#endif /* CLARO_CORE_OCI_CLIENT_H */
