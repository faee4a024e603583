use super::finding;
use crate::rules::{MigrationContext, OptionKind, OptionSpec, Rule, RuleMeta};

/// `suggested`: The lock_timeout the fix sets.
pub const SUGGESTED: OptionSpec = OptionSpec {
    name: "suggested",
    kind: OptionKind::Text,
    default: r#""5s""#,
    doc: "The lock_timeout the fix sets.",
};

declare_rule! {
    /// ## What it does
    /// Flags lock-taking DDL on a table that existed before this migration when no
    /// `SET lock_timeout` ran earlier in the file.
    ///
    /// ## Why is this bad?
    /// DDL waits for its lock behind any long-running query, and while it waits every
    /// other query on the table queues behind it: one slow report turns a millisecond
    /// `ALTER TABLE` into an outage. A `lock_timeout` makes the migration fail fast
    /// instead, so it can be retried.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// SET lock_timeout = '5s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    LockTimeoutMissing { id: "lock-timeout-missing", summary: "Lock-taking DDL with no lock_timeout set", evidence: Behaviour, kind: Migration, options: [SUGGESTED] }
}

impl Rule for LockTimeoutMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        if ctx.event.file.settings.lock_timeout_in_effect() {
            return Vec::new();
        }
        let timeout = ctx.options.text(&SUGGESTED).to_string();
        ctx.effects()
            .into_iter()
            .filter(|e| e.level >= crate::source::sql::locks::LockLevel::Share)
            .filter(|e| ctx.event.db.tables.contains_key(&e.table) && !ctx.event.file.created_tables.contains(&e.table))
            .map(|e| {
                let message = format!(
                    "{} with no lock_timeout: if it waits behind a long query, every statement that conflicts with it ({}) queues behind it on {}",
                    e.level.name(),
                    e.level.blocks(),
                    e.table
                );
                // A SET in a file sent as one query string makes the string a
                // transaction block, where CONCURRENTLY fails: the timeout goes
                // outside the file then.
                let alone = ctx.event.file.sending.delivery
                    == crate::source::sql::delivery::Delivery::OneQuery
                    && crate::source::sql::refusal::transaction_block(
                        ctx.event.statement,
                        ctx.event.db,
                        ctx.event.search_path,
                        ctx.pg_version,
                    )
                    .is_some();
                let fix = if alone {
                    format!("-- set it outside this file, for the migration's role (ALTER ROLE <role> SET lock_timeout = '{timeout}') or in its connection string (options=-c lock_timeout={timeout}): a SET here would make the file's query string a transaction block, where this statement fails")
                } else {
                    format!("SET lock_timeout = '{timeout}';  -- at the top of the migration")
                };
                finding(ctx, &e.table, "lock-timeout", message, fix)
            })
            .collect()
    }
}
