/* Per-thread caches for the vulnerability report (report_cache.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "report_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

struct thread_cache {
	/* the last IndexReport parsed */
	char *digest;
	char *text;
	size_t len;
	json_t *index;
	/* the last freshness object built */
	char *generation;
	int64_t stale_after;
	int64_t valid_until;
	json_t *freshness;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_usable;

static void index_clear(struct thread_cache *c)
{
	free(c->digest);
	free(c->text);
	json_decref(c->index);
	c->digest = c->text = NULL;
	c->index = NULL;
	c->len = 0;
}

static void freshness_clear(struct thread_cache *c)
{
	free(c->generation);
	json_decref(c->freshness);
	c->generation = NULL;
	c->freshness = NULL;
}

static void cache_free(void *p)
{
	struct thread_cache *c = p;

	if (!c)
		return;
	index_clear(c);
	freshness_clear(c);
	free(c);
}

static void cache_init(void)
{
	cache_usable = pthread_key_create(&cache_key, cache_free) == 0;
}

/* This thread's cache, created on first use; NULL when it cannot be. */
static struct thread_cache *this_thread(void)
{
	struct thread_cache *c;

	pthread_once(&cache_once, cache_init);
	if (!cache_usable)
		return NULL;
	if ((c = pthread_getspecific(cache_key)) != NULL)
		return c;
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	if (pthread_setspecific(cache_key, c) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

json_t *report_cache_index(const char *digest, const char *text, size_t len, json_error_t *je)
{
	struct thread_cache *c = this_thread();
	json_t *report;

	if (c && c->index && c->len == len && strcmp(c->digest, digest) == 0 &&
	    memcmp(c->text, text, len) == 0)
		return json_incref(c->index);
	report = json_loadb(text, len, 0, je);
	if (!report || !c || len > REPORT_CACHE_MAX_INDEX_BYTES)
		return report;
	index_clear(c);
	c->digest = str_dup(digest);
	c->text = malloc(len ? len : 1);
	if (!c->digest || !c->text) { /* no caching, no failure */
		index_clear(c);
		return report;
	}
	memcpy(c->text, text, len);
	c->len = len;
	c->index = json_incref(report);
	return report;
}

json_t *report_cache_freshness(const char *generation, int64_t stale_after, int64_t now, json_t *checked_at)
{
	struct thread_cache *c = this_thread();

	if (!c || !c->freshness || strcmp(c->generation, generation) != 0 || c->stale_after != stale_after ||
	    now >= c->valid_until || !checked_at)
		return NULL;
	/* The previous report holding it was sent and released on this thread. */
	if (json_object_set(c->freshness, "checked_at", checked_at) != 0)
		return NULL;
	return json_incref(c->freshness);
}

void report_cache_freshness_keep(const char *generation, int64_t stale_after, int64_t valid_until,
				 json_t *obj)
{
	struct thread_cache *c = this_thread();

	if (!c)
		return;
	freshness_clear(c);
	if (!(c->generation = str_dup(generation)))
		return;
	c->stale_after = stale_after;
	c->valid_until = valid_until;
	c->freshness = json_incref(obj);
}
