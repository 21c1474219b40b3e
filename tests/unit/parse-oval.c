/* parse-oval: run the ubuntu plugin's streaming OVAL parser
 * (plugins/ubuntu/oval.c) over a file, count what it yields and report the
 * process's peak memory -- the "bounded memory" figure of test-oval.sh,
 * without the host's record sink (which keeps every record it is given).
 *
 *   parse-oval FILE [MAX_BYTES]
 *
 * Prints one JSON object: definitions, criteria, unresolved, vulnerabilities,
 * bytes (decompressed), compression, table_bytes, max_rss_kib, seconds.
 * Exits 1 with the parser's error on failure.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../plugins/ubuntu/oval.h"

static enum claro_status count(void *arg, const struct oval_vuln *v)
{
	(void)v;
	(*(size_t *)arg)++;
	return CLARO_OK;
}

int main(int argc, char **argv)
{
	struct oval_stats stats;
	struct oval_error err;
	struct rusage ru;
	struct timespec t0, t1;
	unsigned long long max = (unsigned long long)4 << 30;
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n = 0;
	FILE *fp;
	enum claro_status st;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: parse-oval FILE [MAX_BYTES]\n");
		return 2;
	}
	if (argc == 3)
		max = strtoull(argv[2], NULL, 10);
	if (!(fp = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			unsigned char *p = realloc(data, cap ? cap * 2 : 1 << 20);
			if (!p) {
				fprintf(stderr, "parse-oval: out of memory\n");
				return 1;
			}
			data = p;
			cap = cap ? cap * 2 : 1 << 20;
		}
		if ((got = fread(data + len, 1, cap - len, fp)) == 0)
			break;
		len += got;
	}
	fclose(fp);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = oval_parse_dpkg(data, len, max, count, &n, &stats, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(data);
	if (st != CLARO_OK) {
		fprintf(stderr, "parse-oval: %s: status %d: %s\n", argv[1], (int)st, err.detail);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"definitions\": %zu, \"criteria\": %zu, \"unresolved\": %zu, \"vulnerabilities\": %zu, "
	       "\"bytes\": %llu, \"compression\": \"%s\", \"table_bytes\": %zu, \"max_rss_kib\": %ld, "
	       "\"seconds\": %.2f}\n",
	       stats.definitions, stats.criteria, stats.unresolved, n, (unsigned long long)stats.bytes,
	       stats.compression, stats.table_bytes, ru.ru_maxrss,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
