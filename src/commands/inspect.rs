//! `dblint inspect [DATABASE_URL]`: gather the model from a live database's catalog
//! (read-only), then grade and publish it like every grading command.

use crate::args::InspectArgs;
use crate::error::{Error, Result, Verdict};
use crate::settings::check_glob;
use crate::source::catalog::build::{read_catalog, server, ReadGaps};
use crate::source::catalog::connect::{begin_read_only, connect, SessionLimits};
use crate::source::catalog::conninfo::ConnInfo;
use globset::GlobSetBuilder;
use std::io::IsTerminal;
use std::time::Duration;

fn progress(message: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(100));
    bar.set_message(message.to_string());
    Some(bar)
}

/// What the session produced: the model, or (`--print-queries`) the query text.
enum Read {
    Database(Box<crate::model::Database>, ReadGaps),
    Queries(String),
}

pub fn run(args: &InspectArgs) -> Result<Verdict> {
    let mut info = match &args.url {
        Some(url) => ConnInfo::parse_with_env(url, &|k| std::env::var(k).ok())
            .map_err(|e| Error::new(e.to_string()).context("connection string"))?,
        None => ConnInfo::from_env(&|k| std::env::var(k).ok()).map_err(|e| e.to_string())?,
    };
    info.apply_passfile(std::env::var_os("PGPASSFILE").map(Into::into));
    let settings = crate::settings::resolve(&args.report, &[])?;
    let plan = crate::engine::plan(&settings)?;
    for (parameter, tool) in &info.ignored {
        eprintln!(
            "dblint: note: connection string: `{parameter}` is a {tool} setting dblint does not use (ignored)"
        );
    }
    // An ORM's schema parameter (Prisma's `schema=`) selects what is graded, unless
    // --schema says otherwise.
    let from_url: Vec<String> = info.schemas.iter().map(|s| globset::escape(s)).collect();
    let (schemas, flag) = if args.schemas.is_empty() && !from_url.is_empty() {
        eprintln!(
            "dblint: note: connection string: grading schema {} as its schema parameter says (--schema overrides it)",
            info.schemas.join(", ")
        );
        (&from_url, "the connection string's schema parameter")
    } else {
        (&args.schemas, "--schema")
    };
    let include = schema_globs(schemas, flag)?;
    let exclude = schema_globs(&args.exclude_schemas, "--exclude-schema")?;

    let bar = progress(&format!("connecting to {}", info.describe()));
    let limits = SessionLimits {
        statement_timeout: Duration::from_secs(args.statement_timeout),
        lock_timeout: Duration::from_secs(args.lock_timeout),
    };
    watchdog(limits.statement_timeout);
    let result = if args.print_queries {
        print_queries(&info, limits).map(Read::Queries)
    } else {
        if let Some(b) = &bar {
            b.set_message("reading the catalog");
        }
        read_live(&info, limits, false, args.jobs.map(|n| n as usize))
            .map(|r| Read::Database(Box::new(r.database), r.gaps))
    };
    // The catalog is read: the watchdog stands down.
    crate::source::catalog::build::LAST_SENT_MS
        .store(u64::MAX, std::sync::atomic::Ordering::Relaxed);
    let read = result.map_err(|e| {
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        Error::new(e)
    })?;
    let (mut database, gaps) = match read {
        Read::Database(db, gaps) => (*db, gaps),
        Read::Queries(text) => {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            crate::output::print_stdout(&text)?;
            return Ok(Verdict::Pass);
        }
    };
    let read_tables = database.tables.len();
    filter_schemas(&mut database, include.as_ref(), exclude.as_ref());
    if database.tables.is_empty() && !args.report.allow_empty {
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        return Err(nothing_to_grade(&info.describe(), read_tables, args).into());
    }
    if let Some(line) = gaps.summary() {
        eprintln!("dblint: note: {line}");
    }
    if let Some(b) = &bar {
        b.set_message("running rules");
    }
    let findings = crate::engine::run(&database, &plan);
    // The migration rules judge each fix for the server it would run on.
    let major = database
        .live
        .as_ref()
        .and_then(|l| u32::try_from(l.server_version / 10000).ok())
        .unwrap_or(settings.pg_version);
    let mut suppressions = crate::suppress::Suppressions::from_settings(&settings)?;
    let graded = crate::grade::grade(&database, &plan, findings, &mut suppressions);
    for line in suppressions.unused_globs() {
        eprintln!("dblint: warning: {line}");
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    crate::report::publish(
        &args.report,
        &settings,
        &plan,
        graded,
        crate::report::Publication {
            source: info.describe(),
            diagnostics: &[],
            stats: None,
            review: None,
            hint: None,
            prior: None,
            fixes: Some(crate::report::FixReview {
                db: &database,
                plan: &plan,
                pg_version: major,
            }),
            schema: Some(&database),
        },
    )
}

/// One database, read: its model, what could not be read, and (when asked) the
/// objects of kinds the model does not hold.
pub(crate) struct LiveRead {
    pub database: crate::model::Database,
    pub gaps: ReadGaps,
    pub unmodelled: Vec<crate::source::catalog::build::Unmodelled>,
    /// The migration tool's history table, when asked for and found.
    pub history: Option<crate::source::catalog::history::History>,
}

/// Read one database: connect, one read-only snapshot, the catalog queries (and, for
/// `dblint diff`, [`queries::unmodelled`](crate::source::catalog::queries::unmodelled)
/// and the migration history), then end the snapshot without committing anything. The
/// caller runs the [`watchdog`].
pub(crate) fn read_live(
    info: &ConnInfo,
    limits: SessionLimits,
    for_diff: bool,
    sessions: Option<usize>,
) -> std::result::Result<LiveRead, String> {
    let mut client = connect(info).map_err(|e| e.to_string())?;
    let mut tx = begin_read_only(&mut client, limits).map_err(|e| e.to_string())?;
    let mut server_info = server(&mut tx).map_err(|e| e.to_string())?;
    let version = server_info.version;
    if version < 120000 {
        return Err(format!(
            "PostgreSQL {} is not supported: dblint needs 12 or later",
            version / 10000
        ));
    }
    let sessions = sessions.unwrap_or(if server_info.tables >= SHARED_READ_FROM_TABLES {
        SHARED_READ_SESSIONS
    } else {
        1
    });
    let mut helpers = None;
    if sessions > 1 {
        match crate::source::catalog::build::export_snapshot(&mut tx) {
            Ok(snapshot) => {
                // Waiting for a helper, this session is idle in its transaction.
                crate::source::catalog::connect::allow_idle_for(&mut tx, limits, 2)
                    .map_err(|e| e.to_string())?;
                helpers = Some(crate::source::catalog::build::Helpers {
                    info,
                    limits,
                    snapshot,
                    sessions: sessions - 1,
                })
            }
            // The failed statement ended the transaction's usefulness: read alone, in
            // a new one.
            Err(_) => {
                let _ = tx.rollback();
                tx = begin_read_only(&mut client, limits).map_err(|e| e.to_string())?;
                server_info = server(&mut tx).map_err(|e| e.to_string())?;
            }
        }
    }
    let (mut db, gaps) =
        read_catalog(&mut tx, &server_info, helpers.as_ref()).map_err(|e| e.to_string())?;
    let (unmodelled, history) = if for_diff {
        (
            crate::source::catalog::build::unmodelled(&mut tx).map_err(|e| e.to_string())?,
            crate::source::catalog::history::read(&mut tx, &server_info.locked_tables)
                .map_err(|e| e.to_string())?,
        )
    } else {
        (Vec::new(), None)
    };
    db.live = Some(crate::model::LiveInfo {
        server_version: version,
        stats_age_days: server_info.stats_age_days,
    });
    // Nothing was written; end the snapshot without committing anything.
    tx.rollback().map_err(|e| {
        format!(
            "cannot end the read-only transaction: {}",
            crate::source::catalog::build::server_message(&e)
        )
    })?;
    Ok(LiveRead {
        database: db,
        gaps,
        unmodelled,
        history,
    })
}

/// From this many tables (the system's included), the catalog is read over
/// [`SHARED_READ_SESSIONS`] sessions sharing one snapshot unless `--jobs` says
/// otherwise; below, a second and third connection cost more than they save.
const SHARED_READ_FROM_TABLES: i64 = 2_000;
const SHARED_READ_SESSIONS: usize = 3;

/// `--print-queries`: the catalog queries for this server's version.
fn print_queries(info: &ConnInfo, limits: SessionLimits) -> std::result::Result<String, String> {
    let mut client = connect(info).map_err(|e| e.to_string())?;
    let mut tx = begin_read_only(&mut client, limits).map_err(|e| e.to_string())?;
    let version = server(&mut tx).map_err(|e| e.to_string())?.version;
    Ok(crate::source::catalog::queries::all(version)
        .iter()
        .map(|q| format!("{q};\n\n"))
        .collect())
}

/// Give up on a server that stops answering: each catalog statement must get its
/// answer within `statement_timeout` (which the server enforces) plus a margin, or
/// inspect ends with one line and exit 2 instead of waiting forever. Runs until the
/// process ends; nothing has been printed to stdout while the catalog is read.
pub(crate) fn watchdog(statement_timeout: Duration) {
    use crate::source::catalog::build::{sending, LAST_SENT_MS};
    use std::sync::atomic::Ordering;
    let limit = statement_timeout.saturating_add(Duration::from_secs(10));
    sending();
    let _ = std::thread::Builder::new()
        .name("dblint-watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            let last = LAST_SENT_MS.load(Ordering::Relaxed);
            if last == u64::MAX {
                return;
            }
            if now.saturating_sub(last) > limit.as_millis() as u64 {
                eprintln!(
                    "dblint: error: the server stopped answering: no reply within {} s (statement_timeout plus 10 s)",
                    limit.as_secs()
                );
                std::process::exit(2);
            }
        });
}

/// Why there is nothing to grade, in one line (exit 2 unless `--allow-empty`).
fn nothing_to_grade(target: &str, read_tables: usize, args: &InspectArgs) -> String {
    let why = if read_tables == 0 {
        "the database has no tables outside the system schemas and extensions".to_string()
    } else {
        let mut flags: Vec<String> = args
            .schemas
            .iter()
            .map(|s| format!("--schema {s}"))
            .collect();
        flags.extend(
            args.exclude_schemas
                .iter()
                .map(|s| format!("--exclude-schema {s}")),
        );
        format!(
            "{read_tables} table(s) were read but none is in the selected schemas ({})",
            flags.join(" ")
        )
    };
    format!("nothing to grade in {target}: {why} (--allow-empty accepts an empty schema)")
}

pub(crate) fn schema_globs(
    globs: &[String],
    flag: &str,
) -> std::result::Result<Option<globset::GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        builder.add(check_glob(g).map_err(|e| format!("{flag}: {e}"))?);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| format!("{flag}: {e}"))
}

pub(crate) fn filter_schemas(
    db: &mut crate::model::Database,
    include: Option<&globset::GlobSet>,
    exclude: Option<&globset::GlobSet>,
) {
    let keep = |schema: &str| {
        include.is_none_or(|g| g.is_match(schema)) && !exclude.is_some_and(|g| g.is_match(schema))
    };
    db.tables.retain(|q, _| keep(&q.schema));
    db.enums.retain(|q, _| keep(&q.schema));
    db.domains.retain(|q, _| keep(&q.schema));
    db.views.retain(|q, _| keep(&q.schema));
    db.sequences.retain(|q, _| keep(&q.schema));
    db.index_owner.retain(|q, _| keep(&q.schema));
    db.held_locks.retain(|l| keep(&l.table.schema));
    db.schemas.retain(|s| keep(s));
}
