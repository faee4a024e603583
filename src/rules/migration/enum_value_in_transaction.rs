use super::finding;
use crate::model::QualifiedName;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TYPE ... ADD VALUE` inside a transaction on PostgreSQL before 12
    /// (set `--pg-version` / `pg_version`), and, on any version, a statement that uses
    /// a value added in the same transaction.
    ///
    /// ## Why is this bad?
    /// Before PostgreSQL 12 the statement fails inside a transaction block. On every
    /// version a new enum value cannot be used until the transaction that added it has
    /// committed: "unsafe use of new value".
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ALTER TYPE order_status ADD VALUE 'refunded';
    /// UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Add the value in a migration of its own, and use it in a later one.
    EnumValueInTransaction { id: "enum-value-in-transaction", summary: "Enum value added or used inside the adding transaction", evidence: Behaviour, kind: Migration }
}

impl Rule for EnumValueInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let file = ctx.event.file;
        if let Statement::AlterEnumAddValue { name, value, .. } = ctx.event.statement {
            if file.in_transaction() && ctx.pg_version < 12 {
                let q = QualifiedName::new(
                    name.schema.clone().unwrap_or_else(|| "public".into()),
                    name.name.clone(),
                );
                return vec![finding(ctx,
                    &q,
                    &format!("add-{value}"),
                    format!("ALTER TYPE {name} ADD VALUE '{value}' inside a transaction fails on PostgreSQL {}", ctx.pg_version),
                    format!(
                        "-- in its own migration that runs outside a transaction:\n{};",
                        ctx.event.sql.trim().trim_end_matches(';')
                    ),
                ).claims_refusal()];
            }
            return Vec::new();
        }
        if !file.in_transaction() {
            return Vec::new();
        }
        file.enum_values_added
            .iter()
            .filter(|(ty, value)| {
                ctx.event.sql.contains(&format!("'{value}'")) && uses_as_enum(ctx, ty)
            })
            .map(|(ty, value)| {
                finding(ctx,
                    ty,
                    &format!("use-{value}"),
                    format!("'{value}' was added to {ty} in this transaction and cannot be used before it commits"),
                    "-- use the new value in a later migration".into(),
                ).claims_refusal()
            })
            .collect()
    }
}

/// Whether the statement can take a literal as a value of enum `ty`: it casts to the
/// type, or names a column of that type. A literal compared with another literal
/// (`WHERE 'void' = 'void'`) is text, and PostgreSQL runs it (checked with `dblint
/// trace`): only a value of the enum type is "unsafe use of new value".
fn uses_as_enum(ctx: &MigrationContext, ty: &crate::model::QualifiedName) -> bool {
    let sql = ctx.event.sql.to_ascii_lowercase();
    let type_name = ty.name.to_ascii_lowercase();
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&type_name.as_str()) {
        return true;
    }
    ctx.event.db.tables.values().any(|t| {
        t.columns.iter().any(|c| {
            c.data_type.name.eq_ignore_ascii_case(&ty.name)
                && c.data_type.schema.as_deref().is_none_or(|s| s == ty.schema)
                && words.contains(&c.name.to_ascii_lowercase().as_str())
        })
    })
}
