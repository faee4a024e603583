use crate::finding::Finding;
use crate::model::{Index, IndexRole};
use crate::rules::analysis::{drop_index_sql, same_order};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags indexes that duplicate another index on the same table: same method, same
    /// keys (columns, expressions, operator classes, collations, sort order), same
    /// INCLUDE columns and same predicate. A btree is scanned in both directions, so
    /// two btrees whose keys differ only by every key's direction and NULLS placement
    /// reversed (`(a)` and `(a DESC)`, `(a, b DESC)` and `(a DESC, b)`) serve the
    /// same lookups and orderings ("Indexes and ORDER BY" in PostgreSQL's docs);
    /// `(a DESC NULLS LAST)` beside `(a)`, or one key reversed of two, do not. When
    /// only uniqueness differs, the non-unique one is the duplicate. The index
    /// reported is the one to drop: never the one behind a constraint, and never
    /// because of an INVALID twin (that one is `invalid-index`'s finding).
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

/// Same method, INCLUDE list and predicate, and keys that serve the same lookups and
/// orderings: equal, or for a btree every key's direction and NULLS placement
/// reversed ([`same_order`]: the planner scans a btree backward).
pub fn same_definition(a: &Index, b: &Index) -> bool {
    a.method == b.method
        && a.include == b.include
        && a.predicate == b.predicate
        && (a.keys == b.keys || (a.method == "btree" && same_order(&a.keys, &b.keys)))
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
            // An INVALID index serves no query: it is `invalid-index`'s finding, and
            // never the twin that makes a usable index look redundant.
            for a in indexes.iter().filter(|i| i.valid) {
                let Some(b) = indexes
                    .iter()
                    .filter(|b| b.valid && same_definition(a, b))
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
