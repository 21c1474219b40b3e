/* OCI and Docker image documents (see oci_doc.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "oci_doc.h"
#include "strutil.h"

/* The platform this binary was built for, in OCI's words (GOARCH names). */
static const char *host_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__i386__)
	return "386";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return "ppc64le";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

void oci_platform_free(struct oci_platform *p)
{
	free(p->os);
	free(p->arch);
	free(p->variant);
	memset(p, 0, sizeof(*p));
}

enum claro_status oci_platform_parse(const char *s, struct oci_platform *p, struct error *err)
{
	const char *slash, *slash2;

	memset(p, 0, sizeof(*p));
	if (!s || !*s) {
		p->os = str_dup("linux");
		p->arch = str_dup(host_arch());
		goto check;
	}
	slash = strchr(s, '/');
	slash2 = slash ? strchr(slash + 1, '/') : NULL;
	if (!slash || slash == s || slash[1] == '\0' || slash[1] == '/' ||
	    (slash2 && (slash2[1] == '\0' || strchr(slash2 + 1, '/')))) {
		error_set(err, CLARO_ERR_INVALID, "invalid platform \"%s\"", s);
		error_detail(err, "A platform is written os/arch or os/arch/variant.");
		error_hint(err, "Give --platform linux/amd64, linux/arm64/v8 or similar.");
		return CLARO_ERR_INVALID;
	}
	p->os = str_ndup(s, (size_t)(slash - s));
	p->arch = slash2 ? str_ndup(slash + 1, (size_t)(slash2 - slash - 1)) : str_dup(slash + 1);
	if (slash2) {
		p->variant = str_dup(slash2 + 1);
		if (!p->variant)
			goto nomem;
	}
check:
	if (p->os && p->arch)
		return CLARO_OK;
nomem:
	oci_platform_free(p);
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static int is_one_of(const char *s, const char *a, const char *b)
{
	return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0);
}

enum oci_doc_kind oci_doc_kind(json_t *doc, const char *media_type)
{
	const char *own;

	if (is_one_of(media_type, OCI_MT_MANIFEST, DOCKER_MT_MANIFEST))
		return OCI_DOC_MANIFEST;
	if (is_one_of(media_type, OCI_MT_INDEX, DOCKER_MT_LIST))
		return OCI_DOC_INDEX;
	if (is_one_of(media_type, DOCKER_MT_SCHEMA1, DOCKER_MT_SCHEMA1S))
		return OCI_DOC_SCHEMA1;
	if (!json_is_object(doc))
		return OCI_DOC_UNKNOWN;
	own = json_string_value(json_object_get(doc, "mediaType"));
	if (is_one_of(own, OCI_MT_MANIFEST, DOCKER_MT_MANIFEST))
		return OCI_DOC_MANIFEST;
	if (is_one_of(own, OCI_MT_INDEX, DOCKER_MT_LIST))
		return OCI_DOC_INDEX;
	if (json_integer_value(json_object_get(doc, "schemaVersion")) == 1)
		return OCI_DOC_SCHEMA1;
	/* OCI lets mediaType be absent: the shape decides. */
	if (json_is_array(json_object_get(doc, "manifests")))
		return OCI_DOC_INDEX;
	if (json_is_array(json_object_get(doc, "layers")) && json_is_object(json_object_get(doc, "config")))
		return OCI_DOC_MANIFEST;
	return OCI_DOC_UNKNOWN;
}

enum claro_status oci_doc_invalid(struct error *err, const char *what, const char *detail)
{
	error_set(err, CLARO_ERR_INVALID, "invalid %s", what);
	error_detail(err, "%s", detail);
	error_hint(err, "Check that the image was written completely by a current tool (docker, skopeo, "
			"crane, buildah) and try again.");
	return CLARO_ERR_INVALID;
}

static int platform_fits(json_t *desc_platform, const struct oci_platform *p)
{
	const char *os = json_string_value(json_object_get(desc_platform, "os"));
	const char *arch = json_string_value(json_object_get(desc_platform, "architecture"));
	const char *variant = json_string_value(json_object_get(desc_platform, "variant"));

	if (!os || !arch || strcmp(os, p->os) != 0 || strcmp(arch, p->arch) != 0)
		return 0;
	return !p->variant || (variant && strcmp(variant, p->variant) == 0);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "?";
}

static void list_platforms(json_t *manifests, struct buf *b)
{
	json_t *d;
	size_t i;

	json_array_foreach(manifests, i, d)
	{
		json_t *pl = json_object_get(d, "platform");
		const char *variant = json_string_value(json_object_get(pl, "variant"));

		if (!json_is_object(pl))
			continue;
		buf_printf(b, "%s%s/%s%s%s", b->len ? ", " : "",
			   or_unknown(json_string_value(json_object_get(pl, "os"))),
			   or_unknown(json_string_value(json_object_get(pl, "architecture"))),
			   variant ? "/" : "", variant ? variant : "");
	}
}

enum claro_status oci_index_pick(json_t *index, const struct oci_platform *p, json_t **desc,
				 struct error *err)
{
	json_t *manifests = json_object_get(index, "manifests"), *d;
	size_t i, with_platform = 0;
	struct buf avail = BUF_INIT(4096);

	*desc = NULL;
	if (!json_is_array(manifests) || json_array_size(manifests) == 0)
		return oci_doc_invalid(err, "image index", "The index lists no manifests.");
	json_array_foreach(manifests, i, d)
	{
		if (!json_is_object(d) || !oci_digest_valid(json_string_value(json_object_get(d, "digest"))))
			return oci_doc_invalid(err, "image index",
					       "An entry of the index has no valid sha256 digest.");
		if (json_is_object(json_object_get(d, "platform")))
			with_platform++;
		if (platform_fits(json_object_get(d, "platform"), p)) {
			*desc = d;
			return CLARO_OK;
		}
	}
	if (with_platform == 0 && json_array_size(manifests) == 1) {
		*desc = json_array_get(manifests, 0);
		return CLARO_OK;
	}
	list_platforms(manifests, &avail);
	error_set(err, CLARO_ERR_NOT_FOUND, "no image for platform %s/%s%s%s in the index", p->os, p->arch,
		  p->variant ? "/" : "", p->variant ? p->variant : "");
	if (avail.len)
		error_detail(err, "The index holds images for %s.", avail.data);
	else
		error_detail(err, "The index has %zu entries and none names a platform.",
			     json_array_size(manifests));
	error_hint(err, "Pick one with --platform OS/ARCH[/VARIANT], or name the image by digest.");
	buf_free(&avail);
	return CLARO_ERR_NOT_FOUND;
}

enum claro_status oci_manifest_layers(json_t *manifest, json_t **layers, struct error *err)
{
	json_t *l;
	size_t i;

	*layers = json_object_get(manifest, "layers");
	if (!json_is_array(*layers) || json_array_size(*layers) == 0)
		return oci_doc_invalid(err, "image manifest", "The manifest lists no layers.");
	json_array_foreach(*layers, i, l)
	{
		if (!oci_digest_valid(json_string_value(json_object_get(l, "digest"))))
			return oci_doc_invalid(err, "image manifest",
					       "A layer of the manifest has no valid sha256 digest.");
	}
	return CLARO_OK;
}

int oci_digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
		return 0;
	for (s += 7; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

char *oci_sha256_digest(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char *out;

	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return NULL;
	out = malloc(7 + 64 + 1);
	if (!out)
		return NULL;
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < md_len; i++) {
		out[7 + 2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[8 + 2 * i] = "0123456789abcdef"[md[i] & 15];
	}
	out[7 + 64] = '\0';
	return out;
}
