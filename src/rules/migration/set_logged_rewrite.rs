use super::{existing, finding};
use crate::finding::Finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::persistence_rewrites;
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... SET LOGGED` and `SET UNLOGGED` on a table that existed
    /// before this migration, when the statement changes the table's persistence
    /// (PostgreSQL does nothing to a table that already is what it asks for). A
    /// partitioned table is not flagged: it has no storage of its own, so PostgreSQL 12
    /// to 17 change only its catalog entry, and PostgreSQL 18 refuses the statement.
    ///
    /// ## Why is this bad?
    /// Changing persistence copies the whole table and rebuilds its indexes, under
    /// ACCESS EXCLUSIVE: no reads, no writes until it is done (PostgreSQL docs,
    /// `ALTER TABLE`: `SET { LOGGED | UNLOGGED }`, and its Notes: these forms rewrite
    /// the table; "13.3. Explicit Locking" for what ACCESS EXCLUSIVE blocks). `SET
    /// LOGGED` also writes the whole table to the WAL, which every replica has to
    /// replay. There is no online form.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE import_staging SET LOGGED;
    /// ```
    ///
    /// ## Fix
    /// Create the table with the persistence it needs, or run the change in a
    /// maintenance window, with the time and WAL volume of a full copy in mind.
    SetLoggedRewrite { id: "set-logged-rewrite", summary: "SET LOGGED / UNLOGGED rewrites the table under an exclusive lock", evidence: Behaviour, kind: Migration }
}

impl Rule for SetLoggedRewrite {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let Some(model) = ctx.event.db.table(&q) else {
            return Vec::new();
        };
        actions
            .iter()
            .filter_map(|a| match a {
                TableAction::SetLogged(logged) if persistence_rewrites(model, *logged) => {
                    Some(*logged)
                }
                _ => None,
            })
            .take(1)
            .map(|logged| {
                let (form, wal) = if logged {
                    ("SET LOGGED", "; all of it goes through the WAL, which every replica replays")
                } else {
                    ("SET UNLOGGED", "")
                };
                finding(
                    ctx,
                    &q,
                    &form.to_ascii_lowercase().replace(' ', "-"),
                    format!(
                        "{form} rewrites {q} and its indexes under ACCESS EXCLUSIVE (blocks every read and write){wal}"
                    ),
                    format!(
                        "-- no online form: create the table {} from the start, or run this in a maintenance window",
                        if logged { "logged" } else { "UNLOGGED" }
                    ),
                ).claims_rewrite()
            })
            .collect()
    }
}
