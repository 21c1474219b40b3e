/* Fuzz target: the parsers of the rhel plugin for data taken from images
 * and from Red Hat (plugins/rhel, plugins/common/cpe.c): content manifests,
 * labels.json and its RFC 3339 times, the repository-to-CPE mapping, CPE
 * names, URL queries (rpm repository hints) and Clair's RHEL release
 * regexp. Every input goes through all of them; a parser bug aborts:
 *   - a refusal always says why; an accepted manifest has every string;
 *   - a CPE that unbinds binds to "cpe:2.3:..." and binding is idempotent;
 *   - the release matcher answers -1, 0 or 1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/common/cpe.h"
#include "../../plugins/rhel/contentmanifest.h"
#include "../../plugins/rhel/labels.h"
#include "../../plugins/rhel/repo2cpe.h"
#include "../../plugins/rhel/rhel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cpe(const char *s)
{
	char *fs = NULL, *again = NULL;
	const char *why = NULL;
	enum claro_status st = cpe_to_fs(s, &fs, &why);

	if (st == CLARO_ERR_INVALID) {
		if (!why || fs)
			abort();
		return;
	}
	if (st != CLARO_OK)
		return;
	if (strncmp(fs, "cpe:2.3:", 8) != 0)
		abort();
	if (cpe_to_fs(fs, &again, &why) != CLARO_OK || strcmp(fs, again) != 0)
		abort(); /* a bound CPE unbinds and binds to itself */
	free(again);
	free(fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char reason[256], *z, *line, *v;
	struct content_manifest cm;
	struct rhcc_labels lb;
	json_t *map = NULL;
	long major = 0;
	int64_t t;
	int zero, m;

	if (content_manifest_parse(text, size, &cm, reason, sizeof(reason)) == CLARO_OK) {
		for (size_t i = 0; i < cm.n_content_sets; i++)
			if (!cm.content_sets[i])
				abort();
		content_manifest_free(&cm);
	} else if (!reason[0]) {
		abort();
	}
	reason[0] = '\0';
	if (rhcc_labels_parse(text, size, &lb, reason, sizeof(reason)) == CLARO_OK) {
		if (!lb.name || !lb.architecture || !lb.cpe)
			abort();
		rhcc_labels_free(&lb);
	} else if (!reason[0]) {
		abort();
	}
	if (repo2cpe_parse(text, size, &map, reason, sizeof(reason)) == CLARO_OK) {
		if (!json_is_object(map))
			abort();
		(void)repo2cpe_cpes(map, "rhel-8-for-x86_64-baseos-rpms");
		json_decref(map);
	}
	m = rhel_release_match(text, size, &major);
	if (m < -1 || m > 1 || (m == 1 && major < 0))
		abort();

	/* the line-oriented parsers, on a NUL-terminated copy, line by line */
	if (!(z = malloc(size + 1)))
		return 0;
	if (size)
		memcpy(z, data, size);
	z[size] = '\0';
	for (line = z; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		check_cpe(line);
		(void)rhcc_parse_time(line, &t, &zero);
		if ((v = rhel_query_get(line, "repoid")))
			free(v);
		if ((v = rhel_query_escape(line)))
			free(v);
		if (nl)
			*nl = '\n';
	}
	free(z);
	return 0;
}
