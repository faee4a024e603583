#!/usr/bin/env bash
# Benchmark `dblint lint` in one run, side by side (ratios, since the machine is noisy):
#
# 1. against squawk and the parser-only floor (`examples/parse_floor.rs`: split the file
#    and parse every statement with pg_query on one thread, nothing else), on the
#    generated 10,000-table catalog (`../shared/bench/gen_catalog.py 10000 4`) and the
#    largest real files of ../shared/corpus: mean wall time (hyperfine), peak memory
#    (GNU time) and the human report's time over the JSON report's;
# 2. growth: dblint on 5,000 to 40,000 generated tables, time per 1,000 tables and how
#    much each doubling costs over twice the time (1.00 = linear);
# 3. `dblint inspect` of the same catalog loaded into PostgreSQL (1,000 and 10,000
#    tables) against the psql reference floor (`../shared/bench/catalog_ref.sql`), with
#    scripts/bench-inspect.sh.
#
# Prints three Markdown tables (the README's "Benchmarks" section is made from them).
# squawk comes from PyPI (squawk-cli), run with --reporter json, as dblint is with
# --format json.
#
#   scripts/bench.sh                                  # as in the README
#   TABLES=1000 GROWTH="1000 2000" RUNS=3 scripts/bench.sh   # quick look
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${CORPUS:-$root/../shared/corpus}"
generator="${GENERATOR:-$root/../shared/bench/gen_catalog.py}"
tables="${TABLES:-10000}"
growth="${GROWTH:-5000 10000 20000 40000}"
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -f "$generator" ] || { echo "bench: $generator not found (set GENERATOR)" >&2; exit 2; }
"$root/scripts/setup.sh"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
command -v hyperfine >/dev/null || $sudo apt-get install -y -qq hyperfine >/dev/null
[ -x /usr/bin/time ] || $sudo apt-get install -y -qq time >/dev/null
command -v squawk >/dev/null || python3 -m pip install --quiet squawk-cli
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" --bin dblint --example parse_floor
dblint="$root/target/release/dblint"
floor="$root/target/release/examples/parse_floor"

generate() { [ -f "$work/gen-$1.sql" ] || python3 "$generator" "$1" 4 > "$work/gen-$1.sql"; echo "$work/gen-$1.sql"; }
peak_kb() { /usr/bin/time -f "%M" -o "$work/mem" "$@" >/dev/null 2>&1 || true; tail -1 "$work/mem"; }
# Mean seconds of each command (hyperfine, one run each after a warm-up).
means() {
  hyperfine --warmup 1 --runs "$runs" -N -i --export-json "$work/h.json" "$@" >/dev/null 2>&1
  python3 -c 'import json,sys; print(" ".join("%.4f" % x["mean"] for x in json.load(open(sys.argv[1]))["results"]))' "$work/h.json"
}
ms() { python3 -c 'import sys; s=float(sys.argv[1]); print("%.2f s" % s if s >= 1 else "%.0f ms" % (s * 1000))' "$1"; }
ratio() { python3 -c 'import sys; print("%.2f×" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

inputs=("$(generate "$tables")")
for f in rails-structure/lago-structure.sql gitlab-derived-gisia/structure.sql musicbrainz/CreateTables.sql pagila/pagila-schema.sql; do
  [ -f "$corpus/$f" ] && inputs+=("$corpus/$f")
done

echo "| input | size | statements | dblint | squawk | squawk ÷ dblint | parser floor | dblint ÷ floor | human ÷ JSON | dblint peak RSS | squawk peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for input in "${inputs[@]}"; do
  name="$(basename "$(dirname "$input")")/$(basename "$input")"
  [[ "$input" == "$work"/* ]] && name="generated $tables tables (\`gen_catalog.py $tables 4\`)"
  bytes=$(stat -c %s "$input")
  statements=$("$floor" "$input" | cut -d' ' -f1)
  read -r d s f h < <(means \
    "$dblint lint $input --format json --fail-on none" \
    "squawk --reporter json $input" \
    "$floor $input" \
    "$dblint lint $input --fail-on none --color never")
  dm=$(peak_kb "$dblint" lint "$input" --format json --fail-on none)
  sm=$(peak_kb squawk --reporter json "$input")
  mem_ratio=$(python3 -c 'import sys; print("%.0f×" % (int(sys.argv[1]) * 1024 / int(sys.argv[2])))' "$dm" "$bytes")
  echo "| $name | $((bytes / 1024)) KB | $statements | $(ms "$d") | $(ms "$s") | $(ratio "$s" "$d") | $(ms "$f") | $(ratio "$d" "$f") | $(ratio "$h" "$d") | $((dm / 1024)) MB ($mem_ratio input) | $((sm / 1024)) MB |"
done

echo
echo "| generated tables | size | dblint | per 1,000 tables | growth over the previous row (1.00 = linear) | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|"
previous=""
for n in $growth; do
  input="$(generate "$n")"
  read -r d < <(means "$dblint lint $input --format json --fail-on none")
  dm=$(peak_kb "$dblint" lint "$input" --format json --fail-on none)
  per=$(python3 -c 'import sys; print("%.0f ms" % (float(sys.argv[1]) * 1e6 / int(sys.argv[2])))' "$d" "$n")
  grow="–"
  if [ -n "$previous" ]; then
    read -r pn pd <<< "$previous"
    grow=$(python3 -c 'import sys; n,d,pn,pd=map(float,sys.argv[1:]); print("%.2f" % ((d / pd) / (n / pn)))' "$n" "$d" "$pn" "$pd")
  fi
  echo "| $n | $(( $(stat -c %s "$input") / 1024 )) KB | $(ms "$d") | $per | $grow | $((dm / 1024)) MB |"
  previous="$n $d"
done

# 3. inspect against the psql reference floor (scripts/bench-inspect.sh: the catalogs
#    are loaded into the throwaway cluster once and kept for later runs).
echo
SIZES="${INSPECT_SIZES:-1000 10000}" RUNS="$runs" "$root/scripts/bench-inspect.sh"
