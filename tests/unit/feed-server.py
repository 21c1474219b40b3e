#!/usr/bin/env python3
# feed-server: a loopback HTTP server for the updater tests.
#
#   feed-server.py ROOT PORTFILE LOGFILE
#
# Serves the directory ROOT on 127.0.0.1 at a free port (written to PORTFILE
# once listening) until killed, like `python3 -m http.server --bind
# 127.0.0.1`, plus what real feed servers do and the tests need:
#   - a strong ETag per file ('"<mtime_ns hex>-<size hex>"') and 304 for a
#     matching If-None-Match; Last-Modified / If-Modified-Since as
#     http.server does them;
#   - FILE.status next to FILE (or a missing FILE) makes FILE answer that
#     status code (e.g. 503) instead;
#   - one line per request in LOGFILE: method, path, status, and the
#     If-None-Match, If-Modified-Since and Range headers it carried.
# Directory listings are http.server's (<a href="name/">), which is what the
# secdb and Debian mirror index pages look like to a link scraper.
# SPDX-License-Identifier: Apache-2.0
import http.server
import os
import sys

root, portfile, logfile = sys.argv[1:4]
log = open(logfile, "a", buffering=1)


def etag_of(path):
    st = os.stat(path)
    return '"%x-%x"' % (st.st_mtime_ns, st.st_size)


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        self._etag = None
        super().__init__(*args, directory=root, **kwargs)

    def send_head(self):
        path = self.translate_path(self.path)
        self._etag = None
        if os.path.isfile(path + ".status"):
            with open(path + ".status") as f:
                self.send_error(int(f.read().strip()))
            return None
        if os.path.isfile(path):
            tag = etag_of(path)
            inm = self.headers.get("If-None-Match")
            if inm is not None and tag in [t.strip() for t in inm.split(",")]:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return None
            self._etag = tag
        return super().send_head()

    def end_headers(self):
        if self._etag:
            self.send_header("ETag", self._etag)
            self._etag = None
        super().end_headers()

    def log_request(self, code="-", size="-"):
        log.write("%s %s %s inm=%s ims=%s range=%s\n" % (
            self.command, self.path, getattr(code, "value", code),
            self.headers.get("If-None-Match", "-"), self.headers.get("If-Modified-Since", "-"),
            self.headers.get("Range", "-")))

    def log_message(self, fmt, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
