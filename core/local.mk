# libclaro: everything clarod and claroctl share (static, not installed).
noinst_LTLIBRARIES += libclaro.la
libclaro_la_SOURCES = \
	core/error.c core/error.h \
	core/log.c core/log.h \
	core/strutil.c core/strutil.h
libclaro_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBPQ_CFLAGS) \
	$(JANSSON_CFLAGS) $(LIBCURL_CFLAGS) $(LIBARCHIVE_CFLAGS) $(INIH_CFLAGS) \
	$(SQLITE3_CFLAGS) $(LIBCRYPTO_CFLAGS)
libclaro_la_LIBADD = $(LIBEVENT_LIBS) $(LIBPQ_LIBS) $(JANSSON_LIBS) $(LIBCURL_LIBS) \
	$(LIBARCHIVE_LIBS) $(INIH_LIBS) $(SQLITE3_LIBS) $(LIBCRYPTO_LIBS) $(PTHREAD_LIBS)

bin_PROGRAMS += clarod claroctl
clarod_SOURCES = core/clarod.c
clarod_CFLAGS = $(libclaro_la_CFLAGS)
clarod_LDADD = libclaro.la

claroctl_SOURCES = core/claroctl.c
claroctl_CFLAGS = $(libclaro_la_CFLAGS)
claroctl_LDADD = libclaro.la
