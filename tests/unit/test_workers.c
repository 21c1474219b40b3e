/* Worker pool: every item runs, the queue is bounded, threads run in
 * parallel, per-thread hooks, and stop drains the queue.
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "workers.h"

struct counting_item {
	struct work_item item; /* first: the job recovers itself from the item */
	atomic_int *counter;
	int seen_thread_value; /* what the thread's data held (-1: none) */
};

static void count_job(struct work_item *item, void *thread_data)
{
	struct counting_item *c = (struct counting_item *)item;

	c->seen_thread_value = thread_data ? *(int *)thread_data : -1;
	atomic_fetch_add(c->counter, 1);
}

static void test_all_items_run(void)
{
	struct workers_params p = {"test", 3, 200, NULL, NULL, NULL};
	struct workers *w;
	struct error err = ERROR_INIT;
	struct counting_item items[150];
	atomic_int counter;
	int refused = 0;

	atomic_init(&counter, 0);
	is_int(workers_start(&w, &p, &err), CLARO_OK, "start 3 threads");
	for (int i = 0; i < 150; i++) {
		items[i].item.fn = count_job;
		items[i].counter = &counter;
		refused += workers_submit(w, &items[i].item) != CLARO_OK;
	}
	is_int(refused, 0, "150 items fit a queue of 200");
	workers_stop(w);
	is_int(atomic_load(&counter), 150, "stop waits until every queued item ran");
}

/* A job that holds its worker until released. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open;
	int entered;
};

struct gate_item {
	struct work_item item;
	struct gate *gate;
};

static void gate_job(struct work_item *item, void *thread_data)
{
	struct gate *g = ((struct gate_item *)item)->gate;

	(void)thread_data;
	pthread_mutex_lock(&g->lock);
	g->entered++;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

/* Wait until n jobs entered the gate, at most 5 s. Returns 1 if they did. */
static int wait_entered(struct gate *g, int n)
{
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	pthread_mutex_lock(&g->lock);
	while (g->entered < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&g->cond, &g->lock, &deadline);
	rc = g->entered >= n;
	pthread_mutex_unlock(&g->lock);
	return rc;
}

static void open_gate(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void test_bounded_queue(void)
{
	struct workers_params p = {"bounded", 1, 2, NULL, NULL, NULL};
	struct workers *w;
	struct error err = ERROR_INIT;
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	struct gate_item running = {{NULL, gate_job}, &g};
	struct counting_item queued[3];
	atomic_int counter;

	atomic_init(&counter, 0);
	is_int(workers_start(&w, &p, &err), CLARO_OK, "start 1 thread, queue of 2");
	is_int(workers_submit(w, &running.item), CLARO_OK, "a long job");
	ok(wait_entered(&g, 1), "the long job is running");
	for (int i = 0; i < 3; i++) {
		queued[i].item.fn = count_job;
		queued[i].counter = &counter;
	}
	is_int(workers_submit(w, &queued[0].item), CLARO_OK, "first queued");
	is_int(workers_submit(w, &queued[1].item), CLARO_OK, "second queued");
	is_int(workers_submit(w, &queued[2].item), CLARO_ERR_BUSY, "third refused: the queue is full");
	is_int((int)workers_load(w), 3, "load counts queued and running items");
	open_gate(&g);
	workers_stop(w);
	is_int(atomic_load(&counter), 2, "the queued items ran after the long one");
}

static void test_parallel(void)
{
	struct workers_params p = {"parallel", 2, 4, NULL, NULL, NULL};
	struct workers *w;
	struct error err = ERROR_INIT;
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	struct gate_item a = {{NULL, gate_job}, &g}, b = {{NULL, gate_job}, &g};

	is_int(workers_start(&w, &p, &err), CLARO_OK, "start 2 threads");
	workers_submit(w, &a.item);
	workers_submit(w, &b.item);
	ok(wait_entered(&g, 2), "two blocking jobs run at the same time on two threads");
	open_gate(&g);
	workers_stop(w);
}

struct hook_state {
	pthread_mutex_t lock;
	int inits;
	int finis;
	int index_seen[4];
};

static void *hook_init(void *arg, int index)
{
	struct hook_state *s = arg;
	int *data = malloc(sizeof(int));

	pthread_mutex_lock(&s->lock);
	s->inits++;
	if (index >= 0 && index < 4)
		s->index_seen[index]++;
	pthread_mutex_unlock(&s->lock);
	if (data)
		*data = 1000 + index;
	return data;
}

static void hook_fini(void *thread_data, void *arg)
{
	struct hook_state *s = arg;

	pthread_mutex_lock(&s->lock);
	s->finis++;
	pthread_mutex_unlock(&s->lock);
	free(thread_data);
}

static void test_hooks(void)
{
	struct hook_state s = {PTHREAD_MUTEX_INITIALIZER, 0, 0, {0, 0, 0, 0}};
	struct workers_params p = {"hooks", 4, 8, hook_init, hook_fini, &s};
	struct workers *w;
	struct error err = ERROR_INIT;
	struct counting_item item;
	atomic_int counter;

	atomic_init(&counter, 0);
	item.item.fn = count_job;
	item.counter = &counter;
	item.seen_thread_value = -1;
	is_int(workers_start(&w, &p, &err), CLARO_OK, "start 4 threads with hooks");
	workers_submit(w, &item.item);
	workers_stop(w);
	is_int(s.inits, 4, "init ran once per thread");
	is_int(s.finis, 4, "fini ran once per thread");
	ok(s.index_seen[0] == 1 && s.index_seen[1] == 1 && s.index_seen[2] == 1 && s.index_seen[3] == 1,
	   "each thread got its own index");
	ok(item.seen_thread_value >= 1000 && item.seen_thread_value < 1004,
	   "the job received its thread's data");
}

static void test_bad_params(void)
{
	struct workers_params p = {"bad", 0, 8, NULL, NULL, NULL};
	struct workers *w = (struct workers *)&p;
	struct error err = ERROR_INIT;

	is_int(workers_start(&w, &p, &err), CLARO_ERR_INVALID, "zero threads refused");
	ok(w == NULL, "no pool on failure");
	ok(err.message != NULL, "with a message");
	error_clear(&err);
	p.threads = 1;
	p.queue_max = 0;
	is_int(workers_start(&w, &p, &err), CLARO_ERR_INVALID, "zero queue refused");
	error_clear(&err);
	workers_stop(NULL); /* a no-op; a crash here fails the test */
}

int main(void)
{
	plan_no_plan();
	test_all_items_run();
	test_bounded_queue();
	test_parallel();
	test_hooks();
	test_bad_params();
	return done_testing();
}
