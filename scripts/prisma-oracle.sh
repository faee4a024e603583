#!/usr/bin/env bash
# Prisma's own schema engine as the oracle for dblint's Prisma reader. For every
# tests/fixtures/prisma/**/ folder with an expected.sql it regenerates, with @prisma/schema-engine-wasm (pinned
# in tools/prisma-oracle, offline: no database), the SQL Prisma Migrate runs for the
# case's schema and compares it with the committed expected.sql (tests/prisma.rs reads
# the committed file without Node). Then it writes the engine's SQL for the corpus's
# public Prisma schemas into a temporary folder and runs tests/prisma.rs on them too
# (that SQL is derived from public data, so it is never committed).
#
#   scripts/prisma-oracle.sh            compare; exit 1 on any difference
#   scripts/prisma-oracle.sh --update   rewrite the fixtures' expected.sql
#
# Needs node (18+) and npm (scripts/setup.sh installs them); the corpus at
# ../shared/corpus or DBLINT_CORPUS.
set -euo pipefail
cd "$(dirname "$0")/.."
update=false
[ "${1:-}" = "--update" ] && update=true
oracle=tools/prisma-oracle
# npm ci from the lockfile (3 packages, 3 MB); again only when the lockfile changed.
if [ ! -f "$oracle/node_modules/.package-lock.json" ] \
   || [ "$oracle/package-lock.json" -nt "$oracle/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$oracle" --no-audit --no-fund --silent
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
while IFS= read -r expected; do
  dir="$(dirname "$expected")"
  schema="$dir/schema.prisma"
  [ -e "$schema" ] || schema="$dir/schema"
  out="$tmp/$(echo "$dir" | tr / _).sql"
  if ! node "$oracle/oracle.mjs" "$schema" > "$out"; then
    echo "prisma-oracle: Prisma's engine rejects $schema" >&2
    status=1
    continue
  fi
  if $update; then
    cp "$out" "$dir/expected.sql"
  elif ! diff -u "$dir/expected.sql" "$out"; then
    echo "prisma-oracle: $dir/expected.sql differs from what Prisma's engine writes now (scripts/prisma-oracle.sh --update rewrites it; review the diff)" >&2
    status=1
  fi
done < <(find tests/fixtures/prisma -name expected.sql | sort)
corpus="${DBLINT_CORPUS:-../shared/corpus}"
if [ ! -f "$corpus/prisma-documenso-schema/schema.prisma" ]; then
  echo "prisma-oracle: no corpus Prisma schema at $corpus/prisma-documenso-schema (set DBLINT_CORPUS)" >&2
  exit 1
fi
mkdir -p "$tmp/cases/documenso"
node "$oracle/oracle.mjs" "$corpus/prisma-documenso-schema/schema.prisma" > "$tmp/cases/documenso/expected.sql"
ln -s "$(cd "$corpus/prisma-documenso-schema" && pwd)/schema.prisma" "$tmp/cases/documenso/schema.prisma"
# Every Prisma fix that edits a schema leaves one Prisma's engine accepts.
mkdir -p "$tmp/fixed"
DBLINT_PRISMA_FIXED_DIR="$tmp/fixed" cargo test --locked --quiet --test prisma -- --exact prisma_fixes_edit_the_schema_and_remove_their_finding || status=1
# ... and dblint reads each edited schema as Prisma Migrate creates it (two at a time).
export oracle tmp
find "$tmp/fixed" -mindepth 1 -maxdepth 1 -type d | sort | xargs -r -P 2 -I{} bash -c '
  fixed="$1"
  case="$tmp/cases/fixed-$(basename "$fixed")"
  mkdir -p "$case"
  cp "$fixed/schema.prisma" "$case/schema.prisma"
  if ! node "$oracle/oracle.mjs" "$fixed/schema.prisma" > "$case/expected.sql"; then
    echo "prisma-oracle: Prisma'"'"'s engine rejects the schema a fix edits: $(basename "$fixed")" >&2
    cat "$fixed/schema.prisma" >&2
    rm -r "$case"
    exit 1
  fi' _ {} || status=1
DBLINT_PRISMA_CASES="$tmp/cases" cargo test --locked --quiet --test prisma -- --exact every_schema_reads_as_prisma_migrate_creates_it || status=1
exit "$status"
