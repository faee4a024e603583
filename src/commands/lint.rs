//! `dblint lint PATH...`

use super::{print_stdout, write_stdout};
use crate::cli::{ColorChoice, Format, LintArgs, ReportArgs};
use crate::finding::Severity;
use crate::report::{self, Report};
use crate::score::Grade;
use crate::settings::{discover, parse_fail_on, Settings};
use crate::source::{sql, DiagnosticLevel};
use std::io::IsTerminal;

/// Settings from the config file, then the environment, then flags. `inputs` are the
/// paths being linted (the config is looked for next to the first one).
pub fn resolve_settings(
    args: &ReportArgs,
    inputs: &[std::path::PathBuf],
) -> Result<Settings, String> {
    let config = match (&args.config, args.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => std::env::var_os("DBLINT_CONFIG")
            .map(Into::into)
            .or_else(|| config_near_inputs(inputs))
            .or_else(|| std::env::current_dir().ok().and_then(|d| discover(&d))),
    };
    let mut settings = match config {
        Some(path) => {
            if !path.is_file() {
                return Err(format!("{}: configuration file not found", path.display()));
            }
            Settings::from_file(&path).map_err(|e| e.to_string())?
        }
        None => Settings::default(),
    };
    if let Ok(value) = std::env::var("DBLINT_FAIL_ON") {
        settings.fail_on = parse_fail_on(&value).ok_or_else(|| {
            format!("DBLINT_FAIL_ON: expected error, warning, info or none, got `{value}`")
        })?;
    }
    if let Ok(value) = std::env::var("DBLINT_MIN_GRADE") {
        settings.min_grade = Some(Grade::parse(&value).ok_or_else(|| {
            format!("DBLINT_MIN_GRADE: expected a letter grade such as B or A-, got `{value}`")
        })?);
    }
    if let Some(value) = &args.fail_on {
        settings.fail_on = parse_fail_on(value).ok_or_else(|| {
            format!("--fail-on: expected error, warning, info or none, got `{value}`")
        })?;
    }
    if let Some(value) = &args.min_grade {
        settings.min_grade = Some(Grade::parse(value).ok_or_else(|| {
            format!("--min-grade: expected a letter grade such as B or A-, got `{value}`")
        })?);
    }
    if !args.pack.is_empty() {
        let mut packs = settings.packs.take().unwrap_or_default();
        packs.extend(args.pack.iter().cloned());
        settings.packs = Some(packs);
    }
    settings.enable.extend(args.enable.iter().cloned());
    settings.disable.extend(args.disable.iter().cloned());
    settings.ignore.extend(args.ignore.iter().cloned());
    settings
        .validate(&|_, key, msg| crate::settings::ConfigError(format!("{}: {msg}", flag_for(key))))
        .map_err(|e| e.to_string())?;
    Ok(settings)
}

/// `dblint.toml` next to (or above) the first input, so a project's settings apply
/// wherever dblint is run from.
fn config_near_inputs(paths: &[std::path::PathBuf]) -> Option<std::path::PathBuf> {
    let first = paths.first()?;
    let start = if first.is_dir() {
        first.clone()
    } else {
        first.parent()?.to_path_buf()
    };
    let start = if start.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        start
    };
    discover(&std::fs::canonicalize(&start).ok()?)
}

fn flag_for(key: &str) -> String {
    match key {
        "packs" => "--pack".into(),
        other => format!("--{other} (or dblint.toml `{other}`)"),
    }
}

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

pub fn run(args: &LintArgs) -> Result<u8, String> {
    let settings = resolve_settings(&args.report, &args.paths)?;
    let plan = crate::engine::plan(&settings).map_err(|e| e.to_string())?;
    let pg_version = args.pg_version.unwrap_or(settings.pg_version);
    let assume = |file: &std::path::Path| {
        settings
            .assume_in_transaction(file)
            .unwrap_or_else(|| sql::session::tool_wraps_in_transaction(file))
    };
    if args.locks {
        return super::locks::run(&args.paths, &assume);
    }
    let changed = match &args.since {
        Some(reference) => Some(super::since::changed_files(&args.paths[0], reference)?),
        None => None,
    };
    let in_scope = |file: &str| {
        changed
            .as_ref()
            .is_none_or(|set| std::fs::canonicalize(file).is_ok_and(|path| set.contains(&path)))
    };
    let mut reviewed = crate::engine::Outcome::default();
    let mut touched = std::collections::BTreeSet::new();
    let mut last_file: Option<(std::sync::Arc<str>, bool)> = None;
    let mut loaded = sql::load_with(&args.paths, &assume, &mut |event| {
        let file = &event.location.file;
        let scoped = match &last_file {
            Some((f, scoped)) if f == file => *scoped,
            _ => {
                let scoped = in_scope(file);
                last_file = Some((file.clone(), scoped));
                scoped
            }
        };
        if !scoped {
            return;
        }
        if changed.is_some() {
            touched.extend(
                crate::rules::migration::locks::effects(
                    event.statement,
                    event.db,
                    event.search_path,
                )
                .into_iter()
                .map(|e| e.table),
            );
            if let sql::statement::Statement::CreateTable(ct) = event.statement {
                touched.extend(crate::rules::migration::locks::resolve(
                    event.db,
                    event.search_path,
                    &ct.name,
                ));
            }
        }
        crate::engine::review_statement(event, &plan, pg_version, &mut reviewed)
    })
    .map_err(|e| e.to_string())?;
    let (graded, unused_ignores) = grade_loaded(
        &loaded,
        &plan,
        reviewed,
        &in_scope,
        changed.is_some().then_some(&touched),
    )?;
    for d in &loaded.diagnostics {
        eprintln!("{d}");
    }
    for d in unused_ignores {
        eprintln!("{d}");
        loaded.diagnostics.push(d);
    }
    let source = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let code = print_graded(
        &args.report,
        &settings,
        &plan,
        graded,
        source,
        &loaded.diagnostics,
        Some(&loaded.stats),
    )?;
    if loaded
        .diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Error)
    {
        return Ok(2);
    }
    Ok(code)
}

/// Grade a replayed schema: schema rules (only on `touched` tables when given, for
/// `--since`), the migration findings `reviewed` during replay, and the inline ignores
/// of the files `in_scope`. Also gives the ignores that suppressed nothing.
fn grade_loaded(
    loaded: &sql::Loaded,
    plan: &crate::engine::Plan,
    reviewed: crate::engine::Outcome,
    in_scope: &dyn Fn(&str) -> bool,
    touched: Option<&std::collections::BTreeSet<crate::model::QualifiedName>>,
) -> Result<(Graded, Vec<crate::source::Diagnostic>), String> {
    let outlines: Vec<sql::FileOutline> = loaded
        .outlines
        .iter()
        .filter(|o| in_scope(&o.file))
        .cloned()
        .collect();
    let mut ignores = crate::inline_ignores::collect(&outlines)?;
    let mut schema_outcome = crate::engine::run(&loaded.database, plan);
    if let Some(touched) = touched {
        schema_outcome
            .findings
            .retain(|f| f.table.as_ref().is_some_and(|t| touched.contains(t)));
    }
    let outcome = crate::engine::merge(schema_outcome, reviewed);
    let (findings, dropped) = crate::inline_ignores::apply(&mut ignores, outcome.findings);
    let outcome = crate::engine::Outcome {
        findings,
        suppressed: outcome.suppressed + dropped,
    };
    let unused = crate::inline_ignores::unused(&ignores);
    let scorecard = crate::score::score(&loaded.database, plan, &outcome.findings);
    Ok((Graded { outcome, scorecard }, unused))
}

/// Lint files held in memory (name, contents) as `dblint lint` lints files on disk
/// with `settings`: replay with migration review, schema rules, inline ignores and
/// the scorecard. The ignores that suppressed nothing are added to the diagnostics.
/// For tools and the fuzzer (`examples/fuzz_lint.rs`).
pub fn lint_sources(
    sources: &[(std::path::PathBuf, Vec<u8>)],
    settings: &Settings,
) -> Result<(Graded, sql::Loaded), String> {
    let plan = crate::engine::plan(settings).map_err(|e| e.to_string())?;
    let assume = |file: &std::path::Path| {
        settings
            .assume_in_transaction(file)
            .unwrap_or_else(|| sql::session::tool_wraps_in_transaction(file))
    };
    let mut reviewed = crate::engine::Outcome::default();
    let mut loaded = sql::load_sources(sources, &assume, &mut |event| {
        crate::engine::review_statement(event, &plan, settings.pg_version, &mut reviewed)
    });
    let (graded, unused) = grade_loaded(&loaded, &plan, reviewed, &|_| true, None)?;
    loaded.diagnostics.extend(unused);
    Ok((graded, loaded))
}

/// Findings and scorecard of one schema.
pub struct Graded {
    pub outcome: crate::engine::Outcome,
    pub scorecard: crate::score::Scorecard,
}

pub fn grade(plan: &crate::engine::Plan, database: &crate::model::Database) -> Graded {
    let outcome = crate::engine::run(database, plan);
    let scorecard = crate::score::score(database, plan, &outcome.findings);
    Graded { outcome, scorecard }
}

/// Write the report in `format`.
fn write_format(
    format: Format,
    report: &Report,
    rules: &[&'static str],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => report::json::write(report, out),
        Format::Human => out.write_all(report::terminal::render(report).as_bytes()),
        Format::Markdown => out.write_all(report::markdown::render(report).as_bytes()),
        Format::Sarif => out.write_all(report::sarif::render(report).as_bytes()),
        Format::Github => out.write_all(report::github::render(report).as_bytes()),
        Format::Gitlab => out.write_all(report::gitlab::render(report).as_bytes()),
        Format::Junit => out.write_all(report::junit::render(report, rules).as_bytes()),
    }
}

/// Apply the baseline options, print the report (and `--output`), and return the exit
/// code for the findings.
pub fn print_graded(
    args: &ReportArgs,
    settings: &Settings,
    plan: &crate::engine::Plan,
    graded: Graded,
    source: String,
    diagnostics: &[crate::source::Diagnostic],
    stats: Option<&sql::ReplayStats>,
) -> Result<u8, String> {
    let Graded { outcome, scorecard } = graded;
    if let Some(path) = &args.write_baseline {
        let count = crate::baseline::write(path, &outcome.findings)?;
        eprintln!(
            "dblint: wrote {count} finding(s) to baseline {}",
            path.display()
        );
    }
    let (findings, summary) = match &args.baseline {
        Some(path) => {
            let known = crate::baseline::read(path)?;
            let (new, summary) = crate::baseline::apply(outcome.findings, &known);
            (new, Some(summary))
        }
        None => (outcome.findings, None),
    };
    let report = Report {
        source,
        scorecard: &scorecard,
        findings: &findings,
        diagnostics,
        suppressed: outcome.suppressed,
        stats,
        baseline: summary.as_ref(),
    };
    let rules: Vec<&'static str> = plan.rules.iter().map(|r| r.rule.meta().id).collect();
    match &args.output {
        Some(path) => {
            let mut bytes = Vec::new();
            colored::control::set_override(false);
            write_format(args.format, &report, &rules, &mut bytes).map_err(|e| e.to_string())?;
            super::write_file_atomically(path, &bytes)?;
            colored::control::set_override(use_color(args.color));
            print_stdout(&report::terminal::render(&report))?;
        }
        None => {
            colored::control::set_override(args.format == Format::Human && use_color(args.color));
            write_stdout(|out| write_format(args.format, &report, &rules, out))?;
        }
    }
    if args.write_baseline.is_some() {
        return Ok(0);
    }
    Ok(exit_code(settings, &findings, scorecard.grade))
}

/// 1 when a finding reaches `fail_on` or the grade is below `min_grade`, else 0.
pub fn exit_code(settings: &Settings, findings: &[crate::finding::Finding], grade: Grade) -> u8 {
    let worst: Option<Severity> = findings.iter().map(|f| f.severity).max();
    let failing_finding =
        matches!((settings.fail_on, worst), (Some(threshold), Some(w)) if w >= threshold);
    let failing_grade = settings.min_grade.is_some_and(|min| grade < min);
    u8::from(failing_finding || failing_grade)
}
