use crate::finding::Finding;
use crate::model::{quote_ident, FkAction, ForeignKey, Table};
use crate::rules::analysis::{
    inherited_from_parent, is_actor_column, is_link_table, own_foreign_keys, replace_fk_sql,
    soft_delete, SoftDelete,
};
use crate::rules::options::words;
use crate::rules::soft_delete::soft_delete_unique::{
    live_key_sql, unscoped_keys, IDENTIFIER_COLUMNS,
};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `exempt_table_words`: Words in a table name that mark a table whose rows are kept whatever their parent is.
pub const EXEMPT_TABLE_WORDS: OptionSpec = OptionSpec {
    name: "exempt_table_words",
    kind: OptionKind::Words,
    default: r#"["audit", "audits", "history", "histories", "log", "logs", "ledger", "ledgers", "payment", "payments", "invoice", "invoices", "transaction", "transactions", "session", "sessions", "token", "tokens", "account", "accounts", "report", "reports", "modlog", "modlogs"]"#,
    doc: "Words in a table name that mark a table whose rows are kept whatever their parent is.",
};

/// `pointer_words`: First words of a foreign-key column name that mark a pointer to a chosen row, not a parent.
pub const POINTER_WORDS: OptionSpec = OptionSpec {
    name: "pointer_words",
    kind: OptionKind::Words,
    default: r#"["default", "current", "assigned", "installed", "suggested", "selected", "preferred", "primary", "featured", "pinned", "last", "latest"]"#,
    doc: "First words of a foreign-key column name that mark a pointer to a chosen row, not a parent.",
};

declare_rule! {
    /// ## What it does
    /// Flags tables that depend on a soft-delete parent (they have a foreign key to
    /// it) but have no soft-delete column of their own (see `soft-delete-unique` for
    /// how soft delete is recognised). Not dependence, and skipped:
    /// - link tables: every column is part of a foreign key (Prisma's `_AToB`), or is
    ///   a generated surrogate primary key, or records when the row was made or
    ///   changed (a `date` or `timestamp` column named `created…`, `updated…`,
    ///   `inserted…`, `modified…`, `published…` or `added…`: Rails'
    ///   `created_at`/`updated_at`, Lemmy's `published_at`); such a row holds
    ///   nothing of its own to hide;
    /// - foreign keys whose columns may be NULL, unless deletes cascade along them: a
    ///   row that may exist without the parent does not belong to it (an adjusted
    ///   fee's `fee_id`), it only refers to it;
    /// - foreign keys to a parent other than the one whose foreign-key columns lead
    ///   the table's composite primary key: `PRIMARY KEY (person_id, post_id)` says
    ///   each row is the person's (a vote, a save, a follow), and `post_id` names the
    ///   shared row acted on;
    /// - audit-like tables meant to outlive their parent (`exempt_table_words`: words
    ///   of the table name), and moderation records (`comment_report`, `modlog`): a
    ///   report or a moderation entry about a row is kept when the row goes, so the
    ///   decision stays on record;
    /// - foreign keys on columns that record who acted (`created_by`, `approver_id`,
    ///   `follow_approver_id`, `change_editor`, `voter`: the `actor_columns` option,
    ///   shared with `cascade-on-actor`): the row belongs to something else and the
    ///   person only acted on it;
    /// - foreign keys declared `ON DELETE SET NULL` or `SET DEFAULT`: the schema
    ///   itself says the row outlives its parent (PostgreSQL docs, 5.4.5 "Foreign
    ///   Keys");
    /// - pointers: a foreign-key column whose first word is in `pointer_words`
    ///   (`default_ds_type`, `assigned_distribution_set`, `current_version_id`)
    ///   selects one row of a shared table as a setting or a state; the row does not
    ///   belong to what it points at.
    ///
    /// ## Why is this bad?
    /// When the parent is soft-deleted its children cannot follow: they stay live,
    /// show up in counts and listings, and every query has to remember to join the
    /// parent to filter them out. Restoring the parent cannot tell which children were
    /// deleted with it.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE products (id text PRIMARY KEY, "deletedAt" timestamp(3));
    /// CREATE TABLE features (id text PRIMARY KEY, product_id text NOT NULL REFERENCES products);
    /// ```
    ///
    /// ## Fix
    /// Give the child the parent's soft-delete column (snake_case in a table whose
    /// names are all lower case: `deleted_at` for a `deletedAt` parent) and scope its unique keys to
    /// live rows (as `soft-delete-unique` does); the fix does the same for every
    /// table that in turn depends on the child, and turns `ON DELETE CASCADE` into
    /// `RESTRICT` on the foreign keys into tables that now soft-delete (as
    /// `soft-delete-hard-cascade` does), so applying it leaves no new finding of the
    /// pack. Soft-deleting a child with its parent stays the application's job. Each
    /// statement runs on its own:
    /// ```sql
    /// ALTER TABLE features ADD COLUMN IF NOT EXISTS "deletedAt" timestamp with time zone;
    /// ```
    SoftDeleteInconsistent { id: "soft-delete-inconsistent", summary: "Child of a soft-delete table has no soft-delete column", evidence: Convention, options: [crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS, EXEMPT_TABLE_WORDS, crate::rules::analysis::ACTOR_COLUMNS, POINTER_WORDS, IDENTIFIER_COLUMNS] }
}

impl Rule for SoftDeleteInconsistent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table) {
                let Some(parent) = ctx.db.table(&fk.references) else {
                    continue;
                };
                // The parent's soft delete first: it rules out most foreign keys, cheaply.
                let Some(marker) = soft_delete(parent, ctx.options) else {
                    continue;
                };
                if !depends(ctx, table, fk) {
                    continue;
                }
                let column = marker.column();
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{} depends on {} (foreign key {}), which soft-deletes rows by {}, but {} has no soft-delete column",
                            table.name.name, parent.name.name, fk.name, column.name, table.name.name
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(fix(ctx, table, &NewMarker::like(&marker)))
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}

/// Whether `table` depends on the parent of `fk` the way this rule means (the
/// parent's soft delete aside): see the rule's docs for what is not dependence.
fn depends(ctx: &Context, table: &Table, fk: &ForeignKey) -> bool {
    let pointer = |c: &str| {
        words(c)
            .first()
            .is_some_and(|w| ctx.options.lowered(&POINTER_WORDS).contains(w))
    };
    !table.is_partition()
        && soft_delete(table, ctx.options).is_none()
        && !ctx
            .options
            .name_has_word(&EXEMPT_TABLE_WORDS, &table.name.name)
        && !is_link_table(table)
        && !links_with_timestamps(table)
        && fk.references != table.name
        && (fk.on_delete == FkAction::Cascade
            || fk
                .columns
                .iter()
                .all(|c| table.column(c).is_some_and(|c| c.not_null)))
        && !owned_by_another(table, fk)
        && !fk.columns.iter().any(|c| is_actor_column(ctx.options, c))
        && !matches!(fk.on_delete, FkAction::SetNull | FkAction::SetDefault)
        && !fk.columns.iter().any(|c| pointer(c))
}

/// Whether every column of `table` is part of a foreign key, a generated
/// surrogate primary key, or a `date`/`timestamp` named for when the row was made
/// or changed (`created_at`, `updated_at`, `published`): a link table with
/// bookkeeping times.
fn links_with_timestamps(table: &Table) -> bool {
    let in_fk = |c: &crate::model::Column| {
        table
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.contains(&c.name))
    };
    let surrogate = |c: &crate::model::Column| {
        crate::rules::analysis::database_generated(c)
            && table
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns == [c.name.clone()])
    };
    const BOOKKEEPING: &[&str] = &[
        "created",
        "updated",
        "inserted",
        "modified",
        "published",
        "added",
    ];
    let time = |c: &crate::model::Column| {
        c.data_type.array_dims == 0
            && words(&c.name)
                .first()
                .is_some_and(|w| BOOKKEEPING.contains(&w.as_str()))
            && matches!(
                c.data_type.name.as_str(),
                "date" | "timestamp with time zone" | "timestamp without time zone"
            )
    };
    table.foreign_keys.len() > 1
        && table.columns.iter().any(&time)
        && table
            .columns
            .iter()
            .all(|c| in_fk(c) || surrogate(c) || time(c))
}

/// Whether `table`'s composite primary key leads with the columns of a foreign key
/// other than `fk`, and `fk`'s columns do not lead it: the row is that other
/// parent's, and `fk` names a shared row it refers to.
fn owned_by_another(table: &Table, fk: &ForeignKey) -> bool {
    let Some(pk) = table.primary_key.as_ref().filter(|pk| pk.columns.len() > 1) else {
        return false;
    };
    let leads = |key: &ForeignKey| pk.columns.starts_with(&key.columns);
    !leads(fk)
        && table
            .foreign_keys
            .iter()
            .any(|other| other.references != fk.references && leads(other))
}

/// The soft-delete column a fix adds: the parent's name, a type that holds it.
struct NewMarker {
    name: String,
    sql_type: &'static str,
    live: String,
}

impl NewMarker {
    fn like(marker: &SoftDelete) -> Self {
        let name = marker.column().name.to_string();
        let quoted = quote_ident(&name);
        let (sql_type, live) = match marker {
            SoftDelete::Active(_) => ("boolean NOT NULL DEFAULT true", quoted),
            SoftDelete::Deleted(c) if c.data_type.name == "boolean" => {
                ("boolean NOT NULL DEFAULT false", format!("NOT {quoted}"))
            }
            SoftDelete::Deleted(_) => ("timestamp with time zone", format!("{quoted} IS NULL")),
        };
        NewMarker {
            name,
            sql_type,
            live,
        }
    }

    /// The column under the table's own naming convention: a parent's camelCase
    /// name (`deletedAt`) becomes snake_case (`deleted_at`) in a table whose
    /// identifiers are all lower case, when the option lists that name too.
    fn named_for(&self, ctx: &Context, table: &Table) -> NewMarker {
        let lower_case = |s: &str| !s.chars().any(|c| c.is_ascii_uppercase());
        let snake = words(&self.name).join("_");
        let listed = ctx
            .options
            .string_list(&crate::rules::analysis::DELETED_COLUMNS)
            .into_iter()
            .chain(
                ctx.options
                    .string_list(&crate::rules::analysis::ACTIVE_COLUMNS),
            )
            .any(|n| n == snake);
        let name = if !lower_case(&self.name)
            && listed
            && lower_case(&table.name.name)
            && table.columns.iter().all(|c| lower_case(&c.name))
        {
            snake
        } else {
            self.name.clone()
        };
        let live = self
            .live
            .replace(&quote_ident(&self.name), &quote_ident(&name));
        NewMarker {
            name,
            sql_type: self.sql_type,
            live,
        }
    }
}

/// Give `child` the soft-delete column, scope its unique keys to live rows, and do
/// the same for every table that then depends on a table given the column; foreign
/// keys that cascade hard deletes from such a table become `ON DELETE RESTRICT`.
fn fix(ctx: &Context, child: &Table, marker: &NewMarker) -> String {
    let mut statements = Vec::new();
    let mut queue = std::collections::VecDeque::from([child]);
    let mut seen = std::collections::BTreeSet::from([&child.name]);
    while let Some(table) = queue.pop_front() {
        let marker = marker.named_for(ctx, table);
        statements.push(format!(
            "ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {};",
            table.name.sql(),
            quote_ident(&marker.name),
            marker.sql_type
        ));
        for index in unscoped_keys(ctx, table, &marker.name) {
            statements.push(live_key_sql(
                ctx.db,
                table,
                index,
                &marker.name,
                &marker.live,
            ));
        }
        let referencing = ctx
            .links
            .referencing(&table.name)
            .filter(|(t, fk)| !inherited_from_parent(ctx.db, t, fk));
        for (referencing, fk) in referencing {
            if fk.on_delete == FkAction::Cascade {
                statements.push(replace_fk_sql(
                    referencing,
                    fk,
                    crate::rules::analysis::FkChange::OnDelete(crate::model::FkAction::Restrict),
                ));
            }
            if depends(ctx, referencing, fk) && seen.insert(&referencing.name) {
                queue.push_back(referencing);
            }
        }
    }
    statements.join("\n")
}
