use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags columns of type `json`.
    ///
    /// ## Why is this bad?
    /// `json` stores the text as written and re-parses it on every access. It cannot
    /// be indexed with GIN, has no equality operator (so `SELECT DISTINCT`, `UNION`
    /// and `GROUP BY` fail on it), and keeps duplicate keys. `jsonb` has none of
    /// these problems.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE profiles (id bigint PRIMARY KEY, settings json);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE profiles ALTER COLUMN settings TYPE jsonb USING settings::jsonb; -- rewrites the table
    /// ```
    JsonNotJsonb { id: "json-not-jsonb", summary: "json column instead of jsonb", evidence: Structure }
}

impl Rule for JsonNotJsonb {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in table.columns.iter().filter(|c| c.data_type.name == "json") {
                let c = quote_ident(&column.name);
                let array = "[]".repeat(column.data_type.array_dims as usize);
                out.push(
                    ctx.finding(&table.name, format!("{}.{} is json; use jsonb", table.name.name, column.name))
                        .columns(&[&column.name])
                        .fix(format!(
                            "ALTER TABLE {} ALTER COLUMN {c} TYPE jsonb{array} USING {c}::jsonb{array}; -- rewrites the table",
                            table.name.sql()
                        ))
                        .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
