/* What every rpm fuzz target does with a header blob and with a reader's
 * result: parse the header, and when it parses, derive everything the rpm
 * scanner and the path set derive from it (EVR, source, module, hint, each
 * file), checking that every string the parser hands out lies inside the
 * blob. A reader must end in CLARO_OK or an error with a reason. Anything
 * else is a bug, reported with abort() so the fuzzer stops there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_TESTS_FUZZ_RPM_H
#define CLARO_TESTS_FUZZ_RPM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/rpm/pgpsig.h"
#include "../../plugins/rpm/rpmhdr.h"
#include "../../plugins/rpm/rpminfo.h"

struct fuzz_rpm_blob {
	const unsigned char *begin, *end;
};

static inline int fuzz_rpm_inside(const struct fuzz_rpm_blob *b, const char *s)
{
	return !s || ((const unsigned char *)s >= b->begin && (const unsigned char *)s + strlen(s) < b->end);
}

static inline enum claro_status fuzz_rpm_file(void *arg, const char *dir, size_t dlen, const char *base,
					      size_t blen)
{
	const struct fuzz_rpm_blob *b = arg;

	if ((dlen && !fuzz_rpm_inside(b, dir)) || !fuzz_rpm_inside(b, base) || strlen(dir) != dlen ||
	    strlen(base) != blen)
		abort();
	return CLARO_OK;
}

static inline enum claro_status fuzz_rpm_header(void *arg, const unsigned char *blob, size_t len)
{
	struct fuzz_rpm_blob b = {blob, blob + len};
	struct rpmdb_error err = {{0}};
	struct rpmhdr h;
	char *evr, *hint, *sn = NULL, *se = NULL, *mod = NULL;
	uint64_t key;
	enum claro_status st = rpmhdr_parse(blob, len, &h, &err);

	(void)arg;
	if (st != CLARO_OK) {
		if (st != CLARO_ERR_INVALID || !err.msg[0])
			abort();
		return CLARO_OK; /* keep reading the database: more headers, more coverage */
	}
	if (!fuzz_rpm_inside(&b, h.name) || !fuzz_rpm_inside(&b, h.version) ||
	    !fuzz_rpm_inside(&b, h.release) || !fuzz_rpm_inside(&b, h.arch) ||
	    !fuzz_rpm_inside(&b, h.sourcerpm) || !fuzz_rpm_inside(&b, h.modularitylabel) ||
	    !fuzz_rpm_inside(&b, h.payloaddigest) ||
	    (h.sigpgp_len && (h.sigpgp < blob || h.sigpgp + h.sigpgp_len > blob + len)))
		abort();
	evr = rpminfo_evr(&h);
	hint = rpminfo_hint(&h);
	if (!evr || !hint || rpminfo_source(h.sourcerpm, &sn, &se) < 0 ||
	    rpminfo_module(h.modularitylabel, &mod) < 0)
		abort();
	if (h.sigpgp_len)
		(void)pgpsig_issuer(h.sigpgp, h.sigpgp_len, &key);
	if (rpmhdr_files(&h, fuzz_rpm_file, &b) != CLARO_OK)
		abort();
	free(evr);
	free(hint);
	free(sn);
	free(se);
	free(mod);
	return CLARO_OK;
}

/* A reader's result: success, or a described failure. */
static inline void fuzz_rpm_result(enum claro_status st, const struct rpmdb_error *err)
{
	if (st == CLARO_OK || st == CLARO_ERR_NOMEM)
		return;
	if ((st != CLARO_ERR_INVALID && st != CLARO_ERR_UNSUPPORTED) || !err->msg[0])
		abort();
}

#endif /* CLARO_TESTS_FUZZ_RPM_H */
