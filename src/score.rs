//! The scorecard: per-category scores, an overall score and grade, and a status per
//! table. `dblint explain scoring` prints [`SCORING_DOCS`] with the packs' weights
//! filled in (`crate::docs::scoring`); keep the formula text in step with the code.

use crate::finding::{Finding, Severity};
use crate::model::{Database, QualifiedName};
use crate::packs::Pack;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCORING_DOCS: &str = r#"# How dblint scores a schema

Every selected rule pack of non-zero weight is a scorecard category.

## Category score (0-100)

    N        = number of tables (partitions count through their parent), at least 1
    a_sev    = tables whose worst finding in the category has that severity
    penalty  = 100 × (1.0 × a_error + 0.5 × a_warning + 0.1 × a_info) / N, at most 100
    score    = 100 − penalty, rounded, then capped:
               at most 69 if the category has an error,
               at most 89 if it has a warning,
               at most 96 if it has an info finding.

So the score falls with the share of tables affected, weighted by severity, and one
finding is enough to lose the top grade: an error can never look like a B.

## Overall score

    mean    = {weights}
    lowest  = the lowest score among the risk categories
    overall = 0.6 × mean + 0.4 × lowest, rounded,
              at most 79 (C+) when any error finding exists,
              and at most 96 (A) when any warning does.

The lowest category weighs in because a schema is as weak as its weakest area:
excellent naming does not make up for cascades that erase the audit trail. An error
is something that fails at runtime or loses data; a schema with one does not get an
A or a B; an A+ means nothing is left to fix but notes. A schema with no findings
scores 100.

## Risk before style

A grade should rank what can hurt: data lost or corrupted, statements that fail in
production, outages from locks and scans, integrity holes. Conventions matter less,
and an ORM's conventions (Prisma's and Rails' `timestamp(3)` without time zone,
quoted camelCase names) would otherwise fill the scorecard with hundreds of findings
the team cannot act on one by one. So:

- Hygiene categories ({hygiene}) have low weights, count in the mean only, and are
  never the weakest-area term, however many findings they hold: a Prisma schema with
  every timestamp naive shows F in Data types, but its grade is set by its indexes,
  keys and cascades.
- Their rules' severities say what they are: `unbounded-varchar` is info (PostgreSQL
  documents `character varying` without a length as text's equal, "8.3. Character
  Types"), `mixed-case-identifier` is info and skips tables an ORM names itself
  (Prisma's implicit many-to-many `_AToB`). `timestamp-without-tz` stays a warning:
  the same value means different instants to sessions with different `TimeZone`.
- Rules about keys that run out (`sequence-exhaustion`) are graded with primary
  keys, not with types: an exhausted sequence stops every insert.

## Hazards

Some findings are facts that predict an outage or data loss. Each holds the overall
score at or below a ceiling, however clean the rest of the schema is, and the
scorecard names the one that does:

    lock of SHARE mode or stronger held by an idle session or prepared
      transaction on a table in use (its writes wait now)                 45  F
    sequence past 90 % of its column's range (inserts stop soon)         49  F
    sequence past the rule's threshold (75 %)                            62  D-
    unique index left invalid (duplicates accepted, ON CONFLICT fails)   62  D-
    unindexed foreign key on a table of 1M+ rows, ON DELETE CASCADE /
      SET NULL / SET DEFAULT (each parent delete scans it under lock)     66  D
    weaker lock held by an idle session or prepared transaction on a
      table in use (the next schema change of the table waits, and
      every query on it queues behind that change)                       69  D+
    unindexed foreign key on a table of 1M+ rows without a cascading
      action (each parent delete still scans it)                         72  C-
    cascade that erases audit, history or payment records, or rows
      other people created (cascade-into-audit, cascade-on-actor)        79  C+

Row counts and locks come from a live server (`dblint inspect`); from SQL alone,
table sizes are unknown and only the last line applies. Locks are not a scorecard
category (what a session holds now is not the schema): they count here only. So a
live sequence at 93 % or an invalid unique index moves the grade further than any
amount of hygiene or style.

## Grades

    A+ ≥ 97   A ≥ 93   A- ≥ 90
    B+ ≥ 87   B ≥ 83   B- ≥ 80
    C+ ≥ 77   C ≥ 73   C- ≥ 70
    D+ ≥ 67   D ≥ 63   D- ≥ 60
    F  < 60

## Table status

✅ no findings, ⚠️ warnings or info only, ❌ at least one error; with counts.

The computation is deterministic: the same schema and settings always give the same
numbers. `--min-grade B` fails the run when the overall grade is below B.
"#;

/// A letter grade; serialized as written (`"C+"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    F,
    DMinus,
    D,
    DPlus,
    CMinus,
    C,
    CPlus,
    BMinus,
    B,
    BPlus,
    AMinus,
    A,
    APlus,
}

const BANDS: &[(u32, Grade, &str)] = &[
    (97, Grade::APlus, "A+"),
    (93, Grade::A, "A"),
    (90, Grade::AMinus, "A-"),
    (87, Grade::BPlus, "B+"),
    (83, Grade::B, "B"),
    (80, Grade::BMinus, "B-"),
    (77, Grade::CPlus, "C+"),
    (73, Grade::C, "C"),
    (70, Grade::CMinus, "C-"),
    (67, Grade::DPlus, "D+"),
    (63, Grade::D, "D"),
    (60, Grade::DMinus, "D-"),
    (0, Grade::F, "F"),
];

impl Grade {
    pub fn from_score(score: u32) -> Grade {
        BANDS
            .iter()
            .find(|(min, _, _)| score >= *min)
            .map(|(_, g, _)| *g)
            .unwrap_or(Grade::F)
    }

    pub fn as_str(self) -> &'static str {
        BANDS
            .iter()
            .find(|(_, g, _)| *g == self)
            .map(|(_, _, s)| *s)
            .unwrap_or("F")
    }

    pub fn parse(s: &str) -> Option<Grade> {
        let upper = s.trim().to_ascii_uppercase();
        BANDS
            .iter()
            .find(|(_, _, name)| *name == upper)
            .map(|(_, g, _)| *g)
    }
}

impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryScore {
    pub name: String,
    pub score: u32,
    pub grade: Grade,
    pub weight: u32,
    /// A hygiene category: in the mean, never the weakest-area term.
    pub hygiene: bool,
    pub findings: Counts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableState {
    Error,
    Warning,
    Ok,
}

impl TableState {
    /// The name the JSON report gives it (`error`, `warning`, `ok`).
    pub fn as_str(self) -> &'static str {
        match self {
            TableState::Error => "error",
            TableState::Warning => "warning",
            TableState::Ok => "ok",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TableStatus {
    pub table: QualifiedName,
    pub status: TableState,
    pub findings: Counts,
}

/// The hazard that holds the overall score down (the lowest ceiling below what the
/// formula gives).
#[derive(Debug, Clone, Serialize)]
pub struct HeldBy {
    /// `an outage` or `data loss`.
    pub hazard: &'static str,
    pub ceiling: u32,
    /// The finding's fingerprint and message.
    pub fingerprint: String,
    pub message: String,
    /// How many findings carry a hazard.
    pub hazards: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub overall: u32,
    pub grade: Grade,
    /// Set when a hazard holds `overall` below what the categories give.
    pub held_by: Option<HeldBy>,
    pub categories: Vec<CategoryScore>,
    pub tables: Vec<TableStatus>,
    /// The graded findings by severity: the sums of the categories' counts
    /// (migration findings are not graded and not counted here).
    pub totals: Counts,
}

/// Hazard ceilings (`dblint explain scoring`, "Hazards"): the highest overall score a
/// schema with the fact can have. A sequence past 90 % of its range: inserts stop
/// soon (F).
pub const CEILING_SEQUENCE_NEAR_END: u32 = 49;
/// A lock of SHARE mode or stronger, held by an idle session or a prepared
/// transaction on a table in use: its writes wait now (F).
pub const CEILING_IDLE_LOCK_BLOCKS_WRITES: u32 = 45;
/// A weaker lock held the same way: the next schema change of the table waits, and
/// every query on it queues behind that change (D+).
pub const CEILING_IDLE_LOCK: u32 = 69;
/// A sequence past the rule's threshold (75 % by default): D-.
pub const CEILING_SEQUENCE_FILLING: u32 = 62;
/// A unique index left invalid: duplicates are accepted and `ON CONFLICT` on its
/// columns fails (D-).
pub const CEILING_INVALID_UNIQUE_INDEX: u32 = 62;
/// An unindexed foreign key whose child table holds at least
/// [`LARGE_TABLE_ROWS`] rows, under ON DELETE CASCADE / SET NULL / SET DEFAULT: each
/// parent delete scans it under lock and writes the rows it finds (D).
pub const CEILING_UNINDEXED_CASCADE_LARGE: u32 = 66;
/// The same without a cascading action: each parent delete still scans the child
/// to check it (C-).
pub const CEILING_UNINDEXED_FK_LARGE: u32 = 72;
/// A cascade that erases records other people rely on (audit, history, payments;
/// rows another user created): C+, as an error would.
pub const CEILING_CASCADE_DATA_LOSS: u32 = 79;
/// Rows (the planner's estimate, live only) from which a table is large.
pub const LARGE_TABLE_ROWS: f64 = 1_000_000.0;

/// Share of the weighted category mean in the overall score; the rest is the lowest
/// category's score.
const MEAN_SHARE: f64 = 0.6;

/// Highest overall score while any error finding exists.
const OVERALL_CAP_WITH_ERRORS: u32 = 79;

/// Highest overall score while any warning exists: A, not A+.
const OVERALL_CAP_WITH_WARNINGS: u32 = 96;

fn cap_for(worst: Option<Severity>) -> u32 {
    match worst {
        Some(Severity::Error) => 69,
        Some(Severity::Warning) => 89,
        Some(Severity::Info) => 96,
        None => 100,
    }
}

/// Score `findings` on `db`, one category per pack of non-zero weight, in order.
pub fn score(db: &Database, packs: &[&Pack], findings: &[Finding]) -> Scorecard {
    let table_count = db
        .tables
        .values()
        .filter(|t| !t.is_partition())
        .count()
        .max(1) as f64;
    // Packs of weight 0 (migration safety, locks) gate CI but are not scorecard
    // categories: a schema's grade describes the schema, not how a migration reached
    // it or what a session holds now. Their hazards still hold the grade down.
    let all_findings = findings;
    let scored: Vec<&str> = packs
        .iter()
        .filter(|p| p.weight > 0)
        .map(|p| p.category.as_str())
        .collect();
    let findings: Vec<Finding> = findings
        .iter()
        .filter(|f| scored.contains(&f.category.as_str()))
        .cloned()
        .collect();
    let findings = findings.as_slice();
    let mut categories = Vec::new();
    for pack in packs.iter().filter(|p| p.weight > 0) {
        let in_category: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.category == pack.category)
            .collect();
        let mut worst_per_table: BTreeMap<Option<&QualifiedName>, Severity> = BTreeMap::new();
        let mut counts = Counts::default();
        for f in &in_category {
            counts.add(f.severity);
            let w = worst_per_table
                .entry(f.table.as_ref())
                .or_insert(f.severity);
            *w = (*w).max(f.severity);
        }
        let weighted: f64 = worst_per_table
            .values()
            .map(|s| match s {
                Severity::Error => 1.0,
                Severity::Warning => 0.5,
                Severity::Info => 0.1,
            })
            .sum();
        let penalty = (100.0 * weighted / table_count).min(100.0);
        let worst = in_category.iter().map(|f| f.severity).max();
        let score = ((100.0 - penalty).round() as u32).min(cap_for(worst));
        categories.push(CategoryScore {
            name: pack.category.clone(),
            score,
            grade: Grade::from_score(score),
            weight: pack.weight,
            hygiene: pack.hygiene,
            findings: counts,
        });
    }
    let total_weight: u32 = categories.iter().map(|c| c.weight).sum();
    let mut overall = if total_weight == 0 {
        100
    } else {
        let sum: u32 = categories.iter().map(|c| c.score * c.weight).sum();
        let mean = sum as f64 / total_weight as f64;
        // The weakest area among the risk categories; hygiene ones count in the mean
        // only (see "Risk before style" in SCORING_DOCS).
        let lowest = categories
            .iter()
            .filter(|c| !c.hygiene)
            .map(|c| c.score)
            .min()
            .or_else(|| categories.iter().map(|c| c.score).min())
            .unwrap_or(100) as f64;
        (MEAN_SHARE * mean + (1.0 - MEAN_SHARE) * lowest).round() as u32
    };
    let mut totals = Counts::default();
    for f in findings {
        totals.add(f.severity);
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        overall = overall.min(OVERALL_CAP_WITH_ERRORS);
    }
    if findings.iter().any(|f| f.severity == Severity::Warning) {
        overall = overall.min(OVERALL_CAP_WITH_WARNINGS);
    }
    // Hazards: facts that predict an outage or data loss hold the score down however
    // clean the rest is, whatever their pack weighs.
    let hazardous: Vec<&Finding> = all_findings.iter().filter(|f| f.hazard.is_some()).collect();
    let held_by = hazardous
        .iter()
        .min_by_key(|f| f.hazard.map(|h| h.ceiling))
        .and_then(|f| {
            let hazard = f.hazard?;
            (hazard.ceiling < overall).then(|| HeldBy {
                hazard: hazard.kind.as_str(),
                ceiling: hazard.ceiling,
                fingerprint: f.fingerprint(),
                message: f.message.clone(),
                hazards: hazardous.len(),
            })
        });
    if let Some(held) = &held_by {
        overall = held.ceiling;
    }

    let mut per_table: BTreeMap<&QualifiedName, Counts> = BTreeMap::new();
    for t in db.tables.values().filter(|t| !t.is_partition()) {
        per_table.insert(&t.name, Counts::default());
    }
    let tables = statuses(per_table, findings);
    Scorecard {
        overall,
        grade: Grade::from_score(overall),
        held_by,
        categories,
        tables,
        totals,
    }
}

/// The status of every table `findings` are on, worst first.
pub fn table_statuses(findings: &[Finding]) -> Vec<TableStatus> {
    statuses(BTreeMap::new(), findings)
}

/// `per_table` (the tables to list) with `findings` counted in, worst first.
fn statuses<'a>(
    mut per_table: BTreeMap<&'a QualifiedName, Counts>,
    findings: &'a [Finding],
) -> Vec<TableStatus> {
    for f in findings {
        if let Some(t) = &f.table {
            per_table.entry(t).or_default().add(f.severity);
        }
    }
    let mut tables: Vec<TableStatus> = per_table
        .into_iter()
        .map(|(table, findings)| TableStatus {
            table: table.clone(),
            status: if findings.error > 0 {
                TableState::Error
            } else if findings.total() > 0 {
                TableState::Warning
            } else {
                TableState::Ok
            },
            findings,
        })
        .collect();
    tables.sort_by(|a, b| a.status.cmp(&b.status).then_with(|| a.table.cmp(&b.table)));
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_bands() {
        assert_eq!(Grade::from_score(100), Grade::APlus);
        assert_eq!(Grade::from_score(97), Grade::APlus);
        assert_eq!(Grade::from_score(96), Grade::A);
        assert_eq!(Grade::from_score(89), Grade::BPlus);
        assert_eq!(Grade::from_score(59), Grade::F);
        assert_eq!(Grade::parse("b-"), Some(Grade::BMinus));
        assert!(Grade::A > Grade::B);
    }
}
