/* Prometheus text exposition (see metrics.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <math.h> /* isnan, isinf: macros, no libm needed */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "strutil.h"

/* Prometheus client libraries' default buckets, in seconds. */
static const double default_buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

struct series {
	char *labels;
	double value;                      /* counter/gauge; histogram: sum */
	unsigned long long count;          /* histogram: observations */
	unsigned long long *bucket_counts; /* histogram: per bucket, not cumulative */
};

struct family {
	char *name;
	char *help;
	enum metric_type type;
	double *buckets;
	size_t n_buckets;
	struct series *series;
	size_t n_series;
	size_t cap_series;
};

struct metrics {
	pthread_mutex_t lock;
	struct family *families;
	size_t n_families;
	size_t cap_families;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

static void family_free(struct family *f)
{
	for (size_t i = 0; i < f->n_series; i++) {
		free(f->series[i].labels);
		free(f->series[i].bucket_counts);
	}
	free(f->series);
	free(f->buckets);
	free(f->name);
	free(f->help);
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_families; i++)
		family_free(&m->families[i]);
	free(m->families);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static int valid_name(const char *name)
{
	if (!name || !*name)
		return 0;
	for (const char *p = name; *p; p++) {
		int alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == ':';
		int digit = *p >= '0' && *p <= '9';

		if (!alpha && !(digit && p != name))
			return 0;
	}
	return 1;
}

static struct family *find_family(struct metrics *m, const char *name)
{
	for (size_t i = 0; i < m->n_families; i++)
		if (strcmp(m->families[i].name, name) == 0)
			return &m->families[i];
	return NULL;
}

static enum claro_status copy_buckets(struct family *f, const double *buckets, size_t n)
{
	if (!buckets || n == 0) {
		buckets = default_buckets;
		n = sizeof(default_buckets) / sizeof(default_buckets[0]);
	}
	for (size_t i = 1; i < n; i++)
		if (!(buckets[i] > buckets[i - 1]))
			return CLARO_ERR_INVALID;
	f->buckets = malloc(n * sizeof(double));
	if (!f->buckets)
		return CLARO_ERR_NOMEM;
	memcpy(f->buckets, buckets, n * sizeof(double));
	f->n_buckets = n;
	return CLARO_OK;
}

static enum claro_status add_family(struct metrics *m, const char *name, enum metric_type type,
				    const char *help, const double *buckets, size_t n_buckets)
{
	struct family f = {0};
	enum claro_status st;

	if (m->n_families == m->cap_families) {
		size_t cap = m->cap_families ? m->cap_families * 2 : 8;
		struct family *grown = realloc(m->families, cap * sizeof(*grown));

		if (!grown)
			return CLARO_ERR_NOMEM;
		m->families = grown;
		m->cap_families = cap;
	}
	f.type = type;
	f.name = str_dup(name);
	f.help = str_dup(help ? help : "");
	if (!f.name || !f.help) {
		family_free(&f);
		return CLARO_ERR_NOMEM;
	}
	if (type == METRIC_HISTOGRAM && (st = copy_buckets(&f, buckets, n_buckets)) != CLARO_OK) {
		family_free(&f);
		return st;
	}
	m->families[m->n_families++] = f;
	return CLARO_OK;
}

enum claro_status metrics_register(struct metrics *m, const char *name, enum metric_type type,
				   const char *help, const double *buckets, size_t n_buckets)
{
	struct family *f;
	enum claro_status st;

	if (!valid_name(name))
		return CLARO_ERR_INVALID;
	pthread_mutex_lock(&m->lock);
	f = find_family(m, name);
	if (f)
		st = f->type == type ? CLARO_OK : CLARO_ERR_CONFLICT;
	else
		st = add_family(m, name, type, help, buckets, n_buckets);
	pthread_mutex_unlock(&m->lock);
	return st;
}

static struct series *find_series(struct family *f, const char *labels)
{
	for (size_t i = 0; i < f->n_series; i++)
		if (strcmp(f->series[i].labels, labels) == 0)
			return &f->series[i];
	return NULL;
}

static struct series *get_series(struct family *f, const char *labels)
{
	struct series *s = find_series(f, labels);

	if (s)
		return s;
	if (f->n_series == f->cap_series) {
		size_t cap = f->cap_series ? f->cap_series * 2 : 8;
		struct series *grown = realloc(f->series, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		f->series = grown;
		f->cap_series = cap;
	}
	s = &f->series[f->n_series];
	memset(s, 0, sizeof(*s));
	s->labels = str_dup(labels);
	if (!s->labels)
		return NULL;
	if (f->type == METRIC_HISTOGRAM) {
		s->bucket_counts = calloc(f->n_buckets, sizeof(*s->bucket_counts));
		if (!s->bucket_counts) {
			free(s->labels);
			return NULL;
		}
	}
	f->n_series++;
	return s;
}

enum update_op { OP_COUNTER_ADD, OP_GAUGE_SET, OP_GAUGE_ADD, OP_OBSERVE };

static enum claro_status apply(struct series *s, const struct family *f, enum update_op op, double v)
{
	switch (op) {
	case OP_COUNTER_ADD:
		if (v < 0 || isnan(v))
			return CLARO_ERR_INVALID;
		s->value += v;
		break;
	case OP_GAUGE_SET: s->value = v; break;
	case OP_GAUGE_ADD: s->value += v; break;
	case OP_OBSERVE:
		s->value += v;
		s->count++;
		for (size_t i = 0; i < f->n_buckets; i++) {
			if (v <= f->buckets[i]) {
				s->bucket_counts[i]++;
				break;
			}
		}
		break;
	}
	return CLARO_OK;
}

static enum metric_type op_type(enum update_op op)
{
	switch (op) {
	case OP_COUNTER_ADD: return METRIC_COUNTER;
	case OP_GAUGE_SET:
	case OP_GAUGE_ADD: return METRIC_GAUGE;
	case OP_OBSERVE: break;
	}
	return METRIC_HISTOGRAM;
}

static enum claro_status update(struct metrics *m, const char *name, const char *labels, enum update_op op,
				double v)
{
	struct family *f;
	struct series *s;
	enum claro_status st;

	if (!labels)
		labels = "";
	pthread_mutex_lock(&m->lock);
	f = find_family(m, name);
	if (!f)
		st = CLARO_ERR_NOT_FOUND;
	else if (f->type != op_type(op))
		st = CLARO_ERR_INVALID;
	else if (!(s = get_series(f, labels)))
		st = CLARO_ERR_NOMEM;
	else
		st = apply(s, f, op, v);
	pthread_mutex_unlock(&m->lock);
	return st;
}

enum claro_status metrics_counter_add(struct metrics *m, const char *name, const char *labels, double v)
{
	return update(m, name, labels, OP_COUNTER_ADD, v);
}

enum claro_status metrics_gauge_set(struct metrics *m, const char *name, const char *labels, double v)
{
	return update(m, name, labels, OP_GAUGE_SET, v);
}

enum claro_status metrics_gauge_add(struct metrics *m, const char *name, const char *labels, double v)
{
	return update(m, name, labels, OP_GAUGE_ADD, v);
}

enum claro_status metrics_observe(struct metrics *m, const char *name, const char *labels, double v)
{
	return update(m, name, labels, OP_OBSERVE, v);
}

enum claro_status metrics_value(struct metrics *m, const char *name, const char *labels, double *out)
{
	struct family *f;
	struct series *s = NULL;

	pthread_mutex_lock(&m->lock);
	f = find_family(m, name);
	if (f && f->type != METRIC_HISTOGRAM)
		s = find_series(f, labels ? labels : "");
	if (s)
		*out = s->value;
	pthread_mutex_unlock(&m->lock);
	return s ? CLARO_OK : CLARO_ERR_NOT_FOUND;
}

/* Go's strconv 'g' style is what Prometheus emits; integers print plainly. */
static enum claro_status put_value(struct buf *out, double v)
{
	if (isnan(v))
		return buf_puts(out, "NaN");
	if (isinf(v))
		return buf_puts(out, v > 0 ? "+Inf" : "-Inf");
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		return buf_printf(out, "%lld", (long long)v);
	return buf_printf(out, "%.9g", v);
}

/* HELP text escapes backslash and newline. */
static enum claro_status put_help(struct buf *out, const char *help)
{
	enum claro_status st = CLARO_OK;

	for (const char *p = help; *p && st == CLARO_OK; p++) {
		if (*p == '\\')
			st = buf_puts(out, "\\\\");
		else if (*p == '\n')
			st = buf_puts(out, "\\n");
		else
			st = buf_append(out, p, 1);
	}
	return st;
}

static enum claro_status put_sample(struct buf *out, const char *name, const char *suffix, const char *labels,
				    const char *extra, double v)
{
	enum claro_status st;
	int has_labels = labels && *labels, has_extra = extra && *extra;

	st = buf_printf(out, "%s%s", name, suffix);
	if (st == CLARO_OK && (has_labels || has_extra))
		st = buf_printf(out, "{%s%s%s}", has_labels ? labels : "", has_labels && has_extra ? "," : "",
				has_extra ? extra : "");
	if (st == CLARO_OK)
		st = buf_puts(out, " ");
	if (st == CLARO_OK)
		st = put_value(out, v);
	if (st == CLARO_OK)
		st = buf_puts(out, "\n");
	return st;
}

static enum claro_status put_histogram(struct buf *out, const struct family *f, const struct series *s)
{
	enum claro_status st = CLARO_OK;
	unsigned long long cumulative = 0;
	char le[64];

	for (size_t i = 0; i < f->n_buckets && st == CLARO_OK; i++) {
		cumulative += s->bucket_counts[i];
		snprintf(le, sizeof(le), "le=\"%g\"", f->buckets[i]);
		st = put_sample(out, f->name, "_bucket", s->labels, le, (double)cumulative);
	}
	if (st == CLARO_OK)
		st = put_sample(out, f->name, "_bucket", s->labels, "le=\"+Inf\"", (double)s->count);
	if (st == CLARO_OK)
		st = put_sample(out, f->name, "_sum", s->labels, NULL, s->value);
	if (st == CLARO_OK)
		st = put_sample(out, f->name, "_count", s->labels, NULL, (double)s->count);
	return st;
}

static const char *type_name(enum metric_type type)
{
	switch (type) {
	case METRIC_COUNTER: return "counter";
	case METRIC_GAUGE: return "gauge";
	case METRIC_HISTOGRAM: break;
	}
	return "histogram";
}

static enum claro_status render_family(struct buf *out, const struct family *f)
{
	enum claro_status st;

	st = buf_printf(out, "# HELP %s ", f->name);
	if (st == CLARO_OK)
		st = put_help(out, f->help);
	if (st == CLARO_OK)
		st = buf_printf(out, "\n# TYPE %s %s\n", f->name, type_name(f->type));
	for (size_t i = 0; i < f->n_series && st == CLARO_OK; i++) {
		const struct series *s = &f->series[i];

		if (f->type == METRIC_HISTOGRAM)
			st = put_histogram(out, f, s);
		else
			st = put_sample(out, f->name, "", s->labels, NULL, s->value);
	}
	return st;
}

enum claro_status metrics_render(struct metrics *m, struct buf *out)
{
	enum claro_status st = CLARO_OK;

	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n_families && st == CLARO_OK; i++)
		st = render_family(out, &m->families[i]);
	pthread_mutex_unlock(&m->lock);
	return st;
}

static enum claro_status put_label_value(struct buf *b, const char *v)
{
	enum claro_status st = CLARO_OK;

	for (const char *p = v; *p && st == CLARO_OK; p++) {
		if (*p == '\\')
			st = buf_puts(b, "\\\\");
		else if (*p == '"')
			st = buf_puts(b, "\\\"");
		else if (*p == '\n')
			st = buf_puts(b, "\\n");
		else
			st = buf_append(b, p, 1);
	}
	return st;
}

char *metrics_labels(const char *key, ...)
{
	struct buf b = BUF_INIT(0);
	enum claro_status st = buf_puts(&b, "");
	va_list ap;

	va_start(ap, key);
	for (const char *k = key; k && st == CLARO_OK; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);

		st = buf_printf(&b, "%s%s=\"", b.len ? "," : "", k);
		if (st == CLARO_OK)
			st = put_label_value(&b, v ? v : "");
		if (st == CLARO_OK)
			st = buf_puts(&b, "\"");
	}
	va_end(ap);
	if (st != CLARO_OK) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}
