use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::analysis::{opclass_rebuilds, own_foreign_keys};
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
                    let finding = ctx
                        .finding(
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
                        .location(fk.location.as_ref());
                    // Only ever widen: the child takes the key's type when that holds
                    // every child value; a child wider than its key is left as it is.
                    // An index keyed with an integer operator class is rebuilt with
                    // the new type's (`int4_minmax_ops` → `int8_minmax_ops`).
                    let short = |t: &crate::model::DataType| match t.name.as_str() {
                        _ if t.array_dims > 0 => None,
                        "smallint" => Some("int2_"),
                        "integer" => Some("int4_"),
                        "bigint" => Some("int8_"),
                        _ => None,
                    };
                    let classes = short(&child.data_type).zip(short(&referenced.data_type));
                    let rebuilds = opclass_rebuilds(table, col, classes);
                    let finding = if let (true, Some((drops, creates))) = (
                        referenced.data_type.holds_all_of(&child.data_type),
                        &rebuilds,
                    ) {
                        let before: String = drops.iter().map(|s| format!("{s}\n")).collect();
                        let after: String = creates.iter().map(|s| format!("\n{s}")).collect();
                        finding.fix(format!(
                            "{before}ALTER TABLE {} ALTER COLUMN {} TYPE {};{after}",
                            table.name.sql(),
                            quote_ident(col),
                            referenced.data_type.sql(),
                        ))
                    } else if referenced.data_type.holds_all_of(&child.data_type) {
                        finding.help(format!(
                            "an index keys {col} with an operator class that the type change cannot keep (PostgreSQL refuses it): drop the index or its constraint, change the type to {}, and create it again with the new type's class",
                            referenced.data_type.sql()
                        ))
                    } else if child.data_type.holds_all_of(&referenced.data_type) {
                        finding.help(format!(
                            "{col} is wider than the key it references, and narrowing it could fail or lose values: widen {}.{} to {} instead (with the sequence behind it, ALTER SEQUENCE ... AS {}), and every other column that references it",
                            parent.name,
                            ref_col,
                            child.data_type.sql(),
                            child.data_type.sql()
                        ))
                    } else {
                        finding.help(format!(
                            "{} and {} do not convert into each other without loss: choose one type for both, check that every value converts, and change the other column with ALTER COLUMN ... TYPE ... USING",
                            child.data_type, referenced.data_type
                        ))
                    };
                    out.push(finding);
                }
            }
        }
        out
    }
}
