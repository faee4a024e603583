//! Suppression, one step after the rules (as ruff's `noqa` is): `ignore` globs of the
//! configuration (global and per rule), `-- dblint-ignore` comments in SQL, and the
//! baseline. Rules never see any of it.

use crate::baseline::BaselineSummary;
use crate::finding::Finding;
use crate::inline_ignores::InlineIgnore;
use crate::settings::{check_glob, ConfigError, Settings};
use crate::source::Diagnostic;
use globset::{GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};

/// Everything that can suppress a finding, except the baseline (applied last, after
/// scoring: the grade counts baselined findings, the gate does not).
#[derive(Default)]
pub struct Suppressions {
    global: Option<GlobSet>,
    per_rule: BTreeMap<String, GlobSet>,
    inline: Vec<InlineIgnore>,
}

fn glob_set(globs: &[String]) -> Result<Option<GlobSet>, ConfigError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        builder.add(check_glob(g).map_err(ConfigError)?);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| ConfigError(e.to_string()))
}

/// The paths a finding can be ignored by: `schema.table`, `schema.table.object`,
/// `schema.table.column`.
fn paths(finding: &Finding) -> Vec<String> {
    let Some(table) = &finding.table else {
        return Vec::new();
    };
    let base = table.to_string();
    let mut out = vec![base.clone()];
    if let Some(o) = &finding.object {
        out.push(format!("{base}.{o}"));
    }
    out.extend(finding.columns.iter().map(|c| format!("{base}.{c}")));
    out
}

impl Suppressions {
    /// The configuration's `ignore` globs (global and `[rules.<id>] ignore`).
    pub fn from_settings(settings: &Settings) -> Result<Suppressions, ConfigError> {
        let mut per_rule = BTreeMap::new();
        for (id, rule) in &settings.rules {
            if let Some(set) = glob_set(&rule.ignore)? {
                per_rule.insert(id.clone(), set);
            }
        }
        Ok(Suppressions {
            global: glob_set(&settings.ignore)?,
            per_rule,
            inline: Vec::new(),
        })
    }

    /// Add the `-- dblint-ignore` comments of the replayed files.
    pub fn with_inline(mut self, inline: Vec<InlineIgnore>) -> Suppressions {
        self.inline = inline;
        self
    }

    fn ignored_by_config(&self, finding: &Finding) -> bool {
        let sets = [self.global.as_ref(), self.per_rule.get(finding.rule)];
        let paths = paths(finding);
        sets.into_iter()
            .flatten()
            .any(|set| paths.iter().any(|p| set.is_match(p)))
    }

    /// The findings no glob or comment suppresses, and how many were suppressed.
    pub fn apply(&mut self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.ignored_by_config(f))
            .collect();
        let by_config = before - kept.len();
        let (kept, by_comment) = crate::inline_ignores::apply(&mut self.inline, kept);
        (kept, by_config + by_comment)
    }

    /// `unused-ignore` warnings for comments that suppressed nothing (after `apply`).
    pub fn unused(&self) -> Vec<Diagnostic> {
        crate::inline_ignores::unused(&self.inline)
    }
}

/// The baseline step: findings not in the baseline, and what it covered and what was
/// fixed since.
pub fn against_baseline(
    findings: Vec<Finding>,
    known: &BTreeSet<String>,
) -> (Vec<Finding>, BaselineSummary) {
    crate::baseline::apply(findings, known)
}
