//! `dblint trace PATH...`: apply the migrations to a throwaway PostgreSQL in the order
//! and transaction structure `lint` gives them, record what each traced statement
//! really did, and print it beside what `lint --locks` predicts, disagreements marked.
//!
//! What is traced: every file, or with `--since <ref>` the migrations added or changed
//! since the merge base with that ref; given directories and files together, the
//! files named on the command line. Everything before them is applied first, as
//! history, without tracing. Exit code: 0, or 1 when a traced statement failed (the
//! migration does not apply), 2 for bad input or no server.

use crate::args::{TraceArgs, TraceFormat};
use crate::error::{Error, Result, Verdict};
use crate::source::sql;
use crate::source::sql::locks::{effects, LockEffect, LockLevel};
use crate::trace::compare::{self, Disagreement, Work};
use crate::trace::server::{self, Scratch};
use crate::trace::tracer::{Fatal, Observation, Tracer};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the model says of one statement (several parsed statements at one location
/// are merged).
#[derive(Debug, Default, Clone)]
struct Prediction {
    effects: Vec<LockEffect>,
    /// PostgreSQL refuses the statement here, by the model.
    refused: Option<sql::refusal::Refusal>,
    in_transaction: bool,
    /// `Some(begin)` for BEGIN / COMMIT / ROLLBACK.
    transaction: Option<bool>,
    /// A `lock_timeout` is in effect before the statement, as the file's settings
    /// leave it.
    lock_timeout: bool,
}

#[derive(Debug, Serialize)]
pub struct PredictedLock {
    pub table: String,
    pub mode: LockLevel,
}

#[derive(Debug, Serialize)]
pub struct Predicted {
    pub locks: Vec<PredictedLock>,
    pub work: Work,
    /// Why PostgreSQL refuses the statement here, by the model (absent: it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    pub in_transaction: bool,
}

/// One traced statement.
#[derive(Debug, Serialize)]
pub struct TracedStatement {
    pub file: String,
    pub line: u32,
    pub statement: String,
    pub predicted: Predicted,
    pub observed: Observation,
    pub observed_work: Option<Work>,
    pub disagreements: Vec<Disagreement>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub statements: usize,
    /// Statements with a prediction or an observed lock on a table (the table rows).
    pub compared: usize,
    pub agreements: usize,
    pub disagreements: BTreeMap<String, usize>,
    pub failed: usize,
}

#[derive(Debug, Serialize)]
pub struct TraceReport {
    pub server: String,
    /// The scratch database the migrations ran in (dropped since).
    pub scratch_database: String,
    pub server_version: String,
    pub history_files: usize,
    pub traced_files: usize,
    pub statements: Vec<TracedStatement>,
    pub summary: Summary,
}

fn progress(message: &str) {
    eprintln!("dblint: {message}");
}

/// The input files in order, each once (a file named beside its directory is traced,
/// not applied twice).
fn files_in_order(paths: &[PathBuf]) -> std::result::Result<Vec<PathBuf>, String> {
    let files = sql::input_files(paths).map_err(|e| e.to_string())?;
    let mut seen = BTreeSet::new();
    Ok(files
        .into_iter()
        .filter(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())))
        .collect())
}

/// Which files are traced (the rest is history).
fn traced_files(args: &TraceArgs, files: &[PathBuf]) -> std::result::Result<Vec<bool>, String> {
    if let Some(since) = &args.since {
        let scope = super::pending::scope(&args.paths, Some(since), false, false, &|k| {
            std::env::var(k).ok()
        })?;
        return Ok(files
            .iter()
            .map(|f| scope.covers(&f.display().to_string()))
            .collect());
    }
    let named: BTreeSet<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mixed = !named.is_empty() && args.paths.iter().any(|p| p.is_dir());
    Ok(files
        .iter()
        .map(|f| !mixed || std::fs::canonicalize(f).is_ok_and(|c| named.contains(&c)))
        .collect())
}

pub fn run(args: &TraceArgs) -> Result<Verdict> {
    let settings =
        crate::settings::from_config(args.config.as_deref(), args.no_config, &args.paths)?;
    let assume = |file: &Path| settings.delivery(file);
    let files = files_in_order(&args.paths)?;
    let traced = traced_files(args, &files)?;
    if !traced.iter().any(|t| *t) {
        return Err(Error::new(format!(
            "nothing to trace: no migration changed since {}",
            args.since.as_deref().unwrap_or("the base")
        )));
    }
    server::catch_interrupts();
    let scratch = match &args.database {
        Some(url) => Scratch::on_server(url)?,
        None => {
            let binaries = server::find_binaries(args.pg_bin.as_deref(), args.pg_version)?;
            Scratch::temporary(&binaries, &progress)?
        }
    };
    if let Some(wanted) = args.pg_version.filter(|v| *v != scratch.major()) {
        return Err(Error::new(format!(
            "--pg-version {wanted}, but {} runs {}",
            scratch.location, scratch.version
        )));
    }
    // The model's view of every statement, keyed by location.
    let mut predictions: BTreeMap<(String, u32), Prediction> = BTreeMap::new();
    let pg_version = scratch.major();
    // The server's own TimeZone decides timestamp <-> timestamptz where a file sets
    // none: the prediction is for this server.
    let server_utc = scratch.timezone_utc;
    let loaded = sql::load_with(&files, &assume, &mut |event| {
        let key = (event.location.file.to_string(), event.location.line);
        let entry = predictions.entry(key).or_default();
        entry.effects.extend(effects(
            event.statement,
            event.db,
            event.search_path,
            pg_version,
            event.file.timezone_utc(Some(server_utc)),
        ));
        entry.refused = entry
            .refused
            .take()
            .or_else(|| sql::refusal::refusal(event, pg_version));
        entry.in_transaction = event.file.in_transaction();
        entry.lock_timeout = event.file.settings.lock_timeout_in_effect();
        if let sql::statement::Statement::Transaction { begin, .. } = event.statement {
            entry.transaction = Some(*begin);
        }
    })
    .map_err(|e| Error::new(e.to_string()))?;
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::source::DiagnosticLevel::Error)
    {
        eprintln!("{d}");
    }

    let report = apply_and_trace(&scratch, &files, &traced, &assume, &predictions);
    // The scratch database (and the cluster) go before the report is printed.
    drop(scratch);
    let report = report?;
    let text = match args.format {
        TraceFormat::Json => {
            serde_json::to_string_pretty(&report).map_err(|e| Error::new(e.to_string()))? + "\n"
        }
        TraceFormat::Table => render(&report),
    };
    crate::output::print_stdout(&text)?;
    Ok(if report.summary.failed > 0 {
        Verdict::Fail
    } else {
        Verdict::Pass
    })
}

fn apply_and_trace(
    scratch: &Scratch,
    files: &[PathBuf],
    traced: &[bool],
    assume: &dyn Fn(&Path) -> Option<sql::delivery::Delivery>,
    predictions: &BTreeMap<(String, u32), Prediction>,
) -> Result<TraceReport> {
    let fatal = |e: Fatal| Error::new(format!("{}: {}", scratch.location, e.0));
    let mut tracer = Tracer::connect(&scratch.info).map_err(fatal)?;
    let history = traced.iter().take_while(|t| !**t).count();
    if history > 0 {
        progress(&format!(
            "applying {history} earlier migration file(s) on {} without tracing",
            scratch.version
        ));
    }
    let mut announced = false;
    let mut statements = Vec::new();
    for (file, trace_it) in files.iter().zip(traced) {
        if *trace_it && !announced {
            announced = true;
            progress(&format!(
                "tracing {} migration file(s) on {}",
                traced.iter().filter(|t| **t).count(),
                scratch.version
            ));
        }
        let shown = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| Error::new(format!("{shown}: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        // As replay reads it: a dbmate file's up block, sent the way its tool sends it.
        let text = sql::delivery::applied_text(&text);
        let split = sql::split::split(&text);
        let delivery = assume(file)
            .unwrap_or_else(|| sql::delivery::detect_split(file, &text, &split).delivery);
        // The implicit transaction of a query string of two or more statements is
        // traced as an explicit one: the same locks are held until its end.
        let wrapped = delivery.wraps(split.statements.len());
        tracer.begin_file(wrapped).map_err(fatal)?;
        for raw in split.statements {
            if server::interrupted() {
                return Err(Error::new("interrupted; the scratch database is removed"));
            }
            let prediction = predictions
                .get(&(shown.clone(), raw.line))
                .cloned()
                .unwrap_or_default();
            if let Some(begin) = prediction.transaction {
                tracer.transaction_statement(&raw.sql, begin);
                continue;
            }
            if prediction.in_transaction && wrapped {
                tracer.reopen_transaction().map_err(fatal)?;
            }
            if !*trace_it {
                if let Some(error) = tracer.apply(&raw.sql).map_err(fatal)? {
                    eprintln!(
                        "{shown}:{}: warning: (history, not traced) {error}",
                        raw.line
                    );
                }
                continue;
            }
            let observed = tracer.trace(&raw.sql).map_err(|e| {
                if server::interrupted() {
                    Error::new("interrupted; the scratch database is removed")
                } else {
                    fatal(e)
                }
            })?;
            if server::interrupted() {
                return Err(Error::new("interrupted; the scratch database is removed"));
            }
            let mut disagreements =
                compare::compare(&prediction.effects, prediction.refused.as_ref(), &observed);
            disagreements.extend(compare::compare_session(prediction.lock_timeout, &observed));
            // A refused statement does nothing.
            let effects = match prediction.refused {
                Some(_) => &[][..],
                None => &prediction.effects[..],
            };
            let predicted = Predicted {
                locks: compare::predicted_locks(effects)
                    .into_iter()
                    .map(|(table, mode)| PredictedLock { table, mode })
                    .collect(),
                work: compare::predicted_work(effects),
                refused: prediction.refused.as_ref().map(|r| r.describe()),
                in_transaction: prediction.in_transaction,
            };
            statements.push(TracedStatement {
                file: shown.clone(),
                line: raw.line,
                statement: excerpt(&raw.sql),
                observed_work: compare::observed_work(&observed),
                predicted,
                observed,
                disagreements,
            });
        }
        tracer.end_file().map_err(fatal)?;
    }
    let summary = summarize(&statements);
    Ok(TraceReport {
        server: scratch.location.clone(),
        scratch_database: scratch.name.clone(),
        server_version: scratch.version.clone(),
        history_files: traced.iter().filter(|t| !**t).count(),
        traced_files: traced.iter().filter(|t| **t).count(),
        statements,
        summary,
    })
}

/// Whether a statement belongs in the table: something predicted, a lock observed on
/// a table, work done, or an error.
fn shown(s: &TracedStatement) -> bool {
    !s.predicted.locks.is_empty()
        || s.predicted.work != Work::None
        || s.predicted.refused.is_some()
        || compare::observed_locks(&s.observed).is_some_and(|l| !l.is_empty())
        || s.observed_work.is_some_and(|w| w != Work::None)
        || !s.disagreements.is_empty()
}

fn summarize(statements: &[TracedStatement]) -> Summary {
    let mut disagreements: BTreeMap<String, usize> = BTreeMap::new();
    let mut compared = 0;
    let mut agreements = 0;
    for s in statements.iter().filter(|s| shown(s)) {
        compared += 1;
        if s.disagreements.is_empty() {
            agreements += 1;
        }
        for d in &s.disagreements {
            *disagreements.entry(d.kind.name().to_string()).or_default() += 1;
        }
    }
    Summary {
        statements: statements.len(),
        compared,
        agreements,
        disagreements,
        failed: statements
            .iter()
            .filter(|s| s.observed.error.is_some())
            .count(),
    }
}

/// The first line of a statement, shortened, safe inside a Markdown table cell.
fn excerpt(sql: &str) -> String {
    let line = sql
        .trim()
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
        .unwrap_or("")
        .trim();
    let mut short: String = line.chars().take(72).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'")
}

fn locks_cell(locks: &[(String, LockLevel)]) -> String {
    if locks.is_empty() {
        return "-".into();
    }
    locks
        .iter()
        .map(|(t, m)| format!("{} `{t}`", m.name()))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn render(report: &TraceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Traced on {} ({}); {} file(s) traced, {} applied before as history.\n",
        report.server_version, report.server, report.traced_files, report.history_files
    );
    out.push_str("| Statement | Location | Predicted lock | Observed lock | Rewrite / scan (predicted → observed) | In transaction | Time | Agrees |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    let mut notes = Vec::new();
    // Per file, how many predicted modes the transaction held already (one line each,
    // not one per lock: a Prisma init migration has dozens).
    let mut held_again: BTreeMap<&str, usize> = BTreeMap::new();
    for s in report.statements.iter().filter(|s| shown(s)) {
        let location = format!("{}:{}", s.file, s.line);
        let predicted: Vec<(String, LockLevel)> = s
            .predicted
            .locks
            .iter()
            .map(|l| (l.table.clone(), l.mode))
            .collect();
        let observed = match compare::observed_locks(&s.observed) {
            _ if s.observed.error.is_some() => "failed".to_string(),
            Some(locks) => {
                let mut list: Vec<(String, LockLevel)> = locks.into_iter().collect();
                // Predicted modes the transaction held already: taken again, unseen.
                for (t, m) in &predicted {
                    let stronger_seen = list.iter().any(|(o, seen)| o == t && seen >= m);
                    if !stronger_seen
                        && s.observed
                            .held_before
                            .iter()
                            .any(|h| &h.relation.name == t && h.mode == *m)
                    {
                        list.retain(|(o, _)| o != t);
                        list.push((t.clone(), *m));
                        *held_again.entry(s.file.as_str()).or_default() += 1;
                    }
                }
                locks_cell(&list)
            }
            None => "not observable".to_string(),
        };
        let work = format!(
            "{} → {}",
            s.predicted.work.name(),
            s.observed_work.map(Work::name).unwrap_or("not observable")
        );
        let agrees = if s.predicted.refused.is_some() && s.disagreements.is_empty() {
            "yes (refused)"
        } else if s.observed.error.is_some() {
            "**error**"
        } else if s.disagreements.is_empty() {
            "yes"
        } else {
            "**no**"
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {:.0} ms | {} |",
            cell(&s.statement),
            location,
            match &s.predicted.refused {
                Some(why) => format!("refused: {}", cell(why)),
                None => locks_cell(&predicted),
            },
            observed,
            work,
            if s.observed.observed_in_transaction {
                "yes"
            } else {
                "no"
            },
            s.observed.duration_ms,
            agrees
        );
        for d in &s.disagreements {
            notes.push(format!("`{location}`: {}", cell(&d.describe())));
        }
        if let Some(why) = &s.observed.not_observable {
            notes.push(format!("`{location}`: not observable: {why}"));
        }
    }
    for (file, count) in &held_again {
        notes.push(format!(
            "`{file}`: {count} predicted lock(s) were held already since an earlier statement of the same transaction; PostgreSQL does not list a mode again, so the table shows it as predicted"
        ));
    }
    if !notes.is_empty() {
        out.push('\n');
        for n in &notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    let summary = &report.summary;
    let kinds = summary
        .disagreements
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "\n{} statement(s) traced, {} compared: {} agree, {} disagree{}{}.",
        summary.statements,
        summary.compared,
        summary.agreements,
        summary.compared - summary.agreements,
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({kinds})")
        },
        if summary.failed > 0 {
            format!("; {} failed on the server", summary.failed)
        } else {
            String::new()
        }
    );
    let left_out = summary.statements - summary.compared;
    if left_out > 0 {
        let _ = writeln!(
            out,
            "{left_out} statement(s) are not in the table: they neither lock an existing table nor rewrite or scan one, in the model or on the server (CREATE TABLE, CREATE TYPE, COMMENT on a new object …); locks on other objects (a type, a schema) are not compared."
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::compare::Kind;

    #[test]
    fn excerpt_skips_leading_comments() {
        assert_eq!(
            excerpt("-- a note\nALTER TABLE t ADD c int;"),
            "ALTER TABLE t ADD c int;"
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in [Kind::LockMode, Kind::Scan, Kind::Error] {
            assert_eq!(Kind::parse(k.name()), Some(k));
        }
    }
}
