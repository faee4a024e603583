//! Printers. Every format consumes the same [`Report`]; adding a format touches one
//! file here and the `Format` enum.

pub mod fingerprint;
pub mod github;
pub mod gitlab;
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
                .and_then(|f| f.fix.clone()),
            weight: fs.iter().map(|f| finding_weight(f)).sum(),
        })
        .collect();
    // Errors first (they fail at runtime or lose data), then by how much they touch,
    // weighing big tables more when a live server gave their size.
    recs.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
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
