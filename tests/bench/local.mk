# tests/bench: benchmarks that print figures (not pass/fail tests); run with make bench.

# Indexer (issue 4): cold index of a Debian bookworm minbase layer and of a
# generated 1 GiB / 500k-file layer served on loopback (wall time vs.
# gzip -dc | tar -t, peak RSS), and warm re-index latency over the API.
EXTRA_DIST += tests/bench/bench-indexer.sh tests/bench/gen-layer.py tests/bench/README.md
.PHONY: bench bench-indexer
bench: bench-indexer
bench-indexer: clarod plugins/alpine/alpine.la plugins/dpkg/dpkg.la plugins/debian/debian.la \
		plugins/ubuntu/ubuntu.la plugins/linux/linux.la plugins/whiteout/whiteout.la
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(top_srcdir)/tests/bench/bench-indexer.sh

# rpm scanner (issue 5): every staged rpmdb and two generated ones (>= 5000
# real CBL-Mariner headers in SQLite and in Berkeley DB) against rpm -qa on
# the same files (packages/s, peak RSS).
EXTRA_DIST += tests/bench/bench-rpmdb.sh
.PHONY: bench-rpmdb
bench: bench-rpmdb
bench-rpmdb: tests/unit/scan-layer plugins/rpm/rpm.la
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(top_srcdir)/tests/bench/bench-rpmdb.sh

# version schemes (issue 6): claroctl vercmp --batch pairs/s per scheme over
# 100k real vector pairs, against dpkg --compare-versions (one call a pair).
EXTRA_DIST += tests/bench/bench-vercmp.sh
.PHONY: bench-vercmp
bench: bench-vercmp
bench-vercmp: claroctl plugins/versions/versions.la
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(top_srcdir)/tests/bench/bench-vercmp.sh

# matcher (issue 7): vulnerability-report latency p50/p99 for a 100- and a
# 1,000-package image against >= 1M vulnerability rows (real Alpine secdb and
# OSV PyPI, Alpine replicated across synthetic releases) on SQLite and
# PostgreSQL, reports/s under 8 concurrent clients, peak RSS.
EXTRA_DIST += tests/bench/bench-matcher.sh tests/bench/replicate-advisories.py tests/bench/gen-apk-root.py
.PHONY: bench-matcher
bench: bench-matcher
bench-matcher: clarod claroctl plugins/alpine/alpine.la plugins/linux/linux.la plugins/whiteout/whiteout.la \
		plugins/versions/versions.la plugins/osv/osv.la plugins/python/python.la
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' PG_BINDIR='$(PG_BINDIR)' \
		$(SHELL) $(top_srcdir)/tests/bench/bench-matcher.sh

# updaters (issue 6): vulnerability rows/s for every staged feed (Alpine
# secdb, Debian tracker, Ubuntu OVAL and a ~200 MB replica of it, Red Hat
# VEX, OSV PyPI) loaded from a mirror by claroctl updaters run on SQLite and
# PostgreSQL, unchanged re-run and re-import time ÷ the first, peak RSS, and
# bench-vercmp.sh's pairs/s, with a summary table.
EXTRA_DIST += tests/bench/bench-updaters.sh
.PHONY: bench-updaters
bench: bench-updaters
bench-updaters: claroctl plugins/alpine/alpine.la plugins/debian/debian.la plugins/ubuntu/ubuntu.la \
		plugins/rhel/rhel.la plugins/osv/osv.la plugins/versions/versions.la
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' PG_BINDIR='$(PG_BINDIR)' \
		$(SHELL) $(top_srcdir)/tests/bench/bench-updaters.sh
