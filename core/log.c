/* Logging. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "strutil.h"

static const char *log_progname = "claro";
static enum claro_log_level log_min = CLARO_LOG_INFO;

static const char *const level_names[] = {
    [CLARO_LOG_ERROR] = "error", [CLARO_LOG_WARNING] = "warning", [CLARO_LOG_NOTICE] = "notice",
    [CLARO_LOG_INFO] = "info",   [CLARO_LOG_DEBUG] = "debug",
};

void log_setup(const char *progname, enum claro_log_level min_level)
{
	if (progname)
		log_progname = progname;
	log_min = min_level;
}

int log_level_parse(const char *name)
{
	for (int i = CLARO_LOG_ERROR; i <= CLARO_LOG_DEBUG; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

const char *log_level_name(enum claro_log_level level)
{
	if (level < CLARO_LOG_ERROR || level > CLARO_LOG_DEBUG)
		return "log";
	return level_names[level];
}

int log_enabled(enum claro_log_level level)
{
	return level <= log_min;
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w <= 0)
			return; /* nowhere left to report a logging failure */
		p += w;
		n -= (size_t)w;
	}
}

static void emit(enum claro_log_level level, const char *origin, const char *msg, const char *detail,
		 const char *hint)
{
	struct buf b = BUF_INIT(0);
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	char upper[16];
	const char *name = log_level_name(level);
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	for (i = 0; name[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	upper[i] = '\0';
	buf_printf(&b, "%s.%03ldZ %s[%ld] %s: ", stamp, ts.tv_nsec / 1000000L, log_progname, (long)getpid(),
		   upper);
	if (origin)
		buf_printf(&b, "%s: ", origin);
	buf_puts(&b, msg);
	buf_puts(&b, "\n");
	if (detail)
		buf_printf(&b, "  detail: %s\n", detail);
	if (hint)
		buf_printf(&b, "  hint: %s\n", hint);
	if (b.data)
		write_all(b.data, b.len);
	else
		write_all(msg, strlen(msg)); /* out of memory: at least the message */
	buf_free(&b);
}

void log_msgv(enum claro_log_level level, const char *origin, const char *fmt, va_list ap)
{
	char *msg;

	if (!log_enabled(level))
		return;
	msg = str_vprintf(fmt, ap);
	emit(level, origin, msg ? msg : fmt, NULL, NULL);
	free(msg);
}

void log_msg(enum claro_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(level, NULL, fmt, ap);
	va_end(ap);
}

void log_error(enum claro_log_level level, const struct error *e)
{
	if (!log_enabled(level))
		return;
	emit(level, NULL, e->message ? e->message : status_text(e->status), e->detail, e->hint);
}
