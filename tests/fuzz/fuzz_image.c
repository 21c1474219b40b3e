/* Fuzz target: the image inputs (core/image.c, core/oci_doc.c and the
 * reference parser of core/oci_client.c). Each input is
 *   - written to a file and read as docker-archive:FILE (tar, any
 *     compression: manifest.json, index.json, blobs, links);
 *   - parsed as JSON and, when it is an object, classified as an OCI
 *     document, its index entry picked and its layers listed;
 *   - its first line parsed as an image reference.
 * Seeds: the test data's docker-archive and go-containerregistry images
 * (tarballs and OCI layout JSON).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../../core/image.h"
#include "../../core/oci_client.h"
#include "../../core/oci_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_archive(const uint8_t *data, size_t size)
{
	static char path[4096], spec[4200];
	struct image img;
	struct error err = ERROR_INIT;
	FILE *fp;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/claro-fuzz-image-%ld.tar", tmp && *tmp ? tmp : "/tmp",
			 (long)getpid());
		snprintf(spec, sizeof(spec), "docker-archive:%s", path);
	}
	fp = fopen(path, "wb");
	if (!fp)
		return;
	if (size)
		fwrite(data, 1, size, fp);
	fclose(fp);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		json_t *layers = json_object_get(img.manifest, "layers");
		if (!oci_digest_valid(json_string_value(json_object_get(img.manifest, "hash"))) ||
		    json_array_size(layers) == 0)
			__builtin_trap(); /* a resolved image is a valid Clair manifest */
	} else if (!err.message || !err.detail || !err.hint) {
		__builtin_trap(); /* every refusal explains itself */
	}
	image_free(&img);
	error_clear(&err);
	unlink(path);
}

static void fuzz_document(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL), *desc, *layers;
	struct oci_platform plat;
	struct error err = ERROR_INIT;

	if (!json_is_object(doc))
		goto out;
	if (oci_platform_parse("linux/arm64/v8", &plat, &err) != CLARO_OK)
		goto out;
	switch (oci_doc_kind(doc, json_string_value(json_object_get(doc, "mediaType")))) {
	case OCI_DOC_INDEX:
		if (oci_index_pick(doc, &plat, &desc, &err) == CLARO_OK &&
		    !oci_digest_valid(json_string_value(json_object_get(desc, "digest"))))
			__builtin_trap();
		break;
	case OCI_DOC_MANIFEST: oci_manifest_layers(doc, &layers, &err); break;
	default: break;
	}
	oci_platform_free(&plat);
out:
	error_clear(&err);
	json_decref(doc);
}

static void fuzz_reference(const uint8_t *data, size_t size)
{
	size_t n = 0;
	char *s;
	struct oci_ref ref;
	struct error err = ERROR_INIT;

	while (n < size && n < 512 && data[n] != '\n' && data[n] != '\0')
		n++;
	if (!(s = malloc(n + 1)))
		return;
	memcpy(s, data, n);
	s[n] = '\0';
	if (oci_ref_parse(s, &ref, &err) == CLARO_OK) {
		if (!ref.registry || !ref.endpoint || !ref.repository || (!ref.tag && !ref.digest))
			__builtin_trap();
		oci_ref_free(&ref);
	}
	error_clear(&err);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_archive(data, size);
	fuzz_document(data, size);
	fuzz_reference(data, size);
	return 0;
}
