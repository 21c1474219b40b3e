# doc: the man pages, written by hand in troff.
dist_man_MANS += doc/man/clarod.8 doc/man/claroctl.1 doc/man/clarod.ini.5
