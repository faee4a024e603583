//! Replay = catalog on real migration histories. Every migration set of
//! `../shared/corpus` that the test server's version can run (documenso's Prisma
//! history from 13, lemmy's Diesel history from 16, hawkbit's Flyway sets before and after
//! their baseline, Synapse as an upgrade from schema 72 runs it, and the pg_dump-style
//! schemas gisia, lago from 15 and pagila from 18) is applied to a database of its own as
//! its tool sends it (`source::sql::delivery`: a wrapping transaction, one query
//! string, or statement by statement), and then:
//!
//! - the catalog's model and the replayed one are compared field by field
//!   (`model::compare`, the same comparison as the fixture parity of tests/live.rs);
//! - `inspect`'s findings and `lint`'s (whole schema) are compared by fingerprint
//!   (rules that need statistics, and migration rules, left out);
//! - a statement PostgreSQL rejects while the set is applied is a difference too.
//!
//! Every difference must be reviewed in `tests/corpus/parity-reviewed.toml` (set,
//! kind `model` / `finding` / `error`, a glob on the difference, the reason), and
//! every entry must still match something on the versions it names.
//! `DBLINT_PARITY_SUMMARY=FILE` appends the figures (scripts/matrix.sh prints them).

mod common;

use common::pg::{
    catalog_model, fingerprints, fresh_db, parity_summary, server_major, url_for, REPORT_FLAGS,
};
use common::{dblint, root};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct Reviewed {
    #[serde(default, rename = "difference")]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    set: String,
    /// `model` (a field of the two models), `finding` (a fingerprint only one side
    /// reports), `error` (a statement PostgreSQL rejects).
    kind: String,
    /// Glob on the difference's text (case-insensitive).
    matches: String,
    #[serde(default)]
    versions: Option<Vec<u32>>,
    reason: String,
}

fn corpus() -> PathBuf {
    let dir = std::env::var("DBLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "no corpus at {} (set DBLINT_CORPUS)",
        dir.display()
    );
    dir
}

/// Synapse as an upgrade from schema 72 applies it: the full schemas, then the
/// Postgres-only deltas after 72 in version order (a folder of links with a
/// `dblint.order`, as scripts/trace-corpus.sh builds it).
fn synapse_set(corpus: &Path, into: &Path) -> PathBuf {
    let dir = into.join("synapse");
    std::fs::create_dir_all(&dir).unwrap();
    let mut order = Vec::new();
    for part in ["common", "main", "state"] {
        let name = format!("full-{part}.sql.postgres");
        std::os::unix::fs::symlink(
            corpus.join(format!("synapse/{part}/full_schemas/72/full.sql.postgres")),
            dir.join(&name),
        )
        .unwrap();
        order.push(name);
    }
    let mut deltas: Vec<(u32, String, PathBuf)> = Vec::new();
    for part in ["main", "state"] {
        let base = corpus.join("synapse").join(part).join("delta");
        let Ok(versions) = std::fs::read_dir(&base) else {
            continue;
        };
        for version in versions.flatten() {
            let Ok(v) = version.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if v <= 72 {
                continue;
            }
            for f in std::fs::read_dir(version.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                if name.ends_with(".sql.postgres") {
                    deltas.push((v, name, f.path()));
                }
            }
        }
    }
    deltas.sort();
    for (v, name, path) in deltas {
        let link = format!("{v}_{name}");
        std::os::unix::fs::symlink(path, dir.join(&link)).unwrap();
        order.push(link);
    }
    std::fs::write(dir.join("dblint.order"), order.join("\n") + "\n").unwrap();
    dir
}

/// Apply `files` to database `db` as their tools send them: a file the tool wraps
/// (or sends as one query string of several statements) in one transaction, rolled
/// back whole on an error as the tool's is; others statement by statement. Returns
/// the statements PostgreSQL rejected (`file:line: message`).
fn apply(db: &str, files: &[PathBuf]) -> Vec<String> {
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    let mut errors = Vec::new();
    let say = |file: &Path, line: u32, e: &postgres::Error| {
        let detail = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string());
        let name = file.file_name().unwrap().to_string_lossy();
        let folder = file
            .parent()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        format!("{folder}/{name}:{line}: {detail}")
    };
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let split = dblint::source::sql::split::split(&text);
        let sending = dblint::source::sql::delivery::detect_split(file, &text, &split);
        let wrapped = sending.delivery.wraps(split.statements.len());
        // A new session per file, as migration tools' connections reset it (the
        // search path, temporary tables).
        client.batch_execute("DISCARD ALL").unwrap();
        if wrapped {
            client.batch_execute("BEGIN").unwrap();
        }
        let mut failed = false;
        for statement in &split.statements {
            if let Err(e) = client.simple_query(&statement.sql) {
                errors.push(say(file, statement.line, &e));
                failed = true;
                if wrapped {
                    break;
                }
            }
        }
        if wrapped {
            client
                .batch_execute(if failed { "ROLLBACK" } else { "COMMIT" })
                .unwrap();
        } else if failed {
            // A statement by statement file whose BEGIN block failed.
            let _ = client.batch_execute("ROLLBACK");
        }
    }
    errors
}

fn is_excluded(fingerprint: &str) -> bool {
    let Some((_, id_and_path)) = fingerprint.split_once(' ') else {
        return false;
    };
    dblint::rules::REGISTRY.iter().any(|r| {
        (r.meta().live_only() || r.meta().is_migration())
            && id_and_path.starts_with(&format!("{}:", r.meta().id))
    })
}

#[test]
fn replay_equals_the_catalog_on_every_corpus_history() {
    let major = server_major();
    let corpus = corpus();
    let scratch = tempfile::tempdir().unwrap();
    let synapse = synapse_set(&corpus, scratch.path());
    // name, oldest major its SQL is written for, path
    let sets: Vec<(&str, u32, PathBuf)> = vec![
        // gen_random_uuid() is built in from 13.
        ("documenso", 13, corpus.join("prisma-documenso")),
        ("lemmy", 16, corpus.join("diesel-lemmy")),
        (
            "hawkbit-pre-baseline",
            12,
            corpus.join("flyway-hawkbit/pre-baseline"),
        ),
        ("hawkbit-current", 12, corpus.join("flyway-hawkbit/current")),
        ("synapse", 12, synapse),
        (
            "gisia",
            12,
            corpus.join("gitlab-derived-gisia/structure.sql"),
        ),
        // NULLS NOT DISTINCT (15).
        (
            "lago",
            15,
            corpus.join("rails-structure/lago-structure.sql"),
        ),
        ("pagila", 18, corpus.join("pagila/pagila-schema.sql")),
    ];
    let reviewed: Reviewed = toml::from_str(
        &std::fs::read_to_string(root().join("tests/corpus/parity-reviewed.toml")).unwrap(),
    )
    .unwrap();
    let mut used = vec![false; reviewed.entries.len()];
    let mut unexplained = Vec::new();
    let (mut applied, mut tables, mut differences, mut skipped) = (0, 0, 0, Vec::new());
    for (name, since, path) in &sets {
        if major < *since {
            skipped.push(format!("{name} (needs {since})"));
            continue;
        }
        applied += 1;
        let db = fresh_db(&format!("corpus_{}", name.replace('-', "_")));
        let files = dblint::source::sql::input_files(std::slice::from_ref(path)).unwrap();
        let mut found: Vec<(&str, String)> = apply(&db, &files)
            .into_iter()
            .map(|e| ("error", e))
            .collect();
        let replayed = dblint::source::sql::load(&files).unwrap().database;
        let catalog = catalog_model(&db);
        tables += catalog.tables.len();
        found.extend(
            dblint::model::compare::differences(&catalog, &replayed)
                .iter()
                .map(|d| ("model", d.to_string())),
        );
        let url = url_for(&db, "");
        let mut args = vec!["inspect", url.as_str()];
        args.extend(REPORT_FLAGS);
        let inspected = dblint(&args);
        assert_eq!(inspected.code, 0, "{name}: inspect: {}", inspected.stderr);
        let shown = path.display().to_string();
        let mut args = vec!["lint", shown.as_str(), "--all"];
        args.extend(REPORT_FLAGS);
        let linted = dblint(&args);
        assert_eq!(linted.code, 0, "{name}: lint: {}", linted.stderr);
        let a: BTreeSet<String> = fingerprints(&inspected.stdout)
            .into_iter()
            .filter(|f| !is_excluded(f))
            .collect();
        let b: BTreeSet<String> = fingerprints(&linted.stdout)
            .into_iter()
            .filter(|f| !is_excluded(f))
            .collect();
        found.extend(
            a.difference(&b)
                .map(|f| ("finding", format!("only inspect: {f}"))),
        );
        found.extend(
            b.difference(&a)
                .map(|f| ("finding", format!("only lint: {f}"))),
        );
        for (kind, text) in found {
            differences += 1;
            match reviewed.entries.iter().position(|e| {
                e.set == *name
                    && e.kind == kind
                    && e.versions.as_ref().is_none_or(|v| v.contains(&major))
                    && common::glob(&e.matches, "parity-reviewed.toml").is_match(&text)
            }) {
                Some(i) => used[i] = true,
                None => unexplained.push(format!("{name}: {kind}: {text}")),
            }
        }
    }
    let stale: Vec<String> = reviewed
        .entries
        .iter()
        .zip(&used)
        .filter(|(e, used)| {
            !**used
                && e.versions.as_ref().is_none_or(|v| v.contains(&major))
                && sets
                    .iter()
                    .any(|(n, since, _)| *n == e.set && major >= *since)
        })
        .map(|(e, _)| format!("{} {} `{}` ({})", e.set, e.kind, e.matches, e.reason))
        .collect();
    let line = format!(
        "corpus histories: {applied} applied ({tables} tables), {differences} differences, {} unexplained{}",
        unexplained.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(", not on {major}: {}", skipped.join(", "))
        }
    );
    parity_summary(&line);
    assert!(
        unexplained.is_empty(),
        "{} differences between replay and the catalog on PostgreSQL {major}, neither fixed nor reviewed in tests/corpus/parity-reviewed.toml:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "tests/corpus/parity-reviewed.toml entries that match nothing on PostgreSQL {major}:\n{}",
        stale.join("\n")
    );
}
