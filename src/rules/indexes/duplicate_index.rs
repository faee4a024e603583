use crate::finding::Finding;
use crate::model::{Index, IndexRole};
use crate::rules::analysis::drop_index_sql;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags indexes that duplicate another index on the same table: same method, same
    /// keys (columns, expressions, operator classes, collations, sort order), same
    /// INCLUDE columns and same predicate. When only uniqueness differs, the
    /// non-unique one is the duplicate. The index reported is the one to drop: never
    /// the one behind a constraint.
    ///
    /// ## Why is this bad?
    /// Every copy is written on every INSERT and UPDATE, takes disk and cache, and
    /// makes vacuum slower, while the planner only ever needs one.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
    /// CREATE INDEX users_email_idx ON users (email);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx;
    /// ```
    DuplicateIndex { id: "duplicate-index", summary: "Index duplicates another index", evidence: Structure }
}

/// Same keys, method, INCLUDE list and predicate.
pub fn same_definition(a: &Index, b: &Index) -> bool {
    a.method == b.method && a.keys == b.keys && a.include == b.include && a.predicate == b.predicate
}

/// Which of identical indexes to keep: the primary key, then constraint-backed, then
/// unique, then the first by name (so the result is deterministic).
fn rank(i: &Index) -> impl Ord + '_ {
    (
        i.role == IndexRole::PrimaryKey,
        i.is_constraint(),
        i.unique,
        std::cmp::Reverse(&i.name),
    )
}

impl Rule for DuplicateIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            let indexes = &table.indexes;
            for a in indexes {
                let Some(b) = indexes
                    .iter()
                    .filter(|b| same_definition(a, b))
                    .max_by(|x, y| rank(x).cmp(&rank(y)))
                else {
                    continue;
                };
                if b.name == a.name {
                    continue;
                }
                let fix = drop_index_sql(table, a);
                out.push(
                    ctx.finding(
                        &table.name,
                        format!(
                            "index {} duplicates {} on ({})",
                            a.name.name,
                            b.name.name,
                            a.keys_sql()
                        ),
                    )
                    .object(&a.name.name)
                    .fix(fix)
                    .location(a.location.as_ref()),
                );
            }
        }
        out
    }
}
