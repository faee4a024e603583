use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN ... SET NOT NULL` on a table that existed before this
    /// migration, unless a validated CHECK already proves it, which lets PostgreSQL 12
    /// and later skip the scan: one whose top-level AND terms include `col IS NOT NULL`
    /// (`CHECK (col IS NOT NULL AND col <> '')` proves it; `CHECK (a IS NOT NULL OR b
    /// IS NOT NULL)` proves nothing for `a`, nor does `CHECK (col > 0)`, which NULL
    /// passes). PostgreSQL docs: `ALTER TABLE` … `SET NOT NULL` ("the scan is skipped
    /// if a valid CHECK constraint is found which proves no NULL can exist").
    ///
    /// ## Why is this bad?
    /// PostgreSQL scans the whole table to prove there is no NULL, under an ACCESS
    /// EXCLUSIVE lock: no reads, no writes until it is done.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_currency_not_null CHECK (currency IS NOT NULL) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_currency_not_null;  -- separate transaction
    /// ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;            -- no scan now
    /// ALTER TABLE orders DROP CONSTRAINT orders_currency_not_null;
    /// ```
    SetNotNullScan { id: "set-not-null-scan", summary: "SET NOT NULL scans the table under an exclusive lock", kind: Migration }
}

impl Rule for SetNotNullScan {
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
        let Some(model) = ctx.event.db.table(&q) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for action in actions {
            let TableAction::SetNotNull { column } = action else {
                continue;
            };
            let proven = ctx.pg_version >= 12
                && model.checks.iter().any(|c| {
                    c.validated && crate::source::sql::parse::proves_not_null(&c.expression, column)
                });
            if proven || model.column(column).is_some_and(|c| c.not_null) {
                continue;
            }
            let (t, col) = (q.sql(), quote_ident(column));
            let chk = quote_ident(&format!("{}_{}_not_null", q.name, column));
            out.push(finding(ctx,
                &q,
                column,
                format!("SET NOT NULL on {}.{column} scans {q} under ACCESS EXCLUSIVE (blocks every read and write)", q.name),
                format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {chk} CHECK ({col} IS NOT NULL) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {chk};\nALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL;\nALTER TABLE {t} DROP CONSTRAINT {chk};"
                ),
            ));
        }
        out
    }
}
