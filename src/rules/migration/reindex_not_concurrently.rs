use super::finding;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `REINDEX` without `CONCURRENTLY` (PostgreSQL 12 and later have it) on a
    /// table that existed before this migration.
    ///
    /// ## Why is this bad?
    /// A plain `REINDEX` blocks writes to the table (SHARE lock) and, for `REINDEX
    /// INDEX`, every query that would use the index, for as long as the rebuild takes.
    ///
    /// ## Example
    /// ```sql
    /// REINDEX INDEX orders_customer_id_idx;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// REINDEX INDEX CONCURRENTLY orders_customer_id_idx;
    /// ```
    ReindexNotConcurrently { id: "reindex-not-concurrently", summary: "REINDEX without CONCURRENTLY blocks writes", evidence: Behaviour, kind: Migration }
}

impl Rule for ReindexNotConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::Reindex {
            concurrently: false,
            table,
            index,
        } = ctx.event.statement
        else {
            return Vec::new();
        };
        if ctx.pg_version < 12 {
            return Vec::new();
        }
        let target = match (table, index) {
            (Some(t), _) => format!("TABLE CONCURRENTLY {t}"),
            (None, Some(i)) => format!("INDEX CONCURRENTLY {i}"),
            _ => return Vec::new(),
        };
        ctx.effects()
            .into_iter()
            .filter(|e| {
                ctx.event.db.tables.contains_key(&e.table)
                    && !ctx.event.file.created_tables.contains(&e.table)
            })
            .map(|e| {
                finding(
                    ctx,
                    &e.table,
                    "reindex",
                    format!("REINDEX {}", e.describe()),
                    super::alone(format!("REINDEX {target};")),
                )
            })
            .collect()
    }
}
