#!/usr/bin/env bash
# Parse coverage and replay health of `dblint lint` on each folder of ../shared/corpus:
# statements, how many the PostgreSQL grammar accepted, and how many could not be
# applied to the model. Prints a Markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${CORPUS:-$root/../shared/corpus}"
"$root/scripts/setup.sh"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
echo "| corpus | files | statements | parsed | parse errors | replay warnings | tables | exit |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for dir in "$corpus"/*/; do
  name="$(basename "$dir")"
  set +e
  "$root/target/release/dblint" lint "$dir" --format json --fail-on none >"$tmp" 2>/dev/null
  code=$?
  set -e
  python3 - "$name" "$code" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[3]))
s = d["summary"]
parsed = s["statements"] - s["parse_errors"]
pct = 100.0 * parsed / s["statements"] if s["statements"] else 100.0
print(f"| {sys.argv[1]} | {s['files']} | {s['statements']} | {parsed} ({pct:.2f} %) | {s['parse_errors']} | {s['replay_warnings']} | {s['tables']} | {sys.argv[2]} |")
PY
done
