use super::{existing, finding};
use crate::finding::Finding;
use crate::model::{IndexKey, Name, Table};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Bound, Statement};

declare_rule! {
    /// ## What it does
    /// Flags an `UPDATE` or `DELETE` of a table that existed before the migration
    /// when nothing bounds it to a batch: no WHERE clause, or one whose top-level AND
    /// terms compare no key column (the primary key's first column, or the column of
    /// a one-column unique key) for equality or between two constants, and no term
    /// matches a key (or `ctid`) against a subquery with a `LIMIT`. `WHERE id BETWEEN
    /// 1 AND 10000`, `WHERE id >= 1 AND id < 10001`, `WHERE id IN (SELECT id … LIMIT
    /// 1000)` and `WHERE id = 42` are bounded; `WHERE id > 0`, `WHERE email = ''`
    /// on a column that is no key, and an OR of anything are not, however few rows
    /// they may match today.
    ///
    /// ## Why is this bad?
    /// One statement changes every matching row in one transaction: each changed row
    /// stays locked until COMMIT, so the application's writes to those rows wait
    /// ("13.3.2. Row-Level Locks"); every updated or deleted row leaves a dead
    /// version behind, up to doubling the table until VACUUM reclaims it ("24.1.
    /// Routine Vacuuming"); and the WAL of the whole change goes to replicas at once.
    /// Inside a migration's transaction the statement also keeps every lock the
    /// migration took earlier for as long as it runs (`lock-held-across-statements`).
    ///
    /// ## Example
    /// ```sql
    /// UPDATE orders SET status = 'archived' WHERE created_at < '2020-01-01';
    /// ```
    ///
    /// ## Fix
    /// Backfill outside the schema migration, in batches bounded by the key, each
    /// committed on its own:
    /// ```sql
    /// UPDATE orders SET status = 'archived'
    /// WHERE id >= 1 AND id < 10001 AND created_at < '2020-01-01';
    /// -- repeat for the next id range
    /// ```
    UnbatchedBackfill { id: "unbatched-backfill", summary: "UPDATE/DELETE of an existing table with no batch bound", evidence: Behaviour, kind: Migration }
}

impl Rule for UnbatchedBackfill {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::RowChange {
            delete,
            table,
            filtered,
            bounds,
            limited_columns,
        } = ctx.event.statement
        else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let Some(model) = ctx.event.db.tables.get(&q) else {
            return Vec::new();
        };
        let keys = key_columns(model);
        if batched(&keys, bounds, limited_columns) {
            return Vec::new();
        }
        let verb = if *delete { "DELETE" } else { "UPDATE" };
        let change = if *delete { "deletes" } else { "changes" };
        let rows = if *filtered {
            "every row its WHERE clause matches (it bounds no key column)"
        } else {
            "every row (it has no WHERE clause)"
        };
        let held = if ctx.event.file.in_transaction() && !ctx.event.file.held_locks.is_empty() {
            ", and the migration's transaction keeps its earlier locks meanwhile"
        } else {
            ""
        };
        let how = match keys.first() {
            Some(key) => {
                let key = crate::model::quote_ident(key);
                format!("in batches of the key ({key} >= lo AND {key} < hi added to the WHERE clause)")
            }
            None => format!(
                "in batches ({} has no key: pick each batch with ctid IN (SELECT ctid FROM {} WHERE … LIMIT 5000) and repeat)",
                q.name,
                q.sql()
            ),
        };
        vec![finding(
            ctx,
            &q,
            &format!("{}-backfill", verb.to_ascii_lowercase()),
            format!(
                "{verb} of {q} {change} {rows} in one transaction: each row stays locked until COMMIT and leaves a dead version behind until VACUUM{held}"
            ),
            format!("-- backfill outside the migration, {how}, each committed on its own"),
        )]
    }
}

/// Whether the WHERE clause bounds the rows to a batch: a key column compared for
/// equality with constants, or between two of them (BETWEEN, or a lower and an upper
/// bound), or a key column (or `ctid`) matched against a subquery with a LIMIT.
fn batched(keys: &[&Name], bounds: &[(Name, Bound)], limited_columns: &[Name]) -> bool {
    let is_key = |c: &Name| keys.contains(&c);
    if limited_columns.iter().any(|c| is_key(c) || &**c == "ctid") {
        return true;
    }
    keys.iter().any(|key| {
        let on_key = |b: Bound| bounds.iter().any(|(c, k)| c == *key && *k == b);
        on_key(Bound::Equal)
            || on_key(Bound::Between)
            || (on_key(Bound::Lower) && on_key(Bound::Upper))
    })
}

/// Columns that bound a batch when compared with constants: the primary key's first
/// column, and the column of a one-column unique constraint or unique index.
fn key_columns(table: &Table) -> Vec<&Name> {
    let mut out: Vec<&Name> = Vec::new();
    if let Some(first) = table.primary_key.as_ref().and_then(|pk| pk.columns.first()) {
        out.push(first);
    }
    for u in &table.unique_constraints {
        if let [only] = u.columns.as_slice() {
            out.push(only);
        }
    }
    for i in table
        .indexes
        .iter()
        .filter(|i| i.unique && i.predicate.is_none())
    {
        if let [only] = i.keys.as_slice() {
            if let IndexKey::Column(c) = &only.key {
                out.push(c);
            }
        }
    }
    out
}
