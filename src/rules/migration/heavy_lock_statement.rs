use super::finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `VACUUM FULL`, `CLUSTER` and `LOCK TABLE` in migrations.
    ///
    /// ## Why is this bad?
    /// `VACUUM FULL` and `CLUSTER` rewrite the whole table under ACCESS EXCLUSIVE; an
    /// explicit `LOCK TABLE` holds its lock until the migration commits. Each stops the
    /// application's traffic to the table for the duration.
    ///
    /// ## Example
    /// ```sql
    /// VACUUM FULL orders;
    /// ```
    ///
    /// ## Fix
    /// Use `pg_repack` or `pg_squeeze` to reclaim space online; run maintenance outside
    /// migrations, in a window.
    HeavyLockStatement { id: "heavy-lock-statement", summary: "VACUUM FULL / CLUSTER / LOCK TABLE in a migration", evidence: Behaviour, kind: Migration }
}

impl Rule for HeavyLockStatement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let what = match ctx.event.statement {
            Statement::Vacuum { full: true, .. } => "VACUUM FULL",
            Statement::Cluster { .. } => "CLUSTER",
            Statement::LockTable { .. } => "LOCK TABLE",
            _ => return Vec::new(),
        };
        ctx.effects()
            .into_iter()
            .map(|e| {
                finding(ctx,
                    &e.table,
                    &what.to_ascii_lowercase().replace(' ', "-"),
                    format!("{what} {}", e.describe()),
                    "-- use pg_repack / pg_squeeze, or run it outside migrations in a maintenance window".into(),
                )
            })
            .collect()
    }
}
