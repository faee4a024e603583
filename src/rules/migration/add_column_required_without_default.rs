use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD COLUMN ... NOT NULL` without a default on a table that existed before
    /// this migration: NOT NULL of the column's own or of its domain, no default of
    /// its own other than `DEFAULT NULL` (which gives the rows NULL), and, without a
    /// DEFAULT clause, none from its domain ("CREATE DOMAIN": a column of the domain
    /// takes the domain's default).
    ///
    /// ## Why is this bad?
    /// Existing rows would get NULL in a NOT NULL column, so the statement fails on any
    /// table that has rows: it passes in development on an empty database and breaks
    /// the production deploy.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN currency text NOT NULL;
    /// ```
    ///
    /// ## Fix
    /// Add it nullable (or with a constant default), backfill, then enforce:
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN currency text;
    /// UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;  -- in batches
    /// ALTER TABLE orders ADD CONSTRAINT orders_currency_not_null CHECK (currency IS NOT NULL) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_currency_not_null;
    /// ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;
    /// ```
    AddColumnRequiredWithoutDefault { id: "add-column-required-without-default", summary: "ADD COLUMN NOT NULL without a default fails on existing rows", evidence: Behaviour, kind: Migration }
}

impl Rule for AddColumnRequiredWithoutDefault {
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
        for action in actions {
            let TableAction::AddColumn { column, .. } = action else {
                continue;
            };
            let c = &column.column;
            // The model says whether existing rows can fill it.
            if !crate::source::sql::refusal::unfillable_column(ctx.event.db, c) {
                continue;
            }
            let imposed = if c.not_null {
                "NOT NULL".to_string()
            } else {
                format!("NOT NULL by its domain {}", c.data_type)
            };
            let default = if c.default.is_some() {
                "with DEFAULT NULL, which is no default"
            } else {
                "without a default"
            };
            let col = quote_ident(&c.name);
            let t = q.sql();
            let fix = if c.not_null {
                // What runs now; the rest waits for the rows to be filled, which
                // only the team knows how to do.
                format!(
                    "ALTER TABLE {t} ADD COLUMN {col} {ty};\n-- fill it for the existing rows (in batches), then, each in a migration of its own:\n-- ALTER TABLE {t} ADD CONSTRAINT {chk} CHECK ({col} IS NOT NULL) NOT VALID;\n-- ALTER TABLE {t} VALIDATE CONSTRAINT {chk};\n-- ALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL;  -- proven by the valid CHECK: no scan",
                    ty = c.data_type.sql(),
                    chk = quote_ident(&format!("{}_{}_not_null", q.name, c.name))
                )
            } else {
                // The domain's NOT NULL cannot be added later: add the column as the
                // domain's base type, fill it, then make it the domain (which checks
                // every row).
                let base = ctx
                    .event
                    .db
                    .domain_for(&c.data_type)
                    .map(|d| ctx.event.db.domain_base(d).0.sql())
                    .unwrap_or_else(|| c.data_type.sql());
                format!(
                    "ALTER TABLE {t} ADD COLUMN {col} {base};\n-- fill it for the existing rows (in batches), then (checks every row against the domain):\n-- ALTER TABLE {t} ALTER COLUMN {col} TYPE {ty};",
                    ty = c.data_type.sql(),
                )
            };
            out.push(finding(ctx,
                &q,
                &c.name,
                format!("{}.{} is added {imposed} {default}: the statement fails as soon as {q} has rows", q.name, c.name),
                fix,
            ).claims_refusal_with_rows());
        }
        out
    }
}
