/* plugin-probe: load plugins by name from a directory with the real loader
 * and print what they provide. A test helper (tests/integ/out-of-tree.sh
 * proves with it that a plugin built against the installed SDK loads).
 *
 *   plugin-probe DIR NAME...
 *
 * Prints for each plugin "plugin NAME VERSION abi MAJOR.MINOR" and one
 * "  KIND NAME VERSION" line per component, then "index_state STATE".
 * Exits 1 with the loader's three-part error if a plugin does not load.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>

#include "error.h"
#include "log.h"
#include "registry.h"

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	char state[33];
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: plugin-probe DIR NAME...\n");
		return 2;
	}
	log_setup("plugin-probe", CLARO_LOG_WARNING);
	for (int i = 2; i < argc && rc == 0; i++) {
		if (registry_load_one(&reg, argv[1], argv[i], NULL, &err) != CLARO_OK) {
			error_print(&err, stderr, "plugin-probe");
			rc = 1;
		}
	}
	for (size_t p = 0; p < reg.n_plugins; p++) {
		const struct claro_module *m = reg.plugins[p]->module;
		printf("plugin %s %s abi %u.%u\n", m->name, m->version, (unsigned)m->abi_major,
		       (unsigned)m->abi_minor);
		for (size_t c = 0; m->components[c]; c++)
			printf("  %s %s %s\n", registry_kind_name(m->components[c]->kind),
			       m->components[c]->name, m->components[c]->version);
	}
	registry_index_state(&reg, state);
	printf("index_state %s\n", state);
	error_clear(&err);
	registry_free(&reg);
	return rc;
}
