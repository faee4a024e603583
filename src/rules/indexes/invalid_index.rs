use crate::finding::Finding;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Live databases only. Flags indexes PostgreSQL marks invalid (`indisvalid =
    /// false`), usually left behind by a `CREATE INDEX CONCURRENTLY` or `REINDEX
    /// CONCURRENTLY` that failed. Not reported: the `ON ONLY` parent index of a
    /// partitioned table (invalid until every partition's index is attached) and an
    /// index being built right now.
    ///
    /// ## Why is this bad?
    /// The planner never uses an invalid index, yet every write still maintains it:
    /// all of the cost, none of the benefit. If it was meant to enforce uniqueness or
    /// serve a hot query, that protection or speed silently is not there.
    ///
    /// ## Example
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    /// -- ERROR: could not create unique index "users_email_key" (duplicates exist)
    /// ```
    ///
    /// ## Fix
    /// Rebuild it (after fixing the data that made it fail), or drop it:
    /// ```sql
    /// REINDEX INDEX CONCURRENTLY public.users_email_key;
    /// DROP INDEX CONCURRENTLY public.users_email_key;
    /// ```
    InvalidIndex { id: "invalid-index", summary: "Index left invalid by a failed concurrent build", kind: Live }
}

impl Rule for InvalidIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for index in &table.indexes {
                let Some(stats) = index.stats else { continue };
                if index.valid || index.only_parent || stats.being_built {
                    continue;
                }
                out.push(
                    ctx.finding(&table.name,
                        format!("index {} is invalid: never used by queries, still maintained on every write", index.name.name),
                    )
                    .object(&index.name.name)
                    .fix(format!(
                        "REINDEX INDEX CONCURRENTLY {name};  -- or: DROP INDEX CONCURRENTLY {name};",
                        name = index.name.sql()
                    )),
                );
            }
        }
        out
    }
}
