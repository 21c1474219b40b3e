/* rpm: the package scanner for rpm databases (Clair's "rpm" scanner,
 * version 10, kind package; claircore:rpm/packagescanner.go and
 * claircore:internal/rpm). Every database in the layer (rpmdb.h) gives one
 * binary package per header, gpg-pubkey keys left out, in database order:
 *
 *   name, arch          NAME, ARCH
 *   version             EVR, the epoch left out when it is 0
 *   source              parsed from SOURCERPM (rpminfo.h), at epoch 0
 *   module              "name:stream" of MODULARITYLABEL
 *   repository_hint     hash=sha256%3A<PAYLOADDIGEST>&key=<SIGPGP issuer>
 *   package_db          "<bdb|sqlite|ndb>:<directory>"
 *   filepath            the database file (beyond Clair, which leaves it
 *                       empty: it lets a whiteout of the file remove them)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "rpm.h"
#include "rpmdb.h"
#include "rpminfo.h"

struct rpm_scan {
	struct claro_ctx *ctx;
	struct claro_scan_result *out;
	const struct rpmdb_found *db;
};

static enum claro_status add_header(void *arg, const struct rpmhdr *h, size_t ordinal)
{
	struct rpm_scan *scan = arg;
	const struct claro_host *host = scan->ctx->host;
	struct claro_package bin, src;
	char *evr = NULL, *hint = NULL, *module = NULL, *src_name = NULL, *src_evr = NULL;
	int has_source;
	enum claro_status st = CLARO_ERR_NOMEM;

	if (!h->name || !*h->name) {
		host->error(scan->ctx, CLARO_ERR_INVALID, "could not read rpm database \"%s\" (%s)",
			    scan->db->file, rpmdb_kind_name(scan->db->kind));
		host->error_detail(scan->ctx, "Header %zu has no NAME.", ordinal);
		host->error_hint(scan->ctx, "Every package rpm installs has a name; the database is damaged. "
					    "Rebuild the image so rpm rewrites it.");
		return CLARO_ERR_INVALID;
	}
	has_source = rpminfo_source(h->sourcerpm, &src_name, &src_evr);
	evr = rpminfo_evr(h);
	hint = rpminfo_hint(h);
	if (has_source < 0 || !evr || !hint || rpminfo_module(h->modularitylabel, &module) < 0)
		goto out;
	memset(&bin, 0, sizeof(bin));
	bin.struct_size = sizeof(bin);
	bin.name = h->name;
	bin.version = evr;
	bin.kind = CLARO_PACKAGE_BINARY;
	bin.arch = h->arch ? h->arch : "";
	bin.module = module;
	bin.package_db = scan->db->package_db;
	bin.filepath = scan->db->file;
	bin.repository_hint = hint;
	if (has_source > 0) {
		memset(&src, 0, sizeof(src));
		src.struct_size = sizeof(src);
		src.name = src_name;
		src.version = src_evr;
		src.kind = CLARO_PACKAGE_SOURCE;
		src.package_db = scan->db->package_db;
		bin.source = &src;
	}
	st = host->add_package(scan->ctx, scan->out, &bin);
out:
	if (st == CLARO_ERR_NOMEM)
		host->error(scan->ctx, st, "out of memory");
	free(evr);
	free(hint);
	free(module);
	free(src_name);
	free(src_evr);
	return st;
}

static enum claro_status rpm_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				  struct claro_scan_result *out)
{
	struct rpmdb_list dbs;
	enum claro_status st = rpmdb_find(ctx, layer, &dbs);

	for (size_t i = 0; i < dbs.n && st == CLARO_OK; i++) {
		struct rpm_scan scan = {ctx, out, &dbs.v[i]};
		st = rpmdb_read(ctx, layer, &dbs.v[i], add_header, &scan);
	}
	rpmdb_list_free(ctx, &dbs);
	return st;
}

static const struct claro_package_scanner_ops rpm_ops = {
    sizeof(struct claro_package_scanner_ops),
    rpm_scan,
    NULL,
};

const struct claro_component rpm_package_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "rpm", "10", &rpm_ops,
};
