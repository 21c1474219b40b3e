# The installed plugin SDK: headers only, no library (plugins link nothing
# from the host).
clarodir = $(includedir)/claro
claro_HEADERS = include/claro/plugin.h include/claro/status.h include/claro/records.h
nodist_claro_HEADERS = include/claro/abi.h
clarokindsdir = $(includedir)/claro/kinds
clarokinds_HEADERS = include/claro/kinds/scanner.h include/claro/kinds/coalescer.h \
	include/claro/kinds/matcher.h include/claro/kinds/updater.h \
	include/claro/kinds/enricher.h include/claro/kinds/version.h
EXTRA_DIST += include/claro/abi.h.in
