#!/usr/bin/env bash
# Peak memory of `dblint lint` on files made of a few very large statements
# (scripts/gen_big_statements.py): a 6.8 MB CHECK of 400,000 OR terms and a 5.2 MB
# INSERT of 150,000 rows. Prints a Markdown table of size, wall time and peak RSS (GNU
# time), and the ratio of peak RSS to input size (the target is at most 50x).
#
#   scripts/bench-memory.sh
#   BASELINE=/path/to/older/dblint scripts/bench-memory.sh   # adds its figures
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
dblint="$root/target/release/dblint"

python3 "$root/scripts/gen_big_statements.py" check > "$work/check-400k-or.sql"
python3 "$root/scripts/gen_big_statements.py" insert > "$work/insert-150k-rows.sql"

measure() { # binary input -> "seconds kilobytes"
  /usr/bin/time -f "%e %M" -o "$work/time" "$1" lint "$2" --format json --fail-on none >/dev/null 2>&1 || true
  tail -1 "$work/time"
}

echo "| input | size | binary | time | peak RSS | peak / size |"
echo "|---|---:|---|---:|---:|---:|"
for input in "$work"/check-400k-or.sql "$work"/insert-150k-rows.sql; do
  bytes=$(stat -c %s "$input")
  for binary in ${BASELINE:+"$BASELINE"} "$dblint"; do
    read -r seconds kb < <(measure "$binary" "$input")
    label="this build"; [ "$binary" != "$dblint" ] && label="baseline"
    python3 - "$(basename "$input")" "$bytes" "$label" "$seconds" "$kb" <<'PY'
import sys
name, size, label, seconds, kb = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
peak = kb * 1024
print(f"| {name} | {size / 1e6:.1f} MB | {label} | {seconds:.2f} s | {peak / 2**20:,.0f} MB | {peak / size:.0f}x |")
PY
  done
done
