use crate::finding::Finding;
use crate::model::{FkAction, Name};
use crate::rules::analysis::{
    covering_index, fk_index_fix, own_foreign_keys, partly_covering_index, unattached_parent_index,
    unindexed_fk_hazard,
};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign keys whose referencing columns have no covering index: the one
    /// finding for an unindexed foreign key, whatever its `ON DELETE` action.
    ///
    /// For every parent row deleted (or whose key changes), PostgreSQL looks up the
    /// child rows with `SELECT 1 FROM ONLY child WHERE fk1 = $1 AND fk2 = $2 FOR KEY
    /// SHARE` (`NO ACTION`, `RESTRICT`), or deletes or updates them with the same
    /// `WHERE` (`CASCADE`, `SET NULL`, `SET DEFAULT`). An index covers the foreign key
    /// when the planner can use it for that lookup:
    /// - it is valid, a btree (or a hash on one column), and its first |C| key columns
    ///   are exactly the foreign key's columns C, in any order: `(y, x)` covers
    ///   `(x, y)`; `(created_at, customer_id)` does not cover `customer_id`, and
    ///   INCLUDE columns do not count;
    /// - or it is a unique btree whose key columns are all among C (at most one row
    ///   per lookup);
    /// - and, if partial, its predicate is implied by the lookup. `fk = $1` implies
    ///   `fk IS NOT NULL` (the `=` operator is strict), so a predicate made only of
    ///   `IS NOT NULL` tests on the foreign key's columns, alone or ANDed, is implied:
    ///   `CREATE INDEX … ON child (parent_id) WHERE parent_id IS NOT NULL` covers.
    ///   Any other predicate (`WHERE deleted_at IS NULL`) does not: rows outside it
    ///   still have to be found. See "Partial Indexes" (indexes-partial.html) and
    ///   "Foreign Keys" (ddl-constraints.html#DDL-CONSTRAINTS-FK).
    ///
    /// A composite foreign key whose leading columns some index serves only in part
    /// (foreign key `(partition_id, build_id)`, index `(build_id, name)`) is reported
    /// as partly served instead, at `info` whatever the rule's severity, naming the
    /// index that helps and the columns it lacks; its object is
    /// `<constraint>.partly-indexed`, a fingerprint of its own. On a partitioned table
    /// the foreign key is reported once, at the parent. When the parent has an `ON
    /// ONLY` index on the columns that is invalid because a partition has no index
    /// attached to it, the fix builds and attaches the partitions' indexes (which makes
    /// it valid; "5.12.2.2. Partition Maintenance") instead of a second index.
    ///
    /// `cascade-unindexed` reports the cascading subset of these foreign keys; it runs
    /// only when this rule does not, so one unindexed foreign key is one finding, in
    /// this rule's category. Its message names the cascade; the severity is not raised
    /// for it, since a `NO ACTION` check scans the child exactly as often as a
    /// cascade does.
    ///
    /// ## Why is this bad?
    /// PostgreSQL indexes the referenced side (it must be unique) but never the
    /// referencing side. Every DELETE or key UPDATE on the parent then scans the
    /// child table to check for references, holding locks while it does, and joins
    /// from parent to children scan too. With a cascade, the scan runs inside the
    /// parent's DELETE for every row deleted. Prisma creates no such indexes on
    /// PostgreSQL.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders (customer_id);
    /// ```
    FkMissingIndex { id: "fk-missing-index", summary: "Foreign key columns have no covering index", evidence: Structure }
}

impl Rule for FkMissingIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table) {
                if covering_index(table, &fk.columns).is_some() {
                    continue;
                }
                let unattached = unattached_parent_index(table, &fk.columns);
                let fix = fk_index_fix(ctx.db, table, &fk.columns);
                if let Some((index, served)) = partly_covering_index(table, &fk.columns) {
                    let missing: Vec<&Name> =
                        fk.columns.iter().filter(|c| !served.contains(c)).collect();
                    out.push(
                        ctx.finding(
                            &table.name,
                            format!(
                                "foreign key {} ({}) → {} is served only partly by index {} ({}): each lookup reads every row with the same {} and filters on {}",
                                fk.name,
                                fk.columns.join(", "),
                                fk.references,
                                index.name.name,
                                served.join(", "),
                                served.join(", "),
                                missing.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        )
                        .columns(&fk.columns)
                        .object(format!("{}.partly-indexed", fk.name))
                        .fix(fix)
                        .location(fk.location.as_ref())
                        .downgraded(),
                    );
                    continue;
                }
                let cascade = match fk.on_delete {
                    FkAction::Cascade | FkAction::SetNull | FkAction::SetDefault => format!(
                        "; its ON DELETE {} scans {} for every {} row deleted",
                        fk.on_delete.sql(),
                        table.name.name,
                        fk.references.name
                    ),
                    _ => String::new(),
                };
                out.push(unindexed_fk_hazard(
                    ctx.finding(
                        &table.name,
                        format!(
                            "foreign key {} ({}) → {} has no covering index{cascade}{}",
                            fk.name,
                            fk.columns.join(", "),
                            fk.references,
                            unattached.map(|i| format!(
                                " ({} was created ON ONLY and stays invalid until every partition's index is attached to it)",
                                i.name.name
                            )).unwrap_or_default()
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(fix)
                    .location(fk.location.as_ref()),
                    table,
                    fk,
                ));
            }
        }
        out
    }
}
