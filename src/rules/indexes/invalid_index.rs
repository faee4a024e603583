use crate::finding::{Finding, HazardKind};
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
    /// all of the cost, none of the benefit. If it was meant to serve a hot query,
    /// that speed silently is not there.
    ///
    /// A unique one is worse. It guarantees nothing: rows it never indexed are never
    /// checked, so duplicates get in (the build usually failed on duplicates that are
    /// already there); and `INSERT … ON CONFLICT (cols)` infers its arbiter only from
    /// valid unique indexes ("INSERT", "ON CONFLICT Clause"), so every upsert on those
    /// columns fails with "there is no unique or exclusion constraint matching the ON
    /// CONFLICT specification". Both are checked on PostgreSQL 12–18 by the live
    /// tests. An invalid unique index is a hazard that holds the grade at D- (`dblint
    /// explain scoring`, "Hazards").
    ///
    /// ## Example
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    /// -- ERROR: could not create unique index "users_email_key" (duplicates exist)
    /// ```
    ///
    /// ## Fix
    /// PostgreSQL's documented recovery ("Building Indexes Concurrently" in `CREATE
    /// INDEX`): rebuild it, or drop it and build it again. The fix rebuilds a
    /// non-unique index; a unique one is dropped, since its rebuild fails as long as
    /// the duplicate keys that made the first build fail are there (remove them, then
    /// build it again):
    /// ```sql
    /// REINDEX INDEX CONCURRENTLY public.events_at_idx;
    /// DROP INDEX CONCURRENTLY IF EXISTS public.users_email_key;
    /// ```
    InvalidIndex { id: "invalid-index", summary: "Index left invalid by a failed concurrent build", evidence: Behaviour, kind: Live }
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
                let finding = if index.unique {
                    // Checked on PostgreSQL 12–18 by tests/live.rs: a duplicate is
                    // accepted, and ON CONFLICT on the columns finds no arbiter.
                    ctx.finding(&table.name,
                        format!("unique index {} is invalid: uniqueness of ({}) is not guaranteed (duplicates are accepted) and INSERT … ON CONFLICT ({}) fails for want of an arbiter index; never used by queries, still maintained on every write", index.name.name, index.keys_sql(), index.keys_sql()),
                    )
                    .hazard(HazardKind::DataLoss, crate::score::CEILING_INVALID_UNIQUE_INDEX)
                } else {
                    ctx.finding(&table.name,
                        format!("index {} is invalid: never used by queries, still maintained on every write", index.name.name),
                    )
                }
                .object(&index.name.name);
                // PostgreSQL's documented recovery (CREATE INDEX, "Building Indexes
                // Concurrently"): drop the index and build it again, or REINDEX it
                // CONCURRENTLY. A unique build fails again while the duplicate keys
                // that usually made it fail are there, so for a unique index the
                // statement that always runs is the drop; the rebuild is advice.
                let finding = if index.unique {
                    finding
                        .fix(format!("DROP INDEX CONCURRENTLY IF EXISTS {};", index.name.sql()))
                        .help(format!(
                            "remove the duplicate keys ({}), then build it again: CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({}){}",
                            index.keys_sql(),
                            crate::model::quote_ident(&index.name.name),
                            table.name.sql(),
                            index.keys_sql(),
                            index
                                .predicate
                                .as_ref()
                                .map(|p| format!(" WHERE {p}"))
                                .unwrap_or_default()
                        ))
                } else {
                    finding
                        .fix(format!("REINDEX INDEX CONCURRENTLY {};", index.name.sql()))
                        .help("if the rebuild fails the way the first build did, DROP INDEX CONCURRENTLY it")
                };
                out.push(finding);
            }
        }
        out
    }
}
