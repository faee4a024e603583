use crate::finding::Finding;
use crate::model::{quote_ident, IndexRole};
use crate::rules::analysis::{drop_index_sql, mentions_column, soft_delete};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// In a table that uses soft delete (a `deleted_columns` column such as
    /// `deleted_at` / `deletedAt` / `is_deleted`, or an `active_columns` flag such as
    /// `is_active`), flags UNIQUE constraints and unique indexes that are not scoped
    /// to live rows by a partial predicate on that column. A key that *includes*
    /// a nullable `deleted_at` is flagged too: NULLs are distinct, so it no longer
    /// enforces anything among live rows.
    ///
    /// ## Why is this bad?
    /// A soft-deleted row still holds its key. Delete the organisation with slug
    /// `acme` and nobody can create a new `acme`; delete a user and the e-mail can
    /// never sign up again. The application sees a unique violation for a row it
    /// considers gone.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE organizations (id text PRIMARY KEY, slug text NOT NULL UNIQUE, "deletedAt" timestamp(3));
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY organizations_slug_live_key ON organizations (slug) WHERE "deletedAt" IS NULL;
    /// ALTER TABLE organizations DROP CONSTRAINT organizations_slug_key;
    /// ```
    SoftDeleteUnique { id: "soft-delete-unique", summary: "Unique key not scoped to live rows in a soft-delete table", options: [crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS] }
}

impl Rule for SoftDeleteUnique {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            let Some(marker) = soft_delete(table, ctx.options) else {
                continue;
            };
            let marker_name = &marker.column().name;
            for index in table
                .indexes
                .iter()
                .filter(|i| i.unique && i.role != IndexRole::PrimaryKey)
            {
                if index
                    .predicate
                    .as_deref()
                    .is_some_and(|p| mentions_column(p, marker_name))
                {
                    continue;
                }
                let keys: Vec<String> = index
                    .keys
                    .iter()
                    .filter(|k| k.column_name() != Some(marker_name.as_str()))
                    .map(|k| k.sql())
                    .collect();
                let includes_marker = keys.len() < index.keys.len();
                let message = if includes_marker {
                    format!(
                        "unique key {} includes {marker_name}: NULLs are distinct, so live rows are not kept unique",
                        index.name.name
                    )
                } else {
                    format!(
                        "unique key {} ({}) also counts soft-deleted rows ({marker_name}): a deleted row blocks re-creating the same key",
                        index.name.name,
                        index.keys_sql()
                    )
                };
                let drop = drop_index_sql(table, index);
                let mut predicate = marker.live_predicate();
                if let Some(existing) = &index.predicate {
                    predicate = format!("({existing}) AND {predicate}");
                }
                let new_name = quote_ident(&format!(
                    "{}_live_key",
                    index.name.name.trim_end_matches("_key")
                ));
                let cols: Vec<&str> = index.plain_key_columns().unwrap_or_default();
                out.push(
                    ctx.finding(&table.name, message)
                        .columns(&cols)
                        .object(&index.name.name)
                        .fix(format!(
                            "CREATE UNIQUE INDEX CONCURRENTLY {new_name} ON {} ({}) WHERE {predicate};\n{drop}",
                            table.name.sql(),
                            keys.join(", ")
                        ))
                        .location(index.location.as_ref()),
                );
            }
        }
        out
    }
}
