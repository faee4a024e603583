#!/usr/bin/env bash
# Benchmark `dblint inspect` on synthetic catalogs of 1,000 and 10,000 tables (with
# foreign keys, indexes and partitions; scripts/gen_schema.py), loaded into the
# throwaway cluster of scripts/pg.sh. The floor is psql running the very same catalog
# queries (`dblint inspect --print-queries`) in one session: the time the server
# needs to answer, which no client can beat. Prints a Markdown table.
#
#   scripts/bench-inspect.sh               # 1,000 and 10,000 tables
#   SIZES="1000" scripts/bench-inspect.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${SIZES:-1000 10000}"
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

echo "| catalog | tables (incl. partitions) | dblint inspect | psql, same queries (floor) | ratio | dblint peak RSS |"
echo "|---|---:|---:|---:|---:|---:|"
for n in $sizes; do
  db="dblint_bench_$n"
  psql -q "$base/postgres?sslmode=disable" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  url="$base/$db?sslmode=disable"
  python3 "$root/scripts/gen_schema.py" "$n" > "$work/schema.sql"
  psql -q -v ON_ERROR_STOP=1 "$url" -f "$work/schema.sql" >/dev/null
  psql -q "$url" -c "ANALYZE" >/dev/null
  tables=$(psql -tA "$url" -c "SELECT count(*) FROM pg_class WHERE relkind IN ('r','p') AND relnamespace = 'bench'::regnamespace")
  { echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"; "$dblint" inspect "$url" --print-queries; echo "ROLLBACK;"; } > "$work/queries.sql"
  hyperfine --warmup 1 --runs "${RUNS:-5}" -N -i --export-json "$work/h.json" \
    "$dblint inspect $url --format json --fail-on none" \
    "psql -q -X -o /dev/null -f $work/queries.sql $url" >/dev/null 2>&1
  read -r d p < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.0f" % (x["mean"] * 1000) for x in r))' "$work/h.json")
  /usr/bin/time -f "%M" -o "$work/mem" "$dblint" inspect "$url" --format json --fail-on none >/dev/null 2>&1 || true
  mem=$(tail -1 "$work/mem")
  ratio=$(python3 -c "print('%.2f' % ($d / $p))")
  echo "| $n generated tables | $tables | ${d} ms | ${p} ms | ${ratio}× | $((mem / 1024)) MB |"
done
