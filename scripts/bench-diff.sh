#!/usr/bin/env bash
# Benchmark `dblint diff <database> <sql>` against what it is made of, side by side in
# one run (ratios, since the machine is noisy): `dblint inspect` of the database and
# `dblint lint --all` of the SQL, on the synthetic catalog of
# `../shared/bench/gen_catalog.py N 4` (N tables with 4 partitions each, foreign keys,
# indexes) loaded into the throwaway cluster of scripts/pg.sh. The target (issue: diff
# of two N-table schemas costs no more than inspect + lint of them plus 10 %) is the
# ratio diff / (inspect + lint). Prints a Markdown table.
#
#   scripts/bench-diff.sh               # 10,000 tables
#   TABLES=2000 RUNS=3 scripts/bench-diff.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tables="${TABLES:-10000}"
runs="${RUNS:-3}"
generator="${GENERATOR:-$root/../shared/bench/gen_catalog.py}"
[ -f "$generator" ] || { echo "bench-diff: $generator not found (set GENERATOR)" >&2; exit 2; }
work="$(mktemp -d)"
"$root/scripts/setup.sh"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
command -v hyperfine >/dev/null || $sudo apt-get install -y -qq hyperfine >/dev/null
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" --bin dblint
dblint="$root/target/release/dblint"

started=""
if [ -z "${DBLINT_TEST_DATABASE_URL:-}" ]; then
  eval "$("$root/scripts/pg.sh" start)"
  started=1
fi
trap 'rm -rf "$work"; [ -n "$started" ] && "$root/scripts/pg.sh" stop' EXIT
admin="$DBLINT_TEST_DATABASE_URL"
db="dblint_bench_diff_$tables"
url="${admin/\/postgres\?//$db?}"
sql="$work/schema.sql"
python3 "$generator" "$tables" 4 > "$sql"
psql "$admin" -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql "$url" -X -q -v ON_ERROR_STOP=1 -f "$sql" >/dev/null
psql "$url" -X -q -c "ANALYZE"

hyperfine --warmup 1 --runs "$runs" --export-json "$work/times.json" --style none \
  -n inspect "$dblint inspect '$url' --format json > /dev/null || true" \
  -n lint "$dblint lint '$sql' --all --format json > /dev/null || true" \
  -n diff "$dblint diff '$url' '$sql' --format json > /dev/null || [ \$? -eq 1 ]" >/dev/null
python3 - "$work/times.json" "$tables" <<'PY'
import json, sys
times = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
both = times["inspect"] + times["lint"]
print(f"| tables | inspect | lint --all | diff | diff / (inspect + lint) |")
print(f"|---|---|---|---|---|")
print(f"| {int(sys.argv[2]):,} | {times['inspect']:.2f} s | {times['lint']:.2f} s | {times['diff']:.2f} s | {times['diff'] / both:.2f} |")
PY
psql "$admin" -X -q -c "DROP DATABASE $db"
