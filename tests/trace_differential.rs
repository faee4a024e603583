//! The differential test: every migration statement of the rule fixtures and the
//! sample databases is applied with `dblint trace` on the test server
//! (DBLINT_TEST_DATABASE_URL, any major version 12 to 18), and what the static lock
//! model predicts (`lint --locks`) is compared with what PostgreSQL did: the lock mode
//! per table, rewrite yes/no, scan yes/no, whether the statement runs at all, and the
//! session's `lock_timeout` before it.
//!
//! The rules are checked too: every migration finding of a default `lint` run carries
//! its claim (the lock mode it says the statement takes, a scan, a rewrite, a refusal
//! by PostgreSQL, a refusal once the table has rows), and each claim is compared with
//! what the server did at that statement (disagreement kinds `rule-lock`, `rule-scan`,
//! `rule-rewrite`, `rule-refusal`). Every migration rule whose verdict rests on
//! PostgreSQL's behaviour must have a claim compared.
//!
//! Every disagreement must be explained in `tests/fixtures/trace/reviewed.toml` (kind,
//! statement glob, optionally table, location glob and versions, and the reason), and
//! every entry there must still match something on the versions it names: a model fix
//! that removes a disagreement makes its entry stale, and the test says so.
//!
//! The model's refusals are checked too: a statement it says PostgreSQL refuses
//! (`predicted.refused`) must fail with that refusal's error (kind `refusal`).
//!
//! `DBLINT_TRACE_SUMMARY=FILE` writes the figures (statements compared, agreements,
//! disagreements by kind) to FILE, for scripts/matrix.sh.

mod common;

use common::claims::check_claim;
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

impl Entry {
    fn matches(&self, found: &Found, major: u32) -> bool {
        self.kind == found.kind
            && self.versions.as_ref().is_none_or(|v| v.contains(&major))
            && common::glob(&self.statement, "reviewed.toml").is_match(&found.statement)
            && self
                .table
                .as_ref()
                .is_none_or(|t| found.table.as_deref() == Some(t.as_str()))
            && self
                .location
                .as_ref()
                .is_none_or(|l| common::glob(l, "reviewed.toml").is_match(&found.location))
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

/// `dblint lint` of a migration set for PostgreSQL `major`, every migration
/// reviewed, default rules: the JSON report.
fn lint_json(name: &str, input: &Path, major: u32) -> serde_json::Value {
    let run = dblint(&[
        "lint",
        input.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--all",
        "--no-config",
        "--pg-version",
        &major.to_string(),
    ]);
    assert!(
        run.code == 0,
        "{name}: dblint lint exited {}:\n{}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{name}: {e}\n{}", run.stdout))
}

/// Every claim migration review makes about a statement (`claim` of its JSON
/// findings, at `file:line`): [`lint_json`] of the set for the server's version.
fn claims(name: &str, input: &Path, major: u32) -> BTreeMap<(String, u64), Vec<serde_json::Value>> {
    let doc = lint_json(name, input, major);
    let mut out: BTreeMap<(String, u64), Vec<serde_json::Value>> = BTreeMap::new();
    for f in doc["findings"].as_array().unwrap() {
        if f["claim"].is_null() || f["location"].is_null() {
            continue;
        }
        let key = (
            f["location"]["file"].as_str().unwrap().to_string(),
            f["location"]["line"].as_u64().unwrap(),
        );
        out.entry(key).or_default().push(f.clone());
    }
    out
}

/// Migration rules whose findings claim no effect of a statement on a table: they are
/// about a file's transaction structure (`about_file` findings).
const CLAIMS_NOTHING: &[&str] = &[
    "unclosed-transaction",
    "transaction-control-in-wrapped-file",
];

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
    let (mut claims_compared, mut claims_agree) = (0, 0);
    // Statements the model says PostgreSQL refuses, and of those, the ones that
    // failed with the refusal's error.
    let (mut refusals, mut refusals_seen) = (0, 0);
    let mut checked_rules = std::collections::BTreeSet::new();
    for (name, input) in &sets {
        let report = trace(name, input, &database);
        let claimed = claims(name, input, server_major);
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
            // What migration review's findings claim about this statement.
            if !s["predicted"]["refused"].is_null() {
                refusals += 1;
                if s["disagreements"].as_array().unwrap().is_empty() {
                    refusals_seen += 1;
                }
            }
            let key = (file.to_string(), s["line"].as_u64().unwrap());
            for f in claimed.get(&key).into_iter().flatten() {
                let Some(disagreements) = check_claim(&f["claim"], s) else {
                    continue;
                };
                claims_compared += 1;
                checked_rules.insert(f["rule"].as_str().unwrap().to_string());
                if disagreements.is_empty() {
                    claims_agree += 1;
                }
                for (kind, table, predicted, observed) in disagreements {
                    let rule = f["rule"].as_str().unwrap();
                    found.push(Found {
                        location: location.clone(),
                        statement: s["statement"].as_str().unwrap().to_string(),
                        text: format!(
                            "{kind}{}: {rule} claims {predicted}, observed {observed}",
                            table
                                .as_ref()
                                .map(|t| format!(" on {t}"))
                                .unwrap_or_default()
                        ),
                        kind,
                        table,
                    });
                }
            }
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
        "PostgreSQL {major}: {} migration sets{}, {statements} statements traced, {compared} compared, {agreements} agree; refusals: {refusals} predicted, {refusals_seen} as predicted; rule claims: {claims_compared} compared, {claims_agree} agree; {} disagreements ({}), {} unexplained",
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
    // Every migration rule whose verdict rests on PostgreSQL's behaviour has its
    // claims checked on its fire fixture at least (file-level rules claim nothing
    // about a table, and name rules claim no behaviour).
    let unchecked: Vec<&str> = dblint::rules::REGISTRY
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.is_migration() && m.evidence == dblint::rules::Evidence::Behaviour)
        .filter(|m| !CLAIMS_NOTHING.contains(&m.id))
        .filter(|m| !checked_rules.contains(m.id))
        .map(|m| m.id)
        .collect();
    assert!(
        unchecked.is_empty(),
        "migration rules none of whose claims was compared with PostgreSQL {major}: {unchecked:?}"
    );
    assert!(
        stale.is_empty(),
        "reviewed.toml entries that no longer match any disagreement on PostgreSQL {major} (remove them, or limit them with `versions`):\n{}",
        stale.join("\n")
    );
}

/// The lines of `fix` that are statements (not comments): a fix of comments only is
/// advice, and runs nothing.
fn runs_something(fix: &str) -> bool {
    !dblint::source::sql::split::split(fix).statements.is_empty()
}

/// Rules whose fix is a safer procedure that still runs the statement: the data a
/// dropped column held is gone, and a renamed table is renamed, whatever the order
/// of deploys; the rule is right to keep reporting the statement.
const FIX_KEEPS_STATEMENT: &[&str] = &["destructive-change", "rename-breaks-code"];

/// One fix to apply: where its statement is, and the fix.
struct Fix {
    file: PathBuf,
    line: u32,
    text: String,
}

/// Every fix migration review prints for the rule fixtures, run on PostgreSQL: for
/// each rule, a copy of its fire fixture with each of the rule's fixes in place of the
/// statement it fixes (one that goes in a migration of its own, as a CONCURRENTLY
/// statement or a VALIDATE "in the next migration" does, in a new migration right
/// after; for Diesel with `run_in_transaction = false`). Each fix succeeds, and the
/// rule no longer reports the statements a fix puts there. `lock-timeout-missing`'s
/// fix is a SET for the top of the file (its silent fixture has it).
#[test]
fn migration_fixes_run_and_remove_their_hazard() {
    let server_major = pg::server_major();
    let scratch = tempfile::tempdir().unwrap();
    let (sets, _) = migration_sets(scratch.path(), server_major);
    let mut problems = Vec::new();
    let mut applied = 0;
    let mut copies = 0;
    for (name, input) in sets.iter().filter(|(n, _)| n.ends_with("/fire")) {
        let rule_dir = name.trim_end_matches("/fire");
        let text = std::fs::read_to_string(
            common::root()
                .join("tests/fixtures/rules")
                .join(rule_dir)
                .join("fire.sql"),
        )
        .unwrap();
        if !text.contains("-- migration: ") {
            continue;
        }
        // Statements that fail on this server as written (newer syntax): their fixes
        // are not judged here unless the finding says PostgreSQL refuses them.
        let original = trace(name, input, &pg::fresh_db("fixes_original"));
        let failing: std::collections::BTreeSet<(String, u64)> = original["statements"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["observed"]["error"].is_null())
            .map(|s| {
                (
                    s["file"].as_str().unwrap().to_string(),
                    s["line"].as_u64().unwrap(),
                )
            })
            .collect();
        // The fixture's own rule's fixes, together (a later statement may need an
        // earlier fixed one).
        let mut fixes: Vec<Fix> = Vec::new();
        for f in lint_json(name, input, server_major)["findings"]
            .as_array()
            .unwrap()
        {
            let rule = f["rule"].as_str().unwrap();
            let Some(fix) = f["fix"].as_str() else {
                continue;
            };
            if rule != rule_dir
                || f["location"].is_null()
                || rule == "lock-timeout-missing"
                || !runs_something(fix)
            {
                continue;
            }
            let file = PathBuf::from(f["location"]["file"].as_str().unwrap());
            let line = f["location"]["line"].as_u64().unwrap() as u32;
            let refused = f["claim"]["refused"].as_bool().unwrap_or(false)
                || f["claim"]["refused_with_rows"].as_bool().unwrap_or(false);
            if !file.starts_with(input)
                || (!refused && failing.contains(&(file.display().to_string(), line as u64)))
                || fixes.iter().any(|x| x.file == file && x.line == line)
            {
                continue;
            }
            fixes.push(Fix {
                file,
                line,
                text: fix.to_string(),
            });
        }
        if fixes.is_empty() {
            continue;
        }
        let copy = scratch.path().join(format!("fixed-{copies}"));
        copies += 1;
        common::copy_tree(input, &copy);
        // Where each fix's statements end up: (file, first line, last line).
        let mut placed: Vec<(PathBuf, std::ops::Range<u32>)> = Vec::new();
        // Latest first, so earlier offsets of a file stay right.
        fixes.sort_by(|a, b| (&b.file, b.line).cmp(&(&a.file, a.line)));
        let mut moved_lines: BTreeMap<PathBuf, Vec<(u32, i64)>> = BTreeMap::new();
        for fix in &fixes {
            let target = copy.join(fix.file.strip_prefix(input).unwrap());
            let body = std::fs::read_to_string(&target).unwrap();
            let split = dblint::source::sql::split::split(&body);
            let Some(statement) = split.statements.iter().find(|s| s.line == fix.line) else {
                continue;
            };
            let end = statement.offset + statement.sql.len();
            let end = body[end..]
                .find(|c: char| !c.is_whitespace())
                .filter(|i| body[end + i..].starts_with(';'))
                .map_or(end, |i| end + i + 1);
            let own_file = fix.text.contains("CONCURRENTLY")
                || fix.text.contains("next migration")
                || fix.text.contains("of its own");
            applied += 1;
            if own_file {
                std::fs::write(
                    &target,
                    format!("{}{}", &body[..statement.offset], &body[end..]),
                )
                .unwrap();
                // A migration of its own, sorting right after the one it came from,
                // in the fix's order.
                let tag = format!("_fix{:05}", fix.line);
                let extra = match target.file_name().and_then(|n| n.to_str()) {
                    Some("migration.sql" | "up.sql") => {
                        let dir = target.parent().unwrap();
                        let sibling = dir.with_file_name(format!(
                            "{}{tag}",
                            dir.file_name().unwrap().to_string_lossy()
                        ));
                        std::fs::create_dir_all(&sibling).unwrap();
                        if target.file_name().is_some_and(|n| n == "up.sql") {
                            std::fs::write(
                                sibling.join("metadata.toml"),
                                "run_in_transaction = false\n",
                            )
                            .unwrap();
                        }
                        sibling.join(target.file_name().unwrap())
                    }
                    _ => {
                        let stem = target.file_stem().unwrap().to_string_lossy().to_string();
                        // `x.up.sql` stays an up migration: `x_fixN.up.sql`.
                        match stem.strip_suffix(".up") {
                            Some(base) => target.with_file_name(format!("{base}{tag}.up.sql")),
                            None => target.with_file_name(format!("{stem}{tag}.sql")),
                        }
                    }
                };
                std::fs::write(&extra, format!("{}\n", fix.text)).unwrap();
                placed.push((extra, 1..fix.text.lines().count() as u32 + 1));
                let removed = body[statement.offset..end].lines().count() as i64 - 1;
                moved_lines
                    .entry(target)
                    .or_default()
                    .push((fix.line, -removed));
            } else {
                std::fs::write(
                    &target,
                    format!(
                        "{}{}\n{}",
                        &body[..statement.offset],
                        fix.text,
                        &body[end..]
                    ),
                )
                .unwrap();
                let added = fix.text.lines().count() as i64 + 1
                    - body[statement.offset..end].lines().count() as i64;
                placed.push((
                    target.clone(),
                    fix.line..fix.line + fix.text.lines().count() as u32,
                ));
                moved_lines
                    .entry(target)
                    .or_default()
                    .push((fix.line, added));
            }
        }
        // A fix placed in a file where a fix above it changed the line count moves.
        for (file, range) in placed.iter_mut() {
            let shift: i64 = moved_lines
                .get(file)
                .into_iter()
                .flatten()
                .filter(|(line, _)| *line < range.start)
                .map(|(_, by)| by)
                .sum();
            let start = (range.start as i64 + shift) as u32;
            let end = (range.end as i64 + shift) as u32;
            *range = start..end;
        }
        let what = format!("{name}: {rule_dir}");
        // They run.
        let report = trace(&what, &copy, &pg::fresh_db("fixes"));
        for s in report["statements"].as_array().unwrap() {
            let at = s["line"].as_u64().unwrap() as u32;
            let file = PathBuf::from(s["file"].as_str().unwrap());
            if placed.iter().any(|(f, r)| *f == file && r.contains(&at))
                && !s["observed"]["error"].is_null()
            {
                problems.push(format!(
                    "{what}: a fix fails on PostgreSQL {server_major}: {}:{at}: {}: {}",
                    file.display(),
                    s["statement"].as_str().unwrap(),
                    s["observed"]["error"].as_str().unwrap()
                ));
            }
        }
        // And the rule has nothing left to say about them.
        if FIX_KEEPS_STATEMENT.contains(&rule_dir) {
            continue;
        }
        for g in lint_json(&what, &copy, server_major)["findings"]
            .as_array()
            .unwrap()
        {
            let at = g["location"]["line"].as_u64().unwrap_or(0) as u32;
            let file = g["location"]["file"].as_str().map(PathBuf::from);
            if g["rule"] == rule_dir
                && placed
                    .iter()
                    .any(|(f, r)| Some(f) == file.as_ref() && r.contains(&at))
            {
                problems.push(format!(
                    "{what}: a fix still has the hazard: {}:{at}: {}",
                    file.unwrap().display(),
                    g["message"].as_str().unwrap()
                ));
            }
        }
    }
    println!(
        "migration fixes: {applied} applied on PostgreSQL {server_major}, {} problems",
        problems.len()
    );
    assert!(applied > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
