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
    let loaded = sql::load(&args.paths).map_err(|e| e.to_string())?;
    for d in &loaded.diagnostics {
        eprintln!("{d}");
    }
    let source = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let graded = grade(&plan, &loaded.database);
    let code = print_graded(
        &args.report,
        &settings,
        &graded,
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

/// Print the report; returns the exit code for the findings.
pub fn print_graded(
    args: &ReportArgs,
    settings: &Settings,
    graded: &Graded,
    source: String,
    diagnostics: &[crate::source::Diagnostic],
    stats: Option<&sql::ReplayStats>,
) -> Result<u8, String> {
    let report = Report {
        source,
        scorecard: &graded.scorecard,
        findings: &graded.outcome.findings,
        diagnostics,
        suppressed: graded.outcome.suppressed,
        stats,
    };
    colored::control::set_override(args.format == Format::Human && use_color(args.color));
    match args.format {
        Format::Human => print_stdout(&report::terminal::render(&report))?,
        Format::Markdown => print_stdout(&report::markdown::render(&report))?,
        Format::Json => write_stdout(|out| report::json::write(&report, out))?,
    }
    Ok(exit_code(
        settings,
        &graded.outcome.findings,
        graded.scorecard.grade,
    ))
}

/// 1 when a finding reaches `fail_on` or the grade is below `min_grade`, else 0.
pub fn exit_code(settings: &Settings, findings: &[crate::finding::Finding], grade: Grade) -> u8 {
    let worst: Option<Severity> = findings.iter().map(|f| f.severity).max();
    let failing_finding =
        matches!((settings.fail_on, worst), (Some(threshold), Some(w)) if w >= threshold);
    let failing_grade = settings.min_grade.is_some_and(|min| grade < min);
    u8::from(failing_finding || failing_grade)
}
