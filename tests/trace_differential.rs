//! The differential test: every migration statement of the rule fixtures and the
//! sample databases is applied with `dblint trace` on the test server
//! (DBLINT_TEST_DATABASE_URL, any major version 12 to 18), and what the static lock
//! model predicts (`lint --locks`) is compared with what PostgreSQL did: the lock mode
//! per table, rewrite yes/no, scan yes/no, and whether the statement runs at all.
//!
//! Every disagreement must be explained in `tests/fixtures/trace/reviewed.toml` (kind,
//! statement glob, optionally table, location glob and versions, and the reason), and
//! every entry there must still match something on the versions it names: a model fix
//! that removes a disagreement makes its entry stale, and the test says so.
//!
//! `DBLINT_TRACE_SUMMARY=FILE` writes the figures (statements compared, agreements,
//! disagreements by kind) to FILE, for scripts/matrix.sh.

mod common;

use common::{dblint, pg};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct Reviewed {
    #[serde(default, rename = "disagreement")]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    kind: String,
    /// Glob on the statement's first line (case-insensitive).
    statement: String,
    #[serde(default)]
    table: Option<String>,
    /// Glob on `fixture:file:line`.
    #[serde(default, rename = "where")]
    location: Option<String>,
    #[serde(default)]
    versions: Option<Vec<u32>>,
    /// Depends on the server's installation (an extension), not its version: never
    /// reported stale.
    #[serde(default)]
    optional: bool,
    reason: String,
}

struct Found {
    location: String,
    statement: String,
    kind: String,
    table: Option<String>,
    text: String,
}

fn glob(pattern: &str) -> globset::GlobMatcher {
    globset::GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .unwrap_or_else(|e| panic!("reviewed.toml: bad glob `{pattern}`: {e}"))
        .compile_matcher()
}

impl Entry {
    fn matches(&self, found: &Found, major: u32) -> bool {
        self.kind == found.kind
            && self.versions.as_ref().is_none_or(|v| v.contains(&major))
            && glob(&self.statement).is_match(&found.statement)
            && self
                .table
                .as_ref()
                .is_none_or(|t| found.table.as_deref() == Some(t.as_str()))
            && self
                .location
                .as_ref()
                .is_none_or(|l| glob(l).is_match(&found.location))
    }
}

/// A rule fixture written out as migration files (as tests/rule_fixtures.rs does):
/// `-- migration: <path>` lines separate files; without them the fixture is one file.
fn write_fixture(text: &str, dir: &Path) {
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
    if text.contains("-- migration: ") {
        parts.retain(|(name, _)| name != "fixture.sql");
    }
    for (name, body) in parts {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

/// (name, input path) of every migration set: each rule fixture, each sample. A
/// fixture whose `-- min-server-version: N` is newer than the server (`major`) is left
/// out, and counted in the second value.
fn migration_sets(scratch: &Path, major: u32) -> (Vec<(String, PathBuf)>, usize) {
    let root = common::root();
    let mut sets = Vec::new();
    let mut skipped = 0;
    let mut rules: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    rules.sort();
    for rule in rules {
        for kind in ["fire", "silent"] {
            let file = rule.join(format!("{kind}.sql"));
            let name = format!("{}/{kind}", rule.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&file).unwrap();
            if pg::min_server_version(&text) > major {
                skipped += 1;
                continue;
            }
            let dir = scratch.join(&name).join("migrations");
            std::fs::create_dir_all(&dir).unwrap();
            write_fixture(&text, &dir);
            sets.push((name, dir));
        }
    }
    for sample in [
        "roofing/migrations",
        "helpdesk",
        "benchwarmers/schema.sql",
        "kin2/schema.sql",
        "prodmatic/schema.sql",
    ] {
        sets.push((
            format!("sample-dbs/{sample}"),
            root.join("sample-dbs").join(sample),
        ));
    }
    (sets, skipped)
}

fn trace(name: &str, input: &Path, database: &str) -> serde_json::Value {
    let run = dblint(&[
        "trace",
        input.to_str().unwrap(),
        "--database",
        &pg::url_for(database, ""),
        "--format",
        "json",
    ]);
    assert!(
        run.code == 0 || run.code == 1,
        "{name}: dblint trace exited {}:\n{}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}\n{}", run.stdout, run.stderr))
}

#[test]
fn the_lock_model_agrees_with_postgresql_on_every_fixture_or_says_why_not() {
    let reviewed: Reviewed = toml::from_str(
        &std::fs::read_to_string(common::root().join("tests/fixtures/trace/reviewed.toml"))
            .unwrap(),
    )
    .expect("tests/fixtures/trace/reviewed.toml");
    let scratch = tempfile::tempdir().unwrap();
    let server_major = pg::server_major();
    let (sets, skipped) = migration_sets(scratch.path(), server_major);
    let database = pg::fresh_db("trace_diff");
    let mut found = Vec::new();
    let mut major = 0;
    let mut compared = 0;
    let mut agreements = 0;
    let mut statements = 0;
    for (name, input) in &sets {
        let report = trace(name, input, &database);
        major = report["server_version"]
            .as_str()
            .and_then(|v| v.strip_prefix("PostgreSQL "))
            .and_then(|v| v.split('.').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        statements += report["summary"]["statements"].as_u64().unwrap() as usize;
        compared += report["summary"]["compared"].as_u64().unwrap() as usize;
        agreements += report["summary"]["agreements"].as_u64().unwrap() as usize;
        let base = input.display().to_string();
        for s in report["statements"].as_array().unwrap() {
            let file = s["file"].as_str().unwrap();
            let short = file.strip_prefix(&base).unwrap_or(file);
            let location = format!("{name}:{}:{}", short.trim_start_matches('/'), s["line"]);
            for d in s["disagreements"].as_array().unwrap() {
                let kind = d["kind"].as_str().unwrap().to_string();
                let table = d["table"].as_str().map(String::from);
                let text = format!(
                    "{kind}{}: predicted {}, observed {}",
                    table
                        .as_ref()
                        .map(|t| format!(" on {t}"))
                        .unwrap_or_default(),
                    d["predicted"].as_str().unwrap(),
                    d["observed"].as_str().unwrap()
                );
                found.push(Found {
                    location: location.clone(),
                    statement: s["statement"].as_str().unwrap().to_string(),
                    kind,
                    table,
                    text,
                });
            }
        }
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut used = vec![false; reviewed.entries.len()];
    for f in &found {
        *by_kind.entry(f.kind.clone()).or_default() += 1;
        match reviewed.entries.iter().position(|e| e.matches(f, major)) {
            Some(i) => used[i] = true,
            None => unexplained.push(format!("{}: `{}`: {}", f.location, f.statement, f.text)),
        }
    }
    let stale: Vec<String> = reviewed
        .entries
        .iter()
        .zip(&used)
        .filter(|(e, used)| {
            !**used && !e.optional && e.versions.as_ref().is_none_or(|v| v.contains(&major))
        })
        .map(|(e, _)| format!("{} `{}` ({})", e.kind, e.statement, e.reason))
        .collect();
    let summary = format!(
        "PostgreSQL {major}: {} migration sets{}, {statements} statements traced, {compared} compared, {agreements} agree, {} disagreements ({}), {} unexplained",
        sets.len(),
        if skipped > 0 {
            format!(" ({skipped} fixtures need a newer server)")
        } else {
            String::new()
        },
        found.len(),
        by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        unexplained.len()
    );
    println!("{summary}");
    if let Ok(path) = std::env::var("DBLINT_TRACE_SUMMARY") {
        std::fs::write(path, format!("{summary}\n")).unwrap();
    }
    assert!(
        unexplained.is_empty(),
        "{} disagreements between the lock model and PostgreSQL {major} are neither fixed nor explained in tests/fixtures/trace/reviewed.toml:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "reviewed.toml entries that no longer match any disagreement on PostgreSQL {major} (remove them, or limit them with `versions`):\n{}",
        stale.join("\n")
    );
}
