/* rpmdb-dump: print what the rpm database readers (bdb.c, ndb.c,
 * sqlitedb.c, rpmhdr.c, rpminfo.c) find in one database file, in the
 * shapes the rpm tool prints with --queryformat, so tests compare them with
 * `rpm -qa` byte for byte (absent values print as "(none)", like rpm).
 *
 *   rpmdb-dump [-k bdb|sqlite|ndb] [-m MODE] FILE
 *
 * The kind defaults from the file name (Packages, rpmdb.sqlite,
 * Packages.db). Every header is printed, gpg-pubkey included, in database
 * order. MODE:
 *   packages  EPOCH NAME VERSION RELEASE ARCH SOURCERPM MODULARITYLABEL
 *             (rpm --qf '%{EPOCH}\t%{NAME}\t...\t%{MODULARITYLABEL}\n')
 *   files     NAME FILE, one line per file ('[%{NAME}\t%{FILENAMES}\n]')
 *   sigs      NAME PAYLOADDIGESTALGO PAYLOADDIGEST KEYID (16 hex digits of
 *             the SIGPGP issuer, or "(none)")
 *   clair     NAME EVR SOURCE-NAME SOURCE-EVR MODULE HINT, claircore's view
 *
 * Exit status 0, or 1 with the reader's reason on stderr.
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bdb.h"
#include "ndb.h"
#include "pgpsig.h"
#include "rpmhdr.h"
#include "rpminfo.h"
#include "sqlitedb.h"

enum mode { M_PACKAGES, M_FILES, M_SIGS, M_CLAIR };

struct dump {
	enum mode mode;
	size_t count;
	struct rpmdb_error *err;
};

static const char *none(const char *s)
{
	return s ? s : "(none)";
}

static enum claro_status print_file(void *arg, const char *dir, size_t dlen, const char *base, size_t blen)
{
	const char *name = arg;

	printf("%s\t%.*s%.*s\n", name, (int)dlen, dir, (int)blen, base);
	return CLARO_OK;
}

static enum claro_status on_blob(void *arg, const unsigned char *blob, size_t len)
{
	struct dump *d = arg;
	struct rpmhdr h;
	enum claro_status st;

	d->count++;
	if ((st = rpmhdr_parse(blob, len, &h, d->err)) != CLARO_OK) {
		char why[sizeof(d->err->msg)];
		memcpy(why, d->err->msg, sizeof(why));
		rpmdb_errorf(d->err, "header %zu: %s", d->count, why);
		return st;
	}
	switch (d->mode) {
	case M_PACKAGES:
		if (h.has_epoch)
			printf("%" PRId32, h.epoch);
		else
			fputs("(none)", stdout);
		printf("\t%s\t%s\t%s\t%s\t%s\t%s\n", none(h.name), none(h.version), none(h.release),
		       none(h.arch), none(h.sourcerpm), none(h.modularitylabel));
		break;
	case M_FILES: return rpmhdr_files(&h, print_file, (void *)none(h.name));
	case M_SIGS: {
		uint64_t key;
		printf("%s\t", none(h.name));
		if (h.has_digest_algo)
			printf("%" PRId32, h.digest_algo);
		else
			fputs("(none)", stdout);
		printf("\t%s\t", none(h.payloaddigest));
		if (h.sigpgp_len && pgpsig_issuer(h.sigpgp, h.sigpgp_len, &key))
			printf("%016" PRIx64 "\n", key);
		else
			puts("(none)");
		break;
	}
	case M_CLAIR: {
		char *evr = rpminfo_evr(&h), *hint = rpminfo_hint(&h), *sn = NULL, *se = NULL, *mod = NULL;
		int src = rpminfo_source(h.sourcerpm, &sn, &se),
		    modr = rpminfo_module(h.modularitylabel, &mod);
		if (!evr || !hint || src < 0 || modr < 0)
			st = CLARO_ERR_NOMEM;
		else
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", none(h.name), evr, sn ? sn : "", se ? se : "",
			       mod ? mod : "", hint);
		free(evr);
		free(hint);
		free(sn);
		free(se);
		free(mod);
		return st;
	}
	}
	return CLARO_OK;
}

static enum claro_status fd_pread(void *arg, void *buf, size_t n, uint64_t offset, size_t *got)
{
	int fd = *(int *)arg;
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(offset + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return CLARO_ERR_IO;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return CLARO_OK;
}

static int kind_of(const char *path, const char *flag)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (flag)
		base = strcmp(flag, "bdb") == 0   ? "Packages"
		       : strcmp(flag, "ndb") == 0 ? "Packages.db"
						  : flag;
	if (strcmp(base, "Packages") == 0)
		return 'b';
	if (strcmp(base, "Packages.db") == 0)
		return 'n';
	if (strcmp(base, "rpmdb.sqlite") == 0 || strcmp(base, "sqlite") == 0)
		return 's';
	return 0;
}

static int usage(void)
{
	fputs("usage: rpmdb-dump [-k bdb|sqlite|ndb] [-m packages|files|sigs|clair] FILE\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *kindflag = NULL, *modeflag = "packages", *path;
	struct rpmdb_error err = {{0}};
	struct dump d = {M_PACKAGES, 0, &err};
	enum claro_status st;
	struct stat sb;
	int opt, kind, fd;

	while ((opt = getopt(argc, argv, "k:m:")) != -1) {
		if (opt == 'k')
			kindflag = optarg;
		else if (opt == 'm')
			modeflag = optarg;
		else
			return usage();
	}
	if (optind + 1 != argc)
		return usage();
	path = argv[optind];
	if (!(kind = kind_of(path, kindflag)))
		return usage();
	if (strcmp(modeflag, "packages") == 0)
		d.mode = M_PACKAGES;
	else if (strcmp(modeflag, "files") == 0)
		d.mode = M_FILES;
	else if (strcmp(modeflag, "sigs") == 0)
		d.mode = M_SIGS;
	else if (strcmp(modeflag, "clair") == 0)
		d.mode = M_CLAIR;
	else
		return usage();
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "rpmdb-dump: %s: %s\n", path, strerror(errno));
		return 1;
	}
	{
		struct rpmdb_reader r = {fd_pread, &fd, (uint64_t)sb.st_size};
		if (kind == 'b')
			st = bdb_read_packages(&r, on_blob, &d, &err);
		else if (kind == 'n')
			st = ndb_read_packages(&r, on_blob, &d, &err);
		else
			st = sqlitedb_read_packages(&r, on_blob, &d, &err);
	}
	close(fd);
	if (st != CLARO_OK) {
		fprintf(stderr, "rpmdb-dump: %s: %s\n", path, err.msg[0] ? err.msg : "out of memory");
		return 1;
	}
	return 0;
}
