use super::{existing, finding};
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ConstraintSpec, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE` on a table that existed
    /// before this migration.
    ///
    /// ## Why is this bad?
    /// Adding an exclusion constraint builds its index and checks every row under
    /// ACCESS EXCLUSIVE: no reads, no writes until the build is done. Unlike a unique
    /// constraint there is no online path: an exclusion constraint cannot be added
    /// `NOT VALID` ("EXCLUDE constraints cannot be marked NOT VALID"), nor attached to
    /// an index built `CONCURRENTLY` (`ADD table_constraint_using_index` accepts only
    /// PRIMARY KEY and UNIQUE; both refusals checked on the server). PostgreSQL docs:
    /// `ALTER TABLE` (ADD table_constraint, and its Notes), `CREATE TABLE` (EXCLUDE),
    /// "13.3. Explicit Locking".
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    ///     EXCLUDE USING gist (room_id WITH =, during WITH &&);
    /// ```
    ///
    /// ## Fix
    /// Add the constraint when the table is created, or in a maintenance window. If
    /// every operator is `=`, a unique index built `CONCURRENTLY` enforces the same
    /// rule online.
    ExclusionConstraintLock { id: "exclusion-constraint-lock", summary: "Exclusion constraint added to an existing table builds its index under ACCESS EXCLUSIVE", evidence: Behaviour, kind: Migration }
}

impl Rule for ExclusionConstraintLock {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        actions
            .iter()
            .filter_map(|a| match a {
                TableAction::AddConstraint(ConstraintSpec::Exclusion { name, .. }) => Some(name),
                _ => None,
            })
            .map(|name| {
                let what = name
                    .as_ref()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "exclusion".to_string());
                finding(
                    ctx,
                    &q,
                    &what,
                    format!(
                        "adding exclusion constraint {what} builds its index and checks every row of {q} under ACCESS EXCLUSIVE (blocks every read and write); it has no NOT VALID or CONCURRENTLY form"
                    ),
                    "-- add it when the table is created, or in a maintenance window; if every operator is =, a unique index built CONCURRENTLY enforces the same rule online".into(),
                )
            })
            .collect()
    }
}
