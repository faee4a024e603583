//! Every rule has a fixture that must fire (with exactly the findings its
//! `-- expect: <fingerprint>` lines list) and a fixture that must stay silent.

use dblint::engine;
use dblint::rules::REGISTRY;
use dblint::settings::Settings;
use dblint::source::sql::database_from_sql;
use dblint::source::DiagnosticLevel;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture_dir(rule: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(rule)
}

/// Fingerprints of `rule`'s findings on `sql`, with only that rule enabled.
fn fingerprints(rule: &str, sql: &str, file: &str) -> BTreeSet<String> {
    let (db, diagnostics) = database_from_sql(sql);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error || d.message.starts_with("cannot apply"))
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{file} does not replay cleanly: {errors:#?}"
    );
    let settings = Settings {
        packs: Some(Vec::new()),
        enable: vec![rule.to_string()],
        ..Settings::default()
    };
    let plan = engine::plan(&settings).unwrap();
    assert_eq!(plan.rules.len(), 1);
    let outcome = engine::run(&db, &plan);
    outcome.findings.iter().map(|f| f.fingerprint()).collect()
}

/// Rules that need a live server are exercised against PostgreSQL in tests/live.rs;
/// migration rules in tests/migration_fixtures.rs.
fn sql_rules() -> impl Iterator<Item = &'static &'static dyn dblint::rules::Rule> {
    REGISTRY
        .iter()
        .filter(|r| !r.meta().live_only() && !r.meta().is_migration())
}

#[test]
fn every_rule_fires_on_its_fire_fixture_exactly() {
    for rule in sql_rules() {
        let id = rule.meta().id;
        let path = fixture_dir(id).join("fire.sql");
        let sql = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing", path.display()));
        let expected: BTreeSet<String> = sql
            .lines()
            .filter_map(|l| l.strip_prefix("-- expect: "))
            .map(|s| s.trim().to_string())
            .collect();
        assert!(
            !expected.is_empty(),
            "{} lists no `-- expect:` findings",
            path.display()
        );
        let got = fingerprints(id, &sql, &path.display().to_string());
        assert_eq!(got, expected, "{id}: fire.sql findings differ");
    }
}

#[test]
fn every_rule_stays_silent_on_its_silent_fixture() {
    for rule in sql_rules() {
        let id = rule.meta().id;
        let path = fixture_dir(id).join("silent.sql");
        let sql = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing", path.display()));
        let got = fingerprints(id, &sql, &path.display().to_string());
        assert!(got.is_empty(), "{id}: silent.sql fired: {got:#?}");
    }
}

#[test]
fn live_rules_are_silent_on_sql_and_have_live_fixtures() {
    for rule in REGISTRY.iter().filter(|r| r.meta().live_only()) {
        let id = rule.meta().id;
        for kind in ["fire", "silent"] {
            let path = fixture_dir(id).join(format!("{kind}.sql"));
            let sql = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{} is missing", path.display()));
            let (db, _) = database_from_sql(&sql);
            let settings = Settings {
                packs: Some(Vec::new()),
                enable: vec![id.to_string()],
                ..Settings::default()
            };
            let plan = engine::plan(&settings).unwrap();
            assert!(
                engine::run(&db, &plan).findings.is_empty(),
                "{id} fired on SQL input"
            );
        }
    }
}

#[test]
fn every_fixture_directory_belongs_to_a_rule() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            dblint::rules::find(&name).is_some(),
            "fixtures for unknown rule {name}"
        );
    }
}
