use super::finding;
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::LockLevel;
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags a slow statement (one that rewrites or scans a table that existed before
    /// the migration, or an `UPDATE`/`DELETE` backfill) that runs in a transaction
    /// after an earlier statement of the same transaction locked another table, or
    /// the same one, in SHARE mode or stronger (the modes that block writes; ACCESS
    /// EXCLUSIVE blocks reads too). The finding is about the locked table.
    ///
    /// ## Why is this bad?
    /// PostgreSQL holds every table lock until the transaction ends ("13.3. Explicit
    /// Locking": "Once acquired, a lock is normally held until the end of the
    /// transaction"). A quick `ALTER TABLE users ADD COLUMN …` followed, in the same
    /// transaction, by a backfill, an index build or a rewrite of `orders` keeps
    /// `users` locked for the whole of that slow work: the quick change becomes the
    /// outage. Prisma, Diesel and Flyway run each migration file in one transaction,
    /// so two statements in one file are enough.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ALTER TABLE users ADD COLUMN plan text;          -- ACCESS EXCLUSIVE on users
    /// UPDATE users SET plan = 'free';                  -- users blocked while it runs
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Commit in between: put the slow statement in a migration of its own (or run
    /// the locking statement last, in a short transaction), and backfill in batches.
    LockHeldAcrossStatements { id: "lock-held-across-statements", summary: "A lock taken early is held through a slow later statement", evidence: Behaviour, kind: Migration }
}

impl Rule for LockHeldAcrossStatements {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let file = ctx.event.file;
        if !file.in_transaction() || file.held_locks.is_empty() {
            return Vec::new();
        }
        let effects = ctx.effects();
        // What makes this statement slow, if anything.
        let slow = effects
            .iter()
            .find(|e| (e.rewrite || e.scan) && !file.created_tables.contains(&e.table))
            .map(|e| {
                let verb = if e.rewrite { "rewrites" } else { "scans" };
                format!("line {} {verb} {}", ctx.event.location.line, e.table)
            })
            .or_else(|| match ctx.event.statement {
                Statement::RowChange { delete, .. } => Some(format!(
                    "the {} at line {} (a backfill) runs",
                    if *delete { "DELETE" } else { "UPDATE" },
                    ctx.event.location.line
                )),
                _ => None,
            });
        let Some(slow) = slow else {
            return Vec::new();
        };
        file.held_locks
            .iter()
            .filter(|held| held.level >= LockLevel::Share)
            // A statement that takes as strong a lock on the table itself is the
            // outage on its own (its own rules say so), not the earlier lock.
            .filter(|held| {
                !effects
                    .iter()
                    .any(|e| e.table == held.table && e.level >= held.level)
            })
            .map(|held| {
                finding(
                    ctx,
                    &held.table,
                    "held",
                    format!(
                        "{} has been locked {} since line {} (`{}`) and stays locked until COMMIT: {slow} meanwhile, so {} is blocked ({}) for as long as that takes",
                        held.table,
                        held.level.name(),
                        held.line,
                        held.statement,
                        held.table,
                        held.level.blocks()
                    ),
                    "-- commit in between: move the slow statement to a migration of its own (or run the locking one last, in a short transaction), and backfill in batches".into(),
                )
            })
            .collect()
    }
}
