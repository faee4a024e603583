//! `dblint diff` and the model comparison behind it (`dblint::compare`), against a real
//! PostgreSQL.
//!
//! - **Mutations** (the coverage proof): `tests/fixtures/diff/base.sql` holds every
//!   kind of object and member the model compares. Each mutation changes one thing,
//!   once in SQL (replayed after the base) and once on a database loaded from the base;
//!   both must differ from the base in exactly the changes listed, in both argument
//!   orders. Every property the comparison emits for the base must be changed by some
//!   mutation, or be listed as one that cannot change in place; a comparison that
//!   looked at one side twice, or dropped a property, fails here.
//! - **Planted drift**: databases changed by hand against their migrations, through the
//!   command line: what is reported, in which group, with which exit code; equivalent
//!   spellings that must report nothing.
//!
//! Needs a server (`eval "$(scripts/pg.sh start)"`); without one these tests fail.

mod common;

use common::pg::{admin_url, catalog_model, fresh_db, load, server_major, url_for};
use common::{dblint, root, temp_tree};
use dblint::compare::{self, Change, Options};
use std::collections::BTreeSet;

/// Where a mutation can be made.
#[derive(Clone, Copy, PartialEq)]
enum Frontends {
    /// In SQL and on a database.
    Both,
    /// Only on a database (no statement makes it: an index left invalid).
    Catalog,
}

struct Mutation {
    name: &'static str,
    /// Oldest PostgreSQL major that accepts `sql`.
    since: u32,
    sql: &'static str,
    /// The paths of the changes it must make (`Change::path`), sorted.
    expected: &'static [&'static str],
    /// The paths from the mutated side to the base, where they differ: a rename is
    /// named by its first side's name.
    reversed: Option<&'static [&'static str]>,
    frontends: Frontends,
}

const fn m(name: &'static str, sql: &'static str, expected: &'static [&'static str]) -> Mutation {
    Mutation {
        name,
        since: 12,
        sql,
        expected,
        reversed: None,
        frontends: Frontends::Both,
    }
}

const fn reversed(mut x: Mutation, paths: &'static [&'static str]) -> Mutation {
    x.reversed = Some(paths);
    x
}

const fn since(mut x: Mutation, major: u32) -> Mutation {
    x.since = major;
    x
}

const O: &str = "table public.orders";

/// Properties no statement changes in place, so no mutation can prove them alone: a
/// table's kind and partition key, a domain's base type, and an index's role (which
/// follows from the constraint that owns it).
const FIXED: &[&str] = &[
    "table||kind",
    "table||partition_key",
    "domain||base",
    "table|index|role",
];

fn mutations() -> Vec<Mutation> {
    vec![
        m("column type", "ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);", &["table public.orders column note type"]),
        m("type of a column a view reads", "DROP VIEW order_totals; ALTER TABLE orders ALTER COLUMN id TYPE bigint; CREATE VIEW order_totals AS SELECT id, total FROM orders;", &["table public.orders column id type"]),
        m("column not null", "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;", &["table public.orders column note not_null"]),
        m("column default changed", "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;", &["table public.orders column total default"]),
        m("column default dropped", "ALTER TABLE orders ALTER COLUMN created_at DROP DEFAULT;", &["table public.orders column created_at default"]),
        m("identity", "ALTER TABLE customers ALTER COLUMN id SET GENERATED ALWAYS;", &["table public.customers column id identity"]),
        m("generated expression", "ALTER TABLE orders DROP COLUMN doubled; ALTER TABLE orders ADD COLUMN doubled numeric GENERATED ALWAYS AS (total * 3) STORED;", &["table public.orders column doubled generated"]),
        m("serial", "ALTER TABLE orders ALTER COLUMN id DROP DEFAULT;", &["table public.orders column id default", "table public.orders column id serial"]),
        m("column collation", "ALTER TABLE customers ALTER COLUMN name TYPE text COLLATE \"C\";", &["table public.customers column name collation"]),
        m("column comment", "COMMENT ON COLUMN orders.note IS 'other';", &["table public.orders column note comment"]),
        m("table comment", "COMMENT ON TABLE orders IS NULL;", &["table public.orders comment"]),
        m("unlogged", "ALTER TABLE scratch SET LOGGED;", &["table public.scratch unlogged"]),
        m("partition detached", "ALTER TABLE events DETACH PARTITION events_2020;", &["table public.events_2020 partition_of"]),
        m("default partition", "ALTER TABLE events DETACH PARTITION events_2020; ALTER TABLE events ATTACH PARTITION events_2020 DEFAULT;", &["table public.events_2020 partition_of"]),
        m("partition bounds", "ALTER TABLE events DETACH PARTITION events_2020; ALTER TABLE events ATTACH PARTITION events_2020 FOR VALUES FROM ('2019-01-01') TO ('2021-01-01');", &["table public.events_2020 partition_of"]),
        m("inheritance", "ALTER TABLE app_log NO INHERIT base_log;", &["table public.app_log inherits"]),
        m("row security", "ALTER TABLE orders DISABLE ROW LEVEL SECURITY;", &["table public.orders row_security"]),
        m("forced row security", "ALTER TABLE orders FORCE ROW LEVEL SECURITY;", &["table public.orders force_row_security"]),
        m("column order", "ALTER TABLE pairs DROP COLUMN a; ALTER TABLE pairs ADD COLUMN a int;", &["table public.pairs column_order"]),
        m("primary key columns", "ALTER TABLE keyed DROP CONSTRAINT keyed_pkey; ALTER TABLE keyed ADD CONSTRAINT keyed_pkey PRIMARY KEY (a, c);", &["table public.keyed index keyed_pkey keys", "table public.keyed primary key keyed_pkey columns"]),
        m("primary key include", "ALTER TABLE keyed DROP CONSTRAINT keyed_pkey; ALTER TABLE keyed ADD CONSTRAINT keyed_pkey PRIMARY KEY (a) INCLUDE (c);", &["table public.keyed index keyed_pkey include", "table public.keyed primary key keyed_pkey include"]),
        m("primary key deferrable", "ALTER TABLE keyed DROP CONSTRAINT keyed_pkey; ALTER TABLE keyed ADD CONSTRAINT keyed_pkey PRIMARY KEY (a) DEFERRABLE;", &["table public.keyed primary key keyed_pkey deferrable"]),
        m("referenced primary key", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE customers DROP CONSTRAINT customers_pkey; ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id) INCLUDE (code); ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;", &["table public.customers index customers_pkey include", "table public.customers primary key customers_pkey include"]),
        m("unique columns", "ALTER TABLE keyed DROP CONSTRAINT keyed_b_key; ALTER TABLE keyed ADD CONSTRAINT keyed_b_key UNIQUE (b, c);", &["table public.keyed index keyed_b_key keys", "table public.keyed unique keyed_b_key columns"]),
        m("unique include", "ALTER TABLE keyed DROP CONSTRAINT keyed_b_key; ALTER TABLE keyed ADD CONSTRAINT keyed_b_key UNIQUE (b) INCLUDE (c);", &["table public.keyed index keyed_b_key include", "table public.keyed unique keyed_b_key include"]),
        since(m("unique nulls not distinct", "ALTER TABLE keyed DROP CONSTRAINT keyed_b_key; ALTER TABLE keyed ADD CONSTRAINT keyed_b_key UNIQUE NULLS NOT DISTINCT (b);", &["table public.keyed index keyed_b_key nulls_not_distinct", "table public.keyed unique keyed_b_key nulls_not_distinct"]), 15),
        m("unique deferrable", "ALTER TABLE keyed DROP CONSTRAINT keyed_b_key; ALTER TABLE keyed ADD CONSTRAINT keyed_b_key UNIQUE (b) DEFERRABLE;", &["table public.keyed unique keyed_b_key deferrable"]),
        m("check not validated", "ALTER TABLE orders DROP CONSTRAINT orders_total_check; ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0 AND state IN ('new', 'done')) NOT VALID;", &["table public.orders check orders_total_check validated"]),
        m("check expression", "ALTER TABLE orders DROP CONSTRAINT orders_total_check; ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0 AND state IN ('new', 'done'));", &["table public.orders check orders_total_check expression"]),
        m("check added", "ALTER TABLE orders ADD CONSTRAINT orders_note_check CHECK (note <> '');", &["table public.orders check orders_note_check"]),
        m("exclusion dropped", "ALTER TABLE slots DROP CONSTRAINT slots_r_excl;", &["table public.slots exclusion slots_r_excl"]),
        m("foreign key columns", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (other_customer_id) REFERENCES customers (id) ON DELETE CASCADE;", &["table public.orders foreign key orders_customer_fk columns"]),
        m("foreign key target", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES suppliers (id) ON DELETE CASCADE;", &["table public.orders foreign key orders_customer_fk references"]),
        m("foreign key target columns", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (code) ON DELETE CASCADE;", &["table public.orders foreign key orders_customer_fk referenced_columns"]),
        m("foreign key on delete", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT;", &["table public.orders foreign key orders_customer_fk on_delete"]),
        m("foreign key on update", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE;", &["table public.orders foreign key orders_customer_fk on_update"]),
        since(m("foreign key set columns", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL (customer_id);", &["table public.orders foreign key orders_customer_fk delete_set_columns", "table public.orders foreign key orders_customer_fk on_delete"]), 15),
        m("foreign key match", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) MATCH FULL ON DELETE CASCADE;", &["table public.orders foreign key orders_customer_fk match"]),
        m("foreign key deferrable", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE;", &["table public.orders foreign key orders_customer_fk deferrable"]),
        m("foreign key initially deferred", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;", &["table public.orders foreign key orders_customer_fk deferrable", "table public.orders foreign key orders_customer_fk initially_deferred"]),
        m("foreign key not validated", "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk; ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;", &["table public.orders foreign key orders_customer_fk validated"]),
        m("index method", "DROP INDEX orders_created_idx; CREATE INDEX orders_created_idx ON orders USING brin (created_at) WHERE note IS NULL;", &["table public.orders index orders_created_idx method"]),
        m("index unique", "DROP INDEX orders_created_idx; CREATE UNIQUE INDEX orders_created_idx ON orders (created_at) WHERE note IS NULL;", &["table public.orders index orders_created_idx unique"]),
        since(m("index nulls not distinct", "DROP INDEX orders_lower_note; CREATE INDEX orders_lower_note ON orders (lower(note)) NULLS NOT DISTINCT;", &["table public.orders index orders_lower_note nulls_not_distinct"]), 15),
        m("index include", "DROP INDEX orders_created_idx; CREATE INDEX orders_created_idx ON orders (created_at) INCLUDE (total) WHERE note IS NULL;", &["table public.orders index orders_created_idx include"]),
        m("index predicate", "DROP INDEX orders_created_idx; CREATE INDEX orders_created_idx ON orders (created_at) WHERE note IS NOT NULL;", &["table public.orders index orders_created_idx predicate"]),
        Mutation {
            frontends: Frontends::Catalog,
            ..m("index invalid", "UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = 'orders_created_idx'::regclass;", &["table public.orders index orders_created_idx valid"])
        },
        m("index key order", "DROP INDEX orders_created_idx; CREATE INDEX orders_created_idx ON orders (created_at DESC) WHERE note IS NULL;", &["table public.orders index orders_created_idx keys"]),
        m("index key nulls", "DROP INDEX orders_created_idx; CREATE INDEX orders_created_idx ON orders (created_at NULLS FIRST) WHERE note IS NULL;", &["table public.orders index orders_created_idx keys"]),
        m("index expression", "DROP INDEX orders_lower_note; CREATE INDEX orders_lower_note ON orders (upper(note));", &["table public.orders index orders_lower_note keys"]),
        m("index key collation", "DROP INDEX orders_lower_note; CREATE INDEX orders_lower_note ON orders (note COLLATE \"C\");", &["table public.orders index orders_lower_note keys"]),
        m("index key operator class", "DROP INDEX orders_lower_note; CREATE INDEX orders_lower_note ON orders (note text_pattern_ops);", &["table public.orders index orders_lower_note keys"]),
        m("index added", "CREATE INDEX hotfix_orders_total ON orders (total);", &["table public.orders index hotfix_orders_total"]),
        reversed(
            m("index renamed", "ALTER INDEX orders_created_idx RENAME TO orders_created_at_idx;", &["table public.orders index orders_created_idx"]),
            &["table public.orders index orders_created_at_idx"],
        ),
        reversed(
            m("column renamed", "ALTER TABLE orders RENAME COLUMN note TO remark;", &["table public.orders column note", "table public.orders column_order", "table public.orders index orders_created_idx predicate", "table public.orders index orders_lower_note keys"]),
            &["table public.orders column remark", "table public.orders column_order", "table public.orders index orders_created_idx predicate", "table public.orders index orders_lower_note keys"],
        ),
        m("column added", "ALTER TABLE orders ADD COLUMN extra int;", &["table public.orders column extra", "table public.orders column_order"]),
        m("policy command", "DROP POLICY own ON orders; CREATE POLICY own ON orders FOR UPDATE TO public USING (customer_id = 1);", &["table public.orders policy own command"]),
        m("policy restrictive", "DROP POLICY own ON orders; CREATE POLICY own ON orders AS RESTRICTIVE FOR SELECT TO public USING (customer_id = 1);", &["table public.orders policy own permissive"]),
        m("policy roles", "DROP POLICY own ON orders; CREATE POLICY own ON orders FOR SELECT TO pg_monitor USING (customer_id = 1);", &["table public.orders policy own roles"]),
        m("policy using", "DROP POLICY own ON orders; CREATE POLICY own ON orders FOR SELECT TO public USING (customer_id = 2);", &["table public.orders policy own using"]),
        m("policy with check", "DROP POLICY ins ON orders; CREATE POLICY ins ON orders FOR INSERT TO public WITH CHECK (total >= 0);", &["table public.orders policy ins with_check"]),
        m("policy subquery", "DROP POLICY mine ON orders; CREATE POLICY mine ON orders FOR DELETE TO public USING (EXISTS (SELECT 1 FROM customers c WHERE c.id = other_customer_id AND c.code > 0));", &["table public.orders policy mine using"]),
        m("policy added", "CREATE POLICY upd ON orders FOR UPDATE USING (true);", &["table public.orders policy upd"]),
        m("enum value added", "ALTER TYPE status ADD VALUE 'late';", &["enum public.status values"]),
        m("enum value order", "ALTER TYPE status ADD VALUE 'early' BEFORE 'new';", &["enum public.status values"]),
        m("domain nullable", "ALTER DOMAIN positive DROP NOT NULL;", &["domain public.positive not_null"]),
        m("domain default", "ALTER DOMAIN positive DROP DEFAULT;", &["domain public.positive default"]),
        m("domain default value", "ALTER DOMAIN positive SET DEFAULT 5;", &["domain public.positive default"]),
        m("domain check", "ALTER DOMAIN positive ADD CONSTRAINT below CHECK (VALUE < 100);", &["domain public.positive checks"]),
        m("view dropped", "DROP VIEW order_totals;", &["view public.order_totals"]),
        m("view query", "CREATE OR REPLACE VIEW order_totals AS SELECT id, total FROM orders WHERE total > 0;", &["view public.order_totals query"]),
        m("view column renamed", "ALTER TABLE order_totals RENAME COLUMN total TO amount;", &["view public.order_totals columns"]),
        m("view column added", "CREATE OR REPLACE VIEW order_totals AS SELECT id, total, note FROM orders;", &["view public.order_totals columns", "view public.order_totals query"]),
        m("materialized view query", "DROP MATERIALIZED VIEW order_counts; CREATE MATERIALIZED VIEW order_counts AS SELECT count(*) AS n FROM orders WHERE total > 0; CREATE UNIQUE INDEX order_counts_n ON order_counts (n);", &["materialized view public.order_counts query"]),
        m("materialized view column renamed", "ALTER MATERIALIZED VIEW order_counts RENAME COLUMN n TO total_n;", &["materialized view public.order_counts columns"]),
        m("materialized view dropped", "DROP MATERIALIZED VIEW order_counts;", &["materialized view public.order_counts"]),
        m("materialized view not populated", "DROP MATERIALIZED VIEW order_counts; CREATE MATERIALIZED VIEW order_counts AS SELECT count(*) AS n FROM orders WITH NO DATA; CREATE UNIQUE INDEX order_counts_n ON order_counts (n);", &["materialized view public.order_counts populated"]),
        m("materialized view unique index", "DROP INDEX order_counts_n;", &["materialized view public.order_counts unique_indexes"]),
        m("sequence type", "ALTER SEQUENCE counter AS bigint;", &["sequence public.counter max_value", "sequence public.counter type"]),
        m("sequence increment", "ALTER SEQUENCE counter INCREMENT BY 10;", &["sequence public.counter increment"]),
        m("sequence minimum", "ALTER SEQUENCE counter MINVALUE -5;", &["sequence public.counter min_value"]),
        m("sequence maximum", "ALTER SEQUENCE counter MAXVALUE 1000;", &["sequence public.counter max_value"]),
        m("sequence start", "ALTER SEQUENCE counter START WITH 7;", &["sequence public.counter start"]),
        m("sequence cache", "ALTER SEQUENCE counter CACHE 20;", &["sequence public.counter cache"]),
        m("sequence cycle", "ALTER SEQUENCE counter CYCLE;", &["sequence public.counter cycle"]),
        m("identity sequence", "ALTER TABLE customers ALTER COLUMN id SET INCREMENT BY 2;", &["sequence public.customers_id_seq increment"]),
        m("sequence owner", "ALTER SEQUENCE counter OWNED BY pairs.b;", &["sequence public.counter owned_by"]),
        m("schema added", "CREATE SCHEMA extra;", &["schema extra"]),
        reversed(
            m("table renamed", "ALTER TABLE scratch RENAME TO scratch_v2;", &["table public.scratch"]),
            &["table public.scratch_v2"],
        ),
        m("table added", "CREATE TABLE app.more (id int);", &["table app.more"]),
        m("enum added", "CREATE TYPE mood AS ENUM ('ok');", &["enum public.mood"]),
        m("domain added", "CREATE DOMAIN short_text AS text;", &["domain public.short_text"]),
        m("sequence added", "CREATE SEQUENCE tickets;", &["sequence public.tickets"]),
    ]
}

fn base_sql() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/diff/base.sql")).unwrap()
}

fn replayed(sql: &str) -> dblint::model::Database {
    let (db, diagnostics) = dblint::source::sql::database_from_sql(sql);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.level == dblint::source::DiagnosticLevel::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "replay: {errors:?}");
    db
}

/// The paths of the changes from `a` to `b`, sorted, and the `(object kind, member
/// kind, property)` templates of the properties that changed.
fn changes(
    a: &dblint::model::Database,
    b: &dblint::model::Database,
) -> (Vec<String>, BTreeSet<String>) {
    let options = Options::default();
    let found = compare::changes(
        &compare::facts(a, &options),
        &compare::facts(b, &options),
        &|_, _, _, _| false,
    );
    let mut paths: Vec<String> = found.iter().map(Change::path).collect();
    paths.sort();
    let templates = found
        .iter()
        .filter_map(|c| match c {
            Change::Changed(d) => Some(template(&d.key)),
            // An object or member only one side has proves its existence is compared.
            Change::Only { object, member, .. } => Some(format!(
                "{}|{}|exists",
                object_kind(object),
                compare::facts::member_kind(member)
            )),
            Change::Renamed { .. } => None,
        })
        .collect();
    (paths, templates)
}

fn object_kind(object: &str) -> &str {
    [
        "materialized view",
        "table",
        "enum",
        "domain",
        "view",
        "sequence",
        "schema",
    ]
    .into_iter()
    .find(|k| object.starts_with(&format!("{k} ")))
    .unwrap_or(object)
}

fn template(key: &compare::Key) -> String {
    format!(
        "{}|{}|{}",
        object_kind(&key.object),
        key.member_kind(),
        key.property
    )
}

/// `dblint diff --fix`'s statements from `have` to `want`, run on database `db` (whose
/// model is `have`) one by one: afterwards the database must differ from `want` in
/// exactly the changes the plan said it has no statement for. Those paths, or what
/// went wrong.
fn fix_round_trip(
    label: &str,
    have: &dblint::model::Database,
    want: &dblint::model::Database,
    db: &str,
    major: u32,
) -> Result<Vec<String>, String> {
    let options = Options::default();
    let found = compare::changes(
        &compare::facts(have, &options),
        &compare::facts(want, &options),
        &|_, _, _, _| false,
    );
    let plan = compare::reconcile::plan(
        have,
        want,
        &found,
        true,
        compare::reconcile::Settings {
            allow_drop: true,
            pg_version: major,
        },
    );
    let script = plan.script(&[]);
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    for s in dblint::source::sql::split::split(&script).statements {
        if let Err(e) = client.simple_query(&s.sql) {
            return Err(format!(
                "{label}: PostgreSQL {major} rejects `{}`: {e}\n{script}",
                s.sql
            ));
        }
    }
    drop(client);
    let (left, _) = changes(&catalog_model(db), want);
    let mut skipped: Vec<String> = plan.skipped.iter().map(|(p, _)| p.clone()).collect();
    skipped.sort();
    skipped.dedup();
    if left != skipped {
        return Err(format!(
            "{label}: after the fix {left:?}; the plan left {skipped:?}\n{script}"
        ));
    }
    Ok(skipped)
}

/// The mutations whose fix, in one direction, has no statement for some change:
/// what PostgreSQL cannot do in place, or what the model does not hold.
const FIX_LEAVES: &[&str] = &[
    "column order (fix: base → database)",
    "column order (fix: database → base)",
    "check not validated (fix: base → database)",
    "exclusion dropped (fix: database → base)",
    "foreign key not validated (fix: base → database)",
    "index invalid (fix: base → database)",
    "enum value added (fix: database → base)",
    "enum value order (fix: database → base)",
    "domain check (fix: base → database)",
    "domain check (fix: database → base)",
    "materialized view dropped (fix: database → base)",
    "materialized view query (fix: base → database)",
    "materialized view query (fix: database → base)",
    "materialized view not populated (fix: base → database)",
    "materialized view unique index (fix: base → database)",
    "materialized view unique index (fix: database → base)",
];

/// The one comparison both frontends share: each mutation gives exactly its changes,
/// in both argument orders, replayed from SQL and read from a database; every property
/// of the base is changed by some mutation.
#[test]
fn every_property_is_compared_on_both_frontends_in_both_directions() {
    let major = server_major();
    let base = base_sql();
    let base_model = replayed(&base);
    let mut failures = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();

    // The base itself: identical from SQL and from the catalog.
    let base_db = fresh_db("diff_base");
    load(&base_db, &[root().join("tests/fixtures/diff/base.sql")]);
    let (same, _) = changes(&catalog_model(&base_db), &base_model);
    assert!(
        same.is_empty(),
        "the base read from its database differs from its SQL: {same:#?}"
    );

    let base_catalog = catalog_model(&base_db);
    // Mutations whose fix leaves something (FIX_LEAVES).
    let mut leaves: BTreeSet<String> = BTreeSet::new();
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    let mutations = mutations();
    for (i, mutation) in mutations.iter().enumerate() {
        let sorted = |paths: &[&str]| {
            let mut v: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        let forward = sorted(mutation.expected);
        let backward = sorted(mutation.reversed.unwrap_or(mutation.expected));
        // SQL: the base, then the mutation, replayed.
        if mutation.frontends == Frontends::Both {
            let mutated = replayed(&format!("{base}\n{}", mutation.sql));
            for (order, (a, b), expected) in [
                ("base → SQL", (&base_model, &mutated), &forward),
                ("SQL → base", (&mutated, &base_model), &backward),
            ] {
                let (paths, templates) = changes(a, b);
                covered.extend(templates);
                if paths != *expected {
                    failures.push(format!(
                        "{} ({order}): expected {expected:?}, got {paths:?}",
                        mutation.name
                    ));
                }
            }
        }
        // A database: a copy of the base's, mutated.
        if major >= mutation.since {
            let name = format!("{base_db}_m{i}");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {base_db}"))
                .unwrap();
            let mut client =
                postgres::Client::connect(&url_for(&name, ""), postgres::NoTls).unwrap();
            if let Err(e) = client.batch_execute(mutation.sql) {
                failures.push(format!(
                    "{}: PostgreSQL {major} rejects the mutation: {e}",
                    mutation.name
                ));
                continue;
            }
            drop(client);
            let catalog = catalog_model(&name);
            for (order, (a, b), expected) in [
                ("base → database", (&base_model, &catalog), &forward),
                ("database → base", (&catalog, &base_model), &backward),
            ] {
                let (paths, templates) = changes(a, b);
                covered.extend(templates);
                if paths != *expected {
                    failures.push(format!(
                        "{} ({order}): expected {expected:?}, got {paths:?}",
                        mutation.name
                    ));
                }
            }
            // `--fix migrations`: the base made like the mutated database, on a copy
            // of the base's database.
            let copy = format!("{base_db}_f{i}");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {copy}"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {copy} TEMPLATE {base_db}"))
                .unwrap();
            let label = format!("{} (fix: base → database)", mutation.name);
            match fix_round_trip(&label, &base_catalog, &catalog, &copy, major) {
                Ok(left) if !left.is_empty() => {
                    leaves.insert(label);
                }
                Ok(_) => {}
                Err(e) => failures.push(e),
            }
            admin
                .batch_execute(&format!("DROP DATABASE {copy}"))
                .unwrap();
            // `--fix database`: the mutated database made like the base.
            let label = format!("{} (fix: database → base)", mutation.name);
            match fix_round_trip(&label, &catalog, &base_model, &name, major) {
                Ok(left) if !left.is_empty() => {
                    leaves.insert(label);
                }
                Ok(_) => {}
                Err(e) => failures.push(e),
            }
            admin
                .batch_execute(&format!("DROP DATABASE {name}"))
                .unwrap();
        }
    }
    // Every property the base has is proven by some mutation.
    let all: BTreeSet<String> = compare::facts(&base_model, &Options::default())
        .keys()
        .map(template)
        .collect();
    let unproven: Vec<&String> = all
        .iter()
        .filter(|t| !covered.contains(*t) && !FIXED.contains(&t.as_str()))
        .filter(|t| {
            major >= 15 || !t.ends_with("nulls_not_distinct") && !t.ends_with("delete_set_columns")
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} mutation(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        unproven.is_empty(),
        "properties no mutation changes: {unproven:?}"
    );
    // Changing a generation expression in place needs PostgreSQL 17.
    let mut expected_leaves: BTreeSet<String> = FIX_LEAVES.iter().map(|s| s.to_string()).collect();
    if major < 17 {
        for direction in ["base → database", "database → base"] {
            expected_leaves.insert(format!("generated expression (fix: {direction})"));
        }
    }
    assert_eq!(
        leaves, expected_leaves,
        "the mutations whose fix leaves a change without a statement"
    );
    let _ = O;
}

// ---------- planted drift, through the command line ----------

const INIT: &str = "\
CREATE TYPE status AS ENUM ('new', 'active', 'done');
CREATE TABLE customers (
    id bigint NOT NULL PRIMARY KEY,
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
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    code varchar(20) CHECK (code IN ('a', 'b')),
    tags jsonb DEFAULT '{}',
    starts time CHECK (starts >= '00:00'),
    n int CHECK (n BETWEEN 1 AND 5),
    same int CHECK (same IS NOT DISTINCT FROM n)
);
CREATE INDEX orders_live ON orders (created_at) WHERE deleted_at IS NULL;
";

const LATER: &str = "\
ALTER TABLE orders ADD CONSTRAINT orders_customer_check FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_check;
CREATE UNIQUE INDEX orders_code_key ON orders (code);
DO $$ BEGIN UPDATE orders SET total = 0 WHERE total IS NULL; END $$;
SELECT pg_catalog.setval('orders_id_seq', 1, false);
";

/// A migrations folder (`0001_init.sql`, `0002_later.sql`), a database built from it,
/// then `plant` run on the database statement by statement (so `CONCURRENTLY` works).
fn planted(tag: &str, plant: &str) -> (tempfile::TempDir, String) {
    let dir = temp_tree(&[
        ("migrations/0001_init.sql", INIT),
        ("migrations/0002_later.sql", LATER),
    ]);
    let db = fresh_db(tag);
    let mut files: Vec<_> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    load(&db, &files);
    run_sql(&db, plant);
    (dir, db)
}

/// Statements one by one, outside a transaction; one marked `/* fails */` must fail.
fn run_sql(db: &str, sql: &str) {
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    for s in dblint::source::sql::split::split(sql).statements {
        let result = client.simple_query(&s.sql);
        if s.sql.contains("/* fails */") {
            assert!(result.is_err(), "expected to fail: {}", s.sql);
        } else {
            result.unwrap_or_else(|e| panic!("{}: {e}", s.sql));
        }
    }
}

/// `dblint diff <database> <migrations> --format json …`: the exit code and the
/// changes of the one comparison as `(kind, group, path)`.
fn diff_json(
    db: &str,
    dir: &tempfile::TempDir,
    extra: &[&str],
) -> (i32, Vec<Triple>, serde_json::Value) {
    let url = url_for(db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let mut args = vec![
        "diff",
        url.as_str(),
        migrations.as_str(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let run = dblint(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let changes = json["comparisons"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["group"].as_str().unwrap().to_string(),
                c["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (run.code, changes, json)
}

/// A change as `(kind, group, path)`.
type Triple = (String, String, String);

fn triple(kind: &str, group: &str, path: &str) -> Triple {
    (kind.into(), group.into(), path.into())
}

/// The catalogue of planted drift (the design note's D-cases this model covers): each
/// database change is reported exactly once, in its group, and the run exits 1; the
/// migrations' own spellings (`IN`, `BETWEEN`, `IS NOT DISTINCT FROM`, `'00:00'`,
/// `'{}'`, `CURRENT_TIMESTAMP`, a `bigserial`) are no difference at all.
#[test]
fn planted_drift_is_reported_once_each_in_its_group() {
    let s = "structure";
    let cases: Vec<(&str, &str, Vec<Triple>)> = vec![
        ("identical", "", vec![]),
        ("d1_hotfix_index", "CREATE INDEX CONCURRENTLY hotfix_orders_total ON orders (total);",
         vec![triple("only_in_reference", s, "table public.orders index hotfix_orders_total")]),
        ("d2_invalid_index", "DROP INDEX orders_code_key; INSERT INTO customers VALUES (1, 'a@x', 'A'); INSERT INTO orders (customer_id, code) VALUES (1, 'a'), (1, 'a'); CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON orders (code) /* fails */;",
         vec![triple("changed", "validity", "table public.orders index orders_code_key valid")]),
        ("d3_type", "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
         vec![triple("changed", s, "table public.orders column total type")]),
        ("d4_nullable", "ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;",
         vec![triple("changed", s, "table public.customers column email not_null")]),
        ("d5_default", "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;",
         vec![triple("changed", s, "table public.orders column total default")]),
        ("d8_check", "ALTER TABLE orders DROP CONSTRAINT orders_price_check; ALTER TABLE orders ADD CONSTRAINT orders_price_check CHECK (price >= 0);",
         vec![triple("changed", s, "table public.orders check orders_price_check expression")]),
        ("d10_enum_value", "ALTER TYPE status ADD VALUE 'archived';",
         vec![triple("changed", s, "enum public.status values")]),
        ("d11_not_validated", "ALTER TABLE orders DROP CONSTRAINT orders_customer_check; ALTER TABLE orders ADD CONSTRAINT orders_customer_check FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;",
         vec![triple("changed", "validity", "table public.orders foreign key orders_customer_check validated")]),
        ("d12_actions", "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey; ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE;",
         vec![triple("changed", s, "table public.orders foreign key orders_customer_id_fkey deferrable"), triple("changed", s, "table public.orders foreign key orders_customer_id_fkey on_delete")]),
        ("d13_index_renamed", "ALTER INDEX orders_live RENAME TO orders_live_idx;",
         vec![triple("renamed", s, "table public.orders index orders_live_idx")]),
        ("d14_column_renamed", "ALTER TABLE customers RENAME COLUMN full_name TO name;",
         vec![triple("renamed", s, "table public.customers column name")]),
        ("renamed_table", "ALTER TABLE customers RENAME TO clients;",
         vec![triple("renamed", s, "table public.clients")]),
        ("d15_default_name", "ALTER TABLE orders RENAME CONSTRAINT orders_customer_id_fkey TO fk_rails_abc;",
         vec![triple("renamed", "names", "table public.orders foreign key fk_rails_abc")]),
        ("d17_opclass", "DROP INDEX customers_email; CREATE INDEX customers_email ON customers (lower(email) text_pattern_ops);",
         vec![triple("changed", s, "table public.customers index customers_email keys")]),
        ("d18_predicate", "DROP INDEX orders_live; CREATE INDEX orders_live ON orders (created_at) WHERE deleted_at IS NOT NULL;",
         vec![triple("changed", s, "table public.orders index orders_live predicate")]),
        ("d19_expression_include", "DROP INDEX customers_email; CREATE INDEX customers_email ON customers (upper(email)) INCLUDE (full_name);",
         vec![triple("changed", s, "table public.customers index customers_email include"), triple("changed", s, "table public.customers index customers_email keys")]),
        // A DO block that only changes rows, and pg_dump's setval: neither can create
        // an object, so a hot-fix index is still drift.
        ("rows_only_do_block", "CREATE INDEX hotfix_orders_state ON orders (state);",
         vec![triple("only_in_reference", s, "table public.orders index hotfix_orders_state")]),
        ("d29_rollback_moves_a_column", "ALTER TABLE orders DROP COLUMN tags; ALTER TABLE orders ADD COLUMN tags jsonb DEFAULT '{}';", vec![]),
    ];
    let mut failures = Vec::new();
    for (tag, plant, expected) in &cases {
        let (dir, db) = planted(tag, plant);
        let (code, changes, _) = diff_json(&db, &dir, &[]);
        let mut expected = expected.clone();
        expected.sort();
        let mut changes = changes;
        changes.sort();
        if changes != expected {
            failures.push(format!("{tag}: expected {expected:?}, got {changes:?}"));
        }
        let want = if expected.is_empty() { 0 } else { 1 };
        if code != want {
            failures.push(format!("{tag}: exit {code}, expected {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each changed property names both values and the migration line that defined the
/// expected one; the human and Markdown reports say the same.
#[test]
fn a_difference_names_both_values_and_the_migration_line() {
    let (dir, db) = planted(
        "values",
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    );
    let (_, _, json) = diff_json(&db, &dir, &[]);
    let change = &json["comparisons"][0]["changes"][0];
    assert_eq!(change["reference"]["value"], "numeric(14,2)");
    assert_eq!(change["side"]["value"], "numeric(12,2)");
    let location = change["side"]["location"].as_str().unwrap();
    assert!(location.ends_with("0001_init.sql:8"), "{location}");
    let url = url_for(&db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let human = dblint(&["diff", &url, &migrations]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("column total type: numeric(14,2) (database) ≠ numeric(12,2) (migrations)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("0001_init.sql:8"), "{}", human.stdout);
    let markdown = dblint(&["diff", &url, &migrations, "--format", "markdown"]);
    assert!(
        markdown
            .stdout
            .contains("| `table public.orders` | ~ column total type"),
        "{}",
        markdown.stdout
    );
}

/// Enum labels compared in order: `ADD VALUE … BEFORE` in the migrations against one
/// added at the end on the database.
#[test]
fn enum_order_is_a_difference() {
    let dir = temp_tree(&[(
        "migrations/0001.sql",
        "CREATE TYPE s AS ENUM ('a', 'c');\nALTER TYPE s ADD VALUE 'b' BEFORE 'c';\nCREATE TABLE t (v s);\n",
    )]);
    let db = fresh_db("enum_order");
    run_sql(
        &db,
        "CREATE TYPE s AS ENUM ('a', 'c'); ALTER TYPE s ADD VALUE 'b'; CREATE TABLE t (v s);",
    );
    let (code, changes, _) = diff_json(&db, &dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        changes,
        vec![triple("changed", "structure", "enum public.s values")]
    );
    let url = url_for(&db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let human = dblint(&["diff", &url, &migrations]);
    assert!(human.stdout.contains("order differs"), "{}", human.stdout);
}

/// `--ignore` globs and groups, `[diff]` in dblint.toml, a warning for an ignore that
/// matches nothing; `--strict` compares column order.
#[test]
fn ignores_and_strictness() {
    let (dir, db) = planted(
        "ignores",
        "CREATE INDEX hotfix_a ON orders (total); ALTER TABLE orders RENAME CONSTRAINT orders_customer_id_fkey TO fk_rails_abc; ALTER TABLE orders DROP COLUMN tags; ALTER TABLE orders ADD COLUMN tags jsonb DEFAULT '{}';",
    );
    let (code, changes, _) = diff_json(
        &db,
        &dir,
        &["--ignore", "table * index hotfix_*", "--ignore", "names"],
    );
    assert_eq!((code, changes), (0, vec![]));
    let (code, changes, _) = diff_json(
        &db,
        &dir,
        &[
            "--ignore",
            "table * index hotfix_*",
            "--ignore",
            "names",
            "--strict",
        ],
    );
    assert_eq!(
        (code, changes),
        (
            1,
            vec![triple(
                "changed",
                "structure",
                "table public.orders column_order"
            )]
        )
    );
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[diff]\nignore = [\"names\", \"table * index hotfix_*\"]\n",
    )
    .unwrap();
    let url = url_for(&db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let config = dir.path().join("dblint.toml").display().to_string();
    let run = dblint(&[
        "diff",
        &url,
        &migrations,
        "--config",
        &config,
        "--ignore",
        "table * nothing",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("ignore `table * nothing` (--ignore or [diff] ignore) matches no difference"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[diff]\nignore = \"names\"\n",
    )
    .unwrap();
    let run = dblint(&["diff", &url, &migrations, "--config", &config]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("dblint.toml:2: ignore must be a list of strings"),
        "{}",
        run.stderr
    );
}

/// What dblint does not model is counted, never silently equal: functions, triggers,
/// statistics objects and text search configurations on the database; a `DO` block in
/// the migrations makes the table it created unverifiable rather than extra.
/// `--strict-coverage` fails on either.
#[test]
fn what_is_not_compared_is_said() {
    let dir = temp_tree(&[
        ("migrations/0001_init.sql", INIT),
        ("migrations/0002_later.sql", LATER),
        (
            "migrations/0003_do.sql",
            "DO $$ BEGIN EXECUTE 'CREATE TABLE made_by_do (id int)'; END $$;\n",
        ),
    ]);
    let db = fresh_db("coverage");
    let mut files: Vec<_> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    load(&db, &files);
    run_sql(
        &db,
        "CREATE STATISTICS orders_stats ON total, state FROM orders;
         CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = english);
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
         CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();",
    );
    let (code, changes, json) = diff_json(&db, &dir, &[]);
    assert_eq!((code, changes), (0, vec![]));
    let unverifiable = json["comparisons"][0]["unverifiable"].as_array().unwrap();
    assert_eq!(unverifiable.len(), 1, "{json:#}");
    assert_eq!(unverifiable[0]["path"], "table public.made_by_do");
    assert!(unverifiable[0]["possibly_from"][0]
        .as_str()
        .unwrap()
        .ends_with("0003_do.sql:1"));
    let kinds: BTreeSet<&str> = json["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "function",
        "trigger",
        "statistics object",
        "text search configuration",
    ] {
        assert!(kinds.contains(kind), "{kind} not counted: {kinds:?}");
    }
    let (code, _, _) = diff_json(&db, &dir, &["--strict-coverage"]);
    assert_eq!(code, 1);
}

/// A migration tool's history table is not drift; three sides compare with the first;
/// the password never shows; a side that is neither a file nor a connection string is
/// a one-line error (exit 2).
#[test]
fn history_tables_three_sides_and_bad_input() {
    let (dir, db) = planted("three_a", "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL);");
    let (_, drifted) = planted(
        "three_b",
        "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;",
    );
    let migrations = dir.path().join("migrations").display().to_string();
    let (a, b) = (url_for(&db, ""), url_for(&drifted, ""));
    let run = dblint(&["diff", &migrations, &a, &b, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["comparisons"][0]["equal"], true, "{json:#}");
    assert_eq!(json["comparisons"][1]["equal"], false);
    assert_eq!(
        json["comparisons"][1]["changes"].as_array().unwrap().len(),
        1
    );
    assert!(json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("_prisma_migrations")));
    for out in [&run.stdout, &run.stderr] {
        assert!(!out.contains(common::pg::PASSWORD), "{out}");
    }
    let human = dblint(&["diff", &migrations, &a, &b]);
    assert!(
        !human.stdout.contains(common::pg::PASSWORD)
            && !human.stderr.contains(common::pg::PASSWORD)
    );
    let bad = dblint(&["diff", &migrations, "no/such/folder"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stderr.lines().count(), 1, "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("side 2: no/such/folder: no such file or folder"),
        "{}",
        bad.stderr
    );
    let one = dblint(&["diff", &migrations]);
    assert_eq!(one.code, 2);
}

/// Two databases read for one diff: each only in a read-only transaction, nothing but
/// reads, no temporary object, a constant number of queries (inspect's, plus the one
/// listing what the model does not hold and the one looking for a migration history),
/// whatever the schema's size.
#[test]
fn diff_only_reads_each_database() {
    let (dir, db) = planted("safe_a", "");
    let (_, other) = planted(
        "safe_b",
        "CREATE TABLE more (id int); CREATE INDEX ON more (id);",
    );
    let (app_a, app_b) = (
        format!("dblint_diff_a_{}", std::process::id()),
        format!("dblint_diff_b_{}", std::process::id()),
    );
    let a = url_for(&db, &format!("application_name={app_a}"));
    let b = url_for(&other, &format!("application_name={app_b}"));
    let migrations = dir.path().join("migrations").display().to_string();
    let run = dblint(&["diff", &a, &b, &migrations]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let mut selects = Vec::new();
    for app in [&app_a, &app_b] {
        let statements = common::pg::logged_statements(app);
        assert!(!statements.is_empty(), "nothing logged for {app}");
        for s in &statements {
            let head = s.trim_start().to_ascii_uppercase();
            assert!(
                common::pg::is_read(s, &[]),
                "diff ran a statement that is not a read: {s}"
            );
            assert!(!head.contains("TEMP"), "a temporary object: {s}");
        }
        assert!(statements
            .iter()
            .any(|s| s.to_ascii_uppercase().contains("READ ONLY")));
        selects.push(
            statements
                .iter()
                .filter(|s| common::pg::is_query(s))
                .count(),
        );
    }
    assert_eq!(selects[0], selects[1], "{selects:?}");
    // inspect's queries, the one listing what the model does not hold, and the one
    // looking for a migration history table (none here: no second one reads it).
    assert_eq!(
        selects[0],
        dblint::source::catalog::queries::all(150000).len() + 2
    );
}

/// Every bundled sample, loaded into PostgreSQL from its SQL, is equal to that SQL and
/// to its `schema.prisma` (Prisma samples).
#[test]
fn every_sample_equals_its_database() {
    let samples = root().join("sample-dbs");
    let mut failures = Vec::new();
    for (tag, dir, prisma) in [
        (
            "benchwarmers",
            "benchwarmers",
            Some("benchwarmers/schema.prisma"),
        ),
        ("prodmatic", "prodmatic", Some("prodmatic/schema.prisma")),
        ("helpdesk", "helpdesk", None),
        (
            "roofing",
            "roofing/migrations",
            Some("roofing/schema.prisma"),
        ),
        ("kin2", "kin2", Some("kin2/schema.prisma")),
    ] {
        if tag == "helpdesk" && !common::pg::extension_available("postgis") {
            assert!(
                common::pg::may_lack_postgis(),
                "the test server has no PostGIS, which the helpdesk sample needs"
            );
            continue;
        }
        let sql = samples.join(dir);
        let files = dblint::source::sql::input_files(std::slice::from_ref(&sql)).unwrap();
        let db = fresh_db(&format!("diff_{tag}"));
        load(&db, &files);
        let url = url_for(&db, "");
        let mut sides = vec![sql.display().to_string()];
        sides.extend(prisma.map(|p| samples.join(p).display().to_string()));
        // prodmatic's SQL was made by Prisma 5 (join tables with a unique index, not a
        // primary key): its schema.prisma is read as Prisma 5 reads it.
        let config = temp_tree(&[("dblint.toml", "prisma_version = 5\n")]);
        let config = config.path().join("dblint.toml").display().to_string();
        for side in &sides {
            let mut args = vec!["diff", url.as_str(), side.as_str()];
            if tag == "prodmatic" {
                args.extend(["--config", config.as_str()]);
            }
            let run = dblint(&args);
            if run.code != 0 {
                failures.push(format!(
                    "{side}: exit {}\n{}{}",
                    run.code, run.stdout, run.stderr
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const PRISMA_HISTORY: &str = "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0);";

/// With the database's migration history, the folder is replayed as far as the
/// database went: later files are pending (exit 0, listed), not drift; an applied
/// migration edited afterwards, one missing from the folder, or one that failed is
/// history drift (exit 1). Prisma (a row and a checksum per migration) and
/// golang-migrate (one row: the version reached, and `dirty`).
#[test]
fn the_history_table_tells_pending_from_drift() {
    let more = "ALTER TABLE orders ADD COLUMN extra int;\n";
    let dir = temp_tree(&[
        ("prisma/migrations/20240101000000_init/migration.sql", INIT),
        (
            "prisma/migrations/20240102000000_later/migration.sql",
            LATER,
        ),
        ("prisma/migrations/20240103000000_more/migration.sql", more),
        (
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        ),
    ]);
    let migrations = dir.path().join("prisma/migrations");
    let db = fresh_db("history_prisma");
    run_sql(&db, INIT);
    run_sql(&db, LATER);
    run_sql(&db, PRISMA_HISTORY);
    let record = |name: &str, checksum: &str| {
        run_sql(&db, &format!("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('{name}', '{checksum}', now(), '{name}', 1);"));
    };
    record("20240101000000_init", &sha256(INIT.as_bytes()));
    record("20240102000000_later", &sha256(LATER.as_bytes()));
    let url = url_for(&db, "");
    let shown = migrations.display().to_string();
    let json_of =
        |run: &common::Run| -> serde_json::Value { serde_json::from_str(&run.stdout).unwrap() };
    let run = dblint(&["diff", &url, &shown, "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = json_of(&run);
    assert_eq!(json["history"]["tool"], "Prisma");
    assert_eq!(json["history"]["applied"], 2);
    let pending = json["history"]["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 1);
    assert!(pending[0]
        .as_str()
        .unwrap()
        .ends_with("20240103000000_more/migration.sql"));
    assert_eq!(json["comparisons"][0]["changes"], serde_json::json!([]));
    let human = dblint(&["diff", &url, &shown]);
    assert!(
        human.stdout.contains("2 applied, 1 pending"),
        "{}",
        human.stdout
    );

    // Edited after it ran (a comment: the schema is the same).
    std::fs::write(
        migrations.join("20240102000000_later/migration.sql"),
        format!("-- reviewed\n{LATER}"),
    )
    .unwrap();
    // Applied, but no longer in the folder.
    record("20231231000000_gone", "0");
    let run = dblint(&["diff", &url, &shown, "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let drift: Vec<String> = json_of(&run)["history"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert_eq!(drift.len(), 2, "{drift:?}");
    assert!(
        drift
            .iter()
            .any(|d| d.contains("20240102000000_later")
                && d.contains("changed after it was applied")),
        "{drift:?}"
    );
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("20231231000000_gone is applied")),
        "{drift:?}"
    );

    // golang-migrate: version 1 reached, 2 pending; then 2 reached but dirty.
    let dir = temp_tree(&[
        ("db/000001_init.up.sql", INIT),
        (
            "db/000001_init.down.sql",
            "DROP TABLE orders; DROP TABLE customers; DROP TYPE status;",
        ),
        ("db/000002_more.up.sql", more),
    ]);
    let db = fresh_db("history_golang");
    run_sql(&db, INIT);
    run_sql(&db, "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (1, false);");
    let url = url_for(&db, "");
    let shown = dir.path().join("db").display().to_string();
    let run = dblint(&["diff", &url, &shown, "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = json_of(&run);
    assert_eq!(json["history"]["tool"], "golang-migrate");
    assert_eq!(json["history"]["pending"].as_array().unwrap().len(), 1);
    run_sql(
        &db,
        &format!("{more} UPDATE schema_migrations SET version = 2, dirty = true;"),
    );
    let run = dblint(&["diff", &url, &shown, "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let json = json_of(&run);
    assert!(
        json["history"]["drift"][0]
            .as_str()
            .unwrap()
            .contains("dirty"),
        "{json:#}"
    );
}

/// The history tables' own conventions: goose's version-0 row and a rolled-back
/// version; Flyway's `flyway baseline` (the files up to it describe the database and
/// are replayed, not pending); a folder given as `.`; a Prisma migration saved with
/// CRLF line endings (Prisma accepts either).
#[test]
fn history_conventions_of_each_tool() {
    let json_of = |run: &common::Run| -> serde_json::Value {
        assert!(
            run.code == 0 || run.code == 1,
            "{}{}",
            run.stdout,
            run.stderr
        );
        serde_json::from_str(&run.stdout).unwrap()
    };
    // goose
    let dir = temp_tree(&[
        ("db/00001_a.sql", "CREATE TABLE a (id int);\n"),
        ("db/00002_b.sql", "CREATE TABLE b (id int);\n"),
    ]);
    let db = fresh_db("history_goose");
    run_sql(
        &db,
        "CREATE TABLE a (id int);
         CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
         INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (2, false);",
    );
    let url = url_for(&db, "");
    let run = dblint(&[
        "diff",
        &url,
        &dir.path().join("db").display().to_string(),
        "--format",
        "json",
    ]);
    let json = json_of(&run);
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["history"]["tool"], "goose");
    assert_eq!(json["history"]["applied"], 1);
    assert_eq!(json["history"]["pending"].as_array().unwrap().len(), 1);
    assert_eq!(json["history"]["drift"], serde_json::json!([]));

    // Flyway after `flyway baseline` at 2: V1 and V2 describe the database, V3 ran.
    let dir = temp_tree(&[
        ("sql/V1__a.sql", "CREATE TABLE a (id int);\n"),
        ("sql/V2__b.sql", "CREATE TABLE b (id int);\n"),
        ("sql/V3__c.sql", "CREATE TABLE c (id int);\n"),
        ("sql/V4__d.sql", "CREATE TABLE d (id int);\n"),
    ]);
    let db = fresh_db("history_flyway");
    run_sql(
        &db,
        "CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE TABLE c (id int);
         CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
         INSERT INTO flyway_schema_history VALUES (1, '2', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'me', now(), 0, true), (2, '3', 'c', 'SQL', 'V3__c.sql', 1, 'me', now(), 5, true);",
    );
    let url = url_for(&db, "");
    let run = dblint(&[
        "diff",
        &url,
        &dir.path().join("sql").display().to_string(),
        "--format",
        "json",
    ]);
    let json = json_of(&run);
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["history"]["tool"], "Flyway");
    assert_eq!(json["history"]["applied"], 3);
    let pending = json["history"]["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{json:#}");
    assert!(pending[0].as_str().unwrap().ends_with("V4__d.sql"));

    // golang-migrate, the folder given as `.`.
    let dir = temp_tree(&[
        ("000001_a.up.sql", "CREATE TABLE a (id int);\n"),
        ("000001_a.down.sql", "DROP TABLE a;\n"),
        ("000002_b.up.sql", "CREATE TABLE b (id int);\n"),
    ]);
    let db = fresh_db("history_dot");
    run_sql(
        &db,
        "CREATE TABLE a (id int);
         CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
         INSERT INTO schema_migrations VALUES (1, false);",
    );
    let url = url_for(&db, "");
    let run = common::dblint_in(dir.path(), &["diff", &url, ".", "--format", "json"]);
    let json = json_of(&run);
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["history"]["tool"], "golang-migrate");
    assert_eq!(json["history"]["applied"], 1);

    // Prisma, a migration saved with CRLF after it was applied with LF.
    let dir = temp_tree(&[(
        "migrations/20240101000000_init/migration.sql",
        &INIT.replace('\n', "\r\n"),
    )]);
    let db = fresh_db("history_crlf");
    run_sql(&db, INIT);
    run_sql(&db, PRISMA_HISTORY);
    run_sql(
        &db,
        &format!(
            "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('1', '{}', now(), '20240101000000_init', 1);",
            sha256(INIT.as_bytes())
        ),
    );
    let url = url_for(&db, "");
    let run = dblint(&[
        "diff",
        &url,
        &dir.path().join("migrations").display().to_string(),
        "--format",
        "json",
    ]);
    let json = json_of(&run);
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["history"]["drift"], serde_json::json!([]));
}

/// Drift of most kinds at once, for `--fix` through the command line.
const DRIFT: &str = "\
CREATE INDEX CONCURRENTLY hotfix_orders_total ON orders (total);
ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;
ALTER TABLE orders DROP CONSTRAINT orders_price_check;
ALTER TABLE orders ADD CONSTRAINT orders_price_check CHECK (price >= 0);
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE;
ALTER TABLE orders DROP CONSTRAINT orders_customer_check;
ALTER TABLE orders ADD CONSTRAINT orders_customer_check FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER INDEX orders_live RENAME TO orders_live_idx;
ALTER TABLE customers RENAME COLUMN full_name TO name;
DROP INDEX customers_email;
CREATE INDEX customers_email ON customers (upper(email)) INCLUDE (name);
ALTER TYPE status ADD VALUE 'archived';
CREATE TABLE extra (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text CHECK (note <> ''), o bigint REFERENCES orders ON DELETE SET NULL);
CREATE SEQUENCE s2 AS integer;
CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TABLE orders ADD COLUMN m mood DEFAULT 'ok' NOT NULL;
ALTER TABLE orders ADD COLUMN ser bigserial;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY p1 ON orders FOR SELECT TO public USING (total > 0);
CREATE UNIQUE INDEX CONCURRENTLY orders_n_key ON orders (n);
ALTER TABLE orders ADD CONSTRAINT orders_n_key UNIQUE USING INDEX orders_n_key;
";

/// `--fix database` run on the database, or `--fix migrations` saved as the next
/// migration, leaves nothing but what PostgreSQL cannot change in place (an enum
/// label cannot be dropped); the script carries the migration rules' review, drops
/// only with `--allow-drop`, and `--fix` with the wrong sides is an error.
#[test]
fn fix_sql_makes_the_sides_equal() {
    // The database made like the migrations.
    let (dir, db) = planted("fix_database", DRIFT);
    let url = url_for(&db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let guarded = dblint(&["diff", &url, &migrations, "--fix", "database"]);
    assert_eq!(guarded.code, 1, "{}", guarded.stderr);
    for expected in [
        "-- needs --allow-drop: DROP TABLE public.extra;",
        "-- needs --allow-drop: DROP INDEX CONCURRENTLY public.hotfix_orders_total;",
        "(alter-column-type-rewrite)\nALTER TABLE public.orders ALTER COLUMN total TYPE numeric(12,2);",
        "(rename-breaks-code)\nALTER TABLE public.customers RENAME COLUMN name TO full_name;",
        "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_check;",
        "--   enum public.status values: PostgreSQL cannot drop an enum label (archived)",
    ] {
        assert!(
            guarded.stdout.contains(expected),
            "{expected}\n---\n{}",
            guarded.stdout
        );
    }
    assert!(
        guarded.stderr.contains("dblint: --fix database: "),
        "{}",
        guarded.stderr
    );
    let fix = dblint(&[
        "diff",
        &url,
        &migrations,
        "--fix",
        "database",
        "--allow-drop",
    ]);
    assert_eq!(fix.code, 1, "{}", fix.stderr);
    assert!(
        fix.stdout
            .contains("\n-- review: DROP TABLE public.extra deletes the table"),
        "{}",
        fix.stdout
    );
    run_sql(&db, &fix.stdout);
    let (code, changes, _) = diff_json(&db, &dir, &[]);
    assert_eq!(
        changes,
        vec![triple("changed", "structure", "enum public.status values")]
    );
    assert_eq!(code, 1);

    // The migrations made like the database: a new migration.
    let (dir, db) = planted("fix_migrations", DRIFT);
    let url = url_for(&db, "");
    let migrations = dir.path().join("migrations").display().to_string();
    let fix = dblint(&["diff", &url, &migrations, "--fix", "migrations"]);
    assert_eq!(fix.code, 1, "{}", fix.stderr);
    assert!(
        fix.stdout.contains("ALTER TYPE public.status ADD VALUE 'archived' AFTER 'done';")
            && fix.stdout.contains("CREATE UNIQUE INDEX CONCURRENTLY orders_n_key_dblint ON public.orders (n);")
            && fix.stdout.contains("--   table public.orders foreign key orders_customer_check validated: a validated constraint cannot be made NOT VALID again")
            && fix.stdout.contains("already has this state: record the migration there as applied without running it")
            && !fix.stdout.contains("prisma migrate dev --create-only"),
        "{}",
        fix.stdout
    );
    std::fs::write(dir.path().join("migrations/0003_adopt.sql"), &fix.stdout).unwrap();
    let (code, changes, _) = diff_json(&db, &dir, &[]);
    assert_eq!(
        (code, changes),
        (
            1,
            vec![triple(
                "changed",
                "validity",
                "table public.orders foreign key orders_customer_check validated"
            )]
        )
    );

    // Wrong sides and flags.
    for (args, message) in [
        (
            vec!["diff", &migrations, &migrations, "--fix", "database"],
            "--fix database: needs exactly two sides, one a database",
        ),
        (vec!["diff", &url, &migrations, "--allow-drop"], "--fix"),
        (
            vec![
                "diff",
                &url,
                &migrations,
                "--fix",
                "database",
                "--format",
                "json",
            ],
            "cannot be used with",
        ),
    ] {
        let run = dblint(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

/// Names in stored expressions are resolved through the `search_path` each migration
/// ran under: a function, sequence, type and subquery table of schema `app`, used
/// unqualified after `SET search_path = app`, are what the catalog prints qualified;
/// a default that calls another schema's sequence is still a difference.
#[test]
fn names_in_expressions_resolve_through_the_search_path() {
    const APP: &str = "\
CREATE SCHEMA app;
CREATE FUNCTION public.pos(i int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT i >= 0';
SET search_path = app, public;
CREATE TYPE st AS ENUM ('a', 'b');
CREATE SEQUENCE s;
CREATE SEQUENCE public.s;
CREATE FUNCTION pos(i int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT i > 0';
CREATE TABLE members (org int, u text);
CREATE TABLE t (
    id int DEFAULT nextval('s'),
    v st DEFAULT 'a',
    w st CHECK (w <> 'b'::st),
    n int CHECK (pos(n))
);
CREATE INDEX t_n ON t (n) WHERE pos(n);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (EXISTS (SELECT 1 FROM members m WHERE m.org = t.id AND pos(m.org)));
";
    let dir = temp_tree(&[("migrations/0001_app.sql", APP)]);
    let db = fresh_db("search_path");
    load(&db, &[dir.path().join("migrations/0001_app.sql")]);
    let (code, changes, json) = diff_json(&db, &dir, &[]);
    assert_eq!((code, changes), (0, vec![]), "{json:#}");
    // The database's default now calls public.s: the same text, another sequence.
    run_sql(
        &db,
        "ALTER TABLE app.t ALTER COLUMN id SET DEFAULT nextval('public.s')",
    );
    let (code, changes, _) = diff_json(&db, &dir, &[]);
    assert_eq!(
        (code, changes),
        (
            1,
            vec![triple(
                "changed",
                "structure",
                "table app.t column id default"
            )]
        )
    );
}

/// View queries are compared as PostgreSQL stores them: `*` expanded when the view was
/// created (a column added later is not in it), every column qualified, output names
/// added, `IN`/`BETWEEN`/positional `GROUP BY`/`ORDER BY` as the catalog prints them,
/// names through the `search_path`, and renames of what a view reads followed. A
/// changed condition is one difference; `--fix database` replaces the view.
#[test]
fn view_queries_compare_as_postgresql_stores_them() {
    const VIEWS: &str = "\
CREATE SCHEMA app;
CREATE TABLE customers (id int PRIMARY KEY, name varchar(40), status text, region text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric, placed_at timestamptz);
CREATE VIEW all_customers AS SELECT * FROM customers;
CREATE VIEW order_summary AS
  SELECT c.name, count(*), sum(o.total) AS total, max(placed_at)
  FROM customers c JOIN orders o ON o.customer_id = c.id
  WHERE status IN ('active', 'trial') AND o.total BETWEEN 1 AND 100
  GROUP BY 1 ORDER BY 2 DESC;
CREATE VIEW customer_orders AS SELECT * FROM customers JOIN orders USING (id);
CREATE VIEW recent (order_id, who) AS
  SELECT id, customer_id FROM orders
  WHERE placed_at > now() - interval '7 days'
    AND EXISTS (SELECT 1 FROM customers WHERE customers.id = orders.customer_id);
CREATE VIEW everyone AS SELECT id, name FROM customers UNION SELECT id, NULL FROM orders;
CREATE VIEW big_spenders AS
  WITH big AS (SELECT * FROM orders WHERE total > 100)
  SELECT customer_id, count(*) AS n FROM big GROUP BY customer_id;
CREATE MATERIALIZED VIEW totals AS SELECT customer_id, sum(total) FROM orders GROUP BY customer_id;
SET search_path = app, public;
CREATE TABLE items (id int, label text);
CREATE VIEW item_labels AS SELECT label, lower(label) FROM items WHERE upper(label) LIKE 'A%';
SET search_path = public;
ALTER TABLE customers ADD COLUMN note text;
ALTER TABLE customers RENAME COLUMN name TO full_name;
ALTER TABLE orders RENAME TO purchases;
ALTER TABLE recent RENAME COLUMN who TO customer;
";
    let dir = temp_tree(&[("migrations/0001_views.sql", VIEWS)]);
    let db = fresh_db("views");
    load(&db, &[dir.path().join("migrations/0001_views.sql")]);
    let (code, changes, json) = diff_json(&db, &dir, &[]);
    assert_eq!((code, changes), (0, vec![]), "{json:#}");

    // A condition changed by hand: one difference, and the fix replaces the view.
    run_sql(
        &db,
        "CREATE OR REPLACE VIEW order_summary AS
           SELECT c.full_name AS name, count(*) AS count, sum(o.total) AS total, max(placed_at) AS max
           FROM customers c JOIN purchases o ON o.customer_id = c.id
           WHERE status IN ('active') AND o.total BETWEEN 1 AND 100
           GROUP BY 1 ORDER BY 2 DESC",
    );
    let (code, changes, _) = diff_json(&db, &dir, &[]);
    assert_eq!(
        (code, changes),
        (
            1,
            vec![triple(
                "changed",
                "structure",
                "view public.order_summary query"
            )]
        )
    );
    let fix = dblint(&[
        "diff",
        &url_for(&db, ""),
        dir.path().join("migrations").to_str().unwrap(),
        "--fix",
        "database",
    ]);
    assert!(
        fix.stdout
            .contains("CREATE OR REPLACE VIEW public.order_summary"),
        "{}",
        fix.stdout
    );
    run_sql(&db, &fix.stdout);
    let (code, changes, json) = diff_json(&db, &dir, &[]);
    assert_eq!((code, changes), (0, vec![]), "{json:#}");
}

/// Reading a view's query (`pg_get_viewdef`) locks the view and what it reads until
/// the snapshot ends: queries are read while those relations fit in a quarter of the
/// server's lock table, and past it every view's query is listed as not compared.
#[test]
fn view_queries_are_read_within_a_quarter_of_the_lock_table() {
    let db = fresh_db("view_locks");
    let url = url_for(&db, "");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let quarter: i64 = client
        .query_one(
            "SELECT current_setting('max_locks_per_transaction')::int8
                    * (current_setting('max_connections')::int8
                       + current_setting('max_prepared_transactions')::int8) / 2 / 2",
            &[],
        )
        .unwrap()
        .get(0);
    // The table and `quarter - 1` views on it: exactly a quarter.
    client
        .batch_execute(&format!(
            "CREATE TABLE t (id int);
             DO $$ BEGIN FOR i IN 1..{} LOOP
               EXECUTE format('CREATE VIEW v_%s AS SELECT id FROM t', i);
             END LOOP; END $$;",
            quarter - 1
        ))
        .unwrap();
    let unread = |client: &mut postgres::Client| {
        let _ = client;
        let run = dblint(&["diff", &url, &url, "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        json["not_compared"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "view query")
            .count()
    };
    assert_eq!(unread(&mut client), 0);
    client
        .batch_execute("CREATE VIEW one_too_many AS SELECT id FROM t")
        .unwrap();
    // Both sides, every view.
    assert_eq!(unread(&mut client), 2 * quarter as usize);
}
