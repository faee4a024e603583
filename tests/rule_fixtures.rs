//! One harness for every rule: each has a fixture that must fire (with exactly the
//! findings its `-- expect: <fingerprint>` lines list) and one that must stay silent,
//! in `tests/fixtures/rules/<rule>/{fire,silent}.sql`. A fixture is one SQL file, or
//! a sequence of migrations separated by `-- migration: <relative path>` lines (the
//! path decides whether the tool wraps the file in a transaction, as `migration.sql`
//! does for Prisma); `-- pg-version: N` sets the target version. (`--
//! min-server-version: N`, for syntax newer than PostgreSQL 12, is read by the live
//! and trace tests, which leave the fixture out on older servers.) Each fixture is
//! replayed from a temporary directory with only its rule enabled, through the same
//! engine calls `dblint lint` makes (schema rules on the final model, migration rules
//! on each statement).
//!
//! Every fire fixture's findings are also rendered (fingerprint, severity, message,
//! fix, help) into a snapshot per rule, `tests/snapshots/rule_fixtures__<rule>.snap`, so a
//! changed message or fix shows up in review (`INSTA_UPDATE=always cargo test --test
//! rule_fixtures`, then read the diff). Rules that need a live server are exercised
//! against PostgreSQL in tests/live.rs; here they must stay silent on SQL.

use dblint::engine;
use dblint::finding::Finding;
use dblint::rules::{RuleKind, REGISTRY};
use dblint::settings::Settings;
use dblint::source::sql;
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

/// `rule`'s findings on a fixture, with only that rule enabled.
fn findings(rule: &str, text: &str, shown: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let mut parts: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- migration: ") {
            parts.push((name.trim().to_string(), String::new()));
        } else {
            if parts.is_empty() {
                parts.push(("fixture.sql".to_string(), String::new()));
            }
            let body = &mut parts.last_mut().unwrap().1;
            body.push_str(line);
            body.push('\n');
        }
    }
    // Text before the first `-- migration:` line (comments) is not a migration.
    if !parts_is_single(text) {
        parts.retain(|(name, _)| name != "fixture.sql");
    }
    for (name, body) in &parts {
        let path = dir.path().join("migrations").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
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
    let mut reviewed = Vec::new();
    // The folder, so the files are migrations applied one after another (files named
    // together on a command line would be one deployment).
    let folder = [dir.path().join("migrations")];
    let loaded = sql::load_with(&folder, &|_| None, &mut |event| {
        engine::review_statement(event, &plan, pg_version, &mut reviewed)
    })
    .unwrap();
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| {
            d.level == dblint::source::DiagnosticLevel::Error
                || d.message.starts_with("cannot apply")
        })
        // A statement the fixture marks `/* expected to fail */` (on its first line)
        // fails on PostgreSQL too, and replay says so.
        .filter(|d| {
            !d.location.as_ref().is_some_and(|l| {
                std::fs::read_to_string(&*l.file).is_ok_and(|text| {
                    text.lines()
                        .nth(l.line.saturating_sub(1) as usize)
                        .is_some_and(|line| line.contains("/* expected to fail */"))
                })
            })
        })
        .map(|d| d.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "{shown} does not replay cleanly: {problems:#?}"
    );
    let mut all = engine::run(&loaded.database, &plan);
    all.extend(reviewed);
    engine::settle(&mut all);
    all
}

/// A fixture without `-- migration:` lines is one file.
fn parts_is_single(text: &str) -> bool {
    !text.lines().any(|l| l.starts_with("-- migration: "))
}

fn expected(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("-- expect: "))
        .map(|s| s.trim().to_string())
        .collect()
}

/// What the snapshot records of each finding.
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} [{}]\n  {}\n",
            f.fingerprint(),
            f.severity,
            f.message
        ));
        if let Some(fix) = &f.fix {
            for line in fix.lines() {
                out.push_str(&format!("  | {line}\n"));
            }
        }
        if let Some(help) = &f.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_rule_fires_exactly_on_its_fire_fixture_and_is_silent_on_the_other() {
    let mut failures = Vec::new();
    for rule in REGISTRY {
        let meta = rule.meta();
        let id = meta.id;
        let (fire_path, fire) = fixture(id, "fire");
        let (silent_path, silent) = fixture(id, "silent");
        let got_fire = findings(id, &fire, &fire_path.display().to_string());
        let got_silent = findings(id, &silent, &silent_path.display().to_string());
        if meta.kind == RuleKind::Live {
            // SQL has no statistics: live rules are silent here (tests/live.rs runs
            // these fixtures against PostgreSQL).
            if !got_fire.is_empty() || !got_silent.is_empty() {
                failures.push(format!("{id} fired on SQL input"));
            }
            continue;
        }
        let want = expected(&fire);
        if want.is_empty() {
            failures.push(format!(
                "{} lists no `-- expect:` findings",
                fire_path.display()
            ));
        }
        let got: BTreeSet<String> = got_fire.iter().map(Finding::fingerprint).collect();
        if got != want {
            failures.push(format!("{id}: fire.sql: expected {want:#?}\ngot {got:#?}"));
        }
        if !got_silent.is_empty() {
            failures.push(format!(
                "{id}: silent.sql fired: {:#?}",
                got_silent
                    .iter()
                    .map(Finding::fingerprint)
                    .collect::<Vec<_>>()
            ));
        }
        insta::assert_snapshot!(id, render(&got_fire));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
