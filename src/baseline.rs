//! Baselines: adopt the gate on an existing schema without fixing everything first.
//! `--write-baseline FILE` records today's finding fingerprints (rule + object, never a
//! line); `--baseline FILE` then reports and gates on new findings only, and lists the
//! baselined findings that are gone as fixed. The file is sorted, stable JSON.

use crate::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
pub struct BaselineFile {
    pub dblint_baseline: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub severity: Severity,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct BaselineSummary {
    /// Findings hidden because the baseline already had them.
    pub baselined: usize,
    /// Baselined fingerprints no longer found.
    pub fixed: Vec<String>,
}

/// The baseline file recording `findings`: (number of entries, the file's text).
pub fn render(findings: &[Finding]) -> Result<(usize, String), String> {
    let mut entries: Vec<BaselineEntry> = findings
        .iter()
        .map(|f| BaselineEntry {
            fingerprint: f.fingerprint(),
            rule: f.rule.to_string(),
            severity: f.severity,
        })
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let count = entries.len();
    let file = BaselineFile {
        dblint_baseline: 1,
        findings: entries,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())? + "\n";
    Ok((count, text))
}

pub fn read(path: &Path) -> Result<BTreeSet<String>, String> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read baseline: {e}"))?;
    let file: BaselineFile = serde_json::from_str(crate::encoding::strip_bom(&text))
        .map_err(|e| format!("{shown}:{}: not a dblint baseline: {}", e.line(), e))?;
    if file.dblint_baseline != 1 {
        return Err(format!(
            "{shown}: baseline version {} is not supported",
            file.dblint_baseline
        ));
    }
    Ok(file.findings.into_iter().map(|e| e.fingerprint).collect())
}

/// Split findings into new ones (kept) and baselined ones (dropped).
pub fn apply(
    findings: Vec<Finding>,
    baseline: &BTreeSet<String>,
) -> (Vec<Finding>, BaselineSummary) {
    let current: BTreeSet<String> = findings.iter().map(Finding::fingerprint).collect();
    let (old, new): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| baseline.contains(&f.fingerprint()));
    let fixed = baseline
        .iter()
        .filter(|f| !current.contains(*f))
        .cloned()
        .collect();
    (
        new,
        BaselineSummary {
            baselined: old.len(),
            fixed,
        },
    )
}
