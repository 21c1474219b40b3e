/* Metrics in the Prometheus text exposition format (version 0.0.4).
 *
 * A family is registered once with its type and help text; series inside it
 * are identified by a label string such as  route="/x",method="GET"  built
 * with metrics_labels(), which escapes the values. Every function is
 * thread-safe (one mutex); updating a series is a short critical section, so
 * request handlers on many workers can record freely.
 *
 * Families are rendered in registration order, series in creation order.
 * Metric names are not an API (Clair says the same of its own).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_METRICS_H
#define CLARO_CORE_METRICS_H

#include <stddef.h>

#include <claro/status.h>

#include "strutil.h"

enum metric_type { METRIC_COUNTER = 0, METRIC_GAUGE, METRIC_HISTOGRAM };

struct metrics;

/* NULL on allocation failure. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* Register a family. buckets (ascending upper bounds, without +Inf) only for
 * histograms; NULL/0 there means the Prometheus defaults (5 ms .. 10 s).
 * Registering the same name again with the same type is a no-op;
 * CLARO_ERR_CONFLICT with another type, CLARO_ERR_INVALID for a bad name. */
enum claro_status metrics_register(struct metrics *m, const char *name, enum metric_type type,
				   const char *help, const double *buckets, size_t n_buckets);

/* Update a series (created on first use). labels may be NULL or "".
 * CLARO_ERR_NOT_FOUND for an unregistered family, CLARO_ERR_INVALID for the
 * wrong type or a negative counter increment. */
enum claro_status metrics_counter_add(struct metrics *m, const char *name, const char *labels, double v);
enum claro_status metrics_gauge_set(struct metrics *m, const char *name, const char *labels, double v);
enum claro_status metrics_gauge_add(struct metrics *m, const char *name, const char *labels, double v);
enum claro_status metrics_observe(struct metrics *m, const char *name, const char *labels, double v);

/* Current value of a counter or gauge series (tests, readiness logic);
 * CLARO_ERR_NOT_FOUND if the series does not exist. */
enum claro_status metrics_value(struct metrics *m, const char *name, const char *labels, double *out);

/* Append the whole exposition to out. */
enum claro_status metrics_render(struct metrics *m, struct buf *out);

/* Label string from NULL-terminated key/value pairs:
 *   metrics_labels("route", "/a\"b", "code", "200", NULL) -> route="/a\"b",code="200"
 * Values are escaped (backslash, double quote, newline). Caller frees;
 * NULL on allocation failure. */
#if defined(__GNUC__)
#define METRICS_SENTINEL __attribute__((sentinel))
#else
#define METRICS_SENTINEL
#endif
char *metrics_labels(const char *key, ...) METRICS_SENTINEL;

/* The content type of metrics_render()'s output. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif /* CLARO_CORE_METRICS_H */
