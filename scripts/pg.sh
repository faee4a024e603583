#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the live tests (`inspect` against a real server).
#
#   scripts/pg.sh start   # create (if needed) and start; prints `export DBLINT_TEST_DATABASE_URL=...`
#                         # (and DBLINT_TEST_STANDBY_URL: a hot standby streaming from it)
#   scripts/pg.sh stop    # stop and delete it
#
# The cluster listens on 127.0.0.1:$DBLINT_PG_PORT (default 54329) and a socket in its
# directory, requires scram-sha-256 passwords over TCP, serves TLS with a self-signed
# certificate for `localhost` (root: $dir/root.crt), and logs every statement
# (log_statement = all) so tests can prove what dblint ran. As root, the server runs
# as the `postgres` user, since PostgreSQL refuses to run as root.
set -euo pipefail
dir="${DBLINT_PG_DIR:-/tmp/dblint-pg}"
port="${DBLINT_PG_PORT:-54329}"
standby_port=$((port + 1))
password="dblint-test-secret"
# Raise when the cluster's settings below change.
settings_version=3

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bindir" ]; then
  echo "pg: installing PostgreSQL" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq postgresql >/dev/null
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

# PostGIS, for the helpdesk sample (GeoDjango).
if ! ls "$(dirname "$bindir")"/../../../share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
   && ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  echo "pg: installing PostGIS" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  major="$(basename "$(dirname "$bindir")")"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "postgresql-${major}-postgis-3" >/dev/null
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url="postgres://postgres:${password}@127.0.0.1:${port}/postgres?sslmode=disable"
emit() {
  echo "export DBLINT_TEST_DATABASE_URL='$url'"
  echo "export DBLINT_TEST_PG_LOG='$dir/server.log'"
  echo "export DBLINT_TEST_PG_ROOT_CERT='$dir/root.crt'"
  echo "export DBLINT_TEST_STANDBY_URL='postgres://postgres:${password}@127.0.0.1:${standby_port}/postgres?sslmode=disable'"
}

case "${1:-start}" in
  start)
    # A running cluster is reused when it was made by this version of the settings
    # below (a cluster from an older script is rebuilt, so a setting added here
    # reaches machines that kept their cluster).
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 \
       && as_owner "$bindir/pg_ctl" -D "$dir/standby" status >/dev/null 2>&1 \
       && [ "$(cat "$dir/settings-version" 2>/dev/null)" = "$settings_version" ]; then
      emit
      exit 0
    fi
    for data in "$dir/standby" "$dir/data"; do
      if [ -d "$data" ]; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
      fi
    done
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    printf '%s\n' "$password" > "$dir/pwfile"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1
    cp "$dir/server.crt" "$dir/root.crt"
    chmod 600 "$dir/server.key"
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
log_statement = 'all'
log_line_prefix = '%m [%p] %u@%d %a: '
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
# Prepared transactions, for lock-held-by-idle-transaction (tests/live.rs).
max_prepared_transactions = 10
CONF
    # One database that refuses unencrypted connections, to test the "requires TLS" message.
    { echo "hostnossl dblint_tls_only all 127.0.0.1/32 reject"; cat "$dir/data/pg_hba.conf"; } > "$dir/pg_hba.tmp"
    mv "$dir/pg_hba.tmp" "$dir/data/pg_hba.conf"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/pg_hba.conf"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    as_owner "$bindir/psql" -q -h "$dir" -p "$port" -U postgres -d postgres -c "CREATE DATABASE dblint_tls_only" >/dev/null
    # A hot standby (streaming replication), to test inspect against a replica.
    # Through a replication slot, so the primary keeps the WAL the standby has not
    # received yet (without one, a busy test run could remove it, and the standby
    # would stop following for good).
    as_owner "$bindir/pg_basebackup" -h "$dir" -p "$port" -U postgres -D "$dir/standby" -R -X stream -c fast \
      -C -S dblint_standby >/dev/null
    cat >> "$dir/standby/postgresql.conf" <<CONF
port = $standby_port
hot_standby = on
CONF
    as_owner "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 start >/dev/null
    echo "$settings_version" > "$dir/settings-version"
    emit
    ;;
  stop)
    for data in "$dir/standby" "$dir/data"; do
      if [ -d "$data" ]; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
      fi
    done
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop" >&2
    exit 2
    ;;
esac
