/* oval: streaming OVAL (dpkginfo) parser (see oval.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "feedstream.h"
#include "oval.h"

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_ptr;
#else
typedef xmlErrorPtr xml_error_ptr;
#endif

#define NONE         UINT32_MAX
#define ARENA_MAX    ((size_t)UINT32_MAX - 1)
#define MAX_CRITERIA ((size_t)1 << 20) /* per definition */

enum claro_severity oval_ubuntu_severity(const char *s)
{
	if (strcmp(s, "Negligible") == 0)
		return CLARO_SEVERITY_NEGLIGIBLE;
	if (strcmp(s, "Low") == 0)
		return CLARO_SEVERITY_LOW;
	if (strcmp(s, "Medium") == 0)
		return CLARO_SEVERITY_MEDIUM;
	if (strcmp(s, "High") == 0)
		return CLARO_SEVERITY_HIGH;
	if (strcmp(s, "Critical") == 0)
		return CLARO_SEVERITY_CRITICAL;
	return CLARO_SEVERITY_UNKNOWN;
}

/* ---- growable buffers ---- */

struct sbuf {
	char *p;
	size_t len, cap;
};

/* CLARO_ERR_TOO_LARGE past max bytes. Always NUL-terminated after success. */
static enum claro_status sbuf_add(struct sbuf *b, const char *s, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return CLARO_ERR_TOO_LARGE;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			return CLARO_ERR_NOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return CLARO_OK;
}

static void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static const char *sbuf_str(const struct sbuf *b)
{
	return b->len ? b->p : "";
}

struct vec {
	void *p;
	size_t n, cap;
};

static void *vec_push(struct vec *v, size_t size)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *p;

		if (v->n >= NONE - 1 || cap > ((size_t)-1) / size || !(p = realloc(v->p, cap * size)))
			return NULL;
		v->p = p;
		v->cap = cap;
	}
	return (char *)v->p + size * v->n++;
}

/* ---- interned strings: equal strings share one offset ---- */

struct strtab {
	struct sbuf arena; /* the strings, each NUL-terminated, at their offsets */
	uint32_t *slots;   /* offsets, NONE = empty */
	size_t nslots, count;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int strtab_equal(const struct strtab *t, uint32_t off, const char *s, size_t n)
{
	return memcmp(t->arena.p + off, s, n) == 0 && t->arena.p[off + n] == '\0';
}

static uint32_t strtab_find(const struct strtab *t, const char *s, size_t n)
{
	size_t i;

	if (!t->nslots)
		return NONE;
	for (i = hash_bytes(s, n) & (t->nslots - 1); t->slots[i] != NONE; i = (i + 1) & (t->nslots - 1))
		if (strtab_equal(t, t->slots[i], s, n))
			return t->slots[i];
	return NONE;
}

static enum claro_status strtab_grow_slots(struct strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = malloc(n * sizeof(*slots));

	if (!slots)
		return CLARO_ERR_NOMEM;
	memset(slots, 0xff, n * sizeof(*slots));
	for (size_t i = 0; i < t->nslots; i++) {
		uint32_t off = t->slots[i];
		size_t j;

		if (off == NONE)
			continue;
		j = hash_bytes(t->arena.p + off, strlen(t->arena.p + off)) & (n - 1);
		while (slots[j] != NONE)
			j = (j + 1) & (n - 1);
		slots[j] = off;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return CLARO_OK;
}

static enum claro_status strtab_intern(struct strtab *t, const char *s, size_t n, uint32_t *out)
{
	enum claro_status st;
	size_t i;

	if ((*out = strtab_find(t, s, n)) != NONE)
		return CLARO_OK;
	if ((t->count + 1) * 2 > t->nslots && (st = strtab_grow_slots(t)) != CLARO_OK)
		return st;
	*out = (uint32_t)t->arena.len;
	/* the string and its NUL within ARENA_MAX */
	if ((st = sbuf_add(&t->arena, s, n, ARENA_MAX - 1)) != CLARO_OK)
		return st;
	t->arena.len++; /* keep the NUL sbuf_add wrote */
	for (i = hash_bytes(s, n) & (t->nslots - 1); t->slots[i] != NONE; i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = *out;
	t->count++;
	return CLARO_OK;
}

/* ---- id -> entry maps over interned ids ---- */

struct idmap {
	uint32_t *keys, *vals;
	size_t cap, n;
};

static size_t mix(uint32_t k)
{
	return (size_t)(k * 2654435761u);
}

static uint32_t idmap_get(const struct idmap *m, uint32_t key)
{
	if (!m->cap || key == NONE)
		return NONE;
	for (size_t i = mix(key) & (m->cap - 1); m->keys[i] != NONE; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NONE;
}

/* Keeps the first entry of an id, as a linear search would find it. */
static enum claro_status idmap_put(struct idmap *m, uint32_t key, uint32_t val, int *added)
{
	size_t i;

	*added = 0;
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		uint32_t *keys = malloc(cap * sizeof(*keys)), *vals = malloc(cap * sizeof(*vals));

		if (!keys || !vals) {
			free(keys);
			free(vals);
			return CLARO_ERR_NOMEM;
		}
		memset(keys, 0xff, cap * sizeof(*keys));
		for (size_t j = 0; j < m->cap; j++) {
			if (m->keys[j] == NONE)
				continue;
			for (i = mix(m->keys[j]) & (cap - 1); keys[i] != NONE; i = (i + 1) & (cap - 1))
				;
			keys[i] = m->keys[j];
			vals[i] = m->vals[j];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	for (i = mix(key) & (m->cap - 1); m->keys[i] != NONE; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return CLARO_OK;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	*added = 1;
	return CLARO_OK;
}

/* ---- pass-1 tables ---- */

struct test {
	uint32_t object, state; /* interned ids, NONE when absent */
};
struct object {
	uint32_t name; /* a package name, or a variable id when is_var */
	int is_var;
};
struct state {
	uint32_t evr, arch; /* NONE when absent */
	enum claro_arch_op arch_op;
};
struct variable {
	uint32_t first, count; /* into values */
};

struct tables {
	struct strtab s;
	struct vec tests, objects, states, variables, values;
	struct idmap test_ids, object_ids, state_ids, variable_ids;
};

static void tables_free(struct tables *t)
{
	free(t->s.arena.p);
	free(t->s.slots);
	free(t->tests.p);
	free(t->objects.p);
	free(t->states.p);
	free(t->variables.p);
	free(t->values.p);
	free(t->test_ids.keys);
	free(t->test_ids.vals);
	free(t->object_ids.keys);
	free(t->object_ids.vals);
	free(t->state_ids.keys);
	free(t->state_ids.vals);
	free(t->variable_ids.keys);
	free(t->variable_ids.vals);
}

static size_t tables_bytes(const struct tables *t)
{
	return t->s.arena.cap + t->s.nslots * 4 + t->tests.cap * sizeof(struct test) +
	       t->objects.cap * sizeof(struct object) + t->states.cap * sizeof(struct state) +
	       t->variables.cap * sizeof(struct variable) + t->values.cap * 4 +
	       (t->test_ids.cap + t->object_ids.cap + t->state_ids.cap + t->variable_ids.cap) * 8;
}

/* ---- the reader over a decompressing stream ---- */

struct input {
	struct feed_stream *stream;
	enum claro_status io_status; /* why a read failed */
	int have_error;
	int error_line;
	char error[256];
};

static int io_read(void *arg, char *buf, int len)
{
	struct input *in = arg;
	size_t got;
	enum claro_status st;

	if (len <= 0)
		return 0;
	if ((st = feed_stream_read(in->stream, buf, (size_t)len, &got)) != CLARO_OK) {
		in->io_status = st;
		return -1;
	}
	return (int)got;
}

static int io_close(void *arg)
{
	(void)arg;
	return 0;
}

static void on_xml_error(void *arg, xml_error_ptr e)
{
	struct input *in = arg;
	size_t n;

	if (in->have_error || !e || !e->message)
		return;
	in->have_error = 1;
	in->error_line = e->line;
	snprintf(in->error, sizeof(in->error), "%s", e->message);
	n = strlen(in->error);
	while (n > 0 && (in->error[n - 1] == '\n' || in->error[n - 1] == ' '))
		in->error[--n] = '\0';
}

struct parse {
	struct input in;
	xmlTextReaderPtr r;
	struct oval_error *err;
	struct oval_stats *stats;
	uint64_t max_bytes;
};

static enum claro_status fail(struct parse *p, enum claro_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum claro_status fail(struct parse *p, enum claro_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err->detail, sizeof(p->err->detail), fmt, ap);
	va_end(ap);
	return st;
}

/* The status and message of a failed xmlTextReader call. */
static enum claro_status reader_failed(struct parse *p)
{
	const char *why;

	if (p->in.io_status != CLARO_OK) {
		why = feed_stream_error(p->in.stream);
		snprintf(p->err->detail, sizeof(p->err->detail), "The feed cannot be read: %s.",
			 why ? why : "the stream failed");
		return p->in.io_status;
	}
	if (p->in.have_error)
		snprintf(p->err->detail, sizeof(p->err->detail), "Line %d: %s.", p->in.error_line,
			 p->in.error);
	else
		snprintf(p->err->detail, sizeof(p->err->detail), "The XML is malformed (after %llu bytes).",
			 (unsigned long long)feed_stream_offset(p->in.stream));
	return CLARO_ERR_INVALID;
}

static enum claro_status open_reader(struct parse *p, const unsigned char *data, size_t len)
{
	char why[256];
	enum claro_status st;

	memset(&p->in, 0, sizeof(p->in));
	st = feed_stream_open(data, len, p->max_bytes, &p->in.stream, why, sizeof(why));
	if (st == CLARO_ERR_INVALID)
		return fail(p, st, "The feed cannot be decompressed: %s.", why);
	if (st != CLARO_OK)
		return st;
	p->r = xmlReaderForIO(io_read, io_close, &p->in, NULL, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!p->r) {
		feed_stream_close(p->in.stream);
		p->in.stream = NULL;
		return CLARO_ERR_NOMEM;
	}
	xmlTextReaderSetStructuredErrorHandler(p->r, on_xml_error, &p->in);
	return CLARO_OK;
}

static void close_reader(struct parse *p)
{
	if (p->stats && p->in.stream) {
		p->stats->compression = feed_stream_compression(p->in.stream);
		if (feed_stream_offset(p->in.stream) > p->stats->bytes)
			p->stats->bytes = feed_stream_offset(p->in.stream);
	}
	if (p->r)
		xmlFreeTextReader(p->r);
	feed_stream_close(p->in.stream);
	p->r = NULL;
	p->in.stream = NULL;
}

static int is(const xmlChar *name, const char *want)
{
	return name && strcmp((const char *)name, want) == 0;
}

/* Inside the element at depth d whose start tag the reader was on: step to
 * the next node. 1 on a descendant, 0 at the element's end tag, or a
 * failure status (negated) otherwise. */
static int step_inside(struct parse *p, int d, enum claro_status *st)
{
	int ret = xmlTextReaderRead(p->r);

	if (ret != 1) {
		*st = ret == 0 ? fail(p, CLARO_ERR_INVALID, "The document ends inside an element.")
			       : reader_failed(p);
		return -1;
	}
	if (xmlTextReaderNodeType(p->r) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(p->r) == d)
		return 0;
	return 1;
}

/* The character data directly inside the element the reader is on. */
static enum claro_status read_text(struct parse *p, struct sbuf *out, const char *what)
{
	int d = xmlTextReaderDepth(p->r), more;
	enum claro_status st = CLARO_OK;

	sbuf_reset(out);
	if (xmlTextReaderIsEmptyElement(p->r))
		return CLARO_OK;
	while ((more = step_inside(p, d, &st)) == 1) {
		int type = xmlTextReaderNodeType(p->r);
		const xmlChar *v;

		if (xmlTextReaderDepth(p->r) != d + 1 ||
		    (type != XML_READER_TYPE_TEXT && type != XML_READER_TYPE_CDATA &&
		     type != XML_READER_TYPE_SIGNIFICANT_WHITESPACE && type != XML_READER_TYPE_WHITESPACE))
			continue;
		if (!(v = xmlTextReaderConstValue(p->r)))
			return CLARO_ERR_NOMEM;
		st = sbuf_add(out, (const char *)v, strlen((const char *)v), OVAL_MAX_TEXT);
		if (st == CLARO_ERR_TOO_LARGE)
			return fail(p, st, "A <%s> text is longer than 4 MiB.", what);
		if (st != CLARO_OK)
			return st;
	}
	return more < 0 ? st : CLARO_OK;
}

/* An attribute as an interned string (NONE when absent). */
static enum claro_status intern_attr(struct parse *p, struct tables *t, const char *attr, uint32_t *out)
{
	xmlChar *v = xmlTextReaderGetAttribute(p->r, (const xmlChar *)attr);
	enum claro_status st;

	*out = NONE;
	if (!v)
		return CLARO_OK;
	st = strtab_intern(&t->s, (const char *)v, strlen((const char *)v), out);
	xmlFree(v);
	if (st == CLARO_ERR_TOO_LARGE)
		return fail(p, st, "The tests, objects, states and variables need more than 4 GiB.");
	return st;
}

static enum claro_status intern_text(struct parse *p, struct tables *t, struct sbuf *tmp, const char *what,
				     uint32_t *out)
{
	enum claro_status st = read_text(p, tmp, what);

	if (st != CLARO_OK)
		return st;
	st = strtab_intern(&t->s, sbuf_str(tmp), tmp->len, out);
	if (st == CLARO_ERR_TOO_LARGE)
		return fail(p, st, "The tests, objects, states and variables need more than 4 GiB.");
	return st;
}

static enum claro_status too_many(struct parse *p)
{
	return fail(p, CLARO_ERR_TOO_LARGE, "The document has more than 4 billion tests, objects or values.");
}

/* Register entry index n of map under id (first one wins). */
static enum claro_status index_entry(struct idmap *m, struct vec *v, uint32_t id)
{
	int added;
	enum claro_status st = idmap_put(m, id, (uint32_t)(v->n - 1), &added);

	if (st == CLARO_OK && !added)
		v->n--; /* a duplicate id: drop the later entry */
	return st;
}

/* dpkginfo_test: <object object_ref/> and <state state_ref/> (first of each). */
static enum claro_status read_test(struct parse *p, struct tables *t)
{
	int d = xmlTextReaderDepth(p->r), more;
	uint32_t id;
	struct test *e;
	enum claro_status st;

	if ((st = intern_attr(p, t, "id", &id)) != CLARO_OK)
		return st;
	if (!(e = vec_push(&t->tests, sizeof(*e))))
		return t->tests.n >= NONE - 1 ? too_many(p) : CLARO_ERR_NOMEM;
	e->object = e->state = NONE;
	if (!xmlTextReaderIsEmptyElement(p->r)) {
		while ((more = step_inside(p, d, &st)) == 1) {
			const xmlChar *name;

			if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT)
				continue;
			name = xmlTextReaderConstLocalName(p->r);
			if (is(name, "object") && e->object == NONE)
				st = intern_attr(p, t, "object_ref", &e->object);
			else if (is(name, "state") && e->state == NONE)
				st = intern_attr(p, t, "state_ref", &e->state);
			if (st != CLARO_OK)
				return st;
		}
		if (more < 0)
			return st;
	}
	return id == NONE ? (t->tests.n--, CLARO_OK) : index_entry(&t->test_ids, &t->tests, id);
}

/* dpkginfo_object: <name>package</name> or <name var_ref="..."/>. */
static enum claro_status read_object(struct parse *p, struct tables *t, struct sbuf *tmp)
{
	int d = xmlTextReaderDepth(p->r), more, have_name = 0;
	uint32_t id;
	struct object *e;
	enum claro_status st;

	if ((st = intern_attr(p, t, "id", &id)) != CLARO_OK)
		return st;
	if (!(e = vec_push(&t->objects, sizeof(*e))))
		return t->objects.n >= NONE - 1 ? too_many(p) : CLARO_ERR_NOMEM;
	e->name = NONE;
	e->is_var = 0;
	if (!xmlTextReaderIsEmptyElement(p->r)) {
		while ((more = step_inside(p, d, &st)) == 1) {
			if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT ||
			    !is(xmlTextReaderConstLocalName(p->r), "name") || have_name)
				continue;
			have_name = 1;
			if ((st = intern_attr(p, t, "var_ref", &e->name)) == CLARO_OK && e->name != NONE)
				e->is_var = 1;
			else if (st == CLARO_OK)
				st = intern_text(p, t, tmp, "name", &e->name);
			if (st != CLARO_OK)
				return st;
		}
		if (more < 0)
			return st;
	}
	return id == NONE ? (t->objects.n--, CLARO_OK) : index_entry(&t->object_ids, &t->objects, id);
}

static enum claro_arch_op arch_op(const char *operation)
{
	if (strcmp(operation, "equals") == 0)
		return CLARO_ARCH_OP_EQUALS;
	if (strcmp(operation, "not equal") == 0)
		return CLARO_ARCH_OP_NOT_EQUALS;
	if (strcmp(operation, "pattern match") == 0)
		return CLARO_ARCH_OP_PATTERN;
	return CLARO_ARCH_OP_NONE;
}

/* dpkginfo_state: <evr>..</evr>, <arch operation="..">..</arch>. */
static enum claro_status read_state(struct parse *p, struct tables *t, struct sbuf *tmp)
{
	int d = xmlTextReaderDepth(p->r), more;
	uint32_t id;
	struct state *e;
	enum claro_status st;

	if ((st = intern_attr(p, t, "id", &id)) != CLARO_OK)
		return st;
	if (!(e = vec_push(&t->states, sizeof(*e))))
		return t->states.n >= NONE - 1 ? too_many(p) : CLARO_ERR_NOMEM;
	e->evr = e->arch = NONE;
	e->arch_op = CLARO_ARCH_OP_NONE;
	if (!xmlTextReaderIsEmptyElement(p->r)) {
		while ((more = step_inside(p, d, &st)) == 1) {
			const xmlChar *name;

			if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT)
				continue;
			name = xmlTextReaderConstLocalName(p->r);
			if (is(name, "evr") && e->evr == NONE) {
				st = intern_text(p, t, tmp, "evr", &e->evr);
			} else if (is(name, "arch") && e->arch == NONE) {
				xmlChar *op = xmlTextReaderGetAttribute(p->r, (const xmlChar *)"operation");

				e->arch_op = op ? arch_op((const char *)op) : CLARO_ARCH_OP_NONE;
				xmlFree(op);
				st = intern_text(p, t, tmp, "arch", &e->arch);
			}
			if (st != CLARO_OK)
				return st;
		}
		if (more < 0)
			return st;
	}
	return id == NONE ? (t->states.n--, CLARO_OK) : index_entry(&t->state_ids, &t->states, id);
}

/* constant_variable: <value>..</value>... */
static enum claro_status read_variable(struct parse *p, struct tables *t, struct sbuf *tmp)
{
	int d = xmlTextReaderDepth(p->r), more;
	uint32_t id;
	struct variable *e;
	enum claro_status st;

	if ((st = intern_attr(p, t, "id", &id)) != CLARO_OK)
		return st;
	if (!(e = vec_push(&t->variables, sizeof(*e))))
		return t->variables.n >= NONE - 1 ? too_many(p) : CLARO_ERR_NOMEM;
	e->first = (uint32_t)t->values.n;
	e->count = 0;
	if (!xmlTextReaderIsEmptyElement(p->r)) {
		while ((more = step_inside(p, d, &st)) == 1) {
			uint32_t *v;

			if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT ||
			    !is(xmlTextReaderConstLocalName(p->r), "value"))
				continue;
			/* e may move when variables grows, but not while values does. */
			if (!(v = vec_push(&t->values, sizeof(*v))))
				return t->values.n >= NONE - 1 ? too_many(p) : CLARO_ERR_NOMEM;
			if ((st = intern_text(p, t, tmp, "value", v)) != CLARO_OK)
				return st;
			e->count++;
		}
		if (more < 0)
			return st;
	}
	return id == NONE ? (t->variables.n--, CLARO_OK) : index_entry(&t->variable_ids, &t->variables, id);
}

/* ---- pass 2: definitions ---- */

struct definition {
	struct sbuf title, description, severity, refs, advisory_refs, bugs, cves, links, tmp;
	int64_t issued;
	struct vec criteria; /* interned test ids (NONE: unknown id) */
};

static void definition_free(struct definition *d)
{
	free(d->title.p);
	free(d->description.p);
	free(d->severity.p);
	free(d->refs.p);
	free(d->advisory_refs.p);
	free(d->bugs.p);
	free(d->cves.p);
	free(d->links.p);
	free(d->tmp.p);
	free(d->criteria.p);
}

static enum claro_status add_link(struct parse *p, struct sbuf *list, const char *url, size_t n)
{
	enum claro_status st = CLARO_OK;

	if (n == 0)
		return CLARO_OK;
	if (list->len)
		st = sbuf_add(list, " ", 1, OVAL_MAX_TEXT);
	if (st == CLARO_OK)
		st = sbuf_add(list, url, n, OVAL_MAX_TEXT);
	if (st == CLARO_ERR_TOO_LARGE)
		return fail(p, st, "A definition's links are longer than 4 MiB.");
	return st;
}

static enum claro_status add_attr_link(struct parse *p, struct sbuf *list, const char *attr)
{
	xmlChar *v = xmlTextReaderGetAttribute(p->r, (const xmlChar *)attr);
	enum claro_status st;

	if (!v)
		return CLARO_OK;
	st = add_link(p, list, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return st;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD..." -> seconds; INT64_MIN when it is not a date. */
static int64_t parse_date(const char *s)
{
	int y = 0, m = 0, d = 0;

	for (int i = 0; i < 10; i++) {
		char c = s[i];

		if (i == 4 || i == 7) {
			if (c != '-')
				return INT64_MIN;
			continue;
		}
		if (c < '0' || c > '9')
			return INT64_MIN;
		if (i < 4)
			y = y * 10 + (c - '0');
		else if (i < 7)
			m = m * 10 + (c - '0');
		else
			d = d * 10 + (c - '0');
	}
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return INT64_MIN;
	return days_from_civil(y, m, d) * 86400;
}

/* One <definition>; t NULL (pass 1) checks it without resolving criteria. */
static enum claro_status read_definition(struct parse *p, const struct tables *t, struct definition *def)
{
	int d = xmlTextReaderDepth(p->r), more;
	enum claro_status st = CLARO_OK;

	sbuf_reset(&def->title);
	sbuf_reset(&def->description);
	sbuf_reset(&def->severity);
	sbuf_reset(&def->refs);
	sbuf_reset(&def->advisory_refs);
	sbuf_reset(&def->bugs);
	sbuf_reset(&def->cves);
	def->issued = INT64_MIN;
	def->criteria.n = 0;
	if (xmlTextReaderIsEmptyElement(p->r))
		return CLARO_OK;
	while ((more = step_inside(p, d, &st)) == 1) {
		const xmlChar *name;

		if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT)
			continue;
		name = xmlTextReaderConstLocalName(p->r);
		if (is(name, "title")) {
			st = read_text(p, &def->title, "title");
		} else if (is(name, "description")) {
			st = read_text(p, &def->description, "description");
		} else if (is(name, "severity")) {
			st = read_text(p, &def->severity, "severity");
		} else if (is(name, "reference")) {
			st = add_attr_link(p, &def->refs, "ref_url");
		} else if (is(name, "ref") || is(name, "bug")) {
			if ((st = read_text(p, &def->tmp, (const char *)name)) == CLARO_OK)
				st = add_link(p, is(name, "ref") ? &def->advisory_refs : &def->bugs,
					      def->tmp.p, def->tmp.len);
		} else if (is(name, "cve")) {
			st = add_attr_link(p, &def->cves, "href");
		} else if (is(name, "issued")) {
			xmlChar *date = xmlTextReaderGetAttribute(p->r, (const xmlChar *)"date");

			if (date)
				def->issued = parse_date((const char *)date);
			xmlFree(date);
		} else if (is(name, "criterion")) {
			xmlChar *ref = xmlTextReaderGetAttribute(p->r, (const xmlChar *)"test_ref");
			uint32_t *c;

			if (def->criteria.n >= MAX_CRITERIA) {
				xmlFree(ref);
				return fail(p, CLARO_ERR_TOO_LARGE,
					    "A definition has more than 1048576 criteria.");
			}
			if (!(c = vec_push(&def->criteria, sizeof(*c)))) {
				xmlFree(ref);
				return CLARO_ERR_NOMEM;
			}
			*c = ref && t ? strtab_find(&t->s, (const char *)ref, strlen((const char *)ref))
				      : NONE;
			xmlFree(ref);
		}
		if (st != CLARO_OK)
			return st;
	}
	if (more < 0)
		return st;
	/* emit_definition joins the four link lists: bound the result here. */
	if (def->refs.len + def->advisory_refs.len + def->bugs.len + def->cves.len + 3 > OVAL_MAX_TEXT)
		return fail(p, CLARO_ERR_TOO_LARGE, "A definition's links are longer than 4 MiB.");
	return CLARO_OK;
}

static enum claro_status emit_definition(struct parse *p, const struct tables *t, struct definition *def,
					 oval_vuln_fn fn, void *arg)
{
	const struct test *tests = t->tests.p;
	const struct object *objects = t->objects.p;
	const struct state *states = t->states.p;
	const struct variable *variables = t->variables.p;
	const uint32_t *values = t->values.p;
	const uint32_t *criteria = def->criteria.p;
	struct oval_vuln v;
	enum claro_status st = CLARO_OK;

	/* Links in claircore's order: references, advisory refs, bugs, cves. */
	sbuf_reset(&def->links);
	if ((st = add_link(p, &def->links, def->refs.p, def->refs.len)) != CLARO_OK ||
	    (st = add_link(p, &def->links, def->advisory_refs.p, def->advisory_refs.len)) != CLARO_OK ||
	    (st = add_link(p, &def->links, def->bugs.p, def->bugs.len)) != CLARO_OK ||
	    (st = add_link(p, &def->links, def->cves.p, def->cves.len)) != CLARO_OK)
		return st;
	memset(&v, 0, sizeof(v));
	v.name = sbuf_str(&def->title);
	v.description = sbuf_str(&def->description);
	v.severity = sbuf_str(&def->severity);
	v.links = sbuf_str(&def->links);
	v.issued = def->issued;
	for (size_t i = 0; i < def->criteria.n; i++) {
		uint32_t ti = idmap_get(&t->test_ids, criteria[i]), oi, si = NONE, first = 0, count = 1;
		const struct object *o;
		const struct state *s = NULL;

		p->stats->criteria++;
		oi = ti == NONE ? NONE : idmap_get(&t->object_ids, tests[ti].object);
		if (oi == NONE) {
			p->stats->unresolved++; /* not a dpkginfo test, or a dangling reference */
			continue;
		}
		o = &objects[oi];
		if (o->name == NONE) {
			p->stats->unresolved++; /* an object without a <name> */
			continue;
		}
		if (tests[ti].state != NONE) {
			if ((si = idmap_get(&t->state_ids, tests[ti].state)) == NONE) {
				p->stats->unresolved++;
				continue;
			}
			s = &states[si];
			if (s->evr == NONE)
				continue; /* a state without an evr is no vulnerability */
		}
		if (o->is_var) {
			uint32_t vi = idmap_get(&t->variable_ids, o->name);

			if (vi == NONE) {
				p->stats->unresolved++;
				continue;
			}
			first = variables[vi].first;
			count = variables[vi].count;
		}
		v.fixed_version = s ? t->s.arena.p + s->evr : "";
		v.arch = s && s->arch != NONE ? t->s.arena.p + s->arch : "";
		v.arch_op = s ? s->arch_op : CLARO_ARCH_OP_NONE;
		for (uint32_t k = 0; k < count; k++) {
			v.package = t->s.arena.p + (o->is_var ? values[first + k] : o->name);
			if (!*v.package)
				continue;
			p->stats->vulnerabilities++;
			if (fn && (st = fn(arg, &v)) != CLARO_OK)
				return st;
		}
	}
	return CLARO_OK;
}

/* Pass 1: the whole document, keeping the tables. Definitions are read as
 * pass 2 reads them, so anything pass 2 could refuse is refused here, before
 * the first vulnerability is reported. */
static enum claro_status pass_tables(struct parse *p, const unsigned char *data, size_t len, struct tables *t)
{
	struct sbuf tmp = {0};
	struct definition def;
	enum claro_status st;
	int ret, root = 0, definitions = 0, inside = 0;
	size_t seen = 0;

	memset(&def, 0, sizeof(def));

	if ((st = open_reader(p, data, len)) != CLARO_OK)
		return st;
	ret = xmlTextReaderRead(p->r);
	while (ret == 1 && st == CLARO_OK) {
		int type = xmlTextReaderNodeType(p->r);
		const xmlChar *name;

		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			st = fail(p, CLARO_ERR_INVALID,
				  "The document has a DOCTYPE; OVAL feeds have none, and claro refuses DTDs "
				  "(entity expansion).");
			break;
		}
		name = xmlTextReaderConstLocalName(p->r);
		if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(p->r) == 1 &&
		    is(name, "definitions"))
			inside = 0;
		if (type != XML_READER_TYPE_ELEMENT) {
			ret = xmlTextReaderRead(p->r);
			continue;
		}
		if (!root) {
			if (!is(name, "oval_definitions")) {
				st = fail(p, CLARO_ERR_INVALID,
					  "The root element is <%.64s>, not <oval_definitions>.",
					  name ? (const char *)name : "?");
				break;
			}
			root = 1;
		} else if (xmlTextReaderDepth(p->r) == 1 && is(name, "definitions")) {
			definitions = 1;
			inside = !xmlTextReaderIsEmptyElement(p->r);
		} else if (inside) {
			if (xmlTextReaderDepth(p->r) == 2 && is(name, "definition")) {
				st = read_definition(p, NULL, &def);
				seen++;
			}
		} else if (is(name, "dpkginfo_test")) {
			st = read_test(p, t);
		} else if (is(name, "dpkginfo_object")) {
			st = read_object(p, t, &tmp);
		} else if (is(name, "dpkginfo_state")) {
			st = read_state(p, t, &tmp);
		} else if (is(name, "constant_variable")) {
			st = read_variable(p, t, &tmp);
		}
		if (st == CLARO_OK)
			ret = xmlTextReaderRead(p->r);
	}
	if (st == CLARO_OK && ret < 0)
		st = reader_failed(p);
	if (st == CLARO_OK && !root)
		st = fail(p, CLARO_ERR_INVALID, "The document has no root element.");
	if (st == CLARO_OK && !definitions)
		st = fail(p, CLARO_ERR_INVALID, "The document has no <definitions> section.");
	if (st == CLARO_OK && !seen)
		st = fail(p, CLARO_ERR_INVALID, "The <definitions> section holds no definition.");
	free(tmp.p);
	definition_free(&def);
	close_reader(p);
	return st;
}

static enum claro_status pass_definitions(struct parse *p, const unsigned char *data, size_t len,
					  const struct tables *t, oval_vuln_fn fn, void *arg)
{
	struct definition def;
	enum claro_status st;
	int ret, inside = 0;

	memset(&def, 0, sizeof(def));
	if ((st = open_reader(p, data, len)) != CLARO_OK)
		return st;
	ret = xmlTextReaderRead(p->r);
	while (ret == 1 && st == CLARO_OK) {
		int type = xmlTextReaderNodeType(p->r), depth = xmlTextReaderDepth(p->r);
		const xmlChar *name = xmlTextReaderConstLocalName(p->r);

		if (depth == 1 && type == XML_READER_TYPE_ELEMENT && !is(name, "definitions")) {
			ret = xmlTextReaderNext(p->r); /* pass 1 read the rest */
			continue;
		}
		if (depth == 1 && type == XML_READER_TYPE_END_ELEMENT && is(name, "definitions"))
			break;
		if (depth == 1 && type == XML_READER_TYPE_ELEMENT && is(name, "definitions")) {
			inside = 1;
			if (xmlTextReaderIsEmptyElement(p->r))
				break;
		} else if (inside && depth == 2 && type == XML_READER_TYPE_ELEMENT &&
			   is(name, "definition")) {
			p->stats->definitions++;
			if ((st = read_definition(p, t, &def)) == CLARO_OK && def.title.len)
				st = emit_definition(p, t, &def, fn, arg);
			if (st != CLARO_OK)
				break;
		}
		ret = xmlTextReaderRead(p->r);
	}
	if (st == CLARO_OK && ret < 0)
		st = reader_failed(p);
	definition_free(&def);
	close_reader(p);
	return st;
}

enum claro_status oval_parse_dpkg(const unsigned char *data, size_t len, uint64_t max_bytes, oval_vuln_fn fn,
				  void *arg, struct oval_stats *stats, struct oval_error *err)
{
	struct oval_stats local;
	struct tables t;
	struct parse p;
	enum claro_status st;

	memset(&t, 0, sizeof(t));
	memset(&p, 0, sizeof(p));
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	stats->compression = "none";
	err->detail[0] = '\0';
	p.err = err;
	p.stats = stats;
	p.max_bytes = max_bytes;
	xmlInitParser();
	st = pass_tables(&p, data, len, &t);
	stats->table_bytes = tables_bytes(&t);
	if (st == CLARO_OK)
		st = pass_definitions(&p, data, len, &t, fn, arg);
	tables_free(&t);
	return st;
}
