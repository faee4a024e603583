use super::{existing, finding};
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction, TriggerSet};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... DISABLE TRIGGER` (a trigger by name, `USER` or `ALL`) on
    /// a table that existed before this migration, run outside a transaction.
    ///
    /// ## Why is this bad?
    /// While a trigger is disabled, rows written to the table skip it: an audit
    /// trigger records nothing, a trigger that maintains derived data leaves it stale.
    /// `DISABLE TRIGGER ALL` also turns off the internal triggers that enforce foreign
    /// keys, the table's own and those referencing it (it needs superuser for those),
    /// so rows that break them can go in, and re-enabling does not check them (PostgreSQL
    /// docs, `ALTER TABLE`: DISABLE/ENABLE TRIGGER). The statement takes SHARE ROW
    /// EXCLUSIVE, which PostgreSQL holds until the transaction ends ("13.3. Explicit
    /// Locking"): inside a transaction no other session can write to the table until
    /// the triggers are back on and it commits, so that use is not flagged. Outside
    /// one, each statement commits at once, and every other session's writes skip the
    /// triggers until `ENABLE TRIGGER` runs.
    ///
    /// Creating and dropping triggers is not flagged: each is a short catalog change
    /// (SHARE ROW EXCLUSIVE for `CREATE TRIGGER`, ACCESS EXCLUSIVE for `DROP
    /// TRIGGER`), whose wait in the lock queue `lock-timeout-missing` reports.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders DISABLE TRIGGER ALL;
    /// UPDATE orders SET total = total * 100;
    /// ALTER TABLE orders ENABLE TRIGGER ALL;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// BEGIN;
    /// ALTER TABLE orders DISABLE TRIGGER orders_audit;
    /// UPDATE orders SET total = total * 100;
    /// ALTER TABLE orders ENABLE TRIGGER orders_audit;
    /// COMMIT;
    /// ```
    DisableTrigger { id: "disable-trigger", summary: "DISABLE TRIGGER outside a transaction lets other sessions' writes skip triggers and foreign keys", evidence: Behaviour, kind: Migration }
}

impl Rule for DisableTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        if ctx.event.file.in_transaction() {
            return Vec::new();
        }
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        actions
            .iter()
            .filter_map(|a| match a {
                TableAction::Trigger {
                    enable: false,
                    which,
                } => Some(which),
                _ => None,
            })
            .map(|which| {
                let (object, off, enable) = match which {
                    TriggerSet::All => (
                        "disable-trigger-all".to_string(),
                        format!("every trigger on {q}, foreign-key enforcement included"),
                        "ALL".to_string(),
                    ),
                    TriggerSet::User => (
                        "disable-trigger-user".to_string(),
                        format!("every user trigger on {q} (audit, derived data)"),
                        "USER".to_string(),
                    ),
                    TriggerSet::Named(name) => (
                        format!("disable-trigger-{name}"),
                        format!("trigger {name} on {q}"),
                        crate::model::quote_ident(name),
                    ),
                };
                finding(
                    ctx,
                    &q,
                    &object,
                    format!(
                        "DISABLE TRIGGER outside a transaction turns off {off}, for every session: rows written until ENABLE TRIGGER runs are not seen by it, and re-enabling checks nothing"
                    ),
                    format!(
                        "-- in one transaction: DISABLE TRIGGER holds SHARE ROW EXCLUSIVE until commit, so no other session writes to {q} while it is off:\n-- BEGIN; {}; <the statements that need it>; ALTER TABLE {} ENABLE TRIGGER {enable}; COMMIT;",
                        ctx.event.sql.trim().trim_end_matches(';'),
                        q.sql(),
                    ),
                )
            })
            .collect()
    }
}
