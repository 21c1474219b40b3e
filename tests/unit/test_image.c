/* Image inputs (core/image.c, core/oci_doc.c, reference parsing of
 * core/oci_client.c): docker-archive (legacy and Docker 25, several images,
 * links, gzip/zstd/plain layers), OCI layouts with nested indexes, dir:, and
 * broken inputs. Oracles are independent of the code under test: the
 * digests a real `docker save` recorded (rootfs.diff_ids, blob names), and
 * sha256sum(1) over what tar(1) extracts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../../core/image.h"
#include "../../core/oci_client.h"
#include "../../core/oci_doc.h"
#include "../../core/strutil.h"
#include "../tap.h"
#include "testutil.h"

/* "sha256:<hex>" of a shell command's output, via sha256sum; NULL on error. */
static char *sha256_of_command(const char *cmd)
{
	char *full = str_printf("%s | sha256sum", cmd), line[256] = "", *out = NULL;
	FILE *p = full ? popen(full, "r") : NULL;

	if (p && fgets(line, sizeof(line), p) && strlen(line) > 64 && line[64] == ' ') {
		line[64] = '\0';
		out = str_printf("sha256:%s", line);
	}
	if (p)
		pclose(p);
	free(full);
	return out;
}

static char *sha256_of_file(const char *path)
{
	char *cmd = str_printf("cat '%s'", path), *d = cmd ? sha256_of_command(cmd) : NULL;
	free(cmd);
	return d;
}

static char *sha256_of_member(const char *archive, const char *member)
{
	char *cmd = str_printf("tar -xOf '%s' '%s'", archive, member),
	     *d = cmd ? sha256_of_command(cmd) : NULL;
	free(cmd);
	return d;
}

/* The JSON a member of a tar holds (tar(1) reads it, not libarchive). */
static json_t *member_json(const char *archive, const char *member)
{
	char *cmd = str_printf("tar -xOf '%s' '%s'", archive, member);
	FILE *p = cmd ? popen(cmd, "r") : NULL;
	json_t *doc = p ? json_loadf(p, 0, NULL) : NULL;

	if (p)
		pclose(p);
	free(cmd);
	return doc;
}

static const char *layer_str(const struct image *img, size_t i, const char *key)
{
	return json_string_value(
	    json_object_get(json_array_get(json_object_get(img->manifest, "layers"), i), key));
}

static size_t n_layers(const struct image *img)
{
	return json_array_size(json_object_get(img->manifest, "layers"));
}

static const char *manifest_hash(const struct image *img)
{
	return json_string_value(json_object_get(img->manifest, "hash"));
}

/* Every layer's URI is a file whose sha256 is the layer's hash. */
static void check_layer_files(const struct image *img, const char *what)
{
	for (size_t i = 0; i < n_layers(img); i++) {
		const char *uri = layer_str(img, i, "uri"), *hash = layer_str(img, i, "hash");
		char *actual = uri && str_has_prefix(uri, "file://") ? sha256_of_file(uri + 7) : NULL;

		ok(actual && hash && strcmp(actual, hash) == 0,
		   "%s: layer %zu file hashes to its digest (%s)", what, i, actual ? actual : "unreadable");
		ok(json_is_object(json_object_get(json_array_get(json_object_get(img->manifest, "layers"), i),
						  "headers")),
		   "%s: layer %zu has a headers object", what, i);
		free(actual);
	}
}

static void expect_error(const char *spec, enum claro_status want, const char *needle)
{
	struct image img;
	struct error err = ERROR_INIT;
	enum claro_status st = image_resolve(spec, NULL, &img, &err);

	is_int(st, want, "%s fails with status %d", spec, (int)want);
	ok(err.message && err.detail && err.hint, "  ... with message, detail and hint");
	like(err.message ? err.message : "", needle, "  ... message says \"%s\"", needle);
	ok(img.manifest == NULL && img.tmpdir == NULL, "  ... and leaves nothing behind");
	error_clear(&err);
	image_free(&img);
}

/* ---- docker save archives of alpine (legacy format, gzip-compressed) ---- */

static void test_alpine(const char *file)
{
	char *path = str_printf("%s/images/docker-archive/%s", testdata_dir(), file);
	char *spec = str_printf("docker-archive:%s", path), *tmpdir = NULL;
	json_t *mf = member_json(path, "manifest.json"), *config = NULL, *diff_ids;
	const char *config_name = json_string_value(json_object_get(json_array_get(mf, 0), "Config"));
	struct image img;
	struct error err = ERROR_INIT;
	struct stat sb;

	if (config_name)
		config = member_json(path, config_name);
	diff_ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	ok(json_array_size(diff_ids) > 0, "%s: the archive's config lists diff_ids", file);
	if (image_resolve(spec, NULL, &img, &err) != CLARO_OK) {
		ok(0, "%s resolves: %s (%s)", file, err.message, err.detail ? err.detail : "");
		goto out;
	}
	ok(1, "%s resolves", file);
	/* A legacy archive holds no manifest: the hash is the image ID, the
	 * name docker gave the config file. */
	{
		char *want = config_name ? str_printf("sha256:%.64s", config_name) : NULL;
		is_str(manifest_hash(&img), want ? want : "?", "%s: manifest hash is the image ID", file);
		free(want);
	}
	is_int((int)n_layers(&img), (int)json_array_size(diff_ids), "%s: one layer per diff_id", file);
	for (size_t i = 0; i < n_layers(&img) && i < json_array_size(diff_ids); i++) {
		is_str(layer_str(&img, i, "hash"), json_string_value(json_array_get(diff_ids, i)),
		       "%s: layer %zu digest is docker's diff_id (uncompressed layer.tar)", file, i);
		is_str(layer_str(&img, i, "media_type"), OCI_MT_LAYER, "%s: layer %zu is a plain tar", file,
		       i);
		like(layer_str(&img, i, "uri"), "file:///", "%s: layer %zu URI is a file URL", file, i);
	}
	check_layer_files(&img, file);
	tmpdir = str_dup(img.tmpdir);
	ok(tmpdir && stat(tmpdir, &sb) == 0, "%s: layers live in a temporary directory", file);
	image_free(&img);
	ok(tmpdir && stat(tmpdir, &sb) != 0, "%s: image_free removes it", file);
out:
	error_clear(&err);
	json_decref(mf);
	json_decref(config);
	free(tmpdir);
	free(spec);
	free(path);
}

/* ---- go-containerregistry's tarballs: Docker 25, bundles, links, broken ---- */

static void test_ggcr_tarballs(void)
{
	char *dir = str_printf("%s/images/edge/ggcr/tarball", testdata_dir());
	char *v25 = str_printf("%s/hello-world-v25.tar", dir),
	     *bundle = str_printf("%s/test_bundle.tar", dir);
	char *link = str_printf("%s/test_link.tar", dir), *spec, *want;
	struct image img;
	struct error err = ERROR_INIT;

	/* Docker 25: blobs/sha256/<digest>; the image manifest is a blob too:
	 * the one whose config is the image's config. */
	spec = str_printf("docker-archive:%s", v25);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		json_t *mf = member_json(v25, "manifest.json");
		const char *layer0 =
		    json_string_value(json_array_get(json_object_get(json_array_get(mf, 0), "Layers"), 0));
		/* 411caf34... is the archive's manifest blob (docker names blobs by content digest) */
		json_t *oci = member_json(
		    v25, "blobs/sha256/411caf340c828657e915a83ed561a79d2b8150dabad4dc079d881cbfe6f86afe");

		is_str(manifest_hash(&img),
		       "sha256:411caf340c828657e915a83ed561a79d2b8150dabad4dc079d881cbfe6f86afe",
		       "Docker 25 archive: manifest hash is the manifest blob's digest");
		is_str(json_string_value(json_object_get(json_object_get(oci, "config"), "digest")),
		       "sha256:ee301c921b8aadc002973b2e0c3da17d701dcd994b606769a7e6eaa100b81d44",
		       "  ... and that blob is the manifest of manifest.json's Config");
		is_int((int)n_layers(&img), 1, "Docker 25 archive: one layer");
		want = layer0 ? str_printf("sha256:%s", layer0 + strlen("blobs/sha256/")) : NULL;
		is_str(layer_str(&img, 0, "hash"), want ? want : "?",
		       "Docker 25 archive: layer digest is its blob name");
		free(want);
		check_layer_files(&img, "Docker 25 archive");
		json_decref(mf);
		json_decref(oci);
	} else {
		ok(0, "Docker 25 archive resolves: %s", err.message);
	}
	image_free(&img);
	error_clear(&err);
	free(spec);

	/* Two images in one archive: must be picked, by index or by tag. */
	spec = str_printf("docker-archive:%s", bundle);
	expect_error(spec, CLARO_ERR_INVALID, "holds 2 images");
	free(spec);
	{
		static const struct {
			const char *sel, *member;
		} picks[] = {
		    {"@1", "555b1001d54ed229f56990845856f080b0707348b26b3aa85aaf58d5570cdee0/layer.tar"},
		    {"test_image_2",
		     "8e17bd53a9cb6d38a0c7d21e8a0f943449f494aa0c3de2425a3dd9be8844a19b/layer.tar"},
		    {"@0", "8e17bd53a9cb6d38a0c7d21e8a0f943449f494aa0c3de2425a3dd9be8844a19b/layer.tar"},
		};
		for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
			char *expect = sha256_of_member(bundle, picks[i].member);
			spec = str_printf("docker-archive:%s:%s", bundle, picks[i].sel);
			if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
				is_int((int)n_layers(&img), 1, "bundle %s: one layer", picks[i].sel);
				is_str(layer_str(&img, 0, "hash"), expect ? expect : "?",
				       "bundle %s: layer digest = sha256sum of tar -xO %s", picks[i].sel,
				       picks[i].member);
			} else {
				ok(0, "bundle %s resolves: %s", picks[i].sel, err.message);
			}
			image_free(&img);
			error_clear(&err);
			free(expect);
			free(spec);
		}
	}
	spec = str_printf("docker-archive:%s:nosuch:tag", bundle);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "no image \"nosuch:tag\"");
	free(spec);

	/* A layer.tar that is a symlink to another image's layer. */
	spec = str_printf("docker-archive:%s:bazel/v1/tarball:test_image_3", link);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		char *l0 = sha256_of_member(
		    link, "6e77476643c3155b1e9ae07dd5a4c8288bdb6590c131c222b7a3f277dec1e266/layer.tar");
		char *l1 = sha256_of_member(
		    link, "3fe17a762ab6ad87de78c88326e1667b3e6a8924a0eb92a34a2bfeb40f49824d/layer.tar");
		is_int((int)n_layers(&img), 2, "linked layers: two layers");
		is_str(layer_str(&img, 0, "hash"), l0 ? l0 : "?",
		       "linked layers: the symlink resolves to its target's bytes");
		is_str(layer_str(&img, 1, "hash"), l1 ? l1 : "?", "linked layers: the regular layer");
		check_layer_files(&img, "linked layers");
		free(l0);
		free(l1);
	} else {
		ok(0, "linked layers resolve: %s", err.message);
	}
	image_free(&img);
	error_clear(&err);
	free(spec);

	spec = str_printf("docker-archive:%s/null_manifest.tar", dir);
	expect_error(spec, CLARO_ERR_INVALID, "invalid docker archive");
	free(spec);
	spec = str_printf("docker-archive:%s/no_manifest.tar", dir);
	expect_error(spec, CLARO_ERR_INVALID, "invalid docker archive");
	free(spec);
	spec = str_printf("docker-archive:%s/does-not-exist.tar", dir);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "could not open docker archive");
	free(spec);
	free(v25);
	free(bundle);
	free(link);
	free(dir);
}

/* ---- a Docker 25-style archive built here: plain, gzip and zstd layers ---- */

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		diag("command failed (%d): %s", rc, cmd);
	return rc;
}

static void test_compressed_layers(void)
{
	char *tmp = tu_mkdtemp(),
	     *content = str_printf("%s/images/edge/ggcr/crane/content.tar", testdata_dir());
	char *cmd = NULL, *spec = NULL, *digests[3] = {NULL, NULL, NULL}, *files[3];
	static const char *const mts[3] = {OCI_MT_LAYER, OCI_MT_LAYER_GZIP, OCI_MT_LAYER_ZSTD};
	struct image img;
	struct error err = ERROR_INIT;

	if (!tmp || !content)
		goto out;
	files[0] = str_printf("%s/l.tar", tmp);
	files[1] = str_printf("%s/l.tar.gz", tmp);
	files[2] = str_printf("%s/l.tar.zst", tmp);
	cmd =
	    str_printf("cd '%s' && cp '%s' l.tar && gzip -n -c l.tar > l.tar.gz && cp '%s.zst' l.tar.zst && "
		       "printf '{\"rootfs\":{}}' > cfg && mkdir -p a/blobs/sha256 && "
		       "for f in cfg l.tar l.tar.gz l.tar.zst; do h=$(sha256sum < $f); h=${h%%%% *}; "
		       "cp $f a/blobs/sha256/$h; echo $h > $f.sha; done",
		       tmp, content, content);
	if (!cmd || run(cmd) != 0)
		goto out;
	free(cmd);
	/* manifest.json naming the blobs; the archive is tarred by tar(1). */
	cmd = str_printf(
	    "cd '%s' && printf '[{\"Config\":\"blobs/sha256/%%s\",\"Layers\":[\"blobs/sha256/%%s\","
	    "\"blobs/sha256/%%s\",\"blobs/sha256/%%s\"]}]' $(cat cfg.sha) $(cat l.tar.sha) $(cat "
	    "l.tar.gz.sha) "
	    "$(cat l.tar.zst.sha) > a/manifest.json && tar -C a -cf img.tar manifest.json blobs && "
	    "gzip -n -c img.tar > img.tar.gz",
	    tmp);
	if (!cmd || run(cmd) != 0)
		goto out;
	for (int i = 0; i < 3; i++)
		digests[i] = sha256_of_file(files[i]);
	for (int gz = 0; gz < 2; gz++) {
		free(spec);
		spec = str_printf("docker-archive:%s/img.tar%s", tmp, gz ? ".gz" : "");
		if (image_resolve(spec, NULL, &img, &err) != CLARO_OK) {
			ok(0, "built archive%s resolves: %s (%s)", gz ? " (gzip)" : "", err.message,
			   err.detail ? err.detail : "");
			error_clear(&err);
			continue;
		}
		is_int((int)n_layers(&img), 3, "built archive%s: three layers", gz ? " (gzip)" : "");
		for (size_t i = 0; i < 3; i++) {
			is_str(layer_str(&img, i, "hash"), digests[i] ? digests[i] : "?",
			       "built archive%s: layer %zu digest is the stored (compressed) blob's",
			       gz ? " (gzip)" : "", i);
			is_str(layer_str(&img, i, "media_type"), mts[i],
			       "built archive%s: layer %zu media type by magic", gz ? " (gzip)" : "", i);
		}
		check_layer_files(&img, "built archive");
		image_free(&img);
	}
	/* A blob whose name is not its digest is refused. */
	free(cmd);
	cmd = str_printf("cd '%s/a' && for f in blobs/sha256/$(cat ../l.tar.sha); do printf x >> $f; done && "
			 "tar -cf ../bad.tar manifest.json blobs",
			 tmp);
	if (cmd && run(cmd) == 0) {
		free(spec);
		spec = str_printf("docker-archive:%s/bad.tar", tmp);
		expect_error(spec, CLARO_ERR_INVALID, "invalid docker archive");
	}
	for (int i = 0; i < 3; i++)
		free(files[i]);
out:
	for (int i = 0; i < 3; i++)
		free(digests[i]);
	if (tmp)
		tu_rmrf(tmp);
	free(tmp);
	free(cmd);
	free(spec);
	free(content);
}

/* ---- OCI layouts ---- */

static void test_layouts(void)
{
	char *base = str_printf("%s/images/edge/ggcr/layout", testdata_dir()), *spec, *index_path;
	json_t *index;
	struct image img;
	struct error err = ERROR_INIT;
	/* test_index: tag 1 is a manifest, 2 a manifest behind a generic
	 * descriptor type, 3 an OCI index and 4 a Docker list that each nest
	 * tag 1's manifest (read from the blobs with jq-free eyes: see the
	 * layout's index.json and blobs). */
	static const struct {
		const char *sel, *want;
	} cases[] = {
	    {":1", "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650"},
	    {":2", "sha256:32589985702551b6c56033bb3334432a0a513bf9d6aceda0f67c42b003850720"},
	    {":3", "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650"},
	    {":4", "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650"},
	    {"@sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650",
	     "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spec = str_printf("oci:%s/test_index%s", base, cases[i].sel);
		if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
			char *mpath = str_printf("%s/test_index/blobs/sha256/%s", base, cases[i].want + 7);
			char *mdigest = mpath ? sha256_of_file(mpath) : NULL;
			json_t *m = mpath ? json_load_file(mpath, 0, NULL) : NULL;
			json_t *want_layers = json_object_get(m, "layers");

			is_str(manifest_hash(&img), cases[i].want, "layout test_index%s: manifest",
			       cases[i].sel);
			is_str(mdigest ? mdigest : "?", cases[i].want,
			       "  ... whose blob hashes to that digest");
			is_int((int)n_layers(&img), (int)json_array_size(want_layers),
			       "  ... with the manifest's layers");
			is_str(layer_str(&img, 0, "hash"),
			       json_string_value(json_object_get(json_array_get(want_layers, 0), "digest")),
			       "  ... layer 0 as in the manifest");
			check_layer_files(&img, "layout");
			json_decref(m);
			free(mdigest);
			free(mpath);
		} else {
			ok(0, "layout test_index%s resolves: %s (%s)", cases[i].sel, err.message,
			   err.detail ? err.detail : "");
		}
		image_free(&img);
		error_clear(&err);
		free(spec);
	}

	/* One image: no tag needed; the hash is index.json's digest. */
	index_path = str_printf("%s/test_index_one_image/index.json", base);
	index = index_path ? json_load_file(index_path, 0, NULL) : NULL;
	spec = str_printf("oci:%s/test_index_one_image", base);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		is_str(manifest_hash(&img),
		       json_string_value(
			   json_object_get(json_array_get(json_object_get(index, "manifests"), 0), "digest")),
		       "one-image layout: hash is index.json's only digest");
		check_layer_files(&img, "one-image layout");
	} else {
		ok(0, "one-image layout resolves: %s", err.message);
	}
	image_free(&img);
	error_clear(&err);
	json_decref(index);
	free(index_path);
	free(spec);

	spec = str_printf("oci:%s/test_index", base);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "no image for platform");
	free(spec);
	spec = str_printf("oci:%s/test_index:nosuchtag", base);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "no image tagged \"nosuchtag\"");
	free(spec);
	spec = str_printf("oci:%s/test_gc_image_unknown_mediatype", base);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "could not open");
	free(spec);
	spec = str_printf("oci:%s/no-such-layout", base);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "not found");
	free(spec);
	free(base);
}

/* A layout whose manifest blob was altered is refused. */
static void test_layout_tampered(void)
{
	char *tmp = tu_mkdtemp(), *cmd = NULL, *spec = NULL;
	const char *m = "98ceaf93e482fe91b9bfd6bba07137c098e49ee2d55e69f09fb6c951e75e0e46";

	if (!tmp)
		return;
	cmd = str_printf(
	    "cp -r '%s/images/edge/ggcr/layout/test_index_one_image' '%s/l' && chmod -R u+w '%s/l' && "
	    "printf ' ' >> '%s/l/blobs/sha256/%s'",
	    testdata_dir(), tmp, tmp, tmp, m);
	if (cmd && run(cmd) == 0) {
		spec = str_printf("oci:%s/l", tmp);
		expect_error(spec, CLARO_ERR_INVALID, "invalid OCI layout blob");
	}
	tu_rmrf(tmp);
	free(tmp);
	free(cmd);
	free(spec);
}

/* ---- dir: ---- */

static void test_dir(void)
{
	char *tmp = tu_mkdtemp(), *file = NULL, *spec = NULL, *h1 = NULL, *l1 = NULL, *uri = NULL;
	struct image img;
	struct error err = ERROR_INIT;

	if (!tmp)
		return;
	file = str_printf("%s/etc/os-release", tmp);
	spec = str_printf("dir:%s", tmp);
	uri = str_printf("file://%s", tmp);
	tu_write_file(file, "ID=test\n", 0644);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		ok(oci_digest_valid(manifest_hash(&img)), "dir: manifest hash is a sha256 digest");
		is_int((int)n_layers(&img), 1, "dir: one layer");
		is_str(layer_str(&img, 0, "media_type"), "application/vnd.claircore.filesystem",
		       "dir: filesystem layer");
		is_str(layer_str(&img, 0, "uri"), uri, "dir: URI is the directory");
		ok(strcmp(manifest_hash(&img), layer_str(&img, 0, "hash")) != 0,
		   "dir: manifest and layer hashes differ");
		h1 = str_dup(manifest_hash(&img));
		l1 = str_dup(layer_str(&img, 0, "hash"));
	} else {
		ok(0, "dir: resolves: %s", err.message);
	}
	image_free(&img);
	error_clear(&err);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK)
		is_str(manifest_hash(&img), h1 ? h1 : "?", "dir: same tree, same hash");
	image_free(&img);
	error_clear(&err);
	tu_write_file(file, "ID=changed-and-longer\n", 0644);
	if (image_resolve(spec, NULL, &img, &err) == CLARO_OK) {
		ok(h1 && strcmp(manifest_hash(&img), h1) != 0,
		   "dir: a changed file changes the manifest hash");
		ok(l1 && strcmp(layer_str(&img, 0, "hash"), l1) != 0, "dir: ... and the layer hash");
	}
	image_free(&img);
	error_clear(&err);
	free(spec);
	spec = str_printf("dir:%s/nope", tmp);
	expect_error(spec, CLARO_ERR_NOT_FOUND, "not found");
	tu_rmrf(tmp);
	free(tmp);
	free(file);
	free(spec);
	free(h1);
	free(l1);
	free(uri);
}

/* ---- references and platforms ---- */

static void test_refs(void)
{
	static const struct {
		const char *in, *registry, *endpoint, *repo, *tag, *digest;
	} good[] = {
	    {"alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL},
	    {"alpine:3.10", "docker.io", "registry-1.docker.io", "library/alpine", "3.10", NULL},
	    {"user/app", "docker.io", "registry-1.docker.io", "user/app", "latest", NULL},
	    {"quay.io/projectquay/clair:4.8.0", "quay.io", "quay.io", "projectquay/clair", "4.8.0", NULL},
	    {"127.0.0.1:5000/test/alpine:3.10", "127.0.0.1:5000", "127.0.0.1:5000", "test/alpine", "3.10",
	     NULL},
	    {"localhost/x", "localhost", "localhost", "x", "latest", NULL},
	    {"localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	     "localhost:5000", "localhost:5000", "a/b", NULL,
	     "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
	    {"r.example:443/a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	     "r.example:443", "r.example:443", "a", "t",
	     "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
	};
	static const char *const bad[] = {
	    "",        "Upper/case", "a//b", "x@sha256:abc", "host:5000/repo:bad tag",
	    "repo:-x", "host.io/",   "a:b:c"};
	struct oci_ref ref;
	struct error err = ERROR_INIT;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (oci_ref_parse(good[i].in, &ref, &err) != CLARO_OK) {
			ok(0, "reference %s parses: %s", good[i].in, err.message);
			error_clear(&err);
			continue;
		}
		ok(strcmp(ref.registry, good[i].registry) == 0 &&
		       strcmp(ref.endpoint, good[i].endpoint) == 0 &&
		       strcmp(ref.repository, good[i].repo) == 0 &&
		       (good[i].tag ? ref.tag && strcmp(ref.tag, good[i].tag) == 0 : !ref.tag) &&
		       (good[i].digest ? ref.digest && strcmp(ref.digest, good[i].digest) == 0 : !ref.digest),
		   "reference %s -> %s %s %s %s", good[i].in, ref.endpoint, ref.repository,
		   ref.tag ? ref.tag : "-", ref.digest ? "digest" : "-");
		oci_ref_free(&ref);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum claro_status st = oci_ref_parse(bad[i], &ref, &err);
		ok(st == CLARO_ERR_INVALID && err.detail && err.hint,
		   "reference \"%s\" is refused with a full error", bad[i]);
		error_clear(&err);
		oci_ref_free(&ref);
	}
}

static void test_platforms(void)
{
	const char *text =
	    "{\"manifests\":["
	    "{\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
	    "{\"digest\":\"sha256:2222222222222222222222222222222222222222222222222222222222222222\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
	    "{\"digest\":\"sha256:3333333333333333333333333333333333333333333333333333333333333333\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}}]}";
	json_t *index = json_loads(text, 0, NULL), *d;
	struct oci_platform p;
	struct error err = ERROR_INIT;

	ok(oci_platform_parse("linux/arm/v7", &p, &err) == CLARO_OK &&
	       oci_index_pick(index, &p, &d, &err) == CLARO_OK &&
	       str_has_prefix(json_string_value(json_object_get(d, "digest")), "sha256:3333"),
	   "platform linux/arm/v7 picks the v7 entry");
	oci_platform_free(&p);
	ok(oci_platform_parse("linux/arm", &p, &err) == CLARO_OK &&
	       oci_index_pick(index, &p, &d, &err) == CLARO_OK &&
	       str_has_prefix(json_string_value(json_object_get(d, "digest")), "sha256:2222"),
	   "platform linux/arm (no variant) takes the first arm entry");
	oci_platform_free(&p);
	ok(oci_platform_parse("linux/s390x", &p, &err) == CLARO_OK &&
	       oci_index_pick(index, &p, &d, &err) == CLARO_ERR_NOT_FOUND,
	   "platform linux/s390x is not in the index");
	like(err.detail ? err.detail : "", "linux/amd64, linux/arm/v6, linux/arm/v7",
	     "  ... and the error lists what is");
	error_clear(&err);
	oci_platform_free(&p);
	ok(oci_platform_parse(NULL, &p, &err) == CLARO_OK && strcmp(p.os, "linux") == 0 && p.arch &&
	       !p.variant,
	   "no platform means this host's (%s/%s)", p.os ? p.os : "?", p.arch ? p.arch : "?");
	oci_platform_free(&p);
	for (const char *const *s =
		 (const char *const[]){"linux", "/amd64", "linux/", "a/b/c/d", "linux//v7", NULL};
	     *s; s++) {
		ok(oci_platform_parse(*s, &p, &err) == CLARO_ERR_INVALID && err.hint,
		   "platform \"%s\" is refused", *s);
		error_clear(&err);
	}
	json_decref(index);
}

int main(void)
{
	plan_no_plan();
	test_refs();
	test_platforms();
	test_alpine("alpine-310.tar.gz");
	test_alpine("alpine-311.tar.gz");
	test_ggcr_tarballs();
	test_compressed_layers();
	test_layouts();
	test_layout_tampered();
	test_dir();
	return done_testing();
}
