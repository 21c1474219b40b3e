/* claro plugin SDK: the one status enum shared by the core and every plugin.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_STATUS_H
#define CLARO_STATUS_H

/* Every function that can fail returns one of these. 0 is success; values are
 * never negative and never errno. Values are ABI: append only, never renumber.
 * Since: ABI 1.0 */
enum claro_status {
	CLARO_OK = 0,
	CLARO_ERR_NOMEM = 1,       /* an allocation failed */
	CLARO_ERR_INVALID = 2,     /* malformed input data (a feed, a package db, a request) */
	CLARO_ERR_NOT_FOUND = 3,   /* the thing asked for does not exist */
	CLARO_ERR_IO = 4,          /* a read/write on a file or socket failed */
	CLARO_ERR_UNSUPPORTED = 5, /* a format or feature this build does not handle */
	CLARO_ERR_TOO_LARGE = 6,   /* a size limit was hit */
	CLARO_ERR_NETWORK = 7,     /* a remote fetch failed (DNS, connect, TLS, HTTP status) */
	CLARO_ERR_CONFIG = 8,      /* bad configuration */
	CLARO_ERR_ABI = 9,         /* a plugin does not fit this host */
	CLARO_ERR_BUSY = 10,       /* a lock is held elsewhere, or a limit is reached */
	CLARO_ERR_CONFLICT = 11,   /* a precondition failed (exists already, changed meanwhile) */
	CLARO_ERR_TIMEOUT = 12,    /* a deadline passed */
	CLARO_ERR_CANCELLED = 13,  /* the caller gave up (shutdown, client went away) */
	CLARO_ERR_UNCHANGED = 14,  /* updater: the feed did not change since the fingerprint */
	CLARO_ERR_STORE = 15,      /* the database failed */
	CLARO_ERR_DENIED = 16,     /* policy refused it (airgap, permissions) */
	CLARO_ERR_INTERNAL = 17    /* a bug: an invariant did not hold */
};

#define CLARO_STATUS_MAX CLARO_ERR_INTERNAL

#endif /* CLARO_STATUS_H */
