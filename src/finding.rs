//! A finding: one problem with one object, with a stable identity.

use crate::model::{Location, QualifiedName};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    /// Set by the engine from the rule's pack and the configuration.
    pub severity: Severity,
    /// Scorecard category, set by the engine from the rule's pack.
    pub category: String,
    pub table: Option<QualifiedName>,
    pub columns: Vec<String>,
    /// Constraint, index or other object name, when the finding is about one.
    pub object: Option<String>,
    pub message: String,
    /// What to do, as SQL that runs on PostgreSQL: statements, each runnable alone in
    /// autocommit mode, with `--` comment lines where a step needs saying. Never only
    /// comments: advice with no statement goes in [`Finding::help`].
    pub fix: Option<String>,
    /// What to do when no statement can be given without knowing the data or the
    /// application (which value to keep unique, what to rename a column to): prose.
    pub help: Option<String>,
    /// For a Prisma schema source: the same fix in Prisma's own terms (the edited
    /// `schema.prisma` line, or the steps to a migration Prisma cannot write), shown in
    /// place of [`Finding::fix`] by the human formats (`source::prisma::fixes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prisma_fix: Option<String>,
    pub location: Option<Location>,
    /// Live only: the planner's row estimate for the table, used to rank fixes (a
    /// missing index on a 10-million-row table comes before one on an empty table).
    pub table_rows: Option<f64>,
    /// Set by the rule for a lesser form of its defect (an index that serves a foreign
    /// key only partly, a reference guessed from a name): the engine then reports it
    /// at `info`, whatever severity the pack or the configuration give the rule. When
    /// the rule can also report the full defect on the same object, the lesser one
    /// gets an object of its own (a fingerprint of its own), so a baseline or an
    /// ignore of one does not hide the other.
    #[serde(skip)]
    pub downgraded: bool,
    /// Set by the rule when the finding is a fact that predicts an outage or data
    /// loss: it holds the overall score at or below the hazard's ceiling, however
    /// clean the rest of the schema is (`dblint explain scoring`, "Hazards").
    #[serde(skip)]
    pub hazard: Option<Hazard>,
    /// What a migration finding says its statement does on PostgreSQL, in a form
    /// `dblint trace` can check (tests/trace_differential.rs compares every claim of
    /// every fixture statement with what the server did, on 12 to 18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
}

/// A migration finding's checkable claim about its statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The table the claim is about (`schema.name`).
    pub table: String,
    /// The lock mode the finding says the statement takes on it, as `dblint trace`
    /// names modes (`AccessExclusive`).
    pub lock: Option<String>,
    /// The statement reads every row of the table (a scan, a validation, an index
    /// build).
    pub scan: bool,
    /// The statement rewrites the table.
    pub rewrite: bool,
    /// PostgreSQL refuses the statement where the migration runs it.
    pub refused: bool,
    /// PostgreSQL refuses the statement once the table has rows (a NOT NULL column
    /// existing rows cannot fill).
    pub refused_with_rows: bool,
}

/// What a finding predicts, and how far it holds the grade down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hazard {
    pub kind: HazardKind,
    /// The highest overall score a schema with this fact can have.
    pub ceiling: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardKind {
    /// Statements will fail or wait: inserts when a sequence runs out, upserts
    /// without their arbiter index, deletes that scan a large table under lock.
    Outage,
    /// Rows will be lost or corrupted: duplicates past an invalid unique index,
    /// cascades that erase records other people rely on.
    DataLoss,
}

impl HazardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::Outage => "an outage",
            HazardKind::DataLoss => "data loss",
        }
    }
}

impl Finding {
    pub fn new(rule: &'static str, table: &QualifiedName, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: Severity::Warning,
            category: String::new(),
            table: Some(table.clone()),
            columns: Vec::new(),
            object: None,
            message: message.into(),
            fix: None,
            help: None,
            prisma_fix: None,
            location: None,
            table_rows: None,
            downgraded: false,
            hazard: None,
            claim: None,
        }
    }

    /// A finding about a migration file as a whole (its transaction structure), not
    /// about a relation: identified by its object alone.
    pub fn about_file(rule: &'static str, message: impl Into<String>) -> Self {
        Finding {
            table: None,
            ..Finding::new(rule, &QualifiedName::new("", ""), message)
        }
    }

    pub fn columns<S: AsRef<str>>(mut self, columns: &[S]) -> Self {
        self.columns = columns.iter().map(|c| c.as_ref().to_string()).collect();
        self
    }

    pub fn object(mut self, object: impl AsRef<str>) -> Self {
        self.object = Some(object.as_ref().to_string());
        self
    }

    /// The fix as the human formats show it: the Prisma form for a Prisma source
    /// ([`Finding::prisma_fix`]), else the SQL.
    pub fn shown_fix(&self) -> Option<&str> {
        self.prisma_fix.as_deref().or(self.fix.as_deref())
    }

    /// A fix: SQL with at least one statement (see [`Finding::fix`]).
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        let fix = fix.into();
        debug_assert!(
            has_statement(&fix),
            "a fix without a statement is advice: use Finding::help ({fix})"
        );
        self.fix = Some(fix);
        self
    }

    /// Advice in prose, for a finding no statement can fix (see [`Finding::help`]).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The outage or data loss this finding predicts (see [`Finding::hazard`]).
    pub fn hazard(mut self, kind: HazardKind, ceiling: u32) -> Self {
        self.hazard = Some(Hazard { kind, ceiling });
        self
    }

    /// The claim, started on the finding's table if there is none yet.
    fn claim_mut(&mut self) -> &mut Claim {
        let table = self
            .table
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default();
        self.claim.get_or_insert_with(|| Claim {
            table,
            ..Claim::default()
        })
    }

    /// Claim that the statement reads every row of the finding's table.
    pub fn claims_scan(mut self) -> Self {
        self.claim_mut().scan = true;
        self
    }

    /// Claim that the statement rewrites the finding's table.
    pub fn claims_rewrite(mut self) -> Self {
        self.claim_mut().rewrite = true;
        self
    }

    /// Claim that PostgreSQL refuses the statement where it runs.
    pub fn claims_refusal(mut self) -> Self {
        self.claim_mut().refused = true;
        self
    }

    /// Claim that PostgreSQL refuses the statement once the table has rows.
    pub fn claims_refusal_with_rows(mut self) -> Self {
        self.claim_mut().refused_with_rows = true;
        self
    }

    /// Claim the lock mode (`dblint trace`'s name for it) and the work the statement
    /// does on `table`.
    pub fn claims_effect(mut self, table: &str, lock: &str, scan: bool, rewrite: bool) -> Self {
        let claim = self.claim_mut();
        claim.table = table.to_string();
        claim.lock = Some(lock.to_string());
        claim.scan |= scan;
        claim.rewrite |= rewrite;
        self
    }

    /// Report at `info` (see [`Finding::downgraded`]).
    pub fn downgraded(mut self) -> Self {
        self.downgraded = true;
        self
    }

    pub fn location(mut self, location: Option<&Location>) -> Self {
        self.location = location.cloned();
        self
    }

    /// The object the finding is about, as a path: `schema.table`, then the object
    /// name or the column list. Never a line number, so it survives edits.
    pub fn object_path(&self) -> String {
        let mut path = self
            .table
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default();
        if let Some(object) = &self.object {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(object);
        } else if !self.columns.is_empty() {
            path.push_str(&format!("({})", self.columns.join(",")));
        }
        path
    }

    /// Stable identity: rule id + object path.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}", self.rule, self.object_path())
    }
}

/// Whether SQL text has a line that is neither blank nor a `--` comment: a statement
/// to run, where a [`Finding::fix`] must have one.
pub fn has_statement(sql: &str) -> bool {
    sql.lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
}
