use crate::finding::Finding;
use crate::model::FkAction;
use crate::rules::analysis::{
    covering_index, fk_index_fix, own_foreign_keys, partly_covering_index, unindexed_fk_hazard,
};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign keys with an `ON DELETE CASCADE`, `SET NULL` or `SET DEFAULT`
    /// action whose child columns no index serves (see `fk-missing-index` for what
    /// covers, partial indexes included). `ON UPDATE CASCADE` alone is not reported:
    /// primary keys rarely change, and Prisma puts it on every relation.
    ///
    /// Runs only when `fk-missing-index` does not (for example with `packs =
    /// ["cascades"]`): that rule reports every unindexed foreign key, names the
    /// cascade in its message, and would otherwise report the same defect with the
    /// same fix a second time, in a second scorecard category. Foreign keys an index
    /// serves only in part are left to `fk-missing-index` (an `info` there).
    ///
    /// ## Why is this bad?
    /// The action runs inside the parent's DELETE: for every parent row deleted,
    /// PostgreSQL scans the whole child table to find the rows to delete or update,
    /// holding row locks on the parent meanwhile. Deleting a tenant with a thousand
    /// rows becomes a thousand sequential scans.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE comments (id bigint PRIMARY KEY,
    ///   post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// CREATE INDEX CONCURRENTLY comments_post_id_idx ON public.comments (post_id);
    /// ```
    CascadeUnindexed { id: "cascade-unindexed", summary: "Cascading foreign key without a covering index", evidence: Structure, superseded_by: "fk-missing-index" }
}

impl Rule for CascadeUnindexed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table) {
                let acting = matches!(
                    fk.on_delete,
                    FkAction::Cascade | FkAction::SetNull | FkAction::SetDefault
                );
                if !acting
                    || covering_index(table, &fk.columns).is_some()
                    || partly_covering_index(table, &fk.columns).is_some()
                {
                    continue;
                }
                let action = format!("ON DELETE {}", fk.on_delete.sql());
                out.push(unindexed_fk_hazard(
                    ctx.finding(&table.name,
                        format!(
                            "foreign key {} is {action} but {} ({}) is not indexed: each delete from {} scans {}",
                            fk.name,
                            table.name.name,
                            fk.columns.join(", "),
                            fk.references,
                            table.name.name
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(fk_index_fix(ctx.db, table, &fk.columns))
                    .location(fk.location.as_ref()),
                    table,
                    fk,
                ));
            }
        }
        out
    }
}
