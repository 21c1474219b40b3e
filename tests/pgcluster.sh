#!/bin/sh
# A throwaway PostgreSQL cluster for tests.
#
#   tests/pgcluster.sh start DIR   initdb in DIR/data, start it listening only
#                                  on a Unix socket in DIR; prints a conninfo
#                                  ("host=DIR port=5432 user=postgres
#                                  dbname=postgres") on stdout
#   tests/pgcluster.sh stop DIR    stop the cluster and remove DIR
#
# Server binaries come from $PG_BINDIR (configure finds them). fsync is off:
# the data is thrown away. initdb refuses to run as root, so as root the
# cluster runs as $PGCLUSTER_USER (default postgres, else nobody) and DIR is
# handed to that user. Connect as user "postgres" (trust authentication).
#
# SPDX-License-Identifier: Apache-2.0
set -eu

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
action=$1
dir=$2
case $dir in
/*) ;;
*) dir=$(pwd)/$dir ;;
esac
bindir=${PG_BINDIR:-}
port=5432

# Run a server binary as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$dir" && runuser -u "$owner" -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

pick_owner() {
	owner=${PGCLUSTER_USER:-postgres}
	if [ "$(id -u)" -eq 0 ] && ! id -u "$owner" >/dev/null 2>&1; then
		owner=nobody
	fi
}

start() {
	if [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
		echo "$0: no initdb/pg_ctl in PG_BINDIR='$bindir'" >&2
		exit 77
	fi
	pick_owner
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$owner" "$dir"
	fi
	chmod 700 "$dir"
	as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
		>"$dir/initdb.log" 2>&1 || {
		echo "$0: initdb failed:" >&2
		cat "$dir/initdb.log" >&2
		exit 1
	}
	cat >>"$dir/data/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$dir'
		port = $port
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 40
		shared_buffers = 16MB
	CONF
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
		echo "$0: the server did not start:" >&2
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "host=$dir port=$port user=postgres dbname=postgres"
}

stop() {
	pick_owner
	if [ -f "$dir/data/postmaster.pid" ] && [ -x "$bindir/pg_ctl" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case $action in
start) start ;;
stop) stop ;;
*) usage ;;
esac
