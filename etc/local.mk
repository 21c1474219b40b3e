# etc: the sample configuration (every key, its default, one line of doc),
# installed beside where clarod.ini goes.
claroconfdir = $(sysconfdir)/claro
dist_claroconf_DATA = etc/clarod.ini.sample
