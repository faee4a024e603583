use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ConstraintSpec, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD CONSTRAINT ... FOREIGN KEY` / `CHECK`, and `ADD COLUMN ...
    /// REFERENCES`, on a table that existed before this migration, without `NOT VALID`.
    ///
    /// ## Why is this bad?
    /// Adding the constraint checks every existing row while holding the lock: SHARE
    /// ROW EXCLUSIVE on both tables for a foreign key, ACCESS EXCLUSIVE for a CHECK.
    /// Writes (or everything) stop for as long as the scan takes.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// ```
    ///
    /// ## Fix
    /// Add it without checking old rows (a brief lock), then validate, which only
    /// takes SHARE UPDATE EXCLUSIVE, in a separate transaction:
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    /// -- next migration / transaction:
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// ```
    ConstraintNotValid { id: "constraint-not-valid", summary: "FOREIGN KEY / CHECK added without NOT VALID scans under lock", evidence: Behaviour, kind: Migration }
}

impl Rule for ConstraintNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut report = |spec: &ConstraintSpec, via_column: Option<&str>| {
            let (kind, name, lock) = match spec {
                ConstraintSpec::ForeignKey(fk) if !fk.not_valid => (
                    "FOREIGN KEY",
                    fk.name.clone(),
                    "SHARE ROW EXCLUSIVE on both tables (blocks writes)",
                ),
                ConstraintSpec::Check {
                    name,
                    not_valid: false,
                    ..
                } => (
                    "CHECK",
                    name.clone(),
                    "ACCESS EXCLUSIVE (blocks every read and write)",
                ),
                _ => return,
            };
            let name = name.map(|n| n.to_string()).unwrap_or_else(|| {
                // PostgreSQL's own default names.
                let suffix = if kind == "CHECK" { "check" } else { "fkey" };
                match via_column {
                    Some(column) => format!("{}_{column}_{suffix}", q.name),
                    None => format!("{}_{suffix}", q.name),
                }
            });
            let fix = if let Some(column) = via_column {
                format!(
                    "-- add {column} without the inline constraint, then:\nALTER TABLE {t} ADD CONSTRAINT {n} {kind} (...) NOT VALID;\n-- then, in a separate transaction:\nALTER TABLE {t} VALIDATE CONSTRAINT {n};",
                    t = q.sql(),
                    n = quote_ident(&name)
                )
            } else {
                format!(
                    "{} NOT VALID;\n-- then, in a separate transaction:\nALTER TABLE {} VALIDATE CONSTRAINT {};",
                    ctx.event.sql.trim_end_matches(';'),
                    q.sql(),
                    quote_ident(&name)
                )
            };
            out.push(finding(
                ctx,
                &q,
                &name,
                format!(
                    "adding {kind} {name} checks every existing row of {q} while holding {lock}"
                ),
                fix,
            ));
        };
        for action in actions {
            match action {
                TableAction::AddConstraint(spec) => report(spec, None),
                TableAction::AddColumn { column, .. } => {
                    for spec in &column.constraints {
                        report(spec, Some(&column.column.name));
                    }
                }
                _ => {}
            }
        }
        out
    }
}
