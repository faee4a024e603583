//! Replay = catalog on real migration histories. Every migration set of
//! `../shared/corpus` that the test server's version can run (documenso's Prisma
//! history from 13, lemmy's Diesel history from 16, hawkbit's Flyway sets before and after
//! their baseline, Synapse as an upgrade from schema 72 runs it, and the pg_dump-style
//! schemas gisia, lago from 15 and pagila from 18) is applied to a database of its own as
//! its tool sends it (`source::sql::delivery`: a wrapping transaction, one query
//! string, or statement by statement), and then:
//!
//! - the catalog's model and the replayed one are compared field by field
//!   (`dblint::compare`, the same comparison as the fixture parity of tests/live.rs);
//! - `inspect`'s findings and `lint`'s (whole schema) are compared by fingerprint
//!   (rules that need statistics, and migration rules, left out);
//! - a statement PostgreSQL rejects while the set is applied is a difference too.
//!
//! Every difference must be reviewed in `tests/corpus/parity-reviewed.toml` (set,
//! kind `model` / `finding` / `error`, a glob on the difference, the reason), and
//! every entry must still match something on the versions it names.
//! `DBLINT_PARITY_SUMMARY=FILE` appends the figures (scripts/matrix.sh prints them).

mod common;

use common::corpus::{apply, corpus, synapse_set};
use common::pg::{
    catalog_model, fingerprints, fresh_db, parity_summary, server_major, url_for, REPORT_FLAGS,
};
use common::{dblint, root};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

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
    let mut views = 0;
    for (name, since, path) in &sets {
        if major < *since {
            skipped.push(format!("{name} (needs {since})"));
            continue;
        }
        applied += 1;
        let db = fresh_db(&format!("corpus_{}", name.replace('-', "_")));
        let files = dblint::source::sql::input_files(std::slice::from_ref(path)).unwrap();
        let mut found: Vec<(&str, String)> = apply(&url_for(&db, ""), &files)
            .into_iter()
            .map(|e| ("error", e))
            .collect();
        let replayed = dblint::source::sql::load(&files).unwrap().database;
        let catalog = catalog_model(&db);
        tables += catalog.tables.len();
        found.extend(
            dblint::compare::differences(&catalog, &replayed)
                .iter()
                .map(|d| ("model", d.to_string())),
        );
        views += catalog.views.len();
        found.extend(
            common::pg::unread_view_queries(&catalog, "catalog")
                .into_iter()
                .chain(common::pg::unread_view_queries(&replayed, "replay"))
                .map(|d| ("model", d)),
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
        "corpus histories: {applied} applied ({tables} tables, {views} views), {differences} differences, {} unexplained{}",
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
