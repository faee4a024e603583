//! Migration rules: each rule's `fire.sql` and `silent.sql` hold a sequence of
//! migrations separated by `-- migration: <relative path>` lines (the path decides
//! whether the tool wraps the file in a transaction, as `migration.sql` does for
//! Prisma). `-- pg-version: N` sets the target version; `-- expect: <fingerprint>`
//! lists exactly the findings the fire fixture must produce. Each fixture is replayed
//! from a temporary directory with only its rule enabled.

use dblint::engine::{self, Outcome};
use dblint::rules::REGISTRY;
use dblint::settings::Settings;
use dblint::source::sql::{self, session::tool_wraps_in_transaction};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(rule: &str, kind: &str) -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(rule)
        .join(format!("{kind}.sql"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
    (path, text)
}

/// Fingerprints (with the migration's file name) of `rule`'s findings.
fn review(rule: &str, text: &str, shown: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut parts: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- migration: ") {
            parts.push((name.trim().to_string(), String::new()));
        } else if let Some((_, body)) = parts.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    assert!(!parts.is_empty(), "{shown} has no `-- migration:` line");
    let mut paths = Vec::new();
    for (name, body) in &parts {
        let path = dir.path().join("migrations").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        paths.push(path);
    }
    let pg_version = text
        .lines()
        .find_map(|l| l.strip_prefix("-- pg-version: "))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(15);
    let settings = Settings {
        packs: Some(Vec::new()),
        enable: vec![rule.to_string()],
        ..Settings::default()
    };
    let plan = engine::plan(&settings).unwrap();
    assert_eq!(plan.rules.len(), 1);
    let mut outcome = Outcome::default();
    let loaded = sql::load_with(&paths, &|p| tool_wraps_in_transaction(p), &mut |event| {
        engine::review_statement(event, &plan, pg_version, &mut outcome)
    })
    .unwrap();
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| {
            d.level == dblint::source::DiagnosticLevel::Error
                || d.message.starts_with("cannot apply")
        })
        .map(|d| d.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "{shown} does not replay cleanly: {problems:#?}"
    );
    outcome.findings.iter().map(|f| f.fingerprint()).collect()
}

fn migration_rules() -> impl Iterator<Item = &'static str> {
    REGISTRY
        .iter()
        .filter(|r| r.meta().is_migration())
        .map(|r| r.meta().id)
}

#[test]
fn every_migration_rule_fires_on_its_fire_fixture_exactly() {
    let mut failures = Vec::new();
    for id in migration_rules() {
        let (path, text) = fixture(id, "fire");
        let expected: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("-- expect: "))
            .map(|s| s.trim().to_string())
            .collect();
        assert!(
            !expected.is_empty(),
            "{} lists no `-- expect:`",
            path.display()
        );
        let got = review(id, &text, &path.display().to_string());
        if got != expected {
            failures.push(format!("{id}: expected {expected:#?}\ngot {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_migration_rule_stays_silent_on_its_silent_fixture() {
    let mut failures = Vec::new();
    for id in migration_rules() {
        let (path, text) = fixture(id, "silent");
        let got = review(id, &text, &path.display().to_string());
        if !got.is_empty() {
            failures.push(format!("{id}: silent.sql fired: {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
