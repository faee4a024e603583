use super::{finding, resolve_index};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ObjectKind, Statement};

declare_rule! {
    /// ## What it does
    /// Flags `DROP INDEX` without `CONCURRENTLY` on an index of a table that existed
    /// before this migration.
    ///
    /// ## Why is this bad?
    /// A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table: while it waits
    /// for running queries to finish, every new read and write queues behind it.
    ///
    /// ## Example
    /// ```sql
    /// DROP INDEX orders_note_idx;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// DROP INDEX CONCURRENTLY orders_note_idx;
    /// ```
    DropIndexNotConcurrently { id: "drop-index-not-concurrently", summary: "DROP INDEX without CONCURRENTLY locks the table", evidence: Behaviour, kind: Migration }
}

impl Rule for DropIndexNotConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::Drop {
            kind: ObjectKind::Index,
            objects,
            concurrently: false,
            ..
        } = ctx.event.statement
        else {
            return Vec::new();
        };
        objects
            .iter()
            .filter_map(|o| resolve_index(ctx, o))
            .filter(|(_, table)| !ctx.event.file.created_tables.contains(table))
            .map(|(index, table)| {
                // "Indexes on partitioned tables cannot be dropped using this option"
                // (DROP INDEX, CONCURRENTLY): no CONCURRENTLY fix for those.
                let partitioned = crate::source::sql::refusal::refuses_concurrent_form(
                    &Statement::Drop {
                        kind: ObjectKind::Index,
                        objects: vec![crate::source::sql::statement::ObjectName {
                            schema: Some(index.schema.clone()),
                            name: index.name.clone(),
                        }],
                        concurrently: false,
                        missing_ok: false,
                        cascade: false,
                    },
                    ctx.event.db,
                    ctx.event.search_path,
                    ctx.pg_version,
                )
                .is_some();
                let fix = if partitioned {
                    "-- an index of a partitioned table cannot be dropped CONCURRENTLY (PostgreSQL refuses it): drop it with a lock_timeout, when the table is quiet".to_string()
                } else {
                    super::alone(format!("DROP INDEX CONCURRENTLY {};", index.sql()))
                };
                finding(ctx,
                    &table,
                    &index.name,
                    format!(
                        "DROP INDEX {} takes ACCESS EXCLUSIVE on {table} (blocks every read and write while it waits and runs)",
                        index.name
                    ),
                    fix,
                )
            })
            .collect()
    }
}
