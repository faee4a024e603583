use super::file_finding;
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `BEGIN`, `COMMIT` and `ROLLBACK` in a file the migration tool already runs
    /// in a transaction of its own: Diesel's `up.sql` (unless `run_in_transaction =
    /// false`), a dbmate `-- migrate:up` block (unless `transaction:false`), a Flyway
    /// migration, or files `delivery = "transaction"` names in dblint.toml.
    ///
    /// ## Why is this bad?
    /// Inside a transaction block PostgreSQL ignores `BEGIN` with a warning ("there is
    /// already a transaction in progress", BEGIN). `COMMIT` or `ROLLBACK` ends the
    /// tool's transaction early (COMMIT, ROLLBACK), and the rest of the file runs in a
    /// new one (the rest of the query string is an implicit transaction; JDBC opens
    /// one for Flyway): a failure after a `COMMIT` rolls back only the rest, leaving
    /// the migration half applied while the tool believes it atomic. A `ROLLBACK`
    /// discards what ran before it, yet the tool records the migration as applied.
    ///
    /// ## Example
    /// ```sql
    /// -- migrations/2024-01-01-000000_orders_note/up.sql (Diesel)
    /// BEGIN;
    /// ALTER TABLE orders ADD COLUMN note text;
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Remove the transaction control: the tool's transaction already makes the file
    /// atomic. If a statement must run outside a transaction, turn the tool's
    /// transaction off for that migration instead.
    TransactionControlInWrappedFile { id: "transaction-control-in-wrapped-file", summary: "BEGIN/COMMIT in a file the tool already runs in a transaction", evidence: Behaviour, kind: Migration }
}

impl Rule for TransactionControlInWrappedFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let file = ctx.event.file;
        let Statement::Transaction { begin, .. } = ctx.event.statement else {
            return Vec::new();
        };
        if !file.tool_transaction() {
            return Vec::new();
        }
        let line = ctx.event.location.line;
        let word = ctx
            .event
            .sql
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_end_matches(';')
            .to_ascii_uppercase();
        let (what, consequence) = if *begin {
            (
                "begin",
                "PostgreSQL ignores it with a warning (there is already a transaction in progress)"
                    .to_string(),
            )
        } else if word == "ROLLBACK" || word == "ABORT" {
            (
                "rollback",
                "it rolls back the tool's transaction, discarding what ran before it, while the rest runs in a new transaction and the tool records the migration as applied".to_string(),
            )
        } else {
            (
                "commit",
                "it commits the tool's transaction early: what ran before it stays committed when a later statement fails, so the migration can end half applied".to_string(),
            )
        };
        vec![file_finding(
            ctx,
            what,
            line,
            format!("{word} in a file where {}: {consequence}", file.sending.by),
        )
        .help(format!(
            "remove the file's BEGIN, COMMIT and ROLLBACK: {} already, which makes the file atomic",
            file.sending.by
        ))]
    }
}
