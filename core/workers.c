/* Worker pool (see workers.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strutil.h"
#include "workers.h"

struct worker_thread {
	struct workers *pool;
	pthread_t tid;
	int index;
};

struct workers {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* an item was queued, or stopping began */
	struct work_item *head, *tail;
	size_t queued;
	size_t running;
	size_t queue_max;
	int stopping;
	struct workers_params params;
	char *name;
	struct worker_thread *threads;
	int n_threads; /* started successfully */
};

static struct work_item *take(struct workers *w)
{
	struct work_item *item = w->head;

	w->head = item->next;
	if (!w->head)
		w->tail = NULL;
	item->next = NULL;
	w->queued--;
	w->running++;
	return item;
}

static void *worker_main(void *arg)
{
	struct worker_thread *self = arg;
	struct workers *w = self->pool;
	void *thread_data = NULL;

	if (w->params.thread_init)
		thread_data = w->params.thread_init(w->params.hook_arg, self->index);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct work_item *item;

		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->head)
			break; /* stopping and nothing left: the queue drains before exit */
		item = take(w);
		pthread_mutex_unlock(&w->lock);
		item->fn(item, thread_data);
		pthread_mutex_lock(&w->lock);
		w->running--;
	}
	pthread_mutex_unlock(&w->lock);
	if (w->params.thread_fini)
		w->params.thread_fini(thread_data, w->params.hook_arg);
	return NULL;
}

static void free_pool(struct workers *w)
{
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w->threads);
	free(w->name);
	free(w);
}

static void join_all(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	for (int i = 0; i < w->n_threads; i++)
		pthread_join(w->threads[i].tid, NULL);
}

static enum claro_status init_pool(struct workers *w, const struct workers_params *p, struct error *err)
{
	w->params = *p;
	w->queue_max = p->queue_max;
	w->name = str_dup(p->name ? p->name : "workers");
	w->threads = calloc((size_t)p->threads, sizeof(*w->threads));
	if (!w->name || !w->threads)
		return error_set(err, CLARO_ERR_NOMEM, "could not start the %s worker pool: out of memory",
				 p->name ? p->name : "workers");
	w->params.name = w->name;
	if (pthread_mutex_init(&w->lock, NULL) != 0 || pthread_cond_init(&w->wake, NULL) != 0)
		return error_set(err, CLARO_ERR_INTERNAL, "could not initialise the %s worker pool's lock",
				 w->name);
	return CLARO_OK;
}

enum claro_status workers_start(struct workers **out, const struct workers_params *params, struct error *err)
{
	struct workers *w;
	enum claro_status st;

	*out = NULL;
	if (!params || params->threads < 1 || params->queue_max < 1)
		return error_set(err, CLARO_ERR_INVALID, "invalid worker pool parameters");
	w = calloc(1, sizeof(*w));
	if (!w)
		return error_set(err, CLARO_ERR_NOMEM, "could not start a worker pool: out of memory");
	st = init_pool(w, params, err);
	if (st != CLARO_OK) {
		free(w->threads);
		free(w->name);
		free(w);
		return st;
	}
	for (int i = 0; i < params->threads; i++) {
		struct worker_thread *t = &w->threads[i];
		int rc;

		t->pool = w;
		t->index = i;
		rc = pthread_create(&t->tid, NULL, worker_main, t);
		if (rc != 0) {
			error_set(err, CLARO_ERR_IO, "could not start worker thread %d of the %s pool: %s",
				  i + 1, w->name, strerror(rc));
			error_detail(err, "The system refused to create another thread.");
			error_hint(err,
				   "Lower \"workers\" in the [clarod] section or raise the process limits.");
			join_all(w);
			free_pool(w);
			return CLARO_ERR_IO;
		}
		w->n_threads++;
	}
	*out = w;
	return CLARO_OK;
}

enum claro_status workers_submit(struct workers *w, struct work_item *item)
{
	enum claro_status st = CLARO_OK;

	item->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		st = CLARO_ERR_CANCELLED;
	} else if (w->queued >= w->queue_max) {
		st = CLARO_ERR_BUSY;
	} else {
		if (w->tail)
			w->tail->next = item;
		else
			w->head = item;
		w->tail = item;
		w->queued++;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	return st;
}

size_t workers_load(struct workers *w)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->queued + w->running;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void workers_stop(struct workers *w)
{
	if (!w)
		return;
	join_all(w);
	free_pool(w);
}
