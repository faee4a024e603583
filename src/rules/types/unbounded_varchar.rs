use crate::finding::Finding;
use crate::rules::analysis::length_check_fix;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `suggested_length`: The length the fix proposes.
pub const SUGGESTED_LENGTH: OptionSpec = OptionSpec {
    name: "suggested_length",
    kind: OptionKind::Integer { min: 1 },
    default: r#"255"#,
    doc: "The length the fix proposes.",
};

declare_rule! {
    /// ## What it does
    /// Flags `varchar` / `character varying` columns declared without a length, and
    /// columns whose domain is such a type.
    ///
    /// ## Why is this bad?
    /// An unbounded varchar is `text` with a misleading name: it looks limited and is
    /// not, so user input of any size is accepted (a 50 MB "name" included). Rails'
    /// `string` and many hand-written schemas produce it.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE users (id bigint PRIMARY KEY, name character varying);
    /// ```
    ///
    /// ## Fix
    /// State the limit. A CHECK added NOT VALID and validated later avoids the table
    /// rewrite and long lock of changing the type:
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_name_length CHECK (char_length(name) <= 255) NOT VALID;
    /// ALTER TABLE users VALIDATE CONSTRAINT users_name_length;
    /// ```
    UnboundedVarchar { id: "unbounded-varchar", summary: "varchar column without a length", options: [SUGGESTED_LENGTH] }
}

impl Rule for UnboundedVarchar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let max = ctx.options.integer(&SUGGESTED_LENGTH);
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                let via_domain = ctx
                    .db
                    .domain_for(&column.data_type)
                    .is_some_and(|d| d.base.is_unbounded_varchar());
                if !column.data_type.is_unbounded_varchar() && !via_domain {
                    continue;
                }
                out.push(
                    ctx.finding(
                        &table.name,
                        format!(
                            "{}.{} is {} with no length limit",
                            table.name.name, column.name, column.data_type
                        ),
                    )
                    .columns(&[&column.name])
                    .fix(length_check_fix(table, &column.name, max))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
