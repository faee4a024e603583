//! Deeply nested but valid SQL replays into the model and is graded; nesting beyond
//! what PostgreSQL's parser takes is one error line, never a crash.

mod common;
use common::{dblint_in, temp_tree};
use dblint::model::QualifiedName;
use dblint::source::sql::database_from_sql;
use dblint::source::DiagnosticLevel;

fn q(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

/// `CREATE TABLE docs` with `columns` text columns and a generated tsvector over all
/// of them, as full-text search schemas write it.
fn tsvector_table(columns: usize) -> String {
    let defs: Vec<String> = (0..columns).map(|i| format!("c{i} text")).collect();
    let terms: Vec<String> = (0..columns)
        .map(|i| format!("coalesce(c{i}, '')"))
        .collect();
    format!(
        "CREATE TABLE docs (id bigint PRIMARY KEY, {}, search tsvector GENERATED ALWAYS AS (to_tsvector('english', {})) STORED);\n",
        defs.join(", "),
        terms.join(" || ' ' || ")
    )
}

/// A view whose one column is `terms` columns joined with `||`.
fn concat_view(terms: usize) -> String {
    let parts: Vec<&str> = vec!["a"; terms];
    format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a text);\nCREATE VIEW v AS SELECT {} AS x FROM t;\n",
        parts.join(" || ")
    )
}

/// Replay `sql`; it must give no diagnostics.
fn clean(sql: &str) -> dblint::model::Database {
    let (db, diagnostics) = database_from_sql(sql);
    assert!(
        diagnostics.is_empty(),
        "{:?}",
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    );
    db
}

#[test]
fn generated_tsvector_over_25_columns() {
    let db = clean(&tsvector_table(25));
    let table = db.table(&q("docs")).expect("docs is in the model");
    let search = table.columns.iter().find(|c| c.name == "search").unwrap();
    let generated = search.generated.as_deref().unwrap();
    assert!(
        generated.starts_with("to_tsvector('english'"),
        "{generated}"
    );
    assert!(generated.contains("c24"), "{generated}");
}

#[test]
fn views_of_50_to_10000_concatenated_terms() {
    // 4,900 terms is close to the deepest tree libpg_query hands over as protobuf
    // (10,000 levels, two per `||`); a statement over 16 KB is decoded without it.
    for terms in [50, 1000, 4900, 10_000] {
        let db = clean(&concat_view(terms));
        assert!(db.views.contains_key(&q("v")), "{terms} terms");
    }
    // PostgreSQL 15 takes up to about 6,000 terms; written tightly, 5,300 are under
    // 16 KB, and too deep for the protobuf: they are decoded without it too.
    let tight = format!(
        "CREATE VIEW v AS SELECT {} FROM t",
        vec!["a"; 5300].join("||")
    );
    assert!(tight.len() < 16 << 10);
    let db = clean(&format!("CREATE TABLE t (a text);\n{tight};\n"));
    assert!(db.views.contains_key(&q("v")));
}

#[test]
fn deep_case_not_and_subquery_nesting() {
    let case = format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int GENERATED ALWAYS AS ({}1{}) STORED);\n",
        "CASE WHEN a > 0 THEN ".repeat(1000),
        " ELSE 0 END".repeat(1000)
    );
    let table = clean(&case).table(&q("t")).cloned().expect("t");
    assert!(table.columns[2]
        .generated
        .as_deref()
        .unwrap()
        .starts_with("CASE WHEN a > 0"));

    let not = format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a bool CHECK ({}a));\n",
        "NOT ".repeat(4900)
    );
    assert_eq!(clean(&not).table(&q("t")).unwrap().checks.len(), 1);

    let and: Vec<String> = (0..10_000).map(|i| format!("a <> {i}")).collect();
    let and = format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a int CHECK ({}));\n",
        and.join(" AND ")
    );
    let db = clean(&and);
    assert!(db.table(&q("t")).unwrap().checks[0]
        .expression
        .ends_with("a <> 9999"));

    let nested = format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a int);\nCREATE VIEW v AS {}SELECT a FROM t{};\n",
        "SELECT * FROM (".repeat(1000),
        ") s".repeat(1000)
    );
    assert!(clean(&nested).views.contains_key(&q("v")));

    let parens = format!(
        "CREATE TABLE t (id bigint PRIMARY KEY, a int CHECK ({}a > 0{}));\n",
        "(".repeat(4000),
        ")".repeat(4000)
    );
    assert_eq!(clean(&parens).table(&q("t")).unwrap().checks.len(), 1);
}

#[test]
fn nesting_postgresql_rejects_is_one_error_and_replay_goes_on() {
    let after = "CREATE TABLE after_it (id bigint PRIMARY KEY);\n";
    let cases = [
        // The grammar's own stack (PostgreSQL: "memory exhausted").
        format!(
            "CREATE TABLE t (id bigint PRIMARY KEY, a int CHECK ({}a > 0{}));\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        // PostgreSQL: "stack depth limit exceeded".
        concat_view(100_000),
    ];
    for sql in cases {
        let (db, diagnostics) = database_from_sql(&format!("{sql}{after}"));
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains(": error: cannot parse `"),
            "{}",
            errors[0]
        );
        assert_eq!(errors[0].lines().count(), 1);
        assert!(db.table(&q("after_it")).is_some());
    }
}

#[test]
fn deep_tables_and_views_are_graded() {
    let sql = format!("{}{}", tsvector_table(25), concat_view(1000));
    let dir = temp_tree(&[("schema.sql", &sql)]);
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["parse_errors"], 0);
    assert_eq!(doc["summary"]["tables"], 2);
    let tables: Vec<&str> = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    assert!(tables.contains(&"public.docs"), "{tables:?}");
    assert!(tables.contains(&"public.t"), "{tables:?}");
}

#[test]
fn a_cascade_chain_thousands_of_tables_deep_is_one_finding() {
    // Walked with an explicit stack, remembering one step per table: the recursive
    // walk that kept every path took 2.4 GB for 20,000 tables.
    let mut sql = String::from("CREATE TABLE t0 (id bigint PRIMARY KEY);\n");
    for i in 1..20_000 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, parent bigint REFERENCES t{} (id) ON DELETE CASCADE);\n",
            i - 1
        ));
    }
    let db = clean(&sql);
    let plan = dblint::engine::plan(&dblint::settings::Settings::default()).unwrap();
    let outcome = dblint::engine::run(&db, &plan);
    let chains: Vec<&str> = outcome
        .iter()
        .filter(|f| f.rule == "cascade-chain")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(chains.len(), 1);
    assert!(
        chains[0].starts_with("deleting from t0 cascades 19999 levels: t0 → t1 → t2"),
        "{}",
        &chains[0][..80]
    );
    assert!(chains[0].ends_with("t19998 → t19999"));
}
