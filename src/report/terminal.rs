//! The human scorecard, for terminals. Colour is decided once per stream by the
//! caller (`colored::control`); tables are plain so widths stay right.

use super::{grouped, recommendations, Report};
use crate::finding::Severity;
use crate::score::{Grade, TableState};
use colored::Colorize;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};
use std::fmt::Write;

/// Tables without findings are listed by name up to this many.
const CLEAN_TABLES_LISTED: usize = 30;

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

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = report.scorecard;
    let _ = writeln!(out, "{} {}", "dblint".bold(), report.source);
    match report.stats {
        Some(stats) => {
            let _ = writeln!(
                out,
                "{} replayed, {} ({} tables)",
                plural(stats.files, "file"),
                plural(stats.statements, "statement"),
                s.tables.len()
            );
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
    let _ = writeln!(out);
    let headline = if s.tables.is_empty() {
        "Schema Quality Score: none (no tables: nothing to grade)".to_string()
    } else {
        format!("Schema Quality Score: {}/100 ({})", s.overall, s.grade)
    };
    let _ = writeln!(out, "  {}", grade_colored(s.grade, headline));
    let _ = writeln!(
        out,
        "  {}, {}, {}{}",
        plural(s.totals.error, "error"),
        plural(s.totals.warning, "warning"),
        plural(s.totals.info, "info finding"),
        if report.suppressed > 0 {
            format!(" ({} suppressed by ignores)", report.suppressed)
        } else {
            String::new()
        }
    );
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
            c.name.clone(),
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
    let _ = writeln!(out, "{categories}\n");

    // Per-table status: tables with findings in a table, clean ones summarised.
    let flagged: Vec<_> = s
        .tables
        .iter()
        .filter(|t| t.status != TableState::Ok)
        .collect();
    let clean: Vec<_> = s
        .tables
        .iter()
        .filter(|t| t.status == TableState::Ok)
        .collect();
    let _ = writeln!(out, "{}", "Tables".bold());
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
                t.table.to_string(),
                t.findings.error.to_string(),
                t.findings.warning.to_string(),
                t.findings.info.to_string(),
            ]);
        }
        let _ = writeln!(out, "{tables}");
    }
    if !clean.is_empty() {
        let names: Vec<String> = clean
            .iter()
            .take(CLEAN_TABLES_LISTED)
            .map(|t| t.table.to_string())
            .collect();
        let more = clean.len().saturating_sub(CLEAN_TABLES_LISTED);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "✅ {} without findings: {}{tail}",
            plural(clean.len(), "table"),
            names.join(", ")
        );
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
                for f in fs {
                    let size = f
                        .table_rows
                        .filter(|r| *r >= 1.0)
                        .map(|r| format!(" (~{} rows)", human_count(r)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "    • {}{size}", f.message);
                    if let Some(loc) = &f.location {
                        let _ = writeln!(out, "      {}", format!("at {loc}").dimmed());
                    }
                    if let Some(fix) = &f.fix {
                        for (i, line) in fix.lines().enumerate() {
                            let prefix = if i == 0 { "fix: " } else { "     " };
                            let _ = writeln!(out, "      {}{}", prefix.dimmed(), line.cyan());
                        }
                    }
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
    out
}
