//! Grading, the one function `lint` and `inspect` share: suppress, then score. What
//! each command adds is only how it gathers the model and the findings.

use crate::engine::{settle, Plan};
use crate::finding::{Finding, Severity};
use crate::model::Database;
use crate::score::{Grade, Scorecard};
use crate::suppress::Suppressions;

/// Findings that survived suppression, and the scorecard they give.
pub struct Graded {
    pub findings: Vec<Finding>,
    /// How many findings globs and comments suppressed.
    pub suppressed: usize,
    pub scorecard: Scorecard,
}

/// Suppress, settle (deterministic order, no repeats) and score.
pub fn grade(
    db: &Database,
    plan: &Plan,
    findings: Vec<Finding>,
    suppressions: &mut Suppressions,
) -> Graded {
    let (mut findings, suppressed) = suppressions.apply(findings);
    settle(&mut findings);
    let scorecard = crate::score::score(db, &plan.packs, &findings);
    Graded {
        findings,
        suppressed,
        scorecard,
    }
}

/// Why a run fails the gate, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateFailure {
    /// `count` findings at or above `fail_on` (`threshold`).
    Findings { threshold: Severity, count: usize },
    /// The grade is below `min_grade`.
    Grade { grade: Grade, required: Grade },
}

/// The gate: findings at or above `fail_on`, or a grade below `min_grade`. The exit
/// code and the report's closing verdict both come from here. When a change is
/// judged against its base (`base_grade`: the base's grade), the grade fails only if
/// it is below `min_grade` and the change lowered it: a pull request does not fail
/// for a grade its base already had.
pub fn gate(
    fail_on: Option<Severity>,
    min_grade: Option<Grade>,
    findings: &[Finding],
    grade: Grade,
    base_grade: Option<Grade>,
) -> Vec<GateFailure> {
    let mut out = Vec::new();
    if let Some(threshold) = fail_on {
        let count = findings.iter().filter(|f| f.severity >= threshold).count();
        if count > 0 {
            out.push(GateFailure::Findings { threshold, count });
        }
    }
    let lowered = base_grade.is_none_or(|base| grade < base);
    if let Some(required) = min_grade.filter(|min| grade < *min && lowered) {
        out.push(GateFailure::Grade { grade, required });
    }
    out
}
