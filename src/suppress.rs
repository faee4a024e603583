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
    global: Option<Globs>,
    per_rule: BTreeMap<String, Globs>,
    inline: Vec<InlineIgnore>,
}

/// Ignore globs, and which of them suppressed something.
struct Globs {
    patterns: Vec<String>,
    set: GlobSet,
    used: Vec<bool>,
}

impl Globs {
    fn new(globs: &[String]) -> Result<Option<Globs>, ConfigError> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            builder.add(check_glob(g).map_err(ConfigError)?);
        }
        let set = builder.build().map_err(|e| ConfigError(e.to_string()))?;
        Ok(Some(Globs {
            patterns: globs.to_vec(),
            set,
            used: vec![false; globs.len()],
        }))
    }

    /// Whether any glob matches any of `paths`; the matching globs count as used.
    fn check(&mut self, paths: &[String]) -> bool {
        let mut hit = false;
        for p in paths {
            for i in self.set.matches(p) {
                self.used[i] = true;
                hit = true;
            }
        }
        hit
    }
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
            if let Some(globs) = Globs::new(&rule.ignore)? {
                per_rule.insert(id.clone(), globs);
            }
        }
        Ok(Suppressions {
            global: Globs::new(&settings.ignore)?,
            per_rule,
            inline: Vec::new(),
        })
    }

    /// Add the `-- dblint-ignore` comments of the replayed files.
    pub fn with_inline(mut self, inline: Vec<InlineIgnore>) -> Suppressions {
        self.inline = inline;
        self
    }

    fn ignored_by_config(&mut self, finding: &Finding) -> bool {
        let paths = paths(finding);
        // Both are checked, so every glob that matches counts as used.
        let global = self.global.as_mut().is_some_and(|g| g.check(&paths));
        let rule = self
            .per_rule
            .get_mut(finding.rule)
            .is_some_and(|g| g.check(&paths));
        global || rule
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

    /// One line per `ignore` glob of the configuration or `--ignore` that suppressed
    /// no finding (after `apply`): a typo, or an ignore left behind.
    pub fn unused_globs(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut report = |globs: &Globs, place: &str| {
            for (pattern, used) in globs.patterns.iter().zip(&globs.used) {
                if !used {
                    out.push(format!(
                        "ignore glob `{pattern}` ({place}) matched no finding; globs match schema.table, schema.table.object or schema.table.column"
                    ));
                }
            }
        };
        if let Some(g) = &self.global {
            report(g, "`ignore` / --ignore");
        }
        for (rule, g) in &self.per_rule {
            report(g, &format!("[rules.{rule}] ignore"));
        }
        out
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
