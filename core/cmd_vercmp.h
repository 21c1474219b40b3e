/* claroctl vercmp: compare versions under a version scheme plugin.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_CMD_VERCMP_H
#define CLARO_CORE_CMD_VERCMP_H

#include "config.h"
#include "error.h"

/* Fills cfg (plugin_dir, [plugins] load) the way claroctl --local does. */
typedef enum claro_status (*vercmp_config_fn)(void *arg, struct config *cfg, struct error *err);

/* argv[0] is "vercmp". Forms:
 *   vercmp [--] SCHEME A B     print <, = or > (exit 2 on an invalid version)
 *   vercmp SCHEME --batch      "A<TAB>B" lines on stdin, one verdict a line
 *   vercmp SCHEME --normalize V...   Clair's "kind:v0.v1...v9" of each V
 *   vercmp --list              the loaded schemes, one a line
 * Returns claroctl's exit status (0 ok, 1 failure, 2 usage or invalid
 * version); errors are printed on stderr in three parts, prefixed prog. */
int vercmp_main(int argc, char **argv, const char *prog, vercmp_config_fn load_config, void *arg);

#define VERCMP_USAGE                                                                  \
	"claroctl [-c FILE] [--plugin-dir DIR] vercmp [--] SCHEME A B\n"              \
	"       claroctl vercmp SCHEME --batch < PAIRS\n"                             \
	"       claroctl vercmp SCHEME --normalize VERSION...\n"                      \
	"       claroctl vercmp --list\n"                                             \
	"\n"                                                                          \
	"Compare versions A and B under SCHEME (dpkg, rpm, apk, pep440, semver,\n"    \
	"maven, gem: the version_scheme components of the loaded plugins) and\n"      \
	"print <, = or >. An invalid version is an error (exit status 2).\n"          \
	"vercmp always works in this process: it loads the plugins of the plugin\n"   \
	"directory (--plugin-dir, else plugin_dir of -c FILE, else the built-in\n"    \
	"one) and needs no clarod.\n"                                                 \
	"\n"                                                                          \
	"  --batch   read lines \"A<TAB>B\" on stdin and print one verdict a line:\n" \
	"            <, =, >, or \"invalid\" when a version (or the line) does not\n" \
	"            parse; exit status 0 unless reading or writing fails\n"          \
	"  --normalize  print each VERSION's normalised form as Clair writes it,\n"   \
	"            \"kind:v0.v1...v9\" (the ten integers range filters compare)\n"  \
	"  --list    print the names of the loaded version schemes\n"                 \
	"  --        end of options: A or B may start with '-'\n"
#endif /* CLARO_CORE_CMD_VERCMP_H */
