use super::file_finding;
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags a migration file whose `BEGIN` (or `START TRANSACTION`) is still open when
    /// the file ends: no `COMMIT`, `END` or `ROLLBACK` follows it.
    ///
    /// ## Why is this bad?
    /// PostgreSQL commits only on `COMMIT`; a session that ends inside a transaction
    /// block has it rolled back ("BEGIN", "COMMIT"; "Transactions" in the tutorial).
    /// `psql -f` runs such a file without an error and exits with status 0, and the
    /// server then discards every statement after the `BEGIN`: the migration reads as
    /// applied and is not. A tool that sends the file as one query string leaves the
    /// transaction open on its connection, where its own bookkeeping joins it. A
    /// `BEGIN` inside a transaction the tool opened is not flagged here, but by
    /// `transaction-control-in-wrapped-file`.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// BEGIN;
    /// ALTER TABLE orders ADD COLUMN note text;
    /// COMMIT;
    /// ```
    UnclosedTransaction { id: "unclosed-transaction", summary: "BEGIN without COMMIT: the file's work is rolled back", evidence: Behaviour, kind: Migration }
}

impl Rule for UnclosedTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let file = ctx.event.file;
        if !file.at_last_statement() {
            return Vec::new();
        }
        // Whether a transaction block of the file's own is open after this statement.
        let (open, line) = match ctx.event.statement {
            Statement::Transaction { begin: true, .. } if !file.tool_transaction() => {
                (true, ctx.event.location.line)
            }
            Statement::Transaction { .. } => (false, 0),
            _ => (
                file.explicit_transaction,
                file.begin_line.unwrap_or(ctx.event.location.line),
            ),
        };
        if !open {
            return Vec::new();
        }
        let consequence = match file.sending.delivery {
            crate::source::sql::delivery::Delivery::Statements => "the file ends inside the transaction, and PostgreSQL rolls it back when the session ends (psql still exits 0), so nothing after the BEGIN is applied".to_string(),
            _ => format!(
                "{}, which ends inside the transaction: it stays open on the tool's connection and is rolled back if the connection closes before something commits it",
                file.sending.by
            ),
        };
        vec![file_finding(
            ctx,
            "begin",
            line,
            format!("the BEGIN of line {line} is never committed: {consequence}"),
        )
        .fix("COMMIT;")]
    }
}
