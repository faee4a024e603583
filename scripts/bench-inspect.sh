#!/usr/bin/env bash
# Benchmark `dblint inspect` on synthetic catalogs of 1,000 and 10,000 tables
# (`../shared/bench/gen_catalog.py N 4`: foreign keys, indexes, soft delete), loaded
# into the throwaway cluster of scripts/pg.sh, side by side in one run with two psql
# timings: the reference floor (`../shared/bench/catalog_ref.sql`, the set-based
# catalog reads any schema linter needs, in one read-only transaction) and dblint's own
# catalog queries (`dblint inspect --print-queries`) run by psql, the time the server
# needs for what dblint asks. Prints a Markdown table.
#
#   scripts/bench-inspect.sh               # 1,000 and 10,000 tables
#   SIZES="1000" scripts/bench-inspect.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${SIZES:-1000 10000}"
generator="${GENERATOR:-$root/../shared/bench/gen_catalog.py}"
reference="${REFERENCE:-$root/../shared/bench/catalog_ref.sql}"
[ -f "$generator" ] && [ -f "$reference" ] || { echo "bench-inspect: $generator or $reference not found" >&2; exit 2; }
work="$(mktemp -d)"
"$root/scripts/setup.sh"
command -v hyperfine >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq hyperfine >/dev/null; }
[ -x /usr/bin/time ] || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
dblint="$root/target/release/dblint"

started=""
if [ -z "${DBLINT_TEST_DATABASE_URL:-}" ]; then
  eval "$("$root/scripts/pg.sh" start)"
  started=1
fi
trap 'rm -rf "$work"; [ -n "$started" ] && "$root/scripts/pg.sh" stop' EXIT
base="${DBLINT_TEST_DATABASE_URL%%\?*}"
base="${base%/*}"

echo "| catalog | tables | dblint inspect | reference floor (psql, catalog_ref.sql) | dblint ÷ floor | psql, dblint's queries | dblint ÷ its queries | dblint peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  db="dblint_bench_$n"
  url="$base/$db?sslmode=disable"
  python3 "$generator" "$n" 4 > "$work/schema.sql"
  # Loading 10,000 tables takes about 13 minutes: a database loaded from the same SQL
  # by an earlier run (its checksum is the database's comment) is used again.
  sum=$(sha256sum "$work/schema.sql" | cut -c1-16)
  kept=$(psql -tA "$base/postgres?sslmode=disable" -c "SELECT pg_catalog.shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")
  if [ "$kept" != "gen_catalog $sum" ]; then
    psql -q "$base/postgres?sslmode=disable" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    psql -q -v ON_ERROR_STOP=1 "$url" -f "$work/schema.sql" >/dev/null
    psql -q "$url" -c "ANALYZE" >/dev/null
    psql -q "$url" -c "COMMENT ON DATABASE $db IS 'gen_catalog $sum'" >/dev/null
  fi
  tables=$(psql -tA "$url" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname LIKE 's%'")
  # The queries that skip tables another session locks take their oids as $1: none here.
  { echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"; "$dblint" inspect "$url" --print-queries | sed "s/\\\$1::pg_catalog.int8\[\]/'{}'::pg_catalog.int8[]/g"; echo "ROLLBACK;"; } > "$work/queries.sql"
  # A query that fails would be timed as nothing: stop at the first error instead.
  psql -q -X -v ON_ERROR_STOP=1 -o /dev/null -f "$work/queries.sql" "$url"
  psql -q -X -v ON_ERROR_STOP=1 -o /dev/null -f "$reference" "$url"
  hyperfine --warmup 1 --runs "${RUNS:-5}" -N --export-json "$work/h.json" \
    "$dblint inspect $url --format json --fail-on none" \
    "psql -q -X -v ON_ERROR_STOP=1 -o /dev/null -f $reference $url" \
    "psql -q -X -v ON_ERROR_STOP=1 -o /dev/null -f $work/queries.sql $url" >/dev/null 2>&1
  read -r d f p < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.0f" % (x["mean"] * 1000) for x in r))' "$work/h.json")
  /usr/bin/time -f "%M" -o "$work/mem" "$dblint" inspect "$url" --format json --fail-on none >/dev/null 2>&1 || true
  mem=$(tail -1 "$work/mem")
  floor_ratio=$(python3 -c "print('%.2f' % ($d / $f))")
  ratio=$(python3 -c "print('%.2f' % ($d / $p))")
  echo "| $n generated tables | $tables | ${d} ms | ${f} ms | ${floor_ratio}× | ${p} ms | ${ratio}× | $((mem / 1024)) MB |"
done
