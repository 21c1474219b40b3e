/* The linux plugin's coalescers (dpkg, alpine), loaded with the real loader
 * and called through struct plugin_call like the indexer does. Synthetic
 * layer artifacts cover Clair's Linux coalescer rules (reference §3.5) and
 * the whiteout rule claro adds; each case asserts the exact packages and
 * environments the host's index builder received. A last case scans two real
 * dpkg status files with the dpkg plugin and checks the result against
 * dpkg-query's output for them. dbwhiteout.c is also linked in directly to
 * test its path rules on their own.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../tests/tap.h"
#include "../../tests/unit/testutil.h"
#include "dbwhiteout.h"
#include "layerfs.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

#define STATUS       "var/lib/dpkg/status"
#define DISTROLESS_C "var/lib/dpkg/status.d/c"
#define APK_DB       "lib/apk/db/installed"

static struct registry reg;

/* did, name, version, version_code_name, version_id; no arch, cpe, pretty name */
#define DIST(var, did, name, version, code, id)                                               \
	static const struct claro_distribution var = {sizeof(var), did,  name, version, code, \
						      id,          NULL, NULL, NULL}
DIST(deb11, "debian", "Debian GNU/Linux", "11 (bullseye)", "bullseye", "11");
DIST(deb12, "debian", "Debian GNU/Linux", "12 (bookworm)", "bookworm", "12");
DIST(ubu22, "ubuntu", "Ubuntu", "22.04", "jammy", "22.04");
DIST(alp320, "alpine", "Alpine Linux", NULL, NULL, "3.20.3");

static void *must(void *p)
{
	if (!p) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- synthetic layers ---- */

struct tlayer {
	struct claro_layer_artifacts a;
	char *digest;
	const struct claro_package **pkgs;
	size_t n_pkgs;
	const struct claro_distribution **dists;
	size_t n_dists;
	const struct claro_file_record **files;
	size_t n_files;
};

static void push(void *arrayp, size_t *n, const void *item)
{
	const void ***array = arrayp;

	*array = must(realloc(*array, (*n + 1) * sizeof(**array)));
	(*array)[(*n)++] = item;
}

static struct tlayer *tl_new(const char *digest)
{
	struct tlayer *t = must(calloc(1, sizeof(*t)));

	t->digest = must(str_dup(digest));
	return t;
}

/* Arch "amd64", kind binary, source package "<name>-src" at the same
 * version: the copies the host makes must keep all of that. */
static void tl_pkg(struct tlayer *t, const char *name, const char *version, const char *db)
{
	struct claro_package *p = must(calloc(1, sizeof(*p)));
	struct claro_package *src = must(calloc(1, sizeof(*src)));

	src->struct_size = sizeof(*src);
	src->name = must(str_printf("%s-src", name));
	src->version = must(str_dup(version));
	src->kind = CLARO_PACKAGE_SOURCE;
	p->struct_size = sizeof(*p);
	p->name = must(str_dup(name));
	p->version = must(str_dup(version));
	p->kind = CLARO_PACKAGE_BINARY;
	p->arch = "amd64";
	p->package_db = db ? must(str_dup(db)) : NULL;
	p->source = src;
	push(&t->pkgs, &t->n_pkgs, p);
}

static void tl_dist(struct tlayer *t, const struct claro_distribution *d)
{
	push(&t->dists, &t->n_dists, d);
}

static void tl_file(struct tlayer *t, const char *path, const char *kind)
{
	struct claro_file_record *f = must(calloc(1, sizeof(*f)));

	f->struct_size = sizeof(*f);
	f->path = must(str_dup(path));
	f->kind = kind;
	push(&t->files, &t->n_files, f);
}

static void tl_wh(struct tlayer *t, const char *path)
{
	tl_file(t, path, CLARO_FILE_WHITEOUT);
}

static void free_package(const struct claro_package *p)
{
	if (p->source) {
		free((char *)p->source->name);
		free((char *)p->source->version);
		free((void *)p->source);
	}
	free((char *)p->name);
	free((char *)p->version);
	free((char *)p->package_db);
	free((void *)p);
}

static void tl_free(struct tlayer *t)
{
	for (size_t i = 0; i < t->n_pkgs; i++)
		free_package(t->pkgs[i]);
	for (size_t i = 0; i < t->n_files; i++) {
		free((char *)t->files[i]->path);
		free((void *)t->files[i]);
	}
	free(t->pkgs);
	free(t->dists);
	free(t->files);
	free(t->digest);
	free(t);
}

static void tl_free_all(struct tlayer **ls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tl_free(ls[i]);
}

static const struct claro_layer_artifacts *tl_artifacts(struct tlayer *t)
{
	memset(&t->a, 0, sizeof(t->a));
	t->a.struct_size = sizeof(t->a);
	t->a.layer_digest = t->digest;
	t->a.packages = t->pkgs;
	t->a.n_packages = t->n_pkgs;
	t->a.distributions = t->dists;
	t->a.n_distributions = t->n_dists;
	t->a.files = t->files;
	t->a.n_files = t->n_files;
	return &t->a;
}

/* ---- running a coalescer and reading what it produced ---- */

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lines sorted and joined with "\n" (each line ends with one). */
static char *join_sorted(char **lines, size_t n)
{
	struct buf b = BUF_INIT(0);

	qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t i = 0; i < n; i++)
		if (buf_puts(&b, lines[i]) != CLARO_OK || buf_puts(&b, "\n") != CLARO_OK)
			must(NULL);
	return n ? must(buf_steal(&b)) : must(str_dup(""));
}

static const char *s(const char *v)
{
	return v && *v ? v : "-";
}

/* "name version package_db introduced_in did:version_id" for every entry;
 * " +repos" marks an environment with repositories (there must be none),
 * " !arch"/" !source" a package whose arch or source was lost. */
static char *render(const struct claro_index_builder *ib)
{
	size_t n = index_builder_count(ib);
	char **lines = must(calloc(n ? n : 1, sizeof(*lines)));
	char *text;

	for (size_t i = 0; i < n; i++) {
		const struct claro_package *p = index_builder_package(ib, i);
		const struct claro_environment *e = index_builder_environment(ib, i);
		const struct claro_distribution *d = e->distribution;
		char *src_want = must(str_printf("%s-src", s(p->name)));
		int source_ok = p->source && strcmp(s(p->source->name), src_want) == 0 &&
				strcmp(s(p->source->version), s(p->version)) == 0;

		lines[i] = must(str_printf("%s %s %s %s %s%s%s%s%s", s(p->name), s(p->version),
					   s(e->package_db), s(e->introduced_in), d ? s(d->did) : "-",
					   d ? ":" : "", d ? s(d->version_id) : "",
					   e->repositories && e->repositories[0] ? " +repos" : "",
					   strcmp(s(p->arch), "amd64") ? " !arch"
					   : source_ok                 ? ""
								       : " !source"));
		free(src_want);
	}
	text = join_sorted(lines, n);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return text;
}

static enum claro_status coalesce_artifacts(const char *coalescer,
					    const struct claro_layer_artifacts *const *arts, size_t n,
					    struct claro_index_builder *ib, struct error *err)
{
	const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, coalescer);
	const struct claro_coalescer_ops *ops;
	struct plugin_call call;

	if (!ref) {
		error_set(err, CLARO_ERR_NOT_FOUND, "coalescer %s is not registered", coalescer);
		return CLARO_ERR_NOT_FOUND;
	}
	ops = ref->component->ops;
	plugin_call_begin(&call, ref);
	return plugin_call_end(&call, ops->coalesce(&call.ctx, arts, n, ib), err);
}

/* Coalesce ls[0..n) (bottom first) with the named coalescer; the rendered
 * result, or "error: <message>". */
static char *run(const char *coalescer, struct tlayer **ls, size_t n)
{
	const struct claro_layer_artifacts **arts = must(calloc(n ? n : 1, sizeof(*arts)));
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;
	char *text;

	for (size_t i = 0; i < n; i++)
		arts[i] = tl_artifacts(ls[i]);
	if (coalesce_artifacts(coalescer, arts, n, ib, &err) == CLARO_OK)
		text = render(ib);
	else
		text = must(str_printf("error: %s", s(err.message)));
	error_clear(&err);
	index_builder_free(ib);
	free(arts);
	return text;
}

/* want: NULL-terminated lines in any order; frees got. */
static void expect(char *got, const char *const *want, const char *fmt, ...) CLARO_PRINTF(3, 4);
static void expect(char *got, const char *const *want, const char *fmt, ...)
{
	size_t n = 0;
	char **lines;
	char *text, *what;
	va_list ap;

	va_start(ap, fmt);
	what = must(str_vprintf(fmt, ap));
	va_end(ap);

	while (want[n])
		n++;
	lines = must(calloc(n ? n : 1, sizeof(*lines)));
	for (size_t i = 0; i < n; i++)
		lines[i] = (char *)want[i];
	text = join_sorted(lines, n);
	is_str(got, text, "%s", what);
	free(what);
	free(text);
	free(lines);
	free(got);
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOTHING    ((const char *const[]){NULL})

/* ---- the cases ---- */

static void test_scanner_lists(void)
{
	static const char *const want_dpkg[] = {"dpkg",   "dpkg-distroless", "debian",
						"ubuntu", "whiteout",        NULL};
	static const char *const want_alpine[] = {"apk", "alpine", "whiteout", NULL};
	/* claircore's rpm ecosystem (rpm; aws, oracle, suse, photon), the
	 * distributions beyond Clair, and the rhel scanners whose results tell
	 * it to give the image to the rhel coalescer */
	static const char *const want_rpm[] = {"rpm",      "aws",     "oracle", "suse",
					       "photon",   "centos",  "rocky",  "almalinux",
					       "fedora",   "mariner", "rhel",   "rhel-repository-scanner",
					       "whiteout", NULL};
	const char *const *wants[] = {want_dpkg, want_alpine, want_rpm};
	const char *names[] = {"dpkg", "alpine", "rpm"};

	is_int(registry_count(&reg, CLARO_KIND_COALESCER), 3, "linux.so carries three coalescers");
	for (int k = 0; k < 3; k++) {
		const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, names[k]);
		const struct claro_coalescer_ops *ops = ref ? ref->component->ops : NULL;
		size_t i = 0;
		int same = ops != NULL;

		for (; same && wants[k][i]; i++)
			same = ops->scanners[i] && strcmp(ops->scanners[i], wants[k][i]) == 0;
		ok(same && ops->scanners[i] == NULL,
		   "the %s coalescer takes exactly claircore's %s ecosystem scanners plus whiteout%s",
		   names[k], names[k],
		   k == 2 ? ", claro's other rpm distributions and the rhel evidence" : "");
	}
}

static void test_last_layer_wins(void)
{
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	tl_dist(l[0], &deb11);
	tl_pkg(l[0], "a", "1", STATUS);
	tl_pkg(l[0], "b", "1", STATUS);
	tl_pkg(l[0], "gone", "1", STATUS);
	tl_pkg(l[0], "c", "1", DISTROLESS_C);
	tl_pkg(l[1], "a", "1", STATUS); /* status rewritten: gone removed, b unchanged */
	tl_pkg(l[1], "b", "1", STATUS);
	expect(run("dpkg", l, 3),
	       LINES("a 1 " STATUS " L0 debian:11", "b 1 " STATUS " L0 debian:11",
		     "c 1 " DISTROLESS_C " L0 debian:11"),
	       "last layer wins per database: status from L1 (without \"gone\"), status.d/c from L0");
	tl_free_all(l, 3);
}

static void test_upgrade(void)
{
	struct tlayer *l[4] = {tl_new("L0"), tl_new("L1"), tl_new("L2"), tl_new("L3")};

	tl_dist(l[0], &deb11);
	tl_pkg(l[0], "a", "1", STATUS);
	tl_pkg(l[0], "b", "1", STATUS);
	tl_pkg(l[1], "a", "2", STATUS);
	tl_pkg(l[1], "b", "1", STATUS);
	tl_dist(l[2], &deb12);
	tl_pkg(l[2], "a", "3", STATUS);
	tl_pkg(l[2], "b", "1", STATUS);
	tl_pkg(l[2], "n", "1", STATUS);
	expect(run("dpkg", l, 3),
	       LINES("a 3 " STATUS " L2 debian:12", "b 1 " STATUS " L0 debian:11",
		     "n 1 " STATUS " L2 debian:12"),
	       "an upgraded package is introduced in the upgrade layer, with that layer's distribution");
	tl_pkg(l[3], "a", "2", STATUS);
	tl_pkg(l[3], "b", "1", STATUS);
	expect(run("dpkg", l, 4), LINES("a 2 " STATUS " L1 debian:11", "b 1 " STATUS " L0 debian:11"),
	       "a downgrade to an earlier version goes back to where that version first appeared (Clair)");
	tl_free_all(l, 4);
}

static void test_two_databases(void)
{
	struct tlayer *l[2] = {tl_new("L0"), tl_new("L1")};

	tl_pkg(l[0], "x", "1", STATUS);
	tl_pkg(l[1], "x", "1", STATUS);
	tl_pkg(l[1], "y", "1", STATUS);
	tl_pkg(l[1], "x", "1", "var/lib/dpkg/status.d/x");
	expect(
	    run("dpkg", l, 2),
	    LINES("x 1 " STATUS " L0 -", "y 1 " STATUS " L1 -", "x 1 var/lib/dpkg/status.d/x L1 -"),
	    "the same package in two databases has one environment per database, no distribution anywhere");
	tl_free_all(l, 2);
}

static void test_distribution_search(void)
{
	struct tlayer *l[5] = {tl_new("L0"), tl_new("L1"), tl_new("L2"), tl_new("L3"), tl_new("L4")};

	/* Nothing at or below the package's layer: the nearest above. */
	tl_pkg(l[0], "a", "1", STATUS);
	tl_dist(l[2], &deb12);
	tl_dist(l[3], &ubu22);
	expect(run("dpkg", l, 4), LINES("a 1 " STATUS " L0 debian:12"),
	       "without a distribution at or below, the nearest one above");

	/* Below wins over above. */
	tl_pkg(l[1], "a", "1", STATUS);
	tl_pkg(l[1], "b", "1", STATUS);
	tl_dist(l[0], &deb11);
	expect(run("dpkg", l, 4), LINES("a 1 " STATUS " L0 debian:11", "b 1 " STATUS " L1 debian:11"),
	       "the introduction layer's own, else the nearest below even when one is nearer above");

	/* The first distribution of a layer counts. */
	tl_pkg(l[4], "a", "1", STATUS);
	tl_pkg(l[4], "b", "1", STATUS);
	tl_pkg(l[4], "c", "1", STATUS);
	tl_dist(l[4], &ubu22);
	tl_dist(l[4], &deb12);
	expect(run("dpkg", l, 5),
	       LINES("a 1 " STATUS " L0 debian:11", "b 1 " STATUS " L1 debian:11",
		     "c 1 " STATUS " L4 ubuntu:22.04"),
	       "a layer with two distributions gives its first");
	tl_free_all(l, 5);
}

/* L0: dpkg status (a, b) and a distroless database (c); L1 adds fs noise. */
static void base_image(struct tlayer **l)
{
	tl_dist(l[0], &deb12);
	tl_pkg(l[0], "a", "1", STATUS);
	tl_pkg(l[0], "b", "1", STATUS);
	tl_pkg(l[0], "c", "1", DISTROLESS_C);
	tl_wh(l[1], "tmp/.wh.build");
}

static void test_whiteout_file(void)
{
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	base_image(l);
	tl_wh(l[2], "var/lib/dpkg/.wh.status");
	expect(run("dpkg", l, 3), LINES("c 1 " DISTROLESS_C " L0 debian:12"),
	       "a whiteout of the status file removes its packages and only those");
	tl_wh(l[2], "var/lib/dpkg/status.d/.wh.c");
	expect(run("dpkg", l, 3), NOTHING, "a whiteout of a status.d file removes that database");
	tl_free_all(l, 3);

	l[0] = tl_new("L0"), l[1] = tl_new("L1"), l[2] = tl_new("L2");
	base_image(l);
	tl_wh(l[1], "var/lib/.wh.dpkg");
	expect(run("dpkg", l, 3), NOTHING, "a whiteout of var/lib/dpkg removes every database below it");
	tl_free_all(l, 3);
}

static void test_opaque_directory(void)
{
	const char *const markers[] = {"var/lib/dpkg/.wh..wh..opq", "var/lib/.wh..wh..opq",
				       "var/.wh..wh..opq", ".wh..wh..opq"};

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

		base_image(l);
		tl_wh(l[2], markers[i]);
		expect(run("dpkg", l, 3), NOTHING, "an opaque %s removes both databases", markers[i]);
		tl_free_all(l, 3);
	}
	{
		struct tlayer *l[2] = {tl_new("L0"), tl_new("L1")};

		base_image(l);
		tl_wh(l[1], "var/lib/dpkg/status.d/.wh..wh..opq");
		expect(run("dpkg", l, 2), LINES("a 1 " STATUS " L0 debian:12", "b 1 " STATUS " L0 debian:12"),
		       "an opaque status.d removes the distroless database, not the status file beside it");
		tl_free_all(l, 2);
	}
}

static void test_unrelated_whiteouts(void)
{
	const char *const paths[] = {"var/lib/dpkg/.wh.status-old",   "var/lib/.wh.dpkg-old",
				     "var/lib/dpkg/.wh.statu",        "usr/.wh..wh..opq",
				     "var/lib/dpkg/status.d/.wh.cc",  "var/lib/dpkg/status/.wh.x",
				     "var/lib/dpkg/.wh..wh.plnk",     "var/lib/dpkg/.wh.",
				     "var/lib/dpkg/info/.wh..wh..opq"};
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	base_image(l);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		tl_wh(l[2], paths[i]);
	tl_file(l[2], "var/lib/dpkg/.wh.status", "not-a-whiteout"); /* only kind whiteout counts */
	expect(run("dpkg", l, 3),
	       LINES("a 1 " STATUS " L0 debian:12", "b 1 " STATUS " L0 debian:12",
		     "c 1 " DISTROLESS_C " L0 debian:12"),
	       "whiteouts of neighbouring or unrelated paths change nothing");
	tl_free_all(l, 3);
}

static void test_rewritten_after_whiteout(void)
{
	struct tlayer *l[4] = {tl_new("L0"), tl_new("L1"), tl_new("L2"), tl_new("L3")};

	base_image(l);
	tl_wh(l[1], "var/lib/.wh.dpkg");
	tl_pkg(l[2], "a", "1", STATUS);
	tl_pkg(l[2], "d", "1", STATUS);
	expect(run("dpkg", l, 3), LINES("a 1 " STATUS " L2 debian:12", "d 1 " STATUS " L2 debian:12"),
	       "a database written again above its whiteout wins, and its packages start afresh there");
	tl_pkg(l[3], "a", "1", STATUS);
	tl_pkg(l[3], "d", "2", STATUS);
	expect(run("dpkg", l, 4), LINES("a 1 " STATUS " L2 debian:12", "d 2 " STATUS " L3 debian:12"),
	       "  and later layers count introductions from the rewrite on");
	tl_free_all(l, 4);

	l[0] = tl_new("L0"), l[1] = tl_new("L1");
	base_image(l);
	tl_wh(l[1], "var/lib/dpkg/.wh..wh..opq"); /* same layer: the old contents go, the new stay */
	tl_pkg(l[1], "a", "1", STATUS);
	tl_pkg(l[1], "e", "1", STATUS);
	expect(run("dpkg", l, 2), LINES("a 1 " STATUS " L1 debian:12", "e 1 " STATUS " L1 debian:12"),
	       "a layer that makes var/lib/dpkg opaque and writes a new status keeps the new one only");
	tl_free_all(l, 2);
}

static void test_empty_layers(void)
{
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;

	is_int(coalesce_artifacts("dpkg", NULL, 0, ib, &err), CLARO_OK, "no layers at all is fine");
	is_int(index_builder_count(ib), 0, "  and gives nothing");
	index_builder_free(ib);
	expect(run("dpkg", l, 3), NOTHING, "three empty layers give nothing");
	tl_dist(l[1], &deb12);
	tl_wh(l[2], "var/lib/.wh.dpkg");
	expect(run("dpkg", l, 3), NOTHING, "a distribution and whiteouts without packages give nothing");
	tl_pkg(l[1], "a", "1", NULL);
	expect(run("dpkg", l, 3), LINES("a 1 - L1 debian:12"),
	       "a package without package_db is kept under \"\"");
	tl_free_all(l, 3);
}

static void test_invalid_layers(void)
{
	struct tlayer *t = tl_new("L0");
	const struct claro_layer_artifacts *arts[2] = {tl_artifacts(t), NULL};
	struct claro_layer_artifacts small = t->a;
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;

	is_int(coalesce_artifacts("dpkg", arts, 2, ib, &err), CLARO_ERR_INVALID, "a NULL layer is refused");
	is_str(err.message, "invalid layer artifacts", "  with a message");
	is_str(err.detail, "Layer 1 (counting from the bottom) is NULL.", "  a detail");
	ok(err.hint != NULL, "  and a hint");
	error_clear(&err);
	small.struct_size = 8;
	arts[1] = &small;
	is_int(coalesce_artifacts("dpkg", arts, 2, ib, &err), CLARO_ERR_INVALID, "a short struct is refused");
	error_clear(&err);
	small = t->a;
	small.n_packages = 3;
	small.packages = NULL;
	arts[1] = &small;
	is_int(coalesce_artifacts("dpkg", arts, 2, ib, &err), CLARO_ERR_INVALID,
	       "a package count without an array is refused");
	is_str(err.detail, "Layer 1 (counting from the bottom) counts records in an array that is NULL.",
	       "  and says which layer");
	error_clear(&err);
	is_int(index_builder_count(ib), 0, "nothing was added by the refused calls");
	index_builder_free(ib);
	tl_free(t);
}

/* 300 layers; package p<j> moves to version floor(l / (j + 1)) in layer l,
 * so in the top layer T it is at v = T / (j + 1), first seen in layer
 * v * (j + 1). Layers 5, 12, 19, ... carry a distribution whose version_id is
 * the layer number; layers 0-4 have none, so they take layer 5's. */
#define MANY_LAYERS   300
#define MANY_PACKAGES 12

static void test_many_layers(void)
{
	struct tlayer *l[MANY_LAYERS];
	struct claro_distribution dists[MANY_LAYERS];
	char version_ids[MANY_LAYERS][8];
	const char *want[MANY_PACKAGES + 1];
	char *want_lines[MANY_PACKAGES];
	size_t top = MANY_LAYERS - 1;

	for (size_t i = 0; i < MANY_LAYERS; i++) {
		char digest[32];

		snprintf(digest, sizeof(digest), "L%zu", i);
		l[i] = tl_new(digest);
		if (i >= 5 && (i - 5) % 7 == 0) {
			snprintf(version_ids[i], sizeof(version_ids[i]), "%zu", i);
			dists[i] = deb12;
			dists[i].version_id = version_ids[i];
			tl_dist(l[i], &dists[i]);
		}
		for (size_t j = 0; j < MANY_PACKAGES; j++) {
			char name[16], version[16];

			snprintf(name, sizeof(name), "p%zu", j);
			snprintf(version, sizeof(version), "%zu", i / (j + 1));
			tl_pkg(l[i], name, version, STATUS);
		}
	}
	for (size_t j = 0; j < MANY_PACKAGES; j++) {
		size_t v = top / (j + 1), intro = v * (j + 1);
		size_t dist_layer = intro < 5 ? 5 : intro - (intro - 5) % 7;

		want_lines[j] =
		    must(str_printf("p%zu %zu " STATUS " L%zu debian:%zu", j, v, intro, dist_layer));
		want[j] = want_lines[j];
	}
	want[MANY_PACKAGES] = NULL;
	expect(run("dpkg", l, MANY_LAYERS), want,
	       "300 layers of upgrades: top versions, first appearance, dists");
	for (size_t j = 0; j < MANY_PACKAGES; j++)
		free(want_lines[j]);
	tl_free_all(l, MANY_LAYERS);
}

static void test_alpine(void)
{
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	tl_dist(l[0], &alp320);
	tl_pkg(l[0], "musl", "1.2.5-r0", APK_DB);
	tl_pkg(l[0], "busybox", "1.36.1-r29", APK_DB);
	tl_pkg(l[1], "musl", "1.2.5-r0", APK_DB);
	tl_pkg(l[1], "busybox", "1.36.1-r30", APK_DB);
	expect(run("alpine", l, 3),
	       LINES("musl 1.2.5-r0 " APK_DB " L0 alpine:3.20.3",
		     "busybox 1.36.1-r30 " APK_DB " L1 alpine:3.20.3"),
	       "the alpine coalescer applies the same rules to lib/apk/db/installed");
	tl_wh(l[2], "lib/apk/db/.wh.installed");
	expect(run("alpine", l, 3), NOTHING, "  and removes a whited-out apk database");
	tl_free_all(l, 3);
}

static void test_rpm_shaped_databases(void)
{
	struct tlayer *l[2] = {tl_new("L0"), tl_new("L1")};

	tl_pkg(l[0], "bash", "5.1-1", "bdb:var/lib/rpm");
	tl_pkg(l[0], "zsh", "5.8-1", "sqlite:var/lib/rpm");
	tl_wh(l[1], "var/lib/rpm/.wh.Packages");
	expect(run("dpkg", l, 2), LINES("zsh 5.8-1 sqlite:var/lib/rpm L0 -"),
	       "kind-prefixed directory databases: .wh.Packages removes the bdb one only");
	tl_wh(l[1], "var/lib/.wh.rpm");
	expect(run("dpkg", l, 2), NOTHING, "  a whiteout of var/lib/rpm removes both");
	tl_free_all(l, 2);
}

/* The rpm coalescer: Clair's Linux rules for the rpm distributions, and
 * nothing at all for Red Hat's images (the rhel coalescer's; rhelfamily.h). */
DIST(al2, "amzn", "Amazon Linux", "2", NULL, "2");
DIST(rhel9, "rhel", "Red Hat Enterprise Linux Server", "9", NULL, "9");
DIST(hbird, "hummingbird", "Hummingbird OS", "20251124", NULL, "20251124");

static void test_rpm_ecosystem(void)
{
	static const struct claro_repository product = {
	    sizeof(product), "cpe:2.3:o:redhat:enterprise_linux:9:*:baseos:*:*:*:*:*", "rhel-cpe-repository",
	    "repoid=rhel-9-for-x86_64-baseos-rpms", "cpe:2.3:o:redhat:enterprise_linux:9:*:baseos:*:*:*:*:*"};
	static const struct claro_repository *const products[] = {&product};
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	tl_dist(l[0], &al2);
	tl_pkg(l[0], "bash", "4.2.46-34.amzn2", "bdb:var/lib/rpm");
	tl_pkg(l[0], "gone", "1-1", "bdb:var/lib/rpm");
	tl_pkg(l[1], "bash", "4.2.46-34.amzn2", "bdb:var/lib/rpm");
	tl_pkg(l[1], "curl", "8.3.0-1.amzn2", "bdb:var/lib/rpm");
	expect(run("rpm", l, 3),
	       LINES("bash 4.2.46-34.amzn2 bdb:var/lib/rpm L0 amzn:2",
		     "curl 8.3.0-1.amzn2 bdb:var/lib/rpm L1 amzn:2"),
	       "rpm: last layer wins per database, the distribution of the introduction layer");
	tl_dist(l[2], &rhel9);
	expect(run("rpm", l, 3), NOTHING,
	       "rpm: a layer with a RHEL distribution makes it the rhel coalescer's image");
	l[2]->n_dists = 0;
	tl_dist(l[2], &hbird);
	expect(run("rpm", l, 3), NOTHING, "  so does Hummingbird, which the rhel scanner reports");
	l[2]->n_dists = 0;
	{
		/* tl_artifacts() resets the struct: run by hand with the repository */
		const struct claro_layer_artifacts *arts[3];
		struct claro_index_builder *ib = must(index_builder_new());
		struct error err = ERROR_INIT;

		for (int i = 0; i < 3; i++)
			arts[i] = tl_artifacts(l[i]);
		l[2]->a.repositories = products;
		l[2]->a.n_repositories = 1;
		is_int(coalesce_artifacts("rpm", arts, 3, ib, &err), CLARO_OK,
		       "rpm: with a product repository");
		is_int(index_builder_count(ib), 0,
		       "  a RHEL product repository alone makes it the rhel coalescer's too");
		error_clear(&err);
		index_builder_free(ib);
	}
	tl_free_all(l, 3);
}

static void test_dbwhiteout_rules(void)
{
	static const struct {
		const char *wh, *db;
		int want;
	} cases[] = {
	    {"var/lib/dpkg/.wh.status", STATUS, 1},
	    {"/var/lib/dpkg/.wh.status", STATUS, 1},
	    {"./var/lib/dpkg/.wh.status", STATUS, 1},
	    {"var/lib/dpkg/.wh.status", "/" STATUS, 1},
	    {".wh.var", STATUS, 1},
	    {".wh..wh..opq", STATUS, 1},
	    {"var/lib/rpm/.wh..wh..opq", "bdb:var/lib/rpm", 1},
	    {"var/lib/rpm/.wh.rpmdb.sqlite", "sqlite:var/lib/rpm", 1},
	    {"var/lib/rpm/.wh.Packages.db", "ndb:var/lib/rpm", 1},
	    {"var/lib/rpm/.wh.Packages", "ndb:var/lib/rpm", 0},
	    {"var/lib/rpm/.wh.Packages", "var/lib/rpm", 0},
	    {"var/lib/dpkg/.wh.status", "var/lib/dpkg/status-old", 0},
	    {"var/lib/dpkg/.wh.stat", STATUS, 0},
	    {"var/lib/.wh.dpk", STATUS, 0},
	    {"var/lib/dpkg/status/.wh..wh..opq", STATUS, 1}, /* only if status were a directory */
	    {"var/lib/dpkg/status/.wh.x", STATUS, 0},
	    {"var/lib/dpkg/.wh.", STATUS, 0},
	    {"var/lib/dpkg/.wh..wh.plnk", STATUS, 0},
	    {"var/lib/dpkg/wh.status", STATUS, 0},
	    {"var/lib/dpkg/.wh.status", "", 0},
	    {"var/lib/dpkg/.wh.status", "bdb:", 0},
	    {"", STATUS, 0},
	    {NULL, STATUS, 0},
	    {"var/lib/dpkg/.wh.status", NULL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(dbwhiteout_covers(cases[i].wh, cases[i].db), cases[i].want,
		       "whiteout %s %s database %s", cases[i].wh ? cases[i].wh : "(null)",
		       cases[i].want ? "deletes" : "leaves", cases[i].db ? cases[i].db : "(null)");
}

/* ---- real data: two dpkg status files as two layers ---- */

/* name version arch of the installed rows of a dpkg-query -W output
 * (package, architecture, version, source, source version, status). */
static size_t read_oracle(const char *path, char ***rows)
{
	char *text = tu_read_file(path), *line, *next;
	size_t n = 0;

	*rows = NULL;
	if (!text)
		return 0;
	for (line = text; line && *line; line = next) {
		char *f[6] = {NULL};
		size_t k = 0;
		char *p = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (k < 6) {
			f[k++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (k == 6 && f[5][0] && f[5][1] == 'i' && (f[5][2] == ' ' || f[5][2] == '\0'))
			push(rows, &n, must(str_printf("%s %s %s", f[0], f[2], f[1])));
	}
	free(text);
	return n;
}

/* Does rows hold a row starting with key ("name version ")? */
static int has_row(char **rows, size_t n, const char *key, size_t key_len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(rows[i], key, key_len) == 0)
			return 1;
	return 0;
}

static void free_rows(char **rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/* A layer root holding var/lib/dpkg/{status,info/} from status_file, or a
 * whiteout of var/lib/dpkg when status_file is NULL. */
static struct claro_layer *real_layer(const char *tmp, const char *name, const char *status_file)
{
	char *root = must(str_printf("%s/%s", tmp, name));
	char *path = status_file ? must(str_printf("%s/var/lib/dpkg/status", root))
				 : must(str_printf("%s/var/lib/.wh.dpkg", root));
	char *info = must(str_printf("%s/var/lib/dpkg/info", root));
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;
	int made = status_file ? tu_copy_file(status_file, path, 0644) == 0 && mkdir(info, 0755) == 0
			       : tu_write_file(path, "", 0644) == 0;

	if (!made || layer_open_dir(root, name, &layer, &err) != CLARO_OK) {
		diag("cannot make layer %s: %s", name, s(err.message));
		error_clear(&err);
		layer = NULL;
	}
	free(root);
	free(path);
	free(info);
	return layer;
}

static enum claro_status scan_with(enum claro_kind kind, const char *component, struct claro_layer *layer,
				   struct claro_scan_result *r, struct error *err)
{
	const struct component_ref *ref = registry_find(&reg, kind, component);
	const struct claro_package_scanner_ops *ops; /* every scanner kind starts the same way */
	struct plugin_call call;

	if (!ref)
		return CLARO_ERR_NOT_FOUND;
	ops = ref->component->ops;
	plugin_call_begin(&call, ref);
	return plugin_call_end(&call, ops->scan(&call.ctx, layer, r), err);
}

/* The layer's scan results as coalescer input (borrowed from r). */
struct real_artifacts {
	struct claro_layer_artifacts a;
	const struct claro_package **pkgs;
	const struct claro_file_record **files;
};

static void real_artifacts_fill(struct real_artifacts *ra, const char *digest,
				const struct claro_scan_result *r,
				const struct claro_distribution *const *dist)
{
	size_t np = scan_result_n_packages(r), nf = scan_result_n_files(r);

	memset(ra, 0, sizeof(*ra));
	ra->pkgs = must(calloc(np ? np : 1, sizeof(*ra->pkgs)));
	ra->files = must(calloc(nf ? nf : 1, sizeof(*ra->files)));
	for (size_t i = 0; i < np; i++)
		ra->pkgs[i] = scan_result_package(r, i);
	for (size_t i = 0; i < nf; i++)
		ra->files[i] = scan_result_file(r, i);
	ra->a.struct_size = sizeof(ra->a);
	ra->a.layer_digest = digest;
	ra->a.packages = ra->pkgs;
	ra->a.n_packages = np;
	ra->a.files = ra->files;
	ra->a.n_files = nf;
	ra->a.distributions = dist;
	ra->a.n_distributions = dist ? 1 : 0;
}

/* "name version arch introduced_in" of every coalesced package. */
static char *render_real(const struct claro_index_builder *ib, int *db_ok)
{
	size_t n = index_builder_count(ib);
	char **lines = must(calloc(n ? n : 1, sizeof(*lines)));
	char *text;

	*db_ok = 1;
	for (size_t i = 0; i < n; i++) {
		const struct claro_package *p = index_builder_package(ib, i);
		const struct claro_environment *e = index_builder_environment(ib, i);

		lines[i] = must(
		    str_printf("%s %s %s %s", s(p->name), s(p->version), s(p->arch), s(e->introduced_in)));
		if (strcmp(s(e->package_db), STATUS) != 0 || !e->distribution ||
		    strcmp(e->distribution->did, "debian"))
			*db_ok = 0;
	}
	text = join_sorted(lines, n);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return text;
}

static void skip(const char *why)
{
	ok(1, "# SKIP %s", why);
}

static void test_real_dpkg(const char *plugins)
{
	/* trivy's valid.status (90 installed packages) below claircore's
	 * texlive.status (357): most names in common, 42 at the same version. */
	const char *lower = "pkgdb/dpkg/trivy/valid", *upper = "pkgdb/dpkg/claircore/texlive";
	char *dpkg_dir = must(str_printf("%s/dpkg/.libs", plugins)),
	     *so = must(str_printf("%s/dpkg.so", dpkg_dir));
	char *wh_dir = must(str_printf("%s/whiteout/.libs", plugins));
	char *files[4], *oracles[2] = {NULL, NULL}, *tmp = NULL;
	char **low_rows = NULL, **up_rows = NULL;
	size_t n_low = 0, n_up = 0;
	struct claro_layer *layers[4] = {NULL};
	struct claro_scan_result *results[4] = {NULL};
	struct real_artifacts ra[4];
	const struct claro_layer_artifacts *arts[4];
	const struct claro_distribution *dist[] = {&deb12};
	const char *digests[4] = {"sha256:lower", "sha256:upper", "sha256:whiteout", "sha256:again"};
	struct error err = ERROR_INIT;
	struct stat st;

	memset(ra, 0, sizeof(ra));
	files[0] = must(str_printf("%s/%s.status", testdata_dir(), lower));
	files[1] = must(str_printf("%s/%s.status", testdata_dir(), upper));
	files[2] = NULL;
	files[3] = files[0];
	if (stat(so, &st) != 0) {
		skip("the dpkg plugin is not built (plugins/dpkg/.libs/dpkg.so missing)");
		goto out;
	}
	if (stat(files[0], &st) != 0 || stat(files[1], &st) != 0) {
		skip("the dpkg test data is missing (set CLARO_TESTDATA)");
		goto out;
	}
	if (registry_load_one(&reg, dpkg_dir, "dpkg", NULL, &err) != CLARO_OK ||
	    registry_load_one(&reg, wh_dir, "whiteout", NULL, &err) != CLARO_OK) {
		ok(0, "the dpkg and whiteout plugins load: %s / %s", s(err.message), s(err.detail));
		goto out;
	}
	tmp = tu_mkdtemp();
	for (int i = 0; i < 4; i++) {
		enum claro_status sc;

		results[i] = must(scan_result_new());
		layers[i] = real_layer(tmp, digests[i], files[i]);
		if (!layers[i]) {
			ok(0, "layer %s was made", digests[i]);
			goto out;
		}
		sc = files[i] ? scan_with(CLARO_KIND_PACKAGE_SCANNER, "dpkg", layers[i], results[i], &err)
			      : scan_with(CLARO_KIND_FILE_SCANNER, "whiteout", layers[i], results[i], &err);
		if (!ok(sc == CLARO_OK, "the %s scanner reads layer %s", files[i] ? "dpkg" : "whiteout",
			digests[i]))
			diag("%s / %s", s(err.message), s(err.detail));
		error_clear(&err);
		real_artifacts_fill(&ra[i], digests[i], results[i], i == 0 ? dist : NULL);
		arts[i] = &ra[i].a;
	}
	is_int(scan_result_n_files(results[2]), 1, "the whiteout layer holds one whiteout record");

	oracles[0] = must(str_printf("%s/%s.dpkg-query.tsv", testdata_dir(), lower));
	oracles[1] = must(str_printf("%s/%s.dpkg-query.tsv", testdata_dir(), upper));
	n_low = read_oracle(oracles[0], &low_rows);
	n_up = read_oracle(oracles[1], &up_rows);
	ok(n_low == 90 && n_up == 357,
	   "the oracles list 90 (and git, removed: \"rc\") and 357 installed packages "
	   "(%zu, %zu)",
	   n_low, n_up);
	{
		/* Expected from the oracles alone: the upper database's rows,
		 * introduced below when the lower database had the same name and
		 * version, else in the upper layer. */
		char **want = must(calloc(n_up ? n_up : 1, sizeof(*want)));
		struct claro_index_builder *ib = must(index_builder_new());
		size_t from_lower = 0;
		int db_ok;
		char *got, *text;

		for (size_t i = 0; i < n_up; i++) {
			/* rows are "name version arch": the key is all but the arch */
			size_t key_len = (size_t)(strrchr(up_rows[i], ' ') - up_rows[i]) + 1;
			const char *intro =
			    has_row(low_rows, n_low, up_rows[i], key_len) ? digests[0] : digests[1];

			from_lower += intro == digests[0];
			want[i] = must(str_printf("%s %s", up_rows[i], intro));
		}
		text = join_sorted(want, n_up);
		is_int(coalesce_artifacts("dpkg", arts, 2, ib, &err), CLARO_OK,
		       "two real status files coalesce");
		got = render_real(ib, &db_ok);
		is_str(got, text, "the upper file's %zu packages, %zu of them introduced in the lower layer",
		       n_up, from_lower);
		ok(db_ok, "  all in var/lib/dpkg/status with the lower layer's debian distribution");
		free(got);
		free(text);
		index_builder_free(ib);

		ib = must(index_builder_new());
		is_int(coalesce_artifacts("dpkg", arts, 3, ib, &err), CLARO_OK,
		       "with a whiteout layer on top");
		is_int(index_builder_count(ib), 0,
		       "  var/lib/.wh.dpkg (found by the whiteout plugin) removes them all");
		index_builder_free(ib);

		ib = must(index_builder_new());
		is_int(coalesce_artifacts("dpkg", arts, 4, ib, &err), CLARO_OK,
		       "with the lower file written again above");
		is_int(index_builder_count(ib), n_low, "  its %zu packages come back", n_low);
		{
			size_t in_rewrite = 0;

			for (size_t i = 0; i < index_builder_count(ib); i++)
				in_rewrite += strcmp(s(index_builder_environment(ib, i)->introduced_in),
						     digests[3]) == 0;
			is_int(in_rewrite, n_low, "  all introduced in the rewrite layer, not the first one");
		}
		index_builder_free(ib);
		for (size_t i = 0; i < n_up; i++)
			free(want[i]);
		free(want);
	}
out:
	error_clear(&err);
	for (int i = 0; i < 4; i++) {
		if (results[i]) {
			free(ra[i].pkgs);
			free(ra[i].files);
			scan_result_free(results[i]);
		}
		if (layers[i])
			layer_free(layers[i]);
	}
	free_rows(low_rows, n_low);
	free_rows(up_rows, n_up);
	if (tmp) {
		tu_rmrf(tmp);
		free(tmp);
	}
	free(files[0]);
	free(files[1]);
	free(oracles[0]);
	free(oracles[1]);
	free(so);
	free(dpkg_dir);
	free(wh_dir);
}

int main(void)
{
	char *plugins = tu_builddir_path("plugins"), *dir;
	struct error err = ERROR_INIT;

	if (!plugins)
		skip_all("abs_top_builddir is not set (run through make check)");
	dir = must(str_printf("%s/linux/.libs", plugins));
	if (!ok(registry_load_one(&reg, dir, "linux", NULL, &err) == CLARO_OK,
		"linux.so loads with the real loader")) {
		diag("%s / %s", s(err.message), s(err.detail));
		return exit_status();
	}
	test_scanner_lists();
	test_last_layer_wins();
	test_upgrade();
	test_two_databases();
	test_distribution_search();
	test_whiteout_file();
	test_opaque_directory();
	test_unrelated_whiteouts();
	test_rewritten_after_whiteout();
	test_empty_layers();
	test_invalid_layers();
	test_many_layers();
	test_alpine();
	test_rpm_shaped_databases();
	test_rpm_ecosystem();
	test_dbwhiteout_rules();
	test_real_dpkg(plugins);
	registry_free(&reg);
	free(dir);
	free(plugins);
	return exit_status();
}
