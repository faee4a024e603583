use super::{existing, finding, with_concurrently};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `CREATE INDEX` without `CONCURRENTLY` on a table that existed before this
    /// migration. Tables created earlier in the same migration are exempt: they are
    /// empty and nobody uses them yet.
    ///
    /// ## Why is this bad?
    /// A plain `CREATE INDEX` takes a SHARE lock: every INSERT, UPDATE and DELETE on the
    /// table waits until the whole index is built, which on a large table means minutes
    /// of failed or queued writes.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_customer_id_idx ON orders (customer_id);
    /// ```
    ///
    /// ## Fix
    /// Build it without blocking writes (outside a transaction block):
    /// ```sql
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// ```
    CreateIndexNotConcurrently { id: "create-index-not-concurrently", summary: "CREATE INDEX without CONCURRENTLY blocks writes", evidence: Behaviour, kind: Migration }
}

impl Rule for CreateIndexNotConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::CreateIndex(ci) = ctx.event.statement else {
            return Vec::new();
        };
        if ci.concurrently {
            return Vec::new();
        }
        let Some(table) = existing(ctx, &ci.table) else {
            return Vec::new();
        };
        // The model says whether PostgreSQL refuses CONCURRENTLY here (a partitioned
        // table).
        let partitioned = crate::source::sql::refusal::refuses_concurrent_form(
            ctx.event.statement,
            ctx.event.db,
            ctx.event.search_path,
            ctx.pg_version,
        )
        .is_some();
        let effect = ctx.effects();
        // `ON ONLY` a partitioned table (or one without partitions) builds nothing:
        // the model says no table is read, and a catalog-only change is no hazard.
        if !effect.iter().any(|e| e.scan || e.rewrite) {
            return Vec::new();
        }
        let what = effect.first().map(|e| e.describe()).unwrap_or_default();
        let name = ci.name.as_deref().unwrap_or("index");
        let fix = if partitioned {
            format!(
                "-- CONCURRENTLY is not supported on a partitioned table: create the parent index ON ONLY,\n-- build each partition's index CONCURRENTLY, then ALTER INDEX {name} ATTACH PARTITION each one.\n{}",
                ctx.event.sql.replacen(" ON ", " ON ONLY ", 1) + ";"
            )
        } else {
            super::alone(with_concurrently(ctx.event.sql, "INDEX"))
        };
        vec![finding(
            ctx,
            &table,
            name,
            format!("CREATE INDEX {name} {what}"),
            fix,
        )]
    }
}
