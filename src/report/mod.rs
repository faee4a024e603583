//! Printers. Every format consumes the same [`Report`]; adding a format touches one
//! file here, the `Format` enum (`args.rs`) and [`write`]. [`publish`] is the end of
//! every grading command: baseline files, the report, `--output`, the gate.

pub mod diff;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use crate::finding::{Finding, Severity};
use crate::score::Scorecard;
use crate::source::sql::ReplayStats;
use crate::source::Diagnostic;
use std::collections::BTreeMap;

pub struct Report<'a> {
    /// What was linted, as the user named it.
    pub source: String,
    pub scorecard: &'a Scorecard,
    pub findings: &'a [Finding],
    pub diagnostics: &'a [Diagnostic],
    pub suppressed: usize,
    pub stats: Option<&'a ReplayStats>,
    /// Set with `--baseline`: findings hidden and baselined findings now gone.
    pub baseline: Option<&'a crate::baseline::BaselineSummary>,
    /// What migration review covered (`lint`): `Migration review: 1 of 12 files
    /// pending (changed since origin/main, …)`.
    pub review: Option<&'a str>,
    /// A pointer for the reader at the end of the report (e.g. `--since` when the
    /// whole history was reviewed).
    pub hint: Option<&'a str>,
    /// Set when a run is judged against the base it is measured from (a pull
    /// request): `findings` are then the change's own, and this says what was left
    /// out because the base already had it.
    pub scope: Option<&'a ChangeScope>,
    /// `--write-baseline`: the run records findings and judges no gate.
    pub writing_baseline: bool,
    /// The gate's threshold (`--fail-on`): formats that mark failures (JUnit) fail
    /// only findings at or above it.
    pub fail_on: Option<Severity>,
    /// The gate's minimum grade (`--min-grade`).
    pub min_grade: Option<crate::score::Grade>,
    /// List every finding (`--verbose`) instead of summarising high-volume rules.
    pub verbose: bool,
    /// The schema the HTML report draws (`None`: no diagram).
    pub picture: Option<html::Picture<'a>>,
}

/// What judging a change against its base left out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChangeScope {
    /// The ref the change is measured from, as named (`origin/main`).
    pub base: String,
    /// The merge base's commit id.
    pub merge_base: String,
    /// Findings of this run that the base already had: not listed, not gated.
    pub already_on_base: usize,
    /// Fingerprints of the base's findings that this change makes disappear.
    pub fixed: Vec<String>,
    /// The base's grade, when the inputs existed there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_score: Option<BaseScore>,
}

/// The grade the base had.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BaseScore {
    pub overall: u32,
    pub grade: crate::score::Grade,
}

impl ChangeScope {
    /// `"412 findings already on origin/main are not judged (`dblint lint --all`
    /// lists them)"`, or `None` when there were none.
    pub fn already_line(&self) -> Option<String> {
        (self.already_on_base > 0).then(|| {
            format!(
                "{} already on {} {} not judged (`dblint lint --all` lists them)",
                counted(self.already_on_base, "finding"),
                self.base,
                if self.already_on_base == 1 {
                    "is"
                } else {
                    "are"
                }
            )
        })
    }

    /// `"judged against origin/main (merge base 1a2b3c4d5e)"`.
    pub fn against(&self) -> String {
        format!(
            "the change since {} (merge base {})",
            self.base,
            &self.merge_base[..self.merge_base.len().min(10)]
        )
    }
}

/// `held at 49 by a hazard of an outage: sequence … (`dblint explain scoring`)`.
pub fn held_line(held: &crate::score::HeldBy) -> String {
    format!(
        "held at {} by a hazard of {}: {} ({}){}; `dblint explain scoring`",
        held.ceiling,
        held.hazard,
        printable(&held.message, false),
        held.fingerprint,
        if held.hazards > 1 {
            format!(", and {} more hazards", held.hazards - 1)
        } else {
            String::new()
        }
    )
}

/// `1 finding`, `2 findings`.
pub fn counted(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whether a finding counts in the scorecard: its category is one of the scorecard's
/// (migration review's and live locks' findings are listed, not graded).
pub fn graded(report: &Report, f: &Finding) -> bool {
    report
        .scorecard
        .categories
        .iter()
        .any(|c| c.name == f.category)
}

/// The listed findings outside the scorecard's categories, one line per category:
/// `2482 findings from migration review (624 errors, 1858 warnings, 0 info findings;
/// not part of the grade)`.
pub fn outside_scorecard(report: &Report) -> Vec<String> {
    let mut outside: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in report.findings.iter().filter(|f| !graded(report, f)) {
        match outside.iter_mut().find(|(c, _)| *c == f.category) {
            Some((_, fs)) => fs.push(f),
            None => outside.push((f.category.as_str(), vec![f])),
        }
    }
    outside
        .into_iter()
        .map(|(category, fs)| {
            let count = |sev: Severity| fs.iter().filter(|f| f.severity == sev).count();
            let review = crate::packs::packs()
                .iter()
                .any(|p| p.category == category && p.name == "migration-safety");
            let (source, weight) = if review {
                ("from migration review".to_string(), "not part of the grade")
            } else {
                (
                    format!("on {category}"),
                    "not a scorecard category; hazards among them hold the grade",
                )
            };
            format!(
                "{} {source} ({}, {}, {}; {weight})",
                counted(fs.len(), "finding"),
                counted(count(Severity::Error), "error"),
                counted(count(Severity::Warning), "warning"),
                counted(count(Severity::Info), "info finding"),
            )
        })
        .collect()
}

/// Counts of `findings` by severity.
pub fn counts(findings: &[Finding]) -> crate::score::Counts {
    let mut c = crate::score::Counts::default();
    for f in findings {
        c.add(f.severity);
    }
    c
}

impl Report<'_> {
    /// Why the gate fails, if it does (none while writing a baseline).
    pub fn gate(&self) -> Vec<crate::grade::GateFailure> {
        if self.writing_baseline {
            return Vec::new();
        }
        crate::grade::gate(
            self.fail_on,
            self.min_grade,
            self.findings,
            self.scorecard.grade,
            self.scope
                .and_then(|s| s.base_score.as_ref())
                .map(|b| b.grade),
        )
    }
}

/// One line of advice per rule, most impactful first.
pub struct Recommendation {
    pub rule: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    pub count: usize,
    pub example_fix: Option<String>,
    /// Sum of the findings' weights (see [`finding_weight`]).
    pub weight: f64,
}

fn impact(s: Severity) -> f64 {
    match s {
        Severity::Error => 10.0,
        Severity::Warning => 3.0,
        Severity::Info => 1.0,
    }
}

/// How much a finding weighs when ranking fixes: its severity, times the size of its
/// table when a live server told us (1 + log10(1 + rows): an empty table counts 1, a
/// 10-million-row table 8).
pub fn finding_weight(f: &Finding) -> f64 {
    impact(f.severity) * (1.0 + f.table_rows.map_or(0.0, |r| (1.0 + r).log10()))
}

pub fn recommendations(findings: &[Finding], limit: usize) -> Vec<Recommendation> {
    let mut by_rule: BTreeMap<&'static str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule).or_default().push(f);
    }
    let mut recs: Vec<Recommendation> = by_rule
        .into_iter()
        .map(|(rule, fs)| Recommendation {
            rule,
            summary: crate::rules::find(rule)
                .map(|r| r.meta().summary)
                .unwrap_or(""),
            severity: fs
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info),
            count: fs.len(),
            example_fix: fs
                .iter()
                .max_by(|a, b| finding_weight(a).total_cmp(&finding_weight(b)))
                .and_then(|f| f.shown_fix().map(str::to_string)),
            weight: fs.iter().map(|f| finding_weight(f)).sum(),
        })
        .collect();
    // Errors first (they fail at runtime or lose data), then hazards, then risk before hygiene
    // (`dblint explain scoring`, "Risk before style"), then by how much they touch,
    // weighing big tables more when a live server gave their size.
    let hygiene = |rule: &str| {
        findings.iter().find(|f| f.rule == rule).is_some_and(|f| {
            crate::packs::packs()
                .iter()
                .any(|p| p.hygiene && p.category == f.category)
        })
    };
    // Within a severity, hazards first, the one that holds the grade lowest first.
    let ceiling = |rule: &str| {
        findings
            .iter()
            .filter(|f| f.rule == rule)
            .filter_map(|f| f.hazard.map(|h| h.ceiling))
            .min()
            .unwrap_or(u32::MAX)
    };
    recs.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| ceiling(a.rule).cmp(&ceiling(b.rule)))
            .then_with(|| hygiene(a.rule).cmp(&hygiene(b.rule)))
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| a.rule.cmp(b.rule))
    });
    recs.truncate(limit);
    recs
}

/// Findings of one severity grouped by rule, rules in id order.
pub fn grouped(findings: &[Finding], severity: Severity) -> Vec<(&'static str, Vec<&Finding>)> {
    let mut by_rule: BTreeMap<&'static str, Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity == severity) {
        by_rule.entry(f.rule).or_default().push(f);
    }
    by_rule.into_iter().collect()
}

/// Write `report` in `format`. `rules` are the ids of the rules that ran (JUnit lists
/// each as a test case).
pub fn write(
    format: crate::args::Format,
    report: &Report,
    rules: &[&'static str],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::args::Format;
    match format {
        Format::Json => json::write(report, out),
        Format::Human => out.write_all(terminal::render(report).as_bytes()),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
        Format::Sarif => out.write_all(sarif::render(report).as_bytes()),
        Format::Github => out.write_all(github::render(report).as_bytes()),
        Format::Gitlab => out.write_all(gitlab::render(report).as_bytes()),
        Format::Junit => out.write_all(junit::render(report, rules).as_bytes()),
        Format::Html => html::write(report, report.picture, out),
    }
}

/// What a grading command hands over to be printed.
pub struct Publication<'a> {
    pub source: String,
    pub diagnostics: &'a [Diagnostic],
    pub stats: Option<&'a ReplayStats>,
    pub review: Option<String>,
    pub hint: Option<String>,
    /// The schema at the base the change is measured from: its findings are left
    /// out of the report and the gate.
    pub prior: Option<Prior>,
    /// Where the schema findings' fixes are reviewed (`engine::review_fixes`), when
    /// the report reviews them itself: then only the fixes it shows are, after the
    /// baseline and the change's base have left findings out. `None`: the fixes were
    /// reviewed already, or are not to be.
    pub fixes: Option<FixReview<'a>>,
    /// The schema the report describes (the HTML report draws it).
    pub schema: Option<&'a crate::model::Database>,
}

/// The model a report's fixes are reviewed on, with the rules and server version.
pub struct FixReview<'a> {
    pub db: &'a crate::model::Database,
    pub plan: &'a crate::engine::Plan,
    pub pg_version: u32,
}

/// What the base a change is measured from already had (`lint` replays it:
/// `commands::prior`).
pub struct Prior {
    /// The ref the change is measured from, as named (`origin/main`).
    pub base: String,
    /// The merge base's commit id.
    pub merge_base: String,
    /// Fingerprints of the base's findings, after the same suppressions.
    pub fingerprints: std::collections::BTreeSet<String>,
    /// The base's scorecard; `None` when the inputs did not exist there (a new
    /// migrations folder: everything is new).
    pub scorecard: Option<Scorecard>,
}

/// The end of `lint` and `inspect`: apply the baseline (`--baseline`: the grade counts
/// every finding, the gate only new ones), print the report, write `--write-baseline`
/// and `--output`, and judge the gate, saying why it failed. Files are written last,
/// once nothing else can fail, and not at all when the input had errors: a run that
/// exits 2 leaves every file as it was.
pub fn publish(
    args: &crate::args::ReportArgs,
    settings: &crate::settings::Settings,
    plan: &crate::engine::Plan,
    graded: crate::grade::Graded,
    publication: Publication,
) -> crate::error::Result<crate::error::Verdict> {
    use crate::error::Verdict;
    use crate::output::{print_stdout, stage, use_color, write_stdout};
    let crate::grade::Graded {
        findings,
        suppressed,
        scorecard,
    } = graded;
    let failed = publication
        .diagnostics
        .iter()
        .any(|d| d.level == crate::source::DiagnosticLevel::Error);
    // A run that exits 2 writes no file: everything that can fail is done before the
    // first file is put in place (the baseline read, rendering, temporary copies),
    // and an input with errors writes neither the baseline nor --output.
    if let (Some(output), Some(baseline)) = (&args.output, &args.write_baseline) {
        if same_file(output, baseline) {
            return Err(format!(
                "--output and --write-baseline both name {}: give them different files",
                output.display()
            )
            .into());
        }
    }
    let known = match &args.baseline {
        Some(path) => Some(crate::baseline::read(path)?),
        None => None,
    };
    let comment = crate::comment::destination(args, &|k| std::env::var(k).ok())?;
    let mut staged = Vec::new();
    if let Some(path) = &args.write_baseline {
        if failed {
            eprintln!(
                "dblint: baseline {} not written: the input has errors (see above)",
                path.display()
            );
        } else {
            let (count, text) = crate::baseline::render(&findings)?;
            staged.push((
                stage(path, text.into_bytes())?,
                format!(
                    "dblint: wrote {count} finding(s) to baseline {}",
                    path.display()
                ),
            ));
        }
    }
    let present: std::collections::BTreeSet<String> =
        findings.iter().map(Finding::fingerprint).collect();
    let (findings, summary) = match &known {
        Some(known) => {
            let (new, summary) = crate::suppress::against_baseline(findings, known);
            (new, Some(summary))
        }
        None => (findings, None),
    };
    let (findings, scope) = match publication.prior {
        Some(prior) => {
            let (old, new): (Vec<Finding>, Vec<Finding>) = findings
                .into_iter()
                .partition(|f| prior.fingerprints.contains(&f.fingerprint()));
            let scope = ChangeScope {
                base: prior.base,
                merge_base: prior.merge_base,
                already_on_base: old.len(),
                fixed: prior
                    .fingerprints
                    .iter()
                    .filter(|f| !present.contains(*f))
                    .cloned()
                    .collect(),
                base_score: prior.scorecard.map(|s| BaseScore {
                    overall: s.overall,
                    grade: s.grade,
                }),
            };
            (new, Some(scope))
        }
        None => (findings, None),
    };
    let mut findings = findings;
    if let Some(review) = &publication.fixes {
        // A terminal report without --verbose shows a few fixes of each rule: only
        // those are reviewed (each fix review replays it, which on a large schema is
        // most of the run). Every other format, and --output, shows them all.
        let shown =
            (args.format == crate::args::Format::Human && args.output.is_none() && !args.verbose)
                .then(|| terminal::shown_fixes(&findings));
        let schema_rules: std::collections::BTreeSet<&str> = review
            .plan
            .rules
            .iter()
            .map(|a| a.rule.meta())
            .filter(|m| !m.is_migration())
            .map(|m| m.id)
            .collect();
        crate::engine::review_fixes_where(
            review.db,
            review.plan,
            review.pg_version,
            &mut findings,
            &|f| {
                schema_rules.contains(f.rule)
                    && shown.as_ref().is_none_or(|s| s.contains(&f.fingerprint()))
            },
        );
    }
    let report = Report {
        source: publication.source,
        scorecard: &scorecard,
        findings: &findings,
        diagnostics: publication.diagnostics,
        suppressed,
        stats: publication.stats,
        baseline: summary.as_ref(),
        review: publication.review.as_deref(),
        hint: publication.hint.as_deref(),
        scope: scope.as_ref(),
        writing_baseline: args.write_baseline.is_some(),
        fail_on: settings.fail_on,
        min_grade: settings.min_grade,
        verbose: args.verbose,
        picture: publication.schema.map(|db| html::Picture { db, plan }),
    };
    let rules: Vec<&'static str> = plan.rules.iter().map(|r| r.rule.meta().id).collect();
    match &args.output {
        Some(path) if failed => {
            eprintln!(
                "dblint: report {} not written: the input has errors (see above)",
                path.display()
            );
            colored::control::set_override(use_color(args.color));
            print_stdout(&terminal::render(&report))?;
        }
        Some(path) => {
            let mut bytes = Vec::new();
            colored::control::set_override(false);
            write(args.format, &report, &rules, &mut bytes).map_err(|e| e.to_string())?;
            staged.push((stage(path, bytes)?, String::new()));
            colored::control::set_override(use_color(args.color));
            print_stdout(&terminal::render(&report))?;
        }
        None => {
            colored::control::set_override(
                args.format == crate::args::Format::Human && use_color(args.color),
            );
            write_stdout(|out| write(args.format, &report, &rules, out))?;
        }
    }
    // GitHub shows ten annotations per level and step: the whole report goes to the
    // job summary too (appended, as GitHub asks of every step).
    let summary_path = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
    if args.format == crate::args::Format::Github {
        if let Some(summary) = &summary_path {
            append_step_summary(std::path::Path::new(summary), &markdown::render(&report))?;
        }
    }
    // Nothing can fail any more but putting the files in place: streams and devices
    // first (writing one can fail, a full disk behind /dev/stdout), renames last.
    staged.sort_by_key(|(file, _)| !file.in_place());
    for (file, said) in staged {
        file.commit()?;
        if !said.is_empty() {
            eprintln!("{said}");
        }
    }
    // The pull request's comment, last: whatever the platform answers, the exit code is
    // the gate's. When GitHub refuses, the report goes where the job can show it.
    if let Some(destination) = comment {
        let github = matches!(destination, crate::comment::Destination::GitHub(_));
        let posted =
            crate::comment::post(destination, &args.comment_key, &markdown::render(&report));
        if !posted && github && args.format != crate::args::Format::Github {
            let summary = summary_path.as_ref().map(|summary| {
                append_step_summary(std::path::Path::new(summary), &markdown::render(&report))
            });
            // Annotations go to stdout only where it carries the human report: a
            // JSON or SARIF document there must stay one document.
            let human = args.format == crate::args::Format::Human || args.output.is_some();
            let annotations = if human {
                print_stdout(&github::render(&report))
            } else {
                Ok(())
            };
            for e in [summary.and_then(Result::err), annotations.err()]
                .into_iter()
                .flatten()
            {
                eprintln!("dblint: warning: {e}");
            }
        }
    }
    if failed {
        return Ok(Verdict::InvalidInput);
    }
    if args.write_baseline.is_some() {
        return Ok(Verdict::Pass);
    }
    let failures = report.gate();
    for failure in &failures {
        if let crate::grade::GateFailure::Grade { grade, required } = failure {
            eprintln!(
                "dblint: grade {grade} is below the required {required} (--min-grade / min_grade)"
            );
        }
    }
    Ok(if failures.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail
    })
}

/// Whether two paths name the same file, existing or new (`out.json` and
/// `sub/../out.json`, or a path through a linked folder).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let resolved = |p: &std::path::Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = std::fs::canonicalize(parent.unwrap_or(std::path::Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        })
    };
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}

/// Append `text` to GitHub's job summary file.
fn append_step_summary(path: &std::path::Path, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("GITHUB_STEP_SUMMARY ({}): {e}", path.display()))
}

/// Text from the schema (identifiers, comments, expressions) made safe to print on a
/// terminal or in Markdown: control characters (escape sequences, carriage returns,
/// newlines inside a name) are shown as `\u{1b}`, so a hostile database cannot erase
/// or rewrite lines of the report. Newlines are kept only where `keep_newlines`.
pub fn printable(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if bad(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}
