use super::{finding, resolve, resolve_index};
use crate::model::QualifiedName;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ObjectKind, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
    /// CONCURRENTLY` and `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`
    /// (PostgreSQL 14+) inside a transaction: an explicit `BEGIN`, or a migration tool
    /// that wraps each file in one (Prisma, Flyway and Diesel do by default; set
    /// `assume_in_transaction` under `[paths."<glob>"]` in dblint.toml for others).
    ///
    /// ## Why is this bad?
    /// PostgreSQL refuses: "cannot run inside a transaction block". The migration fails
    /// at deploy time, possibly after earlier statements of the file already ran.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Put the statement in a migration of its own that runs outside a transaction
    /// (golang-migrate: no BEGIN; Flyway: `executeInTransaction=false`; Django:
    /// `atomic = False`; Prisma: apply it with `prisma db execute`).
    ConcurrentlyInTransaction { id: "concurrently-in-transaction", summary: "CONCURRENTLY inside a transaction fails", kind: Migration }
}

impl Rule for ConcurrentlyInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        if !ctx.event.file.in_transaction() {
            return Vec::new();
        }
        let (table, what): (Option<QualifiedName>, &str) = match ctx.event.statement {
            Statement::CreateIndex(ci) if ci.concurrently => (
                resolve(ctx, &ci.table)
                    .or_else(|| Some(QualifiedName::new("public", ci.table.name.clone()))),
                "CREATE INDEX CONCURRENTLY",
            ),
            Statement::Drop {
                kind: ObjectKind::Index,
                objects,
                concurrently: true,
                ..
            } => (
                objects
                    .first()
                    .and_then(|o| resolve_index(ctx, o))
                    .map(|(_, t)| t),
                "DROP INDEX CONCURRENTLY",
            ),
            // REINDEX TABLE … CONCURRENTLY names the table; REINDEX INDEX … CONCURRENTLY
            // the index, whose table the finding is about.
            Statement::Reindex {
                concurrently: true,
                table,
                index,
            } => (
                table.as_ref().and_then(|t| resolve(ctx, t)).or_else(|| {
                    index
                        .as_ref()
                        .and_then(|i| resolve_index(ctx, i))
                        .map(|(_, t)| t)
                }),
                "REINDEX CONCURRENTLY",
            ),
            // PostgreSQL 14's DETACH PARTITION ... CONCURRENTLY: the partitioned table.
            Statement::AlterTable { table, actions, .. }
                if actions.iter().any(|a| {
                    matches!(
                        a,
                        TableAction::DetachPartition {
                            concurrently: true,
                            ..
                        }
                    )
                }) =>
            {
                (resolve(ctx, table), "DETACH PARTITION ... CONCURRENTLY")
            }
            _ => return Vec::new(),
        };
        let Some(table) = table else {
            return Vec::new();
        };
        let why = if ctx.event.file.explicit_transaction {
            "inside BEGIN ... COMMIT"
        } else {
            "in a file the migration tool runs in a transaction"
        };
        vec![finding(ctx,
            &table,
            "concurrently",
            format!("{what} {why}: PostgreSQL refuses it (cannot run inside a transaction block)"),
            format!(
                "-- in its own migration that runs outside a transaction (golang-migrate file,\n-- Django atomic = False, Flyway executeInTransaction=false):\n{};",
                ctx.event.sql.trim().trim_end_matches(';')
            ),
        )]
    }
}
