# sql: the numbered migrations of each backend, embedded into libclaro at
# build time (sql/embed.sh -> sql/migrations.c in the build tree), so the
# binaries need no SQL files installed. Add a migration: create the next
# NNNN_name.sql in both directories and list it here.
SQL_MIGRATIONS = \
	sql/sqlite/0001_indexer.sql \
	sql/sqlite/0002_matcher.sql \
	sql/sqlite/0003_notifier.sql \
	sql/sqlite/0004_advisory.sql \
	sql/postgres/0001_indexer.sql \
	sql/postgres/0002_matcher.sql \
	sql/postgres/0003_notifier.sql \
	sql/postgres/0004_advisory.sql

EXTRA_DIST += $(SQL_MIGRATIONS) sql/embed.sh
nodist_libclaro_la_SOURCES = sql/migrations.c
CLEANFILES += sql/migrations.c sql/migrations.c-t

sql/migrations.c: $(SQL_MIGRATIONS) $(srcdir)/sql/embed.sh
	$(AM_V_GEN)$(MKDIR_P) sql && \
	$(SHELL) $(srcdir)/sql/embed.sh $(srcdir) $(SQL_MIGRATIONS) > $@-t && \
	mv -f $@-t $@
