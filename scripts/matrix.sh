#!/usr/bin/env bash
# The version matrix, on a throwaway cluster per major version started from the
# binaries scripts/pg-versions.sh fetches:
#
# - the differential test (tests/trace_differential.rs: every rule fixture and sample
#   traced with `dblint trace`, the lock model compared with what PostgreSQL did);
# - the catalog reader (tests/live.rs: `inspect` against `lint`, model field by field
#   and findings, on every rule fixture and sample; the read-only proof, statistics
#   rules, formats, filters), and tests/hostile_database.rs (every catalog query, as
#   built for that version, with a hostile search path). The version gates of
#   src/source/catalog/queries.rs (server_version_num >= 150000: confdelsetcols,
#   indnullsnotdistinct) run on both sides: 12-14 take the old form, 15-18 the new.
# - the real histories (tests/corpus_parity.rs: every migration set of ../shared/corpus
#   the version can run, applied as its tool sends it; replay's model against the
#   catalog's and the findings of both);
#   Not here: the TLS and password tests of tests/live.rs (the clusters use trust
#   authentication without TLS; the CI test server covers them).
#
#   scripts/matrix.sh              12 to 18
#   scripts/matrix.sh 12 15 18     these majors
#
# The builds lack PostGIS, so the helpdesk sample (GeoDjango) is skipped by the parity
# test and its trace errors are reviewed as optional (DBLINT_TEST_WITHOUT_POSTGIS=1
# allows that here only). Fixtures with `-- min-server-version: N` are left out on
# older servers.
#
# Prints per version the trace figures (statements compared, agreements,
# disagreements by kind) and the parity figures, and exits non-zero if any version
# fails. As root, the clusters run as the `postgres` user (PostgreSQL refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(12 13 14 15 16 17 18)
# Below Linux's ephemeral range (32768-60999 by default): a port there can be held
# for a moment by one of the tests' own client connections, and the cluster would
# fail to start.
port="${DBLINT_MATRIX_PORT:-29340}"
# The password is ignored (trust authentication); tests that switch roles rewrite it.
password="dblint-test-secret"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
summaries="$(mktemp -d)"
[ "$(id -u)" -eq 0 ] && chmod 755 "$summaries"
status=0
while read -r major bin; do
  dir="$(mktemp -d /tmp/dblint-matrix-"$major".XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  # Statement logging for the read-only proof of tests/live.rs (its log format).
  cat >> "$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
max_locks_per_transaction = 1024
max_prepared_transactions = 10
log_statement = 'all'
log_line_prefix = '%m [%p] %u@%d %a: '
CONF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
  echo "matrix: PostgreSQL $major ($bin)" >&2
  if DBLINT_TEST_DATABASE_URL="postgres://postgres:$password@127.0.0.1:$port/postgres?sslmode=disable" \
     DBLINT_TEST_PG_LOG="$dir/server.log" \
     DBLINT_TEST_WITHOUT_POSTGIS=1 \
     DBLINT_TRACE_SUMMARY="$summaries/$major" \
     DBLINT_PARITY_SUMMARY="$summaries/$major.parity" \
     cargo test --quiet --no-fail-fast --test trace_differential --test live --test hostile_database --test corpus_parity --test diff -- \
       --skip connection_errors --skip tls_modes >"$summaries/$major.log" 2>&1; then
    cat "$summaries/$major"
    echo "PostgreSQL $major: inspect = lint: $(sort "$summaries/$major.parity" | paste -sd ';' | sed 's/;/; /g'); live and hostile-owner tests pass"
  else
    status=1
    echo "PostgreSQL $major: FAILED (log: $summaries/$major.log)"
    grep -E "^[a-z/_-]+(/(fire|silent))?:|^sample-dbs|^/|---- |panicked" "$summaries/$major.log" | head -40 || true
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
done < <(scripts/pg-versions.sh "${majors[@]}")
exit "$status"
