#!/usr/bin/env bash
# Extract the volatility of PostgreSQL's built-in functions from each major's own
# catalog (pg_proc.provolatile), for the volatility decisions of the lock model and
# add-column-volatile-default (src/source/sql/volatility.rs embeds the output with
# include_str!).
#
#   scripts/extract-volatility.sh            # majors 12 to 18, writes data/pg_volatility.tsv
#   scripts/extract-volatility.sh 12 18      # these majors only (the file then covers only them)
#
# Each major runs on a throwaway cluster (initdb in a temporary directory, port
# $DBLINT_EXTRACT_PORT, default 54381) from the binaries scripts/pg-versions.sh caches
# in /var/cache/dblint/pg/<major>/bin. As root, the clusters run as `postgres`.
#
# The output (data/pg_volatility.tsv), one line per function name and arity range and
# volatility, tab-separated, sorted:
#
#   name  min_args  max_args  volatility  versions
#
# - name: the function's name in pg_catalog (every built-in function lives there);
# - min_args, max_args: how many arguments a call may pass (pronargs less its
#   defaulted arguments, pronargs; max_args is `*` for VARIADIC functions);
# - volatility: i (IMMUTABLE), s (STABLE) or v (VOLATILE), pg_proc.provolatile;
# - versions: the majors where pg_catalog has such a function, as a comma-separated
#   list of ranges (`13-18`, `18`, `12-14,16`).
#
# Overloads with the same name, arity range and volatility are one line. Left out:
# aggregates, window functions and procedures, functions returning trigger,
# event_trigger, internal or a handler, and functions taking internal (a column
# default cannot call any of them).
# Lines starting with `#` are comments.
#
# The script also prints, per major, the built-in casts, operators and type input
# functions that are volatile (the Rust side relies on there being none: see
# volatility.rs); it fails if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(12 13 14 15 16 17 18)
[ ${#majors[@]} -eq 2 ] && majors=($(seq "${majors[0]}" "${majors[1]}"))
port="${DBLINT_EXTRACT_PORT:-54381}"
out="data/pg_volatility.tsv"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# The cached builds have no psql: any client will do.
client="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)"
[ -x "$client" ] || { echo "extract: no psql found" >&2; exit 1; }
work="$(mktemp -d /tmp/dblint-volatility.XXXXXX)"
[ "$(id -u)" -eq 0 ] && chmod 777 "$work"
running=""
cleanup() {
  [ -n "$running" ] && as_owner "$running/pg_ctl" -D "$dir/data" -w stop >/dev/null 2>&1 || true
  [ -n "${dir:-}" ] && rm -rf "$dir"
  rm -rf "$work"
}
trap cleanup EXIT
for major in "${majors[@]}"; do
  bin="/var/cache/dblint/pg/$major/bin"
  dir="$(mktemp -d /tmp/dblint-extract-"$major".XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off" start >/dev/null
  running="$bin"
  psql=("$client" -X -q -A -t -F $'\t' -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)
  as_owner "${psql[@]}" -c "
    SELECT p.proname,
           p.pronargs - p.pronargdefaults,
           CASE WHEN p.provariadic OPERATOR(pg_catalog.<>) 0 THEN '*' ELSE p.pronargs::pg_catalog.text END,
           p.provolatile
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace
      AND p.prokind OPERATOR(pg_catalog.=) 'f'
      AND p.prorettype::pg_catalog.regtype::pg_catalog.text OPERATOR(pg_catalog.<>) ALL (ARRAY[
        'trigger', 'event_trigger', 'internal', 'language_handler', 'fdw_handler',
        'index_am_handler', 'tsm_handler', 'table_am_handler'])
      AND NOT 'pg_catalog.internal'::pg_catalog.regtype OPERATOR(pg_catalog.=) ANY (p.proargtypes::pg_catalog.oid[])
    GROUP BY 1, 2, 3, 4" > "$work/$major.tsv"
  # Volatile built-in casts, operators and type input/output functions: expected none.
  odd="$(as_owner "${psql[@]}" -c "
    SELECT 'cast ' || c.castsource::pg_catalog.regtype || ' -> ' || c.casttarget::pg_catalog.regtype
      FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) c.castfunc
      WHERE p.provolatile OPERATOR(pg_catalog.=) 'v'
    UNION ALL
    SELECT 'operator ' || o.oid::pg_catalog.regoperator
      FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) o.oprcode::pg_catalog.oid
      WHERE p.provolatile OPERATOR(pg_catalog.=) 'v'
    UNION ALL
    SELECT 'type input/output ' || t.typname
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_proc p
        ON p.oid OPERATOR(pg_catalog.=) t.typinput::pg_catalog.oid OR p.oid OPERATOR(pg_catalog.=) t.typoutput::pg_catalog.oid
      WHERE p.provolatile OPERATOR(pg_catalog.=) 'v'")"
  as_owner "$bin/pg_ctl" -D "$dir/data" -w stop >/dev/null
  running=""
  rm -rf "$dir"
  echo "extract: PostgreSQL $major: $(wc -l < "$work/$major.tsv") function signatures" >&2
  if [ -n "$odd" ]; then
    echo "extract: PostgreSQL $major has volatile casts, operators or type I/O functions:" >&2
    echo "$odd" >&2
    exit 1
  fi
done
{
  echo "# Volatility of PostgreSQL's built-in functions (pg_catalog), from pg_proc.provolatile"
  echo "# of each major, extracted by scripts/extract-volatility.sh (see it for the format):"
  echo "# name<TAB>min_args<TAB>max_args (* = variadic)<TAB>volatility (i/s/v)<TAB>majors (ranges)"
  for major in "${majors[@]}"; do
    sed "s/\$/\t$major/" "$work/$major.tsv"
  done | LC_ALL=C sort -t $'\t' -k1,1 -k2,2 -k3,3 -k4,4 -k5,5n | awk -F'\t' -v OFS='\t' '
    function flush() {
      if (key == "") return
      ranges = ""
      n = split(vs, v, ",")
      start = v[1]; prev = v[1]
      for (i = 2; i <= n + 1; i++) {
        if (i <= n && v[i] == prev + 1) { prev = v[i]; continue }
        r = (start == prev) ? start : start "-" prev
        ranges = ranges (ranges == "" ? "" : ",") r
        if (i <= n) { start = v[i]; prev = v[i] }
      }
      print key, ranges
    }
    {
      k = $1 OFS $2 OFS $3 OFS $4
      if (k != key) { flush(); key = k; vs = $5 } else if (!index("," vs ",", "," $5 ",")) vs = vs "," $5
    }
    END { flush() }'
} > "$out"
echo "extract: wrote $out ($(grep -vc '^#' "$out") lines)" >&2
