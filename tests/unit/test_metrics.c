/* Prometheus exposition: counters, gauges, histograms, escaping, threads.
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "../tap.h"

/* The rendered exposition (caller frees). */
static char *render(struct metrics *m)
{
	struct buf out = BUF_INIT(0);

	if (metrics_render(m, &out) != CLARO_OK) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* 1 if text has a line exactly equal to line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static void test_counter_and_gauge(void)
{
	struct metrics *m = metrics_new();
	char *labels = metrics_labels("route", "/a", "code", "200", NULL);
	char *text;
	double v = -1;

	ok(m && labels, "metrics and labels created");
	is_str(labels, "route=\"/a\",code=\"200\"", "labels are key=\"value\" joined by commas");
	is_int(
	    metrics_register(m, "t_requests_total", METRIC_COUNTER, "Requests.\nTwo lines \\ here.", NULL, 0),
	    CLARO_OK, "register counter");
	is_int(metrics_register(m, "t_requests_total", METRIC_COUNTER, "again", NULL, 0), CLARO_OK,
	       "registering again with the same type is fine");
	is_int(metrics_register(m, "t_requests_total", METRIC_GAUGE, "x", NULL, 0), CLARO_ERR_CONFLICT,
	       "but not with another type");
	is_int(metrics_register(m, "9bad", METRIC_GAUGE, "x", NULL, 0), CLARO_ERR_INVALID,
	       "name may not start with a digit");
	is_int(metrics_register(m, "bad-name", METRIC_GAUGE, "x", NULL, 0), CLARO_ERR_INVALID,
	       "no dashes in names");
	is_int(metrics_register(m, "t_in_flight", METRIC_GAUGE, "In flight.", NULL, 0), CLARO_OK,
	       "register gauge");

	is_int(metrics_counter_add(m, "t_requests_total", labels, 1), CLARO_OK, "count 1");
	is_int(metrics_counter_add(m, "t_requests_total", labels, 2), CLARO_OK, "count 2 more");
	is_int(metrics_counter_add(m, "t_requests_total", labels, -1), CLARO_ERR_INVALID,
	       "a counter never goes down");
	is_int(metrics_counter_add(m, "t_missing_total", labels, 1), CLARO_ERR_NOT_FOUND,
	       "unregistered family");
	is_int(metrics_gauge_add(m, "t_requests_total", labels, 1), CLARO_ERR_INVALID,
	       "gauge op on a counter");
	is_int(metrics_gauge_add(m, "t_in_flight", "listener=\"api\"", 1), CLARO_OK, "gauge +1");
	is_int(metrics_gauge_add(m, "t_in_flight", "listener=\"api\"", 1), CLARO_OK, "gauge +1");
	is_int(metrics_gauge_add(m, "t_in_flight", "listener=\"api\"", -1), CLARO_OK, "gauge -1");
	is_int(metrics_gauge_set(m, "t_in_flight", NULL, 2.5), CLARO_OK, "unlabelled gauge set");
	is_int(metrics_value(m, "t_requests_total", labels, &v), CLARO_OK, "read counter back");
	ok(v == 3, "counter is 3");
	is_int(metrics_value(m, "t_in_flight", "listener=\"api\"", &v), CLARO_OK, "read gauge back");
	ok(v == 1, "gauge is 1");
	is_int(metrics_value(m, "t_in_flight", "listener=\"x\"", &v), CLARO_ERR_NOT_FOUND, "absent series");

	text = render(m);
	ok(text != NULL, "render");
	ok(has_line(text, "# HELP t_requests_total Requests.\\nTwo lines \\\\ here."),
	   "HELP escapes newline and backslash");
	ok(has_line(text, "# TYPE t_requests_total counter"), "TYPE counter");
	ok(has_line(text, "t_requests_total{route=\"/a\",code=\"200\"} 3"), "counter sample");
	ok(has_line(text, "# TYPE t_in_flight gauge"), "TYPE gauge");
	ok(has_line(text, "t_in_flight{listener=\"api\"} 1"), "labelled gauge sample");
	ok(has_line(text, "t_in_flight 2.5"), "unlabelled gauge sample, fractional value");
	ok(strstr(text, "t_requests_total") < strstr(text, "t_in_flight"), "families in registration order");
	free(text);
	free(labels);
	metrics_free(m);
}

static void test_histogram(void)
{
	static const double buckets[] = {0.01, 0.1, 1};
	struct metrics *m = metrics_new();
	char *text;

	is_int(metrics_register(m, "t_seconds", METRIC_HISTOGRAM, "Durations.", buckets, 3), CLARO_OK,
	       "register histogram");
	metrics_observe(m, "t_seconds", "r=\"x\"", 0.005); /* <= 0.01 */
	metrics_observe(m, "t_seconds", "r=\"x\"", 0.01);  /* bounds are inclusive */
	metrics_observe(m, "t_seconds", "r=\"x\"", 0.5);   /* <= 1 */
	metrics_observe(m, "t_seconds", "r=\"x\"", 7);     /* +Inf only */
	is_int(metrics_counter_add(m, "t_seconds", "r=\"x\"", 1), CLARO_ERR_INVALID,
	       "counter op on a histogram");
	text = render(m);
	ok(text && has_line(text, "# TYPE t_seconds histogram"), "TYPE histogram");
	ok(text && has_line(text, "t_seconds_bucket{r=\"x\",le=\"0.01\"} 2"), "first bucket holds 2");
	ok(text && has_line(text, "t_seconds_bucket{r=\"x\",le=\"0.1\"} 2"), "buckets are cumulative");
	ok(text && has_line(text, "t_seconds_bucket{r=\"x\",le=\"1\"} 3"), "third bucket holds 3");
	ok(text && has_line(text, "t_seconds_bucket{r=\"x\",le=\"+Inf\"} 4"), "+Inf holds every observation");
	ok(text && has_line(text, "t_seconds_count{r=\"x\"} 4"), "count");
	ok(text && has_line(text, "t_seconds_sum{r=\"x\"} 7.515"), "sum");
	free(text);

	is_int(metrics_register(m, "t_bad", METRIC_HISTOGRAM, "x", (const double[]){1, 1}, 2),
	       CLARO_ERR_INVALID, "bucket bounds must increase");
	is_int(metrics_register(m, "t_default", METRIC_HISTOGRAM, "x", NULL, 0), CLARO_OK, "default buckets");
	metrics_observe(m, "t_default", NULL, 0.3);
	text = render(m);
	ok(text && has_line(text, "t_default_bucket{le=\"0.25\"} 0"), "default bucket 0.25 below the value");
	ok(text && has_line(text, "t_default_bucket{le=\"0.5\"} 1"), "default bucket 0.5 holds it");
	ok(text && has_line(text, "t_default_bucket{le=\"10\"} 1"), "default buckets end at 10");
	free(text);
	metrics_free(m);
}

static void test_escaping(void)
{
	char *labels = metrics_labels("path", "/a\"b\\c\nd", "empty", NULL, NULL);
	char *none = metrics_labels(NULL, NULL);

	is_str(labels, "path=\"/a\\\"b\\\\c\\nd\",empty=\"\"",
	       "quote, backslash and newline are escaped; NULL is empty");
	is_str(none, "", "no pairs, empty label string");
	free(labels);
	free(none);
}

#define N_THREADS    4
#define N_INCREMENTS 5000

static void *hammer(void *arg)
{
	struct metrics *m = arg;

	for (int i = 0; i < N_INCREMENTS; i++) {
		metrics_counter_add(m, "t_total", (i & 1) ? "k=\"odd\"" : "k=\"even\"", 1);
		metrics_observe(m, "t_h", NULL, 0.001);
	}
	return NULL;
}

static void test_threads(void)
{
	struct metrics *m = metrics_new();
	pthread_t t[N_THREADS];
	double odd = 0, even = 0;
	char *text, line[64];

	metrics_register(m, "t_total", METRIC_COUNTER, "x", NULL, 0);
	metrics_register(m, "t_h", METRIC_HISTOGRAM, "x", NULL, 0);
	for (int i = 0; i < N_THREADS; i++)
		pthread_create(&t[i], NULL, hammer, m);
	for (int i = 0; i < N_THREADS; i++)
		pthread_join(t[i], NULL);
	metrics_value(m, "t_total", "k=\"odd\"", &odd);
	metrics_value(m, "t_total", "k=\"even\"", &even);
	ok(odd == N_THREADS * N_INCREMENTS / 2 && even == N_THREADS * N_INCREMENTS / 2,
	   "no increment lost across %d threads", N_THREADS);
	text = render(m);
	snprintf(line, sizeof(line), "t_h_count %d", N_THREADS * N_INCREMENTS);
	ok(text && has_line(text, line), "no observation lost");
	free(text);
	metrics_free(m);
}

int main(void)
{
	plan_no_plan();
	test_counter_and_gauge();
	test_histogram();
	test_escaping();
	test_threads();
	return done_testing();
}
