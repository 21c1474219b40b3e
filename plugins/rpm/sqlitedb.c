/* rpm SQLite database reader over a read-only SQLite VFS; see sqlitedb.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlitedb.h"

#define SQLITE_MAGIC "SQLite format 3"

/* The source the next main database opened on this thread reads: set by
 * sqlitedb_read_packages around its use of the connection. */
struct source {
	const struct rpmdb_reader *r;
	enum claro_status io_status; /* the reader's status when a read failed */
};

static _Thread_local struct source *pending;

struct vfile {
	sqlite3_file base; /* first: SQLite sees only this */
	struct source *src;
};

/* ---- the file ---- */

static int v_close(sqlite3_file *file)
{
	(void)file;
	return SQLITE_OK;
}

static int v_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;
	unsigned char *p = buf;
	size_t got = 0;
	enum claro_status st;

	if (amt < 0 || off < 0)
		return SQLITE_IOERR_READ;
	st = f->src->r->pread(f->src->r->arg, buf, (size_t)amt, (uint64_t)off, &got);
	if (st != CLARO_OK) {
		f->src->io_status = st;
		return SQLITE_IOERR_READ;
	}
	/* Header bytes 18 and 19 (write and read format): WAL (2) reads as
	 * the rollback journal (1), which needs no -shm file. */
	for (sqlite3_int64 i = 18; i <= 19; i++)
		if (i >= off && i < off + (sqlite3_int64)got && p[i - off] == 2)
			p[i - off] = 1;
	if (got < (size_t)amt) {
		memset(p + got, 0, (size_t)amt - got); /* SQLite requires the zero fill */
		return SQLITE_IOERR_SHORT_READ;
	}
	return SQLITE_OK;
}

static int v_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	(void)file, (void)buf, (void)amt, (void)off;
	return SQLITE_READONLY;
}

static int v_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	(void)file, (void)size;
	return SQLITE_READONLY;
}

static int v_sync(sqlite3_file *file, int flags)
{
	(void)file, (void)flags;
	return SQLITE_OK;
}

static int v_size(sqlite3_file *file, sqlite3_int64 *size)
{
	*size = (sqlite3_int64)((struct vfile *)file)->src->r->size;
	return SQLITE_OK;
}

static int v_lock(sqlite3_file *file, int level)
{
	(void)file, (void)level;
	return SQLITE_OK;
}

static int v_check_reserved(sqlite3_file *file, int *out)
{
	(void)file;
	*out = 0;
	return SQLITE_OK;
}

static int v_file_control(sqlite3_file *file, int op, void *arg)
{
	(void)file, (void)op, (void)arg;
	return SQLITE_NOTFOUND;
}

static int v_sector_size(sqlite3_file *file)
{
	(void)file;
	return 4096;
}

static int v_device(sqlite3_file *file)
{
	(void)file;
	return SQLITE_IOCAP_IMMUTABLE;
}

static const sqlite3_io_methods io_methods = {
    .iVersion = 1,
    .xClose = v_close,
    .xRead = v_read,
    .xWrite = v_write,
    .xTruncate = v_truncate,
    .xSync = v_sync,
    .xFileSize = v_size,
    .xLock = v_lock,
    .xUnlock = v_lock,
    .xCheckReservedLock = v_check_reserved,
    .xFileControl = v_file_control,
    .xSectorSize = v_sector_size,
    .xDeviceCharacteristics = v_device,
};

/* ---- the VFS: only the main database of the pending source opens ---- */

static sqlite3_vfs *default_vfs;

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	struct vfile *f = (struct vfile *)file;

	(void)vfs, (void)name;
	memset(f, 0, sizeof(*f)); /* pMethods NULL: nothing to close on failure */
	if (!(flags & SQLITE_OPEN_MAIN_DB) || !(flags & SQLITE_OPEN_READONLY) || !pending)
		return SQLITE_CANTOPEN;
	f->src = pending;
	f->base.pMethods = &io_methods;
	if (out_flags)
		*out_flags = SQLITE_OPEN_READONLY;
	return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs, (void)name, (void)sync;
	return SQLITE_IOERR_DELETE;
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs, (void)name, (void)flags;
	*out = 0; /* no journal, no -wal, nothing else exists */
	return SQLITE_OK;
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	if (n <= 0 || snprintf(out, (size_t)n, "%s", name) >= n)
		return SQLITE_CANTOPEN;
	return SQLITE_OK;
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs, (void)name;
	return NULL; /* extensions never load here */
}

static void v_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	if (n > 0)
		snprintf(out, (size_t)n, "loadable extensions are not available");
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *handle, const char *name))(void)
{
	(void)vfs, (void)handle, (void)name;
	return NULL;
}

static void v_dlclose(sqlite3_vfs *vfs, void *handle)
{
	(void)vfs, (void)handle;
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return default_vfs->xRandomness(default_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int usec)
{
	(void)vfs;
	return default_vfs->xSleep(default_vfs, usec);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return default_vfs->xCurrentTime(default_vfs, out);
}

static int v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs, (void)n, (void)out;
	return 0;
}

static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;
static const char *vfs_name; /* NULL when registration failed */

static void register_vfs(void)
{
	sqlite3_vfs *v;
	char *name;

	if (sqlite3_initialize() != SQLITE_OK || !(default_vfs = sqlite3_vfs_find(NULL)))
		return;
	v = calloc(1, sizeof(*v));
	name = malloc(48);
	if (!v || !name) {
		free(v);
		free(name);
		return;
	}
	/* Unique per module that compiles this file: its own static's address. */
	snprintf(name, 48, "claro-rpmdb-%p", (void *)&vfs_once);
	v->iVersion = 1;
	v->szOsFile = (int)sizeof(struct vfile);
	v->mxPathname = 512;
	v->zName = name;
	v->xOpen = v_open;
	v->xDelete = v_delete;
	v->xAccess = v_access;
	v->xFullPathname = v_full_pathname;
	v->xDlOpen = v_dlopen;
	v->xDlError = v_dlerror;
	v->xDlSym = v_dlsym;
	v->xDlClose = v_dlclose;
	v->xRandomness = v_randomness;
	v->xSleep = v_sleep;
	v->xCurrentTime = v_current_time;
	v->xGetLastError = v_last_error;
	if (sqlite3_vfs_register(v, 0) != SQLITE_OK) {
		free(v);
		free(name);
		return;
	}
	vfs_name = name; /* registered for good: see sqlitedb.h */
}

/* ---- reading ---- */

static enum claro_status fail(sqlite3 *db, int rc, const struct source *src, const char *doing,
			      struct rpmdb_error *err)
{
	if (src->io_status != CLARO_OK) {
		rpmdb_errorf(err, "reading the file failed %s", doing);
		return src->io_status;
	}
	if (rc == SQLITE_NOMEM)
		return CLARO_ERR_NOMEM;
	rpmdb_errorf(err, "SQLite failed %s: %s", doing, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return CLARO_ERR_INVALID;
}

/* Packages must be an ordinary table: a view or virtual table would run
 * whatever the file's schema says. */
static enum claro_status check_schema(sqlite3 *db, const struct source *src, struct rpmdb_error *err)
{
	static const char q[] = "SELECT type, sql FROM sqlite_schema WHERE name = 'Packages' COLLATE NOCASE";
	sqlite3_stmt *stmt = NULL;
	enum claro_status st = CLARO_OK;
	int rc, tables = 0;

	if ((rc = sqlite3_prepare_v2(db, q, -1, &stmt, NULL)) != SQLITE_OK)
		return fail(db, rc, src, "to read the schema", err);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *type = sqlite3_column_text(stmt, 0), *sql = sqlite3_column_text(stmt, 1);
		if (!type || strcmp((const char *)type, "table") != 0 || !sql ||
		    sqlite3_strnicmp((const char *)sql, "CREATE TABLE", 12) != 0) {
			rpmdb_errorf(err, "\"Packages\" is a %s, not an ordinary table",
				     type ? (const char *)type : "?");
			st = CLARO_ERR_INVALID;
			break;
		}
		tables++;
	}
	if (st == CLARO_OK && rc != SQLITE_DONE) {
		st = fail(db, rc, src, "to read the schema", err);
	} else if (st == CLARO_OK && tables == 0) {
		rpmdb_errorf(err, "the database has no \"Packages\" table, so it is not an rpm database");
		st = CLARO_ERR_INVALID;
	}
	sqlite3_finalize(stmt);
	return st;
}

static enum claro_status read_blobs(sqlite3 *db, const struct source *src, rpmdb_blob_fn fn, void *arg,
				    struct rpmdb_error *err)
{
	static const char q[] = "SELECT hnum, blob FROM Packages ORDER BY hnum ASC";
	sqlite3_stmt *stmt = NULL;
	enum claro_status st = CLARO_OK;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, q, -1, &stmt, NULL)) != SQLITE_OK)
		return fail(db, rc, src, "to query the Packages table", err);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(stmt, 1);
		int n = sqlite3_column_bytes(stmt, 1);
		if (!blob || n <= 0) {
			if (sqlite3_errcode(db) == SQLITE_NOMEM) {
				st = CLARO_ERR_NOMEM;
				break;
			}
			rpmdb_errorf(err, "package %lld has an empty header blob",
				     (long long)sqlite3_column_int64(stmt, 0));
			st = CLARO_ERR_INVALID;
			break;
		}
		if ((st = fn(arg, blob, (size_t)n)) != CLARO_OK)
			break;
	}
	if (st == CLARO_OK && rc != SQLITE_DONE)
		st = fail(db, rc, src, "while reading the Packages table", err);
	sqlite3_finalize(stmt);
	return st;
}

enum claro_status sqlitedb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
					 struct rpmdb_error *err)
{
	struct source src = {r, CLARO_OK};
	unsigned char head[100];
	char uri[96];
	sqlite3 *db = NULL;
	enum claro_status st;
	int rc;

	if (r->size < sizeof(head)) {
		rpmdb_errorf(err, "the file is not a SQLite 3 database (%llu bytes)",
			     (unsigned long long)r->size);
		return CLARO_ERR_INVALID;
	}
	if ((st = rpmdb_read_exact(r, head, sizeof(head), 0, "the database header", err)) != CLARO_OK)
		return st;
	if (memcmp(head, SQLITE_MAGIC, sizeof(SQLITE_MAGIC)) != 0) {
		rpmdb_errorf(err, "the file is not a SQLite 3 database (no \"SQLite format 3\" header)");
		return CLARO_ERR_INVALID;
	}
	pthread_once(&vfs_once, register_vfs);
	if (!vfs_name) {
		rpmdb_errorf(err, "SQLite could not set up its reader for rpm databases");
		return CLARO_ERR_NOMEM;
	}
	snprintf(uri, sizeof(uri), "file:rpmdb.sqlite?vfs=%s&immutable=1", vfs_name);
	pending = &src;
	rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		st = fail(db, rc, &src, "to open the database", err);
	} else {
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
		sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)RPMDB_MAX_BLOB);
		rc = sqlite3_exec(db, "PRAGMA temp_store = MEMORY; PRAGMA cell_size_check = ON", NULL, NULL,
				  NULL);
		if (rc != SQLITE_OK)
			st = fail(db, rc, &src, "to set up the connection", err);
		else if ((st = check_schema(db, &src, err)) == CLARO_OK)
			st = read_blobs(db, &src, fn, arg, err);
	}
	sqlite3_close(db);
	pending = NULL;
	return st;
}
