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
    /// columns whose domain is such a type, unless a CHECK on the table (or the
    /// domain's CHECK on `VALUE`) limits the length from above: `char_length(col) <=
    /// N` among its AND terms (also `<`, `BETWEEN`, `length`, `octet_length`). A lower
    /// bound (`char_length(col) > 0`) or a limit under OR does not count. PostgreSQL
    /// docs: "8.3. Character Types" (`character varying` without a length accepts
    /// strings of any size) and "5.4.1. Check Constraints".
    ///
    /// ## Why is this bad?
    /// An unbounded varchar is `text` under another name: it looks limited and is
    /// not, so user input of any size is accepted (a 50 MB "name" included). Rails'
    /// `string` and many hand-written schemas produce it. PostgreSQL itself documents
    /// it as a way to store strings of any length ("8.3. Character Types"), so this
    /// is hygiene, reported at `info`: state the limit where one exists.
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
    UnboundedVarchar { id: "unbounded-varchar", summary: "varchar column without a length", evidence: Structure, options: [SUGGESTED_LENGTH] }
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
                if crate::rules::analysis::length_limited(ctx.db, table, column) {
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
