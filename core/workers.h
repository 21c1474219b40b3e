/* A fixed pool of worker threads fed by a bounded FIFO queue.
 *
 * Work items are intrusive: the caller embeds a struct work_item in its own
 * job object, so submitting never allocates and cannot fail for lack of
 * memory; a full queue is refused at once (CLARO_ERR_BUSY) instead of
 * blocking the caller, which is the event-loop thread.
 *
 * Each thread may carry private data made by an init hook (a database
 * connection, for example) that its jobs receive; "each worker uses its own
 * database connection" (DESIGN.md) is built on this.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_WORKERS_H
#define CLARO_CORE_WORKERS_H

#include <stddef.h>

#include <claro/status.h>

#include "error.h"

struct work_item;
/* Runs on a worker thread. thread_data is what init returned for that thread. */
typedef void (*work_fn)(struct work_item *item, void *thread_data);

struct work_item {
	struct work_item *next; /* owned by the pool while queued */
	work_fn fn;
};

struct workers_params {
	const char *name; /* for log lines, e.g. "api" */
	int threads;      /* >= 1 */
	size_t queue_max; /* queued (not yet running) items; >= 1 */
	/* Optional per-thread hooks, called on the worker thread itself. init's
	 * result is passed to every job that thread runs and then to fini. */
	void *(*thread_init)(void *arg, int index);
	void (*thread_fini)(void *thread_data, void *arg);
	void *hook_arg;
};

struct workers;

enum claro_status workers_start(struct workers **out, const struct workers_params *params, struct error *err);
/* Queue item (item->fn must be set). CLARO_ERR_BUSY when the queue is full,
 * CLARO_ERR_CANCELLED once workers_stop() has begun. Thread-safe. */
enum claro_status workers_submit(struct workers *w, struct work_item *item);
/* Items queued plus items running. */
size_t workers_load(struct workers *w);
/* Refuse new items, let the queue empty and every running item finish, join
 * the threads and free the pool. NULL is a no-op. */
void workers_stop(struct workers *w);

#endif /* CLARO_CORE_WORKERS_H */
