//! Replay: migration layouts are read in the order their tools apply them, and
//! statements change the model the way PostgreSQL would.

mod common;
use common::temp_tree;
use dblint::model::{FkAction, IndexKey, QualifiedName, TableKind};
use dblint::source::sql::{database_from_sql, input_files, load};
use std::path::PathBuf;

fn order(files: &[(&str, &str)]) -> Vec<String> {
    let dir = temp_tree(files);
    input_files(&[dir.path().to_path_buf()])
        .unwrap()
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn q(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

#[test]
fn prisma_folders_in_timestamp_order() {
    let got = order(&[
        ("20240102000000_b/migration.sql", ""),
        ("20231231000000_a/migration.sql", ""),
        ("migration_lock.toml", ""),
    ]);
    assert_eq!(
        got,
        vec![
            "20231231000000_a/migration.sql",
            "20240102000000_b/migration.sql"
        ]
    );
}

/// Each tool's own order where text and numbers disagree: a shorter leading number
/// (`20250625`) against a longer one (`20250409154352`).
#[test]
fn each_tool_orders_a_shorter_timestamp_as_it_does() {
    // Prisma: folder names in text order (prisma/prisma listMigrations.ts).
    assert_eq!(
        order(&[
            ("20250625_x/migration.sql", ""),
            ("20250409154352_y/migration.sql", ""),
        ]),
        vec!["20250409154352_y/migration.sql", "20250625_x/migration.sql"]
    );
    // Diesel: the version (up to the first `_`, dashes removed) as text.
    assert_eq!(
        order(&[("20250625_x/up.sql", ""), ("20250409154352_y/up.sql", "")]),
        vec!["20250409154352_y/up.sql", "20250625_x/up.sql"]
    );
    // dbmate: file names as text.
    let up = "-- migrate:up\nSELECT 1;\n-- migrate:down\n";
    assert_eq!(
        order(&[("20250625_x.sql", up), ("20250409154352_y.sql", up)]),
        vec!["20250409154352_y.sql", "20250625_x.sql"]
    );
    // golang-migrate and sqlx: the version as a number.
    assert_eq!(
        order(&[("20250409154352_y.up.sql", ""), ("20250625_x.up.sql", "")]),
        vec!["20250625_x.up.sql", "20250409154352_y.up.sql"]
    );
    assert_eq!(
        order(&[("20250409154352_y.sql", ""), ("20250625_x.sql", "")]),
        vec!["20250625_x.sql", "20250409154352_y.sql"]
    );
}

#[test]
fn flyway_versions_numeric_baseline_and_repeatables() {
    let got = order(&[
        ("V1__init.sql", ""),
        ("V2__b.sql", ""),
        ("V10__c.sql", ""),
        ("V1_5__between.sql", ""),
        ("R__views.sql", ""),
    ]);
    assert_eq!(
        got,
        vec![
            "V1__init.sql",
            "V1_5__between.sql",
            "V2__b.sql",
            "V10__c.sql",
            "R__views.sql"
        ]
    );
    // A baseline replaces the versioned migrations up to its version.
    let got = order(&[
        ("V1__init.sql", ""),
        ("V2__b.sql", ""),
        ("B2__baseline.sql", ""),
        ("V3__c.sql", ""),
    ]);
    assert_eq!(got, vec!["B2__baseline.sql", "V3__c.sql"]);
}

#[test]
fn golang_migrate_and_diesel_skip_down_files() {
    let got = order(&[
        ("000002_add.up.sql", ""),
        ("000002_add.down.sql", ""),
        ("000001_init.up.sql", ""),
        ("000001_init.down.sql", ""),
    ]);
    assert_eq!(got, vec!["000001_init.up.sql", "000002_add.up.sql"]);
    let got = order(&[
        ("2019-02-26-002946_second/up.sql", ""),
        ("2019-02-26-002946_second/down.sql", ""),
        ("2019-01-01-000000_first/up.sql", ""),
    ]);
    assert_eq!(
        got,
        vec![
            "2019-01-01-000000_first/up.sql",
            "2019-02-26-002946_second/up.sql"
        ]
    );
}

/// goose and dbmate files hold their rollback below a marker: only the part above it
/// is applied, so the model keeps what the migrations made.
#[test]
fn goose_and_dbmate_down_sections_are_not_replayed() {
    let dir = temp_tree(&[
        (
            "20240101000000_users.sql",
            "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE users;\n",
        ),
        (
            "20240102000000_posts.sql",
            "-- migrate:up\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n\n-- migrate:down\nDROP TABLE posts;\n",
        ),
    ]);
    let loaded = load(&[dir.path().to_path_buf()]).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert!(loaded.database.table(&q("users")).is_some());
    assert!(loaded.database.table(&q("posts")).is_some());
}

#[test]
fn numbered_prefixes_compare_as_numbers_and_the_rest_lexically() {
    assert_eq!(
        order(&[("10_c.sql", ""), ("2_b.sql", ""), ("1_a.sql", "")]),
        vec!["1_a.sql", "2_b.sql", "10_c.sql"]
    );
    assert_eq!(
        order(&[("b.sql", ""), ("a.sql", ""), ("notes.txt", "")]),
        vec!["a.sql", "b.sql"]
    );
}

#[test]
fn migrations_build_on_each_other() {
    let dir = temp_tree(&[
        ("0001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"),
        ("0002_rename.sql", "ALTER TABLE users RENAME TO accounts;\nALTER TABLE posts RENAME COLUMN user_id TO account_id;\n"),
        ("0003_index.sql", "CREATE INDEX posts_account_idx ON posts (account_id);\nALTER TABLE accounts DROP COLUMN email;\n"),
    ]);
    let loaded = load(&[dir.path().to_path_buf()]).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let db = loaded.database;
    assert!(db.table(&q("users")).is_none());
    let posts = db.table(&q("posts")).unwrap();
    assert_eq!(posts.foreign_keys[0].references, q("accounts"));
    assert_eq!(posts.foreign_keys[0].columns, vec!["account_id"]);
    assert_eq!(
        posts
            .indexes
            .iter()
            .filter(|i| i.name.name == "posts_account_idx")
            .count(),
        1
    );
    assert!(db.table(&q("accounts")).unwrap().column("email").is_none());
    let loc = posts
        .indexes
        .iter()
        .find(|i| i.name.name == "posts_account_idx")
        .unwrap()
        .location
        .clone()
        .unwrap();
    assert!(loc.file.ends_with("0003_index.sql"));
    assert_eq!(loc.line, 1);
}

#[test]
fn statements_that_cannot_apply_give_diagnostics_and_replay_goes_on() {
    let (db, diagnostics) = database_from_sql(
        "ALTER TABLE ghost ADD COLUMN x int;\nCREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE t (id int);\nDROP INDEX nope;\nCREATE TABLE u (id int PRIMARY KEY);\n",
    );
    let messages: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        messages,
        vec![
            "input.sql:1: warning: cannot apply `ALTER TABLE ghost ADD COLUMN x int`: table ghost does not exist",
            "input.sql:3: warning: cannot apply `CREATE TABLE t (id int)`: table public.t already exists",
            "input.sql:4: warning: cannot apply `DROP INDEX nope`: index nope does not exist",
        ]
    );
    assert!(db.table(&q("u")).is_some());
}

#[test]
fn pg_dump_style_schema() {
    let sql = r#"
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('a', 'b');
CREATE TABLE app.items (id integer NOT NULL, status app.status, parent_id integer, created timestamp with time zone);
CREATE SEQUENCE app.items_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE app.items_id_seq OWNED BY app.items.id;
ALTER TABLE ONLY app.items ALTER COLUMN id SET DEFAULT nextval('app.items_id_seq'::regclass);
ALTER TABLE ONLY app.items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
CREATE TABLE app.log (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.log_2024 (id bigint, at date NOT NULL);
ALTER TABLE ONLY app.log ATTACH PARTITION app.log_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX log_at_idx ON ONLY app.log USING btree (at);
CREATE INDEX log_2024_at_idx ON app.log_2024 USING btree (at);
ALTER INDEX app.log_at_idx ATTACH PARTITION app.log_2024_at_idx;
ALTER TABLE ONLY app.items ADD CONSTRAINT items_parent_fkey FOREIGN KEY (parent_id) REFERENCES app.items(id) ON DELETE SET NULL NOT VALID;
COMMENT ON TABLE app.items IS 'Things';
COMMENT ON COLUMN app.items.status IS 'Lifecycle';
ALTER TYPE app.status ADD VALUE 'c' BEFORE 'b';
COPY app.items (id, status) FROM stdin;
1	a
\.
"#;
    let (db, diagnostics) = database_from_sql(sql);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let items = db.table(&QualifiedName::new("app", "items")).unwrap();
    assert!(items.column("id").unwrap().serial);
    assert!(items.column("id").unwrap().not_null);
    assert_eq!(
        items.column("status").unwrap().data_type.to_string(),
        "app.status"
    );
    assert_eq!(items.comment.as_deref(), Some("Things"));
    assert_eq!(
        items.column("status").unwrap().comment.as_deref(),
        Some("Lifecycle")
    );
    let fk = &items.foreign_keys[0];
    assert_eq!(fk.on_delete, FkAction::SetNull);
    assert!(!fk.validated);
    let log = db.table(&QualifiedName::new("app", "log")).unwrap();
    assert_eq!(log.kind, TableKind::Partitioned);
    let parent_index = log
        .indexes
        .iter()
        .find(|i| i.name.name == "log_at_idx")
        .unwrap();
    assert!(parent_index.valid, "attached to every partition");
    assert!(
        !parent_index.only_parent,
        "complete, as the catalog shows it (a valid partitioned index)"
    );
    assert_eq!(
        db.table(&QualifiedName::new("app", "log_2024"))
            .unwrap()
            .partition_of,
        Some(QualifiedName::new("app", "log"))
    );
    let status = db.enums.get(&QualifiedName::new("app", "status")).unwrap();
    assert_eq!(status.values, vec!["a", "c", "b"]);
}

/// What PostgreSQL 15 shows in `pg_index.indisvalid` for each step (checked on a
/// server): `ON ONLY` is invalid only while a partition lacks an attached index.
#[test]
fn on_only_indexes_are_valid_like_postgres_says() {
    let valid = |sql: &str, index: &str| {
        let (db, diagnostics) = database_from_sql(sql);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let owner = db.index_owner[&q(index)].clone();
        db.table(&owner)
            .unwrap()
            .indexes
            .iter()
            .find(|i| i.name.name == index)
            .unwrap()
            .valid
    };
    let parent = "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);";
    let p2024 =
        "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    let p2025 =
        "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
    let only = "CREATE INDEX m_id ON ONLY m (id);";
    // No partitions: valid; a partition created later gets a copy.
    assert!(valid(&format!("{parent}{only}"), "m_id"));
    assert!(valid(&format!("{parent}{only}{p2024}"), "m_id"));
    // A partition without an index: invalid, and new partitions do not change that.
    assert!(!valid(&format!("{parent}{p2024}{only}"), "m_id"));
    assert!(!valid(&format!("{parent}{p2024}{only}{p2025}"), "m_id"));
    // Attaching the missing one validates it; the later partition's copy counts.
    let attach =
        "CREATE INDEX m_2024_id ON m_2024 (id); ALTER INDEX m_id ATTACH PARTITION m_2024_id;";
    assert!(valid(
        &format!("{parent}{p2024}{only}{p2025}{attach}"),
        "m_id"
    ));
    // ATTACH PARTITION copies the index too.
    let attach_table = "CREATE TABLE m_2025 (id int, at date); ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
    assert!(valid(
        &format!("{parent}{p2024}{only}{attach_table}{attach}"),
        "m_id"
    ));
}

/// PostgreSQL 15 (checked on a server): schemas of the search path that do not exist
/// are skipped, for creating and for finding; with none left, nothing is created.
#[test]
fn the_search_path_skips_schemas_that_do_not_exist() {
    let (db, diagnostics) = database_from_sql(
        "SET search_path = missing_schema, public;
         CREATE TABLE t (id int);
         ALTER TABLE t ADD PRIMARY KEY (id);
         SET search_path = app_later, public;
         CREATE SCHEMA app_later;
         CREATE TABLE t3 (id int);
         CREATE TABLE public.only_public (id int);
         SET search_path = app_later;
         ALTER TABLE only_public ADD COLUMN x int;
         SET search_path = missing_schema;
         CREATE TABLE nowhere (id int);
         RESET search_path;
         CREATE TABLE back_in_public (id int);",
    );
    assert!(db.table(&q("t")).unwrap().primary_key.is_some());
    assert!(db
        .table(&QualifiedName::new("missing_schema", "t"))
        .is_none());
    assert!(db.table(&QualifiedName::new("app_later", "t3")).is_some());
    assert!(db.table(&q("back_in_public")).is_some());
    let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        messages,
        vec![
            "cannot apply `ALTER TABLE only_public ADD COLUMN x int`: table only_public does not exist",
            "cannot apply `CREATE TABLE nowhere (id int)`: no schema has been selected to create in",
        ]
    );
}

#[test]
fn constraints_indexes_and_defaults_are_modelled() {
    let (db, _) = database_from_sql(
        "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
         CREATE TABLE c (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int, b int, t text UNIQUE,
           total numeric(10,2) GENERATED ALWAYS AS (a * 2) STORED,
           CONSTRAINT c_ab FOREIGN KEY (a, b) REFERENCES p MATCH FULL ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,
           CHECK (a > 0));
         CREATE UNIQUE INDEX c_lower_t ON c USING btree (lower(t), a DESC) INCLUDE (b) WHERE a IS NOT NULL;",
    );
    let c = db.table(&q("c")).unwrap();
    let fk = &c.foreign_keys[0];
    assert_eq!(
        fk.referenced_columns,
        vec!["a", "b"],
        "resolved to the parent's primary key"
    );
    assert_eq!(fk.on_delete, FkAction::Cascade);
    assert_eq!(fk.on_update, FkAction::Restrict);
    assert!(fk.deferrable && fk.initially_deferred);
    assert_eq!(c.checks[0].name, "c_a_check");
    assert_eq!(c.checks[0].expression, "a > 0");
    assert!(c.column("id").unwrap().identity.is_some());
    assert_eq!(
        c.column("total").unwrap().generated.as_deref(),
        Some("a * 2")
    );
    assert_eq!(c.unique_constraints[0].name, "c_t_key");
    let idx = c
        .indexes
        .iter()
        .find(|i| i.name.name == "c_lower_t")
        .unwrap();
    assert!(idx.unique);
    assert_eq!(idx.keys[0].key, IndexKey::Expression("lower(t)".into()));
    assert!(idx.keys[1].descending);
    assert_eq!(idx.include, vec!["b"]);
    assert_eq!(idx.predicate.as_deref(), Some("a IS NOT NULL"));
}

#[test]
fn the_whole_corpus_replays_without_a_crash() {
    // The corpus lives beside the repository (shared/corpus); when it is absent (a
    // lone checkout), the unit of work is the sample databases instead.
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        corpus.is_dir() || std::env::var_os("CI").is_none(),
        "CI must run with shared/corpus beside the repository"
    );
    // Only SQL corpora: a folder with no `.sql` file at all (the Prisma schema, for
    // `schema.prisma` input) is not replayed here.
    fn has_sql(dir: &std::path::Path) -> bool {
        std::fs::read_dir(dir).unwrap().any(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                has_sql(&path)
            } else {
                path.extension().is_some_and(|x| x == "sql")
            }
        })
    }
    let targets: Vec<PathBuf> = if corpus.is_dir() {
        std::fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() && has_sql(p))
            .collect()
    } else {
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-dbs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect()
    };
    assert!(!targets.is_empty());
    for target in targets {
        let loaded = load(std::slice::from_ref(&target)).unwrap();
        assert!(loaded.stats.statements > 0, "{}", target.display());
    }
}

#[test]
fn truncated_input_never_panics() {
    // Cut a real migration at every line: replay must report, never crash.
    let sql = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("sample-dbs/helpdesk/0003_tickets_0001_initial.sql"),
    )
    .unwrap();
    let mut cut = 0;
    for line in sql.split_inclusive('\n') {
        cut += line.len();
        let (_, diagnostics) = database_from_sql(&sql[..cut - line.len() / 2]);
        for d in diagnostics {
            assert!(d.location.is_some());
        }
    }
}

#[test]
fn large_statements_replay_like_small_ones() {
    // Over 16 KB a statement is checked in C and decoded only in part: the model must
    // not tell the difference, except that a large expression keeps its source text.
    let terms: Vec<String> = (0..3000).map(|i| format!("code = {i}")).collect();
    let rows: Vec<String> = (0..3000).map(|i| format!("({i}, {i})")).collect();
    let columns: Vec<String> = (0..3000).map(|i| format!("c{i}")).collect();
    let sql = format!(
        "CREATE TABLE codes (id int PRIMARY KEY, code int NOT NULL CHECK ({}), parent int REFERENCES codes (id));\n\
         INSERT INTO codes (id, code) VALUES {};\n\
         CREATE VIEW all_codes AS SELECT {} FROM codes;\n",
        terms.join(" OR "),
        rows.join(", "),
        columns.iter().map(|c| format!("code AS {c}")).collect::<Vec<_>>().join(", ")
    );
    let (db, diagnostics) = database_from_sql(&sql);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let table = db.table(&q("codes")).unwrap();
    assert_eq!(table.columns.len(), 3);
    assert_eq!(table.foreign_keys.len(), 1);
    assert_eq!(table.checks.len(), 1);
    assert!(table.checks[0]
        .expression
        .starts_with("code = 0 OR code = 1"));
    assert!(db.views.contains_key(&q("all_codes")));
}

#[test]
fn circular_partitions_and_inheritance_are_refused_as_postgresql_does() {
    // Replay used to accept these and then recurse forever dropping the table.
    let sql = "CREATE TABLE a (id int) PARTITION BY LIST (id);\n\
               ALTER TABLE a ATTACH PARTITION a FOR VALUES IN (1);\n\
               CREATE TABLE b PARTITION OF a FOR VALUES IN (1) PARTITION BY LIST (id);\n\
               ALTER TABLE b ATTACH PARTITION a FOR VALUES IN (2);\n\
               CREATE TABLE c (id int);\n\
               CREATE TABLE d () INHERITS (c);\n\
               ALTER TABLE c INHERIT d;\n\
               ALTER TABLE c INHERIT c;\n\
               DROP TABLE a;\n\
               DROP TABLE c CASCADE;\n";
    let (db, diagnostics) = database_from_sql(sql);
    let refused: Vec<u32> = diagnostics
        .iter()
        .filter(|d| d.message.contains("circular inheritance not allowed"))
        .filter_map(|d| d.location.as_ref().map(|l| l.line))
        .collect();
    assert_eq!(refused, vec![2, 4, 7, 8], "{diagnostics:?}");
    assert!(db.table(&q("a")).is_none());
    assert!(db.table(&q("b")).is_none());
}

#[test]
fn dropping_a_deep_partition_tree_drops_every_level() {
    let mut sql = String::from("CREATE TABLE p0 (id int) PARTITION BY LIST (id);\n");
    for i in 1..3000 {
        sql.push_str(&format!(
            "CREATE TABLE p{i} PARTITION OF p{} FOR VALUES IN ({i}) PARTITION BY LIST (id);\n",
            i - 1
        ));
    }
    sql.push_str("DROP TABLE p0;\n");
    let (db, diagnostics) = database_from_sql(&sql);
    assert!(diagnostics.is_empty(), "{:?}", &diagnostics[..1]);
    assert!(db.tables.is_empty());
}

/// Functions are replayed for the volatility of column defaults: declared volatility
/// (VOLATILE when none), CREATE OR REPLACE, ALTER FUNCTION, DROP FUNCTION by
/// signature, schemas, and the bodies PostgreSQL inlines.
#[test]
fn functions_and_their_volatility() {
    use dblint::model::Volatility;
    use dblint::source::sql::volatility::{default_verdict, Verdict};
    let sql = r#"
        CREATE SCHEMA app;
        CREATE FUNCTION plain() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
        CREATE FUNCTION fixed() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 1; END $$;
        CREATE FUNCTION app.over(a int) RETURNS int LANGUAGE plpgsql STABLE AS 'BEGIN RETURN a; END';
        CREATE FUNCTION app.over(a text, b int DEFAULT 0) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN b; END';
        CREATE FUNCTION later() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
        ALTER FUNCTION later() STABLE;
        CREATE FUNCTION replaced() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
        CREATE OR REPLACE FUNCTION replaced() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 1; END $$;
        CREATE FUNCTION gone() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 1; END $$;
        DROP FUNCTION gone();
        DROP FUNCTION IF EXISTS never_there(int);
        CREATE FUNCTION inlined() RETURNS text LANGUAGE sql AS $$ SELECT 'x'::text $$;
        CREATE FUNCTION inlined_random() RETURNS float8 LANGUAGE sql AS 'SELECT random()';
        CREATE FUNCTION with_from() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM pg_class LIMIT 1 $$;
        CREATE FUNCTION definer() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ SELECT 'x'::text $$;
        CREATE FUNCTION set_later() RETURNS text LANGUAGE sql AS $$ SELECT 'x'::text $$;
        ALTER FUNCTION set_later() SET search_path = public;
        CREATE FUNCTION returned() RETURNS text LANGUAGE sql RETURN 'x';
        CREATE PROCEDURE proc() LANGUAGE sql AS $$ SELECT 1 $$;
    "#;
    let (db, diagnostics) = database_from_sql(sql);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let f = |schema: &str, name: &str| db.functions.get(&QualifiedName::new(schema, name));
    assert_eq!(
        f("public", "plain").unwrap()[0].volatility,
        Volatility::Volatile
    );
    assert_eq!(
        f("public", "fixed").unwrap()[0].volatility,
        Volatility::Immutable
    );
    assert_eq!(
        f("public", "later").unwrap()[0].volatility,
        Volatility::Stable
    );
    assert_eq!(f("public", "replaced").unwrap().len(), 1);
    assert!(f("public", "gone").is_none());
    assert!(f("public", "proc").is_none());
    let over = f("app", "over").unwrap();
    assert_eq!(over.len(), 2);
    assert_eq!(over[1].arg_types, vec!["text", "integer"]);
    assert!(over[1].accepts(1) && over[1].accepts(2) && !over[1].accepts(3));
    assert_eq!(
        f("public", "inlined").unwrap()[0].inline_body.as_deref(),
        Some("'x'::text")
    );
    assert_eq!(
        f("public", "returned").unwrap()[0].inline_body.as_deref(),
        Some("'x'")
    );
    for not_inlined in ["with_from", "definer", "set_later", "plain"] {
        assert_eq!(
            f("public", not_inlined).unwrap()[0].inline_body,
            None,
            "{not_inlined}"
        );
    }

    let path = ["public".into()];
    let verdict = |expression: &str| default_verdict(expression, &db, &path, 18);
    let volatile = |function: &str| Verdict::Volatile {
        function: function.into(),
    };
    assert_eq!(verdict("plain()"), volatile("plain()"));
    assert_eq!(verdict("fixed() + 1"), Verdict::NotVolatile);
    assert_eq!(verdict("later()"), Verdict::NotVolatile);
    assert_eq!(verdict("replaced()"), Verdict::NotVolatile);
    assert_eq!(
        verdict("gone()"),
        Verdict::Assumed {
            function: "gone()".into()
        }
    );
    // By arity: over(int) is STABLE; over(text[, int]) VOLATILE; a one-argument call
    // could mean either (replay does not know argument types), so it counts as
    // volatile, as an unknown function does.
    assert_eq!(verdict("app.over(1)"), volatile("app.over()"));
    assert_eq!(verdict("app.over('a', 2)"), volatile("app.over()"));
    assert_eq!(verdict("inlined()"), Verdict::NotVolatile);
    assert_eq!(verdict("inlined_random()"), volatile("inlined_random()"));
    assert_eq!(verdict("with_from()"), volatile("with_from()"));
    assert_eq!(verdict("definer()"), volatile("definer()"));
    assert_eq!(verdict("set_later()"), volatile("set_later()"));
    assert_eq!(verdict("returned()"), Verdict::NotVolatile);
    // Unqualified calls find pg_catalog first unless the path places it.
    let (db, _) = database_from_sql(
        "CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS 'BEGIN RETURN clock_timestamp(); END';",
    );
    assert_eq!(
        default_verdict("now()", &db, &path, 15),
        Verdict::NotVolatile
    );
    let placed = ["public".into(), "pg_catalog".into()];
    assert_eq!(
        default_verdict("now()", &db, &placed, 15),
        volatile("now()")
    );
}

/// A function over 16 KB (the large-statement path, which replays code statements by
/// kind only) is still replayed when its body is a string.
#[test]
fn large_functions_keep_their_declaration() {
    let filler = "-- padding\n".repeat(2000);
    let sql = format!(
        "CREATE FUNCTION big() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN\n{filler} RETURN 1; END $$;\n"
    );
    assert!(sql.len() > dblint::source::sql::large::LARGE_STATEMENT);
    let (db, diagnostics) = database_from_sql(&sql);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let big = &db.functions[&q("big")];
    assert_eq!(big[0].volatility, dblint::model::Volatility::Immutable);
}

/// `SET timezone` / `SET TIME ZONE` / `set_config('timezone', ...)` decide whether the
/// session's zone has a UTC offset of 0 for the statements after it; `SET LOCAL` lasts
/// until the transaction ends; `RESET` and `DEFAULT` give the server's (unknown).
#[test]
fn the_session_time_zone_follows_set_set_local_and_reset() {
    use dblint::source::sql::{load_with, statement::Statement};
    let dir = temp_tree(&[(
        "001.sql",
        "CREATE TABLE t (id int);
         COMMENT ON TABLE t IS 'start';
         SET timezone = 'Etc/UTC';
         COMMENT ON TABLE t IS 'utc';
         BEGIN;
         SET LOCAL TIME ZONE 'Europe/Berlin';
         COMMENT ON TABLE t IS 'berlin';
         COMMIT;
         COMMENT ON TABLE t IS 'utc again';
         SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE;
         COMMENT ON TABLE t IS 'interval';
         RESET timezone;
         COMMENT ON TABLE t IS 'reset';
         SELECT pg_catalog.set_config('timezone', 'America/New_York', false);
         COMMENT ON TABLE t IS 'new york';
         SET TIME ZONE 0;
         COMMENT ON TABLE t IS 'zero';
         SET timezone TO DEFAULT;
         COMMENT ON TABLE t IS 'default';",
    )]);
    let mut seen = Vec::new();
    load_with(&[dir.path().join("001.sql")], &|_| None, &mut |event| {
        if let Statement::Comment {
            text: Some(text), ..
        } = event.statement
        {
            seen.push((text.clone(), event.file.timezone_utc(None)));
        }
    })
    .unwrap();
    let expected = [
        ("start", None),
        ("utc", Some(true)),
        ("berlin", Some(false)),
        ("utc again", Some(true)),
        ("interval", Some(true)),
        ("reset", None),
        ("new york", Some(false)),
        ("zero", Some(true)),
        ("default", None),
    ];
    let expected: Vec<(String, Option<bool>)> =
        expected.iter().map(|(t, u)| (t.to_string(), *u)).collect();
    assert_eq!(seen, expected);
}

/// `ALTER COLUMN ... TYPE ... USING`: the bare column, the column under casts
/// (innermost first), or anything else with its SQL text.
#[test]
fn alter_column_type_using_is_parsed() {
    use dblint::source::sql::parse::parse_statement;
    use dblint::source::sql::statement::{Statement, TableAction, Using};
    let using = |sql: &str| -> Using {
        match parse_statement(sql).unwrap().remove(0) {
            Statement::AlterTable { mut actions, .. } => match actions.remove(0) {
                TableAction::AlterColumnType { using, .. } => using,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    assert!(matches!(
        using("ALTER TABLE t ALTER COLUMN z TYPE text"),
        Using::Column
    ));
    assert!(matches!(
        using("ALTER TABLE t ALTER COLUMN z TYPE text USING t.z"),
        Using::Column
    ));
    let Using::Casts(casts) =
        using("ALTER TABLE t ALTER COLUMN z TYPE text USING CAST(z::varchar(50) AS text)")
    else {
        panic!("casts");
    };
    let names: Vec<String> = casts.iter().map(|c| c.data_type.to_string()).collect();
    assert_eq!(names, ["character varying(50)", "text"]);
    let Using::Other(text) = using("ALTER TABLE t ALTER COLUMN z TYPE text USING lower(z)") else {
        panic!("other");
    };
    assert_eq!(text, "lower(z)");
    assert!(matches!(
        using("ALTER TABLE t ALTER COLUMN z TYPE text USING y::text"),
        Using::Other(_)
    ));
}

#[test]
fn materialized_views_track_population_and_refresh_keys() {
    let (db, diagnostics) = database_from_sql(
        "CREATE TABLE s (id int, region text, day date);\n\
         CREATE MATERIALIZED VIEW a AS SELECT region, day FROM s;\n\
         CREATE MATERIALIZED VIEW b AS SELECT id FROM s WITH NO DATA;\n\
         CREATE UNIQUE INDEX a_key ON a (region, day);\n\
         CREATE UNIQUE INDEX a_part ON a (region) WHERE day > '2020-01-01';\n\
         CREATE UNIQUE INDEX a_expr ON a ((day + 1));\n\
         CREATE INDEX a_plain ON a (day);\n\
         CREATE UNIQUE INDEX ON b (id);\n\
         REFRESH MATERIALIZED VIEW a WITH NO DATA;\n\
         REFRESH MATERIALIZED VIEW b;\n\
         DROP INDEX b_id_idx;\n",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let a = &db.views[&q("a")];
    assert!(!a.populated);
    assert_eq!(a.unique_indexes, vec!["a_key"]);
    let b = &db.views[&q("b")];
    assert!(b.populated);
    assert!(b.unique_indexes.is_empty());
}

#[test]
fn default_partitions_are_known_until_detached() {
    let (db, diagnostics) = database_from_sql(
        "CREATE TABLE p (id int, k text) PARTITION BY LIST (k);\n\
         CREATE TABLE p_a PARTITION OF p FOR VALUES IN ('a');\n\
         CREATE TABLE p_rest PARTITION OF p DEFAULT;\n\
         CREATE TABLE q (id int, k text) PARTITION BY LIST (k);\n\
         CREATE TABLE q_rest (id int, k text);\n\
         ALTER TABLE q ATTACH PARTITION q_rest DEFAULT;\n\
         ALTER TABLE p DETACH PARTITION p_rest;\n",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(!db.table(&q("p_a")).unwrap().default_partition);
    assert!(!db.table(&q("p_rest")).unwrap().default_partition);
    assert!(db.table(&q("q_rest")).unwrap().default_partition);
}

#[test]
fn partition_keys_are_modelled_and_follow_renames() {
    use dblint::model::{PartitionKey, PartitionStrategy};
    let (db, diagnostics) = database_from_sql(
        "CREATE TABLE m (id int, taken date, kind text) PARTITION BY RANGE (taken);\n\
         CREATE TABLE e (id int, kind text) PARTITION BY LIST (kind);\n\
         CREATE TABLE h (id int, a int, b int) PARTITION BY HASH (a, (b + 1));\n\
         CREATE TABLE e_sub PARTITION OF e FOR VALUES IN ('x') PARTITION BY RANGE (id);\n\
         ALTER TABLE m RENAME COLUMN taken TO at;\n",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let key = |t: &str| db.table(&q(t)).unwrap().partition_key.clone();
    let some = |s: &str| Some(dblint::model::Name::from(s));
    assert_eq!(
        key("m"),
        Some(PartitionKey {
            strategy: PartitionStrategy::Range,
            columns: vec![some("at")]
        })
    );
    assert_eq!(key("e").unwrap().strategy, PartitionStrategy::List);
    assert_eq!(
        key("h"),
        Some(PartitionKey {
            strategy: PartitionStrategy::Hash,
            columns: vec![some("a"), None]
        })
    );
    assert_eq!(key("e_sub").unwrap().columns, vec![some("id")]);
}

#[test]
fn alter_domain_adds_checks_and_not_null() {
    let (db, diagnostics) = database_from_sql(
        "CREATE DOMAIN price AS numeric;\n\
         ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;\n\
         ALTER DOMAIN price VALIDATE CONSTRAINT price_positive;\n\
         ALTER DOMAIN price SET NOT NULL;\n\
         CREATE DOMAIN label AS text NOT NULL;\n\
         ALTER DOMAIN label DROP NOT NULL;\n\
         ALTER DOMAIN ghost SET NOT NULL;\n",
    );
    let messages: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("domain ghost does not exist"),
        "{messages:?}"
    );
    let price = &db.domains[&q("price")];
    assert_eq!(price.checks.len(), 1);
    assert!(price.not_null);
    assert!(!db.domains[&q("label")].not_null);
}

/// `Database::partitions` answers from a lookup that replay keeps as statements create,
/// attach, detach, rename, move and drop partitions: after every statement it must
/// give, for every table, what a scan of all tables gives.
#[test]
fn the_partition_lookup_follows_every_statement() {
    let statements = [
        "CREATE SCHEMA other",
        "CREATE TABLE p (id int, at date) PARTITION BY RANGE (at)",
        "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
        "CREATE INDEX ON p (id)",
        "ALTER TABLE p RENAME TO q",
        "ALTER TABLE p1 RENAME TO q1",
        "CREATE TABLE q2 (id int, at date)",
        "ALTER TABLE q ATTACH PARTITION q2 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')",
        "CREATE TABLE q3 PARTITION OF q FOR VALUES FROM ('2022-01-01') TO ('2023-01-01') PARTITION BY RANGE (at)",
        "CREATE TABLE q3a PARTITION OF q3 DEFAULT",
        "ALTER TABLE q DETACH PARTITION q2",
        "ALTER TABLE q1 SET SCHEMA other",
        "CREATE INDEX q_at_idx ON q (at)",
        "DROP TABLE q3a",
        "CREATE TABLE q3a (id int, at date)",
        "ALTER TABLE q2 RENAME TO q4",
        "ALTER TABLE q ATTACH PARTITION q4 DEFAULT",
        "DROP TABLE q",
        "CREATE TABLE q (id int, at date) PARTITION BY LIST (at)",
        "CREATE TABLE q5 PARTITION OF q DEFAULT",
    ];
    let mut replayer = dblint::source::sql::replay::Replayer::new();
    let mut checked = 0;
    for sql in statements {
        let mut diagnostics = Vec::new();
        dblint::source::sql::replay_text(
            &mut replayer,
            "steps.sql",
            &format!("{sql};"),
            &mut diagnostics,
            &mut Default::default(),
        );
        assert!(diagnostics.is_empty(), "{sql}: {diagnostics:?}");
        let db = &replayer.db;
        for parent in db.tables.keys() {
            let looked_up: Vec<&QualifiedName> =
                db.partitions(parent).iter().map(|t| &t.name).collect();
            let scanned: Vec<&QualifiedName> = db
                .tables
                .values()
                .filter(|t| t.partition_of.as_ref() == Some(parent))
                .map(|t| &t.name)
                .collect();
            assert_eq!(looked_up, scanned, "after {sql}: partitions of {parent}");
            checked += scanned.len();
        }
    }
    assert!(checked > 20, "only {checked} partitions seen");
    // DROP TABLE q took its partitions along, q1 too (moved to `other`, still attached).
    let db = &replayer.db;
    assert_eq!(db.partitions(&q("q")).len(), 1);
    assert!(!db.tables.contains_key(&QualifiedName::new("other", "q1")));
    assert!(db.tables.contains_key(&q("q3a")));
}
