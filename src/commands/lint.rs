//! `dblint lint PATH...`: gather the model (replay) and the migration findings, then
//! grade and publish them like every grading command.

use crate::args::LintArgs;
use crate::error::{Result, Verdict};
use crate::report::Publication;
use crate::source::sql;

pub fn run(args: &LintArgs) -> Result<Verdict> {
    let stdin = read_stdin(args)?;
    // The inputs as paths: `-` stands for the file --stdin-filename names (for finding
    // dblint.toml, git's view of the change and the base), or for nothing.
    let paths: Vec<std::path::PathBuf> = args
        .paths
        .iter()
        .filter_map(|p| match (&stdin, p.as_os_str() == sql::STDIN) {
            (Some(_), true) => args.stdin_filename.clone(),
            _ => Some(p.clone()),
        })
        .collect();
    let settings = crate::settings::resolve(&args.report, &paths)?;
    let plan = crate::engine::plan(&settings)?;
    let pg_version = args.pg_version.unwrap_or(settings.pg_version);
    let assume = |file: &std::path::Path| settings.delivery(file);
    let mut scope = super::pending::scope(
        &paths,
        args.since.as_deref(),
        args.all,
        args.require_base,
        &|k| std::env::var(k).ok(),
    )?;
    // A Prisma schema is a schema, not migrations: nothing to review statement by
    // statement, the model is what Prisma Migrate creates from it.
    let prisma = match &stdin {
        Some(stdin) => stdin_is_prisma(stdin, &args.paths)?,
        None => crate::source::prisma::is_prisma_input(&args.paths)
            .map_err(|e| crate::error::Error::new(e.to_string()))?,
    };
    if args.locks && prisma {
        return Err(
            "--locks reviews the statements of migrations, and a Prisma schema has none: lint its migrations folder (prisma/migrations)"
                .into(),
        );
    }
    if args.locks {
        if let Some(note) = scope.note.as_ref().filter(|_| scope.loud) {
            eprintln!("dblint: note: {note}");
        }
        scope.stdin = stdin.as_ref().map(stdin_name);
        return super::locks::run(&args.paths, stdin.as_ref(), &assume, pg_version, &scope);
    }
    let mut reviewed = Vec::new();
    let mut last_file: Option<(std::sync::Arc<str>, bool)> = None;
    scope.stdin = stdin.as_ref().map(stdin_name);
    let mut loaded = match &stdin {
        Some(stdin) if prisma => Ok(prisma_from_stdin(stdin, settings.prisma_version)?),
        None if prisma => crate::source::prisma::load_as(&args.paths, settings.prisma_version),
        _ => sql::load_inputs(&args.paths, stdin.as_ref(), &assume, &mut |event| {
            let file = &event.location.file;
            let pending = match &last_file {
                Some((f, pending)) if f == file => *pending,
                _ => {
                    let pending = scope.covers(file);
                    last_file = Some((file.clone(), pending));
                    pending
                }
            };
            if pending {
                crate::engine::review_statement(event, &plan, pg_version, &mut reviewed)
            }
        }),
    }
    .map_err(|e| crate::error::Error::new(e.to_string()))?;
    // The files replay read: neither the report nor the baseline ever replaces one,
    // nor takes the name standard input stood for (a new migration).
    let resolved = |p: &std::path::Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = std::fs::canonicalize(parent.unwrap_or(std::path::Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        })
    };
    for (flag, path) in [
        ("--output", &args.report.output),
        ("--write-baseline", &args.report.write_baseline),
    ] {
        let Some(target) = path.as_deref().and_then(resolved) else {
            continue;
        };
        if loaded
            .files
            .iter()
            .any(|i| resolved(i).as_ref() == Some(&target))
        {
            return Err(format!(
                "{flag} {}: that is one of the input files; write it elsewhere",
                path.as_ref()
                    .map_or(String::new(), |p| p.display().to_string())
            )
            .into());
        }
    }
    if let Some(first) = loaded.out_of_order.first() {
        // The model is not the schema: grading it would be wrong.
        return Err(first.clone().into());
    }
    // A Prisma project folder with migrations is graded from them: say the schema
    // file beside them was not read.
    if !prisma {
        for dir in paths.iter().filter(|p| p.is_dir()) {
            let schema = dir.join("schema.prisma");
            if schema.is_file() && dir.join("migrations").is_dir() {
                eprintln!(
                    "dblint: note: {} is not read: a project with migrations is graded from them (what the database has); `dblint lint {}` grades the schema alone",
                    schema.display(),
                    schema.display()
                );
            }
        }
    }
    let inline = crate::inline_ignores::collect(&loaded.outlines)?;
    for d in &loaded.diagnostics {
        eprintln!("{d}");
    }
    let source = args
        .paths
        .iter()
        .map(|p| match (&loaded.stdin, p.as_os_str() == sql::STDIN) {
            (Some(name), true) => format!("{} (standard input)", name.display()),
            _ => p.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let migration_findings = reviewed.len();
    let mut findings = crate::engine::run(&loaded.database, &plan);
    if prisma {
        // The Prisma edits are read back from the reviewed SQL fixes, all of them.
        crate::engine::review_fixes(&loaded.database, &plan, pg_version, &mut findings);
        // Fixes in Prisma's terms: the change to schema.prisma, not SQL that the next
        // `prisma migrate dev` would undo.
        let sources = loaded
            .files
            .iter()
            .map(|p| match &stdin {
                Some(stdin) if loaded.stdin.as_ref() == Some(p) => Ok((
                    p.clone(),
                    String::from_utf8_lossy(&stdin.bytes).into_owned(),
                )),
                _ => Ok((p.clone(), std::fs::read_to_string(p)?)),
            })
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| crate::error::Error::new(e.to_string()))?;
        let major = loaded
            .stats
            .prisma
            .as_ref()
            .map_or(crate::source::prisma::CURRENT_MAJOR, |p| p.major);
        crate::source::prisma::fixes::Schema::read(sources, major).rewrite(&mut findings);
    }
    findings.extend(reviewed);
    let failed = loaded
        .diagnostics
        .iter()
        .any(|d| d.level == crate::source::DiagnosticLevel::Error);
    if loaded.database.tables.is_empty() && !args.report.allow_empty && !failed {
        return Err(format!(
            "nothing to grade: no tables in {source} (an empty file or folder, or no CREATE TABLE); --allow-empty accepts it"
        )
        .into());
    }
    let mut suppressions =
        crate::suppress::Suppressions::from_settings(&settings)?.with_inline(inline);
    let graded = crate::grade::grade(&loaded.database, &plan, findings, &mut suppressions);
    for line in suppressions.unused_globs() {
        eprintln!("dblint: warning: {line}");
    }
    for line in settings.unmatched_paths(&loaded.files) {
        eprintln!("dblint: warning: {line}");
    }
    // An ignore in a migration that was not reviewed may be waiting for a rule that
    // did not run on it: only pending files' ignores can be called unused.
    for d in suppressions.unused() {
        let pending = d.location.as_ref().is_none_or(|l| scope.covers(&l.file));
        if pending {
            eprintln!("{d}");
            loaded.diagnostics.push(d);
        }
    }
    let reviewed_files = loaded
        .files
        .iter()
        .filter(|f| scope.covers(&f.display().to_string()))
        .count();
    let review = match scope.pending {
        _ if prisma => None,
        Some(_) => Some(format!(
            "Migration review: {reviewed_files} of {} pending ({})",
            plural(loaded.files.len(), "file"),
            scope.why
        )),
        None => Some(format!(
            "Migration review: all {} ({})",
            plural(loaded.files.len(), "file"),
            scope.why
        )),
    };
    // Said only when migration review had something to say (a schema file with no
    // migration findings needs no word about git), unless the base could not measure
    // the change at all.
    if let Some(note) = scope
        .note
        .as_ref()
        .filter(|_| scope.loud || migration_findings > 0)
    {
        eprintln!("dblint: note: {note}");
    }
    // The schema at the base: its findings were there before the change.
    // The base replays the inputs that are files: standard input's file, when it
    // has no file of its name, is new; inside a folder input, the folder brings it.
    let stdin_file = stdin.as_ref().and(args.stdin_filename.as_ref());
    let in_a_folder = |p: &std::path::Path| {
        paths
            .iter()
            .any(|d| d.is_dir() && sql::order::inside(d, p).is_some())
    };
    let on_disk: Vec<std::path::PathBuf> = paths
        .iter()
        .filter(|p| p.exists() && !(stdin_file == Some(*p) && in_a_folder(p)))
        .cloned()
        .collect();
    let prior = match &scope.base {
        Some(base) => match super::prior::replay(base, &on_disk, &settings, &plan) {
            Ok(prior) => Some(prior),
            Err(why) => {
                if args.require_base {
                    return Err(format!("--require-base: cannot replay the base: {why}").into());
                }
                eprintln!(
                    "dblint: note: cannot replay the schema at {} ({why}): every schema finding is judged",
                    base.name
                );
                None
            }
        },
        None => None,
    };
    // Everything was reviewed for want of a base (not on request): point at the ways
    // to speak only about what is new.
    let hint = (scope.note.is_some() && migration_findings >= 10).then(|| {
        format!(
            "{migration_findings} migration findings cover the whole history: `--since <ref>` reviews only the migrations about to be deployed (inside git, pending ones are chosen by default); `--write-baseline FILE` then `--baseline FILE` gate only on new findings"
        )
    });
    crate::report::publish(
        &args.report,
        &settings,
        &plan,
        graded,
        Publication {
            source,
            diagnostics: &loaded.diagnostics,
            stats: Some(&loaded.stats),
            review,
            hint,
            prior,
            fixes: (!prisma).then_some(crate::report::FixReview {
                db: &loaded.database,
                plan: &plan,
                pg_version,
            }),
            schema: Some(&loaded.database),
        },
    )
}

/// Standard input, when `-` is among the inputs (read whole). Errors: `-` given
/// twice, `--stdin-filename` without `-`, standard input unreadable.
fn read_stdin(args: &LintArgs) -> Result<Option<sql::StdinFile>> {
    let dashes = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() == sql::STDIN)
        .count();
    if dashes > 1 {
        return Err("`-` (standard input) is given more than once".into());
    }
    if dashes == 0 {
        return match &args.stdin_filename {
            Some(_) => Err(
                "--stdin-filename names the file standard input stands for: give `-` among the inputs"
                    .into(),
            ),
            None => Ok(None),
        };
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| format!("standard input: cannot read: {e}"))?;
    Ok(Some(sql::StdinFile {
        name: args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| sql::StdinFile::UNNAMED.into()),
        bytes,
    }))
}

/// How replay names standard input's file (the name migration review reports under).
fn stdin_name(stdin: &sql::StdinFile) -> String {
    stdin.name.display().to_string()
}

/// Whether standard input is a Prisma schema (`--stdin-filename` ending in
/// `.prisma`); then it is the only input.
fn stdin_is_prisma(stdin: &sql::StdinFile, paths: &[std::path::PathBuf]) -> Result<bool> {
    if stdin.name.extension().is_none_or(|e| e != "prisma") {
        let others: Vec<std::path::PathBuf> = paths
            .iter()
            .filter(|p| p.as_os_str() != sql::STDIN)
            .cloned()
            .collect();
        if crate::source::prisma::is_prisma_input(&others)
            .map_err(|e| crate::error::Error::new(e.to_string()))?
        {
            return Err(format!(
                "{} is a Prisma schema and standard input is SQL: lint them in separate runs",
                others[0].display()
            )
            .into());
        }
        return Ok(false);
    }
    if paths.len() > 1 {
        return Err(format!(
            "{} (standard input) is a Prisma schema: lint it alone",
            stdin.name.display()
        )
        .into());
    }
    Ok(true)
}

/// A Prisma schema read from standard input, for the Prisma major version of the
/// project its name is in (as for a file).
fn prisma_from_stdin(stdin: &sql::StdinFile, prisma_version: Option<u32>) -> Result<sql::Loaded> {
    let text = String::from_utf8(stdin.bytes.clone())
        .map_err(|_| format!("{} (standard input): not UTF-8 text", stdin.name.display()))?;
    let major = prisma_version
        .or_else(|| crate::source::prisma::project_major(&stdin.name))
        .unwrap_or(crate::source::prisma::CURRENT_MAJOR);
    let mut loaded = crate::source::prisma::load_texts_as(&[(stdin.name.clone(), text)], major);
    loaded.stdin = Some(stdin.name.clone());
    Ok(loaded)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Lint files held in memory (name, contents) as `dblint lint` lints files on disk
/// with `settings`: replay with migration review (every file reviewed), schema rules,
/// suppression and the scorecard, through the same calls. The ignores that suppressed
/// nothing are added to the diagnostics. For tools and the fuzzer
/// (`examples/fuzz_lint.rs`).
pub fn lint_sources(
    sources: &[(std::path::PathBuf, Vec<u8>)],
    settings: &crate::settings::Settings,
) -> Result<(crate::grade::Graded, sql::Loaded)> {
    let plan = crate::engine::plan(settings)?;
    let assume = |file: &std::path::Path| settings.delivery(file);
    let mut reviewed = Vec::new();
    let mut loaded = sql::load_sources(sources, &assume, &mut |event| {
        crate::engine::review_statement(event, &plan, settings.pg_version, &mut reviewed)
    });
    let mut findings = crate::engine::run(&loaded.database, &plan);
    crate::engine::review_fixes(&loaded.database, &plan, settings.pg_version, &mut findings);
    findings.extend(reviewed);
    let mut suppressions = crate::suppress::Suppressions::from_settings(settings)?
        .with_inline(crate::inline_ignores::collect(&loaded.outlines)?);
    let graded = crate::grade::grade(&loaded.database, &plan, findings, &mut suppressions);
    loaded.diagnostics.extend(suppressions.unused());
    Ok((graded, loaded))
}
