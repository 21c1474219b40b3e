/* strmap: a string-keyed hash table (open addressing, FNV-1a) of borrowed
 * keys and values, for the per-document indexes of the VEX parser (product
 * ids to products, relationships, scores, threats, remediations). The
 * first value put for a key stays: later puts of the same key are ignored,
 * which is the "first match" lookup the CSAF helpers of claircore do.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_STRMAP_H
#define CLARO_PLUGINS_RHEL_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	const char *key;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* 0, or -1 when out of memory. key must outlive the map. */
int strmap_put_first(struct strmap *m, const char *key, void *value);
/* The value of key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
void strmap_free(struct strmap *m);

#endif /* CLARO_PLUGINS_RHEL_STRMAP_H */
