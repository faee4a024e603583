use crate::finding::Finding;
use crate::rules::analysis::length_check_fix;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `suggested_length`: The length the fix proposes.
pub const SUGGESTED_LENGTH: OptionSpec = OptionSpec {
    name: "suggested_length",
    kind: OptionKind::Integer { min: 1 },
    default: r#"2000"#,
    doc: "The length the fix proposes.",
};

/// `columns`: Column names that hold user-facing text.
pub const COLUMNS: OptionSpec = OptionSpec {
    name: "columns",
    kind: OptionKind::Globs,
    default: r#"["name", "*_name", "*Name", "title", "description", "bio", "comment", "comments", "email", "subject", "message", "content", "body", "notes", "address"]"#,
    doc: "Column names that hold user-facing text.",
};

declare_rule! {
    /// ## What it does
    /// Opt-in. Flags `text` columns whose names say they hold
    /// user input (`columns` option: names, titles, descriptions, comments, bios,
    /// emails, ...) and that no CHECK bounds in length from above: `char_length(col)
    /// <= N` among the CHECK's AND terms (also `<`, `BETWEEN`, `length`,
    /// `octet_length`), on the table or the column's domain. A lower bound
    /// (`char_length(col) > 0`) or a limit under OR does not count. A `varchar`
    /// without a length is `unbounded-varchar`'s (one finding, and one CHECK, per
    /// column).
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
    TextWithoutLengthCheck { id: "text-without-length-check", summary: "User-facing text column without a length CHECK (opt-in)", evidence: Convention, options: [SUGGESTED_LENGTH, COLUMNS] }
}

impl Rule for TextWithoutLengthCheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let max = ctx.options.integer(&SUGGESTED_LENGTH);
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                if column.data_type.name != "text"
                    || column.data_type.is_array()
                    || !ctx.options.name_matches(&COLUMNS, &column.name)
                {
                    continue;
                }
                let bounded = crate::rules::analysis::length_limited(ctx.db, table, column);
                if bounded {
                    continue;
                }
                out.push(
                    ctx.finding(
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
