/* claroctl updaters: run, status, export, import (reference §8.9).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_CMD_UPDATERS_H
#define CLARO_CORE_CMD_UPDATERS_H

#include "config.h"
#include "error.h"

/* Fills cfg the way claroctl --local does (-c FILE, --db, --plugin-dir). */
typedef enum claro_status (*updaters_config_fn)(void *arg, struct config *cfg, struct error *err);

/* argv[0] is "updaters". Returns claroctl's exit status (0 ok, 1 failure,
 * 2 usage); errors go to stderr in three parts, prefixed prog. */
int updaters_main(int argc, char **argv, const char *prog, updaters_config_fn load_config, void *arg);

#define UPDATERS_USAGE                                                                  \
	"claroctl [-c FILE | --db PATH] [--plugin-dir DIR] updaters COMMAND [ARGS]\n"   \
	"\n"                                                                            \
	"Work on the advisory database of -c FILE's [store] (or the SQLite file of\n"   \
	"--db) in this process; no clarod is needed and --host does not apply.\n"       \
	"\n"                                                                            \
	"  run [--force] [--no-gc] [NAME...]\n"                                         \
	"      run the updaters now, as clarod's runner does ([updaters] settings,\n"   \
	"      the database lock per updater, then GC); NAMEs (updater or set names,\n" \
	"      fnmatch patterns) restrict the run. --force ignores [updater.<name>]\n"  \
	"      period; --no-gc skips the collection. Exit status 1 when one failed.\n"  \
	"  status [--json]\n"                                                           \
	"      each updater's state (ok, failing, never, imported), the age of its\n"   \
	"      last success and attempt, the records of its snapshot, its last error\n" \
	"  export [--updater PATTERN]... FILE|-\n"                                      \
	"      write the latest snapshot of every updater as newline-delimited JSON\n"  \
	"      in Clair's export-updaters shape; FILE.gz and FILE.zst compress\n"       \
	"  import FILE|URL|-\n"                                                         \
	"      load an export (claro's or clairctl export-updaters'), gzip and zstd\n"  \
	"      detected; operations whose fingerprint the updater already has are\n"    \
	"      skipped. A URL is fetched under [clarod] airgap and [updaters] mirror_dir.\n"

#endif /* CLARO_CORE_CMD_UPDATERS_H */
