use super::{file_finding, finding, reindexed_table, resolve, resolve_index};
use crate::model::QualifiedName;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::refusal::Refusal;
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
    /// CONCURRENTLY` and `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`
    /// (PostgreSQL 14+) that run inside a transaction block. Which block a statement is in
    /// depends on how the migration tool sends the file:
    ///
    /// - an explicit `BEGIN` of the file, with any tool;
    /// - a transaction the tool opens around the file: Diesel (unless
    ///   `run_in_transaction = false` in the migration's `metadata.toml`), dbmate
    ///   (unless `-- migrate:up transaction:false`), Flyway (unless every statement of
    ///   the migration is one its parser runs outside a transaction, such as `CREATE
    ///   INDEX CONCURRENTLY`; it does not know `REINDEX ... CONCURRENTLY`; a migration
    ///   mixing both kinds is refused unless `mixed = true`);
    /// - the implicit transaction of a file sent as one query string with two or more
    ///   statements: Prisma (`migration.sql`), golang-migrate, dbmate
    ///   `transaction:false`, Diesel `run_in_transaction = false`. The same statement
    ///   alone in such a file runs outside a transaction, and is not flagged.
    ///
    /// psql, `pg_dump` output, Rails `structure.sql` and Django's `sqlmigrate` send
    /// statement by statement. Where the detection is not what you run, say how the
    /// files are sent with `delivery` under `[paths."<glob>"]` in dblint.toml.
    ///
    /// ## Why is this bad?
    /// PostgreSQL refuses: "cannot run inside a transaction block" (CREATE INDEX,
    /// "Building Indexes Concurrently"; the protocol's "Multiple Statements in a Simple
    /// Query" makes a multi-statement query string one transaction). The migration
    /// fails at deploy time, possibly after earlier statements of the file already
    /// ran. With Flyway, also set `postgresql.transactional.lock = false`, as Flyway's
    /// docs advise: the concurrent build can otherwise wait on the transaction of
    /// Flyway's own advisory lock.
    ///
    /// ## Example
    /// ```sql
    /// -- prisma/migrations/20240101_orders_customer/migration.sql
    /// SET lock_timeout = '5s';
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// ```
    ///
    /// ## Fix
    /// Move the statement to a migration of its own that the tool runs outside a
    /// transaction; the finding says how for the tool it detected.
    ConcurrentlyInTransaction { id: "concurrently-in-transaction", summary: "CONCURRENTLY inside a transaction fails", evidence: Behaviour, kind: Migration }
}

impl Rule for ConcurrentlyInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        // The model says whether PostgreSQL refuses the statement in this block.
        let Some(Refusal::TransactionBlock { what }) = ctx.refusal_worded_here() else {
            return Vec::new();
        };
        let table: Option<QualifiedName> = match ctx.event.statement {
            Statement::CreateIndex(ci) => resolve(ctx, &ci.table)
                .or_else(|| Some(QualifiedName::new("public", ci.table.name.clone()))),
            Statement::Drop { objects, .. } => objects
                .first()
                .and_then(|o| resolve_index(ctx, o))
                .map(|(_, t)| t),
            // REINDEX TABLE … CONCURRENTLY names the table; REINDEX INDEX … CONCURRENTLY
            // the index, whose table the finding is about.
            Statement::Reindex { table, index, .. } => {
                reindexed_table(ctx, table.as_ref(), index.as_ref())
            }
            // PostgreSQL 14's DETACH PARTITION ... CONCURRENTLY: the partitioned table.
            Statement::AlterTable { table, .. } => resolve(ctx, table),
            _ => None,
        };
        let file = ctx.event.file;
        let why = if file.explicit_transaction {
            match file.begin_line {
                Some(line) => format!("inside the BEGIN of line {line}"),
                None => "inside BEGIN ... COMMIT".to_string(),
            }
        } else if file.tool_transaction() {
            file.sending.by.clone()
        } else {
            format!(
                "{} of {} statements, which PostgreSQL runs as one implicit transaction",
                file.sending.by, file.statements
            )
        };
        let message = if file.sending.flyway_mixed && !file.explicit_transaction {
            format!("{what} in a migration that also has statements Flyway runs in a transaction: Flyway refuses the migration (unless mixed = true, which runs all of it outside a transaction)")
        } else {
            format!("{what} inside a transaction block ({why}): PostgreSQL refuses it (cannot run inside a transaction block)")
        };
        let fix = format!(
            "-- {}:\n{};",
            file.sending.outside,
            ctx.event.sql.trim().trim_end_matches(';')
        );
        // A statement on no table the model knows (REINDEX SCHEMA … CONCURRENTLY, an
        // index created elsewhere) is still refused: reported about the file.
        let found = match table {
            Some(table) => finding(ctx, &table, "concurrently", message, fix),
            None => super::fix_or_help(
                file_finding(ctx, "concurrently", ctx.event.location.line, message),
                fix,
            ),
        };
        vec![found.claims_refusal()]
    }
}
