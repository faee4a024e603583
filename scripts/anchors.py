#!/usr/bin/env python3
"""The planted-drift catalogue run through `dblint diff` and the drift tools that install
here, side by side: the README's anchors table is made from its output.

Each case is a migrations folder (a shared first migration, then the case's own) and a
database that ran the first migration and then the case's *database* statements instead
of its migration (a console change, a hot-fix, a VALIDATE that never ran). Expected:
a difference, or none (the same schema spelled another way, a column moved by a
rollback). Every tool is asked the same question:

- dblint:  dblint diff <database> <migrations folder> --format json (no second server);
- migra 3.0 (PyPI, with schemainspect): migra <database built from the migrations>
  <database>, which needs the migrations loaded into a second database first;
- apgdiff 2.7 (Debian): apgdiff on `pg_dump --schema-only` of both databases;
- pg_dump + diff: the text of `pg_dump --schema-only` of both databases compared, the
  check GitLab's docs and `structure.sql` reviews rely on.

Verdicts: ✓ right; ✗ missed (silent on a difference); ✗ false drift (a difference where
there is none); ~ drop + add (a rename reported as something dropped and something
added); ~ listed (the tool says it does not compare that kind of object).

    scripts/anchors.py                  # print the table
    scripts/anchors.py --update-readme  # and write it into README.md

Needs a PostgreSQL server (DBLINT_TEST_DATABASE_URL, as `scripts/pg.sh start` prints
it), psql and pg_dump of that major or later, and a dblint build (target/release or
target/debug, or DBLINT). Installs migra into a cached virtualenv and apgdiff from
Debian when they are missing.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("DBLINT_ANCHORS_CACHE", "/var/cache/dblint/anchors")
MIGRA_VERSION = "3.0.1663481299"

INIT = """\
CREATE TYPE status AS ENUM ('new', 'active', 'done');
CREATE TABLE customers (
    id bigint PRIMARY KEY,
    email varchar(200) NOT NULL,
    full_name text
);
CREATE INDEX customers_email ON customers (lower(email));
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint REFERENCES customers (id),
    total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
    state status NOT NULL DEFAULT 'new',
    price numeric CHECK (price > 0),
    code varchar(20),
    note text,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    doubled numeric GENERATED ALWAYS AS (total * 2) STORED
);
CREATE INDEX orders_live ON orders (created_at) WHERE deleted_at IS NULL;
CREATE INDEX orders_note ON orders (note);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON orders FOR SELECT USING (customer_id = 1);
CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE SEQUENCE tickets;
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_audit BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();
"""

SPELLED_SHORT = (
    "ALTER TABLE orders ADD COLUMN flag varchar(5) DEFAULT 'x', ADD COLUMN meta jsonb DEFAULT '{}', "
    "ADD COLUMN t time CHECK (t >= '00:00'), ADD COLUMN n int CHECK (n BETWEEN 1 AND 5), "
    "ADD COLUMN m int CHECK (m IS NOT DISTINCT FROM n), ADD COLUMN s text CHECK (s IN ('a', 'b'));"
)
SPELLED_AS_STORED = (
    "ALTER TABLE orders ADD COLUMN flag character varying(5) DEFAULT 'x'::character varying, "
    "ADD COLUMN meta jsonb DEFAULT '{}'::jsonb, "
    "ADD COLUMN t time without time zone CHECK ((t >= '00:00:00'::time without time zone)), "
    "ADD COLUMN n integer CHECK (((n >= 1) AND (n <= 5))), "
    "ADD COLUMN m integer CHECK ((NOT (m IS DISTINCT FROM n))), "
    "ADD COLUMN s text CHECK ((s = ANY (ARRAY['a'::text, 'b'::text])));"
)

# (id, what, expected: "diff" | "same", migration (0002), database instead of it,
#  flags: "rename" (a rename), "kind:<word>" (an object kind dblint lists as not compared))
CASES = [
    ("D1", "hot-fix index", "diff", "", "CREATE INDEX CONCURRENTLY hotfix_orders_total ON orders (total);", ""),
    ("D2", "UNIQUE index left invalid by a failed CONCURRENTLY build", "diff",
     "CREATE UNIQUE INDEX orders_code_key ON orders (code);",
     "INSERT INTO customers VALUES (1, 'a@x', 'A'); INSERT INTO orders (customer_id, code) VALUES (1, 'a'), (1, 'a'); "
     "CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON orders (code) /* fails */;", ""),
    ("D3", "column type changed in a console", "diff", "", "ALTER TABLE orders ALTER COLUMN price TYPE numeric(14,2);", ""),
    ("D4", "NOT NULL dropped", "diff", "", "ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;", ""),
    ("D5", "default changed", "diff", "", "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;", ""),
    ("D6/D7", "defaults and CHECKs spelled as written vs as stored", "same", SPELLED_SHORT, SPELLED_AS_STORED, ""),
    ("D8", "CHECK expression changed, same name", "diff", "",
     "ALTER TABLE orders DROP CONSTRAINT orders_price_check; ALTER TABLE orders ADD CONSTRAINT orders_price_check CHECK (price >= 0);", ""),
    ("D9", "enum label added at the end instead of BEFORE", "diff",
     "ALTER TYPE status ADD VALUE 'paused' BEFORE 'done';", "ALTER TYPE status ADD VALUE 'paused';", ""),
    ("D10", "enum label added in a console", "diff", "", "ALTER TYPE status ADD VALUE 'archived';", ""),
    ("D11", "VALIDATE CONSTRAINT never ran", "diff",
     "ALTER TABLE orders ADD CONSTRAINT orders_customer_check FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n"
     "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_check;",
     "ALTER TABLE orders ADD CONSTRAINT orders_customer_check FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;", ""),
    ("D12", "foreign key ON DELETE and DEFERRABLE changed", "diff", "",
     "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey; "
     "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE;", ""),
    ("D13", "index renamed", "diff", "", "ALTER INDEX orders_live RENAME TO orders_live_idx;", "rename"),
    ("D14", "column renamed", "diff", "", "ALTER TABLE customers RENAME COLUMN full_name TO name;", "rename"),
    ("D15", "default-named foreign key renamed (fk_rails_…)", "diff", "",
     "ALTER TABLE orders RENAME CONSTRAINT orders_customer_id_fkey TO fk_rails_abc;", "rename"),
    ("D16", "column collation changed", "diff", "", "ALTER TABLE customers ALTER COLUMN full_name TYPE text COLLATE \"C\";", ""),
    ("D17", "index operator class changed", "diff", "",
     "DROP INDEX orders_note; CREATE INDEX orders_note ON orders (note text_pattern_ops);", ""),
    ("D18", "partial index predicate changed", "diff", "",
     "DROP INDEX orders_live; CREATE INDEX orders_live ON orders (created_at) WHERE deleted_at IS NOT NULL;", ""),
    ("D19", "index expression changed, INCLUDE added", "diff", "",
     "DROP INDEX customers_email; CREATE INDEX customers_email ON customers (upper(email)) INCLUDE (full_name);", ""),
    ("D20", "identity added in a console", "diff", "", "ALTER TABLE customers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;", ""),
    ("D21", "generated column expression changed", "diff", "",
     "ALTER TABLE orders DROP COLUMN doubled; ALTER TABLE orders ADD COLUMN doubled numeric GENERATED ALWAYS AS (total * 3) STORED;", ""),
    ("D22", "policy USING clause changed", "diff", "",
     "DROP POLICY own ON orders; CREATE POLICY own ON orders FOR SELECT USING (customer_id = 2);", ""),
    ("D24", "column comment changed", "diff", "", "COMMENT ON COLUMN orders.note IS 'free text';", ""),
    ("D25", "trigger disabled", "diff", "", "ALTER TABLE orders DISABLE TRIGGER orders_audit;", "kind:trigger"),
    ("D26", "function body hot-fixed", "diff", "",
     "CREATE OR REPLACE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;", "kind:function"),
    ("D27", "sequence INCREMENT changed", "diff", "", "ALTER SEQUENCE tickets INCREMENT 10;", ""),
    ("D28", "partition detached", "diff", "", "ALTER TABLE events DETACH PARTITION events_2024;", ""),
    ("D29", "column dropped and re-added by a rollback (now last)", "same", "",
     "ALTER TABLE orders DROP COLUMN code; ALTER TABLE orders ADD COLUMN code varchar(20);", ""),
    ("D31", "extended statistics object added", "diff", "",
     "CREATE STATISTICS orders_stats ON customer_id, state FROM orders;", "kind:statistics"),
    ("D33", "table created by a DO block in a migration", "same",
     "DO $$ BEGIN EXECUTE 'CREATE TABLE dyn (id int)'; END $$;",
     "DO $$ BEGIN EXECUTE 'CREATE TABLE dyn (id int)'; END $$;", ""),
    ("D34", "identical", "same", "", "", ""),
    ("D35", "view query changed in a console", "diff",
     "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;",
     "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 1000;", ""),
    ("D36", "view written with *, BETWEEN and ORDER BY 2 vs as stored", "same",
     "CREATE VIEW first_customers AS SELECT * FROM customers WHERE id BETWEEN 1 AND 5 ORDER BY 2;",
     "CREATE VIEW first_customers AS SELECT customers.id, customers.email, customers.full_name "
     "FROM public.customers WHERE ((customers.id >= 1) AND (customers.id <= 5)) ORDER BY customers.email;", ""),
]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def die(message):
    print(f"anchors: {message}", file=sys.stderr)
    sys.exit(2)


def url_for(base, db):
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + db))


def psql(url, sql, allow_fail=False):
    """Statements one by one (so CONCURRENTLY works); `/* fails */` must fail."""
    for statement in split(sql):
        r = run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement])
        fails = "/* fails */" in statement
        if fails and r.returncode == 0:
            die(f"expected to fail: {statement}")
        if not fails and r.returncode != 0:
            die(f"{statement}: {r.stderr.strip()}")


def split(sql):
    """Top-level statements of the cases' SQL (dollar quotes kept whole)."""
    out, current, dollar = [], "", False
    for piece in re.split(r"(\$\$|;)", sql):
        if piece == "$$":
            dollar = not dollar
            current += piece
        elif piece == ";" and not dollar:
            if current.strip():
                out.append(current.strip() + ";")
            current = ""
        else:
            current += piece
    if current.strip():
        out.append(current.strip())
    return out


def ensure_tools():
    venv = os.path.join(CACHE, "migra-venv")
    migra = os.path.join(venv, "bin", "migra")
    if not os.path.exists(migra):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet",
                        f"migra=={MIGRA_VERSION}", "psycopg2-binary", "setuptools<81"], check=True)
    if not shutil.which("apgdiff"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "apgdiff"], check=True,
                       stdout=subprocess.DEVNULL)
    dblint = os.environ.get("DBLINT")
    if not dblint:
        # The newer of the two builds.
        builds = [os.path.join(ROOT, "target", p, "dblint") for p in ("release", "debug")]
        builds = [b for b in builds if os.path.exists(b)]
        dblint = max(builds, key=os.path.getmtime, default=None)
    if not dblint:
        die("no dblint build (cargo build --release, or set DBLINT)")
    return migra, dblint


def sqlalchemy_url(url):
    """migra's URL: SQLAlchemy's name for the psycopg2 driver."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg2://", url)


def dump(url, path, *extra):
    """`pg_dump --schema-only`, without the `\\restrict` lines whose key is random in
    every dump (pg_dump 13.22, 14.19, 15.14, 16.10, 17.6 and later)."""
    r = run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", *extra, url])
    if r.returncode != 0:
        die(f"pg_dump: {r.stderr.strip()}")
    text = "".join(line for line in r.stdout.splitlines(keepends=True)
                   if not line.startswith(("\\restrict ", "\\unrestrict ")))
    with open(path, "w") as f:
        f.write(text)


def verdict(expected, reported, renamed_right=True, listed=False):
    if expected == "same":
        return "✓" if not reported else "✗ false drift"
    if reported:
        return "✓" if renamed_right else "~ drop + add"
    return "~ listed" if listed else "✗ missed"


def main():
    update = "--update-readme" in sys.argv[1:]
    base = os.environ.get("DBLINT_TEST_DATABASE_URL")
    if not base:
        die("set DBLINT_TEST_DATABASE_URL (eval \"$(scripts/pg.sh start)\")")
    migra, dblint = ensure_tools()
    version = run(["psql", base, "-X", "-Atc", "SHOW server_version_num"]).stdout.strip()
    major = int(version) // 10000
    work = tempfile.mkdtemp(prefix="dblint-anchors-")
    rows = []
    try:
        for case_id, what, expected, migration, database, flags in CASES:
            tag = re.sub(r"[^a-z0-9]", "_", case_id.lower())
            ref, drift = f"anchors_{tag}_ref", f"anchors_{tag}_db"
            for db in (ref, drift):
                psql(base, f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};")
            psql(url_for(base, ref), INIT + migration)
            psql(url_for(base, drift), INIT + database)
            folder = os.path.join(work, tag, "migrations")
            os.makedirs(folder)
            with open(os.path.join(folder, "0001_init.sql"), "w") as f:
                f.write(INIT)
            if migration:
                with open(os.path.join(folder, "0002_change.sql"), "w") as f:
                    f.write(migration + "\n")
            rename = "rename" in flags
            kind = flags[5:] if flags.startswith("kind:") else None
            # dblint: the database against the migrations folder, no second server.
            r = run([dblint, "diff", url_for(base, drift), folder, "--format", "json"])
            if r.returncode not in (0, 1):
                die(f"dblint on {case_id}: {r.stderr.strip()}")
            report = json.loads(r.stdout)
            changes = report["comparisons"][0]["changes"]
            listed = kind is not None and any(
                kind in (n.get("kind") or "") for n in report.get("not_compared", []))
            cells = [verdict(expected, bool(changes),
                             renamed_right=not rename or any(c["kind"] == "renamed" for c in changes),
                             listed=listed)]
            # migra: the database built from the migrations against the database.
            r = run([migra, "--unsafe", sqlalchemy_url(url_for(base, ref)),
                     sqlalchemy_url(url_for(base, drift))])
            if r.returncode not in (0, 2):
                print(f"anchors: migra on {case_id}: {r.stderr.strip().splitlines()[-1:]}",
                      file=sys.stderr)
                cells.append("✗ error")
            else:
                out = r.stdout
                cells.append(verdict(expected, r.returncode == 2,
                                     renamed_right=not rename or "rename" in out.lower()))
            # apgdiff and a text diff: both databases dumped.
            a, b = os.path.join(work, tag, "ref.sql"), os.path.join(work, tag, "db.sql")
            dump(url_for(base, ref), a)
            dump(url_for(base, drift), b)
            # apgdiff cannot parse ATTACH PARTITION: it reads dumps without `events`.
            pa, pb = a + ".apgdiff", b + ".apgdiff"
            dump(url_for(base, ref), pa, "--exclude-table=events*")
            dump(url_for(base, drift), pb, "--exclude-table=events*")
            r = run(["apgdiff", "--ignore-start-with", pa, pb])
            if r.returncode != 0:
                print(f"anchors: apgdiff on {case_id}: {r.stderr.strip().splitlines()[:1]}",
                      file=sys.stderr)
                cells.append("✗ error")
            else:
                cells.append(verdict(expected, bool(r.stdout.strip()),
                                     renamed_right=not rename or "rename" in r.stdout.lower()))
            r = run(["diff", "-q", a, b])
            cells.append(verdict(expected, r.returncode == 1, renamed_right=not rename))
            for db in (ref, drift):
                psql(base, f"DROP DATABASE {db};")
            rows.append((case_id, what, expected, cells))
            print(f"anchors: {case_id}: {' | '.join(cells)}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    migra_version = run([os.path.join(os.path.dirname(migra), "pip"), "show", "migra"]).stdout
    migra_version = re.search(r"Version: (\S+)", migra_version).group(1)
    apgdiff_version = run(["dpkg-query", "-W", "-f", "${Version}", "apgdiff"]).stdout.strip()
    lines = [
        f"| case | expected | dblint | migra {migra_version.split('.')[0]}.{migra_version.split('.')[1][:1]} | apgdiff {apgdiff_version.split('-')[0]} | pg_dump + diff |",
        "|---|---|---|---|---|---|",
    ]
    right = [0, 0, 0, 0]
    for case_id, what, expected, cells in rows:
        for i, c in enumerate(cells):
            right[i] += c == "✓"
        lines.append(f"| {case_id} {what} | {'a difference' if expected == 'diff' else 'none'} | "
                     + " | ".join(cells) + " |")
    lines.append(f"| **right** | | **{right[0]}/{len(rows)}** | {right[1]}/{len(rows)} | "
                 f"{right[2]}/{len(rows)} | {right[3]}/{len(rows)} |")
    lines.append("")
    lines.append(f"Run on PostgreSQL {major} by `scripts/anchors.py`. dblint replays the migrations "
                 "itself; migra compares the database with a second one loaded from the migrations; "
                 "apgdiff and the text diff compare `pg_dump --schema-only` of both (apgdiff without "
                 "the partitioned table, whose `ATTACH PARTITION` it cannot parse, so D28 is outside "
                 "what it sees).")
    table = "\n".join(lines)
    print(table)
    if update:
        readme = os.path.join(ROOT, "README.md")
        text = open(readme).read()
        start = "<!-- generated: anchors (scripts/anchors.py --update-readme rewrites it) -->"
        end = "<!-- end of generated anchors -->"
        if start not in text or end not in text:
            die("README.md has no anchors markers")
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        with open(readme, "w") as f:
            f.write(head + start + "\n" + table + "\n" + end + tail)


if __name__ == "__main__":
    main()
