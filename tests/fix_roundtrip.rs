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
//! resolved is skipped.
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
