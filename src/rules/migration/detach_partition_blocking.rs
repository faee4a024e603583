use super::{existing, finding};
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::default_partition;
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY` on a
    /// partitioned table that existed before this migration.
    ///
    /// ## Why is this bad?
    /// The plain form takes ACCESS EXCLUSIVE on the partitioned table (and, from
    /// PostgreSQL 14, on the partition; on the DEFAULT partition too when there is
    /// one): every read and write of every partition waits, and while the statement
    /// itself waits for the lock behind a long query, everything queues behind it
    /// (PostgreSQL docs, `ALTER TABLE`, DETACH PARTITION; "13.3. Explicit Locking").
    /// PostgreSQL 14 added `DETACH PARTITION ... CONCURRENTLY`, which takes SHARE
    /// UPDATE EXCLUSIVE on the partitioned table (reads and writes continue), but it
    /// cannot run inside a transaction block, nor while the table has a DEFAULT
    /// partition; if it is interrupted, `DETACH PARTITION ... FINALIZE` completes it.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE measurements DETACH PARTITION measurements_2020;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// -- alone, in a migration that runs outside a transaction (PostgreSQL 14+):
    /// ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
    /// ```
    DetachPartitionBlocking { id: "detach-partition-blocking", summary: "DETACH PARTITION without CONCURRENTLY locks the whole partitioned table", evidence: Behaviour, kind: Migration }
}

impl Rule for DetachPartitionBlocking {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(parent) = existing(ctx, table) else {
            return Vec::new();
        };
        actions
            .iter()
            .filter_map(|a| match a {
                TableAction::DetachPartition {
                    partition,
                    concurrently: false,
                } => Some(partition),
                _ => None,
            })
            .map(|partition| {
                let fix = match default_partition(ctx.event.db, &parent) {
                    _ if ctx.pg_version < 14 => format!(
                        "-- DETACH PARTITION ... CONCURRENTLY needs PostgreSQL 14 (pg_version is {}): set a short lock_timeout and retry, so the wait for the lock does not stall {parent}",
                        ctx.pg_version
                    ),
                    Some(default) => format!(
                        "-- DETACH PARTITION ... CONCURRENTLY is refused while {parent} has a DEFAULT partition ({default}): set a short lock_timeout and retry, so the wait for the lock does not stall {parent}"
                    ),
                    None => super::alone(format!(
                        "ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY;\n-- if it is interrupted: ALTER TABLE {} DETACH PARTITION {} FINALIZE;",
                        parent.sql(),
                        partition_sql(partition),
                        parent.sql(),
                        partition_sql(partition),
                    )),
                };
                finding(
                    ctx,
                    &parent,
                    &format!("detach-{}", partition.name),
                    format!(
                        "DETACH PARTITION {} takes ACCESS EXCLUSIVE on {parent} (blocks every read and write of every partition)",
                        partition
                    ),
                    fix,
                )
            })
            .collect()
    }
}

/// A name as written, quoted where needed.
fn partition_sql(name: &crate::source::sql::statement::ObjectName) -> String {
    let ident = crate::model::quote_ident;
    match &name.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&name.name)),
        None => ident(&name.name),
    }
}
