use crate::finding::Finding;
use crate::model::{quote_ident, FkAction, MatchType};
use crate::rules::analysis::{own_foreign_keys, replace_fk_sql};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags multi-column foreign keys under the default `MATCH SIMPLE` where some of
    /// the referencing columns are nullable.
    ///
    /// Not flagged: a key whose nullable columns are all in its `ON DELETE SET NULL
    /// (columns)` list (PostgreSQL 15+). There the half-null row is what the action is
    /// designed to leave (`(tenant_id, NULL)` after the project goes), and MATCH FULL
    /// would make that delete fail (PostgreSQL docs: "5.5.5. Foreign Keys" and
    /// `CREATE TABLE`'s `MATCH FULL` / `SET NULL ( column_name [, ... ] )`).
    ///
    /// ## Why is this bad?
    /// Under MATCH SIMPLE a row with *any* NULL in the key is not checked at all:
    /// `(tenant_id, NULL)` passes even when `tenant_id` points nowhere, so
    /// half-filled references slip in silently.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE line_items (tenant_id bigint, order_id bigint,
    ///   FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id));
    /// ```
    ///
    /// ## Fix
    /// Make the columns NOT NULL, or require all-or-nothing with MATCH FULL:
    /// ```sql
    /// ALTER TABLE line_items DROP CONSTRAINT line_items_tenant_id_order_id_fkey,
    ///   ADD CONSTRAINT line_items_tenant_id_order_id_fkey FOREIGN KEY (tenant_id, order_id)
    ///   REFERENCES orders (tenant_id, id) MATCH FULL NOT VALID;
    /// ```
    FkNullableMatchSimple { id: "fk-nullable-match-simple", summary: "Multi-column foreign key with nullable columns under MATCH SIMPLE", evidence: Behaviour }
}

impl Rule for FkNullableMatchSimple {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table) {
                if fk.columns.len() < 2 || fk.match_type != MatchType::Simple {
                    continue;
                }
                let nullable: Vec<&crate::model::Name> = fk
                    .columns
                    .iter()
                    .filter(|c| table.column(c).is_some_and(|col| !col.not_null))
                    .collect();
                if nullable.is_empty() {
                    continue;
                }
                let designed = !fk.delete_set_columns.is_empty()
                    && matches!(fk.on_delete, FkAction::SetNull | FkAction::SetDefault)
                    && nullable.iter().all(|c| fk.delete_set_columns.contains(c));
                if designed {
                    continue;
                }
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "foreign key {} ({}) is MATCH SIMPLE with nullable {}: rows with a NULL in the key are not checked",
                            fk.name,
                            fk.columns.join(", "),
                            nullable.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(if fk.delete_set_columns.is_empty() {
                        replace_fk_sql(table, fk, crate::rules::analysis::FkChange::MatchFull)
                    } else {
                        // MATCH FULL would make the SET NULL (columns) action fail: the
                        // columns outside its list are the ones to make NOT NULL.
                        nullable
                            .iter()
                            .filter(|c| !fk.delete_set_columns.contains(c))
                            .map(|c| {
                                format!(
                                    "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;",
                                    table.name.sql(),
                                    quote_ident(c)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}
