use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::analysis::own_foreign_keys;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign key columns whose type differs from the referenced column's type
    /// (`integer` referencing `bigint`, `text` referencing `uuid`, `varchar`
    /// referencing `text`). Length differences of the same type are not reported.
    ///
    /// ## Why is this bad?
    /// The child column may not hold every parent value (an `integer` child overflows
    /// once the `bigint` parent passes 2^31), and comparisons across types need
    /// casts that can keep the planner from using indexes on joins.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// CREATE TABLE posts (id bigint PRIMARY KEY, user_id integer REFERENCES users (id));
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE posts ALTER COLUMN user_id TYPE bigint; -- rewrites the table: plan a window
    /// ```
    FkTypeMismatch { id: "fk-type-mismatch", summary: "Foreign key column type differs from the referenced column", evidence: Structure }
}

impl Rule for FkTypeMismatch {
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
                for (col, ref_col) in fk.columns.iter().zip(&fk.referenced_columns) {
                    let (Some(child), Some(referenced)) =
                        (table.column(col), parent.column(ref_col))
                    else {
                        continue;
                    };
                    if child.data_type.same_base(&referenced.data_type)
                        || child.data_type.name == "unknown"
                    {
                        continue;
                    }
                    out.push(
                        ctx.finding(
                            &table.name,
                            format!(
                                "{}.{} is {} but references {}.{} of type {}",
                                table.name.name,
                                col,
                                child.data_type,
                                parent.name.name,
                                ref_col,
                                referenced.data_type
                            ),
                        )
                        .columns(&[col])
                        .object(&fk.name)
                        .fix(format!(
                            "ALTER TABLE {} ALTER COLUMN {} TYPE {}; -- rewrites the table",
                            table.name.sql(),
                            quote_ident(col),
                            referenced.data_type.sql()
                        ))
                        .location(fk.location.as_ref()),
                    );
                }
            }
        }
        out
    }
}
