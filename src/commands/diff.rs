//! `dblint diff <A> <B> [<C> …]`: read every side into the model (a database's
//! catalog in one read-only snapshot, SQL replayed, a `schema.prisma` lowered), all
//! sides at once, then compare each side with the first (`crate::compare`) and report
//! what differs, what was not compared, and why. Exit 0 equal, 1 different, 2 error.

use crate::args::DiffArgs;
use crate::compare::{self, Change, Options};
use crate::error::{Error, Result, Verdict};
use crate::model::{Database, Location, QualifiedName};
use crate::report::diff::{Comparison, DiffReport, HistoryReport, NotCompared, SideInfo};
use crate::source::catalog::conninfo::ConnInfo;
use crate::source::catalog::history::{History, Tool};
use crate::source::sql::statement::Statement;
use sha2::Digest as _;
use std::path::PathBuf;
use std::time::Duration;

/// Where a side comes from.
enum Source {
    Database(Box<ConnInfo>),
    Files(PathBuf),
}

/// One side, read.
struct Side {
    info: SideInfo,
    database: Database,
    not_compared: Vec<NotCompared>,
    /// A database's migration history table, when it has one.
    history: Option<History>,
    /// A SQL side's path (file or folder).
    path: Option<PathBuf>,
}

/// Tables migration tools keep their history in: never part of a migration's schema,
/// so not drift when only the database has them.
const HISTORY_TABLES: &[&str] = &[
    "_prisma_migrations",
    "schema_migrations",
    "ar_internal_metadata",
    "django_migrations",
    "flyway_schema_history",
    "__diesel_schema_migrations",
    "goose_db_version",
    "atlas_schema_revisions",
    "knex_migrations",
    "knex_migrations_lock",
    "gorp_migrations",
    "dbmate_migrations",
];

/// Statements replay keeps no model of, by what they create (`statement::tag_of`).
const UNMODELLED_STATEMENTS: &[(&str, &str)] = &[
    ("CREATE FUNCTION", "function"),
    ("CREATE PROCEDURE", "procedure"),
    ("CREATE TRIGGER", "trigger"),
    ("CREATE RULE", "rule"),
    ("CREATE CAST", "cast"),
    ("CREATE TYPE", "composite type"),
    (
        "CREATE AGGREGATE/OPERATOR/TYPE",
        "aggregate, operator or type",
    ),
    ("CREATE STATISTICS", "statistics object"),
    ("CREATE EVENT TRIGGER", "event trigger"),
    ("CREATE PUBLICATION", "publication"),
];

/// Statements whose effect on the schema replay cannot know: what they create is
/// unverifiable, not missing. A `DO` block counts only when its body could change the
/// schema (see [`may_change_schema`]); a `SELECT` (`setval`, `set_config`) never does.
const OPAQUE_STATEMENTS: &[&str] = &["DO", "OTHER", "CREATE TABLE AS"];

/// Whether a `DO` block's text holds a word that changes the schema (`CREATE`,
/// `ALTER`, `DROP`, `RENAME`, `COMMENT`, or `EXECUTE` of dynamic SQL); a block that
/// only inserts or updates rows does not.
fn may_change_schema(sql: &str) -> bool {
    sql.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .skip(1)
        .any(|w| {
            ["create", "alter", "drop", "rename", "comment", "execute"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        })
}

pub fn run(args: &DiffArgs) -> Result<Verdict> {
    let sources = args
        .sides
        .iter()
        .enumerate()
        .map(|(i, s)| source_of(i + 1, s))
        .collect::<std::result::Result<Vec<_>, String>>()?;
    let file_sides: Vec<PathBuf> = sources
        .iter()
        .filter_map(|s| match s {
            Source::Files(p) => Some(p.clone()),
            Source::Database(_) => None,
        })
        .collect();
    let settings =
        crate::settings::from_config(args.config.as_deref(), args.no_config, &file_sides)?;
    let mut ignore = settings.diff.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let strict = args.strict || settings.diff.strict;
    let strict_coverage = args.strict_coverage || settings.diff.strict_coverage;
    let include = crate::commands::inspect::schema_globs(&args.schemas, "--schema")?;
    let exclude =
        crate::commands::inspect::schema_globs(&args.exclude_schemas, "--exclude-schema")?;
    let ignore_set = IgnoreSet::new(&ignore)?;
    if let Some(target) = args.fix {
        let databases = sources
            .iter()
            .filter(|s| matches!(s, Source::Database(_)))
            .count();
        if sources.len() != 2 || databases != 1 {
            return Err(format!(
                "--fix {}: needs exactly two sides, one a database and one migrations (or SQL, or a schema.prisma)",
                fix_word(target)
            )
            .into());
        }
    }
    if let Some(output) = &args.output {
        for path in &file_sides {
            if same_file(output, path) {
                return Err(format!(
                    "--output {}: that is one of the inputs; write it elsewhere",
                    output.display()
                )
                .into());
            }
        }
    }

    let limits = crate::source::catalog::connect::SessionLimits {
        statement_timeout: Duration::from_secs(args.statement_timeout),
        lock_timeout: Duration::from_secs(args.lock_timeout),
    };
    if sources.iter().any(|s| matches!(s, Source::Database(_))) {
        crate::commands::inspect::watchdog(limits.statement_timeout);
    }
    // Every side at once: two databases are read concurrently, each in its own
    // read-only snapshot, while the SQL sides replay.
    let prisma_version = settings.prisma_version;
    let read: Vec<std::result::Result<Side, String>> = on_parser_stacks(&sources, &|source| {
        read_side(source, limits, prisma_version)
    })
    .into_iter()
    .map(|r| r.unwrap_or_else(|| Err("reading a side failed unexpectedly".into())))
    .collect();
    crate::source::catalog::build::LAST_SENT_MS
        .store(u64::MAX, std::sync::atomic::Ordering::Relaxed);
    let mut sides = Vec::new();
    for (i, r) in read.into_iter().enumerate() {
        sides.push(r.map_err(|e| Error::new(e).context(format!("side {}", i + 1)))?);
    }
    for side in &mut sides {
        let before = side.database.schemas.len();
        crate::commands::inspect::filter_schemas(
            &mut side.database,
            include.as_ref(),
            exclude.as_ref(),
        );
        if before > 0 && side.database.schemas.is_empty() && !args.schemas.is_empty() {
            eprintln!(
                "dblint: warning: {}: --schema {} matches none of its schemas",
                side.info.label,
                args.schemas.join(" --schema ")
            );
        }
    }
    let mut notes = Vec::new();
    let history = apply_history(&mut sides, &mut notes)?;
    notes.extend(leave_out_history_tables(&mut sides));

    let options = Options {
        column_order: strict,
    };
    // On a thread with the parser's stack: expressions are parsed to compare them.
    let facts: Vec<_> = on_parser_stacks(&sides, &|s| compare::facts(&s.database, &options))
        .into_iter()
        .zip(&sides)
        .map(|(f, s)| f.unwrap_or_else(|| compare::facts(&s.database, &options)))
        .collect();
    let mut comparisons = Vec::new();
    let mut ignore_used = vec![0usize; ignore_set.globs.len()];
    // Statements whose effect replay cannot know (`DO` blocks), by side.
    let opaque: Vec<Vec<Location>> = sides
        .iter()
        .map(|s| {
            s.not_compared
                .iter()
                .filter(|n| n.unverifiable && n.name.is_empty())
                .filter_map(|n| n.location.clone())
                .collect()
        })
        .collect();
    let mut prisma_order = 0;
    for (i, side) in sides.iter().enumerate().skip(1) {
        let all = compare::changes(&facts[0], &facts[i], &is_default_name);
        let mut changes = Vec::new();
        let mut unverifiable = Vec::new();
        let mut ignored = 0;
        let prisma = [&sides[0], side]
            .iter()
            .any(|s| s.info.kind == "schema.prisma");
        for change in all {
            // Prisma Migrate appends a new enum label and never reorders: a
            // schema.prisma's label order says nothing about the database's.
            if prisma && is_label_order_only(&change) {
                prisma_order += 1;
                continue;
            }
            let matched = ignore_set.matching(&change);
            if !matched.is_empty() {
                for g in matched {
                    ignore_used[g] += 1;
                }
                ignored += 1;
                continue;
            }
            // An object or member only one side has, where the other side ran
            // statements replay cannot follow: they may have made it.
            let possibly_from = match &change {
                Change::Only { left: true, .. } => &opaque[i],
                Change::Only { left: false, .. } => &opaque[0],
                _ => &Vec::new(),
            };
            if possibly_from.is_empty() {
                changes.push(change);
            } else {
                unverifiable.push((change, possibly_from.clone()));
            }
        }
        comparisons.push(Comparison {
            side: side.info.clone(),
            changes,
            unverifiable,
            ignored,
        });
    }
    for (glob, used) in ignore_set.globs.iter().zip(&ignore_used) {
        if *used == 0 {
            eprintln!(
                "dblint: warning: ignore `{glob}` (--ignore or [diff] ignore) matches no difference"
            );
        }
    }
    if prisma_order > 0 {
        notes.push(format!(
            "{prisma_order} enum(s) hold the same labels in another order than schema.prisma: Prisma Migrate never reorders labels, so their order is not compared with a schema.prisma"
        ));
    }
    if sides.iter().any(|s| s.info.kind == "schema.prisma") {
        notes
            .push("schema.prisma is compared as the SQL Prisma Migrate would create for it".into());
    }
    notes.push(
        "not compared by any side: function definitions, triggers, grants, owners, extensions' versions".into(),
    );
    let mut not_compared: Vec<NotCompared> =
        sides.iter().flat_map(|s| s.not_compared.clone()).collect();
    // A view whose query a side could not read (see `View::query`).
    for side in &sides {
        for view in side.database.views.values().filter(|v| v.query.is_none()) {
            not_compared.push(NotCompared {
                side: side.info.label.clone(),
                kind: "view query".into(),
                name: view.name.to_string(),
                location: view.location.clone(),
                unverifiable: false,
            });
        }
    }
    let report = DiffReport {
        history,
        reference: sides[0].info.clone(),
        comparisons,
        not_compared,
        notes,
        strict,
    };
    let different = report.comparisons.iter().any(|c| !c.changes.is_empty())
        || report.history.as_ref().is_some_and(|h| !h.drift.is_empty());
    let uncovered = strict_coverage
        && (!report.not_compared.is_empty()
            || report
                .comparisons
                .iter()
                .any(|c| !c.unverifiable.is_empty()));
    if let Some(target) = args.fix {
        let text = fix_script(target, args.allow_drop, &sides, &report, &settings)?;
        match &args.output {
            Some(path) => crate::output::stage(path, text.into_bytes())?.commit()?,
            None => crate::output::print_stdout(&text)?,
        }
        return Ok(if different || uncovered {
            Verdict::Fail
        } else {
            Verdict::Pass
        });
    }
    let text = match args.format {
        crate::args::DiffFormat::Human => {
            crate::report::diff::human(&report, crate::output::use_color(args.color))
        }
        crate::args::DiffFormat::Json => crate::report::diff::json(&report),
        crate::args::DiffFormat::Markdown => crate::report::diff::markdown(&report),
    };
    match &args.output {
        Some(path) => crate::output::stage(path, text.into_bytes())?.commit()?,
        None => crate::output::print_stdout(&text)?,
    }
    if uncovered && !different {
        eprintln!(
            "dblint: --strict-coverage: what was not compared (listed in the report) fails the run"
        );
    }
    Ok(if different || uncovered {
        Verdict::Fail
    } else {
        Verdict::Pass
    })
}

/// `work` on each item at once, each on a thread of its own with the parser's stack
/// (expressions are parsed, and may nest deeply); where no thread can be had, on this
/// one. `None` for an item whose work panicked.
fn on_parser_stacks<T: Sync, R: Send>(
    items: &[T],
    work: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| {
                std::thread::Builder::new()
                    .stack_size(crate::source::sql::parser_thread::PARSER_STACK)
                    .spawn_scoped(scope, move || work(item))
            })
            .collect();
        handles
            .into_iter()
            .zip(items)
            .map(|(h, item)| match h {
                Ok(h) => h.join().ok(),
                Err(_) => Some(work(item)),
            })
            .collect()
    })
}

fn fix_word(target: crate::args::FixTarget) -> &'static str {
    match target {
        crate::args::FixTarget::Database => "database",
        crate::args::FixTarget::Migrations => "migrations",
    }
}

/// `--fix`: the SQL that makes the database side match the other side (`database`),
/// or a new migration that adopts the database's state (`migrations`), reviewed by
/// the migration rules on the side it runs on (a statement that would lock or rewrite
/// a large table gets a `-- review:` line above it).
fn fix_script(
    target: crate::args::FixTarget,
    allow_drop: bool,
    sides: &[Side],
    report: &DiffReport,
    settings: &crate::settings::Settings,
) -> Result<String> {
    let database = sides
        .iter()
        .position(|s| s.info.kind == "database")
        .unwrap_or(0);
    let have = match target {
        crate::args::FixTarget::Database => database,
        crate::args::FixTarget::Migrations => 1 - database,
    };
    let want = 1 - have;
    let pg_version = sides
        .iter()
        .find_map(|s| s.database.live.map(|l| (l.server_version / 10000) as u32))
        .unwrap_or(12);
    let comparison = &report.comparisons[0];
    let mut plan = compare::reconcile::plan(
        &sides[have].database,
        &sides[want].database,
        &comparison.changes,
        have == 0,
        compare::reconcile::Settings {
            allow_drop,
            pg_version,
        },
    );
    for (change, from) in &comparison.unverifiable {
        let places: Vec<String> = from.iter().map(|l| l.to_string()).collect();
        plan.skipped.push((
            change.path(),
            format!(
                "possibly made by a statement replay cannot follow ({})",
                places.join(", ")
            ),
        ));
    }
    let differences = comparison.changes.len() + comparison.unverifiable.len();
    let statements = plan.steps.iter().filter(|s| !s.commented).count();
    let mut header = vec![match target {
        crate::args::FixTarget::Database => format!(
            "dblint diff --fix database: makes {} match {}",
            sides[have].info.label, sides[want].info.label
        ),
        crate::args::FixTarget::Migrations => format!(
            "dblint diff --fix migrations: a new migration for {} that adopts the state of {}",
            sides[have].info.label, sides[want].info.label
        ),
    }];
    header.push(format!(
        "{statements} statement(s) for {differences} difference(s){}. Nothing was run.",
        match plan.skipped.len() {
            0 => String::new(),
            n => format!("; {n} without a statement (listed at the end)"),
        }
    ));
    header.push(
        "Run the statements one by one (psql -f), not in one transaction: CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run inside a transaction block."
            .into(),
    );
    if target == crate::args::FixTarget::Migrations {
        header.push(
            "As a migration: mark it non-transactional where the tool wraps migrations in a transaction (Flyway executeInTransaction=false, Rails disable_ddl_transaction!, Django atomic = False)."
                .into(),
        );
        let prisma = sides[have].path.as_deref().is_some_and(|p| {
            p.join("migration_lock.toml").is_file()
                || std::fs::read_dir(p).is_ok_and(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.path().join("migration.sql").is_file())
                })
        });
        if prisma {
            header.push(
                "Prisma: `npx prisma migrate dev --create-only --name adopt_drift` makes the folder; put this in its migration.sql."
                    .into(),
            );
        }
        header.push(format!(
            "{} already has this state: record the migration there as applied without running it (Prisma: `prisma migrate resolve --applied <name>`).",
            sides[want].info.label
        ));
    }
    let script = plan.script(&header);
    let rules = crate::engine::fix_review_plan(&crate::engine::plan(settings)?);
    let have_db = &sides[have].database;
    let notes = if rules.rules.is_empty() {
        Vec::new()
    } else {
        on_parser_stacks(&[()], &|_| {
            crate::engine::review_fix(have_db, &rules, pg_version, &script)
        })
        .pop()
        .flatten()
        .unwrap_or_default()
    };
    eprintln!(
        "dblint: --fix {}: {statements} statement(s) for {differences} difference(s); {} without a statement; {} review note(s)",
        fix_word(target),
        plan.skipped.len(),
        notes.len()
    );
    let mut text = crate::engine::annotate(&script, &notes);
    text.push('\n');
    Ok(text)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b || a.starts_with(&b),
        _ => false,
    }
}

/// What a side argument names: a database (`-`, a `postgres://` URL, a `key=value`
/// connection string that is not a file) or files.
fn source_of(n: usize, side: &str) -> std::result::Result<Source, String> {
    let env = |k: &str| std::env::var(k).ok();
    let database = |info: std::result::Result<ConnInfo, String>| {
        let mut info = info.map_err(|e| format!("side {n}: {e}"))?;
        info.apply_passfile(std::env::var_os("PGPASSFILE").map(Into::into));
        for (parameter, tool) in &info.ignored {
            eprintln!(
                "dblint: note: side {n}: `{parameter}` is a {tool} setting dblint does not use (ignored)"
            );
        }
        Ok(Source::Database(Box::new(info)))
    };
    if side == "-" {
        let set = std::env::vars_os().any(|(k, v)| {
            !v.is_empty()
                && k.to_str()
                    .is_some_and(|k| k == "DATABASE_URL" || k.starts_with("PG"))
        });
        if !set {
            return Err(format!(
                "side {n}: `-` reads the connection from DATABASE_URL (or the PG* variables), and none is set"
            ));
        }
        return database(ConnInfo::from_env(&env).map_err(|e| e.to_string()));
    }
    if side.starts_with("postgres://") || side.starts_with("postgresql://") {
        return database(
            ConnInfo::parse_with_env(side, &env).map_err(|e| format!("connection string: {e}")),
        );
    }
    let path = PathBuf::from(side);
    if path.exists() {
        return Ok(Source::Files(path));
    }
    if side.contains('=') {
        return database(
            ConnInfo::parse_with_env(side, &env).map_err(|e| format!("connection string: {e}")),
        );
    }
    Err(format!(
        "side {n}: {side}: no such file or folder, and not a connection string (postgres://… or `-` for DATABASE_URL)"
    ))
}

fn read_side(
    source: &Source,
    limits: crate::source::catalog::connect::SessionLimits,
    prisma_version: Option<u32>,
) -> std::result::Result<Side, String> {
    match source {
        Source::Database(info) => {
            let read = crate::commands::inspect::read_live(info, limits, true, None)?;
            let version = read
                .database
                .live
                .as_ref()
                .map(|l| l.server_version / 10000)
                .unwrap_or_default();
            let label = info.describe();
            let mut not_compared: Vec<NotCompared> = Vec::new();
            for u in read.unmodelled {
                let name = if u.schema.is_empty() {
                    u.name
                } else {
                    format!("{}.{}", u.schema, u.name)
                };
                not_compared.push(NotCompared {
                    side: label.clone(),
                    kind: u.kind,
                    name,
                    location: None,
                    unverifiable: false,
                });
            }
            Ok(Side {
                info: SideInfo {
                    label,
                    kind: "database".into(),
                    detail: format!("PostgreSQL {version}"),
                },
                database: read.database,
                not_compared,
                history: read.history,
                path: None,
            })
        }
        Source::Files(path) => load_files(path, std::slice::from_ref(path), prisma_version),
    }
}

/// Replay `files` (all of `path`, or the part of it a database applied) as one side
/// named by `path`.
fn load_files(
    path: &std::path::Path,
    files: &[PathBuf],
    prisma_version: Option<u32>,
) -> std::result::Result<Side, String> {
    let paths = files.to_vec();
    let label = path.display().to_string();
    let prisma = crate::source::prisma::is_prisma_input(&paths).map_err(|e| e.to_string())?;
    let mut not_compared = Vec::new();
    let loaded = if prisma {
        crate::source::prisma::load_as(&paths, prisma_version)
    } else {
        crate::source::sql::load_with(&paths, &|_| None, &mut |event| {
            if let Statement::CreateFunction { .. } = event.statement {
                not_compared.push(NotCompared {
                    side: label.clone(),
                    kind: "function".into(),
                    name: String::new(),
                    location: Some(event.location.clone()),
                    unverifiable: false,
                });
            }
            if let Statement::Other { tag } = event.statement {
                if tag == "DO" && !may_change_schema(event.sql) {
                    return;
                }
                if let Some(entry) = not_compared_statement(tag, event.location) {
                    not_compared.push(NotCompared {
                        side: label.clone(),
                        ..entry
                    });
                }
            }
        })
    }
    .map_err(|e| e.to_string())?;
    if let Some(first) = loaded.out_of_order.first() {
        return Err(first.clone());
    }
    // SQL the grammar rejects: the side is not what its files say.
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("cannot parse"))
    {
        return Err(d.to_string());
    }
    for d in &loaded.diagnostics {
        eprintln!("dblint: {d}");
    }
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::source::DiagnosticLevel::Error)
    {
        not_compared.push(NotCompared {
            side: label.clone(),
            kind: "statement replay could not apply".into(),
            name: d.message.clone(),
            location: d.location.clone(),
            unverifiable: true,
        });
    }
    Ok(Side {
        history: None,
        path: Some(path.to_path_buf()),
        info: SideInfo {
            label,
            kind: if prisma {
                "schema.prisma"
            } else {
                "migrations"
            }
            .into(),
            detail: format!(
                "{} file(s), {} statement(s)",
                loaded.stats.files, loaded.stats.statements
            ),
        },
        database: loaded.database,
        not_compared,
    })
}

fn not_compared_statement(tag: &str, location: &Location) -> Option<NotCompared> {
    let (kind, unverifiable) =
        if let Some((_, kind)) = UNMODELLED_STATEMENTS.iter().find(|(t, _)| *t == tag) {
            ((*kind).to_string(), false)
        } else if OPAQUE_STATEMENTS.contains(&tag) {
            (
                format!("{tag} statement (what it creates is unknown)"),
                true,
            )
        } else {
            return None;
        };
    Some(NotCompared {
        side: String::new(),
        kind,
        name: String::new(),
        location: Some(location.clone()),
        unverifiable,
    })
}

/// With one database side that keeps a migration history and one migrations folder:
/// the folder is replayed with only the migrations the database applied. Files the
/// history does not list are pending (not drift); an applied migration missing from
/// the folder, recorded as failed or rolled back, or (Prisma) whose file changed after
/// it ran is history drift. `None` when the sides are not one such pair, or the folder
/// holds no file the history's tool would have named.
fn apply_history(
    sides: &mut [Side],
    notes: &mut Vec<String>,
) -> std::result::Result<Option<HistoryReport>, String> {
    let databases: Vec<usize> = (0..sides.len())
        .filter(|&i| sides[i].info.kind == "database")
        .collect();
    let folders: Vec<usize> = (0..sides.len())
        .filter(|&i| {
            sides[i].info.kind == "migrations" && sides[i].path.as_ref().is_some_and(|p| p.is_dir())
        })
        .collect();
    let ([db], [folder]) = (databases.as_slice(), folders.as_slice()) else {
        return Ok(None);
    };
    let Some(history) = sides[*db].history.clone() else {
        return Ok(None);
    };
    if history.unreadable {
        notes.push(format!(
            "{} is a migration history this role may not read (SELECT on it, USAGE on its schema): every file in the folder is compared as applied",
            history.table
        ));
        return Ok(None);
    }
    let path = sides[*folder].path.clone().unwrap_or_default();
    let files =
        crate::source::sql::input_files(std::slice::from_ref(&path)).map_err(|e| e.to_string())?;
    let tool = history.tool;
    let norm = |id: &str| match tool {
        Tool::Goose | Tool::GolangMigrate | Tool::SchemaMigrations => {
            id.trim_start_matches('0').to_string()
        }
        _ => id.to_string(),
    };
    // The last row of a migration decides (a rollback, then an apply again); goose's
    // version 0 is its own bookkeeping row.
    let mut last: std::collections::BTreeMap<String, &crate::source::catalog::history::Applied> =
        std::collections::BTreeMap::new();
    for e in &history.entries {
        if !(tool == Tool::Goose && norm(&e.id).is_empty()) {
            last.insert(norm(&e.id), e);
        }
    }
    // golang-migrate keeps one row: the version reached, every file up to it applied.
    let reached: Option<(u128, bool)> = (tool == Tool::GolangMigrate)
        .then(|| {
            history
                .entries
                .iter()
                .filter_map(|e| Some((e.id.parse::<u128>().ok()?, e.ok)))
                .max()
        })
        .flatten();
    // Flyway's baselines: `flyway baseline` (`BASELINE`) says the database already is
    // what the files up to that version make, so they are replayed; a baseline file
    // that ran (`SQL_BASELINE`) stands for the files up to its version, which are not.
    let version = |v: &str| -> Vec<u64> { v.split('.').filter_map(|p| p.parse().ok()).collect() };
    let baseline_of = |kind: &str| -> Option<Vec<u64>> {
        history
            .entries
            .iter()
            .filter(|e| e.ok && e.kind.as_deref() == Some(kind))
            .map(|e| version(&e.id))
            .max()
    };
    let (marker, ran_baseline) = (baseline_of("BASELINE"), baseline_of("SQL_BASELINE"));
    let (mut applied, mut pending, mut drift) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = std::collections::BTreeSet::new();
    let (mut named, mut applied_named) = (0, 0);
    for file in &files {
        let Some(id) = tool.id_of(file).map(|id| norm(&id)) else {
            applied.push(file.clone());
            continue;
        };
        named += 1;
        if tool == Tool::GolangMigrate {
            let version = id.parse::<u128>().unwrap_or(u128::MAX);
            match reached {
                Some((at, ok)) if version < at || (version == at && ok) => {
                    applied.push(file.clone());
                    applied_named += 1;
                }
                Some((at, false)) if version == at => drift.push(format!(
                    "{}: {} marks it dirty (it failed part-way)",
                    file.display(),
                    history.table
                )),
                _ => pending.push(file.display().to_string()),
            }
            if reached.is_some_and(|(at, _)| at == version) {
                seen.insert(id.clone());
            }
            continue;
        }
        let Some(entry) = last.get(&id) else {
            let baseline_file = tool == Tool::Flyway && is_flyway_baseline(file);
            if !baseline_file && marker.as_ref().is_some_and(|b| version(&id) <= *b) {
                applied.push(file.clone());
                applied_named += 1;
                continue;
            }
            let superseded = (!baseline_file
                && ran_baseline.as_ref().is_some_and(|b| version(&id) <= *b))
                || (baseline_file && last.keys().any(|v| version(v) > version(&id)));
            if !superseded {
                pending.push(file.display().to_string());
            }
            continue;
        };
        seen.insert(id.clone());
        // Rolled back (goose's down, Prisma's `migrate resolve --rolled-back`): not
        // applied, so pending; failed part-way: history drift.
        if !entry.ok && (tool == Tool::Goose || entry.kind.as_deref() == Some("ROLLED_BACK")) {
            pending.push(file.display().to_string());
            continue;
        }
        if !entry.ok {
            drift.push(format!(
                "{}: recorded as failed in {} (it did not finish)",
                file.display(),
                history.table
            ));
            continue;
        }
        applied.push(file.clone());
        applied_named += 1;
        if let Some(recorded) = &entry.checksum {
            let bytes =
                std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
            if !prisma_checksum_matches(&bytes, recorded) {
                drift.push(format!(
                    "{}: changed after it was applied (its checksum in {} differs)",
                    file.display(),
                    history.table
                ));
            }
        }
    }
    if named == 0 {
        return Ok(None);
    }
    for (id, entry) in &last {
        let marker = matches!(entry.kind.as_deref(), Some("BASELINE"));
        if (entry.ok || tool == Tool::GolangMigrate) && !marker && seen.insert(id.clone()) {
            drift.push(format!(
                "{} is applied ({}) but not in {}",
                entry.id,
                history.table,
                path.display()
            ));
        }
    }
    if applied.len() != files.len() {
        let info = sides[*folder].info.clone();
        let mut side = if applied.is_empty() {
            Side {
                database: crate::source::sql::database_from_sql("").0,
                not_compared: Vec::new(),
                history: None,
                path: Some(path.clone()),
                info: info.clone(),
            }
        } else {
            load_files(&path, &applied, None)?
        };
        side.info.label = info.label;
        if !pending.is_empty() {
            side.info.detail = format!("{}, {} pending", side.info.detail, pending.len());
        }
        sides[*folder] = side;
    }
    Ok(Some(HistoryReport {
        table: history.table.clone(),
        tool: match tool {
            Tool::Prisma => "Prisma",
            Tool::Flyway => "Flyway",
            Tool::Diesel => "Diesel",
            Tool::Goose => "goose",
            Tool::GolangMigrate => "golang-migrate",
            Tool::SchemaMigrations => "schema_migrations",
        }
        .into(),
        applied: applied_named,
        pending,
        drift,
    }))
}

/// A Flyway baseline migration (`B1_1__x.sql`).
fn is_flyway_baseline(file: &std::path::Path) -> bool {
    file.file_name()
        .and_then(|f| f.to_str())
        .is_some_and(|f| f.starts_with('B'))
}

/// Whether a file's bytes match the checksum Prisma recorded: the SHA-256 in hex, of
/// the file with either line ending (Prisma accepts both), and in the unpadded hex
/// Prisma wrote before 2.15 (prisma-engines#1887).
fn prisma_checksum_matches(bytes: &[u8], recorded: &str) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let lf = text.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    [bytes.to_vec(), lf.into_bytes(), crlf.into_bytes()]
        .iter()
        .any(|b| {
            let digest = sha2::Sha256::digest(b);
            let padded: String = digest.iter().map(|x| format!("{x:02x}")).collect();
            let unpadded: String = digest.iter().map(|x| format!("{x:x}")).collect();
            recorded.eq_ignore_ascii_case(&padded) || recorded.eq_ignore_ascii_case(&unpadded)
        })
}

/// An enum whose labels differ in order only.
fn is_label_order_only(change: &Change) -> bool {
    let Change::Changed(d) = change else {
        return false;
    };
    if !d.key.object.starts_with("enum ") || d.key.property != "values" {
        return false;
    }
    let set = |f: &Option<compare::Fact>| -> Option<std::collections::BTreeSet<String>> {
        let v = &f.as_ref()?.value;
        Some(
            v.trim_matches(|c| c == '(' || c == ')')
                .split(", ")
                .map(str::to_string)
                .collect(),
        )
    };
    set(&d.left).is_some() && set(&d.left) == set(&d.right)
}

/// Migration history tables that some sides have and others lack leave every side,
/// with their sequences; a note says so.
fn leave_out_history_tables(sides: &mut [Side]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut names: Vec<QualifiedName> = sides
        .iter()
        .flat_map(|s| s.database.tables.keys())
        .filter(|q| HISTORY_TABLES.contains(&q.name.as_str()))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        if sides.iter().all(|s| s.database.tables.contains_key(&name)) {
            continue;
        }
        for side in sides.iter_mut() {
            let db = &mut side.database;
            if let Some(table) = db.tables.remove(&name) {
                for index in &table.indexes {
                    db.index_owner.remove(&index.name);
                }
            }
            db.sequences
                .retain(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| *t != name));
        }
        notes.push(format!(
            "{name} is a migration tool's history table: not compared"
        ));
    }
    notes
}

/// Whether `name` is the name PostgreSQL gives a `kind` member of `object` (a table)
/// by default, from the member's facts: `<table>_pkey`, `<table>_<columns>_key` /
/// `_fkey` / `_excl`, an index's `<table>_<keys>_idx` (or `_key` when unique) where an
/// expression key counts by the name it figures (`lower`), a CHECK's
/// `<table>_<column>_check` when it names one column and `<table>_check` otherwise;
/// each maybe with the number PostgreSQL appends to a name already taken.
fn is_default_name(
    object: &str,
    kind: &str,
    name: &str,
    facts: &std::collections::BTreeMap<String, compare::Fact>,
) -> bool {
    let Some(table) = object
        .strip_prefix("table ")
        .and_then(|q| q.split_once('.'))
        .map(|(_, t)| t)
    else {
        return false;
    };
    let fact = |p: &str| facts.get(p).map(|f| f.shown.as_str()).unwrap_or_default();
    let list = |p: &str| -> Vec<String> {
        let v = fact(p).trim_matches(|c| c == '(' || c == ')');
        v.split(", ")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (columns, label): (Vec<String>, &str) = match kind {
        "primary key" => (Vec::new(), "pkey"),
        "unique" => (list("columns"), "key"),
        "foreign key" => (list("columns"), "fkey"),
        "exclusion" => return name.starts_with(&format!("{table}_")),
        "check" => {
            let columns = crate::source::sql::parse::referenced_columns(fact("expression"))
                .unwrap_or_default();
            match columns.len() {
                1 => (
                    columns.into_iter().map(|c| c.to_string()).collect(),
                    "check",
                ),
                _ => (Vec::new(), "check"),
            }
        }
        "index" => {
            // `ChooseIndexName`: `pkey` (no columns) for a primary key, `key` for a
            // unique constraint, `excl`, else `idx` (a unique index too).
            match fact("role") {
                "primary key" => (Vec::new(), "pkey"),
                "unique constraint" => (key_names(fact("keys")), "key"),
                "exclusion constraint" => (key_names(fact("keys")), "excl"),
                _ => (key_names(fact("keys")), "idx"),
            }
        }
        _ => return false,
    };
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let base = crate::model::default_names::object_name(table, &columns, label);
    name.strip_prefix(base.as_str())
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
}

/// The names of an index's keys as its facts show them (`created_at DESC, (lower(email))`):
/// a column's name, or an expression's figured name.
fn key_names(shown: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let bytes = shown.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                keys.push(shown[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    keys.push(shown[start..].trim());
    keys.into_iter()
        .filter(|k| !k.is_empty())
        .map(|k| {
            if let Some(inner) = k.strip_prefix('(') {
                let end = inner.rfind(')').unwrap_or(inner.len());
                crate::source::sql::parse::index_column_name(&inner[..end])
            } else if let Some(quoted) = k.strip_prefix('"') {
                quoted
                    .split_once('"')
                    .map_or(quoted, |(n, _)| n)
                    .replace("\"\"", "\"")
            } else {
                k.split(' ').next().unwrap_or(k).to_string()
            }
        })
        .collect()
}

/// `--ignore` and `[diff] ignore`: globs over a change's path, or a group's name.
struct IgnoreSet {
    globs: Vec<String>,
    matchers: Vec<globset::GlobMatcher>,
}

impl IgnoreSet {
    fn new(globs: &[String]) -> std::result::Result<IgnoreSet, String> {
        let matchers = globs
            .iter()
            .map(|g| {
                crate::settings::check_glob(g)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| format!("--ignore: {e}"))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(IgnoreSet {
            globs: globs.to_vec(),
            matchers,
        })
    }

    /// Every glob that takes `change` out.
    fn matching(&self, change: &Change) -> Vec<usize> {
        let path = change.path();
        let group = change.group();
        self.matchers
            .iter()
            .zip(&self.globs)
            .enumerate()
            .filter(|(_, (m, g))| *g == group || m.is_match(&path))
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{is_default_name, key_names};
    use crate::compare::Fact;
    use std::collections::BTreeMap;

    fn facts(pairs: &[(&str, &str)]) -> BTreeMap<String, Fact> {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Fact {
                        value: v.to_string(),
                        shown: v.to_string(),
                        location: None,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn default_names() {
        let t = "table public.orders";
        let none = facts(&[]);
        assert!(is_default_name(t, "primary key", "orders_pkey", &none));
        let fk = facts(&[("columns", "(customer_id)")]);
        assert!(is_default_name(
            t,
            "foreign key",
            "orders_customer_id_fkey",
            &fk
        ));
        assert!(!is_default_name(t, "foreign key", "fk_rails_abc", &fk));
        let unique = facts(&[("columns", "(email)")]);
        assert!(is_default_name(t, "unique", "orders_email_key1", &unique));
        let index = facts(&[
            ("keys", "created_at DESC, (lower(email))"),
            ("role", "plain index"),
            ("unique", "false"),
        ]);
        assert!(is_default_name(
            t,
            "index",
            "orders_created_at_lower_idx",
            &index
        ));
        assert!(!is_default_name(t, "index", "orders_live_idx", &index));
        let check = facts(&[("expression", "total > 0 AND total < 10")]);
        assert!(is_default_name(t, "check", "orders_total_check", &check));
        assert!(!is_default_name(
            t,
            "check",
            "orders_total_positive",
            &check
        ));
        assert!(!is_default_name(
            "enum public.orders",
            "check",
            "orders_check",
            &check
        ));
    }

    #[test]
    fn index_key_names() {
        assert_eq!(
            key_names("\"createdAt\" DESC, (lower(email)), (coalesce(a, b)), x text_pattern_ops"),
            vec!["createdAt", "lower", "coalesce", "x"]
        );
    }
}
