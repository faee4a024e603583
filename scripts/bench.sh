#!/usr/bin/env bash
# Benchmark `dblint lint` against squawk on the same files: a generated 10,000-table
# schema and the largest real files of ../shared/corpus. Prints a Markdown table of
# mean wall time (hyperfine) and peak memory (GNU time). squawk comes from PyPI
# (squawk-cli) and is run with --reporter json, as dblint is with --format json.
#
#   scripts/bench.sh            # 10,000 tables
#   TABLES=1000 scripts/bench.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${CORPUS:-$root/../shared/corpus}"
tables="${TABLES:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/scripts/setup.sh"
command -v hyperfine >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq hyperfine >/dev/null; }
[ -x /usr/bin/time ] || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
command -v squawk >/dev/null || python3 -m pip install --quiet squawk-cli
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
dblint="$root/target/release/dblint"

python3 "$root/scripts/gen_schema.py" "$tables" > "$work/schema-$tables.sql"

inputs=("$work/schema-$tables.sql")
for f in rails-structure/lago-structure.sql gitlab-derived-gisia/structure.sql musicbrainz/CreateTables.sql pagila/pagila-schema.sql; do
  [ -f "$corpus/$f" ] && inputs+=("$corpus/$f")
done

peak_kb() { /usr/bin/time -f "%M" -o "$work/mem" "$@" >/dev/null 2>&1 || true; cat "$work/mem" | tail -1; }

echo "| input | size | statements | dblint | squawk | dblint peak RSS | squawk peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for input in "${inputs[@]}"; do
  name="$(basename "$(dirname "$input")")/$(basename "$input")"
  [[ "$input" == "$work"/* ]] && name="generated $tables tables"
  size_kb=$(( $(stat -c %s "$input") / 1024 ))
  statements=$("$dblint" lint "$input" --format json --fail-on none 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["statements"])' 2>/dev/null || echo "?")
  hyperfine --warmup 1 --runs "${RUNS:-5}" -N -i --export-json "$work/h.json" \
    "$dblint lint $input --format json --fail-on none" \
    "squawk --reporter json $input" >/dev/null 2>&1
  read -r d s < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.0f" % (x["mean"] * 1000) for x in r))' "$work/h.json")
  dm=$(peak_kb "$dblint" lint "$input" --format json --fail-on none)
  sm=$(peak_kb squawk --reporter json "$input")
  echo "| $name | ${size_kb} KB | $statements | ${d} ms | ${s} ms | $((dm / 1024)) MB | $((sm / 1024)) MB |"
done
