/* Advisory locks for the SQLite store.
 *
 * Why two layers: POSIX record locks belong to the process, not to a file
 * descriptor, so they cannot exclude two connections of one process from
 * each other, and closing any descriptor of the file drops all of the
 * process's locks on it. Hence one process-wide lock space per sidecar file
 * (keyed by device and inode, holding the only descriptor we ever close on
 * it, closed only when no connection uses the space), with a table of held
 * keys that decides between connections of this process; the record lock
 * decides between processes and vanishes with a process that dies.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_sqlite_lock.h"
#include "strutil.h"

struct held_lock {
	char *key;
	const void *owner;
	unsigned count;
	off_t offset;
	struct held_lock *next;
};

struct sqlite_lockspace {
	dev_t dev;
	ino_t ino;
	int fd;         /* -1: no file (in-memory database) */
	int *extra_fds; /* descriptors of the same file we must not close early */
	size_t n_extra;
	unsigned users;
	struct held_lock *held;
	struct sqlite_lockspace *next;
};

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_lockspace *registry;

/* Offsets stay well inside off_t so start + length never overflows. */
static off_t key_offset(const char *key)
{
	uint64_t h = (uint64_t)store_lock_key(key);
	uint64_t range = sizeof(off_t) >= 8 ? UINT64_C(1) << 62 : UINT64_C(1) << 30;

	return (off_t)(h % range);
}

static struct sqlite_lockspace *find_space(dev_t dev, ino_t ino, int memory)
{
	for (struct sqlite_lockspace *ls = registry; ls; ls = ls->next) {
		if (memory ? ls->fd < 0 : (ls->fd >= 0 && ls->dev == dev && ls->ino == ino))
			return ls;
	}
	return NULL;
}

static struct sqlite_lockspace *new_space(int fd, const struct stat *st)
{
	struct sqlite_lockspace *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	ls->fd = fd;
	if (st) {
		ls->dev = st->st_dev;
		ls->ino = st->st_ino;
	}
	ls->users = 1;
	ls->next = registry;
	registry = ls;
	return ls;
}

static enum claro_status sidecar_error(struct error *err, const char *sidecar, int errnum)
{
	error_set(err, CLARO_ERR_IO, "could not open lock file \"%s\"", sidecar);
	error_detail(err, "The system reported: %s.", strerror(errnum));
	error_hint(err, "The directory of the SQLite database must be writable by clarod.");
	return CLARO_ERR_IO;
}

/* Keep fd open for as long as the space lives (closing it would drop the
 * process's record locks on the file). */
static enum claro_status keep_extra_fd(struct sqlite_lockspace *ls, int fd, struct error *err)
{
	int *grown = realloc(ls->extra_fds, (ls->n_extra + 1) * sizeof(*grown));

	if (!grown) {
		/* Better to leak a descriptor than to drop live locks. */
		return error_set(err, CLARO_ERR_NOMEM, "could not open lock file: out of memory");
	}
	ls->extra_fds = grown;
	ls->extra_fds[ls->n_extra++] = fd;
	return CLARO_OK;
}

static enum claro_status attach_file(const char *db_path, struct sqlite_lockspace **out, struct error *err)
{
	struct stat st, db_st;
	struct sqlite_lockspace *ls;
	mode_t mode = 0600;
	char *sidecar = str_printf("%s-lock", db_path);
	int fd;

	if (!sidecar)
		return error_set(err, CLARO_ERR_NOMEM, "could not open lock file: out of memory");
	if (stat(sidecar, &st) == 0 && (ls = find_space(st.st_dev, st.st_ino, 0))) {
		ls->users++;
		*out = ls;
		free(sidecar);
		return CLARO_OK;
	}
	/* Whoever may write the database may take its locks. */
	if (stat(db_path, &db_st) == 0)
		mode = (db_st.st_mode & 0666) | 0600;
	fd = open(sidecar, O_RDWR | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0 || fstat(fd, &st) != 0) {
		enum claro_status rc = sidecar_error(err, sidecar, errno);
		if (fd >= 0)
			close(fd);
		free(sidecar);
		return rc;
	}
	free(sidecar);
	ls = find_space(st.st_dev, st.st_ino, 0);
	if (ls) { /* the file appeared under us: same inode, already registered */
		enum claro_status rc = keep_extra_fd(ls, fd, err);
		if (rc != CLARO_OK)
			return rc;
		ls->users++;
	} else if (!(ls = new_space(fd, &st))) {
		close(fd);
		return error_set(err, CLARO_ERR_NOMEM, "could not open lock file: out of memory");
	}
	*out = ls;
	return CLARO_OK;
}

enum claro_status sqlite_lockspace_attach(const char *db_path, struct sqlite_lockspace **out,
					  struct error *err)
{
	enum claro_status rc = CLARO_OK;
	struct sqlite_lockspace *ls;
	char *real = NULL;

	*out = NULL;
	/* One sidecar per file, however the path to it was spelled. */
	if (db_path && *db_path)
		real = realpath(db_path, NULL);
	pthread_mutex_lock(&registry_mutex);
	if (db_path && *db_path) {
		rc = attach_file(real ? real : db_path, out, err);
	} else if ((ls = find_space(0, 0, 1))) {
		ls->users++;
		*out = ls;
	} else if (!(*out = new_space(-1, NULL))) {
		rc = error_set(err, CLARO_ERR_NOMEM, "could not set up locks: out of memory");
	}
	pthread_mutex_unlock(&registry_mutex);
	free(real);
	return rc;
}

static int offset_in_use(const struct sqlite_lockspace *ls, off_t offset)
{
	for (const struct held_lock *h = ls->held; h; h = h->next) {
		if (h->offset == offset)
			return 1;
	}
	return 0;
}

static int set_record_lock(int fd, short type, off_t offset)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = offset;
	fl.l_len = 1;
	return fcntl(fd, F_SETLK, &fl);
}

/* Call after the held entry is gone: another key hashing to the same byte
 * keeps the record lock. */
static void record_unlock(struct sqlite_lockspace *ls, off_t offset)
{
	if (ls->fd >= 0 && !offset_in_use(ls, offset))
		set_record_lock(ls->fd, F_UNLCK, offset);
}

static void drop_held(struct sqlite_lockspace *ls, struct held_lock *gone)
{
	struct held_lock **pp = &ls->held;

	while (*pp != gone)
		pp = &(*pp)->next;
	*pp = gone->next;
	record_unlock(ls, gone->offset);
	free(gone->key);
	free(gone);
}

static struct held_lock *find_held(struct sqlite_lockspace *ls, const char *key)
{
	for (struct held_lock *h = ls->held; h; h = h->next) {
		if (strcmp(h->key, key) == 0)
			return h;
	}
	return NULL;
}

/* 1: record lock taken (or already ours through another key), 0: another
 * process holds it, -1: error (errno set). */
static int record_lock(struct sqlite_lockspace *ls, off_t offset)
{
	if (ls->fd < 0 || offset_in_use(ls, offset))
		return 1;
	if (set_record_lock(ls->fd, F_WRLCK, offset) == 0)
		return 1;
	return errno == EACCES || errno == EAGAIN ? 0 : -1;
}

static enum claro_status try_locked(struct sqlite_lockspace *ls, const void *owner, const char *key,
				    int *acquired, struct error *err)
{
	struct held_lock *h = find_held(ls, key);
	off_t offset;
	int got;

	*acquired = 0;
	if (h) {
		if (h->owner == owner) {
			h->count++;
			*acquired = 1;
		}
		return CLARO_OK;
	}
	offset = key_offset(key);
	got = record_lock(ls, offset);
	if (got < 0) {
		error_set(err, CLARO_ERR_IO, "could not take lock \"%s\"", key);
		error_detail(err, "fcntl(F_SETLK) on the lock file failed: %s.", strerror(errno));
		error_hint(
		    err,
		    "The SQLite store needs a file system with POSIX record locks (not a network share).");
		return CLARO_ERR_IO;
	}
	if (!got)
		return CLARO_OK;
	h = calloc(1, sizeof(*h));
	if (!h || !(h->key = str_dup(key))) {
		free(h);
		record_unlock(ls, offset);
		return error_set(err, CLARO_ERR_NOMEM, "could not take lock: out of memory");
	}
	h->owner = owner;
	h->count = 1;
	h->offset = offset;
	h->next = ls->held;
	ls->held = h;
	*acquired = 1;
	return CLARO_OK;
}

enum claro_status sqlite_lock_try(struct sqlite_lockspace *ls, const void *owner, const char *key,
				  int *acquired, struct error *err)
{
	enum claro_status rc;

	pthread_mutex_lock(&registry_mutex);
	rc = try_locked(ls, owner, key, acquired, err);
	pthread_mutex_unlock(&registry_mutex);
	return rc;
}

enum claro_status sqlite_lock_release(struct sqlite_lockspace *ls, const void *owner, const char *key,
				      int *held, struct error *err)
{
	struct held_lock *h;

	(void)err;
	pthread_mutex_lock(&registry_mutex);
	h = find_held(ls, key);
	*held = h && h->owner == owner;
	if (*held && --h->count == 0)
		drop_held(ls, h);
	pthread_mutex_unlock(&registry_mutex);
	return CLARO_OK;
}

static void free_space(struct sqlite_lockspace *ls)
{
	struct sqlite_lockspace **pp = &registry;

	while (*pp != ls)
		pp = &(*pp)->next;
	*pp = ls->next;
	if (ls->fd >= 0)
		close(ls->fd);
	for (size_t i = 0; i < ls->n_extra; i++)
		close(ls->extra_fds[i]);
	free(ls->extra_fds);
	free(ls);
}

void sqlite_lockspace_detach(struct sqlite_lockspace *ls, const void *owner)
{
	struct held_lock *h, *next;

	if (!ls)
		return;
	pthread_mutex_lock(&registry_mutex);
	for (h = ls->held; h; h = next) {
		next = h->next;
		if (h->owner == owner)
			drop_held(ls, h);
	}
	if (--ls->users == 0)
		free_space(ls);
	pthread_mutex_unlock(&registry_mutex);
}
