//! The SQL frontend: split files into statements, parse each with the PostgreSQL
//! grammar, and replay them in migration order into one schema model.

pub mod delivery;
pub mod dependents;
pub mod large;
pub mod locks;
pub mod neighbourhood;
pub mod order;
pub mod parse;
pub mod parser_thread;
pub mod refusal;
pub mod replay;
pub mod session;
pub mod split;
pub mod statement;
pub mod type_change;
pub mod volatility;

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
    /// Set when the input was a Prisma schema (the statements are then the ones
    /// Prisma Migrate would run for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prisma: Option<crate::source::prisma::PrismaStats>,
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
    /// The entry of `files` whose contents came from standard input, if any.
    pub stdin: Option<PathBuf>,
}

/// Where a file's statements start and what comments it has.
#[derive(Debug, Clone)]
pub struct FileOutline {
    pub file: std::sync::Arc<str>,
    pub path: PathBuf,
    /// (line, byte offset) of each statement's first token.
    pub statements: Vec<(u32, usize)>,
    /// The last line an ignore of each statement covers, parallel to `statements`;
    /// empty for SQL, where a statement's findings are all on its first line. A Prisma
    /// model covers its fields, down to its closing brace.
    pub covers_until: Vec<u32>,
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
    /// A migration folder's entry (or its `dblint.order`) that cannot be read; the
    /// message names it.
    #[error("{0}")]
    Folder(String),
    #[error("{0}: directory contains no .sql files")]
    EmptyDirectory(String),
    #[error("{prisma} is a Prisma schema and {sql} is SQL: lint them in separate runs")]
    Mixed { prisma: String, sql: String },
}

/// Expand the command-line paths: files as given, directories in migration order.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => InputError::NotFound(shown.clone()),
            _ => InputError::Unreadable {
                path: shown.clone(),
                reason: e.to_string(),
            },
        })?;
        if meta.is_dir() {
            let found =
                order::migration_files(path).map_err(|e| InputError::Folder(e.to_string()))?;
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
    load_with(paths, &|_| None, &mut |_| {})
}

/// Replay with migration review: `observer` sees every statement with the model as
/// it was just before it; `delivery` gives how a file is sent where dblint.toml says
/// so (else the tool's way is detected, [`delivery::detect`]).
pub fn load_with(
    paths: &[PathBuf],
    delivery: &dyn Fn(&std::path::Path) -> Option<delivery::Delivery>,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> Result<Loaded, InputError> {
    load_inputs(paths, None, delivery, observer)
}

/// The command line's name for standard input among the inputs.
pub const STDIN: &str = "-";

/// Standard input read as one of the files (`dblint lint -`).
#[derive(Debug, Clone)]
pub struct StdinFile {
    /// The name it is replayed under: `--stdin-filename`, else `<stdin>`. It places
    /// findings and decides the migration tool's conventions, as a file's path does.
    pub name: PathBuf,
    pub bytes: Vec<u8>,
}

impl StdinFile {
    /// The name `-` stands for when `--stdin-filename` gives none.
    pub const UNNAMED: &'static str = "<stdin>";
}

/// [`load_with`], where a `-` among `paths` is `stdin`. When `stdin`'s name is a file
/// a folder among the inputs holds (an editor's unsaved buffer of a migration), the
/// folder is replayed with that file's contents taken from `stdin`; otherwise `stdin`
/// is replayed where `-` stands; [`Loaded::stdin`] is the name it was replayed under.
pub fn load_inputs(
    paths: &[PathBuf],
    stdin: Option<&StdinFile>,
    delivery: &dyn Fn(&std::path::Path) -> Option<delivery::Delivery>,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> Result<Loaded, InputError> {
    let on_disk: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != STDIN)
        .cloned()
        .collect();
    let mut files = Vec::new();
    // Files named on the command line are one deployment (a psql script set): a
    // table created by an earlier one is new for the later ones too.
    let mut named: std::collections::BTreeSet<PathBuf> =
        on_disk.iter().filter(|p| p.is_file()).cloned().collect();
    let mut stdin_at = None;
    // A new migration on standard input, named inside a folder being read: it takes
    // its place in that folder's order (the name tells where), not the place of `-`.
    let mut placed: Option<PathBuf> = None;
    for path in paths {
        match stdin {
            Some(stdin) if path.as_os_str() == STDIN => {
                stdin_at = Some(files.len());
                files.push(stdin.name.clone());
                named.insert(stdin.name.clone());
            }
            Some(stdin)
                if placed.is_none()
                    && path.is_dir()
                    && !std::fs::exists(&stdin.name).unwrap_or(true) =>
            {
                match order::inside(path, &stdin.name) {
                    Some(extra) => {
                        let found = order::migration_files_with(path, Some(&extra))
                            .map_err(|e| InputError::Folder(e.to_string()))?;
                        if found.contains(&extra) {
                            placed = Some(extra);
                        }
                        files.extend(found);
                    }
                    None => files.extend(input_files(std::slice::from_ref(path))?),
                }
            }
            _ => files.extend(input_files(std::slice::from_ref(path))?),
        }
    }
    // The file standard input stands for, when the inputs hold it already.
    if let (Some(at), Some(stdin)) = (stdin_at, stdin) {
        let same = |f: &PathBuf| {
            f == &stdin.name
                || placed.as_ref() == Some(f)
                || matches!(
                    (std::fs::canonicalize(f), std::fs::canonicalize(&stdin.name)),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        if let Some(held) = (0..files.len()).find(|&i| i != at && same(&files[i])) {
            files.remove(at);
            named.remove(&stdin.name);
            let held = if held > at { held - 1 } else { held };
            // Findings are placed under the name given for standard input.
            files[held] = stdin.name.clone();
            stdin_at = Some(held);
        }
    }
    let stdin_path = stdin_at.map(|at| files[at].clone());
    let mut loaded = replay_files(
        files,
        &named,
        &mut |file| {
            if let (Some(path), Some(stdin)) = (&stdin_path, stdin) {
                if file == path {
                    return Ok(decode(file, stdin.bytes.clone()));
                }
            }
            let bytes = std::fs::read(file).map_err(|e| InputError::Unreadable {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            Ok(decode(file, bytes))
        },
        delivery,
        observer,
    )?;
    loaded.out_of_order = out_of_order(&on_disk, &loaded.files, &mut loaded.diagnostics);
    loaded.stdin = stdin_path;
    Ok(loaded)
}

/// Replay files held in memory (name, contents), in the order given, as
/// [`load_with`] replays files read from disk (one deployment, as files named
/// together are): for tools and the fuzzer.
pub fn load_sources(
    sources: &[(PathBuf, Vec<u8>)],
    delivery: &dyn Fn(&std::path::Path) -> Option<delivery::Delivery>,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> Loaded {
    let files: Vec<PathBuf> = sources.iter().map(|(path, _)| path.clone()).collect();
    let named = files.iter().cloned().collect();
    let mut contents = sources.iter().map(|(_, bytes)| bytes.clone());
    let loaded = replay_files::<std::convert::Infallible>(
        files,
        &named,
        &mut |file| Ok(decode(file, contents.next().unwrap_or_default())),
        delivery,
        observer,
    );
    match loaded {
        Ok(loaded) => loaded,
        Err(never) => match never {},
    }
}

/// A file decoded, split and being parsed (`None` if it is not UTF-8 text at all),
/// with what decoding it found.
type ReadFile = (Option<PreparedFile>, Vec<Diagnostic>);

/// Replay `files` in order; `read` gives each one's contents. The next file is read,
/// split and handed to the parser while the current one replays. Files in `named`
/// are one deployment.
fn replay_files<E>(
    files: Vec<PathBuf>,
    named: &std::collections::BTreeSet<PathBuf>,
    read: &mut dyn FnMut(&PathBuf) -> Result<ReadFile, E>,
    delivery: &dyn Fn(&std::path::Path) -> Option<delivery::Delivery>,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> Result<Loaded, E> {
    let mut deployment_tables = std::collections::BTreeSet::new();
    let mut outlines = Vec::new();
    let mut replayer = replay::Replayer::new();
    let mut diagnostics = Vec::new();
    let mut stats = ReplayStats::default();
    let mut ahead = files.first().map(&mut *read).transpose()?;
    for (i, file) in files.iter().enumerate() {
        let Some((prepared, read_diagnostics)) = ahead.take() else {
            break;
        };
        ahead = files.get(i + 1).map(&mut *read).transpose()?;
        diagnostics.extend(read_diagnostics);
        let Some(prepared) = prepared else {
            stats.files += 1;
            stats.parse_errors += 1;
            continue;
        };
        let sending = match delivery(file) {
            Some(stated) => delivery::Sending::configured(stated),
            None => prepared.sending.clone(),
        };
        let mut state = session::FileState::new(file, sending, prepared.lines.len());
        let in_deployment = named.contains(file);
        if in_deployment {
            state.created_tables = std::mem::take(&mut deployment_tables);
        }
        let mut outline = replay_prepared(
            &mut replayer,
            prepared,
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
    Ok(Loaded {
        database: replayer.finish(),
        diagnostics,
        stats,
        files,
        outlines,
        out_of_order: Vec::new(),
        stdin: None,
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

/// Decode a file's bytes, split it and start parsing it.
fn decode(file: &std::path::Path, bytes: Vec<u8>) -> ReadFile {
    let shown = file.display().to_string();
    let at_start = Some(Location {
        file: shown.as_str().into(),
        line: 1,
        column: 0,
    });
    if let Some(encoding) = crate::encoding::wide_encoding(&bytes) {
        let error = Diagnostic {
            level: DiagnosticLevel::Error,
            location: at_start,
            message: format!(
                "file is {encoding} (it starts with a {encoding} byte-order mark); dblint reads UTF-8, so it was not read"
            ),
        };
        return (None, vec![error]);
    }
    let mut diagnostics = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                location: at_start,
                message: "file is not valid UTF-8; invalid bytes were replaced".to_string(),
            });
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    (Some(prepare(&shown, &text)), diagnostics)
}

/// Replay one file's text; used by `load` and by tests that build models from SQL.
pub fn replay_text(
    replayer: &mut replay::Replayer,
    file: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut ReplayStats,
) {
    let mut state =
        session::FileState::new(std::path::Path::new(file), delivery::Sending::default(), 0);
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
    let prepared = prepare(file, text);
    replay_prepared(replayer, prepared, state, diagnostics, stats, observer)
}

/// A file split into statements that are being parsed.
pub struct PreparedFile {
    outline: FileOutline,
    /// Line of each statement.
    lines: Vec<u32>,
    unterminated: Option<split::Unterminated>,
    last_line: u32,
    parsing: parser_thread::Pending,
    /// How the file's tool sends it, detected from its name and contents.
    sending: delivery::Sending,
}

/// Split a file and start parsing its statements.
pub fn prepare(file: &str, text: &str) -> PreparedFile {
    prepare_with(file, text, parser_thread::submit)
}

/// Split a file and parse its statements on this thread (see
/// [`parser_thread::parse_here`]): for short SQL dblint writes, such as a fix.
pub fn prepare_here(file: &str, text: &str) -> PreparedFile {
    prepare_with(file, text, parser_thread::parse_here)
}

fn prepare_with(
    file: &str,
    text: &str,
    parse: fn(Vec<parser_thread::Job>) -> parser_thread::Pending,
) -> PreparedFile {
    // dbmate applies a file's up block only.
    let text = delivery::applied_text(text);
    let split = split::split(&text);
    let sending = delivery::detect_split(std::path::Path::new(file), &text, &split);
    let file: std::sync::Arc<str> = file.into();
    let outline = FileOutline {
        file: file.clone(),
        path: PathBuf::from(&*file),
        statements: split
            .statements
            .iter()
            .map(|s| (s.line, s.offset))
            .collect(),
        covers_until: Vec::new(),
        comment_offsets: split.comment_offsets,
        comments: split.comments,
    };
    let unterminated = split.unterminated;
    let lines = split.statements.iter().map(|raw| raw.line).collect();
    // A statement holding a construct left open is reported once, where the construct
    // opens.
    let jobs = split
        .statements
        .into_iter()
        .map(|raw| {
            let open_inside = unterminated.as_ref().is_some_and(|open| {
                raw.offset <= open.offset && open.offset < raw.offset + raw.sql.len()
            });
            parser_thread::Job {
                sql: raw.sql,
                parse: !open_inside,
            }
        })
        .collect();
    PreparedFile {
        outline,
        lines,
        unterminated,
        last_line: u32::try_from(text.lines().count()).unwrap_or(u32::MAX),
        parsing: parse(jobs),
        sending,
    }
}

impl PreparedFile {
    /// How many statements the file was split into.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Its statements, when they were parsed on this thread ([`prepare_here`]) and all
    /// parsed; see [`parser_thread::Pending::statements`].
    pub fn statements(&self) -> Option<Vec<&statement::Statement>> {
        self.parsing.statements()
    }
}

/// Replay a prepared file, showing each statement to `observer` before applying it.
pub fn replay_prepared(
    replayer: &mut replay::Replayer,
    prepared: PreparedFile,
    state: &mut session::FileState,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut ReplayStats,
    observer: &mut dyn FnMut(&session::StatementEvent),
) -> FileOutline {
    stats.files += 1;
    replayer.end_session();
    replayer.reset_search_path();
    let PreparedFile {
        outline,
        lines,
        unterminated,
        last_line,
        parsing,
        sending: _,
    } = prepared;
    let file = outline.file.clone();
    parsing.for_each(&mut |i, sql, parsed| {
        stats.statements += 1;
        let location = Location {
            file: file.clone(),
            line: lines[i],
            column: 0,
        };
        state.position = i;
        let statements = match parsed {
            None => return,
            Some(Ok(s)) => s,
            Some(Err(message)) => {
                stats.parse_errors += 1;
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    location: Some(location),
                    message: format!("cannot parse `{}`: {message}", first_words(sql)),
                });
                return;
            }
        };
        for statement in &statements {
            if let statement::Statement::Other { tag } = statement {
                *stats.skipped.entry(tag.clone()).or_default() += 1;
            }
            observer(&session::StatementEvent {
                statement,
                sql,
                location: &location,
                db: &replayer.db,
                file: state,
                search_path: replayer.search_path(),
            });
            // Lock levels do not depend on the server version (only scans and
            // rewrites do), so the newest rules serve for the locks a transaction holds.
            let effects = locks::effects(
                statement,
                &replayer.db,
                replayer.search_path(),
                u32::MAX,
                state.timezone_utc(None),
            );
            let applied = replayer.apply(statement, &location);
            state.after(
                statement,
                &|name| replayer.find_table(name),
                &effects,
                location.line,
                sql,
            );
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
                        message: format!("cannot apply `{}`: {message}", first_words(sql)),
                    });
                }
            }
        }
    });
    if let Some(open) = unterminated {
        stats.parse_errors += 1;
        let unread = if last_line > open.line {
            format!("lines {}-{last_line} are", open.line)
        } else {
            format!("line {} is", open.line)
        };
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            location: Some(Location {
                file: file.clone(),
                line: open.line,
                column: 0,
            }),
            message: format!(
                "unterminated {}: nothing closes it, so {unread} not read",
                open.what
            ),
        });
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
