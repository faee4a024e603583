#!/usr/bin/env bash
# Regenerates src/source/sql/binary_casts.tsv: the binary-coercible casts of
# PostgreSQL's catalog (`pg_cast` rows with castmethod = 'b', "CREATE CAST": WITHOUT
# FUNCTION), read from a throwaway cluster of each major the builds of
# scripts/pg-versions.sh provide (12 to 18 by default), on its own port.
#
#   scripts/pg-casts.sh            12 to 18
#   scripts/pg-casts.sh 15 18      these majors
#
# The file's shape, one cast a line, tab-separated, `#` lines are comments:
#   source  target  context  since
# source and target as format_type() names them (`character varying`), context as
# pg_cast.castcontext (i implicit, a assignment, e explicit), since: the first major
# of those read that has the row. src/source/sql/type_change.rs embeds it.
# As root, the clusters run as the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(12 13 14 15 16 17 18)
port="${DBLINT_CASTS_PORT:-54382}"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
work="$(mktemp -d /tmp/dblint-casts.XXXXXX)"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
trap 'rm -rf "$work"' EXIT
while read -r major bin; do
  as_owner "$bin/initdb" -D "$work/$major" -U postgres -A trust --no-sync >/dev/null
  as_owner "$bin/pg_ctl" -D "$work/$major" -l "$work/$major.log" -w -t 60 \
    -o "-p $port -k $work -c listen_addresses=''" start >/dev/null
  psql -X -h "$work" -p "$port" -U postgres -d postgres -AtF $'\t' -c \
    "SELECT pg_catalog.format_type(castsource, NULL), pg_catalog.format_type(casttarget, NULL), castcontext::text
       FROM pg_catalog.pg_cast WHERE castmethod = 'b' ORDER BY 1, 2" \
    | sed "s/\$/\t$major/" >>"$work/all"
  as_owner "$bin/pg_ctl" -D "$work/$major" -m immediate -w stop >/dev/null
done < <(scripts/pg-versions.sh "${majors[@]}")
{
  echo "# Binary-coercible casts (pg_cast.castmethod = 'b') of PostgreSQL ${majors[0]} to ${majors[-1]},"
  echo "# written by scripts/pg-casts.sh. Columns: source, target, castcontext, first major."
  sort -t $'\t' -k1,1 -k2,2 -k4,4n "$work/all" | awk -F'\t' -v OFS='\t' '!seen[$1 FS $2]++ { print $1, $2, $3, $4 }'
} >src/source/sql/binary_casts.tsv
echo "pg-casts: $(grep -vc '^#' src/source/sql/binary_casts.tsv) casts written to src/source/sql/binary_casts.tsv" >&2
