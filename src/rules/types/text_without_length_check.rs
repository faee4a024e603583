use crate::finding::Finding;
use crate::rules::analysis::length_check_fix;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Opt-in. Flags `text` (and unbounded `varchar`) columns whose names say they hold
    /// user input (`columns` option: names, titles, descriptions, comments, bios,
    /// emails, ...) and that no CHECK bounds in length.
    ///
    /// ## Why is this bad?
    /// Whatever the application forgets to validate, the database stores: a
    /// megabyte-long display name breaks pages, e-mails and exports. A length CHECK is
    /// the last line of defence and documents the intended size.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE profiles (id bigint PRIMARY KEY, bio text);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE profiles ADD CONSTRAINT profiles_bio_length CHECK (char_length(bio) <= 2000) NOT VALID;
    /// ALTER TABLE profiles VALIDATE CONSTRAINT profiles_bio_length;
    /// ```
    TextWithoutLengthCheck { id: "text-without-length-check", summary: "User-facing text column without a length CHECK (opt-in)" }
}

impl Rule for TextWithoutLengthCheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let max = ctx.options.integer("suggested_length", 2000);
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                let textual =
                    column.data_type.name == "text" || column.data_type.is_unbounded_varchar();
                if !textual
                    || column.data_type.is_array()
                    || !ctx.options.name_matches("columns", &column.name)
                {
                    continue;
                }
                let bounded = table.checks.iter().any(|c| {
                    (c.expression.contains("length(") || c.expression.contains("char_length("))
                        && crate::rules::analysis::mentions_column(&c.expression, &column.name)
                });
                if bounded {
                    continue;
                }
                out.push(
                    Finding::new(
                        self.meta().id,
                        &table.name,
                        format!(
                            "{}.{} holds user input with no length limit",
                            table.name.name, column.name
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
