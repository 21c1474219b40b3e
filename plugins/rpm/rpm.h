/* The rpm plugin's components, defined in their own files and gathered into
 * the module in rpm.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_H
#define CLARO_PLUGINS_RPM_H

#include <claro/plugin.h>

/* "rpm" package scanner, version "10" (rpm_scanner.c). */
extern const struct claro_component rpm_package_scanner;

#endif /* CLARO_PLUGINS_RPM_H */
