#!/usr/bin/env bash
# The lock model against PostgreSQL on real migrations: every migration set of
# ../shared/corpus traced with `dblint trace` (a temporary cluster per set, from the
# builds scripts/pg-versions.sh fetches), and the figures summed.
#
#   scripts/trace-corpus.sh            PostgreSQL 15 and 18
#   scripts/trace-corpus.sh 16         these majors
#
# The sets: the migration histories (Prisma documenso, Diesel lemmy, Flyway hawkbit
# before and after its baseline), Synapse as an upgrade runs it (the full schemas of
# version 72, then the Postgres-only deltas after 72; the portable `.sql` deltas are
# not in the corpus, so statements on tables they create fail), and the pg_dump-style
# schemas (pagila, gisia, lago: their ALTER TABLE ... ADD CONSTRAINT, indexes and
# ATTACH PARTITION statements run on existing tables). A set is traced only on the
# versions its SQL is written for: lemmy from 16 (subqueries in FROM without an alias),
# pagila from 18 (uuidv7(), virtual generated columns); musicbrainz is left out (psql
# meta-commands).
#
# Prints per set and per major: statements traced, compared (lock, rewrite or scan),
# agreements, disagreements by kind, failed statements; then every disagreement
# grouped by kind, statement shape and predicted -> observed. The JSON reports stay in
# the directory it names (DBLINT_CORPUS_OUT, default a temporary one). Needs jq.
# As root, the clusters run as the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${DBLINT_CORPUS:-../shared/corpus}"
[ -d "$corpus" ] || { echo "trace-corpus: no corpus at $corpus (set DBLINT_CORPUS)" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
command -v jq >/dev/null || { echo "trace-corpus: needs jq" >&2; exit 2; }
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(15 18)
out="${DBLINT_CORPUS_OUT:-$(mktemp -d /tmp/dblint-trace-corpus.XXXXXX)}"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] && chmod 755 "$out"
cargo build --quiet --bin dblint
dblint="${CARGO_TARGET_DIR:-target}/debug/dblint"

# Synapse as an upgrade from schema 72 applies it: a folder of links with a
# dblint.order (the full schemas, then the deltas after 72 in version order).
synapse="$out/synapse-set"
rm -rf "$synapse"
mkdir -p "$synapse"
{
  for part in common main state; do
    ln -s "$corpus/synapse/$part/full_schemas/72/full.sql.postgres" "$synapse/full-$part.sql.postgres"
    echo "full-$part.sql.postgres"
  done
  (cd "$corpus/synapse" && find main/delta state/delta -name '*.sql.postgres' 2>/dev/null) \
    | awk -F/ '$3 > 72' | sort -t/ -k3,3n -k4,4 | while read -r f; do
      name="$(echo "$f" | tr / _)"
      ln -s "$corpus/synapse/$f" "$synapse/$name"
      echo "$name"
    done
} > "$synapse/dblint.order"

# name, oldest major it is written for, path
sets=(
  "documenso 12 $corpus/prisma-documenso"
  "lemmy 16 $corpus/diesel-lemmy"
  "hawkbit-pre-baseline 12 $corpus/flyway-hawkbit/pre-baseline"
  "hawkbit-current 12 $corpus/flyway-hawkbit/current"
  "synapse 12 $synapse"
  "pagila 18 $corpus/pagila/pagila-schema.sql"
  "gisia 12 $corpus/gitlab-derived-gisia/structure.sql"
  "lago 12 $corpus/rails-structure/lago-structure.sql"
)

figures='"\(.summary.statements) traced, \(.summary.compared) compared, \(.summary.agreements) agree, \(.summary.disagreements | to_entries | map("\(.key) \(.value)") | join(", ") | if . == "" then "no disagreements" else "disagreements: " + . end), \(.summary.failed) failed"'
status=0
while read -r major bin; do
  echo "== PostgreSQL $major"
  rm -f "$out/$major"-*.json
  for set in "${sets[@]}"; do
    read -r name since path <<<"$set"
    if [ "$major" -lt "$since" ]; then
      echo "$name: not traced (written for PostgreSQL $since and later)"
      continue
    fi
    report="$out/$major-$name.json"
    code=0
    "$dblint" trace "$path" --pg-bin "$bin" --no-config --format json >"$report" 2>"$out/$major-$name.log" || code=$?
    if [ "$code" -gt 1 ] || ! jq -e .summary "$report" >/dev/null 2>&1; then
      echo "$name: trace failed (exit $code): $(tail -1 "$out/$major-$name.log")"
      status=1
      continue
    fi
    echo "$name: $(jq -r "$figures" "$report")"
  done
  echo "-- all sets:"
  jq -rs '{statements: (map(.summary.statements) | add), compared: (map(.summary.compared) | add),
           agreements: (map(.summary.agreements) | add), failed: (map(.summary.failed) | add),
           disagreements: (map(.summary.disagreements | to_entries[]) | group_by(.key)
                           | map({key: .[0].key, value: (map(.value) | add)}) | from_entries)}
          | "\(.statements) traced, \(.compared) compared, \(.agreements) agree, \(.disagreements | to_entries | map("\(.key) \(.value)") | join(", ")), \(.failed) failed"' \
    "$out/$major"-*.json
  echo "-- disagreements by kind, statement shape, predicted -> observed:"
  jq -rs '[.[] | .statements[] | . as $s | .disagreements[]
           | {kind, shape: ($s.statement | ascii_upcase | gsub("\\s+"; " ")
                             | if test("^(INSERT|UPDATE|DELETE|WITH|SELECT|DO) ") then (split(" ")[0] + " …")
                               elif test("^CREATE (OR REPLACE )?(MATERIALIZED VIEW|VIEW|FUNCTION|TRIGGER|CONSTRAINT TRIGGER) ")
                               then capture("^(?<c>CREATE (OR REPLACE )?(MATERIALIZED VIEW|VIEW|FUNCTION|TRIGGER|CONSTRAINT TRIGGER))").c + " …"
                               else . end
                             | sub("^(?<v>ALTER TABLE|CREATE (UNIQUE )?INDEX( CONCURRENTLY)?) (ONLY |IF (NOT )?EXISTS )*(\"[^\"]*\"|[^ ]+)( ON (ONLY )?(\"[^\"]*\"|[^ (]+))?"; "\(.v) …")
                             | split(" ")[0:5] | join(" ")),
              change: "\(.predicted) -> \(.observed)"}]
          | group_by([.kind, .shape, .change]) | map("\(length)\t\(.[0].kind)\t\(.[0].shape)\t\(.[0].change)")
          | sort_by(-(split("\t")[0] | tonumber)) | .[]' "$out/$major"-*.json
done < <(scripts/pg-versions.sh "${majors[@]}")
echo "(reports: $out)"
exit "$status"
