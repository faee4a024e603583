use super::{existing, finding};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN ... TYPE` on a table that existed before this migration,
    /// unless the change is binary-coercible and needs no rewrite: `varchar(n)` to
    /// `varchar(m)` with m ≥ n, `varchar` to `text` (and back to unbounded `varchar`),
    /// `numeric(p,s)` to `numeric(q,s)` with q ≥ p or to unbounded `numeric`,
    /// `varbit(n)` to `varbit(m ≥ n)`, `cidr` to `inet`.
    ///
    /// ## Why is this bad?
    /// Any other type change rewrites the table and rebuilds its indexes under an
    /// ACCESS EXCLUSIVE lock; shrinking a length scans every row to check it.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN id TYPE bigint;
    /// ```
    ///
    /// ## Fix
    /// Add a new column, backfill it in batches (with a trigger for new writes), then
    /// swap names in a short transaction; or schedule the rewrite in a maintenance
    /// window.
    AlterColumnTypeRewrite { id: "alter-column-type-rewrite", summary: "ALTER COLUMN TYPE that rewrites the table", kind: Migration }
}

pub use crate::source::sql::locks::binary_coercible;

impl Rule for AlterColumnTypeRewrite {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let Some(model) = ctx.event.db.table(&q) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for action in actions {
            let TableAction::AlterColumnType { column, data_type } = action else {
                continue;
            };
            let Some(old) = model.column(column).map(|c| &c.data_type) else {
                continue;
            };
            if binary_coercible(old, &data_type.data_type) {
                continue;
            }
            out.push(finding(ctx,
                &q,
                column,
                format!(
                    "changing {}.{column} from {old} to {} rewrites {q} and its indexes under ACCESS EXCLUSIVE (blocks every read and write)",
                    q.name, data_type.data_type
                ),
                {
                    let t = q.sql();
                    let col = crate::model::quote_ident(column);
                    let new = crate::model::quote_ident(&format!("{column}_new"));
                    let old_name = crate::model::quote_ident(&format!("{column}_old"));
                    let ty = data_type.data_type.sql();
                    format!(
                        "ALTER TABLE {t} ADD COLUMN {new} {ty};\n\
                         -- keep {new} in sync with a trigger, backfill in batches:\n\
                         UPDATE {t} SET {new} = {col}::{ty} WHERE {new} IS NULL AND ctid IN (SELECT ctid FROM {t} WHERE {new} IS NULL LIMIT 10000);\n\
                         -- then, in one short transaction:\n\
                         ALTER TABLE {t} RENAME COLUMN {col} TO {old_name};\n\
                         ALTER TABLE {t} RENAME COLUMN {new} TO {col};"
                    )
                },
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DataType;

    fn t(name: &str, mods: &[i64]) -> DataType {
        DataType::from_sql_name(None, name, mods.to_vec(), 0).0
    }

    #[test]
    fn coercible_changes() {
        assert!(binary_coercible(&t("varchar", &[20]), &t("varchar", &[40])));
        assert!(binary_coercible(&t("varchar", &[20]), &t("text", &[])));
        assert!(binary_coercible(
            &t("numeric", &[10, 2]),
            &t("numeric", &[12, 2])
        ));
        assert!(!binary_coercible(
            &t("varchar", &[40]),
            &t("varchar", &[20])
        ));
        assert!(!binary_coercible(&t("int4", &[]), &t("int8", &[])));
        assert!(!binary_coercible(
            &t("numeric", &[10, 2]),
            &t("numeric", &[12, 3])
        ));
    }
}
