/* Fuzz target: the Debian security tracker JSON parser and its object
 * splitter (plugins/debian/tracker.c, jsonsplit.c), plus the Release-file
 * and dists-index readers of release discovery (plugins/debian/dists.c).
 * The tracker must end in CLARO_OK or in CLARO_ERR_INVALID with a reason and
 * no record reported; every record has a package, an id and a release, and
 * the records of one release are a subset of all records.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/debian/dists.h"
#include "../../plugins/debian/tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum claro_status count_record(void *arg, const struct tracker_record *r)
{
	if (!*r->package || !*r->id || !*r->release || !r->description || !r->status || !r->fixed_version ||
	    !r->urgency)
		abort(); /* a parser bug: make the fuzzer report it */
	(void)tracker_severity(r->urgency);
	(*(size_t *)arg)++;
	return CLARO_OK;
}

static int only_buster(void *arg, const char *release)
{
	(void)arg;
	return strcmp(release, "buster") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracker_error err;
	size_t all = 0, some = 0;
	char name[DISTS_NAME_MAX];
	int major;
	enum claro_status st = tracker_parse((const char *)data, size, NULL, count_record, &all, &err);

	if (st == CLARO_ERR_INVALID) {
		if (all != 0 || !err.detail[0])
			abort();
	} else if (st == CLARO_OK) {
		if (tracker_parse((const char *)data, size, only_buster, count_record, &some, &err) !=
			CLARO_OK ||
		    some > all)
			abort();
	}
	if (dists_parse_release((const char *)data, size, name, &major) &&
	    (!name[0] || strlen(name) >= DISTS_NAME_MAX || major < 0))
		abort();
	if (dists_suite_from_link((const char *)data, size, name) && (!name[0] || strlen(name) > size))
		abort();
	return 0;
}
