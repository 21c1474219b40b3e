/* Process-wide logging to stderr (or a file), one line per record:
 *   2026-11-23T14:03:00.123Z clarod[4242] LEVEL: [origin: ]message
 * followed by indented "detail:" / "hint:" lines for structured errors.
 * Thread-safe; a record is written with one write(2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_LOG_H
#define CLARO_CORE_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include <claro/plugin.h>

struct error;

/* Program name shown in each line and the minimum level printed. */
void log_setup(const char *progname, enum claro_log_level min_level);
/* "error", "warning", "notice", "info", "debug" -> level; -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum claro_log_level level);
int log_enabled(enum claro_log_level level);

/* origin: NULL for the core, "<plugin>/<component>" for plugins. */
void log_msgv(enum claro_log_level level, const char *origin, const char *fmt, va_list ap) CLARO_PRINTF(3, 0);
void log_msg(enum claro_log_level level, const char *fmt, ...) CLARO_PRINTF(2, 3);
/* Log a structured error at level, with its detail and hint lines. */
void log_error(enum claro_log_level level, const struct error *e);

#define log_err(...)    log_msg(CLARO_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)   log_msg(CLARO_LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(CLARO_LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(CLARO_LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                         \
	do {                                                   \
		if (log_enabled(CLARO_LOG_DEBUG))              \
			log_msg(CLARO_LOG_DEBUG, __VA_ARGS__); \
	} while (0)

#endif /* CLARO_CORE_LOG_H */
