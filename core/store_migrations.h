/* The numbered migrations of sql/sqlite/ and sql/postgres/, embedded into
 * the binary at build time (sql/embed.sh generates sql/migrations.c), so
 * clarod needs no SQL files installed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_MIGRATIONS_H
#define CLARO_CORE_STORE_MIGRATIONS_H

struct store_migration {
	int version;      /* NNNN of NNNN_name.sql: 1, 2, 3, ... */
	const char *name; /* "0001_indexer" */
	const char *sql;  /* the file's text */
};

/* In version order, terminated by an entry with version 0. */
extern const struct store_migration store_migrations_sqlite[];
extern const struct store_migration store_migrations_postgres[];

#endif /* CLARO_CORE_STORE_MIGRATIONS_H */
