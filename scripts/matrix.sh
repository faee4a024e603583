#!/usr/bin/env bash
# The version matrix: the differential test (tests/trace_differential.rs: every rule
# fixture and sample traced with `dblint trace`, the lock model compared with what
# PostgreSQL did) on each major version, on a throwaway cluster per version started
# from the binaries scripts/pg-versions.sh fetches.
#
#   scripts/matrix.sh              12 to 18
#   scripts/matrix.sh 12 15 18     these majors
#
# Prints one summary line per version (statements compared, agreements,
# disagreements by kind) and exits non-zero if any version fails. As root, the
# clusters run as the `postgres` user (PostgreSQL refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(12 13 14 15 16 17 18)
port="${DBLINT_MATRIX_PORT:-54340}"
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
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c max_locks_per_transaction=1024" start >/dev/null
  echo "matrix: PostgreSQL $major ($bin)" >&2
  if DBLINT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" \
     DBLINT_TRACE_SUMMARY="$summaries/$major" \
     cargo test --quiet --test trace_differential >"$summaries/$major.log" 2>&1; then
    cat "$summaries/$major"
  else
    status=1
    echo "PostgreSQL $major: FAILED (log: $summaries/$major.log)"
    grep -E "^[a-z/_-]+(/(fire|silent))?:|^sample-dbs" "$summaries/$major.log" | head -40 || true
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
done < <(scripts/pg-versions.sh "${majors[@]}")
exit "$status"
