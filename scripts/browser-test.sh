#!/usr/bin/env bash
# The HTML report in a real browser: Debian's Chromium (headless) driven by
# playwright-core, pinned in tools/browser-test (it downloads no browser). For each case
# the dblint binary writes report.html and report.json from the same input, and
# tools/browser-test/report.test.mjs checks the page against the JSON: offline (CSP, only
# file:/data:/blob: requests), no errors, the ER diagram laid out within its budget,
# the same numbers, tables and findings, hazards on nodes and edges, no overlapping
# boxes, orthogonal edges, search / expand / zoom, hostile names kept as text, the same
# numbers without JavaScript, elkjs's licence notice. Cases: every sample in
# sample-dbs (kin2 also as its schema.prisma), tests/fixtures/html/injection.sql and
# partitions.sql, and a generated 1,000-table schema (tools/browser-test/gen-schema.mjs,
# written into a temporary folder).
#
#   scripts/browser-test.sh     exit 1 when any check fails
#
# DBLINT_BIN: the binary (default target/debug/dblint, which `cargo test` builds).
# BROWSER_TEST_OUT: where the screenshots go (default a new temporary folder).
# Needs /usr/bin/chromium, node (18+) and npm: scripts/setup.sh installs them. The pin is
# playwright-core 1.61.1, the last release that runs on Node 18, Debian 12's nodejs
# (1.62 and later exit at once on Node < 20); it drives Debian's Chromium 156 as well.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${DBLINT_BIN:-target/debug/dblint}"
harness=tools/browser-test
if [ ! -x /usr/bin/chromium ]; then
  echo "browser-test: no /usr/bin/chromium (Debian's chromium package); run scripts/setup.sh to install it" >&2
  exit 1
fi
if [ ! -x "$bin" ]; then
  echo "browser-test: no dblint binary at $bin (cargo build, or set DBLINT_BIN)" >&2
  exit 1
fi
# npm ci from the lockfile (playwright-core alone, 14 MB); again only when the lockfile changed.
if [ ! -f "$harness/node_modules/.package-lock.json" ] \
   || [ "$harness/package-lock.json" -nt "$harness/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$harness" --no-audit --no-fund --silent
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# add_case NAME BUDGET_S INJECTION INPUT: the HTML and JSON reports of one input, and
# how long the diagram's layout may take.
cases=()
add_case() {
  local budget="$2" injection="$3" input="$4" dir="$tmp/cases/$1" format rc
  mkdir -p "$dir"
  for format in html json; do
    rc=0
    "$bin" lint "$input" --all --format "$format" --output "$dir/report.$format" >/dev/null || rc=$?
    # Exit 1 is the gate failing on the findings, the point of these inputs; 2 is an error.
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
      echo "browser-test: dblint lint $input --format $format exited $rc" >&2
      exit 1
    fi
  done
  printf '{"budget_s": %s, "injection": %s}\n' "$budget" "$injection" > "$dir/case.json"
  cases+=("$dir")
}

injection=tests/fixtures/html/injection.sql
if [ ! -f "$injection" ]; then
  echo "browser-test: no $injection" >&2
  exit 1
fi
node "$harness/gen-schema.mjs" 1000 > "$tmp/generated-1000.sql"
# Every bundled sample, as the README runs them, and one as its Prisma schema.
add_case benchwarmers 10 false sample-dbs/benchwarmers/schema.sql
add_case helpdesk 10 false sample-dbs/helpdesk
add_case kin2 10 false sample-dbs/kin2/schema.sql
add_case kin2-prisma 10 false sample-dbs/kin2/schema.prisma
add_case prodmatic 10 false sample-dbs/prodmatic/schema.sql
add_case roofing 10 false sample-dbs/roofing/migrations
add_case injection 10 true "$injection"
add_case partitions 10 false tests/fixtures/html/partitions.sql
add_case generated-1000 20 false "$tmp/generated-1000.sql"
node "$harness/report.test.mjs" "${cases[@]}"
