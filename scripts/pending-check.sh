#!/usr/bin/env bash
# For each migration set of ../shared/corpus: copy it into a fresh git repository,
# commit it on main, add one new migration on a branch (named as the set's tool names
# them: an index on an existing table and a new table without a primary key), and
# check that `dblint lint` judges exactly that change: every finding, migration or
# schema, is in the new file or about a table it touched, the base's own findings are
# counted as already there, and the header says "1 of N pending".
#
#   scripts/pending-check.sh [corpus dir]     # prints one line per set and a summary
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$root/../shared/corpus}"
"$root/scripts/setup.sh"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
dblint="$root/target/release/dblint"
new_sql="CREATE INDEX pending_check_idx ON %s (id);\nCREATE TABLE pending_check_t (x int);"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

# set | how the new migration is named | a table it indexes | dblint.order needed
check() {
  local name="$1" new_path="$2" table="$3"
  local repo="$work/$name"
  cp -r "$corpus/$name" "$repo"
  if [ "$name" = "musicbrainz" ]; then
    # psql's load order (admin/InitDb.pl), as a project states it for dblint.
    printf '%s\n' Extensions.sql CreateTypes.sql CreateTables.sql CreatePrimaryKeys.sql \
      CreateFunctions.sql CreateConstraints.sql CreateFKConstraints.sql CreateIndexes.sql \
      CreateViews.sql CreateTriggers.sql > "$repo/dblint.order"
  fi
  if [ "$name" = "synapse" ]; then
    # Synapse applies the newest full schema (72), then only the deltas after it.
    (cd "$repo" && { ls */full_schemas/72/*; ls -d */delta/* | awk -F/ '$3 > 72' | sort -t/ -k3n \
      | while read -r d; do ls "$d"/* | sort; done; }) > "$repo/dblint.order"
  fi
  git -C "$repo" init -q -b main
  git -C "$repo" -c user.email=c@example.com -c user.name=c add -A
  git -C "$repo" -c user.email=c@example.com -c user.name=c commit -q -m base
  git -C "$repo" checkout -q -b feature
  mkdir -p "$(dirname "$repo/$new_path")"
  # shellcheck disable=SC2059
  printf "$new_sql\n" "$table" > "$repo/$new_path"
  if [ -f "$repo/dblint.order" ]; then echo "$new_path" >> "$repo/dblint.order"; fi
  git -C "$repo" -c user.email=c@example.com -c user.name=c add -A
  git -C "$repo" -c user.email=c@example.com -c user.name=c commit -q -m new
  local json header
  json="$(cd "$repo" && GIT_CEILING_DIRECTORIES="$work" "$dblint" lint . --format json --fail-on none 2>/dev/null || true)"
  header="$(cd "$repo" && GIT_CEILING_DIRECTORIES="$work" "$dblint" lint . --fail-on none 2>/dev/null | grep '^Migration review' || true)"
  local files
  files="$(printf '%s' "$json" | INDEXED="${table//\"/}" python3 -c '
import json, os, sys
doc = json.load(sys.stdin)
migration = {f["location"]["file"] for f in doc["findings"] if f["category"] == "Migration safety"}
schema = {f["table"] for f in doc["findings"] if f["category"] != "Migration safety"}
already = doc.get("scope", {}).get("already_on_base", 0)
# The change made both: the new table, and the new index on an existing table (which a
# schema rule may rightly call redundant with an index the table already has).
ours = (".pending_check_t", "." + os.environ["INDEXED"])
ok = all(t.endswith(ours) for t in schema) and any(t.endswith(ours[0]) for t in schema) and already > 0
print("\n".join(sorted(migration)) + ("" if ok else "\n(schema findings: %s; already on the base: %s)" % (sorted(schema), already)))')"
  if [ "$files" = "./$new_path" ] && [[ "$header" == "Migration review: 1 of "* ]]; then
    pass=$((pass + 1))
    echo "ok    $name: $header"
  else
    fail=$((fail + 1))
    echo "FAIL  $name: $header; findings in: $(echo "$files" | tr '\n' ' ')"
  fi
}

check prisma-documenso "20991231000000_pending_check/migration.sql" '"User"'
check diesel-lemmy "2099-12-31-000000_pending_check/up.sql" community
check flyway-hawkbit "current/V9_99_0__pending_check__POSTGRESQL.sql" sp_target
check synapse "main/delta/99/01pending_check.sql.postgres" events
check musicbrainz "CreatePendingCheck.sql" artist
echo "pending-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
