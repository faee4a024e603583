use crate::finding::Finding;
use crate::rules::analysis::{covering_index, create_index_sql, own_foreign_keys};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign keys whose referencing columns have no covering index. An index
    /// covers a foreign key on columns C when it is valid, not partial, a btree (or a
    /// hash on one column), and its first |C| key columns are exactly C in any order.
    /// INCLUDE columns do not count: `(created_at, customer_id)` does not cover
    /// `customer_id`; `(y, x)` does cover `(x, y)`. On a partitioned table the foreign
    /// key is reported once, at the parent.
    ///
    /// ## Why is this bad?
    /// PostgreSQL indexes the referenced side (it must be unique) but never the
    /// referencing side. Every DELETE or key UPDATE on the parent then scans the
    /// child table to check for references, holding locks while it does, and joins
    /// from parent to children scan too. Prisma creates no such indexes on PostgreSQL.
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
    FkMissingIndex { id: "fk-missing-index", summary: "Foreign key columns have no covering index" }
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
                out.push(
                    ctx.finding(
                        &table.name,
                        format!(
                            "foreign key {} ({}) → {} has no covering index",
                            fk.name,
                            fk.columns.join(", "),
                            fk.references
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(create_index_sql(table, &fk.columns))
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}
