use crate::finding::Finding;
use crate::rules::analysis::is_prefix_of;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a btree index whose keys are a strict leading prefix of another btree
    /// index on the same table with the same predicate (in the same order, or with
    /// every key's direction and NULLS placement reversed: a btree is scanned in both
    /// directions, so `(a DESC)` is served by `(a, b)`), when the shorter one is not
    /// unique (a unique index enforces something the longer one does not) and its
    /// INCLUDE columns are all present in the longer one.
    ///
    /// ## Why is this bad?
    /// The longer index serves every query the shorter one serves, at almost the same
    /// cost, so the shorter one only slows writes and takes space.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_idx;
    /// ```
    RedundantIndex { id: "redundant-index", summary: "Index is a prefix of another index", evidence: Structure }
}

impl Rule for RedundantIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            // An INVALID index is `invalid-index`'s finding, on either side.
            for short in table.indexes.iter().filter(|i| i.valid) {
                let Some(long) = table
                    .indexes
                    .iter()
                    .filter(|l| l.valid)
                    .find(|l| is_prefix_of(short, l))
                else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        &table.name,
                        format!(
                            "index {} ({}) is a prefix of {} ({})",
                            short.name.name,
                            short.keys_sql(),
                            long.name.name,
                            long.keys_sql()
                        ),
                    )
                    .object(&short.name.name)
                    .fix(format!(
                        "DROP INDEX CONCURRENTLY IF EXISTS {};",
                        short.name.sql()
                    ))
                    .location(short.location.as_ref()),
                );
            }
        }
        out
    }
}
