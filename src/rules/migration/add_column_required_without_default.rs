use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD COLUMN ... NOT NULL` without a default on a table that existed before
    /// this migration.
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
            if !c.not_null
                || c.default.is_some()
                || c.identity.is_some()
                || c.generated.is_some()
                || c.serial
            {
                continue;
            }
            let col = quote_ident(&c.name);
            let t = q.sql();
            out.push(finding(ctx,
                &q,
                &c.name,
                format!("{}.{} is added NOT NULL without a default: the statement fails as soon as {q} has rows", q.name, c.name),
                format!(
                    "ALTER TABLE {t} ADD COLUMN {col} {ty};\n-- backfill, then:\nALTER TABLE {t} ADD CONSTRAINT {chk} CHECK ({col} IS NOT NULL) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {chk};\nALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL;",
                    ty = c.data_type.sql(),
                    chk = quote_ident(&format!("{}_{}_not_null", q.name, c.name))
                ),
            ));
        }
        out
    }
}
