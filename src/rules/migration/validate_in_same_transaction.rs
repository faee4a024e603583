use super::{existing, finding};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `VALIDATE CONSTRAINT` in the same transaction as the `ADD CONSTRAINT ...
    /// NOT VALID` it validates.
    ///
    /// ## Why is this bad?
    /// The point of `NOT VALID` is to take the strong lock only briefly and check the
    /// rows later under a weak one. In the same transaction the strong lock from the
    /// `ADD` is still held while `VALIDATE` scans the table: nothing was gained.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Commit in between: move `VALIDATE CONSTRAINT` to the next migration.
    ValidateInSameTransaction { id: "validate-in-same-transaction", summary: "VALIDATE CONSTRAINT in the transaction that added it NOT VALID", evidence: Behaviour, kind: Migration }
}

impl Rule for ValidateInSameTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table).or_else(|| super::resolve(ctx, table)) else {
            return Vec::new();
        };
        actions
            .iter()
            .filter_map(|a| match a {
                TableAction::ValidateConstraint { name } if ctx.event.file.not_valid_constraints.contains(&(q.clone(), name.clone())) => Some(name),
                _ => None,
            })
            .map(|name| {
                finding(ctx,
                    &q,
                    name,
                    format!("VALIDATE CONSTRAINT {name} runs in the transaction that added it NOT VALID, so the scan happens under the ADD's strong lock"),
                    format!(
                        "-- in the next migration (after this one commits):\nALTER TABLE {} VALIDATE CONSTRAINT {};",
                        q.sql(),
                        crate::model::quote_ident(name)
                    ),
                ).claims_scan()
            })
            .collect()
    }
}
