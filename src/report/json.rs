//! `--format json`: one document, deterministic order, streamed to the writer (no
//! intermediate tree, so memory stays proportional to the findings themselves).

use super::Report;
use crate::finding::{Finding, Severity};
use crate::model::Location;
use crate::score::{Counts, TableState};
use crate::source::Diagnostic;
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    dblint_version: &'static str,
    schema_version: u32,
    source: &'a str,
    score: Score<'a>,
    summary: Summary,
    tables: Vec<TableEntry<'a>>,
    findings: Findings<'a>,
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a crate::baseline::BaselineSummary>,
    /// What migration review covered (`lint`).
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<&'a str>,
    /// Set when the change is judged against its base: `findings` are its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a super::ChangeScope>,
}

#[derive(Serialize)]
struct Score<'a> {
    overall: u32,
    grade: &'static str,
    /// The hazard that holds the score down, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    held_by: Option<&'a crate::score::HeldBy>,
    categories: Vec<Category<'a>>,
}

#[derive(Serialize)]
struct Category<'a> {
    name: &'a str,
    score: u32,
    grade: &'static str,
    weight: u32,
    findings: &'a Counts,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    statements: usize,
    /// Statements the PostgreSQL grammar rejected (exit code 2).
    parse_errors: usize,
    /// Statements that parsed but could not be applied to the model.
    replay_warnings: usize,
    tables: usize,
    /// The findings listed in `findings`, by severity (those the gate judges).
    findings: Counts,
    suppressed: usize,
}

#[derive(Serialize)]
struct TableEntry<'a> {
    table: String,
    status: TableState,
    findings: &'a Counts,
}

/// The findings, written one by one as the document is written (not gathered first:
/// 100,000 tables give half a million findings).
struct Findings<'a>(&'a [Finding]);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(FindingEntry::from))
    }
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    rule: &'static str,
    severity: Severity,
    category: &'a str,
    table: Option<String>,
    columns: &'a [String],
    object: Option<&'a str>,
    message: &'a str,
    fix: Option<&'a str>,
    /// For a Prisma schema source: the fix in Prisma's terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    prisma_fix: Option<&'a str>,
    /// Advice when no statement can fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    location: Option<&'a Location>,
    /// Live only: the table's row estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    table_rows: Option<f64>,
    /// Migration findings: what the finding says its statement does (lock mode,
    /// scan, rewrite, refusal), in the form `dblint trace` checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a crate::finding::Claim>,
    fingerprint: String,
}

impl<'a> From<&'a Finding> for FindingEntry<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingEntry {
            rule: f.rule,
            severity: f.severity,
            category: &f.category,
            table: f.table.as_ref().map(|t| t.to_string()),
            columns: &f.columns,
            object: f.object.as_deref(),
            message: &f.message,
            fix: f.fix.as_deref(),
            prisma_fix: f.prisma_fix.as_deref(),
            help: f.help.as_deref(),
            location: f.location.as_ref(),
            table_rows: f.table_rows,
            claim: f.claim.as_ref(),
            fingerprint: f.fingerprint(),
        }
    }
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let s = report.scorecard;
    let doc = Document {
        dblint_version: env!("CARGO_PKG_VERSION"),
        schema_version: SCHEMA_VERSION,
        source: &report.source,
        score: Score {
            overall: s.overall,
            grade: s.grade.as_str(),
            held_by: s.held_by.as_ref(),
            categories: s
                .categories
                .iter()
                .map(|c| Category {
                    name: &c.name,
                    score: c.score,
                    grade: c.grade.as_str(),
                    weight: c.weight,
                    findings: &c.findings,
                })
                .collect(),
        },
        summary: Summary {
            files: report.stats.map_or(0, |st| st.files),
            statements: report.stats.map_or(0, |st| st.statements),
            parse_errors: report.stats.map_or(0, |st| st.parse_errors),
            replay_warnings: report.stats.map_or(0, |st| st.apply_errors),
            tables: s.tables.len(),
            findings: super::counts(report.findings),
            suppressed: report.suppressed,
        },
        tables: s
            .tables
            .iter()
            .map(|t| TableEntry {
                table: t.table.to_string(),
                status: t.status,
                findings: &t.findings,
            })
            .collect(),
        findings: Findings(report.findings),
        diagnostics: report.diagnostics,
        baseline: report.baseline,
        review: report.review,
        scope: report.scope,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
