/* One Red Hat CSAF VEX document into vulnerability records; see vex.h for
 * the mapping. claircore's parser is the reference (rhel/vex/parser.go and
 * toolkit/types/csaf); where it would fail a whole document or crash on a
 * single odd product (a purl or CPE that does not parse, a bad rpmmod, a
 * score without a vector, a product without a score), this skips and
 * counts the product instead, so one such product does not stop the feed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../osv/cvss.h"
#include "cpe.h"
#include "labels.h"
#include "purl.h"
#include "strmap.h"
#include "vex.h"

#define CPE_REPO_KEY  "rhel-cpe-repository"
#define RHCC_REPO_KEY "rhcc-container-repository"
#define RHCTAG        "rhctag"
/* Nested relationships deeper than this are a loop in practice (Red Hat
 * nests two levels: package, module, repository). */
#define MAX_REL_DEPTH 32
#define MAX_REL_COMPS 64

enum claro_status vex_error_set(struct vex_error *e, enum claro_status status, const char *what,
				const char *hint, const char *detail_fmt, ...)
{
	va_list ap;

	e->status = status;
	e->from_sink = 0;
	snprintf(e->what, sizeof(e->what), "%s", what);
	snprintf(e->hint, sizeof(e->hint), "%s", hint);
	va_start(ap, detail_fmt);
	vsnprintf(e->detail, sizeof(e->detail), detail_fmt, ap);
	va_end(ap);
	return status;
}

/* ---- a growable string ---- */

struct sbuf {
	char *s;
	size_t n, cap;
	int failed;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		char *ns;

		while (ncap < b->n + n + 1)
			ncap *= 2;
		if (!(ns = realloc(b->s, ncap))) {
			b->failed = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* The string, or NULL when out of memory (the buffer is handed over). */
static char *sb_take(struct sbuf *b)
{
	char *s = b->failed ? NULL : b->s;

	if (b->failed)
		free(b->s);
	else if (!s)
		s = calloc(1, 1);
	memset(b, 0, sizeof(*b));
	return s;
}

char *vex_path_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf b = {0};

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		char esc[3];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~' || c == '$' || c == '&' || c == '+' || c == ':' ||
		    c == '=' || c == '@') {
			sb_addn(&b, (const char *)p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		sb_addn(&b, esc, 3);
	}
	return sb_take(&b);
}

/* ---- the conversion of one document ---- */

struct conv {
	const char *source;
	const struct vex_sink *sink;
	struct vex_stats *st;
	struct vex_error *err;
	const char *name; /* tracking id */
	const char *self; /* self link ("" when none) */
	size_t emitted;   /* records of this document */
	struct strmap products, rels, scores, threats, remeds;
};

#define BAD_HINT                                                                                         \
	"The document does not have the shape of a CSAF 2.0 document; the update stops so the previous " \
	"snapshot stays. Check the feed (or the mirror serving it)."

static enum claro_status bad_shape(struct conv *c, const char *where, const char *want)
{
	return vex_error_set(c->err, CLARO_ERR_INVALID, "malformed CSAF VEX document", BAD_HINT,
			     "%.200s: %.200s must be %s.", c->source, where, want);
}

static const char *kind_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_REAL:
	case JSON_INTEGER: return "a number";
	default: return "a value";
	}
}

/* obj[key] when it has type t; NULL when absent or null (Go's zero
 * value); an error when it has another type. */
static enum claro_status field(struct conv *c, json_t *obj, const char *key, json_type t, const char *where,
			       json_t **out)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	char path[160];

	*out = NULL;
	if (!v || json_is_null(v))
		return CLARO_OK;
	if (json_typeof(v) == t || (t == JSON_REAL && json_is_integer(v))) {
		*out = v;
		return CLARO_OK;
	}
	snprintf(path, sizeof(path), "%s.%s", where, key);
	return bad_shape(c, path, kind_name(t));
}

/* A string field: "" when absent or null. */
static enum claro_status str_field(struct conv *c, json_t *obj, const char *key, const char *where,
				   const char **out)
{
	json_t *v;
	enum claro_status st = field(c, obj, key, JSON_STRING, where, &v);

	*out = v ? json_string_value(v) : "";
	return st;
}

/* Every element of an array of strings (null elements are ""). */
static enum claro_status check_strings(struct conv *c, json_t *arr, const char *where)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) && !json_is_null(v))
			return bad_shape(c, where, "an array of strings");
	}
	return CLARO_OK;
}

static const char *elem_str(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

static enum claro_status nomem(struct conv *c)
{
	return vex_error_set(c->err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
			     "%.200s could not be converted.", c->source);
}

/* Index the product tree: product ids of the branches (preorder, first
 * wins, as FindProductByID) and the default_component_of relationships by
 * their full product name (first wins, as FindRelationship). */
static enum claro_status index_tree(struct conv *c, json_t *tree)
{
	json_t **stack = NULL, *rels, *r;
	size_t n = 0, cap = 0, i;
	enum claro_status st = CLARO_OK;

	if (!tree)
		return CLARO_OK;
	if ((st = field(c, tree, "relationships", JSON_ARRAY, "product_tree", &rels)) != CLARO_OK)
		return st;
	json_array_foreach(rels, i, r)
	{
		json_t *fpn;
		const char *cat, *id, *pref, *rref;

		if (!json_is_object(r))
			return bad_shape(c, "product_tree.relationships[]", "an object");
		if ((st = str_field(c, r, "category", "relationship", &cat)) != CLARO_OK ||
		    (st = field(c, r, "full_product_name", JSON_OBJECT, "relationship", &fpn)) != CLARO_OK ||
		    (st = str_field(c, fpn, "product_id", "relationship.full_product_name", &id)) !=
			CLARO_OK ||
		    (st = str_field(c, r, "product_reference", "relationship", &pref)) != CLARO_OK ||
		    (st = str_field(c, r, "relates_to_product_reference", "relationship", &rref)) != CLARO_OK)
			return st;
		if (strcmp(cat, "default_component_of") == 0 && strmap_put_first(&c->rels, id, r) != 0)
			return nomem(c);
	}
	/* Depth-first over branches without recursion: the tree comes from
	 * outside and may be deep. */
	if (!(stack = malloc(16 * sizeof(*stack))))
		return nomem(c);
	cap = 16;
	stack[n++] = tree;
	while (n > 0) {
		json_t *b = stack[--n], *prod, *branches;

		if (!json_is_object(b)) {
			st = bad_shape(c, "product_tree.branches[]", "an object");
			break;
		}
		if ((st = field(c, b, "product", JSON_OBJECT, "branch", &prod)) != CLARO_OK ||
		    (st = field(c, b, "branches", JSON_ARRAY, "branch", &branches)) != CLARO_OK)
			break;
		if (prod) {
			const char *id;
			json_t *helper;

			if ((st = str_field(c, prod, "product_id", "branch.product", &id)) != CLARO_OK ||
			    (st = field(c, prod, "product_identification_helper", JSON_OBJECT,
					"branch.product", &helper)) != CLARO_OK)
				break;
			if (*id && strmap_put_first(&c->products, id, prod) != 0) {
				st = nomem(c);
				break;
			}
		}
		for (i = json_array_size(branches); i > 0; i--) {
			if (n == cap) {
				json_t **ns = cap > SIZE_MAX / 2 / sizeof(*ns)
						  ? NULL
						  : realloc(stack, 2 * cap * sizeof(*ns));

				if (!ns) {
					st = nomem(c);
					goto out;
				}
				stack = ns;
				cap *= 2;
			}
			stack[n++] = json_array_get(branches, i - 1);
		}
	}
out:
	free(stack);
	return st;
}

/* A score's CVSS object: baseScore a number, vectorString a string. */
static enum claro_status check_cvss(struct conv *c, json_t *score, const char *key)
{
	json_t *o, *num;
	const char *vec;
	enum claro_status st;

	if ((st = field(c, score, key, JSON_OBJECT, "score", &o)) != CLARO_OK || !o)
		return st;
	if ((st = field(c, o, "baseScore", JSON_REAL, key, &num)) != CLARO_OK)
		return st;
	return str_field(c, o, "vectorString", key, &vec);
}

/* Index what FindScore, FindThreat(…, "impact") and FindRemediation look
 * up: the first entry over all vulnerabilities that lists the product. */
static enum claro_status index_vuln_lists(struct conv *c, json_t *vulns)
{
	size_t i, j, k;
	json_t *v, *e, *p;
	enum claro_status st;

	json_array_foreach(vulns, i, v)
	{
		json_t *scores, *threats, *remeds;

		if (!json_is_object(v))
			return bad_shape(c, "vulnerabilities[]", "an object");
		if ((st = field(c, v, "scores", JSON_ARRAY, "vulnerability", &scores)) != CLARO_OK ||
		    (st = field(c, v, "threats", JSON_ARRAY, "vulnerability", &threats)) != CLARO_OK ||
		    (st = field(c, v, "remediations", JSON_ARRAY, "vulnerability", &remeds)) != CLARO_OK)
			return st;
		json_array_foreach(scores, j, e)
		{
			json_t *prods;

			if (!json_is_object(e))
				return bad_shape(c, "vulnerability.scores[]", "an object");
			if ((st = field(c, e, "products", JSON_ARRAY, "score", &prods)) != CLARO_OK ||
			    (st = check_strings(c, prods, "score.products")) != CLARO_OK ||
			    (st = check_cvss(c, e, "cvss_v2")) != CLARO_OK ||
			    (st = check_cvss(c, e, "cvss_v3")) != CLARO_OK ||
			    (st = check_cvss(c, e, "cvss_v4")) != CLARO_OK)
				return st;
			json_array_foreach(prods, k, p)
			{
				if (strmap_put_first(&c->scores, elem_str(p), e) != 0)
					return nomem(c);
			}
		}
		json_array_foreach(threats, j, e)
		{
			json_t *prods;
			const char *cat, *details;

			if (!json_is_object(e))
				return bad_shape(c, "vulnerability.threats[]", "an object");
			if ((st = str_field(c, e, "category", "threat", &cat)) != CLARO_OK ||
			    (st = str_field(c, e, "details", "threat", &details)) != CLARO_OK ||
			    (st = field(c, e, "product_ids", JSON_ARRAY, "threat", &prods)) != CLARO_OK ||
			    (st = check_strings(c, prods, "threat.product_ids")) != CLARO_OK)
				return st;
			if (strcmp(cat, "impact") != 0)
				continue;
			json_array_foreach(prods, k, p)
			{
				if (strmap_put_first(&c->threats, elem_str(p), e) != 0)
					return nomem(c);
			}
		}
		json_array_foreach(remeds, j, e)
		{
			json_t *prods;
			const char *url;

			if (!json_is_object(e))
				return bad_shape(c, "vulnerability.remediations[]", "an object");
			if ((st = str_field(c, e, "url", "remediation", &url)) != CLARO_OK ||
			    (st = field(c, e, "product_ids", JSON_ARRAY, "remediation", &prods)) !=
				CLARO_OK ||
			    (st = check_strings(c, prods, "remediation.product_ids")) != CLARO_OK)
				return st;
			json_array_foreach(prods, k, p)
			{
				if (strmap_put_first(&c->remeds, elem_str(p), e) != 0)
					return nomem(c);
			}
		}
	}
	return CLARO_OK;
}

/* ---- resolving one product id ---- */

struct prod {
	const char *id;
	struct purl purl;
	struct cpe wfn;
	char *repo_fs; /* the CPE as a 2.3 formatted string */
	json_t *score, *threat, *remed;
};

static void prod_free(struct prod *p)
{
	purl_free(&p->purl);
	cpe_free(&p->wfn);
	free(p->repo_fs);
	memset(p, 0, sizeof(*p));
}

/* claircore's extractProductNames: the component chain of a relationship,
 * package leftmost, repository rightmost. */
static enum claro_status chain(struct conv *c, const char *pref, const char *rref, const char **comps,
			       size_t *n, int depth)
{
	const char *refs[2] = {pref, rref};
	enum claro_status st;

	if (depth > MAX_REL_DEPTH)
		return vex_error_set(
		    c->err, CLARO_ERR_INVALID, "malformed CSAF VEX document", BAD_HINT,
		    "%.200s: the default_component_of relationships nest deeper than %d levels "
		    "(a loop?).",
		    c->source, MAX_REL_DEPTH);
	for (int k = 0; k < 2; k++) {
		json_t *rel = strmap_get(&c->rels, refs[k]);

		if (rel) {
			if ((st = chain(c, elem_str(json_object_get(rel, "product_reference")),
					elem_str(json_object_get(rel, "relates_to_product_reference")), comps,
					n, depth + 1)) != CLARO_OK)
				return st;
			continue;
		}
		if (*n >= MAX_REL_COMPS)
			return vex_error_set(c->err, CLARO_ERR_INVALID, "malformed CSAF VEX document",
					     BAD_HINT,
					     "%.200s: a product is made of more than %d nested components.",
					     c->source, MAX_REL_COMPS);
		comps[(*n)++] = refs[k];
	}
	return CLARO_OK;
}

/* A helper of a product: "" when absent, an error when not a string. */
static enum claro_status helper(struct conv *c, json_t *prod, const char *key, const char **out)
{
	json_t *h = json_object_get(prod, "product_identification_helper");

	return str_field(c, json_is_object(h) ? h : NULL, key, "product_identification_helper", out);
}

static double base_score(json_t *score)
{
	static const char *const order[] = {"cvss_v4", "cvss_v3", "cvss_v2"};

	for (size_t i = 0; i < 3; i++) {
		json_t *o = json_object_get(score, order[i]);

		if (json_is_object(o))
			return json_number_value(json_object_get(o, "baseScore"));
	}
	return 0.0;
}

/* claircore's creator.Status for one product id: 1 with *p filled, 0
 * when skipped (counted), or an error status. */
static int resolve(struct conv *c, const char *id, struct prod *p, enum claro_status *st)
{
	const char *comps[MAX_REL_COMPS], *pkg_id, *repo_id, *cpe_s, *purl_s, *why = NULL;
	json_t *rel = strmap_get(&c->rels, id), *pkg, *repo;
	size_t n = 0;
	char *esc = NULL;

	memset(p, 0, sizeof(*p));
	p->id = id;
	*st = CLARO_OK;
	if (!rel) {
		c->st->unrelated++;
		return 0;
	}
	if ((*st = chain(c, elem_str(json_object_get(rel, "product_reference")),
			 elem_str(json_object_get(rel, "relates_to_product_reference")), comps, &n, 0)) !=
	    CLARO_OK)
		return -1;
	pkg_id = comps[0];
	repo_id = comps[n - 1];
	if (!*repo_id) {
		c->st->unrelated++;
		return 0;
	}
	pkg = strmap_get(&c->products, pkg_id);
	repo = strmap_get(&c->products, repo_id);
	if (!pkg || !repo) {
		c->st->incomplete++;
		return 0;
	}
	if ((*st = helper(c, repo, "cpe", &cpe_s)) != CLARO_OK ||
	    (*st = helper(c, pkg, "purl", &purl_s)) != CLARO_OK)
		return -1;
	if (!*cpe_s || !*purl_s) {
		c->st->incomplete++;
		return 0;
	}
	/* claircore's escapeCPE: Red Hat writes "4.*" for "every 4.x"; a
	 * trailing '*' becomes %02 and every '?' %01 so the URI unbinds. */
	{
		struct sbuf b = {0};
		const char *q = cpe_s;

		while (*q) {
			size_t k = strcspn(q, ":");

			for (size_t j = 0; j < k; j++) {
				if (q[j] == '?')
					sb_add(&b, "%01");
				else if (q[j] == '*' && j == k - 1)
					sb_add(&b, "%02");
				else
					sb_addn(&b, q + j, 1);
			}
			q += k;
			if (*q == ':') {
				sb_addn(&b, ":", 1);
				q++;
			}
		}
		if (!(esc = sb_take(&b))) {
			*st = nomem(c);
			return -1;
		}
	}
	*st = cpe_unbind(esc, &p->wfn, &why);
	free(esc);
	if (*st == CLARO_ERR_NOMEM) {
		*st = nomem(c);
		return -1;
	}
	if (*st != CLARO_OK) {
		*st = CLARO_OK;
		c->st->bad_cpe++;
		return 0;
	}
	if (!(p->repo_fs = cpe_bind_fs(&p->wfn))) {
		*st = nomem(c);
		goto fail;
	}
	*st = purl_parse(purl_s, &p->purl, &why);
	if (*st == CLARO_ERR_NOMEM) {
		*st = nomem(c);
		goto fail;
	}
	if (*st != CLARO_OK) {
		*st = CLARO_OK;
		c->st->bad_purl++;
		prod_free(p);
		return 0;
	}
	/* claircore's checkPURL */
	if (strcmp(p->purl.type, "rpm") != 0 && strcmp(p->purl.type, "oci") != 0) {
		c->st->other_type++;
		prod_free(p);
		return 0;
	}
	if (strncmp(p->purl.name, "kernel", 6) == 0) {
		c->st->kernel++;
		prod_free(p);
		return 0;
	}
	if (strcmp(p->purl.type, "rpm") == 0 && strcmp(p->purl.namespace_, "redhat") != 0) {
		c->st->other_type++;
		prod_free(p);
		return 0;
	}
	p->score = strmap_get(&c->scores, id);
	p->threat = strmap_get(&c->threats, id);
	p->remed = strmap_get(&c->remeds, id);
	if (!p->threat && p->score && base_score(p->score) == 0.0) {
		c->st->zero_score++;
		prod_free(p);
		return 0;
	}
	return 1;
fail:
	prod_free(p);
	return -1;
}

/* ---- record fields from a resolved product ---- */

/* Package name (extractPackageName); NULL when out of memory, "" never. */
static char *package_name(const struct purl *u)
{
	const char *ru;
	char *out;
	size_t n;

	if (strcmp(u->type, "oci") == 0) {
		if (*u->namespace_) {
			n = strlen(u->namespace_) + 1 + strlen(u->name) + 1;
			if ((out = malloc(n)))
				snprintf(out, n, "%s/%s", u->namespace_, u->name);
			return out;
		}
		if ((ru = purl_qualifier(u, "repository_url")) != NULL) {
			const char *slash = strchr(ru, '/');

			if (slash && slash[1])
				return strdup(slash + 1);
		}
	}
	return strdup(u->name);
}

/* The module "name:stream" of the rpmmod qualifier (componentPURLToModuleName):
 * 1 and *out (malloc'd, "" when none), 0 when the qualifier is malformed,
 * -1 when out of memory. */
static int module_name(const struct purl *u, char **out)
{
	const char *v = purl_qualifier(u, "rpmmod"), *colon, *stream, *end;
	size_t n;

	*out = NULL;
	if (!v)
		return (*out = strdup("")) ? 1 : -1;
	colon = strchr(v, ':');
	if (!colon || !colon[1] || colon == v)
		return 0;
	stream = colon + 1;
	end = strchr(stream, ':');
	n = end ? (size_t)(end - stream) : strlen(stream);
	if (n == 0)
		return 0;
	if (!(*out = malloc((size_t)(colon - v) + 1 + n + 1)))
		return -1;
	memcpy(*out, v, (size_t)(colon - v) + 1);
	memcpy(*out + (colon - v) + 1, stream, n);
	(*out)[(colon - v) + 1 + n] = '\0';
	return 1;
}

/* The CVSS vector of a score (cvssVectorFromScore): v4, else v3, else v2,
 * each checked with a CVSS parser. NULL when there is none or it does not
 * parse. */
static const char *score_vector(json_t *score)
{
	static const struct {
		const char *key, *prefix;
	} order[] = {{"cvss_v4", "CVSS:4.0/"}, {"cvss_v3", "CVSS:3."}, {"cvss_v2", NULL}};

	for (size_t i = 0; i < 3; i++) {
		json_t *o = json_object_get(score, order[i].key);
		const char *vec;
		int s10;

		if (!json_is_object(o))
			continue;
		vec = json_string_value(json_object_get(o, "vectorString"));
		if (!vec)
			return NULL;
		if (order[i].prefix ? strncmp(vec, order[i].prefix, strlen(order[i].prefix)) != 0
				    : strncmp(vec, "CVSS:", 5) == 0)
			return NULL;
		return osv_cvss_base_score(vec, &s10) == 0 ? vec : NULL;
	}
	return NULL;
}

/* claircore's rhel/internal/common NormalizeSeverity. */
static enum claro_severity normalize(const char *s)
{
	static const struct {
		const char *word;
		enum claro_severity sev;
	} words[] = {{"low", CLARO_SEVERITY_LOW},
		     {"moderate", CLARO_SEVERITY_MEDIUM},
		     {"important", CLARO_SEVERITY_HIGH},
		     {"critical", CLARO_SEVERITY_CRITICAL}};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *a = s, *b = words[i].word;

		while (*a && *b && (*a | 0x20) == *b)
			a++, b++;
		if (!*a && !*b)
			return words[i].sev;
	}
	return CLARO_SEVERITY_UNKNOWN;
}

/* rhctag.Parse's major and minor of a container tag: 0 or -1. */
static int atoi_go(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0;

	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
			return -1;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int32_t go_int32(int64_t v)
{
	return (int32_t)(uint32_t)((uint64_t)v & 0xffffffffu);
}

static int rhctag_parse(const char *tag, int32_t *major, int32_t *minor)
{
	const char *s = tag, *e, *dot;
	int64_t v;

	if (*s == 'v')
		s++;
	e = strchr(s, '-');
	if (!e || e == s)
		e = s + strlen(s);
	dot = memchr(s, '.', (size_t)(e - s));
	if (dot && dot > s) {
		if (atoi_go(s, (size_t)(dot - s), &v) != 0)
			return -1;
		*major = go_int32(v);
		s = dot + 1;
	} else {
		if (atoi_go(s, (size_t)(e - s), &v) != 0)
			return -1;
		*major = go_int32(v);
		*minor = 0;
		return 0;
	}
	*minor = 0;
	dot = memchr(s, '.', (size_t)(e - s));
	if (dot && dot > s)
		e = dot;
	if (atoi_go(s, (size_t)(e - s), &v) == 0)
		*minor = go_int32(v);
	return 0;
}

static void rhctag_version(struct claro_normalized_version *out, int32_t major, int32_t minor, int32_t patch)
{
	memset(out, 0, sizeof(*out));
	out->kind = RHCTAG;
	out->v[0] = major;
	out->v[1] = minor;
	out->v[2] = patch;
}

static int version_less(const struct claro_normalized_version *a, const struct claro_normalized_version *b)
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i];
	return 0;
}

/* The links of a record: the vulnerability's, then (fixed) the
 * remediation URL, then "#<escaped product id>". */
static char *record_links(const char *base, json_t *remed, const char *id)
{
	struct sbuf b = {0};
	const char *url = remed ? json_string_value(json_object_get(remed, "url")) : NULL;

	sb_add(&b, base);
	if (remed) {
		sb_add(&b, " ");
		sb_add(&b, url ? url : "");
	}
	if (b.n > 0 && !b.failed) {
		char *esc = vex_path_escape(id);

		if (!esc) {
			b.failed = 1;
		} else {
			sb_add(&b, "#");
			sb_add(&b, esc);
			free(esc);
		}
	}
	return sb_take(&b);
}

/* What a vulnerability of the document gives every record. */
struct proto {
	const char *description;
	int64_t issued;
	char *links;
};

static enum claro_status emit(struct conv *c, const struct claro_vulnerability *v)
{
	enum claro_status st = c->sink->emit(c->sink->arg, v);

	if (st != CLARO_OK) {
		c->err->status = st;
		c->err->from_sink = 1;
		return st;
	}
	c->emitted++;
	c->st->records++;
	return CLARO_OK;
}

static void fill_record(struct claro_vulnerability *v, struct claro_package *pkg,
			struct claro_repository *repo, const struct conv *c, const struct proto *pr)
{
	memset(v, 0, sizeof(*v));
	memset(pkg, 0, sizeof(*pkg));
	memset(repo, 0, sizeof(*repo));
	v->struct_size = sizeof(*v);
	pkg->struct_size = sizeof(*pkg);
	repo->struct_size = sizeof(*repo);
	v->name = c->name;
	v->description = pr->description;
	v->issued = pr->issued;
	v->severity = "Unknown";
	v->normalized_severity = CLARO_SEVERITY_UNKNOWN;
	v->package = pkg;
	v->repository = repo;
	v->fixed_in_version = "";
}

/* ---- fixed: records grouped per package ---- */

struct pending {
	char *key;
	char *name, *module, *fixed_in, *links, *repo_fs, *severity;
	struct sbuf arch;
	enum claro_severity norm;
	int oci;
	char *range_name; /* the purl name the lowest-range rule groups by */
	struct claro_normalized_version lo, hi;
};

struct pendings {
	struct pending *v;
	size_t n, cap;
	struct strmap by_key;
};

static void pending_free(struct pending *p)
{
	free(p->key);
	free(p->name);
	free(p->module);
	free(p->fixed_in);
	free(p->links);
	free(p->repo_fs);
	free(p->severity);
	free(p->arch.s);
	free(p->range_name);
}

static void pendings_free(struct pendings *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		pending_free(&ps->v[i]);
	free(ps->v);
	strmap_free(&ps->by_key);
	memset(ps, 0, sizeof(*ps));
}

/* The identity of a fixed product's record (claircore's status.Key): the
 * purl without its arch (and without the version for oci) and the CPE. */
static char *fixed_key(const struct prod *p)
{
	struct sbuf b = {0};
	int oci = strcmp(p->purl.type, "oci") == 0;

	sb_add(&b, p->purl.type);
	sb_add(&b, "\x1f");
	sb_add(&b, p->purl.name);
	sb_add(&b, "\x1f");
	sb_add(&b, p->purl.namespace_);
	sb_add(&b, "\x1f");
	sb_add(&b, p->purl.subpath);
	sb_add(&b, "\x1f");
	if (!oci)
		sb_add(&b, p->purl.version);
	for (size_t i = 0; i < p->purl.nq; i++) {
		if (strcmp(p->purl.q[i].key, "arch") == 0)
			continue;
		sb_add(&b, "\x1f");
		sb_add(&b, p->purl.q[i].key);
		sb_add(&b, "=");
		sb_add(&b, p->purl.q[i].value);
	}
	sb_add(&b, "\x1e");
	sb_add(&b, p->repo_fs);
	return sb_take(&b);
}

static const char *arch_of(const struct purl *u)
{
	const char *a = purl_qualifier(u, "arch");

	if (!a)
		return "";
	if (strcmp(a, "amd64") == 0 || strcmp(a, "x86_64") == 0)
		return "amd64|x86_64";
	return a;
}

/* A new pending record for a fixed product: 1, 0 when the product is
 * skipped (counted), -1 on error. */
static int pending_new(struct conv *c, struct pendings *ps, const struct prod *p, char *key,
		       const struct proto *pr, enum claro_status *st)
{
	struct pending q;
	const char *vec = "Unknown", *tag;
	int oci = strcmp(p->purl.type, "oci") == 0, m;

	memset(&q, 0, sizeof(q));
	q.key = key;
	q.oci = oci;
	if (oci) {
		if (!(tag = purl_qualifier(&p->purl, "tag"))) {
			c->st->bad_tag++;
			goto skip;
		}
		q.fixed_in = strdup(tag);
	} else if (!*p->purl.version) {
		q.fixed_in = strdup("");
	} else {
		const char *epoch = purl_qualifier(&p->purl, "epoch");
		size_t n = strlen(epoch ? epoch : "0") + 1 + strlen(p->purl.version) + 1;

		if ((q.fixed_in = malloc(n)))
			snprintf(q.fixed_in, n, "%s:%s", epoch ? epoch : "0", p->purl.version);
	}
	if (!q.fixed_in || !(q.name = package_name(&p->purl)))
		goto nomem;
	if ((m = module_name(&p->purl, &q.module)) < 0)
		goto nomem;
	if (m == 0) {
		c->st->bad_module++;
		goto skip;
	}
	if (p->score && !(vec = score_vector(p->score))) {
		c->st->bad_score++;
		goto skip;
	}
	if (!(q.severity = strdup(vec)) || !(q.repo_fs = strdup(p->repo_fs)) ||
	    !(q.links = record_links(pr->links, p->remed, p->id)))
		goto nomem;
	q.norm =
	    p->threat ? normalize(elem_str(json_object_get(p->threat, "details"))) : CLARO_SEVERITY_UNKNOWN;
	if (oci) {
		int32_t major, minor;

		if (rhctag_parse(q.fixed_in, &major, &minor) != 0) {
			c->st->bad_tag++;
			goto skip;
		}
		rhctag_version(&q.lo, major, minor, 0);
		rhctag_version(&q.hi, major, minor, INT32_MAX);
		if (!(q.range_name = strdup(p->purl.name)))
			goto nomem;
	}
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 16;
		struct pending *nv = realloc(ps->v, ncap * sizeof(*nv));

		if (!nv)
			goto nomem;
		ps->v = nv;
		ps->cap = ncap;
	}
	ps->v[ps->n] = q;
	/* the map holds indexes + 1 so NULL means absent */
	if (strmap_put_first(&ps->by_key, ps->v[ps->n].key, (void *)(uintptr_t)(ps->n + 1)) != 0) {
		pending_free(&ps->v[ps->n]);
		*st = nomem(c);
		return -1;
	}
	ps->n++;
	return 1;
skip:
	pending_free(&q);
	return 0;
nomem:
	pending_free(&q);
	*st = nomem(c);
	return -1;
}

static enum claro_status fixed_records(struct conv *c, json_t *ids, const struct proto *pr)
{
	struct pendings ps;
	struct prod p;
	enum claro_status st = CLARO_OK;
	size_t i;
	json_t *idj;

	memset(&ps, 0, sizeof(ps));
	json_array_foreach(ids, i, idj)
	{
		const char *id = elem_str(idj), *arch;
		struct pending *q = NULL;
		uintptr_t at;
		int r = resolve(c, id, &p, &st);
		char *key;

		if (r < 0)
			goto out;
		if (r == 0)
			continue;
		c->st->fixed++;
		arch = arch_of(&p.purl);
		if (strcmp(arch, "src") == 0 || strcmp(arch, "nosrc") == 0) {
			c->st->source_arch++;
			prod_free(&p);
			continue;
		}
		if (!(key = fixed_key(&p))) {
			prod_free(&p);
			st = nomem(c);
			goto out;
		}
		if ((at = (uintptr_t)strmap_get(&ps.by_key, key)) != 0) {
			free(key);
			q = &ps.v[at - 1];
		} else {
			if ((r = pending_new(c, &ps, &p, key, pr, &st)) < 0) {
				prod_free(&p);
				goto out;
			}
			if (r > 0)
				q = &ps.v[ps.n - 1];
		}
		if (q && *arch) {
			if (q->arch.n)
				sb_add(&q->arch, "|");
			sb_add(&q->arch, arch);
			if (q->arch.failed) {
				prod_free(&p);
				st = nomem(c);
				goto out;
			}
		}
		prod_free(&p);
	}
	/* ranger.resetLowest: per image, the lowest range starts at 0 */
	for (i = 0; i < ps.n; i++) {
		struct pending *low = NULL;

		if (!ps.v[i].oci)
			continue;
		for (size_t j = 0; j < ps.n; j++) {
			if (!ps.v[j].oci || strcmp(ps.v[j].range_name, ps.v[i].range_name) != 0)
				continue;
			if (!low || version_less(&ps.v[j].lo, &low->lo))
				low = &ps.v[j];
		}
		if (low == &ps.v[i])
			rhctag_version(&ps.v[i].lo, 0, 0, 0);
	}
	for (i = 0; i < ps.n; i++) {
		struct pending *q = &ps.v[i];
		struct claro_vulnerability v;
		struct claro_package pkg;
		struct claro_repository repo;

		fill_record(&v, &pkg, &repo, c, pr);
		pkg.name = q->name;
		pkg.kind = CLARO_PACKAGE_BINARY;
		pkg.module = q->module;
		pkg.arch = q->arch.s ? q->arch.s : "";
		v.arch_op = q->arch.n ? CLARO_ARCH_OP_PATTERN : CLARO_ARCH_OP_NONE;
		v.fixed_in_version = q->fixed_in;
		v.links = q->links;
		v.severity = q->severity;
		v.normalized_severity = q->norm;
		repo.name = repo.cpe = q->repo_fs;
		repo.key = q->oci ? RHCC_REPO_KEY : CPE_REPO_KEY;
		if (q->oci) {
			v.range_lower = q->lo;
			v.range_upper = q->hi;
		}
		if ((st = emit(c, &v)) != CLARO_OK)
			goto out;
	}
out:
	pendings_free(&ps);
	return st;
}

/* ---- known_affected: one record per product ---- */

static enum claro_status affected_records(struct conv *c, json_t *ids, const struct proto *pr)
{
	struct prod p;
	enum claro_status st = CLARO_OK;
	size_t i;
	json_t *idj;

	json_array_foreach(ids, i, idj)
	{
		struct claro_vulnerability v;
		struct claro_package pkg;
		struct claro_repository repo;
		char *name = NULL, *module = NULL, *links = NULL;
		const char *vec = "Unknown";
		int r = resolve(c, elem_str(idj), &p, &st), m = 1;

		if (r < 0)
			return st;
		if (r == 0)
			continue;
		c->st->affected++;
		if (!(name = package_name(&p.purl)) || (m = module_name(&p.purl, &module)) < 0 ||
		    !(links = record_links(pr->links, NULL, p.id))) {
			st = nomem(c);
			goto next;
		}
		if (m == 0) {
			c->st->bad_module++;
			goto next;
		}
		if (p.score && !(vec = score_vector(p.score))) {
			c->st->bad_score++;
			goto next;
		}
		fill_record(&v, &pkg, &repo, c, pr);
		pkg.name = name;
		pkg.kind = CLARO_PACKAGE_SOURCE;
		pkg.module = module;
		v.links = links;
		v.severity = vec;
		if (p.threat)
			v.normalized_severity = normalize(elem_str(json_object_get(p.threat, "details")));
		repo.name = repo.cpe = p.repo_fs;
		if (strcmp(p.purl.type, "oci") == 0) {
			repo.key = RHCC_REPO_KEY;
			rhctag_version(&v.range_lower, 0, 0, 0);
			rhctag_version(&v.range_upper, INT32_MAX, 0, 0);
		} else {
			repo.key = CPE_REPO_KEY;
		}
		st = emit(c, &v);
	next:
		free(name);
		free(module);
		free(links);
		prod_free(&p);
		if (st != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

static enum claro_status not_affected(struct conv *c, json_t *ids)
{
	struct prod p;
	enum claro_status st = CLARO_OK;
	size_t i;
	json_t *idj;

	json_array_foreach(ids, i, idj)
	{
		int r = resolve(c, elem_str(idj), &p, &st);

		if (r < 0)
			return st;
		if (r > 0) {
			c->st->not_affected++;
			prod_free(&p);
		}
	}
	return CLARO_OK;
}

/* ---- one vulnerability ---- */

static enum claro_status vulnerability(struct conv *c, json_t *v, size_t index)
{
	json_t *refs, *notes, *status, *fixed, *affected, *unaffected, *e;
	struct proto pr;
	struct sbuf links = {0};
	const char *date;
	enum claro_status st;
	char where[64];
	size_t i;
	int zero = 0;

	snprintf(where, sizeof(where), "vulnerabilities[%zu]", index);
	memset(&pr, 0, sizeof(pr));
	pr.description = "";
	if ((st = field(c, v, "references", JSON_ARRAY, where, &refs)) != CLARO_OK ||
	    (st = field(c, v, "notes", JSON_ARRAY, where, &notes)) != CLARO_OK ||
	    (st = field(c, v, "product_status", JSON_OBJECT, where, &status)) != CLARO_OK ||
	    (st = str_field(c, v, "release_date", where, &date)) != CLARO_OK)
		return st;
	json_array_foreach(refs, i, e)
	{
		const char *url;

		if (!json_is_object(e)) {
			st = bad_shape(c, "vulnerability.references[]", "an object");
			goto out;
		}
		if ((st = str_field(c, e, "url", "reference", &url)) != CLARO_OK)
			goto out;
		sb_add(&links, url);
		sb_add(&links, " ");
	}
	sb_add(&links, c->self);
	json_array_foreach(notes, i, e)
	{
		const char *cat, *text;

		if (!json_is_object(e)) {
			st = bad_shape(c, "vulnerability.notes[]", "an object");
			goto out;
		}
		if ((st = str_field(c, e, "category", "note", &cat)) != CLARO_OK ||
		    (st = str_field(c, e, "text", "note", &text)) != CLARO_OK)
			goto out;
		if (strcmp(cat, "description") == 0)
			pr.description = text;
	}
	pr.issued = INT64_MIN;
	if (*date && (rhcc_parse_time(date, &pr.issued, &zero) != 0)) {
		st = bad_shape(c, "vulnerability.release_date", "an RFC 3339 time");
		goto out;
	}
	if (zero)
		pr.issued = INT64_MIN;
	if (!(pr.links = sb_take(&links))) {
		st = nomem(c);
		goto out;
	}
	if ((st = field(c, status, "fixed", JSON_ARRAY, "product_status", &fixed)) != CLARO_OK ||
	    (st = field(c, status, "known_affected", JSON_ARRAY, "product_status", &affected)) != CLARO_OK ||
	    (st = field(c, status, "known_not_affected", JSON_ARRAY, "product_status", &unaffected)) !=
		CLARO_OK ||
	    (st = check_strings(c, fixed, "product_status.fixed")) != CLARO_OK ||
	    (st = check_strings(c, affected, "product_status.known_affected")) != CLARO_OK ||
	    (st = check_strings(c, unaffected, "product_status.known_not_affected")) != CLARO_OK)
		goto out;
	if ((st = fixed_records(c, fixed, &pr)) == CLARO_OK &&
	    (st = affected_records(c, affected, &pr)) == CLARO_OK)
		st = not_affected(c, unaffected);
out:
	free(links.s);
	free(pr.links);
	return st;
}

enum claro_status vex_convert(const char *data, size_t len, const char *source, const struct vex_sink *sink,
			      struct vex_stats *stats, struct vex_error *err)
{
	struct conv c;
	json_error_t jerr;
	json_t *root, *doc, *tracking, *refs, *vulns, *tree, *e;
	const char *status;
	enum claro_status st;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.source = source;
	c.sink = sink;
	c.st = stats;
	c.err = err;
	c.self = "";
	if (!(root = json_loadb(data, len, 0, &jerr))) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return nomem(&c);
		return vex_error_set(err, CLARO_ERR_INVALID, "malformed JSON in a CSAF VEX document",
				     BAD_HINT, "%.200s: line %d, column %d: %.200s.", source, jerr.line,
				     jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		st = bad_shape(&c, "the document", "an object");
		goto out;
	}
	if ((st = field(&c, root, "document", JSON_OBJECT, "(root)", &doc)) != CLARO_OK ||
	    (st = field(&c, doc, "tracking", JSON_OBJECT, "document", &tracking)) != CLARO_OK ||
	    (st = str_field(&c, tracking, "id", "document.tracking", &c.name)) != CLARO_OK ||
	    (st = str_field(&c, tracking, "status", "document.tracking", &status)) != CLARO_OK ||
	    (st = field(&c, doc, "references", JSON_ARRAY, "document", &refs)) != CLARO_OK ||
	    (st = field(&c, root, "vulnerabilities", JSON_ARRAY, "(root)", &vulns)) != CLARO_OK ||
	    (st = field(&c, root, "product_tree", JSON_OBJECT, "(root)", &tree)) != CLARO_OK)
		goto out;
	if (!*c.name) {
		st = vex_error_set(err, CLARO_ERR_INVALID, "malformed CSAF VEX document", BAD_HINT,
				   "%.200s has no document.tracking.id, the name of its records.", source);
		goto out;
	}
	stats->documents++;
	if (strcmp(status, "deleted") == 0) {
		stats->deleted_documents++;
		if ((st = sink->deleted(sink->arg, c.name)) != CLARO_OK) {
			err->status = st;
			err->from_sink = 1;
		}
		goto out;
	}
	json_array_foreach(refs, i, e)
	{
		const char *cat, *url;

		if (!json_is_object(e)) {
			st = bad_shape(&c, "document.references[]", "an object");
			goto out;
		}
		if ((st = str_field(&c, e, "category", "reference", &cat)) != CLARO_OK ||
		    (st = str_field(&c, e, "url", "reference", &url)) != CLARO_OK)
			goto out;
		if (strcmp(cat, "self") == 0)
			c.self = url;
	}
	if ((st = index_tree(&c, tree)) != CLARO_OK || (st = index_vuln_lists(&c, vulns)) != CLARO_OK)
		goto out;
	json_array_foreach(vulns, i, e)
	{
		if ((st = vulnerability(&c, e, i)) != CLARO_OK)
			goto out;
	}
	if (c.emitted == 0) {
		stats->empty_documents++;
		if ((st = sink->deleted(sink->arg, c.name)) != CLARO_OK) {
			err->status = st;
			err->from_sink = 1;
		}
	}
out:
	strmap_free(&c.products);
	strmap_free(&c.rels);
	strmap_free(&c.scores);
	strmap_free(&c.threats);
	strmap_free(&c.remeds);
	json_decref(root);
	return st;
}
