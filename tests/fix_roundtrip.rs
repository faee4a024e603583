//! Every fix dblint prints runs on PostgreSQL, removes its finding, and brings in no
//! finding of its own.
//!
//! Each sample database and each rule fixture is loaded into a fresh database of the
//! test server; `inspect` reports on it; each finding's fix is sent statement by
//! statement, each alone in autocommit mode (as a person pastes it into psql, or a
//! migration of its own runs it), and `inspect` runs again: the fix must succeed, its
//! finding must be gone, and no finding may appear that was not there before (a fix
//! that builds a second index beside an invalid one, or adds a foreign key without
//! its index, trades one finding for another). Fixes are applied in fingerprint
//! order, each as the latest report gives it; a finding an earlier fix already
//! resolved is skipped. And as a person applies a whole report: every fix of one
//! report, in the report's order, one after another without a new report between
//! them, must run (a fix must not fail because an earlier one changed the schema).
//!
//! Needs a server: `eval "$(scripts/pg.sh start)"`; without one these tests fail.

mod common;
use common::pg::{fresh_db, load, url_for};
use common::{dblint, root};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The findings `inspect` reports on `db`, by fingerprint, with every rule on.
fn inspect(db: &str) -> BTreeMap<String, serde_json::Value> {
    let url = url_for(db, "");
    let mut args = vec!["inspect", url.as_str()];
    args.extend(common::pg::REPORT_FLAGS);
    let run = dblint(&args);
    assert_eq!(run.code, 0, "inspect failed: {}", run.stderr);
    common::pg::findings(&run.stdout)
        .into_iter()
        .map(|f| (f["fingerprint"].as_str().unwrap().to_string(), f))
        .collect()
}

/// The `(from, to)` column names of each `RENAME COLUMN from TO to` in `fix`.
fn renames(fix: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = fix
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(5)
        .filter(|w| w[0] == "RENAME" && w[1] == "COLUMN" && w[3] == "TO")
        .map(|w| {
            (
                w[2].trim_matches('"').to_string(),
                w[4].trim_matches('"').to_string(),
            )
        })
        .collect()
}

/// Loads `files`, applies every fix, and returns what went wrong, one line each.
fn round_trip(tag: &str, files: &[PathBuf]) -> Vec<String> {
    let db = fresh_db(tag);
    load(&db, files);
    let mut client = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    let mut current = inspect(&db);
    let reported: Vec<String> = current.keys().cloned().collect();
    let mut problems = Vec::new();
    for fingerprint in reported {
        // As a person would: the fix of the latest report (an earlier fix may have
        // resolved the finding, or dropped an index this fix would also drop).
        let Some(fix) = current
            .get(&fingerprint)
            .and_then(|f| f["fix"].as_str())
            .map(str::to_string)
        else {
            continue;
        };
        if fix.contains("...") {
            problems.push(format!(
                "{tag}: {fingerprint}: the fix has a placeholder for the user to fill in (that is help, not a fix):\n{fix}"
            ));
            continue;
        }
        let statements = dblint::source::sql::split::split(&fix).statements;
        assert!(
            !statements.is_empty(),
            "{tag}: {fingerprint}: the fix has no statement:\n{fix}"
        );
        let failed = statements.iter().find_map(|s| {
            client.simple_query(&s.sql).err().map(|e| {
                let reason = e
                    .as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string());
                format!("{}: {reason}", s.sql.trim())
            })
        });
        if let Some(error) = failed {
            problems.push(format!("{tag}: {fingerprint}: the fix fails: {error}"));
            continue;
        }
        let after = inspect(&db);
        if after.contains_key(&fingerprint) {
            problems.push(format!(
                "{tag}: {fingerprint}: still reported after its fix:\n{fix}"
            ));
        }
        // A finding that only follows a column the fix renamed is not new.
        let renamed = renames(&fix);
        for new in after.keys().filter(|k| {
            let mut old = (*k).clone();
            for (from, to) in &renamed {
                old = old.replace(&format!("({to})"), &format!("({from})"));
            }
            !current.contains_key(*k) && !current.contains_key(&old)
        }) {
            problems.push(format!("{tag}: {fingerprint}: its fix brings in {new}"));
        }
        current = after;
    }
    problems
}

/// The findings of one `inspect` of `db`, in the report's order.
fn report(db: &str) -> Vec<serde_json::Value> {
    let url = url_for(db, "");
    let mut args = vec!["inspect", url.as_str()];
    args.extend(common::pg::REPORT_FLAGS);
    let run = dblint(&args);
    assert_eq!(run.code, 0, "inspect failed: {}", run.stderr);
    common::pg::findings(&run.stdout)
}

/// Sends each statement of `fix`; the first failure, as text.
fn apply(client: &mut postgres::Client, fix: &str) -> Option<String> {
    let statements = dblint::source::sql::split::split(fix).statements;
    statements.iter().find_map(|s| {
        client.simple_query(&s.sql).err().map(|e| {
            let reason = e
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string());
            format!("{}: {reason}", s.sql.trim())
        })
    })
}

/// Loads `files` and applies every fix of one report in its order; what failed.
fn one_report_in_order(tag: &str, files: &[PathBuf]) -> Vec<String> {
    let db = fresh_db(tag);
    load(&db, files);
    let mut client = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    let mut problems = Vec::new();
    for finding in report(&db) {
        let Some(fix) = finding["fix"].as_str() else {
            continue;
        };
        if let Some(error) = apply(&mut client, fix) {
            problems.push(format!(
                "{tag}: {}: fails after the fixes above it in the report: {error}",
                finding["fingerprint"]
            ));
        }
    }
    problems
}

fn assert_clean(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problems with fixes:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_fix_on_the_sample_databases_runs_and_removes_its_finding() {
    let samples = root().join("sample-dbs");
    let mut problems = Vec::new();
    for (name, dir) in [
        ("benchwarmers", "benchwarmers"),
        ("prodmatic", "prodmatic"),
        ("helpdesk", "helpdesk"),
        ("roofing", "roofing/migrations"),
        ("kin2", "kin2"),
    ] {
        let files = dblint::source::sql::input_files(&[samples.join(dir)]).unwrap();
        problems.extend(round_trip(&format!("fix_{name}"), &files));
    }
    assert_clean(problems);
}

#[test]
fn every_fix_on_the_rule_fixtures_runs_and_removes_its_finding() {
    let mut problems = Vec::new();
    let mut rules_seen = 0;
    for rule in dblint::rules::REGISTRY
        .iter()
        .filter(|r| !r.meta().is_migration())
    {
        let id = rule.meta().id;
        for kind in ["fire", "silent"] {
            let file = root()
                .join("tests/fixtures/rules")
                .join(id)
                .join(format!("{kind}.sql"));
            let tag = format!("fix_{}_{kind}", id.replace('-', "_"));
            problems.extend(round_trip(&tag, &[file]));
        }
        rules_seen += 1;
    }
    assert!(rules_seen > 25, "the registry lists the schema rules");
    assert_clean(problems);
}

#[test]
fn the_fixes_of_one_report_apply_in_order() {
    let samples = root().join("sample-dbs");
    let mut problems = Vec::new();
    for (name, dir) in [
        ("benchwarmers", "benchwarmers"),
        ("prodmatic", "prodmatic"),
        ("helpdesk", "helpdesk"),
        ("roofing", "roofing/migrations"),
        ("kin2", "kin2"),
    ] {
        let files = dblint::source::sql::input_files(&[samples.join(dir)]).unwrap();
        problems.extend(one_report_in_order(&format!("seq_{name}"), &files));
    }
    for rule in dblint::rules::REGISTRY
        .iter()
        .filter(|r| !r.meta().is_migration())
    {
        let id = rule.meta().id;
        let file = root()
            .join("tests/fixtures/rules")
            .join(id)
            .join("fire.sql");
        problems.extend(one_report_in_order(
            &format!("seq_{}", id.replace('-', "_")),
            &[file],
        ));
    }
    assert_clean(problems);
}

/// On a table of a million rows or more, the key is added in steps that rewrite
/// nothing; they run, keep every row, and leave an identity key behind.
#[test]
fn a_large_table_gets_its_key_in_steps() {
    let db = fresh_db("fix_large_without_pk");
    let mut client = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE public.events (happened_at timestamptz NOT NULL, payload text);
             INSERT INTO public.events SELECT now(), g::text FROM generate_series(1, 1000001) g;
             ANALYZE public.events;",
        )
        .unwrap();
    let found = report(&db);
    let finding = found
        .iter()
        .find(|f| f["fingerprint"] == "table-without-pk:public.events")
        .expect("table-without-pk on public.events");
    let fix = finding["fix"].as_str().unwrap();
    assert!(
        !fix.contains("GENERATED ALWAYS AS IDENTITY PRIMARY KEY") && !fix.contains("-- review:"),
        "the steps rewrite nothing and the review finds nothing to say:\n{fix}"
    );
    assert_eq!(apply(&mut client, fix), None, "{fix}");
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT id), max(id),
                    (SELECT attidentity FROM pg_attribute WHERE attrelid = 'public.events'::regclass AND attname = 'id')::text
             FROM public.events",
            &[],
        )
        .unwrap();
    let (rows, ids, max): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let identity: String = row.get(3);
    assert_eq!(
        (rows, ids),
        (1_000_001, 1_000_001),
        "every row has its own id"
    );
    assert_eq!(identity, "d", "id is an identity column");
    // New rows go on from the backfill's numbers.
    let next: i64 = client
        .query_one(
            "INSERT INTO public.events (happened_at) VALUES (now()) RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(next > max, "{next} after {max}");
    let after = inspect(&db);
    assert!(
        !after.contains_key("table-without-pk:public.events"),
        "{:?}",
        after.keys()
    );
}
