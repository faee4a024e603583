use crate::finding::{Finding, HazardKind};
use crate::model::{HeldLock, LockHolder};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};
use crate::source::sql::locks::LockLevel;
use std::collections::BTreeMap;

/// `idle_seconds`: Seconds a lock must have been held by an idle session or a
/// prepared transaction before it is reported.
pub const IDLE_SECONDS: OptionSpec = OptionSpec {
    name: "idle_seconds",
    kind: OptionKind::Integer { min: 0 },
    default: r#"60"#,
    doc: "Seconds a lock must have been held by an idle session or a prepared transaction before it is reported.",
};

declare_rule! {
    /// ## What it does
    /// Live databases only. Flags a table that is in use (scanned by an index, rows
    /// read or written since its statistics were reset, or sessions waiting for it
    /// right now: `pg_stat_user_tables`, `pg_locks`) while a transaction that runs
    /// nothing holds a lock on it: a session idle in a transaction, or a prepared
    /// transaction, for `idle_seconds` (60) or longer. Read from `pg_locks`,
    /// `pg_stat_activity` and `pg_prepared_xacts` at the moment `inspect` runs.
    ///
    /// ## Why is this bad?
    /// A lock is held until its transaction ends ("13.3.1. Table-Level Locks": "Once
    /// acquired, a lock is normally held until the end of the transaction"), and a
    /// transaction left open by a crashed worker, a debugging `psql` or a forgotten
    /// two-phase commit never ends by itself ("PREPARE TRANSACTION": "the transaction
    /// continues to hold whatever locks it held"). What the lock stops depends on its
    /// mode (Table 13.2, "Conflicting Lock Modes"):
    ///
    /// - SHARE or stronger (an idle `CREATE INDEX` transaction, `LOCK TABLE`): every
    ///   INSERT, UPDATE and DELETE on the table waits now. The grade is held at F
    ///   (`dblint explain scoring`, "Hazards").
    /// - weaker (ACCESS SHARE from a SELECT, ROW EXCLUSIVE from a write): the next
    ///   schema change, `VACUUM FULL` or `REINDEX` of the table waits for this
    ///   transaction, and every query on the table queues behind that waiting
    ///   request, since a request for a lock waits behind an earlier conflicting
    ///   request. The grade is held at D+.
    ///
    /// The open transaction also holds back VACUUM's cleanup of dead rows in every
    /// table. Sessions of other roles are judged only when the inspecting role may
    /// see their state (members of `pg_read_all_stats`, "Viewing Statistics"); inspect
    /// says how many it could not judge. A standby's locks are not read.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// LOCK TABLE orders IN SHARE MODE;
    /// -- the session stays idle in transaction: writes to orders wait
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// SELECT pg_catalog.pg_terminate_backend(4242);  -- the idle session; its transaction rolls back
    /// ROLLBACK PREPARED 'forgotten-2pc';              -- a prepared transaction
    /// ```
    /// Then bound how long a session may idle in a transaction
    /// (`idle_in_transaction_session_timeout`, "Client Connection Defaults",
    /// "Statement Behavior").
    LockHeldByIdleTransaction { id: "lock-held-by-idle-transaction", summary: "Lock on a table in use held by an idle or prepared transaction", evidence: Behaviour, kind: Live, options: [IDLE_SECONDS] }
}

impl Rule for LockHeldByIdleTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let idle_seconds = ctx.options.integer(&IDLE_SECONDS) as f64;
        // The strongest long-held lock on each table in use, with how many other
        // idle holders it has.
        let mut per_table: BTreeMap<_, Vec<(&HeldLock, LockLevel)>> = BTreeMap::new();
        for lock in &ctx.db.held_locks {
            let Some(level) = LockLevel::from_pg_locks(&lock.mode) else {
                continue;
            };
            if lock.held_seconds >= idle_seconds && (lock.use_since_reset.any() || lock.waiting > 0)
            {
                per_table
                    .entry(&lock.table)
                    .or_default()
                    .push((lock, level));
            }
        }
        let mut out = Vec::new();
        for (table, mut locks) in per_table {
            locks.sort_by(|(a, la), (b, lb)| {
                lb.cmp(la).then(b.held_seconds.total_cmp(&a.held_seconds))
            });
            let (lock, level) = locks[0];
            let blocks_writes = level >= LockLevel::Share;
            let (holder, fix, help) = match &lock.holder {
                LockHolder::Session { pid, role } => (
                    format!(
                        "session {pid} (role {role}) has been idle in a transaction for {}",
                        duration(lock.held_seconds)
                    ),
                    format!(
                        "SELECT pg_catalog.pg_terminate_backend({pid});  -- ends the idle session; its transaction rolls back"
                    ),
                    format!(
                        "find why the application left the transaction open; to bound how long any session of the role may do so: \
                         ALTER ROLE {} SET idle_in_transaction_session_timeout = '1min'",
                        crate::model::quote_ident(role)
                    ),
                ),
                LockHolder::Prepared { gid } => (
                    format!(
                        "prepared transaction '{gid}' has waited for COMMIT PREPARED or ROLLBACK PREPARED for {}",
                        duration(lock.held_seconds)
                    ),
                    format!(
                        "ROLLBACK PREPARED '{}';  -- or COMMIT PREPARED, if its transaction manager committed it",
                        gid.replace('\'', "''")
                    ),
                    "ask the transaction manager that prepared it whether it committed; no timeout ends a prepared transaction"
                        .to_string(),
                ),
            };
            let effect = if blocks_writes {
                "every INSERT, UPDATE and DELETE on it waits until that transaction ends"
                    .to_string()
            } else {
                "the next schema change, VACUUM FULL or REINDEX of it waits for that transaction, and every query on it queues behind that change".to_string()
            };
            let mut usage = Vec::new();
            let used = lock.use_since_reset;
            if used.index_scans > 0 {
                usage.push(count(used.index_scans, "index scan", "index scans"));
            }
            if used.rows_read_sequentially > 0 {
                usage.push(format!(
                    "{} by sequential scans",
                    count(used.rows_read_sequentially, "row read", "rows read")
                ));
            }
            if used.rows_written > 0 {
                usage.push(count(used.rows_written, "row written", "rows written"));
            }
            let mut usage = if usage.is_empty() {
                Vec::new()
            } else {
                vec![format!("{} since statistics were reset", usage.join(", "))]
            };
            if lock.waiting > 0 {
                usage.push(format!(
                    "{} waiting for it now",
                    count(lock.waiting, "session", "sessions")
                ));
            }
            let mut other_holders: Vec<&LockHolder> = Vec::new();
            for (l, _) in &locks {
                if l.holder != lock.holder && !other_holders.contains(&&l.holder) {
                    other_holders.push(&l.holder);
                }
            }
            let others = other_holders.len();
            let others = if others > 0 {
                format!("; {others} other idle transaction(s) hold locks on it too")
            } else {
                String::new()
            };
            out.push(
                ctx.finding(
                    table,
                    format!(
                        "{holder} holding {} on {table} ({}): {effect}{others}",
                        level.name(),
                        usage.join("; ")
                    ),
                )
                .fix(fix)
                .help(help)
                .hazard(
                    HazardKind::Outage,
                    if blocks_writes {
                        crate::score::CEILING_IDLE_LOCK_BLOCKS_WRITES
                    } else {
                        crate::score::CEILING_IDLE_LOCK
                    },
                ),
            );
        }
        out
    }
}

/// `1 session`, `3 sessions`.
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `45 s`, `12 min`, `3 h`: how long, in the largest whole unit.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}
