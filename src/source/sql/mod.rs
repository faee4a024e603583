//! The SQL frontend: split files into statements, parse each with the PostgreSQL
//! grammar, and replay them in migration order into one schema model.

pub mod locks;
pub mod order;
pub mod parse;
pub mod replay;
pub mod session;
pub mod split;
pub mod statement;

use super::{Diagnostic, DiagnosticLevel};
use crate::model::{Database, Location};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What replay read and how much of it it understood.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ReplayStats {
    pub files: usize,
    pub statements: usize,
    pub parse_errors: usize,
    pub apply_errors: usize,
    /// Statements that do not change the schema's shape, by kind.
    pub skipped: BTreeMap<String, usize>,
}

pub struct Loaded {
    /// One line per input directory that replayed out of order (see
    /// [`order::ORDER_FILE`]); the model is then not the schema, so nothing is graded.
    pub out_of_order: Vec<String>,
    pub database: Database,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: ReplayStats,
    pub files: Vec<PathBuf>,
    /// Comments and statement starts of each file (for `-- dblint-ignore`).
    pub outlines: Vec<FileOutline>,
}

/// Where a file's statements start and what comments it has.
#[derive(Debug, Clone)]
pub struct FileOutline {
    pub file: std::sync::Arc<str>,
    pub path: PathBuf,
    /// (line, byte offset) of each statement's first token.
    pub statements: Vec<(u32, usize)>,
    pub comments: Vec<split::Comment>,
    /// Byte offset of each comment, parallel to `comments`.
    pub comment_offsets: Vec<usize>,
}

/// A problem that stops `lint` before it starts (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}: no such file or directory")]
    NotFound(String),
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{0}: directory contains no .sql files")]
    EmptyDirectory(String),
}

/// Expand the command-line paths: files as given, directories in migration order.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|_| InputError::NotFound(shown.clone()))?;
        if meta.is_dir() {
            let found = order::migration_files(path).map_err(|e| InputError::Unreadable {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            if found.is_empty() {
                return Err(InputError::EmptyDirectory(shown));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Replay every file, in order, into one model.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, InputError> {
    load_with(
        paths,
        &|p| session::tool_wraps_in_transaction(p),
        &mut |_| {},
    )
}

/// Replay with migration review: `observer` sees every statement with the model as
/// it was just before it; `assume_transaction` says whether a file runs in a
/// transaction without an explicit BEGIN.
pub fn load_with(
    paths: &[PathBuf],
    assume_transaction: &dyn Fn(&std::path::Path) -> bool,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> Result<Loaded, InputError> {
    let files = input_files(paths)?;
    // Files named on the command line are one deployment (a psql script set): a
    // table created by an earlier one is new for the later ones too.
    let named: std::collections::BTreeSet<&PathBuf> =
        paths.iter().filter(|p| p.is_file()).collect();
    let mut deployment_tables = std::collections::BTreeSet::new();
    let mut outlines = Vec::new();
    let mut replayer = replay::Replayer::new();
    let mut diagnostics = Vec::new();
    let mut stats = ReplayStats::default();
    for file in &files {
        let bytes = std::fs::read(file).map_err(|e| InputError::Unreadable {
            path: file.display().to_string(),
            reason: e.to_string(),
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    location: Some(Location {
                        file: file.display().to_string().into(),
                        line: 1,
                    }),
                    message: "file is not valid UTF-8; invalid bytes were replaced".to_string(),
                });
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        let mut state = session::FileState::new(file, assume_transaction(file));
        let in_deployment = named.contains(file);
        if in_deployment {
            state.created_tables = std::mem::take(&mut deployment_tables);
        }
        let mut outline = replay_observed(
            &mut replayer,
            &file.display().to_string(),
            &text,
            &mut state,
            &mut diagnostics,
            &mut stats,
            observer,
        );
        outline.path = file.clone();
        outlines.push(outline);
        if in_deployment {
            deployment_tables = std::mem::take(&mut state.created_tables);
        }
    }
    let out_of_order = out_of_order(paths, &files, &mut diagnostics);
    Ok(Loaded {
        database: replayer.finish(),
        diagnostics,
        stats,
        files,
        outlines,
        out_of_order,
    })
}

/// How many "does not exist" warnings in a directory mean it was replayed out of
/// order, rather than a few migrations dropping what is already gone.
const OUT_OF_ORDER_AT_LEAST: usize = 20;

/// Directories whose files replayed in an order where many statements refer to
/// objects that do not exist yet: one line each (their warnings are dropped, since
/// the cause is the order, not the statements).
fn out_of_order(
    paths: &[PathBuf],
    files: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut found = Vec::new();
    for dir in paths.iter().filter(|p| p.is_dir()) {
        let in_dir: std::collections::BTreeSet<String> = files
            .iter()
            .filter(|f| f.starts_with(dir))
            .map(|f| f.display().to_string())
            .collect();
        let missing = |d: &Diagnostic| {
            d.level == DiagnosticLevel::Warning
                && (d.message.contains("does not exist") || d.message.contains("already exists"))
                && d.location
                    .as_ref()
                    .is_some_and(|l| in_dir.contains(&*l.file))
        };
        let count = diagnostics.iter().filter(|d| missing(d)).count();
        if count < OUT_OF_ORDER_AT_LEAST {
            continue;
        }
        diagnostics.retain(|d| !missing(d));
        let stated = dir.join(order::ORDER_FILE).is_file();
        found.push(if stated {
            format!(
                "{}: {count} statements refer to objects that do not exist yet, or create ones that already exist, when replayed in the order {} states; check that order",
                dir.display(),
                order::ORDER_FILE
            )
        } else {
            format!(
                "{}: replays out of order: {count} statements refer to objects that do not exist yet, or create ones that already exist (every file was replayed, in name order); list the files the project applies, in the order it applies them, one per line, in {}",
                dir.display(),
                dir.join(order::ORDER_FILE).display()
            )
        });
    }
    found
}

/// Replay one file's text; used by `load` and by tests that build models from SQL.
pub fn replay_text(
    replayer: &mut replay::Replayer,
    file: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut ReplayStats,
) {
    let mut state = session::FileState::new(std::path::Path::new(file), false);
    replay_observed(
        replayer,
        file,
        text,
        &mut state,
        diagnostics,
        stats,
        &mut |_| {},
    );
}

/// Replay one file, showing each statement to `observer` before applying it.
pub fn replay_observed(
    replayer: &mut replay::Replayer,
    file: &str,
    text: &str,
    state: &mut session::FileState,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut ReplayStats,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> FileOutline {
    stats.files += 1;
    replayer.reset_search_path();
    let file: std::sync::Arc<str> = file.into();
    let split = split::split(text);
    let outline = FileOutline {
        file: file.clone(),
        path: PathBuf::from(&*file),
        statements: split
            .statements
            .iter()
            .map(|s| (s.line, s.offset))
            .collect(),
        comment_offsets: split.comment_offsets.clone(),
        comments: split.comments,
    };
    for raw in split.statements {
        stats.statements += 1;
        let location = Location {
            file: file.clone(),
            line: raw.line,
        };
        let statements = match parse::parse_statement(&raw.sql) {
            Ok(s) => s,
            Err(message) => {
                stats.parse_errors += 1;
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    location: Some(location),
                    message: format!("cannot parse `{}`: {message}", first_words(&raw.sql)),
                });
                continue;
            }
        };
        for statement in &statements {
            if let statement::Statement::Other { tag } = statement {
                *stats.skipped.entry(tag.clone()).or_default() += 1;
            }
            observer(&session::StatementEvent {
                statement,
                sql: &raw.sql,
                location: &location,
                db: &replayer.db,
                file: state,
                search_path: replayer.search_path(),
            });
            let applied = replayer.apply(statement, &location);
            state.after(statement, &|name| replayer.find_table(name));
            match applied {
                Ok(notes) => diagnostics.extend(notes.into_iter().map(|message| Diagnostic {
                    level: DiagnosticLevel::Warning,
                    location: Some(location.clone()),
                    message,
                })),
                Err(message) => {
                    stats.apply_errors += 1;
                    diagnostics.push(Diagnostic {
                        level: DiagnosticLevel::Warning,
                        location: Some(location.clone()),
                        message: format!("cannot apply `{}`: {message}", first_words(&raw.sql)),
                    });
                }
            }
        }
    }
    outline
}

/// Build a model from SQL text (for tests and tools).
pub fn database_from_sql(sql: &str) -> (Database, Vec<Diagnostic>) {
    let mut replayer = replay::Replayer::new();
    let mut diagnostics = Vec::new();
    let mut stats = ReplayStats::default();
    replay_text(
        &mut replayer,
        "input.sql",
        sql,
        &mut diagnostics,
        &mut stats,
    );
    (replayer.finish(), diagnostics)
}

/// The start of a statement, on one line, for diagnostics.
pub fn first_words(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        let cut: String = flat.chars().take(57).collect();
        format!("{cut}...")
    } else {
        flat
    }
}
