use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::analysis::{is_actor_column, is_link_table, own_foreign_keys, soft_delete};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `exempt_table_words`: Words in a table name that mark a table whose rows are kept whatever their parent is.
pub const EXEMPT_TABLE_WORDS: OptionSpec = OptionSpec {
    name: "exempt_table_words",
    kind: OptionKind::Words,
    default: r#"["audit", "audits", "history", "histories", "log", "logs", "ledger", "ledgers", "payment", "payments", "invoice", "invoices", "transaction", "transactions", "session", "sessions", "token", "tokens", "account", "accounts", "report", "reports", "modlog", "modlogs"]"#,
    doc: "Words in a table name that mark a table whose rows are kept whatever their parent is.",
};

declare_rule! {
    /// ## What it does
    /// Flags tables that depend on a soft-delete parent (they have a foreign key to
    /// it) but have no soft-delete column of their own. Pure link tables (every
    /// column is part of a foreign key, like Prisma's `_AToB`) are skipped. Audit-like tables that are
    /// meant to outlive their parent are skipped (`exempt_table_words` option: words
    /// of the table name), and so are moderation records (`comment_report`, `modlog`):
    /// a report or a moderation entry about a row is kept when the row goes, so the
    /// decision stays on record. Foreign keys on columns that record who acted
    /// (`created_by`, `approver_id`, `editor`, `updated_by`: the `actor_columns`
    /// option, shared with `cascade-on-actor`) are not dependence: the row belongs to
    /// something else and the person only acted on it.
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
    /// ```sql
    /// ALTER TABLE features ADD COLUMN "deletedAt" timestamp(3) with time zone;
    /// ```
    SoftDeleteInconsistent { id: "soft-delete-inconsistent", summary: "Child of a soft-delete table has no soft-delete column", options: [crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS, EXEMPT_TABLE_WORDS, crate::rules::analysis::ACTOR_COLUMNS] }
}

impl Rule for SoftDeleteInconsistent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            if soft_delete(table, ctx.options).is_some()
                || ctx
                    .options
                    .name_has_word(&EXEMPT_TABLE_WORDS, &table.name.name)
                || is_link_table(table)
            {
                continue;
            }
            for fk in own_foreign_keys(ctx.db, table) {
                // A reference to who acted (created_by, approver_id) is not a parent
                // the row belongs to: the row lives on when that person goes.
                if fk.references == table.name
                    || fk.columns.iter().any(|c| is_actor_column(ctx.options, c))
                {
                    continue;
                }
                let Some(parent) = ctx.db.table(&fk.references) else {
                    continue;
                };
                let Some(marker) = soft_delete(parent, ctx.options) else {
                    continue;
                };
                let column = &marker.column();
                let column_type = if column.data_type.name == "boolean" {
                    format!(
                        "boolean NOT NULL DEFAULT {}",
                        if matches!(marker, crate::rules::analysis::SoftDelete::Active(_)) {
                            "true"
                        } else {
                            "false"
                        }
                    )
                } else {
                    "timestamp with time zone".to_string()
                };
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{} depends on {} (foreign key {}), which soft-deletes rows by {}, but {} has no soft-delete column",
                            table.name.name, parent.name.name, fk.name, column.name, table.name.name
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(format!("ALTER TABLE {} ADD COLUMN {} {column_type};", table.name.sql(), quote_ident(&column.name)))
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}
