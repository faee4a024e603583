//! The human scorecard, for terminals. Colour is decided once per stream by the
//! caller (`colored::control`); tables are plain so widths stay right.

use super::{grouped, recommendations, Report};
use crate::finding::Severity;
use crate::score::{Grade, TableState};
use colored::Colorize;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};
use std::fmt::Write;

fn grade_colored(grade: Grade, text: String) -> colored::ColoredString {
    if grade >= Grade::AMinus {
        text.green().bold()
    } else if grade >= Grade::CMinus {
        text.yellow().bold()
    } else {
        text.red().bold()
    }
}

fn severity_label(s: Severity) -> colored::ColoredString {
    match s {
        Severity::Error => "ERROR".red().bold(),
        Severity::Warning => "WARNING".yellow().bold(),
        Severity::Info => "INFO".blue().bold(),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// 12345678 → "12M".
fn human_count(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.0}G", n / 1e9),
        n if n >= 1e6 => format!("{:.0}M", n / 1e6),
        n if n >= 1e3 => format!("{:.0}k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

/// Rules with more findings than this are summarised unless `--verbose`.
const SUMMARISE_OVER: usize = 8;
/// Examples shown of a summarised rule.
const EXAMPLES: usize = 3;
/// Tables with findings listed unless `--verbose`: past this many, the ones with the
/// most severe findings (a 10,000-table schema made a 10,000-row table).
const TABLES_LISTED: usize = 30;

/// How many of a rule's `findings` the report shows.
fn examples_shown(findings: usize, verbose: bool) -> usize {
    if !verbose && findings > SUMMARISE_OVER {
        EXAMPLES
    } else {
        findings
    }
}

/// The fingerprints of the findings [`render`] shows with their fix, without
/// `--verbose`: the first few of each rule, by severity.
pub fn shown_fixes(findings: &[crate::finding::Finding]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for (_, fs) in super::grouped(findings, severity) {
            let shown = examples_shown(fs.len(), false);
            out.extend(fs.iter().take(shown).map(|f| f.fingerprint()));
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = report.scorecard;
    let _ = writeln!(out, "{} {}", "dblint".bold(), report.source);
    match report.stats {
        Some(stats) => {
            match &stats.prisma {
                Some(p) => {
                    let _ = writeln!(
                        out,
                        "{} read: {}, {} ({}, as Prisma {} Migrate creates them)",
                        plural(p.files, "Prisma schema file"),
                        plural(p.models, "model"),
                        plural(p.enums, "enum"),
                        plural(s.tables.len(), "table"),
                        p.major
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "{} replayed, {} ({} tables)",
                        plural(stats.files, "file"),
                        plural(stats.statements, "statement"),
                        s.tables.len()
                    );
                }
            }
            if let Some(review) = report.review {
                let _ = writeln!(out, "{review}");
            }
        }
        None => {
            let _ = writeln!(
                out,
                "{} read from the live catalog",
                plural(s.tables.len(), "table")
            );
        }
    }
    if let Some(scope) = report.scope {
        let mut line = format!(
            "Judged: {}: {} of its own",
            scope.against(),
            plural(report.findings.len(), "finding")
        );
        if let Some(already) = scope.already_line() {
            let _ = write!(line, "; {already}");
        }
        if !scope.fixed.is_empty() {
            let _ = write!(line, "; it fixes {}", plural(scope.fixed.len(), "finding"));
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    let headline = if s.tables.is_empty() {
        "Schema Quality Score: none (no tables: nothing to grade)".to_string()
    } else {
        let mut line = format!("Schema Quality Score: {}/100 ({})", s.overall, s.grade);
        if let Some(base) = report
            .scope
            .and_then(|c| c.base_score.as_ref().map(|b| (c, b)))
        {
            let _ = write!(
                line,
                " · {}: {}/100 ({})",
                base.0.base, base.1.overall, base.1.grade
            );
        }
        line
    };
    let _ = writeln!(out, "  {}", grade_colored(s.grade, headline));
    if let Some(held) = &s.held_by {
        let _ = writeln!(out, "  {}", super::held_line(held));
    }
    // The schema's counts are the scorecard rows' sums; the listed findings (the
    // change's own, or every one) are counted on their own line.
    let suppressed = if report.suppressed > 0 {
        format!(" ({} suppressed by ignores)", report.suppressed)
    } else {
        String::new()
    };
    let severities = |c: &crate::score::Counts| {
        format!(
            "{}, {}, {}",
            plural(c.error, "error"),
            plural(c.warning, "warning"),
            plural(c.info, "info finding")
        )
    };
    let migration = report
        .findings
        .iter()
        .filter(|f| !super::graded(report, f))
        .count();
    if report.scope.is_some() {
        let _ = writeln!(
            out,
            "  the whole schema: {} (the grade counts them){suppressed}",
            severities(&s.totals)
        );
        let _ = writeln!(
            out,
            "  this change: {}: {} in the schema, {} from migration review",
            if report.findings.is_empty() {
                "no findings".to_string()
            } else {
                format!(
                    "{} ({})",
                    plural(report.findings.len(), "finding"),
                    severities(&super::counts(report.findings))
                )
            },
            report.findings.len() - migration,
            migration
        );
    } else {
        let _ = writeln!(out, "  {}{suppressed}", severities(&s.totals));
        for line in super::outside_scorecard(report) {
            let _ = writeln!(out, "  + {line}");
        }
    }
    if let Some(b) = report.baseline {
        let _ = writeln!(
            out,
            "  {} baselined finding(s) not shown; {} fixed since the baseline",
            b.baselined,
            b.fixed.len()
        );
        for fixed in &b.fixed {
            let _ = writeln!(out, "    ✔ fixed: {fixed}");
        }
    }
    let _ = writeln!(out);

    let mut categories = Table::new();
    categories
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec![
            "Category", "Score", "Grade", "Errors", "Warnings", "Info",
        ]);
    for c in &s.categories {
        categories.add_row(vec![
            if c.hygiene {
                format!("{} °", c.name)
            } else {
                c.name.clone()
            },
            c.score.to_string(),
            c.grade.to_string(),
            c.findings.error.to_string(),
            c.findings.warning.to_string(),
            c.findings.info.to_string(),
        ]);
    }
    for i in 1..6 {
        if let Some(col) = categories.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let _ = writeln!(out, "{categories}");
    if s.categories.iter().any(|c| c.hygiene) {
        let _ = writeln!(
            out,
            "{}",
            "° hygiene: in the mean only, never the weakest area (`dblint explain scoring`)"
                .dimmed()
        );
    }
    let _ = writeln!(out);

    // Per-table status: tables with findings in a table, clean ones summarised. A
    // change is shown by the tables its own findings are on.
    let changed;
    let statuses = match report.scope {
        Some(_) => {
            changed = crate::score::table_statuses(report.findings);
            &changed
        }
        None => &s.tables,
    };
    let mut flagged: Vec<_> = statuses
        .iter()
        .filter(|t| t.status != TableState::Ok)
        .collect();
    let clean: Vec<_> = match report.scope {
        Some(_) => Vec::new(),
        None => statuses
            .iter()
            .filter(|t| t.status == TableState::Ok)
            .collect(),
    };
    let unlisted = if !report.verbose && flagged.len() > TABLES_LISTED {
        // Most errors first, then warnings, then info; by name among equals.
        flagged.sort_by(|a, b| {
            a.status
                .cmp(&b.status)
                .then_with(|| b.findings.error.cmp(&a.findings.error))
                .then_with(|| b.findings.warning.cmp(&a.findings.warning))
                .then_with(|| b.findings.info.cmp(&a.findings.info))
                .then_with(|| a.table.cmp(&b.table))
        });
        let unlisted = flagged.len() - TABLES_LISTED;
        flagged.truncate(TABLES_LISTED);
        unlisted
    } else {
        0
    };
    let heading = if report.scope.is_some() {
        "Tables with findings of this change"
    } else {
        "Tables"
    };
    let _ = match unlisted {
        0 => writeln!(out, "{}", heading.bold()),
        _ => writeln!(
            out,
            "{} (the {TABLES_LISTED} with the most severe findings)",
            heading.bold()
        ),
    };
    if report.scope.is_some() && flagged.is_empty() {
        let _ = writeln!(out, "none");
    }
    if s.tables.is_empty() {
        let _ = writeln!(out, "no tables found: nothing to grade");
    }
    if !flagged.is_empty() {
        let mut tables = Table::new();
        tables
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(vec!["", "Table", "Errors", "Warnings", "Info"]);
        for t in &flagged {
            let icon = if t.status == TableState::Error {
                "❌"
            } else {
                "⚠️"
            };
            tables.add_row(vec![
                icon.to_string(),
                super::printable(&t.table.to_string(), false).into_owned(),
                t.findings.error.to_string(),
                t.findings.warning.to_string(),
                t.findings.info.to_string(),
            ]);
        }
        let _ = writeln!(out, "{tables}");
    }
    if unlisted > 0 {
        let _ = writeln!(
            out,
            "… {unlisted} more {} with findings, fewer or less severe (`--verbose` lists them all)",
            if unlisted == 1 { "table" } else { "tables" }
        );
    }
    if !clean.is_empty() {
        if report.verbose {
            let names: Vec<String> = clean
                .iter()
                .map(|t| super::printable(&t.table.to_string(), false).into_owned())
                .collect();
            let _ = writeln!(
                out,
                "✅ {} without findings: {}",
                plural(clean.len(), "table"),
                names.join(", ")
            );
        } else {
            let _ = writeln!(
                out,
                "✅ {} without findings (`--verbose` lists them)",
                plural(clean.len(), "table")
            );
        }
    }
    let _ = writeln!(out);

    if !report.findings.is_empty() {
        let _ = writeln!(out, "{}", "Findings".bold());
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let groups = grouped(report.findings, severity);
            if groups.is_empty() {
                continue;
            }
            let count: usize = groups.iter().map(|(_, fs)| fs.len()).sum();
            let _ = writeln!(out, "\n{} ({count})", severity_label(severity));
            for (rule, fs) in groups {
                let summary = crate::rules::find(rule)
                    .map(|r| r.meta().summary)
                    .unwrap_or("");
                let _ = writeln!(out, "  {} — {summary} ({})", rule.bold(), fs.len());
                // A high-volume rule: its count, the tables, a few examples.
                let summarise = !report.verbose && fs.len() > SUMMARISE_OVER;
                if summarise {
                    let mut tables: Vec<String> = fs
                        .iter()
                        .filter_map(|f| {
                            f.table
                                .as_ref()
                                .map(|t| super::printable(&t.to_string(), false).into_owned())
                        })
                        .collect();
                    tables.dedup();
                    let shown: Vec<&str> = tables.iter().take(6).map(String::as_str).collect();
                    let more = tables.len().saturating_sub(shown.len());
                    let _ = writeln!(
                        out,
                        "    on {}: {}{}",
                        plural(tables.len(), "table"),
                        shown.join(", "),
                        if more > 0 {
                            format!(", … {more} more")
                        } else {
                            String::new()
                        }
                    );
                }
                let shown = examples_shown(fs.len(), report.verbose);
                for f in fs.iter().take(shown) {
                    let size = f
                        .table_rows
                        .filter(|r| *r >= 1.0)
                        .map(|r| format!(" (~{} rows)", human_count(r)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "    • {}{size}", super::printable(&f.message, false));
                    if let Some(loc) = &f.location {
                        let _ = writeln!(out, "      {}", format!("at {loc}").dimmed());
                    }
                    if let Some(fix) = f.shown_fix() {
                        for (i, line) in super::printable(fix, true).lines().enumerate() {
                            let prefix = if i == 0 { "fix: " } else { "     " };
                            let _ = writeln!(out, "      {}{}", prefix.dimmed(), line.cyan());
                        }
                    }
                    if let Some(help) = &f.help {
                        let _ = writeln!(
                            out,
                            "      {}{}",
                            "help: ".dimmed(),
                            super::printable(help, false)
                        );
                    }
                }
                if fs.len() > shown {
                    let _ = writeln!(
                        out,
                        "    {}",
                        format!(
                            "… {} more like these (`--verbose` lists them all; `--format json` for tools)",
                            fs.len() - shown
                        )
                        .dimmed()
                    );
                }
            }
        }
        let _ = writeln!(out);
    }

    let recs = recommendations(report.findings, 5);
    if !recs.is_empty() {
        let _ = writeln!(out, "{}", "Top recommendations".bold());
        for (i, r) in recs.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. [{}] {} — {} ({}; `dblint explain {}`)",
                i + 1,
                r.severity,
                r.rule,
                r.summary,
                plural(r.count, "finding"),
                r.rule
            );
        }
        let _ = writeln!(out);
    }

    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::source::DiagnosticLevel::Error)
        .count();
    let warnings = report.diagnostics.len() - errors;
    if !report.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "{} {} and {} while reading the input (listed on stderr)",
            "Note:".bold(),
            plural(errors, "parse error"),
            plural(warnings, "replay warning")
        );
    }
    if let Some(hint) = report.hint {
        let _ = writeln!(out, "{} {hint}", "Hint:".bold());
    }
    // The verdict again at the end, where a long report leaves the reader.
    if !s.tables.is_empty() {
        let _ = writeln!(out, "{}", verdict(report));
    }
    out
}

/// `Schema Quality Score: 71/100 (C-) · gate: fails (…)`.
fn verdict(report: &Report) -> String {
    let s = report.scorecard;
    let mut reasons: Vec<String> = report
        .gate()
        .into_iter()
        .map(|failure| match failure {
            crate::grade::GateFailure::Findings { threshold, count } => format!(
                "{} at or above --fail-on {threshold}",
                plural(count, "finding")
            ),
            crate::grade::GateFailure::Grade { required, .. } => {
                format!("grade below --min-grade {required}")
            }
        })
        .collect();
    let input_errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::source::DiagnosticLevel::Error)
        .count();
    if input_errors > 0 {
        reasons.push(format!(
            "{} in the input (exit 2)",
            plural(input_errors, "error")
        ));
    }
    let gate = if report.writing_baseline && input_errors == 0 {
        "not judged (--write-baseline)".to_string()
    } else if reasons.is_empty() {
        "passes".to_string()
    } else {
        format!("fails: {}", reasons.join("; "))
    };
    let line = format!(
        "Schema Quality Score: {}/100 ({}) · gate {gate}",
        s.overall, s.grade
    );
    grade_colored(s.grade, line).to_string()
}
